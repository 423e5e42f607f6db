import { randomUUID } from 'node:crypto';
import { NotificationsDocument, PlaceOrderDocument } from '../generated/graphql';
import { createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder, tryPlaceOrder } from '../factories/orders';
import { stockOf } from '../support/catalog';
import { dataOf, errorCodes } from '../support/graphql-client';
import { jobsToRun } from '../support/jobs';
import { customerAndProduct, orderOfNewProduct, startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/** Placing an order: prices, stock, payment, what it sets off, input checks and idempotency keys. */
let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop({ worker: true })));
afterAll(() => test.stop());

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
    expect(await stockOf(test, keyboard.id)).toBe(3);

    const paid = await orderReaches(test, customer, order.id, 'PAID');
    expect(paid.payment).toMatchObject({ status: 'CAPTURED', attempts: 1, lastError: null, amount: { amount: 11498, currency: 'EUR' } });
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
  });

  it('when the order is placed, then ORDER_PLACED and ORDER_PAID notifications arrive and it lands in analytics', async () => {
    const { customer, order } = await orderOfNewProduct({ test, admin }, { reaches: 'PAID' });

    const notifications = await eventually(
      async () => dataOf(await test.client.request(NotificationsDocument, {}, { token: customer.token })).notifications,
      (n) => n.edges.length === 2 && n.totalCount === 2,
      { what: 'two notifications' },
    );
    expect(notifications.edges.map((e) => e.node.kind).sort()).toEqual(['ORDER_PAID', 'ORDER_PLACED']);
    expect(notifications.edges.every((e) => e.node.order?.id === order.id)).toBe(true);
    const analytics = await test.app.database.query(`SELECT type, payload FROM analytics_events WHERE payload->>'orderId' = $1`, [order.id]);
    expect(analytics).toEqual([{ type: 'OrderPlaced', payload: expect.objectContaining({ orderId: order.id, customerId: customer.id }) }]);
  });

  it('when stock is insufficient, then CONFLICT names the product and nothing is written', async () => {
    const customer = await signUpCustomer(test);
    const plenty = await createProduct(test, admin, { stock: 10 });
    const scarce = await createProduct(test, admin, { stock: 1 });
    const jobsBefore = await countJobs();

    const result = await tryPlaceOrder(test, customer, [{ productId: plenty.id, quantity: 1 }, { productId: scarce.id, quantity: 2 }]);

    expect(errorCodes(result)).toEqual(['CONFLICT']);
    expect(result.errors![0]!.message).toContain(scarce.id);
    expect(result.errors![0]!.extensions).toMatchObject({ productId: scarce.id, requested: 2, available: 1 });
    expect([await stockOf(test, plenty.id), await stockOf(test, scarce.id)]).toEqual([10, 1]);
    const orders = await test.app.database.query('SELECT count(*)::int AS n FROM orders WHERE customer_id = $1', [customer.id]);
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
    const { customer, product } = await customerAndProduct({ test, admin });
    const items = (lines as { productId?: string; quantity?: number }[]).map((l) => ({ productId: product.id, quantity: 1, ...l }));
    const result = await tryPlaceOrder(test, customer, items);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect((result.errors![0]!.extensions.fields as { path: string }[]).map((f) => f.path)).toContain(path);
  });

  it('when a product appears twice or there are 51 lines, then BAD_USER_INPUT', async () => {
    const { customer, product } = await customerAndProduct({ test, admin });
    const twice = await tryPlaceOrder(test, customer, [{ productId: product.id, quantity: 1 }, { productId: product.id, quantity: 2 }]);
    expect(errorCodes(twice)).toEqual(['BAD_USER_INPUT']);
    const many = Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 }));
    const tooMany = await tryPlaceOrder(test, customer, many);
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
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 10 });
    const key = randomUUID();
    const first = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }], key);
    const again = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }], key);
    expect(again.id).toBe(first.id);
    expect(await stockOf(test, product.id)).toBe(7);
  });

  it('when the same key comes with other items, then IDEMPOTENCY_KEY_REUSED', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 10 });
    const key = randomUUID();
    await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }], key);
    const reused = await tryPlaceOrder(test, customer, [{ productId: product.id, quantity: 2 }], key);
    expect(errorCodes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('when the same key and items come again after the stock ran out, then the same order returns, not CONFLICT', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 3 });
    const key = randomUUID();
    const first = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }], key);
    expect(await stockOf(test, product.id)).toBe(0);

    const again = await placeOrder(test, customer, [{ productId: product.id, quantity: 3 }], key);
    expect(again.id).toBe(first.id);
    expect(await stockOf(test, product.id)).toBe(0);
  });

  it('when the same key comes with other items that the stock cannot cover, then IDEMPOTENCY_KEY_REUSED, not CONFLICT', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 2 });
    const key = randomUUID();
    await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }], key);
    const reused = await tryPlaceOrder(test, customer, [{ productId: product.id, quantity: 5 }], key);
    expect(errorCodes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await stockOf(test, product.id)).toBe(1);
  });

  it('when a new key is refused for stock, then CONFLICT and the key stays free for a later order', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 1 });
    const key = randomUUID();
    const refused = await tryPlaceOrder(test, customer, [{ productId: product.id, quantity: 2 }], key);
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    const placed = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }], key);
    expect(placed.status).toBe('PENDING');
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


async function countJobs(): Promise<number> {
  // Response-cache invalidations of the products the test just created may still be pending.
  return jobsToRun(test.app.database, { notLike: 'event:response-cache.%' });
}
