/** The orders module's public surface: other modules import from here only. */
export { createOrdersModule, type OrdersModule } from './orders.module';
export type { OrderService, PaymentOutcome } from './application/order.service';
export type { Order } from './domain/order';
export type { OrderEvents } from './domain/order.events';
export type { OrderStatus } from './domain/order-status';
export { OrderType } from './graphql/order.types';
export { OrderLoaders } from './graphql/order.loaders';
export type { OrderLiveTopics } from './domain/order.live';
