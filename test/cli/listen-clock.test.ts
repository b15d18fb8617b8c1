/**
 * `listen` when the wall clock of the machine running it steps during a run (NTP stepping a
 * fresh CI VM, a VM resumed): the server's pings are timed on a clock that never steps, so a
 * server that pinged on time has no keepalive violation, and no interval is negative (tAO: a
 * step of an hour was reported as a ping 3603031 ms late, or -3596987 ms early, exit 1). A real
 * `ws` server on 127.0.0.1 (port 0); the CLI in a child process whose `Date` a preload steps on
 * SIGUSR2.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

const CLI = path.resolve('src/cli/main.ts');
const STEP_DATE = path.resolve('test/support/step-date.cjs');
const HOUR = 3_600_000;
afterEach(stopWsServers);
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });
const ping = (timestamp: number) => JSON.stringify({ type: 'ping', timestamp });

/**
 * Runs listen against a server that sends `connection` at once (and what `opened(ws)` sends),
 * then, when listen's own ping comes, has listen's wall clock stepped by `stepMs` and answers
 * it: `then(ws)` sends what follows.
 */
async function run(args: string[], stepMs: number, opened: (ws: WebSocket) => void, then: (ws: WebSocket) => void): Promise<{ status: number | null; stdout: string; stderr: string }> {
  let step = () => {};
  let stepped = () => {};
  const url = await wsServer((ws) => {
    ws.send(connection);
    opened(ws);
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; timestamp: number };
      if (message.type !== 'ping') return;
      // Listen has read the connection (its ping follows it): its clock steps now, before the pong and what follows.
      stepped = () => {
        ws.send(JSON.stringify({ type: 'pong', timestamp: message.timestamp }));
        then(ws);
      };
      step();
    });
  });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', STEP_DATE, '--import', 'tsx', CLI, 'listen', url, ...args], { env: { ...process.env, CLOCK_STEP_MS: String(stepMs) } });
    step = () => child.kill('SIGUSR2');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (String(d).includes('clock stepped')) stepped();
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (status) => {
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('listen when its wall clock steps during a run', () => {
  it('a ping on time after the wall clock stepped forward an hour is no violation', { timeout: 60_000 }, async () => {
    // connection, pong, ping: the ping comes well within PING_INTERVAL_MS of the connection,
    // 300 ms after the step (listen's heartbeat has run since: a step is no held loop).
    const { status, stdout, stderr } = await run(['--count', '3'], HOUR, () => {}, (ws) => setTimeout(() => ws.send(ping(1)), 300));
    expect(stderr).toContain('clock stepped');
    expect(stdout).toContain('3 frames (3 valid, 0 invalid), 0 violations');
    expect(status, stdout).toBe(0);
  });

  it('pings 2 s apart, the wall clock set back an hour between them, are no violation of --ping-interval 2s (never a negative interval)', { timeout: 60_000 }, async () => {
    // ping 1 with the connection, ping 2 two seconds after it by the server's timer; listen's clock steps back between them.
    let timer: NodeJS.Timeout | undefined;
    const opened = (ws: WebSocket) => {
      ws.send(ping(1));
      timer = setTimeout(() => ws.send(ping(2)), 2000);
    };
    const { status, stdout, stderr } = await run(['--count', '4', '--ping-interval', '2s', '--format', 'json'], -HOUR, opened, () => {});
    clearTimeout(timer);
    expect(stderr).toContain('clock stepped');
    const report = JSON.parse(stdout) as { violations: unknown[]; pingIntervals: number[] };
    expect(report.violations).toEqual([]);
    expect(report.pingIntervals.every((ms) => ms >= 0)).toBe(true);
    expect(status, stdout).toBe(0);
  });
});

/**
 * A server whose 101 answer carries a `Date` header `aheadMs` ahead of the real time (none for
 * null), then sends `connection` and closes with 4401 "x" at once: a server whose clock reads
 * the token expired.
 */
async function closing4401(aheadMs: number | null, afterMs = 0): Promise<string> {
  const server = createServer();
  servers.push(server);
  server.on('upgrade', (request, socket: Socket) => {
    const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const payload = Buffer.from(connection);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${aheadMs !== null ? `Date: ${new Date(Date.now() + aheadMs).toUTCString()}\r\n` : ''}\r\n`);
    socket.write(Buffer.from([0x81, payload.length, ...payload]));
    setTimeout(() => socket.write(Buffer.from([0x88, 0x03, 0x11, 0x31, 0x78])), afterMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/ws`;
}

const tokenExpiringIn = (seconds: number) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(Math.floor(Date.now() / 1000) + seconds).sign(new TextEncoder().encode('x'.repeat(40)));

describe("listen's 4401 judged against the token's exp when the server's clock is not listen's", () => {
  it("a 4401 at exp + 5 s by a server clock a minute ahead of listen's, its Date header saying so, is a warning that names the clocks", { timeout: 60_000 }, async () => {
    // By listen's clock the token has 55 s to go; by the server's (60 s ahead), it expired 5 s ago,
    // before the upgrade: said so, within a clock tolerance no violation (tBQ F1).
    // The Date header has whole seconds: its cut fraction and the answer's way to listen may take
    // more than the half second listen adds, 59 s then (stop 70's CI).
    const { status, stdout, stderr } = await runListen([await closing4401(60_000), '--token', await tokenExpiringIn(55), '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    expect(stderr).toMatch(/^close: warning: - \(root\) the server closed the connection with 4401 "x" before the run ended: TokenExpired, the token's exp being \S+, by the server's clock \(the Date header of its 101 answer, about (?:59|60) s ahead of listen's\) \(the token had expired at the upgrade, \d+ s before it by that clock, and the server accepted it: give a token that has not expired and outlives --duration\)$/m);
    expect(stdout).toMatch(/0 violations\n$/);
    expect(status).toBe(0);
  });

  it('an early 4401 says by whose clock: a Date header that agrees with listen\'s clock, or none (then listen\'s clock may be behind)', { timeout: 60_000 }, async () => {
    const agreed = await runListen([await closing4401(0), '--token', await tokenExpiringIn(600), '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    expect(agreed.stdout).toMatch(/^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, \d+ s before the token's exp by the server's clock \(the Date header of its 101 answer, carried forward on listen's monotonic clock; the server's clock being within a second of listen's\)\)$/m);
    expect(agreed.status).toBe(1);
    const none = await runListen([await closing4401(null), '--token', await tokenExpiringIn(600), '--duration', '3s', '--ping-interval', '60000', '--no-ping']);
    expect(none.stdout).toMatch(/^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, \d+ s before the token's exp by listen's clock, which may be behind the server's by that much \(the server's 101 answer had no Date header to compare the clocks\)\)$/m);
    expect(none.status).toBe(1);
  });
});

