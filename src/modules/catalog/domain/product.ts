import type { FieldProblem } from '../../../platform/errors';
import { CURRENCY_CODE, CURRENCY_CODE_RULE, type Money } from '../../../platform/money';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: Money;
  /** Units available to order now; reserved units are already subtracted. */
  stock: number;
  /** Increases on every change, for optimistic concurrency. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductFilter {
  search?: string | null;
  inStock?: boolean | null;
  minPrice?: number | null;
  maxPrice?: number | null;
}

export interface ProductDraft {
  sku: string;
  name: string;
  description: string;
  priceAmount: number;
  currency: string;
  stock: number;
}

export interface ProductChanges {
  name?: string | null;
  description?: string | null;
  priceAmount?: number | null;
}

export const LIMITS = {
  skuLength: 64,
  nameLength: 200,
  descriptionLength: 5000,
  searchLength: 100,
  maxPriceAmount: 100_000_000,
  maxStock: 1_000_000_000,
  maxRestock: 1_000_000,
} as const;

/** A SKU: 1 to LIMITS.skuLength characters, starting with a letter or digit. Inputs check the same pattern. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const SKU_RULE = "letters, digits, '.', '_' or '-'";

export function validateDraft(draft: ProductDraft, prefix = 'input'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string, message: string) => problems.push({ path: `${prefix}.${field}`, message });
  if (draft.sku.length > LIMITS.skuLength || !SKU_PATTERN.test(draft.sku)) {
    at('sku', `must be 1 to ${LIMITS.skuLength} ${SKU_RULE}`);
  }
  problems.push(...validateChanges(draft, prefix));
  if (!CURRENCY_CODE.test(draft.currency)) at('currency', CURRENCY_CODE_RULE);
  if (!Number.isInteger(draft.stock) || draft.stock < 0 || draft.stock > LIMITS.maxStock) {
    at('stock', `must be between 0 and ${LIMITS.maxStock}`);
  }
  return problems;
}

export function validateChanges(changes: ProductChanges, prefix = 'input'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string, message: string) => problems.push({ path: `${prefix}.${field}`, message });
  if (changes.name != null && (changes.name.trim().length === 0 || changes.name.length > LIMITS.nameLength)) {
    at('name', `must be 1 to ${LIMITS.nameLength} characters`);
  }
  if (changes.description != null && changes.description.length > LIMITS.descriptionLength) {
    at('description', `must be at most ${LIMITS.descriptionLength} characters`);
  }
  if (
    changes.priceAmount != null &&
    (!Number.isInteger(changes.priceAmount) || changes.priceAmount < 0 || changes.priceAmount > LIMITS.maxPriceAmount)
  ) {
    at('priceAmount', `must be between 0 and ${LIMITS.maxPriceAmount} minor units`);
  }
  return problems;
}

export function validateFilter(filter: ProductFilter): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (filter.search != null && filter.search.length > LIMITS.searchLength) {
    problems.push({ path: 'filter.search', message: `must be at most ${LIMITS.searchLength} characters` });
  }
  if (filter.minPrice != null && filter.maxPrice != null && filter.minPrice > filter.maxPrice) {
    problems.push({ path: 'filter.minPrice', message: 'must not exceed maxPrice' });
  }
  return problems;
}
