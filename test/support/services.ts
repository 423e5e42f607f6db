import { Client } from 'pg';

/** Where the test setup found (or started) PostgreSQL and Redis; set by global-setup. */
export const env = {
  get adminDatabaseUrl(): string {
    const url = process.env.TEST_PG_ADMIN_URL;
    if (!url) throw new Error('TEST_PG_ADMIN_URL is not set: run the tests through jest (global-setup sets it)');
    return url;
  },
  get redisUrl(): string | undefined {
    return process.env.TEST_REDIS_URL || undefined;
  },
};

export async function canConnectToPostgres(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
