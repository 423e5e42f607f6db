/**
 * Errors the domain raises on purpose. Each carries one of the public contract's codes; the
 * GraphQL layer turns them into `extensions.code`. `reason` is a finer, stable machine-readable
 * cause (e.g. `CATALOG.STALE_VERSION`) for logs and clients that want it.
 *
 * Plain TypeScript: domain code may import it.
 */
export type PublicErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'SERVICE_UNAVAILABLE';

export interface FieldProblem {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: PublicErrorCode;
  readonly extensions: Record<string, unknown> = {};

  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly fields: FieldProblem[]) {
    super(fields.map((f) => `${f.path}: ${f.message}`).join('; ') || 'Invalid input');
    this.extensions.fields = fields;
  }

  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/**
 * Variables that do not coerce to their declared types, in graphql-js's own words; each problem
 * names the variable's path (`$input.items[0].quantity`) as other input errors name fields.
 */
export class InvalidVariablesError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly fields: FieldProblem[]) {
    super(fields.map((f) => f.message).join('; '));
    this.extensions.fields = fields;
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Sign in to do this', reason?: string) {
    super(message, reason);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You are not allowed to do this', reason?: string) {
    super(message, reason);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
}

export class IdempotencyKeyReusedError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests',
  ) {
    super(message);
    this.extensions.retryAfterSeconds = retryAfterSeconds;
  }
}

export class QueryTooComplexError extends AppError {
  readonly code = 'QUERY_TOO_COMPLEX';
  constructor(
    readonly limit: string,
    message: string,
  ) {
    super(message);
    this.extensions.limit = limit;
  }
}

/** A dependency (the database) was briefly out of reach; the client may retry after a while. */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(
    readonly retryAfterSeconds = 2,
    message = 'The service is briefly unavailable; retry shortly',
  ) {
    super(message);
    this.extensions.retryAfterSeconds = retryAfterSeconds;
  }
}
