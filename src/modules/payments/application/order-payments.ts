import type { OrderStatus } from '../../orders';

/**
 * What payments asks of orders: the commands a payment outcome gives the order. Payments owns
 * this port; the composition implements it with the orders module's public API, so payments
 * never depends on an orders class (docs/adr/0007-module-collaboration.md).
 */
export interface OrderPayments {
  /** The order's status now, or null when there is no such order. */
  statusOf(orderId: string): Promise<OrderStatus | null>;
  /** Captured. Not applied when the order moved on meanwhile (e.g. was cancelled). */
  markPaid(orderId: string): Promise<void>;
  /** Declined, or the provider kept failing: the order fails and releases its stock. */
  markPaymentFailed(orderId: string, reason: string): Promise<void>;
  /** The refund of a cancelled, paid order went through. */
  markRefunded(orderId: string): Promise<void>;
}
