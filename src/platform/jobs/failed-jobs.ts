import type { Database } from '../database';

export interface FailedJob {
  id: string;
  task: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  updatedAt: Date;
}

/**
 * The dead-letter view: jobs that used up their attempts stay in graphile-worker's table with
 * their last error. Retrying gives one fresh set of attempts, starting now.
 */
export class FailedJobs {
  constructor(private readonly database: Pick<Database, 'query'>) {}

  async list(limit = 100): Promise<FailedJob[]> {
    const rows = await this.database.query<{ id: string; task_identifier: string; attempts: number; max_attempts: number; last_error: string | null; updated_at: Date }>(
        `SELECT id::text, task_identifier, attempts, max_attempts, last_error, updated_at
           FROM graphile_worker.jobs
          WHERE attempts >= max_attempts AND locked_at IS NULL
          ORDER BY updated_at DESC
          LIMIT $1`,
        [limit],
      );
    return rows.map((r) => ({
      id: r.id,
      task: r.task_identifier,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      lastError: r.last_error,
      updatedAt: r.updated_at,
    }));
  }

  /** Returns the ids that were dead-lettered and are now scheduled again. */
  async retry(ids: string[]): Promise<string[]> {
    const rows = await this.database.query<{ id: string }>(
      `SELECT id::text FROM graphile_worker.reschedule_jobs(
         (SELECT array_agg(id) FROM graphile_worker.jobs
           WHERE id = ANY($1::bigint[]) AND attempts >= max_attempts AND locked_at IS NULL),
         run_at := now(), attempts := 0)`,
      [ids],
    );
    // Wake idle workers now rather than at their next poll.
    await this.database.query(`SELECT pg_notify('jobs:insert', json_build_object('count', $1::int)::text)`, [rows.length]);
    return rows.map((r) => r.id);
  }
}
