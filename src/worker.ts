import { stopTracing } from './instrumentation';
import 'reflect-metadata';
import { createAdapters, createRuntime } from './composition';
import { bootstrap, onShutdownSignal } from './platform/bootstrap';
import { resolveDatabaseTarget, runMigrations } from './platform/database';
import { startOperationsServer } from './platform/http/operations-server';
import { Metrics } from './platform/metrics';

/** The worker process (npm run start:worker): runs jobs and event handlers; run as many as needed. */
async function main(): Promise<void> {
  const { config, logger } = bootstrap('storefront-graph-worker');
  const database = await resolveDatabaseTarget(config, logger);
  if (config.database.runMigrationsOnStart) await runMigrations(database.migrationUrl, logger);
  const metrics = new Metrics();
  const adapters = await createAdapters(config, logger, { runsJobs: true, metrics });
  const runtime = await createRuntime({ config, logger, databaseUrl: database.url, adapters, metrics });
  await runtime.startWorker();
  let shuttingDown = false;
  const operations = await startOperationsServer({
    port: config.observability.workerMetricsPort,
    host: config.host,
    metrics,
    readinessChecks: runtime.readinessChecks,
    isShuttingDown: () => shuttingDown,
  });
  onShutdownSignal(
    logger,
    async () => {
      shuttingDown = true;
      // The worker finishes its running jobs (or releases them at the deadline) before the pool closes.
      await runtime.close();
      await operations.close();
      await adapters.close();
      await database.stop();
      await stopTracing?.();
    },
    config.shutdown.timeoutMs,
  );
  logger.info({ metricsUrl: operations.url }, 'storefront-graph worker is ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
