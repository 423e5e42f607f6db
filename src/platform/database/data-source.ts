import {
  DataSource,
  EventSubscriber,
  type AfterQueryEvent,
  type EntitySubscriberInterface,
} from 'typeorm';
import { migrations } from '../../../migrations';
import type { Logger } from '../logger';
import { createResilientPool } from './pool';
import { QueryObserver } from './query-logger';
import { typeParsers } from './type-parsers';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  logger: Logger;
  applicationName?: string;
  /** Told every statement's duration (for the query-latency histogram). */
  onQueryDone?: (statement: string, seconds: number, success: boolean) => void;
}

/**
 * TypeORM runs the migrations (loaded through migrate.ts only); the application's statements go
 * through `Database` on its own pool. The schema is owned by `migrations/`; TypeORM never
 * synchronises it.
 */
export function createDataSource(options: DataSourceOptions): { dataSource: DataSource; queries: QueryObserver } {
  const onQueryDone = options.onQueryDone;
  const queries = new QueryObserver(options.logger.child({ component: 'sql' }), onQueryDone);
  // Statements TypeORM runs itself (the migrations'); `Database` reports its own.
  // TypeORM builds subscribers from classes, so the observer is captured in a class made here.
  @EventSubscriber()
  class QueryTiming implements EntitySubscriberInterface {
    afterQuery(event: AfterQueryEvent): void {
      if (event.executionTime !== undefined) queries.statementDone(event.query, event.executionTime / 1000, event.success);
    }
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    // Repositories write SQL (ADR 7): no entity classes to register.
    entities: [],
    migrations,
    migrationsTableName: 'schema_migrations',
    subscribers: onQueryDone ? [QueryTiming] : [],
    synchronize: false,
    migrationsRun: false,
    logger: queries,
    maxQueryExecutionTime: 1000,
    applicationName: options.applicationName ?? 'storefront-graph',
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A runaway statement must not hold a pool connection forever.
      statement_timeout: 30_000,
      types: typeParsers,
    },
  });
  return { dataSource, queries };
}

/**
 * Applies pending migrations with its own short-lived connection (possibly a privileged role):
 * ours from `migrations/`, then graphile-worker's job-queue schema, which `add_job` needs.
 */
export async function runMigrations(url: string, logger: Logger): Promise<string[]> {
  const { dataSource } = createDataSource({ url, poolSize: 1, logger, applicationName: 'storefront-graph-migrate' });
  await dataSource.initialize();
  let applied: string[];
  try {
    // Several processes may start at once; one migrates, the others wait and find nothing to do.
    // The pool has one connection, so the session-level lock covers the migrations' queries.
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
    // Loaded here only: an API process never needs graphile-worker's 2.6 MB of heap otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Logger: GraphileLogger, runMigrations: runJobQueueMigrations } = require('graphile-worker') as typeof import('graphile-worker');
    await runJobQueueMigrations({ pgPool: jobQueuePool, logger: new GraphileLogger(() => () => {}) });
  } finally {
    await jobQueuePool.end();
  }
  return applied;
}

/** An arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 72_019_001;

