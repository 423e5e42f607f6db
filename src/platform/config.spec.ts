import { ConfigError, loadConfig } from './config';

/** The problems loadConfig reports for an environment, or [] when it loads. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const STRONG_SECRET = 'a-production-secret-of-more-than-32-bytes!';

/** The least a production process needs to start. */
const production = (overrides: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  JWT_SECRET: STRONG_SECRET,
  DATABASE_URL: 'postgres://app@db.internal:5432/storefront',
  PAYMENT_PROVIDER_URL: 'https://payments.example.com',
  ...overrides,
});

describe('loadConfig', () => {
  it('when the environment is empty, then development defaults load', () => {
    const config = loadConfig({});

    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(4000);
    expect(config.database.url).toBeUndefined();
    expect(config.graphql.introspection).toBe(true);
    expect(config.graphql.sandbox).toBe(true);
    expect(config.memory.heapGrowthPercent).toBe(100);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://db/storefront'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_POOL_SIZE', '0'],
    ['HEAP_GROWTH_PERCENT', '500'],
    ['HEAP_GROWTH_PERCENT', 'lots'],
  ])('when %s is "%s", then the one problem names that variable', (name, value) => {
    const problems = problemsOf({ [name]: value });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}\\b`));
  });

  it('when several variables are bad, then every one is reported at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: 'nope' });

    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });

  it('when ConfigError is shown, then its message lists every problem', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });

  it('when values are valid, then they are parsed to their types', () => {
    const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'debug', DATABASE_URL: 'postgresql://u:p@h:5432/d', MIGRATE_ON_START: 'no' });

    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('debug');
    expect(config.database.url).toBe('postgresql://u:p@h:5432/d');
    expect(config.database.runMigrationsOnStart).toBe(false);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).memory.heapGrowthPercent).toBe(0);
  });

  it('when only one of ADMIN_EMAIL and ADMIN_PASSWORD is set, then it is refused', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'admin@example.com' })).toEqual([expect.stringMatching(/ADMIN_EMAIL and ADMIN_PASSWORD/)]);
  });
});

describe('loadConfig in production', () => {
  it('when everything required is set, then it loads', () => {
    expect(problemsOf(production())).toEqual([]);
  });

  it('when JWT_SECRET is missing, then it refuses to start', () => {
    const { JWT_SECRET: _omitted, ...env } = production();

    expect(problemsOf(env)).toEqual([expect.stringMatching(/^JWT_SECRET is required/)]);
  });

  it('when JWT_SECRET is shorter than 32 bytes, then it refuses to start', () => {
    expect(problemsOf(production({ JWT_SECRET: 'x'.repeat(31) }))).toEqual([expect.stringMatching(/^JWT_SECRET must be at least 32 bytes/)]);
  });

  it('when JWT_SECRET is 32 bytes of multi-byte characters, then the length is counted in bytes', () => {
    // 16 two-byte characters: 16 characters, 32 bytes.
    expect(problemsOf(production({ JWT_SECRET: 'é'.repeat(16) }))).toEqual([]);
    expect(problemsOf(production({ JWT_SECRET: 'é'.repeat(15) }))).toHaveLength(1);
  });

  it('when JWT_SECRET is unset outside production, then no built-in secret stands in for it', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).auth.jwtSecret).toBeUndefined();
  });

  it('when outside production, then a short secret is accepted', () => {
    expect(problemsOf({ NODE_ENV: 'development', JWT_SECRET: 'short' })).toEqual([]);
  });

  it('when nothing says otherwise, then introspection and the sandbox are off', () => {
    const config = loadConfig(production());

    expect(config.isProduction).toBe(true);
    expect(config.graphql.introspection).toBe(false);
    expect(config.graphql.sandbox).toBe(false);
  });

  it('when introspection is asked for explicitly, then production honours it', () => {
    expect(loadConfig(production({ GRAPHQL_INTROSPECTION: 'true' })).graphql.introspection).toBe(true);
  });
});

describe('tracing settings', () => {
  it('when OTEL_TRACES_SAMPLE_RATIO is not a number from 0 to 1, then the error names it; unset keeps every trace', () => {
    expect(() => loadConfig({ OTEL_TRACES_SAMPLE_RATIO: '1.5' })).toThrow(/OTEL_TRACES_SAMPLE_RATIO/);
    expect(loadConfig({ OTEL_TRACES_SAMPLE_RATIO: '0.25' }).observability.traceSampleRatio).toBe(0.25);
    expect(loadConfig({}).observability.traceSampleRatio).toBe(1);
  });
});
