/**
 * The upgrade request itself, on raw TCP: RFC 6455 4.1's handshake is an HTTP/1.1 (or higher) GET
 * with no body. An HTTP/1.0 upgrade was accepted with a 101, and a body (Content-Length,
 * Transfer-Encoding) was read as the socket's first frames (a hostile tester): each is refused 400
 * `bad-handshake`, counted and logged as the server's other malformed handshakes are, and its
 * connection closed. What the WebSocket path answers plain requests, and how long a connection
 * that never completes its handshake holds its place (README, "Before the upgrade: refusals").
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createConnection, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AuthError, createRealtimeServer } from '../../src/server/index.js';
import { connect, eventually, SECRET, sleep, startServer, token } from './helpers.js';

const WEBSOCKET_HEADERS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

/** What came back for `text` written on a new connection to `port`, and whether the server closed it (false: still open after `ms`, then closed here). */
function exchange(port: number, text: string, ms = 5000): Promise<{ answer: string; statusLine: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(text));
    let answer = '';
    let closedByServer = true;
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, ms);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    // A reset after the answer is the server closing it too.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, statusLine: answer.split('\r\n')[0]!, closedByServer });
    });
  });
}

/** A normal client connects, gets its `connection` message, and leaves. */
async function normalClientConnects(url: string): Promise<void> {
  const client = await connect(url);
  await client.until(() => client.count('connection') === 1, 5000, 'the connection message');
  client.ws.close();
  await client.closed;
}

