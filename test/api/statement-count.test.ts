import { randomUUID } from 'node:crypto';
import { ProductsWithReviewsDocument } from '../generated/graphql';
import { createAdmin, signUpCustomer } from '../factories';
import { dataOf } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The N+1 proof: listing products with their rating, a page of reviews and each review's author
 * costs the same few SQL statements for 5 products as for 50, because every relation goes through
 * a per-request DataLoader that batches the whole list into one statement.
 */

const PRODUCTS = 50;
const REVIEWS_PER_PRODUCT = 6;
const AUTHORS = 8;

let test: TestApp;
beforeAll(async () => {
  // The benchmark's `project` configuration: the response cache off (with it on, every read here
  // would be a hit, and a write adds the invalidation it notifies to other processes).
  test = await startTestApp({ env: { RESPONSE_CACHE: 'off' } });
  // This file's database holds only these rows, so products(first: N) lists seeded products only.
  await test.app.database.query(
    `INSERT INTO users (email, name, password_hash)
     SELECT format('n1-author-%s@example.com', a), format('Author %s', a), 'not-a-real-hash'
       FROM generate_series(1, $1) AS a`,
    [AUTHORS],
  );
  await test.app.database.query(
    `INSERT INTO products (sku, name, description, price_amount, currency, stock)
     SELECT format('N1-%s', p), format('Product %s', p), 'seeded for the statement count', 100 * p, 'EUR', p
       FROM generate_series(1, $1) AS p`,
    [PRODUCTS],
  );
  // Review r of product p is written by author ((p + r) mod AUTHORS): distinct authors per product.
  await test.app.database.query(
    `INSERT INTO reviews (product_id, author_id, rating, body, created_at)
     SELECT p.id, u.id, 1 + (r + p.stock) % 5, format('Review %s of %s', r, p.sku), now() - r * interval '1 minute'
       FROM products p
      CROSS JOIN generate_series(0, $1 - 1) AS r
       JOIN users u ON u.email = format('n1-author-%s@example.com', 1 + (p.stock + r) % $2)`,
    [REVIEWS_PER_PRODUCT, AUTHORS],
  );
});
afterAll(() => test.stop());

async function countStatements(first: number) {
  const statements: string[] = [];
  const unsubscribe = test.app.queries.onQuery((sql) => statements.push(sql));
  let response;
  try {
    response = await test.client.request(ProductsWithReviewsDocument, { first, reviews: 5 });
  } finally {
    unsubscribe();
  }
  return { statements, products: dataOf(response).products };
}

describe('statements per products query', () => {
  it('when listing 5 and then 50 products with ratings, 5 reviews each and their authors, then both take the same small number of statements', async () => {
    const five = await countStatements(5);
    const fifty = await countStatements(50);

    console.log(
      `statement count: products(first: 5) → ${five.statements.length} statements; products(first: 50) → ${fifty.statements.length} statements\n` +
        fifty.statements.map((sql, i) => `  ${i + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 140)}`).join('\n'),
    );

    // The answers are complete: every product has a rating and five reviews, each with its author.
    for (const [result, n] of [
      [five, 5],
      [fifty, 50],
    ] as const) {
      expect(result.products.edges).toHaveLength(n);
      for (const { node } of result.products.edges) {
        expect(node.averageRating).toEqual(expect.any(Number));
        expect(node.reviews.edges).toHaveLength(5);
        const authors = node.reviews.edges.map((e) => e.node.author.name);
        expect(authors.every((name) => /^Author \d+$/.test(name))).toBe(true);
        expect(new Set(authors).size).toBe(5);
      }
    }
    expect(fifty.statements.length).toBe(five.statements.length);
    expect(fifty.statements.length).toBeLessThanOrEqual(5);
  });

  it('when the statements are counted, then the listener really sees the queries (the counter is not blind)', async () => {
    const { statements } = await countStatements(1);

    expect(statements.some((sql) => /FROM "?products"?/i.test(sql))).toBe(true);
    expect(statements.some((sql) => /reviews/i.test(sql))).toBe(true);
    expect(statements.some((sql) => /FROM "?users"?/i.test(sql))).toBe(true);
  });
});

/** The benchmark's documents (../shared/bench/docsets/contract.mjs), as its clients send them. */
const ORDER_LIST = `query OrderList($first: Int!) {
  orders(first: $first) {
    edges { node { id status createdAt total { amount currency } customer { id name }
      items { quantity unitPrice { amount currency } product { id name price { amount currency } } }
      payment { status } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PRODUCT_PAGE = `query ProductPage($id: ID!, $first: Int!) {
  product(id: $id) {
    id sku name description stock price { amount currency }
    reviews(first: $first) { edges { node { id rating body createdAt author { name } } } pageInfo { hasNextPage endCursor } }
  }
}`;
const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id status total { amount currency } createdAt }
}`;

