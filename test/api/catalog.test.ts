import { randomUUID } from 'node:crypto';
import {
  AddReviewDocument,
  CreateProductDocument,
  ProductDocument,
  ProductReviewsDocument,
  ProductsDocument,
  RestockProductDocument,
  UpdateProductDocument,
  type ProductFilter,
  type ProductsQuery,
} from '../generated/graphql';
import { createAdmin, createProduct, productInput, signUpCustomer, type TestUser } from '../factories';
import { dataOf, errorCodes, type GraphQLResponse } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';

let test: TestApp;
let admin: TestUser;
beforeAll(async () => {
  test = await startTestApp();
  admin = await createAdmin(test);
});
afterAll(() => test.stop());

/** The `extensions.fields` paths of a BAD_USER_INPUT response, sorted. */
const fieldPaths = (response: GraphQLResponse<unknown>): string[] =>
  ((response.errors?.[0]?.extensions.fields ?? []) as { path: string }[]).map((f) => f.path).sort();

/** A word no other test's product contains, so a search for it finds this test's products only. */
const uniqueWord = () => `w${randomUUID().replace(/-/g, '').slice(0, 12)}`;

const readProduct = async (id: string) => dataOf(await test.client.request(ProductDocument, { id })).product;

const listProducts = async (variables: { first?: number; after?: string; filter?: ProductFilter }) =>
  dataOf(await test.client.request(ProductsDocument, variables)).products;

const skusOf = (connection: ProductsQuery['products']) => connection.edges.map((e) => e.node.sku).sort();

describe('createProduct', () => {
  it('when nobody is signed in, then it fails with UNAUTHENTICATED and creates nothing', async () => {
    const input = productInput();

    const result = await test.client.request(CreateProductDocument, { input });

    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    expect(skusOf(await listProducts({ filter: { search: input.sku } }))).toEqual([]);
  });

  it('when a customer tries, then it fails with FORBIDDEN and creates nothing', async () => {
    const customer = await signUpCustomer(test);
    const input = productInput();

    const result = await test.client.request(CreateProductDocument, { input }, { token: customer.token });

    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(skusOf(await listProducts({ filter: { search: input.sku } }))).toEqual([]);
  });

  it('when an admin creates a product, then it is stored at version 1 with no rating yet', async () => {
    const input = productInput({ name: 'Mechanical keyboard', priceAmount: 8999, currency: 'USD', stock: 7 });

    const created = dataOf(await test.client.request(CreateProductDocument, { input }, { token: admin.token })).createProduct;

    expect(created).toMatchObject({
      sku: input.sku,
      name: 'Mechanical keyboard',
      description: input.description,
      price: { amount: 8999, currency: 'USD' },
      stock: 7,
      version: 1,
      averageRating: null,
    });
    expect(await readProduct(created.id)).toEqual(created);
  });

  it('when the SKU is already taken, then it fails with CONFLICT and the first product is untouched', async () => {
    const first = await createProduct(test, admin, { name: 'The original' });

    const result = await test.client.request(
      CreateProductDocument,
      { input: productInput({ sku: first.sku, name: 'The copy' }) },
      { token: admin.token },
    );

    expect(errorCodes(result)).toEqual(['CONFLICT']);
    expect(skusOf(await listProducts({ filter: { search: first.sku } }))).toEqual([first.sku]);
    expect((await readProduct(first.id))?.name).toBe('The original');
  });

  it('when the input is invalid, then BAD_USER_INPUT names every field at fault', async () => {
    const input = productInput({ currency: 'euro', priceAmount: -1, stock: -5, sku: 'has spaces' });

    const result = await test.client.request(CreateProductDocument, { input }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['input.currency', 'input.priceAmount', 'input.sku', 'input.stock']);
    expect(result.data ?? null).toBeNull();
  });

  it('when the name is only whitespace, then it is BAD_USER_INPUT on input.name', async () => {
    const result = await test.client.request(CreateProductDocument, { input: productInput({ name: '   ' }) }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['input.name']);
  });
});

