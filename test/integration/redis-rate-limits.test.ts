import { PASSWORD, signUpCustomer, type TestUser } from '../factories';
import { errorCodes, GraphQLTestClient } from '../support/graphql-client';
import { startService, type ServiceProcess } from '../support/processes';
import { describeWithRedis, uniquePrefix } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/**
 * The Redis rate limiter, which production runs: two API instances count one budget, and when
 * Redis is cut or hangs, the in-memory insurance limiter keeps limiting without failing requests.
 * Redis is reached through a proxy the test can cut; the machine's Redis is never touched.
 */
describeWithRedis('rate limits counted in Redis', (redisUrl) => {
  const prefix = uniquePrefix();
  let proxy: TcpProxy;
  let a: TestApp;
  let bProcess: ServiceProcess;
  let b: GraphQLTestClient;
  let customer: TestUser;
  const limits = { SIGN_IN_MAX_FAILURES: '4', QUERY_COST_BUDGET_PER_MINUTE: '1000', ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '300' };

  beforeAll(async () => {
    const target = new URL(redisUrl());
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: prefix, ...limits };
    a = await startTestApp({ env });
    bProcess = startService('api', { ...env, DATABASE_URL: a.database.url, HOST: '127.0.0.1', PORT: '0' }, ['--no-worker']);
    b = new GraphQLTestClient(String((await bProcess.waitForLog(/is ready/)).url));
    customer = await signUpCustomer(a);
  }, 60_000);
  afterAll(async () => {
    bProcess?.kill('SIGTERM');
    await bProcess?.exited;
    await a?.stop();
    await proxy?.cut();
  });

  const PAGE = { query: '{ products(first: 2) { totalCount } }' };

  it('when a customer queries through A and then B, then both spend one budget', async () => {
    const first = await a.client.post(PAGE, { token: customer.token });
    const second = await b.post(PAGE, { token: customer.token });
    const cost = first.extensions!.cost!;
    expect(cost.limit).toBe(1000);
    // B may answer from the shared response cache (a flat charge): what it spent is what counts.
    expect(second.extensions!.cost!.remaining).toBe(cost.remaining - second.extensions!.cost!.spent);
  });

  it('when wrong passwords are tried on A and on B, then the right one is RATE_LIMITED on either', async () => {
    const victim = await signUpCustomer(a);
    const signIn = (client: GraphQLTestClient, password: string) =>
      client.post({ query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }', variables: { input: { email: victim.email, password } } });
    for (const client of [a.client, b, a.client, b]) expect(errorCodes(await signIn(client, 'a wrong guess'))).toEqual(['UNAUTHENTICATED']);
    for (const client of [a.client, b]) {
      const limited = await signIn(client, PASSWORD);
      expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
      expect(limited.status).toBe(429);
    }
  });

  it('when Redis hangs, then /readyz still answers, 503 naming redis, and queries are answered and limited', async () => {
    const caller = await signUpCustomer(a);
    proxy.stall();
    try {
      const readyz = await fetch(a.url.replace('/graphql', '/readyz'));
      expect(readyz.status).toBe(503);
      expect(await readyz.json()).toMatchObject({ checks: { redis: { ok: false }, postgres: { ok: true } } });
      await expectAnsweredAndLimitedInMemory(caller);
    } finally {
      await proxy.cut();
      await proxy.open();
    }
  });

  it('when Redis is cut, then the insurance limiter applies: queries are answered, and limited once over budget', async () => {
    const caller = await signUpCustomer(a);
    await proxy.cut();
    try {
      await expectAnsweredAndLimitedInMemory(caller);
    } finally {
      await proxy.open();
    }
  });

  /** The caller's queries are served until its budget, counted in memory, is spent; then RATE_LIMITED, never failed. */
  async function expectAnsweredAndLimitedInMemory(caller: TestUser) {
    const seen: string[] = [];
    let cost = 0;
    await eventually(
      async () => {
        const response = await a.client.post({ query: '{ products(first: 50) { edges { node { id } } } }' }, { token: caller.token });
        cost ||= response.extensions?.cost?.requested ?? 0;
        seen.push(response.errors ? errorCodes(response).join() : `ok ${response.status}`);
        return response;
      },
      (response) => response.status !== 200,
      { intervalMs: 0, timeoutMs: 30_000, what: 'the budget to run out' },
    );
    expect(cost).toBeGreaterThan(100);
    expect(seen).toEqual([...Array<string>(Math.floor(1000 / cost)).fill('ok 200'), 'RATE_LIMITED']);
  }
});
