import { Redis } from 'ioredis';
import { RestockProductDocument } from '../generated/graphql';
import { createAdmin, createProduct } from '../factories';
import { dataOf } from '../support/graphql-client';
import { channelsWithPrefix, describeWithRedis, uniquePrefix, waitForSubscribers } from '../support/redis';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive } from '../support/ws-client';

const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock } }';

describeWithRedis('live updates through Redis', (redisUrl) => {
  let test: TestApp;
  let redis: Redis;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    test = await startTestApp({ worker: true, env: { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix } });
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await test.stop();
  });

  it('when a product is restocked, then the change reaches subscribers through a prefixed Redis channel', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { stock: 1 });
    const client = connectLive(test.url);
    const changes = client.subscribe<{ stockChanged: { stock: number } }>(STOCK_CHANGED, { ids: [product.id] });
    await waitForSubscribers(redis, `${prefix}STOCK_CHANGED:product:${product.id}`);

    dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 4 }, { token: admin.token }));

    expect((await changes.waitFor(1))[0]!.stockChanged.stock).toBe(5);
    await client.dispose();
  });

  it('when 1,000 subscriptions open and complete, then Redis channels and open iterators are back at baseline', async () => {
    const admin = await createAdmin(test);
    const products = await Promise.all(Array.from({ length: 5 }, () => createProduct(test, admin)));
    const baseline = { channels: await channelsWithPrefix(redis, prefix), iterators: test.app.pubsub.channels.activeSubscriptions };
    const client = connectLive(test.url);

    for (let round = 0; round < 20; round += 1) {
      const subscriptions = Array.from({ length: 50 }, (_, i) =>
        client.subscribe(STOCK_CHANGED, { ids: [products[i % products.length]!.id] }),
      );
      await eventually(async () => test.api.ws.subscriptionCount, (n) => n === 50, { what: `round ${round}: 50 subscriptions` });
      // Subscribers of the same operation and variables share one source: one per product here.
      expect(test.app.pubsub.channels.activeSubscriptions).toBe(baseline.iterators + products.length);
      expect((await channelsWithPrefix(redis, prefix)).length).toBe(baseline.channels.length + products.length);
      for (const subscription of subscriptions) subscription.unsubscribe();
      await eventually(async () => test.app.pubsub.channels.activeSubscriptions, (n) => n === baseline.iterators, {
        what: `round ${round}: iterators released`,
      });
      await eventually(async () => test.api.ws.subscriptionCount, (n) => n === 0, { what: `round ${round}: subscriptions ended` });
    }

    await eventually(() => channelsWithPrefix(redis, prefix), (channels) => channels.length === baseline.channels.length, {
      what: 'Redis channels released',
    });
    expect(test.api.ws.subscriptionCount).toBe(0);

    // A socket that just goes away releases its subscriptions too.
    const abrupt = connectLive(test.url);
    abrupt.subscribe(STOCK_CHANGED, { ids: [products[0]!.id] });
    await eventually(async () => test.app.pubsub.channels.activeSubscriptions, (n) => n === baseline.iterators + 1, { what: 'one open' });
    await abrupt.client.dispose();
    await eventually(async () => test.app.pubsub.channels.activeSubscriptions, (n) => n === baseline.iterators, { what: 'released on close' });
    await client.dispose();
  }, 60_000);
});
