import 'reflect-metadata';
import { createEmailSender, createPaymentGateway, createRuntime, type Adapters, type ApiServer, type Runtime } from '../../src/composition';
import type { HttpPaymentGateway } from '../../src/integration/payment-gateway/http-payment-gateway';
import { SandboxPaymentProvider } from '../../src/integration/payment-gateway/sandbox-provider';
import { loadConfig, type Config } from '../../src/platform/config';
import type { JobWorker } from '../../src/platform/jobs';
import { createLogger, type Logger } from '../../src/platform/logger';
import { GraphQLTestClient } from './graphql-client';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  url: string;
  /** The runtime, with `modules` at hand for arranging data through the services. */
  app: Runtime & { modules: Runtime['application']['modules'] };
  api: ApiServer;
  config: Config;
  logger: Logger;
  database: TestDatabase;
  client: GraphQLTestClient;
  /** The payment provider the app talks to over HTTP (a real server on loopback). */
  paymentProvider: SandboxPaymentProvider;
  gateway: HttpPaymentGateway;
  worker?: JobWorker;
  startWorker(): Promise<JobWorker>;
  stop(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Run a job worker in the same process (orders, payments, notifications need one). */
  worker?: boolean;
  /** Replace the email adapter (e.g. SMTP to a test sink). */
  email?: Adapters['email'];
}

/** The API started in-process on a free loopback port, on a database of its own. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const paymentProvider = await SandboxPaymentProvider.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PAYMENT_PROVIDER_URL: paymentProvider.url,
    // The sandbox provider shares this busy process: a tight timeout would open the breaker under load.
    PAYMENT_TIMEOUT_MS: '3000',
    PAYMENT_BREAKER_HALF_OPEN_MS: '60000',
    WORKER_POLL_INTERVAL_MS: '200',
    WORKER_HEARTBEAT_MS: '500',
    WORKER_DEAD_AFTER_MS: '3000',
    SMTP_TIMEOUT_MS: '1000',
    // Every test client calls from 127.0.0.1; the security suite sets tight limits itself.
    SIGN_UPS_PER_HOUR: '100000',
    SIGN_IN_MAX_FAILURES: '10000',
    QUERY_COST_BUDGET_PER_MINUTE: '100000000',
    ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE: '100000000',
    WS_MAX_CONNECTIONS_PER_IP: '100000',
    ...options.env,
  });
  const logger = createLogger({ level: config.logLevel, name: 'test' });
  const gateway = createPaymentGateway(config, logger, config.payments.providerUrl!);
  const email = options.email ?? createEmailSender(config, logger);
  // DATABASE_URL in `env` may point elsewhere (e.g. through a proxy the test can cut).
  const runtime = await createRuntime({ config, logger, databaseUrl: config.database.url!, adapters: { gateway, email } });
  const api = await runtime.startApi();
  const url = await api.listen(0, '127.0.0.1');
  const test: TestApp = {
    url,
    app: Object.assign(runtime, { modules: runtime.application.modules }),
    api,
    config,
    logger,
    database,
    client: new GraphQLTestClient(url),
    paymentProvider,
    gateway,
    startWorker: async () => {
      test.worker = await runtime.startWorker();
      return test.worker;
    },
    stop: async () => {
      await runtime.close();
      await paymentProvider.stop();
      await database.drop();
    },
  };
  if (options.worker) await test.startWorker();
  return test;
}
