import { randomUUID } from 'node:crypto';
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

export function requestIdOf(res: Response): string {
  return (res.locals.requestLog as RequestLog).requestId;
}

export function requestLogOf(res: Response): RequestLog {
  return res.locals.requestLog as RequestLog;
}

/**
 * Gives each request an id (the caller's `x-request-id` when it is safe to echo), returns it in
 * the response header, and logs one line per request when the response is done.
 */
const KNOWN_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

export function requestContext(logger: Logger, metrics?: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log: RequestLog = { requestId };
    res.locals.requestLog = log;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const path = req.originalUrl.split('?')[0] ?? '';
      const labels = { method: req.method, path: KNOWN_PATHS.has(path) ? path : 'other', status: String(res.statusCode) };
      metrics?.httpRequests.inc(labels);
      metrics?.httpDuration.observe(labels, durationMs / 1000);
      // Below the configured level the line is never built.
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          requestId,
          method: req.method,
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
    next();
  };
}
