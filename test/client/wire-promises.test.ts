/**
 * What the client promises on the wire and in its documented limits, asserted where a user (or
 * a server) sees it: the close code `disconnect()` sends as the server receives it, the cursor's
 * 128-character bound, the default `maxPollBytes`, the poll's `Authorization: Bearer` header, and
 * `rtt` measured only by the pong that answers the client's own ping. A hand mutation of each
 * (1001 for 1000, 129 characters, 32 MiB, no `Bearer `, any pong) passed every client test (tBX
 * F7, F1, F3, F4, F5). Real sockets on 127.0.0.1, port 0; every wait is bounded (`until`), and
 * every server and client is stopped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { InvalidEvent } from '../../src/client/index.js';
import { FakeServer } from './support/fake-server.js';
import { closeClients, example, nodeClient, until } from './support/helpers.js';

/** A bound on each wait for a 16 MiB poll page to be read (not a speed assertion): ample on a machine at load 25 on 2 CPUs. */
const POLL_16MIB_MS = 90_000;

const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  closeClients();
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function fakeServer(): Promise<FakeServer> {
  const s = await new FakeServer().start();
  stops.push(() => s.stop());
  return s;
}

/** A `ws` server on 127.0.0.1 (port 0) that records each socket's close code as it receives it. */
async function socketServer(onSocket: (ws: ServerSocket) => void): Promise<{ url: string; closes: Array<{ code: number; reason: string }> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const closes: Array<{ code: number; reason: string }> = [];
  wss.on('connection', (ws) => {
    ws.on('close', (code, reason) => closes.push({ code, reason: String(reason) }));
    onSocket(ws);
  });
  stops.push(async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`, closes };
}

/** An HTTP server that refuses every upgrade (503: the client polls at once) and answers polls with `answer`. */
async function pollServer(answer: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{ url: string; polls: IncomingMessage[] }> {
  const polls: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    polls.push(req);
    res.on('error', () => {});
    answer(req, res, polls.length);
  });
  // The client resets a refused upgrade's socket as it reads the answer: an unheard ECONNRESET would fail the run.
  server.on('upgrade', (_req, socket) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, polls };
}

const connection = (cursor: string) => JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: new Date().toISOString(), cursor });

describe('the client on the wire, as its README promises', () => {
  it('disconnect() closes the socket with 1000 as the server receives it (README: "closes with 1000"), not only in getStatus().lastClose', async () => {
    const server = await socketServer((ws) => ws.send(connection('e.0')));
    const client = nodeClient(server.url);
    client.connect('good');
    await until(() => client.getStatus().connected, 'the connection');
    client.disconnect();
    await until(() => server.closes.length === 1, 'the server to see the socket close');
    expect(server.closes).toEqual([{ code: 1000, reason: '' }]);
    expect(client.getStatus().lastClose).toEqual({ code: 1000, reason: '' });
  });

  it('takes a cursor of 128 characters and not one of 129 (README: "1 to 128 unreserved characters")', async () => {
    const s = await fakeServer();
    const client = nodeClient(s.url);
    const invalid: InvalidEvent[] = [];
    const trades: Array<string | undefined> = [];
    client.on('invalid', (event) => invalid.push(event));
    client.on('trades', (_data, message) => trades.push(message.cursor));
    client.connect('good');
    await until(() => client.getStatus().connected, 'the connection');
    const before = client.getStatus().cursor;
    expect(before).toBe(`${s.epoch}.0`);
    s.sendRaw(JSON.stringify({ ...example('trades'), cursor: 'c'.repeat(129) }));
    await until(() => invalid.length === 1, 'the trade with a 129-character cursor');
    expect(invalid[0]!.errors[0]).toMatchObject({ pointer: '/cursor', keyword: 'pattern' });
    // Not taken: not the status's cursor, so not the next resume's `since`.
    expect(client.getStatus().cursor).toBe(before);
    s.sendRaw(JSON.stringify({ ...example('trades'), cursor: 'c'.repeat(128) }));
    await until(() => trades.length === 1, 'the trade with a 128-character cursor');
    expect(trades).toEqual(['c'.repeat(128)]);
    expect(client.getStatus().cursor).toBe('c'.repeat(128));
  });

  // Building, sending and reading 16 MiB twice in this one process is ~1 s of CPU, but 15-25x that in wall time on a
  // loaded machine (tHX F1: 19-42 s at load 25 on 2 CPUs): each wait is bounded at POLL_16MIB_MS, the test above both.
  it('refuses a poll response over 16 MiB by default, without maxPollBytes given, and takes one of 16 MiB exactly (README options table)', { timeout: 2 * POLL_16MIB_MS + 30_000 }, async () => {
    const head = '{"cursor":"e.1","resume":"new","messages":[]}';
    // JSON with white space after it: a valid poll response of exactly `size` bytes.
    const page = (size: number) => head + ' '.repeat(size - head.length);
    const server = await pollServer((req, res, n) => {
      if (n === 1) {
        // No Content-Length: the bound is the one kept while reading, not a header's.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(page(2 ** 24 + 1));
      } else if (new URL(req.url!, 'http://x').searchParams.get('since') === null) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(page(2 ** 24));
      } // a poll from the cursor: held until the end
    });
    const client = nodeClient(server.url);
    const invalid: InvalidEvent[] = [];
    client.on('invalid', (event) => invalid.push(event));
    client.connect('good');
    // Either comes first: the refusal, or (a larger default) the page taken.
    await until(() => invalid.length > 0 || client.getStatus().mode === 'polling', 'the answer to the first poll', POLL_16MIB_MS);
    expect(invalid.map((event) => event.errors)).toEqual([[{ pointer: '', keyword: 'maxPollBytes', message: 'expected at most 16777216 bytes (maxPollBytes), got more' }]]);
    expect(client.getStatus().mode).not.toBe('polling');
    await until(() => client.getStatus().mode === 'polling', 'the poll of 16 MiB taken', POLL_16MIB_MS);
    expect(client.getStatus()).toMatchObject({ mode: 'polling', connected: true, cursor: 'e.1' });
    expect(invalid).toHaveLength(1);
  });

  it('sends the token of a poll as Authorization: Bearer, not in its URL (README options table, polling), as the server receives it', async () => {
    const server = await pollServer(() => {}); // every poll held until the end
    const client = nodeClient(server.url);
    client.connect('tok.en-1');
    await until(() => server.polls.length === 1, 'a poll');
    expect(server.polls[0]!.headers.authorization).toBe('Bearer tok.en-1');
    expect(new URL(server.polls[0]!.url!, 'http://x').searchParams.has('token')).toBe(false);
  });

  it('sets rtt only from the pong that echoes its own ping: a pong with another timestamp leaves it unknown (README Keepalive; RealtimeStatus.rtt)', async () => {
    let ws: ServerSocket | undefined;
    const pings: number[] = [];
    const server = await socketServer((socket) => {
      ws = socket;
      socket.on('message', (data) => {
        const value = JSON.parse(String(data)) as { type: string; timestamp: number };
        if (value.type === 'ping') pings.push(value.timestamp);
      });
      socket.send(connection('e.0'));
    });
    const client = nodeClient(server.url);
    const trades: unknown[] = [];
    client.on('trades', (data) => trades.push(data));
    client.connect('good');
    // The connection message's cursor shows a v1.1 server: the client pings it.
    await until(() => pings.length === 1, "the client's ping");
    ws!.send(JSON.stringify({ type: 'pong', timestamp: pings[0]! - 1 }));
    // A later frame, delivered after the pong: by then the pong was read.
    ws!.send(JSON.stringify({ ...example('trades'), cursor: 'e.1' }));
    await until(() => trades.length === 1, 'the trade after the pong');
    expect(client.getStatus().rtt).toBeNull();
    ws!.send(JSON.stringify({ type: 'pong', timestamp: pings[0]! }));
    await until(() => client.getStatus().rtt !== null, 'rtt from the pong to its ping');
    expect(client.getStatus().rtt).toBeGreaterThanOrEqual(0);
    expect(pings).toHaveLength(1);
  });
});
