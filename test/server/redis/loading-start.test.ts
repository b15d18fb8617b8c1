import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createRedisStreamStore } from '../../../src/server/redis/index.js';
import { findTool } from '../../support/toolchain.js';
import { pingAnswer, RedisServer } from './redis-server.js';

const tool = findTool('redis-server');

/**
 * A node started on a Redis still loading its dataset waits for it, as README says, and says so:
 * it waited without a line (22 s on a 117 MB dataset), hung to an operator (tDA F2).
 */
it.skipIf(!tool.available)(`a store started while Redis loads its dataset logs redis-loading while it waits, then starts ${tool.reason}`, { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-loading-'));
  let redis = await RedisServer.start(undefined, { dir });
  const port = redis.port;
  try {
    const admin = new Redis(redis.url);
    for (let chunk = 0; chunk < 20; chunk++) {
      await admin.mset(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`filler:${chunk}:${i}`, 'x'])));
    }
    await admin.save();
    admin.disconnect();
    await redis.stop();
    // 20 000 keys, 100 µs each or more: seconds of LOADING, answered LOADING meanwhile (events each 1 KiB read).
    const starting = RedisServer.start(port, { dir, extra: ['--key-load-delay', '100', '--loading-process-events-interval-bytes', '1024'] });
    for (let tries = 0; (await pingAnswer(port))?.startsWith('-LOADING') !== true; tries++) {
      if (tries > 400) throw new Error('Redis never answered LOADING');
      await new Promise((r) => setTimeout(r, 25));
    }
    const events: Record<string, unknown>[] = [];
    const log = (o: object) => void events.push(o as Record<string, unknown>);
    // ioredis's ready check (INFO given a callback), when each connection made it: it is what holds
    // the start while Redis loads, made again each 200 ms (maxLoadingRetryTime), else after Redis's
    // loading_eta_seconds (1 s or more while its estimate is not 0, up to 10 s): the start resolved
    // that late after Redis answered, and nothing saw it (tDI F8).
    const readyChecks = new Map<Redis, number[]>();
    const info = Redis.prototype.info;
    Redis.prototype.info = function (this: Redis, ...args: unknown[]) {
      if (typeof args[0] === 'function') readyChecks.set(this, [...(readyChecks.get(this) ?? []), performance.now()]);
      return (info as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof info;
    const startedAt = performance.now();
    let store: Awaited<ReturnType<typeof createRedisStreamStore>>;
    try {
      store = await createRedisStreamStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'loading', logger: { info: log, warn: log, error: log } });
    } finally {
      Redis.prototype.info = info;
    }
    const waitedMs = performance.now() - startedAt;
    try {
      redis = await starting;
      const loading = events.filter((e) => e.event === 'redis-loading');
      expect(loading.length, JSON.stringify(events)).toBeGreaterThanOrEqual(1);
      // At most one each 10 s (it was one each 200 ms without its bound).
      expect(loading.length, `${loading.length} redis-loading lines in ${Math.round(waitedMs)} ms`).toBeLessThanOrEqual(1 + Math.floor(waitedMs / 10_000));
      const gaps = [...readyChecks.values()].flatMap((times) => times.slice(1).map((t, i) => Math.round(t - times[i]!)));
      expect(gaps.length, 'ready checks made again while Redis loaded').toBeGreaterThan(0);
      // Each 200 ms, well under the 1 s and more that ioredis waits without the option.
      expect(Math.max(...gaps), `ready checks ${gaps.join(', ')} ms apart`).toBeLessThan(1000);
      expect(loading[0]).toMatchObject({ url: `redis://127.0.0.1:${port}`, loadedPercent: expect.any(Number) });
      // Said before the start line, not after it.
      expect(events.findIndex((e) => e.event === 'redis-loading')).toBeLessThan(events.findIndex((e) => e.event === 'redis-store-started'));
      expect(store.status().healthy).toBe(true);
    } finally {
      await store.close();
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * An ACL user without INFO (the usual `+@all -@dangerous`: INFO is @dangerous): ioredis skips its
 * ready check and the store's watch cannot ask INFO, so the start's read meets LOADING itself. It
 * was said as "redis catch-up error" each 10 s; now redis-loading, without the percentage (tEF F7).
 */
it.skipIf(!tool.available)(`a store started while Redis loads, as an ACL user without INFO, logs redis-loading, not a catch-up error ${tool.reason}`, { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-loading-'));
  let redis = await RedisServer.start(undefined, { dir });
  const port = redis.port;
  try {
    const admin = new Redis(redis.url);
    for (let chunk = 0; chunk < 20; chunk++) {
      await admin.mset(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`filler:${chunk}:${i}`, 'x'])));
    }
    await admin.save();
    admin.disconnect();
    await redis.stop();
    const user = ['--user', 'a1', 'on', '>pw', '~*', '&*', '+@all', '-@dangerous'];
    const starting = RedisServer.start(port, { dir, extra: ['--key-load-delay', '100', '--loading-process-events-interval-bytes', '1024', ...user] });
    for (let tries = 0; (await pingAnswer(port))?.startsWith('-LOADING') !== true; tries++) {
      if (tries > 400) throw new Error('Redis never answered LOADING');
      await new Promise((r) => setTimeout(r, 25));
    }
    const events: Record<string, unknown>[] = [];
    const log = (o: object) => void events.push(o as Record<string, unknown>);
    const store = await createRedisStreamStore({ url: `redis://a1:pw@127.0.0.1:${port}`, keyPrefix: 'loading', logger: { info: log, warn: log, error: log } });
    try {
      redis = await starting;
      expect(events.filter((e) => e.event === 'redis-loading').length, JSON.stringify(events)).toBeGreaterThanOrEqual(1);
      expect(events.filter((e) => e.event === 'redis-error' && /LOADING/.test(String(e.err))), JSON.stringify(events)).toEqual([]);
      expect(store.status().healthy).toBe(true);
    } finally {
      await store.close();
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
