import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import proxyAddr from 'proxy-addr';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  print,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { AppError } from '../errors';
import { compileTrustProxy } from '../http/trust-proxy';
import type { Logger } from '../logger';
import { operationLabel, type Metrics } from '../metrics';
import { documentTooLarge } from '../security/document-size';
import type { OperationGuard } from '../security/operation-guard';
import type { Viewer } from '../viewer';
import type { GraphQLContext } from './context';
import { formatError } from './error-format';
import type { LoaderFactories } from './loader-registry';
import { viewerFromAuthorization, type Authenticate } from './server';
import { WsLimits, type WsLimitSettings } from './ws-limits';

export interface GraphQLWsServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  logger: Logger;
  loaders: LoaderFactories;
  authenticate: Authenticate;
  keepAliveMs: number;
  connectionInitWaitTimeoutMs: number;
  /** Root subscription fields whose result depends only on the event, never on the subscriber. */
  viewerIndependentFields: readonly string[];
  guard: OperationGuard;
  introspection: boolean;
  /** Production: validation errors do not suggest field names ("Did you mean …"). */
  hideSchemaDetails: boolean;
  /** The same trust as Express's `trust proxy`, for the client IP behind a load balancer. */
  trustProxy: string;
  /** A check on the operation text before anything else (trusted documents); returns an error to refuse it. */
  admitDocument?: (query: string, extensions: Record<string, unknown> | undefined) => GraphQLError | undefined;
  /** Caps on sockets and operations (ws-limits.ts); none when unset. */
  limits?: WsLimitSettings;
  metrics?: Metrics;
}

interface ConnectionState {
  connectionId: string;
  viewer: Viewer;
  /** The Authorization value the socket signed in with, re-checked when its user changes. */
  authorization?: string;
  clientIp: string;
  expiryTimer?: NodeJS.Timeout;
}

type WebSocketLike = { close(code: number, reason: string): void };

/** The close code the contract uses for an invalid, tampered or expired token. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql path. Authenticates once per
 * connection from connectionParams.authorization and closes the socket when that token expires.
 * Each event of a subscription executes with fresh DataLoaders; events whose result does not
 * depend on the viewer execute once per distinct (document, variables) and are shared by all
 * subscribers of that operation.
 */
