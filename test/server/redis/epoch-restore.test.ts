/**
 * An epoch start record (`rc:epoch-start`) left by an earlier rotation, when the operator deletes
 * `rc:epoch` after a restore as README advises (tDV F7): a cursor of an epoch before reads `gap`
 * followed by what the new epoch holds, as on a Redis that never rotated.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/index.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer, recordingLogger, waitFor } from './redis-server.js';

const tool = findTool('redis-server');

const frame = (i: number | string) => () => JSON.stringify({ type: 'trades', data: { i } });

describe.skipIf(!tool.available)(`the Redis store after a restore, its epoch key deleted ${tool.reason}`, () => {
  const servers: RedisServer[] = [];
  const stores: RedisStreamStore[] = [];
  const raws: Redis[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const raw of raws) raw.disconnect();
    for (const server of servers) await server.stop();
  });

  it("gives an old cursor the new epoch's entries after its gap when rc:epoch-start records an earlier rotation's epoch (tDV F7)", async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const log = recordingLogger();
    const store = await createRedisStreamStore({ url: server.url, logger: log.logger });
    stores.push(store);
    for (let i = 0; i < 4; i++) await store.append('alice', 'trades' as never, frame(i));
    // Redis lost writes (its sequence back, as an older snapshot leaves it): the node rotates the epoch and records where it starts.
    await raw.set('rc:seq', '1');
    await store.append('alice', 'trades' as never, frame('after the loss'));
    await waitFor(() => log.records.some((r) => r.event === 'epoch-rotated'), 'the rotation');
    const rotatedTo = await raw.get('rc:epoch');
    expect(await raw.get('rc:epoch-start')).toMatch(new RegExp(`^${rotatedTo} \\d+$`));
    const last = await store.append('alice', 'trades' as never, frame('the client has it'));
    expect(last.cursor.startsWith(`${rotatedTo}.`)).toBe(true);
    // README's advice after a restore: delete the epoch key.
    await raw.del('rc:epoch');
    const stored: string[] = [];
    for (let i = 1; i <= 3; i++) stored.push((await store.append('alice', 'trades' as never, frame(`new ${i}`))).frame);
    expect(await raw.get('rc:epoch')).not.toBe(rotatedTo);
    const read = await store.read({ userId: 'alice', admin: false }, last.cursor, 10);
    expect(read.resume).toBe('gap');
    expect(read.entries.map((e) => e.frame)).toEqual([last.frame, ...stored]);
    const admin = await store.read({ userId: 'admin', admin: true }, last.cursor, 10);
    expect(admin.resume).toBe('gap');
    expect(admin.entries.map((e) => e.frame)).toEqual([last.frame, ...stored]);
  });

  it("a record of another epoch read where the epoch began: none of the entries before it (tDV F7)", async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const store = await createRedisStreamStore({ url: server.url, logger: recordingLogger().logger });
    stores.push(store);
    const before = await store.append('alice', 'trades' as never, frame('before'));
    const after = await store.append('alice', 'trades' as never, frame('after'));
    await raw.set('rc:epoch-start', `e1234567890abcde ${before.cursor.split('.')[1]}`);
    await raw.del('rc:epoch');
    const read = await store.read({ userId: 'alice', admin: false }, 'e0fedcba98765432.1', 10);
    expect(read.resume).toBe('gap');
    expect(read.entries.map((e) => e.frame)).toEqual([after.frame]);
  });
});
