import type { TagNode } from './policy';

export const entityTag = (type: string, id: string): string => `${type}:${id}`;
export const listTag = (type: string): string => `${type}:list`;

/**
 * The entities a response contains, found by walking its data along the operation's plan:
 * `<Type>:<id>` for each entity, the bare `<Type>` when its id was neither selected nor passed
 * as the field's `id` argument (any change of that type then invalidates it), and
 * `<Type>:list` for each list of entities.
 */
export function extractTags(plan: TagNode, data: unknown, variables: Record<string, unknown> | undefined): Set<string> {
  const tags = new Set<string>();
  const walk = (node: TagNode, value: unknown): void => {
    // An empty list is still a list: a new entity must invalidate it.
    if (node.listOf) tags.add(listTag(node.listOf));
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(node, item);
      return;
    }
    if (typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (node.entity) {
      const id = node.idKey !== undefined ? record[node.idKey] : argumentId(node, variables);
      tags.add(typeof id === 'string' ? entityTag(node.entity, id.toLowerCase()) : node.entity);
    }
    for (const [key, child] of node.children) walk(child, record[key]);
  };
  walk(plan, data);
  return tags;
}

function argumentId(node: TagNode, variables: Record<string, unknown> | undefined): unknown {
  if (!node.idArgument) return undefined;
  return 'literal' in node.idArgument ? node.idArgument.literal : variables?.[node.idArgument.variable];
}
