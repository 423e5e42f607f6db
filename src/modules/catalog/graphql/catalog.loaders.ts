import DataLoader from 'dataloader';
import type { CreatedAtKey, Page, PageRequest } from '../../../platform/pagination';
import { observedBatch, type BatchObserver } from '../../../platform/graphql/loader-registry';
import type { CatalogService } from '../application/catalog.service';
import type { Product } from '../domain/product';
import type { RatingSummary, Review } from '../domain/review';

/**
 * The catalog's per-request loaders. However many products a query lists, each relation below
 * costs one statement per tick of the event loop.
 */
export class CatalogLoaders {
  readonly productById: DataLoader<string, Product | null>;
  readonly ratingByProductId: DataLoader<string, RatingSummary>;
  /** One loader per distinct (first, after): products listed together share one. */
  private readonly reviewPageLoaders = new Map<string, DataLoader<string, Page<Review>>>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly observeBatch: BatchObserver,
  ) {
    this.productById = new DataLoader(
      observedBatch('catalog.productById', observeBatch, async (ids: readonly string[]) => {
        const found = new Map((await catalog.getProducts(ids)).map((p) => [p.id, p]));
        return ids.map((id) => found.get(id) ?? null);
      }),
    );
    this.ratingByProductId = new DataLoader(
      observedBatch('catalog.ratingByProductId', observeBatch, async (ids: readonly string[]) => {
        const summaries = await catalog.ratingSummaries(ids);
        return ids.map((id) => summaries.get(id)!);
      }),
    );
  }

  reviewPage(productId: string, request: PageRequest<CreatedAtKey>): Promise<Page<Review>> {
    const key = JSON.stringify([request.first, request.after?.createdAt.toISOString(), request.after?.id]);
    let loader = this.reviewPageLoaders.get(key);
    if (!loader) {
      loader = new DataLoader(
        observedBatch('catalog.reviewPage', this.observeBatch, async (productIds: readonly string[]) => {
          const pages = await this.catalog.reviewPages(productIds, request);
          return productIds.map((id) => pages.get(id)!);
        }),
      );
      this.reviewPageLoaders.set(key, loader);
    }
    return loader.load(productId);
  }
}
