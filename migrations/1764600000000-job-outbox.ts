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
    // Jobs not yet relayed go to graphile-worker directly, in order, rather than being lost.
    await db.query(`
      SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
        SELECT json_populate_record(null::graphile_worker.job_spec, spec)
          FROM job_outbox, json_array_elements(job_outbox.jobs) WITH ORDINALITY AS s(spec, n)
         ORDER BY job_outbox.id, s.n))
       WHERE EXISTS (SELECT 1 FROM job_outbox)`);
    await db.query('DROP TABLE job_outbox');
  }
}
