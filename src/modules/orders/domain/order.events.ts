import type { OrderStatus } from './order-status';

/** Events the orders module publishes. Payloads are plain JSON: they travel through the job queue. */
export interface OrderEvents {
  OrderPlaced: {
    orderId: string;
    customerId: string;
    total: { amount: number; currency: string };
    items: { productId: string; quantity: number; unitPriceAmount: number }[];
    placedAt: string;
  };
  OrderStatusChanged: {
    orderId: string;
    customerId: string;
    from: OrderStatus;
    to: OrderStatus;
    total: { amount: number; currency: string };
    reason?: string;
    placedAt: string;
    at: string;
  };
}
