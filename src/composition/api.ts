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
import { createGraphQLServer, viewerFromAuthorization } from '../platform/graphql/server';
import { responseCacheFastPath, responseCachePlugin, type ResponseCacheInvalidator } from '../platform/cache';
import { TrustedDocuments } from '../platform/graphql/trusted-documents';
import { GraphQLWsServer } from '../platform/graphql/ws-server';
import { createHttpApp, sameOriginGraphQLHeaders } from '../platform/http/app';
import { HttpGraphQLLane } from '../platform/graphql/http-lane';
import { explorerRoutes } from '../platform/http/explorer';
import type { ReadinessCheck } from '../platform/http/health';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { OperationPipeline } from '../platform/graphql/pipeline/operation-pipeline';
import { documentSizeLimit } from '../platform/security/document-size';
import { OperationGuard } from '../platform/security/operation-guard';
import type { Application } from './modules';
import { createResponseCache } from './response-cache';

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
  responseCache?: ResponseCacheInvalidator;
}): Promise<ApiServer> {
  const { config, logger, application, redis, metrics } = deps;
  const schema = await buildApiSchema(application);
  const responseCache = deps.responseCache && createResponseCache(config, schema, deps.responseCache, logger, metrics);
  const authenticate = (token: string) => application.modules.users.service.authenticate(token);
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
  const requestTimeout = config.security.requestTimeoutMs;
  const httpServer = createServer({
    requestTimeout,
    headersTimeout: Math.min(60_000, requestTimeout),
    // Node enforces both timeouts only when it checks, every 30 s by default: a 30 s timeout then
    // fired after up to 60 s. Checking every tenth of the timeout keeps it within 10 %.
    connectionsCheckingInterval: Math.max(100, Math.floor(requestTimeout / 10)),
  });
  let shuttingDown = false;
  const apolloSandbox = config.graphql.sandbox && config.graphql.explorer === 'apollo';
  const graphql = await createGraphQLServer({
    httpServer,
    logger,
    loaders: application.loaders,
    authenticate,
    introspection: config.graphql.introspection,
    sandbox: apolloSandbox,
    hideSchemaDetails: config.isProduction,
    pipeline,
    persistedQueriesCache: trusted.persistedQueryCache(
      redis ? new RedisKeyValueCache(redis, config.redis.prefix) : new InMemoryLRUCache<string>({ maxSize: 30 * 1024 * 1024 }),
    ),
    persistedQueriesTtlSeconds: config.security.apqTtlSeconds,
    plugins: responseCache ? [responseCachePlugin(responseCache)] : [],
  });
  const ws = new GraphQLWsServer({
    httpServer,
    path: '/graphql',
    logger,
    loaders: application.loaders,
    authenticate,
    keepAliveMs: config.graphql.wsKeepAliveMs,
    connectionInitWaitTimeoutMs: config.graphql.wsConnectionInitTimeoutMs,
    viewerIndependentFields: VIEWER_INDEPENDENT_SUBSCRIPTIONS,
    pipeline,
    trustProxy: config.security.trustProxy,
    admitDocument: (query, extensions) => trusted.check(query, extensions) ?? undefined,
    limits: config.graphql.wsLimits,
    metrics,
  });
  // A revoked token, a deleted account or a new role closes the user's open sockets (4403).
  application.modules.users.changes.onChange((userId) => ws.revalidateViewer(userId));
  const app = createHttpApp({
    logger,
    graphql: graphql.middleware,
    isShuttingDown: () => shuttingDown,
    readinessChecks: deps.readinessChecks,
    metrics,
    security: config.security,
    sandbox: apolloSandbox,
    explorer: config.graphql.sandbox && config.graphql.explorer === 'graphiql' ? explorerRoutes() : undefined,
    beforeGraphQL: [
      documentSizeLimit(config.security.limits.maxBytes),
      trusted.middleware(),
      ...(responseCache
        ? [responseCacheFastPath({ cache: responseCache, chargeStoredAnswer: (viewer, ip, cost) => pipeline.chargeStoredAnswer(viewer, ip, cost), metrics, viewerOf: (req) => viewerFromAuthorization(req.header('authorization'), authenticate) })]
        : []),
    ],
  });
  // Most GraphQL requests take the lean lane; the rest, and every other path, the Express app.
  const lane = new HttpGraphQLLane({
    pipeline,
    loaders: application.loaders,
    authenticate,
    logger,
    metrics,
    bodyLimitBytes: config.security.bodyLimitBytes,
    trustProxy: config.security.trustProxy,
    admitDocument: (query, extensions) => trusted.check(query, extensions) ?? undefined,
    headers: sameOriginGraphQLHeaders({ security: config.security, sandbox: apolloSandbox }),
    responseCache,
    fallback: app,
  });
  httpServer.on('request', lane.handle);
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
