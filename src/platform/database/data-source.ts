import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { migrations } from '../../../migrations';
import type { Logger } from '../logger';
import { QueryObserver } from './query-logger';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  entities: EntityList;
  logger: Logger;
  applicationName?: string;
}

/** The schema is owned by `migrations/`; TypeORM never synchronises it. */
export function createDataSource(options: DataSourceOptions): { dataSource: DataSource; queries: QueryObserver } {
  const queries = new QueryObserver(options.logger.child({ component: 'sql' }));
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations,
    migrationsTableName: 'schema_migrations',
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
    },
  });
  return { dataSource, queries };
}

/** Applies pending migrations with its own short-lived connection (possibly a privileged role). */
export async function runMigrations(url: string, logger: Logger): Promise<string[]> {
  const { dataSource } = createDataSource({ url, poolSize: 1, entities: [], logger, applicationName: 'storefront-graph-migrate' });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
