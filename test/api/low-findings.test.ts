import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { AddReviewDocument, CreateProductDocument, PlaceOrderDocument, SignInDocument, StockChangedDocument } from '../generated/graphql';
import { createAdmin, createProduct, PASSWORD, productInput, signUpCustomer, type TestUser } from '../factories';
import { errorCodes } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive } from '../support/ws-client';
import { print } from 'graphql';

/** The low-severity findings of the security review, each refused as the contract says. */
describe('input and operation checks', () => {
  let test: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await createAdmin(test);
    customer = await signUpCustomer(test);
    productId = (await createProduct(test, admin)).id;
  });
  afterAll(() => test.stop());

  it('when a string input holds a NUL character, then BAD_USER_INPUT names the field, wherever it is', async () => {
    const product = await test.client.request(CreateProductDocument, { input: productInput({ name: 'bad\u0000name' }) }, { token: admin.token });
    const review = await test.client.request(AddReviewDocument, { input: { productId, rating: 5, body: 'nul \u0000 here' } }, { token: customer.token });
    const order = await test.client.request(
      PlaceOrderDocument,
      { input: { idempotencyKey: 'key\u0000', items: [{ productId, quantity: 1 }] } },
      { token: customer.token },
    );
    const signIn = await test.client.request(SignInDocument, { input: { email: 'a\u0000@example.com', password: PASSWORD } });

    for (const [response, path] of [
      [product, 'input.name'],
      [review, 'input.body'],
      [order, 'input.idempotencyKey'],
      [signIn, 'input.email'],
    ] as const) {
      expect(response.status).toBeLessThan(500);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.extensions.fields).toEqual([{ path, message: expect.stringMatching(/NUL/) }]);
    }
  });

  it('when a NUL character is in a plain string argument, then BAD_USER_INPUT names the argument', async () => {
    const response = await test.client.post({ query: 'query ($id: ID!) { product(id: $id) { id } }', variables: { id: 'x\u0000' } });

    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.extensions.fields).toEqual([{ path: 'id', message: expect.stringMatching(/NUL/) }]);
  });

  it('when a query has more __typename aliases than the alias limit, then QUERY_TOO_COMPLEX names aliases', async () => {
    const aliases = Array.from({ length: 600 }, (_, i) => `t${i}: __typename`).join(' ');
    const response = await test.client.post({ query: `{ ${aliases} }` });

    expect(errorCodes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.errors![0]!.extensions.limit).toBe('aliases');
  });

  it('when a subscription is sent over HTTP, then BAD_REQUEST says it runs over WebSocket, without executing or costing', async () => {
    const response = await test.client.request(StockChangedDocument, { productIds: [productId] });

    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
    expect(response.errors![0]!.message).toMatch(/WebSocket/);
    expect(response.extensions?.cost).toBeUndefined();
  });
});

describe('trusted documents in enforce mode', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ env: { TRUSTED_DOCUMENTS: 'enforce' } });
  });
  afterAll(() => test.stop());

  it('when a client runs a subscription from the manifest, then it is admitted over WebSocket', async () => {
    const client = connectLive(test.url);
    try {
      const stock = client.subscribe(print(StockChangedDocument), { productIds: [randomUUID()] });
      await eventually(async () => test.api.ws.subscriptionCount + (stock.errors ? 1000 : 0), (n) => n !== 0, { what: 'the subscription' });
      expect(stock.errors).toBeUndefined();
      expect(test.api.ws.subscriptionCount).toBe(1);
    } finally {
      await client.dispose();
    }
  });
});

describe('request timeout', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ env: { HTTP_REQUEST_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => test.stop());

  it('when a client never finishes its request, then the server answers 408 and closes once the configured timeout has passed', async () => {
    const { port } = new URL(test.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let closed = false;
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":');

    // Node used to check timeouts every 30 s only: a 1 s timeout then fired after up to 31 s.
    await eventually(async () => closed, (c) => c, { what: 'the server to close the slow request', timeoutMs: 10_000 });
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('sign-in lockout', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ env: { TRUST_PROXY: 'loopback', SIGN_IN_MAX_FAILURES: '3', SIGN_IN_MAX_FAILURES_PER_EMAIL: '6' } });
  });
  afterAll(() => test.stop());

  const signIn = (email: string, password: string, ip: string) =>
    test.client.request(SignInDocument, { input: { email, password } }, { headers: { 'x-forwarded-for': ip } });

  it('when one IP keeps failing for an account, then that IP is locked out, and the owner elsewhere is not', async () => {
    const victim = await signUpCustomer(test);
    for (let i = 0; i < 3; i += 1) expect(errorCodes(await signIn(victim.email, 'wrong password', '203.0.113.50'))).toEqual(['UNAUTHENTICATED']);

    expect(errorCodes(await signIn(victim.email, PASSWORD, '203.0.113.50'))).toEqual(['RATE_LIMITED']);
    expect(errorCodes(await signIn(victim.email, PASSWORD, '198.51.100.50'))).toEqual([]);
  });

  it('when failures from rotating IPs reach the per-email ceiling, then the account is locked for everyone', async () => {
    const victim = await signUpCustomer(test);
    for (let i = 0; i < 6; i += 1) await signIn(victim.email, 'wrong password', `192.0.2.${i + 1}`);

    expect(errorCodes(await signIn(victim.email, PASSWORD, '198.51.100.99'))).toEqual(['RATE_LIMITED']);
  });
});
