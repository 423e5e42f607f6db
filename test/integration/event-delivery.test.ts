import { randomUUID } from 'node:crypto';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { placeOrder } from '../factories/orders';
import { enqueuedJobs, runningJob } from '../support/jobs';
import { startTestApp, type TestApp } from '../support/test-app';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp({ worker: false });
});
afterAll(() => test.stop());

const jobsNamed = (task: string) => enqueuedJobs(test.app.database, task);

it('when a transaction that published an event rolls back, then no job exists for it', async () => {
  const { database, application } = test.app;
  const before = (await jobsNamed('event:notifications.on-order-placed')).length;
  await expect(
    database.transaction(async () => {
      await application.events.publish('OrderPlaced', {
        orderId: randomUUID(),
        customerId: randomUUID(),
        total: { amount: 1, currency: 'EUR' },
        items: [],
        placedAt: new Date().toISOString(),
      });
      throw new Error('the change failed after publishing');
    }),
  ).rejects.toThrow('the change failed');
  expect(await jobsNamed('event:notifications.on-order-placed')).toHaveLength(before);
});

it('when an event is published outside a transaction, then it is refused', async () => {
  await expect(
    test.app.application.events.publish('StockChanged', { productId: randomUUID(), stock: 1, productVersion: 2, at: new Date().toISOString() }),
  ).rejects.toThrow(/outside a transaction/);
});

it('when an order is placed, then each subscribed handler gets its own job', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  for (const task of ['event:payments.capture-on-order-placed', 'event:notifications.on-order-placed', 'event:analytics.record-order-placed']) {
    const jobs = await jobsNamed(task);
    expect(jobs.filter((j) => JSON.stringify(j.payload).includes(order.id))).toHaveLength(1);
  }
});

it('when the same event job is delivered twice, then the handler acts once', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  const task = 'event:notifications.on-order-placed';
  const job = (await jobsNamed(task)).find((j) => JSON.stringify(j.payload).includes(order.id))!;
  const handler = test.app.application.jobHandlers.get(task)!;

  await handler(job.payload, runningJob(task));
  await handler(job.payload, runningJob(task));

  const rows = await test.app.database.query('SELECT kind FROM notifications WHERE order_id = $1', [order.id]);
  expect(rows).toEqual([{ kind: 'ORDER_PLACED' }]);
  const emails = await jobsNamed('notifications.send-email');
  expect(emails.filter((j) => JSON.stringify(j.payload).includes(order.id.slice(0, 8)))).toHaveLength(1);
});

it('when analytics_events is updated or deleted, then the database refuses: it is append-only', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  const task = 'event:analytics.record-order-placed';
  const job = (await jobsNamed(task)).find((j) => JSON.stringify(j.payload).includes(order.id))!;
  await test.app.application.jobHandlers.get(task)!(job.payload, runningJob(task));

  await expect(test.app.database.query(`UPDATE analytics_events SET type = 'x'`)).rejects.toThrow(/append-only/);
  await expect(test.app.database.query(`DELETE FROM analytics_events`)).rejects.toThrow(/append-only/);
});
