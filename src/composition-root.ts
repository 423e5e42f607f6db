import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { HttpPaymentGateway } from './integration/payment-gateway/http-payment-gateway';
import { SandboxPaymentProvider } from './integration/payment-gateway/sandbox-provider';
import { NodemailerEmailSender } from './integration/email/nodemailer-email-sender';
import { createAnalyticsModule } from './modules/analytics';
import {
  catalogOrmEntities,
  createCatalogModule,
  VIEWER_INDEPENDENT_SUBSCRIPTIONS,
  type CatalogEvents,
  type CatalogLiveTopics,
  type CatalogModule,
} from './modules/catalog';
import {
  createNotificationsModule,
  type EmailSender,
  type NotificationEvents,
  type NotificationLiveTopics,
  type NotificationsModule,
} from './modules/notifications';
import { createOrdersModule, ordersOrmEntities, type OrderEvents, type OrderLiveTopics, type OrdersModule } from './modules/orders';
import {
  createPaymentsModule,
  paymentsOrmEntities,
  PaymentProviderUnavailableError,
  type PaymentEvents,
  type PaymentGateway,
  type PaymentsModule,
} from './modules/payments';
import { createUsersModule, usersOrmEntities, type UserAttemptLimits, type UsersModule } from './modules/users';
import type { Config } from './platform/config';
import { createDataSource, Database, type QueryObserver } from './platform/database';
import { EventBus, eventJobHandlers } from './platform/events';
import { LoaderFactories } from './platform/graphql/loader-registry';
import { buildGraphQLSchema, type ResolverClass } from './platform/graphql/schema';
import { createGraphQLServer } from './platform/graphql/server';
import { GraphQLWsServer } from './platform/graphql/ws-server';
import { RedisKeyValueCache } from './platform/graphql/redis-key-value-cache';
import { TrustedDocuments } from './platform/graphql/trusted-documents';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { createHttpApp } from './platform/http/app';
import type { ReadinessCheck } from './platform/http/health';
import { JobWorker, PostgresJobQueue, type JobHandler } from './platform/jobs';
import type { Logger } from './platform/logger';
import { CIRCUIT_STATE_VALUES, Metrics } from './platform/metrics';
import { createLivePubSub, type LiveChannels, type LivePubSub } from './platform/pubsub';
import { createRedisClient } from './platform/redis';
import { OperationGuard } from './platform/security/operation-guard';
import { OperationPipeline } from './platform/graphql/pipeline/operation-pipeline';
import { RateLimit } from './platform/security/rate-limiter';
import type { Redis } from 'ioredis';

/** Every domain event of the application, from every module. */
export type AppEvents = CatalogEvents & OrderEvents & PaymentEvents & NotificationEvents;

/** Every live-update topic, from every module. */
export type AppLiveTopics = OrderLiveTopics & CatalogLiveTopics & NotificationLiveTopics;

export const ormEntities = [...usersOrmEntities, ...catalogOrmEntities, ...ordersOrmEntities, ...paymentsOrmEntities];

export interface Modules {
  users: UsersModule;
  catalog: CatalogModule;
  orders: OrdersModule;
  payments: PaymentsModule;
  notifications: NotificationsModule;
}

/** The adapters to the outside world; entry points and tests choose them. */
export interface Adapters {
  gateway: PaymentGateway;
  email: EmailSender;
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

export function tokenSettings(config: Config) {
  const { jwtSecret, jwtIssuer, jwtAudience, tokenTtlSeconds } = config.auth;
  return { secret: jwtSecret, issuer: jwtIssuer, audience: jwtAudience, ttlSeconds: tokenTtlSeconds };
}

export interface RateLimits {
  users: UserAttemptLimits;
  costBudgets: { viewer: RateLimit; anonymous: RateLimit };
}

/** Every rate limit, counted in Redis when there is one (shared by all instances), else in memory. */
export function createRateLimits(config: Config, redis: Redis | null, metrics?: Metrics): RateLimits {
  const { security } = config;
  const limit = (name: string, points: number, durationSeconds: number) =>
    new RateLimit({
      name,
      points,
      durationSeconds,
      redis,
      prefix: config.redis.prefix,
      onReject: (limitName) => metrics?.rateLimitRejections.inc({ limit: limitName }),
    });
  return {
    users: {
      signInFailuresByIp: limit('sign-in-ip', security.signInFailures, security.signInWindowSeconds),
      signInFailuresByEmail: limit('sign-in-email', security.signInFailures, security.signInWindowSeconds),
      signUpsByIp: limit('sign-up-ip', security.signUpsPerHour, 3_600),
    },
    costBudgets: {
      viewer: limit('cost-user', security.costBudgetPerMinute, 60),
      anonymous: limit('cost-ip', security.anonymousCostBudgetPerMinute, 60),
    },
  };
}

/** The one place modules are wired together. Builds no connections of its own. */
export function composeApplication(deps: {
  database: Database;
  config: Config;
  logger: Logger;
  adapters: Adapters;
  live: LiveChannels<AppLiveTopics>;
  limits: RateLimits;
  metrics?: Metrics;
}): Application {
  const { database, config, logger, adapters, live, limits, metrics } = deps;
  const jobs = new PostgresJobQueue(database, (task) => metrics?.jobsEnqueued.inc({ task }));
  const events = new EventBus<AppEvents>(database, jobs, logger);

  const users = createUsersModule({ database, tokens: tokenSettings(config), limits: limits.users });
  const catalog = createCatalogModule({ database, events, live });
  const orders = createOrdersModule({ database, stock: catalog.service, events, live });
  const payments = createPaymentsModule({
    database,
    gateway: adapters.gateway,
    orders: orders.service,
    events,
    jobMaxAttempts: config.payments.jobMaxAttempts,
  });
  const notifications = createNotificationsModule({ database, users: users.service, email: adapters.email, jobs, events, live });
  const analytics = createAnalyticsModule({ database });

  for (const handler of [
    ...catalog.eventHandlers,
    ...orders.eventHandlers,
    ...payments.eventHandlers,
    ...notifications.eventHandlers,
    ...analytics.eventHandlers,
  ]) {
    events.subscribe(handler);
  }

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
    jobHandlers: new Map([...eventJobHandlers(events.allHandlers, database), ...notifications.jobHandlers]),
  };
}

