import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context';
import type { CachedResponse, StoreTicket } from './store';
import { etagMatches, type CacheableRequest, type ResponseCache } from './response-cache';

/**
 * The response cache in Apollo's request pipeline: a query is looked up once it is parsed,
 * validated and paid for (`responseForOperation` runs after the cost plugin's
 * `didResolveOperation`), and a successful answer is stored when it is sent. Mutations drop what
 * their result names. Kept thin so the operation pipeline can call the same `ResponseCache`.
 */
export function responseCachePlugin(cache: ResponseCache): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let cacheable: CacheableRequest | undefined;
      let ticket: StoreTicket | undefined;
      let hit: CachedResponse | undefined;
      return {
        async responseForOperation(context) {
          const { queryHash, document, request, contextValue } = context;
          if (!queryHash) return null;
          // The name as the client sent it (absent for a one-operation document), as the fast
          // path sees it: both must find the same plan and the same entries.
          const { operationName } = request;
          const plan = cache.plan(queryHash, document, operationName);
          cacheable = cache.cacheable(plan, queryHash, operationName, request.variables, contextValue.viewer);
          if (!cacheable) return null;
          const found = await cache.lookup(cacheable);
          if (!found) {
            cacheable = undefined;
            return null;
          }
          ticket = found.ticket;
          hit = found.entry;
          if (!hit) return null;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: JSON.parse(hit.data) as Record<string, unknown> } },
          };
        },
        async willSendResponse(context) {
          const { response, request } = context;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const isGet = request.http?.method === 'GET';
          if (!cacheable) {
            if (isGet) response.http.headers.set('cache-control', 'private, no-store');
            await invalidateAfterMutation(cache, context, result);
            return;
          }
          let entry = hit;
          if (!entry && ticket && result.data && !result.errors?.length) {
            const cost = (result.extensions?.cost as { requested?: number } | undefined)?.requested ?? 1;
            entry = await cache.save(cacheable, result.data, cost, ticket);
          }
          result.extensions = { ...result.extensions, cache: hit ? 'hit' : 'miss' };
          if (!isGet) return;
          response.http.headers.set('cache-control', cache.cacheControl(cacheable.plan, entry));
          if (!entry || cacheable.plan.scope !== 'PUBLIC') return;
          response.http.headers.set('etag', entry.etag);
          if (etagMatches(request.http?.headers.get('if-none-match'), entry.etag)) response.http.status = 304;
        },
      };
    },
  };
}

/** What a successful mutation returned has changed on this instance's watch: drop it now. */
async function invalidateAfterMutation(
  cache: ResponseCache,
  context: GraphQLRequestContext<GraphQLContext>,
  result: { data?: unknown; errors?: readonly unknown[] },
): Promise<void> {
  const { operation, queryHash, document, request } = context;
  if (operation?.operation !== 'mutation' || !queryHash || !document) return;
  const { operationName } = request;
  const { data, errors } = result;
  if (!data || errors?.length) return;
  const plan = cache.plan(queryHash, document, operationName);
  if (!plan) return;
  await cache.invalidateMutationResult(plan, data, request.variables).catch((error: unknown) => {
    // The domain events invalidate as well, and retry; this is only the quicker path.
    context.contextValue.logger.warn({ err: error }, 'response cache: invalidation after a mutation failed');
  });
}
