import { signUpCustomer, type TestUser } from '../factories';
import { errorCodes, type GraphQLResponse } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive, type LiveClient } from '../support/ws-client';

/**
 * Variables that do not coerce to their declared types are the client's mistake: BAD_USER_INPUT
 * with graphql-js's message and the variable's path, HTTP 400 (GraphQL over HTTP, "variable
 * coercion" is a request error), on queries, mutations and subscriptions alike.
 */
let test: TestApp;
let customer: TestUser;
const clients: LiveClient[] = [];
beforeAll(async () => {
  test = await startTestApp();
  customer = await signUpCustomer(test);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await test.stop();
});

function expectBadVariable(response: GraphQLResponse<unknown>, path: string, message: string | RegExp) {
  expect(response.status).toBe(400);
  expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  const [error] = response.errors!;
  expect(error!.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  expect(error!.extensions.fields).toEqual([{ path, message: error!.message }]);
  expect(response.data).toBeUndefined();
}

const productsQuery = 'query($q: Int!){ products(first: $q){ totalCount } }';

describe('variable coercion over HTTP', () => {
  it('when an Int variable is a string, then 400 BAD_USER_INPUT in graphql-js words', async () => {
    const response = await test.client.post({ query: productsQuery, variables: { q: 'abc' } });
    expectBadVariable(response, '$q', 'Variable "$q" got invalid value "abc"; Int cannot represent non-integer value: "abc"');
  });

  it('when an Int variable is out of 32-bit range or a fraction, then 400 BAD_USER_INPUT', async () => {
    expectBadVariable(await test.client.post({ query: productsQuery, variables: { q: 1e12 } }), '$q', /Int cannot represent non 32-bit signed integer value: 1000000000000/);
    expectBadVariable(await test.client.post({ query: productsQuery, variables: { q: 1.5 } }), '$q', /Int cannot represent non-integer value: 1.5/);
  });

  it('when a non-null variable is null or missing, then 400 BAD_USER_INPUT naming it', async () => {
    expectBadVariable(await test.client.post({ query: productsQuery, variables: { q: null } }), '$q', 'Variable "$q" of non-null type "Int!" must not be null.');
    expectBadVariable(await test.client.post({ query: productsQuery }), '$q', 'Variable "$q" of required type "Int!" was not provided.');
  });

  it('when an enum variable has an unknown value, then 400 BAD_USER_INPUT', async () => {
    const response = await test.client.post(
      { query: 'query($s: OrderStatus){ orders(status: $s){ totalCount } }', variables: { s: 'SHIPPED' } },
      { token: customer.token },
    );
    expectBadVariable(response, '$s', /^Variable "\$s" got invalid value "SHIPPED"; Value "SHIPPED" does not exist in "OrderStatus" enum\./);
  });

  it('when an input object lacks a field or has an unknown one, then the path points inside the variable', async () => {
    const query = 'mutation($input: PlaceOrderInput!){ placeOrder(input: $input){ id } }';
    const missing = await test.client.post({ query, variables: { input: { idempotencyKey: 'k', items: [{ productId: '1' }] } } }, { token: customer.token });
    expectBadVariable(missing, '$input.items[0]', 'Variable "$input" got invalid value { productId: "1" } at "input.items[0]"; Field "quantity" of required type "Int!" was not provided.');
    const unknown = await test.client.post({ query, variables: { input: { idempotencyKey: 'k', items: [], coupon: 'FREE' } } }, { token: customer.token });
    expectBadVariable(unknown, '$input', /Field "coupon" is not defined by type "PlaceOrderInput"\./);
  });

  it('when a String variable is an object, then 400 BAD_USER_INPUT, and every bad variable is listed', async () => {
    const response = await test.client.post({
      query: 'mutation($e: String!, $p: String!){ signIn(input: { email: $e, password: $p }){ token } }',
      variables: { e: { $gt: '' }, p: ['x'] },
    });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect((response.errors![0]!.extensions.fields as { path: string }[]).map((f) => f.path)).toEqual(['$e', '$p']);
  });
});

describe('variable coercion over WebSocket', () => {
  it('when a subscription variable does not coerce, then BAD_USER_INPUT with its path, and the socket stays usable', async () => {
    const client = connectLive(test.url);
    clients.push(client);
    const bad = client.subscribe('subscription($ids: [ID!]!){ stockChanged(productIds: $ids){ stock } }', { ids: [{ id: 1 }] });
    await eventually(async () => bad.errors, (e) => e !== undefined, { what: 'the subscription refused' });
    expect(bad.errors!.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.message).toBe('Variable "$ids" got invalid value { id: 1 } at "ids[0]"; ID cannot represent value: { id: 1 }');
    expect(bad.errors![0]!.extensions.fields).toEqual([{ path: '$ids[0]', message: bad.errors![0]!.message }]);

    const good = client.subscribe<{ products: { totalCount: number } }>('query { products { totalCount } }');
    await good.waitFor(1);
  });
});
