import { createHash, randomUUID } from 'node:crypto';
import { createProduct, signUpCustomer, PASSWORD, type TestUser } from '../factories';
import { cacheOf } from '../support/api-cluster';
import { dataOf, errorCodes } from '../support/graphql-client';
import { jobsToRun } from '../support/jobs';
import { startShop } from '../support/shop';
import type { TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * The response cache in one process (in-memory store, worker in the same process): what is
 * shared, what is per viewer, what is never cached, and that every change is seen at once.
 */

const PRODUCT_PAGE = `query ProductPage($id: ID!) {
  product(id: $id) { name stock price { amount } averageRating reviews(first: 5) { totalCount edges { node { rating body author { name } } } } }
}`;
const PRODUCT_LIST = 'query List { products(first: 100) { totalCount edges { node { id name stock } } } }';
const ME = 'query Me { me { id name email role } }';
const MY_ORDERS = 'query MyOrders { orders(first: 10) { totalCount edges { node { id status customer { id name email } } } } }';
const AUTHOR_EMAIL = 'query AuthorEmail($id: ID!) { product(id: $id) { reviews(first: 5) { edges { node { author { id name email } } } } } }';


let test: TestApp;
let admin: TestUser;
beforeAll(async () => ({ test, admin } = await startShop({ worker: true })));
afterAll(() => test.stop());

/**
 * A change drops its tags right after the commit and its event's job drops them again (that is
 * what survives a crash); an answer cached between the two is dropped by the second, so a test
 * that expects an entry to stay cached waits until the cache's event jobs have run.
 */
async function cacheEventsProcessed(): Promise<void> {
  const pending = () => jobsToRun(test.app.database, { like: 'event:response-cache.%' });
  await eventually(pending, (n) => n === 0, { what: "the response cache's event jobs to run" });
}

/** Counts the process's SQL while `work` runs; jobs of earlier changes are let finish first, as their SQL is not the request's. */
async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  await eventually(() => jobsToRun(test.app.database, {}), (n) => n === 0, { what: 'no job left to run' });
  let statements = 0;
  const stop = test.app.queries.onQuery(() => statements++);
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}

