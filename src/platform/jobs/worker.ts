import { EventEmitter } from 'node:events';
import { makeWorkerUtils, run, type Runner, type TaskList, type WorkerEvents, type WorkerUtils } from 'graphile-worker';
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createPool, graphileLogger, waitForIdle } from './graphile-plumbing';
import { jobTask, type JobHandler } from './job-task';
import { OutboxRelay } from './outbox-relay';
import { WorkerHeartbeats } from './worker-heartbeats';

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
 * ids and releases the jobs of workers that stopped heartbeating, e.g. after SIGKILL
 * (worker-heartbeats.ts).
 *
 * It also rides out a database outage. When graphile-worker cannot record a job's outcome it
 * shuts its worker pool down, and that shutdown can wait on the dead database for a long time;
 * left alone, its rejection ends the process. Here the runner is supervised instead: on a fatal
 * error it is abandoned (killed in the background, its worker ids no longer heartbeated, so its
 * locked jobs are released for a retry like a crashed worker's) and a new runner starts once
 * the database answers again, with exponential backoff. Only `stop()` ends the worker.
 */
export class JobWorker {
  /** The worker ids of the current runner: heartbeated while it runs. */
  private workerIds = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private runner: Runner | undefined;
  private runnerPool: Pool | undefined;
  /** graphile-worker's pool inside the current runner, to tell its events from an abandoned one's. */
  private poolId: string | undefined;
  private stopping = false;
  private restartAttempt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private readonly log: Logger;
  private readonly heartbeats: WorkerHeartbeats;
  private readonly outbox: OutboxRelay;
  readonly events: WorkerEvents = new EventEmitter() as WorkerEvents;

  private constructor(
    private readonly options: JobWorkerOptions,
    private readonly taskList: TaskList,
    private readonly utils: WorkerUtils,
    private readonly pool: Pool,
  ) {
    this.log = options.logger.child({ component: 'jobs' });
    this.heartbeats = new WorkerHeartbeats(utils, options.deadAfterMs, options.logger);
    this.outbox = new OutboxRelay(pool, { connectionString: options.connectionString, pollIntervalMs: options.pollIntervalMs, logger: options.logger });
    this.events.on('worker:create', ({ worker }) => this.workerIds.add(worker.workerId));
    this.events.on('pool:create', ({ workerPool }) => {
      this.poolId = workerPool.id;
      // graphile-worker 0.17 locks jobs with the pool's id, not a worker's: heartbeat it too, or a
      // live worker's job running longer than deadAfterMs would be released and run twice.
      this.workerIds.add(workerPool.id);
    });
    this.events.on('pool:fatalError', ({ workerPool, error }) => {
      if (workerPool.id === this.poolId) this.abandonRunner(error);
    });
    this.events.on('worker:fatalError', ({ worker, error }) => {
      if (this.workerIds.has(worker.workerId)) this.abandonRunner(error);
    });
    const metrics = options.metrics;
    this.events.on('job:success', ({ job }) => metrics?.jobsCompleted.inc({ task: job.task_identifier }));
    this.events.on('job:error', ({ job, error }) => {
      this.log.warn({ jobId: job.id, task: job.task_identifier, attempt: job.attempts, err: error }, 'job failed; will retry');
      metrics?.jobsFailed.inc({ task: job.task_identifier });
    });
    this.events.on('job:failed', ({ job, error }) => {
      this.log.error({ jobId: job.id, task: job.task_identifier, attempts: job.attempts, err: error }, 'job dead-lettered');
      metrics?.jobsDeadLettered.inc({ task: job.task_identifier });
    });
  }

  static async start(options: JobWorkerOptions): Promise<JobWorker> {
    const log = options.logger.child({ component: 'jobs' });
    // The heartbeats, releases, outbox relay and metrics use a small pool of their own; each runner gets its own
    // (runnerPool), so an abandoned runner's stuck clients cannot starve the next one.
    const pool = createPool(options.connectionString, 3, log);
    const utils = await makeWorkerUtils({ pgPool: pool, logger: graphileLogger(log) });
    const taskList: TaskList = {};
    for (const [name, handler] of options.handlers) taskList[name] = jobTask(name, handler, log);

    const worker = new JobWorker(options, taskList, utils, pool);
    await worker.launch();
    await worker.outbox.start();
    await worker.heartbeat();
    await worker.heartbeats.releaseJobsOfDeadWorkers();
    worker.timers = [
      setInterval(() => void worker.heartbeat().catch((err) => log.warn({ err }, 'heartbeat failed')), options.heartbeatMs),
      setInterval(
        () => void worker.heartbeats.releaseJobsOfDeadWorkers().catch((err) => log.warn({ err }, 'releasing dead workers failed')),
        Math.max(options.heartbeatMs, options.deadAfterMs / 2),
      ),
    ];
    for (const timer of worker.timers) timer.unref();
    const metrics = options.metrics;
    metrics?.onCollect(async () => {
      const { rows } = await utils.withPgClient((client) =>
        client.query<{ lag: number | null }>(
          // The oldest job still waiting, in the outbox or in the queue.
          `SELECT extract(epoch FROM now() - least(
                    (SELECT min(created_at) FROM job_outbox),
                    (SELECT min(run_at) FROM graphile_worker.jobs WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts)
                  ))::float8 AS lag`,
        ),
      );
      metrics.jobQueueLag.set(rows[0]?.lag ?? 0);
    });
    log.info({ concurrency: options.concurrency, tasks: Object.keys(taskList).length }, 'job worker started');
    return worker;
  }

  /** Throws while no runner takes jobs (it gave up on the database and is waiting to restart). */
  async assertRunning(): Promise<void> {
    if (!this.runner) throw new Error('the job runner is waiting for the database to come back');
  }

  /** Finishes the running jobs (graphile-worker's graceful shutdown), then stops heartbeating. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.restartTimer);
    await this.outbox.stop();
    await this.restarting;
    await this.runner?.stop();
    if (this.runnerPool) await waitForIdle(this.runnerPool, 5_000);
    // Best effort: asked to stop during an outage, the worker still exits; the heartbeat rows
    // expire and the jobs they held are released by the other workers.
    await this.heartbeats
      .remove(this.workerIds)
      .catch((err: unknown) => this.log.warn({ err }, 'could not remove the heartbeats on shutdown'));
    await this.utils.release();
    await this.runnerPool?.end();
    await this.pool.end();
  }

  private async launch(): Promise<void> {
    this.workerIds = new Set();
    this.poolId = undefined;
    // Our own pool: graphile-worker marks a finished job complete without awaiting it, so on
    // shutdown we wait for the pool to go idle before closing it, or the last completions are lost.
    const pool = createPool(this.options.connectionString, this.options.concurrency + 2, this.log);
    const runner = await run({
      pgPool: pool,
      concurrency: this.options.concurrency,
      pollInterval: this.options.pollIntervalMs,
      noHandleSignals: true,
      taskList: this.taskList,
      events: this.events,
      logger: graphileLogger(this.log),
      // Unbatched, graphile-worker 0.17 records a job's outcome in a promise nobody awaits: when
      // the database is gone, that rejection ends the process. Batched (even with no delay), a
      // failure to record raises 'pool:fatalError' instead, which abandonRunner handles.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    }).catch(async (error: unknown) => {
      await pool.end().catch(() => undefined);
      throw error;
    });
    this.runner = runner;
    this.runnerPool = pool;
    const ended = (error: unknown) => {
      if (this.runner === runner) this.abandonRunner(error ?? new Error('the job runner exited'));
    };
    runner.promise.then(() => ended(undefined), ended);
  }

  private abandonRunner(error: unknown): void {
    const runner = this.runner;
    if (!runner || this.stopping) return;
    this.runner = undefined;
    this.poolId = undefined;
    const pool = this.runnerPool;
    this.runnerPool = undefined;
    // No longer heartbeated: the jobs it holds go back to the queue after deadAfterMs, so a job
    // still running inside it (a capture waiting on the provider) is not run twice at once.
    this.workerIds = new Set();
    runner
      .kill()
      .catch((err: unknown) => this.log.debug({ err }, 'abandoned job runner did not stop cleanly'))
      .finally(() => pool?.end().catch(() => undefined));
    this.log.error({ err: error }, 'job runner failed (database unreachable?); starting a new one when the database answers');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    // 250 ms doubling up to 30 s, with jitter so a fleet of workers does not reconnect in step.
    const delayMs = Math.min(30_000, 250 * 2 ** this.restartAttempt) * (0.5 + Math.random() / 2);
    this.restartAttempt += 1;
    this.restartTimer = setTimeout(() => {
      this.restarting = this.restart().finally(() => (this.restarting = undefined));
    }, delayMs);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.launch();
      this.restartAttempt = 0;
      this.log.info('job runner restarted');
      await this.heartbeat().catch((err: unknown) => this.log.warn({ err }, 'heartbeat failed'));
    } catch (err) {
      this.log.warn({ err, attempt: this.restartAttempt }, 'job runner could not restart yet');
      if (!this.stopping) this.scheduleRestart();
    }
  }

  private heartbeat(): Promise<void> {
    return this.heartbeats.beat(this.workerIds);
  }
}
