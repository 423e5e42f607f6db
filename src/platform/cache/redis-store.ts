import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { CachedResponse, Lookup, ResponseCacheStore, StoreTicket } from './store';

/**
 * Layout under `<prefix>rc:` (one Redis, not a cluster: the scripts build their own keys):
 *   gen            the generation; bumped after every outage, so older entries are unreachable
 *   seq            the invalidation sequence
 *   e:<gen>:<key>  an entry (JSON), expiring with its ceiling
 *   t:<gen>:<tag>  the keys of the entries that carry the tag
 *   i:<tag>        the sequence number of the tag's last invalidation (kept a while, for races)
 */
const LOOKUP = `
local gen = redis.call('GET', KEYS[1] .. 'gen') or '0'
return { gen, redis.call('GET', KEYS[1] .. 'seq') or '0', redis.call('GET', KEYS[1] .. 'e:' .. gen .. ':' .. ARGV[1]) }`;

const STORE = `
local p = KEYS[1]
local gen, seq = ARGV[1], tonumber(ARGV[2])
if (redis.call('GET', p .. 'gen') or '0') ~= gen then return 0 end
for i = 6, #ARGV do
  local at = redis.call('GET', p .. 'i:' .. ARGV[i])
  if at and tonumber(at) > seq then return 0 end
end
local key = p .. 'e:' .. gen .. ':' .. ARGV[3]
redis.call('SET', key, ARGV[4], 'PX', ARGV[5])
for i = 6, #ARGV do
  local tag = p .. 't:' .. gen .. ':' .. ARGV[i]
  redis.call('SADD', tag, ARGV[3])
  if redis.call('PTTL', tag) < tonumber(ARGV[5]) then redis.call('PEXPIRE', tag, ARGV[5]) end
end
return 1`;

const INVALIDATE = `
local p = KEYS[1]
local gen = redis.call('GET', p .. 'gen') or '0'
local seq = redis.call('INCR', p .. 'seq')
local removed = 0
for i = 1, #ARGV do
  redis.call('SET', p .. 'i:' .. ARGV[i], seq, 'EX', ${10 * 60})
  local tag = p .. 't:' .. gen .. ':' .. ARGV[i]
  local keys = redis.call('SMEMBERS', tag)
  for j = 1, #keys, 500 do
    local batch = {}
    for k = j, math.min(j + 499, #keys) do batch[#batch + 1] = p .. 'e:' .. gen .. ':' .. keys[k] end
    removed = removed + redis.call('DEL', unpack(batch))
  end
  redis.call('DEL', tag)
end
return removed`;

type Scripted = Redis & {
  responseCacheLookup(prefix: string, key: string): Promise<[string, string, string | null]>;
  responseCacheStore(prefix: string, ...args: (string | number)[]): Promise<number>;
  responseCacheInvalidate(prefix: string, ...tags: string[]): Promise<number>;
};

/**
 * The cache shared by every instance through Redis. When Redis is unreachable the store is
 * unavailable (lookups bypass, stores are dropped, invalidations throw so their job retries),
 * and once it is back the first thing it does is start a new generation: whatever was cached
 * before may have missed an invalidation during the outage, so none of it is served again.
 */
export class RedisResponseStore implements ResponseCacheStore {
  readonly kind = 'redis';
  private readonly redis: Scripted;
  private readonly prefix: string;
  private available = false;
  /** Until the first connection there is nothing cached by this process that could be stale. */
  private everConnected = false;
  /** An invalidation failed here: whatever Redis holds may be stale once it is back. */
  private missedInvalidation = false;
  private reopening: Promise<void> | undefined;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.prefix = `${prefix}rc:`;
    this.redis = redis as Scripted;
    this.redis.defineCommand('responseCacheLookup', { numberOfKeys: 1, lua: LOOKUP });
    this.redis.defineCommand('responseCacheStore', { numberOfKeys: 1, lua: STORE });
    this.redis.defineCommand('responseCacheInvalidate', { numberOfKeys: 1, lua: INVALIDATE });
    redis.on('close', () => this.lost());
    redis.on('ready', () => void this.reopen());
    if (redis.status === 'ready') void this.reopen();
  }

  async lookup(key: string): Promise<Lookup | undefined> {
    if (!this.available && !(await this.reconnected())) return undefined;
    try {
      const [generation, sequence, raw] = await this.redis.responseCacheLookup(this.prefix, key);
      return { entry: raw ? (JSON.parse(raw) as CachedResponse) : undefined, ticket: { generation, sequence: Number(sequence) } };
    } catch (error) {
      this.lost(error);
      return undefined;
    }
  }

  async store(key: string, entry: CachedResponse, tags: readonly string[], ticket: StoreTicket): Promise<boolean> {
    // A ticket from an older generation is refused by the script itself.
    if (!this.available) return false;
    try {
      const ttlMs = Math.max(1, Math.round(entry.maxAgeSeconds * 1000));
      const stored = await this.redis.responseCacheStore(this.prefix, ticket.generation, ticket.sequence, key, JSON.stringify(entry), ttlMs, ...tags);
      return stored === 1;
    } catch (error) {
      this.lost(error);
      return false;
    }
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    if (!this.available && !(await this.reconnected())) {
      this.missedInvalidation = true;
      throw new Error('response cache: Redis is unavailable; the invalidation will be retried');
    }
    try {
      return await this.redis.responseCacheInvalidate(this.prefix, ...tags);
    } catch (error) {
      this.missedInvalidation = true;
      this.lost(error);
      throw error;
    }
  }

  async size(): Promise<number> {
    if (!this.available) return 0;
    const generation = (await this.redis.get(`${this.prefix}gen`).catch(() => null)) ?? '0';
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}e:${generation}:*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0' && count < 1_000_000);
    return count;
  }

  /** The connection is back (whatever its events said): start the new generation now. */
  private async reconnected(): Promise<boolean> {
    if (this.redis.status !== 'ready') return false;
    await this.reopen();
    return this.available;
  }

  /** Logged once per outage; every bypass is counted by the caller. */
  private lost(error?: unknown): void {
    if (!this.available) return;
    this.available = false;
    this.logger.warn({ err: error instanceof Error ? error.message : undefined }, 'response cache: Redis unreachable, requests bypass the cache');
  }

  private reopen(): Promise<void> {
    if (!this.reopening) {
      this.reopening = this.startGeneration().finally(() => {
        this.reopening = undefined;
      });
    }
    return this.reopening;
  }

  private async startGeneration(): Promise<void> {
    try {
      if (this.everConnected || this.missedInvalidation) {
        await this.redis.incr(`${this.prefix}gen`);
        this.missedInvalidation = false;
        this.logger.info('response cache: Redis is back; a new cache generation starts empty');
      }
      this.everConnected = true;
      this.available = true;
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : error }, 'response cache: could not start a new generation');
    }
  }
}
