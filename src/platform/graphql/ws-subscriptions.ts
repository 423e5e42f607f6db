import { createSourceEventStream, GraphQLError, Kind, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Logger } from '../logger';
import type { Viewer } from '../viewer';
import type { GraphQLContext } from './context';
import { formatError } from './error-format';
import type { LoaderFactories } from './loader-registry';
import type { OperationPlan } from './pipeline/operation-plan';
import type { OperationPipeline } from './pipeline/operation-pipeline';
import { FanOutGroup, type Delivery } from './ws-fanout';

export interface SharedSubscriptionsOptions {
  pipeline: OperationPipeline;
  loaders: LoaderFactories;
  /** Root subscription fields whose result depends only on the event, never on the subscriber. */
  viewerIndependentFields: readonly string[];
  log: Logger;
}

/**
 * Owns the running subscriptions of the graphql-ws server: subscribers of the same (operation,
 * variables, viewer scope) share one event source; an event executes once with fresh
 * DataLoaders and is serialized once, and every member socket gets the same JSON behind its own
 * operation id (ws-fanout.ts). Counts the operations streaming for the metrics.
 */
export class SharedSubscriptions {
  private readonly deliveries = new WeakMap<object, Delivery>();
  /** Subscribers sharing (operation, variables, viewer scope), by that key; a promise while the source opens. */
  private readonly groups = new Map<string, Promise<FanOutGroup | ExecutionResult>>();
  private active = 0;

  constructor(private readonly options: SharedSubscriptionsOptions) {}

  /** Subscription operations currently streaming events. */
  get activeCount(): number {
    return this.active;
  }

  /** Where the operation with this context sends its events (set before graphql-ws subscribes it). */
  deliverTo(context: GraphQLContext, delivery: Delivery): void {
    this.deliveries.set(context, delivery);
  }

  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const context = args.contextValue as GraphQLContext;
    const delivery = this.deliveries.get(context)!;
    const plan = this.options.pipeline.plan(args.document, args.operationName)!;
    const variables = args.variableValues ?? undefined;
    const key = `${plan.id}\n${this.viewerScope(plan, context.viewer)}\n${JSON.stringify(variables ?? {})}`;
    for (;;) {
      let pending = this.groups.get(key);
      if (!pending) {
        pending = this.openGroup(key, args, plan, context, variables);
        this.groups.set(key, pending);
      }
      const group = await pending;
      if (!(group instanceof FanOutGroup)) return group;
      const joined = group.join(delivery);
      // A group that closed meanwhile is gone from the map; the next turn opens a fresh one.
      if (!joined) continue;
      this.active += 1;
      return countedUntilDone(joined, () => (this.active -= 1));
    }
  }

  /** Opens the event source (the subscription's own `subscribe`, with its checks) for a new group. */
  private async openGroup(
    key: string,
    args: ExecutionArgs,
    plan: OperationPlan,
    context: GraphQLContext,
    variables: Record<string, unknown> | undefined,
  ): Promise<FanOutGroup | ExecutionResult> {
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      this.groups.delete(key);
      throw error;
    }
    if (!isAsyncIterable(source)) {
      this.groups.delete(key);
      return source as ExecutionResult;
    }
    const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const group: FanOutGroup = new FanOutGroup(
      iterator,
      (payload) => this.executeEvent(plan, payload, context, variables),
      () => {
        if (this.groups.get(key) === settled) this.groups.delete(key);
      },
      this.options.log,
    );
    const settled = Promise.resolve(group);
    this.groups.set(key, settled);
    return group;
  }

  private async executeEvent(plan: OperationPlan, payload: unknown, context: GraphQLContext, variables: Record<string, unknown> | undefined): Promise<string> {
    const result = await this.options.pipeline.execute(plan, {
      rootValue: payload,
      contextValue: { ...context, loaders: this.options.loaders.forRequest(context.viewer) },
      variables,
    });
    return JSON.stringify(result.errors ? { ...result, errors: result.errors.map(formatGraphQLError) } : result);
  }

  /**
   * Who an event's result may be shared with: everyone, for operations that select only
   * viewer-independent root fields; otherwise the sockets of the same viewer (the result depends
   * on nothing else of the connection).
   */
  private viewerScope(plan: OperationPlan, viewer: Viewer): string {
    const independent = plan.operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === '__typename' || this.options.viewerIndependentFields.includes(selection.name.value)),
    );
    if (independent) return 'public';
    return viewer ? `viewer:${viewer.id}:${viewer.role}:${viewer.expiresAt}` : 'anonymous';
  }
}

/** An error as the client sees it, the same over WebSocket as over HTTP. */
export function formatGraphQLError(error: GraphQLError) {
  return formatError(error.toJSON(), error);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/** The same iterator, calling `onDone` once when it finishes or is returned. */
function countedUntilDone<T>(iterator: AsyncIterableIterator<T>, onDone: () => void): AsyncIterableIterator<T> {
  let counted = true;
  const done = () => {
    if (counted) {
      counted = false;
      onDone();
    }
  };
  const wrapped: AsyncIterableIterator<T> = {
    next: async () => {
      const result = await iterator.next();
      if (result.done) done();
      return result;
    },
    return: async (value?: unknown) => {
      done();
      return (await iterator.return?.(value)) ?? { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      done();
      return (await iterator.throw?.(error)) ?? { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}
