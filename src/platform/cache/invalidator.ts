import type { Metrics } from '../metrics';
import type { ResponseCacheStore } from './store';

/**
 * Drops cached responses by tag: what event handlers (in any process) and mutations call.
 * Needs no schema, so a worker process has one too.
 */
export class ResponseCacheInvalidator {
  constructor(
    readonly store: ResponseCacheStore,
    private readonly metrics?: Metrics,
  ) {}

  /**
   * Drops every response that carries one of the tags. `Product:<id>` also drops responses
   * that hold a product whose id they did not select (tagged plain `Product`).
   */
  async invalidate(tags: readonly string[]): Promise<number> {
    const all = new Set(tags);
    for (const tag of tags) {
      const type = tag.split(':')[0]!;
      if (type !== tag) all.add(type);
    }
    const removed = await this.store.invalidate([...all]);
    this.metrics?.responseCacheInvalidations.inc(all.size);
    return removed;
  }
}
