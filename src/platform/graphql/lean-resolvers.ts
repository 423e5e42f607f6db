import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type ParamMetadata = NonNullable<ReturnType<typeof getMetadataStorage>['fieldResolvers'][number]['params']>[number];
type ParamReader = (root: unknown, context: Record<string, unknown>, info: unknown) => unknown;

/**
 * Takes type-graphql's per-call wrappers off the schema's fields where they add nothing, so
 * graphql-jit compiles plain property reads and direct method calls. Returns how many fields
 * changed. See `withoutFieldWrappers` and `leanFieldResolvers`.
 */
export function leanResolvers(schema: GraphQLSchema, container: { get(resolverClass: unknown): unknown }): number {
  return withoutFieldWrappers(schema) + leanFieldResolvers(schema, container);
}

/**
 * type-graphql gives every plain `@Field` of an object type a resolver that builds a
 * resolver-data object and a closure to return `root[name]`, so graphql-js and graphql-jit cannot
 * read the property directly (Q1 reads about 2,000 such fields per request). Where the field has
 * no middleware or role and its GraphQL name is its property name, the default resolver reads
 * the same property: the wrapper is dropped.
 */
export function withoutFieldWrappers(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  let dropped = 0;
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType) || !objectType.fields) continue;
    const schemaFields = type.getFields();
    for (const field of objectType.fields) {
      const schemaField = schemaFields[field.schemaName];
      if (!schemaField?.resolve || field.name !== field.schemaName || (field.middlewares?.length ?? 0) > 0 || field.roles) continue;
      const resolvedByMethod = storage.fieldResolvers.some((r) => r.methodName === field.name && r.getObjectType?.() === field.target);
      if (resolvedByMethod) continue;
      schemaField.resolve = undefined;
      dropped += 1;
    }
  }
  return dropped;
}

/**
 * Calls `@FieldResolver` methods that take only `@Root`, `@Ctx` and `@Info` straight from the
 * schema. type-graphql's own wrapper runs per call: a resolver-data object, the container lookup,
 * a middleware dispatcher, and `getParams`, which sorts the parameter list and maps it into a new
 * array every time. For Q1 (50 orders: customer, items, payment; each item's product) that was
 * hundreds of calls per request and a tenth of all bytes allocated. No middleware, role or
 * argument (which type-graphql converts and validates) is bypassed: fields with any of them keep
 * type-graphql's resolver, and so does a call whose root is not an instance of the `@Root()` type
 * (type-graphql would convert it first).
 */
export function leanFieldResolvers(schema: GraphQLSchema, container: { get(resolverClass: unknown): unknown }): number {
  const storage = getMetadataStorage();
  let replaced = 0;
  for (const metadata of storage.fieldResolvers) {
    if (metadata.kind !== 'external' || (metadata.middlewares?.length ?? 0) > 0 || metadata.roles) continue;
    const objectClass = metadata.getObjectType?.();
    const typeName = storage.objectTypes.find((type) => type.target === objectClass)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    if (!(type instanceof GraphQLObjectType)) continue;
    const field = type.getFields()[metadata.schemaName];
    const instance = container.get(metadata.target) as Record<string, unknown> | undefined;
    const method = instance?.[metadata.methodName];
    const params = [...(metadata.params ?? [])].sort((a, b) => a.index - b.index);
    const readers = params.map(paramReader);
    if (!field?.resolve || typeof method !== 'function' || readers.some((reader) => reader === undefined)) continue;
    const rootParam = params.find((param) => param.kind === 'root');
    const rootType = rootParam?.kind === 'root' ? rootParam.getType?.() : undefined;
    field.resolve = direct(field.resolve, method.bind(instance) as (...values: unknown[]) => unknown, readers as ParamReader[], rootType);
    replaced += 1;
  }
  return replaced;
}

/** How one parameter is read from a resolver call, or undefined when only type-graphql may supply it. */
function paramReader(param: ParamMetadata): ParamReader | undefined {
  switch (param.kind) {
    case 'root':
      return param.propertyName === undefined ? (root) => root : undefined;
    case 'context': {
      const property = param.propertyName;
      return property === undefined ? (_root, context) => context : (_root, context) => context[property];
    }
    case 'info':
      return (_root, _context, info) => info;
    default:
      return undefined;
  }
}

function direct(
  original: GraphQLFieldResolver<unknown, unknown>,
  method: (...values: unknown[]) => unknown,
  readers: ParamReader[],
  rootType: unknown,
): GraphQLFieldResolver<unknown, unknown> {
  const isRootType = typeof rootType === 'function' ? (root: unknown) => root instanceof rootType : () => true;
  const [first, second] = readers;
  // The shapes our resolvers have, without an array per call; any other falls to the general one.
  if (readers.length === 2 && first && second) {
    return (root, args, context, info) =>
      isRootType(root) ? method(first(root, context as Record<string, unknown>, info), second(root, context as Record<string, unknown>, info)) : original(root, args, context, info);
  }
  return (root, args, context, info) =>
    isRootType(root) ? method(...readers.map((read) => read(root, context as Record<string, unknown>, info))) : original(root, args, context, info);
}
