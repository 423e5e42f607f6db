// Owns the rate limits: sign-in/sign-up attempts (handed to the users module) and the query-cost
// budgets (handed to the API), counted in Redis when there is one, else in memory.
import type { Redis } from 'ioredis';
import type { UserAttemptLimits } from '../modules/users';
import type { Config } from '../platform/config';
import type { Metrics } from '../platform/metrics';
import { RateLimit } from '../platform/security/rate-limiter';

export interface RateLimits {
  users: UserAttemptLimits;
  costBudgets: { viewer: RateLimit; anonymous: RateLimit };
}

/** Every rate limit, counted in Redis when there is one (shared by all instances), else in memory. */
export function createRateLimits(config: Config, redis: Redis | null, metrics?: Metrics): RateLimits {
  const { security } = config;
  const limit = (name: string, points: number, durationSeconds: number) =>
    new RateLimit({
      name,
      points,
      durationSeconds,
      redis,
      prefix: config.redis.prefix,
      onReject: (limitName) => metrics?.rateLimitRejections.inc({ limit: limitName }),
    });
  return {
    users: {
      signInFailuresByIp: limit('sign-in-ip', security.signInFailures, security.signInWindowSeconds),
      signInFailuresByEmail: limit('sign-in-email', security.signInFailures, security.signInWindowSeconds),
      signUpsByIp: limit('sign-up-ip', security.signUpsPerHour, 3_600),
    },
    costBudgets: {
      viewer: limit('cost-user', security.costBudgetPerMinute, 60),
      anonymous: limit('cost-ip', security.anonymousCostBudgetPerMinute, 60),
    },
  };
}
