/**
 * The client after its own event loop was held (a long synchronous task, a GC, a debugger, a
 * process descheduled on a loaded host, a tab frozen) while its server, in another process, went
 * on answering on time. README "Keepalive": a socket silent for longer than `PING_INTERVAL_MS +
 * PONG_TIMEOUT_MS` is dropped, "neither keeps a dead socket nor drops a live one"; `connectTimeoutMs`:
 * an attempt not open by then is retried. Node runs due timers before it reads the sockets: the
 * watchdog and the connect timer judged in their timers, before the frames that came in time
 * (pings, the upgrade's answer) were read, and dropped a live socket as 4408 `silent` and failed an
 * attempt as `timeout` (tGZ F9). The hold is a busy loop: the server, in its own process, is not held.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRealtimeClient } from '../../src/client/client.js';
import type { RealtimeClient } from '../../src/client/index.js';

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
});
