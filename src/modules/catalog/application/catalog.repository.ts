import type { CreatedAtKey, PageRequest } from '../../../platform/pagination';
import type { Product, ProductChanges, ProductDraft, ProductFilter } from '../domain/product';
import type { RatingSummary, Review } from '../domain/review';
import type { ReservedLine, StockLevel, StockLine } from '../domain/stock';

export type VersionedUpdate = { outcome: 'updated'; product: Product } | { outcome: 'stale'; currentVersion: number } | { outcome: 'missing' };

export interface ProductRepository {
  findByIds(ids: readonly string[]): Promise<Product[]>;
  /** Up to `first + 1` products, newest first, after the cursor. */
  list(filter: ProductFilter, page: PageRequest<CreatedAtKey>): Promise<Product[]>;
  count(filter: ProductFilter): Promise<number>;
  /** Fails with SkuTakenError when the SKU exists. */
  create(draft: ProductDraft): Promise<Product>;
  updateIfVersion(id: string, expectedVersion: number, changes: ProductChanges): Promise<VersionedUpdate>;
  /** Null when the product does not exist; fails with StockLimitError above the maximum. */
  addStock(id: string, quantity: number): Promise<Product | null>;
  /**
   * Takes the units of every line, or none: fails with ProductNotFoundError or
   * InsufficientStockError (the caller's transaction then rolls back). Rows are locked in id
   * order so concurrent orders never deadlock.
   */
  reserve(lines: readonly StockLine[]): Promise<ReservedLine[]>;
  /** Returns units to stock; the new stock level (and version) per product. */
  release(lines: readonly StockLine[]): Promise<StockLevel[]>;
}

export interface NewReview {
  productId: string;
  authorId: string;
  rating: number;
  body: string;
}

export interface ReviewRepository {
  /** Fails with ReviewAlreadyExistsError when the author already reviewed the product. */
  create(review: NewReview): Promise<Review>;
  /** For each product, up to `first + 1` reviews newest first, in one statement. */
  pagesByProduct(productIds: readonly string[], page: PageRequest<CreatedAtKey>): Promise<Map<string, Review[]>>;
  ratingSummaries(productIds: readonly string[]): Promise<Map<string, RatingSummary>>;
}
