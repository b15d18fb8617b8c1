import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/cli/serve-command.js';
import { startDemoProcess } from '../support/demo-process.js';
import { portCounter } from '../support/ports.js';
import { connect } from '../server/helpers.js';

/**
 * The CLI as a process, under the signals that stop `serve --demo` and end a `listen` run: SIGINT (Ctrl-C), SIGTERM (a
 * supervisor, CI's `timeout`) and SIGHUP (a closed terminal, a dropped ssh session), README's serve and listen sections.
 */

const CLI = path.resolve('src/cli/main.ts');
const HELD_START = path.resolve('test/support/held-start.mjs');
const nextPort = portCounter();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// tIQ F2: serve held SIGINT and SIGTERM only; SIGHUP killed the demo 129, no `stopped`, its clients seeing 1006.
describe.skipIf(process.platform === 'win32')('serve --demo and SIGHUP', () => {
  it('stops it as SIGTERM does: a connected client is closed with 1001, `stopped`, exit 0', { timeout: 90_000 }, async () => {
    const demo = await startDemoProcess(['--port', String(nextPort())]);
    const safety = setTimeout(() => demo.child.kill('SIGKILL'), 60_000);
    try {
      const url = /websocat "(ws:\/\/127\.0\.0\.1:\d+\/api\/ws\?token=[^"]+)"/.exec(demo.output())?.[1];
      expect(url, demo.output()).toBeDefined();
      const client = await connect(url!);
      demo.child.kill('SIGHUP');
      expect(await client.closed).toBe(1001);
      expect(await demo.exited).toBe(0);
      expect(demo.output()).toMatch(/\nstopped\n$/);
    } finally {
      clearTimeout(safety);
      demo.child.kill('SIGKILL');
    }
  });
});
