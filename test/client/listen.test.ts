/**
 * `realtime-contract listen` against servers on 127.0.0.1: a fixture server that sends the
 * faults real producers make (each reported, exit 1), a conforming one (exit 0), refusals
 * (exit 2 with the HTTP status), and keepalive timing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createServer, maxHeaderSize } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import WebSocket, { WebSocketServer } from 'ws';
import { createRealtimeClient } from '../../src/client/index.js';
import { createRealtimeServer, MemoryStreamStore } from '../../src/server/index.js';
import { FakeServer } from './support/fake-server.js';
import { harness, SECRET, sign, stopHarnesses } from './support/reference.js';
import { example, STREAM_TYPES } from './support/helpers.js';
import { runListen, stopWsServers, waitWhile, wsServer } from '../support/listen.js';
import { portCounter } from '../support/ports.js';

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

const listen = runListen;
const ports = portCounter();
const echoServer = wsServer;
afterEach(stopWsServers);

/** What a test started besides its `echoServer`s, stopped after it. */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/**
 * A server that sends `frames` (text) to each client on connect, then the close if given, all in one write; and records
 * what clients send.
 */
async function fixtureServer(frames: (string | Buffer)[], close?: { code: number; reason: string }): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  const url = await echoServer((ws, request) => {
    ws.on('message', (data) => received.push(String(data)));
    // One write (the socket corked until all is queued): listen reads the frames and the close together, whatever the
    // scheduler does between two writes. Listen pings after frame 0; a close it read after that ping is judged as an
    // answer to it, one it had read with frame 0 is not (the deploy test's 1001 failed when the two writes were read
    // apart: tHI F4).
    request.socket.cork();
    // A Buffer goes as a text frame too, bytes as given (ws does not check what it sends).
    for (const frame of frames) ws.send(frame, { binary: false });
    if (close) ws.close(close.code, close.reason);
    request.socket.uncork();
  });
  return { url, received };
}

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });
const trade = example('trades');

/** The cursors of the trades the package's client delivers from the stream at `url` until the server closes, and its count of dropped repeats. */
async function clientDelivers(url: string): Promise<{ delivered: string[]; duplicates: number }> {
  const client = createRealtimeClient({ url, WebSocket: WebSocket as never });
  const delivered: string[] = [];
  client.on('trades', (_data, message) => delivered.push(message.cursor!));
  await new Promise<void>((resolve) => {
    client.on('status', (status) => {
      if (status.lastClose !== null) resolve();
    });
    client.connect('t0ken');
  });
  client.disconnect();
  return { delivered, duplicates: client.getStatus().duplicates };
}

