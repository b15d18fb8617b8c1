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
  /** A Redis of its own, a client on it and a store with a recording logger, each stopped after the file. */
  const started = async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const log = recordingLogger();
    const store = await createRedisStreamStore({ url: server.url, logger: log.logger });
    stores.push(store);
    return { server, raw, log, store };
  };

  it("gives an old cursor the new epoch's entries after its gap when rc:epoch-start records an earlier rotation's epoch (tDV F7)", async () => {
    const { raw, log, store } = await started();
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

  it("a gap replay after rc:epoch is deleted sends frames carrying the new epoch's cursors, the entries' own (tGM F1)", async () => {
    const { raw, log, store } = await started();
    // As the core frames a message: the cursor last (and a frame putting it twice, elsewhere too).
    const framed = (i: number) => (cursor: string) => `{"type":"trades","data":{"i":${i}},"cursor":"${cursor}"}`;
    // The data is the publisher's, left as it is: a number such as 1.<position> too (the entry's position is below 10 here;
    // a rule on every <hex>.<position> rewrote it into <epoch>.<position>, no longer JSON).
    const PX = '[1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8,1.9]';
    const twice = (cursor: string) => `{"type":"trades","data":{"at":"${cursor}","not":"x${cursor}","nor":"${cursor}1","px":${PX}},"cursor":"${cursor}"}`;
    const before: Awaited<ReturnType<RedisStreamStore['append']>>[] = [];
    for (let i = 0; i < 3; i++) before.push(await store.append('alice', 'trades' as never, framed(i)));
    before.push(await store.append('alice', 'trades' as never, twice));
    const oldEpoch = before[0]!.cursor.split('.')[0]!;
    await raw.del('rc:epoch');
    const after = await store.append('alice', 'trades' as never, framed(9));
    const newEpoch = after.cursor.split('.')[0]!;
    expect(newEpoch).not.toBe(oldEpoch);
    for (const viewer of [{ userId: 'alice', admin: false }, { userId: 'admin', admin: true }]) {
      const read = await store.read(viewer, before[0]!.cursor, 10);
      expect(read.resume).toBe('gap');
      expect(read.cursor.startsWith(`${newEpoch}.`)).toBe(true);
      expect(read.entries).toHaveLength(5);
      for (const entry of read.entries) {
        expect(entry.cursor.startsWith(`${newEpoch}.`)).toBe(true);
        expect((JSON.parse(entry.frame) as { cursor: string }).cursor).toBe(entry.cursor);
      }
      // The same frames as appended, the cursor of the old epoch now the new epoch's; the data untouched.
      const relabeled = (c: string) => `${newEpoch}.${c.split('.')[1]}`;
      const c3 = before[3]!.cursor;
      expect(read.entries.map((e) => e.frame)).toEqual([
        ...[0, 1, 2].map((i) => framed(i)(relabeled(before[i]!.cursor))),
        `{"type":"trades","data":{"at":"${c3}","not":"x${c3}","nor":"${c3}1","px":${PX}},"cursor":"${relabeled(c3)}"}`,
        after.frame,
      ]);
    }
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
