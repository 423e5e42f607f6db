import { randomUUID } from 'node:crypto';
import { SandboxPaymentProvider } from '../../src/integration/payment-gateway/sandbox-provider';
import { PASSWORD, productInput } from '../factories';
import { SignInDocument, SignUpDocument, type CreateProductInput } from '../generated/graphql';
import { dataOf, GraphQLTestClient } from './graphql-client';
import { startService, type ServiceProcess } from './processes';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * The multi-instance suites' arrange: two API processes (no worker of their own) and one worker
 * process, all compiled as production runs them, on one PostgreSQL database and one Redis key
 * prefix, with the sandbox payment provider; an admin made at start-up (ADMIN_EMAIL), and
 * customers and products made through instance A.
 */
export interface Cluster {
  database: TestDatabase;
  a: GraphQLTestClient;
  b: GraphQLTestClient;
  adminToken: string;
  /** A product created by the admin through A; its id. */
  createProduct(overrides?: Partial<CreateProductInput>): Promise<string>;
  /** A customer signed up through A. */
  signUpCustomer(): Promise<{ id: string; token: string }>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  redisUrl: string;
  prefix: string;
  /** More settings for all three processes (e.g. RESPONSE_CACHE). */
  env?: Record<string, string>;
}

export async function startCluster({ redisUrl, prefix, env = {} }: ClusterOptions): Promise<Cluster> {
  const database = await createTestDatabase();
  const provider = await SandboxPaymentProvider.start();
  const adminEmail = `admin-${randomUUID().slice(0, 8)}@cluster.example.com`;
  const common = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    PAYMENT_PROVIDER_URL: provider.url,
    HOST: '127.0.0.1',
    PORT: '0',
    // The worker's /metrics port: a fixed one would clash with another worker on this machine.
    METRICS_PORT: '0',
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: PASSWORD,
    ...env,
  };
  const processes: ServiceProcess[] = [
    startService('api', common, ['--no-worker']),
    startService('api', common, ['--no-worker']),
    startService('worker', { ...common, WORKER_POLL_INTERVAL_MS: '200' }),
  ];
  const stop = async () => {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await provider.stop();
    await database.drop();
  };
  try {
    // Three processes starting at once on a busy 2-core machine: allow them time.
    const [readyA, readyB] = await Promise.all([
      processes[0]!.waitForLog(/is ready/, 90_000),
      processes[1]!.waitForLog(/is ready/, 90_000),
      processes[2]!.waitForLog(/worker is ready/, 90_000),
    ]);
    const a = new GraphQLTestClient(String(readyA.url));
    const b = new GraphQLTestClient(String(readyB.url));
    const adminToken = dataOf(await a.request(SignInDocument, { input: { email: adminEmail, password: PASSWORD } })).signIn.token;
    return {
      database,
      a,
      b,
      adminToken,
      createProduct: async (overrides = {}) =>
        dataOf(
          await a.post<{ createProduct: { id: string } }>(
            { query: 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }', variables: { input: productInput(overrides) } },
            { token: adminToken },
          ),
        ).createProduct.id,
      signUpCustomer: async () => {
        const input = { email: `cluster-${randomUUID()}@example.com`, name: 'Cluster customer', password: PASSWORD };
        const { signUp } = dataOf(await a.request(SignUpDocument, { input }));
        return { id: signUp.user.id, token: signUp.token };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
