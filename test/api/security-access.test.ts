import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { print } from 'graphql';
import { SignJWT } from 'jose';
import * as generated from '../generated/graphql';
import { MeDocument, OrderDocument, ProductsDocument } from '../generated/graphql';
import { createAdmin, createProduct, PASSWORD, signUpCustomer } from '../factories';
import { placeOrder } from '../factories/orders';
import { dataOf, errorCodes, type GraphQLResponse } from '../support/graphql-client';
import { useProductionApp } from '../support/refusals';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * Who may do what: forged tokens, password guessing, other customers' data, trusted documents
 * and the cost budget, against an app configured as in production. Refusals come with their
 * exact code, never a 5xx, and leave the server answering. The operation limits are in
 * security-limits.
 */
const harness = useProductionApp();
const { ws, beforeExecution, expectStillAnswering } = harness;
let production: TestApp;
beforeAll(() => {
  production = harness.app;
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

    for (const [, token] of [['alg none', algNone], ['tampered', tampered]] as const) {
      const result = await beforeExecution(() => production.client.request(MeDocument, {}, { token }));
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.status).toBe(401);
      const closed = await beforeExecution(() => ws(production, token).closed);
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

    const limited = await signIn(PASSWORD);
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
  beforeAll(async () => (enforcing = await startTestApp({ env: { TRUSTED_DOCUMENTS: 'enforce' } })));
  afterAll(() => enforcing.stop());

  it('when TRUSTED_DOCUMENTS=enforce, then an operation outside the manifest is PERSISTED_QUERY_NOT_FOUND, over HTTP and WebSocket', async () => {
    const result = await beforeExecution(() => enforcing.client.post({ query: '{ products(first: 3) { totalCount } }' }), enforcing);
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
  // Cache off: every request here executes and spends its full cost (a cached answer spends 1).
  beforeAll(async () => (budgeted = await startTestApp({ env: { ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '20', RESPONSE_CACHE: 'off' } })));
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
