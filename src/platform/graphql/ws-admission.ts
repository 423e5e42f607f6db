import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Logger } from '../logger';
import { documentTooLarge } from '../security/document-size';
import type { Viewer } from '../viewer';
import type { GraphQLContext } from './context';
import type { LoaderFactories } from './loader-registry';
import type { OperationPipeline } from './pipeline/operation-pipeline';

/** What a graphql-ws `subscribe` message carries. */
export interface WsOperationPayload {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

/** A check on the operation text before anything else (trusted documents); returns an error to refuse it. */
export type AdmitDocument = (query: string, extensions: Record<string, unknown> | undefined) => GraphQLError | undefined;

/**
 * An operation sent over graphql-ws, up to execution: trusted documents, size, parse, validate,
 * plan and admission, the same steps HTTP takes. Returns graphql-ws's execution arguments, or
 * the errors that refuse the operation.
 */
export async function admitWsOperation(
  pipeline: OperationPipeline,
  admitDocument: AdmitDocument | undefined,
  payload: WsOperationPayload,
  context: GraphQLContext,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const tooLarge = documentTooLarge(payload.query, pipeline.limits.maxBytes);
  if (tooLarge) return [new GraphQLError(tooLarge.message, { originalError: tooLarge })];
  const refused = admitDocument?.(payload.query, payload.extensions ?? undefined);
  if (refused) return [refused];
  const prepared = pipeline.prepare(payload.query);
  if ('errors' in prepared) return prepared.errors;
  const { document } = prepared;
  const variables = payload.variables ?? undefined;
  const operationName = payload.operationName ?? undefined;
  const plan = pipeline.plan(document, operationName);
  if (!plan) return [new GraphQLError(operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
  try {
    await pipeline.admit(plan, { variables, viewer: context.viewer, clientIp: context.clientIp, transport: 'ws' });
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
  pipeline.recordOperation({ name: operationName, type: plan.type, transport: 'ws', errors: [] });
  return { schema: pipeline.schema, document, variableValues: variables, operationName, contextValue: context };
}

/** The context of one operation on a socket: the socket's viewer and IP, fresh DataLoaders. */
export function wsRequestContext(requestId: string, connection: { viewer: Viewer; clientIp: string }, loaders: LoaderFactories, log: Logger): GraphQLContext {
  let logger: Logger | undefined;
  return {
    requestId,
    viewer: connection.viewer,
    clientIp: connection.clientIp,
    // A child logger costs an allocation and a serialization of its bindings; most operations never log.
    get logger() {
      return (logger ??= log.child({ requestId }));
    },
    loaders: loaders.forRequest(connection.viewer),
  };
}
