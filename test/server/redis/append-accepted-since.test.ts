/**
 * The `append-accepted` line after a stream's own refusal (a stream refused alone: PEXPIRE taken from the ACL user at run
 * time) says since when publishes were refused: `refusedSince` is the time of the refusal, not of the line (tIM F16:
 * mutant R23, `refusedUnsaidSince` not set on a stream's own refusal, survived the tIG F2 test, which checks the line and
 * its `streams` but not `refusedSince`). A real redis-server of its own. Wall-clock order only, no duration.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/redis/index.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer } from './redis-server.js';

const tool = findTool('redis-server');
const frame = (n: number, userId: string) => (cursor: string) => JSON.stringify({ type: 'trades', data: { n, userId }, cursor });

describe.skipIf(!tool.available)(`append-accepted after a stream's own refusal ${tool.reason}`, () => {
  let redis: RedisServer;
  let store: RedisStreamStore | undefined;
  let admin: Redis | undefined;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    admin?.disconnect();
    await store?.close();
    await redis?.stop();
  });

  it('says refusedSince: the time of the refusal, before the publish taken again (tIM F16, R23)', async () => {
    const records: Record<string, unknown>[] = [];
    const keep = (fields: object) => void records.push({ ...fields });
    store = await createRedisStreamStore({ url: redis.url, logger: { info: keep, warn: keep, error: keep } });
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    await store.append('alice', 'trades', frame(1, 'alice'));
    await admin.call('ACL', 'SETUSER', 'default', '-pexpire');
    const beforeRefusal = Date.now();
    await expect(store.append('alice', 'trades', frame(2, 'alice'))).rejects.toThrow(/^NOPERM this ACL user may not run PEXPIRE/);
    const refused = Date.now();
    // The clock moves on before the publish taken again: a line's own time is past `refused`.
    while (Date.now() <= refused + 5) await new Promise((resolve) => setTimeout(resolve, 10));
    await admin.call('ACL', 'SETUSER', 'default', '+pexpire');
    await store.append('alice', 'trades', frame(3, 'alice'));
    const accepted = records.filter((r) => r.event === 'append-accepted');
    expect(accepted).toHaveLength(1);
    const since = Date.parse(String(accepted[0]!.refusedSince));
    expect(since).toBeGreaterThanOrEqual(beforeRefusal);
    expect(since).toBeLessThanOrEqual(refused);
    await admin.call('ACL', 'SETUSER', 'default', '+pexpire');
  }, 60_000);
});
