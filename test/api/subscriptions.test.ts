import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { RestockProductDocument } from '../generated/graphql';
import { createAdmin, createProduct, signUpCustomer, type TestUser } from '../factories';
import { orderReaches, placeOrder } from '../factories/orders';
import { dataOf } from '../support/graphql-client';
import { connectLive, type LiveClient } from '../support/ws-client';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

const ORDER_UPDATED = 'subscription ($id: ID) { orderUpdated(id: $id) { id status total { amount } customer { id } items { quantity } } }';
const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock at } }';
const NOTIFICATION_ADDED = 'subscription { notificationAdded { id kind order { id } } }';

type OrderEvent = { orderUpdated: { id: string; status: string; customer: { id: string } } };
type StockEvent = { stockChanged: { productId: string; stock: number; at: string } };

// REDIS_URL unset: the in-process PubSub (the single-instance default).
let test: TestApp;
let admin: TestUser;
const clients: LiveClient[] = [];
beforeAll(async () => {
  test = await startTestApp({ worker: true, env: { WS_CONNECTION_INIT_TIMEOUT_MS: '300' } });
  admin = await createAdmin(test);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => test.stop());

const live = (token?: string) => {
  const client = connectLive(test.url, token);
  clients.push(client);
  return client;
};
const subscriptionsOpen = (count: number) =>
  eventually(async () => test.api.ws.subscriptionCount, (n) => n >= count, { what: `${count} open subscriptions` });

describe('orderUpdated', () => {
  it('when a customer subscribes and orders, then PENDING then PAID arrive in that order, with the order resolved', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const before = test.api.ws.subscriptionCount;
    const updates = live(customer.token).subscribe<OrderEvent>(ORDER_UPDATED);
    await subscriptionsOpen(before + 1);

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);
    const events = await updates.waitFor(2);

    expect(events.map((e) => [e.orderUpdated.id, e.orderUpdated.status])).toEqual([
      [order.id, 'PENDING'],
      [order.id, 'PAID'],
    ]);
    expect(events[0]!.orderUpdated).toMatchObject({ customer: { id: customer.id }, items: [{ quantity: 2 }], total: { amount: order.total.amount } });
  });

  it("when customer A listens, then nothing of customer B's orders reaches A, while an admin sees both", async () => {
    const [a, b] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    const before = test.api.ws.subscriptionCount;
    const forA = live(a.token).subscribe<OrderEvent>(ORDER_UPDATED);
    const forB = live(b.token).subscribe<OrderEvent>(ORDER_UPDATED);
    const forAdmin = live(admin.token).subscribe<OrderEvent>(ORDER_UPDATED);
    await subscriptionsOpen(before + 3);

    const order = await placeOrder(test, b, [{ productId: product.id, quantity: 1 }]);
    await forB.waitFor(2);
    await forAdmin.waitFor(2);

    expect(forA.received).toEqual([]);
    expect(forAdmin.received.map((r) => r.data.orderUpdated.id)).toEqual([order.id, order.id]);
  });

  it("when a customer subscribes to someone else's order by id, then NOT_FOUND; to their own, only that order", async () => {
    const [owner, other] = [await signUpCustomer(test), await signUpCustomer(test)];
    const product = await createProduct(test, admin);
    const order = await placeOrder(test, owner, [{ productId: product.id, quantity: 1 }]);
    await orderReaches(test, owner, order.id, 'PAID');

    const snooping = live(other.token).subscribe<OrderEvent>(ORDER_UPDATED, { id: order.id });
    await eventually(async () => snooping.errors, (e) => e !== undefined, { what: 'an error' });
    expect(snooping.errors!.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);

    const before = test.api.ws.subscriptionCount;
    const own = live(owner.token).subscribe<OrderEvent>(ORDER_UPDATED, { id: order.id });
    await subscriptionsOpen(before + 1);
    await placeOrder(test, owner, [{ productId: product.id, quantity: 1 }]);
    await test.client.post({ query: 'mutation ($id: ID!) { fulfillOrder(id: $id) { id } }', variables: { id: order.id } }, { token: admin.token });
    const events = await own.waitFor(1);
    expect(events.map((e) => [e.orderUpdated.id, e.orderUpdated.status])).toEqual([[order.id, 'FULFILLED']]);
  });

  it('when anonymous, then orderUpdated and notificationAdded answer UNAUTHENTICATED', async () => {
    const client = live();
    const orders = client.subscribe<OrderEvent>(ORDER_UPDATED);
    const notifications = client.subscribe(NOTIFICATION_ADDED);
    await eventually(async () => [orders.errors, notifications.errors], (e) => e.every(Boolean), { what: 'two errors' });
    expect(orders.errors!.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(notifications.errors!.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('stockChanged and notificationAdded', () => {
  it('when an anonymous client watches a product, then restocks and orders arrive as stock changes', async () => {
    const product = await createProduct(test, admin, { stock: 5 });
    const customer = await signUpCustomer(test);
    const before = test.api.ws.subscriptionCount;
    const changes = live().subscribe<StockEvent>(STOCK_CHANGED, { ids: [product.id] });
    await subscriptionsOpen(before + 1);

    dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 3 }, { token: admin.token }));
    await changes.waitFor(1);
    await placeOrder(test, customer, [{ productId: product.id, quantity: 2 }]);
    const events = await changes.waitFor(2);

    expect(events.map((e) => [e.stockChanged.productId, e.stockChanged.stock])).toEqual([
      [product.id, 8],
      [product.id, 6],
    ]);
    expect(new Date(events[0]!.stockChanged.at).getTime()).not.toBeNaN();
  });

  it('when the product list is empty or longer than 100, then BAD_USER_INPUT', async () => {
    const client = live();
    const none = client.subscribe(STOCK_CHANGED, { ids: [] });
    const tooMany = client.subscribe(STOCK_CHANGED, { ids: Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) });
    await eventually(async () => [none.errors, tooMany.errors], (e) => e.every(Boolean), { what: 'two errors' });
    expect([none.errors![0]!.extensions.code, tooMany.errors![0]!.extensions.code]).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });

  it('when an order of mine changes, then notificationAdded brings each new notification', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    const before = test.api.ws.subscriptionCount;
    const added = live(customer.token).subscribe<{ notificationAdded: { kind: string; order: { id: string } } }>(NOTIFICATION_ADDED);
    await subscriptionsOpen(before + 1);

    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    const events = await added.waitFor(2);
    expect(events.map((e) => e.notificationAdded.kind).sort()).toEqual(['ORDER_PAID', 'ORDER_PLACED']);
    expect(events.every((e) => e.notificationAdded.order.id === order.id)).toBe(true);
  });
});

