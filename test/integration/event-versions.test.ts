import { randomUUID } from 'node:crypto';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { placeOrder } from '../factories/orders';
import { EVENT_VERSIONS } from '../../src/composition';
import { enqueuedJobs, runningJob } from '../support/jobs';
import { startTestApp, type TestApp } from '../support/test-app';

// Jobs outlive a deploy: a job enqueued by the previous release runs on this one.
let test: TestApp;
beforeAll(async () => {
  test = await startTestApp({ worker: false });
});
afterAll(() => test.stop());

const runJob = (task: string, payload: unknown) => test.app.application.jobHandlers.get(task)!(payload, runningJob(task));

/** A version-1 job: enqueued before payloads carried their event name and version. */
function unstampedOrderPlaced(orderId: string, customerId: string) {
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    occurredAt: new Date().toISOString(),
    payload: {
      orderId,
      customerId,
      total: { amount: 1250, currency: 'EUR' },
      items: [{ productId: randomUUID(), quantity: 1, unitPriceAmount: 1250 }],
      placedAt: new Date().toISOString(),
    },
  };
}

it('when an order is placed, then its event payload carries the event name and current version', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  const job = (await enqueuedJobs(test.app.database, 'event:analytics.record-order-placed')).find((j) => j.payload.payload?.orderId === order.id);
  expect(job?.payload.payload).toMatchObject({ event: 'OrderPlaced', version: EVENT_VERSIONS.OrderPlaced.current, orderId: order.id });
});

it('when a job of the previous version runs, then the handler handles it as the current version', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  const job = unstampedOrderPlaced(order.id, customer.id);

  await runJob('event:notifications.on-order-placed', job);
  await runJob('event:analytics.record-order-placed', job);

  const notifications = await test.app.database.query('SELECT kind, message FROM notifications WHERE order_id = $1', [job.payload.orderId]);
  expect(notifications).toEqual([{ kind: 'ORDER_PLACED', message: expect.stringContaining('€12.50') }]);
  const [recorded] = await test.app.database.query('SELECT payload FROM analytics_events WHERE event_id = $1', [job.eventId]);
  expect(recorded.payload).toMatchObject({ event: 'OrderPlaced', version: 2, orderId: job.payload.orderId });
});

it('when a job of a version newer than this release runs, then it fails (to be retried) and changes nothing', async () => {
  const customer = await signUpCustomer(test);
  const job = unstampedOrderPlaced(randomUUID(), customer.id);
  const newer = { ...job, payload: { ...job.payload, event: 'OrderPlaced', version: EVENT_VERSIONS.OrderPlaced.current + 1 } };

  await expect(runJob('event:notifications.on-order-placed', newer)).rejects.toThrow(/newer than this release/);

  expect(await test.app.database.query('SELECT 1 FROM notifications WHERE order_id = $1', [job.payload.orderId])).toEqual([]);
});
