import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from './logger';
import { inSpan, SpanKind } from './tracing';

/**
 * Typed live-update channels. A topic is split into keyed channels (`ORDER_UPDATED:order:<id>`,
 * `STOCK_CHANGED:product:<id>`…) so a message reaches only the subscribers it concerns, instead
 * of every subscriber filtering every event.
 */
export interface LiveChannels<TTopics> {
  publish<K extends keyof TTopics & string>(topic: K, keys: readonly string[], payload: TTopics[K]): Promise<void>;
  /** Resolves once the channels are subscribed, so nothing published afterwards is missed. */
  subscribe<K extends keyof TTopics & string>(topic: K, keys: readonly string[]): Promise<AsyncIterableIterator<TTopics[K]>>;
}

/**
 * JSON that keeps Dates: Redis carries strings, and subscribers resolve `DateTime` fields from
 * the payload, so a Date must come back a Date.
 */
export const liveCodec = {
  serialize(value: unknown): string {
    return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, current: unknown) {
      const original = this[key];
      return original instanceof Date ? { $date: original.toISOString() } : current;
    });
  },
  deserialize(text: string): unknown {
    return JSON.parse(text, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && typeof (value as { $date?: unknown }).$date === 'string' && Object.keys(value).length === 1
        ? new Date((value as { $date: string }).$date)
        : value,
    );
  },
};

/** A subscriber that falls this far behind loses its oldest messages rather than the server's memory. */
const MAX_QUEUED_PER_SUBSCRIBER = 1_000;

export class PubSubLiveChannels<TTopics> implements LiveChannels<TTopics> {
  private active = 0;

  constructor(
    private readonly engine: PubSubEngine,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly onMessage: (direction: 'in' | 'out', topic: string) => void = () => {},
  ) {}

  /** Open subscriber iterators in this process (a gauge for metrics and leak tests). */
  get activeSubscriptions(): number {
    return this.active;
  }

  channel(topic: string, key: string): string {
    return `${this.prefix}${topic}:${key}`;
  }

  async publish<K extends keyof TTopics & string>(topic: K, keys: readonly string[], payload: TTopics[K]): Promise<void> {
    await inSpan(`pubsub publish ${topic}`, { kind: SpanKind.PRODUCER, attributes: { 'pubsub.channels': keys.length } }, () =>
      Promise.all(keys.map((key) => this.engine.publish(this.channel(topic, key), payload))),
    );
    for (let i = 0; i < keys.length; i += 1) this.onMessage('out', topic);
  }

  async subscribe<K extends keyof TTopics & string>(topic: K, keys: readonly string[]): Promise<AsyncIterableIterator<TTopics[K]>> {
    const queue: TTopics[K][] = [];
    const waiting: ((result: IteratorResult<TTopics[K]>) => void)[] = [];
    let done = false;
    const push = (message: TTopics[K]) => {
      if (done) return;
      this.onMessage('in', topic);
      const next = waiting.shift();
      if (next) return next({ value: message, done: false });
      if (queue.length >= MAX_QUEUED_PER_SUBSCRIBER) {
        queue.shift();
        this.logger.warn({ topic }, 'slow subscriber: dropped its oldest live update');
      }
      queue.push(message);
    };
    const ids = await Promise.all(keys.map((key) => this.engine.subscribe(this.channel(topic, key), push, {})));
    this.active += 1;
    const finish = (): Promise<IteratorResult<TTopics[K]>> => {
      if (!done) {
        done = true;
        this.active -= 1;
        for (const id of ids) this.engine.unsubscribe(id);
        for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
        queue.length = 0;
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    const iterator: AsyncIterableIterator<TTopics[K]> = {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: finish,
      throw: async (error: unknown) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

export interface LivePubSub<TTopics> {
  channels: PubSubLiveChannels<TTopics>;
  /** Null when in-process. */
  redis: { publisher: Redis; subscriber: Redis } | null;
  close(): Promise<void>;
}

/**
 * Redis pub/sub (graphql-redis-subscriptions over two ioredis connections) when a URL is given,
 * so every API instance sees every event; the in-process PubSub otherwise (one instance only).
 * ioredis reconnects and resubscribes by itself after Redis restarts; messages published while
 * it is away are not replayed (pub/sub keeps nothing).
 */
export function createLivePubSub<TTopics>(options: {
  redisUrl: string | undefined;
  prefix: string;
  logger: Logger;
  onMessage?: (direction: 'in' | 'out', topic: string) => void;
}): LivePubSub<TTopics> {
  const log = options.logger.child({ component: 'pubsub' });
  if (!options.redisUrl) {
    return { channels: new PubSubLiveChannels<TTopics>(new PubSub(), options.prefix, log, options.onMessage), redis: null, close: async () => {} };
  }
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, {
      connectionName: `storefront-graph-${role}`,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      maxRetriesPerRequest: 3,
    });
    client.on('error', (err: Error) => log.warn({ role, err: err.message }, 'redis connection error'));
    client.on('ready', () => log.info({ role }, 'redis connection ready'));
    return client;
  };
  const publisher = connect('publisher');
  const subscriber = connect('subscriber');
  const engine = new RedisPubSub({
    publisher,
    subscriber,
    serializer: liveCodec.serialize,
    deserializer: (source) => liveCodec.deserialize(source.toString()),
  });
  return {
    channels: new PubSubLiveChannels<TTopics>(engine, options.prefix, log, options.onMessage),
    redis: { publisher, subscriber },
    close: async () => {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
