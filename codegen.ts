import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations for the API tests and the example storefront, from the emitted schema and their .graphql files.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.graphql', 'examples/**/*.graphql'],
  generates: {
    'test/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
      },
    },
    // The trusted documents: with TRUSTED_DOCUMENTS=enforce only these operations run.
    'persisted-operations.json': {
      plugins: ['./codegen/persisted-operations.cjs'],
    },
  },
};

export default config;
