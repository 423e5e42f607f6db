import { ConflictError } from '../../../platform/errors';
import type { Money } from '../../../platform/money';

export const PAYMENT_STATUSES = ['PENDING', 'CAPTURED', 'FAILED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  PENDING: ['CAPTURED', 'FAILED'],
  CAPTURED: ['REFUNDED'],
  // A payment given up after timeouts may turn out captured after all; it is then refunded.
  FAILED: ['REFUNDED'],
  REFUNDED: [],
};

export class IllegalPaymentTransitionError extends ConflictError {
  constructor(from: PaymentStatus, to: PaymentStatus) {
    super(`A ${from} payment cannot become ${to}`, 'PAYMENT.ILLEGAL_TRANSITION');
    Object.assign(this.extensions, { status: from });
  }
}

/** What moving a payment causes for its order: the command payments gives orders in the same transaction. */
export type OrderOutcome = 'PAID' | 'PAYMENT_FAILED' | 'REFUNDED' | null;

/**
 * A payment moves only along PAYMENT_TRANSITIONS (anything else is a CONFLICT) and decides what
 * the move means for its order. A given-up payment refunded later changes nothing for the order:
 * it already failed.
 */
export function decidePaymentTransition(from: PaymentStatus, to: PaymentStatus): { from: PaymentStatus; to: PaymentStatus; order: OrderOutcome } {
  if (!PAYMENT_TRANSITIONS[from].includes(to)) throw new IllegalPaymentTransitionError(from, to);
  const order: OrderOutcome = to === 'CAPTURED' ? 'PAID' : to === 'FAILED' ? 'PAYMENT_FAILED' : from === 'CAPTURED' ? 'REFUNDED' : null;
  return { from, to, order };
}

export interface Payment {
  id: string;
  orderId: string;
  status: PaymentStatus;
  amount: Money;
  /** How many times the provider was called for this payment (captures and refunds). */
  attempts: number;
  lastError: string | null;
  providerCaptureId: string | null;
  updatedAt: Date;
}

/**
 * Idempotency keys derive from the order, never from the attempt: every retry of a capture,
 * whichever worker runs it, is the same request to the provider, so it charges at most once.
 */
export const captureKey = (orderId: string): string => `order-${orderId}-capture`;
export const refundKey = (orderId: string): string => `order-${orderId}-refund`;
