import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ResponseError } from './graphql-client';
import { eventually } from './wait';

export interface Subscription<T> {
  /** Every `next` payload's data, in arrival order, with the local time it arrived. */
  received: { data: T; at: number }[];
  errors: ResponseError[] | undefined;
  completed: boolean;
  /** Waits until at least `count` events arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  unsubscribe(): void;
}

export interface LiveClient {
  client: Client;
  /** Close code and reason once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  subscribe<T>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  dispose(): Promise<void>;
}

/** A graphql-ws client over a real WebSocket to the test server, as a frontend would use. */
export function connectLive(httpUrl: string, token?: string, options: { headers?: Record<string, string> } = {}): LiveClient {
  let resolveClosed: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: options.headers ? withHeaders(options.headers) : WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
    shouldRetry: () => false,
    on: {
      closed: (event) => {
        resolveClosed({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) });
        // One socket per client: a non-lazy graphql-ws client reconnects at once after a normal
        // closure (1000) whatever retryAttempts says, which would hide the server's close (e.g. of
        // an idle socket) behind a new socket. A socket refused before it opened rejects here too.
        Promise.resolve(client.dispose()).catch(() => undefined);
      },
    },
    onNonLazyError: () => {},
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}): Subscription<T> {
      const subscription: Subscription<T> = {
        received: [],
        errors: undefined,
        completed: false,
        waitFor: async (count, timeoutMs = 5_000) => {
          await eventually(
            async () => subscription.received.length + (subscription.errors ? 1_000_000 : 0),
            (n) => n >= count,
            { timeoutMs, what: `${count} events`, intervalMs: 5 },
          );
          if (subscription.errors) throw new Error(`subscription failed: ${JSON.stringify(subscription.errors)}`);
          return subscription.received.map((r) => r.data);
        },
        unsubscribe: () => unsubscribe(),
      };
      const unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            if (value.errors) subscription.errors = value.errors as unknown as ResponseError[];
            if (value.data) subscription.received.push({ data: value.data as T, at: Date.now() });
          },
          error: (error) => {
            subscription.errors = Array.isArray(error) ? (error as ResponseError[]) : [{ message: String(error), extensions: { code: 'SOCKET' } }];
          },
          complete: () => {
            subscription.completed = true;
          },
        },
      );
      return subscription;
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}

/** A WebSocket whose upgrade request carries extra headers (e.g. X-Forwarded-For). */
function withHeaders(headers: Record<string, string>): unknown {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

/** The live clients a suite opened, so it can dispose of them together (after each test or at the end). */
export class LiveClients {
  private readonly open: LiveClient[] = [];

  connect(...args: Parameters<typeof connectLive>): LiveClient {
    const client = connectLive(...args);
    this.open.push(client);
    return client;
  }

  async disposeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((c) => c.dispose()));
  }
}
