import { connectDatabasePool, Database } from '../../src/platform/database';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * A transaction's START TRANSACTION leaves in the same write as its first statement: the pool
 * pipelines, so neither waits for the other's answer, and every transaction is one round trip
 * shorter. Seen on the wire through a proxy that records what the client writes.
 */
let testDatabase: TestDatabase;
let proxy: TcpProxy;
let database: Database;
const chunks: string[] = [];

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const url = new URL(testDatabase.url);
  proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  proxy.observeClientBytes((chunk) => chunks.push(chunk.toString('latin1')));
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const pool = await connectDatabasePool({ url: url.toString(), poolSize: 2, onError: () => {} });
  database = new Database(pool);
});
afterAll(async () => {
  await database?.close();
  await proxy?.cut();
  await testDatabase?.drop();
});

const sent = async (work: () => Promise<unknown>): Promise<string[]> => {
  chunks.length = 0;
  await work().catch(() => undefined);
  return [...chunks];
};

it('when a transaction runs, then its START TRANSACTION and first statement leave in one write, and it commits', async () => {
  const writes = await sent(() =>
    database.transaction(async () => {
      await database.sql('SELECT $1::int AS first_statement', [1]);
      await database.sql('SELECT $1::int AS second_statement', [2]);
    }),
  );

  const begin = writes.findIndex((w) => w.includes('START TRANSACTION'));
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(writes[begin]).toContain('first_statement');
  expect(writes.findIndex((w) => w.includes('second_statement'))).toBeGreaterThan(begin);
  expect(writes.at(-1)).toContain('COMMIT');
});

it('when the first statement fails, then the transaction rolls back and the connection serves the next one', async () => {
  const writes = await sent(() => database.transaction(() => database.sql('SELECT 1 / $1::int AS divide_by_zero', [0])));

  expect(writes.some((w) => w.includes('START TRANSACTION') && w.includes('divide_by_zero'))).toBe(true);
  expect(writes.at(-1)).toContain('ROLLBACK');
  const again = await database.transaction(() => database.sql<{ n: number }>('SELECT $1::int AS n', [7]));
  expect(again).toEqual([{ n: 7 }]);
});

it('when a transaction’s work sends no statement, then nothing is sent: no transaction to begin or commit', async () => {
  const writes = await sent(() => database.transaction(async () => 'nothing to write'));
  expect(writes).toEqual([]);
});

it('when a transaction runs several statements, then they share one transaction id, and a thrown error undoes them', async () => {
  await database.query('CREATE TABLE pipelined_probe (n int)');
  const seen = await database.transaction(async () => {
    await database.sql('INSERT INTO pipelined_probe (n) VALUES ($1)', [1]);
    const [{ txid_first }] = await database.sql<{ txid_first: string }>('SELECT txid_current()::text AS txid_first');
    const [{ txid_second }] = await database.sql<{ txid_second: string }>('SELECT txid_current()::text AS txid_second');
    return { same: txid_first === txid_second };
  });
  expect(seen.same).toBe(true);
  const rolledBack = database.transaction(async () => {
    await database.sql('INSERT INTO pipelined_probe (n) VALUES ($1)', [2]);
    throw new Error('changed my mind');
  });
  await expect(rolledBack).rejects.toThrow('changed my mind');
  expect(await database.query('SELECT n FROM pipelined_probe ORDER BY n')).toEqual([{ n: 1 }]);
});

