import type { EnvReader } from '../env-reader';

/** The job worker. */
export interface WorkerConfig {
  concurrency: number;
  pollIntervalMs: number;
  heartbeatMs: number;
  deadAfterMs: number;
}

export function readWorkerConfig(read: EnvReader): WorkerConfig {
  return {
    concurrency: read.integer('WORKER_CONCURRENCY', 5, 1, 100),
    pollIntervalMs: read.integer('WORKER_POLL_INTERVAL_MS', 1_000, 50, 60_000),
    heartbeatMs: read.integer('WORKER_HEARTBEAT_MS', 5_000, 100, 300_000),
    deadAfterMs: read.integer('WORKER_DEAD_AFTER_MS', 30_000, 500, 3_600_000),
  };
}
