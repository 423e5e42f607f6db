import { ConfigError, EnvReader, type Env } from './env-reader';
import { readDatabaseConfig, type DatabaseConfig } from './sections/database';
import { readEmailConfig, type EmailConfig } from './sections/email';
import { readGraphqlConfig, type GraphqlConfig } from './sections/graphql';
import { readObservabilityConfig, type ObservabilityConfig } from './sections/observability';
import { readPaymentsConfig, type PaymentsConfig } from './sections/payments';
import { readReadinessConfig, type ReadinessConfig } from './sections/readiness';
import { readRedisConfig, type RedisConfig } from './sections/redis';
import { readResponseCacheConfig, type ResponseCacheConfig } from './sections/response-cache';
import { readSecurityConfig, type SecurityConfig } from './sections/security';
import { readMemoryConfig, type MemoryConfig } from './sections/memory';
import { readShutdownConfig, type ShutdownConfig } from './sections/shutdown';
import { readWorkerConfig, type WorkerConfig } from './sections/worker';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A new setting goes into the section file of its concern; a new concern adds a section here. */
export interface Config {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  host: string;
  port: number;
  logLevel: LogLevel;
  database: DatabaseConfig;
  redis: RedisConfig;
  responseCache: ResponseCacheConfig;
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
  graphql: GraphqlConfig;
  security: SecurityConfig;
  payments: PaymentsConfig;
  email: EmailConfig;
  shutdown: ShutdownConfig;
  memory: MemoryConfig;
  readiness: ReadinessConfig;
  observability: ObservabilityConfig;
  worker: WorkerConfig;
}

const MIN_SECRET_BYTES = 32;

// No secret in the code: outside production, an API process generates one for the embedded
// database, and refuses to start with a DATABASE_URL but no JWT_SECRET (jwt-secret.ts).
function readJwtSecret(read: EnvReader, isProduction: boolean): string | undefined {
  const jwtSecret = read.string('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (isProduction) read.problems.push('JWT_SECRET is required in production');
  } else if (isProduction && Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) {
    read.problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`);
  }
  return jwtSecret;
}

export function loadConfig(env: Env = process.env): Config {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf<NodeEnv>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const isProduction = nodeEnv === 'production';
  const context = { isProduction };

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
    database: readDatabaseConfig(read),
    redis: readRedisConfig(read),
    responseCache: readResponseCacheConfig(read),
    auth: {
      jwtSecret: readJwtSecret(read, isProduction),
      jwtIssuer: read.string('JWT_ISSUER') ?? 'storefront-graph',
      jwtAudience: read.string('JWT_AUDIENCE') ?? 'storefront-graph',
      tokenTtlSeconds: read.integer('JWT_TTL_SECONDS', 3600, 10, 30 * 24 * 3600),
      accountCacheTtlSeconds: read.integer('ACCOUNT_CACHE_TTL_SECONDS', 60, 1, 3600),
    },
    admin: { email: read.string('ADMIN_EMAIL'), password: read.string('ADMIN_PASSWORD') },
    graphql: readGraphqlConfig(read, context),
    security: readSecurityConfig(read),
    payments: readPaymentsConfig(read),
    email: readEmailConfig(read),
    shutdown: readShutdownConfig(read, context),
    memory: readMemoryConfig(read),
    readiness: readReadinessConfig(read),
    observability: readObservabilityConfig(read),
    worker: readWorkerConfig(read),
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