describe('plans: generic by default, per execution when asked for', () => {
  const probe = 'SELECT count(*)::int AS wanted FROM unnest($1::int[]) AS w(n) WHERE n > $2';
  const plansOf = (db: Database) =>
    db.sql<{ generic_plans: number; custom_plans: number }>('SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement = $1', [probe]);
  let single: Database;
  beforeAll(async () => {
    // One connection, so that every statement below sees the same prepared statements.
    single = new Database(await connectDatabasePool({ url: testDatabase.url, poolSize: 1, onError: () => {} }));
  });
  afterAll(() => single?.close());

  it('when a prepared statement runs, then it runs on one generic plan, in a transaction or not', async () => {
    for (let i = 0; i < 2; i++) await single.sql(probe, [[1, 2], 0]);
    await single.transaction(() => single.sql(probe, [[1, 2], 0]));
    expect(await plansOf(single)).toEqual([{ generic_plans: 3, custom_plans: 0 }]);
  });

  it('when a statement asks for a plan for its values, then it gets one per execution, and its connection goes back to generic plans', async () => {
    const rows = await single.sql(probe, [[1, 2, 3], 1], { planForValues: true });
    await single.sql(probe, [[1, 2, 3], 2], { planForValues: true });

    expect(rows).toEqual([{ wanted: 2 }]);
    expect(await plansOf(single)).toEqual([{ generic_plans: 3, custom_plans: 2 }]);
    expect(await single.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
  });

  it('when a statement planned for its values fails, then the error reaches the caller and the connection still goes back to generic plans', async () => {
    // n is a column, so the planner cannot fold the division: it fails when the plan runs.
    const failing = 'SELECT 1 / (n - $1::int) AS divide_by_zero FROM generate_series(1, 1) AS g(n)';
    await expect(single.sql(failing, [1], { planForValues: true })).rejects.toMatchObject({ code: '22012' });

    // Planned for its value, then RESET.
    expect(
      await single.query('SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement = $1', [failing]),
    ).toEqual([{ generic_plans: 0, custom_plans: 1 }]);
    expect(await single.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
  });
});

describe('commitWith: the last statement and COMMIT in one write', () => {
  beforeAll(async () => {
    await database.query('CREATE TABLE committed_probe (n int PRIMARY KEY)');
  });
  const stored = async () => (await database.query<{ n: number }>('SELECT n FROM committed_probe ORDER BY n')).map((r) => r.n);

  it('when the work ends with commitWith, then its statement and COMMIT leave together, and the work’s result is committed', async () => {
    let result: unknown;
    const writes = await sent(async () => {
      result = await database.transaction(async () => {
        await database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [1]);
        return database.commitWith(() => database.sql<{ n: number }>('INSERT INTO committed_probe (n) VALUES ($1) RETURNING n AS last_statement', [2]));
      });
    });

    expect(result).toEqual([{ last_statement: 2 }]);
    const last = writes.findIndex((w) => w.includes('last_statement'));
    expect(writes[last]).toContain('COMMIT');
    expect(writes.slice(last + 1).join('')).not.toMatch(/COMMIT|ROLLBACK/);
    expect(await stored()).toEqual([1, 2]);
  });

  it('when the last statement fails, then nothing of the transaction stays, and the connection serves the next one', async () => {
    const failed = database.transaction(async () => {
      await database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [10]);
      return database.commitWith(() => database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [1])); // taken
    });

    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect(await stored()).toEqual([1, 2]);
    await database.transaction(() => database.commitWith(() => database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [3])));
    expect(await stored()).toEqual([1, 2, 3]);
  });

  it('when the work sends a statement after commitWith, then that statement fails: it would be outside the transaction', async () => {
    const late = database.transaction(async () => {
      await database.commitWith(() => database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [4]));
      await database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [5]);
    });

    await expect(late).rejects.toThrow(/sent its COMMIT/);
    expect(await stored()).toEqual([1, 2, 3, 4]);
  });

  it('when commitWith runs in a transaction joined to an outer one, then it does not commit: the outer work can still roll everything back', async () => {
    const outer = database.transaction(async () => {
      await database.transaction(() => database.commitWith(() => database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [6])));
      await database.sql('INSERT INTO committed_probe (n) VALUES ($1)', [7]);
      throw new Error('the outer work changed its mind');
    });

    await expect(outer).rejects.toThrow('changed its mind');
    expect(await stored()).toEqual([1, 2, 3, 4]);
  });
});