describe('an upgrade RFC 6455 4.1 does not allow', () => {
  it('refuses an HTTP/1.0 upgrade and one with a body 400 bad-handshake, counted and logged, and closes its connection; a normal client still connects', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    // One attempt per user: none of the refused ones may spend it (they are refused before the token is looked at).
    // A bad handshake is logged once per address each 10 s (README): the clock moves 10 s before each, so each is logged.
    let clock = 0;
    const server = await startServer({ attemptsPerUser: { perSecond: 0.001, burst: 1 }, logger: { info: log, warn: log, error: log }, monotonicClock: () => clock });
    try {
      const jwt = await token('alice');
      const target = `/api/ws?token=${jwt}`;
      const refused: [string, string, RegExp][] = [
        ['HTTP/1.0', `GET ${target} HTTP/1.0\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`, /HTTP\/1\.0: a handshake must be HTTP\/1\.1 or higher/],
        ['HTTP/1.0 without a token', `GET /api/ws HTTP/1.0\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`, /HTTP\/1\.0/],
        ['Content-Length: 5 and its body', `GET ${target} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\nContent-Length: 5\r\n\r\nhello`, /a body/],
        // Its body never sent: refused all the same, not held waiting for it.
        ['Content-Length: 100, no body sent', `GET ${target} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\nContent-Length: 100\r\n\r\n`, /a body/],
        ['Transfer-Encoding: chunked', `GET ${target} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, /a body/],
        // Any Transfer-Encoding, an empty chunked body too.
        ['Transfer-Encoding: gzip, chunked', `GET ${target} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, /a body/],
        // RFC 7230 5.4: exactly one Host (Node asks it of requests, not of upgrades: both were accepted with a 101).
        ['no Host', `GET ${target} HTTP/1.1\r\n${WEBSOCKET_HEADERS}\r\n\r\n`, /^no Host header: a handshake has exactly one/],
        ['two Hosts', `GET ${target} HTTP/1.1\r\nHost: a\r\nHost: b\r\n${WEBSOCKET_HEADERS}\r\n\r\n`, /^2 Host headers: a handshake has exactly one/],
      ];
      for (const [what, request, detail] of refused) {
        clock += 10_000;
        const { answer, statusLine, closedByServer } = await exchange(server.port, request);
        expect([what, statusLine, closedByServer]).toEqual([what, 'HTTP/1.1 400 Bad Request', true]);
        const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: string; detail: string };
        expect(body.error).toBe('bad-handshake');
        expect(body.detail).toMatch(detail);
        // No WebSocket version was at fault: no Sec-WebSocket-Version is offered.
        expect(answer).not.toContain('Sec-WebSocket-Version');
      }
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'bad-handshake': refused.length });
      const logged = lines.filter((line) => line.event === 'upgrade-refused');
      expect(logged).toHaveLength(refused.length);
      expect(logged.every((line) => line.status === 400 && line.reason === 'bad-handshake')).toBe(true);
      expect(server.rt.stats().connections).toBe(0);
      // The user's one attempt is still there.
      await normalClientConnects(server.url({ token: jwt }));
    } finally {
      await server.rt.close();
    }
  });

  it('still accepts a handshake that says Content-Length: 0 (no body)', async () => {
    const server = await startServer();
    try {
      const { statusLine } = await exchange(server.port, `GET /api/ws?token=${await token('alice')} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\nContent-Length: 0\r\n\r\n`, 500);
      expect(statusLine).toBe('HTTP/1.1 101 Switching Protocols');
      expect(server.rt.stats().refusedUpgrades).toEqual({});
    } finally {
      await server.rt.close();
    }
  });

  it('refuses 431 an upgrade whose head Node may have cut (1000 header lines or more): a body or a second Host past the cut got a 101 (a security audit, tAM)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    const server = await startServer({ logger: { info: log, warn: log, error: log } });
    try {
      const jwt = await token('alice');
      const target = `/api/ws?token=${jwt}`;
      /** An upgrade of five header lines and `filler` more, then `last`. */
      const upgrade = (filler: number, last: string, body = '') => `GET ${target} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n${'a: b\r\n'.repeat(filler)}${last}\r\n\r\n${body}`;
      for (const [what, request] of [
        ['Content-Length past the cut', upgrade(995, 'Content-Length: 5', 'hello')],
        ['Transfer-Encoding past the cut', upgrade(995, 'Transfer-Encoding: chunked', '0\r\n\r\n')],
        ['a second Host past the cut', upgrade(1100, 'Host: y')],
      ] as const) {
        const { answer, statusLine, closedByServer } = await exchange(server.port, request);
        expect([what, statusLine, closedByServer]).toEqual([what, 'HTTP/1.1 431 Request Header Fields Too Large', true]);
        expect(answer).toContain('{"error":"headers-too-large"}');
      }
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'headers-too-large': 3 });
      // Logged once per address each 10 s, as a malformed handshake is: a client repeats it at will (tAU F6).
      expect(lines.filter((line) => line.event === 'upgrade-refused').map((line) => [line.status, line.reason])).toEqual([[431, 'headers-too-large']]);
      expect(JSON.stringify(lines)).not.toContain(jwt.split('.')[2]);
      // A head Node keeps whole is still answered on its merits.
      expect((await exchange(server.port, upgrade(900, 'Content-Length: 0'), 500)).statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    } finally {
      await server.rt.close();
    }
  });

  it("refuses them on an app's HTTP server too", async () => {
    const app = createServer((_, response) => response.writeHead(200).end('app'));
    const rt = createRealtimeServer({ server: app, jwt: { secret: SECRET } });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const port = (app.address() as AddressInfo).port;
    try {
      const jwt = await token('alice');
      for (const request of [
        `GET /api/ws?token=${jwt} HTTP/1.0\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`,
        `GET /api/ws?token=${jwt} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\nContent-Length: 5\r\n\r\nhello`,
      ]) {
        const { statusLine, closedByServer } = await exchange(port, request);
        expect([statusLine, closedByServer]).toEqual(['HTTP/1.1 400 Bad Request', true]);
      }
      expect(rt.stats().refusedUpgrades).toEqual({ 'bad-handshake': 2 });
      await normalClientConnects(`ws://127.0.0.1:${port}/api/ws?token=${jwt}`);
    } finally {
      await rt.close();
      await new Promise((resolve) => app.close(resolve));
    }
  });
});

