import type { EnvReader } from '../env-reader';

/** PostgreSQL: where, how many connections, migrations at start. */
export interface DatabaseConfig {
  /** Unset: an embedded PostgreSQL is started under `embeddedDir`. */
  url: string | undefined;
  /** A role allowed to change the schema; defaults to `url`. */
  migrationUrl: string | undefined;
  poolSize: number;
  embeddedDir: string;
  embeddedPort: number | undefined;
  runMigrationsOnStart: boolean;
}

export function readDatabaseConfig(read: EnvReader): DatabaseConfig {
  return {
    url: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    migrationUrl: read.url('MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']),
    poolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 500),
    embeddedDir: read.string('EMBEDDED_PG_DIR') ?? '.data/postgres',
    embeddedPort: read.optionalInteger('EMBEDDED_PG_PORT', 1, 65535),
    runMigrationsOnStart: read.boolean('MIGRATE_ON_START', true),
  };
}
