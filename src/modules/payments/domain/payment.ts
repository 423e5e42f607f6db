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

/** A payment moves only along PAYMENT_TRANSITIONS; anything else is a bug, not a business outcome. */
export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!PAYMENT_TRANSITIONS[from].includes(to)) throw new Error(`illegal payment transition ${from} -> ${to}`);
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
