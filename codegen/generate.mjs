// `npm run codegen`: typed operations for the API tests and the example storefront, and the
// trusted-documents manifest, from the emitted schema and the .graphql files.
//
// It calls @graphql-codegen/core and the plugins directly instead of the graphql-codegen CLI:
// the CLI always installs its remote loaders (URL, GitHub, Apollo Engine), whose dependencies
// declare Node >= 22 and so warn (EBADENGINE) on every `npm ci` on Node 20, and we read only
// local files. The inputs are prepared the way the CLI prepared them (schema sorted
// lexicographically, documents in path order), so the output is the same.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as typedDocumentNode from '@graphql-codegen/typed-document-node';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { buildASTSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const persistedOperations = createRequire(import.meta.url)('./persisted-operations.cjs');

const schemaFile = 'schema.graphql';
/** Folders whose .graphql files (at any depth) are the client operations. */
const documentFolders = ['test', 'examples'];

const outputs = [
  {
    filename: 'test/generated/graphql.ts',
    // typescript-operations (6) declares the enums and input types the operations use itself,
    // so the `typescript` plugin (every schema type) is not needed, and would duplicate them.
    plugins: { 'typescript-operations': typescriptOperations, 'typed-document-node': typedDocumentNode },
    config: {
      scalars: { DateTime: 'string' },
      enumType: 'string-literal',
      useTypeImports: true,
      skipTypename: true,
    },
  },
  // The trusted documents: with TRUSTED_DOCUMENTS=enforce only these operations run.
  { filename: 'persisted-operations.json', plugins: { 'persisted-operations': persistedOperations }, config: {} },
];

function graphqlFilesUnder(folder) {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.graphql'))
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'));
}

const schemaAst = lexicographicSortSchema(
  buildASTSchema(parse(readFileSync(join(root, schemaFile), 'utf8')), { assumeValidSDL: true }),
);
const documents = documentFolders
  .flatMap(graphqlFilesUnder)
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  .map((file) => ({ location: join(root, file), document: parse(readFileSync(join(root, file), 'utf8')) }));

for (const output of outputs) {
  const content = await codegen({
    filename: output.filename,
    schema: parse(printSchema(schemaAst)),
    schemaAst,
    documents,
    config: output.config,
    plugins: Object.keys(output.plugins).map((name) => ({ [name]: {} })),
    pluginMap: output.plugins,
  });
  writeFileSync(join(root, output.filename), content);
  console.log(`wrote ${output.filename} (${documents.length} document files)`);
}
