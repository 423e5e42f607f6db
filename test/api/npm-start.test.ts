import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runningCluster } from '../../src/platform/database/embedded-postgres';
import { eventually } from '../support/wait';

/**
 * `npm start` as a developer runs it: the embedded PostgreSQL, npm in front, signals from a
 * process manager (SIGTERM to npm) or a terminal (SIGINT to the whole foreground group), and the
 * CLIs run beside it.
 */

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
let dataDir: string;

beforeAll(async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'sg-npm-start-'));
  // As root, PostgreSQL runs as the `postgres` OS user, who must reach the data directory.
  await chmod(parent, 0o755);
  dataDir = path.join(parent, 'pg');
});

afterAll(async () => {
  const cluster = dataDir ? runningCluster(dataDir) : null;
  if (cluster) process.kill(cluster.pid, 'SIGINT');
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

interface NpmRun {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `npm run <script>` in its own process group (as a terminal's foreground job is). */
function npm(args: string[], env: Record<string, string> = {}): NpmRun {
  const child = spawn('npm', ['run', '--silent', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', EMBEDDED_PG_DIR: dataDir, LOG_LEVEL: 'info', ...env },
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

const logLines = (output: string[]) =>
  output.flatMap((line) => {
    try {
      return [JSON.parse(line) as { level: number; msg: string; pid: number }];
    } catch {
      return [];
    }
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function startServer(): Promise<NpmRun & { serverPid: number; postgresPid: number; url: string }> {
  const run = npm(['start'], { PORT: String(await freePort()) });
  const ready = await eventually(
    async () => logLines(run.output).find((line) => line.msg === 'storefront-graph is ready'),
    (line) => line !== undefined || run.child.exitCode !== null,
    { timeoutMs: 150_000, intervalMs: 200, what: `the server to be ready; output:\n${run.output.join('\n')}` },
  );
  if (!ready) throw new Error(`npm start exited early:\n${run.output.join('\n')}`);
  const cluster = runningCluster(dataDir);
  expect(cluster).not.toBeNull();
  return { ...run, serverPid: ready.pid, postgresPid: cluster!.pid, url: (ready as unknown as { url: string }).url };
}

/** A failed CLI fails the test with its output, which says why (a bare exit code does not). */
async function expectSuccess(run: NpmRun, what: string): Promise<void> {
  const code = await run.exited;
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${run.output.join('\n')}`);
}

async function expectGone(pids: number[]): Promise<void> {
  await eventually(async () => pids.filter(alive), (left) => left.length === 0, { timeoutMs: 30_000, what: 'every process to exit' });
}

it('when the CLIs run beside `npm start` on the embedded PostgreSQL, then they use its cluster; Ctrl-C (SIGINT to the group) then stops everything without an error line', async () => {
  const server = await startServer();

  const seed = npm(['seed', '--', '--products', '20', '--users', '2', '--reviews', '5']);
  const admin = npm(['create-admin', '--', '--email', 'dx-admin@example.com', '--password', 'a-long-enough-password']);
  expect(await seed.exited).toBe(0);
  expect(await admin.exited).toBe(0);
  expect(seed.output.join('\n')).toMatch(/20 products/);
  expect(logLines(seed.output).map((line) => line.msg)).toContain('using the embedded PostgreSQL another process started');

  const products = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
  });
  expect(await products.json()).toMatchObject({ data: { products: { totalCount: 20 } } });

  process.kill(-server.child.pid!, 'SIGINT');
  expect(await server.exited).toBe(0);
  await expectGone([server.child.pid!, server.serverPid, server.postgresPid]);
  const lines = logLines(server.output);
  expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  expect(lines.map((line) => line.msg)).toContain('shutdown complete');
});

it('when a process manager sends SIGTERM to npm, then the server shuts down gracefully and no process is left', async () => {
  const server = await startServer();

  process.kill(server.child.pid!, 'SIGTERM');
  await server.exited;
  await expectGone([server.child.pid!, server.serverPid, server.postgresPid]);
  const lines = logLines(server.output);
  expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  expect(lines.map((line) => line.msg)).toContain('shutdown complete');
});

it('when no server runs, then a CLI starts the embedded PostgreSQL itself and stops it again', async () => {
  await expectSuccess(npm(['jobs', '--', 'failed']), 'npm run jobs -- failed');
  await expectSuccess(npm(['migrate']), 'npm run migrate');
  expect(runningCluster(dataDir)).toBeNull();
  expect(spawnSync('pgrep', ['-f', `postgres -D ${dataDir}`]).status).toBe(1);
});
