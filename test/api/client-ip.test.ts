import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { PASSWORD } from '../factories';
import { errorCodes } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Per-IP limits count the socket's address unless TRUST_PROXY names the proxy in front. Every
 * test client calls from 127.0.0.1, which the old default trusted, so a rotated
 * X-Forwarded-For used to pick a fresh client IP per request.
 */
const signUp = (test: TestApp, forwardedFor: string) =>
  test.client.post(
    {
      query: 'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
      variables: { input: { email: `ip-${randomUUID().slice(0, 8)}@example.com`, name: 'IP', password: PASSWORD } },
    },
    { headers: { 'x-forwarded-for': forwardedFor } },
  );

/** The error code of one operation over a socket whose upgrade request carries X-Forwarded-For. */
async function operationOverWs(test: TestApp, forwardedFor: string): Promise<string | undefined> {
  class ForwardedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { 'x-forwarded-for': forwardedFor } });
    }
  }
  const client = createClient({ url: test.url.replace(/^http/, 'ws'), webSocketImpl: ForwardedWebSocket, retryAttempts: 0, lazy: true });
  try {
    return await new Promise<string | undefined>((resolve) => {
      // A query over graphql-ws completes after its one result, so each outcome is definite.
      client.subscribe(
        { query: '{ products(first: 1) { totalCount } }' },
        {
          next: (value) => resolve((value.errors?.[0]?.extensions as { code?: string } | undefined)?.code),
          error: (error) => resolve(String((Array.isArray(error) ? (error[0] as { extensions?: { code?: string } })?.extensions?.code : error) ?? 'SOCKET')),
          complete: () => resolve(undefined),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('client IP under the default TRUST_PROXY (none)', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ env: { SIGN_UPS_PER_HOUR: '2', ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '10' } });
  });
  afterAll(() => test.stop());

  it('when X-Forwarded-For rotates on every sign-up from loopback, then the sign-up limit still counts one IP', async () => {
    expect(errorCodes(await signUp(test, '10.0.0.1'))).toEqual([]);
    expect(errorCodes(await signUp(test, '10.0.0.2'))).toEqual([]);
    const third = await signUp(test, '10.0.0.3');
    expect(errorCodes(third)).toEqual(['RATE_LIMITED']);
    expect(third.status).toBe(429);
  });

  it('when X-Forwarded-For rotates on each WebSocket, then the anonymous cost budget still counts one IP', async () => {
    // Each operation costs at least 1 from a budget of 10 per minute per IP (which the sign-ups
    // above also spent): spread over one IP, the budget runs out; spread over six, it would not.
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 6; i += 1) codes.push(await operationOverWs(test, `192.168.7.${i + 1}`));
    expect(codes[0]).toBeUndefined();
    expect(codes.at(-1)).toBe('RATE_LIMITED');
  });
});

describe('client IP with TRUST_PROXY naming the proxy', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ env: { SIGN_UPS_PER_HOUR: '2', TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => test.stop());

  it('when the trusted proxy forwards distinct clients, then each client has its own sign-up limit', async () => {
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      expect(errorCodes(await signUp(test, ip))).toEqual([]);
    }
    expect(errorCodes(await signUp(test, '203.0.113.1'))).toEqual([]);
    expect(errorCodes(await signUp(test, '203.0.113.1'))).toEqual(['RATE_LIMITED']);
  });
});
