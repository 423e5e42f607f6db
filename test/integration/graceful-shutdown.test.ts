import { Client } from 'pg';
import { ProductsDocument, SignInDocument } from '../generated/graphql';
import { createAdmin, createProduct, PASSWORD, productInput, signUpCustomer } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { SandboxPaymentProvider } from '../../src/integration/payment-gateway/sandbox-provider';
import { dataOf, GraphQLTestClient } from '../support/graphql-client';
import { scrape, total } from '../support/prometheus';
import { startService, type ServiceProcess } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { jobsToRun } from '../support/jobs';
import { eventually } from '../support/wait';
import { connectLive } from '../support/ws-client';

describe('SIGTERM to an API process', () => {
  let database: TestDatabase;
  let provider: SandboxPaymentProvider;
  let api: ServiceProcess;
  beforeAll(async () => {
    database = await createTestDatabase();
    provider = await SandboxPaymentProvider.start();
  });
  afterAll(async () => {
    api?.kill('SIGKILL');
    await provider.stop();
    await database.drop();
  });

  it('when a slow query and a subscription are in flight, then readiness turns 503, the query completes, the socket closes with 1001 and the process exits 0', async () => {
    api = startService(
      'api',
      {
        DATABASE_URL: database.url,
        PAYMENT_PROVIDER_URL: provider.url,
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_EMAIL: 'admin@shutdown.example.com',
        ADMIN_PASSWORD: PASSWORD,
        SHUTDOWN_READINESS_DELAY_MS: '500',
        SHUTDOWN_WS_CLOSE_SPREAD_MS: '200',
        SHUTDOWN_TIMEOUT_MS: '15000',
      },
      ['--no-worker'],
    );
    const url = String((await api.waitForLog(/is ready/)).url);
    const client = new GraphQLTestClient(url);
    const token = dataOf(await client.request(SignInDocument, { input: { email: 'admin@shutdown.example.com', password: PASSWORD } })).signIn.token;
    await client.post({ query: 'mutation ($i: CreateProductInput!) { createProduct(input: $i) { id } }', variables: { i: productInput() } }, { token });

    const subscriber = connectLive(url);
    subscriber.subscribe('subscription { stockChanged(productIds: ["00000000-0000-4000-8000-000000000000"]) { stock } }');
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Make the next products query slow: hold a lock it must wait for.
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
    const slowQuery = client.request(ProductsDocument, { first: 5 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    api.kill('SIGTERM');
    const readyz = url.replace('/graphql', '/readyz');
    const notReady = await eventually(() => fetch(readyz).then((r) => r.status), (status) => status === 503, {
      what: 'readiness 503 after SIGTERM',
      intervalMs: 20,
    });
    expect(notReady).toBe(503);

    const closed = await subscriber.closed;
    expect(closed.code).toBe(1001);
    setTimeout(() => void locker.query('COMMIT').then(() => locker.end()), 700);

    const result = await slowQuery;
    expect(result.status).toBe(200);
    expect(dataOf(result).products.totalCount).toBe(1);
    const exit = await api.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(api.output.some((line) => line.includes('shutdown complete'))).toBe(true);
  }, 60_000);
});

describe('SIGTERM to a worker process', () => {
  let test: TestApp;
  let worker: ServiceProcess | undefined;
  beforeAll(async () => {
    test = await startTestApp({ worker: false });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await test.stop();
  });

  it('when a capture is running, then the worker finishes it before exiting 0, and it is charged exactly once', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 1_500, times: 1 });
    worker = startService('worker', {
      DATABASE_URL: test.database.url,
      PAYMENT_PROVIDER_URL: test.paymentProvider.url,
      PAYMENT_TIMEOUT_MS: '5000',
      WORKER_POLL_INTERVAL_MS: '200',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    const ready = await worker.waitForLog(/worker is ready/);

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await eventually(async () => test.paymentProvider.requestsInFlight, (n) => n > 0, { what: 'the capture in flight' });
    // The worker's own port serves its metrics while it works.
    const samples = await scrape(String(ready.metricsUrl));
    expect(total(samples, 'jobs_enqueued_total') + total(samples, 'jobs_completed_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'job_queue_lag_seconds')).toBe(true);

    worker.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    const paid = await orderReaches(test, customer, order.id, 'PAID', 5_000);
    expect(paid.payment?.status).toBe('CAPTURED');
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
    expect(await jobsToRun(test.app.database, { like: 'event:payments.capture-on-order-placed' })).toBe(0);
  }, 60_000);
});
