import { createHash } from 'node:crypto';
import { errorCodes } from '../support/graphql-client';
import { describeWithRedis, useAppOnRedis } from '../support/redis';
import { startTestApp, type TestApp } from '../support/test-app';

const QUERY = '{ products(first: 1) { totalCount } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: HASH } } };

/** Automatic persisted queries, as Apollo clients use them: hash first, the text once on a miss. */
async function expectApqRoundTrip(test: TestApp) {
  const miss = await test.client.post(byHash);
  expect(errorCodes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  const register = await test.client.post({ query: QUERY, ...byHash });
  expect(register.errors).toBeUndefined();
  const hit = await test.client.post(byHash);
  expect(hit.errors).toBeUndefined();
  expect(hit.data).toEqual({ products: { totalCount: 0 } });
}

describe('automatic persisted queries in memory', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('when a client sends a hash it has not registered, then PERSISTED_QUERY_NOT_FOUND; once registered, the hash alone runs it', async () => {
    await expectApqRoundTrip(test);
  });
});

describeWithRedis('automatic persisted queries in Redis', (redisUrl) => {
  const app = useAppOnRedis(redisUrl);

  it('when a query is registered, then it is kept in Redis under the deployment prefix, for every instance', async () => {
    await expectApqRoundTrip(app.test);
    expect(await app.redis.keys(`${app.prefix}apq:*`)).toEqual([`${app.prefix}apq:${HASH}`]);
  });
});
