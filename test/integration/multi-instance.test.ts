import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { PlaceOrderDocument } from '../generated/graphql';
import { startCluster, type Cluster } from '../support/cluster';
import { dataOf } from '../support/graphql-client';
import { describeWithRedis, uniquePrefix, waitForSubscribers } from '../support/redis';
import { connectLive } from '../support/ws-client';

const ORDER_UPDATED = 'subscription { orderUpdated { id status } }';
const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock } }';

describeWithRedis('two API instances and a worker on one PostgreSQL and Redis', (redisUrl) => {
  const prefix = uniquePrefix();
  let cluster: Cluster;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl());
    cluster = await startCluster({ redisUrl: redisUrl(), prefix });
  }, 120_000);

  afterAll(async () => {
    redis.disconnect();
    await cluster?.stop();
  });

  it('when an order is placed through A, then a subscriber on B gets PENDING then PAID, and the stock change', async () => {
    const productId = await cluster.createProduct({ stock: 10 });
    const customer = await cluster.signUpCustomer();

    const subscriber = connectLive(cluster.b.url, customer.token);
    const orders = subscriber.subscribe<{ orderUpdated: { id: string; status: string } }>(ORDER_UPDATED);
    const stock = subscriber.subscribe<{ stockChanged: { productId: string; stock: number } }>(STOCK_CHANGED, { ids: [productId] });
    await waitForSubscribers(redis, `${prefix}ORDER_UPDATED:customer:${customer.id}`);
    await waitForSubscribers(redis, `${prefix}STOCK_CHANGED:product:${productId}`);

    const placed = dataOf(
      await cluster.a.request(
        PlaceOrderDocument,
        { input: { items: [{ productId, quantity: 3 }], idempotencyKey: randomUUID() } },
        { token: customer.token },
      ),
    ).placeOrder;
    const committedAt = Date.now();

    const events = await orders.waitFor(2, 15_000);
    expect(events.map((e) => [e.orderUpdated.id, e.orderUpdated.status])).toEqual([
      [placed.id, 'PENDING'],
      [placed.id, 'PAID'],
    ]);
    expect((await stock.waitFor(1, 15_000))[0]!.stockChanged).toEqual({ productId, stock: 7 });
    const [pending, paid] = orders.received;
    console.log(
      `cross-instance latency (placeOrder committed on A -> event at a subscriber on B): PENDING ${pending!.at - committedAt} ms, PAID ${paid!.at - committedAt} ms`,
    );
    await subscriber.dispose();
  }, 30_000);
});
