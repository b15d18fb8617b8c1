/**
 * `listen` pointed at backends that break the contract in ways it let pass or misnamed (tBQ):
 * each is said as the contract break it is.
 */
import { SignJWT } from 'jose';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';
import { SECRET, startServer, token } from '../server/helpers.js';

afterEach(stopWsServers);

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: '2026-01-14T16:30:00.000Z' });

/** A valid `system_health` whose open map has `keys` keys: a frame listen takes a while (seconds at 1,500,000) to check. */
function largeFrame(keys: number): string {
  const parts = ['{"type":"system_health","data":{"status":"healthy","uptime":1,"cpu_percent":1,"memory_percent":1,"disk_percent":1,"database":"connected","redis":"connected","last_trade":null,"error_rate":0,"exchange_connections":{'];
  for (let i = 0; i < keys; i++) parts.push(`${i ? ',' : ''}"x${i.toString(36)}":"ok"`);
  parts.push('}},"ts":"2026-01-14T16:30:00.000Z"}');
  return parts.join('');
}

type Report = { close: { code: number } | null; frames: number; invalid: number; violations: { index: number | null; keyword: string; message: string }[]; warnings: { index: number | null; keyword?: string; message: string }[] };

// tBQ F10: what came while listen checked a large frame, past --duration, was read after the run's
// end and dropped: a close with 4000, or an invalid frame, that came inside the run passed (exit 0).
// --duration 2s: the large frame must have come inside the run (with 500 ms, under load, it had not,
// and the run ended on 1 frame: fxEO), and checking it takes longer (seconds, 46 s under load).
it('a close that comes while listen checks a large frame past --duration is judged: exit 1', async () => {
  const big = largeFrame(1_500_000);
  const url = await wsServer((ws) => {
    ws.send(connection);
    // Sent once the large frame is on its way: it comes while listen checks that frame.
    ws.send(big, () => setTimeout(() => ws.close(4000, 'bad'), 100));
  });
  const { status, stdout, stderr } = await runListen([url, '--duration', '2s', '--no-ping', '--format', 'json'], {}, 120_000);
  const report = JSON.parse(stdout) as Report;
  expect(report.frames, stderr).toBe(2);
  expect(report.close?.code).toBe(4000);
  expect(report.violations).toContainEqual(expect.objectContaining({ keyword: 'close', message: expect.stringMatching(/^the server closed the connection with 4000 "bad" before the run ended/) }));
  expect(status).toBe(1);
}, 180_000); // listen checking 1,500,000 keys took 46-48 s under load: its kill (120 s) inside the test's time, both past the default 60 s (tFK F3)

it('an invalid frame that comes while listen checks a large frame past --duration is judged: exit 1', async () => {
  const big = largeFrame(1_500_000);
  const url = await wsServer((ws) => {
    ws.send(connection);
    ws.send(big, () => setTimeout(() => ws.send(JSON.stringify({ type: 'trades', data: { side: 'BUY' } })), 100));
  });
  const { status, stdout, stderr } = await runListen([url, '--duration', '2s', '--no-ping', '--format', 'json'], {}, 120_000);
  const report = JSON.parse(stdout) as Report;
  expect(report.frames, stderr).toBe(3);
  expect(report.invalid).toBe(1);
  expect(report.violations).toContainEqual(expect.objectContaining({ index: 2 }));
  expect(status).toBe(1);
}, 180_000); // listen checking 1,500,000 keys took 46-48 s under load: its kill (120 s) inside the test's time, both past the default 60 s (tFK F3)

const tokenExpiringIn = (seconds: number) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(Math.floor(Date.now() / 1000) + seconds).sign(new TextEncoder().encode('x'.repeat(40)));

