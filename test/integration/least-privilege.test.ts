import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { env } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The app may run as a role with data rights only, as docs/running-in-production.md sets it up;
 * migrations ran with the admin role. (graphile-worker's tables use row-level security, hence
 * BYPASSRLS.)
 */
describe('the app on a DML-only database role', () => {
  const role = `sg_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let database: TestDatabase;
  let test: TestApp;

  const asAdmin = async (databaseName: string, statements: string[]) => {
    const url = new URL(env.adminDatabaseUrl);
    url.pathname = `/${databaseName}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await asAdmin(database.name, [
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}' BYPASSRLS`,
      // PostgreSQL 15 already withholds CREATE on public from everyone; older versions do not.
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
      `GRANT CONNECT ON DATABASE ${database.name} TO ${role}`,
      `GRANT USAGE ON SCHEMA public, graphile_worker TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, graphile_worker TO ${role}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public, graphile_worker TO ${role}`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${role}`,
    ]);
    const url = new URL(database.url);
    url.username = role;
    url.password = password;
    test = await startTestApp({ worker: true, env: { DATABASE_URL: url.toString() } });
  });
  afterAll(async () => {
    await test.stop();
    await database.drop();
    await asAdmin(new URL(env.adminDatabaseUrl).pathname.slice(1) || 'postgres', [`DROP ROLE IF EXISTS ${role}`]);
  });

  it('when customers order through it, then everything works, and the role cannot change the schema', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAID');

    await expect(test.app.database.query('CREATE TABLE sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(test.app.database.query('DROP TABLE orders')).rejects.toThrow(/must be owner|permission denied/);
  });
});