/** For processes that never call the provider (an API-only process without PAYMENT_PROVIDER_URL). */
const noPaymentProviderHere: PaymentGateway = {
  capture: () => Promise.reject(new PaymentProviderUnavailableError('no payment provider is configured in this process')),
  findCapture: () => Promise.reject(new PaymentProviderUnavailableError('no payment provider is configured in this process')),
  refund: () => Promise.reject(new PaymentProviderUnavailableError('no payment provider is configured in this process')),
};

/** The HTTP payment adapter with the configured timeout, retries and circuit breaker. */
export function createPaymentGateway(config: Config, logger: Logger, baseUrl: string, metrics?: Metrics): HttpPaymentGateway {
  return new HttpPaymentGateway({
    baseUrl,
    timeoutMs: config.payments.timeoutMs,
    maxRetries: config.payments.maxRetries,
    breakerThreshold: config.payments.breakerThreshold,
    breakerHalfOpenAfterMs: config.payments.breakerHalfOpenAfterMs,
    logger,
    onCircuitStateChange: (state) => metrics?.circuitState.set({ integration: 'payment-gateway' }, CIRCUIT_STATE_VALUES[state] ?? -1),
  });
}

export interface RunningAdapters extends Adapters {
  close(): Promise<void>;
}

/**
 * The production adapters from configuration. Without PAYMENT_PROVIDER_URL, a process that runs
 * jobs starts the bundled sandbox provider on a free loopback port, so the real HTTP adapter runs.
 */
export async function createAdapters(
  config: Config,
  logger: Logger,
  options: { runsJobs: boolean; metrics?: Metrics },
): Promise<RunningAdapters> {
  const email = new NodemailerEmailSender({ smtpUrl: config.email.smtpUrl, from: config.email.from, timeoutMs: config.email.timeoutMs, logger });
  let sandbox: SandboxPaymentProvider | undefined;
  let providerUrl = config.payments.providerUrl;
  if (!providerUrl && options.runsJobs) {
    sandbox = await SandboxPaymentProvider.start();
    providerUrl = sandbox.url;
    logger.info({ url: sandbox.url }, 'no PAYMENT_PROVIDER_URL: started the sandbox payment provider');
  }
  const gateway = providerUrl ? createPaymentGateway(config, logger, providerUrl, options.metrics) : noPaymentProviderHere;
  return {
    gateway,
    email,
    close: async () => {
      email.close();
      await sandbox?.stop();
    },
  };
}