describe('updateProduct', () => {
  it('when the expected version is current, then the change is saved and the version goes up by one', async () => {
    const product = await createProduct(test, admin, { name: 'Old name', priceAmount: 1000 });

    const { updateProduct } = dataOf(
      await test.client.request(
        UpdateProductDocument,
        { id: product.id, input: { name: 'New name', priceAmount: 1200, expectedVersion: product.version } },
        { token: admin.token },
      ),
    );

    expect(updateProduct).toMatchObject({ id: product.id, name: 'New name', price: { amount: 1200, currency: 'EUR' }, version: 2 });
    expect(updateProduct.description).toBe(product.description);
    expect(await readProduct(product.id)).toMatchObject({ name: 'New name', version: 2 });
  });

  it('when the expected version is stale, then it fails with CONFLICT and the product is unchanged', async () => {
    const product = await createProduct(test, admin, { name: 'Before' });
    dataOf(
      await test.client.request(UpdateProductDocument, { id: product.id, input: { name: 'First writer', expectedVersion: 1 } }, { token: admin.token }),
    );

    const late = await test.client.request(
      UpdateProductDocument,
      { id: product.id, input: { name: 'Second writer', expectedVersion: 1 } },
      { token: admin.token },
    );

    expect(errorCodes(late)).toEqual(['CONFLICT']);
    expect(late.errors![0]!.extensions.currentVersion).toBe(2);
    expect(await readProduct(product.id)).toMatchObject({ name: 'First writer', version: 2 });
  });

  it.each([
    ['unknown', () => randomUUID()],
    ['malformed', () => 'not-a-uuid'],
  ])('when the id is %s, then it fails with NOT_FOUND', async (_kind, id) => {
    const result = await test.client.request(UpdateProductDocument, { id: id(), input: { name: 'x', expectedVersion: 1 } }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });

  it('when a customer tries, then it fails with FORBIDDEN and the product is unchanged', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { name: 'Mine' });

    const result = await test.client.request(
      UpdateProductDocument,
      { id: product.id, input: { name: 'Yours', expectedVersion: 1 } },
      { token: customer.token },
    );

    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await readProduct(product.id)).toMatchObject({ name: 'Mine', version: 1 });
  });
});

