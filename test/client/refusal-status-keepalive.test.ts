/**
 * Three things a dashboard sees over time, on real servers on 127.0.0.1 (the reference server,
 * the stand-in, a hand-written http server; ports from `RC_TEST_PORTS=<first>-<last>` when set,
 * else the kernel's): a provider that keeps giving a refused token is told once, `unauthorized`
 * throughout; `lastHttpStatus` while upgrades and polls fail differently; a burst of server
 * pings answered once, not once each (twice the server's inbound rate: closed 4429); a ping
 * still answered after the wall clock was set back (the gap before the answer was an hour).
 * Each failed before its fix.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, connect, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createRealtimeClient } from '../../src/client/client.js';
import type { RealtimeClient, RealtimeStatus } from '../../src/client/index.js';
import { FakeServer } from './support/fake-server.js';
import { closeClients, nodeClient, sleep, until } from './support/helpers.js';
import { Harness, sign } from './support/reference.js';
import { portCounter } from '../support/ports.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  closeClients();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The next port of this worker's part of `RC_TEST_PORTS` (`<first>-<last>`), or 0 (the kernel picks one). */
const port = portCounter();

async function listening<T extends Server | NetServer>(server: T): Promise<T> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port(), '127.0.0.1', resolve);
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

async function reference(options: Parameters<Harness['start']>[0] = {}): Promise<Harness> {
  const h = new Harness();
  h.port = port();
  await h.start(options);
  cleanups.push(() => h.stop().catch(() => undefined));
  return h;
}

describe('a provider that keeps giving the token the server refused', () => {
  it('is told once, `unauthorized` throughout while it is asked again, until it gives another token (each ask told `{ status: "error" }` again and read `connecting`)', async () => {
    const h = await reference();
    const client = nodeClient(h.url, { backoff: { baseMs: 50, maxMs: 100, stableMs: 500 } });
    const connections: unknown[] = [];
    const states: string[] = [];
    const faults: string[] = [];
    client.on('connection', (data) => void connections.push(data));
    client.on('status', (st) => void states.push(st.state));
    client.on('error', (data) => void faults.push(data.code));
    let give: () => string | Promise<string> = () => 'not-a-jwt';
    let asked = 0;
    client.connect(() => {
      asked++;
      return give();
    });
    await until(() => client.getStatus().state === 'unauthorized', 'the unauthorized state');
    const from = states.indexOf('unauthorized');
    await until(() => asked >= 6, 'the provider asked again, five times');
    expect(connections).toEqual([{ status: 'error', mode: 'ws' }]);
    expect(states.slice(from)).toEqual(states.slice(from).map(() => 'unauthorized'));
    expect(client.getStatus()).toMatchObject({ state: 'unauthorized', mode: 'offline', lastHttpStatus: 401 });
    expect(h.upgrades).toHaveLength(1);
    expect(faults).toEqual([]);

    // A provider that fails meanwhile is a failed attempt, retried, as any (not stopped for good).
    let threw = false;
    const good = await sign('alice');
    give = () => {
      if (threw) return good;
      threw = true;
      throw new Error('token service down');
    };
    await until(() => client.getStatus().mode === 'ws', 'the socket, with the fresh token');
    expect(faults).toEqual(['CLIENT_TOKEN_ERROR']);
    expect(states.slice(states.lastIndexOf('unauthorized') + 1)[0]).toBe('connecting');
    // (Connected by a poll first or not: the failure counts as an attempt, and the attempts made
    // while unauthorized reached fallbackAfter.)
    expect(connections.filter((c) => (c as { status: string }).status === 'error')).toHaveLength(1);
    expect(connections.at(-1)).toMatchObject({ status: 'connected', mode: 'ws' });

    // Refused again later (a new run of refusals): told again, once.
    give = () => 'not-a-jwt';
    client.disconnect();
    client.connect(() => give());
    await until(() => client.getStatus().state === 'unauthorized', 'unauthorized again');
    await sleep(400);
    expect(connections.filter((c) => (c as { status: string }).status === 'error')).toHaveLength(2);
  });
});

