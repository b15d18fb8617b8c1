/**
 * A server attached to the app's HTTP server (`server:`): README, "When attached to your HTTP
 * server, the server answers `path` and `pollPath` … before your framework's handlers run; every
 * other request reaches them as before." Found by a hostile tester: it held only for the
 * listeners the HTTP server had when the realtime server was created.
 */
import { createServer, Server as HttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createConnection, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createRealtimeServer, MemoryStreamStore, type RealtimeServer, type RealtimeServerOptions } from '../../src/server/index.js';
import WebSocket, { WebSocketServer } from 'ws';
import { Client, eventually, SECRET, token } from './helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(http: Server): Promise<number> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => http.close(resolve)));
  return (http.address() as AddressInfo).port;
}

function attach(http: Server, path?: string): RealtimeServer {
  const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET }, ...(path ? { path, pollPath: `${path}/poll` } : {}) });
  cleanup.push(() => rt.close());
  return rt;
}

/**
 * Sends `requests` on one connection to `port`, each once the answer before it is complete (answers carry Content-Length);
 * resolves with each answer's status line and body, and whether the server closed the connection, within `ms`.
 */
function converse(port: number, requests: string[], ms = 3000): Promise<{ answers: string[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(requests[0]!));
    const answers: string[] = [];
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answers, closed: false });
    }, ms);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      for (let end = received.indexOf('\r\n\r\n'); end !== -1; end = received.indexOf('\r\n\r\n')) {
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end))?.[1] ?? 0);
        if (received.length < end + 4 + length) return;
        answers.push(`${received.slice(0, received.indexOf('\r\n'))} ${received.slice(end + 4, end + 4 + length)}`);
        received = received.slice(end + 4 + length);
        if (answers.length < requests.length) socket.write(requests[answers.length]!);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answers, closed: true });
    });
  });
}

/**
 * README's upgrade listener for an app's own WebSocket endpoint beside the realtime server (the
 * code block with `answersUpgrade`), run as README writes it, added to `http`: `server` is the
 * realtime server there. Returns the app's `sockets`, its `noServer` WebSocketServer on `/app-socket`.
 */
function readmeUpgradeListener(http: Server, server: RealtimeServer): WebSocketServer {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = readme.split('```ts\n').slice(1).map((block) => block.slice(0, block.indexOf('```')));
  const [code, ...others] = blocks.filter((block) => block.includes('answersUpgrade(request)'));
  expect(others).toEqual([]);
  // Plain JavaScript, as README shows it (no type annotations to strip).
  return new Function('http', 'server', 'WebSocketServer', `${code}\nreturn sockets;`)(http, server, WebSocketServer) as WebSocketServer;
}

