/** One cached response: the `data` JSON as sent, its ETag and what it cost to compute. */
export interface CachedResponse {
  data: string;
  etag: string;
  cost: number;
  /** Seconds since the epoch at which the entry was stored, for the HTTP Age header. */
  storedAt: number;
  maxAgeSeconds: number;
}

/**
 * A lookup also returns a ticket: the position in the invalidation sequence before the request
 * read anything. A store with that ticket is refused when any of the response's tags was
 * invalidated since, so a read that raced a change never caches the old value.
 */
export interface Lookup {
  entry: CachedResponse | undefined;
  ticket: StoreTicket;
}

export interface StoreTicket {
  generation: string;
  sequence: number;
}

export interface ResponseCacheStore {
  readonly kind: 'redis' | 'memory';
  /** Undefined while the store is unavailable: the caller bypasses the cache. */
  lookup(key: string): Promise<Lookup | undefined>;
  store(key: string, entry: CachedResponse, tags: readonly string[], ticket: StoreTicket): Promise<boolean>;
  /** Throws when the invalidation could not be applied (the caller's job then retries). */
  invalidate(tags: readonly string[]): Promise<number>;
  /** Approximate bytes held (memory) or entries of this generation (Redis), for the size gauge. */
  size(): Promise<number>;
}
