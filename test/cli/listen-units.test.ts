/**
 * The units of `listen --duration` (a bare number is seconds) and `--ping-interval` (a bare
 * number is milliseconds), as --help and README state them and as a run reads them: a real
 * `ws` server on 127.0.0.1 (port 0), the CLI in a child process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PING_INTERVAL_MS } from '../../generated/contract.js';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

const CLI = path.resolve('src/cli/main.ts');
afterEach(stopWsServers);

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });
const ping = (timestamp: number) => JSON.stringify({ type: 'ping', timestamp });

/** The text of an option's entry in `listen --help`, its lines joined. */
function helpOf(help: string, flag: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${flag} `));
  const end = lines.findIndex((line, i) => i > start && /^ {2}-/.test(line));
  return lines.slice(start, end).map((line) => line.trim()).join(' ');
}

describe('listen: the unit of --duration and --ping-interval', () => {
  it('--help and README say a bare number is seconds for --duration and milliseconds for --ping-interval, and the default interval', { timeout: 60_000 }, () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'listen', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(helpOf(help.stdout, '--duration <time>')).toContain('a bare number is seconds');
    expect(helpOf(help.stdout, '--ping-interval <time>')).toContain('a bare number is milliseconds');
    expect(helpOf(help.stdout, '--ping-interval <time>')).toContain(`PING_INTERVAL_MS, ${PING_INTERVAL_MS} ms`);
    const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('A bare number is **seconds** for `--duration`');
    expect(readme).toContain('**milliseconds** for `--ping-interval`');
    expect(readme).toContain(`\`--ping-interval\` to the contract's \`PING_INTERVAL_MS\` (${PING_INTERVAL_MS.toLocaleString('en-US')} ms)`);
  });

  it('reads --duration 60 as 60 s, and 2m, 1h with their units; without --duration, 60 s (README: "defaults to 60 s", with --count too)', async () => {
    // One frame, then a close: fewer than --count frames, a violation that names the duration in ms
    // (the default is read from those words, not waited out).
    const url = await wsServer((ws) => {
      ws.send(connection);
      ws.close(1000);
    });
    for (const [given, ms] of [[undefined, 60_000], ['60', 60_000], ['2m', 120_000], ['1h', 3_600_000], ['1500ms', 1500]] as const) {
      const { status, stdout } = await runListen([url, '--count', '2', ...(given === undefined ? [] : ['--duration', given])]);
      expect(stdout.split('\n')[0]).toBe(`protocol: - (root) expected 2 frames within ${ms} ms, got 1 before the server closed the connection`);
      expect(status).toBe(1);
    }
  });

  it('refuses a bare --duration from 1000 on (maybe meant as ms) and a bare --ping-interval under 1000 (maybe meant as s), taking 999 and 1000 respectively (README)', async () => {
    // Nothing listens at port 9: a value taken goes on to connect and fails there (exit 2, another error).
    const refused = (option: string, given: string) => runListen(['ws://127.0.0.1:9/api/ws', option, given]);
    const refusals = [
      ['--duration', '1000', "error: option '--duration <time>' argument '1000' is invalid. a bare number is seconds here, and 1000 s (17 min) may be meant as milliseconds: write 1000ms, or 1000s if it is seconds\n"],
      ['--ping-interval', '999', "error: option '--ping-interval <time>' argument '999' is invalid. a bare number is milliseconds here, and 999 ms is surely not meant: write 999s, or 999ms if it is\n"],
    ] as const;
    for (const [option, given, words] of refusals) {
      const run = await refused(option, given);
      expect(run.stderr).toContain(words);
      expect(run.status).toBe(2);
    }
    for (const [option, given] of [['--duration', '999'], ['--ping-interval', '1000']] as const) {
      const run = await refused(option, given);
      expect(run.stderr).not.toContain('is invalid');
      expect(run.stderr).toContain('realtime-contract: cannot connect to ws://127.0.0.1:9/api/ws');
    }
  });

  it('reads --ping-interval 30000 as 30000 ms, as 30s is', async () => {
    // Two pings back to back: the second is early against any interval of seconds.
    const url = await wsServer((ws) => {
      ws.send(connection);
      ws.send(ping(1));
      ws.send(ping(2));
      ws.close(1000);
    });
    for (const given of ['30000', '30s', '30000ms']) {
      const { stdout } = await runListen([url, '--count', '3', '--ping-interval', given]);
      expect(stdout).toMatch(/^frame 2: ping \(root\) expected a ping every 30000 ms \(± 3000 ms\), got \d+ ms since the previous ping$/m);
    }
  });
});
