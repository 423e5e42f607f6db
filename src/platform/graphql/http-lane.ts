import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import Negotiator from 'negotiator';
import proxyAddr from 'proxy-addr';
import type { CacheableRequest, ResponseCache } from '../cache/response-cache';
import type { CachedResponse, StoreTicket } from '../cache/store';
import { inGraphQLSpan } from '../http/app';
import { beginRequest, type RequestLog } from '../http/request-context';
import { compileTrustProxy } from '../http/trust-proxy';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { documentTooLarge } from '../security/document-size';
import type { CostReport } from '../security/operation-guard';
import type { Viewer } from '../viewer';
import { formatErrorsForHttp, INTERNAL_ERROR_MESSAGE, type HttpFromErrors } from './error-format';
import type { LoaderFactories } from './loader-registry';
import { logUnexpectedErrors } from './logging-plugin';
import type { OperationPipeline } from './pipeline/operation-pipeline';
import type { OperationPlan } from './pipeline/operation-plan';
import { retryStatusOf } from './security-plugin';
import { viewerFromAuthorization, type Authenticate, type HttpGraphQLContext } from './server';
import type { AdmitDocument } from './ws-admission';

export interface HttpGraphQLLaneOptions {
  pipeline: OperationPipeline;
  loaders: LoaderFactories;
  authenticate: Authenticate;
  logger: Logger;
  metrics?: Metrics;
  /** Express's limit for JSON bodies; a larger one is Express's to refuse. */
  bodyLimitBytes: number;
  trustProxy: string;
  /** The trusted-documents check; a refused document goes on to Express, which answers it. */
  admitDocument: AdmitDocument;
  /** What Express's chain sets on such a request before GraphQL runs (`sameOriginGraphQLHeaders`). */
  headers: [string, string | string[]][];
  responseCache?: ResponseCache;
  /** Everything the lane does not serve: the Express app (Apollo, CORS, APQ, GET, errors). */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
}

/** What a request to the lane carries, once it is known to be the common case. */
interface LaneRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  hash: string;
  plan: OperationPlan;
  contentType: string;
}

// Apollo's choice for a single result (chooseContentTypeForSingleResultResponse), minus the
// subscription-callback type, which only Apollo answers.
const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
const CALLBACK_TYPE = 'application/json; callbackSpec=1.0; charset=utf-8';
const JSON_CONTENT = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/**
 * The common case of GraphQL over HTTP, served without Express and Apollo Server: a same-origin
 * POST of a JSON body with a document the pipeline has parsed and validated before (or parses
 * and validates now without errors), a query or a mutation, an acceptable response type and a
 * valid (or no) token. Everything else, and every request whose answer Apollo words (parse and
 * validation errors, APQ, GET, CORS, a bad token, trusted-document refusals, oversized bodies),
 * goes on to the Express app, with the body already read.
 *
 * It runs the same steps Apollo and its plugins run for that case, from the same functions:
 * request id and access log (`beginRequest`), the security and CORS headers Express would set
 * (captured from the same middlewares), the GraphQL span, authentication, the pipeline's
 * admission and execution, the response cache, error formatting and masking, the statuses for
 * RATE_LIMITED and SERVICE_UNAVAILABLE, and the operation metrics. What it saves is the work
 * of two frameworks per request: routing through a dozen middlewares, Apollo's request
 * pipeline with its plugin hooks, header maps and context cloning.
 */
export class HttpGraphQLLane {
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(private readonly options: HttpGraphQLLaneOptions) {
    this.trust = compileTrustProxy(options.trustProxy);
  }

