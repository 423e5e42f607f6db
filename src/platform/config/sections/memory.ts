import type { EnvReader } from '../env-reader';

/** How the server processes trade garbage-collection work for memory. */
export interface MemoryConfig {
  /**
   * How far V8 lets the old generation grow past what the last full collection kept, in percent
   * (100: to twice the live heap); 0 leaves it to V8, which allows up to 4× under load.
   */
  heapGrowthPercent: number;
}

export function readMemoryConfig(read: EnvReader): MemoryConfig {
  return { heapGrowthPercent: read.integer('HEAP_GROWTH_PERCENT', 100, 0, 300) };
}
