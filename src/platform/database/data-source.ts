import { Logger as GraphileLogger, runMigrations as runJobQueueMigrations } from 'graphile-worker';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import type { Logger } from '../logger';
import { createResilientPool } from './pool';
import { QueryObserver } from './query-logger';

export interface DataSourceOptions {
  url: string;
  logger: Logger;
  applicationName?: string;
}

/**
 * TypeORM runs the migrations (loaded through migrate.ts only); the application's statements go
 * through `Database` on its own pool (connectDatabasePool). The schema is owned by `migrations/`;
 * TypeORM never synchronises it. One connection, so a session-level advisory lock covers every
 * statement, and no statement timeout: an index build on a large table may take minutes.
 */
export function createDataSource(options: DataSourceOptions): { dataSource: DataSource } {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    // Repositories write SQL (ADR 7): no entity classes to register.
    entities: [],
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // Logs the migrations' statements (at trace) and TypeORM's messages.
    logger: new QueryObserver(options.logger.child({ component: 'sql' })),
    maxQueryExecutionTime: 1000,
    applicationName: options.applicationName ?? 'storefront-graph',
    extra: { max: 1, connectionTimeoutMillis: 5_000 },
  });
  return { dataSource };
}

/**
 * Applies pending migrations with its own short-lived connection (possibly a privileged role):
 * ours from `migrations/`, then graphile-worker's job-queue schema, which `add_job` needs.
 */
export async function runMigrations(url: string, logger: Logger): Promise<string[]> {
  const { dataSource } = createDataSource({ url, logger, applicationName: 'storefront-graph-migrate' });
  await dataSource.initialize();
  let applied: string[];
  try {
    // Several processes may start at once; one migrates, the others wait and find nothing to do.
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    applied = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } finally {
    await dataSource.destroy();
  }
  // Our own pool, ended and awaited here: graphile-worker does not wait for the pool it would
  // create, and an idle client of it that sees the embedded cluster stop right after the
  // migrations (`npm run migrate`) raises an 'error' nobody listens to, which ends the process.
  const jobQueuePool = createResilientPool({
    connectionString: url,
    max: 1,
    applicationName: 'storefront-graph-migrate',
    onError: (err) => logger.debug({ err: err.message }, 'migration connection closed'),
  });
  try {
    await runJobQueueMigrations({ pgPool: jobQueuePool, logger: new GraphileLogger(() => () => {}) });
  } finally {
    await jobQueuePool.end();
  }
  return applied;
}

/** An arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 72_019_001;

