import type { Database } from '../database';
import { currentTraceCarrier } from '../tracing';

/**
 * The typed map of job names to payloads. Modules add their jobs by declaration merging:
 *
 *   declare module '../../platform/jobs' { interface JobPayloads { 'notifications.send-email': SendEmail } }
 *
 * Event-handler jobs (`event:<handler>`) carry an EventEnvelope and are not listed here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type JobName = keyof JobPayloads & string;

export interface EnqueueOptions {
  /** Attempts before the job is left as failed (dead-lettered); graphile-worker's default is 25. */
  maxAttempts?: number;
  /** A second job with the same key replaces a pending one instead of being added. */
  jobKey?: string;
  runAt?: Date;
  /** Jobs in one named queue run one at a time, in order. */
  queueName?: string;
  /** Lower runs first; 0 by default. */
  priority?: number;
}

export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
  /** Untyped form for the event bus, whose task names are built from handler names. */
  enqueueTask(task: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  /** Several jobs in one statement (fewer round trips inside a transaction holding locks). */
  enqueueTasks(jobs: readonly { task: string; payload: unknown; options?: EnqueueOptions }[]): Promise<void>;
}

/**
 * Enqueues with `graphile_worker.add_job` on the connection of the ambient transaction, so a job
 * exists exactly when the data change that asked for it commits: the transactional outbox.
 */
export class PostgresJobQueue implements JobQueue {
  constructor(
    private readonly database: Database,
    private readonly onEnqueued: (task: string) => void = () => {},
  ) {}

  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void> {
    return this.enqueueTask(name, payload, options);
  }

  async enqueueTask(task: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
    await this.database.manager.query(
      `SELECT graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5, job_key => $6, priority => $7)`,
      [
        task,
        JSON.stringify(withTrace(payload)),
        options.queueName ?? null,
        options.runAt ?? null,
        options.maxAttempts ?? null,
        options.jobKey ?? null,
        options.priority ?? null,
      ],
    );
    this.onEnqueued(task);
  }

  async enqueueTasks(jobs: readonly { task: string; payload: unknown; options?: EnqueueOptions }[]): Promise<void> {
    if (jobs.length === 0) return;
    if (jobs.length === 1) return this.enqueueTask(jobs[0]!.task, jobs[0]!.payload, jobs[0]!.options);
    const specs = jobs.map(({ task, payload, options = {} }) => ({
      identifier: task,
      payload: withTrace(payload),
      queue_name: options.queueName ?? null,
      run_at: options.runAt ?? null,
      max_attempts: options.maxAttempts ?? null,
      job_key: options.jobKey ?? null,
      priority: options.priority ?? null,
    }));
    await this.database.manager.query(
      `SELECT graphile_worker.add_jobs(ARRAY(
         SELECT json_populate_record(null::graphile_worker.job_spec, spec) FROM json_array_elements($1::json) AS spec))`,
      [JSON.stringify(specs)],
    );
    for (const job of jobs) this.onEnqueued(job.task);
  }
}

/** The trace context rides along in `_trace`, so the job's span joins the trace that enqueued it. */
function withTrace(payload: unknown): unknown {
  const carrier = currentTraceCarrier();
  if (!carrier || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload ?? {};
  return { ...payload, _trace: carrier };
}
