/** A product's available stock changed (restock, an order reserving or releasing units). */
export interface StockChanged {
  productId: string;
  stock: number;
  /**
   * The product's version after this change (since event version 3). Null on a job enqueued
   * before that: its live update then publishes the stock as it is now, with its version.
   */
  productVersion: number | null;
  at: string;
}

/** Events the catalog publishes. Payloads are plain JSON: they travel through the job queue. */
export interface CatalogEvents {
  StockChanged: StockChanged;
  /** A new product (it may now appear in lists). */
  ProductCreated: { productId: string; at: string };
  /** A product's name, description or price changed. */
  ProductUpdated: { productId: string; productVersion: number; at: string };
  /** A review was added to a product (its reviews and average rating changed). */
  ReviewAdded: { reviewId: string; productId: string; authorId: string; at: string };
}
