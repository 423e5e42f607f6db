// Owns the response cache's wiring: the policy table (who may share which type and field), which
// domain event drops which tags, and the store (Redis when configured, else process memory
// with invalidations relayed over PostgreSQL LISTEN/NOTIFY).
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import {
  entityTag,
  listTag,
  MemoryResponseStore,
  PostgresInvalidationRelay,
  RedisResponseStore,
  RelayedMemoryStore,
  ResponseCache,
  ResponseCacheInvalidator,
  type CachePolicyTable,
} from '../platform/cache';
import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { EventBus, EventHandler } from '../platform/events';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import type { AppEvents, CacheInvalidation } from './event-table';

/**
 * Who may share a cached answer, per type and field of the schema. Catalog data and public
 * profile fields are the same for everyone; orders, payments, notifications, `me` and
 * emails depend on the viewer and are cached per viewer. A type missing here is never cached.
 */
export const RESPONSE_CACHE_POLICY: CachePolicyTable = {
  types: {
    Product: { scope: 'PUBLIC', entity: true },
    Review: { scope: 'PUBLIC', entity: true },
    User: { scope: 'PUBLIC', entity: true },
    Order: { scope: 'PRIVATE', entity: true, maxAgeSeconds: 120 },
    OrderItem: { scope: 'PRIVATE' },
    // Reached only through its order, whose tag PaymentChanged drops.
    Payment: { scope: 'PRIVATE' },
    Notification: { scope: 'PRIVATE', entity: true, maxAgeSeconds: 120 },
    Money: { inherit: true },
    PageInfo: { inherit: true },
    ProductConnection: { inherit: true },
    ProductEdge: { inherit: true },
    ReviewConnection: { inherit: true },
    ReviewEdge: { inherit: true },
    OrderConnection: { inherit: true },
    OrderEdge: { inherit: true },
    NotificationConnection: { inherit: true },
    NotificationEdge: { inherit: true },
    AuthPayload: { scope: 'NONE' },
    StockChange: { scope: 'NONE' },
  },
  fields: {
    'Query.me': { scope: 'PRIVATE' },
    'Query.order': { scope: 'PRIVATE' },
    'Query.orders': { scope: 'PRIVATE' },
    'Query.notifications': { scope: 'PRIVATE' },
    // Shown to the user themself and to admins only.
    'User.email': { scope: 'PRIVATE' },
    'User.orders': { scope: 'PRIVATE' },
  },
};

/**
 * Which cached answers each domain event makes stale. Nested lists are covered by their
 * parent's tag (a new review changes `Product:<id>`, a new order changes its customer's
 * `User:<id>`); top-level lists by `<Type>:list`.
 */
const INVALIDATED_BY: { [K in keyof AppEvents]?: (event: AppEvents[K]) => string[] } = {
  // Product lists too: their membership depends on stock (the inStock filter).
  StockChanged: (e) => [entityTag('Product', e.productId), listTag('Product')],
  ProductCreated: () => [listTag('Product')],
  ProductUpdated: (e) => [entityTag('Product', e.productId), listTag('Product')],
  ReviewAdded: (e) => [entityTag('Product', e.productId), entityTag('Review', e.reviewId)],
  OrderPlaced: (e) => [listTag('Order'), entityTag('User', e.customerId)],
  OrderStatusChanged: (e) => [entityTag('Order', e.orderId), listTag('Order'), entityTag('User', e.customerId)],
  NotificationCreated: () => [listTag('Notification')],
  PaymentChanged: (e) => [entityTag('Order', e.orderId)],
};

/**
 * The event table's handler for one event: runs after the change committed (it is a job), ahead
 * of other jobs, and retries while the cache cannot be reached.
 */
export function cacheInvalidationHandler(invalidator: ResponseCacheInvalidator): CacheInvalidation {
  return <K extends keyof AppEvents & string>(event: K): EventHandler<AppEvents[K]> => ({
    name: `response-cache.invalidate-on-${event}`,
    transactional: false,
    maxAttempts: 10,
    handle: async (payload) => {
      const tagsOf = INVALIDATED_BY[event] as ((e: AppEvents[K]) => string[]) | undefined;
      if (tagsOf) await invalidator.invalidate(tagsOf(payload));
    },
  });
}

/**
 * Right after a commit in the process that made the change, so the next read anywhere is fresh
 * within a Redis round trip; the event's job does it again, also after a crash or an outage.
 */
export function invalidateAfterCommit(events: EventBus<AppEvents>, invalidator: ResponseCacheInvalidator, logger: Logger): void {
  events.onCommitted(async (committed) => {
    const tags = committed.flatMap(({ type, payloads }) => {
      const tagsOf = INVALIDATED_BY[type as keyof AppEvents] as ((e: unknown) => string[]) | undefined;
      return tagsOf ? payloads.flatMap((payload) => tagsOf(payload)) : [];
    });
    if (tags.length === 0) return;
    await invalidator.invalidate([...new Set(tags)]).catch((error: unknown) => {
      logger.warn(
        { err: error instanceof Error ? error.message : error, events: committed.map((e) => e.type) },
        'response cache: invalidation after commit failed; the event jobs retry it',
      );
    });
  });
}

/** The invalidation side of the cache, and how to let go of its connection at shutdown. */
export interface ResponseCacheRuntime {
  invalidator: ResponseCacheInvalidator;
  close(): Promise<void>;
}

/**
 * Redis when configured (shared by every instance); otherwise each process's own bounded memory,
 * with invalidations carried between processes by PostgreSQL LISTEN/NOTIFY, so an API without
 * Redis still hears what a worker or another instance changed.
 */
export async function createResponseCacheInvalidator(options: {
  config: Config;
  redis: Redis | null;
  database: Database;
  databaseUrl: string;
  logger: Logger;
  metrics?: Metrics;
}): Promise<ResponseCacheRuntime | undefined> {
  const { config, redis, database, logger, metrics } = options;
  if (!config.responseCache.enabled) return undefined;
  const cacheLogger = logger.child({ component: 'response-cache' });
  if (redis) {
    return { invalidator: new ResponseCacheInvalidator(new RedisResponseStore(redis, config.redis.prefix, cacheLogger), metrics), close: async () => undefined };
  }
  const relay = new PostgresInvalidationRelay({
    connectionString: options.databaseUrl,
    notify: (channel, payload) => database.sql('SELECT pg_notify($1, $2)', [channel, payload]).then(() => undefined),
    logger: cacheLogger,
  });
  const store = new RelayedMemoryStore(new MemoryResponseStore(config.responseCache.maxBytes), relay);
  await store.start();
  return { invalidator: new ResponseCacheInvalidator(store, metrics), close: () => store.stop() };
}

export function createResponseCache(
  config: Config,
  schema: GraphQLSchema,
  invalidator: ResponseCacheInvalidator,
  logger: Logger,
  metrics?: Metrics,
): ResponseCache {
  const settings = config.responseCache;
  return new ResponseCache(
    schema,
    RESPONSE_CACHE_POLICY,
    invalidator,
    {
      defaultMaxAgeSeconds: settings.defaultTtlSeconds,
      typeMaxAgeSeconds: settings.typeTtlSeconds,
      httpMaxAgeSeconds: settings.httpMaxAgeSeconds,
      httpStaleWhileRevalidateSeconds: settings.httpStaleWhileRevalidateSeconds,
    },
    logger,
    metrics,
  );
}
