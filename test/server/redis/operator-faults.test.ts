/**
 * What an operator meets on a Redis the store cannot fully use, and is told (tDG): a stream key of
 * another type, an ACL user without the scripting commands, a store key of a value out of range.
 * Each refusal names what is wrong and what to do.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/index.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer } from './redis-server.js';

const tool = findTool('redis-server');

type Record_ = { level: string } & Record<string, unknown>;
function recordingLogger(): { records: Record_[]; logger: Record<'info' | 'warn' | 'error', (fields: Record<string, unknown>, message?: string) => void> } {
  const records: Record_[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message?: string) => void records.push({ level, ...fields, message });
  return { records, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

const way = `another application's key under the key prefix "rc"? Delete it, or give the store another keyPrefix`;

describe.skipIf(!tool.available)(`the Redis store and an operator's Redis ${tool.reason}`, () => {
  const servers: RedisServer[] = [];
  const stores: RedisStreamStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const server of servers) await server.stop();
  });
  const start = async (extra: readonly string[] = []) => {
    const server = await RedisServer.start(undefined, { extra });
    servers.push(server);
    return server;
  };

  it('rejects a global stream of another type at start, naming it, as the all-stream (tDG F2)', async () => {
    const server = await start();
    const raw = new Redis(server.url);
    try {
      await raw.set('rc:g', 'not-a-stream');
      await expect(createRedisStreamStore({ url: server.url, logger: recordingLogger().logger })).rejects.toThrow(
        `Redis at ${server.url} holds rc:g as a string, where the store keeps a stream: ${way}`,
      );
    } finally {
      raw.disconnect();
    }
  });

  it("a user's stream of another type: that user's reads with a cursor reject naming the key and what to do, another user's read on (tDG F2)", async () => {
    const server = await start();
    const raw = new Redis(server.url);
    try {
      const store = await createRedisStreamStore({ url: server.url, logger: recordingLogger().logger });
      stores.push(store);
      const entry = await store.append(null, 'whale' as never, (cursor) => JSON.stringify({ cursor }));
      await raw.set('rc:u:{alice}', 'x');
      await expect(store.read({ userId: 'alice', admin: false }, entry.cursor, 10)).rejects.toThrow(
        `Redis at ${server.url} holds rc:u:{alice} as a string, where the store keeps a stream, so that user's resumes and polls with a cursor fail, as publishes to it do: ${way}`,
      );
      expect((await store.read({ userId: 'bob', admin: false }, entry.cursor, 10)).resume).toBe('resumed');
      // The global stream made another type after the start: every user's, named so.
      await raw.del('rc:g');
      await raw.lpush('rc:g', 'x');
      await expect(store.read({ userId: 'bob', admin: false }, entry.cursor, 10)).rejects.toThrow(
        `Redis at ${server.url} holds rc:g as a list, where the store keeps a stream, so every user's resumes and polls with a cursor fail, as publishes to it do: ${way}`,
      );
    } finally {
      raw.disconnect();
    }
  });
});
