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

const way = `another application's key under the key prefix "rc"? Delete it, or give the store another keyPrefix`;

/**
 * A start refused for a store key holding a value the store never writes names the stream keys of
 * another type beside it too: it named the one alone, and the operator, having deleted it, was
 * told of the other at the next start (tDV F10).
 */
it.skipIf(!tool.available)(`a start refused for a bad value names the stream keys of another type beside it ${tool.reason}`, { timeout: 60_000 }, async () => {
  const server = await RedisServer.start();
  servers.push(server);
  const raw = new Redis(server.url);
  const silent = () => undefined;
  const refusal = () => createRedisStreamStore({ url: server.url, logger: { info: silent, warn: silent, error: silent } }).then(
    async (store) => (await store.close(), 'started'),
    (err: Error) => err.message,
  );
  try {
    const cases: [string[][], string][] = [
      [[['set', 'rc:epoch', 'zz'], ['rpush', 'rc:all', 'x']], `Redis at ${server.url} holds rc:epoch "zz", where the store keeps 1 to 64 hex digits and rc:all as a list, where the store keeps a stream: ${way}`],
      [[['set', 'rc:seq', 'abc'], ['sadd', 'rc:g', 'x']], `Redis at ${server.url} holds rc:seq "abc", where the store keeps a decimal integer and rc:g as a set, where the store keeps a stream: ${way}`],
    ];
    for (const [commands, expected] of cases) {
      await raw.flushall();
      for (const [command, ...args] of commands) await raw.call(command!, ...args);
      expect(await refusal()).toBe(expected);
    }
    // rc:head not a number fails inside the read script (a Lua error): rc:g named beside it as well.
    await raw.flushall();
    await raw.set('rc:head', 'deadbeef');
    await raw.sadd('rc:g', 'x');
    expect(await refusal()).toMatch(new RegExp(`^Redis at ${server.url.replace(/\./g, '\\.')} holds rc:g as a set, where the store keeps a stream and rc:head "deadbeef", where the store keeps a decimal integer \\(microseconds\\) \\(ERR user_script:`));
  } finally {
    raw.disconnect();
  }
});