describe('restockProduct', () => {
  it('when an admin restocks, then the units are added and the version goes up', async () => {
    const product = await createProduct(test, admin, { stock: 3 });

    const { restockProduct } = dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 5 }, { token: admin.token }));

    expect(restockProduct).toEqual({ id: product.id, stock: 8, version: 2 });
    expect(await readProduct(product.id)).toMatchObject({ stock: 8, version: 2 });
  });

  it('when a customer tries, then it fails with FORBIDDEN and the stock is unchanged', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 3 });

    const result = await test.client.request(RestockProductDocument, { id: product.id, quantity: 5 }, { token: customer.token });

    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(await readProduct(product.id)).toMatchObject({ stock: 3, version: 1 });
  });

  it('when the quantity is 0, then it is BAD_USER_INPUT on quantity', async () => {
    const product = await createProduct(test, admin, { stock: 3 });

    const result = await test.client.request(RestockProductDocument, { id: product.id, quantity: 0 }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['quantity']);
    expect(await readProduct(product.id)).toMatchObject({ stock: 3, version: 1 });
  });

  it('when the product does not exist, then it fails with NOT_FOUND', async () => {
    const result = await test.client.request(RestockProductDocument, { id: randomUUID(), quantity: 1 }, { token: admin.token });

    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });
});

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
    await test.app.dataSource.query(`UPDATE products SET created_at = '2030-01-01T00:00:00.000Z' WHERE id = ANY($1::uuid[])`, [
      created.slice(1, 5).map((p) => p.id),
    ]);

    const pages: ProductsQuery['products'][] = [];
    let after: string | undefined;
    do {
      const page = await listProducts({ first: 3, after, filter: { search: word } });
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

    const { edges } = await listProducts({ first: 1, filter: { search: word } });

    const cursor = edges[0]!.cursor;
    expect(cursor).not.toContain(product.id);
    expect(cursor).not.toContain(product.createdAt);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('when first is 0, then the page is empty but totalCount and hasNextPage still tell what exists', async () => {
    const word = uniqueWord();
    await createProduct(test, admin, { name: `Zero ${word}` });

    const page = await listProducts({ first: 0, filter: { search: word } });

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

    const found = await listProducts({ filter: { search: word.toUpperCase() } });
    const foundLower = await listProducts({ filter: { search: word.toLowerCase() } });

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

    const found = await listProducts({ filter: { search: `${word}${literal}` } });

    expect(skusOf(found)).toEqual([wanted.sku]);
    expect(found.totalCount).toBe(1);
  });

  it('when filtering on inStock, then true lists products with units and false those without', async () => {
    const word = uniqueWord();
    const stocked = await createProduct(test, admin, { name: `Stocked ${word}`, stock: 4 });
    const soldOut = await createProduct(test, admin, { name: `Sold out ${word}`, stock: 0 });

    const inStock = await listProducts({ filter: { search: word, inStock: true } });
    const outOfStock = await listProducts({ filter: { search: word, inStock: false } });
    const either = await listProducts({ filter: { search: word } });

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

    expect(skusOf(await listProducts({ filter: { search: word, minPrice: 200, maxPrice: 800 } }))).toEqual([middle.sku]);
    expect(skusOf(await listProducts({ filter: { search: word, minPrice: 500 } }))).toEqual([middle.sku, dear.sku].sort());
    expect(skusOf(await listProducts({ filter: { search: word, maxPrice: 500 } }))).toEqual([cheap.sku, middle.sku].sort());
    expect(skusOf(await listProducts({ filter: { search: word, minPrice: 100, maxPrice: 100 } }))).toEqual([cheap.sku]);
    expect((await listProducts({ filter: { search: word, minPrice: 200 } })).totalCount).toBe(2);
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

describe('addReview', () => {
  const review = (productId: string, overrides: { rating?: number; body?: string } = {}) => ({
    input: { productId, rating: 5, body: 'Works as described', ...overrides },
  });

  it('when nobody is signed in, then it fails with UNAUTHENTICATED', async () => {
    const product = await createProduct(test, admin);

    const result = await test.client.request(AddReviewDocument, review(product.id));

    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('when a customer reviews, then the review shows its author and product', async () => {
    const customer = await signUpCustomer(test, { name: 'Grace' });
    const product = await createProduct(test, admin);

    const { addReview } = dataOf(await test.client.request(AddReviewDocument, review(product.id, { rating: 4, body: '  Solid  ' }), { token: customer.token }));

    expect(addReview).toMatchObject({
      rating: 4,
      body: 'Solid',
      author: { id: customer.id, name: 'Grace' },
      product: { id: product.id, averageRating: 4 },
    });
  });

  it.each([
    ['a rating of 0', { rating: 0 }, ['input.rating']],
    ['a rating of 6', { rating: 6 }, ['input.rating']],
    ['an empty body', { body: '' }, ['input.body']],
    ['a body of only spaces', { body: '   ' }, ['input.body']],
    ['a body of 2001 characters', { body: 'x'.repeat(2001) }, ['input.body']],
    ['both a bad rating and a bad body', { rating: 6, body: '' }, ['input.body', 'input.rating']],
  ])('when the review has %s, then it is BAD_USER_INPUT naming the field', async (_label, overrides, paths) => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);

    const result = await test.client.request(AddReviewDocument, review(product.id, overrides), { token: customer.token });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(paths);
    expect((await readProduct(product.id))?.averageRating).toBeNull();
  });

  it('when the body is exactly 2000 characters, then the review is accepted', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);

    const result = await test.client.request(AddReviewDocument, review(product.id, { body: 'y'.repeat(2000) }), { token: customer.token });

    expect(dataOf(result).addReview.body).toHaveLength(2000);
  });

  it.each([
    ['unknown', () => randomUUID()],
    ['malformed', () => 'not-a-uuid'],
  ])('when the product id is %s, then it fails with NOT_FOUND', async (_kind, id) => {
    const customer = await signUpCustomer(test);

    const result = await test.client.request(AddReviewDocument, review(id()), { token: customer.token });

    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });

  it('when the same customer reviews the same product again, then it is a CONFLICT and the first review stands', async () => {
    const customer = await signUpCustomer(test);
    const product = await createProduct(test, admin);
    dataOf(await test.client.request(AddReviewDocument, review(product.id, { rating: 2, body: 'First' }), { token: customer.token }));

    const again = await test.client.request(AddReviewDocument, review(product.id, { rating: 5, body: 'Second' }), { token: customer.token });

    expect(errorCodes(again)).toEqual(['CONFLICT']);
    const { product: read } = dataOf(await test.client.request(ProductReviewsDocument, { id: product.id }));
    expect(read?.reviews.totalCount).toBe(1);
    expect(read?.reviews.edges[0]?.node).toMatchObject({ rating: 2, body: 'First' });
    expect(read?.averageRating).toBe(2);
  });
});

describe('ratings and the reviews connection', () => {
  async function reviewAs(customer: TestUser, productId: string, rating: number, body = `Rated ${rating}`) {
    return dataOf(await test.client.request(AddReviewDocument, { input: { productId, rating, body } }, { token: customer.token })).addReview;
  }

  it('when a product has no reviews, then its averageRating is null and its reviews are empty', async () => {
    const product = await createProduct(test, admin);

    const { product: read } = dataOf(await test.client.request(ProductReviewsDocument, { id: product.id }));

    expect(read?.averageRating).toBeNull();
    expect(read?.reviews).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('when reviews rate a product 5 and 4, then its averageRating is 4.5', async () => {
    const product = await createProduct(test, admin);
    await reviewAs(await signUpCustomer(test), product.id, 5);
    await reviewAs(await signUpCustomer(test), product.id, 4);

    expect((await readProduct(product.id))?.averageRating).toBe(4.5);
  });

  it('when a product has several reviews, then they page newest first with totalCount, author and product', async () => {
    const product = await createProduct(test, admin);
    const authors = [];
    const reviews = [];
    for (let i = 0; i < 5; i += 1) {
      const author = await signUpCustomer(test, { name: `Reviewer ${i}` });
      authors.push(author);
      reviews.push(await reviewAs(author, product.id, (i % 5) + 1, `Review ${i}`));
    }
    // Distinct creation times a minute apart, review 4 the newest.
    for (const [i, r] of reviews.entries()) {
      await test.app.dataSource.query(`UPDATE reviews SET created_at = $2 WHERE id = $1`, [r.id, new Date(Date.UTC(2030, 0, 1, 0, i))]);
    }

    const first = dataOf(await test.client.request(ProductReviewsDocument, { id: product.id, first: 2 }, { token: admin.token })).product!;
    const second = dataOf(
      await test.client.request(ProductReviewsDocument, { id: product.id, first: 2, after: first.reviews.pageInfo.endCursor }, { token: admin.token }),
    ).product!;
    const third = dataOf(
      await test.client.request(ProductReviewsDocument, { id: product.id, first: 2, after: second.reviews.pageInfo.endCursor }, { token: admin.token }),
    ).product!;

    const pages = [first, second, third].map((p) => p.reviews);
    expect(pages.map((p) => p.edges.map((e) => e.node.body))).toEqual([['Review 4', 'Review 3'], ['Review 2', 'Review 1'], ['Review 0']]);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.map((p) => p.totalCount)).toEqual([5, 5, 5]);
    expect(first.averageRating).toBe(3);
    const newest = first.reviews.edges[0]!.node;
    expect(newest.author).toEqual({ id: authors[4]!.id, name: 'Reviewer 4', email: authors[4]!.email });
    expect(newest.product).toEqual({ id: product.id, sku: product.sku });
    expect(newest.createdAt).toBe('2030-01-01T00:04:00.000Z');
  });

  it('when the reviews cursor is malformed, then it is BAD_USER_INPUT', async () => {
    const product = await createProduct(test, admin);

    const result = await test.client.request(ProductReviewsDocument, { id: product.id, first: 2, after: 'nope' });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['after']);
  });

  it('when reviews(first) is above 100, then it is BAD_USER_INPUT on first', async () => {
    const product = await createProduct(test, admin);

    const result = await test.client.request(ProductReviewsDocument, { id: product.id, first: 101 });

    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(fieldPaths(result)).toEqual(['first']);
  });
});
