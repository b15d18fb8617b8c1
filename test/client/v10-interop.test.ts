/**
 * The client against servers of the spec itself (protocol v1.0: no cursors, no resume, ping
 * server → client only) and against a v1.1 server that answers a resume wrongly, on real
 * sockets (http + ws on 127.0.0.1, an ephemeral port). Found by a tester that wrote its own
 * backend from the spec (tAE: F1 to F4); each failed before its fix.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createRealtimeClient } from '../../src/client/client.js';
import type { GapEvent, RealtimeClient } from '../../src/client/index.js';
import { browserWindow, example, until } from './support/helpers.js';

const TS = '2026-01-14T16:30:00.000Z';
const trade = (n: number, cursor?: string) => JSON.stringify({ ...example('trades'), data: { ...(example('trades').data as object), id: `t_${n}` }, ...(cursor && { cursor }) });
const connection = (extra: object = {}, data: object = {}) => JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', ...data }, ts: TS, ...extra });

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * A server that calls `onSocket` for each socket it accepts, with the `since` it was asked;
 * `refuse` answers an upgrade itself instead (a raw HTTP response), when it returns true.
 */
async function server(onSocket: (ws: ServerSocket, since: string | null) => void, refuse?: (req: IncomingMessage, socket: Duplex) => boolean): Promise<string> {
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    // The client resets a refused socket as it reads the answer: an unheard ECONNRESET would end the run.
    socket.on('error', () => undefined);
    if (refuse?.(req, socket)) return;
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, new URL(req.url!, 'http://x').searchParams.get('since')));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    http.closeAllConnections();
    http.close();
  });
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`;
}

function track(client: RealtimeClient): RealtimeClient {
  cleanups.unshift(() => client.disconnect());
  return client;
}

/** What `client` delivers, in order: each trade's id, and `gap` where a gap was told (each gap also in `gaps`). */
function watched(client: RealtimeClient): { events: string[]; gaps: GapEvent[] } {
  const events: string[] = [];
  const gaps: GapEvent[] = [];
  client.on('trades', (data) => events.push(data.id));
  client.on('gap', (gap) => {
    gaps.push(gap);
    events.push('gap');
  });
  return { events, gaps };
}

/** A client of `url` over the socket alone that retries within 50-100 ms, disconnected after the test. */
const retrying = (url: string) => track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, backoff: { baseMs: 50, maxMs: 100 } }));

describe('the client against a v1.0 server (the spec: no cursors, ping server → client only)', () => {
  it('never pings a server that has shown no cursor: one that closes 1008 on anything but a pong keeps its socket (F1)', async () => {
    const received: string[] = [];
    let sockets = 0;
    let n = 0;
    const url = await server((ws) => {
      sockets++;
      ws.on('message', (raw) => {
        const type = (JSON.parse(String(raw)) as { type?: string }).type;
        received.push(type!);
        // The spec's client sends pongs only: anything else is a protocol error.
        if (type !== 'pong') ws.close(1008, 'unexpected message');
      });
      ws.send(connection());
      ws.send(JSON.stringify({ type: 'ping', timestamp: 1 }));
      const timer = setInterval(() => ws.send(trade(++n)), 20);
      ws.on('close', () => clearInterval(timer));
    });
    const client = retrying(url);
    let trades = 0;
    client.on('trades', () => trades++);
    client.connect('tok');
    // The client's pong to the server's ping has gone (after up to 250 ms), and trades flow.
    await until(() => received.includes('pong') && trades >= 30, 'the pong and 30 trades');
    expect(received.filter((type) => type !== 'pong'), 'what the client sent besides pongs').toEqual([]);
    expect(sockets).toBe(1);
    expect(client.getStatus()).toMatchObject({ state: 'open', mode: 'ws', rtt: null, lastClose: null });
  });

  it("does not ping a server that has shown no cursor on the browser's offline hint either, nor drop its socket for want of a pong (F1)", async () => {
    const { win, restore } = browserWindow();
    cleanups.push(restore);
    const received: string[] = [];
    let server1: ServerSocket | undefined;
    const url = await server((ws) => {
      server1 = ws;
      ws.on('message', (raw) => received.push((JSON.parse(String(raw)) as { type: string }).type));
      ws.send(connection());
    });
    // The hint gives an open socket the pong timeout (100 ms) to prove itself: a pong to a ping of its own.
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, pongTimeoutMs: 100 }));
    client.connect('tok');
    await until(() => client.getStatus().mode === 'ws', 'the socket');
    win.dispatchEvent(new Event('offline'));
    // A ping of the server's, well after that timeout, answered on the same socket: a ping the
    // hint sent would come before its pong (and a socket dropped for want of a pong answers none).
    await new Promise((resolve) => setTimeout(resolve, 400));
    server1!.send(JSON.stringify({ type: 'ping', timestamp: 2 }));
    await until(() => received.length > 0, "the client's first frame");
    expect(received).toEqual(['pong']);
    expect(client.getStatus()).toMatchObject({ state: 'open', lastClose: null });
  });

  it('pings a server once it has shown a cursor (v1.1), and measures rtt from its pong', async () => {
    const received: string[] = [];
    const url = await server((ws) => {
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; timestamp: number };
        received.push(message.type);
        if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong', timestamp: message.timestamp }));
      });
      // A first frame without a cursor, then the `connection` with one.
      ws.send(trade(0));
      setTimeout(() => ws.send(connection({ cursor: 'e1.0' }, { resume: 'new' })), 50);
    });
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false }));
    client.connect('tok');
    await until(() => client.getStatus().rtt !== null, 'an rtt measure');
    expect(received).toEqual(['ping']);
  });

  it('tells a gap when a socket replaces a lost one and there was no cursor to resume from, not on the first connect (F2)', async () => {
    let sockets = 0;
    const url = await server((ws) => {
      const mine = ++sockets;
      ws.send(connection());
      ws.send(trade(mine));
      // The first socket is dropped (a network failure: no close frame).
      if (mine === 1) setTimeout(() => ws.terminate(), 50);
    });
    const client = retrying(url);
    const { events, gaps } = watched(client);
    client.connect('tok');
    await until(() => events.includes('t_2'), "the second socket's trade");
    // Told once, before the new socket's messages: an app that refetches on `gap` is told in time.
    expect(events).toEqual(['t_1', 'gap', 't_2']);
    expect(gaps).toEqual([{ since: null, cursor: null, mode: 'ws' }]);
  });
});

describe('the client when a socket cannot resume, found by attacking the fixes (tAH)', () => {
  it('tells a gap after disconnect() then connect() to a v1.0 server: a plain disconnect keeps the place, and there is none to resume from (F1)', async () => {
    const events: string[] = [];
    let sockets = 0;
    const url = await server((ws) => {
      const mine = ++sockets;
      ws.send(connection());
      ws.send(trade(mine));
    });
    const client = retrying(url);
    client.on('trades', (data) => events.push(data.id));
    client.on('gap', (gap) => events.push(`gap ${gap.since} ${gap.cursor}`));
    client.connect('tok');
    await until(() => events.includes('t_1'), "the first socket's trade");
    client.disconnect();
    client.connect('tok');
    await until(() => events.includes('t_2'), "the second socket's trade");
    client.disconnect({ forgetCursor: true });
    client.connect('tok');
    await until(() => events.includes('t_3'), "the third socket's trade");
    // Not after disconnect({ forgetCursor: true }): the app asked to start over.
    expect(events).toEqual(['t_1', 'gap null null', 't_2', 't_3']);
  });

  it('tells a gap when a socket that asked from a cursor is answered by a connection with neither resume nor cursor (a v1.0 node after a v1.1 one) (F3)', async () => {
    const events: string[] = [];
    const asked: (string | null)[] = [];
    const url = await server((ws, since) => {
      asked.push(since);
      const mine = asked.length;
      // Socket 1 is a v1.1 node's; sockets 2 and 3 a v1.0 node's, which ignores `since`.
      if (mine === 1) {
        ws.send(connection({ cursor: 'e1.0' }, { resume: 'new' }));
        ws.send(trade(1, 'e1.1'));
      } else {
        ws.send(connection());
        ws.send(trade(mine));
      }
      if (mine < 3) setTimeout(() => ws.terminate(), 50);
    });
    const client = retrying(url);
    client.on('trades', (data) => events.push(data.id));
    client.on('gap', (gap) => events.push(`gap from ${gap.since}`));
    client.connect('tok');
    await until(() => events.includes('t_3'), "the third socket's trade");
    expect(asked).toEqual([null, 'e1.1', 'e1.1']);
    expect(events).toEqual(['t_1', 'gap from e1.1', 't_2', 'gap from e1.1', 't_3']);
  });
});

describe('the client against a v1.1 server that answers a resume wrongly', () => {
  it('tells a gap when a `resumed` connection carries a cursor after the since it asked: the stream skipped the positions between (F3)', async () => {
    const asked: (string | null)[] = [];
    const url = await server((ws, since) => {
      asked.push(since);
      if (!since) {
        ws.send(connection({ cursor: 'e1.0' }, { resume: 'new' }));
        for (let i = 1; i <= 2; i++) ws.send(trade(i, `e1.${i}`));
        setTimeout(() => ws.terminate(), 50);
      } else {
        // Asked from e1.2, it says `resumed` from its head, e1.5, and goes on from there: 3 to 5 are lost.
        ws.send(connection({ cursor: 'e1.5' }, { resume: 'resumed' }));
        ws.send(trade(6, 'e1.6'));
      }
    });
    const client = retrying(url);
    const { events, gaps } = watched(client);
    client.connect('tok');
    await until(() => events.includes('t_6'), 'the trade after the resume');
    expect(asked).toEqual([null, 'e1.2']);
    expect(events).toEqual(['t_1', 't_2', 'gap', 't_6']);
    expect(gaps).toEqual([{ since: 'e1.2', cursor: 'e1.5', mode: 'ws' }]);
    expect(client.getStatus().cursor).toBe('e1.6');
  });

  it('tells no gap for a `resumed` connection whose cursor is the since asked', async () => {
    const events: string[] = [];
    const url = await server((ws, since) => {
      ws.send(connection({ cursor: since ?? 'e1.0' }, { resume: since ? 'resumed' : 'new' }));
      if (!since) {
        ws.send(trade(1, 'e1.1'));
        setTimeout(() => ws.terminate(), 50);
      } else ws.send(trade(2, 'e1.2'));
    });
    const client = retrying(url);
    client.on('trades', (data) => events.push(data.id));
    client.on('gap', () => events.push('gap'));
    client.connect('tok');
    await until(() => events.includes('t_2'), 'the trade after the resume');
    expect(events).toEqual(['t_1', 't_2']);
  });
});

describe("a refused upgrade's Retry-After (Node, where ws shows the response)", () => {
  it('is waited, up to backoff.maxMs, as a poll waits it (F4)', async () => {
    const refusedAt: number[] = [];
    const url = await server(
      () => {},
      (_req, socket) => {
        refusedAt.push(Date.now());
        // The first refusal asks for 2 s; the second for an hour, more than backoff.maxMs.
        const after = refusedAt.length === 1 ? 2 : 3600;
        socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${after}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return true;
      },
    );
    // random 0: the backoff step alone would retry at once.
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, random: () => 0, backoff: { baseMs: 50, maxMs: 5000 } }));
    client.connect('tok');
    await until(() => client.getStatus().state === 'waiting' && client.getStatus().nextAttemptAt !== null, 'the first refusal, its retry scheduled');
    expect(client.getStatus().lastHttpStatus).toBe(503);
    expect(client.getStatus().nextAttemptAt! - refusedAt[0]!).toBeGreaterThanOrEqual(2000);
    await until(() => refusedAt.length === 2 && client.getStatus().state === 'waiting', 'the second refusal, its retry scheduled', 10_000);
    const wait = client.getStatus().nextAttemptAt! - refusedAt[1]!;
    expect(wait).toBeGreaterThanOrEqual(4900);
    expect(wait).toBeLessThanOrEqual(5000 + 1000);
  }, 15_000);

  it('is read as delay-seconds only, whole digits (RFC 9110): 0x2, +2, 2e0 and 1.5 are not waited (F2, tAH)', async () => {
    const values = ['0x2', '+2', '2e0', '1.5'];
    const refusedAt: number[] = [];
    const url = await server(
      () => {},
      (_req, socket) => {
        refusedAt.push(Date.now());
        socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${values[(refusedAt.length - 1) % values.length]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return true;
      },
    );
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false, random: () => 0, backoff: { baseMs: 50, maxMs: 5000 } }));
    client.connect('tok');
    // Each ignored: the next attempt comes at once (random 0), never 1.5 s or 2 s later.
    await until(() => refusedAt.length >= 5, 'five refused upgrades', 10_000);
    for (let i = 1; i < 5; i++) expect(refusedAt[i]! - refusedAt[i - 1]!, `after Retry-After: ${values[i - 1]}`).toBeLessThan(1400);
  }, 15_000);

  it("starts the polling fallback at once, polls not held back by the socket's wait (F4, tAH)", async () => {
    let upgrades = 0;
    let polls = 0;
    const wss = new WebSocketServer({ noServer: true });
    const http = createServer((_req, res) => {
      polls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cursor: `e1.${polls}`, resume: polls === 1 ? 'new' : 'resumed', messages: [JSON.parse(trade(polls, `e1.${polls}`))] }));
    });
    http.on('upgrade', (_req, socket) => {
      socket.on('error', () => undefined);
      upgrades++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      wss.close();
      http.closeAllConnections();
      http.close();
    });
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`;
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, backoff: { baseMs: 50, maxMs: 60_000 } }));
    const trades: string[] = [];
    client.on('trades', (data) => trades.push(data.id));
    client.connect('tok');
    // Polled within a few seconds: before, the third socket attempt, 2 × 30 s away, came first.
    await until(() => trades.length >= 1, 'a polled trade', 5_000);
    expect(upgrades).toBe(1);
    expect(client.getStatus().mode).toBe('polling');
  }, 15_000);
});
