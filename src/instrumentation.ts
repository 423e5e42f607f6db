import { ConfigError, loadConfig, type Config } from './platform/config';
import { startTracingSdk } from './platform/tracing-sdk';

/**
 * Imported first by the entry points: OpenTelemetry must patch http, pg, ioredis and graphql
 * before anything loads them. A no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set. The settings
 * come from the one typed configuration; an invalid one is reported by bootstrap a moment later.
 */
function tracingSettings(): Config['observability'] | null {
  try {
    return loadConfig().observability;
  } catch (error) {
    if (error instanceof ConfigError) return null;
    throw error;
  }
}

const settings = tracingSettings();
const service = process.argv.some((a) => a.endsWith('worker.js')) ? 'storefront-worker' : 'storefront-api';

export const stopTracing = settings ? startTracingSdk(settings, service) : null;
