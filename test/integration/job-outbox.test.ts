import type { Pool } from 'pg';
import { connectDatabasePool, createResilientPool, Database } from '../../src/platform/database';
import { PostgresJobQueue } from '../../src/platform/jobs';
import { OutboxRelay } from '../../src/platform/jobs/outbox-relay';
import { createLogger } from '../../src/platform/logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually } from '../support/wait';

/**
 * The job outbox's relay (src/platform/jobs/outbox-relay.ts) on a real database: committed rows
 * reach graphile-worker in the order its queues run them (priority, run_at), with their options, also when nobody announced them, and two
 * relays at once neither lose nor reorder a queue's jobs. The task names here have no handler,
 * so the jobs stay in the queue to be read.
 */

let database: TestDatabase;
let pool: Pool;
let db: Database;
const logger = createLogger({ level: 'silent' });
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // The worker's kind of pool: the database dropped at the end ends its idle clients.
  pool = createResilientPool({ connectionString: database.url, max: 6, onError: () => undefined });
  db = new Database(await connectDatabasePool({ url: database.url, poolSize: 2, onError: () => undefined }));
});
// Each test sees only its own relays: one left polling would hide a missing wake-up.
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
});
afterAll(async () => {
  await db.close();
  await pool.end();
  await database.drop();
});

async function startRelay(pollIntervalMs: number): Promise<OutboxRelay> {
  const relay = new OutboxRelay(pool, { connectionString: database.url, pollIntervalMs, logger });
  relays.push(relay);
  await relay.start();
  return relay;
}

/** One committed transaction's row, written as the job queue writes it (without a wake-up). */
const writeRow = (jobs: object[]) => pool.query('INSERT INTO job_outbox (jobs) VALUES ($1::json)', [JSON.stringify(jobs)]);

const outboxRows = async () => Number((await pool.query('SELECT count(*) FROM job_outbox')).rows[0].count);

async function queuedJobs(task: string) {
  const { rows } = await pool.query<{ seq: number; queue_name: string | null; priority: number; max_attempts: number }>(
    `SELECT (p.payload->>'seq')::int AS seq, j.queue_name, j.priority, j.max_attempts
       FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
      WHERE j.task_identifier = $1 ORDER BY j.priority, j.run_at, j.id`,
    [task],
  );
  return rows;
}

it('when rows wait in the outbox and nobody announced them, then the relay moves them by its poll, in order and with their options', async () => {
  await writeRow([
    { identifier: 'outbox-test.a', payload: { seq: 1 }, queue_name: 'q-1', priority: -10, max_attempts: 3 },
    { identifier: 'outbox-test.a', payload: { seq: 2 }, queue_name: 'q-1' },
  ]);
  await writeRow([{ identifier: 'outbox-test.a', payload: { seq: 3 }, queue_name: null }]);
  await startRelay(100);

  await eventually(outboxRows, (n) => n === 0, { what: 'the outbox emptied by the relay' });
  expect(await queuedJobs('outbox-test.a')).toEqual([
    { seq: 1, queue_name: 'q-1', priority: -10, max_attempts: 3 },
    { seq: 2, queue_name: 'q-1', priority: 0, max_attempts: 25 },
    { seq: 3, queue_name: null, priority: 0, max_attempts: 25 },
  ]);
});

it('when a row is announced on the channel, then the relay moves it without waiting for its poll', async () => {
  // Its start-up drain done, with the poll at 60 s only the NOTIFY can move the row.
  const relay = await startRelay(60_000);
  await relay.idle();
  await writeRow([{ identifier: 'outbox-test.b', payload: { seq: 1 } }]);
  await pool.query(`SELECT pg_notify('job_outbox', '')`);
  await eventually(() => queuedJobs('outbox-test.b'), (jobs) => jobs.length === 1, { what: 'the announced job in the queue' });
});

it('when the job queue commits a transaction, then its wake-up brings the jobs to graphile-worker without the poll; a rollback leaves nothing', async () => {
  const relay = await startRelay(60_000);
  await relay.idle();
  const jobs = new PostgresJobQueue(db);
  await expect(
    db.transaction(async () => {
      await jobs.enqueueTask('outbox-test.d', { seq: 0 });
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  await db.transaction(async () => {
    await jobs.enqueueTask('outbox-test.d', { seq: 1 });
    await jobs.enqueueTask('outbox-test.d', { seq: 2 }, { queueName: 'q-d' });
  });

  const queued = await eventually(() => queuedJobs('outbox-test.d'), (found) => found.length === 2, { what: 'the committed jobs in the queue' });
  expect(queued.map((job) => [job.seq, job.queue_name])).toEqual([[1, null], [2, 'q-d']]);
  expect(await outboxRows()).toBe(0);
});

it('when the pool closes while a wake-up is deferred, then the wake-up is dropped quietly and the row waits for a relay', async () => {
  const closing = new Database(await connectDatabasePool({ url: database.url, poolSize: 1, onError: () => undefined }));
  const jobs = new PostgresJobQueue(closing);
  // The second commit within the wake-up interval defers its wake-up to a timer.
  await closing.transaction(() => jobs.enqueueTask('outbox-test.e', { seq: 1 }));
  await closing.transaction(() => jobs.enqueueTask('outbox-test.e', { seq: 2 }));
  await closing.close();
  await new Promise((resolve) => setTimeout(resolve, 100));

  await startRelay(50);
  await eventually(() => queuedJobs('outbox-test.e'), (found) => found.length === 2, { what: 'both rows relayed by the poll' });
});

it('when two relays drain at once while rows keep coming, then every job of a queue arrives once and in order', async () => {
  const [first, second] = [await startRelay(50), await startRelay(50)];
  const rows = 300;
  for (let seq = 1; seq <= rows; seq += 1) {
    await writeRow([{ identifier: 'outbox-test.c', payload: { seq }, queue_name: 'one-queue' }]);
    if (seq % 25 === 0) {
      first.kick();
      second.kick();
    }
  }
  await eventually(outboxRows, (n) => n === 0, { what: 'the outbox emptied by both relays' });
  const seqs = (await queuedJobs('outbox-test.c')).map((job) => job.seq);
  expect(seqs).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
});
