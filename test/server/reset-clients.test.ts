/**
 * Clients that leave (reset their connection) right after sending a request (tGU F1, F2): what is counted and logged for them.
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, get, type IncomingMessage } from 'node:http';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, sleep, startServer } from './helpers.js';
import { AuthError, createRealtimeServer } from '../../src/server/index.js';

/**
 * Sends `request` on a new connection to `port` from another process and resets it at once, while this process's loop is held,
 * so that the server accepts the connection only after the reset (its peer address is then gone: getpeername's ENOTCONN).
 */
function resetBeforeAccepted(port: number, request: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'reset-'));
  const done = join(dir, 'done');
  const script = `const c = require('node:net').connect(${port}, '127.0.0.1', () => c.write(${JSON.stringify(request)}, () => setTimeout(() => { c.resetAndDestroy(); require('node:fs').writeFileSync(${JSON.stringify(done)}, ''); }, 20))); c.on('error', () => {});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  child.unref();
  // The loop is held (no accept) until the client has reset: bounded at 15 s.
  const deadline = Date.now() + 15_000;
  while (!existsSync(done) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  rmSync(dir, { recursive: true, force: true });
  if (Date.now() >= deadline) throw new Error('the client process did not reset its connection within 15 s');
}

describe('a poll whose client reset its connection before the server accepted it', () => {
  it('is not served with no address (its line had no ip, the rate limit counted it under a shared "unknown"): the connection is ended unread', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    const server = await startServer({ allowedOrigins: '*', authenticate: async () => (await sleep(50), { userId: 'erin', admin: false }), jwt: undefined, logger: { info: log, warn: log, error: log } });
    try {
      for (let i = 0; i < 3; i++) resetBeforeAccepted(server.port, 'GET /api/ws/poll HTTP/1.1\r\nHost: x\r\n\r\n');
      // A poll after them is served, its line (none) and stats as they should be: every request the server read was seen by now.
      const response = await fetch(server.http('/api/ws/poll'));
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(lines.filter((line) => line.event === 'poll-dropped')).toEqual([]);
      expect(lines.filter((line) => 'ip' in line && line.ip === undefined)).toEqual([]);
      expect(server.rt.stats().refusedPolls).toEqual({});
      expect(server.rt.stats().pollsServed).toBe(1);
    } finally {
      await server.rt.close();
    }
  });
});

describe('polls and upgrades whose client leaves while their token is checked, again and again', () => {
  /** Sends `text` on a new connection to `port`; resolves once the connection is closed. */
  const sendAndWait = (port: number, text: string): Promise<void> =>
    new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(text));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });

  it('are each counted, and logged (poll-dropped, upgrade-dropped) once per address and outcome each 10 s, with notLogged: a line each was hundreds a second from one client (tGU F1)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    let clock = 0;
    // The client leaves while its token is checked: the hook ends its connection and answers once it is gone.
    const authenticate = async (request: IncomingMessage) => {
      const gone = new Promise((resolve) => request.socket.once('close', resolve));
      request.socket.destroy();
      await gone;
      await new Promise((resolve) => setImmediate(resolve));
      return { userId: 'erin', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, monotonicClock: () => clock, logger: { info: log, warn: log, error: log } });
    const poll = 'GET /api/ws/poll HTTP/1.1\r\nHost: x\r\n\r\n';
    const upgrade = 'GET /api/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    try {
      for (let i = 0; i < 5; i++) await sendAndWait(server.port, poll);
      for (let i = 0; i < 5; i++) await sendAndWait(server.port, upgrade);
      await eventually(() => (server.rt.stats().refusedPolls['socket-destroyed'] ?? 0) === 5 && (server.rt.stats().refusedUpgrades['socket-destroyed'] ?? 0) === 5, 5000, 'the drops counted');
      expect(lines).toEqual([
        { event: 'poll-dropped', reason: 'socket-destroyed', userId: 'erin', ip: '127.0.0.1', url: '/api/ws/poll' },
        { event: 'upgrade-dropped', reason: 'socket-destroyed', userId: 'erin', ip: '127.0.0.1', url: '/api/ws' },
      ]);
      // 10 s later, the next of each is logged with how many were not.
      clock += 10_000;
      await sendAndWait(server.port, poll);
      await sendAndWait(server.port, upgrade);
      await eventually(() => lines.length === 4, 5000, 'the next lines');
      expect(lines.slice(2)).toEqual([
        { event: 'poll-dropped', reason: 'socket-destroyed', userId: 'erin', ip: '127.0.0.1', url: '/api/ws/poll', notLogged: 4 },
        { event: 'upgrade-dropped', reason: 'socket-destroyed', userId: 'erin', ip: '127.0.0.1', url: '/api/ws', notLogged: 4 },
      ]);
      expect(server.rt.stats().refusedPolls).toEqual({ 'socket-destroyed': 6 });
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'socket-destroyed': 6 });
    } finally {
      await server.rt.close();
    }
  });

  it('throttles an admitted and a refused dropped poll of one address apart: neither hides the other\'s line (tHE F13: the hook of the test above always admits)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    // The client leaves while its token is checked; then the hook admits the poll saying `X-Who: erin` and refuses the others.
    const authenticate = async (request: IncomingMessage) => {
      const gone = new Promise((resolve) => request.socket.once('close', resolve));
      request.socket.destroy();
      await gone;
      await new Promise((resolve) => setImmediate(resolve));
      if (request.headers['x-who'] === 'erin') return { userId: 'erin', admin: false };
      throw new AuthError(401, 'unknown-session');
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, monotonicClock: () => 0, logger: { info: log, warn: log, error: log } });
    const poll = (who: string) => `GET /api/ws/poll HTTP/1.1\r\nHost: x\r\nX-Who: ${who}\r\n\r\n`;
    try {
      for (let i = 0; i < 2; i++) {
        await sendAndWait(server.port, poll('erin'));
        await sendAndWait(server.port, poll('mallory'));
      }
      await eventually(() => (server.rt.stats().refusedPolls['socket-destroyed'] ?? 0) === 4, 5000, 'the drops counted');
      expect(lines).toEqual([
        { event: 'poll-dropped', reason: 'socket-destroyed', userId: 'erin', ip: '127.0.0.1', url: '/api/ws/poll' },
        { event: 'poll-dropped', reason: 'socket-destroyed', refusal: 'unknown-session', ip: '127.0.0.1', url: '/api/ws/poll' },
      ]);
    } finally {
      await server.rt.close();
    }
  });
});

describe('attached to an app\'s HTTP server, a poll whose client reset its connection before it was accepted', () => {
  it('is handled as any other, its line without ip and its attempt counted under one address, "unknown" (README)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    const http = createHttpServer((_request, response) => response.end('app'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const rt = createRealtimeServer({ server: http, allowedOrigins: '*', authenticate: async () => (await sleep(50), { userId: 'erin', admin: false }), logger: { info: log, warn: log, error: log } });
    try {
      resetBeforeAccepted((http.address() as AddressInfo).port, 'GET /api/ws/poll HTTP/1.1\r\nHost: x\r\n\r\n');
      await eventually(() => lines.some((line) => line.event === 'poll-dropped'), 10_000);
      expect(lines.find((line) => line.event === 'poll-dropped')).not.toHaveProperty('ip', expect.anything());
    } finally {
      await rt.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});

describe('a connection an app hands the server with no peer address (a Unix socket behind nginx: Node\'s documented connection event)', () => {
  it('is served: a poll answered 200 and a WebSocket opened (tHB F1: ended unread as a reset one, EPIPE, nothing logged)', async () => {
    const server = await startServer({ allowedOrigins: '*', authenticate: async () => ({ userId: 'erin', admin: false }), jwt: undefined });
    const dir = mkdtempSync(join(tmpdir(), 'unix-'));
    const path = join(dir, 'rt.sock');
    const unix = createServer((connection) => server.rt.httpServer.emit('connection', connection));
    try {
      await new Promise<void>((resolve) => unix.listen(path, resolve));
      const status = await new Promise<number | string>((resolve) => {
        const request = get({ socketPath: path, path: '/api/ws/poll' }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        });
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      expect(status).toBe(200);
      const opened = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws+unix://${path}:/api/ws`);
        ws.on('message', (data) => {
          resolve(JSON.parse(String(data)).type);
          ws.close();
        });
        ws.on('error', (error) => resolve(error.message));
      });
      expect(opened).toBe('connection');
    } finally {
      await new Promise<void>((resolve) => unix.close(() => resolve()));
      await server.rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
