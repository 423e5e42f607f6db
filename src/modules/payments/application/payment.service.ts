import type { UnitOfWork } from '../../../platform/database/unit-of-work';
import { RetryLaterError } from '../../../platform/jobs/retry-later';
import type { EventPublisher, HandlerContext } from '../../../platform/events';
import type { OrderPlaced, OrderStatusChanged } from '../../orders';
import { captureKey, decidePaymentTransition, refundKey, type Payment, type PaymentStatus } from '../domain/payment';
import type { PaymentEvents } from '../domain/payment.events';
import { PaymentDeclinedError, type PaymentGateway } from './payment-gateway';
import type { OrderPayments } from './order-payments';
import type { PaymentRepository } from './payment.repository';

type PaymentChanges = Parameters<PaymentRepository['transition']>[3] & {};

/** Thrown to retry a refund while the order's capture is still being settled. */
export class CaptureStillPendingError extends Error {
  constructor(orderId: string) {
    super(`the capture for order ${orderId} is not settled yet; retrying the refund later`);
    this.name = 'CaptureStillPendingError';
  }
}

/**
 * Moves money for orders. Runs in the worker, from order events. Every step is safe to repeat:
 * the payment row records what is settled, and the provider sees one idempotency key per order.
 */
export class PaymentService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly orders: OrderPayments,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventPublisher<PaymentEvents>,
  ) {}

  findByOrderIds(orderIds: readonly string[]): Promise<Payment[]> {
    return this.payments.findByOrderIds(orderIds);
  }

  /** OrderPlaced → capture → the order is PAID, or PAYMENT_FAILED on a decline or when retries run out. */
  async captureForOrder(event: OrderPlaced, context: HandlerContext): Promise<void> {
    const payment = await this.unitOfWork.transaction(async () => {
      const ensured = await this.payments.ensureForOrder(event.orderId, event.total);
      if (ensured.created) await this.published(ensured.payment);
      return ensured.payment;
    });
    if (payment.status === 'FAILED') {
      await this.refundCaptureFoundAfterGivingUp(payment);
      return;
    }
    if (payment.status !== 'PENDING') return;
    const orderStatus = await this.orders.statusOf(event.orderId);
    if (orderStatus !== 'PENDING') {
      // The order was cancelled first. If an earlier attempt reached the provider it may have
      // charged: ask before concluding it did not (a capture found is refunded by the refund job).
      const found = payment.attempts > 0 ? await this.gateway.findCapture(event.orderId) : null;
      if (found) {
        await this.settleCaptured(payment, found.captureId);
        return;
      }
      await this.move(payment, 'PENDING', 'FAILED', { lastError: `order was ${orderStatus ?? 'missing'} before capture` });
      return;
    }

    let captureId: string;
    try {
      ({ captureId } = await this.gateway.capture(event.orderId, event.total.amount, event.total.currency, captureKey(event.orderId), {
        onAttempt: () => this.changing(payment, () => this.payments.countAttempt(payment.id)),
      }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.changing(payment, () => this.payments.recordError(payment.id, reason));
      // Nothing reached the provider: the job waits for the breaker, the attempt is not spent.
      if (error instanceof RetryLaterError) throw error;
      if (error instanceof PaymentDeclinedError) {
        await this.fail(payment, reason);
        return;
      }
      if (context.isFinalAttempt) {
        await this.fail(payment, `payment provider kept failing: ${reason}`);
        context.logger.error({ orderId: event.orderId, err: error }, 'capture attempts exhausted; order failed');
      }
      throw error;
    }

    await this.settleCaptured(payment, captureId);
  }

  private async settleCaptured(payment: Payment, captureId: string): Promise<void> {
    // If the order was cancelled meanwhile, it stays cancelled and the refund handler
    // (waiting for this capture) returns the money.
    await this.move(payment, 'PENDING', 'CAPTURED', { providerCaptureId: captureId, lastError: null });
  }

  /**
   * A payment given up after the provider kept timing out may have been captured all the same
   * (the provider finished after we stopped waiting). When its job runs again, e.g. retried
   * from the dead letters, the provider is asked; a capture found is refunded, never kept.
   */
  private async refundCaptureFoundAfterGivingUp(payment: Payment): Promise<void> {
    if (payment.attempts === 0) return;
    const found = await this.gateway.findCapture(payment.orderId);
    if (!found) return;
    const { refundId } = await this.gateway.refund(
      payment.orderId,
      found.captureId,
      payment.amount.amount,
      payment.amount.currency,
      refundKey(payment.orderId),
      { onAttempt: () => this.changing(payment, () => this.payments.countAttempt(payment.id)) },
    );
    await this.move(payment, 'FAILED', 'REFUNDED', {
      providerCaptureId: found.captureId,
      providerRefundId: refundId,
      lastError: 'captured by the provider after the payment was given up; refunded',
    });
  }

  /** A cancelled order's captured payment is refunded; then the order is REFUNDED. */
  async refundCancelledOrder(event: OrderStatusChanged): Promise<void> {
    if (event.to !== 'CANCELLED') return;
    const [payment] = await this.payments.findByOrderIds([event.orderId]);
    if (!payment || payment.status === 'FAILED' || payment.status === 'REFUNDED') return;
    if (payment.status === 'PENDING') throw new CaptureStillPendingError(event.orderId);

    const { refundId } = await this.gateway.refund(
      event.orderId,
      payment.providerCaptureId!,
      payment.amount.amount,
      payment.amount.currency,
      refundKey(event.orderId),
      { onAttempt: () => this.changing(payment, () => this.payments.countAttempt(payment.id)) },
    );
    await this.move(payment, 'CAPTURED', 'REFUNDED', { providerRefundId: refundId });
  }

  private async fail(payment: Payment, reason: string): Promise<void> {
    await this.move(payment, 'PENDING', 'FAILED', { lastError: reason });
  }

  /**
   * Stores the move the domain decides and gives the order the outcome it causes, in one
   * transaction. Nothing happens when another run moved the payment first.
   */
  private async move(payment: Payment, from: PaymentStatus, to: PaymentStatus, changes: PaymentChanges): Promise<void> {
    const decision = decidePaymentTransition(from, to);
    await this.unitOfWork.transaction(async () => {
      const moved = await this.payments.transition(payment.id, decision.from, decision.to, changes);
      if (!moved) return;
      await this.published(payment);
      if (decision.order === 'PAID') await this.orders.markPaid(payment.orderId);
      if (decision.order === 'PAYMENT_FAILED') await this.orders.markPaymentFailed(payment.orderId, changes.lastError ?? 'payment failed');
      if (decision.order === 'REFUNDED') await this.orders.markRefunded(payment.orderId);
    });
  }

  /** A change to the payment row and its PaymentChanged fact, committed together. */
  private changing(payment: Payment, change: () => Promise<void>): Promise<void> {
    return this.unitOfWork.transaction(async () => {
      await change();
      await this.published(payment);
    });
  }

  private published(payment: Payment): Promise<void> {
    return this.events.publish('PaymentChanged', { paymentId: payment.id, orderId: payment.orderId, at: new Date().toISOString() });
  }
}
