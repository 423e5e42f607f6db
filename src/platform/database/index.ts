export { runMigrations } from './migrate';
export { connectDatabasePool, createResilientPool } from './pool';
export { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
export { QueryObserver } from './query-logger';
export { Database, type ConflictRetryPolicy, type DatabaseOptions, type UnitOfWork } from './unit-of-work';
export { resolveDatabaseTarget, type DatabaseTarget } from './target';
export { KeysetListing, SqlParameters, type FilterConditions } from './keyset-page';
export { isForeignKeyViolation, isUniqueViolation, StatementFailedError } from './errors';