describe("listen's 4401 by the server's Date header when listen's own wall clock steps during the run (tAV)", () => {
  /** listen against `url`, its wall clock stepped by `stepMs` `afterMs` into the run. */
  const stepped = (url: string, args: string[], stepMs: number, afterMs: number) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--require', STEP_DATE, '--import', 'tsx', CLI, 'listen', url, ...args], { env: { ...process.env, CLOCK_STEP_MS: String(stepMs) } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      // Stepped once listen has connected: its upgrade is asked within the first seconds of the child (tsx's start included).
      const step = setTimeout(() => child.kill('SIGUSR2'), afterMs);
      const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.on('close', (status) => {
        clearTimeout(step);
        clearTimeout(kill);
        resolve({ status, stdout, stderr });
      });
    });

  it("a 4401 after exp by the server's clock is a warning though listen's clock was set back an hour meanwhile, and one an hour early a violation though listen's was set forward", { timeout: 90_000 }, async () => {
    // The server closes 6 s after listen connects, with a token that expired 1 s before (by both clocks, which agree).
    const late = await stepped(await closing4401(0, 6000), ['--token', await tokenExpiringIn(8), '--duration', '20s', '--ping-interval', '60000', '--no-ping'], -HOUR, 4000);
    expect(late.stderr).toMatch(/^close: warning: - \(root\) the server closed the connection with 4401 "x" before the run ended: TokenExpired/m);
    expect(late.status).toBe(0);
    // An hour early by the server's clock (and the real time), listen's clock set forward an hour meanwhile.
    const early = await stepped(await closing4401(0, 6000), ['--token', await tokenExpiringIn(HOUR / 1000), '--duration', '20s', '--ping-interval', '60000', '--no-ping'], HOUR, 4000);
    expect(early.stdout).toMatch(/^close: - \(root\) the server closed the connection with 4401 "x" before the run ended \(TokenExpired, \d+ s before the token's exp by the server's clock/m);
    expect(early.status).toBe(1);
  });
});
