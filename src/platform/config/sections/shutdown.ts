import type { ConfigContext, EnvReader } from '../env-reader';

/** Graceful shutdown. */
export interface ShutdownConfig {
  /** After SIGTERM, how long readiness reports 503 before connections start closing. */
  readinessDelayMs: number;
  /** WebSockets close at random moments within this window (1001, going away). */
  wsCloseSpreadMs: number;
  /** The whole shutdown is bounded by this; then the process exits regardless. */
  timeoutMs: number;
}

export function readShutdownConfig(read: EnvReader, { isProduction }: ConfigContext): ShutdownConfig {
  return {
    readinessDelayMs: read.integer('SHUTDOWN_READINESS_DELAY_MS', isProduction ? 5_000 : 0, 0, 120_000),
    wsCloseSpreadMs: read.integer('SHUTDOWN_WS_CLOSE_SPREAD_MS', 1_000, 0, 60_000),
    timeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 20_000, 100, 600_000),
  };
}
