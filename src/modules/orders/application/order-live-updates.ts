import { requireViewer } from '../../../platform/authorization';
import type { EventHandler } from '../../../platform/events';
import type { LiveChannels } from '../../../platform/pubsub';
import { isAdmin, type Viewer } from '../../../platform/viewer';
import type { Order } from '../domain/order';
import type { OrderEvents } from '../domain/order.events';
import { orderChannels, type OrderLiveTopics } from '../domain/order.live';
import type { OrderService } from './order.service';

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

  publish(order: Order): Promise<void> {
    return this.channels.publish('ORDER_UPDATED', orderChannels(order), order);
  }

  handlers(): [EventHandler<OrderEvents, 'OrderPlaced'>, EventHandler<OrderEvents, 'OrderStatusChanged'>] {
    return [
      {
        name: 'orders.live-on-order-placed',
        event: 'OrderPlaced',
        transactional: false,
        queueName: (event) => `live-order:${event.orderId}`,
        handle: (event) =>
          this.publish({
            id: event.orderId,
            customerId: event.customerId,
            status: 'PENDING',
            total: event.total,
            createdAt: new Date(event.placedAt),
            updatedAt: new Date(event.placedAt),
          }),
      },
      {
        name: 'orders.live-on-status-changed',
        event: 'OrderStatusChanged',
        transactional: false,
        queueName: (event) => `live-order:${event.orderId}`,
        handle: (event) =>
          this.publish({
            id: event.orderId,
            customerId: event.customerId,
            status: event.to,
            total: event.total,
            createdAt: new Date(event.placedAt),
            updatedAt: new Date(event.at),
          }),
      },
    ];
  }
}
