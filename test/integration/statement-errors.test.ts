import { connectDatabasePool, Database, StatementFailedError } from '../../src/platform/database';
import { createLogger } from '../../src/platform/logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * A refused statement surfaces as StatementFailedError with its text and SQLSTATE, and a logged
 * one carries nothing the statement was given: parameters hold what users sent.
 */
let testDatabase: TestDatabase;
let database: Database;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  database = new Database(await connectDatabasePool({ url: testDatabase.url, poolSize: 1, onError: () => {} }));
});
afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

it('when a statement fails and its error is logged, then the line names the statement and SQLSTATE but none of its parameters', async () => {
  const failed = await database.query('SELECT $1::text || (1 / 0)::text AS never', ['someone@example.com:secret-hash']).catch((error: unknown) => error);

  expect(failed).toBeInstanceOf(StatementFailedError);
  expect(failed).toMatchObject({ code: '22012', statement: 'SELECT $1::text || (1 / 0)::text AS never' });
  const lines: string[] = [];
  createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } }).error({ err: failed }, 'statement failed');
  expect(lines.join('')).toContain('22012');
  expect(lines.join('')).not.toContain('secret-hash');
});
