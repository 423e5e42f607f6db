import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics, one registry per process (no global default registry), so
 * tests can run several apps side by side. Gauges that mirror other state (pool, sockets, queue
 * lag) are sampled when /metrics is scraped, through `onCollect`.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, path and status',
    labelNames: ['method', 'path', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'path', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by name, type, transport and outcome',
    labelNames: ['operation', 'type', 'transport', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration (HTTP), from parsing to response',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors returned to clients, by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly dataloaderBatchSize = new Histogram({
    name: 'dataloader_batch_size',
    help: 'Keys per DataLoader batch',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 250],
    registers: [this.registry],
  });
  readonly dbPoolConnections = new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool connections by state (in_use, idle, waiting clients)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly dbQueryDuration = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'SQL statement duration by leading keyword and outcome',
    labelNames: ['statement', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly dbTransactionRetries = new Counter({
    name: 'db_transaction_retries_total',
    help: 'Transactions run again after PostgreSQL aborted them for a conflict, by SQLSTATE (40001, 40P01)',
    labelNames: ['sqlstate'] as const,
    registers: [this.registry],
  });
  readonly jobsEnqueued = new Counter({
    name: 'jobs_enqueued_total',
    help: 'Jobs enqueued by task (in transactions that may still roll back)',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });
  readonly jobsCompleted = new Counter({
    name: 'jobs_completed_total',
    help: 'Jobs completed by task',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });
  readonly jobsFailed = new Counter({
    name: 'jobs_failed_total',
    help: 'Job attempts that failed and will be retried, by task',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });
  readonly jobsDeadLettered = new Counter({
    name: 'jobs_dead_lettered_total',
    help: 'Jobs that used up their attempts, by task',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });
  readonly jobQueueLag = new Gauge({
    name: 'job_queue_lag_seconds',
    help: 'Age of the oldest job that is ready to run and not yet taken',
    registers: [this.registry],
  });
  readonly wsConnections = new Gauge({
    name: 'websocket_connections',
    help: 'Open GraphQL WebSocket connections',
    registers: [this.registry],
  });
  readonly wsDroppedMessages = new Counter({
    name: 'websocket_dropped_messages_total',
    help: 'Live updates dropped because a client read slower than they were sent',
    registers: [this.registry],
  });
  readonly activeSubscriptions = new Gauge({
    name: 'graphql_active_subscriptions',
    help: 'Subscription operations currently streaming',
    registers: [this.registry],
  });
  readonly pubsubMessages = new Counter({
    name: 'pubsub_messages_total',
    help: 'Live-update messages published (out) and delivered to local subscribers (in), by topic',
    labelNames: ['direction', 'topic'] as const,
    registers: [this.registry],
  });
  readonly circuitState = new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state per integration: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['integration'] as const,
    registers: [this.registry],
  });
  readonly rateLimitRejections = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly responseCacheRequests = new Counter({
    name: 'response_cache_requests_total',
    help: 'Cacheable queries by cache result: hit, miss, or bypass (the cache was unavailable)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly responseCacheInvalidations = new Counter({
    name: 'response_cache_invalidations_total',
    help: 'Cache tags invalidated (each tag of each invalidation counts once)',
    registers: [this.registry],
  });
  readonly responseCacheSize = new Gauge({
    name: 'response_cache_size',
    help: 'Size of the response cache: bytes in process memory, or entries in Redis',
    labelNames: ['unit'] as const,
    registers: [this.registry],
  });

  private readonly collectors: (() => Promise<void> | void)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Samples state kept elsewhere (pool, sockets, queue) right before each scrape. */
  onCollect(collector: () => Promise<void> | void): void {
    this.collectors.push(collector);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.allSettled(this.collectors.map((collect) => collect()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export const CIRCUIT_STATE_VALUES: Record<string, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

/** Operation names are client-chosen: keep labels to identifier-like names. */
export function operationLabel(name: string | null | undefined): string {
  return name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'anonymous';
}
