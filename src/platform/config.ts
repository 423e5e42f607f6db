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
  auth: {
    jwtSecret: string;
    jwtIssuer: string;
    jwtAudience: string;
    tokenTtlSeconds: number;
  };
  admin: { email: string | undefined; password: string | undefined };
  graphql: {
    introspection: boolean;
    sandbox: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Used only outside production, so `npm start` works with no setup; production refuses it. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-never-use-in-production!';
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

  optionalInteger(name: string, min: number, max: number): number | undefined {
    return this.string(name) === undefined ? undefined : this.integer(name, min, min, max);
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

  let jwtSecret = read.string('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (isProduction) read.problems.push('JWT_SECRET is required in production');
    jwtSecret = DEVELOPMENT_JWT_SECRET;
  } else if (isProduction && jwtSecret === DEVELOPMENT_JWT_SECRET) {
    read.problems.push('JWT_SECRET must not be the development default in production');
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
    auth: {
      jwtSecret,
      jwtIssuer: read.string('JWT_ISSUER') ?? 'storefront-graph',
      jwtAudience: read.string('JWT_AUDIENCE') ?? 'storefront-graph',
      tokenTtlSeconds: read.integer('JWT_TTL_SECONDS', 3600, 10, 30 * 24 * 3600),
    },
    admin: { email: read.string('ADMIN_EMAIL'), password: read.string('ADMIN_PASSWORD') },
    graphql: {
      introspection: read.boolean('GRAPHQL_INTROSPECTION', !isProduction),
      sandbox: read.boolean('GRAPHQL_SANDBOX', !isProduction),
    },
  };

  if ((config.admin.email === undefined) !== (config.admin.password === undefined)) {
    read.problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
