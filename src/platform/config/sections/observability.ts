import type { EnvReader } from '../env-reader';

/** Metrics and tracing. */
export interface ObservabilityConfig {
  /** The worker's own HTTP port for /metrics, /healthz and /readyz. */
  workerMetricsPort: number;
  /** Unset: tracing is off. */
  otlpEndpoint: string | undefined;
  serviceName: string | undefined;
  /** Share of new traces kept, 0 to 1. */
  traceSampleRatio: number;
}

export function readObservabilityConfig(read: EnvReader): ObservabilityConfig {
  return {
    workerMetricsPort: read.integer('METRICS_PORT', 9464, 0, 65535),
    otlpEndpoint: read.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
    serviceName: read.string('OTEL_SERVICE_NAME'),
    traceSampleRatio: read.fraction('OTEL_TRACES_SAMPLE_RATIO', 1),
  };
}
