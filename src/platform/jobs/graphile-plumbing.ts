// Owns what the job worker hands graphile-worker: connection pools that survive a database
// outage (bounded connects, errors logged rather than thrown), and our logger in its shape.
import { Logger as GraphileLogger } from 'graphile-worker';
import type { Pool } from 'pg';
import { createResilientPool } from '../database';
import type { Logger } from '../logger';

export function createPool(connectionString: string, max: number, log: Logger): Pool {
  // Bounded connects: against a stalled server a runner's restart fails and backs off instead of hanging.
  return createResilientPool({ connectionString, max, onError: (err) => log.warn({ err: err.message }, 'job queue connection error') });
}

/** graphile-worker completes jobs without awaiting it: closing a busy pool would lose the last completions. */
export async function waitForIdle(pool: Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pool.totalCount - pool.idleCount > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...(meta ?? {}) };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else if (level === 'info') log.debug(fields, message);
    else log.trace(fields, message);
  });
}
