/**
 * A backend that imports the server, bundled with esbuild for Node as README's "Bundling the
 * server" says (`--bundle --platform=node --main-fields=module,main`), starts, and a client
 * connects to it on 127.0.0.1 and gets what it publishes; with esbuild's default main fields
 * the bundle dies at start-up, which is why README gives the option. The entry imports src/
 * (the same imports as dist/, so no build is needed first). Every wait is bounded; the
 * process started is stopped.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build, type BuildOptions } from 'esbuild';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { createRealtimeClient } from '../../src/client/index.js';
import type { ReceivedTradesMessage } from '../../src/index.js';
import { SECRET, token } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A tiny backend: listens on 127.0.0.1 (port 0), prints its port, publishes a trade to alice per stdin line. */
const ENTRY = `
import { createInterface } from 'node:readline';
import { createMessage } from './src/index.js';
import { createRealtimeServer } from './src/server/index.js';

const server = createRealtimeServer({ port: 0, host: '127.0.0.1', jwt: { secret: process.env.JWT_SECRET } });
server.listening.then(() => console.log(JSON.stringify({ port: server.address().port })));
const trade = { id: 'trade_1', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001,
  price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' };
createInterface({ input: process.stdin }).on('line', () => server.publish('alice', createMessage('trades', trade)));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/** The entry bundled (esbuild's CLI `--bundle --platform=node`, plus `extra`) into a file of its own; its path and esbuild's warnings. */
async function bundle(extra: BuildOptions): Promise<{ file: string; warnings: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'server-bundle-'));
  dirs.push(dir);
  const file = path.join(dir, 'server.cjs');
  const result = await build({ stdin: { contents: ENTRY, loader: 'js', resolveDir: ROOT }, bundle: true, platform: 'node', outfile: file, logLevel: 'silent', ...extra });
  return { file, warnings: result.warnings.map((warning) => `${warning.location?.file}: ${warning.text}`) };
}

/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('the server bundled with esbuild for Node (README "Bundling the server")', () => {
  it('with --main-fields=module,main starts, and a client connects and gets a published trade', async () => {
    const { file, warnings } = await bundle({ mainFields: ['module', 'main'] });
    // README: esbuild's one warning (import.meta is empty in a CJS bundle) concerns only the demo producer.
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.filter((warning) => !warning.startsWith('src/server/demo.ts: "import.meta" is not available'))).toEqual([]);

    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [file], { env: { ...process.env, JWT_SECRET: SECRET } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    try {
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the bundle exited (${code}): ${stderr}`))));
      const firstLine = new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
      const { port } = JSON.parse(await within(Promise.race([firstLine, exited]), 20_000, 'port from the bundle')) as { port: number };

      const bundled = createRealtimeClient({ url: `ws://127.0.0.1:${port}/api/ws`, WebSocket: WebSocket as never });
      try {
        const connected = new Promise<void>((resolve) => bundled.on('connection', (status) => status.status === 'connected' && resolve()));
        const received = new Promise<ReceivedTradesMessage>((resolve) => bundled.on('trades', (_data, message) => resolve(message)));
        bundled.connect(await token('alice'));
        await within(Promise.race([connected, exited]), 10_000, 'connection to the bundled server');
        child.stdin.write('publish\n');
        const message = await within(Promise.race([received, exited]), 10_000, 'trade from the bundled server');
        expect(message).toMatchObject({ type: 'trades', data: { id: 'trade_1', side: 'buy' } });
      } finally {
        bundled.disconnect();
      }
    } finally {
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await within(gone, 10_000, 'exit of the bundled server').catch(() => child.kill('SIGKILL'));
      }
    }
  });

  it("with esbuild's default main fields dies at start-up in jsonc-parser's UMD build (why README gives the option)", async () => {
    const { file } = await bundle({});
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, JWT_SECRET: SECRET } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("Cannot find module './impl/format'");
  });
});
