/**
 * The client after its own event loop was held (a long synchronous task, a GC, a debugger, a
 * process descheduled on a loaded host, a tab frozen) while its server, in another process, went
 * on answering on time. README "Keepalive": a socket silent for longer than `PING_INTERVAL_MS +
 * PONG_TIMEOUT_MS` is dropped, "neither keeps a dead socket nor drops a live one"; `connectTimeoutMs`:
 * an attempt not open by then is retried. Node runs due timers before it reads the sockets: the
 * watchdog and the connect timer judged in their timers, before the frames that came in time
 * (pings, the upgrade's answer) were read, and dropped a live socket as 4408 `silent` and failed an
 * attempt as `timeout` (tGZ F9). The poll's timer (`pollTimeoutMs`) did the same to a poll
 * answered in time: aborted unread, told `disconnected` (tHK F1); and the token provider's wait
 * (the connect timeout's) to a token given in time: `CLIENT_TOKEN_ERROR` timeout, a failed
 * attempt (tHK F2).
 * The hold is a busy loop: the server, in its own process, is not held.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createRealtimeClient } from '../../src/client/client.js';
import type { RealtimeClient } from '../../src/client/index.js';
import { SECRET, sign } from './support/reference.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * A ws server in a child process, on 127.0.0.1 (port 0): each socket is told `connection` and
 * pinged every 100 ms (`pings` false: never, a server gone silent). Prints its port, then
 * `socket` for each socket it accepts.
 */
async function pingingServer(pings = true): Promise<{ url: string; sockets: () => number }> {
  const code = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => console.log('port ' + wss.address().port));
wss.on('connection', (ws) => {
  console.log('socket');
  ws.send(JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: new Date().toISOString() }));
  const timer = ${pings} && setInterval(() => ws.send(JSON.stringify({ type: 'ping', timestamp: Date.now() })), 100);
  ws.on('close', () => clearInterval(timer));
});
// Ends with the test's process (its stdin closes).
process.stdin.on('end', () => process.exit(0)).resume();`;
  const child: ChildProcess = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill());
  let sockets = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (exitCode) => reject(new Error(`the server's process exited (${exitCode}) before it listened`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'socket') sockets++;
      else if (line.startsWith('port ')) resolve(Number(line.slice(5)));
    });
  });
  return { url: `ws://127.0.0.1:${port}/api/ws`, sockets: () => sockets };
}

/**
 * The reference server (src/server) in a child process, on 127.0.0.1 (port 0), with its
 * `options` (JSON), and beside it a token service that answers each request with a JWT for
 * alice 300 ms after it came. Prints `poll` for each poll that reaches the server and `token` for
 * each token request, so that the test holds its loop once one is under way.
 */
async function referenceServer(options: Record<string, unknown>): Promise<{ url: string; tokenUrl: string; polls: () => number; tokens: () => number }> {
  const code = `
import { createServer } from 'node:http';
import { SignJWT } from 'jose';
import { createRealtimeServer } from './src/server/index.ts';
const secret = new TextEncoder().encode(${JSON.stringify(SECRET)});
const http = createServer();
// Told as each request is emitted, before any listener (the server's own come first, and guard an app's).
const emit = http.emit;
http.emit = function (event, req, ...rest) {
  if (event === 'request' && req.url.startsWith('/api/ws/poll')) console.log('poll');
  return emit.call(this, event, req, ...rest);
};
createRealtimeServer({ server: http, jwt: { secret: ${JSON.stringify(SECRET)} }, ...${JSON.stringify(options)} });
const tokens = createServer(async (req, res) => {
  console.log('token');
  const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime('1h').sign(secret);
  setTimeout(() => res.end(jwt), 300);
});
await new Promise((resolve) => tokens.listen(0, '127.0.0.1', resolve));
http.listen(0, '127.0.0.1', () => console.log('ports ' + http.address().port + ' ' + tokens.address().port));
// Ends with the test's process (its stdin closes).
process.stdin.on('end', () => process.exit(0)).resume();`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill());
  let polls = 0;
  let tokens = 0;
  const ports = await new Promise<string[]>((resolve, reject) => {
    child.once('exit', (exitCode) => reject(new Error(`the server's process exited (${exitCode}) before it listened`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'poll') polls++;
      else if (line === 'token') tokens++;
      else if (line.startsWith('ports ')) resolve(line.slice(6).split(' '));
    });
  });
  return { url: `ws://127.0.0.1:${ports[0]}/api/ws`, tokenUrl: `http://127.0.0.1:${ports[1]}/token`, polls: () => polls, tokens: () => tokens };
}

