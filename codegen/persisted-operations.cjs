// A graphql-codegen plugin: the manifest of the client operations (Apollo's persisted query
// manifest format), for TRUSTED_DOCUMENTS. Each operation's body is the text a client sends
// for it: the operation followed by every fragment it uses, printed by graphql-js, exactly as
// the typed-document-node documents print. `id` is the SHA-256 of the body, as in APQ.
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

module.exports = {
  plugin(_schema, documents) {
    const definitions = documents.flatMap((source) => (source.document ? source.document.definitions : []));
    const fragments = new Map(
      definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    const usedFragments = (node, seen = new Set()) => {
      visit(node, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          if (seen.has(name) || !fragments.has(name)) return;
          seen.add(name);
          usedFragments(fragments.get(name), seen);
        },
      });
      return seen;
    };
    const operations = definitions
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION && d.name)
      .map((operation) => {
        const used = [...usedFragments(operation)].map((name) => fragments.get(name));
        const body = print({ kind: Kind.DOCUMENT, definitions: [operation, ...used] });
        return {
          id: createHash('sha256').update(body).digest('hex'),
          name: operation.name.value,
          type: operation.operation,
          body,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2) + '\n';
  },
};
