import { Client } from 'pg';
import { dataOf } from '../support/graphql-client';
import { startApiCluster, type ApiCluster } from '../support/api-cluster';
import { eventually } from '../support/wait';

// Without Redis each process caches in its own memory; PostgreSQL LISTEN/NOTIFY carries the
// invalidations between them. Split processes (two APIs and a worker), as production would run them.
const PRODUCT_PAGE = 'query Page($id: ID!) { product(id: $id) { name stock } }';
const ORDER = 'query Order($id: ID!) { order(id: $id) { status } }';

type Page = { product: { stock: number } };
type OrderStatus = { order: { status: string } };

describe('response cache in process memory, invalidated across processes through PostgreSQL', () => {
  let cluster: ApiCluster;

  beforeAll(async () => {
    cluster = await startApiCluster({ RESPONSE_CACHE: 'on' });
  }, 120_000);
  afterAll(() => cluster.stop());

  const pageOnB = (productId: string) => cluster.b.post<Page>({ query: PRODUCT_PAGE, variables: { id: productId } });

  it('when an order through A takes stock, then B drops its cached page and reads the new stock', async () => {
    const productId = await cluster.newProduct(10);
    expect(dataOf(await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } })).product.stock).toBe(10);

    await cluster.placeOrder(productId, 3);

    // The notification reaches B moments after A's commit; B never keeps the old page past it.
    const fresh = await eventually(() => pageOnB(productId), (r) => dataOf(r).product.stock === 7, { timeoutMs: 10_000, what: 'stock 7 on B' });
    expect(dataOf(fresh).product.stock).toBe(7);
    expect(dataOf(await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } })).product.stock).toBe(7);
  });

  it('when the worker process marks an order PAID, then its customer reads PAID on B', async () => {
    const productId = await cluster.newProduct();
    const token = await cluster.customer();
    // The capture waits at the provider, so B caches the order while it is PENDING.
    cluster.provider.setBehaviour({ mode: 'slow', delayMs: 8_000, times: 1 });
    const orderId = await cluster.placeOrder(productId, 1, token);
    const pending = await cluster.cachedOnB<OrderStatus>({ query: ORDER, variables: { id: orderId } }, token);
    expect(dataOf(pending).order.status).toBe('PENDING');
    await eventually(
      async () => dataOf(await cluster.b.post<OrderStatus>({ query: ORDER, variables: { id: orderId } }, { token })).order.status,
      (status) => status === 'PAID',
      { timeoutMs: 30_000, what: 'the order read as PAID on B' },
    );
 
  }, 60_000);

  it('when B loses its listening connection, then it bypasses and empties its cache, and caches again once listening', async () => {
    const productId = await cluster.newProduct(10);
    await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } });

    const admin = new Client({ connectionString: cluster.database.url });
    await admin.connect();
    try {
      const lost = cluster.apiB.waitForLog(/invalidation channel lost/, 15_000);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'storefront-cache-relay' AND datname = current_database()`);
      await lost;
    } finally {
      await admin.end();
    }
    // A change B may not hear about: whatever B answers next is fresh.
    await cluster.placeOrder(productId, 4);
    expect(dataOf(await pageOnB(productId)).product.stock).toBe(6);

    const again = await cluster.cachedOnB<Page>({ query: PRODUCT_PAGE, variables: { id: productId } });
    expect(dataOf(again).product.stock).toBe(6);
  }, 60_000);
});
