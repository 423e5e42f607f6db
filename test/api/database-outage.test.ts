import { Client, Pool } from 'pg';
import { isTransientDatabaseError } from '../../src/platform/database/errors';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { errorCodes, type GraphQLResponse } from '../support/graphql-client';
import { env, withDatabaseName } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A passing database outage is SERVICE_UNAVAILABLE with HTTP 503 and Retry-After, so a careful
 * client knows a retry (with its idempotency key) is safe; a bug stays a masked
 * INTERNAL_SERVER_ERROR. The app reaches its database through a proxy this test cuts.
 */
let proxy: TcpProxy;
let database: TestDatabase;
let test: TestApp;
beforeAll(async () => {
  const admin = new URL(env.adminDatabaseUrl);
  proxy = await TcpProxy.start({ host: admin.hostname, port: Number(admin.port || 5432) });
  database = await createTestDatabase();
  const viaProxy = new URL(withDatabaseName(env.adminDatabaseUrl, database.name));
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  test = await startTestApp({ env: { DATABASE_URL: viaProxy.toString() } });
}, 60_000);
afterAll(async () => {
  await test.stop();
  await proxy.cut();
  await database.drop();
});

function expectUnavailable(response: GraphQLResponse<unknown>) {
  expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: 503, codes: ['SERVICE_UNAVAILABLE'] });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response.errors![0]!.extensions.retryAfterSeconds).toBe(Number(response.headers.get('retry-after')));
}

describe('when the database is cut', () => {
  it('then a query and placeOrder answer 503 SERVICE_UNAVAILABLE with Retry-After; once it is back, the same order is placed', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 5 });
    const place = () =>
      test.client.post<{ placeOrder: { id: string; status: string } }>(
        {
          query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }',
          variables: { input: { idempotencyKey: 'outage-1', items: [{ productId: product.id, quantity: 1 }] } },
        },
        { token: customer.token },
      );

    await proxy.cut();
    try {
      expectUnavailable(await test.client.post({ query: '{ products(first: 1) { totalCount } }' }));
      expectUnavailable(await place());
    } finally {
      await proxy.open();
    }
    // The retry the 503 invited: the order is placed exactly once.
    const placed = await place();
    expect(placed.errors).toBeUndefined();
    const again = await place();
    expect(again.data!.placeOrder.id).toBe(placed.data!.placeOrder.id);
  });
});

describe('which database errors are a passing outage', () => {
  const url = () => withDatabaseName(env.adminDatabaseUrl, database.name);
  const failure = async (act: () => Promise<unknown>): Promise<unknown> => {
    try {
      await act();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  };

  it('when the server terminates the connection (57P01), refuses it, or the pool times out, then transient', async () => {
    const terminated = new Client({ connectionString: url() });
    terminated.on('error', () => {});
    await terminated.connect();
    const killed = await failure(() => terminated.query('SELECT pg_terminate_backend(pg_backend_pid())'));
    expect((killed as { code?: string }).code).toBe('57P01');
    expect(isTransientDatabaseError(killed)).toBe(true);

    const closedPort = await TcpProxy.start({ host: '127.0.0.1', port: 1 });
    await closedPort.cut();
    const refused = await failure(() => new Client({ host: '127.0.0.1', port: closedPort.port, user: 'postgres' }).connect());
    expect(isTransientDatabaseError(refused)).toBe(true);

    const pool = new Pool({ connectionString: url(), max: 1, connectionTimeoutMillis: 1_000 });
    const held = await pool.connect();
    const timedOut = await failure(() => pool.connect());
    held.release();
    await pool.end();
    expect(isTransientDatabaseError(timedOut)).toBe(true);
  });

  it('when two serializable transactions conflict, then transient; a syntax error or unique violation is not', async () => {
    const [one, two] = [new Client({ connectionString: url() }), new Client({ connectionString: url() })];
    await Promise.all([one.connect(), two.connect()]);
    try {
      await one.query('CREATE TABLE IF NOT EXISTS outage_probe (n int PRIMARY KEY)');
      for (const client of [one, two]) await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT count(*) FROM outage_probe');
      await one.query('INSERT INTO outage_probe VALUES (1)');
      await two.query('INSERT INTO outage_probe VALUES (2)');
      await one.query('COMMIT');
      const conflict = await failure(() => two.query('COMMIT'));
      expect((conflict as { code?: string }).code).toBe('40001');
      expect(isTransientDatabaseError(conflict)).toBe(true);

      expect(isTransientDatabaseError(await failure(() => one.query('SELEC 1')))).toBe(false);
      expect(isTransientDatabaseError(await failure(() => one.query('INSERT INTO outage_probe VALUES (1)')))).toBe(false);
    } finally {
      await Promise.all([one.end(), two.end()]);
    }
  });
});
