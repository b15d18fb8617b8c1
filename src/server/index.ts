/**
 * realtime-contract/server (Node ≥ 20): the reference server of the real-time protocol on `ws`
 * and `jose` — JWT before the upgrade, per-user isolation by `x-audience`, outbound validation,
 * keepalive, inbound validation and rate limits, backpressure with conflation by `x-delivery`,
 * cursors, resume and the polling fallback.
 *
 * @see websocket-message-schemas.md, "Connection" and "Backend Implementation Notes"
 */
export { createRealtimeServer } from './server.js';
export type { RealtimeServer, RealtimeServerOptions, RealtimeServerStats } from './server.js';
export { AuthError, createJwtVerifier, redactUrl, tokenOf } from './auth.js';
export type { AuthenticateHook, HookPrincipal, JwtClaimOptions, JwtJwksOptions, JwtOptions, JwtPublicKeyOptions, JwtSecretOptions, Principal, PublicKeyAlgorithm } from './auth.js';
export type { InboundCheck, Logger } from './core.js';
export { checkInbound } from './core.js';
export type { RateLimit } from './rate-limit.js';
export { MemoryStreamStore } from './memory-store.js';
export type { MemoryStreamStoreOptions } from './memory-store.js';
export { CURSOR_PATTERN, formatCursor, parseCursor } from './stream-store.js';
export type { ReadResult, StreamEntry, StreamStore, StreamViewer } from './stream-store.js';
export { startDemoProducer } from './demo.js';
export type { DemoProducer, DemoProducerOptions } from './demo.js';
export { createRedisStreamStore, redactRedisUrl } from './redis/index.js';
export type { RedisStreamStore, RedisStreamStoreKeys, RedisStreamStoreOptions, StoreLogger, StreamGap } from './redis/index.js';
