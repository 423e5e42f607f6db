import { Redis } from 'ioredis';
import type { Logger } from './logger';

/**
 * An ioredis client that reconnects on its own. `failFast` clients (rate limits, caches) do not
 * queue commands while disconnected: their callers fall back at once instead of waiting.
 */
export function createRedisClient(url: string, role: string, logger: Logger, options: { failFast?: boolean } = {}): Redis {
  const client = new Redis(url, {
    connectionName: `storefront-graph-${role}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    maxRetriesPerRequest: options.failFast ? 0 : 3,
    enableOfflineQueue: !options.failFast,
    // A Redis that hangs (connected, not answering) must fail fast too, or every limited request
    // would wait on it; a timed-out command sends the limiters to their in-memory insurance.
    ...(options.failFast ? { commandTimeout: 500 } : {}),
  });
  const log = logger.child({ component: 'redis', role });
  client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  return client;
}
