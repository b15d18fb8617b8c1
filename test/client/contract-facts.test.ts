/**
 * The client follows the contract's protocol facts it is built with (generated/contract.ts), not
 * the shipped contract's figures: here a contract as a maintainer may edit protocol.json (a longer
 * poll hold, another polling path, a new close code), stood in for by a mock of generated/contract.js; the server side is a real HTTP
 * server on 127.0.0.1 (tBD F4, F5, F6).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createRealtimeClient, pollUrlOf, type FetchLike, type RealtimeClient } from '../../src/client/client.js';
import { createRealtimeServer } from '../../src/server/index.js';

/**
 * The edited contract: `x-polling.holdMs` 45 000 (the shipped one holds 25 000), `x-polling.path`
 * `/api/ws/longpoll` (shipped: `/api/ws/poll`), a close code 4403 whose advice is not to reconnect.
 */
vi.mock('../../generated/contract.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../generated/contract.js')>()),
  POLL_HOLD_MS: 45_000,
  POLL_PATH: '/api/ws/longpoll',
  // A close code added with reconnect "no", as generate writes it (test/codegen/duplicated-facts.test.ts).
  RECONNECT_ADVICE: { 1000: 'no', 4401: 'with-new-token', 4403: 'no' },
}));

const stops: (() => unknown)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('client: the contract facts it is built with', () => {
  it('waits for a quiet poll as long as the contract says the server holds it (POLL_HOLD_MS + 15 000 by default)', async () => {
    // A server that refuses the socket (404: poll at once) and holds every poll unanswered, as a quiet stream's.
    const held: IncomingMessage[] = [];
    const server = createServer((request) => held.push(request));
    // The client resets a refused upgrade's socket as it reads the answer: an unheard ECONNRESET would fail the run.
    server.on('upgrade', (_request, socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(resolve)), () => server.closeAllConnections());
    const { port } = server.address() as AddressInfo;
    const signals: AbortSignal[] = [];
    const fetch: FetchLike = (url, init) => {
      signals.push(init.signal);
      return globalThis.fetch(url, init);
    };
    // Only the timers are fake: the poll's timeout fires when the test says, the sockets are real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const client: RealtimeClient = createRealtimeClient({ url: `ws://127.0.0.1:${port}/api/ws`, WebSocket, fetch, random: () => 0 });
    stops.push(() => client.disconnect());
    client.connect('t');
    // (vi.waitFor moves the fake clock on by its interval at each look: a few ms here.)
    await vi.waitFor(() => expect(held.length).toBe(1), { timeout: 10_000, interval: 5 });
    expect(signals.length).toBe(1);
    // Past the shipped default (40 000) but within the edited hold: still waited for.
    vi.advanceTimersByTime(50_000);
    expect(signals[0]!.aborted).toBe(false);
    // Past the hold plus the margin (60 000 after the poll was sent): abandoned as failed.
    vi.advanceTimersByTime(10_000);
    expect(signals[0]!.aborted).toBe(true);
  });

  it("polls where the contract's polling path is, relative to its socket path, as the server serves it (a server given another path too)", async () => {
    // What POLL_PATH adds to WEBSOCKET_PATH, after the socket URL's own path (a proxy's prefix kept).
    expect(pollUrlOf('wss://example.com/prefix/api/ws').href).toBe('https://example.com/prefix/api/ws/longpoll');
    expect(pollUrlOf('ws://127.0.0.1:9/v2/stream/').href).toBe('http://127.0.0.1:9/v2/stream/longpoll');
    // The reference server given path /v2/stream serves its polls where that client polls: a poll without a token is refused 401, not 404.
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => http.close(resolve)));
    const rt = createRealtimeServer({ server: http, jwt: { secret: 'a-secret-of-at-least-32-bytes-long!!' }, path: '/v2/stream' });
    stops.push(() => rt.close());
    const { port } = http.address() as AddressInfo;
    const response = await fetch(pollUrlOf(`ws://127.0.0.1:${port}/v2/stream`), { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    expect(response.status).toBe(401);
  });

  it('follows the advice of a close code the contract adds: "no" stays closed after one socket', async () => {
    let sockets = 0;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => {
      sockets++;
      ws.close(4403, 'account suspended');
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    stops.push(() => new Promise((resolve) => wss.close(resolve)));
    const client = createRealtimeClient({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`, WebSocket, polling: false, random: () => 0 });
    stops.push(() => client.disconnect());
    client.connect('t');
    // (A client that reconnects opens a socket at each zero-length backoff step.)
    await vi.waitFor(() => expect(client.getStatus().state).toBe('closed'), { timeout: 10_000, interval: 20 });
    expect(client.getStatus().lastClose).toEqual({ code: 4403, reason: 'account suspended' });
    expect(sockets).toBe(1);
  });
});
