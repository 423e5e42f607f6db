import { createServer } from 'node:net';
import { ConfigError } from './config';

/** A startup failure whose message says everything: printed without a stack. */
export class StartupError extends Error {}

interface ErrorLike {
  code?: string;
  message?: string;
  errors?: unknown[];
}

/** The first error with a code, looking inside an AggregateError (Node tries IPv4 and IPv6 for localhost). */
function codedError(error: unknown): ErrorLike | undefined {
  const candidate = error as ErrorLike | undefined;
  if (!candidate || typeof candidate !== 'object') return undefined;
  if (candidate.code) return candidate;
  return candidate.errors?.map(codedError).find(Boolean);
}

/** What a PostgreSQL connection failure means, naming the variable that holds the URL; null if it is something else. */
export function describeDatabaseError(error: unknown, variable: string, url: string): string | null {
  const coded = codedError(error);
  if (!coded?.code) return null;
  let target: string;
  try {
    const parsed = new URL(url);
    target = `${parsed.hostname}:${parsed.port || '5432'}, database "${decodeURIComponent(parsed.pathname.slice(1)) || parsed.username}"`;
  } catch {
    target = 'an unparsable URL';
  }
  const at = `${variable} (${target})`;
  switch (coded.code) {
    case 'ECONNREFUSED':
      return `cannot connect to PostgreSQL at ${at}: connection refused. Is the server running on that host and port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to PostgreSQL at ${at}: unknown host.`;
    case 'ETIMEDOUT':
      return `cannot connect to PostgreSQL at ${at}: the connection timed out.`;
    case '3D000':
      return `PostgreSQL at ${at}: the database does not exist. Create it (createdb) or fix the database name in ${variable}.`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${at} refused the credentials: ${coded.message}. Check the user and password in ${variable}.`;
    default:
      return null;
  }
}

/** Runs a step that connects to `url`; a connection failure becomes a StartupError naming `variable`. */
export async function connectingTo<T>(variable: string, url: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const described = describeDatabaseError(error, variable, url);
    throw described ? new StartupError(described, { cause: error }) : error;
  }
}

/**
 * Fails early, naming PORT, when another process listens there: otherwise the HTTP server's
 * EADDRINUSE reaches the WebSocket server first, which reports it as its own internal error.
 */
export function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: ErrorLike) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StartupError(`PORT ${port} is already in use on ${host} (another server, or another \`npm start\`?). Stop it or set PORT to a free port.`)
          : error,
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * Prints why the process could not start (a stack only for unexpected errors, or at LOG_LEVEL=debug) and exits 1.
 * A ConfigError found after bootstrap (such as a missing JWT_SECRET) reads as bootstrap prints one: its list alone.
 */
export function exitWithStartupError(processName: string, error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  const text =
    error instanceof StartupError && !verbose
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`${processName} failed to start: ${text}\n`);
  process.exit(1);
}

/** The names to report connection failures under: the variable a developer would fix. */
export function databaseVariables(target: { embedded: boolean }, separateMigrationUrl: boolean): { url: string; migrationUrl: string } {
  const url = target.embedded ? 'the embedded PostgreSQL' : 'DATABASE_URL';
  return { url, migrationUrl: separateMigrationUrl && !target.embedded ? 'MIGRATION_DATABASE_URL' : url };
}
