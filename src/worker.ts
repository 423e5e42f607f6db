import 'reflect-metadata';
import { createAdapters, createRuntime } from './composition-root';
import { bootstrap, onShutdownSignal } from './platform/bootstrap';
import { resolveDatabaseTarget, runMigrations } from './platform/database';

/** The worker process (npm run start:worker): runs jobs and event handlers; run as many as needed. */
async function main(): Promise<void> {
  const { config, logger } = bootstrap('storefront-graph-worker');
  const database = await resolveDatabaseTarget(config, logger);
  if (config.database.runMigrationsOnStart) await runMigrations(database.migrationUrl, logger);
  const adapters = await createAdapters(config, logger, { runsJobs: true });
  const runtime = await createRuntime({ config, logger, databaseUrl: database.url, adapters });
  await runtime.startWorker();
  onShutdownSignal(logger, async () => {
    await runtime.close();
    await adapters.close();
    await database.stop();
  });
  logger.info('storefront-graph worker is ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