describe('response cache: sharing and isolation', () => {
  it('when two viewers read the same product page, then the second answer comes from the cache without SQL, identical', async () => {
    const product = await createProduct(test, admin);
    const customer = await signUpCustomer(test);
    const first = await test.client.post({ query: PRODUCT_PAGE, variables: { id: product.id } }, { token: customer.token });
    const { result: second, statements } = await statementsDuring(() => test.client.post({ query: PRODUCT_PAGE, variables: { id: product.id } }));

    expect(cacheOf(first)).toBe('miss');
    expect(cacheOf(second)).toBe('hit');
    expect(statements).toBe(0);
    expect(second.data).toEqual(first.data);
    // A stored answer reports its cost but takes 1 point from the budget: no work was done for it.
    expect(second.extensions?.cost?.requested).toBe(first.extensions?.cost?.requested);
    expect(first.extensions?.cost?.spent).toBe(first.extensions?.cost?.requested);
    expect(first.extensions?.cost?.requested).toBeGreaterThan(1);
    expect(second.extensions?.cost?.spent).toBe(1);
  });

  it("when customer A's me and orders are cached, then customer B and an anonymous caller never get them", async () => {
    const a = await signUpCustomer(test);
    const b = await signUpCustomer(test);
    const product = await createProduct(test, admin, { stock: 5 });
    await test.client.post(
      { query: 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', variables: { i: { items: [{ productId: product.id, quantity: 1 }], idempotencyKey: randomUUID() } } },
      { token: a.token },
    );
    // The order's events (placed, then paid) drop A's entries as they are processed; wait for both to settle in the cache.
    await eventually(
      async () => [cacheOf(await test.client.post({ query: ME }, { token: a.token })), cacheOf(await test.client.post({ query: MY_ORDERS }, { token: a.token }))],
      (results) => results.every((r) => r === 'hit'),
      { timeoutMs: 20_000, what: "A's me and orders served from the cache" },
    );

    const meB = await test.client.post<{ me: { id: string; email: string } }>({ query: ME }, { token: b.token });
    const ordersB = await test.client.post<{ orders: { totalCount: number } }>({ query: MY_ORDERS }, { token: b.token });
    const meAnonymous = await test.client.post<{ me: null }>({ query: ME });
    const ordersAnonymous = await test.client.post({ query: MY_ORDERS });

    expect(dataOf(meB).me).toMatchObject({ id: b.id, email: b.email });
    expect(cacheOf(meB)).toBe('miss');
    expect(dataOf(ordersB).orders.totalCount).toBe(0);
    expect(dataOf(meAnonymous).me).toBeNull();
    expect(cacheOf(meAnonymous)).toBeUndefined();
    expect(errorCodes(ordersAnonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('when an admin reads review authors with their emails, then a customer asking the same gets no email from the cache', async () => {
    const product = await createProduct(test, admin);
    const author = await signUpCustomer(test);
    await test.client.post(
      { query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: { i: { productId: product.id, rating: 4, body: 'Good' } } },
      { token: author.token },
    );
    const asAdmin = await test.client.post<{ product: { reviews: { edges: { node: { author: { email: string | null } } }[] } } }>(
      { query: AUTHOR_EMAIL, variables: { id: product.id } },
      { token: admin.token },
    );
    await test.client.post({ query: AUTHOR_EMAIL, variables: { id: product.id } }, { token: admin.token });
    const customer = await signUpCustomer(test);
    const asCustomer = await test.client.post<typeof asAdmin.data & object>({ query: AUTHOR_EMAIL, variables: { id: product.id } }, { token: customer.token });

    expect(dataOf(asAdmin).product.reviews.edges[0]!.node.author.email).toBe(author.email);
    expect(dataOf(asCustomer).product.reviews.edges[0]!.node.author.email).toBeNull();
    expect(cacheOf(asCustomer)).toBe('miss');
  });

  it("when a customer's role changes, then their next session reads the new role, not the cached one", async () => {
    const customer = await signUpCustomer(test);
    await test.client.post({ query: ME }, { token: customer.token });
    expect(cacheOf(await test.client.post({ query: ME }, { token: customer.token }))).toBe('hit');

    await test.app.modules.users.service.ensureAdmin({ email: customer.email, name: customer.name, password: PASSWORD });
    const session = await test.app.modules.users.service.signIn({ email: customer.email, password: PASSWORD }, 'test');
    const me = await test.client.post<{ me: { role: string } }>({ query: ME }, { token: session.token });

    expect(dataOf(me).me.role).toBe('ADMIN');
  });
});

describe('response cache: never caches failures', () => {
  it('when a query fails validation or has bad input, then the same request fails again, not a cached success', async () => {
    const product = await createProduct(test, admin);
    const tooMany = { query: 'query($id: ID!) { product(id: $id) { reviews(first: 1000) { totalCount } } }', variables: { id: product.id } };
    const first = await test.client.post(tooMany);
    const second = await test.client.post(tooMany);
    expect(errorCodes(first)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(second)).toEqual(['BAD_USER_INPUT']);
    expect(cacheOf(second)).not.toBe('hit');

    const invalid = { query: '{ product(id: 1) { nope } }' };
    expect(errorCodes(await test.client.post(invalid))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodes(await test.client.post(invalid))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('when a response has errors, then it is not stored: the next identical request executes again', async () => {
    const query = { query: 'query Secret { order(id: "00000000-0000-0000-0000-000000000000") { id } }' };
    const customer = await signUpCustomer(test);
    await test.client.post(query, { token: customer.token });
    const { result, statements } = await statementsDuring(() => test.client.post(query, { token: customer.token }));
    expect(cacheOf(result)).toBe('miss');
    expect(statements).toBeGreaterThan(0);
  });
});

describe('response cache: every change is seen at once', () => {
  it('when an order takes stock, then the next product page read shows the new stock', async () => {
    const product = await createProduct(test, admin, { stock: 10 });
    const customer = await signUpCustomer(test);
    await test.client.post({ query: PRODUCT_PAGE, variables: { id: product.id } });
    expect(cacheOf(await test.client.post({ query: PRODUCT_PAGE, variables: { id: product.id } }))).toBe('hit');

    dataOf(
      await test.client.post(
        { query: 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', variables: { i: { items: [{ productId: product.id, quantity: 3 }], idempotencyKey: randomUUID() } } },
        { token: customer.token },
      ),
    );
    const after = await test.client.post<{ product: { stock: number } }>({ query: PRODUCT_PAGE, variables: { id: product.id } });
    expect(dataOf(after).product.stock).toBe(7);
  });

  it('when a price changes, a review is added or a product is created, then the page and the list show it', async () => {
    const product = await createProduct(test, admin, { priceAmount: 1000 });
    const read = () => test.client.post<{ product: { price: { amount: number }; reviews: { totalCount: number } } }>({ query: PRODUCT_PAGE, variables: { id: product.id } });
    const list = () => test.client.post<{ products: { totalCount: number; edges: { node: { id: string } }[] } }>({ query: PRODUCT_LIST });
    await cacheEventsProcessed();
    await read();
    await list();
    // Both are served from the cache before each change, so a fresh answer after it proves the drop.
    expect(cacheOf(await read())).toBe('hit');
    expect(cacheOf(await list())).toBe('hit');

    dataOf(
      await test.client.post(
        { query: 'mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id } }', variables: { id: product.id, i: { expectedVersion: 1, priceAmount: 1500 } } },
        { token: admin.token },
      ),
    );
    expect(dataOf(await read()).product.price.amount).toBe(1500);
    await cacheEventsProcessed();
    await read();
    expect(cacheOf(await read())).toBe('hit');

    const reviewer = await signUpCustomer(test);
    dataOf(
      await test.client.post(
        { query: 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', variables: { i: { productId: product.id, rating: 5, body: 'Great' } } },
        { token: reviewer.token },
      ),
    );
    expect(dataOf(await read()).product.reviews.totalCount).toBe(1);

    await cacheEventsProcessed();
    const before = dataOf(await list()).products.totalCount;
    expect(cacheOf(await list())).toBe('hit');
    const created = await createProduct(test, admin);
    const after = dataOf(await list()).products;
    expect(after.totalCount).toBe(before + 1);
    expect(after.edges.map((e) => e.node.id)).toContain(created.id);
  });

  it('when a price changes outside a GraphQL mutation, then the ProductUpdated event drops the cached page and list', async () => {
    // A mutation's own result drops its tags in the plugin; a change made elsewhere (a script, a
    // job, another instance) reaches the cache only through its domain event, which this checks.
    const product = await createProduct(test, admin, { priceAmount: 1000 });
    const read = () => test.client.post<{ product: { price: { amount: number } } }>({ query: PRODUCT_PAGE, variables: { id: product.id } });
    const list = () => test.client.post<{ products: { edges: { node: { id: string; price: { amount: number } } }[] } }>({ query: 'query Prices { products(first: 100) { edges { node { id price { amount } } } } }' });
    const priceInList = async () => dataOf(await list()).products.edges.find((e) => e.node.id === product.id)?.node.price.amount;
    await eventually(read, (r) => cacheOf(r) === 'hit', { what: 'the page served from the cache' });
    await eventually(list, (r) => cacheOf(r) === 'hit', { what: 'the list served from the cache' });

    const adminViewer = { id: admin.id, role: 'ADMIN' as const, expiresAt: Math.floor(Date.now() / 1000) + 600 };
    await test.app.modules.catalog.service.updateProduct(adminViewer, product.id, 1, { priceAmount: 1500 });

    expect(dataOf(await read()).product.price.amount).toBe(1500);
    expect(await priceInList()).toBe(1500);
  });

  it('when a payment settles in the worker, then the customer reads the order as PAID', async () => {
    const product = await createProduct(test, admin, { stock: 5 });
    const customer = await signUpCustomer(test);
    // The capture is held at the provider, so the PENDING answer is cached before the payment settles.
    test.paymentProvider.setBehaviour({ mode: 'slow', delayMs: 2_500, times: 1 });
    const placed = await test.client.post<{ placeOrder: { id: string } }>(
      { query: 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', variables: { i: { items: [{ productId: product.id, quantity: 1 }], idempotencyKey: randomUUID() } } },
      { token: customer.token },
    );
    const orderId = dataOf(placed).placeOrder.id;
    const read = () => test.client.post<{ order: { status: string } }>({ query: 'query O($id: ID!) { order(id: $id) { status } }', variables: { id: orderId } }, { token: customer.token });
    const status = async () => dataOf(await read()).order.status;
    // The order's first events (placed, payment created) drop the entry as they are processed; wait until it is cached.
    const cached = await eventually(read, (r) => cacheOf(r) === 'hit', { what: 'the order served from the cache' });
    expect(cacheOf(cached)).toBe('hit');
    expect(dataOf(cached).order.status).toBe('PENDING');
    await eventually(status, (s) => s === 'PAID', { timeoutMs: 20_000, what: 'the order read as PAID' });
  });
});

describe('response cache over HTTP GET', () => {
  const getUrl = (query: string, variables: object, persisted: boolean) => {
    const params = new URLSearchParams({ variables: JSON.stringify(variables) });
    const hash = createHash('sha256').update(query).digest('hex');
    if (persisted) params.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    params.set('query', query);
    return `${test.url}?${params}`;
  };

  it('when a persisted public query is read with GET, then it is public with an ETag, and If-None-Match answers 304 without executing', async () => {
    const product = await createProduct(test, admin);
    const url = getUrl(PRODUCT_PAGE, { id: product.id }, true);
    const headers = { 'apollo-require-preflight': 'true' };
    const first = await fetch(url, { headers });
    await first.text();
    const etag = first.headers.get('etag');

    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    expect(etag).toMatch(/^".+"$/);

    const { result: revalidated, statements } = await statementsDuring(() => fetch(url, { headers: { ...headers, 'if-none-match': etag! } }));
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(statements).toBe(0);
  });

  it('when a viewer-dependent query is read with GET, then it is private, no-store', async () => {
    const customer = await signUpCustomer(test);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(getUrl(ME, {}, true), { headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${customer.token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(((await response.json()) as { data: { me: { id: string } } }).data.me.id).toBe(customer.id);
    }
  });

  it('when a mutation is sent with GET, then it is refused as before', async () => {
    const response = await fetch(getUrl('mutation { signIn(input: {email: "x@example.com", password: "y"}) { token } }', {}, false), {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(405);
  });
});
