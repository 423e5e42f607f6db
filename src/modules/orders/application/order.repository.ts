import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { Money } from '../../../platform/money';
import type { Order, OrderItem } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

export interface OrderFilter {
  customerId?: string;
  status?: OrderStatus | null;
}

/** An order's head, inserted when its idempotency key was claimed. */
export interface ClaimedOrder {
  id: string;
  createdAt: Date;
}

export interface OrderRepository {
  /**
   * Inserts the order's head for (customer, key), or returns null when the key is already
   * taken. A concurrent request with the same key waits here until the first one commits or
   * rolls back, so duplicates never reach the stock.
   */
  claimIdempotencyKey(customerId: string, idempotencyKey: string, requestHash: string): Promise<ClaimedOrder | null>;
  findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<{ order: Order; requestHash: string } | null>;
  /** Adds the priced items and the total to a claimed order. */
  complete(orderId: string, total: Money, items: readonly OrderItem[]): Promise<Order>;
  findByIds(ids: readonly string[]): Promise<Order[]>;
  /** Reads an order and locks it until the transaction ends: status changes are serialised. */
  findForUpdate(id: string): Promise<Order | null>;
  setStatus(id: string, status: OrderStatus): Promise<Order>;
  itemsOf(orderIds: readonly string[]): Promise<Map<string, OrderItem[]>>;
  list(filter: OrderFilter, page: PageRequest<CreatedAtKey>): Promise<Order[]>;
  count(filter: OrderFilter): Promise<number>;
}

/** What orders need of the catalog; the catalog module's service provides it. */
export interface StockReservations {
  reserveStock(lines: readonly { productId: string; quantity: number }[]): Promise<
    { productId: string; quantity: number; unitPrice: Money }[]
  >;
  releaseStock(lines: readonly { productId: string; quantity: number }[]): Promise<void>;
}
