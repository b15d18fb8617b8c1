import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

/**
 * An empty value from an unset variable (`--token "$JWT"`, `--redis "$REDIS_URL"`) is refused
 * before anything starts, naming what was empty (tBT F9, F10): listen's was dropped and the
 * server's 401 said "no token was given: --token, …", the option the user had given; serve's
 * ran the node without Redis, in silence.
 */

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
afterEach(stopWsServers);

describe('listen: an empty token', () => {
  it('refuses an empty --token, an empty REALTIME_CONTRACT_TOKEN and an empty ?token=, naming which, and does not connect', { timeout: 60_000 }, async () => {
    let connections = 0;
    const url = await wsServer((ws) => {
      connections++;
      ws.close();
    });
    const cli = await runListen([url, '--token', '', '--count', '1'], { REALTIME_CONTRACT_TOKEN: undefined });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^error: option '--token <jwt>' argument '' is invalid\. expected a token, got an empty one \(an unset variable, as in --token "\$JWT" with JWT unset\?\): give the token, or leave out both --token and REALTIME_CONTRACT_TOKEN to connect without one\n/);
    const env = await runListen([url, '--count', '1'], { REALTIME_CONTRACT_TOKEN: '' });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/^error: option '--token <jwt>' value '' from env 'REALTIME_CONTRACT_TOKEN' is invalid\. expected a token, got an empty one/);
    const query = await runListen([`${url}?token=`, '--count', '1'], { REALTIME_CONTRACT_TOKEN: undefined });
    expect(query.status).toBe(2);
    expect(query.stderr).toBe(`realtime-contract: cannot listen to "${url}?token=[redacted]": its token query parameter is empty (an unset variable, as in ?token=$JWT with JWT unset?): give the token, or drop the parameter to connect without one\n`);
    expect(connections).toBe(0);
    // A --token given replaces the URL's empty one, and the variable's empty one is not read then.
    const replaced = await runListen([`${url}?token=`, '--token', 't0ken', '--count', '1', '--duration', '3s'], { REALTIME_CONTRACT_TOKEN: '' });
    expect(replaced.stderr).not.toMatch(/empty/);
    expect(connections).toBe(1);
  });
});

describe('serve: an empty --redis', () => {
  it('is refused, as an empty --host is, rather than a node run alone without Redis', { timeout: 60_000 }, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--demo', '--port', '0', '--redis', ''], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('realtime-contract serve: --redis must be a Redis URL such as redis://127.0.0.1:6379, got "" (an unset variable, as in --redis "$REDIS_URL" with REDIS_URL unset?); leave --redis out to keep the streams in this process\n');
    expect(run.stdout).toBe('');
  });
});

describe('serve: several wrong options', () => {
  it('names every one in one run, not the first alone (a fault each run: tBT F3)', { timeout: 60_000 }, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--demo', '--port', '1e3', '--host', '[::1]', '--secret', 'short', '--allow-origin', 'foo', '--redis', ''], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split('\n').map((line) => /^realtime-contract serve: (--[a-z-]+) /.exec(line)?.[1])).toEqual(['--port', '--host', '--allow-origin', '--secret', '--redis']);
  });
});
