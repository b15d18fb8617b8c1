export { createRedisStreamStore, redactRedisUrl } from './redis-stream-store.js';
export type { RedisStreamStore, RedisStreamStoreKeys, RedisStreamStoreOptions, StoreLogger, StreamGap } from './redis-stream-store.js';
