// Owns the module wiring: which module gets which dependency, subscribing the event table, the
// resolver and loader registries and the job handlers. Builds no connections of its own.
import { createAnalyticsModule } from '../modules/analytics';
import { createCatalogModule, type CatalogLiveTopics, type CatalogModule } from '../modules/catalog';
import {
  createNotificationsModule,
  type NotificationLiveTopics,
  type NotificationsModule,
} from '../modules/notifications';
import { createOrdersModule, type OrderLiveTopics, type OrdersModule } from '../modules/orders';
import { createPaymentsModule, type OrderPayments, type PaymentsModule } from '../modules/payments';
import { createUsersModule, type UserLiveTopics, type UsersModule } from '../modules/users';
import type { Config } from '../platform/config';
import { Database } from '../platform/database';
import { EventBus, eventJobHandlers } from '../platform/events';
import { LoaderFactories } from '../platform/graphql/loader-registry';
import type { ResolverClass } from '../platform/graphql/schema';
import { PostgresJobQueue, type JobHandler } from '../platform/jobs';
import { createLogger, type Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { createLivePubSub, type LiveChannels } from '../platform/pubsub';
import { detachedAdapters, type Adapters } from './adapters';
import { EVENT_VERSIONS, eventSubscriptions, type AppEvents } from './event-table';
import { createRateLimits, type RateLimits } from './rate-limits';
import { cacheInvalidationHandler, invalidateAfterCommit } from './response-cache';
import type { ResponseCacheInvalidator } from '../platform/cache';

/** Every live-update topic, from every module. */
export type AppLiveTopics = OrderLiveTopics & CatalogLiveTopics & NotificationLiveTopics & UserLiveTopics;

export interface Modules {
  users: UsersModule;
  catalog: CatalogModule;
  orders: OrdersModule;
  payments: PaymentsModule;
  notifications: NotificationsModule;
}

export interface Application {
  modules: Modules;
  limits: RateLimits;
  events: EventBus<AppEvents>;
  resolvers: Map<ResolverClass, object>;
  loaders: LoaderFactories;
  /** What a worker process runs: one job per event handler, plus plain jobs. */
  jobHandlers: Map<string, JobHandler>;
}

function tokenSettings(config: Config) {
  const { jwtSecret, jwtIssuer, jwtAudience, tokenTtlSeconds } = config.auth;
  return { secret: jwtSecret, issuer: jwtIssuer, audience: jwtAudience, ttlSeconds: tokenTtlSeconds };
}

/** Payments' port to orders, implemented with the orders module's public API. */
function orderPayments(orders: OrdersModule): OrderPayments {
  return {
    statusOf: async (orderId) => (await orders.service.findByIds([orderId]))[0]?.status ?? null,
    markPaid: (orderId) => orders.service.markPaid(orderId),
    markPaymentFailed: (orderId, reason) => orders.service.markPaymentFailed(orderId, reason),
    markRefunded: (orderId) => orders.service.markRefunded(orderId),
  };
}

/** The one place modules are wired together. */
export function composeApplication(deps: {
  database: Database;
  config: Config;
  logger: Logger;
  adapters: Adapters;
  live: LiveChannels<AppLiveTopics>;
  limits: RateLimits;
  metrics?: Metrics;
  /** The response cache's invalidation side, when the cache is on. */
  responseCache?: ResponseCacheInvalidator;
}): Application {
  const { database, config, logger, adapters, live, limits, metrics } = deps;
  const jobs = new PostgresJobQueue(database, (task) => metrics?.jobsEnqueued.inc({ task }));
  const events = new EventBus<AppEvents>(database, jobs, logger, EVENT_VERSIONS);

  const users = createUsersModule({
    database,
    tokens: tokenSettings(config),
    limits: limits.users,
    live,
    accountCache: { ttlMs: config.auth.accountCacheTtlSeconds * 1000, maxEntries: 10_000 },
    onPublishError: (error) => logger.warn({ err: error }, 'user change not published to other instances'),
  });
  const catalog = createCatalogModule({ database, events, live });
  const orders = createOrdersModule({ database, jobs, stock: catalog.service, events, live });
  const payments = createPaymentsModule({
    database,
    gateway: adapters.gateway,
    orders: orderPayments(orders),
    events,
    jobMaxAttempts: config.payments.jobMaxAttempts,
  });
  const notifications = createNotificationsModule({ database, users: users.service, email: adapters.email, jobs, events, live });
  const analytics = createAnalyticsModule({ database });

  const invalidate = deps.responseCache && cacheInvalidationHandler(deps.responseCache);
  for (const subscription of eventSubscriptions({ catalog, orders, payments, notifications, analytics }, invalidate)) events.subscribe(subscription);
  if (deps.responseCache) invalidateAfterCommit(events, deps.responseCache, logger);

  const loaders = new LoaderFactories((loader, size) => metrics?.dataloaderBatchSize.observe({ loader }, size));
  for (const module of [users, catalog, orders, payments, notifications]) module.registerLoaders(loaders);

  return {
    modules: { users, catalog, orders, payments, notifications },
    limits,
    events,
    resolvers: new Map<ResolverClass, object>([
      ...users.resolvers,
      ...catalog.resolvers,
      ...orders.resolvers,
      ...payments.resolvers,
      ...notifications.resolvers,
    ]),
    loaders,
    jobHandlers: new Map([...eventJobHandlers(events.allSubscriptions, EVENT_VERSIONS, database), ...notifications.jobHandlers]),
  };
}

/**
 * The application for a one-off task outside a server (CLIs, emitting the schema): the same
 * wiring, with in-process live updates, in-memory rate limits and no payment provider or email.
 * Without a database it is not connected at all: enough to build the schema, never to query.
 */
export function composeDetachedApplication(options: {
  config: Config;
  database?: Database;
  logger?: Logger;
  /** Live channels to publish on (e.g. Redis, so running servers learn of a user change); in-process otherwise. */
  live?: LiveChannels<AppLiveTopics>;
}): Application {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  return composeApplication({
    database: options.database ?? new Database(null),
    config: options.config,
    logger,
    adapters: detachedAdapters(),
    live: options.live ?? createLivePubSub<AppLiveTopics>({ redisUrl: undefined, prefix: '', logger }).channels,
    limits: createRateLimits(options.config, null),
  });
}