/** Waits on the monotonic clock, every 10 ms, up to `ms` (a bound, not a speed assertion). */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Holds this process's event loop `ms` (nothing is read meanwhile; the server's process goes on). */
function hold(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

function track(client: RealtimeClient): RealtimeClient {
  cleanups.unshift(() => client.disconnect());
  return client;
}

describe('the client after its own event loop was held', () => {
  it('keeps a socket whose server pinged on time while the loop was held past the allowed silence (it was dropped 4408 silent)', async () => {
    const { url, sockets } = await pingingServer();
    // Allowed silence: 600 + 300 = 900 ms, held 1,500 ms.
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, polling: false }));
    let pings = 0;
    client.on('ping', () => pings++);
    client.connect('tok');
    await until(() => client.getStatus().mode === 'ws' && pings >= 3, 'the socket open and 3 pings');
    const before = pings;
    hold(1_500);
    // The pings that came during the hold are read, and more after it.
    await until(() => pings >= before + 20, '20 more pings');
    expect(client.getStatus().lastClose, 'the live socket was dropped').toBeNull();
    expect(client.getStatus().state).toBe('open');
    expect(sockets()).toBe(1);
  }, 30_000);

  it('keeps a socket whose server pinged on time while the loop was held twice, a short yield between, each past the allowed silence (the judgement again of the first late timer fired late too, before the second hold\'s pings were read: dropped 4408 silent; tHU F1)', async () => {
    const { url, sockets } = await pingingServer();
    // Allowed silence: 600 + 300 = 900 ms. The first hold (1,500 ms) fires the watchdog 600 to
    // 1,500 ms late: it judges again that much later, 2,100 to 3,000 ms after the first hold began,
    // within the second hold (from 1,700 to 4,200 ms), which fires it late in turn.
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, polling: false }));
    let pings = 0;
    client.on('ping', () => pings++);
    client.connect('tok');
    await until(() => client.getStatus().mode === 'ws' && pings >= 3, 'the socket open and 3 pings');
    hold(1_500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    hold(2_500);
    const before = pings;
    // The pings that came during the second hold are read, and more after it.
    await until(() => pings >= before + 20, '20 more pings');
    expect(client.getStatus().lastClose, 'the live socket was dropped').toBeNull();
    expect(client.getStatus().state).toBe('open');
    expect(sockets()).toBe(1);
  }, 30_000);

  it('opens the attempt whose server answered at once though the loop was held past the connect timeout (it failed as timeout, and waited a backoff)', async () => {
    const { url, sockets } = await pingingServer();
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, connectTimeoutMs: 1_000, polling: false }));
    client.connect('tok');
    hold(1_500);
    await until(() => client.getStatus().mode === 'ws', 'the socket open');
    expect(client.getStatus().reconnectAttempts, 'the attempt failed').toBe(0);
    expect(client.getStatus().lastClose).toBeNull();
    expect(sockets()).toBe(1);
  }, 30_000);

  it('still drops a socket whose server went silent, held or not (judged again once, not kept)', async () => {
    const { url } = await pingingServer(false);
    const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, connectTimeoutMs: 1_000, polling: false }));
    client.connect('tok');
    await until(() => client.getStatus().mode === 'ws', 'the socket open');
    hold(1_500);
    await until(() => client.getStatus().lastClose !== null, 'the silent socket dropped');
    expect(client.getStatus().lastClose).toEqual({ code: 4408, reason: 'silent' });
  }, 30_000);

  it('reads a poll answered in time though the loop was held past `pollTimeoutMs` (it was aborted unread: told `disconnected`, offline, a failed poll: tHK F1)', async () => {
    // Polls only (upgrades refused 404); a poll with a cursor is held 200 ms on a quiet stream.
    const server = await referenceServer({ webSocket: false, pollHoldMs: 200 });
    const client = track(createRealtimeClient({ url: server.url, WebSocket: WebSocket as never, fetch, fallbackAfter: 0, pollTimeoutMs: 1_000 }));
    const told: string[] = [];
    const modes: string[] = [];
    client.on('connection', (d) => told.push(`${d.status} over ${d.mode}`));
    client.on('status', (st) => modes.push(st.mode));
    client.connect(await sign('alice'));
    await until(() => client.getStatus().mode === 'polling' && server.polls() >= 2, 'polls with a cursor');
    // A poll reached the server, which answers it within 200 ms: the loop is held 3 s from then,
    // past the poll's 1 s timeout, while the answer waits unread.
    const polls = server.polls();
    await until(() => server.polls() > polls, 'the next poll at the server');
    modes.length = 0;
    hold(3_000);
    // The polls that follow the held one: it was read, and the client polls on.
    await until(() => server.polls() >= polls + 3, 'two more polls');
    expect(told).toEqual(['connected over polling']);
    expect(modes.filter((mode) => mode !== 'polling'), 'the modes told after the hold').toEqual([]);
    expect(client.getStatus()).toMatchObject({ mode: 'polling', state: 'polling' });
  }, 60_000);

  it('takes a token its provider gave in time though the loop was held past the connect timeout (it failed as `CLIENT_TOKEN_ERROR` timeout, waited a backoff and asked again: tHK F2)', async () => {
    const server = await referenceServer({});
    const client = track(createRealtimeClient({ url: server.url, WebSocket: WebSocket as never, connectTimeoutMs: 1_000, polling: false }));
    const errors: string[] = [];
    client.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
    client.connect(() => fetch(server.tokenUrl).then((response) => response.text()));
    // The provider's request reached the token service, which answers 300 ms later: the loop is
    // held 2.5 s from then, past the 1 s connect timeout, while the token waits unread.
    await until(() => server.tokens() === 1, 'the token request');
    hold(2_500);
    await until(() => client.getStatus().mode === 'ws', 'the socket open');
    expect(errors).toEqual([]);
    expect(client.getStatus().reconnectAttempts, 'the attempt failed').toBe(0);
    expect(server.tokens(), 'the provider asked again').toBe(1);
  }, 60_000);

  it('judges a silent socket again at most the connect timeout after its late timer, however long the loop was held (held 10 s past a 1 s connect timeout: kept 10 s more, not 1; tHE F7)', async () => {
    const { url } = await pingingServer(false);
    // The client's clock (performance.now()) jumps as a held loop's does, no timer firing meanwhile; its timers run on a
    // fake clock advanced here. The socket itself is real.
    let jumped = 0;
    const real = performance.now.bind(performance);
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => real() + jumped);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const client = track(createRealtimeClient({ url, WebSocket: WebSocket as never, pingIntervalMs: 600, pongTimeoutMs: 300, connectTimeoutMs: 1_000, polling: false }));
      client.connect('tok');
      // Waited on the wall clock (not faked), by turns of the loop: a bound only.
      for (const end = Date.now() + 20_000; client.getStatus().mode !== 'ws'; await new Promise((resolve) => setImmediate(resolve))) {
        if (Date.now() > end) throw new Error('timed out waiting for the socket open');
      }
      // The loop held 10 s: the watchdog (900 ms of allowed silence) fires 10 s late, and re-arms once.
      jumped += 10_000;
      vi.advanceTimersByTime(900);
      expect(client.getStatus().lastClose, 'dropped at once, not judged again').toBeNull();
      // Judged again within the connect timeout, 1 s: the socket, silent still, is dropped.
      vi.advanceTimersByTime(1_000);
      expect(client.getStatus().lastClose).toEqual({ code: 4408, reason: 'silent' });
    } finally {
      vi.useRealTimers();
      clock.mockRestore();
    }
  }, 30_000);
});