async function statementsOf(send: () => Promise<{ data?: unknown; errors?: unknown }>) {
  const statements: string[] = [];
  const unsubscribe = test.app.queries.onQuery((sql) => statements.push(sql));
  let response;
  try {
    response = await send();
  } finally {
    unsubscribe();
  }
  expect(response.errors).toBeUndefined();
  // A signed-in request first reads its account state (role, token version: revocable sessions).
  const session = statements.filter((sql) => /^SELECT role, token_version FROM users/.test(sql));
  return { statements: statements.filter((sql) => !session.includes(sql)), sessionChecks: session.length, data: response.data as Record<string, never> };
}

describe("statements per request of the benchmark's operations", () => {
  it('when an order of two products is placed, then it takes at most 4 statements, BEGIN and COMMIT included, after the session check', async () => {
    const customer = await signUpCustomer(test);
    const [p1, p2] = (await test.app.database.query(`SELECT id FROM products ORDER BY stock DESC LIMIT 2`)) as { id: string }[];
    const input = { items: [{ productId: p1!.id, quantity: 1 }, { productId: p2!.id, quantity: 1 }], idempotencyKey: randomUUID() };

    const { statements, sessionChecks, data } = await statementsOf(() =>
      test.client.post({ query: PLACE_ORDER, variables: { input } }, { token: customer.token }),
    );

    console.log(`placeOrder → ${statements.length} statements\n${statements.map((sql, i) => `  ${i + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 140)}`).join('\n')}`);
    expect(data.placeOrder).toMatchObject({ status: 'PENDING' });
    expect(statements.length).toBeLessThanOrEqual(4);
    expect(statements.at(-1)).toBe('COMMIT');
    expect(sessionChecks).toBe(1);
  });

  it('when the same order is sent again, then its transaction rolls back and the first order is read: nothing is written twice, no stock taken twice', async () => {
    const customer = await signUpCustomer(test);
    const [p1] = (await test.app.database.query(`SELECT id FROM products ORDER BY stock DESC LIMIT 1`)) as { id: string }[];
    const input = { items: [{ productId: p1!.id, quantity: 1 }], idempotencyKey: randomUUID() };
    const send = () => test.client.post({ query: PLACE_ORDER, variables: { input } }, { token: customer.token });
    const [{ stock: stockBefore }] = (await test.app.database.query(`SELECT stock FROM products WHERE id = $1`, [p1!.id])) as { stock: number }[];
    const first = (await send()).data as { placeOrder: { id: string } };

    const { statements, data } = await statementsOf(send);

    expect(data.placeOrder).toMatchObject({ id: first.placeOrder.id });
    // The order's insert fails on the taken key, so the COMMIT sent with it is answered ROLLBACK:
    // the second reservation is gone, and one order holds the key.
    const [{ stock: stockAfter }] = (await test.app.database.query(`SELECT stock FROM products WHERE id = $1`, [p1!.id])) as { stock: number }[];
    expect(stockAfter).toBe(stockBefore - 1);
    expect(await test.app.database.query(`SELECT id FROM orders WHERE idempotency_key = $1`, [input.idempotencyKey])).toEqual([{ id: first.placeOrder.id }]);
    expect(statements.at(-1)).toMatch(/^SELECT .* FROM orders o WHERE o.customer_id = \$1 AND o.idempotency_key = \$2/);
  });

  it('when an admin lists 50 orders with items, products, payment and customer, then it takes at most 5 statements after the session check', async () => {
    const admin = await createAdmin(test);
    const customer = await signUpCustomer(test);
    const products = (await test.app.database.query(`SELECT id FROM products ORDER BY stock DESC LIMIT 10`)) as { id: string }[];
    for (let i = 0; i < 12; i++) {
      const items = [products[i % 10]!, products[(i + 3) % 10]!].map((p) => ({ productId: p.id, quantity: 1 }));
      await test.client.post({ query: PLACE_ORDER, variables: { input: { items, idempotencyKey: randomUUID() } } }, { token: customer.token });
    }

    const { statements, sessionChecks, data } = await statementsOf(() =>
      test.client.post({ query: ORDER_LIST, variables: { first: 50 } }, { token: admin.token }),
    );

    const edges = (data.orders as { edges: { node: { items: unknown[]; customer: { name: string } } }[] }).edges;
    const ours = edges.filter(({ node }) => node.customer.name === customer.name);
    expect(ours).toHaveLength(12);
    expect(ours.every(({ node }) => node.items.length === 2)).toBe(true);
    console.log(`orders(first: 50) → ${statements.length} statements + ${sessionChecks} session check`);
    expect(statements.length).toBeLessThanOrEqual(5);
    expect(sessionChecks).toBe(1);
  });

  it('when a product page with 5 reviews and their authors is read, then it takes at most 3 statements', async () => {
    const [product] = (await test.app.database.query(`SELECT id FROM products ORDER BY stock DESC LIMIT 1`)) as { id: string }[];

    const { statements, data } = await statementsOf(() => test.client.post({ query: PRODUCT_PAGE, variables: { id: product!.id, first: 10 } }));

    const page = data.product as { reviews: { edges: { node: { author: { name: string } } }[] } };
    expect(page.reviews.edges).toHaveLength(REVIEWS_PER_PRODUCT);
    expect(page.reviews.edges.every(({ node }) => /^Author \d+$/.test(node.author.name))).toBe(true);
    expect(statements.length).toBeLessThanOrEqual(3);
  });
});
