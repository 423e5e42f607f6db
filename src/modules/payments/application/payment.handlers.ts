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
    handle: (event, context) => payments.captureForOrder(event, context),
  };
}

export function refundPaymentOnOrderCancelled(payments: PaymentService, maxAttempts: number): EventHandler<OrderEvents, 'OrderStatusChanged'> {
  return {
    name: 'payments.refund-on-order-cancelled',
    event: 'OrderStatusChanged',
    transactional: false,
    maxAttempts,
    handle: (event) => payments.refundCancelledOrder(event),
  };
}
