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
}

/** Events the orders module publishes. Payloads are plain JSON: they travel through the job queue. */
export interface OrderEvents {
  OrderPlaced: OrderPlaced;
  OrderStatusChanged: OrderStatusChanged;
}
