import { randomUUID } from 'node:crypto';
import { requireAdmin, requireViewer } from '../../../platform/authorization';
import type { UnitOfWork } from '../../../platform/database/unit-of-work';
import { AppError, ForbiddenError, ValidationError } from '../../../platform/errors';
import type { EventPublisher } from '../../../platform/events';
import { isUuid } from '../../../platform/ids';
import { pageRequest, toPage, type Page } from '../../../platform/pagination';
import { isAdmin, type Viewer } from '../../../platform/viewer';
import { InsufficientStockError, ProductNotFoundError } from '../../catalog';
import {
  changeStatus,
  orderTotal,
  requestFingerprint,
  validateOrderRequest,
  type Order,
  type OrderItem,
  type OrderLine,
} from '../domain/order';
import { MixedCurrencyError, OrderIdempotencyKeyReusedError, OrderInsufficientStockError, OrderNotFoundError } from '../domain/order.errors';
import type { OrderEvents } from '../domain/order.events';
import type { OrderStatus } from '../domain/order-status';
import type { OrderFilter, OrderRepository, StockReservations } from './order.repository';

export interface PlaceOrderCommand {
  items: OrderLine[];
  idempotencyKey: string;
}

export interface OrderPage {
  page: Page<Order>;
  totalCount: () => Promise<number>;
}

/** Thrown inside the placing transaction to roll it back: the key already has an order. */
class IdempotencyKeyTaken extends Error {}

