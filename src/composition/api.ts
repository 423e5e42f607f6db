// Owns the API assembly: the GraphQL schema, Apollo over the HTTP app (health, limits, trusted
// documents, persisted queries), graphql-ws on the same server, listening and graceful close.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import { VIEWER_INDEPENDENT_SUBSCRIPTIONS } from '../modules/catalog';
import type { Config } from '../platform/config';
import { RedisKeyValueCache } from '../platform/graphql/redis-key-value-cache';
import { buildGraphQLSchema } from '../platform/graphql/schema';
import { createGraphQLServer } from '../platform/graphql/server';
import { TrustedDocuments } from '../platform/graphql/trusted-documents';
import { GraphQLWsServer } from '../platform/graphql/ws-server';
import { createHttpApp } from '../platform/http/app';
import type { ReadinessCheck } from '../platform/http/health';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { OperationPipeline } from '../platform/graphql/pipeline/operation-pipeline';
import { OperationGuard } from '../platform/security/operation-guard';
import type { Application } from './modules';

export interface ApiServer {
  httpServer: Server;
  ws: GraphQLWsServer;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** The public schema, from the application's resolvers (served by the API, emitted by `npm run schema`). */
export function buildApiSchema(application: Application): Promise<GraphQLSchema> {
  return buildGraphQLSchema(application.resolvers);
}

/** GraphQL over HTTP and WebSocket on one Node server, not yet listening. */
export async function createApiServer(deps: {
  config: Config;
  logger: Logger;
  application: Application;
  redis: Redis | null;
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
}): Promise<ApiServer> {
  const { config, logger, application, redis, metrics } = deps;
  const schema = await buildApiSchema(application);
  const guard = new OperationGuard(schema, config.security.limits, application.limits.costBudgets);
  // One pipeline (documents, plans, admission, execution) for HTTP and WebSocket alike.
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
