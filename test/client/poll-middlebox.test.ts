/**
 * The polling fallback behind HTTP middleboxes (tAQ): a proxy that drops a poll's
 * `Authorization` header (F2).
 * Each middlebox is a `fetch` given to the client that does what the proxy did, in front of the
 * reference server on 127.0.0.1. Every wait is bounded; every server and client is stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/client/index.js';
import { closeClients, nodeClient, until } from './support/helpers.js';
import { harness, sign, stopHarnesses } from './support/reference.js';

afterEach(async () => {
  closeClients();
  await stopHarnesses();
});

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
});
