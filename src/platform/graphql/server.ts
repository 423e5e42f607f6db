import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Server } from 'node:http';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { AuthenticatedViewer, Viewer } from '../viewer';
import { requestLogOf, type RequestLog } from '../http/request-context';
import type { GraphQLContext } from './context';
import { isTransientDatabaseError } from '../database/errors';
import { ServiceUnavailableError } from '../errors';
import { formatError, toHttpGraphQLError } from './error-format';
import type { LoaderFactories } from './loader-registry';
import { loggingPlugin } from './logging-plugin';
import { securityPlugin } from './security-plugin';
import { pipelineGateway } from './pipeline/apollo-gateway';
import type { OperationPipeline } from './pipeline/operation-pipeline';

export type Authenticate = (token: string) => Promise<AuthenticatedViewer>;

export interface GraphQLServerOptions {
  httpServer: Server;
  logger: Logger;
  loaders: LoaderFactories;
  authenticate: Authenticate;
  introspection: boolean;
  sandbox: boolean;
  /** Production: no "Did you mean …" suggestions that reveal the schema. */
  hideSchemaDetails: boolean;
  /** Parses, validates, admits and executes every operation (the same one graphql-ws uses). */
  pipeline: OperationPipeline;
  /** A KeyValueCache for automatic persisted queries (Redis when present); Apollo's in-memory LRU otherwise. */
  persistedQueriesCache?: KeyValueCache<string>;
  /** Every persisted query expires this long after its registration. */
  persistedQueriesTtlSeconds?: number;
  /** Run after the built-in ones (e.g. the response cache, which needs the cost report). */
  plugins?: ApolloServerPlugin<GraphQLContext>[];
}

export type HttpGraphQLContext = GraphQLContext & { requestLog: RequestLog };

/** Reads `Authorization: Bearer <token>`; no header is anonymous, a bad token is UNAUTHENTICATED. */
export async function viewerFromAuthorization(header: string | undefined, authenticate: Authenticate): Promise<Viewer> {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new GraphQLAuthError('The Authorization header must be "Bearer <token>"');
  try {
    return await authenticate(match[1]!);
  } catch (error) {
    if (error instanceof AppError) throw new GraphQLAuthError(error.message);
    throw error;
  }
}

class GraphQLAuthError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

export async function createGraphQLServer(options: GraphQLServerOptions): Promise<{
  apollo: ApolloServer<HttpGraphQLContext>;
  middleware: RequestHandler;
}> {
  const { pipeline } = options;
  const apollo = new ApolloServer<HttpGraphQLContext>({
    // Apollo keeps HTTP, APQ and the plugins; the pipeline executes (compiled, no per-field hooks).
    gateway: pipelineGateway(pipeline),
    // Parsed and validated documents are shared with graphql-ws.
    documentStore: pipeline.documents.asApolloDocumentStore(),
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: options.hideSchemaDetails,
    includeStacktraceInErrorResponses: false,
    // The parser stops at the token limit, before any work proportional to the document.
    parseOptions: { maxTokens: pipeline.limits.maxTokens },
    validationRules: pipeline.extraValidationRules,
    persistedQueries: options.persistedQueriesCache ? { cache: options.persistedQueriesCache, ttl: options.persistedQueriesTtlSeconds } : undefined,
    formatError,
    // Clients send one operation per request; arrays of operations are refused.
    allowBatchedHttpRequests: false,
    // Shutdown is ours (readiness first, spread socket closes); Apollo must not stop on signals.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
      options.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      // Nothing reads per-field cache hints or Apollo traces; their hooks would run on every field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      loggingPlugin(pipeline),
      securityPlugin(pipeline) as ApolloServerPlugin<HttpGraphQLContext>,
      ...((options.plugins ?? []) as ApolloServerPlugin<HttpGraphQLContext>[]),
    ],
  });
  await apollo.start();

  const middleware = expressMiddleware(apollo, {
    context: async ({ req, res }) => {
      const requestLog = requestLogOf(res);
      const viewer = await viewerFromAuthorization(req.header('authorization'), options.authenticate).catch((error: unknown) => {
        // The session check reads the database: an outage there is 503, not a 500 "context creation failed".
        if (!isTransientDatabaseError(error)) throw error;
        const unavailable = new ServiceUnavailableError();
        throw toHttpGraphQLError(unavailable, 503, { 'retry-after': String(unavailable.retryAfterSeconds) });
      });
      let logger: Logger | undefined;
      return {
        requestId: requestLog.requestId,
        viewer,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        // Built on first use: a child logger serializes its bindings, and most requests never log.
        get logger() {
          return (logger ??= options.logger.child({ requestId: requestLog.requestId }));
        },
        loaders: options.loaders.forRequest(viewer),
        requestLog,
      };
    },
  });
  return { apollo, middleware };
}
