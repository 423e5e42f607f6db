import { stopTracing } from './instrumentation';
import 'reflect-metadata';
import { createAdapters, createRuntime } from './composition';
import { applyMemoryPolicy, bootstrap, onShutdownSignal } from './platform/bootstrap';
import { resolveDatabaseTarget, runMigrations } from './platform/database';
import { startOperationsServer } from './platform/http/operations-server';
import { Metrics } from './platform/metrics';
import { connectingTo, databaseVariables, exitWithStartupError } from './platform/startup-errors';

/** The worker process (npm run start:worker): runs jobs and event handlers; run as many as needed. */
async function main(): Promise<void> {
  const { config, logger } = bootstrap('storefront-graph-worker');
  applyMemoryPolicy(config.memory);
  if (!config.redis.url) {
    logger.warn('REDIS_URL is unset: live updates this worker publishes (order, stock, notification events) will not reach API processes\' subscribers; set REDIS_URL for split processes');
  }
  const database = await resolveDatabaseTarget(config, logger);
  const names = databaseVariables(database, !!config.database.migrationUrl);
  if (config.database.runMigrationsOnStart) {
    await connectingTo(names.migrationUrl, database.migrationUrl, () => runMigrations(database.migrationUrl, logger));
  }
  const metrics = new Metrics();
  const adapters = await createAdapters(config, logger, { runsJobs: true, metrics });
  const runtime = await connectingTo(names.url, database.url, () => createRuntime({ config, logger, databaseUrl: database.url, adapters, metrics }));
  const worker = await runtime.startWorker();
  let shuttingDown = false;
  const operations = await startOperationsServer({
    port: config.observability.workerMetricsPort,
    host: config.host,
    metrics,
    // Not ready while the job runner waits for the database to come back, though the process stays up.
    readinessChecks: [...runtime.readinessChecks, { name: 'job-runner', check: () => worker.assertRunning() }],
    isShuttingDown: () => shuttingDown,
    logger,
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

main().catch((error: unknown) => exitWithStartupError('worker', error));
