import type { Database } from '../../platform/database';
import type { JobQueue } from '../../platform/jobs';
import type { EventPublisher } from '../../platform/events';
import type { LiveChannels } from '../../platform/pubsub';
import { OrderLiveUpdates } from './application/order-live-updates';
import type { OrderLiveTopics } from './domain/order.live';
import { orderSubscriptionResolver } from './graphql/order-subscription.resolver';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import type { StockReservations } from './application/order.repository';
import { OrderService } from './application/order.service';
import type { OrderEvents } from './domain/order.events';
import { OrderLoaders } from './graphql/order.loaders';
import { OrderItemResolver, OrderResolver, UserOrdersResolver } from './graphql/order.resolver';
import { TypeOrmOrderRepository } from './infrastructure/typeorm-order.repository';

export interface OrdersModule {
  service: OrderService;
  resolvers: Map<ResolverClass, object>;
  eventHandlers: ReturnType<OrderLiveUpdates['handlers']>;
  registerLoaders(loaders: LoaderFactories): void;
}

export function createOrdersModule(deps: {
  database: Database;
  /** The outbox the order repository writes a placed order's jobs from (one statement fewer). */
  jobs: JobQueue;
  stock: StockReservations;
  events: EventPublisher<OrderEvents>;
  live: LiveChannels<OrderLiveTopics>;
}): OrdersModule {
  const service = new OrderService(new TypeOrmOrderRepository(deps.database, deps.jobs), deps.stock, deps.database, deps.events);
  const live = new OrderLiveUpdates(service, deps.live);
  const SubscriptionResolver = orderSubscriptionResolver(live);
  return {
    service,
    resolvers: new Map<ResolverClass, object>([
      [OrderResolver, new OrderResolver(service)],
      [OrderItemResolver, new OrderItemResolver()],
      [UserOrdersResolver, new UserOrdersResolver(service)],
      [SubscriptionResolver, new SubscriptionResolver()],
    ]),
    eventHandlers: live.handlers(),
    registerLoaders: (loaders) => loaders.register(OrderLoaders, (_viewer, observe) => new OrderLoaders(service, observe)),
  };
}
