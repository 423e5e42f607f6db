import { signUpCustomer } from '../factories';
import { useProductionApp } from '../support/refusals';
import type { TestApp } from '../support/test-app';

/**
 * Operation limits and the production posture: each oversized or probing operation runs against
 * the real server and must be refused with its exact code, never a 5xx, before anything executes
 * (no resolver, no SQL), leaving the server answering. The access checks are in security-access.
 */
/** A valid query `1 + 4k + 1` levels deep: me → (orders → edges → node → customer) × k → id. */
const nested = (k: number) => `{ me { ${'orders { edges { node { customer { '.repeat(k)}id${' } } } }'.repeat(k)} } }`;
const harness = useProductionApp();
const { expectRefusedOverHttp, expectRefusedOverWs } = harness;
let production: TestApp;
beforeAll(() => {
  production = harness.app;
});

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