describe('lastHttpStatus while the upgrades and the polls fail with different statuses', () => {
  it('is the polls\' while polling (what a browser shows: it never sees an upgrade\'s), not the two by turns', async () => {
    const http = createServer((_req, res) => res.writeHead(500).end());
    // The client may reset a refused upgrade's socket as it reads the answer: no uncaught ECONNRESET.
    http.on('upgrade', (_req, socket: Socket) => socket.on('error', () => undefined).end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'));
    await listening(http);
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`;
    const client = nodeClient(url, { fallbackAfter: 2, backoff: { baseMs: 30, maxMs: 60 } });
    const shown: (number | null)[] = [];
    client.on('status', (st) => void (shown.at(-1) !== st.lastHttpStatus && shown.push(st.lastHttpStatus)));
    let probesWhilePolling = 0;
    client.on('status', (st) => void (st.state === 'polling' && st.nextAttemptAt === null && probesWhilePolling++));
    client.connect('tok');
    await until(() => probesWhilePolling >= 6, 'six probes while polling', 15_000);
    // The two attempts before polling say the upgrade's; from the first poll on, the polls'.
    expect(shown).toEqual([null, 503, 500]);
  });

  it('a probe\'s 401 (a refused token) is what `unauthorized` shows when the provider gives it again, not a poll\'s 500 that came after it', async () => {
    // Polls are held until the third upgrade, the 401, is answered; then they fail, 500.
    let upgrades = 0;
    const held: ServerResponse[] = [];
    const http = createServer((_req, res) => void held.push(res));
    http.on('upgrade', (_req, socket: Socket) => {
      socket.on('error', () => undefined);
      const refused = ++upgrades >= 3;
      socket.end(`HTTP/1.1 ${refused ? '401 Unauthorized' : '503 Service Unavailable'}\r\nContent-Length: 0\r\n\r\n`);
      if (refused) setTimeout(() => held.splice(0).forEach((res) => res.writeHead(500).end()), 20);
    });
    await listening(http);
    cleanups.unshift(() => held.splice(0).forEach((res) => res.destroy()));
    // Jitter off: the provider is asked again 200 ms after the probe, after the poll's 500.
    const client = nodeClient(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`, { fallbackAfter: 2, backoff: { baseMs: 200, maxMs: 200, jitter: false } });
    client.connect(() => 'stale');
    await until(() => client.getStatus().state === 'unauthorized', 'unauthorized', 15_000);
    expect(upgrades).toBe(3);
    expect(client.getStatus().lastHttpStatus).toBe(401);
  });
});

