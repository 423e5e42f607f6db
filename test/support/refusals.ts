import { ProductsDocument } from '../generated/graphql';
import { errorCodes, type GraphQLResponse } from './graphql-client';
import { startTestApp, type TestApp } from './test-app';
import { eventually } from './wait';
import { LiveClients } from './ws-client';

/**
 * The security suites' arrange and assertions: an app configured as in production (tight sign-in
 * and cost limits, no worker), and checks that an attack is refused with its exact code, never a
 * 5xx, before anything executes (no resolver, no SQL), leaving the server answering.
 * Registers the hooks that start and stop the app; call it at the top of a test file.
 */
export function useProductionApp() {
  let production: TestApp;
  const clients = new LiveClients();

  beforeAll(async () => {
    production = await startTestApp({
      env: {
        NODE_ENV: 'production',
        SIGN_IN_MAX_FAILURES: '5',
        QUERY_COST_BUDGET_PER_MINUTE: '100000',
        ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '100000',
      },
    });
  });
  afterAll(async () => {
    await clients.disposeAll();
    await production.stop();
  });

  const ws = (test: TestApp, token?: string) => clients.connect(test.url, token);

  /**
   * Runs `act` and asserts it was refused before execution: not one SQL statement ran meanwhile
   * (this app has no worker, so nothing else talks to the database). How fast that is, is a
   * benchmark's business, not a test's.
   */
  async function beforeExecution<T>(act: () => Promise<T>, app: TestApp = production): Promise<T> {
    const statements: string[] = [];
    const unsubscribe = app.app.queries.onQuery((sql) => statements.push(sql));
    try {
      const result = await act();
      expect(statements).toEqual([]);
      return result;
    } finally {
      unsubscribe();
    }
  }

  async function expectRefusedOverHttp(_name: string, body: unknown, code: string, extra: (r: GraphQLResponse<unknown>) => void = () => {}) {
    const result = await beforeExecution(() => production.client.post(body));
    expect(result.status).toBeLessThan(500);
    // No resolver ran: a response that executed would carry `data`.
    expect(result.data).toBeUndefined();
    expect(errorCodes(result)).toEqual([code]);
    extra(result);
    await expectStillAnswering();
    return result;
  }

  async function expectRefusedOverWs(name: string, query: string, code: string, variables: Record<string, unknown> = {}) {
    const client = ws(production);
    await client.client.iterate({ query: '{ __typename }' }).next();
    const operation = await beforeExecution(async () => {
      const subscription = client.subscribe(query, variables);
      await eventually(async () => subscription.errors, (e) => e !== undefined, { what: `${name} refused`, intervalMs: 5 });
      return subscription;
    });
    expect(operation.received).toEqual([]);
    expect(operation.errors!.map((e) => e.extensions.code)).toEqual([code]);
    await expectStillAnswering();
    return operation.errors!;
  }

  async function expectStillAnswering() {
    const result = await production.client.request(ProductsDocument, { first: 1 });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  }

  return {
    /** The production-configured app (set once the file's beforeAll has run). */
    get app(): TestApp {
      return production;
    },
    ws,
    beforeExecution,
    expectRefusedOverHttp,
    expectRefusedOverWs,
    expectStillAnswering,
  };
}
