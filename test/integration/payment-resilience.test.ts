import { ProductDocument } from '../generated/graphql';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { orderReaches, placeOrder, readOrder } from '../factories/orders';
import { FailedJobs } from '../../src/platform/jobs';
import { dataOf } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

const stockOf = async (test: TestApp, id: string) => dataOf(await test.client.request(ProductDocument, { id })).product!.stock;

describe('a slow provider', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ worker: true, env: { PAYMENT_TIMEOUT_MS: '300', PAYMENT_MAX_RETRIES: '2' } });
  });
  afterAll(() => test.stop());

  it('when the provider answers after the timeout and then recovers, then the order ends PAID with one capture', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    // The first capture takes 1.5 s (the provider completes it even though we stopped waiting);
    // our retries meanwhile find the same key in progress, and a later attempt gets the stored answer.
    test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 1_500, times: 1 });

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    const paid = await orderReaches(test, customer, order.id, 'PAID', 20_000);

    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
    expect(paid.payment?.status).toBe('CAPTURED');
    expect(paid.payment!.attempts).toBeGreaterThan(1);
    expect(paid.payment!.attempts).toBe(test.paymentProvider.calls);
  }, 30_000);
});

describe('a provider that is down', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({
      worker: true,
      env: {
        PAYMENT_MAX_RETRIES: '2',
        PAYMENT_BREAKER_THRESHOLD: '4',
        // Long enough to stay open through all three attempts (the third starts ~10 s in,
        // ~7.4 s after the circuit opened); short enough for the retry below to get through.
        PAYMENT_BREAKER_HALF_OPEN_MS: '10000',
        PAYMENT_JOB_MAX_ATTEMPTS: '3',
      },
    });
  });
  afterAll(() => test.stop());

  it('when every call fails, then the circuit opens, the order fails with stock restored, and the job is dead-lettered; a retry later completes without charging', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 5 });
    test.paymentProvider.setBehaviour({ mode: 'fail' });

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);
    expect(await stockOf(test, product.id)).toBe(3);
    const failed = await orderReaches(test, customer, order.id, 'PAYMENT_FAILED', 30_000);

    // Attempt 1: three calls (1 + 2 retries). Attempt 2: the fourth failure opens the circuit
    // and its retry fails fast. Attempt 3 meets the open circuit before any call: it is put off
    // until the circuit half-opens, unspent; then the trial call fails, the circuit opens again
    // and the retry fails fast. Without the breaker: 9 calls.
    expect(test.paymentProvider.calls).toBe(5);
    expect(test.gateway.circuitState).toBe('open');
    expect(failed.payment).toMatchObject({ status: 'FAILED', attempts: 5 });
    expect(failed.payment?.lastError).toMatch(/circuit is open/);
    expect(await stockOf(test, product.id)).toBe(5);

    const failedJobs = new FailedJobs(test.app.database);
    const deadLetters = await eventually(
      () => failedJobs.list(),
      (jobs) => jobs.some((j) => j.task === 'event:payments.capture-on-order-placed'),
      { what: 'the capture job to be dead-lettered' },
    );
    const captureJob = deadLetters.find((j) => j.task === 'event:payments.capture-on-order-placed')!;
    // The put-off attempt went on as a new job with the one attempt left.
    expect(captureJob).toMatchObject({ attempts: 1, maxAttempts: 1 });
    expect(captureJob.lastError).toMatch(/circuit is open/);

    test.paymentProvider.setBehaviour({ mode: 'healthy' });
    expect(await failedJobs.retry([captureJob.id])).toEqual([captureJob.id]);
    // The retried job asks the provider whether it was charged after all; while the circuit is
    // still open that fails fast and retries, then it gets through. graphile-worker deletes a
    // job when it completes.
    await eventually(
      async () => (await test.app.database.query('SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE id = $1', [captureJob.id]))[0].n,
      (n) => n === 0,
      { what: 'the retried job to complete', timeoutMs: 25_000 },
    );
    expect(await failedJobs.list()).toEqual([]);
    // The order had already failed and released its stock: the retry charges nothing and releases nothing twice.
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(0);
    expect((await readOrder(test, customer, order.id)).status).toBe('PAYMENT_FAILED');
    expect(await stockOf(test, product.id)).toBe(5);
  }, 60_000);
});

describe('a circuit that is open when a capture job runs', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({
      worker: true,
      // One failure opens the circuit; each order gets one attempt, so a fast-fail counted as
      // that attempt would fail the order.
      env: { PAYMENT_MAX_RETRIES: '0', PAYMENT_BREAKER_THRESHOLD: '1', PAYMENT_BREAKER_HALF_OPEN_MS: '5000', PAYMENT_JOB_MAX_ATTEMPTS: '1' },
    });
  });
  afterAll(() => test.stop());

  it('when the breaker fails a capture fast, then the job waits for it to half-open without spending the attempt, and the order is PAID', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 5 });
    test.paymentProvider.setBehaviour({ mode: 'fail', times: 1 });
    const first = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, first.id, 'PAYMENT_FAILED', 15_000);
    expect(test.gateway.circuitState).toBe('open');

    const second = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    // The job ran while the circuit was open: it failed fast and was put off, not failed.
    const putOff = await eventually(
      () => readOrder(test, customer, second.id),
      (order) => /not counted/.test(order.payment?.lastError ?? '') || order.status !== 'PENDING',
      { what: 'the capture job to meet the open circuit', timeoutMs: 15_000 },
    );
    expect(putOff).toMatchObject({ status: 'PENDING', payment: { status: 'PENDING', attempts: 0 } });

    const paid = await orderReaches(test, customer, second.id, 'PAID', 20_000);
    // Only the call that reached the provider counted.
    expect(paid.payment).toMatchObject({ status: 'CAPTURED', attempts: 1 });
    expect(test.paymentProvider.capturesFor(second.id)).toHaveLength(1);
    expect(test.paymentProvider.calls).toBe(2);
    // The first order's job reached the provider and was dead-lettered; nothing failed on the breaker.
    expect((await new FailedJobs(test.app.database).list()).map((j) => j.lastError)).toEqual(['payment provider answered 503']);
  }, 60_000);
});

describe('a capture that completes after we gave up', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({
      worker: true,
      env: { PAYMENT_TIMEOUT_MS: '300', PAYMENT_MAX_RETRIES: '0', PAYMENT_JOB_MAX_ATTEMPTS: '1' },
    });
  });
  afterAll(() => test.stop());

  it('when the only attempt times out but the provider charged anyway, then retrying the dead letter refunds the charge', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 5 });
    test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 1_000, times: 1 });

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAYMENT_FAILED');
    expect(await stockOf(test, product.id)).toBe(5);
    // The provider finishes the capture after our timeout: the customer has been charged.
    await eventually(async () => test.paymentProvider.capturesFor(order.id).length, (n) => n === 1, { what: 'the late capture' });

    const failedJobs = new FailedJobs(test.app.database);
    const [job] = await eventually(
      () => failedJobs.list(),
      (jobs) => jobs.some((j) => j.task === 'event:payments.capture-on-order-placed'),
      { what: 'the dead-lettered capture' },
    );
    await failedJobs.retry([job!.id]);

    const refunded = await eventually(
      () => readOrder(test, customer, order.id),
      (o) => o.payment?.status === 'REFUNDED',
      { what: 'the stray capture to be refunded' },
    );
    expect(refunded.status).toBe('PAYMENT_FAILED');
    expect(test.paymentProvider.refundsFor(order.id)).toHaveLength(1);
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
    expect(await stockOf(test, product.id)).toBe(5);
  }, 30_000);
});
