/**
 * Typed configuration, read once from the environment at start. Every bad value is reported
 * together, each naming its variable, so an operator fixes them in one go.
 */
export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  host: string;
  port: number;
  logLevel: LogLevel;
  database: {
    /** Unset: an embedded PostgreSQL is started under `embeddedDir`. */
    url: string | undefined;
    /** A role allowed to change the schema; defaults to `url`. */
    migrationUrl: string | undefined;
    poolSize: number;
    embeddedDir: string;
    embeddedPort: number | undefined;
    runMigrationsOnStart: boolean;
  };
  redis: {
    /** Unset: in-process pub/sub, memory cache and rate limits. */
    url: string | undefined;
    /** Prefix of every key and channel, so several deployments can share one Redis. */
    prefix: string;
  };
  responseCache: {
    /** RESPONSE_CACHE=off turns the response cache off (on by default). */
    enabled: boolean;
    /** Bound of the in-process cache (used when there is no Redis). */
    maxBytes: number;
    /** Ceiling for types without their own; RESPONSE_CACHE_TYPE_TTLS sets per-type ceilings. */
    defaultTtlSeconds: number;
    typeTtlSeconds: Record<string, number>;
    httpMaxAgeSeconds: number;
    httpStaleWhileRevalidateSeconds: number;
  };
  auth: {
    /** Unset outside production: an API process then needs the embedded database (see jwt-secret.ts). */
    jwtSecret: string | undefined;
    jwtIssuer: string;
    jwtAudience: string;
    tokenTtlSeconds: number;
    /**
     * How long an instance may serve a user's role and token version from memory. Changes made
     * through the application reach every instance at once; this bounds changes made behind its back.
     */
    accountCacheTtlSeconds: number;
  };
  admin: { email: string | undefined; password: string | undefined };
  graphql: {
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
  };
  security: {
    limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxDirectives: number; maxCost: number; maxBytes: number };
    /** How long an automatic persisted query is kept after its registration. */
    apqTtlSeconds: number;
    /** Query cost a signed-in user may spend per minute; anonymous callers, per IP. */
    costBudgetPerMinute: number;
    anonymousCostBudgetPerMinute: number;
    /** Failed sign-ins allowed per IP and per email in the window, before RATE_LIMITED. */
    signInFailures: number;
    /** Failed sign-ins allowed for one email from all IPs together: high, so no one attacker can lock a user out. */
    signInFailuresPerEmail: number;
    signInWindowSeconds: number;
    /** Sign-ups allowed per IP per hour. */
    signUpsPerHour: number;
    /** Origins allowed to call the API from a browser; none by default. */
    corsOrigins: string[];
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    trustedDocuments: 'off' | 'audit' | 'enforce';
    /** The manifest codegen writes from the client operations. */
    trustedDocumentsManifest: string;
    /**
     * Reverse proxies whose X-Forwarded-For is trusted for the client IP: a hop count or an address
     * list. Empty (the default) trusts none: the client IP is the socket's peer address.
     */
    trustProxy: string;
  };
  payments: {
    /** Unset: the bundled sandbox provider is started in-process (refused in production). */
    providerUrl: string | undefined;
    timeoutMs: number;
    maxRetries: number;
    breakerThreshold: number;
    breakerHalfOpenAfterMs: number;
    jobMaxAttempts: number;
  };
  email: {
    /** Unset: messages are logged (nodemailer's JSON transport), not sent. */
    smtpUrl: string | undefined;
    from: string;
    timeoutMs: number;
  };
  shutdown: {
    /** After SIGTERM, how long readiness reports 503 before connections start closing. */
    readinessDelayMs: number;
    /** WebSockets close at random moments within this window (1001, going away). */
    wsCloseSpreadMs: number;
    /** The whole shutdown is bounded by this; then the process exits regardless. */
    timeoutMs: number;
  };
  readiness: {
    /**
     * Whether a Redis outage makes /readyz answer 503. Queries and orders work without Redis
     * (only live updates pause), so an operator may prefer to keep instances in rotation.
     */
    redisCritical: boolean;
  };
  observability: {
    /** The worker's own HTTP port for /metrics, /healthz and /readyz. */
    workerMetricsPort: number;
    /** Unset: tracing is off. */
    otlpEndpoint: string | undefined;
    serviceName: string | undefined;
    /** Share of new traces kept, 0 to 1. */
    traceSampleRatio: number;
  };
  worker: {
    concurrency: number;
    pollIntervalMs: number;
    heartbeatMs: number;
    deadAfterMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const MIN_SECRET_BYTES = 32;

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  fraction(name: string, fallback: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
      this.problems.push(`${name} must be a number from 0 to 1 (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    return this.string(name) === undefined ? undefined : this.integer(name, min, min, max);
  }

  /** `Type=seconds,Type=seconds`, e.g. `Order=30,Product=600`. */
  typeSeconds(name: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const pair of (this.string(name) ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d{1,6})$/.exec(pair);
      if (match) result[match[1]!] = Number(match[2]);
      else this.problems.push(`${name} must look like Type=seconds,Type=seconds (got "${pair}")`);
    }
    return result;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL (got protocol "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return value;
  }
}

export function loadConfig(env: Env = process.env): Config {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf<NodeEnv>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const isProduction = nodeEnv === 'production';

  // No secret in the code: outside production, an API process generates one for the embedded
  // database, and refuses to start with a DATABASE_URL but no JWT_SECRET (jwt-secret.ts).
  const jwtSecret = read.string('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (isProduction) read.problems.push('JWT_SECRET is required in production');
  } else if (isProduction && Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) {
    read.problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`);
  }

  const config: Config = {
    nodeEnv,
    isProduction,
    host: read.string('HOST') ?? '0.0.0.0',
    port: read.integer('PORT', 4000, 0, 65535),
    logLevel: read.oneOf<LogLevel>(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    database: {
      url: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
      migrationUrl: read.url('MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']),
      poolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 500),
      embeddedDir: read.string('EMBEDDED_PG_DIR') ?? '.data/postgres',
      embeddedPort: read.optionalInteger('EMBEDDED_PG_PORT', 1, 65535),
      runMigrationsOnStart: read.boolean('MIGRATE_ON_START', true),
    },
    redis: {
      url: read.url('REDIS_URL', ['redis:', 'rediss:']),
      prefix: read.string('REDIS_PREFIX') ?? 'sg:',
    },
    responseCache: {
      enabled: read.oneOf('RESPONSE_CACHE', ['on', 'off'] as const, 'on') === 'on',
      maxBytes: read.integer('RESPONSE_CACHE_MAX_BYTES', 64 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
      defaultTtlSeconds: read.integer('RESPONSE_CACHE_TTL_SECONDS', 300, 1, 86_400),
      typeTtlSeconds: read.typeSeconds('RESPONSE_CACHE_TYPE_TTLS'),
      httpMaxAgeSeconds: read.integer('RESPONSE_CACHE_HTTP_MAX_AGE_SECONDS', 10, 0, 86_400),
      httpStaleWhileRevalidateSeconds: read.integer('RESPONSE_CACHE_HTTP_SWR_SECONDS', 30, 0, 86_400),
    },
    auth: {
      jwtSecret,
      jwtIssuer: read.string('JWT_ISSUER') ?? 'storefront-graph',
      jwtAudience: read.string('JWT_AUDIENCE') ?? 'storefront-graph',
      tokenTtlSeconds: read.integer('JWT_TTL_SECONDS', 3600, 10, 30 * 24 * 3600),
      accountCacheTtlSeconds: read.integer('ACCOUNT_CACHE_TTL_SECONDS', 60, 1, 3600),
    },
    admin: { email: read.string('ADMIN_EMAIL'), password: read.string('ADMIN_PASSWORD') },
    graphql: {
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
    },
    security: {
      limits: {
        maxDepth: read.integer('MAX_QUERY_DEPTH', 12, 1, 100),
        maxAliases: read.integer('MAX_QUERY_ALIASES', 15, 0, 1_000),
        maxTokens: read.integer('MAX_QUERY_TOKENS', 2_000, 50, 100_000),
        maxDirectives: read.integer('MAX_QUERY_DIRECTIVES', 50, 0, 1_000),
        maxCost: read.integer('MAX_QUERY_COST', 5_000, 10, 10_000_000),
        maxBytes: read.integer('MAX_QUERY_BYTES', 16_384, 256, 1_048_576),
      },
      apqTtlSeconds: read.integer('APQ_TTL_SECONDS', 3_600, 60, 604_800),
      costBudgetPerMinute: read.integer('QUERY_COST_BUDGET_PER_MINUTE', 100_000, 10, 100_000_000),
      anonymousCostBudgetPerMinute: read.integer('ANONYMOUS_QUERY_COST_BUDGET_PER_MINUTE', 50_000, 10, 100_000_000),
      signInFailures: read.integer('SIGN_IN_MAX_FAILURES', 10, 1, 10_000),
      signInFailuresPerEmail: read.integer('SIGN_IN_MAX_FAILURES_PER_EMAIL', 100, 1, 1_000_000),
      signInWindowSeconds: read.integer('SIGN_IN_WINDOW_SECONDS', 900, 1, 86_400),
      signUpsPerHour: read.integer('SIGN_UPS_PER_HOUR', 20, 1, 100_000),
      corsOrigins: (read.string('CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      bodyLimitBytes: read.integer('HTTP_BODY_LIMIT_BYTES', 100 * 1024, 1_024, 50 * 1024 * 1024),
      requestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
      trustedDocuments: read.oneOf('TRUSTED_DOCUMENTS', ['off', 'audit', 'enforce'] as const, 'off'),
      trustedDocumentsManifest: read.string('TRUSTED_DOCUMENTS_MANIFEST') ?? 'persisted-operations.json',
      // Any client on a private network could otherwise pick its own IP and reset every per-IP limit.
      trustProxy: read.string('TRUST_PROXY') ?? '',
    },
    payments: {
      providerUrl: read.url('PAYMENT_PROVIDER_URL', ['http:', 'https:']),
      timeoutMs: read.integer('PAYMENT_TIMEOUT_MS', 3_000, 50, 120_000),
      maxRetries: read.integer('PAYMENT_MAX_RETRIES', 2, 0, 10),
      breakerThreshold: read.integer('PAYMENT_BREAKER_THRESHOLD', 5, 1, 1_000),
      breakerHalfOpenAfterMs: read.integer('PAYMENT_BREAKER_HALF_OPEN_MS', 30_000, 100, 3_600_000),
      jobMaxAttempts: read.integer('PAYMENT_JOB_MAX_ATTEMPTS', 8, 1, 25),
    },
    email: {
      smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
      from: read.string('EMAIL_FROM') ?? 'Storefront <no-reply@storefront.local>',
      timeoutMs: read.integer('SMTP_TIMEOUT_MS', 10_000, 100, 120_000),
    },
    shutdown: {
      readinessDelayMs: read.integer('SHUTDOWN_READINESS_DELAY_MS', isProduction ? 5_000 : 0, 0, 120_000),
      wsCloseSpreadMs: read.integer('SHUTDOWN_WS_CLOSE_SPREAD_MS', 1_000, 0, 60_000),
      timeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 20_000, 100, 600_000),
    },
    readiness: {
      redisCritical: read.boolean('READINESS_REQUIRES_REDIS', true),
    },
    observability: {
      workerMetricsPort: read.integer('METRICS_PORT', 9464, 0, 65535),
      otlpEndpoint: read.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
      serviceName: read.string('OTEL_SERVICE_NAME'),
      traceSampleRatio: read.fraction('OTEL_TRACES_SAMPLE_RATIO', 1),
    },
    worker: {
      concurrency: read.integer('WORKER_CONCURRENCY', 5, 1, 100),
      pollIntervalMs: read.integer('WORKER_POLL_INTERVAL_MS', 1_000, 50, 60_000),
      heartbeatMs: read.integer('WORKER_HEARTBEAT_MS', 5_000, 100, 300_000),
      deadAfterMs: read.integer('WORKER_DEAD_AFTER_MS', 30_000, 500, 3_600_000),
    },
  };

  if (isProduction && config.database.url === undefined) {
    read.problems.push('DATABASE_URL is required in production (the embedded PostgreSQL is for development)');
  }
  if (isProduction && config.payments.providerUrl === undefined) {
    read.problems.push('PAYMENT_PROVIDER_URL is required in production (the sandbox provider never charges anyone)');
  }
  if ((config.admin.email === undefined) !== (config.admin.password === undefined)) {
    read.problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
