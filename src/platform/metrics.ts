import { collectDefaultMetrics, Gauge, Registry, type Metric } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics, one registry per process (no global default registry), so
 * tests can run several apps side by side. Every metric is declared here the same way (name,
 * help, label names, buckets for a histogram) and registered on that registry. Gauges that
 * mirror other state (pool, sockets, queue lag) are sampled when /metrics is scraped, through
 * `onCollect`.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = this.counter('http_requests_total', 'HTTP requests by method, path and status', ['method', 'path', 'status']);
  readonly httpDuration = this.histogram('http_request_duration_seconds', 'HTTP request duration', ['method', 'path', 'status'], SECONDS_BUCKETS);
  readonly graphqlOperations = this.counter(
    'graphql_operations_total',
    'GraphQL operations by name, type, transport and outcome',
    ['operation', 'type', 'transport', 'outcome'],
  );
  readonly graphqlDuration = this.histogram(
    'graphql_operation_duration_seconds',
    'GraphQL operation duration (HTTP), from parsing to response',
    ['operation', 'type', 'outcome'],
    SECONDS_BUCKETS,
  );
  readonly graphqlErrors = this.counter('graphql_errors_total', 'Errors returned to clients, by extensions.code', ['code']);
  readonly dataloaderBatchSize = this.histogram('dataloader_batch_size', 'Keys per DataLoader batch', ['loader'], [1, 2, 5, 10, 20, 50, 100, 250]);
  readonly dbPoolConnections = this.gauge('db_pool_connections', 'PostgreSQL pool connections by state (in_use, idle, waiting clients)', ['state']);
  readonly dbQueryDuration = this.histogram(
    'db_query_duration_seconds',
    'SQL statement duration by leading keyword and outcome',
    ['statement', 'outcome'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly dbTransactionRetries = this.counter(
    'db_transaction_retries_total',
    'Transactions run again after PostgreSQL aborted them for a conflict, by SQLSTATE (40001, 40P01)',
    ['sqlstate'],
  );
  readonly jobsEnqueued = this.counter('jobs_enqueued_total', 'Jobs enqueued by task (in transactions that may still roll back)', ['task']);
  readonly jobsCompleted = this.counter('jobs_completed_total', 'Jobs completed by task', ['task']);
  readonly jobsFailed = this.counter('jobs_failed_total', 'Job attempts that failed and will be retried, by task', ['task']);
  readonly jobsDeadLettered = this.counter('jobs_dead_lettered_total', 'Jobs that used up their attempts, by task', ['task']);
  readonly jobQueueLag = this.gauge('job_queue_lag_seconds', 'Age of the oldest job that is ready to run and not yet taken');
  readonly wsConnections = this.gauge('websocket_connections', 'Open GraphQL WebSocket connections');
  readonly wsDroppedMessages = this.counter(
    'websocket_dropped_messages_total',
    'Live updates dropped because a client read slower than they were sent',
  );
  readonly activeSubscriptions = this.gauge('graphql_active_subscriptions', 'Subscription operations currently streaming');
  readonly pubsubMessages = this.counter(
    'pubsub_messages_total',
    'Live-update messages published (out) and delivered to local subscribers (in), by topic',
    ['direction', 'topic'],
  );
  readonly circuitState = this.gauge(
    'circuit_breaker_state',
    'Circuit breaker state per integration: 0 closed, 1 half-open, 2 open, 3 isolated',
    ['integration'],
  );
  readonly rateLimitRejections = this.counter('rate_limit_rejections_total', 'Requests refused by a rate limit, by limit', ['limit']);
  readonly responseCacheRequests = this.counter(
    'response_cache_requests_total',
    'Cacheable queries by cache result: hit, miss, or bypass (the cache was unavailable)',
    ['result'],
  );
  readonly responseCacheInvalidations = this.counter(
    'response_cache_invalidations_total',
    'Cache tags invalidated (each tag of each invalidation counts once)',
  );
  readonly responseCacheSize = this.gauge(
    'response_cache_size',
    'Size of the response cache: bytes in process memory, or entries in Redis',
    ['unit'],
  );

  private readonly collectors: (() => Promise<void> | void)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  private counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): LabelledCounter<L> {
    return this.registered(new LabelledCounter<L>(name, help, labelNames));
  }

  private gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): LabelledHistogram<L> {
    return this.registered(new LabelledHistogram<L>(name, help, labelNames, buckets));
  }

  private registered<M extends LabelledCounter<string> | LabelledHistogram<string>>(metric: M): M {
    this.registry.registerMetric(metric as unknown as Metric);
    return metric;
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
