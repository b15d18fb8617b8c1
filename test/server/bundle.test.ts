/**
 * A backend that imports the server, bundled with esbuild for Node by the commands README's
 * "Bundling the server" gives, run as README writes them (a shell, esbuild's CLI, in a folder of
 * their own): the CommonJS command on an entry without top-level `await`, the ES module one
 * (with its `createRequire` banner) on an entry that awaits at its top level as README's server
 * example does. Each bundle starts, and a client connects to it on 127.0.0.1 and gets what it
 * publishes. README's reasons are checked too: with esbuild's default main fields the bundle
 * dies at start-up, the CommonJS command refuses top-level `await`, and an ES module bundle
 * without the banner dies at start-up. The entries import src/ (the same imports as dist/, so
 * no build is needed first). Every wait is bounded; every process started is stopped.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { createRealtimeClient } from '../../src/client/index.js';
import type { ReceivedTradesMessage } from '../../src/index.js';
import { SECRET, token } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const TRADE = `{ id: 'trade_1', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001,
  price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' }`;
const IMPORTS = `
import { createInterface } from 'node:readline';
import { createMessage } from ${JSON.stringify(path.join(ROOT, 'src/index.js'))};
import { createRealtimeServer } from ${JSON.stringify(path.join(ROOT, 'src/server/index.js'))};
`;

/** A tiny backend without top-level await: listens on 127.0.0.1 (port 0), prints its port, publishes a trade to alice per stdin line. */
const ENTRY = `${IMPORTS}
const server = createRealtimeServer({ port: 0, host: '127.0.0.1', jwt: { secret: process.env.JWT_SECRET } });
server.listening.then(() => console.log(JSON.stringify({ port: server.address().port })));
createInterface({ input: process.stdin }).on('line', () => server.publish('alice', createMessage('trades', ${TRADE})));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/** The same backend written as README's server example is, with top-level await. */
const ENTRY_AWAITING = `${IMPORTS}
const server = createRealtimeServer({ port: 0, host: '127.0.0.1', jwt: { secret: process.env.JWT_SECRET } });
await server.listening;
console.log(JSON.stringify({ port: server.address().port }));
for await (const _line of createInterface({ input: process.stdin })) await server.publish('alice', createMessage('trades', ${TRADE}));
await server.close();
`;

/** README's "Bundling the server" section, and the esbuild command lines of its code blocks. */
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('### Bundling the server'), README.indexOf('\n### ', README.indexOf('### Bundling the server') + 1));
const COMMANDS = [...SECTION.matchAll(/```sh\n([^]*?)```/g)].flatMap((block) => block[1]!.split('\n').filter((line) => line.startsWith('esbuild ')));
const CJS_COMMAND = COMMANDS.find((command) => !command.includes('--format=esm'));
const ESM_COMMAND = COMMANDS.find((command) => command.includes('--format=esm'));

/**
 * `command` (an esbuild command line from README, its entry `server.js`, maybe edited) run by a
 * shell in a new folder holding `entry` as server.js, esbuild's CLI first on the PATH; the
 * folder, the outfile README names (`--outfile=`) and the run's exit status and stderr.
 */
function bundle(command: string, entry: string): { outfile: string; status: number | null; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'server-bundle-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'server.js'), entry);
  const outfile = /--outfile=(\S+)/.exec(command)?.[1];
  expect(outfile, `no --outfile in ${command}`).toBeDefined();
  const run = spawnSync('sh', ['-c', command], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` },
  });
  return { outfile: path.join(dir, outfile!), status: run.status, stderr: run.stderr };
}

/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the bundle `file`, connects a client as alice, has the bundle publish a trade, and expects it; stops the bundle. */
async function servesATrade(file: string): Promise<void> {
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
}

describe('the server bundled with esbuild for Node by README\'s commands ("Bundling the server")', () => {
  it('README gives two commands: CommonJS, and an ES module with the createRequire banner', () => {
    expect(COMMANDS).toHaveLength(2);
    expect(CJS_COMMAND).toContain('--main-fields=module,main');
    expect(ESM_COMMAND).toContain('--main-fields=module,main');
    expect(ESM_COMMAND).toContain('createRequire(import.meta.url)');
  });

  it('the CommonJS command bundles an entry without top-level await: it starts, and a client connects and gets a published trade', async () => {
    const { outfile, status, stderr } = bundle(CJS_COMMAND!, ENTRY);
    expect(status, stderr).toBe(0);
    // README: esbuild's one warning (import.meta is empty in a CJS bundle) concerns only the demo producer.
    const warnings = stderr.split('\n').filter((line) => line.includes('[WARNING]'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.filter((warning) => !warning.includes('"import.meta" is not available'))).toEqual([]);
    expect(stderr).toContain('src/server/demo.ts:');
    await servesATrade(outfile);
  });

  it('the ES module command bundles an entry with top-level await (as README\'s server example): it starts, and a client connects and gets a published trade', async () => {
    const { outfile, status, stderr } = bundle(ESM_COMMAND!, ENTRY_AWAITING);
    expect(status, stderr).toBe(0);
    expect(stderr).not.toContain('[WARNING]');
    await servesATrade(outfile);
  });

  it('the CommonJS command refuses an entry with top-level await, with the error README quotes', () => {
    const { status, stderr } = bundle(CJS_COMMAND!, ENTRY_AWAITING);
    expect(status).not.toBe(0);
    expect(stderr).toContain('Top-level await is currently not supported with the "cjs" output format');
    expect(SECTION).toContain('`Top-level await is currently not supported with the "cjs" output format`');
  });

  it('the ES module command without its banner makes a bundle that dies at start-up, with the error README quotes', () => {
    const bannerless = ESM_COMMAND!.replace(/\s--banner:js=("[^"]*"|'[^']*'|\S+)/, '');
    expect(bannerless).not.toContain('banner');
    const { outfile, status, stderr } = bundle(bannerless, ENTRY_AWAITING);
    expect(status, stderr).toBe(0);
    const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, JWT_SECRET: SECRET } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('Dynamic require of "events" is not supported');
    expect(SECTION).toContain('`Dynamic require of "events" is not supported`');
  });

  it("without --main-fields=module,main (esbuild's default main fields) the bundle dies at start-up in jsonc-parser's UMD build (why README gives the option)", () => {
    const { outfile, status, stderr } = bundle(CJS_COMMAND!.replace(/\s--main-fields=\S+/, ''), ENTRY);
    expect(status, stderr).toBe(0);
    const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, JWT_SECRET: SECRET } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("Cannot find module './impl/format'");
    expect(SECTION).toContain("`Cannot find module './impl/format'`");
  });
});
