// npm run example: bundles the example storefront (esbuild, in memory) and serves it on
// EXAMPLE_PORT (5173), talking to the API at API_URL (http://localhost:4000/graphql).
// Start the API with CORS_ORIGINS=http://localhost:5173 so the browser may call it.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.EXAMPLE_PORT ?? 5173);
const host = process.env.EXAMPLE_HOST ?? '127.0.0.1';
const apiUrl = process.env.API_URL ?? 'http://localhost:4000/graphql';

const bundle = await build({
  entryPoints: [path.join(dir, 'main.ts')],
  bundle: true,
  write: false,
  format: 'iife',
  target: 'es2020',
  minify: true,
  define: { API_URL: JSON.stringify(apiUrl) },
  logLevel: 'warning',
});
const files = {
  '/': ['text/html; charset=utf-8', readFileSync(path.join(dir, 'index.html'))],
  '/app.js': ['text/javascript; charset=utf-8', Buffer.from(bundle.outputFiles[0].contents)],
  '/style.css': ['text/css; charset=utf-8', readFileSync(path.join(dir, 'style.css'))],
};
const api = new URL(apiUrl);
const csp = `default-src 'self'; connect-src ${api.origin} ${api.origin.replace(/^http/, 'ws')}; img-src 'self' data:`;

const server = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) {
    res.writeHead(404).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': file[0], 'content-security-policy': csp, 'cache-control': 'no-store' }).end(file[1]);
});
server.listen(port, host, () => {
  const { port: actual } = server.address();
  process.stdout.write(
    `example storefront: http://localhost:${actual}/ (API ${apiUrl})\n` +
      `the API must allow this origin: CORS_ORIGINS=http://localhost:${actual} npm start\n`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
