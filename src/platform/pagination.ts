import { ValidationError } from './errors';

/**
 * Keyset pagination, shared by every list. A cursor is an opaque base64url token of the sort key
 * of the last row seen; lists never use OFFSET, so a page costs the same at any depth.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest<TKey> {
  first: number;
  after: TKey | undefined;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf(item: T): string;
}

/** The sort key most lists use: newest first, ties broken by id. */
export interface CreatedAtKey {
  createdAt: Date;
  id: string;
}

export function encodeCursor(key: CreatedAtKey): string {
  return Buffer.from(JSON.stringify([key.createdAt.toISOString(), key.id])).toString('base64url');
}

/** A cursor that was not produced by `encodeCursor` is a client error, not an empty page. */
export function decodeCursor(cursor: string, path = 'after'): CreatedAtKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      const createdAt = new Date(parsed[0]);
      if (!Number.isNaN(createdAt.getTime()) && /^[0-9a-f-]{36}$/i.test(parsed[1])) {
        return { createdAt, id: parsed[1] };
      }
    }
  } catch {
    // fall through to the validation error below
  }
  throw ValidationError.field(path, 'is not a valid cursor');
}

export function pageRequest(
  requested: number | null | undefined,
  after: string | null | undefined,
  path = 'after',
): PageRequest<CreatedAtKey> {
  const first = requested ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw ValidationError.field('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return { first, after: after ? decodeCursor(after, path) : undefined };
}

/** Builds a page from rows fetched with `LIMIT first + 1`: the extra row only says there is more. */
export function toPage<T extends CreatedAtKey>(rows: T[], request: PageRequest<CreatedAtKey>): Page<T> {
  return {
    items: rows.slice(0, request.first),
    hasNextPage: rows.length > request.first,
    hasPreviousPage: request.after !== undefined,
    cursorOf: encodeCursor,
  };
}
