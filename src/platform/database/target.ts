import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseTarget {
  url: string;
  migrationUrl: string;
  embedded: boolean;
  /** Stops the embedded cluster, if this process started it (not one it joined). */
  stop(): Promise<void>;
}

/** The configured PostgreSQL, or the embedded one (started, or joined if running) when DATABASE_URL is unset. */
export async function resolveDatabaseTarget(config: Config, logger: Logger): Promise<DatabaseTarget> {
  if (config.database.url) {
    return {
      url: config.database.url,
      migrationUrl: config.database.migrationUrl ?? config.database.url,
      embedded: false,
      stop: async () => {},
    };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.database.embeddedDir,
    port: config.database.embeddedPort,
    logger,
  });
  return { url: embedded.url, migrationUrl: embedded.url, embedded: true, stop: () => embedded.stop() };
}
