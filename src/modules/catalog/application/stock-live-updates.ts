import { ValidationError } from '../../../platform/errors';
import type { EventHandler } from '../../../platform/events';
import { isUuid } from '../../../platform/ids';
import type { LiveChannels } from '../../../platform/pubsub';
import type { StockChanged } from '../domain/catalog.events';
import { MAX_WATCHED_PRODUCTS, type CatalogLiveTopics } from '../domain/catalog.live';
import type { StockLevel } from '../domain/stock';

type StockChange = CatalogLiveTopics['STOCK_CHANGED'];

/** Live updates give up sooner than business jobs: a very late stock level helps nobody. */
const LIVE_UPDATE_MAX_ATTEMPTS = 5;

/** stockChanged: public (anonymous subscribers welcome), one channel per product. */
export class StockLiveUpdates {
  constructor(
    private readonly channels: LiveChannels<CatalogLiveTopics>,
    private readonly currentLevel: (productId: string) => Promise<StockLevel | null>,
  ) {}

  /** 1 to 100 ids; an unknown or malformed id simply never changes. */
  subscribe(productIds: readonly string[]): Promise<AsyncIterableIterator<StockChange>> {
    if (productIds.length < 1 || productIds.length > MAX_WATCHED_PRODUCTS) {
      throw ValidationError.field('productIds', `must list 1 to ${MAX_WATCHED_PRODUCTS} products`);
    }
    const ids = [...new Set(productIds.filter(isUuid).map((id) => id.toLowerCase()))];
    return this.channels.subscribe(
      'STOCK_CHANGED',
      ids.map((id) => `product:${id}`),
    );
  }

  /** Runs in the product's queue (the event table), so first attempts publish levels in order. */
  handler(): EventHandler<StockChanged> {
    return {
      name: 'catalog.live-on-stock-changed',
      transactional: false,
      maxAttempts: LIVE_UPDATE_MAX_ATTEMPTS,
      // First attempts publish the event's level, in order. A retried job (e.g. after a Redis
      // outage) may run after newer changes, so it publishes the stock as it is now instead (as
      // does a job from before events carried the version). Either way with the version of the
      // level it shows: a repeated delivery repeats the version, and a client drops it.
      handle: async (event, context) => {
        const fresh = context.attempt > 1 || event.productVersion === null;
        const level = fresh ? await this.currentLevel(event.productId) : { stock: event.stock, version: event.productVersion! };
        if (level === null) return;
        await this.channels.publish('STOCK_CHANGED', [`product:${event.productId}`], {
          productId: event.productId,
          stock: level.stock,
          version: level.version,
          at: fresh ? new Date() : new Date(event.at),
        });
      },
    };
  }
}
