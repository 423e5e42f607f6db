import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { startService, type ServiceProcess } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

let test: TestApp;
const workers: ServiceProcess[] = [];
beforeAll(async () => {
  test = await startTestApp({ worker: false });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await test.stop();
});

const workerEnv = () => ({
  DATABASE_URL: test.database.url,
  PAYMENT_PROVIDER_URL: test.paymentProvider.url,
  PAYMENT_TIMEOUT_MS: '10000',
  WORKER_POLL_INTERVAL_MS: '200',
  WORKER_HEARTBEAT_MS: '300',
  WORKER_DEAD_AFTER_MS: '2000',
});

it('when a worker is killed in the middle of a capture, then the job runs again on another worker and the provider records one charge', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 3_000, times: 1 });

  const first = startService('worker', workerEnv());
  workers.push(first);
  await first.waitForLog(/worker is ready/);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);

  await eventually(async () => test.paymentProvider.requestsInFlight, (n) => n > 0, { what: 'the capture to reach the provider' });
  first.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');

  const second = startService('worker', workerEnv());
  workers.push(second);
  // Wait for the outcome, not for log lines: "ready" and "released jobs…" come in either order.
  const paid = await orderReaches(test, customer, order.id, 'PAID', 30_000);
  expect(second.output.some((line) => /released jobs of workers that stopped heartbeating/.test(line))).toBe(true);
  expect(paid.payment?.status).toBe('CAPTURED');
  expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
  expect(test.paymentProvider.calls).toBeGreaterThanOrEqual(2);
  // Two compiled worker processes start here; on a loaded 2-core box each start can take 30 s.
}, 180_000);
