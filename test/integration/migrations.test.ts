import { Client } from 'pg';
import { createDataSource } from '../../src/platform/database/data-source';
import { createLogger } from '../../src/platform/logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** Every migration can be undone: `down` from the latest reaches an empty schema, and `up` works again. */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const ourObjects = (query: (sql: string) => Promise<{ name: string }[]>) =>
  query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p') AND c.relname NOT IN ('schema_migrations', 'schema_migrations_id_seq')
     UNION ALL
     SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
     UNION ALL
     SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public'
        -- An extension's functions (pg_trgm) are the extension's, not ours.
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );

it('when every migration is reverted, then the public schema is empty; when they run again, then the same objects exist', async () => {
  const { dataSource } = createDataSource({ url: database.url, logger: createLogger({ level: 'silent' }) });
  await dataSource.initialize();
  try {
    const query = (sql: string) => dataSource.query(sql) as Promise<{ name: string }[]>;
    const migrated = await ourObjects(query);
    expect(migrated.length).toBeGreaterThan(5);

    const count = dataSource.migrations.length;
    for (let i = 0; i < count; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await query('SELECT name FROM schema_migrations')).toEqual([]);
    expect(await ourObjects(query)).toEqual([]);

    expect((await dataSource.runMigrations({ transaction: 'each' })).length).toBe(count);
    expect(await ourObjects(query)).toEqual(migrated);
  } finally {
    await dataSource.destroy();
  }
});

it('when jobs still wait in the outbox, then reverting the outbox migration refuses and keeps them', async () => {
  const { dataSource } = createDataSource({ url: database.url, logger: createLogger({ level: 'silent' }) });
  await dataSource.initialize();
  try {
    const lastApplied = async () => ((await dataSource.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[])[0]!.name;
    // The migrations after the outbox's come off first.
    while ((await lastApplied()) !== 'JobOutbox1764600000000') await dataSource.undoLastMigration({ transaction: 'each' });
    await dataSource.query(`INSERT INTO job_outbox (jobs) VALUES ('[{"identifier":"migration-test","payload":{}}]')`);
    await expect(dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/job_outbox still holds 1 transaction/);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM job_outbox')).toEqual([{ n: 1 }]);
    expect(await lastApplied()).toBe('JobOutbox1764600000000');
  } finally {
    // The later migrations again, for the tests after this one.
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
  }
});

it('when an order takes stock (stock, version and updated_at change), then the product update is heap-only: no index is rewritten', async () => {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const [{ id }] = (
      await client.query<{ id: string }>(
        `INSERT INTO products (sku, name, description, price_amount, currency, stock) VALUES ('HOT-1', 'Hot', '', 100, 'EUR', 10) RETURNING id`,
      )
    ).rows as [{ id: string }];
    await client.query('BEGIN');
    // The catalog's reservation changes exactly these columns.
    await client.query('UPDATE products SET stock = stock - 1, version = version + 1, updated_at = now() WHERE id = $1', [id]);
    const { rows } = await client.query<{ updated: string; hot: string }>(
      `SELECT pg_stat_get_xact_tuples_updated('products'::regclass) AS updated, pg_stat_get_xact_tuples_hot_updated('products'::regclass) AS hot`,
    );
    await client.query('COMMIT');
    expect(rows[0]).toEqual({ updated: '1', hot: '1' });
  } finally {
    await client.end();
  }
});
