import { EventEmitter } from 'node:events';
import {
  Logger as GraphileLogger,
  makeWorkerUtils,
  run,
  type Runner,
  type Task,
  type TaskList,
  type WorkerEvents,
  type WorkerUtils,
} from 'graphile-worker';
import { Pool } from 'pg';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { contextFromCarrier, inSpan, SpanKind, type TraceCarrier } from '../tracing';
import { RetryLaterError } from './retry-later';

export interface RunningJob {
  id: string;
  task: string;
  attempt: number;
  maxAttempts: number;
  /** A failure now leaves the job dead-lettered. */
  isFinalAttempt: boolean;
  logger: Logger;
}

export type JobHandler = (payload: unknown, job: RunningJob) => Promise<void>;

export interface JobWorkerOptions {
  connectionString: string;
  handlers: ReadonlyMap<string, JobHandler>;
  logger: Logger;
  concurrency: number;
  pollIntervalMs: number;
  /** How often this process says it is alive. */
  heartbeatMs: number;
  /** A worker silent this long is dead: its locked jobs are released for others to run. */
  deadAfterMs: number;
  metrics?: Metrics;
}

/**
 * Runs jobs with graphile-worker. Beyond the library it adds crash recovery: graphile-worker
 * keeps a crashed worker's jobs locked for four hours, so every process heartbeats its worker
 * ids and releases the jobs of workers that stopped heartbeating (e.g. after SIGKILL).
 */
export class JobWorker {
  private readonly workerIds = new Set<string>();
  private timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly options: JobWorkerOptions,
    private readonly runner: Runner,
    private readonly utils: WorkerUtils,
    private readonly pool: Pool,
    readonly events: WorkerEvents,
  ) {}

  static async start(options: JobWorkerOptions): Promise<JobWorker> {
    const log = options.logger.child({ component: 'jobs' });
    const events: WorkerEvents = new EventEmitter() as WorkerEvents;
    // Our own pool: graphile-worker marks a finished job complete without awaiting it, so on
    // shutdown we wait for the pool to go idle before closing it, or the last completions are lost.
    const pool = new Pool({ connectionString: options.connectionString, max: options.concurrency + 2 });
    pool.on('error', (err) => log.warn({ err: err.message }, 'job queue connection error'));
    // A dropped connection errors on its client too; unhandled, that would crash the process.
    pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: err.message }, 'job queue client error')));
    const utils = await makeWorkerUtils({ pgPool: pool, logger: graphileLogger(log) });
    const taskList: TaskList = {};
    for (const [name, handler] of options.handlers) taskList[name] = toTask(name, handler, log);

    const pending: string[] = [];
    events.on('worker:create', ({ worker }) => pending.push(worker.workerId));
    const metrics = options.metrics;
    events.on('job:success', ({ job }) => metrics?.jobsCompleted.inc({ task: job.task_identifier }));
    events.on('job:error', ({ job, error }) => {
      log.warn({ jobId: job.id, task: job.task_identifier, attempt: job.attempts, err: error }, 'job failed; will retry');
      metrics?.jobsFailed.inc({ task: job.task_identifier });
    });
    events.on('job:failed', ({ job, error }) => {
      log.error({ jobId: job.id, task: job.task_identifier, attempts: job.attempts, err: error }, 'job dead-lettered');
      metrics?.jobsDeadLettered.inc({ task: job.task_identifier });
    });

    const runner = await run({
      pgPool: pool,
      concurrency: options.concurrency,
      pollInterval: options.pollIntervalMs,
      noHandleSignals: true,
      taskList,
      events,
      logger: graphileLogger(log),
    });
    const worker = new JobWorker(options, runner, utils, pool, events);
    for (const id of pending) worker.workerIds.add(id);
    events.on('worker:create', ({ worker: w }) => worker.workerIds.add(w.workerId));
    await worker.heartbeat();
    await worker.releaseJobsOfDeadWorkers();
    worker.timers = [
      setInterval(() => void worker.heartbeat().catch((err) => log.warn({ err }, 'heartbeat failed')), options.heartbeatMs),
      setInterval(
        () => void worker.releaseJobsOfDeadWorkers().catch((err) => log.warn({ err }, 'releasing dead workers failed')),
        Math.max(options.heartbeatMs, options.deadAfterMs / 2),
      ),
    ];
    for (const timer of worker.timers) timer.unref();
    metrics?.onCollect(async () => {
      const { rows } = await utils.withPgClient((client) =>
        client.query<{ lag: number | null }>(
          `SELECT extract(epoch FROM now() - min(run_at))::float8 AS lag FROM graphile_worker.jobs
            WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts`,
        ),
      );
      metrics.jobQueueLag.set(rows[0]?.lag ?? 0);
    });
    log.info({ concurrency: options.concurrency, tasks: Object.keys(taskList).length }, 'job worker started');
    return worker;
  }

  /** Finishes the running jobs (graphile-worker's graceful shutdown), then stops heartbeating. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.runner.stop();
    await this.waitForIdlePool(5_000);
    await this.utils.withPgClient((client) =>
      client.query('DELETE FROM job_worker_heartbeats WHERE worker_id = ANY($1::text[])', [[...this.workerIds]]),
    );
    await this.utils.release();
    await this.pool.end();
  }

  private async waitForIdlePool(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pool.totalCount - this.pool.idleCount > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.workerIds.size === 0) return;
    await this.utils.withPgClient((client) =>
      client.query(
        `INSERT INTO job_worker_heartbeats (worker_id, last_seen)
         SELECT unnest($1::text[]), now()
         ON CONFLICT (worker_id) DO UPDATE SET last_seen = now()`,
        [[...this.workerIds]],
      ),
    );
  }

  /** Jobs locked by a worker that has not heartbeated within deadAfterMs go back to the queue. */
  private async releaseJobsOfDeadWorkers(): Promise<void> {
    const deadAfter = `${this.options.deadAfterMs} milliseconds`;
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
    await this.utils.withPgClient((client) =>
      client.query('DELETE FROM job_worker_heartbeats WHERE worker_id = ANY($1::text[])', [dead]),
    );
    this.options.logger.warn({ workers: dead }, 'released jobs of workers that stopped heartbeating');
  }
}

