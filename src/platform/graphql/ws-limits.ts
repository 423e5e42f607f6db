import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { WebSocket, WebSocketServer } from 'ws';

export interface WsLimitSettings {
  /** Open sockets allowed from one client IP, on this instance. */
  maxConnectionsPerIp: number;
  /** Open sockets allowed on this instance. */
  maxConnections: number;
  /** Operations one socket may run at the same time. */
  maxSubscriptionsPerSocket: number;
  /** An anonymous socket with no operation running for this long is closed. */
  anonymousIdleMs: number;
}

export type WsLimit = 'ws-connections-per-ip' | 'ws-connections' | 'ws-subscriptions-per-socket' | 'ws-anonymous-idle';

/** RFC 6455's "Try Again Later": the server is at its limit, a later connection may succeed. */
export const TRY_AGAIN_LATER_CLOSE_CODE = 1013;

/**
 * Caps on WebSockets, so one client cannot hold an instance's memory: sockets per IP and per
 * instance (refused with close code 1013), operations per socket (the subscribe gets
 * RATE_LIMITED), and an idle lifetime for anonymous sockets (closed with 1000 when no operation
 * runs). Each refusal is
 * reported through `onLimit` for the metrics.
 */
export class WsLimits {
  private readonly perIp = new Map<string, number>();
  private total = 0;
  private readonly idleTimers = new Map<object, NodeJS.Timeout>();

  constructor(
    private readonly settings: WsLimitSettings,
    private readonly clientIpOf: (request: IncomingMessage) => string,
    private readonly onLimit: (limit: WsLimit) => void = () => {},
  ) {}

  /** Counts every socket as it opens; must be attached before graphql-ws's own handler. */
  attach(wss: WebSocketServer): void {
    wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      const ip = this.clientIpOf(request);
      const fromIp = this.perIp.get(ip) ?? 0;
      const refusal: WsLimit | undefined =
        this.total >= this.settings.maxConnections
          ? 'ws-connections'
          : fromIp >= this.settings.maxConnectionsPerIp
            ? 'ws-connections-per-ip'
            : undefined;
      if (refusal) {
        this.onLimit(refusal);
        socket.close(TRY_AGAIN_LATER_CLOSE_CODE, refusal === 'ws-connections' ? 'Too many connections' : 'Too many connections from this address');
        return;
      }
      this.total += 1;
      this.perIp.set(ip, fromIp + 1);
      socket.once('close', () => {
        this.total -= 1;
        const left = (this.perIp.get(ip) ?? 1) - 1;
        if (left > 0) this.perIp.set(ip, left);
        else this.perIp.delete(ip);
        this.stopIdleTimer(socket);
      });
    });
  }

  /** The error to answer a subscribe with when the socket already runs its maximum; `running` includes it. */
  admitOperation(running: number): GraphQLError | undefined {
    if (running <= this.settings.maxSubscriptionsPerSocket) return undefined;
    this.onLimit('ws-subscriptions-per-socket');
    return new GraphQLError(`At most ${this.settings.maxSubscriptionsPerSocket} operations may run on one socket`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1, limit: this.settings.maxSubscriptionsPerSocket },
    });
  }

  /**
   * Closes an anonymous socket that runs no operation when its idle time comes round; a busy one
   * is looked at again one idle time later.
   */
  watchAnonymous(socket: WebSocket, isIdle: () => boolean): void {
    const check = () => {
      if (!isIdle()) {
        arm();
        return;
      }
      this.idleTimers.delete(socket);
      this.onLimit('ws-anonymous-idle');
      socket.close(1000, 'Idle');
    };
    const arm = () => {
      const timer = setTimeout(check, this.settings.anonymousIdleMs);
      timer.unref();
      this.idleTimers.set(socket, timer);
    };
    arm();
  }

  private stopIdleTimer(socket: object): void {
    const timer = this.idleTimers.get(socket);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(socket);
  }
}
