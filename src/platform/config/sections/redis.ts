import type { EnvReader } from '../env-reader';

/** Redis: live pub/sub, cache and rate limits; optional. */
export interface RedisConfig {
  /** Unset: in-process pub/sub, memory cache and rate limits. */
  url: string | undefined;
  /** Prefix of every key and channel, so several deployments can share one Redis. */
  prefix: string;
}

export function readRedisConfig(read: EnvReader): RedisConfig {
  return {
    url: read.url('REDIS_URL', ['redis:', 'rediss:']),
    prefix: read.string('REDIS_PREFIX') ?? 'sg:',
  };
}
