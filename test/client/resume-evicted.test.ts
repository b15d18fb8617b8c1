/**
 * A client whose cursor is older than the server's buffer for broadcasts, while the user's own
 * messages since are still held (a fresh tester: the server answered `gap` with nothing, and the
 * user's trades since were lost to the dashboard). The reference server answers `gap`, then what
 * it still holds after the cursor: the client tells the gap and delivers each of those messages
 * once, in order, on the socket and over polling. Real sockets on 127.0.0.1, the client in Node.
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
   * alice gets t1 live; while the server is down the store takes `own` trades of hers, 6
   * broadcasts (5 are kept: the first is evicted) and one of bob's, then t9; the server comes back
   * with pages of `page` messages and the client resumes from t1.
   */
  async function run(own: string[], page: number) {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 5 });
    const options = { store, replayLimit: page, pollMaxMessages: page, pollHoldMs: 1000 };
    const h = await harness(options);
    const client = nodeClient(h.url, { fallbackAfter: mode === 'ws' ? 1000 : 2 });
    const events: string[] = [];
    client.on('trades', (t) => events.push(t.id));
    client.on('whale', () => events.push('whale'));
    client.on('gap', (g) => events.push(`gap ${g.mode}`));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    await h.trades(1, 1);
    await until(() => events.length === 1, 't1');
    await h.stop();
    for (const id of own) await store.append('alice', 'trades', trade(id));
    for (let i = 0; i < 6; i++) await store.append(null, 'whale', whale);
    await store.append('bob', 'trades', trade('bob'));
    await store.append('alice', 'trades', trade('t9'));
    h.refuseUpgrades = mode === 'polling';
    await h.start(options);
    await until(() => events.includes('t9'), 't9');
    // Live after it: the stream goes on with nothing twice and no other gap.
    await h.trades(10, 1);
    await until(() => events.includes('t10'), 't10');
    await sleep(200);
    expect(client.getStatus().mode).toBe(mode);
    return events;
  }

  it('tells the gap, then delivers her own messages still held and the broadcasts kept, each once, in order', async () => {
    const events = await run(['t2', 't3'], 3);
    expect(events).toEqual(['t1', `gap ${mode}`, 't2', 't3', ...Array(5).fill('whale'), 't9', 't10']);
  });

  it('her own messages held before the last one evicted fill more than a page: a second gap before the page after them, each message still once', async () => {
    const events = await run(['t2', 't3', 't4'], 2);
    expect(events).toEqual(['t1', `gap ${mode}`, 't2', 't3', `gap ${mode}`, 't4', ...Array(5).fill('whale'), 't9', 't10']);
  });
});
