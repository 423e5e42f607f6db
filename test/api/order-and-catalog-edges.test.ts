import { CancelOrderDocument, FulfillOrderDocument, ProductDocument, RestockProductDocument, UpdateProductDocument } from '../generated/graphql';
import { createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { dataOf, errorCodes } from '../support/graphql-client';
import { customerAndProduct, orderOfNewProduct, startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/** Paths the contract promises that no other test walks: filters, cursors, validation, races. */
let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop({ worker: true })));
afterAll(() => test.stop());

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string; status?: string } }[];
}

const ORDERS = `query ($first: Int, $after: String, $status: OrderStatus) {
  orders(first: $first, after: $after, status: $status) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } }
}`;
const NOTIFICATIONS = `query ($first: Int, $after: String) {
  notifications(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
}`;

async function page(query: string, viewer: TestUser, variables: Record<string, unknown>): Promise<Page> {
  const result = await test.client.post<Record<string, Page>>({ query, variables }, { token: viewer.token });
  expect(result.errors).toBeUndefined();
  return Object.values(result.data!)[0]!;
}

/** Every node id, following endCursor two at a time. */
async function walk(query: string, viewer: TestUser, variables: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const current = await page(query, viewer, { ...variables, first: 2, after });
    ids.push(...current.edges.map((e) => e.node.id));
    if (!current.pageInfo.hasNextPage) return ids;
    after = current.pageInfo.endCursor!;
  }
}

describe('orders(status:) and cursors', () => {
  it('when filtered by status, then only orders in that status are listed and counted', async () => {
    const { customer, product, order: paid } = await orderOfNewProduct({ test, admin }, { stock: 10, reaches: 'PAID' });
    const cancelled = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    dataOf(await test.client.request(CancelOrderDocument, { id: cancelled.id }, { token: customer.token }));

    const onlyCancelled = await page(ORDERS, customer, { status: 'CANCELLED' });
    expect(onlyCancelled.edges.map((e) => e.node)).toEqual([{ id: cancelled.id, status: 'CANCELLED' }]);
    expect(onlyCancelled.totalCount).toBe(1);
    expect((await page(ORDERS, customer, { status: 'PAID' })).edges.map((e) => e.node.id)).toEqual([paid.id]);
    expect((await page(ORDERS, customer, { status: 'FULFILLED' })).totalCount).toBe(0);
  });

  it('when paging orders with after, then each order appears once, newest first', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 10 });
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) placed.push((await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }])).id);

    expect(await walk(ORDERS, customer)).toEqual([...placed].reverse());
  });

  it('when paging notifications with after, then each appears once and the pages add up to totalCount', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 10 });
    for (let i = 0; i < 3; i++) {
      const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
      await orderReaches(test, customer, order.id, 'PAID');
    }
    // Each order notifies its customer when placed and when paid: six once the worker is done.
    // The count and the list are separate statements, so a notification committed between them
    // can be counted and not yet listed: wait until both show all six.
    const all = await eventually(
      () => page(NOTIFICATIONS, customer, { first: 100 }),
      (p) => p.totalCount === 6 && p.edges.length === 6,
      { what: 'six notifications, counted and listed' },
    );

    const walked = await walk(NOTIFICATIONS, customer);
    expect(walked).toEqual(all.edges.map((e) => e.node.id));
  });

  it.each([
    ['orders', ORDERS],
    ['notifications', NOTIFICATIONS],
  ])('when the %s cursor is not one we issued, then BAD_USER_INPUT', async (_name, query) => {
    const customer = await signUpCustomer(test);
    const result = await test.client.post({ query, variables: { first: 2, after: 'not-a-cursor' } }, { token: customer.token });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('updateProduct and restockProduct validation', () => {
  it.each([
    ['a negative price', { priceAmount: -1 }],
    ['an empty name', { name: '' }],
  ])('when an update has %s, then BAD_USER_INPUT and the product is unchanged', async (_label, change) => {
    const product = await createProduct(test, admin, { priceAmount: 1000 });
    const result = await test.client.request(UpdateProductDocument, { id: product.id, input: { ...change, expectedVersion: 1 } }, { token: admin.token });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    const again = dataOf(await test.client.request(UpdateProductDocument, { id: product.id, input: { expectedVersion: 1 } }, { token: admin.token }));
    expect(again.updateProduct).toMatchObject({ version: 2 });
  });

  it('when a price variable overflows a 32-bit Int, then BAD_USER_INPUT', async () => {
    const product = await createProduct(test, admin);
    const result = await test.client.post(
      { query: 'mutation ($id: ID!, $price: Int) { updateProduct(id: $id, input: { priceAmount: $price, expectedVersion: 1 }) { id } }', variables: { id: product.id, price: 2_147_483_648 } },
      { token: admin.token },
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['a negative quantity', -5],
    ['a quantity that overflows the stock', 2_147_483_647],
  ])('when a restock has %s, then BAD_USER_INPUT and the stock is unchanged', async (_label, quantity) => {
    const product = await createProduct(test, admin, { stock: 3 });
    const result = await test.client.request(RestockProductDocument, { id: product.id, quantity }, { token: admin.token });
    expect(result.status).toBeLessThan(500);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    const { restockProduct } = dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 1 }, { token: admin.token }));
    expect(restockProduct.stock).toBe(4);
  });
});

describe('fulfilment and cancellation races', () => {
  it('when an admin fulfils a PENDING order, then CONFLICT and it stays PENDING until paid', async () => {
    const { customer, product } = await customerAndProduct({ test, admin });
    test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 1_500, times: 1 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);

    expect(errorCodes(await test.client.request(FulfillOrderDocument, { id: order.id }, { token: admin.token }))).toEqual(['CONFLICT']);
    await orderReaches(test, customer, order.id, 'PAID');
  });

  it('when a customer cancels while the capture is in flight, then the order ends CANCELLED with the charge refunded and stock back', async () => {
    const { customer, product } = await customerAndProduct({ test, admin }, { stock: 4 });
    test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 1_500, times: 1 });
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);
    await eventually(async () => test.paymentProvider.requestsInFlight, (n) => n > 0, { what: 'the capture to reach the provider' });

    const cancelled = dataOf(await test.client.request(CancelOrderDocument, { id: order.id }, { token: customer.token })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');

    // The capture lands after the cancel: it must not resurrect the order, and the money goes back.
    const refunded = await orderReaches(test, customer, order.id, 'REFUNDED', 20_000);
    expect(refunded.payment?.status).toBe('REFUNDED');
    expect(test.paymentProvider.capturesFor(order.id)).toHaveLength(1);
    expect(test.paymentProvider.refundsFor(order.id)).toHaveLength(1);
    expect(dataOf(await test.client.request(ProductDocument, { id: product.id })).product!.stock).toBe(4);
  });
});
