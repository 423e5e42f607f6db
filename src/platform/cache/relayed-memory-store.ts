import type { MemoryResponseStore } from './memory-store';
import type { InvalidationRelay } from './postgres-invalidation-relay';
import type { CachedResponse, Lookup, ResponseCacheStore, StoreTicket } from './store';

/**
 * A process's own memory cache that hears every other process's invalidations through a relay
 * (and tells them its own). While the relay is not listening it bypasses: an entry is only
 * served while no invalidation can have been missed since it was stored.
 */
export class RelayedMemoryStore implements ResponseCacheStore {
  readonly kind = 'memory';
  private listening = false;

  constructor(
    private readonly local: MemoryResponseStore,
    private readonly relay: InvalidationRelay,
  ) {}

  async start(): Promise<void> {
    await this.relay.listen({
      onTags: (tags) => void this.local.invalidate(tags),
      onLost: () => {
        this.listening = false;
        this.local.clear();
      },
      onListening: () => {
        // Whatever was notified while nobody listened is unknown: start empty.
        this.local.clear();
        this.listening = true;
      },
    });
  }

  stop(): Promise<void> {
    this.listening = false;
    return this.relay.stop();
  }

  async lookup(key: string): Promise<Lookup | undefined> {
    return this.listening ? this.local.lookup(key) : undefined;
  }

  async store(key: string, entry: CachedResponse, tags: readonly string[], ticket: StoreTicket): Promise<boolean> {
    return this.listening && this.local.store(key, entry, tags, ticket);
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    const removed = await this.local.invalidate(tags);
    await this.relay.publish(tags);
    return removed;
  }

  size(): Promise<number> {
    return this.local.size();
  }
}
