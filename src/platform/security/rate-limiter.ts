import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimitState {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window frees up again (0 while allowed). */
  retryAfterSeconds: number;
  resetInSeconds: number;
}

/**
 * A fixed-window counter from rate-limiter-flexible: in Redis when the deployment has one (all
 * instances share the counts), in memory otherwise. If Redis stops answering, a memory limiter
 * takes over so requests are still limited, per instance, rather than refused.
 */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  private readonly onReject: () => void;

  constructor(options: {
    name: string;
    points: number;
    durationSeconds: number;
    redis: Redis | null;
    prefix: string;
    onReject?: (name: string) => void;
  }) {
    this.onReject = () => options.onReject?.(options.name);
    const base = { keyPrefix: `${options.prefix}rl:${options.name}`, points: options.points, duration: options.durationSeconds };
    this.limiter = options.redis
      ? new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(base) })
      : new RateLimiterMemory(base);
  }

  get points(): number {
    return this.limiter.points;
  }

  /** Takes `points` from the key's budget; over budget it is refused (and stays counted). */
  async consume(key: string, points = 1): Promise<LimitState> {
    try {
      return this.state(await this.limiter.consume(key, points), true);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.onReject();
        return this.state(rejection, false);
      }
      throw rejection;
    }
  }

  /** The key's state without spending anything. */
  async peek(key: string): Promise<LimitState> {
    const current = await this.limiter.get(key);
    if (!current) return { allowed: true, remaining: this.points, retryAfterSeconds: 0, resetInSeconds: 0 };
    return this.state(current, current.consumedPoints < this.points);
  }

  /** Like peek, but an exhausted key counts as a rejection (the caller refuses the request). */
  async check(key: string): Promise<LimitState> {
    const state = await this.peek(key);
    const exhausted = !state.allowed || state.remaining === 0;
    if (exhausted) this.onReject();
    return { ...state, allowed: !exhausted, retryAfterSeconds: exhausted ? state.resetInSeconds : 0 };
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }

  private state(res: RateLimiterRes, allowed: boolean): LimitState {
    const resetInSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return {
      allowed,
      remaining: Math.max(0, res.remainingPoints),
      retryAfterSeconds: allowed ? 0 : resetInSeconds,
      resetInSeconds,
    };
  }
}
