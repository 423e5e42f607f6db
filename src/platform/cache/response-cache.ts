import { createHash } from 'node:crypto';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Viewer } from '../viewer';
import { planOperation, type CachePolicyTable, type OperationPlan } from './policy';
import type { ResponseCacheInvalidator } from './invalidator';
import type { CachedResponse, Lookup, ResponseCacheStore, StoreTicket } from './store';
import { extractTags, listTag } from './tags';

export interface ResponseCacheSettings {
  /** Ceiling for every type without its own (seconds). */
  defaultMaxAgeSeconds: number;
  /** Per-type ceilings from configuration; they override the table's. */
  typeMaxAgeSeconds: Record<string, number>;
  /** HTTP max-age for public GET responses: shared caches cannot be invalidated, so short. */
  httpMaxAgeSeconds: number;
  httpStaleWhileRevalidateSeconds: number;
}

/** What a request needs to use the cache, computed once it is known to be cacheable. */
export interface CacheableRequest {
  plan: OperationPlan;
  key: string;
  variables: Record<string, unknown> | undefined;
}

const MAX_PLANS = 2_000;

/**
 * The response cache: which operations may be cached and for whom (from the policy table),
 * their keys, and the store. Transport-independent: the Apollo plugin and the HTTP fast path
 * both use it.
 */
export class ResponseCache {
  private readonly plans = new Map<string, OperationPlan | null>();
  private readonly table: CachePolicyTable;

  constructor(
    private readonly schema: GraphQLSchema,
    table: CachePolicyTable,
    private readonly invalidator: ResponseCacheInvalidator,
    readonly settings: ResponseCacheSettings,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    this.table = {
      fields: table.fields,
      types: Object.fromEntries(
        Object.entries(table.types).map(([name, policy]) => [
          name,
          settings.typeMaxAgeSeconds[name] !== undefined ? { ...policy, maxAgeSeconds: settings.typeMaxAgeSeconds[name] } : policy,
        ]),
      ),
    };
    const { store } = invalidator;
    metrics?.onCollect(async () => {
      metrics.responseCacheSize.set({ unit: store.kind === 'memory' ? 'bytes' : 'entries' }, await store.size());
    });
  }

  private get store(): ResponseCacheStore {
    return this.invalidator.store;
  }

  /** The plan of a document already seen (validated) under this hash, if any. */
  knownPlan(documentHash: string, operationName: string | null | undefined): OperationPlan | null | undefined {
    return this.plans.get(planKey(documentHash, operationName));
  }

  plan(documentHash: string, document: DocumentNode, operationName: string | null | undefined): OperationPlan | null {
    const key = planKey(documentHash, operationName);
    if (this.plans.has(key)) return this.plans.get(key)!;
    const plan = planOperation(this.schema, document, operationName, this.table, this.settings.defaultMaxAgeSeconds);
    if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(key, plan);
    return plan;
  }

  /**
   * The cache key of a query for this viewer, or undefined when it must not be cached: public
   * answers are shared, private ones are keyed by the viewer's id and role, and private
   * answers for anonymous callers are not cached at all.
   */
  cacheable(
    plan: OperationPlan | null | undefined,
    documentHash: string,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
    viewer: Viewer,
  ): CacheableRequest | undefined {
    if (!plan || plan.operationType !== 'query' || plan.scope === 'NONE') return undefined;
    let scope: string;
    if (plan.scope === 'PUBLIC') scope = 'public';
    else if (viewer) scope = `viewer:${viewer.id}:${viewer.role}`;
    else return undefined;
    const key = createHash('sha256')
      .update(`${documentHash}\n${operationName ?? ''}\n${JSON.stringify(variables ?? {})}\n${scope}`)
      .digest('base64url');
    return { plan, key, variables };
  }

  async lookup(request: CacheableRequest): Promise<Lookup | undefined> {
    const found = await this.store.lookup(request.key);
    this.metrics?.responseCacheRequests.inc({ result: found === undefined ? 'bypass' : found.entry ? 'hit' : 'miss' });
    return found;
  }

  /** Stores a successful result (no errors) unless a change raced it; returns the entry. */
  async save(request: CacheableRequest, data: unknown, cost: number, ticket: StoreTicket): Promise<CachedResponse> {
    const json = JSON.stringify(data);
    const entry: CachedResponse = {
      data: json,
      etag: etagOf(json),
      cost,
      storedAt: Math.floor(Date.now() / 1000),
      maxAgeSeconds: request.plan.maxAgeSeconds,
    };
    const tags = [...extractTags(request.plan.tags, data, request.variables)];
    await this.store.store(request.key, entry, tags, ticket).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'response cache: store failed');
    });
    return entry;
  }

  /** After a mutation: what it returned changed, and so did the lists of those types. */
  async invalidateMutationResult(plan: OperationPlan, data: unknown, variables: Record<string, unknown> | undefined): Promise<void> {
    const tags = extractTags(plan.tags, data, variables);
    for (const tag of [...tags]) {
      const [type, id] = tag.split(':');
      if (id !== undefined && id !== 'list') tags.add(listTag(type!));
    }
    if (tags.size > 0) await this.invalidator.invalidate([...tags]);
  }

  /** `Cache-Control` for a GET answer: public with max-age, or never stored anywhere. */
  cacheControl(plan: OperationPlan | null | undefined, entry: CachedResponse | undefined): string {
    if (!plan || plan.scope !== 'PUBLIC' || !entry) return 'private, no-store';
    const maxAge = Math.min(this.settings.httpMaxAgeSeconds, entry.maxAgeSeconds);
    return `public, max-age=${maxAge}, stale-while-revalidate=${this.settings.httpStaleWhileRevalidateSeconds}`;
  }
}

const planKey = (documentHash: string, operationName: string | null | undefined) => `${documentHash}:${operationName ?? ''}`;

export const etagOf = (json: string): string => `"${createHash('sha1').update(json).digest('base64url')}"`;

/** `If-None-Match` holds this ETag (a list, a weak form, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
