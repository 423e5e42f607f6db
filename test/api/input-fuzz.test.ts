import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLScalarType,
  isListType,
  isNonNullType,
  isObjectType,
  isAbstractType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { createAdmin, signUpCustomer } from '../factories';
import type { GraphQLResponse, ResponseError } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';
import { connectLive, type LiveClient } from '../support/ws-client';

/**
 * Schema-driven fuzzing of every argument of every root field, derived from the emitted
 * `schema.graphql` so a new field or argument is covered without editing this file. Each case
 * makes exactly one value wrong (wrong type, out-of-range Int, fraction, object, nested list, null
 * for non-null, unknown enum value, unknown or missing input field) or oversized, sends it as a
 * variable (as anonymous, customer and admin) and as an inline literal; queries and mutations over
 * HTTP, subscriptions over graphql-ws. Every answer must be a 4xx or a GraphQL error whose code is
 * in the contract (never a 5xx, never INTERNAL_SERVER_ERROR), and the server must keep answering.
 */

/** The codes the public contract lists, less INTERNAL_SERVER_ERROR: a client's input is never a bug of ours. */
const CONTRACT_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);
const OVERSIZED = 'x'.repeat(20_000);
/** The kinds of wrong value tried on each field inside an input object. */
const NESTED_KINDS = /: (null for non-null|object|unknown enum value|string for Int|Int above 2\^31|oversized \w+|missing)$/;
const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8'));

/** A value of the wrong kind that graphql-js must refuse, or an oversized one it may accept. */
interface Mutation {
  what: string;
  value: unknown;
  /** An unknown enum value is a bare name in a literal, not a string. */
  literal?: string;
  /** Well-typed (e.g. an oversized string): the server may accept it. */
  wellTyped?: boolean;
}

/** A valid value for a type: every other argument of a case is valid, so one thing is wrong at a time. */
function validValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return validValue(type.ofType);
  if (isListType(type)) return [validValue(type.ofType)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0]!.value;
  if (type instanceof GraphQLInputObjectType) {
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, validValue(f.type)]));
  }
  switch (type.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2026-01-01T00:00:00Z';
    default:
      return 'fuzz';
  }
}

/** Wrong values for a position of this type; input objects recurse into each of their fields. */
function mutationsOf(type: GraphQLInputType, where: string): Mutation[] {
  const out: Mutation[] = [];
  if (isNonNullType(type)) {
    out.push({ what: `${where}: null for non-null`, value: null });
    return [...out, ...mutationsOf(type.ofType, where).filter((m) => m.value !== null)];
  }
  out.push({ what: `${where}: object`, value: { $gt: '' } }, { what: `${where}: nested list`, value: [[[validValue(getNamedType(type) as GraphQLInputType)]]] });
  if (isListType(type)) {
    return [...out, ...mutationsOf(type.ofType, `${where}[0]`).map((m) => ({ ...m, value: [m.value], literal: m.literal && `[${m.literal}]` }))];
  }
  if (type instanceof GraphQLEnumType) {
    out.push({ what: `${where}: unknown enum value`, value: 'NO_SUCH_VALUE', literal: 'NO_SUCH_VALUE' }, { what: `${where}: number for enum`, value: 7 });
  } else if (type instanceof GraphQLInputObjectType) {
    const valid = validValue(type) as Record<string, unknown>;
    out.push({ what: `${where}: string for input object`, value: 'fuzz' }, { what: `${where}: unknown field`, value: { ...valid, noSuchField: 1 } });
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) {
        const { [field.name]: _dropped, ...rest } = valid;
        out.push({ what: `${where}.${field.name}: missing`, value: rest });
      }
      // Inside an input object, a few kinds per field are enough: coercion is the same code.
      const inner = mutationsOf(field.type, `${where}.${field.name}`).filter((m) => NESTED_KINDS.test(m.what));
      for (const m of inner) out.push({ ...m, value: { ...valid, [field.name]: m.value } });
    }
  } else if (type instanceof GraphQLScalarType) {
    switch (type.name) {
      case 'Int':
        out.push(
          { what: `${where}: string for Int`, value: 'abc' },
          { what: `${where}: Int above 2^31`, value: 2 ** 31 },
          { what: `${where}: 1e12 for Int`, value: 1e12 },
          { what: `${where}: fraction for Int`, value: 1.5 },
          { what: `${where}: negative Int`, value: -(2 ** 31), wellTyped: true },
        );
        break;
      case 'Float':
        out.push({ what: `${where}: string for Float`, value: 'abc' });
        break;
      case 'Boolean':
        out.push({ what: `${where}: string for Boolean`, value: 'true' }, { what: `${where}: number for Boolean`, value: 1 });
        break;
      default:
        out.push({ what: `${where}: boolean for ${type.name}`, value: true }, { what: `${where}: oversized ${type.name}`, value: OVERSIZED, wellTyped: true });
    }
  }
  return out;
}

/** A value as a GraphQL literal (for the inline variant of a case). */
function toLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(toLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k.replace(/^\$/, '')}: ${toLiteral(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** What a field returns, selected as little as possible. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  return isObjectType(named) || isAbstractType(named) ? ' { __typename }' : '';
}

interface Case {
  operation: 'query' | 'mutation' | 'subscription';
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  wellTyped: boolean;
}

function casesFor(operation: Case['operation'], root: GraphQLObjectType | null | undefined): Case[] {
  const cases: Case[] = [];
  for (const field of Object.values(root?.getFields() ?? {})) {
    const typeOf = (arg: GraphQLArgument) => String(arg.type);
    for (const target of field.args) {
      for (const mutation of mutationsOf(target.type, `${field.name}(${target.name})`)) {
        const declarations = field.args.map((a) => `$${a.name}: ${typeOf(a)}`).join(', ');
        const passes = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
        const variables = Object.fromEntries(field.args.map((a) => [a.name, a === target ? mutation.value : validValue(a.type)]));
        if (mutation.value === undefined) delete variables[target.name];
        cases.push({
          operation,
          name: `${mutation.what} (variable)`,
          query: `${operation} Fuzz(${declarations}) { ${field.name}(${passes})${selectionOf(field)} }`,
          variables,
          wellTyped: Boolean(mutation.wellTyped),
        });
        // Literals are refused by validation before coercion; the argument itself is enough there.
        if (mutation.what.includes(').')) continue;
        const inline = field.args.map((a) => `${a.name}: ${a === target ? (mutation.literal ?? toLiteral(mutation.value)) : toLiteral(validValue(a.type))}`);
        cases.push({
          operation,
          name: `${mutation.what} (literal)`,
          query: `${operation} { ${field.name}(${inline.join(', ')})${selectionOf(field)} }`,
          wellTyped: Boolean(mutation.wellTyped),
        });
      }
    }
  }
  return cases;
}

const httpCases = [...casesFor('query', schema.getQueryType()), ...casesFor('mutation', schema.getMutationType())];
const subscriptionCases = casesFor('subscription', schema.getSubscriptionType());

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

/** The ways an answer breaks the rule, as readable strings (empty when it holds). */
function violations(name: string, status: number, errors: ResponseError[] | undefined): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`${name}: HTTP ${status}`);
  for (const error of errors ?? []) {
    if (!CONTRACT_CODES.has(error.extensions?.code)) found.push(`${name}: ${error.extensions?.code} ${error.message}`);
  }
  return found;
}

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
