import { Pool } from 'pg';

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
