import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getOperationAST,
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { InvalidVariablesError, QueryTooComplexError, RateLimitedError } from '../errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination';
import type { Viewer } from '../viewer';
import type { RateLimit } from './rate-limiter';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  /** Enforced by the parser (graphql-js `maxTokens`), before any rule runs. */
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** Bytes of the operation's text, comments and whitespace included (document-size.ts). */
  maxBytes: number;
}

export interface CostReport {
  /** What this operation cost. */
  requested: number;
  /**
   * What it took from the budget: its cost, or less when the work was not done (an answer from
   * the response cache), as Shopify reports requested and actual cost.
   */
  spent: number;
  /** What is left of the caller's budget in this window. */
  remaining: number;
  limit: number;
  resetInSeconds: number;
}

/**
 * The checks every operation passes before it executes, over HTTP and WebSocket alike: shape
 * limits as validation rules (graphql-armor), then a cost estimate (graphql-query-complexity)
 * against a ceiling and against the caller's per-minute budget, as Shopify's and GitHub's APIs do.
 */
export class OperationGuard {
  constructor(
    private readonly schema: GraphQLSchema,
    readonly limits: OperationLimits,
    private readonly budgets: { viewer: RateLimit; anonymous: RateLimit },
  ) {}

  /** Depth, aliases and directives: rejected during validation, naming the limit. */
  validationRules(): ValidationRule[] {
    const reject = (limit: string) => ({
      propagateOnRejection: false,
      exposeLimits: true,
      onReject: [
        (context: ValidationContext | null, error: GraphQLError) => {
          const message = error.message.replace(/^Syntax Error: /, '');
          context?.reportError(new GraphQLError(message, { originalError: new QueryTooComplexError(limit, message) }));
        },
      ],
    });
    return [
      maxDepthRule({ n: this.limits.maxDepth, ignoreIntrospection: false, flattenFragments: true, ...reject('depth') }),
      // graphql-armor lets `__typename` aliases through by default; 600 of them are no cheaper.
      maxAliasesRule({ n: this.limits.maxAliases, allowList: [], ...reject('aliases') }),
      maxDirectivesRule({ n: this.limits.maxDirectives, ...reject('directives') }),
    ];
  }

  /**
   * The estimated cost; QueryTooComplexError above the ceiling. The cost depends on the variables,
   * so they are coerced here first: a client's wrong-typed variable is InvalidVariablesError
   * (BAD_USER_INPUT), not the bare GraphQLError graphql-query-complexity would throw.
   */
  cost(document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): number {
    assertVariablesCoerce(this.schema, document, variables, operationName);
    const cost = getComplexity({
      schema: this.schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [listCostEstimator],
    });
    if (cost > this.limits.maxCost) {
      throw new QueryTooComplexError('cost', `Query cost ${cost} exceeds the limit of ${this.limits.maxCost}`);
    }
    return cost;
  }

  /**
   * Spends from the caller's budget (per user, or per IP when anonymous): the operation's cost,
   * or `charged` when less work was done for it.
   */
  async spend(viewer: Viewer, clientIp: string, cost: number, charged = cost): Promise<CostReport> {
    const budget = viewer ? this.budgets.viewer : this.budgets.anonymous;
    const spent = Math.max(1, charged);
    const state = await budget.consume(viewer ? `user:${viewer.id}` : `ip:${clientIp}`, spent);
    const report = { requested: cost, spent, remaining: state.remaining, limit: budget.points, resetInSeconds: state.resetInSeconds };
    if (!state.allowed) {
      const error = new RateLimitedError(state.retryAfterSeconds, `Query cost budget of ${budget.points} per minute used up; retry in ${state.retryAfterSeconds} s`);
      error.extensions.cost = report;
      throw error;
    }
    return report;
  }
}

/** Throws InvalidVariablesError (BAD_USER_INPUT, each variable's path named) when the variables do not fit. */
export function assertVariablesCoerce(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): void {
  const operation = getOperationAST(document, operationName);
  // No such operation: execution reports that in its own words.
  if (!operation) return;
  const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (!errors) return;
  throw new InvalidVariablesError(
    errors.map((error) => {
      const definition = error.nodes?.[0];
      const name = definition?.kind === 'VariableDefinition' ? definition.variable.name.value : undefined;
      // graphql-js names the path inside the variable only in its message (`at "input.items[0]"`).
      const inner = /got invalid value .* at "([^"]+)"; /.exec(error.message)?.[1];
      return { path: `$${inner ?? name ?? ''}`, message: error.message };
    }),
  );
}

/**
 * Every field costs 1 plus its children; a connection (a field with `first`) costs 1 plus
 * `first` times its children, so nested pages multiply as their result sizes would.
 */
function listCostEstimator({ args, childComplexity, field }: ComplexityEstimatorArgs): number {
  if ('first' in args || field.args.some((a) => a.name === 'first')) {
    // Sizes above the maximum page fail validation with BAD_USER_INPUT; cost them as the maximum.
    const first = typeof args.first === 'number' ? Math.min(Math.max(0, args.first), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    return 1 + first * Math.max(1, childComplexity);
  }
  return 1 + childComplexity;
}