describe('connection rules', () => {
  it('when the token is forged, then the socket closes with 4403', async () => {
    const forged = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-4000-8000-000000000000')
      .setIssuer('storefront-graph')
      .setAudience('storefront-graph')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
    const client = live(forged);
    expect((await client.closed).code).toBe(4403);
  });

  it('when the token expires while connected, then the socket closes with 4403 at expiry', async () => {
    const customer = await signUpCustomer(test);
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await new SignJWT({ role: 'CUSTOMER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(customer.id)
      .setIssuer('storefront-graph')
      .setAudience('storefront-graph')
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const client = live(shortLived);
    const before = test.api.ws.subscriptionCount;
    client.subscribe(ORDER_UPDATED);
    await subscriptionsOpen(before + 1);

    const closed = await client.closed;
    expect(closed.code).toBe(4403);
    // Closed because the token expired: not before. (How soon after is load-dependent; the close
    // itself is the proof, or this test would time out waiting for it.)
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000 - 50);
  });

  it('when a client sends no connection_init in time, then 4408; a duplicate subscription id, then 4409', async () => {
    const silent = new WebSocket(test.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const silentClose = await new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    expect(silentClose).toBe(4408);

    const socket = new WebSocket(test.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await new Promise((resolve) => socket.once('message', resolve));
    const product = await createProduct(test, admin);
    const subscribe = { id: 'one', type: 'subscribe', payload: { query: STOCK_CHANGED, variables: { ids: [product.id] } } };
    const closedWith = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send(JSON.stringify(subscribe));
    socket.send(JSON.stringify(subscribe));
    expect(await closedWith).toBe(4409);
  });
});
