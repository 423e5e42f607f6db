import { startTracingSdk } from './platform/tracing-sdk';

/**
 * Imported first by the entry points: OpenTelemetry must patch http, pg, ioredis and graphql
 * before anything loads them. A no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export const stopTracing = startTracingSdk(process.env, process.argv.some((a) => a.endsWith('worker.js')) ? 'storefront-worker' : 'storefront-api');
