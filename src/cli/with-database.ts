import { connectDatabase } from '../composition';
import type { Config } from '../platform/config';
import { resolveDatabaseTarget, runMigrations, type Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { connectingTo, databaseVariables } from '../platform/startup-errors';

/**
 * Runs a CLI task against the configured (or embedded) database. Migrates first unless
 * MIGRATE_ON_START=false, as the server does: production runs migrations as their own step,
 * with a role the CLI's DATABASE_URL may not have.
 */
export async function withDatabase<T>(config: Config, logger: Logger, task: (database: Database) => Promise<T>): Promise<T> {
  const target = await resolveDatabaseTarget(config, logger);
  try {
    const names = databaseVariables(target, !!config.database.migrationUrl);
    if (config.database.runMigrationsOnStart) await connectingTo(names.migrationUrl, target.migrationUrl, () => runMigrations(target.migrationUrl, logger));
    const { database } = await connectingTo(names.url, target.url, () => connectDatabase({ url: target.url, poolSize: 2, logger }));
    try {
      return await task(database);
    } finally {
      await database.close();
    }
  } finally {
    await target.stop();
  }
}
