import { randomUUID } from 'node:crypto';
import { createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { EVENT_VERSIONS } from '../../src/composition';
import { createLogger } from '../../src/platform/logger';
import type { RunningJob } from '../../src/platform/jobs';
import { dataOf } from '../support/graphql-client';
import { jobsToRun } from '../support/jobs';
import { connectLive, type LiveClient } from '../support/ws-client';
import { startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * Live updates are not resumable and a retried publish may repeat one, so every update carries
 * the version of the state it shows: versions grow with each change, and a repeat carries the
 * version it repeats, so a client drops whatever is not above the version it holds.
 */
const ORDER_UPDATED = 'subscription ($id: ID) { orderUpdated(id: $id) { id status version } }';
const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock version } }';

type OrderUpdate = { orderUpdated: { id: string; status: string; version: number } };
type StockUpdate = { stockChanged: { productId: string; stock: number; version: number } };

let test: TestApp;
let admin: TestUser;
const clients: LiveClient[] = [];
beforeAll(async () => ({ test, admin } = await startShop({ worker: true })));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => test.stop());

function subscribe<T>(query: string, variables: Record<string, unknown>, token?: string) {
  const client = connectLive(test.url, token);
  clients.push(client);
  return client.subscribe<T>(query, variables);
}
const subscriptionsOpen = (count: number) =>
  eventually(async () => test.api.ws.subscriptionCount, (n) => n >= count, { what: `${count} open subscriptions` });

/** Waits until the worker has published every live update queued so far (so none arrives late). */
const livePublishesDone = () =>
  eventually(
    async () =>
      (await jobsToRun(test.app.database, { like: 'event:orders.live-on-%' })) + (await jobsToRun(test.app.database, { like: 'event:catalog.live-on-stock-changed' })),
    (n) => n === 0,
    { what: 'no live-update job left' },
  );

/** Runs an event job by hand, as the worker would deliver it (again, or from an older release). */
function deliver(handler: string, type: string, payload: Record<string, unknown>, attempt: number, eventId: string = randomUUID()) {
  const task = `event:${handler}`;
  const job: RunningJob = { id: '0', task, attempt, maxAttempts: 5, isFinalAttempt: false, logger: createLogger({ level: 'silent' }) };
  return test.app.application.jobHandlers.get(task)!({ eventId, type, occurredAt: new Date().toISOString(), payload }, job);
}

const readOrderVersion = async (token: string, id: string) =>
  dataOf(await test.client.post<{ order: { version: number } }>({ query: 'query ($id: ID!) { order(id: $id) { version } }', variables: { id } }, { token }))
    .order.version;
const readProduct = async (id: string) =>
  dataOf(await test.client.post<{ product: { stock: number; version: number } }>({ query: 'query ($id: ID!) { product(id: $id) { stock version } }', variables: { id } }))
    .product;

const restock = async (id: string, quantity: number) =>
  dataOf(
    await test.client.post<{ restockProduct: { stock: number; version: number } }>(
      { query: 'mutation ($id: ID!, $q: Int!) { restockProduct(id: $id, quantity: $q) { stock version } }', variables: { id, q: quantity } },
      { token: admin.token },
    ),
  ).restockProduct;

/**
 * A paid order (fulfilled too, if asked) whose live updates have all gone out, a subscription to
 * it, and the payload of its PENDING to PAID change in a given event version.
 */
async function paidOrderWatched(options: { fulfilled: boolean }) {
  const customer = await signUpCustomer(test);
  const product = await createProduct(test, admin);
  const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
  await orderReaches(test, customer, order.id, 'PAID');
  if (options.fulfilled) {
    dataOf(await test.client.post({ query: 'mutation ($id: ID!) { fulfillOrder(id: $id) { id } }', variables: { id: order.id } }, { token: admin.token }));
  }
  await livePublishesDone();
  const before = test.api.ws.subscriptionCount;
  const updates = subscribe<OrderUpdate>(ORDER_UPDATED, { id: order.id }, customer.token);
  await subscriptionsOpen(before + 1);
  const paidEvent = (version: number, fields: Record<string, unknown> = {}) => ({
    event: 'OrderStatusChanged',
    version,
    orderId: order.id,
    customerId: customer.id,
    from: 'PENDING',
    to: 'PAID',
    total: order.total,
    placedAt: order.createdAt,
    at: new Date().toISOString(),
    ...fields,
  });
  return { order, updates, paidEvent };
}