export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly stock: StockReservations,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventPublisher<OrderEvents>,
  ) {}

  /**
   * Reserves stock and writes a PENDING order in one transaction, then lets payment follow
   * through the OrderPlaced event. Idempotent per (customer, key): the same items return the
   * same order, other items fail with IDEMPOTENCY_KEY_REUSED.
   *
   * The key is taken by the order's own insert, the transaction's last statement, which COMMIT
   * follows in the same write: a placed order costs four statements in two round trips. A
   * repeated request therefore reserves stock before it finds the key taken; the failed insert
   * rolls that back, and one refused on the way (no stock left since the first one, say) rolls
   * back too, and both answer from the order the key already has.
   */
  async placeOrder(viewer: Viewer, command: PlaceOrderCommand): Promise<Order> {
    const customer = requireViewer(viewer);
    const problems = validateOrderRequest(command.items, command.idempotencyKey);
    command.items.forEach((line, index) => {
      if (!isUuid(line.productId)) problems.push({ path: `input.items.${index}.productId`, message: 'no such product' });
    });
    if (problems.length > 0) throw new ValidationError(problems);
    const fingerprint = requestFingerprint(command.items);

    try {
      return await this.unitOfWork.transaction(async () => {
        const items = await this.reserve(command.items);
        const total = orderTotal(items);
        const id = randomUUID();
        const placedAt = new Date();
        // Published before `place`, whose statement writes the transaction's jobs along.
        await this.events.publish('OrderPlaced', {
          orderId: id,
          customerId: customer.id,
          total,
          items: items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPriceAmount: i.unitPrice.amount })),
          placedAt: placedAt.toISOString(),
        });
        const placed = await this.unitOfWork.commitWith(() =>
          this.orders.place({ id, customerId: customer.id, idempotencyKey: command.idempotencyKey, requestHash: fingerprint, total, items, placedAt }),
        );
        if (!placed) throw new IdempotencyKeyTaken();
        return placed;
      });
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTaken || error instanceof AppError)) throw error;
      const existing = await this.orders.findByIdempotencyKey(customer.id, command.idempotencyKey);
      if (!existing) throw error instanceof IdempotencyKeyTaken ? new Error('idempotency key taken by a transaction that did not commit') : error;
      if (existing.requestHash !== fingerprint) throw new OrderIdempotencyKeyReusedError();
      return existing.order;
    }
  }

  async getOrder(viewer: Viewer, id: string): Promise<Order> {
    const actor = requireViewer(viewer);
    const order = isUuid(id) ? (await this.orders.findByIds([id]))[0] : undefined;
    if (!order || !(isAdmin(actor) || order.customerId === actor.id)) throw new OrderNotFoundError(id);
    return order;
  }

  /** Admins see every order; customers see their own. */
  listOrders(viewer: Viewer, status: OrderStatus | null | undefined, first?: number | null, after?: string | null): Promise<OrderPage> {
    const actor = requireViewer(viewer);
    return this.list(isAdmin(actor) ? { status } : { customerId: actor.id, status }, first, after);
  }

  /** User.orders: only the user themself and admins may read them. */
  listOrdersOf(
    viewer: Viewer,
    customerId: string,
    status: OrderStatus | null | undefined,
    first?: number | null,
    after?: string | null,
  ): Promise<OrderPage> {
    const actor = requireViewer(viewer);
    if (!isAdmin(actor) && actor.id !== customerId) {
      throw new ForbiddenError("Only the user themself and admins may read a user's orders", 'ORDER.NOT_YOURS');
    }
    return this.list({ customerId, status }, first, after);
  }

  /** For loaders: no permission check, callers have already established visibility. */
  findByIds(ids: readonly string[]): Promise<Order[]> {
    return this.orders.findByIds(ids.filter(isUuid));
  }

  itemsOf(orderIds: readonly string[]): Promise<Map<string, OrderItem[]>> {
    return this.orders.itemsOf(orderIds);
  }

  /** The customer or an admin; PENDING or PAID orders. Stock returns at once; a PAID order is refunded next. */
  async cancelOrder(viewer: Viewer, id: string): Promise<Order> {
    const actor = requireViewer(viewer);
    return this.transition(id, 'CANCELLED', {
      authorize: (order) => isAdmin(actor) || order.customerId === actor.id,
      reason: isAdmin(actor) ? 'cancelled by an admin' : 'cancelled by the customer',
    });
  }

  async fulfillOrder(viewer: Viewer, id: string): Promise<Order> {
    requireAdmin(viewer);
    return this.transition(id, 'FULFILLED', {});
  }

  /** The payment was captured. Not applied when the order moved on meanwhile (e.g. was cancelled). */
  markPaid(orderId: string): Promise<void> {
    return this.applyPaymentOutcome(orderId, 'PENDING', 'PAID');
  }

  /** The provider declined or kept failing: the order fails and its stock is released. */
  markPaymentFailed(orderId: string, reason: string): Promise<void> {
    return this.applyPaymentOutcome(orderId, 'PENDING', 'PAYMENT_FAILED', reason);
  }

  /** The refund of a cancelled, paid order went through. */
  markRefunded(orderId: string): Promise<void> {
    return this.applyPaymentOutcome(orderId, 'CANCELLED', 'REFUNDED');
  }

  private async applyPaymentOutcome(orderId: string, from: OrderStatus, to: OrderStatus, reason?: string): Promise<void> {
    await this.unitOfWork.transaction(async () => {
      const order = await this.orders.findForUpdate(orderId);
      if (order?.status === from) await this.move(order, to, reason);
    });
  }

  private async transition(
    id: string,
    to: OrderStatus,
    options: { authorize?: (order: Order) => boolean; reason?: string },
  ): Promise<Order> {
    if (!isUuid(id)) throw new OrderNotFoundError(id);
    return this.unitOfWork.transaction(async () => {
      const order = await this.orders.findForUpdate(id);
      if (!order || (options.authorize && !options.authorize(order))) throw new OrderNotFoundError(id);
      return this.move(order, to, options.reason);
    });
  }

  /** The domain decides the change of a locked order; this stores it, returns the stock it frees and publishes its event. */
  private async move(order: Order, to: OrderStatus, reason?: string): Promise<Order> {
    const change = changeStatus(order, to, reason);
    const updated = await this.orders.setStatus(order.id, change.to);
    if (change.releasesStock) {
      const items = (await this.orders.itemsOf([order.id])).get(order.id) ?? [];
      await this.stock.releaseStock(items.map((i) => ({ productId: i.productId, quantity: i.quantity })));
    }
    await this.events.publish('OrderStatusChanged', { ...change.event, at: updated.updatedAt.toISOString(), orderVersion: updated.version });
    return updated;
  }

  private async reserve(lines: readonly OrderLine[]): Promise<OrderItem[]> {
    let reserved;
    try {
      reserved = await this.stock.reserveStock(lines);
    } catch (error) {
      if (error instanceof ProductNotFoundError) {
        const index = lines.findIndex((l) => l.productId === error.productId);
        throw ValidationError.field(`input.items.${index}.productId`, 'no such product');
      }
      if (error instanceof InsufficientStockError) throw new OrderInsufficientStockError(error.productId, error.requested, error.available);
      throw error;
    }
    if (new Set(reserved.map((r) => r.unitPrice.currency)).size > 1) throw new MixedCurrencyError();
    return reserved.map((r) => ({ productId: r.productId, quantity: r.quantity, unitPrice: r.unitPrice }));
  }

  private async list(filter: OrderFilter, first?: number | null, after?: string | null): Promise<OrderPage> {
    const request = pageRequest(first, after);
    const rows = await this.orders.list(filter, request);
    return { page: toPage(rows, request), totalCount: () => this.orders.count(filter) };
  }
}
