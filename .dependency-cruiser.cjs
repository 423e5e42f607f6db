/**
 * Dependency rules of the modular monolith (docs/adr/0001-modular-monolith.md).
 * Run with `npm run lint:deps` (= `depcruise src --config .dependency-cruiser.cjs`).
 */

// Packages the domain layer must not know about. Matched on the resolved path, so both a runtime
// import and an `import type` (which may resolve to the package's .d.ts or to @types/<name>) count.
const FRAMEWORK_PACKAGES = [
  'typeorm',
  'type-graphql',
  '@apollo/[^/]+',
  'graphql',
  'ioredis',
  'graphql-redis-subscriptions',
  'graphile-worker',
  'express',
  'pg',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-public-api-only',
      comment:
        'A module may use another module only through its public API, src/modules/<name>/index.ts. ' +
        'Export what you need from there (or react to its events) instead of reaching into its folders.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'commands-through-ports',
      comment:
        "A module's index.ts exports no application service: another module commands it through a port the " +
        'caller owns (application/<port>.ts), which the composition implements with this module (docs/adr/0007-module-collaboration.md).',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/index\\.ts$' },
      to: { path: '^src/modules/[^/]+/application/[^/]+(\\.service|\\.handlers|-live-updates)\\.ts$' },
    },
    {
      name: 'outside-uses-module-public-api',
      comment:
        'Code outside src/modules (CLI, adapters, entry points) uses a module only through its index.ts too.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'domain-is-pure',
      comment:
        'domain/ is plain TypeScript: no ORM, GraphQL, HTTP, Redis, job-queue or database driver imports, ' +
        'and nothing from an infrastructure/ or graphql/ folder. Map to and from those types outside the domain.',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: {
        path: [
          `(^|/)node_modules/(@types/)?(${FRAMEWORK_PACKAGES.join('|')})/`,
          '^src/(infrastructure|graphql)/',
          '^src/.*/(infrastructure|graphql)/',
        ],
      },
    },
    {
      name: 'platform-not-to-modules',
      comment:
        'src/platform/ is the shared technical kernel and knows no module; src/composition/ wires modules to it.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'composition-through-index',
      comment:
        'Entry points, CLIs (and tests and benchmarks, by convention) build what they need through ' +
        'src/composition/index.ts, so there is one way to wire each thing (docs/adr/0006-composition-layout.md).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/composition/' },
      to: { path: '^src/composition/', pathNot: '^src/composition/index\\.ts$' },
    },
    {
      name: 'composition-not-imported-below',
      comment: 'Modules, platform and integration adapters are what the composition wires; they never import it.',
      severity: 'error',
      from: { path: '^src/(modules|platform|integration)/' },
      to: { path: '^src/composition/' },
    },
    {
      name: 'no-circular',
      comment:
        'This dependency is part of a circular relationship. Break the cycle (move the shared piece down a ' +
        'layer, or depend on an interface/event instead).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        "This module depends on a module that cannot be found ('resolved to disk'). If it's an npm module: " +
        'add it to package.json. Otherwise fix the import path.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` and other imports TypeScript erases: a type-only coupling is still a coupling.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      dot: { collapsePattern: 'node_modules/(?:@[^/]+/[^/]+|[^/]+)' },
    },
  },
};
