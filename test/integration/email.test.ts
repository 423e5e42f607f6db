import { NotificationsDocument } from '../generated/graphql';
import { NodemailerEmailSender } from '../../src/integration/email/nodemailer-email-sender';
import { createLogger } from '../../src/platform/logger';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { dataOf } from '../support/graphql-client';
import { startSmtpSink } from '../support/smtp-sink';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

let test: TestApp;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
  const email = new NodemailerEmailSender({ smtpUrl: sink.url, from: 'shop@example.com', timeoutMs: 2_000, logger: createLogger({ level: 'silent' }) });
  test = await startTestApp({ worker: true, email });
});
afterAll(async () => {
  await test.stop();
  await sink.stop();
});

it('when an order is placed, then the confirmation email reaches the SMTP server with the order id, and the notification exists', async () => {
  const admin = await createAdmin(test);
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);

  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  await orderReaches(test, customer, order.id, 'PAID');

  const confirmation = await eventually(
    async () => sink.received.find((m) => m.to.includes(customer.email) && /Order confirmation/.test(m.raw)),
    (m) => m !== undefined,
    { what: 'the confirmation email' },
  );
  expect(confirmation!.raw).toContain(order.id);
  const notifications = dataOf(await test.client.request(NotificationsDocument, {}, { token: customer.token })).notifications;
  expect(notifications.edges.map((e) => [e.node.kind, e.node.order?.id])).toContainEqual(['ORDER_PLACED', order.id]);
});

it('when the email job runs twice for one notification, then one email is sent', async () => {
  const customer = await signUpCustomer(test);
  const before = sink.received.length;
  const job = { userId: customer.id, subject: 'Once only', text: 'hello', dedupeKey: `test-${customer.id}` };

  await test.app.modules.notifications.service.sendEmail(job);
  await test.app.modules.notifications.service.sendEmail(job);

  expect(sink.received.slice(before).filter((m) => m.to.includes(customer.email))).toHaveLength(1);
});

it('when two deliveries of one email job run at the same time, then one email is sent', async () => {
  const customer = await signUpCustomer(test);
  const before = sink.received.length;
  const job = { userId: customer.id, subject: 'At once', text: 'hello', dedupeKey: `concurrent-${customer.id}` };

  await Promise.all([test.app.modules.notifications.service.sendEmail(job), test.app.modules.notifications.service.sendEmail(job)]);

  expect(sink.received.slice(before).filter((m) => m.to.includes(customer.email))).toHaveLength(1);
});
