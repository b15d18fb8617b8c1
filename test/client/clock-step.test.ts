/**
 * The client's durations against a wall clock that steps (an NTP correction, a VM resumed, a
 * user fixing the clock): `Date.now()` is moved by an hour while a real socket is open to a
 * hand-written server on 127.0.0.1. README "Keepalive": a socket silent for longer than
 * `PING_INTERVAL_MS + PONG_TIMEOUT_MS` is dropped (4408 `silent`), and only then (tAO: a step
 * back hid a dead socket for the length of the step, a step forward dropped a live one).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createRealtimeClient } from '../../src/client/client.js';
import type { RealtimeClient } from '../../src/client/index.js';

const HOUR = 3_600_000;
const TS = '2026-01-14T16:30:00.000Z';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  vi.restoreAllMocks();
});

/** Moves `Date.now()` (the wall clock) by `ms` from now on; the monotonic clock is left alone. */
function wallClock(): { step: (ms: number) => void } {
  const real = Date.now.bind(Date);
  let offset = 0;
  vi.spyOn(Date, 'now').mockImplementation(() => real() + offset);
  return { step: (ms) => void (offset += ms) };
}

/** Waits on the monotonic clock (the helpers' `until` reads the wall clock this test moves). */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A ws server whose sockets the test drives itself. */
async function server(onSocket: (ws: ServerSocket) => void): Promise<{ url: string; sockets: () => number }> {
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer();
  let count = 0;
  http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => (count++, onSocket(ws))));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    http.closeAllConnections();
    http.close();
  });
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`, sockets: () => count };
}

function track(client: RealtimeClient): RealtimeClient {
  cleanups.unshift(() => client.disconnect());
  return client;
}

const ping = () => JSON.stringify({ type: 'ping', timestamp: Date.now() });

describe('the client when the wall clock steps', () => {
  it('a socket whose server went silent is dropped as 4408 silent after the allowed silence though the wall clock was set back an hour', async () => {
    const clock = wallClock();
    // One ping, then nothing: a server that died (the socket stays open).
    const { url } = await server((ws) => ws.send(ping()));
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, polling: false }));
    client.on('ping', () => clock.step(-HOUR));
    client.connect('tok');
    await until(() => client.getStatus().received > 0, 'the ping');
    // On the wall clock the last frame came an hour in the future: the socket was shown open for that hour.
    await until(() => client.getStatus().lastClose !== null, 'the silent socket dropped');
    expect(client.getStatus().lastClose).toEqual({ code: 4408, reason: 'silent' });
  }, 20_000);

  it('a socket whose server pings on time stays open while the wall clock steps forward an hour at each ping', async () => {
    const clock = wallClock();
    const { url, sockets } = await server((ws) => {
      const timer = setInterval(() => ws.send(ping()), 100);
      ws.on('close', () => clearInterval(timer));
    });
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, polling: false }));
    const statuses: string[] = [];
    client.on('connection', (data) => statuses.push(data.status));
    client.on('ping', () => clock.step(HOUR));
    client.connect('tok');
    // 30 pings: the allowed silence (900 ms) ends three times over meanwhile.
    await until(() => client.getStatus().received >= 30, '30 pings', 15_000);
    expect(client.getStatus().lastClose, 'the socket was dropped').toBeNull();
    expect(statuses).not.toContain('disconnected');
    expect(sockets()).toBe(1);
  }, 20_000);

  it('rtt is the round trip though the wall clock was set back between the ping and its pong', async () => {
    const clock = wallClock();
    const { url } = await server((ws) => {
      // A cursor shows v1.1: the client pings then.
      ws.send(JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: TS, cursor: 'e1.0' }));
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; timestamp: number };
        if (message.type !== 'ping') return;
        clock.step(-HOUR);
        ws.send(JSON.stringify({ type: 'pong', timestamp: message.timestamp }));
      });
    });
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, polling: false }));
    client.connect('tok');
    await until(() => client.getStatus().rtt !== null, 'an rtt');
    expect(client.getStatus().rtt).toBeGreaterThanOrEqual(0);
    expect(client.getStatus().rtt).toBeLessThan(HOUR);
    expect(Number.isInteger(client.getStatus().rtt)).toBe(true);
  }, 20_000);
});