describe('the connect timeout, on the client\'s own clock', () => {
  it('fails an upgrade never answered connectTimeoutMs after the attempt began (and two timers\' turns), not later (tHE F17: C06, the deadline a second late, passed every test)', async () => {
    // A TCP server that takes the connection and never answers the upgrade.
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    // The client's clock (performance.now()) and timers are faked and advanced here; the socket is real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    try {
      const client = track(createRealtimeClient({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, WebSocket: WebSocket as never, connectTimeoutMs: 1_000, polling: false }));
      client.connect('tok');
      // Waited on the wall clock (not faked), by turns of the loop: a bound only.
      for (const end = Date.now() + 20_000; sockets.length === 0; await new Promise((resolve) => setImmediate(resolve))) {
        if (Date.now() > end) throw new Error('timed out waiting for the connection');
      }
      vi.advanceTimersByTime(999);
      expect({ state: client.getStatus().state, reconnectAttempts: client.getStatus().reconnectAttempts }).toEqual({ state: 'connecting', reconnectAttempts: 0 });
      // At 1 000 ms the deadline is met, judged again two timers' turns (1 ms each: the time it fired late
      // by, 0, then the judgement's own, after the frames read meanwhile) later: failed, a retry waiting.
      vi.advanceTimersByTime(3);
      expect(client.getStatus()).toMatchObject({ state: 'waiting', reconnectAttempts: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
