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

/**
 * A start waiting on a refusal it cannot end (NOREPLICAS: min-replicas-to-write with no replica)
 * says that it waits, and what to do: its line said "redis catch-up error" alone (tDV F8).
 */
it.skipIf(!tool.available)(`a start waiting on NOREPLICAS says it waits and what to do ${tool.reason}`, { timeout: 60_000 }, async () => {
  const server = await RedisServer.start(undefined, { extra: ['--min-replicas-to-write', '1'] });
  servers.push(server);
  const records: { fields: Record<string, unknown>; message?: string }[] = [];
  const at = (fields: Record<string, unknown>, message?: string) => void records.push({ fields, message });
  const starting = createRedisStreamStore({ url: server.url, logger: { info: at, warn: at, error: at } });
  const admin = new Redis(server.url);
  try {
    while (records.length === 0) await new Promise((r) => setTimeout(r, 50));
    expect(records[0]!.fields).toMatchObject({ event: 'redis-error', connection: 'catch-up' });
    expect(records[0]!.message).toBe(
      `Redis at ${server.url} refuses the store's first read for now: waiting for it before the store starts; Redis takes writes only with enough replicas connected (min-replicas-to-write): bring its replicas back, or lower min-replicas-to-write`,
    );
    await admin.config('SET', 'min-replicas-to-write', '0');
    await (await starting).close();
  } finally {
    admin.disconnect();
  }
});
