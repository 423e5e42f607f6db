/**
 * A statement PostgreSQL (or the connection) refused: the statement's text and the driver's error,
 * whose SQLSTATE is `code` on both. The message is the driver's. The parameters are not kept: a
 * logged error carries every field it has, and they hold what users sent (emails, hashes).
 */
export class StatementFailedError extends Error {
  override readonly name = 'StatementFailedError';
  /** The SQLSTATE (or the socket's errno), when the driver gave one. */
  readonly code: string | undefined;

  constructor(
    readonly statement: string,
    readonly driverError: Error & { code?: string },
  ) {
    super(driverError.message);
    this.code = driverError.code;
  }
}

/** PostgreSQL's unique_violation: the constraint behind every "only once" rule; of `constraint` when given. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof StatementFailedError) || error.code !== '23505') return false;
  return constraint === undefined || (error.driverError as { constraint?: string }).constraint === constraint;
}

/**
 * SQLSTATEs of a passing outage: the server shutting down or starting (57P01-57P03), the link
 * lost (class 08), too many connections (53300), and the transaction conflicts that
 * `Database.transaction` retried as often as it may (40001, 40P01): a later retry of the whole
 * request may still succeed.
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300', '40001', '40P01']);
const TRANSIENT_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg and pg-pool say these in words only. */
const TRANSIENT_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout/;

/**
 * The error and what it wraps, outermost first: a service may rethrow a driver error as its
 * cause, `StatementFailedError` (and TypeORM, in migrations) wraps it as driverError, graphql-js as originalError, or as NonErrorThrown
 * { thrownValue } what is not `instanceof Error`.
 */
function* causeChain(error: unknown): Generator<{ code?: unknown; message?: unknown }> {
  let current: unknown = error;
  // Not `instanceof Error`: socket errors may come from another realm (a VM context).
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    yield current as { code?: unknown; message?: unknown };
    const next = current as { driverError?: unknown; originalError?: unknown; cause?: unknown; thrownValue?: unknown };
    current = next.driverError ?? next.originalError ?? next.thrownValue ?? next.cause;
  }
}

/**
 * True when an error means the database was briefly out of reach, not that the request or our
 * code was wrong: the client may retry (with its idempotency key, where the operation has one).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (const { code, message } of causeChain(error)) {
    if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_ERRNOS.has(code))) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
  }
  return false;
}

/** Conflicts between transactions that running the whole transaction again resolves. */
const TRANSACTION_CONFLICT_SQLSTATES = new Set(['40001', '40P01']);

/**
 * 40001 (serialization_failure) or 40P01 (deadlock_detected) when PostgreSQL aborted the
 * transaction for a conflict with another one, else null; looks through wrappers.
 */
export function transactionConflictCode(error: unknown): string | null {
  for (const { code } of causeChain(error)) {
    if (typeof code === 'string' && TRANSACTION_CONFLICT_SQLSTATES.has(code)) return code;
  }
  return null;
}

/** PostgreSQL's foreign_key_violation: a row still referenced elsewhere. */
export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof StatementFailedError && error.code === '23503';
}
