import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, printSchema } from 'graphql';
import type { OperationPipeline } from './operation-pipeline';

/**
 * Hands Apollo Server the pipeline's executor through its gateway interface: Apollo keeps the
 * HTTP protocol, its plugins and APQ, and the operation runs compiled (graphql-jit) instead of
 * through Apollo's own execution with its per-field plugin hooks.
 */
export function pipelineGateway(pipeline: OperationPipeline): GatewayInterface {
  const schema = pipeline.schema;
  return {
    async load() {
      return {
        executor: async (request) => {
          // The name the client sent: Apollo's `operationName` is null when it matched nothing.
          const operationName = request.request.operationName;
          const plan = request.operation && pipeline.plan(request.document, operationName);
          if (!plan) {
            // graphql-js words the "unknown operation" errors; Apollo turns them into a 400.
            return execute({ schema, document: request.document, operationName, variableValues: request.request.variables });
          }
          return pipeline.execute(plan, { contextValue: request.context, variables: request.request.variables });
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
