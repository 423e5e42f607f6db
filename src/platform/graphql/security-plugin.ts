import type { ApolloServerPlugin } from '@apollo/server';
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
        async didResolveOperation({ document, request, operation, contextValue }) {
          // No such operation: execution answers with graphql-js's error.
          const plan = operation && pipeline.plan(document, request.operationName);
          if (!plan) return;
          report = await pipeline.admit(plan, {
            variables: request.variables,
            viewer: contextValue.viewer,
            clientIp: contextValue.clientIp,
            transport: 'http',
          });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (report) result.extensions = { ...result.extensions, cost: report };
          // A limit hit inside a resolver (e.g. sign-in attempts) answers 429 too.
          const limited = result.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED');
          if (limited) {
            response.http.status = 429;
            response.http.headers.set('retry-after', String(limited.extensions?.retryAfterSeconds ?? 60));
          }
        },
      };
    },
  };
}