describe('orderUpdated', () => {
  it('when an order is placed, paid and fulfilled, then each update carries a higher version, the last one the order has', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const before = test.api.ws.subscriptionCount;
    const updates = subscribe<OrderUpdate>(ORDER_UPDATED, {}, customer.token);
    await subscriptionsOpen(before + 1);

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, customer, order.id, 'PAID');
    dataOf(await test.client.post({ query: 'mutation ($id: ID!) { fulfillOrder(id: $id) { id } }', variables: { id: order.id } }, { token: admin.token }));
    const events = (await updates.waitFor(3)).map((e) => e.orderUpdated);

    expect(events.map((e) => [e.status, e.version])).toEqual([
      ['PENDING', 1],
      ['PAID', 2],
      ['FULFILLED', 3],
    ]);
    expect(await readOrderVersion(customer.token, order.id)).toBe(3);
  });

  it('when a status change is published again, then the repeat carries the version it repeats, so a client can drop it', async () => {
    const { updates, paidEvent } = await paidOrderWatched({ fulfilled: false });
    const paid = paidEvent(EVENT_VERSIONS.OrderStatusChanged.current, { orderVersion: 2 });

    // A first attempt delivered twice (a worker lost after publishing), then a retried attempt:
    // that one publishes the order as it is now, which is still version 2.
    await deliver('orders.live-on-status-changed', 'OrderStatusChanged', paid, 1);
    await deliver('orders.live-on-status-changed', 'OrderStatusChanged', paid, 1);
    await deliver('orders.live-on-status-changed', 'OrderStatusChanged', paid, 2);
    const events = (await updates.waitFor(3)).map((e) => e.orderUpdated);

    expect(events.map((e) => [e.status, e.version])).toEqual([
      ['PAID', 2],
      ['PAID', 2],
      ['PAID', 2],
    ]);
  });

  it('when a status-change job of event version 2 (no order version) runs, then it publishes the order as it is now, with its version', async () => {
    const { order, updates, paidEvent } = await paidOrderWatched({ fulfilled: true });
    const versionTwo = paidEvent(2);

    const eventId = randomUUID();
    await deliver('orders.live-on-status-changed', 'OrderStatusChanged', versionTwo, 1, eventId);
    await deliver('notifications.on-order-status-changed', 'OrderStatusChanged', versionTwo, 1, eventId);

    // The job from before versions were published says PAID; the order has moved on since.
    expect((await updates.waitFor(1)).map((e) => [e.orderUpdated.status, e.orderUpdated.version])).toEqual([['FULFILLED', 3]]);
    const notified = await test.app.database.query('SELECT order_id FROM notifications WHERE dedupe_key = $1', [`${eventId}:ORDER_PAID`]);
    expect(notified).toEqual([{ order_id: order.id }]);
  });
});

describe('stockChanged', () => {
  it('when a product is restocked twice, then the versions strictly increase, the last one the product has', async () => {
    const product = await createProduct(test, admin, { stock: 5 });
    const before = test.api.ws.subscriptionCount;
    const changes = subscribe<StockUpdate>(STOCK_CHANGED, { ids: [product.id] });
    await subscriptionsOpen(before + 1);

    await restock(product.id, 3);
    await restock(product.id, 4);
    const events = (await changes.waitFor(2)).map((e) => e.stockChanged);

    expect(events.map((e) => e.stock)).toEqual([8, 12]);
    expect(events[1]!.version).toBeGreaterThan(events[0]!.version);
    expect(events[1]!.version).toBe((await readProduct(product.id)).version);
  });

  it('when a stock change is published again, then a retried publish repeats the current version and a late first attempt its own, lower one', async () => {
    const product = await createProduct(test, admin, { stock: 5 });
    const first = await restock(product.id, 3);
    const second = await restock(product.id, 4);
    await livePublishesDone();
    const before = test.api.ws.subscriptionCount;
    const changes = subscribe<StockUpdate>(STOCK_CHANGED, { ids: [product.id] });
    await subscriptionsOpen(before + 1);
    const stockChanged = (level: { stock: number; version: number }) => ({
      event: 'StockChanged',
      version: EVENT_VERSIONS.StockChanged.current,
      productId: product.id,
      stock: level.stock,
      productVersion: level.version,
      at: new Date().toISOString(),
    });

    await deliver('catalog.live-on-stock-changed', 'StockChanged', stockChanged(second), 1);
    await deliver('catalog.live-on-stock-changed', 'StockChanged', stockChanged(second), 2);
    await deliver('catalog.live-on-stock-changed', 'StockChanged', stockChanged(first), 1);
    const events = (await changes.waitFor(3)).map((e) => [e.stockChanged.stock, e.stockChanged.version]);

    // The repeat has the version of the update it repeats; the late one is below it: both dropped.
    expect(events).toEqual([
      [12, second.version],
      [12, second.version],
      [8, first.version],
    ]);
    expect(first.version).toBeLessThan(second.version);
  });

  it('when a stock job of event version 2 (no product version) runs, then it publishes the stock as it is now, with its version', async () => {
    const product = await createProduct(test, admin, { stock: 5 });
    const now = await restock(product.id, 3);
    await livePublishesDone();
    const before = test.api.ws.subscriptionCount;
    const changes = subscribe<StockUpdate>(STOCK_CHANGED, { ids: [product.id] });
    await subscriptionsOpen(before + 1);

    await deliver('catalog.live-on-stock-changed', 'StockChanged', { event: 'StockChanged', version: 2, productId: product.id, stock: 5, at: new Date().toISOString() }, 1);

    expect((await changes.waitFor(1)).map((e) => [e.stockChanged.stock, e.stockChanged.version])).toEqual([[now.stock, now.version]]);
  });
});
