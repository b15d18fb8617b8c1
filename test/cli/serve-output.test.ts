import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runServe } from '../../src/cli/serve-command.js';
import { connect } from '../server/helpers.js';

/**
 * README (validate, exit codes): output that cannot be written (`> /dev/full`) exits 2 with one
 * line on standard error, "the same holds for every command". `serve --demo` said the line and
 * served on for ever, its secret and tokens lost, exiting 2 only when killed (a fresh user).
 */

const CLI = path.resolve('src/cli/main.ts');

describe('serve --demo whose standard output cannot be written', () => {
  // /dev/full: every write fails with ENOSPC, as on a full disk (Linux).
  it.skipIf(!existsSync('/dev/full'))('stops its server and exits 2 with one line, on its own, not serving on without anyone seeing its tokens', { timeout: 60_000 }, async () => {
    const full = openSync('/dev/full', 'w');
    // A TMPDIR of its own: the kept demo secret is written there.
    const env = { ...process.env, TMPDIR: mkdtempSync(path.join(tmpdir(), 'serve-full-')) };
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--demo', '--port', '0'], { stdio: ['ignore', full, 'pipe'], env });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
      // A safety net only: the process must end by itself, well before.
      const kill = setTimeout(() => child.kill('SIGKILL'), 45_000);
      child.on('close', (code, signal) => {
        clearTimeout(kill);
        resolve({ code, signal, stderr });
      });
    });
    closeSync(full);
    expect(ended).toEqual({ code: 2, signal: null, stderr: 'realtime-contract: cannot write standard output: ENOSPC: no space left on device, write\n' });
  });

  it('is stopped as SIGTERM stops it: a connected client is closed with 1001, and the run returns 2 without writing `stopped`', { timeout: 30_000 }, async () => {
    let out = '';
    let err = '';
    let fail!: () => void;
    const stdoutFailed = new Promise<void>((resolve) => (fail = resolve));
    const run = runServe({ demo: true, port: 0, secret: 'a-demo-secret-of-at-least-32-bytes!!' }, { stdout: (text) => (out += text), stderr: (text) => (err += text), stdoutFailed });
    for (let i = 0; i < 400 && !out.includes('Ctrl-C'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /websocat "(ws:\/\/127\.0\.0\.1:\d+\/api\/ws\?token=[^"]+)"/.exec(out)?.[1];
    expect(url, out + err).toBeDefined();
    const client = await connect(url!);
    fail();
    expect(await client.closed).toBe(1001);
    expect(await run).toBe(2);
    expect(out).not.toContain('stopped');
  });
});
