import { requireViewer } from '../../../platform/authorization';
import type { EventHandler } from '../../../platform/events';
import type { LiveChannels } from '../../../platform/pubsub';
import { isAdmin, type Viewer } from '../../../platform/viewer';
import type { Order } from '../domain/order';
import type { OrderEvents } from '../domain/order.events';
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
   * Publishes the order as it was at the event, unless the order has changed since: a job
   * retried late (e.g. after a Redis outage) must not show subscribers an older status last.
   */
  async publish(snapshot: Order): Promise<void> {
    const [current] = await this.orders.findByIds([snapshot.id]);
    if (current && current.updatedAt.getTime() > snapshot.updatedAt.getTime()) return;
    await this.channels.publish('ORDER_UPDATED', orderChannels(snapshot), snapshot);
  }

  handlers(): [EventHandler<OrderEvents, 'OrderPlaced'>, EventHandler<OrderEvents, 'OrderStatusChanged'>] {
    return [
      {
        name: 'orders.live-on-order-placed',
        event: 'OrderPlaced',
        transactional: false,
        maxAttempts: LIVE_UPDATE_MAX_ATTEMPTS,
        queueName: (event) => `live-order:${event.orderId}`,
        handle: (event) => this.publish(snapshot(event, 'PENDING', event.placedAt)),
      },
      {
        name: 'orders.live-on-status-changed',
        event: 'OrderStatusChanged',
        transactional: false,
        maxAttempts: LIVE_UPDATE_MAX_ATTEMPTS,
        queueName: (event) => `live-order:${event.orderId}`,
        handle: (event) => this.publish(snapshot(event, event.to, event.at)),
      },
    ];
  }
}

/** The order as an event describes it, at the moment of that event. */
function snapshot(
  event: Pick<OrderEvents['OrderPlaced'], 'orderId' | 'customerId' | 'total' | 'placedAt'>,
  status: OrderStatus,
  at: string,
): Order {
  return {
    id: event.orderId,
    customerId: event.customerId,
    status,
    total: event.total,
    createdAt: new Date(event.placedAt),
    updatedAt: new Date(at),
  };
}
