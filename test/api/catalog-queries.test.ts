import { randomUUID } from 'node:crypto';
import { ProductDocument, ProductsDocument, type ProductsQuery } from '../generated/graphql';
import { createProduct, type TestUser } from '../factories';
import { listProducts, skusOf } from '../support/catalog';
import { errorCodes, fieldPaths } from '../support/graphql-client';
import { startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';

/** Reading the catalog: one product, keyset pages and their cursors, search and filters. */
let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop()));
afterAll(() => test.stop());

/** A word no other test's product contains, so a search for it finds this test's products only. */
const uniqueWord = () => `w${randomUUID().replace(/-/g, '').slice(0, 12)}`;

describe('product(id)', () => {
  it.each([
    ['malformed', 'not-a-uuid'],
    ['unknown', randomUUID()],
  ])('when the id is %s, then the answer is null without an error', async (_kind, id) => {
    const result = await test.client.request(ProductDocument, { id });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: null });
  });
});

describe('products pagination', () => {
  it('when paging through with first/after, then every product appears once, newest first, with correct page info', async () => {
    const word = uniqueWord();
    const created = [];
    for (let i = 0; i < 7; i += 1) created.push(await createProduct(test, admin, { name: `Paged ${word} ${i}` }));
    // Four products share one creation instant, so the id must break the ties between pages.
    await test.app.database.query(`UPDATE products SET created_at = '2030-01-01T00:00:00.000Z' WHERE id = ANY($1::uuid[])`, [
      created.slice(1, 5).map((p) => p.id),
    ]);

    const pages: ProductsQuery['products'][] = [];
    let after: string | undefined;
    do {
      const page = await listProducts(test, { first: 3, after, filter: { search: word } });
      pages.push(page);
      after = page.pageInfo.endCursor ?? undefined;
    } while (pages.at(-1)!.pageInfo.hasNextPage && pages.length < 10);

    expect(pages.map((p) => p.edges.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
    expect(pages.map((p) => p.totalCount)).toEqual([7, 7, 7]);
    const seen = pages.flatMap((p) => p.edges.map((e) => e.node));
    expect(new Set(seen.map((n) => n.id)).size).toBe(7);
    expect(seen.map((n) => n.id).sort()).toEqual(created.map((p) => p.id).sort());
    const expectedOrder = [...seen].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0));
    expect(seen.map((n) => n.id)).toEqual(expectedOrder.map((n) => n.id));
    expect(seen.slice(0, 4).every((n) => n.createdAt === '2030-01-01T00:00:00.000Z')).toBe(true);
    for (const page of pages) {
      expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    }
  });

  it('when reading a cursor, then it reveals neither the id nor the timestamp in plain text', async () => {
    const word = uniqueWord();
    const product = await createProduct(test, admin, { name: `Opaque ${word}` });

    const { edges } = await listProducts(test, { first: 1, filter: { search: word } });

    const cursor = edges[0]!.cursor;
    expect(cursor).not.toContain(product.id);
    expect(cursor).not.toContain(product.createdAt);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('when first is 0, then the page is empty but totalCount and hasNextPage still tell what exists', async () => {
    const word = uniqueWord();
    await createProduct(test, admin, { name: `Zero ${word}` });

    const page = await listProducts(test, { first: 0, filter: { search: word } });

    expect(page.edges).toEqual([]);
    expect(page.totalCount).toBe(1);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it.each([
    ['1000', { first: 1000 }, ['first']],
    ['-1', { first: -1 }, ['first']],
    ['101', { first: 101 }, ['first']],
  ])('when first is %s, then it is BAD_USER_INPUT on first', async (_label, variables, paths) => {
    const result = await test.client.request(ProductsDocument, variables);

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(paths);
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['valid base64 of something else', Buffer.from('{"hello":"world"}').toString('base64url')],
    ['a cursor with a bad id', Buffer.from(JSON.stringify(['2024-01-01T00:00:00.000Z', 'x'])).toString('base64url')],
  ])('when after is %s, then it is BAD_USER_INPUT on after', async (_label, after) => {
    const result = await test.client.request(ProductsDocument, { first: 5, after });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['after']);
  });
});

describe('products filters', () => {
  it('when searching, then name and sku both match, ignoring letter case', async () => {
    const word = uniqueWord();
    const byName = await createProduct(test, admin, { name: `Lamp ${word}` });
    const bySku = await createProduct(test, admin, { sku: `SKU-${word.toUpperCase()}`, name: 'Something unrelated' });
    await createProduct(test, admin, { name: 'Not it' });

    const found = await listProducts(test, { filter: { search: word.toUpperCase() } });
    const foundLower = await listProducts(test, { filter: { search: word.toLowerCase() } });

    expect(skusOf(found)).toEqual([byName.sku, bySku.sku].sort());
    expect(skusOf(foundLower)).toEqual([byName.sku, bySku.sku].sort());
    expect(found.totalCount).toBe(2);
  });

  it.each([
    ['%', `100%`, `1000`],
    ['_', `a_b`, `axb`],
    ['\\', `a\\b`, `ab`],
  ])('when the search contains %s, then it matches that character literally, not as a wildcard', async (_char, literal, lookalike) => {
    const word = uniqueWord();
    const wanted = await createProduct(test, admin, { name: `Wool ${word}${literal} blend` });
    await createProduct(test, admin, { name: `Wool ${word}${lookalike} blend` });

    const found = await listProducts(test, { filter: { search: `${word}${literal}` } });

    expect(skusOf(found)).toEqual([wanted.sku]);
    expect(found.totalCount).toBe(1);
  });

  it('when filtering on inStock, then true lists products with units and false those without', async () => {
    const word = uniqueWord();
    const stocked = await createProduct(test, admin, { name: `Stocked ${word}`, stock: 4 });
    const soldOut = await createProduct(test, admin, { name: `Sold out ${word}`, stock: 0 });

    const inStock = await listProducts(test, { filter: { search: word, inStock: true } });
    const outOfStock = await listProducts(test, { filter: { search: word, inStock: false } });
    const either = await listProducts(test, { filter: { search: word } });

    expect(skusOf(inStock)).toEqual([stocked.sku]);
    expect(inStock.totalCount).toBe(1);
    expect(skusOf(outOfStock)).toEqual([soldOut.sku]);
    expect(either.totalCount).toBe(2);
  });

  it('when filtering on a price range, then both bounds are inclusive', async () => {
    const word = uniqueWord();
    const cheap = await createProduct(test, admin, { name: `Cheap ${word}`, priceAmount: 100 });
    const middle = await createProduct(test, admin, { name: `Middle ${word}`, priceAmount: 500 });
    const dear = await createProduct(test, admin, { name: `Dear ${word}`, priceAmount: 900 });

    expect(skusOf(await listProducts(test, { filter: { search: word, minPrice: 200, maxPrice: 800 } }))).toEqual([middle.sku]);
    expect(skusOf(await listProducts(test, { filter: { search: word, minPrice: 500 } }))).toEqual([middle.sku, dear.sku].sort());
    expect(skusOf(await listProducts(test, { filter: { search: word, maxPrice: 500 } }))).toEqual([cheap.sku, middle.sku].sort());
    expect(skusOf(await listProducts(test, { filter: { search: word, minPrice: 100, maxPrice: 100 } }))).toEqual([cheap.sku]);
    expect((await listProducts(test, { filter: { search: word, minPrice: 200 } })).totalCount).toBe(2);
  });

  it('when minPrice exceeds maxPrice, then it is BAD_USER_INPUT on filter.minPrice', async () => {
    const result = await test.client.request(ProductsDocument, { filter: { minPrice: 500, maxPrice: 100 } });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['filter.minPrice']);
  });

  it('when the search is longer than 100 characters, then it is BAD_USER_INPUT on filter.search', async () => {
    const result = await test.client.request(ProductsDocument, { filter: { search: 'x'.repeat(101) } });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['filter.search']);
  });
});
