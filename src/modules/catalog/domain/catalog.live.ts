/** Live-update topics of the catalog: one channel per product. */
export interface CatalogLiveTopics {
  /** `version`: the product's version with this stock level (it grows with every change of the product). */
  STOCK_CHANGED: { productId: string; stock: number; version: number; at: Date };
}

export const MAX_WATCHED_PRODUCTS = 100;
