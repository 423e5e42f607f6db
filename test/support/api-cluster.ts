import { randomUUID } from 'node:crypto';
import { SignInDocument } from '../generated/graphql';
import { PASSWORD, productInput } from '../factories';
import { SandboxPaymentProvider } from '../../src/integration/payment-gateway/sandbox-provider';
import { dataOf, GraphQLTestClient, type GraphQLResponse } from './graphql-client';
import { startService, type ServiceProcess } from './processes';
import { createTestDatabase, type TestDatabase } from './test-database';
import { eventually } from './wait';

/** Two API processes and a worker on one fresh database, as production runs them split. */
export interface ApiCluster {
  database: TestDatabase;
  provider: SandboxPaymentProvider;
  apiA: ServiceProcess;
  apiB: ServiceProcess;
  a: GraphQLTestClient;
  b: GraphQLTestClient;
  adminToken: string;
  /** A product created by the admin through A. */
  newProduct(stock?: number): Promise<string>;
  /** A fresh customer's token. */
  customer(): Promise<string>;
  /** An order through A; a fresh customer's unless a token is given. */
  placeOrder(productId: string, quantity: number, token?: string): Promise<string>;
  /** Reads on B until the answer comes from B's cache, so the next read after a change is a real test. */
  cachedOnB<T>(body: object, token?: string): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

export const cacheOf = (response: GraphQLResponse<unknown>) => response.extensions?.cache;

export async function startApiCluster(env: Record<string, string>): Promise<ApiCluster> {
  const database = await createTestDatabase();
  const provider = await SandboxPaymentProvider.start();
  const adminEmail = `admin-${randomUUID()}@cluster.example.com`;
  const common = {
    DATABASE_URL: database.url,
    PAYMENT_PROVIDER_URL: provider.url,
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: PASSWORD,
    // Tests hold a capture at the provider for seconds (to read an order while PENDING).
    PAYMENT_TIMEOUT_MS: '20000',
    ...env,
  };
  const apiA = startService('api', common, ['--no-worker']);
  const apiB = startService('api', common, ['--no-worker']);
  const worker = startService('worker', { ...common, WORKER_POLL_INTERVAL_MS: '200' });
  const processes = [apiA, apiB, worker];
  // Three processes starting at once on a busy 2-core machine: allow them time.
  const [readyA, readyB] = await Promise.all([
    apiA.waitForLog(/is ready/, 90_000),
    apiB.waitForLog(/is ready/, 90_000),
    worker.waitForLog(/worker is ready/, 90_000),
  ]);
  const a = new GraphQLTestClient(String(readyA.url));
  const b = new GraphQLTestClient(String(readyB.url));
  const adminToken = dataOf(await a.request(SignInDocument, { input: { email: adminEmail, password: PASSWORD } })).signIn.token;

  const customer = async () =>
    dataOf(
      await a.post<{ signUp: { token: string } }>({
        query: 'mutation ($i: SignUpInput!) { signUp(input: $i) { token } }',
        variables: { i: { email: `cluster-${randomUUID()}@example.com`, name: 'Cluster', password: PASSWORD } },
      }),
    ).signUp.token;

  return {
    database,
    provider,
    apiA,
    apiB,
    a,
    b,
    adminToken,
    customer,
    newProduct: async (stock = 10) =>
      dataOf(
        await a.post<{ createProduct: { id: string } }>(
          { query: 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }', variables: { input: productInput({ stock }) } },
          { token: adminToken },
        ),
      ).createProduct.id,
    placeOrder: async (productId, quantity, token) =>
      dataOf(
        await a.post<{ placeOrder: { id: string } }>(
          { query: 'mutation Place($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', variables: { i: { items: [{ productId, quantity }], idempotencyKey: randomUUID() } } },
          { token: token ?? (await customer()) },
        ),
      ).placeOrder.id,
    cachedOnB: <T>(body: object, token?: string) => eventually(() => b.post<T>(body, { token }), (r) => cacheOf(r) === 'hit', { what: 'a cache hit on B' }),
    stop: async () => {
      for (const child of processes) child.kill('SIGTERM');
      await Promise.all(processes.map((p) => p.exited));
      await provider.stop();
      await database.drop();
    },
  };
}
