import { Redis } from 'ioredis';
import { ProductDocument, RestockProductDocument } from '../generated/graphql';
import { createAdmin, createProduct, signUpCustomer } from '../factories';
import { placeOrder } from '../factories/orders';
import { dataOf } from '../support/graphql-client';
import { DisposableRedis, redisServerInstalled, uniquePrefix, waitForSubscribers } from '../support/redis';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive } from '../support/ws-client';

const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock } }';
const maybe = redisServerInstalled() || process.env.CI === 'true' ? describe : describe.skip;

maybe('Redis restarting under a running API', () => {
  let redisServer: DisposableRedis;
  let test: TestApp;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    redisServer = await DisposableRedis.start();
    test = await startTestApp({ worker: true, env: { REDIS_URL: redisServer.url, REDIS_PREFIX: prefix } });
  });
  afterAll(async () => {
    await test.stop();
    await redisServer.stopServer();
  });

  it('when Redis goes down, then queries and orders keep working; when it returns, subscriptions receive events again', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 10 });
    const channel = `${prefix}STOCK_CHANGED:product:${product.id}`;
    const subscriber = connectLive(test.url);
    const changes = subscriber.subscribe<{ stockChanged: { stock: number } }>(STOCK_CHANGED, { ids: [product.id] });
    const probe = () => new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    let redis = probe();
    await waitForSubscribers(redis, channel);
    redis.disconnect();

    await redisServer.stopServer();
    const readyz = await eventually(() => fetch(test.url.replace('/graphql', '/readyz')), (r) => r.status === 503, { what: 'readiness 503' });
    expect(await readyz.json()).toMatchObject({ checks: { redis: { ok: false }, postgres: { ok: true } } });
    // Redis is down: reads and writes do not depend on it.
    expect(dataOf(await test.client.request(ProductDocument, { id: product.id })).product?.stock).toBe(10);
    const order = await placeOrder(test, customer, [{ productId: product.id, quantity: 1 }]);
    expect(order.status).toBe('PENDING');

    await redisServer.startServer();
    redis = probe();
    // ioredis reconnects and resubscribes the channel on its own.
    await waitForSubscribers(redis, channel);
    redis.disconnect();

    dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 5 }, { token: admin.token }));
    // The change made while Redis was down is published when its job is retried, with the
    // stock current at that time; whatever arrives, the last level a subscriber sees is right.
    await eventually(async () => changes.received.map((r) => r.data.stockChanged.stock), (levels) => levels.includes(14), {
      timeoutMs: 15_000,
      what: 'the restock after Redis returned',
    });
    expect(changes.received.at(-1)!.data.stockChanged.stock).toBe(14);
    await subscriber.dispose();
  }, 60_000);
});
