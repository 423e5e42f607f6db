import 'reflect-metadata';
import { createApiApplication, type ApiApplication } from '../../src/composition-root';
import { loadConfig, type Config } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';
import { GraphQLTestClient } from './graphql-client';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  url: string;
  app: ApiApplication;
  config: Config;
  database: TestDatabase;
  client: GraphQLTestClient;
  stop(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

/** The API started in-process on a free loopback port, on a database of its own. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const logger = createLogger({ level: config.logLevel, name: 'test' });
  const app = await createApiApplication({ config, logger, databaseUrl: database.url });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    config,
    database,
    client: new GraphQLTestClient(url),
    stop: async () => {
      await app.close();
      await database.drop();
    },
  };
}
