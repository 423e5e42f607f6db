import { randomUUID } from 'node:crypto';
import {
  CancelOrderDocument,
  FulfillOrderDocument,
  MarkNotificationReadDocument,
  MyOrdersDocument,
  NotificationsDocument,
  OrderDocument,
  OrdersDocument,
} from '../generated/graphql';
import { createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { stockOf } from '../support/catalog';
import { dataOf, errorCodes } from '../support/graphql-client';
import { customerAndProduct, orderOfNewProduct, startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/** An order after it is placed: who may see it, cancelling, fulfilling, a declined payment, its notifications. */
let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop({ worker: true })));
afterAll(() => test.stop());

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
    const { customer, product, order } = await orderOfNewProduct({ test, admin }, { stock: 4, quantity: 3, reaches: 'PAID' });

    const cancelled = dataOf(await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    expect(await stockOf(test, product.id)).toBe(4);

    const refunded = await orderReaches(test, customer, order.id, 'REFUNDED');
    expect(refunded.payment?.status).toBe('REFUNDED');
    expect(test.paymentProvider.refundsFor(order.id)).toHaveLength(1);
    expect(await stockOf(test, product.id)).toBe(4);
  });

  it('when an order is cancelled twice, then the second is a CONFLICT and stock is released once', async () => {
    const { customer, product, order } = await orderOfNewProduct({ test, admin }, { stock: 4, quantity: 2 });
    await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token });
    const again = await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(await stockOf(test, product.id)).toBe(4);
  });

  it("when someone else cancels a customer's order, then NOT_FOUND", async () => {
    const [owner, other] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, owner, [{ productId: product.id, quantity: 1 }]);
    expect(errorCodes(await test.client.request(CancelOrderDocument, { id: order.id }, { token: other.token }))).toEqual(['NOT_FOUND']);
  });

  it('when an admin fulfils a PAID order, then it is FULFILLED; a customer may not, and a FULFILLED order cannot be cancelled', async () => {
    const { customer, order } = await orderOfNewProduct({ test, admin }, { reaches: 'PAID' });

    expect(errorCodes(await test.client.request(FulfillOrderDocument, { id: order.id }, { token: customer.token }))).toEqual(['FORBIDDEN']);
    const fulfilled = dataOf(await test.client.request(FulfillOrderDocument, { id: order.id }, { token: admin.token })).fulfillOrder;
    expect(fulfilled.status).toBe('FULFILLED');
    expect(errorCodes(await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token }))).toEqual(['CONFLICT']);
  });

  it('when the provider declines, then the order is PAYMENT_FAILED, the payment FAILED and stock released', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 5 });
    test.paymentProvider.setBehaviour({ mode: 'decline', times: 1 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);

    const failed = await orderReaches(test, customer, order.id, 'PAYMENT_FAILED');
    expect(failed.payment).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(failed.payment?.lastError).toContain('declined');
    expect(await stockOf(test, product.id)).toBe(5);
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

