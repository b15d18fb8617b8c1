/** `serve --demo` serves the demo dashboard at `/` and its script, and prints the dashboard's URL with a token. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeClients, nodeClient, sleep, until } from './support/helpers.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('serve --demo: the dashboard', () => {
  it('prints the dashboard URL and serves the page and the client bundle', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (let i = 0; i < 600 && !out.includes('Ctrl-C'); i++) await sleep(50);
      const url = /Dashboard: (http:\/\/localhost:\d+\/\?token=\S+)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const page = await fetch(url!.replace('localhost', '127.0.0.1'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('id="badge"');
      expect(html).toContain('src="/dashboard.js"');
      const script = await fetch(new URL('/dashboard.js', url!.replace('localhost', '127.0.0.1')));
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      const code = await script.text();
      expect(code).toContain('CLIENT_HANDLER_ERROR'); // the client, bundled
      expect(code).not.toMatch(/require\(|from"ws"|node:/); // nothing of Node reaches the browser
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--no-websocket refuses upgrades with 404, and a client falls back to polling and gets the stream', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve', '--demo', '--port', '0', '--no-websocket'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (let i = 0; i < 600 && !out.includes('Ctrl-C'); i++) await sleep(50);
      expect(out).toContain('WebSocket off: upgrades refused with 404');
      const port = /on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      const token = /alice \(user\):\s+(\S+)/.exec(out)?.[1];
      expect(port && token, out).toBeTruthy();
      const client = nodeClient(`ws://127.0.0.1:${port}/api/ws`);
      const trades: string[] = [];
      client.on('trades', (t) => trades.push(t.id));
      client.connect(token!);
      await until(() => trades.length >= 1, 'a trade over polling', 15_000);
      // A Node client sees the 404 of the refused upgrade and polls at once.
      expect(client.getStatus()).toMatchObject({ mode: 'polling', lastHttpStatus: 404 });
      closeClients();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      closeClients();
      child.kill('SIGKILL');
    }
  });
});
