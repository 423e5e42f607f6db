import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { readinessHandler, type ReadinessCheck } from './health';
import { requestContext, requestIdOf } from './request-context';
import { trustProxySetting } from './trust-proxy';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { tracer } from '../tracing';

export interface HttpAppOptions {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
  isShuttingDown: () => boolean;
  graphql: RequestHandler;
  security: Config['security'];
  /** The sandbox page loads Apollo's scripts; the CSP allows them only while it is enabled. */
  sandbox: boolean;
  /** The self-hosted explorer (GET /graphql for browsers and its bundle); it sets its own CSP. */
  explorer?: RequestHandler;
  /** Runs before GraphQL, after body parsing (e.g. the trusted-documents check). */
  beforeGraphQL?: RequestHandler[];
  metrics?: Metrics;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(options.security.trustProxy));

  // Probes are cheap and unlogged: a load balancer calls them every few seconds.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessHandler(options.readinessChecks, options.isShuttingDown, options.logger));
  if (options.metrics) app.get('/metrics', metricsHandler(options.metrics));

  app.use(requestContext(options.logger, options.metrics));
  app.use(securityHeaders(options.sandbox));
  if (options.explorer) app.use(options.explorer);
  app.use('/graphql', graphqlCors(options.security));
  app.use(
    '/graphql',
    express.json({ limit: options.security.bodyLimitBytes }),
    graphqlRequestSpan(),
    ...(options.beforeGraphQL ?? []),
    options.graphql,
  );
  app.use(graphQLShapedErrors(options.logger));
  return app;
}

/** Helmet's headers; the CSP allows the Apollo sandbox's scripts only while it is enabled. */
function securityHeaders(sandbox: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: sandbox
      ? {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'", "'unsafe-inline'", 'https://embeddable-sandbox.cdn.apollographql.com'],
            styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
            imgSrc: ["'self'", 'data:', 'https://apollo-server-landing-page.cdn.apollographql.com'],
            fontSrc: ["'self'", 'https://fonts.gstatic.com'],
            frameSrc: ["'self'", 'https://sandbox.embed.apollographql.com'],
            connectSrc: ["'self'", 'https:', 'wss:', 'ws:'],
            manifestSrc: ["'self'", 'https://apollo-server-landing-page.cdn.apollographql.com'],
          },
        }
      : undefined,
    crossOriginEmbedderPolicy: false,
  });
}

/** Browsers may call only from the configured origins; none by default. */
function graphqlCors(security: Config['security']): RequestHandler {
  return cors({ origin: security.corsOrigins, credentials: false, maxAge: 600 });
}

/**
 * The headers the chain above sets on a POST to /graphql that carries no Origin header
 * (helmet's, and CORS's `Vary: Origin`), found by running those same middlewares once: the
 * GraphQL lane answers such requests without Express and sets exactly these.
 */
export function sameOriginGraphQLHeaders(options: Pick<HttpAppOptions, 'security' | 'sandbox'>): [string, string | string[]][] {
  const headers = new Map<string, { name: string; value: string | string[] }>();
  const res = {
    getHeader: (name: string) => headers.get(name.toLowerCase())?.value,
    setHeader: (name: string, value: string | string[] | number) => {
      headers.set(name.toLowerCase(), { name, value: typeof value === 'number' ? String(value) : value });
      return res;
    },
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
  };
  const req = { method: 'POST', url: '/graphql', headers: {} };
  for (const middleware of [securityHeaders(options.sandbox), graphqlCors(options.security)]) {
    let passed = false;
    (middleware as unknown as (req: unknown, res: unknown, next: (error?: unknown) => void) => void)(req, res, (error) => {
      if (error) throw error;
      passed = true;
    });
    // Both decide synchronously for such a request; if that ever changes, fail at start-up.
    if (!passed) throw new Error('a header middleware did not pass a same-origin POST on synchronously');
  }
  return [...headers.values()].map(({ name, value }) => [name, value]);
}

const GRAPHQL_SPAN = Symbol('graphqlSpan');

/**
 * Runs `next` inside a span around the GraphQL request, so everything the operation does (SQL,
 * jobs it enqueues, calls out) belongs to its trace. Named after the operation once known. A
 * child of the HTTP server span when HTTP instrumentation is on. Once per request: a request
 * the GraphQL lane hands on to Express keeps the span it began (and runs inside it already).
 */
export function inGraphQLSpan(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const marked = res as ServerResponse & { [GRAPHQL_SPAN]?: true };
  if (marked[GRAPHQL_SPAN]) return next();
  marked[GRAPHQL_SPAN] = true;
  const parent = context.active();
  const span = tracer().startSpan(
    'graphql',
    { kind: trace.getSpan(parent) ? SpanKind.INTERNAL : SpanKind.SERVER, attributes: { 'http.method': req.method, 'request.id': requestIdOf(res) } },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.status_code', res.statusCode);
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}

function graphqlRequestSpan(): RequestHandler {
  return (req, res, next) => inGraphQLSpan(req, res, next);
}

export function metricsHandler(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    metrics.render().then(({ contentType, body }) => res.type(contentType).send(body), next);
  };
}

/** Body-parser and other HTTP-level failures answer in the GraphQL error shape, never as HTML. */
function graphQLShapedErrors(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number; type?: string; message?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error }, 'unhandled HTTP error');
    const message =
      error.type === 'entity.too.large'
        ? 'Request body too large'
        : status < 500
          ? (error.message ?? 'Bad request')
          : 'Internal server error';
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  };
}
