import { stopTracing } from './instrumentation';
import 'reflect-metadata';
import { createAdapters, createRuntime } from './composition';
import { applyMemoryPolicy, bootstrap, onShutdownSignal } from './platform/bootstrap';
import { resolveServerJwtSecret } from './platform/jwt-secret';
import { resolveDatabaseTarget, runMigrations } from './platform/database';
import { Metrics } from './platform/metrics';
import { assertPortFree, connectingTo, databaseVariables, exitWithStartupError } from './platform/startup-errors';

/**
 * The API process. By default it also runs the job worker, so `npm start` is the whole backend
 * in one process; `--no-worker` (npm run start:api) serves the API only, as production does
 * with separately scaled workers (npm run start:worker).
 */
async function main(): Promise<void> {
  const withWorker = !process.argv.includes('--no-worker');
  const { config: loaded, logger } = bootstrap(withWorker ? 'storefront-graph' : 'storefront-graph-api');
  const config = { ...loaded, auth: { ...loaded.auth, jwtSecret: resolveServerJwtSecret(loaded) } };
  applyMemoryPolicy(config.memory);
  await assertPortFree(config.port, config.host);
  if (!withWorker && !config.redis.url) {
    logger.warn('REDIS_URL is unset: live updates published by a separate worker (npm run start:worker) will not reach this API\'s subscribers; set REDIS_URL for split processes');
  }
  const database = await resolveDatabaseTarget(config, logger);
  const names = databaseVariables(database, !!config.database.migrationUrl);
  if (config.database.runMigrationsOnStart) {
    const applied = await connectingTo(names.migrationUrl, database.migrationUrl, () => runMigrations(database.migrationUrl, logger));
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }
  const metrics = new Metrics();
  const adapters = await createAdapters(config, logger, { runsJobs: withWorker, metrics });
  const runtime = await connectingTo(names.url, database.url, () => createRuntime({ config, logger, databaseUrl: database.url, adapters, metrics }));
  if (config.admin.email && config.admin.password) {
    const { created } = await runtime.application.modules.users.service.ensureAdmin({
      email: config.admin.email,
      password: config.admin.password,
      name: 'Admin',
    });
    logger.info({ created }, 'admin account from ADMIN_EMAIL ensured');
  }
  const api = await runtime.startApi();
  if (withWorker) await runtime.startWorker();
  onShutdownSignal(
    logger,
    async () => {
      await runtime.close();
      await adapters.close();
      await database.stop();
      await stopTracing?.();
    },
    config.shutdown.timeoutMs,
  );
  const url = await api.listen(config.port, config.host);
  logger.info({ url, embeddedDatabase: database.embedded, worker: withWorker }, 'storefront-graph is ready');
  if (config.graphql.sandbox) process.stdout.write(`\n  GraphQL explorer (${config.graphql.explorer}): ${url}\n\n`);
}

main().catch((error: unknown) => exitWithStartupError('storefront-graph', error));
