import type { Logger } from '../logger';

/**
 * Applies pending migrations (see data-source.ts). TypeORM and graphile-worker, which
 * data-source.ts imports, are loaded on the first call only: they run migrations and nothing else
 * here, and a process that does not migrate (an API instance started with MIGRATE_ON_START=false)
 * is spared their ~10 MB of heap, which V8 would otherwise multiply in the old-space limit it
 * grows under load.
 */
export function runMigrations(url: string, logger: Logger): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runMigrations: run } = require('./data-source') as typeof import('./data-source');
  return run(url, logger);
}
