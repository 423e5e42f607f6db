import { Pool, type PoolConfig } from 'pg';
import { typeParsers } from './type-parsers';

/**
 * A node-postgres pool that survives its connections dying (an outage, a cluster stopping): a
 * bounded connect, and an 'error' listener on every client for as long as it lives. node-postgres
 * itself listens only while a connection idles in the pool; a server that ends a checked-out
 * connection can report it twice (the socket's end, then its FATAL message), and an 'error'
 * nobody hears ends the process. The client's listener reports each failure once (idle or not);
 * the statement running on a checked-out connection fails as well, and its owner discards it.
 */
export function createResilientPool(
  options: {
    connectionString: string;
    max: number;
    applicationName?: string;
    onError: (error: Error) => void;
  } & Pick<PoolConfig, 'idleTimeoutMillis' | 'statement_timeout' | 'types' | 'pipeline' | 'options'>,
): Pool {
  const { connectionString, max, applicationName, onError, ...settings } = options;
  const pool = new Pool({ connectionString, max, application_name: applicationName, connectionTimeoutMillis: 5_000, ...settings });
  // The pool re-emits an idle client's failure, which the client's own listener has reported.
  pool.on('error', reportedByTheClient);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** See createResilientPool. */
function reportedByTheClient(): void {}

/**
 * The application's pool (`Database`'s), connected once so that an unreachable server is a
 * startup error: our timestamptz parser, and a statement timeout so a runaway statement cannot
 * hold one of its few connections forever.
 */
export async function connectDatabasePool(options: { url: string; poolSize: number; onError: (error: Error) => void }): Promise<Pool> {
  const pool = createResilientPool({
    connectionString: options.url,
    max: options.poolSize,
    applicationName: 'storefront-graph',
    onError: options.onError,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
    types: typeParsers,
    // A statement is written as soon as it is issued, not once the one before it is answered:
    // a transaction's first statement leaves with its START TRANSACTION (Database.beginWith).
    pipeline: true,
    // Every prepared statement runs on its generic plan, made once per connection. With `auto`
    // PostgreSQL compares costs, and a plan made for the values of `id = ANY($1)` or
    // `unnest($1)` (a two-element array) always looks cheaper than one for any array, so the
    // loaders' and placeOrder's statements were planned on every execution: 18 % of PostgreSQL's
    // CPU under M1, nearly half of it under Q2. Their plans do not depend on the values (rows by
    // key, pages along an index); a statement whose plan does (a search text, a price range) asks
    // for a plan per execution (`planForValues`).
    options: '-c plan_cache_mode=force_generic_plan',
  });
  try {
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return pool;
}
