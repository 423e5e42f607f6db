import { ConflictError, NotFoundError } from '../../../platform/errors';

export class ProductNotFoundError extends NotFoundError {
  constructor(readonly productId: string) {
    super(`Product ${productId} was not found`, 'CATALOG.PRODUCT_NOT_FOUND');
  }
}

export class StaleProductVersionError extends ConflictError {
  constructor(expected: number, current: number) {
    super(`The product changed since you read it (version ${expected}, now ${current}); read it again`, 'CATALOG.STALE_VERSION');
    this.extensions.currentVersion = current;
  }
}

export class SkuTakenError extends ConflictError {
  constructor(sku: string) {
    super(`A product with SKU ${sku} already exists`, 'CATALOG.SKU_TAKEN');
  }
}

export class ReviewAlreadyExistsError extends ConflictError {
  constructor() {
    super('You have already reviewed this product', 'CATALOG.REVIEW_EXISTS');
  }
}

export class StockLimitError extends ConflictError {
  constructor() {
    super('Restocking would exceed the maximum stock for a product', 'CATALOG.STOCK_LIMIT');
  }
}

/** The catalog's own code; orders reports it to whoever placed the order as ORDER.INSUFFICIENT_STOCK. */
export class InsufficientStockError extends ConflictError {
  constructor(
    readonly productId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`Not enough stock for product ${productId}: ${requested} requested, ${available} available`, 'CATALOG.INSUFFICIENT_STOCK');
    Object.assign(this.extensions, { productId, requested, available });
  }
}
