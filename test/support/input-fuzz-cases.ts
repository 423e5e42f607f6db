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
import type { ResponseError } from './graphql-client';

/**
 * The input-fuzz suite's cases, derived from the emitted `schema.graphql` so a new field or
 * argument is covered without editing anything: for every argument of every root field, one
 * value made wrong (or oversized) at a time, as a variable and as an inline literal; and the rule
 * every answer must keep (`violations`).
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
export const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8'));

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

export const httpCases = [...casesFor('query', schema.getQueryType()), ...casesFor('mutation', schema.getMutationType())];
export const subscriptionCases = casesFor('subscription', schema.getSubscriptionType());

/** The ways an answer breaks the rule, as readable strings (empty when it holds). */
export function violations(name: string, status: number, errors: ResponseError[] | undefined): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`${name}: HTTP ${status}`);
  for (const error of errors ?? []) {
    if (!CONTRACT_CODES.has(error.extensions?.code)) found.push(`${name}: ${error.extensions?.code} ${error.message}`);
  }
  return found;
}
