// Owns the event table: every event the application publishes, the payload versions a queued job
// may still carry, and every handler with its queue, priority and filter. The worker registers
// its event jobs from here, so "what happens after OrderPlaced" is read in this file alone
// (docs/adr/0008-event-table.md).
import type { AnalyticsModule } from '../modules/analytics';
import type { CatalogEvents, CatalogModule } from '../modules/catalog';
import type { NotificationEvents, NotificationsModule } from '../modules/notifications';
import type { OrderEvents, OrdersModule } from '../modules/orders';
import type { PaymentsModule } from '../modules/payments';
import { fromUnstamped, type EventSubscription, type EventVersionTable } from '../platform/events';

/** Every domain event of the application, from every module. */
export type AppEvents = CatalogEvents & OrderEvents & NotificationEvents;

/**
 * Versions that can still be queued. Version 1: enqueued before payloads carried their name and
 * version. Drop an upgrade only once no job of that version can be left (the longest retry
 * schedule, 25 attempts, spans about three days, plus whatever waits in the dead letters).
 */
export const EVENT_VERSIONS: EventVersionTable<AppEvents> = {
  OrderPlaced: { current: 2, upgrade: { 1: fromUnstamped } },
  OrderStatusChanged: { current: 2, upgrade: { 1: fromUnstamped } },
  StockChanged: { current: 2, upgrade: { 1: fromUnstamped } },
  NotificationCreated: { current: 2, upgrade: { 1: fromUnstamped } },
};

/** Money first: captures and refunds run before notifications and live updates queued earlier. */
const MONEY_FIRST = -10;

const orderQueue = (event: { orderId: string }) => `live-order:${event.orderId}`;
const productQueue = (event: { productId: string }) => `live-stock:${event.productId}`;

/**
 * One line per handler. Handlers of one event run as separate jobs, concurrently unless a
 * priority or a shared queue orders them; a queue runs its jobs one at a time in enqueue order.
 */
export function eventSubscriptions(modules: {
  catalog: CatalogModule;
  orders: OrdersModule;
  payments: PaymentsModule;
  notifications: NotificationsModule;
  analytics: AnalyticsModule;
}): EventSubscription<AppEvents>[] {
  const { catalog, orders, payments, notifications, analytics } = modules;
  return [
    { event: 'OrderPlaced', handler: payments.eventHandlers.captureOnOrderPlaced, priority: MONEY_FIRST },
    { event: 'OrderPlaced', handler: notifications.eventHandlers.onOrderPlaced },
    { event: 'OrderPlaced', handler: orders.eventHandlers.liveOnOrderPlaced, queueName: orderQueue },
    { event: 'OrderPlaced', handler: analytics.eventHandlers.recordOrderPlaced },

    { event: 'OrderStatusChanged', handler: payments.eventHandlers.refundOnOrderCancelled, priority: MONEY_FIRST, accepts: (e) => e.to === 'CANCELLED' },
    { event: 'OrderStatusChanged', handler: notifications.eventHandlers.onOrderStatusChanged },
    { event: 'OrderStatusChanged', handler: orders.eventHandlers.liveOnStatusChanged, queueName: orderQueue },

    { event: 'StockChanged', handler: catalog.eventHandlers.liveOnStockChanged, queueName: productQueue },

    { event: 'NotificationCreated', handler: notifications.eventHandlers.liveOnNotificationCreated },
  ];
}
