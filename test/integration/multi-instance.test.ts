import { Redis } from 'ioredis';
import { startApiCluster, type ApiCluster } from '../support/api-cluster';
import { describeWithRedis, uniquePrefix, waitForSubscribers } from '../support/redis';
import { connectLive } from '../support/ws-client';

const ORDER_UPDATED = 'subscription { orderUpdated { id status } }';
const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock } }';

describeWithRedis('two API instances and a worker on one PostgreSQL and Redis', (redisUrl) => {
  const prefix = uniquePrefix();
  let cluster: ApiCluster;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl());
    cluster = await startApiCluster({ REDIS_URL: redisUrl(), REDIS_PREFIX: prefix });
  }, 120_000);

  afterAll(async () => {
    redis.disconnect();
    await cluster?.stop();
  });

  it('when an order is placed through A, then a subscriber on B gets PENDING then PAID, and the stock change', async () => {
    const productId = await cluster.newProduct(10);
    const customer = await cluster.signUp();

    const subscriber = connectLive(cluster.b.url, customer.token);
    const orders = subscriber.subscribe<{ orderUpdated: { id: string; status: string } }>(ORDER_UPDATED);
    const stock = subscriber.subscribe<{ stockChanged: { productId: string; stock: number } }>(STOCK_CHANGED, { ids: [productId] });
    await waitForSubscribers(redis, `${prefix}ORDER_UPDATED:customer:${customer.id}`);
    await waitForSubscribers(redis, `${prefix}STOCK_CHANGED:product:${productId}`);

    const placedId = await cluster.placeOrder(productId, 3, customer.token);
    const committedAt = Date.now();

    const events = await orders.waitFor(2, 15_000);
    expect(events.map((e) => [e.orderUpdated.id, e.orderUpdated.status])).toEqual([
      [placedId, 'PENDING'],
      [placedId, 'PAID'],
    ]);
    expect((await stock.waitFor(1, 15_000))[0]!.stockChanged).toEqual({ productId, stock: 7 });
    const [pending, paid] = orders.received;
    console.log(
      `cross-instance latency (placeOrder committed on A -> event at a subscriber on B): PENDING ${pending!.at - committedAt} ms, PAID ${paid!.at - committedAt} ms`,
    );
    await subscriber.dispose();
  }, 30_000);
});
