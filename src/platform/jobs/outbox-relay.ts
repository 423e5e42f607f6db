import { Client, type Pool } from 'pg';
import type { Logger } from '../logger';
import { JOB_OUTBOX_CHANNEL } from './job-queue';

export interface OutboxRelayOptions {
  connectionString: string;
  /** How often the outbox is read when no wake-up arrives (a lost NOTIFY, a dropped listener). */
  pollIntervalMs: number;
  logger: Logger;
}

/** Outbox rows (transactions) moved per statement. */
const BATCH_SIZE = 500;
/** One relay at a time in the whole database, so jobs reach graphile-worker in commit order. */
const RELAY_LOCK_KEY = 7_032_401_001;
/** Another relay held the lock: look again this soon, as a row it could not see may be waiting. */
const LOCKED_RETRY_MS = 50;
/**
 * A batch that waits longer than this is abandoned and retried: every poll only asks for another
 * drain while one runs, so a statement stuck on a lock or a half-dead connection would otherwise
 * stop the relay for good. The server bounds the statements; the client bounds the round trip.
 */
const BATCH_TIMEOUT_MS = 10_000;
const BEGIN_BOUNDED_SQL = `BEGIN; SET LOCAL statement_timeout = ${BATCH_TIMEOUT_MS}; SET LOCAL lock_timeout = ${BATCH_TIMEOUT_MS / 2}`;

/**
 * Deletes the oldest outbox rows and adds their jobs with one `add_jobs` call. graphile-worker
 * runs a queue's jobs by (priority, run_at), and `add_jobs` inserts in no promised order, so a
 * job without its own run_at gets its transaction's start time (what graphile-worker's `now()`
 * gave it when the transaction wrote the jobs itself) plus its position in the transaction in
 * microseconds. Moving and deleting share the transaction: a crash leaves the rows for the next relay.
 */
const MOVE_BATCH_SQL = `
  WITH batch AS (
         DELETE FROM job_outbox WHERE id IN (SELECT id FROM job_outbox ORDER BY id LIMIT $1)
         RETURNING id, jobs, created_at),
       added AS (
         SELECT count(*)::int AS jobs
           FROM (SELECT 1 WHERE EXISTS (SELECT 1 FROM batch)) AS any_rows,
                LATERAL graphile_worker.add_jobs(ARRAY(
                  SELECT json_populate_record(null::graphile_worker.job_spec, CASE
                           WHEN s.spec->>'run_at' IS NULL
                           THEN (s.spec::jsonb || jsonb_build_object('run_at', batch.created_at + (s.n - 1) * interval '1 microsecond'))::json
                           ELSE s.spec END)
                    FROM batch, json_array_elements(batch.jobs) WITH ORDINALITY AS s(spec, n)
                   ORDER BY batch.id, s.n)))
  -- 'added' is read here only so that it runs: a CTE nobody references is never evaluated.
  SELECT (SELECT count(*)::int FROM batch) AS rows, (SELECT jobs FROM added) AS jobs`;

/**
 * Moves committed jobs from the outbox (job-queue.ts) into graphile-worker. It runs in every
 * worker process, wakes on the NOTIFY a committing transaction sends, and polls in case a
 * wake-up was lost; several relays take turns through an advisory lock.
 */
export class OutboxRelay {
  private listener: Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private connecting = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly pool: Pool,
    private readonly options: OutboxRelayOptions,
  ) {
    this.log = options.logger.child({ component: 'job-outbox' });
  }

  async start(): Promise<void> {
    // Listening drains once (rows committed before LISTEN took effect); without a listener, drain anyway.
    await this.listen();
    if (!this.listener) this.kick();
    this.pollTimer = setInterval(() => {
      // A listener that dropped is replaced on the next tick; meanwhile the poll carries on.
      if (!this.listener) void this.listen();
      this.kick();
    }, this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  /** Resolves once no drain is running or asked for. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Waits for the batch in progress; rows left behind wait for the next relay. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    await this.idle();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Drains the outbox now, or once more after the drain in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain()
      .catch((err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : err }, 'moving jobs from the outbox failed; retrying on the next poll'))
      .finally(() => {
        this.draining = undefined;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const moved = await this.moveBatch();
      if (moved === 'locked') {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.kick(), LOCKED_RETRY_MS);
        this.retryTimer.unref();
        return;
      }
      if (moved < BATCH_SIZE || this.stopped) return;
    }
  }

  private async moveBatch(): Promise<number | 'locked'> {
    const client = await this.pool.connect();
    const bounded = (text: string, values?: unknown[]) => ({ text, values, query_timeout: BATCH_TIMEOUT_MS * 1.5 });
    try {
      await client.query(bounded(BEGIN_BOUNDED_SQL));
      const { rows: lock } = await client.query<{ held: boolean }>(bounded('SELECT pg_try_advisory_xact_lock($1) AS held', [RELAY_LOCK_KEY]));
      if (!lock[0]?.held) {
        await client.query(bounded('ROLLBACK'));
        client.release();
        return 'locked';
      }
      const { rows } = await client.query<{ rows: number }>(bounded(MOVE_BATCH_SQL, [BATCH_SIZE]));
      await client.query(bounded('COMMIT'));
      client.release();
      return rows[0]?.rows ?? 0;
    } catch (error) {
      // A connection whose statement failed or timed out on our side may still be mid-transaction
      // (holding the relay lock): it is closed, not handed back to the pool.
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    try {
      await this.connectListener();
    } finally {
      this.connecting = false;
    }
  }

  private async connectListener(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'storefront-job-outbox', keepAlive: true });
    const dropped = (error?: unknown) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.log.warn({ err: error instanceof Error ? error.message : error }, 'job outbox listener lost; polling until it is back');
    };
    client.on('notification', () => this.kick());
    client.on('error', dropped);
    client.on('end', () => dropped());
    try {
      await client.connect();
      await client.query(`LISTEN ${JOB_OUTBOX_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.log.warn({ err: error instanceof Error ? error.message : error }, 'job outbox listener could not connect; polling');
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    // Rows committed before LISTEN took effect were announced to nobody.
    this.kick();
  }
}
