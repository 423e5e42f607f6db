import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isTransientDatabaseError } from '../database/errors';
import { AppError, QueryTooComplexError, ServiceUnavailableError } from '../errors';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** Codes Apollo and graphql-js assign to requests that never executed; they are safe to show. */
const PASS_THROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
]);

/** The domain error behind a GraphQL error, however many layers wrap it. */
export function appErrorOf(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError || current instanceof Error ? (current as GraphQLError).originalError ?? (current as Error).cause : undefined;
  }
  return undefined;
}

/** A domain error as a GraphQL error with the HTTP status (and headers) the response should carry. */
export function toHttpGraphQLError(error: AppError, status: number, headers?: Record<string, string>): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { http: { status, ...(headers ? { headers: new Map(Object.entries(headers)) } : {}) } },
  });
}

/** graphql-js's parser stops at `maxTokens`; the contract calls that QUERY_TOO_COMPLEX. */
// (graphql-js 16 words it "more that"; accept both spellings.)
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/;

const APQ_HASH_MISMATCH = 'provided sha does not match query';

/** True when an error is ours to explain to the client; everything else is masked. */
export function isExpectedError(formatted: GraphQLFormattedError, error: unknown): boolean {
  return appErrorOf(error) !== undefined || PASS_THROUGH_CODES.has(String(formatted.extensions?.code));
}

/**
 * Turns errors into the contract's shape: domain errors keep their message and code, known
 * protocol errors pass, and anything else becomes a masked INTERNAL_SERVER_ERROR (the original is
 * logged with the request id by the logging plugin).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const tokens = TOKEN_LIMIT.exec(formatted.message);
  const original =
    appErrorOf(error) ??
    (tokens ? new QueryTooComplexError('tokens', `Query has more than ${tokens[1]} tokens`) : undefined) ??
    // A passing database outage is not a bug: say so, so clients know a retry is safe.
    (isTransientDatabaseError(error) ? new ServiceUnavailableError() : undefined);
  if (original) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: original.code,
        ...(original.reason ? { reason: original.reason } : {}),
        ...original.extensions,
      },
    };
  }
  // Apollo raises this one without a code; it is the client's mistake, not ours.
  if (formatted.message === APQ_HASH_MISMATCH) {
    return { message: 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query text', extensions: { code: 'BAD_REQUEST' } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (PASS_THROUGH_CODES.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: INTERNAL_ERROR_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** What errors make an HTTP response carry: their `http` extensions, merged as Apollo merges them. */
export interface HttpFromErrors {
  status?: number;
  headers: Map<string, string>;
}

/**
 * Errors as Apollo Server formats them for an HTTP response, for the GraphQL lane that answers
 * without it: each becomes a GraphQLError with a code (INTERNAL_SERVER_ERROR when it has none),
 * its `http` extension is taken out into the response's status and headers, and `formatError`
 * decides what the client sees.
 */
export function formatErrorsForHttp(errors: readonly unknown[]): { formatted: GraphQLFormattedError[]; http: HttpFromErrors } {
  const http: HttpFromErrors = { headers: new Map() };
  const formatted = errors.map((raw) => {
    const error = raw instanceof GraphQLError ? raw : new GraphQLError(raw instanceof Error ? raw.message : `Unexpected error value: ${String(raw)}`, { originalError: raw instanceof Error ? raw : undefined });
    const { http: fromError, ...rest } = error.extensions as { http?: { status?: unknown; headers?: unknown }; code?: unknown };
    if (fromError && typeof fromError === 'object') {
      if (typeof fromError.status === 'number') http.status = fromError.status;
      if (fromError.headers instanceof Map) for (const [name, value] of fromError.headers) http.headers.set(String(name), String(value));
    }
    try {
      return formatError({ ...error.toJSON(), extensions: { ...rest, code: rest.code ?? 'INTERNAL_SERVER_ERROR' } }, error);
    } catch {
      return { message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
  return { formatted, http };
}
