import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRedisStreamStore } from '../../../src/server/redis/index.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer } from './redis-server.js';

const tool = findTool('redis-server');
const servers: RedisServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

/**
 * A start during CLIENT PAUSE of mode ALL (the default, a manual failover's step) answers nothing
 * within commandTimeoutMs, as a hung Redis: the rejection says a paused or busy Redis may be why,
 * not only "is it the Redis port?" of the right Redis, paused for seconds (tDV F13).
 */
it.skipIf(!tool.available)(`a start under CLIENT PAUSE (mode ALL) names a paused or busy Redis as a cause ${tool.reason}`, { timeout: 60_000 }, async () => {
  const server = await RedisServer.start();
  servers.push(server);
  const admin = new Redis(server.url);
  try {
    await admin.call('CLIENT', 'PAUSE', '5000');
    const silent = () => undefined;
    await expect(createRedisStreamStore({ url: server.url, commandTimeoutMs: 500, logger: { info: silent, warn: silent, error: silent } })).rejects.toThrow(
      `${server.url} does not answer as Redis (it took the connection and answered nothing within 500 ms): is it the Redis port, or a Redis paused (CLIENT PAUSE) or busy that long?`,
    );
  } finally {
    await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
    admin.disconnect();
  }
});
