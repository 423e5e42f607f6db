import type { Money } from '../../../platform/money';
import type { Payment, PaymentStatus } from '../domain/payment';

export interface PaymentRepository {
  /** The order's payment, created PENDING the first time (one per order, by a unique key). */
  ensureForOrder(orderId: string, amount: Money): Promise<{ payment: Payment; created: boolean }>;
  findByOrderIds(orderIds: readonly string[]): Promise<Payment[]>;
  /** Committed on its own, before the call: a crash mid-call still counts the attempt. */
  countAttempt(paymentId: string): Promise<void>;
  recordError(paymentId: string, error: string): Promise<void>;
  /** Stores a move the domain decided (decidePaymentTransition), only from `from`; null when the payment was elsewhere (another run got there first). */
  transition(
    paymentId: string,
    from: PaymentStatus,
    to: PaymentStatus,
    changes?: { providerCaptureId?: string; providerRefundId?: string; lastError?: string | null },
  ): Promise<Payment | null>;
}
