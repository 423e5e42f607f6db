import { requireAdmin, requireViewer } from '../../../platform/authorization';
import { ValidationError } from '../../../platform/errors';
import { isUuid } from '../../../platform/ids';
import { pageRequest, toPage, type CreatedAtKey, type Page, type PageRequest } from '../../../platform/pagination';
import type { UnitOfWork } from '../../../platform/database/unit-of-work';
import type { EventPublisher } from '../../../platform/events';
import type { Viewer } from '../../../platform/viewer';
import type { CatalogEvents } from '../domain/catalog.events';
import type { ReservedLine, StockLevel, StockLine } from '../domain/stock';
import { ProductNotFoundError, StaleProductVersionError } from '../domain/catalog.errors';
import {
  LIMITS,
  validateChanges,
  validateDraft,
  validateFilter,
  type Product,
  type ProductChanges,
  type ProductDraft,
  type ProductFilter,
} from '../domain/product';
import { validateReview, type RatingSummary, type Review } from '../domain/review';
import type { ProductRepository, ReviewRepository } from './catalog.repository';

export interface ProductPage {
  page: Page<Product>;
  /** Deferred: the count query runs only when a client asks for totalCount. */
  totalCount: () => Promise<number>;
}

const NO_REVIEWS: RatingSummary = { reviewCount: 0, averageRating: null };

export class CatalogService {
  constructor(
    private readonly products: ProductRepository,
    private readonly reviews: ReviewRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventPublisher<CatalogEvents>,
  ) {}

  /** A malformed id is an unknown product: null, as for any other unknown id. */
  async getProduct(id: string): Promise<Product | null> {
    return (await this.getProducts([id]))[0] ?? null;
  }

  getProducts(ids: readonly string[]): Promise<Product[]> {
    const valid = ids.filter(isUuid);
    return valid.length === 0 ? Promise.resolve([]) : this.products.findByIds(valid);
  }

  async listProducts(filter: ProductFilter, first: number | null | undefined, after?: string | null): Promise<ProductPage> {
    const request = pageRequest(first, after);
    const problems = validateFilter(filter);
    if (problems.length > 0) throw new ValidationError(problems);
    const rows = await this.products.list(filter, request);
    return { page: toPage(rows, request), totalCount: () => this.products.count(filter) };
  }

  async createProduct(viewer: Viewer, draft: ProductDraft): Promise<Product> {
    requireAdmin(viewer);
    const normalized = { ...draft, sku: draft.sku.trim(), name: draft.name.trim(), currency: draft.currency.trim().toUpperCase() };
    const problems = validateDraft(normalized);
    if (problems.length > 0) throw new ValidationError(problems);
    return this.unitOfWork.transaction(async () => {
      const product = await this.products.create(normalized);
      await this.events.publish('ProductCreated', { productId: product.id, at: new Date().toISOString() });
      return product;
    });
  }

  async updateProduct(viewer: Viewer, id: string, expectedVersion: number, changes: ProductChanges): Promise<Product> {
    requireAdmin(viewer);
    const normalized = { ...changes, name: changes.name?.trim() };
    const problems = validateChanges(normalized);
    if (problems.length > 0) throw new ValidationError(problems);
    if (!isUuid(id)) throw new ProductNotFoundError(id);
    return this.unitOfWork.transaction(async () => {
      const result = await this.products.updateIfVersion(id, expectedVersion, normalized);
      if (result.outcome === 'missing') throw new ProductNotFoundError(id);
      if (result.outcome === 'stale') throw new StaleProductVersionError(expectedVersion, result.currentVersion);
      const { product } = result;
      await this.events.publish('ProductUpdated', { productId: product.id, productVersion: product.version, at: new Date().toISOString() });
      return product;
    });
  }

  async restockProduct(viewer: Viewer, id: string, quantity: number): Promise<Product> {
    requireAdmin(viewer);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > LIMITS.maxRestock) {
      throw ValidationError.field('quantity', `must be between 1 and ${LIMITS.maxRestock}`);
    }
    return this.unitOfWork.transaction(async () => {
      const product = isUuid(id) ? await this.products.addStock(id, quantity) : null;
      if (!product) throw new ProductNotFoundError(id);
      await this.stockChanged([{ productId: product.id, stock: product.stock, version: product.version }]);
      return product;
    });
  }

  /**
   * Reserves stock for an order, priced at this moment. Runs in the caller's transaction: if the
   * order fails later, the reservation rolls back with it.
   */
  async reserveStock(lines: readonly StockLine[]): Promise<ReservedLine[]> {
    return this.unitOfWork.transaction(async () => {
      const reserved = await this.products.reserve(lines);
      await this.stockChanged(reserved.map((l) => ({ productId: l.productId, stock: l.stockLeft, version: l.productVersion })));
      return reserved;
    });
  }

  /** Returns an order's units to stock (cancellation, failed payment). */
  async releaseStock(lines: readonly StockLine[]): Promise<void> {
    await this.unitOfWork.transaction(async () => {
      await this.stockChanged(await this.products.release(lines));
    });
  }

  private async stockChanged(levels: StockLevel[]): Promise<void> {
    const at = new Date().toISOString();
    await this.events.publishAll(
      'StockChanged',
      levels.map(({ productId, stock, version }) => ({ productId, stock, productVersion: version, at })),
    );
  }

  async addReview(viewer: Viewer, input: { productId: string; rating: number; body: string }): Promise<Review> {
    const author = requireViewer(viewer);
    const problems = validateReview(input.rating, input.body);
    if (problems.length > 0) throw new ValidationError(problems);
    if (!(await this.getProduct(input.productId))) throw new ProductNotFoundError(input.productId);
    return this.unitOfWork.transaction(async () => {
      const review = await this.reviews.create({ productId: input.productId, authorId: author.id, rating: input.rating, body: input.body.trim() });
      await this.events.publish('ReviewAdded', { reviewId: review.id, productId: review.productId, authorId: author.id, at: new Date().toISOString() });
      return review;
    });
  }

  /** Review pages for many products at once (the Product.reviews loader). */
  async reviewPages(productIds: readonly string[], request: PageRequest<CreatedAtKey>): Promise<Map<string, Page<Review>>> {
    const rows = await this.reviews.pagesByProduct(productIds, request);
    return new Map(productIds.map((id) => [id, toPage(rows.get(id) ?? [], request)]));
  }

  async ratingSummaries(productIds: readonly string[]): Promise<Map<string, RatingSummary>> {
    const found = await this.reviews.ratingSummaries(productIds);
    return new Map(productIds.map((id) => [id, found.get(id) ?? NO_REVIEWS]));
  }
}
