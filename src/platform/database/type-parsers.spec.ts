import { types } from 'pg';
import { parseTimestamptz } from './type-parsers';

const pgParse = types.getTypeParser(1184, 'text') as (text: string) => Date | number;
const time = (value: Date | number) => (value instanceof Date ? value.getTime() : value);

describe('parseTimestamptz', () => {
  it.each([
    '2026-12-02 12:56:24.575+00',
    '2026-12-02 12:56:24+00',
    '2026-12-02 12:56:24.1+00',
    '2026-12-02 12:56:24.5+05:30',
    '2026-12-02 12:56:24.123456-08',
    '2026-12-31 23:59:59.999999+14',
    '1999-01-01 00:00:00-03:30',
    '2024-02-29 12:00:00.010+01',
  ])('when PostgreSQL prints %s, then it is the same instant pg parses', (text) => {
    expect(parseTimestamptz(text).getTime()).toBe(time(pgParse(text)));
  });

  it.each(['0099-01-01 00:00:00+00', '2026-12-02 12:56:24.575+00 BC', 'infinity', '-infinity', '12345-01-01 00:00:00+00', '1883-11-18 12:00:00-07:52:58'])(
    'when the text is unusual (%s), then it is parsed the way pg parses it',
    (text) => {
      expect(time(parseTimestamptz(text))).toBe(time(pgParse(text)));
    },
  );
});
