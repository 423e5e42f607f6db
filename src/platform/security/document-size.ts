import type { RequestHandler } from 'express';
import { QueryTooComplexError } from '../errors';

/**
 * The byte limit on an operation's text. The token limit ignores comments and whitespace, so
 * without this a few tokens could carry a document of any size into the persisted-query cache.
 * Checked before anything parses or stores the text, over HTTP and WebSocket.
 */
export function documentTooLarge(query: unknown, maxBytes: number): QueryTooComplexError | undefined {
  if (typeof query !== 'string') return undefined;
  const bytes = Buffer.byteLength(query);
  return bytes > maxBytes ? new QueryTooComplexError('bytes', `Query document is ${bytes} bytes; the limit is ${maxBytes}`) : undefined;
}

/** What registering an automatic persisted query costs from the caller's budget: 1 point per 16 bytes. */
export const registrationCost = (query: string | undefined): number => Math.ceil(Buffer.byteLength(query ?? '') / 16);

/** Express middleware for /graphql (after body parsing): refuses an oversized document with 400. */
export function documentSizeLimit(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const params = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
    const refusal = params && !Array.isArray(params) ? documentTooLarge(params.query, maxBytes) : undefined;
    if (!refusal) return next();
    res.status(400).json({ errors: [{ message: refusal.message, extensions: { code: refusal.code, limit: 'bytes' } }] });
  };
}
