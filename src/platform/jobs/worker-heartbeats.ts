import type { WorkerUtils } from 'graphile-worker';
import type { Logger } from '../logger';

/**
 * Crash recovery for graphile-worker, which keeps a crashed worker's jobs locked for four hours:
 * every process heartbeats the ids its jobs are locked with, and jobs locked by an id that has
 * not heartbeated within `deadAfterMs` (its process was killed, or its runner abandoned) are
 * released for another worker to run.
 */
export class WorkerHeartbeats {
  constructor(
    private readonly utils: WorkerUtils,
    private readonly deadAfterMs: number,
    private readonly log: Logger,
  ) {}

  async beat(workerIds: ReadonlySet<string>): Promise<void> {
    if (workerIds.size === 0) return;
    await this.utils.withPgClient((client) =>
      client.query(
        `INSERT INTO job_worker_heartbeats (worker_id, last_seen)
         SELECT unnest($1::text[]), now()
         ON CONFLICT (worker_id) DO UPDATE SET last_seen = now()`,
        [[...workerIds]],
      ),
    );
  }

  /** On a clean shutdown: the ids are gone, nobody needs to wait for them to expire. */
  async remove(workerIds: Iterable<string>): Promise<void> {
    await this.utils.withPgClient((client) => client.query('DELETE FROM job_worker_heartbeats WHERE worker_id = ANY($1::text[])', [[...workerIds]]));
  }

  /** Jobs locked by a worker that has not heartbeated within deadAfterMs go back to the queue. */
  async releaseJobsOfDeadWorkers(): Promise<void> {
    const deadAfter = `${this.deadAfterMs} milliseconds`;
    const { rows } = await this.utils.withPgClient((client) =>
      client.query<{ locked_by: string }>(
        `SELECT DISTINCT j.locked_by
           FROM graphile_worker.jobs j
          WHERE j.locked_by IS NOT NULL
            AND j.locked_at < now() - $1::interval
            AND NOT EXISTS (SELECT 1 FROM job_worker_heartbeats h
                             WHERE h.worker_id = j.locked_by AND h.last_seen > now() - $1::interval)`,
        [deadAfter],
      ),
    );
    const dead = rows.map((r) => r.locked_by);
    if (dead.length === 0) return;
    await this.utils.forceUnlockWorkers(dead);
    await this.remove(dead);
    this.log.warn({ workers: dead }, 'released jobs of workers that stopped heartbeating');
  }
}
