// Owns what the job worker hands graphile-worker: connection pools that survive a database
// outage (bounded connects, errors logged rather than thrown), and our logger in its shape.
import { Logger as GraphileLogger } from 'graphile-worker';
import { Pool } from 'pg';
import type { Logger } from '../logger';

export function createPool(connectionString: string, max: number, log: Logger): Pool {
  // A bounded connect: against a stalled server a restart attempt fails and backs off instead of hanging.
  const pool = new Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
  pool.on('error', (err) => log.warn({ err: err.message }, 'job queue connection error'));
  // A dropped connection errors on its client too; unhandled, that would crash the process.
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: err.message }, 'job queue client error')));
  return pool;
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
