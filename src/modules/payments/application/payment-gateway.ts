import { RetryLaterError } from '../../../platform/jobs/retry-later';

/**
 * The port to a payment provider. The production adapter speaks HTTP
 * (src/integration/payment-gateway); tests and development run the same adapter against the
 * bundled sandbox provider.
 */
export interface GatewayCallHooks {
  /** Called before each request to the provider, retries included. */
  onAttempt?: () => Promise<void>;
}

export interface PaymentGateway {
  capture(orderId: string, amount: number, currency: string, idempotencyKey: string, hooks?: GatewayCallHooks): Promise<{ captureId: string }>;
  /**
   * The capture the provider holds for an order, if any: how we find out whether a call that
   * timed out (or a worker that died mid-call) charged the customer after all.
   */
  findCapture(orderId: string): Promise<{ captureId: string } | null>;
  refund(
    orderId: string,
    captureId: string,
    amount: number,
    currency: string,
    idempotencyKey: string,
    hooks?: GatewayCallHooks,
  ): Promise<{ refundId: string }>;
}

/** The provider answered and said no: final, retrying will not help. */
export class PaymentDeclinedError extends Error {
  constructor(readonly reason: string) {
    super(`payment declined: ${reason}`);
    this.name = 'PaymentDeclinedError';
  }
}

/** Timeouts, 5xx, an open circuit: the provider may recover, so the job retries. */
export class PaymentProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentProviderUnavailableError';
  }
}

/**
 * The circuit is open and nothing was sent: not a try at all. The job waits for the circuit to
 * half-open instead of spending one of the order's attempts.
 */
export class PaymentProviderCircuitOpenError extends RetryLaterError {
  constructor(retryAfterMs: number) {
    super(retryAfterMs, 'payment provider circuit is open; failing fast (not counted as an attempt)');
    this.name = 'PaymentProviderCircuitOpenError';
  }
}
