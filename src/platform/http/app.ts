import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../logger';
import { readinessHandler, type ReadinessCheck } from './health';
import { requestContext } from './request-context';

export interface HttpAppOptions {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
  isShuttingDown: () => boolean;
  graphql: RequestHandler;
  bodyLimit?: string;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');

  // Probes are cheap and unlogged: a load balancer calls them every few seconds.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessHandler(options.readinessChecks, options.isShuttingDown));

  app.use(requestContext(options.logger));
  app.use('/graphql', express.json({ limit: options.bodyLimit ?? '100kb' }), options.graphql);
  return app;
}