export interface ApiServer {
  httpServer: Server;
  ws: GraphQLWsServer;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export interface Runtime {
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
  dataSource: DataSource;
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
  const { dataSource, queries } = createDataSource({
    url: databaseUrl,
    poolSize: config.database.poolSize,
    entities: ormEntities,
    logger,
    onQueryDone: (statement, seconds, success) => metrics.dbQueryDuration.observe({ statement, outcome: success ? 'ok' : 'error' }, seconds),
  });
  await dataSource.initialize();
  const database = new Database(dataSource);
  metrics.onCollect(() => {
    const pool = database.pool;
    metrics.dbPoolConnections.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    metrics.dbPoolConnections.set({ state: 'idle' }, pool.idleCount);
    metrics.dbPoolConnections.set({ state: 'waiting' }, pool.waitingCount);
  });
  const pubsub = createLivePubSub<AppLiveTopics>({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    logger,
    onMessage: countedPubSubMessages(metrics),
  });
  // Rate limits and the persisted-query cache: a client that fails fast when Redis is away, so
  // the limiters fall back to memory instead of waiting.
  const redis = config.redis.url ? createRedisClient(config.redis.url, 'cache', logger, { failFast: true }) : null;
  // Start with the connection up when Redis is there, but never wait long for it: without it the
  // limits count in memory and persisted queries are re-sent in full.
  if (redis) await Promise.race([once(redis, 'ready').catch(() => undefined), sleep(2_000)]);
  const application = composeApplication({
    database,
    config,
    logger,
    adapters: options.adapters,
    live: pubsub.channels,
    limits: createRateLimits(config, redis, metrics),
    metrics,
  });
  const readinessChecks = [
    { name: 'postgres', check: () => database.ping() },
    { name: 'job-queue', check: () => database.sql('SELECT 1 FROM graphile_worker.jobs LIMIT 1').then(() => undefined) },
    ...(pubsub.redis
      ? [{ name: 'redis', critical: config.readiness.redisCritical, check: () => pubsub.redis!.publisher.ping().then(() => undefined) }]
      : []),
  ];
  const stoppers: (() => Promise<void>)[] = [];

  return {
    metrics,
    readinessChecks,
    dataSource,
    pubsub,
    redis,
    database,
    queries,
    application,
    startApi: async () => {
      const api = await createApiServer({ config, logger, application, redis, metrics, readinessChecks });
      stoppers.push(() => api.close());
      return api;
    },
    startWorker: async () => {
      const worker = await JobWorker.start({
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
      await pubsub.close();
      redis?.disconnect();
      await dataSource.destroy();
    },
  };
}

async function createApiServer(deps: {
  config: Config;
  logger: Logger;
  application: Application;
  redis: Redis | null;
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
}): Promise<ApiServer> {
  const { config, logger, application, redis, metrics } = deps;
  const schema = await buildGraphQLSchema(application.resolvers);
  const guard = new OperationGuard(schema, config.security.limits, application.limits.costBudgets);
  const pipeline = new OperationPipeline({
    schema,
    guard,
    logger,
    introspection: config.graphql.introspection,
    hideSchemaDetails: config.isProduction,
    metrics,
  });
  const trusted = TrustedDocuments.load(config.security.trustedDocuments, config.security.trustedDocumentsManifest, logger);
  const httpServer = createServer({ requestTimeout: config.security.requestTimeoutMs, headersTimeout: Math.min(60_000, config.security.requestTimeoutMs) });
  let shuttingDown = false;
  const graphql = await createGraphQLServer({
    httpServer,
    logger,
    loaders: application.loaders,
    authenticate: (token) => application.modules.users.service.authenticate(token),
    introspection: config.graphql.introspection,
    sandbox: config.graphql.sandbox,
    hideSchemaDetails: config.isProduction,
    pipeline,
    persistedQueriesCache: trusted.persistedQueryCache(
      redis ? new RedisKeyValueCache(redis, config.redis.prefix) : new InMemoryLRUCache<string>({ maxSize: 30 * 1024 * 1024 }),
    ),
  });
  const ws = new GraphQLWsServer({
    httpServer,
    path: '/graphql',
    logger,
    loaders: application.loaders,
    authenticate: (token) => application.modules.users.service.authenticate(token),
    keepAliveMs: config.graphql.wsKeepAliveMs,
    connectionInitWaitTimeoutMs: config.graphql.wsConnectionInitTimeoutMs,
    viewerIndependentFields: VIEWER_INDEPENDENT_SUBSCRIPTIONS,
    pipeline,
    trustProxy: config.security.trustProxy,
    admitDocument: (query, extensions) => trusted.check(query, extensions) ?? undefined,
    metrics,
  });
  const app = createHttpApp({
    logger,
    graphql: graphql.middleware,
    isShuttingDown: () => shuttingDown,
    readinessChecks: deps.readinessChecks,
    metrics,
    security: config.security,
    sandbox: config.graphql.sandbox,
    beforeGraphQL: [trusted.middleware()],
  });
  httpServer.on('request', app);
  return {
    httpServer,
    ws,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const { port: actual } = httpServer.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve(`http://${shownHost}:${actual}/graphql`);
        });
      }),
    close: async () => {
      // Readiness turns 503 first, so load balancers stop sending new requests; then sockets
      // close (spread over a moment, so clients do not all reconnect at once), and Apollo's
      // drain plugin stops accepting connections and waits for in-flight requests.
      shuttingDown = true;
      await sleep(config.shutdown.readinessDelayMs);
      await ws.close(config.shutdown.wsCloseSpreadMs);
      await graphql.apollo.stop();
    },
  };
}

/** Counts live-update messages; one labelled child per (direction, topic), since this runs once per subscriber per event. */
function countedPubSubMessages(metrics: Metrics): (direction: 'in' | 'out', topic: string) => void {
  const counters = new Map<string, { inc(): void }>();
  return (direction, topic) => {
    const key = `${direction}:${topic}`;
    let counter = counters.get(key);
    if (!counter) counters.set(key, (counter = metrics.pubsubMessages.labels({ direction, topic })));
    counter.inc();
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
