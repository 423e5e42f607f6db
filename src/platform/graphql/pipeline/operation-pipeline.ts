import {
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { operationLabel, type Metrics } from '../../metrics';
import { assertVariablesCoerce, type CostReport, type OperationGuard } from '../../security/operation-guard';
import type { Viewer } from '../../viewer';
import { toHttpGraphQLError } from '../error-format';
import { DocumentCache, DocumentHashes } from './document-cache';
import { OperationPlans, type OperationPlan } from './operation-plan';

export type Transport = 'http' | 'ws';

const STORED_ANSWER_CHARGE = 1;

export interface OperationPipelineOptions {
  schema: GraphQLSchema;
  guard: OperationGuard;
  logger: Logger;
  introspection: boolean;
  /** Production: validation errors do not suggest field names ("Did you mean …"). */
  hideSchemaDetails: boolean;
  metrics?: Metrics;
  documents?: DocumentCache;
}

/**
 * The one path every GraphQL operation takes, over HTTP (Apollo runs it through its plugins, its
 * documentStore and the gateway executor) and over WebSocket (the graphql-ws server calls it
 * directly):
 *
 *   parse (token limit) → validate (depth, aliases, directives) → plan (compiled once per
 *   document) → admit (variables, cost ceiling, budget) → execute → metrics.
 *
 * Parsed and validated documents live in one LRU keyed by document hash; an operation's plan
 * (its graphql-jit compilation and its cost per page size) lives with the cached document, so a
 * repeated operation goes straight to admission and execution.
 */
export class OperationPipeline {
  readonly documents: DocumentCache;
  /** The rules beyond graphql-js's own: introspection (when off) and the guard's shape limits. */
  readonly extraValidationRules: ValidationRule[];
  private readonly validationRules: ValidationRule[];
  private readonly plans: OperationPlans;
  private readonly hashes = new DocumentHashes();

  constructor(private readonly options: OperationPipelineOptions) {
    this.documents = options.documents ?? new DocumentCache();
    this.extraValidationRules = options.guard.validationRules();
    this.validationRules = [...specifiedRules, ...(options.introspection ? [] : [noIntrospection]), ...this.extraValidationRules];
    const log = options.logger.child({ component: 'graphql-pipeline' });
    this.plans = new OperationPlans(options.schema, (operationName, reason) =>
      log.warn({ operationName, reason }, 'operation not compiled; graphql-js executes it'),
    );
  }

  get schema(): GraphQLSchema {
    return this.options.schema;
  }

  get limits(): OperationGuard['limits'] {
    return this.options.guard.limits;
  }

  /**
   * The parsed and validated document and its hash (the key of the caches), from the cache when
   * it was seen before; its errors otherwise.
   */
  prepare(query: string): { document: DocumentNode; hash: string } | { errors: GraphQLError[] } {
    const hash = this.hashes.of(query);
    const cached = this.documents.get(hash);
    if (cached) return { document: cached, hash };
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.options.guard.limits.maxTokens });
    } catch (error) {
      return { errors: [withCode(error, 'GRAPHQL_PARSE_FAILED')] };
    }
    const errors = validate(this.options.schema, document, this.validationRules);
    if (errors.length > 0) {
      return {
        errors: errors.map((error) => withCode(this.options.hideSchemaDetails ? withoutSuggestions(error) : error, 'GRAPHQL_VALIDATION_FAILED')),
      };
    }
    this.documents.set(hash, document);
    return { document, hash };
  }

  /** The operation's plan; undefined when the document has no operation of that name (execution reports it). */
  plan(document: DocumentNode, operationName: string | null | undefined): OperationPlan | undefined {
    return this.plans.planFor(document, operationName);
  }

  /**
   * Checks what depends on this request, not on the document: a subscription only over
   * WebSocket, the variables against their types (BAD_USER_INPUT with graphql-js's message),
   * the cost against the ceiling, and the caller's budget. Throws a GraphQLError that carries
   * the HTTP status (400, or 429 with Retry-After).
   */
  async admit(
    plan: OperationPlan,
    request: {
      variables: Record<string, unknown> | undefined;
      viewer: Viewer;
      clientIp: string;
      transport: Transport;
      /** Cost beyond the operation's own (storing a persisted query costs by its size). */
      extraCost?: number;
    },
  ): Promise<CostReport> {
    if (request.transport === 'http' && plan.type === OperationTypeNode.SUBSCRIPTION) {
      // Over HTTP a subscription could only fail after running its resolver: refuse it first.
      throw new GraphQLError('Subscriptions run over WebSocket (graphql-ws on /graphql), not over HTTP', {
        extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
      });
    }
    return this.spending(async () => {
      assertVariablesCoerce(this.options.schema, plan.document, request.variables, plan.name);
      const cost = this.plans.cost(plan, request.variables, () =>
        this.options.guard.cost(plan.document, request.variables, plan.name),
      );
      return this.options.guard.spend(request.viewer, request.clientIp, cost + (request.extraCost ?? 0));
    });
  }

  /**
   * Admission of an answer served from the response cache. The budget bounds the work a caller
   * makes the server do, and a stored answer resolves nothing: it takes a flat 1 point, while
   * its cost is still reported (`requested`, with `spent` saying what was taken). Its variables
   * and cost passed admission when it was stored under the same key.
   */
  chargeStoredAnswer(viewer: Viewer, clientIp: string, cost: number): Promise<CostReport> {
    return this.spending(() => this.options.guard.spend(viewer, clientIp, cost, STORED_ANSWER_CHARGE));
  }

  /** Refusals as GraphQL errors with their HTTP status: 400, or 429 with Retry-After. */
  private async spending(admission: () => Promise<CostReport>): Promise<CostReport> {
    try {
      return await admission();
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
  }

  execute(
    plan: OperationPlan,
    args: { rootValue?: unknown; contextValue: unknown; variables: Record<string, unknown> | undefined },
  ): Promise<ExecutionResult> | ExecutionResult {
    return this.plans.execute(plan, args.rootValue, args.contextValue, args.variables);
  }

  /** One operation done (or refused): the counters and the duration histogram, for both transports. */
  recordOperation(outcome: {
    name: string | null | undefined;
    type: string | undefined;
    transport: Transport;
    errors: readonly { extensions?: Record<string, unknown> }[] | undefined;
    seconds?: number;
  }): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const labels = {
      operation: operationLabel(outcome.name),
      type: outcome.type ?? 'unknown',
      outcome: outcome.errors?.length ? 'error' : 'success',
    };
    metrics.graphqlOperations.inc({ ...labels, transport: outcome.transport });
    if (outcome.seconds !== undefined) metrics.graphqlDuration.observe(labels, outcome.seconds);
    for (const error of outcome.errors ?? []) metrics.graphqlErrors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
  }
}

/** As Apollo's rule: one error per introspection root field, whatever it selects inside. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError('GraphQL introspection is not allowed here', { nodes: [node] }));
    }
  },
});

function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
  return message === error.message ? error : new GraphQLError(message, { nodes: error.nodes, originalError: error.originalError ?? undefined, extensions: error.extensions });
}

export function withCode(error: unknown, code: string): GraphQLError {
  if (error instanceof GraphQLError) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      originalError: error.originalError ?? undefined,
      extensions: { ...error.extensions, code },
    });
  }
  return new GraphQLError(String(error), { extensions: { code } });
}
