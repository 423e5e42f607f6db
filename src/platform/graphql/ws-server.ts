import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import proxyAddr from 'proxy-addr';
import { createSourceEventStream, GraphQLError, Kind, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { compileTrustProxy } from '../http/trust-proxy';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { documentTooLarge } from '../security/document-size';
import type { Viewer } from '../viewer';
import type { GraphQLContext } from './context';
import { formatError } from './error-format';
import type { LoaderFactories } from './loader-registry';
import type { OperationPlan } from './pipeline/operation-plan';
import type { OperationPipeline } from './pipeline/operation-pipeline';
import { viewerFromAuthorization, type Authenticate } from './server';
import { FanOutGroup, type Delivery } from './ws-fanout';
import { WsLimits, type WsLimitSettings } from './ws-limits';
import { SocketOutbox } from './ws-outbox';

export interface GraphQLWsServerOptions {
  httpServer: Server;
  path: string;
  logger: Logger;
  loaders: LoaderFactories;
  authenticate: Authenticate;
  keepAliveMs: number;
  connectionInitWaitTimeoutMs: number;
  /** Root subscription fields whose result depends only on the event, never on the subscriber. */
  viewerIndependentFields: readonly string[];
  /** Parses, validates, admits and executes every operation (the same one HTTP uses). */
  pipeline: OperationPipeline;
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
  outbox: SocketOutbox;
  expiryTimer?: NodeJS.Timeout;
}

type WebSocketLike = { close(code: number, reason: string): void };

/** A socket whose client reads slower than this falls behind: its next messages queue (bounded). */
const OUTBOX_LIMITS = { maxBufferedBytes: 1024 * 1024, maxQueuedMessages: 1_000, retryMs: 50 };

/** The close code the contract uses for an invalid, tampered or expired token. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql path. Authenticates once per
 * connection from connectionParams.authorization and closes the socket when that token expires.
 * Every operation goes through the same pipeline as HTTP (parse, validate, admit, execute).
 *
 * Fan-out: subscribers of the same (operation, variables, viewer scope) share one event source;
 * an event executes once with fresh DataLoaders and is serialized once, and every member socket
 * gets the same JSON behind its own operation id. Those `next` messages are written by the
 * group, through each socket's bounded outbox, rather than by graphql-ws, which would serialize
 * per socket and wait for each write.
 */
export class GraphQLWsServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<object, ConnectionState>();
  private readonly deliveries = new WeakMap<object, Delivery>();
  /** Subscribers sharing (operation, variables, viewer scope), by that key; a promise while the source opens. */
  private readonly groups = new Map<string, Promise<FanOutGroup | ExecutionResult>>();
  private activeOperations = 0;
  private readonly log: Logger;

  constructor(private readonly options: GraphQLWsServerOptions) {
    this.wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: 1024 * 1024 });
    const log = (this.log = options.logger.child({ component: 'ws' }));
    const trust = compileTrustProxy(options.trustProxy);
    const { pipeline } = options;
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
        schema: pipeline.schema,
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
          const outbox = new SocketOutbox(ctx.extra.socket, OUTBOX_LIMITS, () => options.metrics?.wsDroppedMessages.inc());
          const state: ConnectionState = { connectionId: randomUUID(), viewer, authorization, clientIp: proxyAddr(ctx.extra.request, trust), outbox };
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
          state?.outbox.close();
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
          const requestId = `${state.connectionId}:${id}`;
          const context = requestContext(requestId, state, options.loaders, log);
          this.deliveries.set(context, {
            outbox: state.outbox,
            operationId: id,
            prefix: `{"id":${JSON.stringify(id)},"type":"next","payload":`,
          });
          return this.admit(payload, context);
        },
        execute: (args) => {
          const plan = pipeline.plan(args.document, args.operationName)!;
          return pipeline.execute(plan, { contextValue: args.contextValue, variables: args.variableValues ?? undefined });
        },
        subscribe: (args) => this.subscribe(args),
        onError: (_ctx, _id, payload, errors) => {
          const formatted = errors.map(formatGraphQLError);
          pipeline.recordOperation({ name: payload.operationName, type: undefined, transport: 'ws', errors: formatted });
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

  /** The pipeline up to execution: trusted documents, parse, validate, plan and admission. */
  private async admit(
    payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null; extensions?: Record<string, unknown> | null },
    context: GraphQLContext,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const { pipeline } = this.options;
    const tooLarge = documentTooLarge(payload.query, pipeline.limits.maxBytes);
    if (tooLarge) return [new GraphQLError(tooLarge.message, { originalError: tooLarge })];
    const refused = this.options.admitDocument?.(payload.query, payload.extensions ?? undefined);
    if (refused) return [refused];
    const prepared = pipeline.prepare(payload.query);
    if ('errors' in prepared) return prepared.errors;
    const { document } = prepared;
    const variables = payload.variables ?? undefined;
    const operationName = payload.operationName ?? undefined;
    const plan = pipeline.plan(document, operationName);
    if (!plan) return [new GraphQLError(operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    try {
      await pipeline.admit(plan, { variables, viewer: context.viewer, clientIp: context.clientIp, transport: 'ws' });
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    pipeline.recordOperation({ name: operationName, type: plan.type, transport: 'ws', errors: [] });
    return { schema: pipeline.schema, document, variableValues: variables, operationName, contextValue: context };
  }

  private async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const context = args.contextValue as GraphQLContext;
    const delivery = this.deliveries.get(context)!;
    const plan = this.options.pipeline.plan(args.document, args.operationName)!;
    const variables = args.variableValues ?? undefined;
    const key = `${plan.id}\n${this.viewerScope(plan, context.viewer)}\n${JSON.stringify(variables ?? {})}`;
    for (;;) {
      let pending = this.groups.get(key);
      if (!pending) {
        pending = this.openGroup(key, args, plan, context, variables);
        this.groups.set(key, pending);
      }
      const group = await pending;
      if (!(group instanceof FanOutGroup)) return group;
      const joined = group.join(delivery);
      // A group that closed meanwhile is gone from the map; the next turn opens a fresh one.
      if (!joined) continue;
      this.activeOperations += 1;
      return countedUntilDone(joined, () => (this.activeOperations -= 1));
    }
  }

  /** Opens the event source (the subscription's own `subscribe`, with its checks) for a new group. */
  private async openGroup(
    key: string,
    args: ExecutionArgs,
    plan: OperationPlan,
    context: GraphQLContext,
    variables: Record<string, unknown> | undefined,
  ): Promise<FanOutGroup | ExecutionResult> {
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      this.groups.delete(key);
      throw error;
    }
    if (!isAsyncIterable(source)) {
      this.groups.delete(key);
      return source as ExecutionResult;
    }
    const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const group: FanOutGroup = new FanOutGroup(
      iterator,
      (payload) => this.executeEvent(plan, payload, context, variables),
      () => {
        if (this.groups.get(key) === settled) this.groups.delete(key);
      },
      this.log,
    );
    const settled = Promise.resolve(group);
    this.groups.set(key, settled);
    return group;
  }

  private async executeEvent(plan: OperationPlan, payload: unknown, context: GraphQLContext, variables: Record<string, unknown> | undefined): Promise<string> {
    const result = await this.options.pipeline.execute(plan, {
      rootValue: payload,
      contextValue: { ...context, loaders: this.options.loaders.forRequest(context.viewer) },
      variables,
    });
    return JSON.stringify(result.errors ? { ...result, errors: result.errors.map(formatGraphQLError) } : result);
  }

  /**
   * Who an event's result may be shared with: everyone, for operations that select only
   * viewer-independent root fields; otherwise the sockets of the same viewer (the result depends
   * on nothing else of the connection).
   */
  private viewerScope(plan: OperationPlan, viewer: Viewer): string {
    const independent = plan.operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === '__typename' || this.options.viewerIndependentFields.includes(selection.name.value)),
    );
    if (independent) return 'public';
    return viewer ? `viewer:${viewer.id}:${viewer.role}:${viewer.expiresAt}` : 'anonymous';
  }
}

function requestContext(requestId: string, state: ConnectionState, loaders: LoaderFactories, log: Logger): GraphQLContext {
  let logger: Logger | undefined;
  return {
    requestId,
    viewer: state.viewer,
    clientIp: state.clientIp,
    // A child logger costs an allocation and a serialization of its bindings; most operations never log.
    get logger() {
      return (logger ??= log.child({ requestId }));
    },
    loaders: loaders.forRequest(state.viewer),
  };
}

function formatGraphQLError(error: GraphQLError) {
  return formatError(error.toJSON(), error);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/** The same iterator, calling `onDone` once when it finishes or is returned. */
function countedUntilDone<T>(iterator: AsyncIterableIterator<T>, onDone: () => void): AsyncIterableIterator<T> {
  let counted = true;
  const done = () => {
    if (counted) {
      counted = false;
      onDone();
    }
  };
  const wrapped: AsyncIterableIterator<T> = {
    next: async () => {
      const result = await iterator.next();
      if (result.done) done();
      return result;
    },
    return: async (value?: unknown) => {
      done();
      return (await iterator.return?.(value)) ?? { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      done();
      return (await iterator.throw?.(error)) ?? { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}
