import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createRedisStreamStore } from '../../../src/server/redis/index.js';
import { findTool } from '../../support/toolchain.js';
import { pingAnswer, RedisServer } from './redis-server.js';

const tool = findTool('redis-server');

/**
 * A Redis that crashes while it loads its dataset, during a start waiting for it, and is brought
 * back: the start waits for it (redis-waiting), and starts once it answers. The close was said
 * "does not answer as Redis (it took the connection and closed it without an answer): is it the
 * Redis port?" of the port that had just answered LOADING (tDV F14).
 */
it.skipIf(!tool.available)(`a start waits for a Redis that crashed while loading its dataset, and starts once it is back ${tool.reason}`, { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-loading-crash-'));
  let redis = await RedisServer.start(undefined, { dir });
  const port = redis.port;
  const slow = ['--key-load-delay', '100', '--loading-process-events-interval-bytes', '1024'];
  try {
    const admin = new Redis(redis.url);
    for (let chunk = 0; chunk < 20; chunk++) {
      await admin.mset(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`filler:${chunk}:${i}`, 'x'])));
    }
    await admin.save();
    admin.disconnect();
    await redis.stop();
    // Seconds of LOADING (20 000 keys, 100 µs each or more).
    const loading = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...slow], { stdio: 'ignore' });
    const exited = new Promise((r) => loading.once('exit', r));
    for (let tries = 0; (await pingAnswer(port))?.startsWith('-LOADING') !== true; tries++) {
      if (tries > 400) throw new Error('Redis never answered LOADING');
      await new Promise((r) => setTimeout(r, 25));
    }
    const events: Record<string, unknown>[] = [];
    const log = (o: object) => void events.push(o as Record<string, unknown>);
    const starting = createRedisStreamStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'crash', logger: { info: log, warn: log, error: log } }).then(
      (store) => store,
      (err: Error) => err,
    );
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.event === 'redis-loading')) {
      if (Date.now() > deadline) throw new Error(`no redis-loading line: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    // Killed while it loads (SIGKILL), back a second later, loaded at once this time.
    expect(await pingAnswer(port)).toMatch(/^-LOADING/);
    loading.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 1000));
    redis = await RedisServer.start(port, { dir });
    const outcome = await starting;
    if (outcome instanceof Error) throw outcome;
    try {
      expect(outcome.status().healthy).toBe(true);
      const waiting = events.filter((e) => e.event === 'redis-waiting');
      expect(waiting.length, JSON.stringify(events)).toBeGreaterThanOrEqual(1);
      expect(waiting[0]).toMatchObject({ url: `redis://127.0.0.1:${port}` });
      await outcome.append(null, 'trades' as never, () => '{}');
    } finally {
      await outcome.close();
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
