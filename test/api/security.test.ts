import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as generated from '../generated/graphql';
import { SignJWT } from 'jose';
import { MeDocument, OrderDocument, ProductsDocument } from '../generated/graphql';
import { createAdmin, createProduct, PASSWORD, signUpCustomer } from '../factories';
import { placeOrder } from '../factories/orders';
import { dataOf, errorCodes, type GraphQLResponse } from '../support/graphql-client';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive, type LiveClient } from '../support/ws-client';
import { print } from 'graphql';

/**
 * Each attack runs against the real server and must be refused with its exact code, never a 5xx,
 * in under 100 ms, leaving the server answering. Timings are printed for the closing note.
 */
/** A valid query `1 + 4k + 1` levels deep: me → (orders → edges → node → customer) × k → id. */
const nested = (k: number) => `{ me { ${'orders { edges { node { customer { '.repeat(k)}id${' } } } }'.repeat(k)} } }`;
const timings: [string, number][] = [];
let production: TestApp;
const clients: LiveClient[] = [];

beforeAll(async () => {
  production = await startTestApp({
    env: {
      NODE_ENV: 'production',
      SIGN_IN_MAX_FAILURES: '5',
      QUERY_COST_BUDGET_PER_MINUTE: '100000',
      ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '100000',
    },
  });
  // Warm the code paths once, so the timings measure the checks rather than first-call JIT.
  for (const query of [nested(5), '{ me { id } }', '{ produc }', `{ ${'... @include(if: true) { '.repeat(60)}__typename${' }'.repeat(60)} }`]) {
    await production.client.post({ query });
  }
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await production.stop();
  console.log(`rejection times (ms):\n${timings.map(([name, ms]) => `  ${ms.toFixed(1).padStart(6)}  ${name}`).join('\n')}`);
});

const ws = (test: TestApp, token?: string) => {
  const client = connectLive(test.url, token);
  clients.push(client);
  return client;
};

async function timed<T>(name: string, act: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await act();
  const elapsed = performance.now() - started;
  timings.push([name, elapsed]);
  expect(elapsed).toBeLessThan(100);
  return result;
}

async function expectRefusedOverHttp(name: string, body: unknown, code: string, extra: (r: GraphQLResponse<unknown>) => void = () => {}) {
  const result = await timed(`${name} (HTTP)`, () => production.client.post(body));
  expect(result.status).toBeLessThan(500);
  expect(errorCodes(result)).toEqual([code]);
  extra(result);
  await expectStillAnswering();
  return result;
}

async function expectRefusedOverWs(name: string, query: string, code: string, variables: Record<string, unknown> = {}) {
  const client = ws(production);
  const started = performance.now();
  const operation = client.subscribe(query, variables);
  await eventually(async () => operation.errors, (e) => e !== undefined, { what: `${name} refused`, intervalMs: 1 });
  const elapsed = performance.now() - started;
  timings.push([`${name} (WebSocket)`, elapsed]);
  expect(elapsed).toBeLessThan(100);
  expect(operation.errors!.map((e) => e.extensions.code)).toEqual([code]);
  await expectStillAnswering();
  return operation.errors!;
}

async function expectStillAnswering() {
  const result = await production.client.request(ProductsDocument, { first: 1 });
  expect(result.status).toBe(200);
  expect(result.errors).toBeUndefined();
}


