import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * A transaction whose connection the server ends between two of its statements (an outage, a
 * failover, pg_terminate_backend) fails with an error its caller can retry; the process goes on,
 * and the dead connection is not handed to the next transaction.
 */
let test: TestApp;
beforeAll(async () => {
  test = await startTestApp({ worker: false });
});
afterAll(() => test.stop());

/** On a pooled connection of its own, outside any ambient transaction. */
const backendAlive = async (pid: number) => (await test.app.database.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount! > 0;

it('when the server ends a transaction’s connection between statements, then the transaction fails, the process lives on and the next transaction gets a live connection', async () => {
  const database = test.app.database;
  let terminatedPid = 0;

  const failed = database.transaction(async () => {
    const [{ pid }] = await database.sql<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    terminatedPid = pid;
    await database.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(() => backendAlive(pid), (alive) => !alive, { what: 'the backend to end' });
    // Let the client read the server's goodbye while it runs no statement. Unheard, that is an
    // 'error' event thrown from the socket's callback: it ends a production process, and jest
    // fails this suite with "Unhandled error".
    await new Promise((resolve) => setTimeout(resolve, 200));
    await database.sql('SELECT 1');
  });

  await expect(failed).rejects.toThrow();
  const [{ pid }] = await database.transaction(() => database.sql<{ pid: number }>('SELECT pg_backend_pid() AS pid'));
  expect(pid).not.toBe(terminatedPid);
  expect(await database.sql<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
});

it('when the server ends a connection someone has checked out of the pool, then the process lives on and the pool hands out a live one', async () => {
  const { pool } = test.app.database;
  // Checked out with no listener of its own, as any code between pool.connect() and its first query is.
  const client = await pool.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]!.pid;
  const other = await pool.connect();
  try {
    await other.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(() => backendAlive(pid), (alive) => !alive, { what: 'the backend to end' });
    // Unheard, the server's goodbye is an 'error' thrown from the socket's callback: jest fails
    // the suite with "Unhandled error", and a production process ends.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    other.release();
    client.release(new Error('terminated'));
  }
  expect(await test.app.database.sql<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
});
