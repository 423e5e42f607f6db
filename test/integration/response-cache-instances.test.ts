import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { cacheOf, startApiCluster, type ApiCluster } from '../support/api-cluster';
import { dataOf, type GraphQLTestClient } from '../support/graphql-client';
import { scrape, total } from '../support/prometheus';
import { describeWithRedis, uniquePrefix } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

const PRODUCT_PAGE = 'query Page($id: ID!) { product(id: $id) { name stock price { amount } reviews(first: 5) { totalCount } } }';
const PRODUCT_LIST = 'query List { products(first: 100) { totalCount edges { node { id } } } }';
const ORDER = 'query Order($id: ID!) { order(id: $id) { status } }';
const PLACE_ORDER = 'mutation Place($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';

type Page = { product: { stock: number; price: { amount: number }; reviews: { totalCount: number } } };

describeWithRedis('response cache shared by two API instances and a worker through Redis', (redisUrl) => {
  let cluster: ApiCluster;
  let a: GraphQLTestClient;
  let b: GraphQLTestClient;
  let adminToken: string;

  beforeAll(async () => {
    cluster = await startApiCluster({ REDIS_URL: redisUrl(), REDIS_PREFIX: uniquePrefix(), RESPONSE_CACHE: 'on' });
    ({ a, b, adminToken } = cluster);
  }, 120_000);
  afterAll(() => cluster.stop());

  it('when an order through A takes stock, then the next product page read on B shows the new stock', async () => {
    const productId = await cluster.newProduct(10);
    expect(dataOf(await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } })).product.stock).toBe(10);

    dataOf(await a.post({ query: PLACE_ORDER, variables: { i: { items: [{ productId, quantity: 3 }], idempotencyKey: randomUUID() } } }, { token: await cluster.customer() }));

    expect(dataOf(await b.post<Page>({ query: PRODUCT_PAGE, variables: { id: productId } })).product.stock).toBe(7);
  });

  it('when the price changes or a review is added through A, then B shows them on its next read', async () => {
    const productId = await cluster.newProduct();
    await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } });
    dataOf(
      await a.post(
        { query: 'mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id } }', variables: { id: productId, i: { expectedVersion: 1, priceAmount: 4321 } } },
        { token: adminToken },
      ),
    );
    expect(dataOf(await b.post<Page>({ query: PRODUCT_PAGE, variables: { id: productId } })).product.price.amount).toBe(4321);

    await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } });
    dataOf(
      await a.post({ query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: { i: { productId, rating: 5, body: 'Fresh' } } }, { token: await cluster.customer() }),
    );
    expect(dataOf(await b.post<Page>({ query: PRODUCT_PAGE, variables: { id: productId } })).product.reviews.totalCount).toBe(1);
  });

  it('when a product is created through A, then the list read on B contains it', async () => {
    await cluster.cachedOnB({ query: PRODUCT_LIST });
    const productId = await cluster.newProduct();
    const list = dataOf(await b.post<{ products: { edges: { node: { id: string } }[] } }>({ query: PRODUCT_LIST }));
    expect(list.products.edges.map((e) => e.node.id)).toContain(productId);
  });

  it('when the worker marks an order PAID, then its customer reads PAID on B, never a cached PENDING for ever', async () => {
    const productId = await cluster.newProduct();
    const token = await cluster.customer();
    // The capture waits at the provider, so B caches the order while it is PENDING.
    cluster.provider.setBehaviour({ mode: 'slow', delayMs: 8_000, times: 1 });
    const orderId = dataOf(
      await a.post<{ placeOrder: { id: string } }>({ query: PLACE_ORDER, variables: { i: { items: [{ productId, quantity: 1 }], idempotencyKey: randomUUID() } } }, { token }),
    ).placeOrder.id;
    expect(dataOf(await cluster.cachedOnB<{ order: { status: string } }>({ query: ORDER, variables: { id: orderId } }, token)).order.status).toBe('PENDING');
    await eventually(
      async () => dataOf(await b.post<{ order: { status: string } }>({ query: ORDER, variables: { id: orderId } }, { token })).order.status,
      (status) => status === 'PAID',
      { timeoutMs: 30_000, what: 'the order read as PAID on B' },
    );
    // And it stays PAID from the cache from now on.
    const cached = await cluster.cachedOnB<{ order: { status: string } }>({ query: ORDER, variables: { id: orderId } }, token);
    expect(dataOf(cached).order.status).toBe('PAID');
  });
});

describeWithRedis('response cache while Redis is unreachable', (redisUrl) => {
  let proxy: TcpProxy;
  let test: TestApp;
  let probe: Redis;

  beforeAll(async () => {
    const target = new URL(redisUrl());
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    // No worker: after the outage only the new generation can keep a stale entry from being served.
    test = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: uniquePrefix(), RESPONSE_CACHE: 'on' } });
    probe = new Redis(redisUrl());
  });
  afterAll(async () => {
    probe.disconnect();
    await test.stop();
    await proxy.cut();
  });

  it('when Redis goes away, then reads bypass the cache and answer; when it returns, nothing cached before is served', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { stock: 10 });
    const read = () => test.client.post<Page>({ query: PRODUCT_PAGE, variables: { id: product.id } });
    await read();
    expect(cacheOf(await read())).toBe('hit');

    await proxy.cut();
    const during = await eventually(read, (r) => cacheOf(r) === undefined, { what: 'a read that bypasses the cache' });
    expect(dataOf(during).product.stock).toBe(10);
    // A change while Redis is away: its invalidation cannot reach the entry still stored there.
    const buyer = await signUpCustomer(test);
    dataOf(await test.client.post({ query: PLACE_ORDER, variables: { i: { items: [{ productId: product.id, quantity: 4 }], idempotencyKey: randomUUID() } } }, { token: buyer.token }));
    expect(dataOf(await read()).product.stock).toBe(6);
    const metrics = await scrape(test.url.replace('/graphql', '/metrics'));
    expect(total(metrics, 'response_cache_requests_total', { result: 'bypass' })).toBeGreaterThan(0);

    await proxy.open();
    const back = await eventually(read, (r) => cacheOf(r) !== undefined, { timeoutMs: 30_000, what: 'the cache in use again' });
    expect(dataOf(back).product.stock).toBe(6);
    expect(dataOf(await read()).product.stock).toBe(6);
  }, 60_000);
});
