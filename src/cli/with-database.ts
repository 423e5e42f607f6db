import { connectDatabase } from '../composition';
import type { Config } from '../platform/config';
import { resolveDatabaseTarget, runMigrations, type Database } from '../platform/database';
import type { Logger } from '../platform/logger';

/**
 * Runs a CLI task against the configured (or embedded) database. Migrates first unless
 * MIGRATE_ON_START=false, as the server does: production runs migrations as their own step,
 * with a role the CLI's DATABASE_URL may not have.
 */
export async function withDatabase<T>(config: Config, logger: Logger, task: (database: Database) => Promise<T>): Promise<T> {
  const target = await resolveDatabaseTarget(config, logger);
  try {
    if (config.database.runMigrationsOnStart) await runMigrations(target.migrationUrl, logger);
    const { dataSource, database } = await connectDatabase({ url: target.url, poolSize: 2, logger });
    try {
      return await task(database);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await target.stop();
  }
}
