import type { ApolloServerPlugin } from '@apollo/server';
import { registrationCost } from '../security/document-size';
import type { CostReport } from '../security/operation-guard';
import type { GraphQLContext } from './context';
import type { OperationPipeline } from './pipeline/operation-pipeline';

/**
 * The pipeline's admission step over HTTP: once Apollo knows the operation, its variables, cost
 * and the caller's budget are checked before it executes. Every response reports the cost and
 * what is left of the budget in `extensions.cost`; a RATE_LIMITED error becomes HTTP 429 with
 * Retry-After.
 */
export function securityPlugin(pipeline: OperationPipeline): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ document, request, operation, contextValue, metrics }) {
          // No such operation: execution answers with graphql-js's error.
          const plan = operation && pipeline.plan(document, request.operationName);
          if (!plan) return;
          report = await pipeline.admit(plan, {
            variables: request.variables,
            viewer: contextValue.viewer,
            clientIp: contextValue.clientIp,
            transport: 'http',
            // Storing a persisted query costs by its size, so nobody fills the cache for free.
            extraCost: metrics.persistedQueryRegister ? registrationCost(request.query) : 0,
          });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (report) result.extensions = { ...result.extensions, cost: report };
          const retry = retryStatusOf(result.errors);
          if (!retry) return;
          response.http.status = retry.status;
          response.http.headers.set('retry-after', retry.retryAfter);
        },
      };
    },
  };
}

/**
 * A limit hit inside a resolver (e.g. sign-in attempts) answers 429; a database outage met while
 * executing answers 503; both with Retry-After. Undefined when no error asks for either.
 */
export function retryStatusOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): { status: number; retryAfter: string } | undefined {
  if (!errors?.length) return undefined;
  for (const [code, status] of [['SERVICE_UNAVAILABLE', 503], ['RATE_LIMITED', 429]] as const) {
    const error = errors.find((e) => e.extensions?.code === code);
    if (error) return { status, retryAfter: String(error.extensions?.retryAfterSeconds ?? 60) };
  }
  return undefined;
}
