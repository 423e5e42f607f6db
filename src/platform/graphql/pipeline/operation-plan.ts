import {
  execute,
  GraphQLError,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionNode,
  getOperationAST,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * What the pipeline knows about one operation of one cached document: worked out on the first
 * request, reused by every later one (the document cache keeps the document, and with it this).
 */
export interface OperationPlan {
  /** Distinct per plan, for keys such as the shared subscription results. */
  readonly id: number;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly type: OperationTypeNode;
  readonly name: string | undefined;
  /** Variables whose values change the cost (page sizes, @include/@skip); empty: one cost for all. */
  readonly costVariables: readonly string[];
  /** Costs already computed, by the values of `costVariables`. */
  readonly costs: Map<string, number>;
  /** graphql-jit's compiled operation; null when it could not compile it (graphql-js runs it). */
  readonly compiled: CompiledQuery | null;
}

/** Costs kept per plan; a client cycling page sizes cannot grow it without bound. */
const MAX_COSTS_PER_PLAN = 256;

let nextPlanId = 1;

export class OperationPlans {
  private readonly plans = new WeakMap<DocumentNode, Map<string, OperationPlan>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly onCompileFailure: (operationName: string | undefined, reason: string) => void = () => {},
  ) {}

  /** The plan of the operation the request names; undefined when the document has no such operation. */
  planFor(document: DocumentNode, operationName: string | null | undefined): OperationPlan | undefined {
    let byName = this.plans.get(document);
    if (!byName) this.plans.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let plan = byName.get(key);
    if (plan) return plan;
    const operation = getOperationAST(document, operationName);
    if (!operation) return undefined;
    plan = {
      id: nextPlanId++,
      document,
      operation,
      type: operation.operation,
      name: operation.name?.value,
      costVariables: costVariablesOf(document),
      costs: new Map(),
      compiled: this.compile(document, operationName ?? undefined),
    };
    byName.set(key, plan);
    return plan;
  }

  /** The cost for these variables, computed by `compute` only the first time they are seen. */
  cost(plan: OperationPlan, variables: Record<string, unknown> | undefined, compute: () => number): number {
    const key = plan.costVariables.length === 0 ? '' : JSON.stringify(plan.costVariables.map((name) => variables?.[name] ?? null));
    let cost = plan.costs.get(key);
    if (cost === undefined) {
      cost = compute();
      if (plan.costs.size >= MAX_COSTS_PER_PLAN) plan.costs.clear();
      plan.costs.set(key, cost);
    }
    return cost;
  }

  /** Runs the operation: compiled when possible, graphql-js otherwise. */
  execute(
    plan: OperationPlan,
    rootValue: unknown,
    contextValue: unknown,
    variableValues: Record<string, unknown> | undefined,
  ): Promise<ExecutionResult> | ExecutionResult {
    if (plan.compiled) {
      const result = plan.compiled.query(rootValue, contextValue, variableValues);
      return isPromise(result) ? result.then((done) => withLocatedErrors(plan, done)) : withLocatedErrors(plan, result);
    }
    return execute({ schema: this.schema, document: plan.document, operationName: plan.name, rootValue, contextValue, variableValues });
  }

  private compile(document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    try {
      const compiled = compileQuery(this.schema, document, operationName, { disablingCapturingStackErrors: true });
      if (isCompiledQuery(compiled)) return compiled;
      this.onCompileFailure(operationName, compiled.errors?.map((e) => e.message).join('; ') ?? 'unknown');
    } catch (error) {
      this.onCompileFailure(operationName, error instanceof Error ? error.message : String(error));
    }
    return null;
  }
}

/**
 * Variables that can change the cost estimate: those inside a `first` argument (page sizes) and
 * inside directives (@include/@skip drop subtrees). Every other variable leaves the cost alone.
 */
function costVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    Argument(argument) {
      if (argument.name.value === 'first') collect(argument.value);
    },
    Directive(directive) {
      // A variable's own definition may carry directives too; only selections matter here.
      if (directive.arguments) for (const argument of directive.arguments) collect(argument.value);
    },
    VariableDefinition() {
      return false;
    },
  });
  return [...names].sort();
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as Promise<T>)?.then === 'function';

/**
 * graphql-jit reports errors with a path and bare line/column pairs; Apollo (and our formatter)
 * rebuild errors from their AST nodes. So each one becomes a graphql-js error on the field node
 * its path points at, as graphql-js's own execution would report it. Only errors pay for this.
 */
function withLocatedErrors(plan: OperationPlan, result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const node = error.path ? fieldNodeAt(plan, error.path) : undefined;
    return new GraphQLError(error.message, {
      nodes: node,
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
  });
  return { ...result, errors };
}

function fieldNodeAt(plan: OperationPlan, path: readonly (string | number)[]): FieldNode | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of plan.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let selections: readonly SelectionNode[] = plan.operation.selectionSet.selections;
  let field: FieldNode | undefined;
  for (const segment of path) {
    if (typeof segment === 'number') continue;
    field = findField(selections, segment, fragments);
    if (!field) return undefined;
    selections = field.selectionSet?.selections ?? [];
  }
  return field;
}

function findField(
  selections: readonly SelectionNode[],
  responseName: string,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FieldNode | undefined {
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseName) return selection;
      continue;
    }
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
    const found = inner && findField(inner.selections, responseName, fragments);
    if (found) return found;
  }
  return undefined;
}
