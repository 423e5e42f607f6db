import type { Money } from '../../../platform/money';

export interface StockLine {
  productId: string;
  quantity: number;
}

/** A reserved line, priced from the catalog at the moment of reservation. */
export interface ReservedLine extends StockLine {
  unitPrice: Money;
  stockLeft: number;
}
