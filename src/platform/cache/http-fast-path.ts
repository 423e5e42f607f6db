import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { requestLogOf } from '../http/request-context';
import { operationLabel, type Metrics } from '../metrics';
import type { CostReport } from '../security/operation-guard';
import type { Viewer } from '../viewer';
import { etagMatches, type ResponseCache } from './response-cache';

export interface FastPathOptions {
  cache: ResponseCache;
  /** The operation pipeline's admission of a stored answer (a flat charge, its cost reported). */
  chargeStoredAnswer: (viewer: Viewer, clientIp: string, cost: number) => Promise<CostReport>;
  /** The same authentication the GraphQL context uses; a failure leaves the request to Apollo. */
  viewerOf: (req: Request) => Promise<Viewer>;
  metrics?: Metrics;
}

/**
 * Answers a cached query before Apollo runs, when every rule Apollo would apply is already
 * settled: the document was parsed and validated before under the same hash (the cache knows
 * its plan), the caller is authenticated, the cost is spent from the caller's budget, and a GET
 * passes the CSRF rule. Anything else (a miss, an error, an unknown document) goes on to Apollo,
 * which applies the full pipeline and the cache plugin.
 */
export function responseCacheFastPath(options: FastPathOptions): RequestHandler {
  const { cache, metrics } = options;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const params = readParams(req);
    if (!params) return next();
    const plan = cache.knownPlan(params.documentHash, params.operationName);
    if (!plan || plan.operationType !== 'query' || plan.scope === 'NONE') return next();
    void (async () => {
      const viewer = await options.viewerOf(req);
      const cacheable = cache.cacheable(plan, params.documentHash, params.operationName, params.variables, viewer);
      if (!cacheable) return false;
      const found = await cache.lookup(cacheable);
      const entry = found?.entry;
      if (!entry) return false;
      const report = await options.chargeStoredAnswer(viewer, req.ip ?? req.socket.remoteAddress ?? 'unknown', entry.cost);
      const isGet = req.method === 'GET';
      if (isGet) {
        res.setHeader('cache-control', cache.cacheControl(plan, entry));
        if (plan.scope === 'PUBLIC') res.setHeader('etag', entry.etag);
      }
      res.statusCode = isGet && plan.scope === 'PUBLIC' && etagMatches(req.header('if-none-match'), entry.etag) ? 304 : 200;
      res.setHeader('content-type', `${mediaType(req)}; charset=utf-8`);
      const log = requestLogOf(res);
      log.operationName = params.operationName;
      log.operationType = 'query';
      log.outcome = 'success';
      if (metrics) {
        const labels = { operation: operationLabel(params.operationName), type: 'query', outcome: 'success' };
        metrics.graphqlOperations.inc({ ...labels, transport: 'http' });
        metrics.graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      }
      if (res.statusCode === 304) res.end();
      else res.end(`{"data":${entry.data},"extensions":{"cost":${JSON.stringify(report)},"cache":"hit"}}\n`);
      return true;
    })().then(
      (answered) => {
        if (!answered) next();
      },
      // Authentication, budget or store trouble: Apollo answers with the proper error or a miss.
      () => next(),
    );
  };
}

interface FastPathParams {
  documentHash: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

function readParams(req: Request): FastPathParams | undefined {
  let raw: Record<string, unknown>;
  if (req.method === 'POST') {
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return undefined;
    raw = req.body as Record<string, unknown>;
  } else if (req.method === 'GET') {
    // Apollo's CSRF rule for requests without a non-simple content type.
    if (!req.header('apollo-require-preflight') && !req.header('x-apollo-operation-name')) return undefined;
    raw = req.query as Record<string, unknown>;
  } else {
    return undefined;
  }
  const variables = decoded(raw.variables);
  const extensions = decoded(raw.extensions);
  if (variables === null || extensions === null) return undefined;
  const { query, operationName } = raw;
  if (operationName !== undefined && typeof operationName !== 'string') return undefined;
  const sentHash = (extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  let documentHash: string;
  if (typeof query === 'string') {
    // A query with its hash registers a persisted query: Apollo stores it and charges by size.
    if (sentHash !== undefined) return undefined;
    documentHash = createHash('sha256').update(query).digest('hex');
  } else if (query === undefined && typeof sentHash === 'string') {
    documentHash = sentHash;
  } else {
    return undefined;
  }
  return { documentHash, operationName, variables };
}

/** Objects as sent in a JSON body, or JSON in a query string; null when malformed. */
function decoded(value: unknown): Record<string, unknown> | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function mediaType(req: Request): string {
  return (req.header('accept') ?? '').includes('application/graphql-response+json') ? 'application/graphql-response+json' : 'application/json';
}
