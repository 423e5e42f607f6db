import type { EnvReader } from '../env-reader';

/** The payment provider and how hard to try it. */
export interface PaymentsConfig {
  /** Unset: the bundled sandbox provider is started in-process (refused in production). */
  providerUrl: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  jobMaxAttempts: number;
}

export function readPaymentsConfig(read: EnvReader): PaymentsConfig {
  return {
    providerUrl: read.url('PAYMENT_PROVIDER_URL', ['http:', 'https:']),
    timeoutMs: read.integer('PAYMENT_TIMEOUT_MS', 3_000, 50, 120_000),
    maxRetries: read.integer('PAYMENT_MAX_RETRIES', 2, 0, 10),
    breakerThreshold: read.integer('PAYMENT_BREAKER_THRESHOLD', 5, 1, 1_000),
    breakerHalfOpenAfterMs: read.integer('PAYMENT_BREAKER_HALF_OPEN_MS', 30_000, 100, 3_600_000),
    jobMaxAttempts: read.integer('PAYMENT_JOB_MAX_ATTEMPTS', 8, 1, 25),
  };
}
