import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { metricsHandler } from './app';
import { readinessHandler, type ReadinessCheck } from './health';

/** The worker's small HTTP port: /metrics for Prometheus, /healthz and /readyz for the orchestrator. */
export async function startOperationsServer(options: {
  port: number;
  host: string;
  metrics: Metrics;
  readinessChecks: ReadinessCheck[];
  isShuttingDown: () => boolean;
  logger?: Logger;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessHandler(options.readinessChecks, options.isShuttingDown, options.logger));
  app.get('/metrics', metricsHandler(options.metrics));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