export class GraphQLWsServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<object, ConnectionState>();
  private activeOperations = 0;
  /** Per event payload, the shared result of each viewer-independent operation. */
  private readonly sharedResults = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  private readonly validationRules: ValidationRule[];

  constructor(private readonly options: GraphQLWsServerOptions) {
    this.wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: 1024 * 1024 });
    const log = options.logger.child({ component: 'ws' });
    const trust = compileTrustProxy(options.trustProxy);
    this.validationRules = [
      ...specifiedRules,
      ...(options.introspection ? [] : [noIntrospection]),
      ...options.guard.validationRules(),
    ];
    const limits = options.limits
      ? new WsLimits(options.limits, (request) => proxyAddr(request, trust), (limit) => options.metrics?.rateLimitRejections.inc({ limit }))
      : undefined;
    // Before graphql-ws's handler, so a refused socket is closed before anything is set up for it.
    limits?.attach(this.wss);
    options.metrics?.onCollect(() => {
      options.metrics!.wsConnections.set(this.connections.size);
      options.metrics!.activeSubscriptions.set(this.activeOperations);
    });
    useServer<Record<string, unknown>, { state: ConnectionState }>(
      {
        schema: options.schema,
        connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
        onConnect: async (ctx) => {
          const authorization = ctx.connectionParams?.authorization;
          if (authorization !== undefined && typeof authorization !== 'string') return false;
          let viewer: Viewer;
          try {
            viewer = await viewerFromAuthorization(authorization, options.authenticate);
          } catch {
            log.info('websocket refused: invalid token');
            return false;
          }
          const state: ConnectionState = { connectionId: randomUUID(), viewer, authorization, clientIp: proxyAddr(ctx.extra.request, trust) };
          if (viewer) {
            const remainingMs = viewer.expiresAt * 1000 - Date.now();
            if (remainingMs <= 0) return false;
            state.expiryTimer = setTimeout(() => ctx.extra.socket.close(FORBIDDEN_CLOSE_CODE, 'Token expired'), remainingMs);
            state.expiryTimer.unref();
          }
          ctx.extra.state = state;
          this.connections.set(ctx.extra.socket, state);
          if (!viewer) limits?.watchAnonymous(ctx.extra.socket, () => Object.keys(ctx.subscriptions).length === 0);
          return true;
        },
        onClose: (ctx, code) => {
          const state = this.connections.get(ctx.extra.socket);
          if (state?.expiryTimer) clearTimeout(state.expiryTimer);
          this.connections.delete(ctx.extra.socket);
          log.debug({ connectionId: state?.connectionId, code }, 'websocket closed');
        },
        onSubscribe: async (ctx, id, payload) => {
          const state = ctx.extra.state!;
          const overLimit = limits?.admitOperation(Object.keys(ctx.subscriptions).length);
          if (overLimit) return [overLimit];
          // The account may have changed since the socket signed in (cached lookup: no SQL when warm).
          if (state.authorization !== undefined) {
            try {
              state.viewer = await viewerFromAuthorization(state.authorization, options.authenticate);
            } catch {
              ctx.extra.socket.close(FORBIDDEN_CLOSE_CODE, 'Session ended');
              return [new GraphQLError('This session has ended; sign in again', { extensions: { code: 'UNAUTHENTICATED' } })];
            }
          }
          const context: GraphQLContext = {
            requestId: `${state.connectionId}:${id}`,
            viewer: state.viewer,
            clientIp: state.clientIp,
            logger: log.child({ requestId: `${state.connectionId}:${id}` }),
            loaders: options.loaders.forRequest(state.viewer),
          };
          return this.admit(payload, context);
        },
        subscribe: (args) => this.subscribe(args),
        onError: (_ctx, _id, payload, errors) => {
          const formatted = errors.map(formatGraphQLError);
          this.recordOperation(payload.operationName, 'error', formatted);
          return formatted;
        },
        onNext: (_ctx, _id, _payload, _args, result) =>
          result.errors ? { ...result, errors: result.errors.map(formatGraphQLError) } : undefined,
      },
      this.wss,
      options.keepAliveMs,
    );
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Re-checks the sockets of a user whose account changed: a revoked token or a deleted account
   * closes them with 4403, and so does a new role, since running subscriptions were admitted
   * with the old one. The client reconnects and is admitted as what it is now.
   */
  revalidateViewer(userId: string): void {
    for (const [socket, state] of this.connections) {
      if (state.viewer?.id !== userId) continue;
      const previousRole = state.viewer.role;
      viewerFromAuthorization(state.authorization, this.options.authenticate).then(
        (viewer) => {
          if (viewer?.role !== previousRole) (socket as WebSocketLike).close(FORBIDDEN_CLOSE_CODE, 'Session changed; reconnect');
        },
        () => (socket as WebSocketLike).close(FORBIDDEN_CLOSE_CODE, 'Session ended'),
      );
    }
  }

  /** Subscription operations currently streaming events. */
  get subscriptionCount(): number {
    return this.activeOperations;
  }

  /**
   * Stops accepting sockets, then closes each open one with 1001 (going away) at a random moment
   * within `spreadMs`, so clients do not all reconnect to the remaining instances at once.
   */
  async close(spreadMs = 0): Promise<void> {
    // Stops accepting upgrades; the callback runs once every tracked socket has closed.
    const allClosed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await Promise.all(
      [...this.wss.clients].map(
        (socket) =>
          new Promise<void>((resolve) => {
            setTimeout(() => {
              socket.close(1001, 'Server shutting down');
              resolve();
            }, Math.random() * spreadMs);
          }),
      ),
    );
    // A client that never answers the close handshake is cut off.
    const cutOff = setTimeout(() => {
      for (const socket of this.wss.clients) socket.terminate();
    }, 2_000);
    await allClosed;
    clearTimeout(cutOff);
  }

  private async admit(
    payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null; extensions?: Record<string, unknown> | null },
    context: GraphQLContext,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const tooLarge = documentTooLarge(payload.query, this.options.guard.limits.maxBytes);
    if (tooLarge) return [new GraphQLError(tooLarge.message, { originalError: tooLarge })];
    const refused = this.options.admitDocument?.(payload.query, payload.extensions ?? undefined);
    if (refused) return [refused];
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: this.options.guard.limits.maxTokens });
    } catch (error) {
      return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(this.options.schema, document, this.validationRules);
    if (errors.length > 0) {
      return errors.map((error) =>
        withCode(this.options.hideSchemaDetails ? withoutSuggestions(error) : error, 'GRAPHQL_VALIDATION_FAILED'),
      );
    }
    const variables = payload.variables ?? undefined;
    const operationName = payload.operationName ?? undefined;
    try {
      const cost = this.options.guard.cost(document, variables, operationName);
      await this.options.guard.spend(context.viewer, context.clientIp, cost);
    } catch (error) {
      if (error instanceof AppError) return [new GraphQLError(error.message, { originalError: error })];
      throw error;
    }
    this.recordOperation(operationName, 'success', [], getOperationAST(document, operationName)?.operation);
    return { schema: this.options.schema, document, variableValues: variables, operationName, contextValue: context };
  }

  private recordOperation(name: string | null | undefined, outcome: string, errors: { extensions?: Record<string, unknown> }[], type = 'unknown'): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    metrics.graphqlOperations.inc({ operation: operationLabel(name), type, transport: 'ws', outcome });
    for (const error of errors) metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
  }

  private async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    const context = args.contextValue as GraphQLContext;
    const executeEvent = (payload: unknown) =>
      execute({ ...args, rootValue: payload, contextValue: { ...context, loaders: this.options.loaders.forRequest(context.viewer) } });
    const shareKey = this.sharedExecutionKey(args);
    const perEvent = shareKey
      ? (payload: unknown) => {
          if (payload === null || typeof payload !== 'object') return executeEvent(payload);
          let results = this.sharedResults.get(payload);
          if (!results) this.sharedResults.set(payload, (results = new Map()));
          let result = results.get(shareKey);
          if (!result) results.set(shareKey, (result = Promise.resolve(executeEvent(payload))));
          return result;
        }
      : executeEvent;
    this.activeOperations += 1;
    return mapEvents(source as AsyncIterable<unknown>, perEvent, () => {
      this.activeOperations -= 1;
    });
  }

  /** A key for operations that select only viewer-independent root fields; null otherwise. */
  private sharedExecutionKey(args: ExecutionArgs): string | null {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return null;
    const independent = operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === '__typename' || this.options.viewerIndependentFields.includes(selection.name.value)),
    );
    return independent ? `${print(args.document)}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}` : null;
  }
}

