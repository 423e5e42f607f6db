import 'reflect-metadata';
import { createApiApplication } from './composition-root';
import { bootstrap, onShutdownSignal } from './platform/bootstrap';
import { resolveDatabaseTarget, runMigrations } from './platform/database';

async function main(): Promise<void> {
  const { config, logger } = bootstrap('storefront-graph');
  const database = await resolveDatabaseTarget(config, logger);
  if (config.database.runMigrationsOnStart) {
    const applied = await runMigrations(database.migrationUrl, logger);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }
  const app = await createApiApplication({ config, logger, databaseUrl: database.url });
  if (config.admin.email && config.admin.password) {
    const { created } = await app.modules.users.service.ensureAdmin({
      email: config.admin.email,
      password: config.admin.password,
      name: 'Admin',
    });
    logger.info({ created }, 'admin account from ADMIN_EMAIL ensured');
  }
  onShutdownSignal(logger, async () => {
    await app.close();
    await database.stop();
  });
  const url = await app.listen(config.port, config.host);
  logger.info({ url, embeddedDatabase: database.embedded }, 'storefront-graph is ready');
  if (config.graphql.sandbox) process.stdout.write(`\n  GraphQL sandbox: ${url}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`storefront-graph failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
