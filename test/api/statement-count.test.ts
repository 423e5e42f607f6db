import { ProductsWithReviewsDocument } from '../generated/graphql';
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
  test = await startTestApp();
  // This file's database holds only these rows, so products(first: N) lists seeded products only.
  await test.app.dataSource.query(
    `INSERT INTO users (email, name, password_hash)
     SELECT format('n1-author-%s@example.com', a), format('Author %s', a), 'not-a-real-hash'
       FROM generate_series(1, $1) AS a`,
    [AUTHORS],
  );
  await test.app.dataSource.query(
    `INSERT INTO products (sku, name, description, price_amount, currency, stock)
     SELECT format('N1-%s', p), format('Product %s', p), 'seeded for the statement count', 100 * p, 'EUR', p
       FROM generate_series(1, $1) AS p`,
    [PRODUCTS],
  );
  // Review r of product p is written by author ((p + r) mod AUTHORS): distinct authors per product.
  await test.app.dataSource.query(
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
