import type { Database } from '../../src/platform/database';
import { createLogger } from '../../src/platform/logger';
import type { RunningJob } from '../../src/platform/jobs';

/** The job context a handler gets on its first of five attempts, for tests that call a handler directly. */
export const runningJob = (task: string): RunningJob => ({
  id: '0',
  task,
  attempt: 1,
  maxAttempts: 5,
  isFinalAttempt: false,
  logger: createLogger({ level: 'silent' }),
});

/** A job's payload; an event job's carries the event in `payload`. */
export interface EnqueuedPayload {
  payload?: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * The jobs enqueued for `task`, oldest first, wherever they are: in the outbox (committed, not yet
 * relayed: no worker runs) or in graphile-worker's queue. `id` is graphile-worker's, null in the outbox.
 */
export async function enqueuedJobs(database: Database, task: string): Promise<{ id: string | null; payload: EnqueuedPayload }[]> {
  return database.query<{ id: string | null; payload: EnqueuedPayload }>(
    `SELECT NULL::text AS id, spec->'payload' AS payload
       FROM job_outbox, json_array_elements(job_outbox.jobs) AS spec
      WHERE spec->>'identifier' = $1
     UNION ALL
     SELECT j.id::text, p.payload
       FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
      WHERE j.task_identifier = $1`,
    [task],
  );
}

/** How many jobs whose task is `like` (and not `notLike`), SQL LIKE patterns, are still to run (not dead-lettered), in the outbox or the queue. */
export async function jobsToRun(database: Database, { like = '%', notLike = '' }: { like?: string; notLike?: string }): Promise<number> {
  const [row] = (await database.query(
    `SELECT (SELECT count(*) FROM job_outbox, json_array_elements(job_outbox.jobs) AS spec
              WHERE spec->>'identifier' LIKE $1 AND spec->>'identifier' NOT LIKE $2)
          + (SELECT count(*) FROM graphile_worker.jobs
              WHERE task_identifier LIKE $1 AND task_identifier NOT LIKE $2 AND attempts < max_attempts) AS n`,
    [like, notLike],
  )) as { n: string }[];
  return Number(row?.n ?? 0);
}
