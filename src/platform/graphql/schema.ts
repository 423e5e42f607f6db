import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { leanResolvers } from './lean-resolvers';
import { validateArgument } from './validation';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ResolverClass = Function;

/**
 * Builds the executable schema from the modules' resolver classes. type-graphql asks the
 * container for each resolver instance; the composition root fills it, so resolvers get their
 * services by constructor injection without a global container.
 */
export async function buildGraphQLSchema(resolvers: ReadonlyMap<ResolverClass, object>): Promise<GraphQLSchema> {
  const classes = [...resolvers.keys()];
  if (classes.length === 0) throw new Error('No resolvers registered');
  const container = { get: (someClass: unknown) => resolvers.get(someClass as ResolverClass) };
  const schema = await buildSchema({
    resolvers: classes as NonEmptyArray<ResolverClass>,
    container,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validateFn: validateArgument,
    // Every @Subscription supplies its own `subscribe` (with authorization and keyed channels),
    // so type-graphql's topic-based pub/sub is never used; it insists on having one.
    pubSub: {
      publish: () => {
        throw new Error('use LiveChannels to publish live updates');
      },
      subscribe: () => {
        throw new Error('subscriptions must define their own subscribe function');
      },
    },
  });
  leanResolvers(schema, container);
  return schema;
}
