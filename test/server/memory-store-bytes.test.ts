/**
 * What the memory store counts against its `maxBytes` (MemoryStreamStoreOptions.maxBytes; README
 * "Delivery": "the bytes counted are what the entries take in the heap: each frame's characters,
 * 2 bytes each when it holds one past U+00FF, as V8 keeps it, its state key's likewise, and 512 B
 * an entry"), and what it keeps of the users whose entries are all evicted (their floors: "128 B
 * and the user id, at most a quarter of `maxBytes`"). Seen from outside: how many entries the store
 * holds (`size`) and what a reader is told (`resumed` or `gap`) from a cursor. These were held only
 * by a 600-s heap test's chance OOM, or not at all (tDI F1, F2).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStreamStore } from '../../src/server/index.js';

const admin = { userId: 'root', admin: true };

/** A frame of `pad`, holding its cursor as every frame does. */
const padded = (pad: string) => (cursor: string) => JSON.stringify({ type: 'alerts', cursor, data: { pad } });

/** The frame of every entry `store` holds, oldest first (an admin's read of its all-log). */
async function held(store: MemoryStreamStore, epoch: string): Promise<string[]> {
  const { entries } = await store.read(admin, `${epoch}.0`, 1_000_000);
  return entries.map((entry) => entry.frame);
}

