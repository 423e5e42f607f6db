import type { GraphQLObjectType } from 'graphql';
import { createAdmin, signUpCustomer } from '../factories';
import type { GraphQLResponse } from '../support/graphql-client';
import { httpCases, schema, subscriptionCases, violations } from '../support/input-fuzz-cases';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive, type LiveClient } from '../support/ws-client';

/**
 * Schema-driven fuzzing of every argument of every root field, derived from the emitted
 * `schema.graphql` (test/support/input-fuzz-cases.ts) so a new field or argument is covered
 * without editing this file. Each case
 * makes exactly one value wrong (wrong type, out-of-range Int, fraction, object, nested list, null
 * for non-null, unknown enum value, unknown or missing input field) or oversized, sends it as a
 * variable (as anonymous, customer and admin) and as an inline literal; queries and mutations over
 * HTTP, subscriptions over graphql-ws. Every answer must be a 4xx or a GraphQL error whose code is
 * in the contract (never a 5xx, never INTERNAL_SERVER_ERROR), and the server must keep answering.
 */

let test: TestApp;
let tokens: Record<'anonymous' | 'customer' | 'admin', string | undefined>;
const clients: LiveClient[] = [];
beforeAll(async () => {
  test = await startTestApp();
  tokens = { anonymous: undefined, customer: (await signUpCustomer(test)).token, admin: (await createAdmin(test)).token };
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await test.stop();
});

/** Runs `work` over `items`, `width` at a time: enough to be quick, few enough for a busy box. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

async function expectStillAnswering() {
  const response = await test.client.post({ query: '{ __typename }' });
  expect(response.status).toBe(200);
  expect(response.data).toEqual({ __typename: 'Query' });
}

describe('schema-driven input fuzzing', () => {
  it('covers every argument of every root field', () => {
    const fields = (root: GraphQLObjectType | null | undefined) =>
      Object.values(root?.getFields() ?? {}).filter((f) => f.args.length > 0).map((f) => f.name);
    const covered = new Set([...httpCases, ...subscriptionCases].map((c) => c.query.match(/\{ (\w+)\(/)![1]));
    expect([...covered].sort()).toEqual(
      [...fields(schema.getQueryType()), ...fields(schema.getMutationType()), ...fields(schema.getSubscriptionType())].sort(),
    );
    expect(httpCases.length).toBeGreaterThan(200);
  });

  it.each(['anonymous', 'customer', 'admin'] as const)('when %s sends wrong input to queries and mutations over HTTP, then 4xx or a contract code', async (role) => {
    const found: string[] = [];
    // A literal is refused by validation, which knows no viewer: once, anonymously, is enough.
    const cases = role === 'anonymous' ? httpCases : httpCases.filter((c) => c.variables);
    await inBatches(cases, 8, async (c) => {
      const response: GraphQLResponse<unknown> = await test.client.post({ query: c.query, variables: c.variables }, { token: tokens[role] });
      found.push(...violations(`${role} ${c.name}`, response.status, response.errors));
      // A refused value must be refused before anything ran.
      if (!c.wellTyped && response.status === 200 && !response.errors) found.push(`${role} ${c.name}: accepted`);
    });
    expect(found).toEqual([]);
    await expectStillAnswering();
  }, 240_000);

  it.each(['anonymous', 'customer', 'admin'] as const)('when %s subscribes with wrong input over graphql-ws, then a contract code, and the socket stays up', async (role) => {
    const client = connectLive(test.url, tokens[role]);
    clients.push(client);
    const found: string[] = [];
    await inBatches(subscriptionCases, 8, async (c) => {
      const subscription = client.subscribe(c.query, c.variables);
      if (c.wellTyped) {
        // May be accepted (and then stay silent); only its errors, if any, are checked below.
        await client.client.iterate({ query: '{ __typename }' }).next();
      } else {
        await eventually(async () => subscription.errors, (e) => e !== undefined, { what: `${role} ${c.name} refused` });
      }
      found.push(...violations(`${role} ${c.name}`, 200, subscription.errors));
      subscription.unsubscribe();
    });
    expect(found).toEqual([]);
    const still = client.subscribe<{ __typename: string }>('{ __typename }');
    expect(await still.waitFor(1)).toEqual([{ __typename: 'Query' }]);
    await expectStillAnswering();
  });
});
