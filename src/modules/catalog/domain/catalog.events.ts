/** A product's available stock changed (restock, an order reserving or releasing units). */
export interface StockChanged {
  productId: string;
  stock: number;
  at: string;
}

/** Events the catalog publishes. Payloads are plain JSON: they travel through the job queue. */
export interface CatalogEvents {
  StockChanged: StockChanged;
}
