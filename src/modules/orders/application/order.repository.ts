import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { Money } from '../../../platform/money';
import type { Order, OrderItem } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

export interface OrderFilter {
  customerId?: string;
  status?: OrderStatus | null;
}

/** An order as placing writes it: priced items, their total, and the key that makes it idempotent. */
export interface NewOrder {
  id: string;
  customerId: string;
  idempotencyKey: string;
  requestHash: string;
  total: Money;
  items: readonly OrderItem[];
  placedAt: Date;
}

export interface OrderRepository {
  /**
   * Writes the order, its items and the jobs its transaction has enqueued, in one statement; or
   * writes nothing and returns null when (customer, key) is already taken, which has aborted the
   * transaction (the key's unique index refused the insert). A concurrent request with the same
   * key waits here until the first one commits or rolls back.
   */
  place(order: NewOrder): Promise<Order | null>;
  findByIdempotencyKey(customerId: string, idempotencyKey: string): Promise<{ order: Order; requestHash: string } | null>;
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