// tBQ F1: a backend that accepted a token dead for an hour passed (exit 0), and its 4401 was
// excused with "give a token that outlives --duration", which no --duration would have helped.
it('a server that accepts a token expired an hour before the upgrade breaks the contract (401 before the upgrade), and its 4401 is not excused as a run that outlived the token: exit 1', async () => {
  const url = await wsServer((ws) => {
    ws.send(connection);
    setTimeout(() => ws.close(4401, 'token expired'), 200);
  });
  const { status, stdout, stderr } = await runListen([url, '--token', await tokenExpiringIn(-3600), '--duration', '3s', '--no-ping']);
  expect(stdout).toMatch(/^protocol: - \(root\) expected the server to refuse the upgrade with HTTP 401, got it accepted with a token that had expired \(its exp \S+, \d+ s before it by listen's clock .*\): the server validates the token before it accepts the connection/m);
  expect(stderr).toMatch(/^close: warning: .* 4401 "token expired" before the run ended: TokenExpired, .*the token had expired at the upgrade, \d+ s before it by listen's clock .*, and the server accepted it \(the protocol violation\): give a token that has not expired/m);
  expect(stderr).not.toContain('(give a token that outlives --duration)');
  expect(status).toBe(1);
});

it("a server that accepts an expired token and streams on breaks the contract too: exit 1 (JSON: keyword protocol)", async () => {
  const url = await wsServer((ws) => ws.send(connection));
  const { status, stdout } = await runListen([url, '--token', await tokenExpiringIn(-3600), '--duration', '500ms', '--no-ping', '--format', 'json']);
  const report = JSON.parse(stdout) as Report;
  expect(report.violations).toEqual([expect.objectContaining({ index: null, keyword: 'protocol', message: expect.stringContaining('expected the server to refuse the upgrade with HTTP 401') })]);
  expect(status).toBe(1);
});

it("by the server's own clock (the Date header of its 101 answer): a token that had expired by that clock at the upgrade was to be refused", async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  try {
    await new Promise((resolve) => wss.once('listening', resolve));
    // A server clock an hour ahead of listen's; the token has a minute left by listen's clock.
    wss.on('headers', (headers) => headers.push(`Date: ${new Date(Date.now() + 3_600_000).toUTCString()}`));
    wss.on('connection', (ws) => ws.send(connection));
    const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/api/ws`;
    const { status, stdout } = await runListen([url, '--token', await tokenExpiringIn(60), '--duration', '500ms', '--no-ping']);
    // The Date header has whole seconds: its cut fraction and the answer's way to listen may take
    // more than the half second listen adds, 3599 s then (as listen-clock's 4401 test reads 59 s).
    expect(stdout).toMatch(/^protocol: - \(root\) expected the server to refuse the upgrade with HTTP 401, got it accepted with a token that had expired \(its exp \S+, \d+ s before it by the server's clock \(the Date header of its 101 answer, about (?:3599|3600) s ahead of listen's\); more than/m);
    expect(status).toBe(1);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
});

// tCC F6: the package's own server, configured with jwt.clockToleranceSec 120 (it takes 0 to 300),
// accepts a token expired a minute before, as told; listen called it a violator past 30 s.
it("the package's own server with a clock tolerance of 120 s accepting a token expired 60 s before is a warning naming the tolerance listen assumed, not a violation: exit 0", async () => {
  const { rt, url } = await startServer({ jwt: { secret: SECRET, clockToleranceSec: 120 } });
  try {
    const { status, stdout, stderr } = await runListen([url(), '--token', await token('alice', { exp: Math.floor(Date.now() / 1000) - 60 }), '--duration', '1s', '--no-ping']);
    expect(stderr).toMatch(/^protocol: warning: - \(root\) the server accepted the upgrade with a token that had expired \(its exp \S+, \d+ s before it by listen's clock .*\): within the clock tolerance listen allows a server, 300 s \(the most the reference server's jwt.clockToleranceSec takes\), so no violation; a server whose tolerance is less breaks the contract's rule that the server validates the token before it accepts the connection and refuses a missing, malformed, expired or badly signed one with HTTP 401 \(Connecting\)$/m);
    expect(stdout).toMatch(/0 violations\n$/);
    expect(status).toBe(0);
  } finally {
    await rt.close();
  }
  // Past 300 s, the most any reference server takes: the violation says the tolerance assumed.
  const stale = await wsServer((ws) => ws.send(connection));
  const { status, stdout } = await runListen([stale, '--token', await tokenExpiringIn(-400), '--duration', '500ms', '--no-ping']);
  expect(stdout).toMatch(/^protocol: - \(root\) expected the server to refuse the upgrade with HTTP 401, got it accepted with a token that had expired \(its exp \S+, 40\d s before it by listen's clock .*; more than 300 s, past the clock tolerance listen allows a server, the most the reference server takes: jwt.clockToleranceSec up to 300 s\)/m);
  expect(status).toBe(1);
});

/** Runs `run` against a WebSocket server on loopback whose 101 answer has `Date: <header>` and which greets each socket with `connection`; stops it after. */
async function withDateHeader(header: string, run: (url: string) => Promise<void>): Promise<void> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  try {
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('headers', (headers) => headers.push(`Date: ${header}`));
    wss.on('connection', (ws) => ws.send(connection));
    await run(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/api/ws`);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
}

// tCC F1: Date.parse read "2099" as the server's clock, 72 years ahead: a token valid for an hour
// was "accepted though expired" (exit 1); "soon 1" read as 2001 hid a real violation.
it.each([
  ['2099', 3600, 0],
  ['Dec 6 2099', 3600, 0],
  ['1.5', 3600, 0],
  ['soon 1', -600, 1],
  ['Sat, 06 Dec 2026 00:00:00', -600, 1],
])('a Date header %j of the 101 answer is no HTTP date: said so, and listen\'s clock judges the token (exp in %i s: exit %i)', async (header, expiresIn, exit) => {
  await withDateHeader(header, async (url) => {
    const { status, stdout } = await runListen([url, '--token', await tokenExpiringIn(expiresIn), '--duration', '500ms', '--no-ping']);
    if (exit === 0) expect(stdout).toMatch(/0 violations\n$/);
    else expect(stdout).toContain(`s before it by listen's clock (the server's 101 answer had a Date header that is no HTTP date, ${JSON.stringify(header)}, to compare the clocks)`);
    expect(status).toBe(exit);
  });
});

it("a Date header in each form RFC 9110 gives (IMF-fixdate, rfc850, asctime) is the server's clock", async () => {
  const ahead = new Date(Date.now() + 3_600_000);
  const [, day, dd, mon, yyyy, time] = /^(\w+), (\d{2}) (\w{3}) (\d{4}) (\S+) GMT$/.exec(ahead.toUTCString())!;
  const long = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][ahead.getUTCDay()];
  for (const header of [ahead.toUTCString(), `${long}, ${dd}-${mon}-${yyyy!.slice(2)} ${time} GMT`, `${day} ${mon} ${String(Number(dd)).padStart(2, ' ')} ${time} ${yyyy}`]) {
    await withDateHeader(header, async (url) => {
      const { status, stdout } = await runListen([url, '--token', await tokenExpiringIn(60), '--duration', '500ms', '--no-ping']);
      expect(stdout, header).toMatch(/by the server's clock \(the Date header of its 101 answer, about 3[56]\d\d s ahead of listen's\)/);
      expect(status).toBe(1);
    });
  }
});

// tBQ F4: a pong 10.5 s after listen's ping was said to be "none", while the report counted it (pong 1).
// tCC F5: the violation is said at the timeout ("none by then"), and the late pong as a warning.
it("a pong that comes after the contract's pong timeout: the violation said at the timeout, the pong a warning with its frame and how late: exit 1", { timeout: 60_000 }, async () => {
  const url = await wsServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' }));
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; timestamp: number };
      if (message.type === 'ping') setTimeout(() => ws.send(JSON.stringify({ type: 'pong', timestamp: message.timestamp })), 10_500);
    });
  });
  const { status, stdout, stderr } = await runListen([url, '--duration', '13s', '--ping-interval', '60000', '--format', 'json'], {}, 40_000);
  const report = JSON.parse(stdout) as Report & { counts: Record<string, number> };
  expect(report.counts, stderr).toEqual({ connection: 1, pong: 1 });
  expect(report.violations).toEqual([expect.objectContaining({ index: null, keyword: 'keepalive', message: expect.stringMatching(/^expected a pong echoing listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) within 10000 ms \(the contract's pong timeout\), got none by then: /) })]);
  expect(report.warnings).toEqual([expect.objectContaining({ index: null, keyword: 'keepalive', message: expect.stringMatching(/^the pong echoing listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) came late, \d+ ms after the ping \(frame 1\), past the contract's pong timeout/) })]);
  expect(status).toBe(1);
});

// tCC F5: a pong that never came was said only at the run's end: nothing for an hour of
// --duration 1h, and never by a run a CI step's hard timeout kills (SIGKILL).
it('a pong that never comes is said at the pong timeout, while the run goes on: a run killed then has said it', { timeout: 60_000 }, async () => {
  const url = await wsServer((ws) => ws.send(JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' })));
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/cli/main.ts'), 'listen', url, '--duration', '50s', '--ping-interval', '600000']);
  let stdout = '';
  const said = await new Promise<boolean>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      // Killed as a hard timeout would, once the keepalive line is out: still running, no summary yet.
      if (/^keepalive: /m.test(stdout)) resolve(child.exitCode === null && !/violations?\n$/.test(stdout));
    });
    child.on('close', () => resolve(false));
  });
  child.kill('SIGKILL');
  expect(said, stdout).toBe(true);
  expect(stdout).toMatch(/^keepalive: - \(root\) expected a pong echoing listen's ping \(timestamp \d+, sent after frame 0, the first with a cursor\) within 10000 ms \(the contract's pong timeout\), got none by then: /m);
});

// tBQ F8: a 101 without Connection: Upgrade (or without Upgrade), as a proxy that drops hop-by-hop
// headers sends it, was said to be "the server refused the upgrade with HTTP 101 Switching Protocols".
it("a 101 answer without Connection: Upgrade, or without Upgrade, names the missing header: exit 2", async () => {
  for (const [headers, said] of [
    ['Upgrade: websocket\r\n', "the server's 101 answer must say Connection: Upgrade (RFC 6455 §4.2.2), got none"],
    ['Connection: Upgrade\r\n', "the server's 101 answer must say Upgrade: websocket (RFC 6455 §4.2.2), got none"],
  ] as const) {
    const server = createServer();
    server.on('upgrade', (request, socket: Socket) => {
      const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.on('error', () => undefined);
      socket.write(`HTTP/1.1 101 Switching Protocols\r\n${headers}Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { status, stderr } = await runListen([`ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, '--token', 'abcdefghijk', '--duration', '3s']);
      expect(stderr).toContain(said);
      expect(stderr).not.toContain('refused');
      expect(status).toBe(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }
});

/**
 * Sends the greeting, then `bytes` raw on the socket: listen (`--count 2`) must say the frame as
 * `said`, that it got 1 frame of 2 before it refused the server's `end` frame, and exit 1.
 */
async function expectRefusedFrame(bytes: readonly number[], said: RegExp, end: string): Promise<void> {
  const url = await wsServer((ws) => {
    ws.send(connection);
    (ws as unknown as { _socket: Socket })._socket.write(Buffer.from(bytes));
  });
  const { status, stdout } = await runListen([url, '--token', 'abcdefghijk', '--duration', '10s', '--count', '2', '--no-ping']);
  expect(stdout).toMatch(said);
  expect(stdout).toMatch(new RegExp(`^protocol: - \\(root\\) expected 2 frames within 10000 ms, got 1 before this client refused the server's ${end} frame$`, 'm'));
  expect(stdout).toMatch(/^1 frame \(1 valid, 0 invalid\), 2 violations$/m);
  expect(status).toBe(1);
  await stopWsServers();
}

// tBQ F2: a close frame with a code no endpoint may send (1005, 1015, 999) was said in ws's words
// as "frame 1", a message frame of the count (it completed --count 2), with no close: line.
it("a close frame with a reserved or invalid status code, or a payload of 1 byte, is the server's close said as such, no message frame: exit 1", async () => {
  for (const [bytes, said] of [
    [[0x88, 0x02, 0x03, 0xed], /^close: - \(root\) expected a close frame whose status code is one a server may send \(RFC 6455 §7\.4: 1000 to 1003, 1007 to 1014, 3000 to 4999\), got 1005 \(reserved: it "MUST NOT be set as a status code in a Close control frame by an endpoint" \(RFC 6455 §7\.4\.1; what an endpoint reports for a close frame without a code\)\), which this client had to refuse: Invalid WebSocket frame: invalid status code 1005; the run ends here/m],
    [[0x88, 0x02, 0x03, 0xf7], /^close: - \(root\) expected a close frame whose status code .* got 1015 \(reserved: .*a failed TLS handshake\)\)/m],
    [[0x88, 0x02, 0x03, 0xe7], /^close: - \(root\) expected a close frame whose status code .* got 999 \(below 1000: no status code \(RFC 6455 §7\.4\.2\)\)/m],
    [[0x88, 0x01, 0x03], /^close: - \(root\) expected a close frame whose payload is empty or begins with a 2-byte status code \(RFC 6455 §5\.5\.1\), got one of 1 byte/m],
  ] as const) {
    await expectRefusedFrame(bytes, said, 'close');
  }
});

// tCC F2: a close frame over 125 bytes was "of 126 bytes" (ws's 7-bit marker, not the length its
// header gave), and a ping control frame ws refused (too long, RSV1 set) was "frame 1" in ws's
// words, a message frame of the count, as a refused close frame was before tBQ F2.
it('a control frame refused in its header is said with the length its header gave, and a ping or pong so refused is no message frame: exit 1', async () => {
  const long = (opcode: number, size: number) => [opcode, ...(size < 65536 ? [126, size >> 8, size & 0xff] : [127, 0, 0, 0, 0, (size >>> 24) & 0xff, (size >> 16) & 0xff, (size >> 8) & 0xff, size & 0xff]), 0x03, 0xe8, ...Array<number>(size - 2).fill(0x61)];
  for (const [bytes, said, end] of [
    // One size on the line: ws's "invalid payload length 126" (or 127) is the header's 7-bit marker, not the size (tCL F4).
    [long(0x88, 200), /^close: - \(root\) expected a close frame of at most 125 bytes \(RFC 6455 §5\.5\), got one of 200 bytes, which this client had to refuse: Invalid WebSocket frame: invalid payload length; the run ends here/m, 'close'],
    [long(0x88, 70_000), /^close: - \(root\) expected a close frame of at most 125 bytes \(RFC 6455 §5\.5\), got one of 70000 bytes, which this client had to refuse: Invalid WebSocket frame: invalid payload length; the run ends here/m, 'close'],
    [long(0x89, 200), /^frame: - \(root\) expected a ping frame of at most 125 bytes \(RFC 6455 §5\.5\), got one of 200 bytes, a control frame \(no message frame of the count\), which this client had to refuse: Invalid WebSocket frame: invalid payload length; the run ends here/m, 'ping'],
    [long(0x8a, 126), /^frame: - \(root\) expected a pong frame of at most 125 bytes \(RFC 6455 §5\.5\), got one of 126 bytes, a control frame \(no message frame of the count\), which this client had to refuse: Invalid WebSocket frame: invalid payload length 126; the run ends here/m, 'pong'],
    // A length of 125 or less written in an extended field: the writing is the fault, and ws's marker stays (tCO F2: "at most 125 bytes, got one of 5").
    [[0x89, 126, 0, 5, ...Buffer.from('hello')], /^frame: - \(root\) expected a ping frame whose length is in its 7-bit field \(RFC 6455 §5\.5: at most 125 bytes; §5\.2: in the minimal number of bytes\), got one whose header gives its 5 bytes in an extended 16-bit length \(marker 126\), a control frame \(no message frame of the count\), which this client had to refuse: Invalid WebSocket frame: invalid payload length 126; the run ends here/m, 'ping'],
    [[0x88, 127, 0, 0, 0, 0, 0, 0, 0, 1, 0x03], /^close: - \(root\) expected a close frame whose length is in its 7-bit field \(RFC 6455 §5\.5: at most 125 bytes; §5\.2: in the minimal number of bytes\), got one whose header gives its 1 byte in an extended 64-bit length \(marker 127\), which this client had to refuse: Invalid WebSocket frame: invalid payload length 127; the run ends here/m, 'close'],
    // tCV F4: a 64-bit length past 2^53 was said rounded (18446744073709552000 for 2^64 - 1), and its most significant bit set (§5.2) not at all.
    [[0x89, 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], /^frame: - \(root\) expected a ping frame of at most 125 bytes \(RFC 6455 §5\.5\), got one of 18446744073709551615 bytes, a 64-bit length whose most significant bit is set \(RFC 6455 §5\.2: it MUST be 0\), a control frame \(no message frame of the count\), which this client had to refuse: Invalid WebSocket frame: invalid payload length; the run ends here/m, 'ping'],
    [[0x88, 127, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], /^close: - \(root\) expected a close frame of at most 125 bytes \(RFC 6455 §5\.5\), got one of 9007199254740993 bytes, which this client had to refuse: Invalid WebSocket frame: invalid payload length; the run ends here/m, 'close'],
    [[0xc9, 0x05, ...Buffer.from('Hello')], /^frame: - \(root\) expected a ping frame with RSV1 clear \(RFC 6455 §5\.2: .*\), got one with it set, a control frame/m, 'ping'],
    [[0x0a, 0x00], /^frame: - \(root\) expected a pong frame with FIN set \(RFC 6455 §5\.5: a control frame is never fragmented\), got one without, a control frame/m, 'pong'],
  ] as const) {
    await expectRefusedFrame(bytes, said, end);
  }
});

// tCQ F5: a header whose 16-bit extended length comes in a later TCP segment (ws refuses on the marker alone)
// was "at most 125 bytes, got one whose header gave more", ws's marker dropped and no size in its place.
it('a control frame whose extended length has not come when ws refuses its marker is told that marker, ws\'s marker kept: exit 1', async () => {
  for (const [bytes, said, end] of [
    [[0x89, 126], /^frame: - \(root\) expected a ping frame whose length is in its 7-bit field \(RFC 6455 §5\.5: at most 125 bytes; §5\.2: in the minimal number of bytes\), got one whose header writes its length in an extended 16-bit field \(marker 126\), refused before that length came, a control frame \(no message frame of the count\), which this client had to refuse: Invalid WebSocket frame: invalid payload length 126; the run ends here/m, 'ping'],
    [[0x88, 127, 0, 0], /^close: - \(root\) expected a close frame whose length is in its 7-bit field \(.*\), got one whose header writes its length in an extended 64-bit field \(marker 127\), refused before that length came, which this client had to refuse: Invalid WebSocket frame: invalid payload length 127; the run ends here/m, 'close'],
  ] as const) {
    await expectRefusedFrame(bytes, said, end);
  }
});

// tBQ F5: a ping stamped in epoch seconds passed silently, while `ts` in seconds gets a hint.
it('a ping whose timestamp is now in epoch seconds gets a warning, said once: exit 0', async () => {
  const url = await wsServer((ws) => {
    ws.send(connection);
    for (let i = 0; i < 2; i++) ws.send(JSON.stringify({ type: 'ping', timestamp: Math.floor(Date.now() / 1000) }));
  });
  // Pings at once, said as no violation (--tolerance 1): only the seconds are judged here.
  const { status, stdout, stderr } = await runListen([url, '--token', 'abcdefghijk', '--duration', '10s', '--count', '3', '--no-ping', '--tolerance', '1']);
  expect(stderr).toMatch(/^frame 1: warning: ping \/timestamp \d+ is now in epoch seconds \(.*\): the contract's ping timestamp is milliseconds since the Unix epoch, Date\.now\(\) \(said once\)$/m);
  expect(stderr).not.toMatch(/^frame 2: warning/m);
  expect(status, stdout).toBe(0);
});

// tBQ F11: a server that keeps alive with RFC 6455 ping frames (ws's heartbeat) was told "got none", not a word of the frames.
it('a silence of ping messages says the WebSocket ping frames that came meanwhile: exit 1', async () => {
  const url = await wsServer((ws) => {
    ws.send(connection);
    ws.ping();
    ws.ping();
  });
  const { status, stdout } = await runListen([url, '--token', 'abcdefghijk', '--duration', '1500ms', '--ping-interval', '1s', '--no-ping']);
  expect(stdout).toMatch(/^keepalive: - \(root\) expected a ping every 1000 ms \(± 100 ms\), got none for \d+ ms since the connection \(2 WebSocket ping frames came meanwhile: the contract's keepalive is the JSON message \{"type":"ping","timestamp":…\}/m);
  expect(status).toBe(1);
});

// tBQ F9: a refusal that breaks the contract's statuses was a plain "cannot connect", as a conforming 401 is.
it("a refused upgrade that breaks the contract's refusals says so: a status it does not give, 403 for a token, a Retry-After not in seconds (exit 2)", async () => {
  for (const [answer, said] of [
    ['HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!', /the server refused the upgrade with HTTP 500 Internal Server Error: "oops!" \(HTTP 500 is no refusal the contract gives: the contract refuses an upgrade with 400 \(malformed handshake\), 401 \(missing, malformed, expired or badly signed token\), .*503 .*\(Connecting\)\)$/m],
    // tGJ F1: listen's upgrade is a GET with the upgrade: neither 405 nor 426 can be a refusal of it.
    ['HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 5\r\n\r\nnope!', /HTTP 405 Method Not Allowed: "nope!" \(405 is the contract's refusal of a method other than GET; listen's upgrade was a GET: a server that refuses it so breaks the contract's refusals \(Connecting\)\)$/m],
    ['HTTP/1.1 426 Upgrade Required\r\nContent-Length: 5\r\n\r\nnope!', /HTTP 426 Upgrade Required: "nope!" \(426 is the contract's refusal of a plain request without the upgrade; listen's request carried it \(Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13\): a proxy on the way that drops the Upgrade and Connection headers leads a server to answer so; without one, the server breaks the contract's refusals \(Connecting\)\)$/m],
    // tGR F4: one naming 13, the version listen asked for, refuses no version of it.
    ['HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n', /HTTP 426 Upgrade Required; Sec-WebSocket-Version: 13 \(listen speaks 13, RFC 6455 §4\.4\) \(426 is the contract's refusal of a plain request without the upgrade; listen's request carried it/m],
    ['HTTP/1.1 403 Forbidden\r\nContent-Length: 25\r\n\r\n{"error":"token-invalid"}', /HTTP 403 Forbidden: "token-invalid" \(403 is the contract's refusal of an origin; a fault of the token is 401 \(Connecting\)\)$/m],
    ['HTTP/1.1 429 Too Many Requests\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n', /HTTP 429 Too Many Requests; Retry-After: soon \(Retry-After expected a number of seconds, as the contract has it \(Connecting\), or an HTTP date \(RFC 9110 §10\.2\.3\), got "soon"\)$/m],
    // tBU F2: Date.parse read these as dates; none is delay-seconds nor an HTTP-date.
    ...['1.5', '-1', 'soon 1'].map((value) => [`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${value}\r\nContent-Length: 0\r\n\r\n`, new RegExp(`HTTP 429 Too Many Requests; Retry-After: ${value.replace('.', '\\.')} \\(Retry-After expected a number of seconds, .*, got "${value.replace('.', '\\.')}"\\)$`, 'm')] as const),
    // What RFC 9110 allows is said as a plain refusal: seconds, an IMF-fixdate and the two obsolete forms.
    ...['120', 'Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994'].map((value) => [`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${value}\r\nContent-Length: 0\r\n\r\n`, new RegExp(`HTTP 503 Service Unavailable; Retry-After: ${value}$`, 'm')] as const),
  ] as const) {
    const server = createServer();
    server.on('upgrade', (_request, socket: Socket) => {
      socket.on('error', () => undefined);
      socket.end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { status, stderr } = await runListen([`ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`, '--token', 'abcdefghijk', '--duration', '3s']);
      expect(stderr).toMatch(said);
      expect(status).toBe(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }
}, 13 * 15_000); // 13 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3); vitest's default 60 s failed it at load 25 (tHI F5)

// tBQ F3: a compressed frame whose payload does not inflate was said in zlib's words alone ("invalid block type").
it('a permessage-deflate frame whose payload does not inflate is said to be that: exit 1', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  try {
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (ws) => {
      ws.send(connection, () => (ws as unknown as { _socket: Socket })._socket.write(Buffer.from([0xc1, 0x04, 0xde, 0xad, 0xbe, 0xef])));
    });
    const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/api/ws`;
    const { status, stdout } = await runListen([url, '--token', 'abcdefghijk', '--duration', '5s', '--no-ping']);
    expect(stdout).toMatch(/^frame 1: - \(root\) expected a permessage-deflate payload that inflates \(RFC 7692 §7\.2\.2: the frame was compressed, RSV1 set\), got one zlib refuses \(Z_DATA_ERROR\): invalid block type; the run ends here/m);
    expect(status).toBe(1);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
});

// tBQ F1 (minor): a Date header that is no date was said to be none.
it("a Date header of the 101 answer that is no date is said to be that, not none", async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  try {
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('headers', (headers) => headers.push('Date: garbage'));
    wss.on('connection', (ws) => {
      ws.send(connection);
      ws.close(4401, 'x');
    });
    const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/api/ws`;
    const { status, stdout } = await runListen([url, '--token', await tokenExpiringIn(600), '--duration', '3s', '--no-ping']);
    expect(stdout).toMatch(/^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, \d+ s before the token's exp by listen's clock, which may be behind the server's by that much \(the server's 101 answer had a Date header that is no HTTP date, "garbage", to compare the clocks\)\)$/m);
    expect(status).toBe(1);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
});