describe('listen', () => {
  it('reports a pong the server sends unasked (a fresh user: pongs instead of pings passed a short run)', async () => {
    const server = await fixtureServer([connection, JSON.stringify({ type: 'pong', timestamp: 1705251000000 }), JSON.stringify(trade)]);
    const { status, stdout } = await listen([server.url, '--token', 't0ken', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(status).toBe(1);
    expect(stdout.split('\n')).toContain('frame 1: pong (root) expected a pong only in answer to a ping, got one unasked (listen sent no ping: --no-ping): the server pings, the client answers');
    expect(stdout).toMatch(/3 frames \(3 valid, 0 invalid\), 1 violation\n/);
  });

  it('reports each fault real producers make, one line each, and exits 1', async () => {
    const flat = { type: 'trades', ...(trade.data as object), ts: trade.ts };
    const server = await fixtureServer([
      connection,
      JSON.stringify(trade),
      JSON.stringify(flat),
      JSON.stringify({ type: 'ping', timestamp: '2026-01-14T16:30:00.000Z' }),
      JSON.stringify({ ...trade, data: { ...(trade.data as object), side: 'BUY' } }),
      JSON.stringify({ type: 'ping', timestamp: 1705251000000 }),
      JSON.stringify({ ...trade, ts: '2026-02-30T16:30:00.000Z' }),
      JSON.stringify({ type: 'error', data: { code: 'RATE_LIMIT', message: 'slow down' }, details: 'retry in 5 s', ts: trade.ts }),
    ]);
    const { status, stdout } = await listen([server.url, '--token', 'secret-token', '--count', '8', '--ping-interval', '60000', '--no-ping']);
    expect(status).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^frame 2: trades \/data /),
      expect.stringMatching(/^frame 3: ping \/timestamp .*"2026-01-14T16:30:00.000Z"/),
      'frame 4: trades /data/side expected one of "buy", "sell", got "BUY"; did you mean "buy"?',
      // The ping of frame 5 follows an invalid one, which is no keepalive: not early.
    ]);
    // a timestamp in the right form naming a day that does not exist: which part, as validate says it
    expect(lines[3]).toMatch(/^frame 6: trades \/ts expected an RFC 3339 date-time .*, got "2026-02-30T16:30:00.000Z"; day 30 does not exist in February 2026 \(28 days\)$/);
    // a field of data written outside it
    expect(lines[4]).toBe('frame 7: error /details expected no property "details" (unknown to the schema), got "retry in 5 s"; "details" is a field of data, not of the message: the spec puts it in data');
    expect(lines).toContain('connection 1, trades 4, ping 2, error 1');
    expect(lines.at(-1)).toBe('8 frames (3 valid, 5 invalid), 5 violations');
    expect(stdout).not.toContain('secret-token');
    // the valid ping was answered with its timestamp
    expect(server.received).toContain(JSON.stringify({ type: 'pong', timestamp: 1705251000000 }));
  });

  it('refuses a binary frame whatever it holds, as the client does (messages travel as text): a violation of that frame, not a message read; as the first frame, also no connection message', async () => {
    // The connection message itself, then a trade, each sent as binary: the bytes are valid JSON of a valid message.
    const url = await echoServer((ws) => {
      ws.send(Buffer.from(connection), { binary: true });
      ws.send(Buffer.from(JSON.stringify(trade)), { binary: true });
    });
    const { status, stdout } = await listen([url, '--count', '2', '--ping-interval', '60000', '--no-ping', '--format', 'json']);
    const report = JSON.parse(stdout) as { frames: number; valid: number; invalid: number; counts: Record<string, number>; violations: { index: number | null; keyword: string; message: string }[] };
    expect(report).toMatchObject({ frames: 2, valid: 0, invalid: 2, counts: {} });
    expect(report.violations).toEqual([
      { index: 0, type: null, pointer: '', keyword: 'frame', message: 'expected a text frame, got a binary frame' },
      // The first frame, read as no message: no connection message either (it was not said).
      { index: 0, type: null, pointer: '/type', keyword: 'protocol', message: 'expected the first frame to be the "connection" message, got a binary frame (the client reads no message from one)' },
      { index: 1, type: null, pointer: '', keyword: 'frame', message: 'expected a text frame, got a binary frame' },
    ]);
    expect(status).toBe(1);
  });

  it('a first frame that is not JSON (a byte-order mark before the connection message) is said to be no JSON in the protocol line too, not a frame without a type (tFW F1)', async () => {
    const url = await echoServer((ws) => {
      ws.send(`\uFEFF${connection}`);
      ws.send('{"type":"trades"');
    });
    const { status, stdout } = await listen([url, '--count', '2', '--ping-interval', '60000', '--no-ping', '--format', 'json']);
    const report = JSON.parse(stdout) as { violations: { index: number | null; keyword: string; message: string }[] };
    expect(report.violations.filter((v) => v.keyword === 'protocol')).toEqual([
      { index: 0, type: null, pointer: '/type', keyword: 'protocol', message: 'expected the first frame to be the "connection" message, got a frame that is not JSON (the client reads no message from one)' },
    ]);
    expect(report.violations.filter((v) => v.keyword === 'json').map((v) => v.index)).toEqual([0, 1]);
    expect(status).toBe(1);
  });

  it('--all-errors reports every fault of a frame, as validate --all-errors does (a fresh user: only the first was shown)', async () => {
    const faulty = { ...trade, ts: '2026-01-14T16:30:00', data: { ...(trade.data as object), extra: 1 } };
    const server = await fixtureServer([connection, JSON.stringify(faulty), '{"type":"ping","timestamp":1,"timestamp":"x"}']);
    const first = await listen([server.url, '--token', 't0ken', '--count', '3', '--ping-interval', '60000']);
    expect(first.stdout.split('\n').filter((line) => line.startsWith('frame 1:'))).toHaveLength(1);
    expect(first.stdout.split('\n').filter((line) => line.startsWith('frame 2:'))).toHaveLength(1);
    const every = await listen([server.url, '--token', 't0ken', '--count', '3', '--ping-interval', '60000', '--all-errors']);
    expect(every.status).toBe(1);
    const lines = every.stdout.split('\n');
    expect(lines.filter((line) => line.startsWith('frame 1:'))).toEqual([
      expect.stringMatching(/^frame 1: trades \/data\/extra expected no property "extra" \(unknown to the schema\), got 1$/),
      expect.stringMatching(/^frame 1: trades \/ts expected an RFC 3339 date-time/),
    ]);
    // A key written twice, then what the value JSON.parse kept breaks (a string timestamp).
    expect(lines.filter((line) => line.startsWith('frame 2:'))).toEqual([
      expect.stringMatching(/^frame 2: ping \/timestamp expected each key once/),
      'frame 2: ping /timestamp expected an integer, got a string "x"',
    ]);
  });

  it('reports an invalid ping and does not answer it (it echoed `timestamp: 1.5` in an invalid pong of its own)', async () => {
    const server = await fixtureServer([connection, JSON.stringify({ type: 'ping', timestamp: 1.5 }), JSON.stringify({ type: 'ping', timestamp: 1705251000000 })]);
    const { status, stdout } = await listen([server.url, '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^frame 1: ping \/timestamp expected an integer, got a number 1\.5$/m);
    expect(server.received).toEqual([JSON.stringify({ type: 'pong', timestamp: 1705251000000 })]);
    // Nor is it a keepalive: the valid ping right after it is not early (its interval was measured from the invalid one: a fresh user).
    expect(stdout).not.toMatch(/^frame 2/m);
  });

  it('measures a ping interval between valid pings: two back to back, the second is early', async () => {
    const server = await fixtureServer([connection, JSON.stringify({ type: 'ping', timestamp: 1705251000000 }), JSON.stringify({ type: 'ping', timestamp: 1705251000001 })]);
    const { status, stdout } = await listen([server.url, '--count', '3', '--ping-interval', '60000']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^frame 2: ping \(root\) expected a ping every 60000 ms \(± 6000 ms\), got \d+ ms since the previous ping$/m);
  });

  it('--tolerance sets the margin around --ping-interval: 0.2 is ± 20 %, and 1 lets a ping come any time before twice the interval (README)', async () => {
    // Two pings back to back: early against any margin under the whole interval.
    const server = await fixtureServer([connection, JSON.stringify({ type: 'ping', timestamp: 1705251000000 }), JSON.stringify({ type: 'ping', timestamp: 1705251000001 })]);
    const wider = await listen([server.url, '--count', '3', '--ping-interval', '60000', '--tolerance', '0.2']);
    expect(wider.stdout).toMatch(/^frame 2: ping \(root\) expected a ping every 60000 ms \(± 12000 ms\), got \d+ ms since the previous ping$/m);
    expect(wider.status).toBe(1);
    const whole = await listen([server.url, '--count', '3', '--ping-interval', '60000', '--tolerance', '1']);
    expect(whole.stdout).toBe('connection 1, ping 2\n3 frames (3 valid, 0 invalid), 0 violations\n');
    expect(whole.status).toBe(0);
  });

  it('keeps the first 1000 ping intervals in JSON (pingIntervals), however many pings come (README: memory bounded)', async () => {
    const ping = JSON.stringify({ type: 'ping', timestamp: 1705251000000 });
    const server = await fixtureServer([connection, ...Array.from({ length: 1500 }, () => ping)]);
    const { stdout } = await listen([server.url, '--count', '1501', '--ping-interval', '60000', '--no-ping', '--format', 'json']);
    const report = JSON.parse(stdout) as { frames: number; pingIntervals: unknown[]; counts: Record<string, number> };
    expect(report.frames).toBe(1501);
    expect(report.counts.ping).toBe(1500);
    // 1499 intervals between 1500 pings: the first 1000 kept.
    expect(report.pingIntervals).toHaveLength(1000);
    expect(report.pingIntervals.every((ms) => typeof ms === 'number' && ms >= 0)).toBe(true);
  });

  it('judges a ping by the default tolerance, ± 10 % of --ping-interval: one 8 % early passes, one 15 % late is said (not only the ± in its words: tBY F3)', async () => {
    // Each ping goes a set time after listen's pong to the one before, which listen sends once it
    // has read that ping: listen cannot see the gap shorter than it is, only longer (a busy machine:
    // with 1500 ms, the 8 % early ping had 270 ms before it read as late, and at load 13 it did).
    const interval = 4000;
    const gaps = [3680, 4600];
    let timer: NodeJS.Timeout | undefined;
    const url = await echoServer((ws) => {
      ws.send(connection);
      ws.send(JSON.stringify({ type: 'ping', timestamp: 1705251000000 }));
      ws.on('message', (raw) => {
        const { type, timestamp } = JSON.parse(String(raw)) as { type: string; timestamp: number };
        const gap = gaps.shift();
        if (type === 'pong' && gap !== undefined) timer = setTimeout(() => ws.send(JSON.stringify({ type: 'ping', timestamp: timestamp + gap })), gap);
      });
    });
    stops.push(async () => clearTimeout(timer));
    const { status, stdout } = await listen([url, '--count', '4', '--ping-interval', String(interval), '--no-ping', '--format', 'json']);
    const report = JSON.parse(stdout) as { frames: number; violations: { index: number | null; keyword: string; message: string }[] };
    expect(report.frames).toBe(4);
    // Frame 3, 8 % early, is no violation; frame 4, 15 % late, is the only one.
    expect(report.violations.map(({ index, keyword }) => ({ index, keyword }))).toEqual([{ index: 3, keyword: 'keepalive' }]);
    expect(report.violations[0]!.message).toMatch(/^expected a ping every 4000 ms \(± 400 ms\), got \d+ ms since the previous ping$/);
    expect(status).toBe(1);
  });

  it('says one delayed ping once: the next, on the schedule, is judged from when the delayed one was due, not early (tGJ F5)', async () => {
    // Pings due every 2000 ms: the second comes 600 ms late (as one queued behind a large message
    // does), the third on time by the schedule, 1400 ms after the late one. Both go from when the
    // server reads listen's pong to the first, so listen can only read the gaps longer than they are.
    const timers: NodeJS.Timeout[] = [];
    const url = await echoServer((ws) => {
      ws.send(connection);
      ws.send(JSON.stringify({ type: 'ping', timestamp: 1705251000000 }));
      ws.once('message', () => {
        timers.push(setTimeout(() => ws.send(JSON.stringify({ type: 'ping', timestamp: 1705251002600 })), 2600));
        timers.push(setTimeout(() => ws.send(JSON.stringify({ type: 'ping', timestamp: 1705251004000 })), 4000));
      });
    });
    stops.push(async () => timers.forEach(clearTimeout));
    const { status, stdout } = await listen([url, '--count', '4', '--ping-interval', '2000', '--no-ping', '--format', 'json']);
    const report = JSON.parse(stdout) as { frames: number; violations: { index: number | null; keyword: string; message: string }[] };
    expect(report.frames).toBe(4);
    expect(report.violations.map(({ index, keyword }) => ({ index, keyword }))).toEqual([{ index: 2, keyword: 'keepalive' }]);
    expect(report.violations[0]!.message).toMatch(/^expected a ping every 2000 ms \(± 200 ms\), got \d+ ms since the previous ping/);
    expect(status).toBe(1);
  });

  it('answers a ping that only strict mode refuses, as the client would (else the server drops the socket and ends the check: a reviewer)', async () => {
    const ping = { type: 'ping', timestamp: 1705251000000, region: 'eu' };
    const server = await fixtureServer([connection, JSON.stringify(ping)]);
    const { status, stdout } = await listen([server.url, '--count', '2', '--ping-interval', '60000', '--no-ping']);
    expect(status).toBe(1);
    expect(stdout).toContain('frame 1: ping /region expected no property "region" (unknown to the schema), got "eu"');
    expect(server.received).toEqual([JSON.stringify({ type: 'pong', timestamp: 1705251000000 })]);
  });

  it('reports a missing connection message and a server-only check in JSON', async () => {
    const server = await fixtureServer([JSON.stringify(trade), JSON.stringify({ type: 'pong', timestamp: 1 }), JSON.stringify({ type: 'orderbook' })]);
    const { status, stdout } = await listen([server.url, '--count', '3', '--format', 'json', '--ping-interval', '60000']);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as { frames: number; violations: { index: number; keyword: string }[]; counts: Record<string, number> };
    expect(report.frames).toBe(3);
    expect(report.violations.map((v) => [v.index, v.keyword])).toEqual([
      [0, 'protocol'],
      [1, 'keepalive'],
      [2, 'discriminator'],
    ]);
    // listen's own checks say theirs in the message only (README); a fault of the message has validate's fields.
    expect(report.violations.map((v) => Object.keys(v))).toEqual([
      ['index', 'type', 'pointer', 'keyword', 'message'],
      ['index', 'type', 'pointer', 'keyword', 'message'],
      ['index', 'type', 'pointer', 'keyword', 'message', 'expected', 'found'],
    ]);
    expect(report.counts).toEqual({ trades: 1, pong: 1, orderbook: 1 });
  });

  it('gives each fault of a frame in JSON the fields validate --format json gives the same fault: expected, found, hint, position (a fresh user: listen had only the message)', async () => {
    const frames = [
      JSON.stringify({ ...trade, data: { ...(trade.data as object), quantity: '1' } }),
      JSON.stringify({ ...trade, data: { ...(trade.data as object), side: 'BUY' } }),
      JSON.stringify(trade).replace('"quantity":0.001', '"quantity":1e400'),
      '{"type":"trades",',
      '{"type":"ping","timestamp":1,"timestamp":2}',
    ];
    const server = await fixtureServer([connection, ...frames]);
    const { status, stdout } = await listen([server.url, '--count', String(frames.length + 1), '--format', 'json', '--ping-interval', '60000']);
    expect(status).toBe(1);
    const violations = (JSON.parse(stdout) as { violations: Record<string, unknown>[] }).violations;
    const validate = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', '--format', 'json', '--input', 'ndjson', '-'], { input: `${frames.join('\n')}\n`, encoding: 'utf8' });
    expect(validate.status).toBe(1);
    const problems = (JSON.parse(validate.stdout) as { problems: Record<string, unknown>[] }).problems;
    // The first fault of each frame, as validate reports it, beside the frame's place.
    const firsts = problems.filter((problem, i) => problems.findIndex((other) => other.line === problem.line) === i);
    expect(violations).toEqual(firsts.map(({ file, line, ...fault }) => ({ index: line, ...fault })));
    expect(violations.map((v) => [v.expected, v.found, v.hint, v.position])).toEqual([
      ['a number', 'a string "1"', undefined, undefined],
      ['one of "buy", "sell"', '"BUY"', 'did you mean "buy"?', undefined],
      [expect.any(String), expect.stringContaining('1e400 (read as Infinity'), undefined, undefined],
      ['valid JSON', expect.stringMatching(/^the end of the text/), undefined, 17],
      [expect.stringContaining('each key once'), '"timestamp" more than once; JSON.parse keeps only the last value', undefined, undefined],
    ]);
  });

  it('lists the first 1000 violations and counts the rest, in text and JSON, and counts the first 1000 types (a hostile tester: listen grew to 514 MB in 45 s of bad frames)', async () => {
    const bad = JSON.stringify({ ...trade, data: { ...(trade.data as object), side: 'BUY' } });
    // 1,100 distinct types too: the count per type keeps the first 1,000.
    const frames = [connection, ...Array.from({ length: 1200 }, (_, i) => (i < 1100 ? JSON.stringify({ type: `t${i}` }) : bad))];
    const server = await fixtureServer(frames, { code: 1011, reason: 'gone' });
    // One frame more than sent: the server's early close and the missing frame are violations of the stream.
    const args = [server.url, '--count', String(frames.length + 1), '--ping-interval', '60000'];
    const text = await listen(args);
    expect(text.status).toBe(1);
    const lines = text.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('frame '))).toHaveLength(1000);
    expect(lines).toContain('more violations are counted, not printed: the first 1000 are above');
    // violations of the stream, found after the limit, are listed all the same
    expect(lines.filter((line) => /^(close|protocol): /.test(line))).toHaveLength(2);
    expect(lines.at(-1)).toBe('1201 frames (1 valid, 1200 invalid), 1202 violations');
    const json = await listen([...args, '--format', 'json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { violations: { index: number | null; keyword: string }[]; violationCount: number; counts: Record<string, number> };
    expect(report.violationCount).toBe(1202);
    expect(report.violations.filter((v) => v.index !== null)).toHaveLength(1000);
    expect(report.violations.filter((v) => v.index === null).map((v) => v.keyword).sort()).toEqual(['close', 'protocol']);
    expect(Object.keys(report.counts)).toHaveLength(1000);
    expect(report.counts.connection).toBe(1);
    expect(report.counts.trades).toBeUndefined();
    // t999 to t1099, and the trades after them
    expect((report as unknown as { uncounted: number }).uncounted).toBe(201);
    expect(lines.at(-3)).toMatch(/, t998 1, 201 of types past the first 1000$/);
  });

  it('lists the first 1000 warnings and counts the rest (warningCount), in text and JSON: a tolerant listen of a stream of values outside a closed list keeps its memory bounded (tBM F5)', async () => {
    // 1,100 trades whose side no list holds: each a warning in tolerant mode, none a violation.
    const held = Array.from({ length: 1100 }, (_, i) => JSON.stringify({ ...trade, data: { ...(trade.data as object), side: 'hold' }, cursor: `e.${i + 1}` }));
    const server = await fixtureServer([connection, ...held]);
    const args = [server.url, '--mode', 'tolerant', '--count', String(held.length + 1), '--no-ping'];
    const text = await listen(args);
    expect(text.status).toBe(0);
    const warned = text.stderr.trim().split('\n');
    expect(warned.filter((line) => /^frame \d+: warning: trades \/data\/side "hold" is not a value/.test(line))).toHaveLength(1000);
    expect(warned.at(-1)).toBe('more warnings are counted, not printed: the first 1000 are above');
    expect(warned).toHaveLength(1001);
    const json = await listen([...args, '--format', 'json']);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as { warnings: { index: number }[]; warningCount: number; violationCount: number };
    expect(report.warnings).toHaveLength(1000);
    // Frames count from 0, the connection message's: the trades are frames 1 to 1100.
    expect([report.warnings[0]?.index, report.warnings.at(-1)?.index]).toEqual([1, 1000]);
    expect(report).toMatchObject({ warningCount: 1100, violationCount: 0 });
  });

  it('reports a key written twice and a lone surrogate (strict, as validate) and a text frame that is not UTF-8, not a close of the server', async () => {
    const server = await fixtureServer([connection, '{"type":"ping","timestamp":1,"timestamp":2}', '{"type":"error","data":{"code":"E","message":"half \\udc00"},"ts":"2026-01-14T16:30:00.000Z"}', Buffer.from([0x7b, 0xff, 0x7d])]);
    const { status, stdout } = await listen([server.url, '--token', 'secret-token', '--duration', '3s', '--count', '10', '--ping-interval', '60000']);
    expect(status).toBe(1);
    const lines = stdout.split('\n');
    expect(lines).toContain('protocol: - (root) expected 10 frames within 3000 ms, got 4 before this client refused a frame');
    expect(lines).toContain('frame 1: ping /timestamp expected each key once in an object (I-JSON, RFC 7493), got "timestamp" more than once; JSON.parse keeps only the last value');
    expect(lines).toContainEqual(expect.stringMatching(/^frame 3: - \(root\) expected UTF-8 text, got the byte 0xFF at byte offset 1, which is not UTF-8 \(RFC 6455 §8\.1: .*\), which this client had to refuse: .*UTF-8/));
    expect(lines).toContainEqual(expect.stringMatching(/^frame 2: error \/data\/message expected text whose surrogate escapes come in pairs \(I-JSON, RFC 7493 §2\.1\), got "half \\udc00", which holds half a pair alone/));
    expect(stdout).not.toContain('the server closed the connection');
    const tolerant = await listen([server.url, '--token', 'secret-token', '--mode', 'tolerant', '--count', '2', '--ping-interval', '60000']);
    expect(tolerant.stdout).not.toContain('RFC 7493');
  });

  it('warns, as validate does, about integers other languages read differently and (tolerant) values outside a closed list', async () => {
    const hold = JSON.stringify({ ...trade, data: { ...(trade.data as Record<string, unknown>), side: 'hold' } });
    const ping = '{"type":"ping","timestamp":1705251000000.0}';
    const server = await fixtureServer([connection, ping, hold]);
    const strict = await listen([server.url, '--count', '3', '--ping-interval', '60000']);
    // The ping is valid (a whole float is an integer to JSON Schema): a warning, not a violation.
    expect(strict.stderr).toMatch(/^frame 1: warning: ping \/timestamp 1705251000000\.0 is an integer written as a float: .*; write 1705251000000\n$/);
    expect(strict.stdout).toContain('frame 2: trades /data/side expected one of "buy", "sell", got "hold"');
    expect(strict.status).toBe(1);
    const tolerant = await listen([server.url, '--count', '3', '--mode', 'tolerant', '--format', 'json', '--ping-interval', '60000']);
    const report = JSON.parse(tolerant.stdout) as { violations: unknown[]; warnings: { index: number; pointer: string; message: string }[] };
    expect(report.violations).toEqual([]);
    expect(report.warnings.map((w) => [w.index, w.pointer])).toEqual([
      [1, '/timestamp'],
      [2, '/data/side'],
    ]);
    expect(report.warnings[1]!.message).toBe('"hold" is not a value this contract lists ("buy", "sell"): accepted in tolerant mode');
    expect(tolerant.status).toBe(0);
  });

  /** A raw server that completes the upgrade, sends `connection` and then `after` (raw frame bytes), and leaves the TCP connection open (or ends it: `drop`); its URL. */
  async function rawServer(after: Buffer, drop = false, afterAt?: { at: number; sent?: number }): Promise<string> {
    const server = createServer();
    const sockets: Socket[] = [];
    server.on('upgrade', (request, socket: Socket) => {
      sockets.push(socket);
      const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      const payload = Buffer.from(connection);
      // `afterAt`: `after` waits until that time (epoch ms), and says when it went.
      if (afterAt !== undefined) {
        socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
        setTimeout(() => {
          afterAt.sent = Date.now();
          socket.write(after);
        }, Math.max(0, afterAt.at - Date.now()));
        return;
      }
      socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload, after]));
      if (drop) socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }));
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`;
  }

  it('ends at --duration even when the server never answers its close (ws would wait 30 s)', async () => {
    // A raw server: completes the upgrade, sends `connection`, then reads nothing and answers nothing.
    const url = await rawServer(Buffer.alloc(0));
    const started = Date.now();
    const { status, stdout } = await listen([url, '--token', 't0ken', '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stdout).toMatch(/connection 1\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
  });

  it('says where the stream broke: in the middle of a frame, how much of it had come (a fresh user: a cut frame read as a drop between frames)', async () => {
    // A text frame whose header announces 276 bytes, of which 36 come before the connection ends.
    const header = Buffer.from([0x81, 0x7e, 0x01, 0x14]);
    const cut = await listen([await rawServer(Buffer.concat([header, Buffer.from('{"type":"trades","data":{"id":"t12",')]), true), '--token', 't0ken', '--duration', '20s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(cut.stdout).toMatch(/^close: - \(root\) the connection ended without a close frame \(1006\) in the middle of frame 1 \(36 of the 276 bytes its header announced had come\) before the run ended$/m);
    expect(cut.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 20000 ms, got 1 before the connection ended without a close frame in the middle of frame 1 \(36 of the 276 bytes its header announced had come\)$/m);
    expect(cut.stdout).toMatch(/^the connection ended without a close frame \(1006\) in the middle of frame 1 \(36 of the 276 bytes its header announced had come\)\n1 frame \(1 valid, 0 invalid\), 2 violations\n$/m);
    expect(cut.status).toBe(1);
    // Cut inside the header (its 16-bit length half there): said so, with no length to give.
    const inHeader = await listen([await rawServer(Buffer.from([0x81, 0x7e, 0x01]), true), '--token', 't0ken', '--duration', '20s', '--ping-interval', '60000', '--no-ping']);
    expect(inHeader.stdout).toMatch(/^close: - \(root\) the connection ended without a close frame \(1006\) in the middle of frame 1 \(3 bytes of its header had come\) before the run ended$/m);
    // A drop between frames stays as it was: nothing is said of a frame.
    const between = await listen([await rawServer(Buffer.alloc(0), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(between.stdout)).toMatchObject({ close: { code: 1006 }, unfinished: null });
    // A run that ends while a frame arrives: a 48 MiB frame announced, 16 bytes of it sent, then nothing.
    const big = Buffer.concat([Buffer.from([0x81, 0x7f, 0, 0, 0, 0, 0x03, 0, 0, 0]), Buffer.from('{"type":"trades"')]);
    const drip = await listen([await rawServer(big), '--token', 't0ken', '--duration', '2s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(drip.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 2000 ms, got 1; frame 1 \(16 of the 50331648 bytes its header announced had come\) was still arriving$/m);
    expect(drip.stdout).toMatch(/^frame 1 \(16 of the 50331648 bytes its header announced had come\) was still arriving when the run ended\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/m);
    const dripJson = await listen([await rawServer(big), '--token', 't0ken', '--duration', '2s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(dripJson.stdout)).toMatchObject({ close: null, unfinished: { index: 1, received: 16, announced: 50331648 }, violationCount: 0 });
    expect(dripJson.status).toBe(0);
  });

  it('a ping frame cut short is no frame of the count: between messages nothing was arriving, among fragments their message was (a fresh tester: "in the middle of frame 1" of a run of 1 frame)', async () => {
    // A ping frame whose header announces 125 bytes, of which 2 come before the connection ends.
    const ping = Buffer.from([0x89, 0x7d, 0x61, 0x61]);
    const alone = await listen([await rawServer(ping, true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    const report = JSON.parse(alone.stdout) as { close: unknown; unfinished: unknown; frames: number; violations: { message: string }[] };
    expect(report).toMatchObject({ close: { code: 1006 }, unfinished: null, frames: 1 });
    expect(report.violations.map((violation) => violation.message)).toEqual(['the connection ended without a close frame (1006) before the run ended']);
    // Cut after its first byte, the one that names the opcode: no frame of the count either (it was "frame 1 (1 byte of its header had come)": a fresh tester).
    const oneByte = JSON.parse((await listen([await rawServer(ping.subarray(0, 1), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping'])).stdout) as typeof report;
    expect(oneByte).toMatchObject({ close: { code: 1006 }, unfinished: null, frames: 1 });
    expect(oneByte.violations.map((violation) => violation.message)).toEqual(['the connection ended without a close frame (1006) before the run ended']);
    // After a message's first fragment: that message was arriving.
    const first = Buffer.concat([Buffer.from([0x01, 15]), Buffer.from('{"type":"ping",')]);
    const among = await listen([await rawServer(Buffer.concat([first, ping]), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(among.stdout)).toMatchObject({ close: { code: 1006 }, unfinished: { index: 1, received: 0, announced: null, fragmentBytes: 15 } });
    const amongOneByte = await listen([await rawServer(Buffer.concat([first, ping.subarray(0, 1)]), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(amongOneByte.stdout)).toMatchObject({ close: { code: 1006 }, unfinished: { index: 1, received: 0, announced: null, fragmentBytes: 15 } });
  });

  it("says where the stream broke inside a message sent in fragments: its fragments' bytes, and the frame after them (a fresh tester: a final fragment that never came read as a stop between frames)", async () => {
    /** A text frame, FIN set or not (`fin`), opcode 1 or 0 (a continuation), unmasked as a server's. */
    const frame = (payload: string, fin: boolean, opcode: 0 | 1) => Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, Buffer.byteLength(payload)]), Buffer.from(payload)]);
    const first = frame('{"type":"ping",', false, 0x1);
    // Its first fragment whole (15 bytes), then nothing: the final fragment never comes, and the run ends.
    const never = await listen([await rawServer(first), '--token', 't0ken', '--duration', '2s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(never.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 2000 ms, got 1; frame 1 \(in fragments: 15 bytes had come, and not the final fragment\) was still arriving$/m);
    expect(never.stdout).toMatch(/^frame 1 \(in fragments: 15 bytes had come, and not the final fragment\) was still arriving when the run ended\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/m);
    const neverJson = await listen([await rawServer(first), '--token', 't0ken', '--duration', '2s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(neverJson.stdout)).toMatchObject({ close: null, unfinished: { index: 1, received: 0, announced: null, fragmentBytes: 15 }, violationCount: 0 });
    // Two fragments whole, then the connection ends: in the middle of the message, not between messages.
    const dropped = await listen([await rawServer(Buffer.concat([first, frame('"timestamp":', false, 0x0)]), true), '--token', 't0ken', '--duration', '20s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(dropped.stdout).toMatch(/^close: - \(root\) the connection ended without a close frame \(1006\) in the middle of frame 1 \(in fragments: 27 bytes had come, and not the final fragment\) before the run ended$/m);
    expect(dropped.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 20000 ms, got 1 before the connection ended without a close frame in the middle of frame 1 \(in fragments: 27 bytes had come, and not the final fragment\)$/m);
    // The server's close frame (1000) before the final fragment: that message is discarded, and said so (it read as a stop between messages: a fresh tester).
    const closeFrame = Buffer.from([0x88, 2, 0x03, 0xe8]);
    const closedOpen = await listen([await rawServer(Buffer.concat([first, closeFrame]), true), '--token', 't0ken', '--duration', '20s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(closedOpen.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 20000 ms, got 1 before the server closed the connection in the middle of frame 1 \(in fragments: 15 bytes had come, and not the final fragment\)$/m);
    expect(closedOpen.stdout).toMatch(/^closed by the server: 1000 in the middle of frame 1 \(in fragments: 15 bytes had come, and not the final fragment\)\n1 frame \(1 valid, 0 invalid\), 1 violation\n$/m);
    const closedOpenJson = await listen([await rawServer(Buffer.concat([first, closeFrame]), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(closedOpenJson.stdout)).toMatchObject({ close: { code: 1000 }, unfinished: { index: 1, received: 0, announced: null, fragmentBytes: 15 }, violationCount: 0 });
    // A close frame between messages stays as it was.
    const closedBetween = await listen([await rawServer(closeFrame, true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(closedBetween.stdout)).toMatchObject({ close: { code: 1000 }, unfinished: null });
    // The next fragment cut in its payload, then in its header: both said after the fragments' bytes.
    const inPayload = await listen([await rawServer(Buffer.concat([first, frame('"timestamp":1705251000000}', true, 0x0).subarray(0, 10)]), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(inPayload.stdout)).toMatchObject({ close: { code: 1006 }, unfinished: { index: 1, received: 8, announced: 26, fragmentBytes: 15 } });
    expect(JSON.parse(inPayload.stdout).violations[0].message).toBe('the connection ended without a close frame (1006) in the middle of frame 1 (in fragments: 15 bytes had come, then 8 of the 26 bytes the next frame\'s header announced) before the run ended');
    const inHeader = await listen([await rawServer(Buffer.concat([first, Buffer.from([0x80])]), true), '--token', 't0ken', '--duration', '20s', '--ping-interval', '60000', '--no-ping']);
    expect(inHeader.stdout).toMatch(/^close: - \(root\) the connection ended without a close frame \(1006\) in the middle of frame 1 \(in fragments: 15 bytes had come, then 1 byte of the next frame's header\) before the run ended$/m);
    // A first fragment cut in its own payload is said as any frame is: there are no whole fragments to count.
    const inFirst = await listen([await rawServer(first.subarray(0, 7), true), '--token', 't0ken', '--duration', '20s', '--format', 'json', '--ping-interval', '60000', '--no-ping']);
    expect(JSON.parse(inFirst.stdout).unfinished).toEqual({ index: 1, received: 5, announced: 15 });
    // The fragments of a message over --max-frame: their sum, said as such (no one header announced it).
    const over = await listen([await rawServer(Buffer.concat([frame('x'.repeat(100), false, 0x1), frame('x'.repeat(100), false, 0x0)])), '--token', 't0ken', '--duration', '20s', '--max-frame', '150', '--ping-interval', '60000', '--no-ping']);
    expect(over.stdout).toMatch(/^frame 1: - \(root\) expected a message of at most 150 bytes \(the most listen reads: --max-frame, 100 MiB by default; the contract sets no limit\), got one in fragments whose headers announced 200 bytes so far; the run ends here \(ws closes the connection after a frame it refuses\)$/m);
  }, 10 * 15_000); // 10 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3)

  it('reports a refused frame or a close at once, though the server leaves the TCP connection open (ws waits 30 s for it)', async () => {
    const cases: [string, Buffer, RegExp][] = [
      // Said to end the run, which --duration would otherwise seem to have cut short (a hostile tester).
      ['a text frame that is not UTF-8', Buffer.from([0x81, 0x03, 0x7b, 0xff, 0x7d]), /^frame 1: - \(root\) expected UTF-8 text, got the byte 0xFF at byte offset 1, which is not UTF-8 \(RFC 6455 §8\.1: a text message is UTF-8, and a client fails the connection at one that is not\), which this client had to refuse: Invalid WebSocket frame: invalid UTF-8 sequence; the run ends here \(ws closes the connection after a frame it refuses\)$/m],
      // A close frame's reason that is not UTF-8 is said to be that, not a text frame's (ws gives both the same words).
      ['a close whose reason is not UTF-8', Buffer.from([0x88, 0x04, 0x0f, 0xa0, 0xff, 0xfe]), /^close: - \(root\) expected a close frame whose reason is UTF-8 \(RFC 6455 §5\.5\.1\), got one whose reason is not, which this client had to refuse: Invalid WebSocket frame: invalid UTF-8 sequence; the run ends here \(ws closes the connection after a frame it refuses\)$/m],
      ['a close with an invalid code', Buffer.from([0x88, 0x02, 0x07, 0xd0]), /^close: - \(root\) expected a close frame whose status code is one a server may send \(RFC 6455 §7\.4: 1000 to 1003, 1007 to 1014, 3000 to 4999\), got 2000 \(reserved for RFC 6455 and its extensions, .*invalid status code 2000; the run ends here/m],
      ['a close with 4000', Buffer.from([0x88, 0x05, 0x0f, 0xa0, 0x62, 0x79, 0x65]), /^close: - \(root\) the server closed the connection with 4000 "bye" before the run ended$/m],
      // Only a header that announces 200 MiB: listen's own limit, said as such.
      // What its header announced, said (a fresh user: "a larger one" did not say what was found).
      ['a frame over 100 MiB', Buffer.from([0x81, 0x7f, 0, 0, 0, 0, 0x0c, 0x80, 0, 0]), /^frame 1: - \(root\) expected a message of at most 100 MiB \(the most listen reads: --max-frame, 100 MiB by default; the contract sets no limit\), got one of 209715200 bytes announced; the run ends here \(ws closes the connection after a frame it refuses\)$/m],
      // Its length exact, past 2^53 - 1 too (tDQ F4: "more than 2^53 - 1 bytes").
      ['a frame of 2^63 - 1 bytes', Buffer.from([0x81, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /^frame 1: - \(root\) expected a message of at most 100 MiB \(the most listen reads: --max-frame, 100 MiB by default; the contract sets no limit\), got one of 9223372036854775807 bytes announced; the run ends here \(ws closes the connection after a frame it refuses\)$/m],
    ];
    for (const [name, after, expected] of cases) {
      const frame: { at: number; sent?: number } = { at: 0 };
      const { status, stdout } = await listen([await rawServer(after, false, frame), '--token', 't0ken', '--duration', '60s', '--ping-interval', '60000', '--no-ping'], {}, 60_000);
      // Reported when it happens, not at the end of --duration (60 s) nor when ws gives up on the TCP close (30 s):
      // well under both, counted from the frame, not from the child's start (a loaded machine's tsx start took 10 s and more).
      expect(frame.sent, name).toBeDefined();
      expect(Date.now() - frame.sent!, name).toBeLessThan(25_000);
      expect(stdout, name).toMatch(expected);
      expect(status, name).toBe(1);
    }
    // A connection that ends without a close frame is not said to be closed by the server "with 1006" (a hostile tester).
    const dropped = await listen([await rawServer(Buffer.alloc(0), true), '--token', 't0ken', '--duration', '20s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(dropped.stdout).toMatch(/^close: - \(root\) the connection ended without a close frame \(1006\) before the run ended$/m);
    expect(dropped.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 20000 ms, got 1 before the connection ended without a close frame$/m);
    expect(dropped.stdout).toMatch(/^the connection ended without a close frame \(1006\)$/m);
    expect(dropped.stdout).not.toContain('closed by the server');
    // A close frame without a status code: said plainly, not as a code the server sent (ws reports 1005, RFC 6455 §7.1.5).
    const bare = await listen([await rawServer(Buffer.from([0x88, 0x00])), '--token', 't0ken', '--duration', '20s', '--count', '3', '--ping-interval', '60000', '--no-ping']);
    expect(bare.stdout).toMatch(/^close: - \(root\) the server closed the connection without a status code \(its close frame carried none; ws reports 1005\) before the run ended$/m);
    expect(bare.stdout).toMatch(/^protocol: - \(root\) expected 3 frames within 20000 ms, got 1 before the server closed the connection without a status code$/m);
    expect(bare.stdout).toMatch(/^the server closed the connection without a status code \(its close frame carried none; ws reports 1005\)\n1 frame \(1 valid, 0 invalid\), 2 violations\n$/m);
    expect(bare.stdout).not.toContain('with 1005');
    expect(bare.status).toBe(1);
    // 4401 (TokenExpired) is a violation before the token listen holds expires (a reviewer), or
    // for a token without an exp; at its exp a warning (a reviewer: a run that outlived its token failed).
    const close4401 = Buffer.from([0x88, 0x03, 0x11, 0x31, 0x78]);
    const opaque = await listen([await rawServer(close4401), '--token', 't0ken', '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    expect(opaque.stdout).toMatch(/^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, for a token without a numeric exp\)$/m);
    expect(opaque.status).toBe(1);
    // With no token at all, not one "without an exp" (a fresh user).
    const none = await listen([await rawServer(close4401), '--duration', '3s', '--ping-interval', '60000', '--no-ping'], { REALTIME_CONTRACT_TOKEN: undefined });
    expect(none.stdout).toMatch(/^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, but no token was given: --token, REALTIME_CONTRACT_TOKEN or a token query parameter\)$/m);
    expect(none.status).toBe(1);
    const early = await listen([await rawServer(close4401), '--token', await sign('alice', 600), '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    // The seconds left, less what the run's start took on a busy machine (599 failed once as 591).
    const left = /^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, (\d+) s before the token's exp by listen's clock, which may be behind the server's by that much \(the server's 101 answer had no Date header to compare the clocks\)\)$/m.exec(early.stdout);
    expect(Number(left?.[1])).toBeGreaterThan(500);
    expect(Number(left?.[1])).toBeLessThanOrEqual(600);
    expect(early.status).toBe(1);
    // Closed 2 s before the exp, within listen's 5 s: a token of exp "now" had expired by the upgrade on a loaded machine
    // (a slow start), which is said otherwise.
    const dueAt = { at: Date.now() + 10_000 };
    const due = await listen([await rawServer(close4401, false, dueAt), '--token', await sign('alice', 12), '--duration', '30s', '--ping-interval', '60000', '--no-ping'], {}, 40_000);
    expect(due.stderr).toMatch(/^close: warning: - \(root\) the server closed the connection with 4401 "x" before the run ended: TokenExpired, the token's exp being \d{4}-\d\d-\d\dT[\d:.]+Z \(give a token that outlives --duration\)$/m);
    expect(due.status).toBe(0);
    // A close with 1000 is no violation, and the silence after it is no keepalive fault.
    const normal = await listen([await rawServer(Buffer.from([0x88, 0x02, 0x03, 0xe8])), '--token', 't0ken', '--duration', '3s', '--ping-interval', '1000', '--no-ping']);
    expect(normal.stdout).toMatch(/closed by the server: 1000\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(normal.status).toBe(0);
  }, 13 * 15_000); // 13 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3)

  it('a close the contract gives a server for its own condition, 4410 (StreamGap) or 1013 (TryAgainLater), is a warning on stderr, not a violation: exit 0 (README)', async () => {
    // A close the contract gives a server for its own condition (4410: a storage outage, which a
    // Redis restart sends) is a warning, not a violation (a fresh user); 1011 stays one.
    const gap = await listen([await rawServer(Buffer.from([0x88, 0x0c, 0x11, 0x3a, ...Buffer.from('stream gap')])), '--token', 't0ken', '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    expect(gap.stdout).toMatch(/closed by the server: 4410 "stream gap"\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(gap.stderr).toContain('close: warning: - (root) the server closed the connection with 4410 "stream gap" before the run ended: StreamGap, a close the contract lists (reconnect and resume)\n');
    expect(gap.status).toBe(0);
    // 1013 (TryAgainLater: a server over its load) is one of those too.
    const later = await listen([await rawServer(Buffer.from([0x88, 0x02, 0x03, 0xf5])), '--token', 't0ken', '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    expect(later.stderr).toContain('close: warning: - (root) the server closed the connection with 1013 before the run ended: TryAgainLater, a close the contract lists (reconnect and resume)\n');
    expect(later.status).toBe(0);
  });

  it('a 4401 close within 5 s before the token\'s exp is a warning, not a violation (the two clocks differ)', async () => {
    const close4401 = Buffer.from([0x88, 0x03, 0x11, 0x31, 0x78]);
    // exp 7 to 8 s ahead (whole seconds); the server closes 4 s before it, or at once if listen
    // connects later than that. (exp 3 to 4 s ahead and a close at once: a loaded machine's start of
    // listen took 4 s, past exp, and the premise below failed.)
    const token = await sign('alice', 8);
    const exp = decodeJwt(token).exp! * 1000;
    const close = { at: exp - 4000 } as { at: number; sent?: number };
    const { status, stdout, stderr } = await listen([await rawServer(close4401, false, close), '--token', token, '--duration', '15s', '--ping-interval', '60000']);
    // The premise: the close came before the token expired (else this is the `exp 0` case above).
    expect(close.sent, 'the close was never sent').toBeDefined();
    expect(close.sent!, 'the close came after exp: too slow a start to judge the skew').toBeLessThan(exp);
    expect(stderr).toContain(`close: warning: - (root) the server closed the connection with 4401 "x" before the run ended: TokenExpired, the token's exp being ${new Date(exp).toISOString()} (give a token that outlives --duration)\n`);
    expect(stdout).not.toMatch(/^close: /m);
    expect(stdout).toMatch(/closed by the server: 4401 "x"\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
  });

  it('takes the token from REALTIME_CONTRACT_TOKEN, out of the process list', async () => {
    let seen: string | null = null;
    const url = await echoServer((ws, request) => {
      seen = new URL(request.url!, 'http://x').searchParams.get('token');
      ws.send(connection);
    });
    const run = await listen([url, '--count', '1'], { REALTIME_CONTRACT_TOKEN: 'from-the-environment' });
    expect(seen).toBe('from-the-environment');
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).not.toContain('from-the-environment');
  });

  it('--token (or REALTIME_CONTRACT_TOKEN) replaces a token given in the URL, said in a note on stderr (README); with no URL token, no note', async () => {
    const seen: (string | null)[] = [];
    const url = await echoServer((ws, request) => {
      seen.push(new URL(request.url!, 'http://x').searchParams.get('token'));
      ws.send(connection);
    });
    const note = 'realtime-contract: note: --token (or REALTIME_CONTRACT_TOKEN) replaces the token in the URL\n';
    const flag = await listen([`${url}?token=in-the-url`, '--token', 'from-the-flag', '--count', '1']);
    expect(flag.stderr).toBe(note);
    expect(flag.status).toBe(0);
    const variable = await listen([`${url}?token=in-the-url`, '--count', '1'], { REALTIME_CONTRACT_TOKEN: 'from-the-environment' });
    expect(variable.stderr).toBe(note);
    const alone = await listen([url, '--token', 'from-the-flag', '--count', '1']);
    expect(alone.stderr).toBe('');
    expect(seen).toEqual(['from-the-flag', 'from-the-environment', 'from-the-flag']);
  });

  it('shows nothing a server sends as terminal control sequences, nor most of a token cut short in an error text', async () => {
    const token = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const url = await echoServer((ws, request) => {
      const echoed = new URL(request.url!, 'http://x').searchParams.get('token')!;
      ws.send(connection);
      ws.send(JSON.stringify({ type: echoed }));
      ws.send(JSON.stringify({ ...trade, data: { ...(trade.data as object), side: `x${echoed}` } }));
      ws.send(JSON.stringify({ type: '\u001b[8mhidden\u009b2J' }));
      // Parts a server cut itself, with no "..." to say so: a middle piece, and the start in a close reason.
      ws.send(JSON.stringify({ type: `t-${echoed.slice(20, 45)}-t` }));
      setTimeout(() => ws.close(4001, `bad token ${echoed.slice(0, 20)}`), 200);
    });
    for (const format of ['text', 'json']) {
      const run = await listen([url, '--token', token, '--duration', '2s', '--ping-interval', '60000', '--format', format]);
      const shown = run.stdout + run.stderr;
      expect(run.status).toBe(1);
      expect(shown).not.toMatch(/[\u001b\u009b]/);
      // Not even 10 characters of it, anywhere (a cut string showed its first 57).
      for (let at = 0; at + 10 <= token.length; at++) expect(shown, format).not.toContain(token.slice(at, at + 10));
    }
    const refuser = createServer();
    refuser.on('upgrade', (_request, socket: Socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 401 \u001b[2J\u001b[32mALL GOOD\u001b[0m\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => refuser.close(() => resolve())));
    const refused = await listen([`ws://127.0.0.1:${(refuser.address() as AddressInfo).port}/api/ws`, '--count', '1']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('HTTP 401 \\u001b[2J');
  });

  // /dev/full: every write fails with ENOSPC, as on a full disk (Linux).
  it.skipIf(!existsSync('/dev/full'))('exits 2 with one line, not a stack trace and 1 ("a violation"), when its standard output cannot be written (a fresh user)', async () => {
    const server = await fixtureServer([connection, JSON.stringify({ ...trade, data: { ...(trade.data as object), side: 'BUY' } })]);
    const full = openSync('/dev/full', 'w');
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'listen', server.url, '--count', '2', '--ping-interval', '60000'], { stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      // From the spawn: tsx's start took 20-23 s at load 35 (tGZ F3).
      const kill = setTimeout(() => child.kill('SIGKILL'), 55_000);
      child.on('close', (code) => {
        clearTimeout(kill);
        resolve({ code, stderr });
      });
    });
    closeSync(full);
    expect({ code, stderr }).toEqual({ code: 2, stderr: 'realtime-contract: cannot write standard output: ENOSPC: no space left on device, write\n' });
  });

  it('reports a cursor that repeats or goes back within the stream (a hostile tester: it said nothing)', async () => {
    const at = (cursor: string) => JSON.stringify({ ...trade, cursor });
    const server = await fixtureServer([connection, at('e.1'), at('e.2'), at('e.2'), at('e.1'), at('zzz'), at('aaa'), at('aaa'), at('e.9'), at('e.5'), at('e.9')]);
    const { status, stdout } = await listen([server.url, '--count', '11', '--ping-interval', '60000']);
    expect(status).toBe(1);
    expect(stdout.split('\n').filter((line) => line.startsWith('frame '))).toEqual([
      'frame 3: trades /cursor expected a cursor after "e.2" (cursors increase within a stream), got it again, the cursor of frame 2: the client drops this message as a repeat',
      'frame 4: trades /cursor expected a cursor after "e.2" (cursors increase within a stream), got "e.1", the cursor of frame 1: the client drops this message as a repeat',
      'frame 7: trades /cursor expected a cursor after "aaa" (cursors increase within a stream), got it again, the cursor of frame 6: the client drops this message as a repeat',
      // Never delivered, before the last: the stream went back, and e.9 after it is the stream's again.
      'frame 9: trades /cursor expected a cursor after "e.9" (cursors increase within a stream), got "e.5": the client tells a gap and takes the stream from here',
    ]);
  });

  it('reports a cursor of another epoch than the stream\'s, unannounced, which the client delivers without a gap (a fresh user: 0 violations)', async () => {
    const at = (cursor: string) => JSON.stringify({ ...trade, cursor });
    const cursors = ['e.1', 'e.2', 'f.1', 'f.2', 'e.3'];
    const server = await fixtureServer([connection, ...cursors.map(at)], { code: 1000, reason: '' });
    expect((await clientDelivers(server.url)).delivered).toEqual(cursors);
    const { status, stdout } = await listen([server.url, '--count', '6', '--ping-interval', '60000']);
    expect(stdout.split('\n').filter((line) => line.startsWith('frame '))).toEqual([
      'frame 3: trades /cursor expected a cursor of the stream\'s epoch "e" (a new epoch comes with a connection message), got "f.1": the client delivers it and tells no gap',
      'frame 5: trades /cursor expected a cursor of the stream\'s epoch "f" (a new epoch comes with a connection message), got "e.3": the client delivers it and tells no gap',
    ]);
    expect(status).toBe(1);
  });

  it('a connection message without a cursor or resume starts no new stream; one that says new does (README, as the client reads them)', async () => {
    const at = (cursor: string) => JSON.stringify({ ...trade, cursor });
    const plain = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: trade.ts });
    const fresh = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: trade.ts });
    const held = await listen([(await fixtureServer([plain, at('e.5'), plain, at('e.1')])).url, '--count', '4', '--ping-interval', '60000']);
    expect(held.stdout.split('\n').filter((line) => line.startsWith('frame '))).toEqual(['frame 3: trades /cursor expected a cursor after "e.5" (cursors increase within a stream), got "e.1": the client tells a gap and takes the stream from here']);
    const over = await listen([(await fixtureServer([plain, at('e.5'), fresh, at('e.1')])).url, '--count', '4', '--ping-interval', '60000']);
    expect(over.stdout.split('\n').filter((line) => line.startsWith('frame '))).toEqual([]);
    expect(over.status).toBe(0);
  });

  it('flags exactly the messages the client drops as repeats, an older cursor repeated too (a fresh user: b, a, b passed with 0 violations)', async () => {
    const streams = [
      ['b', 'a', 'b'],
      ['k3x9a.1042', 'zz', 'k3x9a.1042'],
      ['e1.5', 'e2.1', 'e1.3'],
      ['x', 'e.1', 'y', 'e.2', 'x', 'e.1', 'z'],
      // The client remembers the last 1,000 delivered: c0 is let go (delivered again, which lets c1 go), c2 is not.
      [...Array.from({ length: 1001 }, (_, i) => `c${i}`), 'c0', 'c2'],
    ];
    const at = (cursor: string) => JSON.stringify({ ...trade, cursor });
    const opening = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: trade.ts });
    for (const cursors of streams) {
      const server = await fixtureServer([opening, ...cursors.map(at)], { code: 1000, reason: '' });
      // The real client on the same stream: which trades it delivers.
      const { delivered, duplicates } = await clientDelivers(server.url);
      const { status, stdout } = await listen([server.url, '--count', String(cursors.length + 1), '--ping-interval', '60000']);
      // The trades (frames 1..n) listen says the client drops.
      const flagged = stdout.split('\n').filter((line) => line.endsWith('the client drops this message as a repeat')).map((line) => Number(/^frame (\d+):/.exec(line)![1]) - 1);
      // The client dropped exactly those, and delivered the rest in order.
      expect({ cursors, delivered }).toEqual({ cursors, delivered: cursors.filter((_cursor, i) => !flagged.includes(i)) });
      expect(duplicates).toBe(flagged.length);
      if (cursors.length > 1000) expect(flagged).toEqual([1002]);
      // e1.5, e2.1, e1.3: each epoch change unannounced is a violation too (delivered without a gap).
      const epochs = stdout.split('\n').filter((line) => line.includes('(a new epoch comes with a connection message)')).length;
      expect(epochs).toBe(cursors[0] === 'e1.5' ? 2 : 0);
      expect(status).toBe(flagged.length + epochs > 0 ? 1 : 0);
    }
  });

  it('flags what a gap past the cursor the client had, in its epoch, sends again from before that cursor, as the client drops it (it delivered it twice)', async () => {
    const at = (cursor: string) => JSON.stringify({ ...trade, cursor });
    const gap = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'gap' }, ts: trade.ts, cursor: 'e.7' });
    const cursors = [1, 2, 3, 4, 5, 0, 3, 4, 5, 8, 9].map((k) => `e.${k}`);
    const server = await fixtureServer([connection, ...cursors.map((cursor) => (cursor === 'e.0' ? gap : at(cursor)))], { code: 1000, reason: '' });
    const { delivered } = await clientDelivers(server.url);
    expect(delivered).toEqual(['e.1', 'e.2', 'e.3', 'e.4', 'e.5', 'e.8', 'e.9']);
    const { status, stdout } = await listen([server.url, '--count', String(cursors.length + 1), '--ping-interval', '60000']);
    expect(status).toBe(1);
    expect(stdout.split('\n').filter((line) => line.startsWith('frame '))).toEqual(
      [3, 4, 5].map((k) => `frame ${k + 4}: trades /cursor expected a cursor after "e.7" (cursors increase within a stream), got "e.${k}", the cursor of frame ${k}: the client drops this message as a repeat`),
    );
  });

  it('names the earlier frame an older repeated cursor came in (b, a, b: the 3rd trade repeats the 1st)', async () => {
    const at = (cursor: string) => JSON.stringify({ ...trade, cursor });
    const server = await fixtureServer([connection, at('b'), at('a'), at('b')]);
    const { status, stdout } = await listen([server.url, '--count', '4', '--ping-interval', '60000']);
    expect(status).toBe(1);
    expect(stdout.split('\n').filter((line) => line.startsWith('frame '))).toEqual([
      'frame 3: trades /cursor expected a cursor not among the last 1000 delivered, got "b", the cursor of frame 1: the client drops this message as a repeat',
    ]);
  });

  it('names the part of an absolute URL Node refuses: a port out of range or not digits, or no host (a fresh user: "expected an absolute URL" for port 99999)', async () => {
    const said = async (url: string) => {
      const { status, stderr } = await listen([url, '--count', '1']);
      return { status, stderr };
    };
    expect(await said('ws://127.0.0.1:99999/')).toEqual({ status: 2, stderr: 'realtime-contract: cannot listen to "ws://127.0.0.1:99999/": the port 99999 is out of range (0–65535)\n' });
    expect((await said('ws://[::1]:65536/api/ws?token=abc')).stderr).toContain(': the port 65536 is out of range (0–65535)\n');
    // A secret name holding an encoded `=` is `[redacted]` whole here too, as on a URL that parses (tCO F7: printed in clear); others stay as given.
    expect((await said('ws://127.0.0.1:99999/api/ws?session_id%3Dsupersecretvalue123&user=ann')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?[redacted]&user=ann": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://127.0.0.1:99999/api/ws?a=1&token%3Dsupersecretvalue123')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?a=1&[redacted]": the port 99999 is out of range (0–65535)\n');
    // A secret's name percent-encoded is read decoded, as on a URL that parses and by the server (tCW F3: its value printed in clear), one with an encoded `=` before a raw one too.
    expect((await said('ws://127.0.0.1:99999/api/ws?%74oken=supersecretvalue123&user=ann')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?%74oken=[redacted]&user=ann": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://127.0.0.1:99999/api/ws?api%5Fkey=supersecretvalue123')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?api%5Fkey=[redacted]": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://127.0.0.1:99999/api/ws?token%3Dsupersecretvalue123=1&user=ann')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?[redacted]&user=ann": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://127.0.0.1:99999/api/ws?country%5Fcode=fr&%75ser=ann')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?country%5Fcode=fr&%75ser=ann": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://127.0.0.1:99999/api/ws?country%3Dfr')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?country%3Dfr": the port 99999 is out of range (0–65535)\n');
    // A fragment is never shown, whatever it holds, in a target that does not parse as in one that does, and the server's log (tCV F8: printed).
    expect((await said('ws://127.0.0.1:99999/api/ws?a=1#x=supersecretvalue123')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?a=1#[redacted]": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://127.0.0.1:99999/api/ws#supersecretvalue123')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws#[redacted]": the port 99999 is out of range (0–65535)\n');
    expect((await said('ftp://127.0.0.1/api/ws#x=supersecretvalue123')).stderr).toBe('realtime-contract: cannot listen to "ftp://127.0.0.1/api/ws#[redacted]": expected a ws: or wss: URL (or http:, https:, taken as ws:, wss:)\n');
    expect((await said('ws://127.0.0.1:80a/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:80a/api/ws": expected a port of digits after the host, got "80a"\n');
    // A password holding `/`, `?` or `#` (base64 ones hold `/`) ends the URL's authority: neither shown nor quoted as the port, the user info read to the
    // last `@` as an option's is (tCW F11: printed whole, or its start as `got "s3cr"`); the fault after it is said, a user name without a password kept.
    for (const mark of ['/', '?', '#']) {
      expect(await said(`ws://alice:s3cr${mark}et@127.0.0.1:8080/api/ws?token=abc`)).toEqual({ status: 2, stderr: 'realtime-contract: cannot listen to "ws://alice:[redacted]@127.0.0.1:8080/api/ws?token=[redacted]": the user info before the "@" holds a "/", "?" or "#", where a URL\'s host ends: percent-encode them in it (%2F, %3F, %23)\n' });
    }
    expect((await said('ws://alice:s3cr/et@127.0.0.1:99999/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://alice:[redacted]@127.0.0.1:99999/api/ws": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://alice:hunter2/p@ss@127.0.0.1:99999/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://alice:[redacted]@127.0.0.1:99999/api/ws": the port 99999 is out of range (0–65535)\n');
    // A user name with no password may be the credential (https://<token>@host): the user info goes whole, as the server logs it (tCV F6: printed).
    expect((await said('ws://ghpS3CRETTOKEN123@127.0.0.1:99999/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://[redacted]@127.0.0.1:99999/api/ws": the port 99999 is out of range (0–65535)\n');
    expect((await said('ws://:8080/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://:8080/api/ws": expected a host after "//", got none (such as ws://127.0.0.1:8080/api/ws)\n');
    // A scoped IPv6 address: its zone is what no URL holds (a fresh tester: said to be no absolute URL), RFC 6874's %25 form too.
    const zoned = 'which a URL cannot hold (WHATWG URLs, and so ws and browsers, refuse a zone id, as %25<zone> too): give an address of the server without one, a global or loopback address, not a link-local fe80:: one\n';
    expect(await said('ws://[::1%lo]:8000/api/ws?token=abc')).toEqual({ status: 2, stderr: `realtime-contract: cannot listen to "ws://[::1%lo]:8000/api/ws?token=[redacted]": the host [::1%lo] names a zone (%lo), ${zoned}` });
    expect((await said('ws://[fe80::1%25eth0]:8000/api/ws')).stderr).toBe(`realtime-contract: cannot listen to "ws://[fe80::1%25eth0]:8000/api/ws": the host [fe80::1%25eth0] names a zone (%25eth0), ${zoned}`);
  }, 25 * 15_000); // 25 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3)

  it('says an IPv6 address goes in brackets in a URL, with the URL it meant (a fresh tester: "expected a port of digits after the host, got \":1:20200\"")', async () => {
    const said = async (url: string) => {
      const { status, stderr } = await listen([url, '--count', '1']);
      return { status, stderr };
    };
    // As `--host ::1` and server.address() write it; the last group read as the port where it can be one.
    expect(await said('ws://::1:20200/api/ws')).toEqual({ status: 2, stderr: 'realtime-contract: cannot listen to "ws://::1:20200/api/ws": an IPv6 address goes in brackets in a URL, the port after them: ws://[::1]:20200/api/ws, got "::1:20200" without brackets\n' });
    expect((await said('ws://2001:db8::1/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://2001:db8::1/api/ws": an IPv6 address goes in brackets in a URL, the port after them: ws://[2001:db8::1]/api/ws, got "2001:db8::1" without brackets\n');
    // Neither the password nor the token is repeated.
    expect((await said('http://user:secret-password@::1:8000/api/ws?token=abcdefghijkl')).stderr).toBe(
      'realtime-contract: cannot listen to "http://user:[redacted]@::1:8000/api/ws?token=[redacted]": an IPv6 address goes in brackets in a URL, the port after them: http://[::1]:8000/api/ws (with the query as given), got "::1:8000" without brackets\n',
    );
    // With a port past 65535: both faults said, not "expected a port of digits" (a fresh tester).
    expect((await said('ws://::1:99999/api/ws')).stderr).toBe('realtime-contract: cannot listen to "ws://::1:99999/api/ws": an IPv6 address goes in brackets in a URL, the port after them (ws://[::1]:PORT/…), and the port 99999 is out of range (0–65535), got "::1:99999" without brackets\n');
    // With a zone, which brackets do not make a URL hold.
    expect((await said('ws://fe80::1%eth0:8000/api/ws')).stderr).toMatch(/: the host fe80::1%eth0 is an IPv6 address with a zone \(%eth0\), which a URL cannot hold /);
    // Not an IPv6 address: the port said as before.
    expect((await said('ws://localhost:80:80/')).stderr).toBe('realtime-contract: cannot listen to "ws://localhost:80:80/": expected a port of digits after the host, got "80:80"\n');
    // The URL it says is one listen takes.
    expect(new URL('ws://[::1]:20200/api/ws').host).toBe('[::1]:20200');
  });

  it('names the subprotocol a server chose that listen did not offer, and says what to do (a fresh user: only ws\'s words)', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    stops.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('headers', (headers) => headers.push('Sec-WebSocket-Protocol: evil.v1'));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`;
    const { status, stdout, stderr } = await listen([url, '--count', '1']);
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toBe(
      `realtime-contract: cannot connect to ${url}: the server chose the subprotocol "evil.v1" (Sec-WebSocket-Protocol), which listen did not offer: the protocol has none, and a client (ws, browsers) fails the handshake for one it did not ask for (RFC 6455 §4.1). The server must send no Sec-WebSocket-Protocol header to a client that offers none (Server sent a subprotocol but none was requested)\n`,
    );
  });

  it('says what the server\'s 101 answer got wrong beside ws\'s words: the accept key, an extension, headers past chromium\'s 256 KiB (those past Node\'s 16 KiB read) (a fresh user: ws\'s words alone)', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((resolve) => wss.once('listening', resolve));
    stops.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    let expected = '';
    wss.on('headers', (headers, request) => {
      const fault = new URL(request.url!, 'http://x').pathname;
      if (fault === '/accept') {
        expected = createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        const at = headers.findIndex((line) => line.startsWith('Sec-WebSocket-Accept:'));
        headers[at] = 'Sec-WebSocket-Accept: AAAA';
      }
      if (fault === '/extension') headers.push('Sec-WebSocket-Extensions: x-evil');
      if (fault === '/huge') headers.push(`X-Padding: ${'a'.repeat(256 * 1024 + 1)}`);
      // Past Node's 16 KiB, within chromium's 256 KiB: a browser connects, so listen does (tES F3).
      if (fault === '/big') headers.push(`X-Padding: ${'a'.repeat(maxHeaderSize + 4096)}`);
    });
    const base = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const accept = await listen([`${base}/accept`, '--count', '1']);
    expect(accept.status).toBe(2);
    expect(accept.stderr).toBe(`realtime-contract: cannot connect to ${base}/accept: the server's Sec-WebSocket-Accept is not the one derived from the Sec-WebSocket-Key listen sent (RFC 6455 §4.2.2): expected ${JSON.stringify(expected)}, got "AAAA" (Invalid Sec-WebSocket-Accept header)\n`);
    const extension = await listen([`${base}/extension`, '--count', '1']);
    expect(extension.status).toBe(2);
    expect(extension.stderr).toContain(': the server chose the extension "x-evil" (Sec-WebSocket-Extensions), but "x-evil" is no extension listen offered: it offers only "permessage-deflate; client_max_window_bits", and a client fails the handshake for an extension it did not ask for (RFC 6455 §9.1) (Server indicated an extension that was not requested)\n');
    const huge = await listen([`${base}/huge`, '--count', '1']);
    expect(huge.status).toBe(2);
    expect(huge.stderr).toContain(": the server's answer to the upgrade has more than 262144 bytes of headers (256 KiB), more than chromium reads (Parse Error: Header overflow)\n");
    const big = await listen([`${base}/big`, '--duration', '500ms']);
    expect(big.stderr).not.toContain('cannot connect');
  });

  it('names the permessage-deflate parameter at fault in the server\'s answer, and why (a fresh tester: server_max_window_bits=3 was said to be a parameter listen did not offer)', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((resolve) => wss.once('listening', resolve));
    stops.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const offers: (string | undefined)[] = [];
    wss.on('headers', (headers, request) => {
      offers.push(request.headers['sec-websocket-extensions']);
      headers.push(`Sec-WebSocket-Extensions: ${decodeURIComponent(new URL(request.url!, 'http://x').searchParams.get('ext')!)}`);
    });
    wss.on('connection', (ws) => ws.send(connection));
    const base = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`;
    const answer = async (ext: string) => {
      const url = `${base}?ext=${encodeURIComponent(ext)}`;
      // No ping: this server announces permessage-deflate without it, and could not read a compressed frame.
      const { status, stderr } = await listen([url, '--count', '1', '--no-ping']);
      return { status, stderr: stderr.replace(`realtime-contract: cannot connect to ${url}: the server chose the extension ${JSON.stringify(ext)} (Sec-WebSocket-Extensions), `, '') };
    };
    // A parameter a server may add unasked, with a value in range: the run goes on.
    expect(await answer('permessage-deflate; server_max_window_bits=10')).toEqual({ status: 0, stderr: '' });
    expect(offers[0]).toBe('permessage-deflate; client_max_window_bits');
    const invalid = ': a client fails the handshake for an invalid value (RFC 7692 §7) (Invalid Sec-WebSocket-Extensions header)\n';
    expect(await answer('permessage-deflate; server_max_window_bits=3')).toEqual({ status: 2, stderr: `but its permessage-deflate parameter server_max_window_bits expected a value from 8 to 15 (RFC 7692 §7.1.2.1), got 3${invalid}` });
    expect(await answer('permessage-deflate; client_max_window_bits=20')).toEqual({ status: 2, stderr: `but its permessage-deflate parameter client_max_window_bits expected a value from 8 to 15 (RFC 7692 §7.1.2.2, in a server's answer), got 20${invalid}` });
    expect(await answer('permessage-deflate; client_max_window_bits')).toEqual({ status: 2, stderr: `but its permessage-deflate parameter client_max_window_bits expected a value from 8 to 15 (RFC 7692 §7.1.2.2, in a server's answer), got none${invalid}` });
    expect(await answer('permessage-deflate; server_no_context_takeover=yes')).toEqual({ status: 2, stderr: `but its permessage-deflate parameter server_no_context_takeover expected no value (RFC 7692 §7.1.1.1), got "yes"${invalid}` });
    expect((await answer('permessage-deflate; server_max_window_bits=9; server_max_window_bits=10')).stderr).toBe('but it gives the permessage-deflate parameter server_max_window_bits 2 times: a client fails the handshake for a parameter given more than once (RFC 7692 §7) (Invalid Sec-WebSocket-Extensions header)\n');
    expect((await answer('permessage-deflate; level=9')).stderr).toBe('but its permessage-deflate parameter "level" is none RFC 7692 defines for a server\'s answer (server_no_context_takeover, client_no_context_takeover, server_max_window_bits, client_max_window_bits): a client fails the handshake for such a parameter (RFC 7692 §7) (Invalid Sec-WebSocket-Extensions header)\n');
    // tFF F5: spaces or tabs around a parameter's `=` (RFC 6455's grammar allows them; chromium reads them) were "not
    // written as RFC 6455 §9.1 has it", cannot connect: read as a browser reads them, the value judged, the header said as sent.
    for (const spaced of ['permessage-deflate; server_max_window_bits = 10', 'permessage-deflate; server_max_window_bits =10', 'permessage-deflate ; server_max_window_bits=\t "10"']) {
      expect(await answer(spaced), spaced).toEqual({ status: 0, stderr: '' });
    }
    expect(await answer('permessage-deflate; server_max_window_bits = 3')).toEqual({ status: 2, stderr: `but its permessage-deflate parameter server_max_window_bits expected a value from 8 to 15 (RFC 7692 §7.1.2.1), got 3${invalid}` });
    expect((await answer('permessage-deflate; =')).stderr).toMatch(/^but it is not written as RFC 6455 §9\.1 has it \(.*\): a client fails the handshake \(Invalid Sec-WebSocket-Extensions header\)\n$/);
  }, 12 * 15_000); // 12 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3); vitest's default 60 s failed it at load 20-25 (tHI F6)

  it('says the Retry-After of a refused upgrade and the Location of a redirect (a hostile tester: left out)', async () => {
    const answers = [
      'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      'HTTP/1.1 302 Found\r\nLocation: wss://example.com/api/ws\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      // User info in a Location, a user name alone too (a token given so: tCV F6), and a secret under a percent-encoded name (tCV F1).
      'HTTP/1.1 302 Found\r\nLocation: https://ghpS3CRETUSER@idp.example/login?%73ession%5Fid=S3CRETSESSION&next=%2Fa\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    ];
    const refuser = createServer();
    refuser.on('upgrade', (_request, socket: Socket) => socket.end(answers.shift() ?? ''));
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => refuser.close(() => resolve())));
    const url = `ws://127.0.0.1:${(refuser.address() as AddressInfo).port}/api/ws`;
    const limited = await listen([url, '--count', '1']);
    expect(limited.status).toBe(2);
    expect(limited.stderr).toContain('the server refused the upgrade with HTTP 429 Too Many Requests; Retry-After: 30\n');
    const moved = await listen([url, '--count', '1']);
    expect(moved.status).toBe(2);
    expect(moved.stderr).toContain('the server refused the upgrade with HTTP 302 Found; Location: wss://example.com/api/ws\n');
    const credentialed = await listen([url, '--count', '1']);
    expect(credentialed.stderr).toContain('the server refused the upgrade with HTTP 302 Found; Location: https://[redacted]@idp.example/login?[redacted]&[redacted]\n');
  });

  it('exits 0 on a conforming stream of every type with pings on time', async () => {
    // Pings every 500 ms, ± 475 ms: on a loaded CI machine a 200 ms timer fired after 591 ms.
    const server = await new FakeServer({ pingIntervalMs: 500 }).start();
    stops.push(() => server.stop());
    const timer = setInterval(() => {
      for (const type of STREAM_TYPES) server.publish(example(type));
    }, 100);
    stops.push(async () => clearInterval(timer));
    const { status, stdout } = await listen([`${server.url}`, '--token', 'good', '--duration', '2200ms', '--ping-interval', '500ms', '--tolerance', '0.95']);
    expect(stdout).toMatch(/ 0 violations\n$/);
    expect(status).toBe(0);
    for (const type of ['connection', 'ping', ...STREAM_TYPES]) expect(stdout).toMatch(new RegExp(`\\b${type} \\d+`));
  });

  it('reports a server that stops pinging', async () => {
    const server = await new FakeServer({ pingIntervalMs: 100 }).start();
    stops.push(() => server.stop());
    // Pings stop once the listener has answered two.
    const watch = setInterval(() => {
      if (server.received.filter((m) => (m as { type: string }).type === 'pong').length >= 2) server.pinging = false;
    }, 5);
    stops.push(async () => clearInterval(watch));
    const { status, stdout } = await listen([server.url, '--token', 'good', '--duration', '1500ms', '--ping-interval', '100ms']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^keepalive: - \(root\) expected a ping every 100 ms \(± 10 ms\), got none for \d+ ms since the last ping$/m);
  });

  it('exits 2 with the HTTP status of a refused upgrade, and when nothing listens', async () => {
    const server = await new FakeServer().start();
    stops.push(() => server.stop());
    const refused = await listen([server.url, '--token', 'wrong-secret', '--count', '1']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/HTTP 401/);
    // An http: URL is taken as ws:, as the client takes it (it was refused: "expected a ws: or wss: URL").
    const http = await listen([server.url.replace(/^ws:/, 'http:'), '--token', 'wrong-secret', '--count', '1']);
    expect(http.status).toBe(2);
    expect(http.stderr).toMatch(/HTTP 401/);
    // wss: at a plain port: said so, on one line (OpenSSL's "wrong version number\n" alone: a fresh user).
    const tls = await listen([server.url.replace(/^ws:/, 'wss:'), '--count', '1']);
    expect(tls.status).toBe(2);
    expect(tls.stderr).toMatch(/^realtime-contract: cannot connect to wss:\S+: the server does not speak TLS there: give a ws:\/\/ \(or http:\/\/\) URL if it is plain WebSocket \(.*wrong version number.*\)\n$/);
    expect(tls.stderr).not.toContain('\\n');
    expect((await listen(['ftp://127.0.0.1/api/ws', '--count', '1'])).stderr).toContain('expected a ws: or wss: URL (or http:, https:, taken as ws:, wss:)');
    // Not a URL at all: what one looks like, and a missing ":" named (Node's "Invalid URL" alone: a fresh user).
    expect((await listen(['ws//127.0.0.1:1/api/ws', '--count', '1'])).stderr).toBe('realtime-contract: cannot listen to "ws//127.0.0.1:1/api/ws": expected an absolute URL such as ws://127.0.0.1:8080/api/ws (a ":" is missing after "ws")\n');
    expect((await listen(['127.0.0.1:8080/api/ws', '--count', '1'])).stderr).toContain('expected an absolute URL such as ws://127.0.0.1:8080/api/ws');
    // A host name and port read as a scheme (`localhost:`): the URL with its scheme is named (a reviewer).
    expect((await listen(['localhost:1/api/ws', '--count', '1'])).stderr).toBe('realtime-contract: cannot listen to "localhost:1/api/ws": expected a ws: or wss: URL (or http:, https:, taken as ws:, wss:); with its scheme: ws://localhost:1/api/ws\n');
    // https: is taken as wss: (README), and a fragment is refused in our words, not ws's (a hostile tester).
    expect((await listen([server.url.replace(/^ws:/, 'https:'), '--count', '1'])).stderr).toMatch(/^realtime-contract: cannot connect to wss:\S+: the server does not speak TLS there/);
    // What follows the # is not shown: it may be a secret (a reviewer).
    const fragment = await listen([`${server.url}#token=opaque-secret`, '--count', '1']);
    expect(fragment.stderr).toMatch(/^realtime-contract: cannot listen to "ws:[^#"]*": expected a URL without a fragment \(a WebSocket URL has none\), got one \(not shown: it may hold a secret\)\n$/);
    expect(fragment.stderr).not.toContain('opaque-secret');
    expect(fragment.status).toBe(2);
    expect(refused.stderr).not.toContain('wrong-secret');
    const port = server.port;
    await server.stop();
    const down = await listen([`ws://127.0.0.1:${port}/api/ws`, '--count', '1']);
    expect(down.status).toBe(2);
    expect(down.stderr).toMatch(/cannot connect/);
  }, 10 * 15_000); // 10 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3)

  it('reports a server that sends nothing: no connection message', async () => {
    const server = await fixtureServer([]);
    const { status, stdout } = await listen([server.url, '--duration', '500ms', '--no-ping']);
    expect(stdout).toContain('protocol: - (root) expected the first frame to be the "connection" message, got no frame\n');
    expect(stdout).toMatch(/\n0 frames \(0 valid, 0 invalid\), 1 violation\n$/);
    expect(status).toBe(1);
  });

  it('reports a server that closes early with a code other than 1000, with code and reason', async () => {
    const server = await fixtureServer([], { code: 1011, reason: 'stream store unavailable' });
    const { status, stdout } = await listen([server.url, '--duration', '5s', '--no-ping']);
    expect(stdout).toContain('close: - (root) the server closed the connection with 1011 "stream store unavailable" before the run ended\n');
    expect(stdout).toContain('closed by the server: 1011 "stream store unavailable"\n');
    expect(stdout).toMatch(/\n0 frames \(0 valid, 0 invalid\), 2 violations\n$/);
    expect(status).toBe(1);
    // after a conforming start too, in JSON
    const after = await fixtureServer([connection], { code: 1011, reason: 'stream store unavailable' });
    const json = await listen([after.url, '--duration', '5s', '--format', 'json', '--no-ping']);
    const report = JSON.parse(json.stdout) as { frames: number; violations: { keyword: string; message: string }[]; close: unknown };
    expect(report.frames).toBe(1);
    expect(report.violations.map((v) => v.keyword)).toEqual(['close']);
    expect(report.close).toEqual({ code: 1011, reason: 'stream store unavailable' });
    expect(json.status).toBe(1);
  });

  it('says why the reference server refused the upgrade: its error body, and that no token was given (found by a fresh user)', async () => {
    // Before, every refusal read "HTTP 401 Unauthorized", whether the token had expired, was wrong or was missing.
    const h = await harness();
    stops.push(stopHarnesses);
    const expired = await listen([h.url, '--token', await sign('alice', -60), '--count', '1']);
    expect(expired.status).toBe(2);
    expect(expired.stderr).toBe(`realtime-contract: cannot connect to ${h.url}?token=[redacted]: the server refused the upgrade with HTTP 401 Unauthorized: "token-expired"\n`);
    const none = await listen([h.url, '--count', '1']);
    expect(none.stderr).toBe(`realtime-contract: cannot connect to ${h.url}: the server refused the upgrade with HTTP 401 Unauthorized: "no-token" (no token was given: --token, REALTIME_CONTRACT_TOKEN or a token query parameter)\n`);
    // The dashboard's URL (`/`) given instead of the socket's: where the socket is (a fresh user had a bare 404).
    // A server on its own port (one attached to yours leaves other paths' upgrades to your server).
    const own = createRealtimeServer({ port: 0, host: '127.0.0.1', jwt: { secret: SECRET } });
    stops.push(() => own.close());
    await own.listening;
    const socket = `ws://127.0.0.1:${own.address()!.port}/api/ws`;
    const page = await listen([socket.replace('/api/ws', '/'), '--token', await sign('alice'), '--count', '1']);
    expect(page.status).toBe(2);
    expect(page.stderr).toContain(`the server refused the upgrade with HTTP 404 Not Found: "not-found" (a reference server with the default path has its socket at /api/ws: ${socket})`);
    // A query given (the token in it): said to be kept, so that the socket's URL copied connects (a fresh user).
    const given = await listen([`${socket.replace('/api/ws', '/')}?token=${await sign('alice')}`, '--count', '1']);
    expect(given.stderr).toContain(`(a reference server with the default path has its socket at /api/ws: ${socket}, with the query as given)`);
  });

  it("after a 404, names the socket's path where the URL shows it: a poll URL's path without /poll, for a server on its own path too (a fresh tester: /api/ws, itself a 404 there, was said to be the socket)", async () => {
    const own = createRealtimeServer({ port: 0, host: '::1', path: '/api/realtime', jwt: { secret: SECRET } });
    stops.push(() => own.close());
    await own.listening;
    const at = `ws://[::1]:${own.address()!.port}`;
    const token = await sign('alice');
    const refusal = async (pathname: string) => {
      const { status, stderr } = await listen([`${at}${pathname}`, '--token', token, '--count', '1']);
      expect(status, pathname).toBe(2);
      return /HTTP 404 Not Found: "not-found"(.*)\n$/.exec(stderr)?.[1];
    };
    // The poll URL given for the socket's: the socket is that path without /poll, and connects.
    expect(await refusal('/api/realtime/poll')).toBe(` (a URL ending in /poll names a poll endpoint, not a socket: the reference server's socket is the path without /poll, ${at}/api/realtime)`);
    expect(await refusal('/api/realtime/poll/')).toBe(` (a URL ending in /poll names a poll endpoint, not a socket: the reference server's socket is the path without /poll, ${at}/api/realtime)`);
    const socket = await listen([`${at}/api/realtime`, '--token', token, '--count', '1', '--ping-interval', '60000']);
    expect(socket.stdout).toMatch(/^1 frame \(1 valid, 0 invalid\), 0 violations$/m);
    // Another path: the default one, said to be the default (it is a 404 on this server too).
    expect(await refusal('/')).toBe(` (a reference server with the default path has its socket at /api/ws: ${at}/api/ws)`);
    // At /api/ws itself, no word of where else it could be.
    expect(await refusal('/api/ws')).toBe('');
  });

  it('reports the reference server closing with 1011 when its stream store fails', async () => {
    class DownStore extends MemoryStreamStore {
      override read(): never {
        throw new Error('store down');
      }
    }
    const h = await harness({ store: new DownStore() });
    stops.push(stopHarnesses);
    const { status, stdout } = await listen([`${h.url}?since=e.1`, '--token', await sign('alice'), '--duration', '5s', '--no-ping']);
    expect(stdout).toMatch(/^close: - \(root\) the server closed the connection with 1011 "stream store unavailable" before the run ended$/m);
    expect(status).toBe(1);
  });

  it('a server that closes with 1000 after the connection message is no violation', async () => {
    const server = await fixtureServer([connection], { code: 1000, reason: 'bye' });
    const { status, stdout } = await listen([server.url, '--duration', '5s']);
    expect(stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
  });

  it('a server shutting down (1001, GoingAway) is no violation: said as its close (a fresh user: a run that overlapped a deploy failed)', async () => {
    const going = await fixtureServer([connection], { code: 1001, reason: 'server shutting down' });
    const { status, stdout } = await listen([going.url, '--duration', '3s']);
    expect(stdout).not.toContain('close: ');
    expect(stdout).toContain('closed by the server: 1001 "server shutting down"\n');
    expect(stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
    // With --count unmet it is still a run that fell short.
    const few = await listen([going.url, '--count', '5', '--duration', '3s']);
    expect(few.stdout).toContain('protocol: - (root) expected 5 frames within 3000 ms, got 1 before the server closed the connection with 1001\n');
    expect(few.status).toBe(1);
  });

  it('a server that closes with 1000 before --count frames, or after a silence longer than the ping interval, is reported', async () => {
    const short = await fixtureServer([connection], { code: 1000, reason: 'bye' });
    const few = await listen([short.url, '--count', '5', '--duration', '3s']);
    expect(few.stdout).toContain('protocol: - (root) expected 5 frames within 3000 ms, got 1 before the server closed the connection\n');
    expect(few.status).toBe(1);
    // Closing normally after 1.5 s without a ping, against a 500 ms interval.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (ws) => {
      ws.send(connection);
      setTimeout(() => ws.close(1000, 'bye'), 1500);
    });
    stops.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const silent = await listen([`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/ws`, '--duration', '5s', '--ping-interval', '500ms']);
    // The silence as listen measured it: 1.5 s and more (a loaded machine's timer fires late: 2 s read as a failure).
    const silence = /^keepalive: - \(root\) expected a ping every 500 ms \(± 50 ms\), got none for (\d+) ms since the connection$/m.exec(silent.stdout);
    expect(silence, silent.stdout).not.toBeNull();
    expect(Number(silence![1])).toBeGreaterThanOrEqual(1000);
    expect(Number(silence![1])).toBeLessThan(5000);
    expect(silent.status).toBe(1);
  });

  // SIGTERM too: CI's `timeout` sends it, and the run ended with exit 143 and no report (a hostile tester).
  // SIGHUP: the terminal it ran in was closed.
  it.each([['SIGINT', 'Ctrl-C \\(SIGINT\\)'], ['SIGTERM', 'SIGTERM'], ['SIGHUP', 'SIGHUP']] as const)('%s ends the run and reports what was seen so far', async (sent, said) => {
    const server = await fixtureServer([connection, '{"type":"trades"}']);
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'listen', server.url, '--duration', '60s', '--count', '5', '--ping-interval', '60000']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    const kill = setTimeout(() => child.kill('SIGKILL'), 80_000);
    // Signalled once listen is past its start (frame 1 read), however long tsx's start takes (20-23 s at load 35): a child
    // signalled while loading died by the signal, or was killed first, and the test failed (tGZ F3).
    await waitWhile(() => !stdout.includes('frame 1') && child.exitCode === null, 70_000);
    expect(stdout, `listen never read frame 1; stderr ${JSON.stringify(stderr)}`).toContain('frame 1');
    child.kill(sent);
    const [status, signal] = await closed;
    clearTimeout(kill);
    // It failed once in a full run under load with the report missing: said with how it ended.
    const how = `exit ${status}, signal ${signal}, stderr ${JSON.stringify(stderr)}`;
    expect(stdout, how).toContain('frame 1: trades /data expected required property "data", got nothing');
    // --count 5: the frames that never came, and that Ctrl-C, not --duration, ended the wait.
    expect(stdout, how).toMatch(new RegExp(`\\nprotocol: - \\(root\\) expected 5 frames within 60000 ms, got 2 before ${said} ended the run after \\d+ ms\\n`));
    expect(stdout, how).toMatch(/\nconnection 1, trades 1\n2 frames \(1 valid, 1 invalid\), 2 violations\n$/);
    expect(status, how).toBe(1);
  }, 90_000);

  it('Ctrl-C (SIGINT) before the upgrade is answered ends the attempt, said as a failed connection', async () => {
    // A server that takes the TCP connection and never answers the upgrade.
    const sockets: Socket[] = [];
    const http = createServer();
    http.on('upgrade', (_request, socket: Socket) => sockets.push(socket));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      http.close(() => resolve());
    }));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/ws`;
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'listen', url, '--duration', '60s']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    const kill = setTimeout(() => child.kill('SIGKILL'), 80_000);
    // Signalled once the upgrade came, however long tsx's start takes (tGZ F3).
    await waitWhile(() => sockets.length === 0 && child.exitCode === null, 70_000);
    expect(sockets.length, `listen never sent its upgrade; stderr ${JSON.stringify(stderr)}`).toBe(1);
    child.kill('SIGINT');
    const [status, signal] = await closed;
    clearTimeout(kill);
    expect({ status, signal, stderr }).toEqual({ status: 2, signal: null, stderr: `realtime-contract: cannot connect to ${url}: Ctrl-C (SIGINT) ended the run before the upgrade was answered\n` });
  }, 90_000);

  it('refuses a frame with a byte-order mark as a browser does, and counts any type by its name (found by a fresh user)', async () => {
    // Before: the BOM frame passed, uncounted, and types named as Object's properties were counted onto them.
    const server = await fixtureServer([connection, `\uFEFF${JSON.stringify(trade)}`, '{"type":"constructor"}', '{"type":"__proto__"}', '{"type":"toString"}']);
    const { stdout } = await listen([server.url, '--count', '5', '--format', 'json']);
    const report = JSON.parse(stdout) as { counts: Record<string, unknown>; violations: { index: number; keyword: string; message: string }[] };
    expect(report.violations.find((violation) => violation.index === 1)).toMatchObject({ keyword: 'json', message: expect.stringContaining('U+FEFF (a byte-order mark) at position 0') });
    expect(Object.entries(report.counts)).toEqual([['connection', 1], ['constructor', 1], ['__proto__', 1], ['toString', 1]]);
  });

  it('names the option whose value is wrong, and takes --ping-interval as a duration too', async () => {
    const bad = await listen(['ws://127.0.0.1:9/api/ws', '--duration', 'banana']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/option '--duration <time>' argument 'banana' is invalid\. expected a duration such as 60s, 500ms or 2m/);
    // Before, 597h ended the run after 1 ms with a violation (Node's timers stop at 2^31 - 1 ms).
    const long = await listen(['ws://127.0.0.1:9/api/ws', '--duration', '597h']);
    expect(long.status).toBe(2);
    expect(long.stderr).toContain('expected a duration of at most 596h (2^31 - 1 ms, the longest timer Node runs)');
    // Past 2^53 - 1 it was rounded: "expected 9007199254740992 frames".
    const count = await listen(['ws://127.0.0.1:9/api/ws', '--count', '9007199254740993']);
    expect(count.status).toBe(2);
    expect(count.stderr).toMatch(/option '--count <n>' argument '9007199254740993' is invalid\. expected a positive integer up to 9007199254740991/);
    // A bare number is seconds for --duration, milliseconds for --ping-interval: one under a
    // second is refused, not checked as a ping every 30 ms (a fresh user).
    const interval = await listen(['ws://127.0.0.1:9/api/ws', '--duration', '65', '--ping-interval', '30']);
    expect(interval.status).toBe(2);
    expect(interval.stderr).toMatch(/option '--ping-interval <time>' argument '30' is invalid\. a bare number is milliseconds here, and 30 ms is surely not meant: write 30s, or 30ms if it is/);
    // And milliseconds given bare to --duration: not a run of 16.7 hours (a fresh user); written with its unit, it is taken.
    const ms = await listen(['ws://127.0.0.1:9/api/ws', '--duration', '60000']);
    expect(ms.status).toBe(2);
    expect(ms.stderr).toMatch(/option '--duration <time>' argument '60000' is invalid\. a bare number is seconds here, and 60000 s \(16\.7 h\) may be meant as milliseconds: write 60000ms, or 60000s if it is seconds/);
    expect((await listen(['ws://127.0.0.1:9/api/ws', '--duration', '60000s'])).stderr).not.toContain('may be meant');
    // `--duration 5000`, meant as 5 s, ran 83 minutes (a fresh user): from 1000 on, the unit is asked for.
    const five = await listen(['ws://127.0.0.1:9/api/ws', '--duration', '5000']);
    expect(five.status).toBe(2);
    expect(five.stderr).toContain('a bare number is seconds here, and 5000 s (1.4 h) may be meant as milliseconds: write 5000ms, or 5000s if it is seconds');
    expect((await listen(['ws://127.0.0.1:9/api/ws', '--duration', '999'])).stderr).not.toContain('may be meant');
    const tolerance = await listen(['ws://127.0.0.1:9/api/ws', '--tolerance', '5']);
    expect(tolerance.stderr).toMatch(/option '--tolerance <fraction>' argument '5' is invalid\. expected a fraction from 0 to 1/);
    // Numbers as JavaScript writes them are fractions too (`.5` was refused: a fresh user); a percentage is told as a fraction.
    for (const written of ['.5', '1e-1', '0.']) expect((await listen(['ws://127.0.0.1:9/api/ws', '--tolerance', written, '--duration', '1ms'])).stderr).not.toContain('--tolerance');
    expect((await listen(['ws://127.0.0.1:9/api/ws', '--tolerance', '50%'])).stderr).toContain("argument '50%' is invalid. expected a fraction from 0 to 1, such as 0.1, not a percentage: 50% is 0.5");
    // Its fraction as written to 12 digits (0.7% read 0.006999999999999999), a space before % taken, none told past 100% (tFA F4).
    expect((await listen(['ws://127.0.0.1:9/api/ws', '--tolerance', '0.7%'])).stderr).toContain('not a percentage: 0.7% is 0.007\n');
    expect((await listen(['ws://127.0.0.1:9/api/ws', '--tolerance', '50 %'])).stderr).toContain('not a percentage: 50% is 0.5\n');
    expect((await listen(['ws://127.0.0.1:9/api/ws', '--tolerance', '150%'])).stderr).toContain("argument '150%' is invalid. expected a fraction from 0 to 1, such as 0.1\n");
    const server = await fixtureServer([connection]);
    const { status, stdout } = await listen([server.url, '--duration', '300ms', '--ping-interval', '2s', '--no-ping']);
    expect(stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    expect(status).toBe(0);
    // An interval is compared, not waited for: no timer's limit applies (it said it had one).
    const longInterval = await listen([server.url, '--duration', '300ms', '--ping-interval', '700h', '--no-ping']);
    expect(longInterval.stdout).toMatch(/\n1 frame \(1 valid, 0 invalid\), 0 violations\n$/);
    // One too long to be a number is refused (it read as Infinity, and no ping could fail; found by a reviewer).
    const infinite = await listen(['ws://127.0.0.1:9/api/ws', '--ping-interval', `${'9'.repeat(400)}h`]);
    expect(infinite.status).toBe(2);
  }, 19 * 15_000); // 19 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3)

  it('--count N checks exactly the first N frames, even when more arrive in the same read', async () => {
    const server = await fixtureServer([connection, ...Array.from({ length: 10 }, () => JSON.stringify(trade))]);
    const { status, stdout } = await listen([server.url, '--count', '2', '--ping-interval', '60000']);
    expect(stdout).toBe('connection 1, trades 1\n2 frames (2 valid, 0 invalid), 0 violations\n');
    expect(status).toBe(0);
  });

  it('--count N against a server that sends fewer frames ends at --duration with a violation', async () => {
    const server = await fixtureServer([connection]);
    const { status, stdout } = await listen([server.url, '--count', '3', '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(stdout).toBe('protocol: - (root) expected 3 frames within 1000 ms, got 1\nconnection 1\n1 frame (1 valid, 0 invalid), 1 violation\n');
    expect(status).toBe(1);
  });

  it('--count N against a server that sends N - 1 frames is a violation, and N frames end the run with none (a frame short passed: tBY F4)', async () => {
    const server = await fixtureServer([connection, JSON.stringify(trade)]);
    const short = await listen([server.url, '--count', '3', '--duration', '1s', '--ping-interval', '60000', '--no-ping']);
    expect(short.stdout).toBe('protocol: - (root) expected 3 frames within 1000 ms, got 2\nconnection 1, trades 1\n2 frames (2 valid, 0 invalid), 1 violation\n');
    expect(short.status).toBe(1);
    // Ended by the Nth frame, not by --duration (a minute; the helper kills a run at 20 s).
    const exact = await listen([server.url, '--count', '2', '--duration', '60s', '--ping-interval', '60000', '--no-ping']);
    expect(exact.stdout).toBe('connection 1, trades 1\n2 frames (2 valid, 0 invalid), 0 violations\n');
    expect(exact.status).toBe(0);
  });

  it('never prints the token a server echoes back (a field, a key, a type, the close reason), and quotes the close reason', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ';
    const url = await echoServer((ws, request) => {
      const echoed = request.url!;
      ws.send(connection);
      ws.send(JSON.stringify({ ...trade, data: { ...(trade.data as object), side: echoed } }));
      ws.send(JSON.stringify({ ...trade, [`u${echoed}`]: 1 }));
      ws.send(JSON.stringify({ type: echoed }));
      // At most 123 bytes: the reason holds the summary line whole, without a prefix.
      ws.close(4000, `${echoed}\n1 frame (1 valid, 0 invalid), 0 violations`);
    });
    // A token with characters each encoding changes (query, JSON, JSON Pointer), echoed decoded.
    const odd = 'abc/def~ghi"j\\k l!m(SECRETPART)';
    const oddUrl = await echoServer((ws, request) => {
      const echoed = new URL(request.url!, 'http://x').searchParams.get('token')!;
      ws.send(connection);
      ws.send(JSON.stringify({ ...trade, data: { ...(trade.data as object), side: echoed } }));
      ws.send(JSON.stringify({ ...trade, [echoed]: 1 }));
      ws.send(JSON.stringify({ type: `trades\nclosed by the server: 1000\n0 frames (0 valid, 0 invalid), 0 violations ${echoed}` }));
      ws.close(4000, request.url!);
    });
    for (const format of ['text', 'json']) {
      const run = await listen([oddUrl, '--token', odd, '--duration', '2s', '--ping-interval', '60000', '--format', format]);
      expect(run.status).toBe(1);
      expect(run.stdout + run.stderr).not.toContain('SECRETPART');
      if (format === 'text') expect(run.stdout.split('\n')).not.toContain('0 frames (0 valid, 0 invalid), 0 violations');
    }
    // A refused upgrade whose status text holds the token.
    const refuser = createServer();
    refuser.on('upgrade', (_request, socket: Socket) => socket.end(`HTTP/1.1 401 ${odd}\r\nConnection: close\r\n\r\n`));
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => refuser.close(() => resolve())));
    const refused = await listen([`ws://127.0.0.1:${(refuser.address() as AddressInfo).port}/api/ws`, '--token', odd, '--count', '1']);
    expect(refused.status).toBe(2);
    expect(refused.stdout + refused.stderr).toContain('HTTP 401');
    expect(refused.stdout + refused.stderr).not.toContain('SECRETPART');
    for (const format of ['text', 'json']) {
      const run = await listen([url, '--token', token, '--duration', '2s', '--ping-interval', '60000', '--format', format]);
      expect(run.status).toBe(1);
      expect(run.stdout + run.stderr).not.toContain('c2VjcmV0');
      expect(run.stdout + run.stderr).toContain('[redacted]');
      if (format === 'text') {
        // The reason is one quoted string: the server cannot add a line to the report.
        expect(run.stdout).toContain('closed by the server: 4000 "/api/ws?token=[redacted]\\n1 frame (1 valid, 0 invalid), 0 violations"');
        expect(run.stdout.split('\n').filter((line) => line === '1 frame (1 valid, 0 invalid), 0 violations')).toEqual([]);
      }
    }
  });

  it('redacts the value of any query parameter named as a secret, not only token (a hostile tester: api_key was printed as given)', async () => {
    const url = await echoServer((ws, request) => {
      ws.send(connection);
      ws.send(JSON.stringify(trade));
      // The values echoed back (a close reason holds at most 123 bytes).
      ws.close(4000, [...new URL(request.url!, 'http://x').searchParams.values()].join(' '));
    });
    // A short value of a parameter named as a secret is hidden in the URL only; a secret's short word inside another word (author, design) makes no secret.
    const target = `${url}?api_key=KEYVALUE12345&access_token=ACCESSVALUE678&password=PASSVALUE9012&apiKey=CAMELVALUE345&sort_key=trades&author=ann&design=4000&view=compact`;
    for (const format of ['text', 'json']) {
      const run = await listen([target, '--duration', '2s', '--ping-interval', '60000', '--format', format]);
      expect(run.status).toBe(1);
      const out = run.stdout + run.stderr;
      for (const secret of ['KEYVALUE', 'ACCESSVALUE', 'PASSVALUE', 'CAMELVALUE']) expect(out).not.toContain(secret);
      // what is not a secret stays readable (the URL: in JSON below)
      expect(out).toContain('"[redacted] [redacted] [redacted] [redacted] trades ann 4000 compact"');
      if (format === 'text') expect(run.stdout.split('\n')).toContain('connection 1, trades 1');
      if (format === 'json') {
        const report = JSON.parse(run.stdout) as { url: string; counts: Record<string, number>; close: { code: number } };
        expect(report.url).toBe(`${url}?api_key=[redacted]&access_token=[redacted]&password=[redacted]&apiKey=[redacted]&sort_key=[redacted]&author=ann&design=4000&view=compact`);
        expect(report.counts).toEqual({ connection: 1, trades: 1 });
        expect(report.close.code).toBe(4000);
      }
    }
    // a target that is not a URL is redacted by pattern
    const bad = await listen(['ws://[::1:99/api/ws?api_key=KEYVALUE12345&view=compact', '--count', '1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('api_key=[redacted]&view=compact');
    expect(bad.stderr).not.toContain('KEYVALUE');
  });

  it('redacts a token under 8 characters only where it stands alone, so that the report stays readable (found by a tester)', async () => {
    // Before: every "x" of the output was redacted for --token x ("e[redacted]pected").
    const url = await echoServer((ws, request) => {
      const echoed = new URL(request.url!, 'http://x').searchParams.get('token')!;
      ws.send(connection);
      ws.send(JSON.stringify({ ...trade, data: { ...(trade.data as object), side: echoed } }));
      ws.close(4001, `bad token ${echoed}.`);
    });
    for (const token of ['x', 'abc-123']) {
      const run = await listen([url, '--token', token, '--duration', '5s', '--ping-interval', '60000', '--no-ping']);
      expect(run.stdout, token).toBe([
        'frame 1: trades /data/side expected one of "buy", "sell", got "[redacted]"',
        'close: - (root) the server closed the connection with 4001 "bad token [redacted]." before the run ended',
        'connection 1, trades 1',
        'closed by the server: 4001 "bad token [redacted]."',
        '2 frames (1 valid, 1 invalid), 2 violations',
        '',
      ].join('\n'));
      expect(run.status, token).toBe(1);
      const json = await listen([url, '--token', token, '--duration', '5s', '--ping-interval', '60000', '--no-ping', '--format', 'json']);
      const report = JSON.parse(json.stdout) as { url: string; violations: { message: string }[] };
      expect(report.url).toMatch(/\?token=\[redacted\]$/);
      expect(report.violations[0]!.message).toBe('expected one of "buy", "sell", got "[redacted]"');
      // Never where it stands alone, as a value or a word.
      expect(run.stdout + run.stderr + json.stdout + json.stderr, token).not.toMatch(new RegExp(`(?<![\\w-])${token}(?![\\w-])`));
    }
  });

  // tHS F3: the short-token rule is for what a server echoes; Node's own connect error names the address listen dialled.
  it("shows Node's connect error address and port whole beside a short token (ECONNREFUSED 127.0.0.[redacted]:port: tHS F3), still hiding the token elsewhere", { timeout: 180_000 }, async () => {
    // Nothing listens there: a port of this worker's range, taken and let go, else one the kernel gave.
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createNetServer();
      probe.once('error', reject);
      probe.listen(ports(), '127.0.0.1', () => {
        const { port: taken } = probe.address() as AddressInfo;
        probe.close(() => resolve(taken));
      });
    });
    for (const [host, token, address] of [['127.0.0.1', '0', '127.0.0.1'], ['[::1]', '1', '::1'], ['127.0.0.1', String(port), '127.0.0.1']] as const) {
      const url = `ws://${host}:${port}/api/ws`;
      const run = await listen([url, '--token', token, '--duration', '1s']);
      expect(run.status, token).toBe(2);
      // With the way out listen adds (tHQ F2), its own words whole too: the demo's 127.0.0.1:8000 read 127.[redacted].[redacted].1:8000.
      expect(run.stderr, `${host} ${token}`).toBe(`realtime-contract: cannot connect to ${url}?token=[redacted]: connect ECONNREFUSED ${address}:${port} (nothing listens at ${host}:${port}: is the server running, on that port? serve --demo listens on 127.0.0.1:8000 unless given --port)\n`);
    }
    const url = `ws://127.0.0.1:${port}/api/ws`;
    const json = await listen([url, '--token', '127', '--duration', '1s', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ url: `${url}?token=[redacted]`, error: `connect ECONNREFUSED 127.0.0.1:${port} (nothing listens at 127.0.0.1:${port}: is the server running, on that port? serve --demo listens on 127.0.0.1:8000 unless given --port)` });
  });

  it('--count N against a server that closes early with a code but 1000: the frames seen, the close, and that fewer than N came (found by a tester)', async () => {
    // Before: only the close was a violation; the missing frames went unsaid.
    const server = await fixtureServer([connection, '{"type":"trades"}'], { code: 1011, reason: 'stream store unavailable' });
    const { status, stdout } = await listen([server.url, '--count', '5', '--duration', '5s', '--ping-interval', '60000', '--no-ping']);
    expect(stdout).toBe([
      'frame 1: trades /data expected required property "data", got nothing',
      'close: - (root) the server closed the connection with 1011 "stream store unavailable" before the run ended',
      'protocol: - (root) expected 5 frames within 5000 ms, got 2 before the server closed the connection with 1011',
      'connection 1, trades 1',
      'closed by the server: 1011 "stream store unavailable"',
      '2 frames (1 valid, 1 invalid), 3 violations',
      '',
    ].join('\n'));
    expect(status).toBe(1);
    const json = await listen([server.url, '--count', '5', '--duration', '5s', '--ping-interval', '60000', '--no-ping', '--format', 'json']);
    const report = JSON.parse(json.stdout) as { frames: number; valid: number; invalid: number; counts: unknown; violations: { keyword: string; message: string }[]; close: unknown };
    expect(report).toMatchObject({ frames: 2, valid: 1, invalid: 1, counts: { connection: 1, trades: 1 }, close: { code: 1011, reason: 'stream store unavailable' } });
    expect(report.violations.map((v) => v.keyword)).toEqual(['required', 'close', 'protocol']);
    expect(report.violations[2]!.message).toBe('expected 5 frames within 5000 ms, got 2 before the server closed the connection with 1011');
    expect(json.status).toBe(1);
  });

  it('shows a number at fault as the server wrote it, as validate does', async () => {
    const server = await fixtureServer([connection, '{"type":"ping","timestamp":1e400}', '{"type":"ping","timestamp":1.50}']);
    const { stdout } = await listen([server.url, '--token', 't0ken', '--count', '3', '--ping-interval', '60000', '--tolerance', '1']);
    expect(stdout).toContain('frame 1: ping /timestamp expected an integer, got 1e400 (read as Infinity, not a finite number)\n');
    expect(stdout).toContain('frame 2: ping /timestamp expected an integer, got a number 1.50 (read as 1.5)\n');
  });

  it('redacts a JWT whose header is written with spaces or lines (`{ "alg"` → eyAi…, `{\\n  "alg"` → ewog…), under any name or in the path, as one whose header is `eyJ…`; host names of such letters stay (tCD F1: printed whole since one JWT shape)', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const payload = b64(JSON.stringify({ sub: 'alice', exp: 9999999999 }));
    const server = await new FakeServer().start();
    const port = server.port;
    await server.stop();
    for (const header of ['{\n  "alg": "HS256",\n  "typ": "JWT"\n}', '{ "alg": "HS256" }', '{\r\n\t"alg": "none"}']) {
      const jwt = `${b64(header)}.${payload}.c2lnbmF0dXJlc2lnbmF0dXJl`;
      expect(jwt).toMatch(/^e(yA|wo|w0)/);
      for (const [url, shown] of [
        [`ws://127.0.0.1:${port}/api/ws?t=${jwt}`, `ws://127.0.0.1:${port}/api/ws?t=[redacted]`],
        [`ws://127.0.0.1:${port}/api/ws;session=x/${jwt}`, `ws://127.0.0.1:${port}/api/ws;session=[redacted]/[redacted]` /* a path parameter named as a secret: tCY F6 */],
      ] as const) {
        const run = await listen([url, '--count', '1']);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(`cannot connect to ${shown}: `);
        expect(run.stdout + run.stderr).not.toContain(payload);
        expect(run.stdout + run.stderr).not.toContain('c2lnbmF0dXJl');
      }
    }
    const host = await listen([`ftp://eyeglass-store-online.example.com/api/ws?next=ewok-games-international.example.org`, '--count', '1']);
    expect(host.stderr).toContain('"ftp://eyeglass-store-online.example.com/api/ws?next=ewok-games-international.example.org"');
  });

  it('redacts a compact JWE whose encrypted key is empty (alg "dir", as Auth.js session tokens: <header>..<iv>.<ciphertext>.<tag>), under any name or in the path (tCL F2: printed whole)', async () => {
    const server = await new FakeServer().start();
    const port = server.port;
    await server.stop();
    const jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..M2Fm0Qk3bLn8yXqA.8cQfGm2b1Yx4ZkPqR7sVt0WnEa9dHj6L3uIo5rTyUpA.Zx9Qw8Er7Ty6Ui5Op4As3D';
    for (const [url, shown] of [
      [`ws://127.0.0.1:${port}/api/ws?t=${jwe}`, `ws://127.0.0.1:${port}/api/ws?t=[redacted]`],
      [`ws://127.0.0.1:${port}/api/ws/${jwe}`, `ws://127.0.0.1:${port}/api/ws/[redacted]`],
    ] as const) {
      const run = await listen([url, '--count', '1']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`cannot connect to ${shown}: `);
      expect(run.stdout + run.stderr).not.toContain('8cQfGm2b1Yx4');
    }
  });

  it('redacts a parameter whose name holds a secret\'s word anywhere, in any case and with any separator or none, and keeps cursor and user (tCN F1: session_id, accesstoken, api_key_v2 printed whole)', async () => {
    const server = await new FakeServer().start();
    const port = server.port;
    await server.stop();
    const run = await listen([`ws://127.0.0.1:${port}/api/ws?session_id=S3CR3T-abc&accesstoken=OPAQUE-xyz&api_key_v2=K3Y-v2&cursor=e.12&user=ann&session-id%3DS3CR3T-def`, '--count', '1']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot connect to ws://127.0.0.1:${port}/api/ws?session_id=[redacted]&accesstoken=[redacted]&api_key_v2=[redacted]&cursor=e.12&user=ann&[redacted]: `);
    for (const secret of ['S3CR3T', 'OPAQUE', 'K3Y']) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('redacts a URL\'s user name given with no password, which ws sends as Basic credentials (a token as wss://<token>@host), and keeps one beside a password (tCV F6: printed in clear)', async () => {
    const server = await new FakeServer().start();
    const port = server.port;
    await server.stop();
    const alone = await listen([`ws://ghpS3CRETTOKEN123@127.0.0.1:${port}/api/ws`, '--count', '1']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain(`cannot connect to ws://[redacted]@127.0.0.1:${port}/api/ws: `);
    expect(alone.stdout + alone.stderr).not.toContain('S3CRET');
    const named = await listen([`ws://alice:pw-S3CRET@127.0.0.1:${port}/api/ws`, '--count', '1']);
    expect(named.stderr).toContain(`cannot connect to ws://alice:[redacted]@127.0.0.1:${port}/api/ws: `);
    expect(named.stdout + named.stderr).not.toContain('S3CRET');
  });

  it('redacts whole a parameter whose value is a URL with a parameter named as a secret (an OAuth return_to), as the server logs it (tCV F12: printed in clear)', async () => {
    const server = await new FakeServer().start();
    const port = server.port;
    await server.stop();
    const query = 'return_to=https%3A%2F%2Fapp.example%2Fcb%3Faccess_token%3DS3CRETNESTED&next=%2Fcb%3Fpage%3D2';
    const parsed = await listen([`ws://127.0.0.1:${port}/api/ws?${query}`, '--count', '1']);
    expect(parsed.stderr).toContain(`cannot connect to ws://127.0.0.1:${port}/api/ws?return_to=[redacted]&next=%2Fcb%3Fpage%3D2: `);
    const unparsed = await listen([`ws://127.0.0.1:99999/api/ws?${query}`, '--count', '1']);
    expect(unparsed.stderr).toBe('realtime-contract: cannot listen to "ws://127.0.0.1:99999/api/ws?return_to=[redacted]&next=%2Fcb%3Fpage%3D2": the port 99999 is out of range (0–65535)\n');
    for (const run of [parsed, unparsed]) expect(run.stdout + run.stderr).not.toContain('S3CRET');
  });

  it('never prints the token, on any failing path', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ';
    const server = await new FakeServer().start();
    stops.push(() => server.stop());
    const refusedPort = server.port;
    const runs = [
      // not a ws: URL
      await listen([`http://127.0.0.1:8123/api/ws?token=${token}`, '--count', '1']),
      // not a URL at all
      await listen([`ws://127.0.0.1:99999/api/ws?token=${token}`, '--count', '1']),
      await listen([`ws://127.0.0.1:99999/api/ws?x=1&token=${token}`, '--token', token, '--count', '1']),
      // refused upgrade (401), token in the URL and as --token
      await listen([`ws://127.0.0.1:${refusedPort}/api/ws?token=${token}`, '--count', '1']),
      await listen([`ws://127.0.0.1:${refusedPort}/api/ws`, '--token', token, '--count', '1', '--format', 'json']),
      // Both: said which one is sent (it was replaced in silence: a fresh user).
      await listen([`ws://127.0.0.1:${refusedPort}/api/ws?token=other`, '--token', token, '--count', '1']),
    ];
    expect(runs.at(-1)!.stderr).toMatch(/^realtime-contract: note: --token \(or REALTIME_CONTRACT_TOKEN\) replaces the token in the URL\n/);
    await server.stop();
    // nothing listens any more
    runs.push(await listen([`ws://127.0.0.1:${refusedPort}/api/ws?token=${token}`, '--count', '1']));
    // Under names no list foresees, and in the path: JWT-shaped, so redacted whole (they were printed).
    const unnamed = [`ws://127.0.0.1:${refusedPort}/x?bearer=${token}`, `ws://127.0.0.1:${refusedPort}/x;token=${token}`, `ws://127.0.0.1:${refusedPort}/x?t=${token}`, `ws://127.0.0.1:99999/x?t=${token}`];
    // A host name is not a token, however long its labels (it was redacted: a reviewer).
    const host = await listen([`ftp://contoso-realtime.azurewebsites.net/api/ws?t=${token}`, '--count', '1']);
    expect(host.stderr).toContain('"ftp://contoso-realtime.azurewebsites.net/api/ws?t=[redacted]"');
    for (const url of unnamed) {
      const run = await listen([url, '--count', '1']);
      expect(run.status).toBe(2);
      expect(run.stdout + run.stderr).toMatch(/\/x[?;][a-z]+=\[redacted\]/);
      expect(run.stdout + run.stderr).not.toContain('c2VjcmV0');
    }
    for (const run of runs) {
      expect(run.status).toBe(2);
      expect(run.stdout + run.stderr).toMatch(/token=\[redacted\]/);
      expect(run.stdout).not.toContain(token);
      expect(run.stderr).not.toContain(token);
      expect(run.stdout + run.stderr).not.toContain('c2VjcmV0');
    }
  }, 12 * 15_000); // 12 listen runs, 15 s each: three times the 5 s a tsx start took on a loaded 2-vCPU machine (tFK F3)
});
