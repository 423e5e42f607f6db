import { ProductDocument } from '../generated/graphql';
import { createAdmin, createProduct } from '../factories';
import { dataOf, errorCodes } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(() => test.stop());

const origin = () => new URL(test.url).origin;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('probes', () => {
  it('when /healthz is called, then the process answers 200', async () => {
    const response = await fetch(`${origin()}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('when /readyz is called, then it answers 200 with the postgres check ok', async () => {
    const response = await fetch(`${origin()}/readyz`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: { postgres?: { ok: boolean } } };
    expect(body.status).toBe('ready');
    expect(body.checks.postgres).toMatchObject({ ok: true });
  });
});

describe('x-request-id', () => {
  const query = { query: '{ products(first: 1) { totalCount } }' };

  it('when a request carries no id, then the response has a fresh uuid, different each time', async () => {
    const first = await test.client.post(query);
    const second = await test.client.post(query);

    expect(first.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).toMatch(UUID);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  it('when a request carries a safe id, then the same id comes back', async () => {
    const response = await test.client.post(query, { headers: { 'x-request-id': 'edge-7f3a.trace:42_abc' } });

    expect(response.headers.get('x-request-id')).toBe('edge-7f3a.trace:42_abc');
  });

  it.each([
    ['spaces', 'has some spaces'],
    ['200 characters', 'a'.repeat(200)],
    ['markup', '<script>alert(1)</script>'],
  ])('when a request carries an id with %s, then it is replaced by a uuid', async (_label, unsafe) => {
    const response = await test.client.post(query, { headers: { 'x-request-id': unsafe } });

    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('when a request fails (even before executing), then the response still has an id', async () => {
    const badToken = await test.client.post(query, { token: 'not.a.jwt' });
    const parseError = await test.client.post({ query: '{ products(' });
    const notJson = await test.client.post('{"query": ');

    expect(errorCodes(badToken)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(parseError)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(notJson.status).toBe(400);
    for (const response of [badToken, parseError, notJson]) expect(response.headers.get('x-request-id')).toMatch(UUID);
  });
});

// Breaks this file's own database on purpose, so it must stay the last block of the file.
describe('unexpected errors', () => {
  it('when the database fails under a resolver, then the client sees a masked INTERNAL_SERVER_ERROR without SQL or stack', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin);
    expect(dataOf(await test.client.request(ProductDocument, { id: product.id })).product?.averageRating).toBeNull();
    await test.app.database.query('DROP TABLE reviews CASCADE');

    const response = await fetch(test.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: 'query ($id: ID!) { product(id: $id) { id averageRating } }', variables: { id: product.id } }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { data: unknown; errors: { message: string; path: string[]; extensions: Record<string, unknown> }[] };

    expect(body.errors).toEqual([
      { message: 'Internal server error', path: ['product', 'averageRating'], locations: expect.any(Array), extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(body.data).toEqual({ product: { id: product.id, averageRating: null } });
    expect(text).not.toMatch(/reviews|SELECT|relation|does not exist|QueryFailedError|StatementFailedError|stacktrace|\bat .+:\d+:\d+/i);
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });
});
