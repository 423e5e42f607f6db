/** Live-update topics of the catalog: one channel per product. */
export interface CatalogLiveTopics {
  STOCK_CHANGED: { productId: string; stock: number; at: Date };
}

export const MAX_WATCHED_PRODUCTS = 100;
