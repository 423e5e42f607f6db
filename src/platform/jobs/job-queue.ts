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
   * with `outboxInsertSql` (one round trip fewer while that transaction holds locks): a JSON array for
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

/** The channel a committed transaction's outbox row is announced on; the relay listens to it. */
export const JOB_OUTBOX_CHANNEL = 'job_outbox';

/**
 * A statement (for a CTE) that writes the jobs given as a JSON array of job specs in the
 * parameter `param` (e.g. `$3`) to the outbox as one row, or nothing when the array is empty.
 */
export const outboxInsertSql = (param: string): string =>
  `INSERT INTO job_outbox (jobs) SELECT ${param}::json WHERE json_array_length(${param}::json) > 0`;

/** The shortest time between two wake-ups of the relay from one process. */
const WAKE_INTERVAL_MS = 20;

/** A transaction's jobs: buffered until a statement takes them or COMMIT writes them. */
interface PendingJobs {
  specs: JobSpec[];
  /** Whether this transaction wrote an outbox row, so the relay is woken once it commits. */
  written: boolean;
}

/**
 * The transactional outbox: a job exists exactly when the data change that asked for it commits.
 * Jobs are written to `job_outbox` on the ambient transaction's connection (buffered, and written
 * by one insert just before COMMIT or by the statement that takes them, see `takePending`); once
 * committed, a NOTIFY wakes the worker's relay (outbox-relay.ts), which moves them into
 * graphile-worker in commit order. Outside a transaction the row is written at once.
 */
export class PostgresJobQueue implements JobQueue {
  private lastWakeAt = 0;
  private wakeTimer: NodeJS.Timeout | undefined;

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
    if (this.database.inTransaction) {
      this.pending().specs.push(...specs);
      return;
    }
    await this.write(specs);
    this.wakeRelay();
  }

  takePending(): string {
    if (!this.database.inTransaction) return '[]';
    const pending = this.pending();
    if (pending.specs.length === 0) return '[]';
    pending.written = true;
    return this.taken(pending.specs.splice(0));
  }

  /** The ambient transaction's buffer; whatever is still in it is written just before COMMIT. */
  private pending(): PendingJobs {
    return this.database.transactionLocal<PendingJobs>(this, () => ({ specs: [], written: false }), {
      beforeCommit: async (pending) => {
        if (pending.specs.length === 0) return;
        pending.written = true;
        await this.write(pending.specs.splice(0));
      },
      afterCommit: async (pending) => {
        if (pending.written) this.wakeRelay();
      },
    });
  }

  private async write(specs: JobSpec[]): Promise<void> {
    await this.database.sql(outboxInsertSql('$1'), [this.taken(specs)]);
  }

  /**
   * Not awaited: the request has committed and needs nothing from the relay. At most one wake-up
   * per WAKE_INTERVAL_MS: the first commit after a quiet spell wakes the relay at once, and the
   * commits of a busy spell share one NOTIFY at the end of the interval (the relay moves every
   * committed row it finds). A lost wake-up (the database busy, the process ending) only waits
   * for the relay's next poll.
   */
  private wakeRelay(): void {
    if (this.wakeTimer) return;
    const wait = this.lastWakeAt + WAKE_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.sendWakeUp();
      return;
    }
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.sendWakeUp();
    }, wait);
    this.wakeTimer.unref();
  }

  /**
   * Straight on the pool: it belongs to no request, so request statement counts never see it.
   * A deferred wake-up can fire after the data source closed (the pool is gone then): the next
   * relay's poll finds the rows.
   */
  private sendWakeUp(): void {
    this.lastWakeAt = Date.now();
    try {
      this.database.pool.query(`SELECT pg_notify('${JOB_OUTBOX_CHANNEL}', '')`).catch(() => undefined);
    } catch {
      // closed meanwhile, see above
    }
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