/** As Apollo's rule: one error per introspection root field, whatever it selects inside. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError('GraphQL introspection is not allowed here', { nodes: [node] }));
    }
  },
});

function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
  return message === error.message ? error : new GraphQLError(message, { nodes: error.nodes, originalError: error.originalError ?? undefined, extensions: error.extensions });
}

function withCode(error: unknown, code: string): GraphQLError {
  if (error instanceof GraphQLError) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      originalError: error.originalError ?? undefined,
      extensions: { ...error.extensions, code },
    });
  }
  return new GraphQLError(String(error), { extensions: { code } });
}

function formatGraphQLError(error: GraphQLError) {
  return formatError(error.toJSON(), error);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/**
 * Maps each event through `fn`. Hand-written rather than an async generator: a generator would
 * hold a `return()` until the source yields again, so a quiet channel would never be released.
 */
function mapEvents<T, R>(source: AsyncIterable<T>, fn: (value: T) => R | Promise<R>, onEnd: () => void): AsyncIterableIterator<Awaited<R>> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (!ended) {
      ended = true;
      onEnd();
    }
  };
  const close = async (): Promise<IteratorResult<Awaited<R>>> => {
    end();
    await iterator.return?.();
    return { value: undefined, done: true };
  };
  const mapped: AsyncIterableIterator<Awaited<R>> = {
    next: async () => {
      const result = await iterator.next();
      if (result.done) {
        end();
        return { value: undefined, done: true };
      }
      try {
        return { value: await fn(result.value), done: false };
      } catch (error) {
        await close();
        throw error;
      }
    },
    return: close,
    throw: async (error: unknown) => {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
