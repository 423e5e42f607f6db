import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { catalogOrmEntities, createCatalogModule, type CatalogModule } from './modules/catalog';
import { createUsersModule, usersOrmEntities, type UsersModule } from './modules/users';
import type { Config } from './platform/config';
import { createDataSource, Database, type QueryObserver } from './platform/database';
import { LoaderFactories } from './platform/graphql/loader-registry';
import { buildGraphQLSchema, type ResolverClass } from './platform/graphql/schema';
import { createGraphQLServer } from './platform/graphql/server';
import { createHttpApp } from './platform/http/app';
import type { Logger } from './platform/logger';

export interface Modules {
  users: UsersModule;
  catalog: CatalogModule;
}

/** The one place adapters are built and modules wired together. */
export function composeModules(database: Database, config: Config): Modules {
  const users = createUsersModule({
    database,
    tokens: {
      secret: config.auth.jwtSecret,
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
      ttlSeconds: config.auth.tokenTtlSeconds,
    },
  });
  const catalog = createCatalogModule({ database });
  return { users, catalog };
}

export const ormEntities = [...usersOrmEntities, ...catalogOrmEntities];

export async function buildSchemaFor(modules: Modules) {
  const resolvers = new Map<ResolverClass, object>([...modules.users.resolvers, ...modules.catalog.resolvers]);
  return buildGraphQLSchema(resolvers);
}

export interface ApiApplication {
  dataSource: DataSource;
  database: Database;
  queries: QueryObserver;
  modules: Modules;
  httpServer: Server;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the API process: database pool, modules, GraphQL schema and the HTTP server. */
export async function createApiApplication(options: {
  config: Config;
  logger: Logger;
  databaseUrl: string;
}): Promise<ApiApplication> {
  const { config, logger } = options;
  const { dataSource, queries } = createDataSource({
    url: options.databaseUrl,
    poolSize: config.database.poolSize,
    entities: ormEntities,
    logger,
  });
  await dataSource.initialize();
  const database = new Database(dataSource);
  const modules = composeModules(database, config);

  const loaders = new LoaderFactories();
  modules.users.registerLoaders(loaders);
  modules.catalog.registerLoaders(loaders);

  const schema = await buildSchemaFor(modules);
  const httpServer = createServer();
  let shuttingDown = false;
  const graphql = await createGraphQLServer({
    schema,
    httpServer,
    logger,
    loaders,
    authenticate: (token) => modules.users.service.authenticate(token),
    introspection: config.graphql.introspection,
    sandbox: config.graphql.sandbox,
  });
  const app = createHttpApp({
    logger,
    graphql: graphql.middleware,
    isShuttingDown: () => shuttingDown,
    readinessChecks: [{ name: 'postgres', check: () => database.ping() }],
  });
  httpServer.on('request', app);

  return {
    dataSource,
    database,
    queries,
    modules,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const { port: actual } = httpServer.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve(`http://${shownHost}:${actual}/graphql`);
        });
      }),
    close: async () => {
      shuttingDown = true;
      // Apollo's drain plugin closes the HTTP server and waits for in-flight requests.
      await graphql.apollo.stop();
      await dataSource.destroy();
    },
  };
}