describe('the WebSocket path, asked otherwise (README)', () => {
  it('answers a plain GET and a plain HEAD 426, another method 405 (Allow: GET, HEAD), an upgrade by HEAD or POST 405 (Allow: GET), logged as upgrade-refused once per address each 10 s', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: Record<string, unknown>) => lines.push(line);
    const server = await startServer({ logger: { info: log, warn: log, error: log } });
    try {
      const plain = (method: string) => exchange(server.port, `${method} /api/ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      const get = await plain('GET');
      expect(get.statusLine).toBe('HTTP/1.1 426 Upgrade Required');
      expect(get.answer).toContain('\r\nUpgrade: websocket\r\n');
      const head = await plain('HEAD');
      expect(head.statusLine).toBe('HTTP/1.1 426 Upgrade Required');
      // HEAD's answer has no content.
      expect(head.answer).toMatch(/\r\n\r\n$/);
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const other = await plain(method);
        expect([method, other.statusLine]).toEqual([method, 'HTTP/1.1 405 Method Not Allowed']);
        expect(other.answer).toContain('\r\nAllow: GET, HEAD\r\n');
      }
      for (const method of ['HEAD', 'POST']) {
        const upgrade = await exchange(server.port, `${method} /api/ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`);
        expect([method, upgrade.statusLine, upgrade.closedByServer]).toEqual([method, 'HTTP/1.1 405 Method Not Allowed', true]);
        expect(upgrade.answer).toContain('\r\nAllow: GET\r\n');
      }
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'method-not-allowed': 2 });
      // README: logged as upgrade-refused; the second within 10 s from the same address is counted, not logged (tDT F2: never logged).
      const refused = lines.filter((line) => line.event === 'upgrade-refused');
      expect(refused).toEqual([expect.objectContaining({ status: 405, reason: 'method-not-allowed', detail: expect.stringContaining('an upgrade by "HEAD"'), url: '/api/ws' })]);
    } finally {
      await server.rt.close();
    }
  });
});

describe('a connection that never completes its handshake (README)', () => {
  it('holds its place under maxConnectionsPerIp until its own server answers it 408 and closes it (10 s, checked every 2 s): one that sends nothing, part of its head, or its head a byte a second; the newcomer is the one closed, none evicted; a normal client connects after', async () => {
    const server = await startServer({ maxConnectionsPerIp: 3 });
    const jwt = await token('alice');
    const head = `GET /api/ws?token=${jwt} HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`;
    const trickles: NodeJS.Timeout[] = [];
    const kinds: [string, (socket: Socket) => void][] = [
      ['nothing', () => undefined],
      ['part of its head', (socket) => socket.write(head.slice(0, head.indexOf('Upgrade:')))],
      [
        'its head a byte a second',
        (socket) => {
          let sent = 0;
          trickles.push(setInterval(() => !socket.destroyed && sent < head.length && socket.write(head[sent++]!), 1000));
        },
      ],
    ];
    const stuck = kinds.map(([what, start]) => {
      const socket = createConnection({ host: '127.0.0.1', port: server.port });
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      const connected = new Promise<number>((resolve) => socket.once('connect', () => resolve(performance.now())));
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
      void connected.then(() => start(socket));
      return { what, socket, connected, closed, received: () => received };
    });
    try {
      await Promise.all(stuck.map((each) => each.connected));
      let open = 0;
      for (const deadline = Date.now() + 5000; open !== 3 && Date.now() < deadline; await sleep(20)) {
        open = await new Promise<number>((resolve) => server.rt.httpServer.getConnections((_, count) => resolve(count)));
      }
      expect(open).toBe(3);
      // Every place of 127.0.0.1 is held: a normal client is closed as it comes, the stuck ones kept.
      await expect(connect(server.url({ token: jwt }))).rejects.toThrow();
      expect(server.rt.stats().refusedConnections).toBe(1);
      expect(stuck.map((each) => each.socket.destroyed)).toEqual([false, false, false]);
      for (const each of stuck) {
        // Bounded wait: the test's own timeout is 40 s.
        const closedAt = await Promise.race([each.closed, sleep(25_000).then(() => Number.POSITIVE_INFINITY)]);
        const heldMs = closedAt - (await each.connected);
        console.info(`a connection that sent ${each.what} held its place ${(heldMs / 1000).toFixed(2)} s; answered ${JSON.stringify(each.received().split('\r\n')[0])}`);
        expect(heldMs).toBeGreaterThanOrEqual(9_500);
        expect(heldMs).toBeLessThan(25_000);
        expect([each.what, each.received()]).toEqual([each.what, expect.stringMatching(/^HTTP\/1\.1 408 Request Timeout\r\n/)]);
      }
      // Their places are free again.
      await normalClientConnects(server.url({ token: jwt }));
      expect(server.rt.stats().refusedConnections).toBe(1);
    } finally {
      for (const timer of trickles) clearInterval(timer);
      for (const each of stuck) each.socket.destroy();
      await server.rt.close();
    }
  }, 40_000);
});

describe('an upgrade whose connection is destroyed while its token is checked', () => {
  it('is counted in stats().refusedUpgrades as socket-destroyed and logged as upgrade-dropped, its token redacted (it was dropped with nothing logged or counted: a fresh user)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    let calls = 0;
    // As an upgrade listener of the app's that destroys every socket it does not serve would, while the token is checked.
    const authenticate = async (request: IncomingMessage) => {
      if (++calls === 1) request.socket.destroy();
      return { userId: 'alice', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, logger: { info: log, warn: log, error: log } });
    try {
      const dropped = await exchange(server.port, `GET /api/ws?token=the-secret-token HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`);
      expect(dropped).toEqual({ answer: '', statusLine: '', closedByServer: true });
      await eventually(() => lines.some((line) => line.event === 'upgrade-dropped'), 5000, 'the upgrade-dropped line');
      expect(lines.filter((line) => line.event === 'upgrade-dropped')).toEqual([
        { event: 'upgrade-dropped', reason: 'socket-destroyed', userId: 'alice', ip: '127.0.0.1', url: '/api/ws?token=[redacted]' },
      ]);
      expect(JSON.stringify(lines)).not.toContain('the-secret-token');
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'socket-destroyed': 1 });
      expect(server.rt.stats().connections).toBe(0);
      // Its place among alice's sockets was given back: she connects.
      await normalClientConnects(server.url({ token: 'any' }));
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'socket-destroyed': 1 });
    } finally {
      await server.rt.close();
    }
  });

  it('is counted and logged so when its token check then fails too (it was counted and logged as a 503 jwks-unavailable answered: a hostile tester)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    // The client leaves while the JWKS does not answer; the check then fails.
    const authenticate = async (request: IncomingMessage) => {
      request.socket.destroy();
      throw new AuthError(503, 'jwks-unavailable', 5);
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, logger: { info: log, warn: log, error: log } });
    try {
      const dropped = await exchange(server.port, `GET /api/ws?token=the-secret-token HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`);
      expect(dropped).toEqual({ answer: '', statusLine: '', closedByServer: true });
      await eventually(() => lines.some((line) => line.event === 'upgrade-dropped'), 5000, 'the upgrade-dropped line');
      expect(lines).toEqual([{ event: 'upgrade-dropped', reason: 'socket-destroyed', refusal: 'jwks-unavailable', ip: '127.0.0.1', url: '/api/ws?token=[redacted]' }]);
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'socket-destroyed': 1 });
    } finally {
      await server.rt.close();
    }
  });
});

describe('an upgrade whose client closes its side (a FIN) while its token is checked', () => {
  it('is seen: dropped, counted socket-destroyed and logged upgrade-dropped, whether the check then fails or succeeds (both were answered to no one, the failed one counted as a 503 answered: a hostile tester)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    let calls = 0;
    let called = (): void => undefined;
    const authenticate = async (request: IncomingMessage) => {
      const closed = new Promise((resolve) => request.socket.once('close', resolve));
      called();
      // As a JWKS that answers late: the client has left by then (or, unseen, not).
      await Promise.race([closed, sleep(1000)]);
      if (++calls === 1) throw new AuthError(503, 'jwks-unavailable', 5);
      return { userId: 'alice', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, logger: { info: log, warn: log, error: log } });
    try {
      for (const count of [1, 2]) {
        const checked = new Promise<void>((resolve) => (called = resolve));
        const socket = createConnection({ host: '127.0.0.1', port: server.port }, () => socket.write(`GET /api/ws?token=the-secret-token HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        await checked;
        socket.end();
        await eventually(() => lines.length === count, 5000, 'the upgrade-dropped line');
        expect(answer).toBe('');
        socket.destroy();
      }
      expect(lines).toEqual([
        { event: 'upgrade-dropped', reason: 'socket-destroyed', refusal: 'jwks-unavailable', ip: '127.0.0.1', url: '/api/ws?token=[redacted]' },
        { event: 'upgrade-dropped', reason: 'socket-destroyed', userId: 'alice', ip: '127.0.0.1', url: '/api/ws?token=[redacted]' },
      ]);
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'socket-destroyed': 2 });
      expect(server.rt.stats().connections).toBe(0);
    } finally {
      await server.rt.close();
    }
  });

  it('keeps what a client sent meanwhile for the WebSocket: a ping sent with the handshake is answered once it is open', async () => {
    const authenticate = async () => {
      await sleep(200);
      return { userId: 'alice', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate });
    try {
      // A masked ping with no payload, right behind the handshake (sent during the check).
      const ping = Buffer.from([0x89, 0x80, 1, 2, 3, 4]);
      const socket = createConnection({ host: '127.0.0.1', port: server.port }, () => {
        socket.write(`GET /api/ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`);
        setTimeout(() => socket.write(ping), 50);
      });
      let answer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => (answer = Buffer.concat([answer, chunk])));
      socket.on('error', () => undefined);
      await eventually(() => answer.includes(Buffer.from([0x8a, 0x00])), 5000, 'the pong');
      expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(server.rt.stats().received).toBe(1);
      socket.destroy();
    } finally {
      await server.rt.close();
    }
  });

  it('destroys the connection of a client that sends more than 16 KiB before its answer (it should send none: RFC 6455 4.1)', async () => {
    let called = (): void => undefined;
    const authenticate = async (request: IncomingMessage) => {
      called();
      await Promise.race([new Promise((resolve) => request.socket.once('close', resolve)), sleep(2000)]);
      return { userId: 'alice', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate });
    try {
      const checked = new Promise<void>((resolve) => (called = resolve));
      const socket = createConnection({ host: '127.0.0.1', port: server.port }, () => socket.write(`GET /api/ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`));
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.on('error', () => undefined);
      await checked;
      socket.write(Buffer.alloc(16 * 1024 + 1));
      await closed;
      await eventually(() => server.rt.stats().refusedUpgrades['socket-destroyed'] === 1, 5000, 'the drop');
      expect(server.rt.stats().connections).toBe(0);
    } finally {
      await server.rt.close();
    }
  });
});

