import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import proxyAddr from 'proxy-addr';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { compileTrustProxy } from '../http/trust-proxy';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Viewer } from '../viewer';
import type { LoaderFactories } from './loader-registry';
import type { OperationPipeline } from './pipeline/operation-pipeline';
import { viewerFromAuthorization, type Authenticate } from './server';
import { admitWsOperation, wsRequestContext, type AdmitDocument } from './ws-admission';
import { WsLimits, type WsLimitSettings } from './ws-limits';
import { SocketOutbox } from './ws-outbox';
import { formatGraphQLError, SharedSubscriptions } from './ws-subscriptions';

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
  admitDocument?: AdmitDocument;
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
 * graphql-ws (graphql-transport-ws) on the HTTP server's /graphql path; owns the connections:
 * authenticates once per connection from connectionParams.authorization, closes the socket when
 * that token expires or its account changes, and closes every socket on shutdown. Every
 * operation goes through the same pipeline as HTTP (ws-admission.ts). Subscriptions share their
 * event sources (ws-subscriptions.ts); their `next` messages are written by the shared group,
 * through each socket's bounded outbox, rather than by graphql-ws, which would serialize per
 * socket and wait for each write.
 */
export class GraphQLWsServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<object, ConnectionState>();
  private readonly subscriptions: SharedSubscriptions;

  constructor(private readonly options: GraphQLWsServerOptions) {
    this.wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: 1024 * 1024 });
    const log = options.logger.child({ component: 'ws' });
    const trust = compileTrustProxy(options.trustProxy);
    const { pipeline } = options;
    const subscriptions = (this.subscriptions = new SharedSubscriptions({
      pipeline,
      loaders: options.loaders,
      viewerIndependentFields: options.viewerIndependentFields,
      log,
    }));
    const limits = options.limits
      ? new WsLimits(options.limits, (request) => proxyAddr(request, trust), (limit) => options.metrics?.rateLimitRejections.inc({ limit }))
      : undefined;
    // Before graphql-ws's handler, so a refused socket is closed before anything is set up for it.
    limits?.attach(this.wss);
    options.metrics?.onCollect(() => {
      options.metrics!.wsConnections.set(this.connections.size);
      options.metrics!.activeSubscriptions.set(subscriptions.activeCount);
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
          const context = wsRequestContext(requestId, state, options.loaders, log);
          subscriptions.deliverTo(context, {
            outbox: state.outbox,
            operationId: id,
            prefix: `{"id":${JSON.stringify(id)},"type":"next","payload":`,
          });
          return admitWsOperation(pipeline, options.admitDocument, payload, context);
        },
        execute: (args) => {
          const plan = pipeline.plan(args.document, args.operationName)!;
          return pipeline.execute(plan, { contextValue: args.contextValue, variables: args.variableValues ?? undefined });
        },
        subscribe: (args) => subscriptions.subscribe(args),
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
    return this.subscriptions.activeCount;
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
}
