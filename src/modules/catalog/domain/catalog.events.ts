/** Events the catalog publishes. Payloads are plain JSON: they travel through the job queue. */
export interface CatalogEvents {
  /** A product's available stock changed (restock, an order reserving or releasing units). */
  StockChanged: { productId: string; stock: number; at: string };
}
