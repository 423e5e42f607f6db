import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProductsDocument } from '../generated/graphql';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { declaredFamilies, parsePrometheus, scrapeText, total } from '../support/prometheus';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase } from '../support/test-database';
import { createLogger } from '../../src/platform/logger';
import { inSpan } from '../../src/platform/tracing';
import { env, withDatabaseName } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive } from '../support/ws-client';

// Spans go to memory; the code under test uses the OpenTelemetry API exactly as in production.
const exporter = new InMemorySpanExporter();
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('metrics, traces and readiness of a running app', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ worker: true, env: { SIGN_IN_MAX_FAILURES: '1' } });
  });
  afterAll(() => test.stop());

  it('when a query, an order and a subscription have run, then /metrics shows every family with samples', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const live = connectLive(test.url, customer.token);
    live.subscribe('subscription { orderUpdated { id status } }');
    await eventually(async () => test.api.ws.subscriptionCount, (n) => n >= 1, { what: 'the subscription' });
    await test.client.request(ProductsDocument, { first: 5 });
    // One failed capture attempt (retried), so the job-failure counter has a sample.
    test.paymentProvider.setBehaviour({ mode: 'fail', times: 3 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAID');
    await test.client.post({ query: '{ nope }' });
    await test.client.post({ query: 'mutation { signIn(input: {email: "x@example.com", password: "wrong-password"}) { token } }' });
    await test.client.post({ query: 'mutation { signIn(input: {email: "x@example.com", password: "wrong-password"}) { token } }' });

    const text = await scrapeText(test.url.replace('/graphql', '/metrics'));
    const samples = parsePrometheus(text);
    const positive = {
      http_requests_total: total(samples, 'http_requests_total', { path: '/graphql', status: '200' }),
      http_request_duration_seconds_count: total(samples, 'http_request_duration_seconds_count'),
      graphql_operations_total: total(samples, 'graphql_operations_total', { operation: 'PlaceOrder', type: 'mutation', outcome: 'success' }),
      graphql_operation_duration_seconds_count: total(samples, 'graphql_operation_duration_seconds_count', { operation: 'Products' }),
      graphql_errors_total: total(samples, 'graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' }),
      dataloader_batch_size_count: total(samples, 'dataloader_batch_size_count', { loader: 'catalog.ratingByProductId' }),
      db_query_duration_seconds_count: total(samples, 'db_query_duration_seconds_count', { statement: 'SELECT' }),
      jobs_enqueued_total: total(samples, 'jobs_enqueued_total', { task: 'event:payments.capture-on-order-placed' }),
      jobs_completed_total: total(samples, 'jobs_completed_total', { task: 'event:payments.capture-on-order-placed' }),
      jobs_failed_total: total(samples, 'jobs_failed_total', { task: 'event:payments.capture-on-order-placed' }),
      websocket_connections: total(samples, 'websocket_connections'),
      graphql_active_subscriptions: total(samples, 'graphql_active_subscriptions'),
      pubsub_messages_out: total(samples, 'pubsub_messages_total', { direction: 'out', topic: 'ORDER_UPDATED' }),
      pubsub_messages_in: total(samples, 'pubsub_messages_total', { direction: 'in', topic: 'ORDER_UPDATED' }),
      rate_limit_rejections_total: total(samples, 'rate_limit_rejections_total'),
      process_cpu_seconds_total: total(samples, 'process_cpu_seconds_total'),
    };
    for (const [family, value] of Object.entries(positive)) expect([family, value > 0]).toEqual([family, true]);
    // Sampled, possibly zero: pool states, queue lag, circuit state.
    for (const family of ['db_pool_connections', 'job_queue_lag_seconds', 'circuit_breaker_state']) {
      expect([family, samples.some((s) => s.name === family)]).toEqual([family, true]);
    }
    // Nothing was dead-lettered, so this labelled counter is declared but has no sample yet.
    expect(declaredFamilies(text).has('jobs_dead_lettered_total')).toBe(true);
    expect(total(samples, 'jobs_dead_lettered_total')).toBe(0);
    expect(samples.filter((s) => s.name === 'db_pool_connections').map((s) => s.labels.state).sort()).toEqual(['idle', 'in_use', 'waiting']);
    expect(total(samples, 'circuit_breaker_state', { integration: 'payment-gateway' })).toBe(0);
    await live.dispose();
  });

  it('when an order is placed, then one trace runs from placeOrder through its jobs and the capture call to the orderUpdated publish', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    exporter.reset();

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAID');
    const spans = await eventually(
      async () => exporter.getFinishedSpans(),
      // Two publishes: the order placed, and its status change once the capture succeeded.
      (all) => all.filter((s) => s.name === 'pubsub publish ORDER_UPDATED' && spanTrace(s) === traceOf(all, 'graphql mutation PlaceOrder')).length >= 2,
      { what: 'both publish spans in the placeOrder trace' },
    );

    const root = spans.find((s) => s.name === 'graphql mutation PlaceOrder')!;
    const inTrace = spans.filter((s) => spanTrace(s) === spanTrace(root));
    const child = (parent: ReadableSpan, name: string) => {
      const found = inTrace.find((s) => s.name === name && parentOf(s) === parent.spanContext().spanId);
      if (!found) throw new Error(`no span "${name}" under "${parent.name}"; trace:\n${renderTree(inTrace)}`);
      return found;
    };
    const captureJob = child(root, 'job event:payments.capture-on-order-placed');
    child(captureJob, 'payment-gateway POST /v1/captures');
    const liveJob = child(captureJob, 'job event:orders.live-on-status-changed');
    child(liveJob, 'pubsub publish ORDER_UPDATED');
    child(root, 'job event:orders.live-on-order-placed');
    console.log(`placeOrder trace ${spanTrace(root)}:\n${renderTree(inTrace)}`);
  });

  it('when a log line is written inside a span, then it carries trace_id and span_id', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    await inSpan('logging test', {}, async (span) => {
      logger.info('inside');
      expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    });
  });
});