  /** The HTTP server's request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.takes(req)) return this.options.fallback(req, res);
    readBody(req, (error, text) => {
      // The client went away while sending: there is no one to answer.
      if (error) return void res.destroy();
      this.serve(req, res, text);
    });
  };

  private takes(req: IncomingMessage): boolean {
    const { headers } = req;
    if (req.method !== 'POST' || req.url !== '/graphql') return false;
    // CORS (an Origin) and chunked or oversized bodies stay with Express's middlewares.
    if (headers.origin !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const length = Number(headers['content-length']);
    if (!(length > 0 && length <= this.options.bodyLimitBytes)) return false;
    return JSON_CONTENT.test(headers['content-type'] ?? '');
  }

  private serve(req: IncomingMessage, res: ServerResponse, text: string): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return this.refuseMalformedJson(req, res, error);
    }
    // Express's body parser finds the body read and leaves it as set here.
    (req as IncomingMessage & { body?: unknown }).body = body;
    const request = this.laneRequest(req, body);
    if (!request) return this.options.fallback(req, res);
    const started = process.hrtime.bigint();
    const log = beginRequest(req, res, this.options.logger, this.options.metrics);
    for (const [name, value] of this.options.headers) res.setHeader(name, value);
    inGraphQLSpan(req, res, () => {
      this.run(req, res, request, log, started).catch((error: unknown) => this.failed(res, log, error));
    });
  }

  /** The request, when it is the lane's; undefined hands it to Express. */
  private laneRequest(req: IncomingMessage, body: unknown): LaneRequest | undefined {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const { query, operationName, variables, extensions } = body as Record<string, unknown>;
    if (typeof query !== 'string') return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
    if (!isObjectOrAbsent(variables) || !isObjectOrAbsent(extensions)) return undefined;
    // Automatic persisted queries stay with Apollo (its cache, registration cost and errors).
    if (extensions && 'persistedQuery' in extensions) return undefined;
    const { pipeline } = this.options;
    if (documentTooLarge(query, pipeline.limits.maxBytes)) return undefined;
    const prepared = pipeline.prepare(query);
    if ('errors' in prepared) return undefined;
    const name = operationName ?? undefined;
    const plan = pipeline.plan(prepared.document, name);
    if (!plan || plan.type === 'subscription') return undefined;
    const contentType = negotiatedType(req.headers.accept);
    if (!contentType) return undefined;
    // Last, so a document that goes on to Express for another reason is not checked (and, in
    // audit mode, logged) twice.
    if (this.options.admitDocument(query, extensions ?? undefined)) return undefined;
    return { query, operationName: name, variables: (variables as Record<string, unknown> | null) ?? undefined, hash: prepared.hash, plan, contentType };
  }

  private async run(req: IncomingMessage, res: ServerResponse, request: LaneRequest, log: RequestLog, started: bigint): Promise<void> {
    const { pipeline, responseCache: cache } = this.options;
    let viewer: Viewer;
    try {
      viewer = await viewerFromAuthorization(req.headers.authorization, this.options.authenticate);
    } catch {
      // A bad token or a database outage: Apollo's context answers it (401, 503).
      return this.options.fallback(req, res);
    }
    const { plan, variables, operationName } = request;
    trace.getActiveSpan()?.updateName(`graphql ${plan.type} ${plan.name ?? 'anonymous'}`);
    log.operationName = plan.name;
    log.operationType = plan.type;
    const clientIp = proxyAddr(req, this.trust);
    const cachePlan = cache?.plan(request.hash, plan.document, operationName);
    let cacheable: CacheableRequest | undefined;
    let ticket: StoreTicket | undefined;
    let hit: CachedResponse | undefined;
    if (cache && plan.type === 'query') {
      cacheable = cache.cacheable(cachePlan, request.hash, operationName, variables, viewer);
      const found = cacheable && (await cache.lookup(cacheable));
      if (!found) cacheable = undefined;
      ticket = found?.ticket;
      hit = found?.entry;
    }

    let report: CostReport;
    try {
      report = hit
        ? await pipeline.chargeStoredAnswer(viewer, clientIp, hit.cost)
        : await pipeline.admit(plan, { variables, viewer, clientIp, transport: 'http' });
    } catch (error) {
      const { formatted, http } = formatErrorsForHttp([error]);
      return this.respond(res, request, log, started, http.status ?? 500, http.headers, JSON.stringify({ errors: formatted }), formatted);
    }
    if (hit) {
      const body = `{"data":${hit.data},"extensions":{"cost":${JSON.stringify(report)},"cache":"hit"}}`;
      return this.respond(res, request, log, started, 200, undefined, body, undefined);
    }

    let requestLogger: Logger | undefined;
    const parentLogger = this.options.logger;
    const context: HttpGraphQLContext = {
      requestId: log.requestId,
      viewer,
      clientIp,
      get logger() {
        return (requestLogger ??= parentLogger.child({ requestId: log.requestId }));
      },
      loaders: this.options.loaders.forRequest(viewer),
      requestLog: log,
    };
    const result: ExecutionResult = await pipeline.execute(plan, { contextValue: context, variables });
    let errors: GraphQLFormattedError[] | undefined;
    let http: HttpFromErrors | undefined;
    if (result.errors?.length) {
      logUnexpectedErrors(result.errors, context.logger);
      ({ formatted: errors, http } = formatErrorsForHttp(result.errors));
    }
    const succeeded = result.data && !errors;
    const extensions: Record<string, unknown> = { ...result.extensions, cost: report };
    if (cacheable) {
      if (succeeded && ticket) await cache!.save(cacheable, result.data, report.requested, ticket);
      extensions.cache = 'miss';
    } else if (cache && cachePlan && plan.type === 'mutation' && succeeded) {
      await cache.invalidateMutationResult(cachePlan, result.data, variables).catch((error: unknown) => {
        // The domain events invalidate as well, and retry; this is only the quicker path.
        context.logger.warn({ err: error }, 'response cache: invalidation after a mutation failed');
      });
    }
    const retry = retryStatusOf(errors);
    const headers = http?.headers ?? new Map<string, string>();
    if (retry) headers.set('retry-after', retry.retryAfter);
    const status = retry?.status ?? http?.status ?? 200;
    // Apollo's field order: errors, data, extensions.
    const body = JSON.stringify({ errors, data: result.data, extensions });
    this.respond(res, request, log, started, status, headers, body, errors);
  }

