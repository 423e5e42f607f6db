import { createServer, type Server } from 'node:net';
import { startService, type ServiceProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { withDatabaseName } from '../support/services';

/** What a developer sees when the API cannot start: one line naming the setting to fix, no stack. */

async function failure(service: ServiceProcess): Promise<string> {
  const { code } = await service.exited;
  expect(code).toBe(1);
  const text = service.output.join('\n');
  expect(text).not.toMatch(/\n\s+at /); // no stack trace
  return text;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it.each([
  ['connection refused', 'postgres://postgres@127.0.0.1:1/shop', /DATABASE_URL \(127\.0\.0\.1:1, database "shop"\): connection refused/],
  ['an unknown host', 'postgres://postgres@no-such-host.invalid:5432/shop', /DATABASE_URL \(no-such-host\.invalid:5432, database "shop"\): unknown host/],
  ['a missing database', 'missing', /DATABASE_URL \(127\.0\.0\.1:\d+, database "sg_missing_database"\): the database does not exist/],
  ['an unknown role', 'bad-role', /DATABASE_URL \(127\.0\.0\.1:\d+, database "[^"]+"\) refused the credentials: role "sg_no_such_role" does not exist/],
])('when DATABASE_URL points at %s, then the API says so, naming DATABASE_URL, host and database', async (_case, url, expected) => {
  const resolved =
    url === 'missing'
      ? withDatabaseName(database.url, 'sg_missing_database')
      : url === 'bad-role'
        ? database.url.replace(/\/\/[^@/]*@/, '//sg_no_such_role:wrong@')
        : url;
  const text = await failure(startService('api', { DATABASE_URL: resolved, PORT: '0' }));
  expect(text).toMatch(/storefront-graph failed to start: /);
  expect(text).toMatch(expected);
});

it('when MIGRATION_DATABASE_URL is the one that fails, then the message names it', async () => {
  const text = await failure(
    startService('api', { DATABASE_URL: database.url, MIGRATION_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/shop', MIGRATE_ON_START: 'true', PORT: '0' }),
  );
  expect(text).toMatch(/MIGRATION_DATABASE_URL \(127\.0\.0\.1:1, database "shop"\): connection refused/);
});

it('when PORT is taken, then the API names PORT and the port', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const text = await failure(startService('api', { DATABASE_URL: database.url, PORT: String(port), HOST: '127.0.0.1' }));
    expect(text).toMatch(new RegExp(`PORT ${port} is already in use`));
    expect(text).not.toMatch(/WebSocket/);
  } finally {
    blocker.close();
  }
});

it('when the API runs without its worker and without REDIS_URL, then it warns at start that live updates will not cross processes', async () => {
  const api = startService('api', { DATABASE_URL: database.url, PORT: '0' }, ['--no-worker']);
  try {
    const warning = await api.waitForLog(/REDIS_URL is unset/, 90_000);
    expect(warning.level).toBe(40);
  } finally {
    api.kill();
    await api.exited;
  }
});

it('when the worker runs without REDIS_URL, then it warns the same way', async () => {
  const worker = startService('worker', { DATABASE_URL: database.url, METRICS_PORT: '0' });
  try {
    const warning = await worker.waitForLog(/REDIS_URL is unset/, 90_000);
    expect(warning.level).toBe(40);
  } finally {
    worker.kill();
    await worker.exited;
  }
});
