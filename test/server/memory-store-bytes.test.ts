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
});
