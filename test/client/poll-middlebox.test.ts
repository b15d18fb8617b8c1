/**
 * The polling fallback behind HTTP middleboxes (tAQ): a proxy that drops a poll's
 * `Authorization` header (F2), and a cache that answers the same page whatever the cursor (F1).
 * Each middlebox is a `fetch` given to the client that does what the proxy did, in front of the
 * reference server on 127.0.0.1. Every wait is bounded; every server and client is stopped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike, GapEvent, InvalidEvent } from '../../src/client/index.js';
import { closeClients, nodeClient, until } from './support/helpers.js';
import { harness, sign, stopHarnesses } from './support/reference.js';

const servers: Server[] = [];
afterEach(async () => {
  closeClients();
  await stopHarnesses();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A server of its own on 127.0.0.1 that refuses every upgrade (404) and answers each poll with `answer`: the client's url for it. */
async function pollServer(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(answer);
  servers.push(server);
  server.on('upgrade', (_request, socket) => {
    // The client resets such a socket as it reads the answer: an unheard ECONNRESET would end the run.
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`;
}

/** A proxy that drops `Authorization` from plain requests (an API gateway, a corporate proxy), and with `query` the `?token=` too. */
function stripping(polls: string[], query = false): FetchLike {
  return (url, init) => {
    polls.push(url);
    const u = new URL(url);
    if (query) u.searchParams.delete('token');
    const { authorization: _, ...headers } = init.headers;
    return fetch(u, { ...init, headers });
  };
}

/** A cache keyed on the path alone that ignores `Cache-Control: no-store` (a CDN set to "cache everything, ignore query string"): once `on`, the first 200 it sees is every later answer. */
function pathCache(): { fetch: FetchLike; on: boolean; hits: number; clear(): void } {
  let page: string | undefined;
  const cache = {
    on: false,
    hits: 0,
    clear() {
      page = undefined;
      cache.on = false;
    },
    fetch: (async (url, init) => {
      if (page !== undefined) {
        cache.hits++;
        return new Response(page, { status: 200, headers: { 'content-type': 'application/json' } });
      }
      const response = await fetch(url, init);
      if (!cache.on || response.status !== 200) return response;
      const text = await response.text();
      page = text;
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as FetchLike,
  };
  return cache;
}


/** What `client` delivers, from now: each trade's id, each invalid answer, each gap. */
function watched(client: ReturnType<typeof nodeClient>): { seen: string[]; invalid: InvalidEvent[]; gaps: GapEvent[] } {
  const seen: string[] = [];
  const invalid: InvalidEvent[] = [];
  const gaps: GapEvent[] = [];
  client.on('trades', (t) => seen.push(t.id));
  client.on('invalid', (e) => invalid.push(e));
  client.on('gap', (g) => gaps.push(g));
  return { seen, invalid, gaps };
}
describe('polling behind middleboxes', () => {
  it('a poll answered 401 `no-token` though it sent its token (a proxy dropped Authorization) is no refusal of it: sent again with ?token=, it delivers (tAQ F2: `unauthorized` for good, the dashboard asking for another token)', async () => {
    const h = await harness({ pollHoldMs: 1000 });
    h.refuseUpgrades = true;
    const polls: string[] = [];
    const client = nodeClient(h.url, { fetch: stripping(polls) });
    const seen: string[] = [];
    const states = new Set<string>();
    client.on('trades', (t) => seen.push(t.id));
    client.on('status', (s) => states.add(s.state));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'polling' || client.getStatus().state === 'unauthorized', 'polling, or the refusal');
    expect(client.getStatus().state).toBe('polling');
    await h.trades(1, 3);
    await until(() => seen.length === 3, 'three trades by polling');
    expect(seen).toEqual(['t1', 't2', 't3']);
    expect(states.has('unauthorized')).toBe(false);
    expect(new URL(polls[0]!).searchParams.has('token')).toBe(false);
    expect(new URL(polls.at(-1)!).searchParams.has('token')).toBe(true);
  });

  it('a poll answered 401 `no-token` with its token in the query too is a failed poll: retried with backoff, probes going on, never `unauthorized`; the socket takes over when upgrades pass', async () => {
    const h = await harness({ pollHoldMs: 1000 });
    h.refuseUpgrades = true;
    const polls: string[] = [];
    const client = nodeClient(h.url, { fetch: stripping(polls, true) });
    const states = new Set<string>();
    client.on('status', (s) => states.add(s.state));
    client.connect(await sign('alice'));
    await until(() => polls.length >= 4 || client.getStatus().state === 'unauthorized', 'four polls, or the refusal');
    const status = client.getStatus();
    expect(status).toMatchObject({ state: 'polling', mode: 'offline', connected: false, lastHttpStatus: 401 });
    // The socket is probed meanwhile.
    const probes = h.upgrades.length;
    await until(() => h.upgrades.length > probes, 'another socket probe');
    h.refuseUpgrades = false;
    await until(() => client.getStatus().mode === 'ws', 'the socket with the same token');
    expect(states.has('unauthorized')).toBe(false);
  });

  it('a cache that answers the same page whatever the cursor: after a few such answers polling is failing (offline, an `invalid` event says why), and it delivers again once the cache is gone (tAQ F1: `connected`, `polling` for good, the cursor frozen)', async () => {
    const h = await harness({ pollHoldMs: 1000 });
    h.refuseUpgrades = true;
    const cache = pathCache();
    const client = nodeClient(h.url, { fetch: cache.fetch });
    const seen: string[] = [];
    const invalid: InvalidEvent[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.on('invalid', (e) => invalid.push(e));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'polling', 'polling');
    await h.trades(1, 3);
    await until(() => seen.length === 3, 'three trades');
    cache.on = true;
    await h.trades(4, 3);
    await until(() => seen.length >= 4, 'the cached page');
    await h.trades(7, 3);
    await until(() => cache.hits >= 8 || client.getStatus().mode === 'offline', 'offline, or eight answers from the cache');
    expect(client.getStatus()).toMatchObject({ mode: 'offline', connected: false, state: 'polling' });
    expect(seen).not.toContain('t7');
    expect(invalid[0]?.errors[0].message).toMatch(/same page/);
    cache.clear();
    await until(() => seen.length === 9 && client.getStatus().mode === 'polling', 'every trade, polling again');
    expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9']);
  });

  it('a cache that answers the first page (`new`) to every poll tells one gap, not one per poll (tAQ F1: a gap with the same since and cursor each second)', async () => {
    const h = await harness({ pollHoldMs: 1000 });
    h.refuseUpgrades = true;
    const cache = pathCache();
    cache.on = true;
    const client = nodeClient(h.url, { fetch: cache.fetch });
    const gaps: GapEvent[] = [];
    client.on('gap', (g) => gaps.push(g));
    client.connect(await sign('alice'));
    await until(() => cache.hits >= 5, 'five answers from the cache');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.since).toBe(gaps[0]!.cursor);
    await until(() => client.getStatus().mode === 'offline', 'polling failing');
  });

  it("a cached page behind the cursor asked (the client moved past it since), repeats only, is the same page again: after a few such answers polling is failing, and a server's `gap` from past its head is no such page (tFI F2: `connected`, `polling` for good, nothing delivered, duplicates climbing)", async () => {
    const trade = (n: number) => ({ type: 'trades', data: { id: `t${n}`, bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z', cursor: `e1.${n}` });
    // The page a cache stored (t1-t3 from e1.0); t4-t6 move the client past it (the socket did in tFI's run),
    // then the cache answers its page whatever the cursor. With `gapFirst`, the server answers the ask from
    // e1.6 once with a `gap` from past its head (e1.2: a restart that took positions back), then t7-t9 from e1.2.
    const cached = { cursor: 'e1.3', resume: 'resumed', messages: [1, 2, 3].map(trade) };
    for (const gapFirst of [false, true]) {
      let polls = 0;
      const url = await pollServer((request, response) => {
        polls++;
        const since = new URL(request.url!, 'http://x').searchParams.get('since');
        const body =
          since === null ? { cursor: 'e1.0', resume: 'new', messages: [] }
          : since === 'e1.0' ? cached
          : since === 'e1.3' ? { cursor: 'e1.6', resume: 'resumed', messages: [4, 5, 6].map(trade) }
          : gapFirst && since === 'e1.6' ? { cursor: 'e1.2', resume: 'gap', messages: [] }
          : gapFirst && since === 'e1.2' ? { cursor: 'e1.9', resume: 'resumed', messages: [7, 8, 9].map(trade) }
          : gapFirst ? { cursor: since, resume: 'resumed', messages: [] }
          : cached;
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), since === null ? 0 : 50);
      });
      const client = nodeClient(url);
      const { seen, invalid, gaps } = watched(client);
      client.connect('a.b.c');
      if (gapFirst) {
        await until(() => seen.length === 9, 'nine trades');
        await until(() => polls >= 10, 'ten polls');
        expect(client.getStatus()).toMatchObject({ mode: 'polling', connected: true, cursor: 'e1.9' });
        expect(invalid).toEqual([]);
        expect(gaps).toEqual([{ since: 'e1.6', cursor: 'e1.2', mode: 'polling' }]);
        expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9']);
      } else {
        await until(() => polls >= 12 || invalid.length > 0, 'an invalid answer, or twelve polls');
        expect(client.getStatus()).toMatchObject({ mode: 'offline', connected: false, state: 'polling', cursor: 'e1.6' });
        expect(invalid[0]?.errors[0]).toMatchObject({ pointer: '/cursor', keyword: 'stale', message: expect.stringMatching(/same page/) });
        expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
        expect(gaps).toEqual([]);
      }
      client.disconnect();
    }
  });

  it("a server's opaque cursors that look like `<epoch>.<n>` and change it within a stream (a log's segments: seg7.4094, then seg8.0), `resumed`, are a working poll: delivered, never stale (tGC F1, F2: a rule that took a `resumed` page of another epoch than the one asked for a cache's failed every such poll for good)", async () => {
    const trade = (id: string, cursor: string) => ({ type: 'trades', data: { id, bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z', cursor });
    // seg7.4093, seg7.4094, the store's next segment seg8.0, seg8.1, then an opaque cursor of no such form (F2): pages of 3.
    const log: [string, string][] = [['t1', 'seg7.4093'], ['t2', 'seg7.4094'], ['t3', 'seg8.0'], ['t4', 'seg8.1'], ['t5', 'AbCd_0005']];
    const url = await pollServer((request, response) => {
      const since = new URL(request.url!, 'http://x').searchParams.get('since');
      const from = since === null ? -1 : since === 'seg7.4092' ? 0 : log.findIndex(([, cursor]) => cursor === since) + 1;
      const page = from < 0 ? [] : log.slice(from, from + 3);
      const body = from < 0 ? { cursor: 'seg7.4092', resume: 'new', messages: [] } : { cursor: page.at(-1)?.[1] ?? since, resume: 'resumed', messages: page.map(([id, cursor]) => trade(id, cursor)) };
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), page.length ? 0 : 200);
    });
    const client = nodeClient(url);
    const { seen, invalid, gaps } = watched(client);
    client.connect('a.b.c');
    await until(() => seen.length >= 5 || invalid.length > 0, 'five trades (or an invalid answer)');
    expect(invalid).toEqual([]);
    expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5']);
    expect(gaps).toEqual([]);
    expect(client.getStatus()).toMatchObject({ mode: 'polling', connected: true, cursor: 'AbCd_0005' });
  });

  it("README's stated limit: a query-ignoring cache's `resumed` page of the stream's previous epoch, after a restart told as a gap, is taken: its messages delivered again, the cursor taken back, and the server's gap from there delivers the new epoch again (tFS F2; rules that refused such pages refused correct servers for good: tGC F1, tGE F2)", async () => {
    const trade = (n: number, epoch: string) => ({ type: 'trades', data: { id: `t${n}`, bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z', cursor: `${epoch}.${epoch === 'e1' ? n : n - 3}` });
    // t1-t3 in e1 (the page a cache stored), the server restarted (e2: an ask in e1 is a `gap` to e2.0), t4-t6 in e2; the
    // cache answers its e1 page once to the ask from e2.3; later asks from e2.3 are quiet.
    const cached = { cursor: 'e1.3', resume: 'resumed', messages: [1, 2, 3].map((n) => trade(n, 'e1')) };
    let fromCache = 1;
    const url = await pollServer((request, response) => {
      const since = new URL(request.url!, 'http://x').searchParams.get('since');
      const body =
        since === null ? { cursor: 'e1.0', resume: 'new', messages: [] }
        : since === 'e1.0' ? cached
        : since.startsWith('e1.') ? { cursor: 'e2.0', resume: 'gap', messages: [] }
        : since === 'e2.0' ? { cursor: 'e2.3', resume: 'resumed', messages: [4, 5, 6].map((n) => trade(n, 'e2')) }
        : since === 'e2.3' && fromCache-- > 0 ? cached
        : { cursor: since, resume: 'resumed', messages: [] };
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), body.messages.length ? 0 : 100);
    });
    const client = nodeClient(url);
    const seen: string[] = [];
    const gaps: GapEvent[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.on('gap', (g) => gaps.push(g));
    client.connect('a.b.c');
    await until(() => seen.length >= 12, 'the cached page and the new epoch delivered again');
    expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(gaps).toEqual([{ since: 'e1.3', cursor: 'e2.0', mode: 'polling' }, { since: 'e1.3', cursor: 'e2.0', mode: 'polling' }]);
  });

  it("README's stated limit: such a cache's `new` page (the first poll's) or earlier `gap` page, served once when the client is past its cursor in the same epoch, no restart, is taken as the stream starting over there: a gap told back to its cursor, and the server's replay from there delivered again, the page's own messages too (tGG F3)", async () => {
    const trade = (n: number) => ({ type: 'trades', data: { id: `a${n}`, bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z', cursor: `e1.${n}` });
    // One server, one epoch: a1-a4 at e1.1-e1.4. The first poll is answered `new` at e1.0; with `gapFirst` the store has let
    // a1 go, and the ask from e1.0 is a real `gap` to e1.2 with a2. The 4th poll (the client at e1.3) is the cache's: the page
    // it kept (the first, `new`; with `gapFirst`, the `gap` page), whatever the cursor; the server answers the others from
    // their `since` (a quiet ask from e1.4 is held a little).
    for (const gapFirst of [false, true]) {
      const kept = gapFirst ? { cursor: 'e1.2', resume: 'gap', messages: [trade(2)] } : { cursor: 'e1.0', resume: 'new', messages: [] };
      let polls = 0;
      const url = await pollServer((request, response) => {
        const since = new URL(request.url!, 'http://x').searchParams.get('since');
        const n = ++polls;
        // What the store holds after `since` (a page of 2 for poll 2 and of 1 for poll 3: the client is at e1.3 after them).
        const after = [1, 2, 3, 4].filter((k) => k > Number(since?.slice(3)) && !(gapFirst && k === 1)).slice(0, n === 2 ? 2 : n === 3 ? 1 : 4);
        const body =
          n === 1 ? { cursor: 'e1.0', resume: 'new', messages: [] }
          : (n === 2 && gapFirst) || n === 4 ? kept
          : { cursor: after.length ? `e1.${after.at(-1)}` : since, resume: 'resumed', messages: after.map(trade) };
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), body.messages.length || n < 4 ? 0 : 200);
      });
      const client = nodeClient(url);
      const events: string[] = [];
      client.on('trades', (t) => void events.push(t.id));
      client.on('gap', (g) => void events.push(`gap ${g.since}→${g.cursor}`));
      client.connect('a.b.c');
      await until(() => events.includes('a4'), 'a4');
      // The page carries no `since`: the client cannot tell it from a server's `gap` behind its cursor (a restart that took
      // positions back), whose messages are new ones. If this fails, the client handles it now: update README's words.
      expect(events).toEqual(gapFirst
        ? ['gap e1.0→e1.2', 'a2', 'a3', 'gap e1.3→e1.2', 'a2', 'a3', 'a4']
        : ['a1', 'a2', 'a3', 'gap e1.3→e1.0', 'a1', 'a2', 'a3', 'a4']);
      expect(client.getStatus()).toMatchObject({ cursor: 'e1.4', duplicates: 0 });
      client.disconnect();
    }
  });

  it("README's stated limit: such a cache's `new` page of the stream's previous epoch (the first poll's), after a restart told as a gap, is taken as the stream starting over there: gaps told, and the new epoch delivered again (tGG F3)", async () => {
    const trade = (id: string, cursor: string) => ({ type: 'trades', data: { id, bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z', cursor });
    // a1, a2 in e1; the server restarted (e2: an ask in e1 is a `gap` to e2.0 with what e2 holds), b1, b2 in e2. The 4th poll
    // (the client at e2.1) is the cache's: the first poll's page, `new` at e1.0.
    const first = { cursor: 'e1.0', resume: 'new', messages: [] };
    const b = [trade('b1', 'e2.1'), trade('b2', 'e2.2')];
    let polls = 0;
    const url = await pollServer((request, response) => {
      const since = new URL(request.url!, 'http://x').searchParams.get('since');
      const n = ++polls;
      const body =
        n === 1 || n === 4 ? first
        : since === 'e1.0' && n === 2 ? { cursor: 'e1.2', resume: 'resumed', messages: [trade('a1', 'e1.1'), trade('a2', 'e1.2')] }
        : since!.startsWith('e1.') ? { cursor: 'e2.1', resume: 'gap', messages: b.slice(0, 1) }
        : since === 'e2.1' ? { cursor: 'e2.2', resume: 'resumed', messages: b.slice(1) }
        : { cursor: since, resume: 'resumed', messages: [] };
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), body.messages.length || n < 6 ? 0 : 200);
    });
    const client = nodeClient(url);
    const events: string[] = [];
    client.on('trades', (t) => void events.push(t.id));
    client.on('gap', (g) => void events.push(`gap ${g.since}→${g.cursor}`));
    client.connect('a.b.c');
    await until(() => events.filter((e) => e === 'b2').length > 0 && polls >= 7, 'b2, and seven polls');
    expect(events).toEqual(['a1', 'a2', 'gap e1.2→e2.1', 'b1', 'gap e2.1→e1.0', 'gap e1.0→e2.1', 'b1', 'b2']);
    expect(client.getStatus()).toMatchObject({ cursor: 'e2.2', duplicates: 0 });
  });

  it("the same page is `stale` the third time, as README says: not the second, not the fourth (tFX F10: the cache tests waited 'after a few such answers')", async () => {
    // The first poll moves the client to e1.0; every ask from e1.0 is answered that same page, `new` from nothing to nothing.
    let repeats = 0;
    const url = await pollServer((request, response) => {
      const since = new URL(request.url!, 'http://x').searchParams.get('since');
      if (since !== null) repeats++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: 'e1.0', resume: 'new', messages: [] }));
    });
    const client = nodeClient(url);
    // The repeats answered when the first `invalid` is told (it is told as the answer is read, before the next poll).
    let answered: number | undefined;
    const invalid: InvalidEvent[] = [];
    client.on('invalid', (e) => {
      invalid.push(e);
      answered ??= repeats;
    });
    client.connect('a.b.c');
    await until(() => invalid.length > 0, 'the stale answer');
    expect(invalid[0]?.errors[0]).toMatchObject({ pointer: '/cursor', keyword: 'stale' });
    expect(answered).toBe(3);
  });

  it('a quiet stream whose answers carry no `resume`, or one not listed, stays a working poll: the same cursor, empty, is no cached page (tAX F2: offline from the third)', async () => {
    for (const resume of [undefined, 'continued']) {
      let polls = 0;
      const url = await pollServer((request, response) => {
        polls++;
        const since = new URL(request.url!, 'http://x').searchParams.get('since');
        const body = since === null ? { cursor: 'e1.5', resume: 'new', messages: [] } : { cursor: since, ...(resume ? { resume } : {}), messages: [] };
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), since === null ? 0 : 100);
      });
      const client = nodeClient(url);
      const invalid: InvalidEvent[] = [];
      client.on('invalid', (e) => invalid.push(e));
      client.connect('a.b.c');
      await until(() => polls >= 6, 'six polls');
      expect([resume, client.getStatus()]).toMatchObject([resume, { mode: 'polling', connected: true }]);
      expect(invalid).toEqual([]);
      client.disconnect();
    }
  });

  it('messages without cursors at an unchanged poll cursor are delivered, every one: they are no repeats (tAX F3: dropped from the third poll, untold)', async () => {
    let next = 1;
    const url = await pollServer((request, response) => {
      const since = new URL(request.url!, 'http://x').searchParams.get('since');
      const messages = since === null || next > 6 ? [] : [{ type: 'trades', data: { id: `t${next++}`, bot_id: 'b', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 1, price: 1, total: 1, fee: 0, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z' }];
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: 'e1.5', resume: since === null ? 'new' : 'resumed', messages })), since === null ? 0 : 50);
    });
    const client = nodeClient(url);
    const seen: string[] = [];
    client.on('trades', (t) => seen.push(t.id));
    client.connect('a.b.c');
    await until(() => seen.length === 6, 'six trades');
    expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
  });

  it("a 401 whose body is not UTF-8 (a gateway's Latin-1 page) refuses the token: unauthorized, as before (tAX F1: polled with it for good)", async () => {
    const page = Buffer.from('<html><body>Zugriff verweigert: ung\xfcltiges Token</body></html>', 'latin1');
    let polls = 0;
    const url = await pollServer((_request, response) => {
      polls++;
      response.writeHead(401, { 'content-type': 'text/html; charset=iso-8859-1', 'content-length': page.length }).end(page);
    });
    const client = nodeClient(url);
    client.connect('a.fixed.token');
    await until(() => client.getStatus().state === 'unauthorized', 'unauthorized');
    expect(client.getStatus()).toMatchObject({ lastHttpStatus: 401, nextAttemptAt: null });
    const after = polls;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(polls).toBe(after);
  });
});
