// Owns the runtime of a process: the connection pool (and its metrics), Redis for limits and
// caches, live pub/sub, readiness checks, starting the API and the job worker, and shutdown order.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Config } from '../platform/config';
import { connectDatabasePool, Database, QueryObserver } from '../platform/database';
import type { ReadinessCheck } from '../platform/http/health';
import { startJobWorker, type JobWorker } from '../platform/jobs';
import type { Logger } from '../platform/logger';
import { Metrics } from '../platform/metrics';
import { createLivePubSub, type LivePubSub } from '../platform/pubsub';
import { createRedisClient } from '../platform/redis';
import type { Adapters } from './adapters';
import { createApiServer, type ApiServer } from './api';
import { composeApplication, type AppLiveTopics, type Application } from './modules';
import { createRateLimits } from './rate-limits';
import { createResponseCacheInvalidator } from './response-cache';

export interface Runtime {
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
  pubsub: LivePubSub<AppLiveTopics>;
  redis: Redis | null;
  database: Database;
  queries: QueryObserver;
  application: Application;
  /** Builds the API (GraphQL over HTTP) on this runtime. */
  startApi(): Promise<ApiServer>;
  /** Starts a job worker on this runtime. */
  startWorker(): Promise<JobWorker>;
  close(): Promise<void>;
}

/** A connected pool; the caller closes `database`. */
export async function connectDatabase(options: {
  url: string;
  poolSize: number;
  logger: Logger;
  metrics?: Metrics;
}): Promise<{ database: Database; queries: QueryObserver }> {
  const { metrics, logger } = options;
  const queries = new QueryObserver(
    logger.child({ component: 'sql' }),
    metrics ? (statement, seconds, success) => metrics.dbQueryDuration.observe({ statement, outcome: success ? 'ok' : 'error' }, seconds) : undefined,
  );
  const pool = await connectDatabasePool({
    url: options.url,
    poolSize: options.poolSize,
    onError: (error) => logger.warn({ err: error.message }, 'a database connection failed; the pool replaces it'),
  });
  const database = new Database(pool, {
    queries,
    slowStatementMs: SLOW_STATEMENT_MS,
    conflictRetry: { onRetry: metrics ? (sqlstate) => metrics.dbTransactionRetries.inc({ sqlstate }) : undefined },
  });
  if (metrics) observePool(database, metrics);
  return { database, queries };
}

/** Statements slower than this are logged with their text. */
const SLOW_STATEMENT_MS = 1_000;

function observePool(database: Database, metrics: Metrics): void {
  metrics.onCollect(() => {
    const pool = database.pool;
    metrics.dbPoolConnections.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    metrics.dbPoolConnections.set({ state: 'idle' }, pool.idleCount);
    metrics.dbPoolConnections.set({ state: 'waiting' }, pool.waitingCount);
  });
}

function readinessChecks(config: Config, database: Database, pubsub: LivePubSub<AppLiveTopics>): ReadinessCheck[] {
  return [
    { name: 'postgres', check: () => database.ping() },
    { name: 'job-queue', check: () => database.sql('SELECT 1 FROM graphile_worker.jobs LIMIT 1').then(() => undefined) },
    ...(pubsub.redis
      ? [{ name: 'redis', critical: config.readiness.redisCritical, check: () => pubsub.redis!.publisher.ping().then(() => undefined) }]
      : []),
  ];
}

/** A connection pool and the composed application: what an API process and a worker share. */
export async function createRuntime(options: {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  adapters: Adapters;
  metrics?: Metrics;
}): Promise<Runtime> {
  const { config, logger, databaseUrl } = options;
  const metrics = options.metrics ?? new Metrics();
  metrics.circuitState.set({ integration: 'payment-gateway' }, 0);
  const { database, queries } = await connectDatabase({ url: databaseUrl, poolSize: config.database.poolSize, logger, metrics });
  const pubsub = createLivePubSub<AppLiveTopics>({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    logger,
    // Once per subscriber per event: the counter finds its series with one map lookup.
    onMessage: (direction, topic) => metrics.pubsubMessages.inc({ direction, topic }),
  });
  // Rate limits and the persisted-query cache: a client that fails fast when Redis is away, so
  // the limiters fall back to memory instead of waiting.
  const redis = config.redis.url ? createRedisClient(config.redis.url, 'cache', logger, { failFast: true }) : null;
  // Start with the connection up when Redis is there, but never wait long for it: without it the
  // limits count in memory and persisted queries are re-sent in full.
  if (redis) {
    // Whichever loses is cancelled: a pending 2 s timer would hold a stopping process (and Jest) open.
    const settled = new AbortController();
    await Promise.race([once(redis, 'ready', { signal: settled.signal }), sleep(2_000, undefined, { signal: settled.signal })]).catch(() => undefined);
    settled.abort();
  }
  const cache = await createResponseCacheInvalidator({ config, redis, database, databaseUrl, logger, metrics });
  const responseCache = cache?.invalidator;
  const application = composeApplication({
    database,
    config,
    logger,
    adapters: options.adapters,
    live: pubsub.channels,
    limits: createRateLimits(config, redis, metrics),
    responseCache,
    metrics,
  });
  // Other instances' user changes (role, revoked tokens, deletion) invalidate this one's cache.
  await application.modules.users.changes.start();
  const checks = readinessChecks(config, database, pubsub);
  const stoppers: (() => Promise<void>)[] = [];

  return {
    metrics,
    readinessChecks: checks,
    pubsub,
    redis,
    database,
    queries,
    application,
    startApi: async () => {
      const api = await createApiServer({ config, logger, application, redis, metrics, readinessChecks: checks, responseCache });
      stoppers.push(() => api.close());
      return api;
    },
    startWorker: async () => {
      const worker = await startJobWorker({
        connectionString: databaseUrl,
        handlers: application.jobHandlers,
        logger,
        concurrency: config.worker.concurrency,
        pollIntervalMs: config.worker.pollIntervalMs,
        heartbeatMs: config.worker.heartbeatMs,
        deadAfterMs: config.worker.deadAfterMs,
        metrics,
      });
      stoppers.push(() => worker.stop());
      return worker;
    },
    close: async () => {
      // API first (no new work), then the worker finishes its jobs, then the pool closes.
      for (const stop of stoppers) await stop();
      await application.modules.users.changes.stop();
      await cache?.close();
      await pubsub.close();
      redis?.disconnect();
      await database.close();
    },
  };
}
