import { chmod, mkdtemp } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/platform/database/embedded-postgres';
import { createLogger } from '../../src/platform/logger';
import { canConnectToPostgres } from './services';

/**
 * Finds PostgreSQL (TEST_DATABASE_URL, else 127.0.0.1:5432) and Redis (TEST_REDIS_URL, else
 * 127.0.0.1:6379) once per run. Without a PostgreSQL server it starts an embedded one, so
 * `npm test` passes on a machine with nothing installed. Under CI=true, Redis must answer.
 */
export default async function globalSetup(): Promise<void> {
  const candidates = process.env.TEST_DATABASE_URL
    ? [process.env.TEST_DATABASE_URL]
    : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres'];
  let adminUrl: string | undefined;
  for (const url of candidates) {
    if (await canConnectToPostgres(url)) {
      adminUrl = url;
      break;
    }
  }
  if (!adminUrl) {
    const parent = await mkdtemp(path.join(tmpdir(), 'sg-test-pg-'));
    // As root, PostgreSQL runs as its own user, which must be able to reach the data directory.
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'data');
    const embedded = await startEmbeddedPostgres({ dataDir, logger: createLogger({ level: 'warn', name: 'test-pg' }) });
    (globalThis as { __embeddedPostgres?: { stop(): Promise<void> } }).__embeddedPostgres = embedded;
    adminUrl = embedded.url;
    process.stdout.write(`\n[test setup] no PostgreSQL answered; started an embedded one at ${dataDir}\n`);
  }
  process.env.TEST_PG_ADMIN_URL = adminUrl;

  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await tcpAnswers(new URL(redisUrl))) {
    process.env.TEST_REDIS_URL = redisUrl;
  } else if (process.env.CI === 'true') {
    throw new Error(`Redis does not answer at ${redisUrl}, and CI=true requires it`);
  } else {
    process.env.TEST_REDIS_URL = '';
    process.stdout.write(`\n[test setup] Redis does not answer at ${redisUrl}: tests that need it will skip\n`);
  }
}

function tcpAnswers(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379), timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
