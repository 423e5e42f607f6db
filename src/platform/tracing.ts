import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * Tracing helpers over the OpenTelemetry API. Without an SDK registered (OTEL_EXPORTER_OTLP_ENDPOINT
 * unset) every span is a no-op; with one, spans export over OTLP. Trace context crosses the job
 * queue in a `_trace` field of each job payload, so one trace runs from a mutation through its
 * jobs, provider calls and live-update publishes.
 */
export const tracer = () => trace.getTracer('storefront-graph');

export type TraceCarrier = Record<string, string>;

/** The current trace context as W3C headers (traceparent), to travel with a job. */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

export function contextFromCarrier(carrier: TraceCarrier | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier) : context.active();
}

/** Runs `work` in a new span (child of the active one, or of `parent`), recording failures. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : new Error(String(error)));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** For log lines: the active span's ids, when there is one. */
export function activeTraceIds(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags === 0 && traceId === '00000000000000000000000000000000' ? {} : { trace_id: traceId, span_id: spanId };
}

export { SpanKind };
