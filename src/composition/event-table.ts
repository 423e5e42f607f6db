// Owns the event table: every event the application publishes, the payload versions a queued job
// may still carry, and every handler with its queue, priority and filter. The worker registers
// its event jobs from here, so "what happens after OrderPlaced" is read in this file alone
// (docs/adr/0008-event-table.md).
import type { AnalyticsModule } from '../modules/analytics';
import type { CatalogEvents, CatalogModule } from '../modules/catalog';
import type { NotificationEvents, NotificationsModule } from '../modules/notifications';
import type { OrderEvents, OrdersModule } from '../modules/orders';
import type { PaymentEvents, PaymentsModule } from '../modules/payments';
import { fromUnstamped, withField, type EventHandler, type EventSubscription, type EventVersionTable } from '../platform/events';

/** Every domain event of the application, from every module. */
export type AppEvents = CatalogEvents & OrderEvents & PaymentEvents & NotificationEvents;

/**
 * Versions that can still be queued. Version 1: enqueued before payloads carried their name and
 * version. Version 3 of OrderStatusChanged and StockChanged: the order's or product's version
 * after the change (null on older jobs: their live update publishes the current state). Drop an upgrade only once no job of that version can be left (the longest retry
 * schedule, 25 attempts, spans about three days, plus whatever waits in the dead letters).
 */
export const EVENT_VERSIONS: EventVersionTable<AppEvents> = {
  OrderPlaced: { current: 2, upgrade: { 1: fromUnstamped } },
  OrderStatusChanged: { current: 3, upgrade: { 1: fromUnstamped, 2: withField('orderVersion', null) } },
  StockChanged: { current: 3, upgrade: { 1: fromUnstamped, 2: withField('productVersion', null) } },
  // Published stamped from their first release: no older version exists.
  ProductCreated: { current: 2, upgrade: {} },
  ProductUpdated: { current: 2, upgrade: {} },
  ReviewAdded: { current: 2, upgrade: {} },
  PaymentChanged: { current: 2, upgrade: {} },
  NotificationCreated: { current: 2, upgrade: { 1: fromUnstamped } },
};

/** Money first: captures and refunds run before notifications and live updates queued earlier. */
const MONEY_FIRST = -10;

/** The response cache's handler for an event: drops the cached answers the event made stale. */
export type CacheInvalidation = <K extends keyof AppEvents & string>(event: K) => EventHandler<AppEvents[K]>;

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
}, invalidateCache?: CacheInvalidation): EventSubscription<AppEvents>[] {
  const { catalog, orders, payments, notifications, analytics } = modules;
  // The cache's lines run first (as money does): a read after the event must not be stale.
  const cache: EventSubscription<AppEvents>[] = invalidateCache
    ? [
        { event: 'OrderPlaced', handler: invalidateCache('OrderPlaced'), priority: MONEY_FIRST },
        { event: 'OrderStatusChanged', handler: invalidateCache('OrderStatusChanged'), priority: MONEY_FIRST },
        { event: 'StockChanged', handler: invalidateCache('StockChanged'), priority: MONEY_FIRST },
        { event: 'ProductCreated', handler: invalidateCache('ProductCreated'), priority: MONEY_FIRST },
        { event: 'ProductUpdated', handler: invalidateCache('ProductUpdated'), priority: MONEY_FIRST },
        { event: 'ReviewAdded', handler: invalidateCache('ReviewAdded'), priority: MONEY_FIRST },
        { event: 'NotificationCreated', handler: invalidateCache('NotificationCreated'), priority: MONEY_FIRST },
        { event: 'PaymentChanged', handler: invalidateCache('PaymentChanged'), priority: MONEY_FIRST },
      ]
    : [];
  return [
    ...cache,
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
