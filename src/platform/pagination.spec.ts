import { ValidationError } from './errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, pageRequest, toPage } from './pagination';

const key = { createdAt: new Date('2025-03-04T05:06:07.089Z'), id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' };

function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('cursors', () => {
  it('when a key is encoded and decoded, then the same key comes back to the millisecond', () => {
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('when a cursor is encoded, then it is url-safe and shows neither the id nor the time', () => {
    const cursor = encodeCursor(key);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(key.id);
    expect(cursor).not.toContain('2025');
  });

  it.each([
    ['not base64 at all', '!!!'],
    ['base64 of plain text', Buffer.from('hello').toString('base64url')],
    ['an object', Buffer.from('{"createdAt":"2025-01-01T00:00:00Z","id":"x"}').toString('base64url')],
    ['a bad date', Buffer.from(JSON.stringify(['yesterday', key.id])).toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify([key.createdAt.toISOString(), 'robert; drop table'])).toString('base64url')],
    ['too many parts', Buffer.from(JSON.stringify([key.createdAt.toISOString(), key.id, 'x'])).toString('base64url')],
    ['an empty string', ''],
  ])('when the cursor is %s, then it is a ValidationError on the given path', (_label, cursor) => {
    const error = validationErrorOf(() => decodeCursor(cursor, 'reviews.after'));

    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.fields).toEqual([{ path: 'reviews.after', message: expect.any(String) }]);
  });

  it('when no path is given, then the problem is on after', () => {
    expect(validationErrorOf(() => decodeCursor('garbage')).fields[0]?.path).toBe('after');
  });
});

describe('pageRequest', () => {
  it('when first is missing or null, then the default page size applies', () => {
    expect(pageRequest(undefined, undefined)).toEqual({ first: DEFAULT_PAGE_SIZE, after: undefined });
    expect(pageRequest(null, null)).toEqual({ first: DEFAULT_PAGE_SIZE, after: undefined });
  });

  it.each([0, 1, MAX_PAGE_SIZE])('when first is %d, then it is accepted', (first) => {
    expect(pageRequest(first, undefined).first).toBe(first);
  });

  it.each([-1, MAX_PAGE_SIZE + 1, 1000, 2.5, Number.NaN])('when first is %d, then it is a ValidationError on first', (first) => {
    expect(validationErrorOf(() => pageRequest(first, undefined)).fields).toEqual([{ path: 'first', message: expect.any(String) }]);
  });

  it('when after is a cursor, then it is decoded; when malformed, then the error names the path given', () => {
    expect(pageRequest(5, encodeCursor(key)).after).toEqual(key);
    expect(validationErrorOf(() => pageRequest(5, 'junk', 'input.after')).fields[0]?.path).toBe('input.after');
  });

  it('when after is an empty string, then it means the first page', () => {
    expect(pageRequest(5, '').after).toBeUndefined();
  });
});

describe('toPage', () => {
  const rows = [0, 1, 2, 3].map((i) => ({ createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, 10 - i)), id: `00000000-0000-4000-8000-00000000000${i}` }));

  it('when the repository found one row more than asked, then there is a next page and the extra row is dropped', () => {
    const page = toPage(rows, { first: 3, after: undefined });

    expect(page.items).toEqual(rows.slice(0, 3));
    expect(page.hasNextPage).toBe(true);
    expect(page.hasPreviousPage).toBe(false);
  });

  it('when the rows fit in the page, then there is no next page', () => {
    expect(toPage(rows.slice(0, 3), { first: 3, after: undefined }).hasNextPage).toBe(false);
  });

  it('when the page follows a cursor, then it has a previous page', () => {
    expect(toPage(rows.slice(1), { first: 3, after: rows[0] }).hasPreviousPage).toBe(true);
  });

  it('when a cursor is taken from an item, then it decodes to that item', () => {
    const page = toPage(rows, { first: 2, after: undefined });

    expect(decodeCursor(page.cursorOf(page.items[1]!))).toEqual(rows[1]);
  });
});
