import { serverAudits, type AuditResult } from 'graphql-http';
import { ProductDocument } from '../generated/graphql';
import { createAdmin, createProduct } from '../factories';
import { dataOf } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * GraphQL over HTTP as the spec says: the `graphql-http` package's server audits run against the
 * real server, and every MUST passes. Plus the GET rules the audits only mark as MAY.
 */

let test: TestApp;
beforeAll(async () => {
  test = await startTestApp();
});
afterAll(() => test.stop());

async function describeFailure(result: AuditResult): Promise<string> {
  if (result.status === 'ok') return `${result.name}: ok`;
  let body = '';
  try {
    body = await result.response.clone().text();
  } catch {
    body = '(body already read)';
  }
  const contentType = result.response.headers.get('content-type') ?? '';
  return `${result.name} [${result.id}]: ${result.reason}\n    → HTTP ${result.response.status} (${contentType}) ${body.slice(0, 300)}`;
}

describe('graphql-http server audits', () => {
  it('when the audits run against the server, then every MUST passes', async () => {
    const audits = serverAudits({ url: test.url, fetchFn: fetch });
    const results: AuditResult[] = [];
    for (const audit of audits) results.push(await audit.fn());

    const must = results.filter((r) => r.name.startsWith('MUST'));
    const failedMust = must.filter((r) => r.status !== 'ok');
    const others = results.filter((r) => !r.name.startsWith('MUST') && r.status !== 'ok');
    if (failedMust.length > 0 || others.length > 0) {
      console.log(
        `graphql-http audits: ${results.length} run, ${must.length} MUST (${failedMust.length} failing), ` +
          `${others.length} SHOULD/MAY not met\n` +
          (await Promise.all([...failedMust, ...others].map(describeFailure))).join('\n'),
      );
    }

    expect(must.length).toBeGreaterThan(10);
    expect(await Promise.all(failedMust.map(describeFailure))).toEqual([]);
  });
});

describe('GET requests', () => {
  const getUrl = (params: Record<string, string>) => `${test.url}?${new URLSearchParams(params).toString()}`;
  /**
   * Apollo's CSRF prevention (csrfPrevention: true) executes a GET only when it carries a header
   * a browser cannot send cross-site without a preflight; this is the one Apollo documents.
   */
  const PREFLIGHTED = { 'apollo-require-preflight': 'true' };
  const ACCEPT = { accept: 'application/graphql-response+json, application/json' };

  it('when a query is sent with GET, then it executes and answers JSON', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { name: 'Fetched by GET' });

    const response = await fetch(
      getUrl({ query: 'query ($id: ID!) { product(id: $id) { id name } }', variables: JSON.stringify({ id: product.id }) }),
      { headers: { ...ACCEPT, ...PREFLIGHTED } },
    );

    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    expect({ status: response.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    expect(body.data).toEqual({ product: { id: product.id, name: 'Fetched by GET' } });
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  });

  it('when a mutation is sent with GET, then it is refused with 405 and nothing changes', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { name: 'Unchanged', stock: 2 });
    const mutation = `mutation { restockProduct(id: "${product.id}", quantity: 5) { stock } }`;

    const response = await fetch(getUrl({ query: mutation }), {
      headers: { ...ACCEPT, ...PREFLIGHTED, authorization: `Bearer ${admin.token}` },
    });

    expect(response.status).toBe(405);
    const body = (await response.json()) as { data?: unknown };
    expect(body.data ?? null).toBeNull();
    const after = dataOf(await test.client.request(ProductDocument, { id: product.id })).product;
    expect(after).toMatchObject({ stock: 2, version: 1 });
  });

  it('when a mutation is sent with a plain GET (no preflight header), then it is refused and nothing changes', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { stock: 2 });
    const mutation = `mutation { restockProduct(id: "${product.id}", quantity: 5) { stock } }`;

    const response = await fetch(getUrl({ query: mutation }), { headers: { ...ACCEPT, authorization: `Bearer ${admin.token}` } });

    expect([400, 405]).toContain(response.status);
    const body = (await response.json()) as { data?: unknown };
    expect(body.data ?? null).toBeNull();
    const after = dataOf(await test.client.request(ProductDocument, { id: product.id })).product;
    expect(after).toMatchObject({ stock: 2, version: 1 });
  });
});

describe('content negotiation', () => {
  it('when the client accepts application/graphql-response+json, then the response has that content type', async () => {
    const response = await fetch(test.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  });

  it('when the client accepts only application/json, then the response is application/json', async () => {
    const response = await fetch(test.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
