/** The orders module's public surface: other modules and the composition import from here only. */

// Application API: the module's factory, its ports' types and its events.
export { createOrdersModule, type OrdersModule } from './orders.module';
export type { StockReservations } from './application/order.repository';
export type { OrderEvents, OrderPlaced, OrderStatusChanged } from './domain/order.events';
export type { OrderStatus } from './domain/order-status';
export type { OrderLiveTopics } from './domain/order.live';

// Schema pieces the root mounts (GraphQL types and loaders other modules' resolvers extend).
export { OrderType } from './graphql/order.types';
export { OrderLoaders } from './graphql/order.loaders';
