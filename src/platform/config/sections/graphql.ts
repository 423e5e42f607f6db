import type { ConfigContext, EnvReader } from '../env-reader';

/** The GraphQL endpoint and its WebSocket transport. */
export interface GraphqlConfig {
  introspection: boolean;
  sandbox: boolean;
  /** Interval of WebSocket pings that keep idle connections alive and detect dead ones. */
  wsKeepAliveMs: number;
  /** A socket that sends no connection_init in this time is closed with 4408. */
  wsConnectionInitTimeoutMs: number;
}

export function readGraphqlConfig(read: EnvReader, { isProduction }: ConfigContext): GraphqlConfig {
  return {
    introspection: read.boolean('GRAPHQL_INTROSPECTION', !isProduction),
    sandbox: read.boolean('GRAPHQL_SANDBOX', !isProduction),
    wsKeepAliveMs: read.integer('WS_KEEPALIVE_MS', 30_000, 1_000, 600_000),
    wsConnectionInitTimeoutMs: read.integer('WS_CONNECTION_INIT_TIMEOUT_MS', 3_000, 100, 60_000),
  };
}