  private respond(
    res: ServerResponse,
    request: LaneRequest,
    log: RequestLog,
    started: bigint,
    status: number,
    headers: Map<string, string> | undefined,
    json: string,
    errors: readonly GraphQLFormattedError[] | undefined,
  ): void {
    this.options.pipeline.recordOperation({
      name: request.plan.name,
      type: request.plan.type,
      transport: 'http',
      errors,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
    log.outcome = errors?.length ? 'error' : 'success';
    log.errorCodes = errors?.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
    const body = `${json}\n`;
    res.statusCode = status;
    if (headers) for (const [name, value] of headers) res.setHeader(name, value);
    res.setHeader('content-type', request.contentType);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }

  /** A fault of ours (a bug, a store that threw): masked, as Apollo masks it, and logged in full. */
  private failed(res: ServerResponse, log: RequestLog, error: unknown): void {
    this.options.logger.error({ err: error, requestId: log.requestId }, 'unexpected error serving a GraphQL request');
    log.outcome = 'error';
    log.errorCodes = ['INTERNAL_SERVER_ERROR'];
    if (res.headersSent) return void res.destroy();
    const body = `${JSON.stringify({ errors: [{ message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] })}\n`;
    res.statusCode = 500;
    res.setHeader('content-type', JSON_TYPE);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }

  /** As Express answers a body its JSON parser refuses (400 BAD_REQUEST, the parser's message). */
  private refuseMalformedJson(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const log = beginRequest(req, res, this.options.logger, this.options.metrics);
    for (const [name, value] of this.options.headers) res.setHeader(name, value);
    log.outcome = 'error';
    const message = error instanceof Error ? error.message : 'Bad request';
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    res.statusCode = 400;
    res.setHeader('content-type', JSON_TYPE);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }
}

function isObjectOrAbsent(value: unknown): value is Record<string, unknown> | null | undefined {
  return value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
}

/** Apollo's response type for the request's Accept header; undefined when only Apollo can answer it. */
function negotiatedType(accept: string | undefined): string | undefined {
  if (!accept) return JSON_TYPE;
  const preferred = new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE, CALLBACK_TYPE]);
  return preferred === JSON_TYPE || preferred === GRAPHQL_RESPONSE_TYPE ? preferred : undefined;
}

/** The whole body as UTF-8 text (its length was checked against the limit before). */
function readBody(req: IncomingMessage, done: (error: Error | undefined, text: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('error', (error) => done(error, ''));
  req.once('end', () => done(undefined, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
}