function toTask(name: string, handler: JobHandler, log: Logger): Task {
  return async (rawPayload, helpers) => {
    const { job } = helpers;
    const { _trace, ...payload } = (rawPayload ?? {}) as { _trace?: TraceCarrier };
    try {
      await inSpan(
        `job ${name}`,
        { kind: SpanKind.CONSUMER, parent: contextFromCarrier(_trace), attributes: { 'job.id': job.id, 'job.attempt': job.attempts } },
        () =>
          handler(payload, {
            id: job.id,
            task: name,
            attempt: job.attempts,
            maxAttempts: job.max_attempts,
            isFinalAttempt: job.attempts >= job.max_attempts,
            logger: log.child({ jobId: job.id, task: name, attempt: job.attempts }),
          }),
      );
    } catch (error) {
      if (!(error instanceof RetryLaterError)) throw error;
      // graphile-worker counts every failure as an attempt. This one did not really try, so the
      // job completes and a copy is scheduled with the attempts it had left, this one included.
      const runAt = new Date(Date.now() + error.delayMs);
      const queueName =
        job.job_queue_id === null
          ? undefined
          : (await helpers.query<{ queue_name: string }>('SELECT queue_name FROM graphile_worker._private_job_queues WHERE id = $1', [job.job_queue_id]))
              .rows[0]?.queue_name;
      await helpers.addJob(name, rawPayload, {
        runAt,
        maxAttempts: job.max_attempts - job.attempts + 1,
        queueName,
        priority: job.priority,
      });
      log.warn({ jobId: job.id, task: name, runAt, reason: error.message }, 'job rescheduled without spending an attempt');
    }
  };
}

function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...(meta ?? {}) };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else if (level === 'info') log.debug(fields, message);
    else log.trace(fields, message);
  });
}
