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
  enqueueTasks(jobs: readonly { task: string; payload: unknown; options?: EnqueueOptions }[]): Promise<void>;
  /**
   * Hands the jobs buffered in the ambient transaction to a statement that writes them itself
   * with `addJobsSql` (one round trip fewer while that transaction holds locks): a JSON array for
   * its parameter, `[]` when there are none. The commit then has nothing left to write.
   */
  takePending(): string;
}

/** graphile-worker's job_spec, as `json_populate_record` reads it. */
interface JobSpec {
  identifier: string;
  payload: unknown;
  queue_name: string | null;
  run_at: Date | null;
  max_attempts: number | null;
  job_key: string | null;
  priority: number | null;
}

/**
 * A set-returning SQL expression that adds the jobs given as a JSON array of job specs in the
 * parameter `param` (e.g. `$3`), with one `graphile_worker.add_jobs` call.
 */
export const addJobsSql = (param: string): string =>
  `graphile_worker.add_jobs(ARRAY(SELECT json_populate_record(null::graphile_worker.job_spec, spec) FROM json_array_elements(${param}::json) AS spec))`;

/**
 * Enqueues with graphile-worker on the connection of the ambient transaction, so a job exists
 * exactly when the data change that asked for it commits: the transactional outbox. Inside a
 * transaction, jobs are buffered and written by one `add_jobs` call just before COMMIT (or by the
 * statement that takes them, see `takePending`); outside one, each call writes at once.
 */
export class PostgresJobQueue implements JobQueue {
  constructor(
    private readonly database: Database,
    private readonly onEnqueued: (task: string) => void = () => {},
  ) {}

  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void> {
    return this.enqueueTask(name, payload, options);
  }

  enqueueTask(task: string, payload: unknown, options?: EnqueueOptions): Promise<void> {
    return this.enqueueTasks([{ task, payload, options }]);
  }

  async enqueueTasks(jobs: readonly { task: string; payload: unknown; options?: EnqueueOptions }[]): Promise<void> {
    if (jobs.length === 0) return;
    const specs = jobs.map(toSpec);
    if (this.database.inTransaction) this.pending().push(...specs);
    else await this.write(specs);
  }

  takePending(): string {
    if (!this.database.inTransaction) return '[]';
    return this.taken(this.pending().splice(0));
  }

  /** The ambient transaction's buffer; whatever is still in it is written just before COMMIT. */
  private pending(): JobSpec[] {
    return this.database.transactionLocal<JobSpec[]>(this, () => [], {
      beforeCommit: (specs) => (specs.length > 0 ? this.write(specs.splice(0)) : Promise.resolve()),
    });
  }

  private async write(specs: JobSpec[]): Promise<void> {
    await this.database.manager.query(`SELECT count(*) FROM ${addJobsSql('$1')}`, [this.taken(specs)]);
  }

  private taken(specs: JobSpec[]): string {
    for (const spec of specs) this.onEnqueued(spec.identifier);
    return JSON.stringify(specs);
  }
}

function toSpec({ task, payload, options = {} }: { task: string; payload: unknown; options?: EnqueueOptions }): JobSpec {
  return {
    identifier: task,
    payload: withTrace(payload),
    queue_name: options.queueName ?? null,
    run_at: options.runAt ?? null,
    max_attempts: options.maxAttempts ?? null,
    job_key: options.jobKey ?? null,
    priority: options.priority ?? null,
  };
}

/** The trace context rides along in `_trace`, so the job's span joins the trace that enqueued it. */
function withTrace(payload: unknown): unknown {
  const carrier = currentTraceCarrier();
  if (!carrier || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload ?? {};
  return { ...payload, _trace: carrier };
}
