// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The recommended JS rules plus typescript-eslint's recommended rules. Syntax-only (not
 * type-checked) so `npm run lint` stays fast; `tsc --noEmit` does the type checking.
 */

// The Node globals plain JS files here use (TypeScript files get no-undef from tsc instead).
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setImmediate', 'structuredClone'].map(
    (name) => [name, 'readonly'],
  ),
);
const commonJsGlobals = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename'].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores(['dist/', 'dist-bench/', 'node_modules/', '.data/', 'coverage/', 'test/generated/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: nodeGlobals,
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // `_`-prefixed names are deliberately unused (port parameters, destructured leftovers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // CommonJS configuration files (jest.config.js, .dependency-cruiser.cjs).
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...nodeGlobals, ...commonJsGlobals },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
