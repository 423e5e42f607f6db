import type { ConfigContext, EnvReader } from '../env-reader';

/** The GraphQL endpoint and its WebSocket transport. */
export interface GraphqlConfig {
  introspection: boolean;
  sandbox: boolean;
  /** Which explorer GET /graphql shows browsers when `sandbox` is on: self-hosted GraphiQL or Apollo's CDN sandbox. */
  explorer: 'graphiql' | 'apollo';
  /** Interval of WebSocket pings that keep idle connections alive and detect dead ones. */
  wsKeepAliveMs: number;
  /** A socket that sends no connection_init in this time is closed with 4408. */
  wsConnectionInitTimeoutMs: number;
  /** Caps per instance: sockets per client IP and in all, operations per socket, anonymous idle time. */
  wsLimits: { maxConnectionsPerIp: number; maxConnections: number; maxSubscriptionsPerSocket: number; anonymousIdleMs: number };
}

export function readGraphqlConfig(read: EnvReader, { isProduction }: ConfigContext): GraphqlConfig {
  return {
    introspection: read.boolean('GRAPHQL_INTROSPECTION', !isProduction),
    sandbox: read.boolean('GRAPHQL_SANDBOX', !isProduction),
    explorer: read.oneOf('GRAPHQL_EXPLORER', ['graphiql', 'apollo'] as const, 'graphiql'),
    wsKeepAliveMs: read.integer('WS_KEEPALIVE_MS', 30_000, 1_000, 600_000),
    wsConnectionInitTimeoutMs: read.integer('WS_CONNECTION_INIT_TIMEOUT_MS', 3_000, 100, 60_000),
    wsLimits: {
      maxConnectionsPerIp: read.integer('WS_MAX_CONNECTIONS_PER_IP', 100, 1, 10_000_000),
      maxConnections: read.integer('WS_MAX_CONNECTIONS', 20_000, 1, 10_000_000),
      maxSubscriptionsPerSocket: read.integer('WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 100, 1, 100_000),
      anonymousIdleMs: read.integer('WS_ANONYMOUS_IDLE_TIMEOUT_MS', 300_000, 100, 86_400_000),
    },
  };
}
