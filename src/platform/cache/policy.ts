import {
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * PUBLIC: the same for every viewer, shared by all. PRIVATE: depends on who asks, cached per
 * viewer. NONE: never cached.
 */
export type CacheScope = 'PUBLIC' | 'PRIVATE' | 'NONE';

/**
 * How one type or field may be cached. An entity (`entity: true`) has an `id` and is tagged
 * `<Type>:<id>` in the responses that contain it; `inherit` types (connections, edges, money)
 * take the scope of the field that returns them.
 */
export interface TypePolicy {
  scope?: CacheScope;
  /** Ceiling in seconds; the response lives for the smallest ceiling it touches. */
  maxAgeSeconds?: number;
  entity?: boolean;
  inherit?: boolean;
}

/** `types` by type name, `fields` by `Type.field`; a field with both obeys the stricter. */
export interface CachePolicyTable {
  types: Record<string, TypePolicy>;
  fields: Record<string, TypePolicy>;
}

/** Where in the response an entity sits, so tags come from the data without `__typename`. */
export interface TagNode {
  /** The entity type at this position, or undefined for wrappers. */
  entity?: string;
  /** Response key of the selected `id` field, when selected. */
  idKey?: string;
  /** The `id` argument of the field that returned the entity (literal or variable). */
  idArgument?: { literal: string } | { variable: string };
  /** A list of entities: the response also gets `<Type>:list`. */
  listOf?: string;
  children: Map<string, TagNode>;
}

export interface OperationPlan {
  operationType: 'query' | 'mutation' | 'subscription';
  scope: CacheScope;
  maxAgeSeconds: number;
  tags: TagNode;
}

const UNCACHEABLE = (operationType: OperationPlan['operationType']): OperationPlan => ({
  operationType,
  scope: 'NONE',
  maxAgeSeconds: 0,
  tags: { children: new Map() },
});

/**
 * Decides from the schema (never from the query text) whether an operation may be cached and
 * for whom: the most restrictive scope and the smallest ceiling of every field it selects.
 * A type the table does not know is not cached, so a new type is private until someone says
 * otherwise.
 */
export function planOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  table: CachePolicyTable,
  defaultMaxAgeSeconds: number,
): OperationPlan | null {
  const operation = findOperation(document, operationName);
  if (!operation) return null;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const root = schema.getRootType(operation.operation);
  if (!root) return null;
  let scope: CacheScope = 'PUBLIC';
  let maxAge = defaultMaxAgeSeconds;
  const restrict = (policy: TypePolicy | undefined): boolean => {
    if (!policy) return false;
    if (policy.scope === 'NONE' || (policy.maxAgeSeconds !== undefined && policy.maxAgeSeconds <= 0)) {
      scope = 'NONE';
      return true;
    }
    if (policy.scope === 'PRIVATE' && scope === 'PUBLIC') scope = 'PRIVATE';
    if (policy.maxAgeSeconds !== undefined) maxAge = Math.min(maxAge, policy.maxAgeSeconds);
    return true;
  };

  const visit = (parent: GraphQLObjectType, selectionSet: SelectionSetNode, node: TagNode, seen: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (scope === 'NONE') return;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (condition !== parent) {
          scope = 'NONE';
          return;
        }
        visit(parent, selection.selectionSet, node, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value) || schema.getType(fragment.typeCondition.name.value) !== parent) {
          scope = 'NONE';
          return;
        }
        visit(parent, fragment.selectionSet, node, new Set([...seen, fragment.name.value]));
        continue;
      }
      visitField(parent, selection, node, seen);
    }
  };

  const visitField = (parent: GraphQLObjectType, field: FieldNode, node: TagNode, seen: Set<string>): void => {
    const name = field.name.value;
    const key = field.alias?.value ?? name;
    if (name === '__typename') return;
    const definition = parent.getFields()[name];
    if (!definition || name.startsWith('__')) {
      scope = 'NONE';
      return;
    }
    if (name === 'id' && node.entity) node.idKey = key;
    const fieldPolicy = table.fields[`${parent.name}.${name}`];
    restrict(fieldPolicy);
    const named = getNamedType(definition.type);
    if (isAbstractType(named)) {
      scope = 'NONE';
      return;
    }
    if (!isObjectType(named)) return;
    const typePolicy = table.types[named.name];
    if (!fieldPolicy && !typePolicy) {
      scope = 'NONE';
      return;
    }
    if (typePolicy && !typePolicy.inherit) restrict(typePolicy);
    const child: TagNode = { children: new Map() };
    if (typePolicy?.entity) {
      child.entity = named.name;
      const idArgument = field.arguments?.find((a) => a.name.value === 'id')?.value;
      if (idArgument?.kind === Kind.STRING) child.idArgument = { literal: idArgument.value };
      if (idArgument?.kind === Kind.VARIABLE) child.idArgument = { variable: idArgument.name.value };
      if (isListOf(definition.type)) child.listOf = named.name;
    }
    const listed = connectionOf(named, table);
    if (listed) child.listOf = listed;
    const existing = node.children.get(key);
    if (existing) mergeInto(existing, child);
    else node.children.set(key, child);
    if (field.selectionSet) visit(named, field.selectionSet, existing ?? child, seen);
  };

  const tags: TagNode = { children: new Map() };
  if (operation.operation !== 'query') {
    // Mutations are never cached, but their results name what they changed.
    visit(root, operation.selectionSet, tags, new Set());
    return { ...UNCACHEABLE(operation.operation), tags };
  }
  visit(root, operation.selectionSet, tags, new Set());
  if ((scope as CacheScope) === 'NONE') return UNCACHEABLE('query');
  return { operationType: 'query', scope, maxAgeSeconds: maxAge, tags };
}

function findOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function isListOf(type: GraphQLOutputType): boolean {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  return isListType(unwrapped);
}

/** `XConnection { edges { node: X } }`: a list of X entities. */
function connectionOf(type: GraphQLObjectType, table: CachePolicyTable): string | undefined {
  const edges = type.getFields().edges;
  if (!edges) return undefined;
  const edge = getNamedType(edges.type);
  if (!isObjectType(edge)) return undefined;
  const node = edge.getFields().node;
  const entity = node ? getNamedType(node.type) : undefined;
  return entity && table.types[entity.name]?.entity ? entity.name : undefined;
}

function mergeInto(target: TagNode, source: TagNode): void {
  target.entity ??= source.entity;
  target.idArgument ??= source.idArgument;
  target.listOf ??= source.listOf;
}
