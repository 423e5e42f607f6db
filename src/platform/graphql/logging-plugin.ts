import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { isExpectedError } from './error-format';
import type { GraphQLError } from 'graphql';
import type { Logger } from '../logger';
import type { GraphQLContext } from './context';
import type { RequestLog } from '../http/request-context';
import type { OperationPipeline } from './pipeline/operation-pipeline';

/**
 * Records what the access log line needs (operation name and outcome), the pipeline's operation
 * metrics, and logs every unexpected error in full with the request id, since the client only
 * sees a masked message.
 */
export function loggingPlugin(pipeline: OperationPipeline): ApolloServerPlugin<GraphQLContext & { requestLog?: RequestLog }> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didResolveOperation({ operationName, operation }) {
          trace.getActiveSpan()?.updateName(`graphql ${operation?.operation ?? 'operation'} ${operationName ?? 'anonymous'}`);
          if (contextValue.requestLog) {
            contextValue.requestLog.operationName = operationName ?? undefined;
            contextValue.requestLog.operationType = operation?.operation;
          }
        },
        async didEncounterErrors({ errors }) {
          logUnexpectedErrors(errors, contextValue.logger);
        },
        async willSendResponse({ response, operation, operationName }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          pipeline.recordOperation({
            name: operationName,
            type: operation?.operation,
            transport: 'http',
            errors,
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
          });
          if (!contextValue.requestLog) return;
          contextValue.requestLog.outcome = errors?.length ? 'error' : 'success';
          contextValue.requestLog.errorCodes = errors?.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
        },
      };
    },
  };
}

/** Every error the client sees masked is logged in full, with the request's logger (its id). */
export function logUnexpectedErrors(errors: readonly GraphQLError[], logger: Logger): void {
  for (const error of errors) {
    if (!isExpectedError({ message: error.message, extensions: error.extensions }, error)) {
      logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
    }
  }
}