describe('readiness', () => {
  it('when PostgreSQL becomes unreachable, then /readyz is 503 naming it; when it returns, 200 again', async () => {
    const admin = new URL(env.adminDatabaseUrl);
    const proxy = await TcpProxy.start({ host: admin.hostname, port: Number(admin.port || 5432) });
    // The app reaches its own database through the proxy; migrations ran directly.
    const database = await createTestDatabase();
    const viaProxy = new URL(withDatabaseName(env.adminDatabaseUrl, database.name));
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const test = await startTestApp({ env: { DATABASE_URL: viaProxy.toString() } });
    const readyz = test.url.replace('/graphql', '/readyz');
    try {
      const healthy = await fetch(readyz);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toMatchObject({ status: 'ready', checks: { postgres: { ok: true }, 'job-queue': { ok: true } } });

      await proxy.cut();
      const down = await eventually(() => fetch(readyz), (r) => r.status === 503, { what: '503' });
      const body = (await down.json()) as { status: string; checks: Record<string, unknown> };
      expect(body.status).toBe('not-ready');
      // Name and status only: the driver's message (hosts, ports) goes to the log, not to the caller.
      expect(body.checks.postgres).toEqual({ ok: false, critical: true });
      expect((await fetch(test.url.replace('/graphql', '/healthz'))).status).toBe(200);

      await proxy.open();
      await eventually(() => fetch(readyz), (r) => r.status === 200, { what: '200 again', timeoutMs: 15_000 });
    } finally {
      await test.stop();
      await proxy.cut();
      await database.drop();
    }
  }, 60_000);
});

const spanTrace = (span: ReadableSpan) => span.spanContext().traceId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const traceOf = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name)?.spanContext().traceId;

function renderTree(spans: ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const lines: string[] = [];
  const walk = (parentId: string | undefined, depth: number) => {
    for (const span of spans.filter((s) => (parentId ? parentOf(s) === parentId : !parentOf(s) || !ids.has(parentOf(s)!)))) {
      const ms = (span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1);
      lines.push(`${'  '.repeat(depth)}${span.name} (${ms} ms)`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}
