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
    const store = await createRedisStreamStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'loading', logger: { info: log, warn: log, error: log } });
    try {
      redis = await starting;
      const loading = events.filter((e) => e.event === 'redis-loading');
      expect(loading.length, JSON.stringify(events)).toBeGreaterThanOrEqual(1);
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
