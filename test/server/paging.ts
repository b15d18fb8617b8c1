/**
 * Byte-bounded pages of a StreamStore (memory and Redis alike): paging with any `limit` and
 * `maxBytes` gives exactly what one unbounded read gives, in order, each page within its bounds.
 */
import { expect } from 'vitest';
import type { StreamEntry, StreamStore, StreamViewer } from '../../src/server/stream-store.js';

const bytes = (entries: readonly StreamEntry[]) => entries.reduce((sum, e) => sum + Buffer.byteLength(e.frame), 0);

/**
 * Appends 300 entries for alice, bob and everyone with frames of 10 B to 6 KB (some with
 * multi-byte characters), then pages through them for each viewer with several bounds.
 */
export async function expectBytePagesAgree(store: StreamStore): Promise<void> {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const start = await store.read({ userId: 'alice', admin: false }, null, 1);
  for (let n = 0; n < 300; n++) {
    const userId = n % 3 === 0 ? null : n % 3 === 1 ? 'alice' : 'bob';
    const size = random() < 0.1 ? 6000 : Math.floor(random() * 400);
    const pad = (n % 5 === 0 ? 'é' : 'x').repeat(size);
    await store.append(userId, userId ? 'trades' : 'whale', (cursor) => JSON.stringify({ type: userId ? 'trades' : 'whale', data: { n, pad }, cursor }), null);
  }
  const viewers: StreamViewer[] = [
    { userId: 'alice', admin: false },
    { userId: 'bob', admin: false },
    { userId: 'root', admin: true },
  ];
  for (const viewer of viewers) {
    const whole = await store.read(viewer, start.cursor, 100_000);
    expect(whole.entries.length).toBeGreaterThan(100);
    for (const [limit, maxBytes] of [[1000, 1], [1000, 3000], [7, 5000], [1000, 20_000], [3, Infinity], [150, Infinity]] as const) {
      const paged: StreamEntry[] = [];
      let cursor = start.cursor;
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(400);
        const page = await store.read(viewer, cursor, limit, maxBytes);
        expect(page.resume).toBe('resumed');
        expect(page.entries.length).toBeLessThanOrEqual(limit);
        if (page.entries.length > 1) expect(bytes(page.entries)).toBeLessThanOrEqual(maxBytes);
        paged.push(...page.entries);
        cursor = page.cursor;
        if (!page.more) break;
      }
      expect(paged.map((e) => e.cursor), `${viewer.userId}, limit ${limit}, ${maxBytes} bytes`).toEqual(whole.entries.map((e) => e.cursor));
      expect((await store.read(viewer, cursor, limit, maxBytes)).entries).toEqual([]);
    }
  }
}
