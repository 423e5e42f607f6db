import type { EventHandler } from '../../../platform/events';
import type { OrderPlaced, OrderStatusChanged } from '../../orders';
import type { PaymentService } from './payment.service';

/** OrderPlaced → capture. Calls the provider, so it is idempotent by payment state and key, not by a transaction. */
export function capturePaymentOnOrderPlaced(payments: PaymentService, maxAttempts: number): EventHandler<OrderPlaced> {
  return {
    name: 'payments.capture-on-order-placed',
    transactional: false,
    maxAttempts,
    handle: (event, context) => payments.captureForOrder(event, context),
  };
}

/** Outlives the capture's retries (25 attempts span days), since it may wait for a capture to settle. */
const REFUND_MAX_ATTEMPTS = 25;

/** Subscribed to cancellations only (the event table filters); other status changes need no refund. */
export function refundPaymentOnOrderCancelled(payments: PaymentService): EventHandler<OrderStatusChanged> {
  return {
    name: 'payments.refund-on-order-cancelled',
    transactional: false,
    maxAttempts: REFUND_MAX_ATTEMPTS,
    handle: (event) => payments.refundCancelledOrder(event),
  };
}
