import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runListen } from '../../src/cli/listen-command.js';
import { runServe } from '../../src/cli/serve-command.js';
import { portCounter } from '../support/ports.js';

/**
 * A new user's usual mistakes (tHQ F2): a demo started twice, `listen` or `--redis` where nothing listens, `-v` for the version.
 * Each said Node's words (EADDRINUSE, ECONNREFUSED) or commander's bare "unknown option" without the way out.
 */

const root = path.resolve(import.meta.dirname, '../..');
const nextPort = portCounter();
const SECRET = 'a-demo-secret-of-at-least-32-bytes-long';

/** A port of this run's range that a plain TCP server holds, or one nothing listens on (`held: false`). */
async function port(held: boolean): Promise<{ port: number; server?: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(nextPort(), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  if (held) return { port, server };
  await new Promise((resolve) => server.close(resolve));
  return { port };
}

function gathered() {
  const said = { stdout: '', stderr: '' };
  return { said, output: { stdout: (text: string) => void (said.stdout += text), stderr: (text: string) => void (said.stderr += text) } };
}

describe('the way out of a usual mistake, after Node\'s own words', () => {
  it('serve on a port another process holds (the demo started twice): stop it, or give another --port', async () => {
    const { port: taken, server } = await port(true);
    try {
      const { said, output } = gathered();
      expect(await runServe({ demo: true, port: taken, secret: SECRET }, output)).toBe(2);
      expect(said.stderr).toBe(`realtime-contract serve: cannot listen on 127.0.0.1:${taken}: listen EADDRINUSE: address already in use 127.0.0.1:${taken} (another process listens on port ${taken} there, often a demo started earlier: stop it, or give another --port)\n`);
    } finally {
      await new Promise((resolve) => server!.close(resolve));
    }
  });

  it('serve --redis where nothing listens: start redis-server, or leave --redis out (or unset the variable that gave it)', async () => {
    const { port: free } = await port(false);
    const url = `redis://127.0.0.1:${free}`;
    for (const [names, way] of [[undefined, 'leave --redis out'], [{ redis: 'REALTIME_CONTRACT_REDIS' }, 'unset REALTIME_CONTRACT_REDIS']] as const) {
      const { said, output } = gathered();
      expect(await runServe({ demo: true, port: 0, secret: SECRET, redis: url, ...(names ? { names } : {}) }, output)).toBe(2);
      expect(said.stderr).toMatch(new RegExp(`^realtime-contract serve: Redis unreachable at redis://127\\.0\\.0\\.1:${free}: connect ECONNREFUSED 127\\.0\\.0\\.1:${free}`));
      expect(said.stderr).toMatch(new RegExp(` \\(nothing listens there: start redis-server, or ${way} to keep the streams in this process\\)\\n$`));
    }
  }, 60_000);

  it('listen where nothing listens: is the server running, on that port?', async () => {
    const { port: free } = await port(false);
    const { said, output } = gathered();
    expect(await runListen(`ws://127.0.0.1:${free}/api/ws`, { token: 'x', durationMs: 3000, format: 'text', mode: 'strict' }, output)).toBe(2);
    expect(said.stderr).toBe(`realtime-contract: cannot connect to ws://127.0.0.1:${free}/api/ws?token=[redacted]: connect ECONNREFUSED 127.0.0.1:${free} (nothing listens at 127.0.0.1:${free}: is the server running, on that port? serve --demo listens on 127.0.0.1:8000 unless given --port)\n`);
  }, 60_000);

  it('-v, as most CLIs spell the version: commander\'s "Did you mean" hint, as a long option\'s typo gets; -V still prints it', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', timeout: 60_000, cwd: root });
    const short = run('-v');
    expect([short.status, short.stdout, short.stderr]).toEqual([2, '', "error: unknown option '-v'\n(Did you mean --version?)\n(run with --help for usage)\n"]);
    expect(run('--verison').stderr).toContain('(Did you mean --version?)');
    expect(run('-V')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(run('--help').stdout).not.toMatch(/^\s+-v\b/m);
  }, 4 * 60_000);
});
