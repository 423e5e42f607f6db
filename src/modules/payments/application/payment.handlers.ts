import type { EventHandler } from '../../../platform/events';
import type { OrderEvents } from '../../orders';
import type { PaymentService } from './payment.service';

/** OrderPlaced → capture. Calls the provider, so it is idempotent by payment state and key, not by a transaction. */
export function capturePaymentOnOrderPlaced(payments: PaymentService, maxAttempts: number): EventHandler<OrderEvents, 'OrderPlaced'> {
  return {
    name: 'payments.capture-on-order-placed',
    event: 'OrderPlaced',
    transactional: false,
    maxAttempts,
    // Money first: captures run before notifications and live updates queued earlier.
    priority: -10,
    handle: (event, context) => payments.captureForOrder(event, context),
  };
}

/** Outlives the capture's retries (25 attempts span days), since it may wait for a capture to settle. */
const REFUND_MAX_ATTEMPTS = 25;

export function refundPaymentOnOrderCancelled(payments: PaymentService): EventHandler<OrderEvents, 'OrderStatusChanged'> {
  return {
    name: 'payments.refund-on-order-cancelled',
    event: 'OrderStatusChanged',
    transactional: false,
    maxAttempts: REFUND_MAX_ATTEMPTS,
    priority: -10,
    // Only cancellations can need a refund; other status changes enqueue nothing for it.
    accepts: (event) => event.to === 'CANCELLED',
    handle: (event) => payments.refundCancelledOrder(event),
  };
}
