import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { PlaceOrderDocument, SignInDocument, SignUpDocument } from '../generated/graphql';
import { productInput, PASSWORD } from '../factories';
import { SandboxPaymentProvider } from '../../src/integration/payment-gateway/sandbox-provider';
import { dataOf, GraphQLTestClient } from '../support/graphql-client';
import { startService, type ServiceProcess } from '../support/processes';
import { describeWithRedis, uniquePrefix, waitForSubscribers } from '../support/redis';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { connectLive } from '../support/ws-client';

const ORDER_UPDATED = 'subscription { orderUpdated { id status } }';
const STOCK_CHANGED = 'subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { productId stock } }';

describeWithRedis('two API instances and a worker on one PostgreSQL and Redis', (redisUrl) => {
  const prefix = uniquePrefix();
  const processes: ServiceProcess[] = [];
  let database: TestDatabase;
  let provider: SandboxPaymentProvider;
  let redis: Redis;
  let instanceA: GraphQLTestClient;
  let instanceB: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = await SandboxPaymentProvider.start();
    redis = new Redis(redisUrl());
    const common = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      PAYMENT_PROVIDER_URL: provider.url,
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_EMAIL: 'admin@multi.example.com',
      ADMIN_PASSWORD: PASSWORD,
    };
    const a = startService('api', common, ['--no-worker']);
    const b = startService('api', common, ['--no-worker']);
    const worker = startService('worker', { ...common, WORKER_POLL_INTERVAL_MS: '200' });
    processes.push(a, b, worker);
    const [readyA, readyB] = await Promise.all([a.waitForLog(/is ready/), b.waitForLog(/is ready/), worker.waitForLog(/worker is ready/)]);
    instanceA = new GraphQLTestClient(String(readyA.url));
    instanceB = String(readyB.url);
  }, 60_000);

  afterAll(async () => {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    redis.disconnect();
    await provider.stop();
    await database.drop();
  });

  it('when an order is placed through A, then a subscriber on B gets PENDING then PAID, and the stock change', async () => {
    const adminToken = dataOf(await instanceA.request(SignInDocument, { input: { email: 'admin@multi.example.com', password: PASSWORD } })).signIn.token;
    const created = await instanceA.post<{ createProduct: { id: string } }>(
      {
        query: 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }',
        variables: { input: productInput({ stock: 10 }) },
      },
      { token: adminToken },
    );
    const productId = dataOf(created).createProduct.id;
    const { signUp } = dataOf(
      await instanceA.request(SignUpDocument, { input: { email: `multi-${randomUUID()}@example.com`, name: 'Multi', password: PASSWORD } }),
    );

    const subscriber = connectLive(instanceB, signUp.token);
    const orders = subscriber.subscribe<{ orderUpdated: { id: string; status: string } }>(ORDER_UPDATED);
    const stock = subscriber.subscribe<{ stockChanged: { productId: string; stock: number } }>(STOCK_CHANGED, { ids: [productId] });
    await waitForSubscribers(redis, `${prefix}ORDER_UPDATED:customer:${signUp.user.id}`);
    await waitForSubscribers(redis, `${prefix}STOCK_CHANGED:product:${productId}`);

    const placed = dataOf(
      await instanceA.request(
        PlaceOrderDocument,
        { input: { items: [{ productId, quantity: 3 }], idempotencyKey: randomUUID() } },
        { token: signUp.token },
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
