import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import proxyAddr from 'proxy-addr';
import { createSourceEventStream, GraphQLError, Kind, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { compileTrustProxy } from '../http/trust-proxy';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Viewer } from '../viewer';
import type { GraphQLContext } from './context';
import { formatError } from './error-format';
import type { LoaderFactories } from './loader-registry';
import type { OperationPlan } from './pipeline/operation-plan';
import type { OperationPipeline } from './pipeline/operation-pipeline';
import { viewerFromAuthorization, type Authenticate } from './server';
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
  metrics?: Metrics;
}

interface ConnectionState {
  connectionId: string;
  viewer: Viewer;
  clientIp: string;
  outbox: SocketOutbox;
  expiryTimer?: NodeJS.Timeout;
}

/** Where a subscription's events go: its socket's outbox under its operation id. */
interface Delivery {
  outbox: SocketOutbox;
  /** The start of every `next` message of this operation: `{"id":…,"type":"next","payload":`. */
  prefix: string;
  operationId: string;
}

/** A socket whose client reads slower than this falls behind: its next messages queue (bounded). */
const OUTBOX_LIMITS = { maxBufferedBytes: 1024 * 1024, maxQueuedMessages: 1_000, retryMs: 50 };

/** The close code the contract uses for an invalid, tampered or expired token. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql path. Authenticates once per
 * connection from connectionParams.authorization and closes the socket when that token expires.
 * Every operation goes through the same pipeline as HTTP (parse, validate, admit, execute).
 *
 * Fan-out: an event executes once per (event, operation, variables, viewer scope) with fresh
 * DataLoaders, and is serialized once; every socket that shares it gets the same JSON behind its
 * own operation id. Those `next` messages are written here, through each socket's bounded outbox,
 * rather than by graphql-ws, which would serialize per socket and wait for each write.
 */
export class GraphQLWsServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<object, ConnectionState>();
  private readonly deliveries = new WeakMap<object, Delivery>();
  private activeOperations = 0;
  /** Per event payload, the serialized result of each shared execution. */
  private readonly sharedResults = new WeakMap<object, Map<string, Promise<string>>>();
  private readonly log: Logger;

  constructor(private readonly options: GraphQLWsServerOptions) {
    this.wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: 1024 * 1024 });
    const log = (this.log = options.logger.child({ component: 'ws' }));
    const trust = compileTrustProxy(options.trustProxy);
    const { pipeline } = options;
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
          const state: ConnectionState = { connectionId: randomUUID(), viewer, clientIp: proxyAddr(ctx.extra.request, trust), outbox };
          if (viewer) {
            const remainingMs = viewer.expiresAt * 1000 - Date.now();
            if (remainingMs <= 0) return false;
            state.expiryTimer = setTimeout(() => ctx.extra.socket.close(FORBIDDEN_CLOSE_CODE, 'Token expired'), remainingMs);
            state.expiryTimer.unref();
          }
          ctx.extra.state = state;
          this.connections.set(ctx.extra.socket, state);
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
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    const context = args.contextValue as GraphQLContext;
    const delivery = this.deliveries.get(context)!;
    const plan = this.options.pipeline.plan(args.document, args.operationName)!;
    const variables = args.variableValues ?? undefined;
    const shareKey = `${plan.id}\n${this.viewerScope(plan, context.viewer)}\n${JSON.stringify(variables ?? {})}`;
    const serialize = (payload: unknown) => this.executeEvent(plan, payload, context, variables);
    const perEvent = (payload: unknown): Promise<string> => {
      if (payload === null || typeof payload !== 'object') return serialize(payload);
      let results = this.sharedResults.get(payload);
      if (!results) this.sharedResults.set(payload, (results = new Map()));
      let result = results.get(shareKey);
      if (!result) results.set(shareKey, (result = serialize(payload)));
      return result;
    };
    this.activeOperations += 1;
    return deliverEvents(source as AsyncIterable<unknown>, perEvent, delivery, this.log, () => {
      this.activeOperations -= 1;
    });
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

/**
 * Pulls events from `source`, turns each into its serialized result and writes it to the
 * subscriber's outbox. What graphql-ws gets back yields nothing and finishes when the source
 * does (then graphql-ws sends `complete`); its `return()` (client `complete`, socket closed)
 * stops the source. Hand-written rather than an async generator: a generator would hold a
 * `return()` until the source yields again, so a quiet channel would never be released.
 */
function deliverEvents(
  source: AsyncIterable<unknown>,
  serialize: (event: unknown) => Promise<string>,
  delivery: Delivery,
  log: Logger,
  onEnd: () => void,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let stopped = false;
  let finished!: (result: IteratorResult<ExecutionResult>) => void;
  const ended = new Promise<IteratorResult<ExecutionResult>>((resolve) => (finished = resolve));
  const stop = async (): Promise<IteratorResult<ExecutionResult>> => {
    if (!stopped) {
      stopped = true;
      onEnd();
      delivery.outbox.forget(delivery.operationId);
      finished({ value: undefined, done: true });
      await iterator.return?.();
    }
    return { value: undefined, done: true };
  };
  void (async () => {
    try {
      for (;;) {
        const event = await iterator.next();
        if (event.done || stopped) break;
        const payload = await serialize(event.value);
        if (stopped) break;
        delivery.outbox.send(delivery.operationId, `${delivery.prefix}${payload}}`);
      }
    } catch (error) {
      log.error({ err: error }, 'live update could not be delivered; subscription ended');
    }
    await stop();
  })();
  const generator: AsyncIterableIterator<ExecutionResult> = {
    next: () => ended,
    return: stop,
    throw: async (error: unknown) => {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]: () => generator,
  };
  return generator;
}
