import 'reflect-metadata';
import { bootstrap } from '../platform/bootstrap';
import { resolveDatabaseTarget, runMigrations } from '../platform/database';
import { connectingTo, databaseVariables } from '../platform/startup-errors';

async function main(): Promise<void> {
  const { config, logger } = bootstrap('migrate');
  const database = await resolveDatabaseTarget(config, logger);
  try {
    const variable = databaseVariables(database, !!config.database.migrationUrl).migrationUrl;
    const applied = await connectingTo(variable, database.migrationUrl, () => runMigrations(database.migrationUrl, logger));
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
