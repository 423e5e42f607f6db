import { validate, type ValidationError as ClassValidatorError } from 'class-validator';
import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import { getMetadataStorage, type ValidatorFn } from 'type-graphql';
import { ValidationError, type FieldProblem } from '../errors';

/**
 * Validates every argument with class-validator and reports each problem with its path from the
 * field's arguments (`input.items.0.quantity`, `first`), as the contract's BAD_USER_INPUT promises.
 */
export const validateArgument: ValidatorFn = async (value, type, resolverData) => {
  // PostgreSQL text cannot hold NUL: refuse it in every string argument, at any depth, before a
  // statement fails on it.
  const withNul = nulPaths(value, scalarArgumentName(value, resolverData.args) ?? argumentPath(type, resolverData.info));
  if (withNul.length > 0) throw new ValidationError(withNul.map((path) => ({ path, message: 'must not contain NUL (\\u0000) characters' })));
  if (value === null || typeof value !== 'object') return;
  const prefix = argumentPath(type, resolverData.info);
  const problems: FieldProblem[] = [];
  const values = Array.isArray(value) ? value : [value];
  for (const [index, item] of values.entries()) {
    if (item === null || typeof item !== 'object') continue;
    const errors = await validate(item as object, { forbidUnknownValues: false, validationError: { target: false } });
    const base = Array.isArray(value) ? join(prefix, String(index)) : prefix;
    problems.push(...flatten(errors, base));
  }
  if (problems.length > 0) throw new ValidationError(problems);
};

function argumentPath(type: unknown, info: GraphQLResolveInfo): string {
  const storage = getMetadataStorage();
  if (storage.argumentTypes.some((t) => t.target === type)) return '';
  const inputName = storage.inputTypes.find((t) => t.target === type)?.name;
  const field = info.parentType.getFields()[info.fieldName];
  const argument = field?.args.find((a) => getNamedType(a.type).name === inputName);
  return argument?.name ?? '';
}

function flatten(errors: ClassValidatorError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = join(prefix, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

function nulPaths(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => nulPaths(item, join(path, String(index))));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => nulPaths(item, join(path, key)));
  return [];
}

/** A scalar argument's name: the validator is given its value only. */
function scalarArgumentName(value: unknown, args: Record<string, unknown>): string | undefined {
  if (typeof value !== 'string') return undefined;
  return Object.keys(args).find((name) => args[name] === value);
}

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);
