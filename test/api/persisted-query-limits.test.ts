import { createHash } from 'node:crypto';
import { errorCodes } from '../support/graphql-client';
import { describeWithRedis, useAppOnRedis } from '../support/redis';
import { eventually } from '../support/wait';
import { connectLive } from '../support/ws-client';

/**
 * Automatic persisted queries are bounded: each entry expires (APQ_TTL_SECONDS), a document over
 * MAX_QUERY_BYTES (comments and whitespace count) is refused before anything parses or stores
 * it, and storing one costs the caller budget by its size.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
/** A few tokens padded with a comment: the token limit does not see it, the byte limit does. */
const padded = (bytes: number) => `# ${'x'.repeat(bytes)}\n{ __typename }`;

describeWithRedis('persisted-query limits', (redisUrl) => {
  const app = useAppOnRedis(redisUrl, { APQ_TTL_SECONDS: '600', MAX_QUERY_BYTES: '4096' });

  it('when a query is registered, then its entry expires after APQ_TTL_SECONDS', async () => {
    const query = '{ products(first: 2) { totalCount } }';
    expect(errorCodes(await app.test.client.post({ query, ...persisted(query) }))).toEqual([]);

    const key = `${app.prefix}apq:${sha256(query)}`;
    const ttl = await eventually(() => app.redis.ttl(key), (t) => t !== -2, { what: 'the stored entry' });
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('when a document over the byte limit is registered, then QUERY_TOO_COMPLEX names bytes and nothing is stored', async () => {
    const query = padded(90_000);
    const response = await app.test.client.post({ query, ...persisted(query) });

    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.errors![0]!.extensions.limit).toBe('bytes');
    expect(await app.redis.exists(`${app.prefix}apq:${sha256(query)}`)).toBe(0);
    // Just under the limit still runs.
    expect(errorCodes(await app.test.client.post({ query: padded(3_000) }))).toEqual([]);
  });

  it('when an oversized document is sent over WebSocket, then QUERY_TOO_COMPLEX too', async () => {
    const client = connectLive(app.test.url);
    try {
      const operation = client.subscribe(padded(90_000));
      await eventually(async () => operation.errors, (e) => e !== undefined, { what: 'the refusal' });
      expect(operation.errors!.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    } finally {
      await client.dispose();
    }
  });

  it('when a query is registered, then the registration costs budget by its size; running it by hash does not', async () => {
    const query = padded(3_000);
    const plain = await app.test.client.post({ query });
    const registered = await app.test.client.post({ query, ...persisted(query) });
    const byHash = await app.test.client.post(persisted(query));

    expect(errorCodes(registered)).toEqual([]);
    expect(registered.extensions!.cost!.requested).toBeGreaterThanOrEqual(plain.extensions!.cost!.requested + 3_000 / 16);
    expect(byHash.extensions!.cost!.requested).toBe(plain.extensions!.cost!.requested);
  });

  it('when the hash does not match the query, then BAD_REQUEST says so', async () => {
    const response = await app.test.client.post({ query: '{ __typename }', ...persisted('{ something else }') });

    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
    expect(response.errors![0]!.message).toMatch(/sha256Hash is not the SHA-256 of the query/);
  });
});
