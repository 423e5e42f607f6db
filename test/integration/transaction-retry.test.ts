import { createAdmin, createProduct } from '../factories';
import { errorCodes } from '../support/graphql-client';
import { scrape, total } from '../support/prometheus';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A transaction PostgreSQL aborts for a conflict with another one (40001, 40P01) is run again
 * from the start, a bounded number of times; only then does the request answer
 * SERVICE_UNAVAILABLE. The conflicts here are real ones between two transactions.
 */
let test: TestApp;
beforeAll(async () => {
  test = await startTestApp({ worker: false });
  await test.app.database.query('CREATE TABLE retry_probe (id int PRIMARY KEY, n int NOT NULL)');
});
afterAll(() => test.stop());

const retries = async (sqlstate: string) =>
  total(await scrape(test.url.replace('/graphql', '/metrics')), 'db_transaction_retries_total', { sqlstate });

async function probeRows(...ids: number[]): Promise<void> {
  await test.app.database.query('INSERT INTO retry_probe (id, n) SELECT unnest($1::int[]), 0', [ids]);
}
const valueOf = async (id: number): Promise<number> =>
  (await test.app.database.query<{ n: number }>('SELECT n FROM retry_probe WHERE id = $1', [id]))[0]!.n;

/**
 * A REPEATABLE READ transaction reads row `id`, another transaction (a connection of its own)
 * updates that row and commits when `interfere` says so, then the first writes the row it read:
 * PostgreSQL aborts it with 40001 "could not serialize access due to concurrent update".
 */
function readThenWrite(id: number, interfere: (attempt: number) => boolean) {
  const database = test.app.database;
  const seen = { attempts: 0, committedAttempts: [] as number[] };
  const run = database.transaction(async () => {
    const attempt = (seen.attempts += 1);
    await database.sql('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const [row] = await database.sql<{ n: number }>('SELECT n FROM retry_probe WHERE id = $1', [id]);
    // Straight on the pool: another connection, outside the ambient transaction.
    if (interfere(attempt)) await database.pool.query('UPDATE retry_probe SET n = n + 100 WHERE id = $1', [id]);
    await database.afterCommit(async () => {
      seen.committedAttempts.push(attempt);
    });
    await database.sql('UPDATE retry_probe SET n = $2 WHERE id = $1', [id, row!.n + 1]);
    return row!.n + 1;
  });
  return { run, seen };
}

it('when a serialization failure aborts a transaction once, then it runs again from the start and commits, and the retry is counted', async () => {
  await probeRows(1);
  const before = await retries('40001');

  const { run, seen } = readThenWrite(1, (attempt) => attempt === 1);

  // The second attempt read the other transaction's 100 and wrote 101: nothing of the first remains.
  expect(await run).toBe(101);
  expect(await valueOf(1)).toBe(101);
  expect(seen).toEqual({ attempts: 2, committedAttempts: [2] });
  expect(await retries('40001')).toBe(before + 1);
});

it('when two transactions deadlock, then the one PostgreSQL aborts is run again and both commit', async () => {
  await probeRows(2, 3);
  const database = test.app.database;
  const before = await retries('40P01');
  let attempts = 0;
  let arrived = 0;
  let bothHoldOneRow!: () => void;
  const barrier = new Promise<void>((resolve) => (bothHoldOneRow = resolve));
  // Each locks its first row, waits until the other holds its own, then wants the other's row.
  const lockInOrder = (first: number, second: number) =>
    database.transaction(async () => {
      attempts += 1;
      await database.sql('UPDATE retry_probe SET n = n + 1 WHERE id = $1', [first]);
      if ((arrived += 1) === 2) bothHoldOneRow();
      await barrier;
      await database.sql('UPDATE retry_probe SET n = n + 1 WHERE id = $1', [second]);
    });

  await Promise.all([lockInOrder(2, 3), lockInOrder(3, 2)]);

  expect(attempts).toBe(3);
  expect([await valueOf(2), await valueOf(3)]).toEqual([2, 2]);
  expect(await retries('40P01')).toBe(before + 1);
});

it('when every attempt meets a conflict, then after 3 attempts the 40001 reaches the caller and nothing is written', async () => {
  await probeRows(4);
  const before = await retries('40001');

  const { run, seen } = readThenWrite(4, () => true);

  await expect(run).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '40001' }) });
  expect(seen).toEqual({ attempts: 3, committedAttempts: [] });
  // Only the other transaction's three updates committed.
  expect(await valueOf(4)).toBe(300);
  expect(await retries('40001')).toBe(before + 2);
});

it('when a callback after commit fails with a conflict, then the committed transaction is not run again', async () => {
  await probeRows(5);
  const database = test.app.database;
  let attempts = 0;

  const run = database.transaction(async () => {
    attempts += 1;
    await database.sql('UPDATE retry_probe SET n = n + 1 WHERE id = 5');
    await database.afterCommit(async () => {
      await database.sql(`DO $$ BEGIN RAISE EXCEPTION 'conflict after commit' USING ERRCODE = 'serialization_failure'; END $$`);
    });
  });

  await expect(run).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '40001' }) });
  expect(attempts).toBe(1);
  expect(await valueOf(5)).toBe(1);
});

it('when a mutation keeps failing with a serialization failure, then after the bounded attempts it answers 503 SERVICE_UNAVAILABLE', async () => {
  const admin = await createAdmin(test);
  const product = await createProduct(test, admin, { stock: 5 });
  // Every UPDATE of this product fails as PostgreSQL fails a transaction that lost a conflict; the
  // sequence (not transactional) counts the attempts that reached the database.
  await test.app.database.query(`
    CREATE SEQUENCE restock_attempts;
    CREATE FUNCTION fail_as_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM nextval('restock_attempts');
        RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = 'serialization_failure';
      END $$;
    CREATE TRIGGER products_fail_as_conflict BEFORE UPDATE ON products
      FOR EACH ROW WHEN (OLD.id = '${product.id}') EXECUTE FUNCTION fail_as_conflict();`);
  try {
    const response = await test.client.post(
      { query: 'mutation ($id: ID!) { restockProduct(id: $id, quantity: 3) { stock } }', variables: { id: product.id } },
      { token: admin.token },
    );

    expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: 503, codes: ['SERVICE_UNAVAILABLE'] });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const [{ last_value: attempts }] = await test.app.database.query('SELECT last_value FROM restock_attempts');
    expect(Number(attempts)).toBe(3);
  } finally {
    await test.app.database.query('DROP TRIGGER products_fail_as_conflict ON products');
  }
  const [{ stock }] = await test.app.database.query('SELECT stock FROM products WHERE id = $1', [product.id]);
  expect(stock).toBe(5);
});
