import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/cli/serve-command.js';
import { startDemoProcess } from '../support/demo-process.js';
import { portCounter } from '../support/ports.js';

const nextPort = portCounter();
const WEBSOCKET_HEADERS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

/** README's "Start here": its steps, and what it says of the demo's tokens and of a refused one. */

const readme = readFileSync('README.md', 'utf8');
const startHere = readme.slice(readme.indexOf('## Start here\n'), readme.indexOf('\n## ', readme.indexOf('## Start here\n') + 1));

describe('README: Start here', () => {
  it('is a numbered list of the steps from a clone to the demo, 1 to 5, ending at the dashboard', () => {
    const steps = [...startHere.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    for (const command of ['git clone', 'npm ci', 'npm run validate', 'npx tsx src/cli/main.ts serve --demo', 'Dashboard:']) expect(startHere).toContain(command);
  });

  it('gives the demo tokens\' lifetime as the demo signs them: 24 hours after they are printed', async () => {
    expect(startHere).toMatch(/The tokens expire 24 hours \(86,400 s\) after\s+they are printed \(`exp` is `iat` \+ 24 h\)/);
    const demo = await startDemo({ port: 0, host: '127.0.0.1', intervalMs: 60_000 });
    try {
      for (const token of Object.values(demo.tokens)) {
        const { iat, exp } = decodeJwt(token);
        expect(exp! - iat!).toBe(86_400);
        expect(Math.abs(iat! - Date.now() / 1000)).toBeLessThan(60);
      }
    } finally {
      await demo.stop();
    }
  });

  it('says what the dashboard shows for a refused token, and an expired one, in the words test/client/browser.test.ts checks on the real dashboard', () => {
    const browser = readFileSync('test/client/browser.test.ts', 'utf8');
    // And for one that expired while the dashboard was open (it was said to be refused: a fresh tester).
    for (const shown of ['unauthorized, HTTP 401', 'error: token refused', 'unauthorized, token expired', 'error: token expired']) {
      expect(startHere).toContain(`\`${shown}\``);
      expect(browser).toContain(shown);
    }
  });

  // Its command run as step 4 gives it, Ctrl-C (SIGINT to the terminal's process group) exits 130
  // under npx (npm exec), which README said was exit 0 (tGT F2); the command it gives where the
  // status matters exits 0. That was `./node_modules/.bin/tsx …`, whose parent process relays the
  // signal again when the child has not said within 30 ms that it got it, and SIGKILLs it 30 ms
  // later (exit 130): on a loaded machine 8 runs in 17 (tHQ F1). `node --import tsx` is one process.
  it.skipIf(process.platform === 'win32')('says what Ctrl-C of the demo exits with, under npx and under the node command it gives for a status that matters', { timeout: 90_000 }, async () => {
    expect(startHere).toMatch(/`npx` \(npm exec\) ends\s+on the Ctrl-C itself, which the shell reports as exit 130/);
    expect(startHere).toMatch(/start it with\s+`node --import tsx src\/cli\/main\.ts serve --demo`\s+\(one Node process[^)]*\), which exits with the demo's 0/);
    /** Starts `command` in a process group of its own, as a terminal runs it, sends the group SIGINT once the demo's first line is out; how it exited. */
    const ctrlC = async (command: string, args: string[]) => {
      const child = spawn(command, [...args, '--port', String(nextPort())], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      const kill = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
      let stdout = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('\n')) resolve();
        });
        void exited.then(() => resolve());
      });
      expect(stdout).toMatch(/^realtime-contract demo server on 127\.0\.0\.1:\d+ \(pid \d+/);
      process.kill(-child.pid!, 'SIGINT');
      const status = await exited;
      clearTimeout(kill);
      return status;
    };
    // npm exec ends on the signal itself (the shell's 130), or exits 130.
    const npx = await ctrlC('npx', ['tsx', 'src/cli/main.ts', 'serve', '--demo']);
    expect(npx.signal === 'SIGINT' || npx.code === 130, JSON.stringify(npx)).toBe(true);
    expect(await ctrlC('node', ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'])).toEqual({ code: 0, signal: null });
  });

  // A second SIGINT or a SIGTERM while the demo stops (a second Ctrl-C, a supervisor's SIGTERM, tsx's relayed SIGINT) found
  // no handler left and killed it by the signal mid-stop, no `stopped` line (tHQ F1). A client that never answers the
  // server's close holds the stop (the server's close() waits up to 5 s for it): the signals come while it stops.
  it.skipIf(process.platform === 'win32')('keeps stopping, to exit 0 and its stopped line, when more signals come while it stops', { timeout: 90_000 }, async () => {
    expect(startHere).toMatch(/a second Ctrl-C or a SIGTERM while it stops changes nothing \(it gives its clients at most 5 s to close\)/);
    const demo = await startDemoProcess(['--port', String(nextPort())]);
    const safety = setTimeout(() => demo.child.kill('SIGKILL'), 60_000);
    try {
      const port = Number(/demo server on 127\.0\.0\.1:(\d+)/.exec(demo.output())![1]);
      const alice = /^alice \(user\): +(\S+)$/m.exec(demo.output())![1]!;
      let received = '';
      const socket = createConnection({ host: '127.0.0.1', port }, () =>
        socket.write(`GET /api/ws?token=${alice} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${WEBSOCKET_HEADERS}\r\n\r\n`),
      );
      socket.on('error', () => undefined);
      const until = (text: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => (received.includes(text) ? resolve() : undefined);
          socket.on('data', (chunk: Buffer) => {
            received += chunk.toString('latin1');
            check();
          });
          socket.on('close', () => (received.includes(text) ? resolve() : reject(new Error(`closed before ${JSON.stringify(text)}: ${JSON.stringify(received.slice(0, 200))}`))));
          check();
        });
      await until('HTTP/1.1 101 ');
      demo.child.kill('SIGINT');
      // Its 1001 close frame: the demo is stopping, waiting for this client's answer, which never comes.
      await until('server shutting down');
      demo.child.kill('SIGINT');
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
      expect(demo.output()).toMatch(/\nstopped\n$/);
      socket.destroy();
    } finally {
      clearTimeout(safety);
      demo.child.kill('SIGKILL');
    }
  });

  // A stop with no client is quick, so a second Ctrl-C (or tsx's relayed SIGINT, a supervisor's SIGTERM) lands after it:
  // in Node's teardown after the `exit` event, 100-350 ms under load, the signals had their default action back and
  // ended the stopped demo 130 or 143, its `stopped` line printed (tII F1). Here signals keep coming, one per turn of
  // this process's loop, from the `stopped` line until the demo has ended: none of them may change its exit status.
  it.skipIf(process.platform === 'win32')('exits 0 when more signals come right after its stopped line, until it has ended', { timeout: 90_000 }, async () => {
    const demo = await startDemoProcess(['--port', String(nextPort())]);
    const safety = setTimeout(() => demo.child.kill('SIGKILL'), 60_000);
    let ended = false;
    void demo.exited.then(() => (ended = true));
    try {
      expect(demo.output()).toContain('Ctrl-C stops');
      demo.child.kill('SIGINT');
      await new Promise<void>((resolve) => {
        const look = () => (ended || /\nstopped\n/.test(demo.output()) ? resolve() : setImmediate(look));
        look();
      });
      let sent = 0;
      await new Promise<void>((resolve) => {
        const again = () => {
          if (ended) return resolve();
          demo.child.kill(sent++ % 2 === 0 ? 'SIGINT' : 'SIGTERM');
          setImmediate(again);
        };
        again();
      });
      expect(await demo.exited).toBe(0);
      expect(demo.output()).toMatch(/\nstopped\n$/);
    } finally {
      clearTimeout(safety);
      demo.child.kill('SIGKILL');
    }
  });
});
