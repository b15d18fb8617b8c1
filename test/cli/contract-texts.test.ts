/**
 * The CLI's texts state the contract's facts as the contract they are built with says them, as
 * the server follows them: a maintainer who moves the paths and the keepalive times in
 * protocol.json (and the figures of ping.json and pong.json, as generate wants) and runs
 * `generate` gets a `listen --help` and a `serve --demo` banner that say the new ones. They said
 * the shipped ones, and the banner's curl answered 404 (tBD F3). A copy of the checkout (src,
 * generated, schemas) with the edit, generated there, its CLI run as a process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let copy: string;

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'contract-texts-'));
  for (const entry of ['src', 'generated', 'schemas', 'package.json', 'tsconfig.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  const replace = (file: string, pairs: [string, string][]) => {
    let text = readFileSync(path.join(copy, 'schemas', file), 'utf8');
    for (const [from, to] of pairs) {
      expect(text, `${file}: ${from}`).toContain(from);
      text = text.replace(from, to);
    }
    writeFileSync(path.join(copy, 'schemas', file), text);
  };
  replace('protocol.json', [
    ['"path": "/api/ws",', '"path": "/ws",'],
    ['"path": "/api/ws/poll",', '"path": "/ws/longpoll",'],
    ['"pingIntervalMs": 30000', '"pingIntervalMs": 45000'],
    ['"pongTimeoutMs": 10000', '"pongTimeoutMs": 5000'],
  ]);
  replace('ping.json', [['30 s', '45 s']]);
  replace('pong.json', [['10 s', '5 s']]);
  const generated = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'generate'], { cwd: copy, encoding: 'utf8' });
  expect(generated.status, generated.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('CLI texts follow the contract they are built with', () => {
  it('listen --help: the example path, the default ping interval and the pong timeout', () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'listen', '--help'], { cwd: copy, encoding: 'utf8' });
    expect(help.status).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain("(default the contract's PING_INTERVAL_MS, 45000 ms)");
    expect(text).toContain("within the contract's pong timeout (PONG_TIMEOUT_MS, 5000 ms)");
    expect(text).toContain('e.g. ws://localhost:8000/ws ');
    expect(text).not.toMatch(/30000 ms|10 s|\/api\/ws/);
  });

  it("listen's hint after a 404: the contract's socket path and poll suffix, not the shipped /api/ws and /poll (tBH F2)", async () => {
    // Any server's 404 to the upgrade: what listen says of it is the build's alone.
    const server = createServer((_request, response) => response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not-found"}'));
    server.on('upgrade', (_request, socket: Socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 21\r\nconnection: close\r\n\r\n{"error":"not-found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const at = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const hint = async (pathname: string) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'listen', `${at}${pathname}`, '--token', 'x', '--count', '1'], { cwd: copy });
        let err = '';
        child.stderr.on('data', (chunk: Buffer) => (err += chunk));
        const status = await new Promise((resolve) => child.once('exit', resolve));
        expect(status, err).toBe(2);
        return /HTTP 404 Not Found: "not-found"(.*)\n$/.exec(err)?.[1];
      };
      expect(await hint('/ws/longpoll')).toBe(` (a URL ending in /longpoll names a poll endpoint, not a socket: the reference server's socket is the path without /longpoll, ${at}/ws)`);
      expect(await hint('/rt/longpoll/')).toBe(` (a URL ending in /longpoll names a poll endpoint, not a socket: the reference server's socket is the path without /longpoll, ${at}/rt)`);
      expect(await hint('/')).toBe(` (a reference server with the default path has its socket at /ws: ${at}/ws)`);
      expect(await hint('/ws/')).toBe('');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it('serve --demo: the banner names the paths it serves, its "Try it" poll answers 200, and the pong line says the contract\'s timeout', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo', '--port', '0', '--secret', 'a-demo-secret-of-at-least-32-bytes!!'], { cwd: copy, env: { ...process.env, TMPDIR: copy } });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk));
      await new Promise<void>((resolve, reject) => {
        const look = setInterval(() => out.includes('Ctrl-C') && (clearInterval(look), resolve()), 50);
        child.once('exit', () => (clearInterval(look), reject(new Error(`serve ended: ${err}`))));
      });
      expect(out).toMatch(/\(pid \d+; path \/ws, polling \/ws\/longpoll\)/);
      expect(out).toMatch(/websocat "ws:\/\/127\.0\.0\.1:\d+\/ws\?token=/);
      expect(out).toContain('within 5 s, or the server closes with 4408.');
      expect(out).not.toContain('/api/ws');
      const poll = /curl "(http:\/\/127\.0\.0\.1:\d+\/ws\/longpoll\?token=[^"]+)"/.exec(out)?.[1];
      expect(poll, out).toBeDefined();
      const response = await fetch(poll!, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  });
});
