import { types, type CustomTypesConfig } from 'pg';

const TIMESTAMPTZ_OID = 1184;

/**
 * The pool's type parsers: pg's own, except timestamptz, the type every row of every list carries
 * (often twice). Given to the pool rather than set on pg's global registry, so nothing else in the
 * process changes.
 */
export const typeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? parseTimestamptz : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

const pgParseTimestamptz = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date;

/**
 * Parses timestamptz as PostgreSQL prints it with the ISO DateStyle, `2026-12-02 12:56:24.575+00`
 * (offsets `±HH` or `±HH:MM`), with digit arithmetic instead of pg's three regular expressions:
 * about 3× faster. Anything else (years before 100 or after 9999, BC, infinity, second offsets)
 * goes to pg's parser, so the results are the same.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  if (n < 22 || text.charCodeAt(4) !== DASH || text.charCodeAt(10) !== SPACE) return pgParseTimestamptz(text);
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  let i = 19;
  let milliseconds = 0;
  if (text.charCodeAt(i) === DOT) {
    // Only milliseconds fit a Date; pg's parser truncates the rest, and so does this.
    let scale = 100;
    for (i++; i < n; i++) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      milliseconds += digit * scale;
      scale /= 10;
    }
    milliseconds = Math.trunc(milliseconds);
  }
  const sign = text.charCodeAt(i);
  if ((sign !== PLUS && sign !== MINUS) || year < 100) return pgParseTimestamptz(text);
  let offsetMinutes = twoDigits(text, i + 1) * 60;
  if (i + 3 === n) {
    // `±HH`
  } else if (i + 6 === n && text.charCodeAt(i + 3) === COLON) {
    offsetMinutes += twoDigits(text, i + 4);
  } else {
    return pgParseTimestamptz(text);
  }
  const local = Date.UTC(year, twoDigits(text, 5) - 1, twoDigits(text, 8), twoDigits(text, 11), twoDigits(text, 14), twoDigits(text, 17), milliseconds);
  return new Date(local - (sign === PLUS ? offsetMinutes : -offsetMinutes) * 60_000);
}

const ZERO = 48; // '0'
const DASH = 45; // '-'
const MINUS = DASH;
const PLUS = 43; // '+'
const SPACE = 32; // ' '
const DOT = 46; // '.'
const COLON = 58; // ':'

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - ZERO) * 10 + text.charCodeAt(at + 1) - ZERO;
}
