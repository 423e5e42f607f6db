import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/** Filled while a request is served; written as one access log line when it finishes. */
export interface RequestLog {
  requestId: string;
  operationName?: string;
  operationType?: string;
  outcome?: 'success' | 'error';
  errorCodes?: string[];
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// On the response itself, not in Express's res.locals: the GraphQL lane serves requests before
// (and sometimes instead of) Express, and a request handed on keeps the log it began with.
const REQUEST_LOG = Symbol('requestLog');
type WithRequestLog = ServerResponse & { [REQUEST_LOG]?: RequestLog };

export function requestIdOf(res: ServerResponse): string {
  return requestLogOf(res).requestId;
}

export function requestLogOf(res: ServerResponse): RequestLog {
  return (res as WithRequestLog)[REQUEST_LOG]!;
}

const KNOWN_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

/**
 * Gives a request its id (the caller's `x-request-id` when it is safe to echo), returns it in
 * the response header, and counts and logs the request (one line) when the response is done.
 * Once per request, whoever serves it: a second call returns the log the first one began.
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, metrics?: Metrics): RequestLog {
  const begun = (res as WithRequestLog)[REQUEST_LOG];
  if (begun) return begun;
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  const log: RequestLog = { requestId };
  (res as WithRequestLog)[REQUEST_LOG] = log;
  res.setHeader('x-request-id', requestId);
  const started = process.hrtime.bigint();
  const method = req.method ?? 'GET';
  const path = (req.url ?? '').split('?')[0] ?? '';
  res.on('close', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const labels = { method, path: KNOWN_PATHS.has(path) ? path : 'other', status: String(res.statusCode) };
    metrics?.httpRequests.inc(labels);
    metrics?.httpDuration.observe(labels, durationMs / 1000);
    // Below the configured level the line is never built.
    if (!logger.isLevelEnabled('info')) return;
    logger.info(
      {
        requestId,
        method,
        path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        operationName: log.operationName,
        operationType: log.operationType,
        outcome: log.outcome ?? (res.statusCode < 400 ? 'success' : 'error'),
        errorCodes: log.errorCodes,
      },
      'request',
    );
  });
  return log;
}

/** `beginRequest` as Express middleware. */
export function requestContext(logger: Logger, metrics?: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    beginRequest(req, res, logger, metrics);
    next();
  };
}
