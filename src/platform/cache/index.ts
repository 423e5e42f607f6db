export { responseCachePlugin } from './apollo-plugin';
export { responseCacheFastPath } from './http-fast-path';
export { ResponseCacheInvalidator } from './invalidator';
export { MemoryResponseStore } from './memory-store';
export type { CachePolicyTable, CacheScope, TypePolicy } from './policy';
export { RedisResponseStore } from './redis-store';
export { ResponseCache, type ResponseCacheSettings } from './response-cache';
export type { ResponseCacheStore } from './store';
export { entityTag, listTag } from './tags';
