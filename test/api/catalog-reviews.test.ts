import { randomUUID } from 'node:crypto';
import { AddReviewDocument, ProductReviewsDocument } from '../generated/graphql';
import { createProduct, signUpCustomer, type TestUser } from '../factories';
import { readProduct } from '../support/catalog';
import { dataOf, errorCodes, fieldPaths } from '../support/graphql-client';
import { startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';

/** Reviews: who may write them, what a valid one is, and the ratings and reviews connection they feed. */
let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop()));
afterAll(() => test.stop());

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
    expect((await readProduct(test, product.id))?.averageRating).toBeNull();
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

    expect((await readProduct(test, product.id))?.averageRating).toBe(4.5);
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
      await test.app.database.query(`UPDATE reviews SET created_at = $2 WHERE id = $1`, [r.id, new Date(Date.UTC(2030, 0, 1, 0, i))]);
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
