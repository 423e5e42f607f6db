import type { EnvReader } from '../env-reader';

/** The response cache (README "Response cache"): on by default, bounded, TTLs as ceilings only. */
export interface ResponseCacheConfig {
  /** RESPONSE_CACHE=off turns the response cache off (on by default). */
  enabled: boolean;
  /** Bound of the in-process cache (used when there is no Redis). */
  maxBytes: number;
  /** Ceiling for types without their own; RESPONSE_CACHE_TYPE_TTLS sets per-type ceilings. */
  defaultTtlSeconds: number;
  typeTtlSeconds: Record<string, number>;
  httpMaxAgeSeconds: number;
  httpStaleWhileRevalidateSeconds: number;
}

export function readResponseCacheConfig(read: EnvReader): ResponseCacheConfig {
  return {
    enabled: read.oneOf('RESPONSE_CACHE', ['on', 'off'] as const, 'on') === 'on',
    maxBytes: read.integer('RESPONSE_CACHE_MAX_BYTES', 64 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    defaultTtlSeconds: read.integer('RESPONSE_CACHE_TTL_SECONDS', 300, 1, 86_400),
    typeTtlSeconds: typeSeconds(read, 'RESPONSE_CACHE_TYPE_TTLS'),
    httpMaxAgeSeconds: read.integer('RESPONSE_CACHE_HTTP_MAX_AGE_SECONDS', 10, 0, 86_400),
    httpStaleWhileRevalidateSeconds: read.integer('RESPONSE_CACHE_HTTP_SWR_SECONDS', 30, 0, 86_400),
  };
}

/** `Type=seconds,Type=seconds`, e.g. `Order=30,Product=600`. */
function typeSeconds(read: EnvReader, name: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const pair of (read.string(name) ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d{1,6})$/.exec(pair);
    if (match) result[match[1]!] = Number(match[2]);
    else read.problems.push(`${name} must look like Type=seconds,Type=seconds (got "${pair}")`);
  }
  return result;
}
