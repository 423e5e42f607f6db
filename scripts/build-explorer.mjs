// Bundles the self-hosted explorer (explorer/main.ts: GraphiQL + React + graphql-ws) into
// dist/explorer/ with esbuild, so the server serves it with no CDN. Part of `npm run build`;
// skipped when the bundle is newer than its sources and the lockfile (the common case, so CLIs
// and `npm start` stay quick). `--force` rebuilds.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'explorer');
const bundle = path.join(outdir, 'explorer.js');
const sources = [
  ...readdirSync(path.join(root, 'explorer')).map((name) => path.join(root, 'explorer', name)),
  path.join(root, 'package-lock.json'),
  fileURLToPath(import.meta.url),
];

const mtime = (file) => statSync(file).mtimeMs;
const fresh = existsSync(bundle) && sources.every((source) => mtime(source) <= mtime(bundle));
if (fresh && !process.argv.includes('--force')) process.exit(0);

await build({
  entryPoints: { explorer: path.join(root, 'explorer', 'main.ts') },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl' },
  legalComments: 'linked',
  logLevel: 'warning',
});
