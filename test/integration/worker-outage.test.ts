import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { startService, type ServiceProcess } from '../support/processes';
import { env, withDatabaseName } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * A worker rides out a PostgreSQL outage: its connections are terminated by the server and then
 * cut at the network while a payment job runs. It must stay up, answer /readyz 503 while it
 * cannot reach the database, and complete the job afterwards. The worker reaches the database
 * through a proxy this test cuts; the machine's PostgreSQL is never stopped.
 */
let test: TestApp;
let proxy: TcpProxy;
let worker: ServiceProcess;
let readyz: string;
const WORKER_APP = 'outage-test-worker';
beforeAll(async () => {
  test = await startTestApp({ worker: false });
  const admin = new URL(env.adminDatabaseUrl);
  proxy = await TcpProxy.start({ host: admin.hostname, port: Number(admin.port || 5432) });
  const viaProxy = new URL(withDatabaseName(env.adminDatabaseUrl, test.database.name));
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  // Tags every connection of the worker (its job queue and its data pool), so the test can end them all.
  viaProxy.searchParams.set('application_name', WORKER_APP);
  worker = startService('worker', {
    DATABASE_URL: viaProxy.toString(),
    PAYMENT_PROVIDER_URL: test.paymentProvider.url,
    PAYMENT_TIMEOUT_MS: '10000',
    WORKER_POLL_INTERVAL_MS: '200',
    // When the fault makes graphile-worker give up its runner, the jobs that runner held come back
    // only once its ids stop heartbeating for WORKER_DEAD_AFTER_MS (30 s by default, plus the release
    // interval): the test's wait would race the default. Short, as in the other worker tests.
    WORKER_HEARTBEAT_MS: '500',
    WORKER_DEAD_AFTER_MS: '3000',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    ...(process.env.DEBUG_WORKER ? { LOG_LEVEL: 'debug' } : {}),
  });
  const ready = await worker.waitForLog(/worker is ready/, 60_000);
  readyz = String(ready.metricsUrl).replace('/metrics', '/readyz');
}, 90_000);
afterAll(async () => {
  // DEBUG_WORKER=1 prints the worker's log (at debug level) to see how it rode out the outage.
  if (process.env.DEBUG_WORKER) console.log(worker?.output.join('\n'));
  worker?.kill('SIGKILL');
  await worker?.exited;
  await proxy?.cut();
  await test?.stop();
});

/** An order whose capture the provider is holding (slowly) when the fault strikes. */
async function orderWithCaptureInFlight() {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 1_500, times: 1 });
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  await eventually(async () => test.paymentProvider.requestsInFlight, (n) => n > 0, { what: 'the capture to reach the provider' });
  return { customer, product, order };
}

const stillRunning = () => worker.child.exitCode === null && worker.child.signalCode === null;

/**
 * Runs a test's body; if it fails, the error carries the worker's last log lines, which say how
 * it rode out the fault (runner abandoned, restarts, jobs released). A failure under load is
 * otherwise a bare timeout.
 */
async function withWorkerLog(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const log = worker.output.slice(-60).join('\n');
    if (error instanceof Error) error.message += `\n--- the worker's last log lines ---\n${log}`;
    throw error;
  }
}

it('when the server terminates the worker backends during a capture, then the worker stays up and the order is PAID', () =>
  withWorkerLog(async () => {
    const { customer, product, order } = await orderWithCaptureInFlight();

    await test.app.database.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
      [test.database.name, WORKER_APP],
    );

    await orderReaches(test, customer, order.id, 'PAID', 40_000);
    // The process exits a moment after graphile-worker gives up; a job placed afterwards proves the worker still runs jobs.
    const after = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, after.id, 'PAID', 40_000);
    expect(stillRunning()).toBe(true);
    expect((await fetch(readyz)).status).toBe(200);
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
  }), 90_000);

it('when the network to PostgreSQL is cut while jobs run, then /readyz is 503, the worker stays up, and the jobs complete once it returns', () =>
  withWorkerLog(async () => {
    const { customer, product, order } = await orderWithCaptureInFlight();

    await proxy.cut();
    let restored = false;
    try {
      await eventually(() => fetch(readyz), (r) => r.status === 503, { what: 'worker readiness 503' });
      // Orders keep coming in through the API while the worker cannot reach the database.
      const during = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
      await eventually(async () => stillRunning(), (up) => up, { what: 'the worker still running' });
      await proxy.open();
      restored = true;
      await eventually(() => fetch(readyz), (r) => r.status === 200, { what: 'worker readiness 200 again', timeoutMs: 30_000 });
      await orderReaches(test, customer, during.id, 'PAID', 40_000);
    } finally {
      if (!restored) await proxy.open();
    }
    await orderReaches(test, customer, order.id, 'PAID', 40_000);
    expect(stillRunning()).toBe(true);
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
  }), 120_000);