describe('a burst of server pings', () => {
  it('is answered once, the latest, with one pong and one ping (fifty pings were fifty pongs and fifty pings)', async () => {
    const s = await new FakeServer({ port: port(), pingIntervalMs: 60_000 }).start();
    cleanups.push(() => s.stop());
    const client = nodeClient(s.url);
    client.connect('good');
    await until(() => client.getStatus().mode === 'ws' && s.received.length >= 1, 'the socket and its first ping');
    await sleep(300);
    s.received.length = 0;
    s.receivedAt.length = 0;
    for (let n = 1; n <= 50; n++) s.sendRaw(JSON.stringify({ type: 'ping', timestamp: n }));
    await until(() => s.received.length >= 2, 'the answer');
    await sleep(600);
    // The fifty frames may reach the client over more than one read (a loaded machine): the
    // first read's latest ping is answered at once, the rest 250 ms later, to the latest one.
    // Either way: at most one answer (a pong and a ping) per 250 ms, and the last pong is 50's.
    const pongs = s.received.flatMap((m, i) => ((m as { type: string }).type === 'pong' ? [{ m, at: s.receivedAt[i]! }] : []));
    const pings = s.received.filter((m) => (m as { type: string }).type === 'ping');
    expect(pongs.length).toBeGreaterThanOrEqual(1);
    expect(pongs.length).toBeLessThanOrEqual(2);
    expect(pings.length).toBe(pongs.length);
    expect(pongs.at(-1)!.m).toEqual({ type: 'pong', timestamp: 50 });
    if (pongs.length === 2) expect(pongs[1]!.at - pongs[0]!.at).toBeGreaterThanOrEqual(240);
    // The next ping, past the 250 ms gap, is answered at once again.
    s.received.length = 0;
    // "At once" is less than the 250 ms throttle past the time this process was stalled meanwhile (the fake server and the
    // client share it): a loaded machine stalled it past the 200 ms the answer was given on the wall clock (tGL F6), and
    // twice in one answer, the longest stall alone not all of it (tGZ F10). A gap of the 1 ms monitor past 20 ms is stalled.
    let stall = 0;
    let tick = performance.now();
    const monitor = setInterval(() => {
      const gap = performance.now() - tick;
      if (gap > 20) stall += gap;
      tick = performance.now();
    }, 1);
    const sentAt = performance.now();
    s.sendRaw(JSON.stringify({ type: 'ping', timestamp: 51 }));
    await until(() => s.received.length >= 1, 'the answer to a lone ping', 10_000).finally(() => clearInterval(monitor));
    const took = performance.now() - sentAt;
    expect(s.received[0]).toEqual({ type: 'pong', timestamp: 51 });
    expect(took - stall).toBeLessThan(200);
  });

  it('that a network stall held back leaves the reference server\'s socket open: its answers are not closed 4429 by the inbound rate (20 a second, burst 40)', async () => {
    const h = await reference({ pingIntervalMs: 25, pongTimeoutMs: 10_000 });
    // A TCP proxy whose server-to-client direction stalls on demand, as a network does: the
    // server's pings wait in the buffers, then come at once.
    let stalled = false;
    const held: Socket[] = [];
    const proxy = await listening(
      createNetServer((down) => {
        const up = connect(h.port, '127.0.0.1');
        down.pipe(up);
        up.on('data', (chunk) => {
          down.write(chunk);
          if (stalled) {
            up.pause();
            held.push(up);
          }
        });
        for (const end of [up, down]) end.on('error', () => undefined).on('close', () => (up.destroy(), down.destroy()));
        cleanups.push(() => (up.destroy(), down.destroy()));
      }),
    );
    const client: RealtimeClient = createRealtimeClient({ url: `ws://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/ws`, WebSocket, polling: false, backoff: { baseMs: 50, maxMs: 100 } });
    cleanups.unshift(() => client.disconnect());
    const rateLimited: string[] = [];
    client.on('error', (data) => void (data.code === 'RATE_LIMITED' && rateLimited.push(data.code)));
    const closes: RealtimeStatus['lastClose'][] = [];
    client.on('status', (st) => void (st.lastClose && closes.push(st.lastClose)));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    stalled = true;
    await until(() => held.length > 0, 'the stall');
    // 2 s of pings every 25 ms: about 80 held back.
    await sleep(2000);
    stalled = false;
    for (const up of held.splice(0)) up.resume();
    await sleep(1500);
    expect(closes).toEqual([]);
    expect(client.getStatus()).toMatchObject({ mode: 'ws', state: 'open' });
    expect(h.upgrades).toHaveLength(1);
    expect(rateLimited).toEqual([]);
  });
  it('is still answered when the wall clock is set back an hour between two pings (the gap before the answer was read from the wall clock: an hour, no pong, closed 4408 again and again)', async () => {
    const s = await new FakeServer({ port: port(), pingIntervalMs: 60_000 }).start();
    cleanups.push(() => s.stop());
    const client = nodeClient(s.url);
    client.connect('good');
    await until(() => client.getStatus().mode === 'ws' && s.received.length >= 1, 'the socket and its first ping');
    s.sendRaw(JSON.stringify({ type: 'ping', timestamp: 1 }));
    await until(() => s.received.some((m) => (m as { type: string }).type === 'pong'), 'the answer to the first ping');
    s.received.length = 0;
    // The clock is set back (an NTP step, a user's hand): Date.now() reads an hour earlier.
    const now = Date.now.bind(Date);
    const back = vi.spyOn(Date, 'now').mockImplementation(() => now() - 3_600_000);
    cleanups.push(() => back.mockRestore());
    s.sendRaw(JSON.stringify({ type: 'ping', timestamp: 2 }));
    await until(() => s.received.some((m) => (m as { type: string }).type === 'pong'), 'the answer to a ping after the clock went back', 5_000);
    expect(s.received.find((m) => (m as { type: string }).type === 'pong')).toEqual({ type: 'pong', timestamp: 2 });
  });
});
