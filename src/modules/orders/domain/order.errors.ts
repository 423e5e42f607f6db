import { ConflictError, IdempotencyKeyReusedError, NotFoundError, ValidationError } from '../../../platform/errors';

/** Also what a customer gets for someone else's order: existence is not revealed. */
export class OrderNotFoundError extends NotFoundError {
  constructor(orderId: string) {
    super(`Order ${orderId} was not found`, 'ORDER.NOT_FOUND');
  }
}

export class OrderIdempotencyKeyReusedError extends IdempotencyKeyReusedError {
  constructor() {
    super('This idempotency key was already used for an order with other items', 'ORDER.IDEMPOTENCY_KEY_REUSED');
  }
}

/** Placing the order needs more units than the catalog has; nothing was written. */
export class OrderInsufficientStockError extends ConflictError {
  constructor(productId: string, requested: number, available: number) {
    super(`Not enough stock for product ${productId}: ${requested} requested, ${available} available`, 'ORDER.INSUFFICIENT_STOCK');
    Object.assign(this.extensions, { productId, requested, available });
  }
}

export class MixedCurrencyError extends ValidationError {
  constructor() {
    super([{ path: 'input.items', message: 'all products in one order must be priced in the same currency' }]);
  }
}