describe('MemoryStreamStore: what it counts against maxBytes', () => {
  it('counts 2 bytes a character for a frame holding one character past U+00FF (an emoji, a Cyrillic name), 1 for a frame of Latin-1 only (é, as V8 keeps it, not its 2 UTF-8 bytes): at maxBytes 12 000, 2 000-character frames are held 4 at a time, 2 when each holds an emoji (tDI F1: counted 1 byte a character, the store held twice what it counted)', async () => {
    const x = 'x'.repeat(2000);
    // Each frame is about 2 050 characters: 2 050 + 512 B counted in one byte a character (4 fit
    // in 12 000, not 5), 4 100 + 512 in two (2 fit, not 3).
    for (const [pad, expected] of [
      [x, 4],
      [`${x}é`, 4],
      [`é${x}`, 4],
      [`${x}😀`, 2],
      [`Дмитрий${x}`, 2],
      [`${x}€`, 2],
    ] as const) {
      const store = new MemoryStreamStore({ maxBytes: 12_000, epoch: 'b1' });
      for (let i = 0; i < 10; i++) await store.append(null, 'alerts', padded(pad));
      expect(store.size, `entries held of ${pad.replace(x, '<2000 x>')}`).toBe(expected);
      // The newest are the ones held: a reader behind them is told gap, one at the oldest held resumes with them all.
      const frames = await held(store, 'b1');
      expect(frames.map((frame) => JSON.parse(frame).cursor)).toEqual(Array.from({ length: expected }, (_, i) => `b1.${10 - expected + 1 + i}`));
      expect((await store.read({ userId: 'u', admin: false }, `b1.${10 - expected - 1}`, 100)).resume).toBe('gap');
      expect(await store.read({ userId: 'u', admin: false }, `b1.${10 - expected}`, 100)).toMatchObject({
        resume: 'resumed',
        entries: frames.map((frame) => ({ frame })),
      });
      await store.close();
    }
  });

  it('counts a state key likewise: 2 bytes a character when it holds one past U+00FF (a Cyrillic bots data.id), 1 for Latin-1 (tDI F1)', async () => {
    // Each entry: a short frame (about 50 characters), the key and 512 B. A key of 1 500
    // characters counts 1 500 (5 entries fit in 12 000, not 6), or 3 000 in two bytes (3, not 4).
    for (const [letter, expected] of [
      ['b', 5],
      ['é', 5],
      ['Ж', 3],
    ] as const) {
      const store = new MemoryStreamStore({ maxBytes: 12_000, epoch: 'k1' });
      for (let i = 0; i < 10; i++) await store.append('u', 'bots', (cursor) => JSON.stringify({ type: 'bots', cursor, data: { n: i } }), `${i}`.padStart(1500, letter));
      expect(store.size, `entries held with keys of ${letter}`).toBe(expected);
      await store.close();
    }
  });

  describe('the floors of users whose entries are all evicted', () => {
    const maxBytes = 100_000;
    /** A user id of 2 000 characters: a floor counts 2 128 B (its characters and 128 B), so a quarter of maxBytes holds 11. */
    const longId = (name: string) => `${name}-`.padEnd(2000, 'x');
    const FLOOR = 2000 + 128;
    const frame = (n: number) => (cursor: string) => JSON.stringify({ type: 'alerts', cursor, data: { n } });
    /** What the entries held count at least (each frame, ASCII, and 512 B): what README says an entry counts. */
    const entriesCounted = async (store: MemoryStreamStore, epoch: string) => (await held(store, epoch)).reduce((sum, text) => sum + text.length + 512, 0);

    it('count against maxBytes and take at most a quarter of it: users of 2 000-character ids, one message each among a steady stream, leave 11 floors (old cursors of theirs still read resumed), and the entries held and the floors together stay within maxBytes (tDI F2: floors taking all of maxBytes, or not counted at all, went unnoticed)', async () => {
      const store = new MemoryStreamStore({ maxBytes, epoch: 'f1' });
      const leavers: { id: string; position: number }[] = [];
      let n = 0;
      for (let round = 0; round < 60; round++) {
        const id = longId(`leaver-${round}`);
        const { cursor } = await store.append(id, 'alerts', frame(n++));
        leavers.push({ id, position: Number(cursor.split('.')[1]) });
        for (let i = 0; i < 20; i++) await store.append('steady', 'alerts', frame(n++));
      }
      const heldCursors = new Set((await held(store, 'f1')).map((text) => JSON.parse(text).cursor));
      const dropped = leavers.filter(({ position }) => !heldCursors.has(`f1.${position}`));
      expect(dropped.length).toBeGreaterThan(40);
      // A user who never wrote starts where the floors forgotten end: an older cursor of theirs reads gap.
      const quiet = { userId: 'quiet', admin: false };
      let forgotten = 0;
      while (forgotten < n && (await store.read(quiet, `f1.${forgotten}`, 100)).resume === 'gap') forgotten++;
      expect(forgotten).toBeGreaterThan(0);
      // A dropped user whose floor is kept lost nothing after their last message: resumed from its
      // cursor (gap from before it); one whose floor is forgotten starts where the others do.
      const kept = dropped.filter(({ position }) => position > forgotten);
      for (const { id, position } of dropped) {
        const user = { userId: id, admin: false };
        expect((await store.read(user, `f1.${position}`, 100)).resume).toBe(position >= forgotten ? 'resumed' : 'gap');
        expect((await store.read(user, `f1.${position - 1}`, 100)).resume).toBe('gap');
      }
      expect(kept.length).toBe(Math.floor(maxBytes / 4 / FLOOR));
      expect(kept.length * FLOOR).toBeLessThanOrEqual(maxBytes / 4);
      expect((await entriesCounted(store, 'f1')) + kept.length * FLOOR).toBeLessThanOrEqual(maxBytes);
      await store.close();
    });

    it('of a user who comes back no longer count: a user of a 2 000-character id whose message is evicted, writing again 40 times among a steady stream, leaves the store holding as many entries as maxBytes allows each time (tDI F2: their floor stayed counted, the store held fewer and fewer and then threw)', async () => {
      const store = new MemoryStreamStore({ maxBytes, epoch: 'f2' });
      const leaver = longId('leaver');
      let n = 0;
      for (let round = 0; round < 40; round++) {
        const { cursor } = await store.append(leaver, 'alerts', frame(n++));
        for (let i = 0; i < 200; i++) await store.append('steady', 'alerts', frame(n++));
        // The leaver's message is evicted and their floor kept: resumed from its cursor, gap from before it.
        const position = Number(cursor.split('.')[1]);
        expect((await store.read({ userId: leaver, admin: false }, `f2.${position}`, 100)).resume).toBe('resumed');
        expect((await store.read({ userId: leaver, admin: false }, `f2.${position - 1}`, 100)).resume).toBe('gap');
        // Held: maxBytes less that one floor, less at most what the next entry would take past it (two entries of slack).
        const counted = await entriesCounted(store, 'f2');
        expect(counted, `round ${round}: entries counted, within maxBytes less the floor`).toBeLessThanOrEqual(maxBytes - FLOOR);
        expect(counted, `round ${round}: entries counted, as many as fit`).toBeGreaterThan(maxBytes - FLOOR - 2 * 600);
      }
      await store.close();
    });

    it('of a user who came back and was dropped again are kept when the slot of their first drop reaches the head of the queue: their cursor before their evicted message still reads gap while other users leave, one at a time (tDW F1, mutation M05: that stale slot forgot their newer floor, and the cursor read resumed over the lost message)', async () => {
      const store = new MemoryStreamStore({ maxBytes, epoch: 'f3' });
      const leaver = longId('leaver');
      let n = 0;
      const write = async (userId: string) => Number((await store.append(userId, 'alerts', frame(n++))).cursor.split('.')[1]);
      const steady = async () => {
        for (let i = 0; i < 200; i++) await write('steady');
      };
      // Dropped once (its queue slot stays behind, stale once the user writes again), then dropped again.
      await write(leaver);
      await steady();
      const position = await write(leaver);
      await steady();
      const user = { userId: leaver, admin: false };
      expect((await store.read(user, `f3.${position - 1}`, 100)).resume).toBe('gap');
      // Other users leave, each floor pushing the oldest out: the leaver's first, stale slot reaches the head among them.
      for (let k = 0; k < 30; k++) {
        await write(longId(`other-${k}`));
        await steady();
        expect((await store.read(user, `f3.${position - 1}`, 100)).resume, `after the leaver's drop and ${k + 1} others`).toBe('gap');
      }
      await store.close();
    });
  });
});
