import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { AppError } from '../errors';
import { registrationCost } from '../security/document-size';
import type { CostReport, OperationGuard } from '../security/operation-guard';
import type { GraphQLContext } from './context';
import { toHttpGraphQLError } from './error-format';

/**
 * Runs the operation guard over HTTP: the cost ceiling and the caller's budget are checked once
 * the operation is known, before it executes. Every response reports the cost and what is left
 * of the budget in `extensions.cost`; a RATE_LIMITED error becomes HTTP 429 with Retry-After.
 */
export function securityPlugin(guard: OperationGuard): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ document, request, operationName, contextValue, metrics, operation }) {
          // Over HTTP a subscription could only fail after running its resolver: refuse it first.
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions run over WebSocket (graphql-ws on /graphql), not over HTTP', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          try {
            const cost = guard.cost(document, request.variables, operationName ?? undefined);
            // Storing a persisted query costs by its size, so nobody fills the cache for free.
            const storing = metrics.persistedQueryRegister ? registrationCost(request.query) : 0;
            report = await guard.spend(contextValue.viewer, contextValue.clientIp, cost + storing);
          } catch (error) {
            if (error instanceof AppError) {
              const retryAfter = error.extensions.retryAfterSeconds;
              throw toHttpGraphQLError(
                error,
                error.code === 'RATE_LIMITED' ? 429 : 400,
                typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : undefined,
              );
            }
            throw error;
          }
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
