import type { EnvReader } from '../env-reader';

/** Limits and trust: query limits and budgets, sign-in and sign-up limits, CORS, HTTP limits, trusted documents, proxies. */
export interface SecurityConfig {
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
}

export function readSecurityConfig(read: EnvReader): SecurityConfig {
  return {
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
  };
}
