import express, { type RequestHandler, type Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the explorer's bundle is served from; outside /graphql so no GraphQL middleware sees it. */
export const EXPLORER_ASSETS_PATH = '/graphql-explorer';

/**
 * The page's own CSP: its script and styles come from this server only, and it connects only
 * back to it (CSP Level 3 `'self'` covers ws:/wss: on the same host). GraphiQL's editors set
 * inline styles, hence 'unsafe-inline' for styles only.
 */
const EXPLORER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** dist/explorer, found from this file whether it runs compiled (dist/src/…) or from src/ under Jest. */
export function explorerAssetsDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(dir, 'dist', 'explorer');
}

/**
 * Serves the self-hosted GraphiQL explorer: the page for a browser's GET /graphql (text/html
 * preferred, no `query` parameter, as Apollo's landing page decides), and its bundle. Every
 * other request to /graphql passes through to the GraphQL handler.
 */
export function explorerRoutes(assetsDir = explorerAssetsDir()): Router {
  const router = express.Router();
  router.get('/graphql', pageForBrowsers(assetsDir));
  router.use(EXPLORER_ASSETS_PATH, express.static(assetsDir, { index: false, fallthrough: false, maxAge: '1h' }));
  return router;
}

function pageForBrowsers(assetsDir: string): RequestHandler {
  return (req, res, next) => {
    const wantsPage = req.query.query === undefined && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsPage) return next();
    res.setHeader('Content-Security-Policy', EXPLORER_CSP);
    res.setHeader('Cache-Control', 'no-store');
    if (!existsSync(path.join(assetsDir, 'explorer.js'))) {
      res.status(503).type('text/plain').send('The explorer bundle is missing: run `npm run build` (it writes dist/explorer/).\n');
      return;
    }
    res.type('html').send(PAGE);
  };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>storefront-graph explorer</title>
<link rel="stylesheet" href="${EXPLORER_ASSETS_PATH}/explorer.css">
<style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="explorer"></div>
<script src="${EXPLORER_ASSETS_PATH}/explorer.js"></script>
</body>
</html>
`;
