import type { OrderStatus } from './order-status';

/** An order was placed: stock is reserved and payment follows. */
export interface OrderPlaced {
  orderId: string;
  customerId: string;
  total: { amount: number; currency: string };
  items: { productId: string; quantity: number; unitPriceAmount: number }[];
  placedAt: string;
}

/** An order moved through its transition table. */
export interface OrderStatusChanged {
  orderId: string;
  customerId: string;
  from: OrderStatus;
  to: OrderStatus;
  total: { amount: number; currency: string };
  reason?: string;
  placedAt: string;
  at: string;
  /**
   * The order's version after this change (since event version 3). Null on a job enqueued
   * before that: its live update then publishes the order as it is now, with its version.
   */
  orderVersion: number | null;
}

/** Events the orders module publishes. Payloads are plain JSON: they travel through the job queue. */
export interface OrderEvents {
  OrderPlaced: OrderPlaced;
  OrderStatusChanged: OrderStatusChanged;
}
