import { requireViewer } from '../../../platform/authorization';
import type { EventHandler, HandlerContext } from '../../../platform/events';
import type { LiveChannels } from '../../../platform/pubsub';
import { isAdmin, type Viewer } from '../../../platform/viewer';
import { PLACED_ORDER_VERSION, type Order } from '../domain/order';
import type { OrderPlaced, OrderStatusChanged } from '../domain/order.events';
import type { OrderStatus } from '../domain/order-status';
import { orderChannels, type OrderLiveTopics } from '../domain/order.live';
import type { OrderService } from './order.service';

/** Live updates give up sooner than business jobs: a very late status helps nobody. */
const LIVE_UPDATE_MAX_ATTEMPTS = 5;

/**
 * orderUpdated: publishes order changes after they commit (from the worker's event jobs) and
 * opens subscriptions with the same visibility rules as queries.
 */
export class OrderLiveUpdates {
  constructor(
    private readonly orders: OrderService,
    private readonly channels: LiveChannels<OrderLiveTopics>,
  ) {}

  /** Anonymous: UNAUTHENTICATED. With an id, that order (NOT_FOUND unless yours or you are an admin). */
  async subscribe(viewer: Viewer, orderId?: string | null): Promise<AsyncIterableIterator<Order>> {
    const actor = requireViewer(viewer);
    if (orderId) {
      const order = await this.orders.getOrder(viewer, orderId);
      return this.channels.subscribe('ORDER_UPDATED', [`order:${order.id}`]);
    }
    return this.channels.subscribe('ORDER_UPDATED', [isAdmin(actor) ? 'all' : `customer:${actor.id}`]);
  }

  /**
   * On its first attempt a job publishes the order as it was at its event: the per-order job
   * queue runs those in order, so subscribers see PENDING then PAID. A retried job (e.g. after a
   * Redis outage) may run after newer ones, so it publishes the order as it is now instead, and
   * the last status a subscriber sees is never an older one. Either way the message carries the
   * version of the state it shows, so a repeated delivery repeats the version and a client drops it.
   * (`snapshot` is null when the event did not record the version: the order as it is now, too.)
   */
  async publish(orderId: string, snapshot: Order | null, context: HandlerContext): Promise<void> {
    const order = context.attempt > 1 || !snapshot ? (await this.orders.findByIds([orderId]))[0] : snapshot;
    if (order) await this.channels.publish('ORDER_UPDATED', orderChannels(order), order);
  }

  /** Both run in the order's queue (the event table), so first attempts publish in order. */
  handlers(): { liveOnOrderPlaced: EventHandler<OrderPlaced>; liveOnStatusChanged: EventHandler<OrderStatusChanged> } {
    return {
      liveOnOrderPlaced: {
        name: 'orders.live-on-order-placed',
        transactional: false,
        maxAttempts: LIVE_UPDATE_MAX_ATTEMPTS,
        handle: (event, context) => this.publish(event.orderId, snapshot(event, 'PENDING', PLACED_ORDER_VERSION, event.placedAt), context),
      },
      liveOnStatusChanged: {
        name: 'orders.live-on-status-changed',
        transactional: false,
        maxAttempts: LIVE_UPDATE_MAX_ATTEMPTS,
        handle: (event, context) =>
          this.publish(event.orderId, event.orderVersion === null ? null : snapshot(event, event.to, event.orderVersion, event.at), context),
      },
    };
  }
}

/** The order as an event describes it, at the moment of that event. */
function snapshot(
  event: Pick<OrderPlaced, 'orderId' | 'customerId' | 'total' | 'placedAt'>,
  status: OrderStatus,
  version: number,
  at: string,
): Order {
  return {
    id: event.orderId,
    customerId: event.customerId,
    status,
    total: event.total,
    version,
    createdAt: new Date(event.placedAt),
    updatedAt: new Date(at),
  };
}
