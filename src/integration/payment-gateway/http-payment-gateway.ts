import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  CircuitState,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Logger } from '../../platform/logger';
import { inSpan, SpanKind } from '../../platform/tracing';
import {
  PaymentDeclinedError,
  PaymentProviderCircuitOpenError,
  PaymentProviderUnavailableError,
  type GatewayCallHooks,
  type PaymentGateway,
} from '../../modules/payments';

export interface HttpPaymentGatewayOptions {
  baseUrl: string;
  /** Per request; a slower answer counts as a failure and is retried. */
  timeoutMs: number;
  /** Retries after the first try, on timeouts, 5xx and "request in progress" only. */
  maxRetries: number;
  /** Consecutive failures that open the circuit. */
  breakerThreshold: number;
  /** How long the circuit stays open before one trial request is let through. */
  breakerHalfOpenAfterMs: number;
  logger: Logger;
  onCircuitStateChange?: (state: CircuitStateName) => void;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** A failed request that another try may fix. */
class TransientProviderError extends Error {}

/**
 * The payment provider over HTTP. Each call: a timeout per request, bounded retries with
 * jittered exponential backoff on transient failures only, all behind a circuit breaker so a
 * provider that is down is not hammered and callers fail fast. Every request carries the
 * caller's Idempotency-Key, so retries never charge twice.
 */
export class HttpPaymentGateway implements PaymentGateway {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy;
  /** When the circuit last opened: it half-opens breakerHalfOpenAfterMs later. */
  private openedAt = 0;

  constructor(private readonly options: HttpPaymentGatewayOptions) {
    const transient = handleWhen((error) => error instanceof TransientProviderError || error instanceof TaskCancelledError);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onStateChange((state) => {
      if (state === CircuitState.Open) this.openedAt = Date.now();
      const name = STATE_NAMES[state];
      options.logger.warn({ integration: 'payment-gateway', state: name }, 'payment provider circuit changed state');
      options.onCircuitStateChange?.(name);
    });
    this.policy = wrap(
      retry(transient, {
        maxAttempts: options.maxRetries,
        backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
      }),
      this.breaker,
      timeout(options.timeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  get circuitState(): CircuitStateName {
    return STATE_NAMES[this.breaker.state];
  }

  async capture(orderId: string, amount: number, currency: string, idempotencyKey: string, hooks?: GatewayCallHooks) {
    const body = await this.call('/v1/captures', { orderId, amount, currency }, idempotencyKey, hooks);
    return { captureId: String(body.id) };
  }

  async findCapture(orderId: string): Promise<{ captureId: string } | null> {
    const body = await this.call(`/v1/captures?orderId=${encodeURIComponent(orderId)}`, null, null);
    const captures = (body.data ?? []) as { id: string }[];
    return captures[0] ? { captureId: String(captures[0].id) } : null;
  }

  async refund(orderId: string, captureId: string, amount: number, currency: string, idempotencyKey: string, hooks?: GatewayCallHooks) {
    const body = await this.call('/v1/refunds', { orderId, captureId, amount, currency }, idempotencyKey, hooks);
    return { refundId: String(body.id) };
  }

  /** A POST with an idempotency key, or a GET (`payload` null), through the resilience policy. */
  private async call(path: string, payload: object | null, idempotencyKey: string | null, hooks?: GatewayCallHooks): Promise<Record<string, unknown>> {
    let requestsSent = 0;
    try {
      return await inSpan(
        `payment-gateway ${payload === null ? 'GET' : 'POST'} ${path.split('?')[0]}`,
        { kind: SpanKind.CLIENT, attributes: { 'payment.idempotency_key': idempotencyKey ?? '' } },
        () =>
          this.policy.execute(async ({ signal }) => {
            requestsSent += 1;
            await hooks?.onAttempt?.();
            return this.post(path, payload, idempotencyKey, signal);
          }),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError && requestsSent === 0) {
        // Try again a little after the circuit half-opens (the jitter spreads the waiting jobs).
        const halfOpensIn = Math.max(0, this.openedAt + this.options.breakerHalfOpenAfterMs - Date.now());
        throw new PaymentProviderCircuitOpenError(halfOpensIn + 100 + Math.floor(Math.random() * 400));
      }
      if (error instanceof BrokenCircuitError) {
        throw new PaymentProviderUnavailableError('payment provider circuit is open; failing fast');
      }
      if (error instanceof TaskCancelledError) {
        throw new PaymentProviderUnavailableError(`payment provider did not answer within ${this.options.timeoutMs} ms`);
      }
      if (error instanceof TransientProviderError) throw new PaymentProviderUnavailableError(error.message);
      throw error;
    }
  }

  private async post(path: string, payload: object | null, idempotencyKey: string | null, signal: AbortSignal): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(
        new URL(path, this.options.baseUrl),
        payload === null
          ? { method: 'GET', signal }
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey ?? '' },
              body: JSON.stringify(payload),
              signal,
            },
      );
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TransientProviderError(`payment provider unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok) return body;
    if (response.status === 402) throw new PaymentDeclinedError(String(body.error ?? 'declined'));
    // 409: the same key is still being processed (e.g. our own timed-out try): ask again later.
    if (response.status >= 500 || response.status === 409 || response.status === 429) {
      throw new TransientProviderError(`payment provider answered ${response.status}`);
    }
    throw new Error(`payment provider rejected the request: ${response.status} ${JSON.stringify(body)}`);
  }
}
