import type { Money } from '../../../platform/money';

export interface StockLine {
  productId: string;
  quantity: number;
}

/** A reserved line, priced from the catalog at the moment of reservation. */
export interface ReservedLine extends StockLine {
  unitPrice: Money;
  stockLeft: number;
  /** The product's version after the units were taken. */
  productVersion: number;
}

/** A product's stock level and the product's version that has it. */
export interface StockLevel {
  productId: string;
  stock: number;
  version: number;
}
