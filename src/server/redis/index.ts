export { createRedisStreamStore, redactRedisUrl } from './redis-stream-store.js';
export type { RedisStreamStore, RedisStreamStoreKeys, RedisStreamStoreOptions, StoreLogger, StreamGap } from './redis-stream-store.js';
export { compareCursors, parseCursor } from './cursor.js';
