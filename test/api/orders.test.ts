import { randomUUID } from 'node:crypto';
import {
  CancelOrderDocument,
  FulfillOrderDocument,
  MarkNotificationReadDocument,
  MyOrdersDocument,
  NotificationsDocument,
  OrderDocument,
  OrdersDocument,
  PlaceOrderDocument,
  ProductDocument,
} from '../generated/graphql';
import { createAdmin, createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { dataOf, errorCodes } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

let test: TestApp;
let admin: TestUser;
beforeAll(async () => {
  test = await startTestApp({ worker: true });
  admin = await createAdmin(test);
});
afterAll(() => test.stop());

const stockOf = async (id: string) => dataOf(await test.client.request(ProductDocument, { id })).product!.stock;

describe('placing an order', () => {
  it('when a customer orders, then the order is PENDING with catalog prices and becomes PAID once captured', async () => {
    const customer = await signUpCustomer(test);
    const keyboard = await createProduct(test, admin, { priceAmount: 4999, stock: 5 });
    const mouse = await createProduct(test, admin, { priceAmount: 1500, stock: 5 });

    const order = await placeOrder(test, customer, [
      { productId: keyboard.id, quantity: 2 },
      { productId: mouse.id, quantity: 1 },
    ]);

    expect(order.status).toBe('PENDING');
    expect(order.total).toEqual({ amount: 2 * 4999 + 1500, currency: 'EUR' });
    expect(order.items.map((i) => [i.product.id, i.quantity, i.subtotal.amount])).toEqual([
      [keyboard.id, 2, 9998],
      [mouse.id, 1, 1500],
    ]);
    expect(order.customer.id).toBe(customer.id);
    expect(await stockOf(keyboard.id)).toBe(3);

    const paid = await orderReaches(test, customer, order.id, 'PAID');
    expect(paid.payment).toMatchObject({ status: 'CAPTURED', attempts: 1, lastError: null, amount: { amount: 11498, currency: 'EUR' } });
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
  });

  it('when the order is placed, then ORDER_PLACED and ORDER_PAID notifications arrive and it lands in analytics', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAID');

    const notifications = await eventually(
      async () => dataOf(await test.client.request(NotificationsDocument, {}, { token: customer.token })).notifications,
      (n) => n.edges.length === 2 && n.totalCount === 2,
      { what: 'two notifications' },
    );
    expect(notifications.edges.map((e) => e.node.kind).sort()).toEqual(['ORDER_PAID', 'ORDER_PLACED']);
    expect(notifications.edges.every((e) => e.node.order?.id === order.id)).toBe(true);
    const analytics = await test.app.dataSource.query(`SELECT type, payload FROM analytics_events WHERE payload->>'orderId' = $1`, [order.id]);
    expect(analytics).toEqual([{ type: 'OrderPlaced', payload: expect.objectContaining({ orderId: order.id, customerId: customer.id }) }]);
  });

  it('when stock is insufficient, then CONFLICT names the product and nothing is written', async () => {
    const customer = await signUpCustomer(test);
    const plenty = await createProduct(test, admin, { stock: 10 });
    const scarce = await createProduct(test, admin, { stock: 1 });
    const jobsBefore = await countJobs();

    const result = await test.client.request(
      PlaceOrderDocument,
      { input: { items: [{ productId: plenty.id, quantity: 1 }, { productId: scarce.id, quantity: 2 }], idempotencyKey: randomUUID() } },
      { token: customer.token },
    );

    expect(errorCodes(result)).toEqual(['CONFLICT']);
    expect(result.errors![0]!.message).toContain(scarce.id);
    expect(result.errors![0]!.extensions).toMatchObject({ productId: scarce.id, requested: 2, available: 1 });
    expect([await stockOf(plenty.id), await stockOf(scarce.id)]).toEqual([10, 1]);
    const orders = await test.app.dataSource.query('SELECT count(*)::int AS n FROM orders WHERE customer_id = $1', [customer.id]);
    expect(orders[0].n).toBe(0);
    // A rolled-back order enqueues nothing: no event jobs appeared.
    expect(await countJobs()).toBe(jobsBefore);
  });

  it.each([
    ['no lines', [], 'input.items'],
    ['quantity 0', [{ quantity: 0 }], 'input.items.0.quantity'],
    ['quantity 1001', [{ quantity: 1001 }], 'input.items.0.quantity'],
    ['an unknown product', [{ productId: '00000000-0000-4000-8000-000000000000' }], 'input.items.0.productId'],
    ['a malformed product id', [{ productId: 'nope' }], 'input.items.0.productId'],
  ])('when the order has %s, then BAD_USER_INPUT names the field', async (_name, lines, path) => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const items = (lines as { productId?: string; quantity?: number }[]).map((l) => ({ productId: product.id, quantity: 1, ...l }));
    const result = await test.client.request(PlaceOrderDocument, { input: { items, idempotencyKey: randomUUID() } }, { token: customer.token });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect((result.errors![0]!.extensions.fields as { path: string }[]).map((f) => f.path)).toContain(path);
  });

  it('when a product appears twice or there are 51 lines, then BAD_USER_INPUT', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const twice = await test.client.request(
      PlaceOrderDocument,
      { input: { items: [{ productId: product.id, quantity: 1 }, { productId: product.id, quantity: 2 }], idempotencyKey: randomUUID() } },
      { token: customer.token },
    );
    expect(errorCodes(twice)).toEqual(['BAD_USER_INPUT']);
    const many = Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 }));
    const tooMany = await test.client.request(PlaceOrderDocument, { input: { items: many, idempotencyKey: randomUUID() } }, { token: customer.token });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
  });

  it('when nobody is signed in, then placing an order is UNAUTHENTICATED', async () => {
    const product = await createProduct(test, admin);
    const result = await test.client.request(PlaceOrderDocument, { input: { items: [{ productId: product.id, quantity: 1 }], idempotencyKey: 'k' } });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('idempotency keys', () => {
  it('when the same key and items are sent again, then the same order returns and stock is taken once', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 10 });
    const key = randomUUID();
    const first = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }], key);
    const again = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }], key);
    expect(again.id).toBe(first.id);
    expect(await stockOf(product.id)).toBe(7);
  });

  it('when the same key comes with other items, then IDEMPOTENCY_KEY_REUSED', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 10 });
    const key = randomUUID();
    await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }], key);
    const reused = await test.client.request(
      PlaceOrderDocument,
      { input: { items: [{ productId: product.id, quantity: 2 }], idempotencyKey: key } },
      { token: customer.token },
    );
    expect(errorCodes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('when two customers use the same key, then each gets their own order', async () => {
    const [a, b] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin, { stock: 10 });
    const key = randomUUID();
    const orderA = await placeOrder(test, a, [{ productId: product.id, quantity: 1 }], key);
    const orderB = await placeOrder(test, b, [{ productId: product.id, quantity: 1 }], key);
    expect(orderA.id).not.toBe(orderB.id);
  });
});

