import type { EnvReader } from '../env-reader';

/** What /readyz requires. */
export interface ReadinessConfig {
  /**
   * Whether a Redis outage makes /readyz answer 503. Queries and orders work without Redis
   * (only live updates pause), so an operator may prefer to keep instances in rotation.
   */
  redisCritical: boolean;
}

export function readReadinessConfig(read: EnvReader): ReadinessConfig {
  return {
    redisCritical: read.boolean('READINESS_REQUIRES_REDIS', true),
  };
}