describe('operation limits', () => {
  it('when a query is 20 levels deep, then QUERY_TOO_COMPLEX names depth', async () => {
    const query = nested(5);
    const result = await expectRefusedOverHttp('depth 20', { query }, 'QUERY_TOO_COMPLEX', (r) =>
      expect(r.errors![0]!.extensions.limit).toBe('depth'),
    );
    expect(result.status).toBe(400);
    const [error] = await expectRefusedOverWs('depth 20', query, 'QUERY_TOO_COMPLEX');
    expect(error!.extensions.limit).toBe('depth');
  });

  it('when a query has 500 aliases, then QUERY_TOO_COMPLEX names aliases', async () => {
    // Three tokens an alias: under the token limit, so the alias limit is what refuses it.
    const query = `{ me { ${Array.from({ length: 500 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    await expectRefusedOverHttp('500 aliases', { query }, 'QUERY_TOO_COMPLEX', (r) => expect(r.errors![0]!.extensions.limit).toBe('aliases'));
    const [error] = await expectRefusedOverWs('500 aliases', query, 'QUERY_TOO_COMPLEX');
    expect(error!.extensions.limit).toBe('aliases');
  });

  it('when a query has 10,000 tokens, then QUERY_TOO_COMPLEX names tokens, without parsing it all', async () => {
    // Within the 16 KiB byte limit, so the parser's token limit is what refuses it.
    const query = `query ($a: ${'['.repeat(5_000)}Int${']'.repeat(5_000)}) { __typename }`;
    await expectRefusedOverHttp('10k tokens', { query }, 'QUERY_TOO_COMPLEX', (r) => expect(r.errors![0]!.extensions.limit).toBe('tokens'));
    const [error] = await expectRefusedOverWs('10k tokens', query, 'QUERY_TOO_COMPLEX');
    expect(error!.extensions.limit).toBe('tokens');
  });

  it('when a query has 100,000 tokens, then QUERY_TOO_COMPLEX names bytes, before anything parses it', async () => {
    const query = `query ($a: ${'['.repeat(50_000)}Int${']'.repeat(50_000)}) { __typename }`;
    await expectRefusedOverHttp('100k tokens', { query }, 'QUERY_TOO_COMPLEX', (r) => expect(r.errors![0]!.extensions.limit).toBe('bytes'));
    const [error] = await expectRefusedOverWs('100k tokens', query, 'QUERY_TOO_COMPLEX');
    expect(error!.extensions.limit).toBe('bytes');
  });

  it('when a query carries 60 directives, then QUERY_TOO_COMPLEX names directives', async () => {
    // Valid by the spec (one directive per location), so only the directive limit can refuse it.
    const query = `{ ${'... @include(if: true) { '.repeat(60)}__typename${' }'.repeat(60)} }`;
    await expectRefusedOverHttp('directive overload', { query }, 'QUERY_TOO_COMPLEX', (r) =>
      expect(r.errors![0]!.extensions.limit).toBe('directives'),
    );
    await expectRefusedOverWs('directive overload', query, 'QUERY_TOO_COMPLEX');
  });

  it('when fragments refer to each other in a cycle, then GRAPHQL_VALIDATION_FAILED', async () => {
    const query = 'query { me { ...A } } fragment A on User { ...B } fragment B on User { ...A }';
    await expectRefusedOverHttp('cyclic fragment', { query }, 'GRAPHQL_VALIDATION_FAILED');
    await expectRefusedOverWs('cyclic fragment', query, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('when pages of 100 nest three levels deep, then QUERY_TOO_COMPLEX names cost', async () => {
    const query =
      '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { author { orders(first: 100) { edges { node { id } } } } } } } } } } }';
    await expectRefusedOverHttp('first:100 nested x3', { query }, 'QUERY_TOO_COMPLEX', (r) => expect(r.errors![0]!.extensions.limit).toBe('cost'));
    await expectRefusedOverWs('first:100 nested x3', query, 'QUERY_TOO_COMPLEX');
  });

  it('when a realistic order list or product page is asked for, then it passes with room to spare', async () => {
    const orders =
      '{ orders(first: 50) { totalCount edges { node { id status total { amount currency } customer { id name email } items { quantity unitPrice { amount } subtotal { amount } product { id name sku price { amount currency } stock } } payment { status attempts } createdAt } } } }';
    const productPage =
      'query ($id: ID!) { product(id: $id) { id name description price { amount currency } stock averageRating reviews(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { node { id rating body createdAt author { id name } } } } } }';
    const customer = await signUpCustomer(production);
    const { maxCost } = production.config.security.limits;
    for (const [query, variables] of [
      [orders, {}],
      [productPage, { id: '00000000-0000-4000-8000-000000000000' }],
    ] as const) {
      const result = await production.client.post({ query, variables }, { token: customer.token });
      expect(result.errors).toBeUndefined();
      // The cost the server charged, as it reports it.
      expect(result.extensions!.cost!.requested).toBeLessThan(maxCost / 2);
    }
  });

  it('when an array of 1,000 operations is posted, then it is refused as BAD_REQUEST', async () => {
    const batch = Array.from({ length: 1_000 }, () => ({ query: '{ __typename }' }));
    const result = await expectRefusedOverHttp('1,000-operation batch', batch, 'BAD_REQUEST');
    expect(result.status).toBe(400);
  });

  it('when the body is 1 MB, then 413 in the GraphQL error shape', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1024 * 1024) } });
    const result = await expectRefusedOverHttp('1 MB body', body, 'BAD_REQUEST');
    expect(result.status).toBe(413);
  });
});

describe('production posture', () => {
  it('when introspection is attempted in production, then GRAPHQL_VALIDATION_FAILED', async () => {
    const query = '{ __schema { types { name } } }';
    await expectRefusedOverHttp('introspection in production', { query }, 'GRAPHQL_VALIDATION_FAILED');
    await expectRefusedOverWs('introspection in production', query, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('when a field name is probed, then the error suggests nothing', async () => {
    const query = '{ produc { id } }';
    const result = await expectRefusedOverHttp('suggestion probe', { query }, 'GRAPHQL_VALIDATION_FAILED');
    expect(result.errors![0]!.message).not.toMatch(/Did you mean/);
    const [error] = await expectRefusedOverWs('suggestion probe', query, 'GRAPHQL_VALIDATION_FAILED');
    expect(error!.message).not.toMatch(/Did you mean/);
  });

  it('when a response is sent, then it carries security headers and no sandbox is served', async () => {
    const response = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBeTruthy();
    expect(await response.text()).not.toMatch(/sandbox/i);
  });
});

describe('tokens and brute force', () => {
  const key = new TextEncoder().encode(TEST_JWT_SECRET);

  it('when a token says alg none or was tampered with, then UNAUTHENTICATED over HTTP and 4403 over WebSocket', async () => {
    const customer = await signUpCustomer(production);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: customer.id, role: 'ADMIN', iss: 'storefront-graph', aud: 'storefront-graph', exp: Math.floor(Date.now() / 1000) + 600 }),
    ).toString('base64url');
    const algNone = `${header}.${payload}.`;
    const genuine = await new SignJWT({ role: 'CUSTOMER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(customer.id)
      .setIssuer('storefront-graph')
      .setAudience('storefront-graph')
      .setExpirationTime('10m')
      .sign(key);
    const [h, , s] = genuine.split('.');
    const tampered = `${h}.${payload}.${s}`;

    for (const [name, token] of [['alg none', algNone], ['tampered', tampered]] as const) {
      const result = await timed(`${name} JWT (HTTP)`, () => production.client.request(MeDocument, {}, { token }));
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.status).toBe(401);
      const started = performance.now();
      const closed = await ws(production, token).closed;
      timings.push([`${name} JWT (WebSocket)`, performance.now() - started]);
      expect(closed.code).toBe(4403);
    }
    await expectStillAnswering();
  });

  it('when someone keeps guessing a password, then sign-in becomes RATE_LIMITED with 429 and Retry-After, even for the right one', async () => {
    const victim = await signUpCustomer(production);
    const signIn = (password: string) =>
      production.client.post({
        query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
        variables: { input: { email: victim.email, password } },
      });
    for (let attempt = 0; attempt < 5; attempt += 1) expect(errorCodes(await signIn(`guess-${attempt}`))).toEqual(['UNAUTHENTICATED']);

    const limited = await timed('brute-force sign-in', () => signIn(PASSWORD));
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.errors![0]!.extensions.retryAfterSeconds).toBe(Number(limited.headers.get('retry-after')));
    await expectStillAnswering();
  });
});

describe("someone else's data", () => {
  it("when a customer asks for another's order, email or notification, then NOT_FOUND, null and NOT_FOUND", async () => {
    const admin = await createAdmin(production);
    const [owner, snoop] = [await signUpCustomer(production), await signUpCustomer(production)];
    const product = await createProduct(production, admin);
    const order = await placeOrder(production, owner, [{ productId: product.id, quantity: 1 }]);

    expect(errorCodes(await production.client.request(OrderDocument, { id: order.id }, { token: snoop.token }))).toEqual(['NOT_FOUND']);
    const asAdmin = await production.client.post<{ order: { customer: { email: string | null } } }>(
      { query: 'query ($id: ID!) { order(id: $id) { customer { email } } }', variables: { id: order.id } },
      { token: admin.token },
    );
    expect(dataOf(asAdmin).order.customer.email).toBe(owner.email);
    await production.client.post(
      { query: 'mutation ($p: ID!) { addReview(input: {productId: $p, rating: 5, body: "mine"}) { id } }', variables: { p: product.id } },
      { token: owner.token },
    );
    const emails = await production.client.post<{ product: { reviews: { edges: { node: { author: { email: string | null } } }[] } } }>(
      { query: 'query ($p: ID!) { product(id: $p) { reviews { edges { node { author { email } } } } } }', variables: { p: product.id } },
      { token: snoop.token },
    );
    expect(dataOf(emails).product.reviews.edges[0]!.node.author.email).toBeNull();

    const notificationId = await production.app.database.transaction(async () => {
      const [row] = await production.app.database.sql<{ id: string }>(
        `INSERT INTO notifications (user_id, kind, message, order_id, dedupe_key) VALUES ($1, 'ORDER_PLACED', 'x', $2, $3) RETURNING id`,
        [owner.id, order.id, `security-${order.id}`],
      );
      return row!.id;
    });
    const marked = await production.client.post(
      { query: 'mutation ($id: ID!) { markNotificationRead(id: $id) { id } }', variables: { id: notificationId } },
      { token: snoop.token },
    );
    expect(errorCodes(marked)).toEqual(['NOT_FOUND']);
  });
});

describe('trusted documents', () => {
  let enforcing: TestApp;
  beforeAll(async () => {
    enforcing = await startTestApp({ env: { TRUSTED_DOCUMENTS: 'enforce' } });
  });
  afterAll(() => enforcing.stop());

  it('when TRUSTED_DOCUMENTS=enforce, then an operation outside the manifest is PERSISTED_QUERY_NOT_FOUND, over HTTP and WebSocket', async () => {
    const result = await timed('non-persisted operation (HTTP)', () => enforcing.client.post({ query: '{ products(first: 3) { totalCount } }' }));
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const client = ws(enforcing);
    const operation = client.subscribe('{ products(first: 3) { totalCount } }');
    await eventually(async () => operation.errors, (e) => e !== undefined, { what: 'refusal' });
    expect(operation.errors!.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('when TRUSTED_DOCUMENTS=enforce, then manifest operations run, sent in full or by hash alone', async () => {
    expect(dataOf(await enforcing.client.request(ProductsDocument, { first: 2 })).products.totalCount).toBe(0);
    const hash = createHash('sha256').update(print(ProductsDocument)).digest('hex');
    const byHash = await enforcing.client.post({ variables: { first: 2 }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(byHash.errors).toBeUndefined();
  });

  it('when the client operations are regenerated, then every one of them is in the manifest', async () => {
    const manifest = (JSON.parse(readFileSync(path.resolve(__dirname, '../../persisted-operations.json'), 'utf8')) as { operations: { id: string }[] }).operations;
    const ids = new Set(manifest.map((o) => o.id));
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBeGreaterThan(10);
    for (const [name, document] of documents) {
      const id = createHash('sha256').update(print(document as never)).digest('hex');
      expect([name, ids.has(id)]).toEqual([name, true]);
    }
  });
});

describe('cost budget', () => {
  let budgeted: TestApp;
  beforeAll(async () => {
    budgeted = await startTestApp({ env: { ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '20' } });
  });
  afterAll(() => budgeted.stop());

  it('when a caller spends its query-cost budget, then RATE_LIMITED with 429 and Retry-After; every response shows what is left', async () => {
    const query = { query: '{ products(first: 2) { totalCount } }' };
    const first = await budgeted.client.post(query);
    expect(first.extensions!.cost).toMatchObject({ requested: 3, limit: 20, remaining: 17 });
    let limited: GraphQLResponse<unknown> | undefined;
    for (let i = 0; i < 10 && !limited; i += 1) {
      const next = await budgeted.client.post(query);
      if (errorCodes(next).includes('RATE_LIMITED')) limited = next;
      else expect(next.extensions!.cost!.remaining).toBe(17 - 3 * (i + 1));
    }
    expect(limited).toBeDefined();
    expect(limited!.status).toBe(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.errors![0]!.extensions.retryAfterSeconds).toBe(Number(limited!.headers.get('retry-after')));
  });
});