describe('who sees which orders', () => {
  it("when a customer asks for someone else's order, then it is NOT_FOUND, as an unknown one", async () => {
    const [owner, other] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, owner, [{ productId: product.id, quantity: 1 }]);

    const result = await test.client.request(OrderDocument, { id: order.id }, { token: other.token });
    const unknown = await test.client.request(OrderDocument, { id: randomUUID() }, { token: other.token });
    const malformed = await test.client.request(OrderDocument, { id: 'x' }, { token: other.token });

    expect([errorCodes(result), errorCodes(unknown), errorCodes(malformed)]).toEqual([['NOT_FOUND'], ['NOT_FOUND'], ['NOT_FOUND']]);
    expect(dataOf(await test.client.request(OrderDocument, { id: order.id }, { token: admin.token })).order?.id).toBe(order.id);
  });

  it('when listing orders, then customers see their own and admins see everyone’s', async () => {
    const [a, b] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin, { stock: 20 });
    const mine = [await placeOrder(test, a, [{ productId: product.id, quantity: 1 }]), await placeOrder(test, a, [{ productId: product.id, quantity: 1 }])];
    const theirs = await placeOrder(test, b, [{ productId: product.id, quantity: 1 }]);

    const own = dataOf(await test.client.request(OrdersDocument, { first: 100 }, { token: a.token })).orders;
    expect(own.edges.map((e) => e.node.id).sort()).toEqual(mine.map((o) => o.id).sort());
    expect(own.totalCount).toBe(2);

    const all = dataOf(await test.client.request(OrdersDocument, { first: 100 }, { token: admin.token })).orders;
    expect(all.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([...mine.map((o) => o.id), theirs.id]));

    const me = dataOf(await test.client.request(MyOrdersDocument, { first: 10 }, { token: a.token })).me!;
    expect(me.orders.totalCount).toBe(2);
  });

  it("when a customer reaches another user's orders through the graph, then FORBIDDEN", async () => {
    const [author, reader] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    await test.client.post(
      { query: 'mutation ($p: ID!) { addReview(input: {productId: $p, rating: 4, body: "fine"}) { id } }', variables: { p: product.id } },
      { token: author.token },
    );
    const query = 'query ($p: ID!) { product(id: $p) { reviews { edges { node { author { id orders { totalCount } } } } } } }';
    const asReader = await test.client.post({ query, variables: { p: product.id } }, { token: reader.token });
    expect(errorCodes(asReader)).toEqual(['FORBIDDEN']);
    const asAuthor = await test.client.post({ query, variables: { p: product.id } }, { token: author.token });
    expect(asAuthor.errors).toBeUndefined();
  });

  it('when anonymous, then listing orders is UNAUTHENTICATED', async () => {
    expect(errorCodes(await test.client.request(OrdersDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('cancelling and fulfilling', () => {
  it('when a PAID order is cancelled, then stock returns at once and the payment is refunded', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 4 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }]);
    await orderReaches(test, customer, order.id, 'PAID');

    const cancelled = dataOf(await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    expect(await stockOf(product.id)).toBe(4);

    const refunded = await orderReaches(test, customer, order.id, 'REFUNDED');
    expect(refunded.payment?.status).toBe('REFUNDED');
    expect(test.paymentProvider.refundsFor(order.id)).toHaveLength(1);
    expect(await stockOf(product.id)).toBe(4);
  });

  it('when an order is cancelled twice, then the second is a CONFLICT and stock is released once', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 4 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);
    await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token });
    const again = await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(await stockOf(product.id)).toBe(4);
  });

  it("when someone else cancels a customer's order, then NOT_FOUND", async () => {
    const [owner, other] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, owner, [{ productId: product.id, quantity: 1 }]);
    expect(errorCodes(await test.client.request(CancelOrderDocument, { id: order.id }, { token: other.token }))).toEqual(['NOT_FOUND']);
  });

  it('when an admin fulfils a PAID order, then it is FULFILLED; a customer may not, and a FULFILLED order cannot be cancelled', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAID');

    expect(errorCodes(await test.client.request(FulfillOrderDocument, { id: order.id }, { token: customer.token }))).toEqual(['FORBIDDEN']);
    const fulfilled = dataOf(await test.client.request(FulfillOrderDocument, { id: order.id }, { token: admin.token })).fulfillOrder;
    expect(fulfilled.status).toBe('FULFILLED');
    expect(errorCodes(await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token }))).toEqual(['CONFLICT']);
  });

  it('when the provider declines, then the order is PAYMENT_FAILED, the payment FAILED and stock released', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 5 });
    test.paymentProvider.setBehaviour({ mode: 'decline', times: 1 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);

    const failed = await orderReaches(test, customer, order.id, 'PAYMENT_FAILED');
    expect(failed.payment).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(failed.payment?.lastError).toContain('declined');
    expect(await stockOf(product.id)).toBe(5);
  });
});

describe('notifications', () => {
  it('when a customer marks a notification read, then it is read; someone else gets NOT_FOUND', async () => {
    const [customer, other] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    const unread = await eventually(
      async () => dataOf(await test.client.request(NotificationsDocument, { unreadOnly: true }, { token: customer.token })).notifications,
      (n) => n.edges.length >= 1,
      { what: 'a notification' },
    );
    const id = unread.edges[0]!.node.id;

    expect(errorCodes(await test.client.request(MarkNotificationReadDocument, { id }, { token: other.token }))).toEqual(['NOT_FOUND']);
    const read = dataOf(await test.client.request(MarkNotificationReadDocument, { id }, { token: customer.token })).markNotificationRead;
    expect(read.readAt).not.toBeNull();
    const stillUnread = dataOf(await test.client.request(NotificationsDocument, { unreadOnly: true }, { token: customer.token })).notifications;
    expect(stillUnread.edges.map((e) => e.node.id)).not.toContain(id);
  });
});

async function countJobs(): Promise<number> {
  // Response-cache invalidations of the products the test just created may still be pending.
  const [row] = await test.app.dataSource.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier NOT LIKE 'event:response-cache.%'`);
  return row.n;
}
