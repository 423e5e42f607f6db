import { randomUUID } from 'node:crypto';
import { PlaceOrderDocument, ProductDocument } from '../generated/graphql';
import { createProduct, signUpCustomer, type TestUser } from '../factories';
import { dataOf, errorCodes } from '../support/graphql-client';
import { customerAndProduct, startShop, type Shop } from '../support/shop';
import type { TestApp } from '../support/test-app';

let shop: Shop;
let test: TestApp;
let admin: TestUser;
beforeAll(async () => {
  // No worker: payment settlement is not what these tests are about, only reservation.
  shop = await startShop({ env: { DATABASE_POOL_SIZE: '20' } });
  ({ test, admin } = shop);
});
afterAll(() => test.stop());

it('when 60 customers order the last 25 units at once, then exactly 25 succeed and stock ends at 0, never below', async () => {
  const product = await createProduct(test, admin, { stock: 25 });
  const customers = await Promise.all(Array.from({ length: 60 }, () => signUpCustomer(test)));

  // Watch the stock while the orders race: it must never be seen negative.
  const seen: number[] = [];
  let racing = true;
  const watcher = (async () => {
    while (racing) {
      const [row] = await test.app.database.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [product.id]);
      seen.push(row.stock);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();

  const results = await Promise.all(
    customers.map((customer) =>
      test.client.request(
        PlaceOrderDocument,
        { input: { items: [{ productId: product.id, quantity: 1 }], idempotencyKey: randomUUID() } },
        { token: customer.token },
      ),
    ),
  );
  racing = false;
  await watcher;

  const succeeded = results.filter((r) => r.data?.placeOrder);
  const conflicts = results.filter((r) => errorCodes(r).join() === 'CONFLICT');
  expect(succeeded).toHaveLength(25);
  expect(conflicts).toHaveLength(35);
  expect(dataOf(await test.client.request(ProductDocument, { id: product.id })).product!.stock).toBe(0);
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
  const [orders] = await test.app.database.query(
    `SELECT count(*)::int AS n, sum(oi.quantity)::int AS units FROM orders o JOIN order_items oi ON oi.order_id = o.id WHERE oi.product_id = $1`,
    [product.id],
  );
  expect(orders).toEqual({ n: 25, units: 25 });
});

it('when 20 requests with one idempotency key arrive at once, then one order exists and every response has its id', async () => {
  const { customer, product } = await customerAndProduct(shop, { stock: 100 });
  const input = { items: [{ productId: product.id, quantity: 2 }], idempotencyKey: randomUUID() };

  const results = await Promise.all(
    Array.from({ length: 20 }, () => test.client.request(PlaceOrderDocument, { input }, { token: customer.token })),
  );

  const ids = new Set(results.map((r) => dataOf(r).placeOrder.id));
  expect(ids.size).toBe(1);
  const [row] = await test.app.database.query('SELECT count(*)::int AS n FROM orders WHERE customer_id = $1', [customer.id]);
  expect(row.n).toBe(1);
  expect(dataOf(await test.client.request(ProductDocument, { id: product.id })).product!.stock).toBe(98);
});
