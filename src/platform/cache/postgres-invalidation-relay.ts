import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from '../logger';

/** What a relay tells the store that listens through it. */
export interface RelayListener {
  /** Another process invalidated these tags. */
  onTags(tags: string[]): void;
  /** Messages may have been missed (the connection dropped): nothing cached may be trusted. */
  onLost(): void;
  /** Listening again: from now on every invalidation arrives. */
  onListening(): void;
}

/** Carries invalidations between processes whose caches live in their own memory. */
export interface InvalidationRelay {
  publish(tags: readonly string[]): Promise<void>;
  listen(listener: RelayListener): Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresRelayOptions {
  connectionString: string;
  /** Runs `SELECT pg_notify($1, $2)` on the application's pool. */
  notify: (channel: string, payload: string) => Promise<void>;
  logger: Logger;
  channel?: string;
  /** How often the listening connection proves it is alive; a dead one is treated as lost. */
  pingIntervalMs?: number;
}

/** NOTIFY payloads must stay under 8,000 bytes. */
const MAX_PAYLOAD_BYTES = 7_000;
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * Invalidations over PostgreSQL LISTEN/NOTIFY, for deployments without Redis: every process that
 * caches listens on one channel of the application's database, and every invalidation is
 * notified there. A listening connection that drops (or stops answering its ping) reports
 * `onLost`, so the store empties itself rather than risk an entry whose invalidation it missed.
 */
export class PostgresInvalidationRelay implements InvalidationRelay {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private client: Client | undefined;
  private listener: RelayListener | undefined;
  private stopped = false;
  private reconnectDelayMs = 250;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PostgresRelayOptions) {
    this.channel = options.channel ?? 'storefront_response_cache';
  }

  async publish(tags: readonly string[]): Promise<void> {
    for (const batch of batches(tags)) {
      await this.options.notify(this.channel, JSON.stringify({ origin: this.origin, tags: batch }));
    }
  }

  /** Resolves once listening, or after the first failed attempt (reconnecting goes on). */
  async listen(listener: RelayListener): Promise<void> {
    this.listener = listener;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const pingIntervalMs = this.options.pingIntervalMs ?? 5_000;
    // query_timeout makes a ping on a silently dead link fail instead of waiting forever.
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: 'storefront-cache-relay',
      keepAlive: true,
      query_timeout: pingIntervalMs,
    });
    let isLost = false;
    const lost = (error?: unknown) => {
      if (isLost) return;
      isLost = true;
      this.lost(client, error);
    };
    client.on('notification', (message) => this.received(message.payload));
    client.on('error', (error) => lost(error));
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.channel)}`);
    } catch (error) {
      lost(error);
      return;
    }
    // Lost while LISTEN was answered: the reconnect is already scheduled.
    if (isLost) return;
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = 250;
    this.pingTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => lost(error));
    }, pingIntervalMs);
    this.pingTimer.unref();
    this.options.logger.debug({ channel: this.channel }, 'response cache: listening for invalidations');
    this.listener?.onListening();
  }

  private received(payload: string | undefined): void {
    if (!payload) return;
    let message: { origin?: unknown; tags?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (message.origin === this.origin || !Array.isArray(message.tags)) return;
    this.listener?.onTags(message.tags.filter((tag): tag is string => typeof tag === 'string'));
  }

  /** Every way a connection can fail ends here, once per connection (see `connect`). */
  private lost(client: Client, error?: unknown): void {
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.client === client) {
      this.client = undefined;
      clearInterval(this.pingTimer);
    }
    if (this.stopped) return;
    this.listener?.onLost();
    this.options.logger.warn(
      { err: error instanceof Error ? error.message : error, retryInMs: this.reconnectDelayMs },
      'response cache: invalidation channel lost; the cache is bypassed until it is back',
    );
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}

function batches(tags: readonly string[]): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const tag of tags) {
    const size = Buffer.byteLength(tag) + 3;
    if (current.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(tag);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
