import { Pool } from 'pg';
import { typeParsers } from './type-parsers';

/**
 * A node-postgres pool that survives its connections dying (an outage, a cluster stopping): a
 * bounded connect, and an 'error' handler on the pool and on every client, without which a
 * dropped idle connection is an unhandled 'error' event that ends the process.
 */
export function createResilientPool(options: {
  connectionString: string;
  max: number;
  applicationName?: string;
  onError: (error: Error) => void;
}): Pool {
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.max,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', options.onError);
  pool.on('connect', (client) => client.on('error', options.onError));
  return pool;
}

export interface DatabasePoolOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
  /** An idle connection that died (the pool replaces it); checked-out ones are `Database`'s. */
  onIdleError: (error: Error) => void;
}

/**
 * The application's pool, connected once so that an unreachable server is a startup error:
 * our timestamptz parser, and a statement timeout so a runaway statement cannot hold one of its
 * few connections forever.
 */
export async function connectDatabasePool(options: DatabasePoolOptions): Promise<Pool> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: options.applicationName ?? 'storefront-graph',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
    types: typeParsers,
  });
  pool.on('error', options.onIdleError);
  // node-postgres listens for a connection's 'error' only while it idles in the pool. A server
  // that ends a checked-out connection can report it twice (the socket's end, then its FATAL
  // message), and an 'error' nobody hears ends the process. The statement running on it fails
  // anyway, and `Database` discards the connection; this listener only keeps the process alive.
  pool.on('connect', (client) => client.on('error', ignoreReportedElsewhere));
  try {
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return pool;
}

/** See connectDatabasePool: the failure reaches the statement or the pool's 'error' handler. */
function ignoreReportedElsewhere(): void {}
