import { RestockProductDocument as RESTOCK } from '../generated/graphql';
import { createAdmin, createProduct } from '../factories';
import { dataOf, errorCodes } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectLive, type LiveClient } from '../support/ws-client';
import { eventually } from '../support/wait';

/**
 * The one operation pipeline: HTTP and WebSocket answer the same request the same way, a
 * repeated document gives the same answers from the cache, and compiled execution reports
 * errors as graphql-js would.
 */
let test: TestApp;
const clients: LiveClient[] = [];
beforeAll(async () => {
  test = await startTestApp({ worker: true });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => test.stop());

const PRODUCT = 'query Product($id: ID!, $first: Int!) { product(id: $id) { id name reviews(first: $first) { edges { node { id } } } } }';
const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock } }';

describe('variables, cost and operation names', () => {
  it('when variables do not fit their types, then BAD_USER_INPUT with 400 over HTTP and the same error over WebSocket', async () => {
    const http = await test.client.post({ query: PRODUCT, variables: { id: { not: 'an id' }, first: 1 } });
    const client = connectLive(test.url);
    clients.push(client);
    const ws = client.subscribe(PRODUCT, { id: { not: 'an id' }, first: 1 });
    await eventually(async () => ws.errors, (errors) => errors !== undefined, { what: 'WebSocket error' });

    expect(http.status).toBe(400);
    expect(errorCodes(http)).toEqual(['BAD_USER_INPUT']);
    expect(http.errors![0]!.message).toMatch(/^Variable "\$id" got invalid value/);
    expect(ws.errors!.map((e) => [e.message, e.extensions.code])).toEqual([[http.errors![0]!.message, 'BAD_USER_INPUT']]);
  });

  it('when the same document asks for a bigger page, then its cost follows the page size, not the first request', async () => {
    const product = await createProduct(test, await createAdmin(test));
    const small = await test.client.post({ query: PRODUCT, variables: { id: product.id, first: 1 } });
    const again = await test.client.post({ query: PRODUCT, variables: { id: product.id, first: 1 } });
    const large = await test.client.post({ query: PRODUCT, variables: { id: product.id, first: 50 } });

    expect(dataOf(small).product).toEqual(dataOf(again).product);
    expect(again.extensions?.cost?.requested).toBe(small.extensions?.cost?.requested);
    expect(large.extensions!.cost!.requested).toBeGreaterThan(small.extensions!.cost!.requested);
  });

  it('when the operation name matches no operation, then a 400 naming it, never a 500', async () => {
    const response = await test.client.post({ query: 'query A { products(first: 1) { totalCount } }', operationName: 'B' });

    expect(response.status).toBe(400);
    expect(response.errors![0]!.message).toBe('Unknown operation named "B".');
  });

  it('when a subscription is sent over HTTP, then BAD_REQUEST and it is not executed', async () => {
    const response = await test.client.post({ query: STOCK_CHANGED, variables: { ids: [] } });

    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
  });
});

describe('fan-out', () => {
  it('when many sockets share a subscription, then each gets every event once, in order, under its own id', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { stock: 1 });
    const sockets = Array.from({ length: 5 }, () => connectLive(test.url));
    clients.push(...sockets);
    const streams = sockets.map((socket) => socket.subscribe<{ stockChanged: { stock: number } }>(STOCK_CHANGED, { ids: [product.id] }));
    // Two subscriptions of the same operation on one socket are two ids; both get every event.
    streams.push(sockets[0]!.subscribe(STOCK_CHANGED, { ids: [product.id] }));
    await eventually(async () => test.api.ws.subscriptionCount, (n) => n === streams.length, { what: 'subscriptions open' });

    for (const quantity of [1, 2, 3]) {
      dataOf(await test.client.request(RESTOCK, { id: product.id, quantity }, { token: admin.token }));
    }

    for (const stream of streams) {
      expect((await stream.waitFor(3)).map((e) => e.stockChanged.stock)).toEqual([2, 4, 7]);
    }
  });
});
