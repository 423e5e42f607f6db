import type { CachedResponse, Lookup, ResponseCacheStore, StoreTicket } from './store';

interface Slot {
  entry: CachedResponse;
  tags: readonly string[];
  bytes: number;
  expiresAt: number;
}

/** Tag invalidation marks older than this many invalidations are forgotten (bounded memory). */
const REMEMBERED_INVALIDATIONS = 100_000;

/**
 * The cache in process memory, when there is no Redis: an LRU bounded in bytes (a Map keeps
 * insertion order; a hit moves its entry to the end), with a tag index for invalidation.
 */
export class MemoryResponseStore implements ResponseCacheStore {
  readonly kind = 'memory';
  private readonly slots = new Map<string, Slot>();
  private readonly byTag = new Map<string, Set<string>>();
  /** tag → sequence number of its last invalidation. */
  private readonly invalidatedAt = new Map<string, number>();
  private sequence = 0;
  /** Stores with a ticket below this are refused: their tags' marks were forgotten. */
  private floor = 0;
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(key: string): Promise<Lookup> {
    const ticket: StoreTicket = { generation: 'memory', sequence: this.sequence };
    const slot = this.slots.get(key);
    if (!slot) return { entry: undefined, ticket };
    if (slot.expiresAt <= this.now()) {
      this.remove(key);
      return { entry: undefined, ticket };
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return { entry: slot.entry, ticket };
  }

  async store(key: string, entry: CachedResponse, tags: readonly string[], ticket: StoreTicket): Promise<boolean> {
    if (ticket.sequence < this.floor) return false;
    if (tags.some((tag) => (this.invalidatedAt.get(tag) ?? -1) > ticket.sequence)) return false;
    const bytes = 2 * (key.length + entry.data.length + entry.etag.length) + 200;
    if (bytes > this.maxBytes) return false;
    this.remove(key);
    this.slots.set(key, { entry, tags, bytes, expiresAt: this.now() + entry.maxAgeSeconds * 1000 });
    this.bytes += bytes;
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    for (const oldest of this.slots.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
    return true;
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    const sequence = ++this.sequence;
    let removed = 0;
    for (const tag of tags) {
      this.invalidatedAt.delete(tag);
      this.invalidatedAt.set(tag, sequence);
      for (const key of this.byTag.get(tag) ?? []) removed += this.remove(key) ? 1 : 0;
      this.byTag.delete(tag);
    }
    if (this.invalidatedAt.size > REMEMBERED_INVALIDATIONS) {
      // Forget the oldest marks; requests that started before them may no longer store.
      for (const [tag, at] of this.invalidatedAt) {
        if (this.invalidatedAt.size <= REMEMBERED_INVALIDATIONS / 2) break;
        this.invalidatedAt.delete(tag);
        this.floor = Math.max(this.floor, at);
      }
    }
    return removed;
  }

  /** Drops everything, and refuses the stores of requests that read before this moment. */
  clear(): void {
    this.slots.clear();
    this.byTag.clear();
    this.invalidatedAt.clear();
    this.bytes = 0;
    this.floor = ++this.sequence;
  }

  async size(): Promise<number> {
    return this.bytes;
  }

  private remove(key: string): boolean {
    const slot = this.slots.get(key);
    if (!slot) return false;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
    for (const tag of slot.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
    return true;
  }
}
