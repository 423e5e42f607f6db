import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '../errors';

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

/** True when an error is ours to explain to the client; everything else is masked. */
export function isExpectedError(formatted: GraphQLFormattedError, error: unknown): boolean {
  return unwrapResolverError(error) instanceof AppError || PASS_THROUGH_CODES.has(String(formatted.extensions?.code));
}

/**
 * Turns errors into the contract's shape: domain errors keep their message and code, known
 * protocol errors pass, and anything else becomes a masked INTERNAL_SERVER_ERROR (the original is
 * logged with the request id by the logging plugin).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
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
