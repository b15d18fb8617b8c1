/**
 * `listen` when the wall clock of the machine running it steps during a run (NTP stepping a
 * fresh CI VM, a VM resumed): the server's pings are timed on a clock that never steps, so a
 * server that pinged on time has no keepalive violation, and no interval is negative (tAO: a
 * step of an hour was reported as a ping 3603031 ms late, or -3596987 ms early, exit 1). A real
 * `ws` server on 127.0.0.1 (port 0); the CLI in a child process whose `Date` a preload steps on
 * SIGUSR2.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { stopWsServers, wsServer } from '../support/listen.js';

const CLI = path.resolve('src/cli/main.ts');
const STEP_DATE = path.resolve('test/support/step-date.cjs');
const HOUR = 3_600_000;
afterEach(stopWsServers);

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
