import 'reflect-metadata';
import { bootstrap } from '../platform/bootstrap';
import { resolveDatabaseTarget, runMigrations } from '../platform/database';

async function main(): Promise<void> {
  const { config, logger } = bootstrap('migrate');
  const database = await resolveDatabaseTarget(config, logger);
  try {
    const applied = await runMigrations(database.migrationUrl, logger);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${String(error)}\n`);
  process.exit(1);
});
