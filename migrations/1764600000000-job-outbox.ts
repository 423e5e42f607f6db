import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox of the job queue: a transaction writes its jobs here as one plain row,
 * and the worker's relay moves them into graphile-worker after the commit. graphile-worker's own
 * `add_jobs` notifies at commit, which serialises every committing transaction on one lock while
 * the order's stock rows are still locked; a plain insert does not.
 */
export class JobOutbox1764600000000 implements MigrationInterface {
  name = 'JobOutbox1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE job_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        jobs json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Rows here are committed work not yet relayed: dropping them would lose it. A worker's relay
    // moves them (in order, see outbox-relay.ts); run one until the table is empty, then migrate down.
    const [{ waiting }] = (await db.query('SELECT count(*)::int AS waiting FROM job_outbox')) as { waiting: number }[];
    if (waiting > 0) throw new Error(`job_outbox still holds ${waiting} transaction(s) of jobs; run a worker until it is empty, then migrate down`);
    await db.query('DROP TABLE job_outbox');
  }
}
