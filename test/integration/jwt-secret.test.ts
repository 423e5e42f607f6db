import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/platform/config';
import { resolveServerJwtSecret } from '../../src/platform/jwt-secret';
import { startService } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * There is no development secret in the code any more: the old constant signed ADMIN tokens that
 * a development-posture instance on a real database accepted. Now an API process without
 * JWT_SECRET runs only on the embedded database, with a random secret kept beside its data.
 */
const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'sg-jwt-secret-'));
});
afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['development', 'test', 'production'])('NODE_ENV=%s with DATABASE_URL and no JWT_SECRET', (nodeEnv) => {
  it('when the API server starts, then it refuses, naming JWT_SECRET', async () => {
    const api = startService('api', {
      NODE_ENV: nodeEnv,
      JWT_SECRET: '',
      DATABASE_URL: database.url,
      PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9',
      PORT: '0',
    });
    const { code } = await api.exited;

    expect(code).not.toBe(0);
    expect(api.output.join('\n')).toMatch(/JWT_SECRET is required/);
    expect(api.output.join('\n')).not.toMatch(/is ready/);
  });
});

describe('CLIs that issue no tokens, with DATABASE_URL and no JWT_SECRET', () => {
  const cli = (script: string, args: string[] = []) =>
    run(process.execPath, [path.join(ROOT, 'dist/src/cli', script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
    });

  it('when migrate and create-admin run as the benchmark runs them, then both succeed', async () => {
    await expect(cli('migrate.js')).resolves.toBeDefined();
    const { stdout } = await cli('create-admin.js', ['--email', 'cli-admin@example.com', '--password', 'cli-admin-password-1']);

    expect(stdout).toMatch(/created admin cli-admin@example.com/);
  });
});

describe('the generated development secret', () => {
  const secretFor = (dataDir: string) => resolveServerJwtSecret(loadConfig({ NODE_ENV: 'development', EMBEDDED_PG_DIR: dataDir }));

  it('when an embedded data directory has none, then a random one is written beside it, owner-only, and reused', async () => {
    const dataDir = path.join(dir, 'a', 'postgres');
    const first = secretFor(dataDir);
    const file = `${dataDir}.jwt-secret`;

    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(secretFor(dataDir)).toBe(first);
    expect(secretFor(path.join(dir, 'b', 'postgres'))).not.toBe(first);
  });

  it('when DATABASE_URL is set and JWT_SECRET is not, then no secret is resolved', () => {
    expect(() => resolveServerJwtSecret(loadConfig({ NODE_ENV: 'development', DATABASE_URL: database.url }))).toThrow(/JWT_SECRET is required/);
  });
});
