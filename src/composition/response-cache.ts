// Owns the response cache's wiring: the policy table (who may share which type and field), which
// domain event drops which tags, and the store (Redis when configured, else process memory).
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import {
  entityTag,
  listTag,
  MemoryResponseStore,
  RedisResponseStore,
  ResponseCache,
  ResponseCacheInvalidator,
  type CachePolicyTable,
} from '../platform/cache';
import type { Config } from '../platform/config';
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
    // Attempts and refunds change a payment without an event of its own: never cached.
    Payment: { scope: 'NONE' },
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
};

/**
 * The event table's handler for one event: runs after the change committed (it is a job), ahead
 * of other jobs, and retries while the cache cannot be reached. A payment moving changes its
 * order's status, so `OrderStatusChanged` covers the nested `Payment` too.
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
  events.onCommitted(async (type, payloads) => {
    const tagsOf = INVALIDATED_BY[type as keyof AppEvents] as ((e: unknown) => string[]) | undefined;
    if (!tagsOf) return;
    await invalidator.invalidate(payloads.flatMap((payload) => tagsOf(payload))).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : error, event: type }, 'response cache: invalidation after commit failed; the event job retries it');
    });
  });
}

/** Redis when configured (shared by every instance), else the process's own bounded memory. */
export function createResponseCacheInvalidator(
  config: Config,
  redis: Redis | null,
  inProcessWorker: boolean,
  logger: Logger,
  metrics?: Metrics,
): ResponseCacheInvalidator | undefined {
  if (!config.responseCache.enabled) return undefined;
  if (!redis && !inProcessWorker) {
    // The events are handled by another process, which cannot reach this one's memory.
    logger.warn('response cache off: an API process without REDIS_URL and without its own worker would not see invalidations');
    return undefined;
  }
  const store = redis
    ? new RedisResponseStore(redis, config.redis.prefix, logger.child({ component: 'response-cache' }))
    : new MemoryResponseStore(config.responseCache.maxBytes);
  return new ResponseCacheInvalidator(store, metrics);
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
