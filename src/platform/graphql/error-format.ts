import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, QueryTooComplexError } from '../errors';

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
  const original = appErrorOf(error) ?? (tokens ? new QueryTooComplexError('tokens', `Query has more than ${tokens[1]} tokens`) : undefined);
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
