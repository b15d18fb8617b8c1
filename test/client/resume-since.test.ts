/**
 * A new client that resumes from a cursor saved before (a process restart, a page reload: tEM
 * F4). The client has no option for it (the browser bundle has no bytes left below its size
 * bound, test/client/size.test.ts); README gives the way: the spec's `?since=<cursor>` in `url`
 * AND in `pollUrl` (the socket URL's query is not carried over to polls, so `?since=` in `url`
 * alone started a polling client `new`, what was published meanwhile lost untold). These hold
 * what README says of it, over the socket and over polling.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GapEvent, RealtimeClient } from '../../src/client/index.js';
import { MemoryStreamStore } from '../../src/server/index.js';
import { closeClients, nodeClient, until } from './support/helpers.js';
import { harness, sign, stopHarnesses, type Harness } from './support/reference.js';

afterEach(async () => {
  closeClients();
  await stopHarnesses();
});

/** A client's trade ids, `connection` resumes and gaps as they come. */
function record(client: RealtimeClient): { ids: string[]; resumes: (string | undefined)[]; gaps: GapEvent[] } {
  const seen = { ids: [] as string[], resumes: [] as (string | undefined)[], gaps: [] as GapEvent[] };
  client.on('trades', (data) => void seen.ids.push(data.id));
  client.on('connection', (data) => void (data.status === 'connected' && seen.resumes.push(data.resume)));
  client.on('gap', (gap) => void seen.gaps.push(gap));
  return seen;
}

/** Runs a first client until it has `t1`, and gives the cursor it would save. */
async function savedCursor(h: Harness, token: string): Promise<string> {
  const first = nodeClient(h.url);
  const seen = record(first);
  first.connect(token);
  await until(() => first.getStatus().mode === 'ws', 'the first client connected');
  await h.trades(1, 1);
  await until(() => seen.ids.length === 1, 'the first client got t1');
  const cursor = first.getStatus().cursor;
  first.disconnect();
  expect(cursor).toEqual(expect.any(String));
  return cursor!;
}

/** README's way: `?since=` in both URLs. */
const resuming = (h: Harness, since: string, refuseUpgrades: boolean) => {
  h.refuseUpgrades = refuseUpgrades;
  return nodeClient(`${h.url}?since=${since}`, { pollUrl: `http://127.0.0.1:${h.port}/api/ws/poll?since=${since}`, fallbackAfter: 0 });
};

describe('a new client given a saved cursor as ?since= in url and pollUrl (README "Reconnection")', () => {
  it('resumes from it over the socket and over polling, getting what was published meanwhile', async () => {
    const token = await sign('alice');
    for (const refuse of [false, true]) {
      const h = await harness();
      const since = await savedCursor(h, token);
      await h.trades(2, 2);
      const client = resuming(h, since, refuse);
      const seen = record(client);
      client.connect(token);
      await until(() => seen.ids.length === 2, 't2 and t3');
      expect(seen, `refuseUpgrades ${refuse}`).toEqual({ ids: ['t2', 't3'], resumes: ['resumed'], gaps: [] });
      expect(client.getStatus().mode).toBe(refuse ? 'polling' : 'ws');
      // Its own cursor replaces the URL's from the first message on.
      await h.trades(4, 1);
      await until(() => seen.ids.length === 3, 't4');
      client.disconnect();
      client.connect(token);
      await h.trades(5, 1);
      await until(() => seen.ids.length === 4, 't5');
      expect(seen.ids, `refuseUpgrades ${refuse}`).toEqual(['t2', 't3', 't4', 't5']);
      client.disconnect();
    }
  });

  it("tells a cursor the server no longer holds as the connection's resume \"gap\" (a gap event over the socket only)", async () => {
    const h = await harness({ store: new MemoryStreamStore({ maxEntriesPerStream: 2 }) });
    const token = await sign('alice');
    const since = await savedCursor(h, token);
    await h.trades(2, 4);
    for (const refuse of [false, true]) {
      const client = resuming(h, since, refuse);
      const seen = record(client);
      client.connect(token);
      await until(() => seen.ids.length === 2, 'the last two trades');
      expect(seen.ids, `refuseUpgrades ${refuse}`).toEqual(['t4', 't5']);
      expect(seen.resumes, `refuseUpgrades ${refuse}`).toEqual(['gap']);
      expect(seen.gaps.length, `refuseUpgrades ${refuse}`).toBe(refuse ? 0 : 1);
      client.disconnect();
    }
  });

  it('asks from the URL\'s cursor again after disconnect({ forgetCursor: true }): a new client is the way to another user', async () => {
    const h = await harness();
    const token = await sign('alice');
    const since = await savedCursor(h, token);
    await h.trades(2, 1);
    const client = resuming(h, since, false);
    const seen = record(client);
    client.connect(token);
    await until(() => seen.ids.length === 1, 't2');
    client.disconnect({ forgetCursor: true });
    client.connect(token);
    await until(() => seen.ids.length === 2, 't2 again');
    expect(seen).toMatchObject({ ids: ['t2', 't2'], resumes: ['resumed', 'resumed'] });
  });
});
