/**
 * A client whose cursor is older than the server's buffer for broadcasts, while the user's own
 * messages since are still held (a fresh tester: the server answered `gap` with nothing, and the
 * user's trades since were lost to the dashboard). The reference server answers `gap`, then what
 * it still holds after the last position any of the user's streams lost: the client tells the
 * gap and delivers each of those messages once, in order, on the socket and over polling; what
 * one stream held from before the other's loss ended lies inside the gap told (tGX F2: the gap's
 * cursor was put before the user's own loss ended, and their trades after it went missing,
 * untold). Real sockets on 127.0.0.1, the client in Node.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStreamStore } from '../../src/server/index.js';
import { closeClients, example, nodeClient, sleep, until } from './support/helpers.js';
import { harness, sign, stopHarnesses } from './support/reference.js';

afterEach(async () => {
  closeClients();
  await stopHarnesses();
});

const base = { trades: example('trades'), whale: example('whale') };
const trade = (id: string) => (cursor: string) => JSON.stringify({ ...base.trades, data: { ...(base.trades.data as object), id }, cursor });
const whale = (cursor: string) => JSON.stringify({ ...base.whale, cursor });

describe.each(['ws', 'polling'] as const)('over %s', (mode) => {
  /**
   * alice gets t1 live; while the server is down the store takes what `fill` appends (it keeps 5
   * a stream), then one trade of bob's and t9; the server comes back with pages of `page`
   * messages and the client resumes from t1. The events, and the gaps told ({ since, cursor }).
   */
  async function run(fill: (store: MemoryStreamStore) => Promise<void>, page: number) {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 5 });
    const options = { store, replayLimit: page, pollMaxMessages: page, pollHoldMs: 1000 };
    const h = await harness(options);
    const client = nodeClient(h.url, { fallbackAfter: mode === 'ws' ? 1000 : 2 });
    const events: string[] = [];
    const gaps: { since: string | null; cursor: string | null }[] = [];
    const cursors: Record<string, string> = {};
    client.on('trades', (t) => events.push(t.id));
    client.on('whale', () => events.push('whale'));
    client.on('gap', (g) => {
      events.push(`gap ${g.mode}`);
      gaps.push({ since: g.since, cursor: g.cursor });
    });
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 1);
    await until(() => events.length === 1, 't1');
    await h.stop();
    await fill(store);
    await store.append('bob', 'trades', trade('bob'));
    cursors.t9 = (await store.append('alice', 'trades', trade('t9'))).cursor;
    h.refuseUpgrades = mode === 'polling';
    await h.start(options);
    await until(() => events.includes('t9'), 't9');
    // Live after it: the stream goes on with nothing twice and no other gap.
    await h.trades(10, 1);
    await until(() => events.includes('t10'), 't10');
    await sleep(200);
    expect(client.getStatus().mode).toBe(mode);
    return { events, gaps };
  }
  const position = (cursor: string | null) => Number(cursor!.split('.')[1]);

  it('tells the gap, then delivers the broadcasts kept after the last one evicted and her own messages after it, each once, in order; her own from before it lie inside the gap told', async () => {
    const { events } = await run(async (store) => {
      for (const id of ['t2', 't3']) await store.append('alice', 'trades', trade(id));
      for (let i = 0; i < 6; i++) await store.append(null, 'whale', whale); // 5 kept: the first evicted
    }, 3);
    expect(events).toEqual(['t1', `gap ${mode}`, ...Array(5).fill('whale'), 't9', 't10']);
  });

  it("her own stream lost more than the broadcasts' (a broadcast kept from before her own loss ends): the gap told ends at or after her last message lost, and every message of hers after it is delivered, in pages (tGX F2: the gap was told to end before the broadcast, and her messages after it up to her loss went missing, untold)", async () => {
    const lost: string[] = [];
    const { events, gaps } = await run(async (store) => {
      await store.append(null, 'whale', whale); // kept: the global stream holds 1
      // t1 is held too: t1-t8 and t9 are 9, so t1-t4 are evicted, t5-t9 kept.
      for (const id of ['t2', 't3', 't4', 't5', 't6', 't7', 't8']) {
        const entry = await store.append('alice', 'trades', trade(id));
        if (Number(id.slice(1)) <= 4) lost.push(entry.cursor);
      }
    }, 2);
    expect(events).toEqual(['t1', `gap ${mode}`, 't5', 't6', 't7', 't8', 't9', 't10']);
    expect(gaps).toHaveLength(1);
    expect(position(gaps[0]!.cursor)).toBeGreaterThanOrEqual(position(lost[lost.length - 1]!));
  });
});