describe('what a client sends with its upgrade request, before its answer', () => {
  /** Sends an upgrade's head and `early` bytes in one write, its token checked for 300 ms: the status line answered, '' if none. */
  const sendWithRequest = async (early: number): Promise<{ statusLine: string; refused: Record<string, number> }> => {
    const authenticate = async () => {
      await sleep(300);
      return { userId: 'alice', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate });
    try {
      const { statusLine } = await exchange(server.port, Buffer.concat([Buffer.from(`GET /api/ws HTTP/1.1\r\nHost: x\r\n${WEBSOCKET_HEADERS}\r\n\r\n`), Buffer.alloc(early)]).toString('latin1'), 2000);
      if (statusLine === '') await eventually(() => server.rt.stats().refusedUpgrades['socket-destroyed'] === 1, 5000, 'the drop');
      return { statusLine, refused: server.rt.stats().refusedUpgrades };
    } finally {
      await server.rt.close();
    }
  };

  it('counts the bytes Node read with the request too: 16 KiB are kept for the socket, one more destroys the connection (up to ~128 KiB were kept: tT finding 3)', async () => {
    expect((await sendWithRequest(16 * 1024)).statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await sendWithRequest(16 * 1024 + 1)).toEqual({ statusLine: '', refused: { 'socket-destroyed': 1 } });
  });
});

