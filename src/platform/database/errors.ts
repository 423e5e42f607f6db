import { QueryFailedError } from 'typeorm';

/** PostgreSQL's unique_violation: the constraint behind every "only once" rule. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/** PostgreSQL's foreign_key_violation: a row still referenced elsewhere. */
export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503';
}
