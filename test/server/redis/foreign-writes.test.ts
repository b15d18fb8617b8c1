/**
 * What another application writes into the store's keys under its prefix (tDV): an entry of its
 * own in a stream, an entry ahead of the store's positions, an epoch start record of another
 * epoch. The store never sends what it did not write, never stores half a batch, and names the key.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/index.js';
import type { StreamEntry } from '../../../src/server/stream-store.js';
import type { StreamGap } from '../../../src/server/redis/redis-stream-store.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer, recordingLogger, waitFor } from './redis-server.js';

const tool = findTool('redis-server');

const position = (cursor: string) => Number(cursor.split('.')[1]);
const frame = (text: string) => () => JSON.stringify({ type: 'trades', data: { text } });

describe.skipIf(!tool.available)(`the Redis store and another application's writes under its prefix ${tool.reason}`, () => {
  const servers: RedisServer[] = [];
  const stores: RedisStreamStore[] = [];
  const raws: Redis[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const raw of raws) raw.disconnect();
    for (const server of servers) await server.stop();
  });
  /** A Redis of its own, a raw client on it, and a store with a recording logger and `options` (maxMessages, …). */
  const setUp = async (options: Omit<Parameters<typeof createRedisStreamStore>[0], 'url' | 'logger'> = {}) => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const log = recordingLogger();
    const store = await createRedisStreamStore({ ...options, url: server.url, logger: log.logger });
    stores.push(store);
    return { server, raw, log, store };
  };
  /** `users` users (`<prefix><n>`), each with one entry of the store's and one of another application's after it: their cursors. */
  const usersWithForeign = async ({ raw, store }: Awaited<ReturnType<typeof setUp>>, prefix: string, users: number) => {
    const cursors: string[] = [];
    for (let u = 0; u < users; u++) {
      const first = await store.append(`${prefix}${u}`, 'trades' as never, frame('one'));
      await raw.xadd(`rc:u:{${prefix}${u}}`, `${position(first.cursor) + 1}-0`, 'x', 'foreign');
      cursors.push(first.cursor);
    }
    return cursors;
  };
  /** `foreign-entry` lines said in each of `rounds` rounds of polls, one per user of {@link usersWithForeign}, in turn. */
  const linesPerRound = async ({ log, store }: Awaited<ReturnType<typeof setUp>>, prefix: string, cursors: string[], rounds: number) => {
    const said = () => log.records.filter((r) => r.event === 'foreign-entry').length;
    const counts: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const before = said();
      for (let u = 0; u < cursors.length; u++) await store.read({ userId: `${prefix}${u}`, admin: false }, cursors[u]!, 100);
      counts.push(said() - before);
    }
    return counts;
  };

  it("skips and names another application's entry in a user's stream: never an empty frame, never a message of no type (tDV F12)", async () => {
    const { raw, log, store } = await setUp();
    const first = await store.append('bob', 'trades' as never, frame('one'));
    await raw.xadd('rc:u:{bob}', `${position(first.cursor) + 1}-1`, 'foo', 'bar');
    const second = await store.append('bob', 'trades' as never, frame('two'));
    const read = await store.read({ userId: 'bob', admin: false }, first.cursor.replace(/\.\d+$/, `.${position(first.cursor) - 1}`), 100);
    expect(read.resume).toBe('resumed');
    expect(read.entries.map((e) => e.frame)).toEqual([first.frame, second.frame]);
    expect(read.entries.every((e) => e.type === 'trades')).toBe(true);
    const said = log.records.filter((r) => r.event === 'foreign-entry');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 'error', key: 'rc:u:{bob}', id: `${position(first.cursor) + 1}-1` });
    expect(String(said[0]!.message)).toContain(`holds an entry the store never wrote in rc:u:{bob} (${position(first.cursor) + 1}-1: fields "foo", where the store writes fields t, k, f)`);
    // What the XDEL costs is said (tEZ F2): Redis's last-deleted mark moves to the id.
    expect(String(said[0]!.message)).toContain(`Delete it (XDEL rc:u:{bob} ${position(first.cursor) + 1}-1: a reader whose cursor is before it is then told a gap, though nothing of the store's is lost; left, it is skipped and costs only memory)`);
    await raw.xdel('rc:u:{bob}', `${position(first.cursor) + 1}-1`);
    expect((await store.read({ userId: 'bob', admin: false }, first.cursor, 100)).resume).toBe('gap');
    // Said once, however often it is read.
    await store.read({ userId: 'bob', admin: false }, first.cursor, 100);
    expect(log.records.filter((r) => r.event === 'foreign-entry')).toHaveLength(1);
  });

  it("a run of another application's entries is said once, in one line with its count, however long the run and however often it is read (tEQ F1: past 64 entries every read said each again)", async () => {
    const { raw, log, store } = await setUp();
    const first = await store.append('dora', 'trades' as never, frame('one'));
    for (let i = 1; i <= 200; i++) await raw.xadd('rc:u:{dora}', `${position(first.cursor) + i}-0`, 'x', 'foreign');
    const second = await store.append('dora', 'trades' as never, frame('two'));
    for (const limit of [100, 100, 10, 7, 100]) {
      const read = await store.read({ userId: 'dora', admin: false }, first.cursor, limit);
      expect(read.resume).toBe('resumed');
      expect(read.entries.map((e) => e.frame)).toEqual([second.frame]);
    }
    const said = log.records.filter((r) => r.event === 'foreign-entry');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 'error', key: 'rc:u:{dora}', id: `${position(first.cursor) + 1}-0`, lastId: `${position(first.cursor) + 200}-0`, count: 200 });
    expect(String(said[0]!.message)).toContain(`holds 200 entries the store never wrote in rc:u:{dora}, ${position(first.cursor) + 1}-0 to ${position(first.cursor) + 200}-0 (the first: fields "x", where the store writes fields t, k, f): skipped by every read, said once;`);
    // Entries of another application written later are said, once.
    for (let i = 1; i <= 3; i++) await raw.xadd('rc:u:{dora}', `${position(second.cursor) + i}-0`, 'x', 'foreign');
    await store.append('dora', 'trades' as never, frame('three'));
    for (let i = 0; i < 3; i++) await store.read({ userId: 'dora', admin: false }, first.cursor, 100);
    expect(log.records.filter((r) => r.event === 'foreign-entry').map((r) => r.count)).toEqual([200, 3]);
  });

  it("a line over several entries of another application gives their ids, never a range holding the store's own entries between them (tEZ F7)", async () => {
    const { raw, log, store } = await setUp();
    const first = await store.append('ivy', 'trades' as never, frame('s0'));
    const foreign: string[] = [];
    let last = first;
    for (let i = 1; i <= 3; i++) {
      const id = `${position(last.cursor) + 1}-0`;
      await raw.xadd('rc:u:{ivy}', id, 'x', 'foreign');
      foreign.push(id);
      last = await store.append('ivy', 'trades' as never, frame(`s${i}`));
    }
    const read = await store.read({ userId: 'ivy', admin: false }, first.cursor, 100);
    expect(read.entries).toHaveLength(3);
    const said = log.records.filter((r) => r.event === 'foreign-entry');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ count: 3, ids: foreign });
    const message = String(said[0]!.message);
    expect(message).toContain(`Delete them by id, never the range, which may hold the store's own entries (XDEL rc:u:{ivy} ${foreign.join(' ')}: a reader whose cursor is before one deleted is then told a gap`);
    expect(message).not.toContain('…');
    // Past 8 ids, the others are counted and how to list them is said.
    for (let i = 1; i <= 10; i++) await raw.xadd('rc:u:{ivy}', `${position(last.cursor) + i}-0`, 'x', 'foreign');
    await store.append('ivy', 'trades' as never, frame('s4'));
    await store.read({ userId: 'ivy', admin: false }, last.cursor, 100);
    const more = String(log.records.filter((r) => r.event === 'foreign-entry')[1]!.message);
    expect(more).toContain(`(XDEL rc:u:{ivy} ${Array.from({ length: 8 }, (_, i) => `${position(last.cursor) + i + 1}-0`).join(' ')}, and the 2 others, each by id: XRANGE rc:u:{ivy} ${position(last.cursor) + 1}-0 ${position(last.cursor) + 10}-0 lists them among the store's own:`);
  });

  it("each run of another application's entries is said, whatever order readers at different cursors meet them in (tEZ F3), and counted once when a read goes on past a page (tEZ F5)", async () => {
    const { raw, log, store } = await setUp();
    const viewer = { userId: 'kim', admin: false };
    const s0 = await store.append('kim', 'trades' as never, frame('s0'));
    const f1 = `${position(s0.cursor) + 1}-0`;
    await raw.xadd('rc:u:{kim}', f1, 'x', 'foreign');
    const s1 = await store.append('kim', 'trades' as never, frame('s1'));
    await store.read(viewer, s0.cursor, 100);
    const f2 = `${position(s1.cursor) + 1}-0`;
    await raw.xadd('rc:u:{kim}', f2, 'x', 'foreign');
    const s2 = await store.append('kim', 'trades' as never, frame('s2'));
    const f3 = `${position(s2.cursor) + 1}-0`;
    await raw.xadd('rc:u:{kim}', f3, 'x', 'foreign');
    await store.append('kim', 'trades' as never, frame('s3'));
    await store.read(viewer, s2.cursor, 100);
    await store.read(viewer, s1.cursor, 100);
    await store.read(viewer, s0.cursor, 100);
    expect(log.records.filter((r) => r.event === 'foreign-entry').map((r) => [r.id, r.count ?? 1])).toEqual([[f1, 1], [f3, 1], [f2, 1]]);
    // A read that goes on past a page of foreign entries meets the global stream's again: counted once.
    const v = await store.append('val', 'trades' as never, frame('v0'));
    for (let i = 1; i <= 3; i++) await raw.xadd('rc:u:{val}', `${position(v.cursor) + i}-0`, 'x', 'foreign');
    await raw.xadd('rc:g', `${position(v.cursor) + 10}-0`, 'x', 'foreign');
    await store.read({ userId: 'val', admin: false }, v.cursor, 3);
    const lines = log.records.filter((r) => r.event === 'foreign-entry').slice(3);
    expect(lines.map((r) => [r.key, r.count ?? 1])).toEqual([['rc:u:{val}', 3], ['rc:g', 1]]);
  });

  it("past 64 keys holding another application's entries, each is still said once: a round of polls over 65 users says nothing again (tEZ F4)", async () => {
    const set = await setUp();
    expect(await linesPerRound(set, 'p', await usersWithForeign(set, 'p', 65), 3)).toEqual([65, 0, 0]);
  });

  it("what is said once is bounded as README says: 8 runs of a key, 1,024 keys; past that the one said longest ago is said again when read (tEZ F3, F4)", async () => {
    const set = await setUp();
    const { raw, log, store } = set;
    const said = () => log.records.filter((r) => r.event === 'foreign-entry');
    // 9 runs of one key, each met by its own read (limit 1: the read stops at the store's entry after it).
    const cursors: string[] = [];
    const foreign: string[] = [];
    let last = await store.append('runs', 'trades' as never, frame('s0'));
    for (let i = 1; i <= 9; i++) {
      cursors.push(last.cursor);
      foreign.push(`${position(last.cursor) + 1}-0`);
      await raw.xadd('rc:u:{runs}', foreign[i - 1]!, 'x', 'foreign');
      last = await store.append('runs', 'trades' as never, frame(`s${i}`));
    }
    for (const cursor of cursors) await store.read({ userId: 'runs', admin: false }, cursor, 1);
    expect(said().map((r) => r.id)).toEqual(foreign);
    for (const cursor of cursors.slice(1)) await store.read({ userId: 'runs', admin: false }, cursor, 1);
    expect(said()).toHaveLength(9);
    await store.read({ userId: 'runs', admin: false }, cursors[0]!, 1);
    expect(said().map((r) => r.id).slice(9)).toEqual([foreign[0]]);
    // 1,025 keys read in turn: each is forgotten before it is read again.
    expect(await linesPerRound(set, 'k', await usersWithForeign(set, 'k', 1025), 2)).toEqual([1025, 1025]);
  }, 60_000);

  it("a page of another application's entries alone is read past: every read goes on to the store's entries after them, told `resumed`, never the same page again (tEF F3)", async () => {
    const { raw, store } = await setUp();
    const first = await store.append('bob', 'trades' as never, frame('one'));
    for (let i = 1; i <= 3; i++) await raw.xadd('rc:u:{bob}', `${position(first.cursor) + i}-0`, 'foo', 'bar');
    const second = await store.append('bob', 'trades' as never, frame('two'));
    const third = await store.append('bob', 'trades' as never, frame('three'));
    // Pages of 2 from the first entry's cursor: the first raw page holds two foreign entries alone.
    // It was answered with no entry, `more: true` and the cursor it was read from, for ever.
    const viewer = { userId: 'bob', admin: false };
    const pages = async (from: string) => {
      const got: string[] = [];
      let since = from;
      for (let page = 0; page < 4; page++) {
        const read = await store.read(viewer, since, 2);
        expect(read.resume).toBe('resumed');
        expect(read.entries.length > 0 || !read.more).toBe(true);
        got.push(...read.entries.map((e) => e.frame));
        since = read.cursor;
        if (!read.more) return got;
      }
      throw new Error(`still more after 4 pages from ${from}: ${got.join(' ')}`);
    };
    expect(await pages(first.cursor)).toEqual([second.frame, third.frame]);
    // A gap's page likewise: a cursor of another epoch reads from the epoch's start.
    const fresh = await store.read(viewer, `e0000000000000000.${position(first.cursor)}`, 1);
    expect(fresh.resume).toBe('gap');
    expect(fresh.entries.map((e) => e.frame)).toEqual([first.frame]);
    expect(await pages(fresh.cursor)).toEqual([second.frame, third.frame]);
  });

  it("another application's entries count whole against a page's byte bound, whatever their fields: a read stops at the bound, and paging on gives every entry of the store's (tFD F4: field f alone was counted, 100 MB copied for a page of 1 MiB)", async () => {
    const { raw, store } = await setUp();
    const viewer = { userId: 'alice', admin: false };
    const start = (await store.read(viewer, null, 1)).cursor;
    const first = await store.append('alice', 'trades' as never, frame('a0'));
    const blob = 'x'.repeat(100_000);
    // First the store's field names (k not JSON: another application's) with values past 4 KiB besides the frame: counted too.
    for (let i = 1; i <= 4; i++) await raw.xadd('rc:u:{alice}', `${position(first.cursor) + i}-0`, 't', blob, 'k', 'not json', 'f', '{}');
    for (let i = 5; i <= 24; i++) await raw.xadd('rc:u:{alice}', `${position(first.cursor) + i}-0`, 'blob', blob);
    const last = await store.append('alice', 'trades' as never, frame('a1'));
    // The read script's runs, as Redis counts them (INFO commandstats): what each page copied is not seen in the frames.
    const scripts = async () => [...(await raw.info('commandstats')).matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    const page = await store.read(viewer, start, 100, 64 * 1024);
    const before = await scripts();
    expect(page.entries.map((e) => e.frame)).toEqual([first.frame]);
    expect(page.more).toBe(true);
    const got = [...page.entries];
    let since = page.cursor;
    for (let n = 0; n < 30; n++) {
      const next = await store.read(viewer, since, 100, 64 * 1024);
      expect(next.resume).toBe('resumed');
      got.push(...next.entries);
      since = next.cursor;
      if (!next.more) break;
    }
    expect(got.map((e) => e.frame)).toEqual([first.frame, last.frame]);
    // Each of the 24 entries of 100 kB past the first page is over the 64 KiB bound: a script run each, at least (tFX F2:
    // the frames came out the same when a run copied them all, each counted 0 bytes (5 runs), or 4 with t and k free (22)).
    expect(await scripts() - before).toBeGreaterThanOrEqual(24);
  });

  // tET R4: `return resume === 'gap' ? { ...next, resume } : next` made `return next`: the read on
  // past a page of foreign entries alone answered `resumed`, the client not told of the gap before it.
  it("a gap whose first page holds another application's entries alone is still told `gap` on the page read past them (tET R4)", async () => {
    const { raw, store } = await setUp();
    const viewer = { userId: 'bob', admin: false };
    const first = await store.append('bob', 'trades' as never, frame('one'));
    const lost = await store.append('bob', 'trades' as never, frame('lost'));
    for (let i = 1; i <= 2; i++) await raw.xadd('rc:u:{bob}', `${position(lost.cursor) + i}-0`, 'foo', 'bar');
    const after = await store.append('bob', 'trades' as never, frame('after'));
    const [id] = (await raw.xrange('rc:u:{bob}', String(position(lost.cursor)), String(position(lost.cursor))))[0]!;
    expect(await raw.xdel('rc:u:{bob}', id!)).toBe(1);
    // Pages of 2 from the first entry: the page after the cursor is the two foreign entries alone,
    // read past to `after`; `lost` is gone (XDEL is recorded): a gap.
    const read = await store.read(viewer, first.cursor, 2);
    expect(read.entries.map((e) => e.frame)).toEqual([after.frame]);
    expect(read.resume).toBe('gap');
    // From there on, nothing more is lost.
    expect((await store.read(viewer, read.cursor, 2)).resume).toBe('resumed');
  });

  it("a page of another application's entries in a user's stream does not let a broadcast after them take the page: the user's own entries between are read, not skipped told `resumed` (tEO F1)", async () => {
    const { raw, store } = await setUp();
    const first = await store.append('bob', 'trades' as never, frame('one'));
    for (let i = 1; i <= 2; i++) await raw.xadd('rc:u:{bob}', `${position(first.cursor) + i}-0`, 'foo', 'bar');
    const own = await store.append('bob', 'trades' as never, frame('own'));
    const broadcast = await store.append(null, 'alerts' as never, frame('broadcast'));
    // Pages of 2: the user's stream is full of foreign entries, and the broadcast filled the page;
    // its cursor went past `own`, which no read gave again.
    const viewer = { userId: 'bob', admin: false };
    const got: string[] = [];
    let since = first.cursor;
    for (let page = 0; page < 5; page++) {
      const read = await store.read(viewer, since, 2);
      expect(read.resume).toBe('resumed');
      got.push(...read.entries.map((e) => e.frame));
      since = read.cursor;
      if (!read.more) break;
    }
    expect(got).toEqual([own.frame, broadcast.frame]);
  });

  it("a node's catch-up skips and names another application's entry in the all-stream: no broadcast of no type, no epoch rotation (tDV F12)", async () => {
    const { raw, log, store } = await setUp();
    const got: StreamEntry[] = [];
    const gaps: StreamGap[] = [];
    store.subscribe((e) => got.push(e));
    store.onGap((g) => gaps.push(g));
    const first = await store.append(null, 'trades' as never, frame('one'));
    await waitFor(() => got.length === 1, 'the first entry live');
    // A sequence number taken and no entry (the next record is a hole: the node catches up from
    // the all-stream), and another application's entry there, its sequence part below the node's.
    await raw.incr('rc:seq');
    await raw.xadd('rc:all', `${position(first.cursor) + 1}-1`, 'foo', 'bar');
    const second = await store.append(null, 'trades' as never, frame('two'));
    await waitFor(() => got.length >= 2 || gaps.length > 0, 'the second entry or a gap');
    expect(gaps).toEqual([]);
    expect(got.map((e) => e.frame)).toEqual([first.frame, second.frame]);
    expect(log.records.filter((r) => r.event === 'epoch-rotated')).toEqual([]);
    expect(log.records.find((r) => r.event === 'foreign-entry')).toMatchObject({ key: 'rc:all', id: `${position(first.cursor) + 1}-1` });
  });

  it("refuses an entry whose stream holds another application's id ahead of the store's positions before any write, naming the key; the batch's other entries are stored and sent live (tDV F11)", async () => {
    const { raw, log, store } = await setUp();
    const got: StreamEntry[] = [];
    store.subscribe((e) => got.push(e));
    await store.append('alice', 'trades' as never, frame('a0'));
    await waitFor(() => got.length === 1, 'the first entry live');
    await raw.xadd('rc:u:{bob}', '8000000000000000-1', 'foo', 'bar');
    const seqBefore = await raw.get('rc:seq');
    // One batch: appends in one turn of the event loop.
    const outcomes = await Promise.allSettled([store.append('alice', 'trades' as never, frame('a1')), store.append('bob', 'trades' as never, frame('b1'))]);
    expect(outcomes[0]!.status).toBe('fulfilled');
    expect(outcomes[1]!.status).toBe('rejected');
    const why = String((outcomes[1] as PromiseRejectedResult).reason.message);
    expect(why).toMatch(/^ERR rc:u:\{bob\} holds an entry id 8000000000000000-1, at or after the position the store writes next \(\d+\): not stored; another application's entry under the store's key prefix\? Delete the key/);
    expect(await raw.xlen('rc:u:{bob}')).toBe(1);
    expect(Number(await raw.get('rc:seq'))).toBe(Number(seqBefore) + 1);
    await waitFor(() => got.length === 2, "alice's entry live");
    expect(got[1]!.frame).toBe((outcomes[0] as PromiseFulfilledResult<StreamEntry>).value.frame);
    expect(log.records.find((r) => r.event === 'append-refused')).toMatchObject({ stream: 'rc:u:{bob}' });
  });

  // tEI F13 (mutation M57: `>=` read as `>`): an id exactly at the position the store writes next, not only far past it:
  // XADD refuses the store's id there too (its sequence part no higher), so it is refused up front, the others stored.
  it("refuses an entry whose stream holds another application's id at the very position the store writes next (tEI F13)", async () => {
    const { raw, store } = await setUp();
    await store.append('alice', 'trades' as never, frame('a0'));
    // The head ahead of the clock: the next position is head + 1, known before the append.
    const head = 5_000_000_000_000_000;
    await raw.set('rc:head', String(head));
    const id = `${head + 1}-18446744073709551615`;
    await raw.xadd('rc:u:{bob}', id, 'foo', 'bar');
    const seqBefore = await raw.get('rc:seq');
    // One batch, bob's entry first: it takes the position head + 1.
    const outcomes = await Promise.allSettled([store.append('bob', 'trades' as never, frame('b1')), store.append('alice', 'trades' as never, frame('a1'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason.message)).toMatch(new RegExp(`^ERR rc:u:\\{bob\\} holds an entry id ${id}, at or after the position the store writes next \\(${head + 1}\\): not stored; `));
    expect(position((outcomes[1] as PromiseFulfilledResult<StreamEntry>).value.cursor)).toBe(head + 1);
    expect(await raw.xlen('rc:u:{bob}')).toBe(1);
    expect(Number(await raw.get('rc:seq'))).toBe(Number(seqBefore) + 1);
  });

  it("refuses a batch whole when the all-stream holds another application's id ahead, or a last id left ahead by XDEL: nothing written, the key named (tDV F11)", async () => {
    const { raw, store } = await setUp();
    await store.append('bob', 'trades' as never, frame('b0'));
    await raw.xadd('rc:all', '8000000000000000-1', 'foo', 'bar');
    const before = { seq: await raw.get('rc:seq'), bob: await raw.xlen('rc:u:{bob}'), all: await raw.xlen('rc:all'), head: await raw.get('rc:head') };
    await expect(store.append('bob', 'trades' as never, frame('retry-me'))).rejects.toThrow(/^ERR rc:all holds an entry id 8000000000000000-1, at or after the position the store writes next \(\d+\): not stored; /);
    // The last id stays where XDEL leaves it: refused the same way, not half written.
    await raw.xdel('rc:all', '8000000000000000-1');
    await expect(store.append('bob', 'trades' as never, frame('retry-me'))).rejects.toThrow(/^ERR rc:all holds an entry id 8000000000000000-1, /);
    expect({ seq: await raw.get('rc:seq'), bob: await raw.xlen('rc:u:{bob}'), all: await raw.xlen('rc:all') + 1, head: await raw.get('rc:head') }).toEqual(before);
  });

  it("an operator's XTRIM of a user stream reads `resumed` without the entries removed, XDEL reads `gap` (README: do not trim by hand) (tDV F9)", async () => {
    const { raw, store } = await setUp();
    const cursors: string[] = [];
    for (let i = 0; i < 6; i++) cursors.push((await store.append('carol', 'trades' as never, frame(`c${i}`))).cursor);
    await raw.xtrim('rc:u:{carol}', 'MAXLEN', 3);
    const trimmed = await store.read({ userId: 'carol', admin: false }, cursors[0]!, 10);
    expect(trimmed.resume).toBe('resumed');
    expect(trimmed.entries.map((e) => e.cursor)).toEqual(cursors.slice(3));
    const [id] = (await raw.xrange('rc:u:{carol}', '-', '+', 'COUNT', 1))[0]!;
    await raw.xdel('rc:u:{carol}', id);
    const deleted = await store.read({ userId: 'carol', admin: false }, cursors[0]!, 10);
    expect(deleted.resume).toBe('gap');
    expect(deleted.entries.map((e) => e.cursor)).toEqual(cursors.slice(4));
  });

  it("an entry an operator XDELs stays a `gap` after the store's next trim, in a user's stream, the global one and the all-stream: the trim never lowers the stream's last-deleted mark (tEQ F8)", async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const store = await createRedisStreamStore({ url: server.url, logger: recordingLogger().logger, maxMessages: 20, maxAllMessages: 20 });
    stores.push(store);
    const cases: { key: string; userId: string | null; viewer: { userId: string; admin: boolean } }[] = [
      { key: 'rc:u:{u1}', userId: 'u1', viewer: { userId: 'u1', admin: false } },
      { key: 'rc:g', userId: null, viewer: { userId: 'u2', admin: false } },
      { key: 'rc:all', userId: 'u3', viewer: { userId: 'admin', admin: true } },
    ];
    for (const { key, userId, viewer } of cases) {
      const cursors: string[] = [];
      for (let i = 0; i < 20; i++) cursors.push((await store.append(userId, 'trades' as never, frame(`${key} ${i}`))).cursor);
      const ids = (await raw.xrange(key, '-', '+')).map(([id]) => id);
      const freed = ids.find((id) => Number(id.split('-')[0]) === position(cursors[15]!))!;
      await raw.xdel(key, freed);
      expect((await store.read(viewer, cursors[10]!, 100)).resume).toBe('gap');
      // Three more appends: the store trims the oldest (over 20), before entry 10.
      for (let i = 20; i < 23; i++) cursors.push((await store.append(userId, 'trades' as never, frame(`${key} ${i}`))).cursor);
      expect(position((await raw.xrange(key, '-', '+', 'COUNT', 1))[0]![0].replace('-', '.'))).toBeLessThan(position(cursors[10]!));
      const read = await store.read(viewer, cursors[10]!, 100);
      expect(read.resume, key).toBe('gap');
      // After the last position gone (tGX F2): the entries held before it lie inside the gap told.
      expect(read.entries.map((e) => e.cursor)).toEqual(cursors.slice(16));
    }
  });

  it("the store's trim of another application's entries alone is no loss: a reader that had every entry of the store's resumes, by count in a user's stream and the global one, by age in the all-stream (tEQ F3)", async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const store = await createRedisStreamStore({ url: server.url, logger: recordingLogger().logger, maxMessages: 20 });
    stores.push(store);
    for (const [key, userId, viewer] of [['rc:u:{u1}', 'u1', { userId: 'u1', admin: false }], ['rc:g', null, { userId: 'u2', admin: false }]] as const) {
      let cursor = '';
      for (let i = 0; i < 5; i++) cursor = (await store.append(userId, 'trades' as never, frame(`${key} ${i}`))).cursor;
      for (let i = 1; i <= 30; i++) await raw.xadd(key, `${position(cursor) + i}-0`, 'x', 'foreign');
      // Over 20: the trim takes the 5 entries of the store's (the reader has them) and 11 of the other application's.
      const next = await store.append(userId, 'trades' as never, frame(`${key} 5`));
      expect(await raw.xlen(key)).toBe(20);
      const read = await store.read(viewer, cursor, 100);
      expect(read.resume, key).toBe('resumed');
      expect(read.entries.map((e) => e.cursor)).toEqual([next.cursor]);
    }
    // By age, in the all-stream: its age check runs on a batch taking a multiple of 32 (rc:seq set just before one).
    const aged = await createRedisStreamStore({ url: server.url, keyPrefix: 'aged', logger: recordingLogger().logger, maxAgeMs: 500 });
    stores.push(aged);
    let cursor = '';
    for (let i = 0; i < 5; i++) cursor = (await aged.append('u3', 'trades' as never, frame(`aged ${i}`))).cursor;
    for (let i = 1; i <= 40; i++) await raw.xadd('aged:all', `${position(cursor) + i}-0`, 'x', 'foreign');
    await new Promise((r) => setTimeout(r, 700));
    await raw.set('aged:seq', '31');
    const next = await aged.append('u3', 'trades' as never, frame('aged 5'));
    expect(await raw.xlen('aged:all')).toBe(1);
    const read = await aged.read({ userId: 'admin', admin: true }, cursor, 100);
    expect(read.resume).toBe('resumed');
    expect(read.entries.map((e) => e.cursor)).toEqual([next.cursor]);
  });

  it("the trim judges an entry the store's as the reads do: another application's entry with the store's field names but an empty type or a key not JSON is no loss either (tEZ F1)", async () => {
    const { raw, store } = await setUp({ maxMessages: 20 });
    const shapes: [string, string[]][] = [
      ['rc:u:{u1}', ['t', 'trades', 'k', 'not-json', 'f', '{}']],
      ['rc:u:{u2}', ['t', '', 'k', 'null', 'f', '{}']],
      ['rc:g', ['t', 'trades', 'k', '"a" x', 'f', '{}']],
      ['rc:u:{u3}', ['t', 'trades', 'k', '"\\q"', 'f', '{}']],
    ];
    for (const [key, fields] of shapes) {
      const userId = key === 'rc:g' ? null : key.slice(6, -1);
      const viewer = { userId: userId ?? 'u9', admin: false };
      let cursor = '';
      for (let i = 0; i < 5; i++) cursor = (await store.append(userId, 'trades' as never, frame(`${key} ${i}`))).cursor;
      for (let i = 1; i <= 30; i++) await raw.xadd(key, `${position(cursor) + i}-0`, ...fields);
      const before = await store.read(viewer, cursor, 100);
      expect(before.entries, key).toEqual([]);
      // Over 20: the trim takes the 5 entries of the store's (the reader has them) and 11 of the other application's.
      const next = await store.append(userId, 'trades' as never, frame(`${key} 5`));
      expect(await raw.xlen(key)).toBe(20);
      const read = await store.read(viewer, cursor, 100);
      expect(read.resume, key).toBe('resumed');
      expect(read.entries.map((e) => e.cursor)).toEqual([next.cursor]);
    }
  });

  it("the trim judges the all-stream's u and k, a \\u escape of fewer than 4 hex digits, a quote or a control character inside a key, as the reads do: no loss (tFG F1)", async () => {
    const { raw, store } = await setUp({ maxMessages: 20, maxAllMessages: 20 });
    // Each key of a user's stream: its k is not a JSON string (JSON.parse refuses it), so the reads skip the entry.
    const keys = ['"\\u123"', '"a"b"', '"a\u0001b"'];
    for (const [n, k] of keys.entries()) {
      const userId = `k${n}`;
      let cursor = '';
      for (let i = 0; i < 5; i++) cursor = (await store.append(userId, 'trades' as never, frame(`${userId} ${i}`))).cursor;
      for (let i = 1; i <= 30; i++) await raw.xadd(`rc:u:{${userId}}`, `${position(cursor) + i}-0`, 't', 'trades', 'k', k, 'f', '{}');
      expect((await store.read({ userId, admin: false }, cursor, 100)).entries, k).toEqual([]);
      // Over 20: the trim takes the 5 entries of the store's (the reader has them) and 11 of the other application's.
      const next = await store.append(userId, 'trades' as never, frame(`${userId} 5`));
      expect(await raw.xlen(`rc:u:{${userId}}`), k).toBe(20);
      const read = await store.read({ userId, admin: false }, cursor, 100);
      expect(read.resume, k).toBe('resumed');
      expect(read.entries.map((e) => e.cursor)).toEqual([next.cursor]);
    }
    // The all-stream (fields t, u, k, f), read by an admin: a k not JSON, then a u not JSON.
    const allShapes = [
      ['t', 'trades', 'u', '"a1"', 'k', 'not-json', 'f', '{}'],
      ['t', 'trades', 'u', 'not-json', 'k', 'null', 'f', '{}'],
    ];
    for (const fields of allShapes) {
      // The store's 20 newest entries of the all-stream, then 30 of the other application's after them.
      let cursor = '';
      for (let i = 0; i < 20; i++) cursor = (await store.append(`a${i % 2}`, 'trades' as never, frame(`all ${i}`))).cursor;
      expect(await raw.xlen('rc:all')).toBe(20);
      for (let i = 1; i <= 30; i++) await raw.xadd('rc:all', `${position(cursor) + i}-0`, ...fields);
      expect((await store.read({ userId: 'admin', admin: true }, cursor, 100)).entries, fields.join(' ')).toEqual([]);
      const next = await store.append('a0', 'trades' as never, frame('all next'));
      expect(await raw.xlen('rc:all')).toBe(20);
      const read = await store.read({ userId: 'admin', admin: true }, cursor, 100);
      expect(read.resume, fields.join(' ')).toBe('resumed');
      expect(read.entries.map((e) => e.cursor)).toEqual([next.cursor]);
    }
  });

  it("a trim that removes another application's entries alone is no loss, though an earlier trim took the store's: a reader that had every entry of the store's resumes (tFG F2)", async () => {
    const { raw, store } = await setUp({ maxMessages: 20 });
    const viewer = { userId: 'u1', admin: false };
    let cursor = '';
    for (let i = 0; i < 5; i++) cursor = (await store.append('u1', 'trades' as never, frame(`u1 ${i}`))).cursor;
    for (let i = 1; i <= 30; i++) await raw.xadd('rc:u:{u1}', `${position(cursor) + i}-0`, 'x', 'foreign');
    // The first trim takes the 5 entries of the store's (the reader has them) and 11 of the other application's.
    const sixth = await store.append('u1', 'trades' as never, frame('u1 5'));
    expect(await raw.xlen('rc:u:{u1}')).toBe(20);
    // The second takes one entry of the other application's alone; the reader, still at the 5th entry, lost nothing.
    const seventh = await store.append('u1', 'trades' as never, frame('u1 6'));
    const read = await store.read(viewer, cursor, 100);
    expect(read.resume).toBe('resumed');
    expect(read.entries.map((e) => e.cursor)).toEqual([sixth.cursor, seventh.cursor]);
  });

  it("a count trim that takes the store's own entries is a loss: a reader before them is told `gap`, in a user's stream and in the all-stream (tFG R7, R13)", async () => {
    const { store } = await setUp({ maxMessages: 20, maxAllMessages: 40 });
    const first = await store.append('u1', 'trades' as never, frame('0'));
    for (let i = 1; i < 60; i++) await store.append(i % 2 === 0 ? 'u1' : 'u2', 'trades' as never, frame(String(i)));
    // rc:u:{u1} held 30 entries of the store's, rc:all 60: each trimmed by count, `first` among what went.
    const user = await store.read({ userId: 'u1', admin: false }, first.cursor, 100);
    expect(user.resume).toBe('gap');
    const all = await store.read({ userId: 'admin', admin: true }, first.cursor, 100);
    expect(all.resume).toBe('gap');
  });

  it("an age trim whose cut falls after more than 128 of another application's entries in a row records the cut: one gap too many, as README says, never one missed (tEZ F6)", async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const raw = new Redis(server.url);
    raws.push(raw);
    const reads: string[] = [];
    for (const run of [100, 200]) {
      const prefix = `aged${run}`;
      const aged = await createRedisStreamStore({ url: server.url, keyPrefix: prefix, logger: recordingLogger().logger, maxAgeMs: 500 });
      stores.push(aged);
      let cursor = '';
      for (let i = 0; i < 5; i++) cursor = (await aged.append('u3', 'trades' as never, frame(`aged ${i}`))).cursor;
      for (let i = 1; i <= run; i++) await raw.xadd(`${prefix}:all`, `${position(cursor) + i}-0`, 'x', 'foreign');
      await new Promise((r) => setTimeout(r, 700));
      await raw.set(`${prefix}:seq`, '31');
      const next = await aged.append('u3', 'trades' as never, frame('aged 5'));
      expect(await raw.xlen(`${prefix}:all`)).toBe(1);
      const read = await aged.read({ userId: 'admin', admin: true }, cursor, 100);
      expect(read.entries.map((e) => e.cursor)).toEqual([next.cursor]);
      reads.push(read.resume);
    }
    expect(reads).toEqual(['resumed', 'gap']);
  });

  it("append-refused for the all-stream made another type says what to do, as the start and the reads say it (tDV F8)", async () => {
    const { raw, log, store } = await setUp();
    await store.append('alice', 'trades' as never, frame('a0'));
    await raw.del('rc:all');
    await raw.rpush('rc:all', 'x');
    await expect(store.append('alice', 'trades' as never, frame('a1'))).rejects.toThrow('WRONGTYPE rc:all holds a list, not a stream: not stored');
    expect(log.records.filter((r) => r.event === 'append-refused').map((r) => r.message)).toEqual([
      `Redis refuses appends: publishes fail; another application's key under the key prefix "rc"? Delete it, or give the store another keyPrefix`,
    ]);
  });
});
