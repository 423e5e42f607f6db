import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TEST_JWT_SECRET } from './test-app';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY_POINTS = { api: 'dist/src/main.js', worker: 'dist/src/worker.js' } as const;

export interface ServiceProcess {
  child: ChildProcess;
  /** Every line the process printed, for diagnostics. */
  output: string[];
  /** Resolves with the first log line whose message matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Runs the compiled API or worker as its own process, as production does (`npm test` builds
 * first; so does global-setup when dist/ is missing). Logs are JSON lines on stdout.
 */
export function startService(kind: keyof typeof ENTRY_POINTS, env: Record<string, string>, args: string[] = []): ServiceProcess {
  const entry = path.join(ROOT, ENTRY_POINTS[kind]);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      // Ephemeral ports unless a test asks for one: the defaults (4000, 9464) may be taken by any
      // other process on the machine, and a worker that cannot bind its metrics port exits.
      PORT: '0',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: Record<string, unknown>) => void }[] = [];
  const onLine = (line: string) => {
    output.push(line);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      parsed = { msg: line };
    }
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(String(parsed.msg ?? ''))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(parsed);
      }
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.filter(Boolean).forEach(onLine);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output,
    exited,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    // Generous: a cold start of a compiled process takes over 20 s on a busy 2-core box.
    waitForLog: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-30).join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code ?? signal}) before logging ${pattern}; output:\n${output.slice(-30).join('\n')}`));
        });
      }),
  };
}