describe('a poll whose client leaves while its token is checked', () => {
  it('is counted in stats().refusedPolls as socket-destroyed and logged as poll-dropped, whether the check then fails or succeeds (a failed one was counted and logged as answered)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (line: object) => void lines.push(line as Record<string, unknown>);
    let calls = 0;
    const authenticate = async (request: IncomingMessage) => {
      const gone = new Promise((resolve) => request.socket.once('close', resolve));
      request.socket.destroy();
      await gone;
      await new Promise((resolve) => setImmediate(resolve));
      if (++calls === 1) throw new AuthError(503, 'jwks-unavailable', 5);
      return { userId: 'alice', admin: false };
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, logger: { info: log, warn: log, error: log } });
    try {
      for (const count of [1, 2]) {
        const dropped = await exchange(server.port, 'GET /api/ws/poll?token=the-secret-token HTTP/1.1\r\nHost: x\r\n\r\n');
        expect(dropped).toEqual({ answer: '', statusLine: '', closedByServer: true });
        await eventually(() => lines.length === count, 5000, 'the poll-dropped line');
      }
      expect(lines).toEqual([
        { event: 'poll-dropped', reason: 'socket-destroyed', refusal: 'jwks-unavailable', ip: '127.0.0.1', url: '/api/ws/poll?token=[redacted]' },
        { event: 'poll-dropped', reason: 'socket-destroyed', userId: 'alice', ip: '127.0.0.1', url: '/api/ws/poll?token=[redacted]' },
      ]);
      expect(server.rt.stats().refusedPolls).toEqual({ 'socket-destroyed': 2 });
      expect(server.rt.stats().pollsServed).toBe(0);
    } finally {
      await server.rt.close();
    }
  });
});
