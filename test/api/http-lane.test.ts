import { createAdmin, createProduct, signUpCustomer, type TestUser } from '../factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Most GraphQL POSTs are served by the lean lane (platform/graphql/http-lane.ts), the rest by
 * Express and Apollo. A client must not be able to tell them apart: the same request sent both
 * ways gets the same status, the same headers and the same body. A chunked body (no
 * content-length) is one of the requests the lane hands on, which is how these tests reach
 * Express. Express's `res.send` adds a weak ETag to every answer and the lane does not, which
 * shows which of the two answered.
 */

let test: TestApp;
let admin: TestUser;
let customer: TestUser;
let productId: string;
beforeAll(async () => {
  // The cache would answer the second of two equal requests from what the first stored; its
  // own case is at the end, with a cache-on app.
  test = await startTestApp({ env: { RESPONSE_CACHE: 'off' } });
  admin = await createAdmin(test);
  customer = await signUpCustomer(test);
  productId = (await createProduct(test, admin)).id;
});
afterAll(() => test.stop());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { data?: unknown; errors?: unknown[]; extensions?: { cost?: Record<string, number> } & Record<string, unknown> } | string;
}

/** Headers that differ by nature between two answers (time, ids, lengths, connection handling). */
const PER_ANSWER = new Set(['date', 'x-request-id', 'content-length', 'etag', 'keep-alive', 'connection', 'transfer-encoding']);

async function send(way: 'lane' | 'express', body: string, headers: Record<string, string> = {}): Promise<Answer & { etag: string | null }> {
  const bytes = new TextEncoder().encode(body);
  const response = await fetch(test.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(way === 'lane'
      ? { body: bytes }
      : {
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(bytes);
              controller.close();
            },
          }),
          duplex: 'half',
        }),
  } as RequestInit);
  const text = await response.text();
  let parsed: Answer['body'];
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    parsed = text;
  }
  const kept = Object.fromEntries([...response.headers].filter(([name]) => !PER_ANSWER.has(name)));
  return { status: response.status, headers: kept, body: parsed, etag: response.headers.get('etag') };
}

/** The same request both ways; the budget left differs by what the first one spent. */
async function bothWays(body: unknown, headers: Record<string, string> = {}, laneServes = true) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const lane = await send('lane', text, headers);
  const express = await send('express', text, headers);
  if (laneServes) expect(lane.etag).toBeNull();
  for (const answer of [lane, express]) {
    if (typeof answer.body === 'object' && answer.body.extensions?.cost) {
      answer.body.extensions.cost = { ...answer.body.extensions.cost, remaining: -1, resetInSeconds: -1 };
    }
  }
  return { lane: { ...lane, etag: undefined }, express: { ...express, etag: undefined }, expressEtag: express.etag };
}

const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });

describe('the lean lane answers as Express and Apollo do', () => {
  it('when a query succeeds, then status, headers and body are the same both ways', async () => {
    const { lane, express, expressEtag } = await bothWays(
      { query: 'query P($id: ID!) { product(id: $id) { id name stock price { amount currency } } }', variables: { id: productId } },
      bearer(customer),
    );

    expect(expressEtag).not.toBeNull();
    expect(lane.status).toBe(200);
    expect(lane).toEqual(express);
    expect(lane.headers['content-security-policy']).toBeDefined();
    expect(lane.headers['vary']).toBe('Origin');
  });

  it('when the client prefers application/graphql-response+json, then both answer with it', async () => {
    const { lane, express } = await bothWays({ query: '{ products(first: 1) { totalCount } }' }, { accept: 'application/graphql-response+json' });

    expect(lane.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
    expect(lane).toEqual(express);
  });

  it('when a variable does not fit its type, then both answer 400 BAD_USER_INPUT alike', async () => {
    const { lane, express } = await bothWays({ query: 'query P($id: ID!) { product(id: $id) { id } }', variables: { id: { not: 'an id' } } });

    expect(lane.status).toBe(400);
    expect(lane).toEqual(express);
  });

  it('when a resolver refuses (a customer creating a product), then both answer 200 with the same error and null data', async () => {
    const create = {
      query: 'mutation C($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      variables: { input: { sku: 'LANE-1', name: 'Lane', description: 'x', priceAmount: 100, currency: 'EUR', stock: 1 } },
    };
    const { lane, express } = await bothWays(create, bearer(customer));

    expect(lane.status).toBe(200);
    expect((lane.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(lane).toEqual(express);
  });

  it('when the token is not a bearer token, then the lane hands it on and both answer 401 UNAUTHENTICATED alike', async () => {
    const { lane, express } = await bothWays({ query: '{ products(first: 1) { totalCount } }' }, { authorization: 'Basic abc' }, false);

    expect(lane.status).toBe(401);
    expect(lane).toEqual(express);
  });

  it('when the body is not JSON, then both answer 400 BAD_REQUEST in the GraphQL error shape', async () => {
    const lane = await send('lane', '{"query": ');
    const express = await send('express', '{"query": ');

    for (const answer of [lane, express]) {
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it('when a request carries x-request-id, then the lane echoes it', async () => {
    const response = await fetch(test.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'lane-test-1' },
      body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('x-request-id')).toBe('lane-test-1');
  });
});

describe('the lean lane with the response cache on', () => {
  let cached: TestApp;
  beforeAll(async () => {
    cached = await startTestApp({ env: { RESPONSE_CACHE: 'on' } });
  });
  afterAll(() => cached?.stop());

  it('when a public query repeats, then the lane stores it once and answers the repeat from the cache, as Express does', async () => {
    const query = JSON.stringify({ query: '{ products(first: 3) { totalCount edges { node { id name } } } }' });
    const post = (body: RequestInit['body'], extra: Record<string, unknown> = {}) =>
      fetch(cached.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...extra } as RequestInit).then(async (r) => ({
        etag: r.headers.get('etag'),
        body: (await r.json()) as { data: unknown; extensions: { cache: string; cost: { requested: number; spent: number } } },
      }));

    const first = await post(query);
    const repeat = await post(query);
    const viaExpress = await post(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(query));
          controller.close();
        },
      }),
      { duplex: 'half' },
    );

    expect([first.body.extensions.cache, repeat.body.extensions.cache, viaExpress.body.extensions.cache]).toEqual(['miss', 'hit', 'hit']);
    expect([first.etag, repeat.etag]).toEqual([null, null]);
    expect(repeat.body.data).toEqual(first.body.data);
    expect(viaExpress.body.data).toEqual(first.body.data);
    // A stored answer resolves nothing: a flat charge, its cost still reported.
    expect(repeat.body.extensions.cost).toMatchObject({ requested: first.body.extensions.cost.requested, spent: 1 });
    expect(viaExpress.body.extensions.cost).toMatchObject({ requested: first.body.extensions.cost.requested, spent: 1 });
  });
});