describe('a server attached to the app\'s HTTP server', () => {
  it('refuses `server` with `port` or `host` at creation: the port was ignored in silence, address() null and nothing listening on it (a fresh user)', async () => {
    const http = createServer((_request, response) => response.end('app'));
    const appPort = await listen(http);
    // A free port, to show nothing starts listening on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const hint = '; give `server` or `port`/`host`, not both';
    const expected = "must be left out when `server` is given (attached, the server listens on your server's port)";
    expect(() => createRealtimeServer({ server: http, port: freePort, host: '127.0.0.1', jwt: { secret: SECRET } })).toThrow(new TypeError(`createRealtimeServer: port ${expected}, got ${freePort}${hint}`));
    expect(() => createRealtimeServer({ server: http, port: 0, jwt: { secret: SECRET } })).toThrow(new TypeError(`createRealtimeServer: port ${expected}, got 0${hint}`));
    expect(() => createRealtimeServer({ server: http, host: '127.0.0.1', jwt: { secret: SECRET } })).toThrow(new TypeError(`createRealtimeServer: host ${expected}, got "127.0.0.1"${hint}`));
    // Nothing was attached either: the app still answers the poll path itself.
    expect(await (await fetch(`http://127.0.0.1:${appPort}/api/ws/poll`)).text()).toBe('app');
    await expect(fetch(`http://127.0.0.1:${freePort}/api/ws/poll`)).rejects.toThrow();
  });

  it('answers its paths in front of an app listener added after it, which gets every other request once (the app\'s 404 answered each poll, the poll\'s answer dropped silently)', async () => {
    // README's example creates the server with no listener: the app is often mounted after.
    const http = createServer();
    const rt = attach(http);
    const app: string[] = [];
    http.on('request', (request, response) => {
      app.push(request.url!.split('?')[0]!);
      if (!response.headersSent) response.writeHead(404).end('app 404');
    });
    const port = await listen(http);
    const poll = await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${await token('alice')}`);
    expect([poll.status, (await poll.json()) as object]).toEqual([200, expect.objectContaining({ messages: [] })]);
    // A plain GET on the socket's path is answered 426 by the server alone; one from a page (any origin is allowed with
    // `jwt` alone) with CORS headers, which the page needs to read it, as it reads a poll's answer.
    expect((await fetch(`http://127.0.0.1:${port}/api/ws`)).status).toBe(426);
    const fromPage = await fetch(`http://127.0.0.1:${port}/api/ws`, { headers: { origin: 'https://app.example' } });
    expect([fromPage.status, fromPage.headers.get('access-control-allow-origin')]).toEqual([426, 'https://app.example']);
    expect((await fetch(`http://127.0.0.1:${port}/orders`)).status).toBe(404);
    expect(app).toEqual(['/orders']);
    // Closed, it steps aside: the app gets its paths too.
    await rt.close();
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll`)).status).toBe(404);
    expect(app).toEqual(['/orders', '/api/ws/poll']);
  });

  it('keeps the other server\'s polls, and the app called once, when one of two servers on it closes (closing one put the app in front of the other, and called it twice)', async () => {
    let appCalls = 0;
    const http = createServer((_request, response) => {
      appCalls++;
      if (!response.headersSent) response.writeHead(200).end('app');
    });
    const v1 = attach(http, '/v1/ws');
    attach(http, '/v2/ws');
    const port = await listen(http);
    const alice = await token('alice');
    expect((await fetch(`http://127.0.0.1:${port}/v1/ws/poll?token=${alice}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/v2/ws/poll?token=${alice}`)).status).toBe(200);
    expect(appCalls).toBe(0);
    await v1.close();
    const poll = await fetch(`http://127.0.0.1:${port}/v2/ws/poll?token=${alice}`);
    expect(await poll.text()).toMatch(/^\{"cursor"/);
    expect(appCalls).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/v1/ws/poll`)).text()).toBe('app');
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect(appCalls).toBe(2);
  });

  it('refuses a second server on a path one still open on the same HTTP server serves, naming it; free again once that one is closed (both took its upgrades, and the first valid client ended the process: a fresh user)', async () => {
    const http = createServer((_request, response) => response.end('app'));
    const port = await listen(http);
    const first = createRealtimeServer({ server: http, jwt: { secret: SECRET } });
    cleanup.push(() => first.close());
    const expected = 'must be a path no other open realtime server on this HTTP server serves';
    expect(() => createRealtimeServer({ server: http, jwt: { secret: SECRET } })).toThrow(
      new RangeError(`createRealtimeServer: path ${expected}, got "/api/ws"; another one serves it (its path): await its close() first, or give this one another path`),
    );
    // Either of its paths, as either option: the first answers both before the second would see them.
    expect(() => createRealtimeServer({ server: http, jwt: { secret: SECRET }, path: '/api/ws/poll', pollPath: false })).toThrow(
      new RangeError(`createRealtimeServer: path ${expected}, got "/api/ws/poll"; another one serves it (its pollPath): await its close() first, or give this one another path`),
    );
    expect(() => createRealtimeServer({ server: http, jwt: { secret: SECRET }, path: '/v2/ws', pollPath: '/api/ws' })).toThrow(
      new RangeError(`createRealtimeServer: pollPath ${expected}, got "/api/ws"; another one serves it (its path): await its close() first, or give this one another pollPath`),
    );
    // A path with a trailing slash is the same endpoint (the first answers `/api/ws/` too).
    expect(() => createRealtimeServer({ server: http, jwt: { secret: SECRET }, path: '/api/ws/' })).toThrow(
      new RangeError(`createRealtimeServer: path ${expected}, got "/api/ws/"; another one serves it (its path): await its close() first, or give this one another path`),
    );
    // Another HTTP server, or other paths on this one, are free.
    const elsewhere = createRealtimeServer({ server: createServer(), jwt: { secret: SECRET } });
    const v2 = createRealtimeServer({ server: http, jwt: { secret: SECRET }, path: '/v2/ws' });
    await Promise.all([elsewhere.close(), v2.close()]);
    // The first serves its valid client (it was the second's handleUpgrade that threw, from a promise callback).
    const alice = new Client(new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${await token('alice')}`));
    await alice.until(() => alice.count('connection') === 1, 10_000, 'the connection message');
    alice.ws.close();
    await alice.closed;
    // Attached too, `path/` is `path`: a socket URL ending in `/` opens a socket (its upgrades were 404s: a fresh tester).
    const slash = new Client(new WebSocket(`ws://127.0.0.1:${port}/api/ws/?token=${await token('alice')}`));
    await slash.until(() => slash.count('connection') === 1, 10_000, 'the connection message on /api/ws/');
    slash.ws.close();
    await slash.closed;
    await first.close();
    const second = attach(http);
    const bob = new Client(new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${await token('bob')}`));
    await bob.until(() => bob.count('connection') === 1, 10_000, 'the connection message');
    expect(second.stats().connections).toBe(1);
    bob.ws.close();
    await bob.closed;
  });

  it("refuses a second server on a path of a standalone server's own HTTP server (`rt.httpServer`), as on an app's: its paths were not counted as served", async () => {
    const first = createRealtimeServer({ port: 0, jwt: { secret: SECRET } });
    cleanup.push(() => first.close());
    await first.listening;
    expect(() => createRealtimeServer({ server: first.httpServer, jwt: { secret: SECRET }, path: '/api/ws/poll', pollPath: false })).toThrow(
      new RangeError('createRealtimeServer: path must be a path no other open realtime server on this HTTP server serves, got "/api/ws/poll"; another one serves it (its pollPath): await its close() first, or give this one another path'),
    );
    // Other paths on it are free, and each server keeps its own.
    const v2 = createRealtimeServer({ server: first.httpServer, jwt: { secret: SECRET }, path: '/v2/ws', pollPath: false });
    cleanup.push(() => v2.close());
    const port = first.address()!.port;
    const alice = new Client(new WebSocket(`ws://127.0.0.1:${port}/v2/ws?token=${await token('alice')}`));
    await alice.until(() => alice.count('connection') === 1, 10_000, 'the connection message on /v2/ws');
    expect([first.stats().connections, v2.stats().connections]).toEqual([0, 1]);
    alice.ws.close();
    await alice.closed;
  });

  /** A standalone server on `/a/ws` (no poll path; `options` added), and a second attached to its `rt.httpServer` on the default paths: both closed after the test. */
  async function standaloneWithSecond(options: { shutdownTimeoutMs?: number } = {}) {
    const first = createRealtimeServer({ port: 0, jwt: { secret: SECRET }, path: '/a/ws', pollPath: false, ...options });
    cleanup.push(() => first.close());
    await first.listening;
    const second = createRealtimeServer({ server: first.httpServer, jwt: { secret: SECRET } });
    cleanup.push(() => second.close());
    return { first, second };
  }

  it("resolves a standalone server's close() while a second server on its `rt.httpServer` holds a socket: past its drain that socket is ended (it waited for ever: a tester)", async () => {
    const { first, second } = await standaloneWithSecond({ shutdownTimeoutMs: 300 });
    const port = first.address()!.port;
    const bob = new Client(new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${await token('bob')}`));
    await bob.until(() => bob.count('connection') === 1, 10_000, 'the connection message on /api/ws');
    await first.close();
    expect(first.httpServer.listening).toBe(false);
    // The second's client sees its connection lost (no close frame: the first has none of its sockets to send one on).
    expect(await bob.closed).toBe(1006);
    await eventually(() => second.stats().connections === 0, 5000, "the second server's count of its connections");
    await second.close();
  });

  it("leaves a second server on a standalone server's `rt.httpServer` its held polls through the first's drain: its own close() answers them (they were cut at once, unanswered, when the first closed: a tester)", async () => {
    const { first, second } = await standaloneWithSecond({ shutdownTimeoutMs: 3000 });
    const url = `http://127.0.0.1:${first.address()!.port}/api/ws/poll?token=${await token('bob')}`;
    // The first poll is answered at once with the stream's cursor; the next, from it, is held.
    const { cursor } = (await (await fetch(url)).json()) as { cursor: string };
    const poll = fetch(`${url}&since=${encodeURIComponent(cursor)}`);
    await eventually(() => second.stats().pendingPolls === 1, 5000, 'the poll held by the second server');
    const closing = first.close();
    await eventually(() => !first.httpServer.listening, 5000, 'the first server no longer listening');
    await second.close();
    const answer = await poll;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ messages: [] });
    await closing;
  });

  it("leaves a second server on a standalone server's `rt.httpServer` its own 1001 when both are closed together", async () => {
    const { first, second } = await standaloneWithSecond();
    const bob = new Client(new WebSocket(`ws://127.0.0.1:${first.address()!.port}/api/ws?token=${await token('bob')}`));
    await bob.until(() => bob.count('connection') === 1, 10_000, 'the connection message on /api/ws');
    await Promise.all([first.close(), second.close()]);
    expect(await bob.closed).toBe(1001);
  });

  it("leaves an upgrade to an app's own WebSocket server that took its connection while its token was checked, counted and logged as socket-taken (a second handleUpgrade threw, and ended the process: a fresh user)", async () => {
    const lines: string[] = [];
    const log = (line: object) => void lines.push(JSON.stringify(line));
    const http = createServer();
    const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET }, logger: { info: log, warn: log, error: log } });
    cleanup.push(() => rt.close());
    // The app's own ws on the same path, in its own upgrade listener: it takes the socket at once.
    const appWss = new WebSocketServer({ noServer: true });
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => appWss.handleUpgrade(request, socket, head, (ws) => ws.send('{"type":"app"}')));
    cleanup.push(async () => appWss.close());
    const port = await listen(http);
    const client = new Client(new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${await token('alice')}`));
    await client.until(() => client.count('app') === 1, 10_000, "the app's message");
    await eventually(() => rt.stats().refusedUpgrades['socket-taken'] === 1, 5000, 'the upgrade counted as socket-taken');
    expect(rt.stats().connections).toBe(0);
    expect(lines.filter((line) => line.includes('"upgrade-dropped"'))).toEqual([expect.stringContaining('"reason":"socket-taken","userId":"alice"')]);
    // The app's socket goes on.
    client.ws.send('still here');
    client.ws.close();
    expect(await client.closed).toBe(1005);
  });

  it('leaves the server\'s emit alone: instrumentation that wraps http.Server.prototype.emit (OpenTelemetry, dd-trace) sees polls too, and close() leaves nothing of its own behind (a reviewer: a wrapped emit hid polls from it)', async () => {
    const seen: string[] = [];
    const original = HttpServer.prototype.emit;
    HttpServer.prototype.emit = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') seen.push((args[0] as IncomingMessage).url!.split('?')[0]!);
      return Reflect.apply(original, this, [event, ...args]) as boolean;
    } as typeof original;
    cleanup.push(async () => void (HttpServer.prototype.emit = original));
    const app = (_request: IncomingMessage, response: ServerResponse) => void response.end('app');
    const http = createServer(app);
    const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET } });
    const port = await listen(http);
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${await token('alice')}`)).status).toBe(200);
    expect(seen).toEqual(['/other', '/api/ws/poll']);
    // The app's own listeners, as the app sees them, while attached: its function (removable by it).
    const [first, second] = http.listeners('request');
    expect([http.listenerCount('request'), first === app, second]).toEqual([2, false, app]);
    await rt.close();
    expect(Object.hasOwn(http, 'emit')).toBe(false);
    expect(http.rawListeners('request')).toEqual([app]);
    expect(http.listenerCount('newListener')).toBe(0);
  });

  it('servers replaced new before old (a hot reload) do not pile up: one dispatcher, the app called once', async () => {
    let appCalls = 0;
    const http = createServer((_request, response) => {
      appCalls++;
      response.end('app');
    });
    const port = await listen(http);
    // On two paths in turn: one path is refused to a second server while the first is open (the test below).
    const on = (i: number) => createRealtimeServer({ server: http, jwt: { secret: SECRET }, store: new MemoryStreamStore(), ...(i % 2 === 1 ? { path: '/next/ws' } : {}) });
    let current = on(0);
    for (let i = 1; i <= 20; i++) {
      const next = on(i);
      await current.close();
      current = next;
    }
    cleanup.push(() => current.close());
    expect(http.rawListeners('request')).toHaveLength(2);
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect(appCalls).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${await token('alice')}`)).status).toBe(200);
    expect(appCalls).toBe(1);
  });

  it('serves a request that offers another upgrade than WebSocket (h2c: curl --http2, Java\'s HttpClient) as if it offered none: the app\'s routes with their bodies, its polls, the connection\'s next request (each was a 404 not-found of the realtime server\'s)', async () => {
    const http = createServer((request, response) => {
      let body = '';
      request.setEncoding('latin1').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => response.end(`app ${request.method} ${request.url} ${body} upgrade=${request.headers.upgrade ?? 'none'}`));
    });
    const port = await listen(http);
    const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n';
    const requests = [
      `POST /orders HTTP/1.1\r\nHost: x\r\n${h2c}Content-Length: 5\r\n\r\nhello`,
      `GET /api/ws/poll?token=${await token('alice')} HTTP/1.1\r\nHost: x\r\n${h2c}\r\n`,
      `GET /api/ws HTTP/1.1\r\nHost: x\r\n${h2c}\r\n`,
      `GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ];
    const before = await converse(port, requests);
    const rt = attach(http);
    const after = await converse(port, requests);
    expect(before.answers[0]).toBe('HTTP/1.1 200 OK app POST /orders hello upgrade=h2c');
    // As if no upgrade was offered: Upgrade, and upgrade in Connection, are gone.
    expect(after.answers[0]).toBe('HTTP/1.1 200 OK app POST /orders hello upgrade=none');
    expect(after.answers[1]).toMatch(/^HTTP\/1\.1 200 OK \{"cursor":/);
    expect(after.answers[2]).toMatch(/^HTTP\/1\.1 426 Upgrade Required \{"error":"upgrade-required","detail":"open a WebSocket on /);
    expect(after.answers[3]).toBe('HTTP/1.1 200 OK app GET /health  upgrade=none');
    expect(after.closed).toBe(true);
    expect(rt.stats().refusedUpgrades).toEqual({});
  });

  it("README's upgrade listener, run as README writes it: the realtime paths (an h2c offer to them too) and the app's socket work, the app's routes answer an h2c offer (they got 404), a bad request target is answered (one ended the process: tAU F9), and `//x/api/ws` too (held open, unanswered: tAU F8)", async () => {
    const http = createServer((request, response) => {
      const known = request.url === '/health' || request.url === '/hello';
      response.statusCode = known ? 200 : 404;
      response.end(`app ${request.url} upgrade=${request.headers.upgrade ?? 'none'}`);
    });
    const rt = attach(http);
    const appWss = readmeUpgradeListener(http, rt);
    cleanup.push(async () => appWss.close());
    appWss.on('connection', (ws) => ws.send('{"type":"app"}'));
    const port = await listen(http);
    // Bounded when it fails: a socket held unanswered is never read, so its close is never seen, and http.close() waited for it.
    const sockets = new Set<Duplex>();
    http.on('connection', (socket: Duplex) => sockets.add(socket));
    cleanup.push(async () => sockets.forEach((socket) => socket.destroy()));
    const jwt = await token('alice');
    const h2c = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nAuthorization: Bearer ${jwt}\r\n\r\n`;
    const webSocket = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const last = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const own = await converse(port, [h2c('/api/ws/poll'), h2c('/api/ws/poll/?since='), h2c('/api/ws'), last]);
    expect(own.answers).toEqual([
      expect.stringMatching(/^HTTP\/1\.1 200 OK \{"cursor":/),
      expect.stringMatching(/^HTTP\/1\.1 200 OK \{"cursor":/),
      expect.stringMatching(/^HTTP\/1\.1 426 Upgrade Required \{"error":"upgrade-required"/),
      'HTTP/1.1 200 OK app /health upgrade=none',
    ]);
    expect(own.closed).toBe(true);
    // The app's routes, offered h2c (curl --http2, Java's HttpClient): served as the plain requests they are, once each.
    expect(await converse(port, [h2c('/hello'), h2c('/nope'), last])).toEqual({
      answers: ['HTTP/1.1 200 OK app /hello upgrade=none', 'HTTP/1.1 404 Not Found app /nope upgrade=none', 'HTTP/1.1 200 OK app /health upgrade=none'],
      closed: true,
    });
    // Targets `new URL` throws for, and `//x/…`, which it read as the host x and the path /api/ws: answered, the process alive.
    for (const target of ['http://x:99999/api/ws', 'http://[/api/ws', '//x/api/ws', '//x/api/ws/poll']) {
      for (const offer of [h2c(target), webSocket(target)]) {
        expect(await converse(port, [offer, last])).toEqual({ answers: [`HTTP/1.1 404 Not Found app ${target} upgrade=none`, 'HTTP/1.1 200 OK app /health upgrade=none'], closed: true });
      }
    }
    // A WebSocket upgrade to another path gets the app's 404; to the poll path, the realtime server's (it was held open, unanswered).
    expect(await converse(port, [webSocket('/other'), last])).toEqual({ answers: ['HTTP/1.1 404 Not Found app /other upgrade=none', 'HTTP/1.1 200 OK app /health upgrade=none'], closed: true });
    expect(await converse(port, [webSocket('/api/ws/poll')])).toEqual({ answers: ['HTTP/1.1 404 Not Found {"error":"not-found"}'], closed: true });
    // The app's WebSocket and the realtime server's go on.
    const appClient = new Client(new WebSocket(`ws://127.0.0.1:${port}/app-socket?x=1`));
    await appClient.until(() => appClient.count('app') === 1, 10_000, "the app's message");
    appClient.ws.close();
    const client = new Client(new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${jwt}`));
    await client.until(() => client.count('connection') === 1, 10_000, 'the connection message');
    client.ws.close();
    expect(rt.stats().refusedUpgrades).toEqual({ 'not-found': 1 });
  });

  it('serveAsRequest leaves what a realtime server answers to it, returning false, and serves every other: a listener that hands it every upgrade answers each once', async () => {
    const http = createServer((request, response) => response.end(`app ${request.url}`));
    const a = attach(http, '/a/ws');
    const b = attach(http, '/b/ws');
    const returned: boolean[] = [];
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void returned.push(a.serveAsRequest(request, socket, head)));
    const port = await listen(http);
    const jwt = await token('alice');
    const h2c = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n`;
    const webSocket = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const polls = await converse(port, [h2c(`/a/ws/poll?token=${jwt}`), h2c(`/b/ws/poll?token=${jwt}`), h2c('/hello'), 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(polls).toEqual({ answers: [expect.stringMatching(/^HTTP\/1\.1 200 OK \{"cursor":/), expect.stringMatching(/^HTTP\/1\.1 200 OK \{"cursor":/), 'HTTP/1.1 200 OK app /hello', 'HTTP/1.1 200 OK app /health'], closed: true });
    for (const path of ['/a/ws', '/b/ws']) expect(await converse(port, [webSocket(path)])).toEqual({ answers: ['HTTP/1.1 401 Unauthorized {"error":"no-token"}'], closed: true });
    expect(returned).toEqual([false, false, true, false, false]);
    expect([a.answersUpgrade, b.answersUpgrade].map((answers) => answers({ url: '/b/ws/', headers: { upgrade: 'websocket' } } as IncomingMessage))).toEqual([false, true]);
    // Closed, a server answers nothing more: its paths are the app's.
    await b.close();
    expect(b.answersUpgrade({ url: '/b/ws', headers: { upgrade: 'websocket' } } as IncomingMessage)).toBe(false);
    expect(await converse(port, [h2c('/b/ws/poll'), 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])).toEqual({ answers: ['HTTP/1.1 200 OK app /b/ws/poll', 'HTTP/1.1 200 OK app /health'], closed: true });
  });

  it('refuses 431 a request offering h2c whose head Node may have cut (about 1000 header lines): rebuilt without the Content-Length past the cut, its body was served as a request of its own (a reviewer: request smuggling)', async () => {
    const seen: string[] = [];
    const http = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      request.resume().on('end', () => response.end('app'));
    });
    const port = await listen(http);
    const rt = attach(http);
    const smuggled = 'GET /admin/delete-everything HTTP/1.1\r\nHost: x\r\n\r\n';
    const filler = 'a:b\r\n'.repeat(1100);
    const request = `POST /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n${filler}Content-Length: ${smuggled.length}\r\n\r\n${smuggled}`;
    expect(await converse(port, [request], 2000)).toEqual({ answers: ['HTTP/1.1 431 Request Header Fields Too Large '], closed: true });
    expect(seen).toEqual([]);
    // A head of ordinary size is still served.
    expect((await converse(port, [`POST /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n${'a:b\r\n'.repeat(900)}Content-Length: 3\r\nConnection: close\r\n\r\nabc`], 2000)).answers).toEqual(['HTTP/1.1 200 OK app']);
    expect(seen).toEqual(['POST /public']);
    // Counted as every other refusal (it was not: a hostile tester).
    expect(rt.stats().refusedUpgrades).toEqual({ 'headers-too-large': 1 });
  });

  it('refuses 431 an h2c head of the HTTP server\'s maxHeadersCount header lines or more, as Node cuts it: set to 100, a head of 60 lines was refused (rawHeaders, a name and a value a line, was compared with it: a hostile tester)', async () => {
    const seen: string[] = [];
    const http = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      request.resume().on('end', () => response.end('app'));
    });
    const port = await listen(http);
    const logged: string[] = [];
    const log = (o: object) => void logged.push(JSON.stringify(o));
    const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET }, logger: { info: log, warn: log, error: log } });
    cleanup.push(() => rt.close());
    const smuggled = 'GET /admin/delete-everything HTTP/1.1\r\nHost: x\r\n\r\n';
    /** An h2c POST of `lines` header lines in all, its Content-Length the last of them (its connection closed once answered). */
    const post = (lines: number, body: string) =>
      `POST /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n${'a:b\r\n'.repeat(lines - 4)}Content-Length: ${body.length}\r\n\r\n${body}`;
    const refused = { answers: ['HTTP/1.1 431 Request Header Fields Too Large '], closed: true };
    for (const [maxHeadersCount, whole, cut] of [[100, 99, 101], [2000, 1500, 2100]] as const) {
      http.maxHeadersCount = maxHeadersCount;
      seen.length = 0;
      expect((await converse(port, [post(60, 'abc')], 2000)).answers, `maxHeadersCount ${maxHeadersCount}, 60 lines`).toEqual(['HTTP/1.1 200 OK app']);
      expect((await converse(port, [post(whole, 'abc')], 2000)).answers, `maxHeadersCount ${maxHeadersCount}, ${whole} lines`).toEqual(['HTTP/1.1 200 OK app']);
      // Cut: Node reads the body by a Content-Length the rebuilt head would not hold.
      expect(await converse(port, [post(cut, smuggled)], 2000), `maxHeadersCount ${maxHeadersCount}, ${cut} lines`).toEqual(refused);
      // Exactly the limit: Node keeps as many, so whether it cut one cannot be told: refused too (README "or more"; tBW F7).
      expect(await converse(port, [post(maxHeadersCount, smuggled)], 2000), `maxHeadersCount ${maxHeadersCount}, ${maxHeadersCount} lines`).toEqual(refused);
      expect(seen).toEqual(['POST /public', 'POST /public']);
    }
    // 0: Node keeps every line, and cuts none.
    http.maxHeadersCount = 0;
    expect((await converse(port, [post(1500, 'abc')], 2000)).answers).toEqual(['HTTP/1.1 200 OK app']);
    // Unset (null): Node keeps 1000 lines.
    http.maxHeadersCount = null as unknown as number;
    expect((await converse(port, [post(999, 'abc')], 2000)).answers).toEqual(['HTTP/1.1 200 OK app']);
    expect(await converse(port, [post(1001, smuggled)], 2000)).toEqual(refused);
    expect(await converse(port, [post(1000, smuggled)], 2000)).toEqual(refused);
    // Each refusal counted and logged, as every other is.
    expect(rt.stats().refusedUpgrades).toEqual({ 'headers-too-large': 6 });
    // Logged once per address each 10 s, as a malformed handshake is: a client repeats it at will (tAU F6).
    expect(logged.filter((line) => line.includes('"event":"upgrade-refused"'))).toEqual(
      Array(1).fill('{"event":"upgrade-refused","status":431,"reason":"headers-too-large","ip":"127.0.0.1","url":"/public"}'),
    );
  });

  it('refuses 431 an h2c head cut by the limit its connection was accepted with, maxHeadersCount raised since (Node fixes it per connection: the head was rebuilt without its Content-Length, its body a request of its own; a reviewer)', async () => {
    const seen: string[] = [];
    const http = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      request.resume().on('end', () => response.end('app'));
    });
    http.maxHeadersCount = 100;
    const port = await listen(http);
    attach(http);
    const socket = createConnection({ host: '127.0.0.1', port });
    cleanup.push(async () => void socket.destroy());
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect.poll(() => received).toContain('app');
    // Raised while the keep-alive connection is open (a config reload): its parser keeps 100 lines.
    http.maxHeadersCount = 2000;
    const smuggled = 'GET /admin/delete-everything HTTP/1.1\r\nHost: x\r\n\r\n';
    socket.write(`POST /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n${'a:b\r\n'.repeat(150)}Content-Length: ${smuggled.length}\r\n\r\n${smuggled}`);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    expect(received.match(/HTTP\/1\.1 \d{3}[^\r]*/g)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 431 Request Header Fields Too Large']);
    expect(seen).toEqual(['GET /first']);
    // A connection accepted after the change has the new limit: the same head is served.
    expect((await converse(port, [`POST /public HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n${'a:b\r\n'.repeat(150)}Content-Length: 3\r\n\r\nabc`], 2000)).answers).toEqual(['HTTP/1.1 200 OK app']);
  });

  it('closes a connection whose upgrade (h2c or WebSocket) is pipelined behind a request the app answers later from its checkContinue listener (Node emits no request for it: the h2c one was never answered, its connection held open; a hostile tester)', async () => {
    const http = createServer((request, response) => {
      let body = '';
      request.setEncoding('latin1').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => response.end(`app ${request.method} ${request.url} ${body}`));
    });
    // An app that checks something before it lets the body come (Node then sends no 100 Continue of its own).
    http.on('checkContinue', (request: IncomingMessage, response: ServerResponse) =>
      setTimeout(() => {
        response.writeContinue();
        http.emit('request', request, response);
      }, 100),
    );
    const rt = attach(http);
    const port = await listen(http);
    const sockets = new Set<Duplex>();
    http.on('connection', (socket: Duplex) => sockets.add(socket));
    cleanup.push(async () => sockets.forEach((socket) => socket.destroy()));
    const post = 'POST /orders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello';
    const h2c = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n';
    const webSocket = `GET /api/ws?token=${await token('alice')} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    for (const upgrade of [h2c, webSocket]) expect(await converse(port, [post + upgrade], 2000)).toEqual({ answers: [], closed: true });
    expect(rt.stats().refusedUpgrades).toEqual({ pipelined: 2 });
    // Sent once the first is answered, it is served (nothing is sent on the 100 Continue).
    expect(await converse(port, [post, '', h2c], 2000)).toEqual({ answers: ['HTTP/1.1 100 Continue ', 'HTTP/1.1 200 OK app POST /orders hello', 'HTTP/1.1 200 OK app GET /health '], closed: true });
  });

  it('sees a request the app answers from a checkContinue or checkExpectation listener added after it, and only while the app has one (any listener turns off Node\'s own 100 Continue)', async () => {
    const http = createServer((request, response) => {
      let body = '';
      request.setEncoding('latin1').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => response.end(`app ${request.method} ${request.url} ${body}`));
    });
    const rt = attach(http);
    const port = await listen(http);
    const sockets = new Set<Duplex>();
    http.on('connection', (socket: Duplex) => sockets.add(socket));
    cleanup.push(async () => sockets.forEach((socket) => socket.destroy()));
    const h2c = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n';
    const continueLater = (request: IncomingMessage, response: ServerResponse) =>
      setTimeout(() => {
        response.writeContinue();
        http.emit('request', request, response);
      }, 100);
    const refuseLater = (_request: IncomingMessage, response: ServerResponse) => setTimeout(() => response.writeHead(417, { 'Content-Length': 0 }).end(), 100);
    http.on('checkContinue', continueLater);
    http.on('checkExpectation', refuseLater);
    const post = (expect: string) => `POST /orders HTTP/1.1\r\nHost: x\r\nExpect: ${expect}\r\nContent-Length: 5\r\n\r\nhello`;
    expect(await converse(port, [post('100-continue') + h2c], 2000)).toEqual({ answers: [], closed: true });
    expect(await converse(port, [post('something-else') + h2c], 2000)).toEqual({ answers: [], closed: true });
    expect(rt.stats().refusedUpgrades).toEqual({ pipelined: 2 });
    // The app's listeners gone, Node answers 100 Continue itself again (nothing of this server's is left listening).
    http.off('checkContinue', continueLater);
    http.off('checkExpectation', refuseLater);
    expect([http.listenerCount('checkContinue'), http.listenerCount('checkExpectation')]).toEqual([0, 0]);
    expect((await converse(port, [post('100-continue'), ''], 2000)).answers).toEqual(['HTTP/1.1 100 Continue ', 'HTTP/1.1 200 OK app POST /orders hello']);
  });

  it('two servers on one app\'s server: an upgrade to another path gets 404, once; another protocol reaches the app once; an upgrade listener of the app\'s answers what neither serves (such an upgrade was held, unanswered, with no timeout)', async () => {
    let appCalls = 0;
    const http = createServer((_request, response) => {
      appCalls++;
      response.end('app');
    });
    attach(http, '/a/ws');
    attach(http, '/b/ws');
    const port = await listen(http);
    // Bounded when it fails: a socket held unanswered is never read, so its close is never seen, and http.close() waited for it.
    const sockets = new Set<Duplex>();
    http.on('connection', (socket: Duplex) => sockets.add(socket));
    cleanup.push(async () => sockets.forEach((socket) => socket.destroy()));
    const upgrade = (path: string, protocol = 'websocket') =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await converse(port, [upgrade('/other')], 2000)).toEqual({ answers: ['HTTP/1.1 404 Not Found {"error":"not-found"}'], closed: true });
    for (const path of ['/a/ws', '/b/ws']) expect((await converse(port, [upgrade(path)], 2000)).answers).toEqual(['HTTP/1.1 401 Unauthorized {"error":"no-token"}']);
    expect((await converse(port, [upgrade('/other', 'h2c')], 2000)).answers).toEqual(['HTTP/1.1 200 OK app']);
    expect(appCalls).toBe(1);
    http.on('upgrade', (request: IncomingMessage, socket: Duplex) => request.url === '/other' && socket.end('HTTP/1.1 418 I\'m a teapot\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntea'));
    expect((await converse(port, [upgrade('/other')], 2000)).answers).toEqual(['HTTP/1.1 418 I\'m a teapot tea']);
    expect((await converse(port, [upgrade('/a/ws')], 2000)).answers).toEqual(['HTTP/1.1 401 Unauthorized {"error":"no-token"}']);
    // With the app's listener, each serves an h2c offer to its own poll path, once (tAT F2); another path's is the app's.
    const jwt = await token('alice');
    const polls = await converse(port, [upgrade(`/a/ws/poll?token=${jwt}`, 'h2c'), upgrade(`/b/ws/poll?token=${jwt}`, 'h2c'), 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], 2000);
    expect(polls.answers).toEqual([expect.stringMatching(/^HTTP\/1\.1 200 OK \{"cursor":/), expect.stringMatching(/^HTTP\/1\.1 200 OK \{"cursor":/), 'HTTP/1.1 200 OK app']);
    expect(polls.closed).toBe(true);
    expect((await converse(port, [upgrade('/other', 'h2c')], 2000)).answers).toEqual(['HTTP/1.1 418 I\'m a teapot tea']);
  });

  it('a listener the app prepends, adds once or removes later is guarded, fires once, and goes as asked', async () => {
    const http = createServer();
    attach(http);
    const calls: string[] = [];
    const first = (request: IncomingMessage, response: ServerResponse) => {
      calls.push(`first ${request.url}`);
      if (!response.headersSent) response.end('first');
    };
    http.prependListener('request', first);
    http.once('request', (request: IncomingMessage) => void calls.push(`once ${request.url}`));
    const port = await listen(http);
    const alice = await token('alice');
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${alice}`)).status).toBe(200);
    expect(calls).toEqual([]);
    expect(await (await fetch(`http://127.0.0.1:${port}/a`)).text()).toBe('first');
    expect(await (await fetch(`http://127.0.0.1:${port}/b`)).text()).toBe('first');
    expect(calls).toEqual(['first /a', 'once /a', 'first /b']);
    http.removeListener('request', first);
    expect(http.listeners('request')).not.toContain(first);
    expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${alice}`)).status).toBe(200);
  });
});

/** Writes `text` on a new connection to `port`; resolves with all the server sent once it closed the connection (or `ms` passed). */
function exchange(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(text));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`${received}(still open after ${ms} ms)`);
    }, ms);
    socket.on('data', (chunk: Buffer) => void (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe("requests Node's HTTP parser refuses (its clientError event) are counted and logged as the server's own refusals (they were neither: a leftover of a hostile tester)", () => {
  /** A head past Node's maxHeaderSize (16 KiB), to `path`, a WebSocket upgrade when `upgrade`. */
  const oversized = (path: string, upgrade = false) =>
    `GET ${path} HTTP/1.1\r\nHost: x\r\n${upgrade ? 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' : ''}Cookie: ${'a'.repeat(20_000)}\r\n\r\n`;
  const NODE_431 = 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n';
  const NODE_400 = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

  /** A server on its own HTTP server (port 0, stopped after the test) whose log lines go to `logged`, `extra` options beside. */
  const loggingServer = async (extra: Partial<RealtimeServerOptions> = {}) => {
    const logged: object[] = [];
    const log = (entry: object) => void logged.push(entry);
    const rt = createRealtimeServer({ port: 0, jwt: { secret: SECRET }, logger: { info: log, warn: log, error: log }, ...extra });
    cleanup.push(() => rt.close());
    await rt.listening;
    return { rt, logged, port: (rt.httpServer.address() as AddressInfo).port };
  };

  it("on its own HTTP server: Node's answers as they were (431, 400), each counted in stats().refusedRequests and logged as request-refused", async () => {
    let clock = 0;
    const { rt, logged, port } = await loggingServer({ monotonicClock: () => clock });
    expect(await exchange(port, oversized('/api/ws', true))).toBe(NODE_431);
    expect(await exchange(port, oversized('/api/ws/poll'))).toBe(NODE_431);
    expect(await exchange(port, 'NOT A REQUEST\r\n\r\n')).toBe(NODE_400);
    expect(rt.httpServer.listenerCount('clientError')).toBe(0);
    expect(rt.stats().refusedRequests).toEqual({ 'headers-too-large': 2, 'bad-request': 1 });
    // Once per address and reason each 10 s, as the other refusals a client repeats at will: a flood of 30 more malformed
    // requests is counted, not logged (a line each was 1,700 lines a second from one client: tFZ F1).
    for (let i = 0; i < 30; i++) expect(await exchange(port, 'NOT A REQUEST\r\n\r\n')).toBe(NODE_400);
    const lines = logged.filter((entry) => (entry as { event?: string }).event === 'request-refused');
    expect(lines).toEqual([
      { event: 'request-refused', status: 431, reason: 'headers-too-large', ip: '127.0.0.1' },
      { event: 'request-refused', status: 400, reason: 'bad-request', ip: '127.0.0.1' },
    ]);
    // 10 s on, the next is logged, saying how many were not since the last line (tGK F6: no test held the count).
    clock += 10_000;
    expect(await exchange(port, 'NOT A REQUEST\r\n\r\n')).toBe(NODE_400);
    expect(logged.filter((entry) => (entry as { event?: string }).event === 'request-refused').at(-1)).toEqual({ event: 'request-refused', status: 400, reason: 'bad-request', ip: '127.0.0.1', notLogged: 30 });
    // A request Node accepts is not counted.
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    expect(rt.stats().refusedRequests).toEqual({ 'headers-too-large': 2, 'bad-request': 32 });
  });

  it('on its own HTTP server: a request with an Expect other than 100-continue is answered 417 as Node answers it, and counted and logged (it was neither: tGU F4)', async () => {
    const { rt, logged, port } = await loggingServer();
    const jwt = await token('dave');
    for (let i = 0; i < 2; i++) expect(await exchange(port, `GET /api/ws/poll?token=${jwt} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
    expect(rt.stats().refusedRequests).toEqual({ 'expectation-failed': 2 });
    expect(rt.stats().refusedPolls).toEqual({});
    expect(logged.filter((entry) => (entry as { event?: string }).event === 'request-refused')).toEqual([{ event: 'request-refused', status: 417, reason: 'expectation-failed', ip: '127.0.0.1', url: '/api/ws/poll?token=[redacted]' }]);
    // 100-continue is served as before.
    expect(await exchange(port, `GET /api/ws/poll?token=${jwt} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(rt.stats().refusedRequests).toEqual({ 'expectation-failed': 2 });
    // A WebSocket upgrade too, as README says of every request there, before its token is looked at: it was accepted with a 101 (tHH F3).
    const upgrade = (expectation: string) => `GET /api/ws?token=${jwt} HTTP/1.1\r\nHost: x\r\n${expectation}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await exchange(port, upgrade('Expect: foo\r\n'))).toBe('HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    expect(rt.stats().refusedRequests).toEqual({ 'expectation-failed': 3 });
    expect(rt.stats().refusedUpgrades).toEqual({});
    expect(logged.filter((entry) => (entry as { event?: string }).event === 'request-refused')).toHaveLength(1);
    // 100-continue, or none, is upgraded as before.
    expect(await exchange(port, upgrade('Expect: 100-continue\r\n'), 500)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(await exchange(port, upgrade(''), 500)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(rt.stats().refusedRequests).toEqual({ 'expectation-failed': 3 });
  });

  it('attached to an app\'s HTTP server: a request whose Expect is not 100-continue is answered 417 by Node, uncounted (README)', async () => {
    const http = createServer((_request, response) => response.end('app'));
    const port = await listen(http);
    const rt = attach(http);
    const jwt = await token('dave');
    expect(await exchange(port, `GET /api/ws/poll?token=${jwt} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
    expect(rt.stats().refusedRequests).toEqual({});
    expect(rt.stats().refusedPolls).toEqual({});
  });

  it("on its own HTTP server: an upgrade's Expect is judged by Node's own test for a plain request: \"x100-continue\" is refused 417, HTTP/1.0 with Expect: foo is served (tHP F6: neither rule was tested)", async () => {
    const { rt, port } = await loggingServer();
    const jwt = await token('dave');
    const plain = (version: string, expectation: string) => `GET /api/ws/poll?token=${jwt} HTTP/${version}\r\nHost: x\r\nExpect: ${expectation}\r\nConnection: close\r\n\r\n`;
    const upgrade = (version: string, expectation: string) => `GET /api/ws?token=${jwt} HTTP/${version}\r\nHost: x\r\nExpect: ${expectation}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    // 100-continue only as a word of its own: Node refuses a plain request's "x100-continue", and so an upgrade's.
    expect(await exchange(port, plain('1.1', 'x100-continue'))).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
    expect(await exchange(port, upgrade('1.1', 'x100-continue'))).toBe('HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    // Node judges HTTP/1.1 requests only: an HTTP/1.0 one with Expect: foo is served, and an upgrade is not refused 417 (ws
    // answers an HTTP/1.0 upgrade 400 of its own).
    expect(await exchange(port, plain('1.0', 'foo'))).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(await exchange(port, upgrade('1.0', 'foo'), 500)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(rt.stats().refusedRequests).toEqual({ 'expectation-failed': 2 });
  });

  it("attached to an app's HTTP server: an upgrade with Expect: foo is not refused 417 by this library, as Node serves it there (tHP F5: only the server's own HTTP server was tested)", async () => {
    const http = createServer((_request, response) => response.end('app'));
    const port = await listen(http);
    const rt = attach(http);
    const jwt = await token('dave');
    const upgrade = `GET /api/ws?token=${jwt} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await exchange(port, upgrade, 500)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(rt.stats().refusedRequests).toEqual({});
  });

  it("on its own HTTP server: an upgrade with Expect: foo pipelined behind a held poll is closed as pipelined, not answered 417 ahead of the poll's answer (tHP F5: out of turn on HTTP/1.1)", async () => {
    const { rt, port } = await loggingServer({ pollHoldMs: 20_000 });
    const jwt = await token('dave');
    const { cursor } = (await (await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${jwt}`)).json()) as { cursor: string };
    const held = `GET /api/ws/poll?token=${jwt}&since=${cursor} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const upgrade = `GET /api/ws?token=${jwt} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await exchange(port, held + upgrade)).toBe('');
    expect(rt.stats().refusedUpgrades).toEqual({ pipelined: 1 });
    expect(rt.stats().refusedRequests).toEqual({});
  });

  it('a client that closes its side in the middle of its head left, and sent nothing malformed: not counted nor logged as bad-request (it was: tGU F6), as one that resets', async () => {
    const { rt, logged, port } = await loggingServer();
    for (const half of ['GET /api/ws/poll HTTP/1.1\r\nHost: x\r\n', 'GET /api/ws/po', `GET /api/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n`]) {
      const closed = new Promise<void>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true }, () => socket.end(half));
        socket.on('error', () => undefined);
        socket.resume();
        socket.on('close', () => resolve());
      });
      await closed;
    }
    // A malformed one after them is counted: each before it was seen by then (one connection's refusal is reported as it closes).
    expect(await exchange(port, 'NOT A REQUEST\r\n\r\n')).toBe(NODE_400);
    expect(rt.stats().refusedRequests).toEqual({ 'bad-request': 1 });
    expect(logged.filter((entry) => (entry as { event?: string }).event === 'request-refused')).toEqual([{ event: 'request-refused', status: 400, reason: 'bad-request', ip: '127.0.0.1' }]);
  });

  it("attached: the app's own clientError listener still answers (once each), added before or after, and Node's answer comes back when it is removed; counted once each, not after close()", async () => {
    const http = createServer((_request, response) => response.end('app'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    const port = (http.address() as AddressInfo).port;
    const appSaw: string[] = [];
    // It destroys the socket with the error once its answer is out: the socket's error is the same refusal, counted once.
    const appListener = (error: NodeJS.ErrnoException, socket: Duplex) => {
      appSaw.push(error.code!);
      socket.end('HTTP/1.1 400 App Says No\r\nConnection: close\r\n\r\n', () => socket.destroy(error));
    };
    http.on('clientError', appListener);
    const logged: object[] = [];
    const log = (entry: object) => void logged.push(entry);
    const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET }, logger: { info: log, warn: log, error: log } });
    const APP = 'HTTP/1.1 400 App Says No\r\nConnection: close\r\n\r\n';
    expect(await exchange(port, oversized('/api/ws', true))).toBe(APP);
    expect(appSaw).toEqual(['HPE_HEADER_OVERFLOW']);
    expect(rt.stats().refusedRequests).toEqual({ 'headers-too-large': 1 });
    // The app's listener answered as it chose: no status said.
    expect(logged.filter((entry) => (entry as { event?: string }).event === 'request-refused')).toEqual([{ event: 'request-refused', reason: 'headers-too-large', ip: '127.0.0.1' }]);
    // Removed: Node answers again, as it would with no realtime server.
    http.off('clientError', appListener);
    expect(http.listenerCount('clientError')).toBe(0);
    expect(await exchange(port, 'NOT A REQUEST\r\n\r\n')).toBe(NODE_400);
    expect(rt.stats().refusedRequests).toEqual({ 'headers-too-large': 1, 'bad-request': 1 });
    // Added again, after the realtime server: it answers, and the refusal is counted once.
    http.on('clientError', appListener);
    expect(await exchange(port, oversized('/other'))).toBe(APP);
    expect(appSaw).toEqual(['HPE_HEADER_OVERFLOW', 'HPE_HEADER_OVERFLOW']);
    expect(rt.stats().refusedRequests).toEqual({ 'headers-too-large': 2, 'bad-request': 1 });
    await rt.close();
    // Closed: the app's listener alone is left, and nothing more is counted.
    expect(http.rawListeners('clientError')).toEqual([appListener]);
    expect(await exchange(port, oversized('/other'))).toBe(APP);
    http.off('clientError', appListener);
    expect(await exchange(port, oversized('/other'))).toBe(NODE_431);
    expect(rt.stats().refusedRequests).toEqual({ 'headers-too-large': 2, 'bad-request': 1 });
  });

  it('logs the client ip of a refusal Node answered itself when nothing read the address before (no connection limit, or attached): the socket Node destroyed has none left, and the line said ip undefined', async () => {
    const logged: object[] = [];
    const log = (entry: object) => void logged.push(entry);
    // Its own server without the per-ip connection limit (which read each address as it came).
    const own = createRealtimeServer({ port: 0, maxConnectionsPerIp: null, jwt: { secret: SECRET }, logger: { info: log, warn: log, error: log } });
    cleanup.push(() => own.close());
    await own.listening;
    expect(await exchange((own.httpServer.address() as AddressInfo).port, 'NOT A REQUEST\r\n\r\n')).toBe(NODE_400);
    // Attached to an app's server with no clientError listener of its own.
    const http = createServer((_request, response) => response.end('app'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    const attached = createRealtimeServer({ server: http, jwt: { secret: SECRET }, logger: { info: log, warn: log, error: log } });
    cleanup.push(() => attached.close());
    expect(await exchange((http.address() as AddressInfo).port, oversized('/api/ws', true))).toBe(NODE_431);
    expect(logged.filter((entry) => (entry as { event?: string }).event === 'request-refused')).toEqual([
      { event: 'request-refused', status: 400, reason: 'bad-request', ip: '127.0.0.1' },
      { event: 'request-refused', status: 431, reason: 'headers-too-large', ip: '127.0.0.1' },
    ]);
  });
});

describe('two realtime servers on one HTTP server, without an upgrade listener of the app', () => {
  it("answer each WebSocket upgrade once, the other's pollPath included: the first refused the second's as not-found, and the second again (tAW F2)", async () => {
    const http = createServer((_request, response) => response.writeHead(404).end('app 404'));
    const port = await listen(http);
    const first = attach(http, '/a');
    const second = attach(http, '/b');
    const upgrade = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const answers: string[] = [];
    for (const path of ['/b/poll', '/a/poll', '/c', '/b', '/a']) answers.push((await exchange(port, upgrade(path))).split('\r\n')[0]!);
    expect(answers).toEqual(['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 401 Unauthorized', 'HTTP/1.1 401 Unauthorized']);
    expect([first.stats().refusedUpgrades, second.stats().refusedUpgrades]).toEqual([
      { 'not-found': 2, 'no-token': 1 },
      { 'not-found': 1, 'no-token': 1 },
    ]);
  });
});

describe("README's upgrade listener on a WebSocket-only app (createServer() with no request listener, as README's first example)", () => {
  it('answers an upgrade or an h2c offer to a path no one serves 404: Node held it open, unanswered, with no timeout (tAW F3)', async () => {
    const http = createServer();
    const port = await listen(http);
    const rt = attach(http);
    const sockets = readmeUpgradeListener(http, rt);
    cleanup.push(async () => sockets.close());
    const websocket = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    const ws = await exchange(port, `GET /nope HTTP/1.1\r\nHost: x\r\n${websocket}\r\n`);
    const h2c = await exchange(port, 'GET /nope HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    expect([ws.split('\r\n')[0], h2c.split('\r\n')[0]]).toEqual(['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found']);
    expect(ws).toContain('{"error":"not-found"}');
    // The realtime server's own paths still answer: its poll path (no token: 401) offered h2c, and its socket path.
    expect((await exchange(port, 'GET /api/ws/poll HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n')).split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect((await exchange(port, `GET /api/ws HTTP/1.1\r\nHost: x\r\n${websocket}\r\n`)).split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(rt.stats().refusedUpgrades).toMatchObject({ 'not-found': 2 });
  });
});
