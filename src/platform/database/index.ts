export { createDataSource, runMigrations } from './data-source';
export { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
export { QueryObserver } from './query-logger';
export { Database, type UnitOfWork } from './unit-of-work';
export { resolveDatabaseTarget, type DatabaseTarget } from './target';
export { keysetPage } from './keyset-page';
export { isForeignKeyViolation, isUniqueViolation } from './errors';
