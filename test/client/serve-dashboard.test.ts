/** `serve --demo` serves the demo dashboard at `/` and its script, and prints the dashboard's URLs with a token: alice's and the admin's. */
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDemoProcess } from '../support/demo-process.js';
import { findTool } from '../support/toolchain.js';
import { closeClients, nodeClient, until } from './support/helpers.js';

describe('serve --demo: the dashboard', () => {
  it('prints the dashboard URL and serves the page and the client bundle', async () => {
    const { child, output, exited } = await startDemoProcess();
    const out = output();
    try {
      const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      // alice's stream, with the token printed for alice (the admin's opened every user's: tCJ F2).
      expect(new URL(url!).searchParams.get('token'), out).toBe(/^alice \(user\):\s+(\S+)$/m.exec(out)?.[1]);
      // The admin's view, with the admin token printed above it (it said nowhere how to open it: a fresh user).
      const admin = /^Admin dashboard \(every user's stream\): (\S+)$/m.exec(out)?.[1];
      expect(admin, out).toBe(`${url!.slice(0, url!.indexOf('?'))}?token=${/^admin \(admin\): (\S+)$/m.exec(out)?.[1]}`);
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('id="badge"');
      expect(html).toContain('src="/dashboard.js"');
      const script = await fetch(new URL('/dashboard.js', url!));
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
    const { child, output, exited } = await startDemoProcess(['--no-websocket']);
    const out = output();
    try {
      expect(out).toContain('WebSocket off: upgrades refused with 404');
      // Its banner shows the poll's example alone: the socket's would meet the 404 (a fresh user followed them).
      expect(out).toContain('Try it (WebSocket is off: the polling fallback alone):');
      expect(out).not.toMatch(/websocat|new WebSocket\(|closes with 4408/);
      expect(out).toContain('/api/ws/poll?token=');
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

  it.skipIf(!findTool('chromium').available)('prints a Dashboard URL that opens this demo in chromium, with a second demo on ::1 of the same port (tEL F2: localhost, which chromium sends to ::1 first, opened the other one)', async () => {
    // Both with one secret (README's: the kept one), so that the printed tokens pass on either: nothing else tells them apart.
    const env = { ...process.env, REALTIME_CONTRACT_SECRET: 'two-demos-one-secret-of-at-least-32-bytes' };
    const first = await startDemoProcess([], { env });
    let second: Awaited<ReturnType<typeof startDemoProcess>> | undefined;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
    try {
      const url = /^Dashboard: (\S+)$/m.exec(first.output())?.[1];
      const port = /^realtime-contract demo server on 127\.0\.0\.1:(\d+) /m.exec(first.output())?.[1];
      expect(url && port, first.output()).toBeTruthy();
      expect(url!.startsWith(`http://127.0.0.1:${port}/?token=`)).toBe(true);
      // README's set-up: another demo on that port, on another address.
      second = await startDemoProcess(['--host', '::1', '--port', port!], { env });
      expect(second.output()).toMatch(new RegExp(`^realtime-contract demo server on \\[::1\\]:${port} `, 'm'));
      // Which demo answers: each has its own epoch, the first part of the cursor its poll answers with.
      const epoch = async (base: string) => ((await (await fetch(`${base}/api/ws/poll?token=${new URL(url!).searchParams.get('token')}`)).json()) as { cursor: string }).cursor.split('.')[0];
      const own = await epoch(`http://127.0.0.1:${port}`);
      const page = await browser.newPage();
      await page.goto(url!);
      // Asked from the page (the dashboard takes the token out of its address bar): the address chromium opened.
      const seen = await page.evaluate(async (token) => ((await (await fetch(`/api/ws/poll?token=${token}`)).json()) as { cursor: string }).cursor.split('.')[0], new URL(url!).searchParams.get('token'));
      expect(seen).toBe(own);
      // The dashboard's own socket is let in (the page's origin is the demo's): it connects to this demo.
      await expect.poll(() => page.locator('#badge').textContent(), { timeout: 15_000 }).toBe('WebSocket');
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    } finally {
      await browser.close();
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
  }, 120_000);

  it.skipIf(!findTool('chromium').available)('prints a browser-console line that, run in the dashboard\'s tab, connects and logs the stream (tHF F1: pasted in any tab, with no onmessage, it showed nothing)', async () => {
    const demo = await startDemoProcess();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
    try {
      const out = demo.output();
      const line = /^ {2}in the dashboard tab's console: (.+)$/m.exec(out)?.[1];
      const url = /^Dashboard: (\S+)$/m.exec(out)?.[1];
      expect(line && url, out).toBeTruthy();
      const page = await browser.newPage();
      const logged: unknown[] = [];
      page.on('console', (message) => void message.args()[0]?.jsonValue().then((value) => logged.push(value), () => undefined));
      await page.goto(url!);
      // Run as the console runs a line (DevTools' evaluate, which the page's Content-Security-Policy does not hold).
      await page.evaluate(line!);
      // The connection message first, then the demo's stream, each logged as the object it is.
      await expect.poll(() => logged.filter((value) => typeof value === 'object' && value !== null && 'type' in value).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      const types = logged.map((value) => (value as { type?: unknown }).type);
      expect(types[0]).toBe('connection');
      expect(types.slice(1).some((type) => type !== 'ping'), JSON.stringify(types)).toBe(true);
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
    } finally {
      await browser.close();
      demo.child.kill('SIGKILL');
    }
  }, 120_000);
});
