import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { findTool } from '../../support/toolchain.js';
import { freePort, RedisServer } from './redis-server.js';

const tool = findTool('redis-server');
const main = new URL('../../../src/cli/main.ts', import.meta.url).pathname;

function serve(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, output: () => text, exit: new Promise((resolve) => child.once('exit', resolve)) };
}

/** An HTTP server on loopback that answers anything with a web page. */
function spawnHttp(): { port: Promise<number>; close: () => Promise<void> } {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', () => socket.write('<html>not redis</html>\n'));
  });
  const port = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function until(test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!tool.available)(`serve --redis ${tool.reason}`, () => {
  const children: ChildProcess[] = [];
  let redis: RedisServer | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
  });

  it('refuses to start, naming the URL without its password, when Redis is unreachable', async () => {
    const port = await freePort();
    const run = serve(['--demo', '--port', '0', '--redis', `redis://user:hunter2@127.0.0.1:${port}`]);
    children.push(run.child);
    expect(await run.exit).toBe(2);
    expect(run.output()).toContain(`Redis unreachable at redis://127.0.0.1:${port}`);
    expect(run.output()).not.toContain('hunter2');
  });

  // tFA F8: a password holding an unencoded `&` ran on as parameters of their own, shown in the banner (`&P2qRsecret=[redacted]`)
  // and in the refusal (`&P2qR=secret` whole).
  it('shows nothing after a ?password= parameter, in the banner and in the refusal (a password holding an unencoded & ran on into the next one)', { timeout: 60_000 }, async () => {
    const store = await RedisServer.start();
    try {
      const run = serve(['--demo', '--port', '0', '--redis', `redis://127.0.0.1:${store.port}?password=Xk9m&P2qRsecret`]);
      children.push(run.child);
      await until(() => /alice \(user\): +\S+/.test(run.output()), 'the demo');
      expect(run.output()).toContain(`streams in redis redis://127.0.0.1:${store.port}?password=[redacted] connected`);
      expect(run.output()).not.toMatch(/P2qR|secret=/i);
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    } finally {
      await store.stop();
    }
    const port = await freePort();
    const refused = serve(['--demo', '--port', '0', '--redis', `redis://127.0.0.1:${port}?password=Xk9m&P2qR=secret`]);
    children.push(refused.child);
    expect(await refused.exit).toBe(2);
    expect(refused.output()).toContain(`Redis unreachable at redis://127.0.0.1:${port}?password=[redacted]: `);
    expect(refused.output()).not.toMatch(/P2qR|=secret/);
  });

  it('refuses a URL that is not redis:// and a server that does not answer as Redis, without the password (found by a fresh user)', async () => {
    // Before: `connect ENOENT //127.0.0.1:…` (ioredis took it for a socket path), and
    // `Unknown RESP type 60 "<". Please report this.`
    const http = spawnHttp();
    const wrong = serve(['--demo', '--port', '0', '--redis', 'http://user:hunter2@127.0.0.1:6379']);
    children.push(wrong.child);
    expect(await wrong.exit).toBe(2);
    expect(wrong.output()).toContain('realtime-contract serve: --redis must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got a http:// URL (http://127.0.0.1:6379)');
    expect(wrong.output()).not.toContain('hunter2');
    // A port that is not one: "not a Redis URL ioredis can read: redis://<unparsable url>" named neither the option nor the part at fault (a fresh user).
    const noPort = serve(['--demo', '--port', '0', '--redis', '127.0.0.1:notaport']);
    children.push(noPort.child);
    expect(await noPort.exit).toBe(2);
    expect(noPort.output()).toContain('realtime-contract serve: --redis must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got host "127.0.0.1" with a port that is not a number from 0 to 65535');
    const port = await http.port;
    const run = serve(['--demo', '--port', '0', '--redis', `redis://user:hunter2@127.0.0.1:${port}`]);
    children.push(run.child);
    expect(await run.exit).toBe(2);
    expect(run.output()).toContain(`redis://127.0.0.1:${port} does not answer as Redis (Unknown RESP type 60 "<"): is it the Redis port?`);
    expect(run.output()).not.toContain('hunter2');
    await http.close();
  });

  it('refuses a host-less --redis (redis://$REDIS_HOST with the variable unset): it started on whatever Redis listens on localhost:6379 (tCC F3)', async () => {
    const run = serve(['--demo', '--port', '0', '--redis', 'redis://']);
    children.push(run.child);
    expect(await run.exit).toBe(2);
    expect(run.output()).toBe('realtime-contract serve: --redis must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got a URL with no host (redis://), which ioredis reads as localhost:6379 (an unset variable, as in redis://$REDIS_HOST?)\n');
  });

  it('a demo on Redis killed and started again resumes a poll from its last cursor, and its counts start again from 1, as README says (tBL F4: no test restarted one)', { timeout: 120_000 }, async () => {
    const store = await RedisServer.start();
    const secret = 'a-restarted-demo-secret-of-32-bytes-or-more';
    const args = ['--demo', '--port', '0', '--redis', store.url, '--secret', secret];
    try {
      const start = async () => {
        const run = serve(args);
        children.push(run.child);
        await until(() => /alice \(user\): +\S+/.test(run.output()) && /on 127\.0\.0\.1:\d+ \(pid/.test(run.output()), 'the demo');
        return { ...run, port: Number(/on 127\.0\.0\.1:(\d+) \(pid/.exec(run.output())![1]), alice: /alice \(user\): +(\S+)/.exec(run.output())![1]! };
      };
      type Poll = { cursor: string; resume: string; messages: { type: string; data: { id?: string; total_trades?: number } }[] };
      const poll = async (port: number, token: string, since?: string) =>
        (await (await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${token}${since === undefined ? '' : `&since=${since}`}`)).json()) as Poll;
      const runOf = (id: string) => /^trade_(.+)_\d+$/.exec(id)![1]!;

      const first = await start();
      let cursor = (await poll(first.port, first.alice)).cursor;
      const before: Poll['messages'] = [];
      while (!before.some((m) => m.type === 'metrics' && m.data.total_trades! >= 2)) {
        const page = await poll(first.port, first.alice, cursor);
        before.push(...page.messages);
        cursor = page.cursor;
      }
      const firstRun = runOf(before.find((m) => m.type === 'trades')!.data.id!);
      first.child.kill('SIGKILL');
      await first.exit;

      const second = await start();
      const after: Poll['messages'] = [];
      const resumes: string[] = [];
      const secondRunTrade = () => after.findIndex((m) => m.type === 'trades' && runOf(m.data.id!) !== firstRun);
      while (secondRunTrade() < 0 || !after.slice(secondRunTrade()).some((m) => m.type === 'metrics')) {
        const page = await poll(second.port, second.alice, cursor);
        resumes.push(page.resume);
        after.push(...page.messages);
        cursor = page.cursor;
      }
      expect(resumes[0]).toBe('resumed');
      // The new run's first metrics counts its first trade: 1, not on from the first run's.
      expect(after.slice(secondRunTrade()).find((m) => m.type === 'metrics')!.data.total_trades).toBe(1);
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    } finally {
      await store.stop();
    }
  });

  it('takes a Redis URL with its password and the secret from REALTIME_CONTRACT_REDIS and REALTIME_CONTRACT_SECRET, out of the process list (tCN F2)', { timeout: 60_000 }, async () => {
    const store = await RedisServer.start();
    const raw = new Redis(store.url);
    await raw.config('SET', 'requirepass', 'hunter2-redis-pw');
    raw.disconnect();
    const url = `redis://:hunter2-redis-pw@127.0.0.1:${store.port}`;
    const secret = 'a-demo-secret-from-the-environment-of-32-bytes';
    try {
      const run = serve(['--demo', '--port', '0'], { REALTIME_CONTRACT_REDIS: url, REALTIME_CONTRACT_SECRET: secret });
      children.push(run.child);
      await until(() => /alice \(user\): +\S+/.test(run.output()), 'the demo');
      expect(run.output()).toContain(`streams in redis redis://127.0.0.1:${store.port} connected`);
      expect(run.output()).toContain('HS256 demo secret: (from REALTIME_CONTRACT_SECRET, not shown)\n');
      expect(run.output()).not.toContain(secret);
      const cmdline = readFileSync(`/proc/${run.child.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain('hunter2');
      expect(cmdline).not.toContain(secret);
      // Its streams are in that Redis: alice's poll is served from it.
      const port = Number(/on 127\.0\.0\.1:(\d+)/.exec(run.output())![1]);
      const alice = /alice \(user\): +(\S+)/.exec(run.output())![1]!;
      expect((await fetch(`http://127.0.0.1:${port}/api/ws/poll?token=${alice}`)).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    } finally {
      await store.stop();
    }
  });

  it('two demo nodes with one Redis and one secret: a dashboard on one node gets what the other publishes', { timeout: 90_000 }, async () => {
    redis = await RedisServer.start();
    const secret = 'a-shared-demo-secret-of-32-bytes-or-more';
    const [one, two] = [0, 1].map(() => serve(['--demo', '--port', '0', '--redis', redis!.url, '--secret', secret]));
    children.push(one!.child, two!.child);
    const portOf = (text: string) => Number(/on 127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
    await until(() => /alice \(user\): +\S+/.test(one!.output()) && /alice \(user\): +\S+/.test(two!.output()), 'both nodes');
    expect(one!.output()).toContain(`streams in redis ${redis.url} connected`);
    const alice = /alice \(user\): +(\S+)/.exec(one!.output())![1]!;
    const ws = new WebSocket(`ws://127.0.0.1:${portOf(two!.output())}/api/ws?token=${alice}`);
    const trades: string[] = [];
    ws.on('message', (d) => {
      const frame = JSON.parse(String(d)) as { type: string; cursor?: string };
      if (frame.type === 'trades') trades.push(frame.cursor!);
    });
    // each node's producer publishes a trade to alice every second: two trades per round
    await until(() => trades.length >= 6, 'trades');
    // Both producers append to alice's stream in Redis; she must have received every trade in it
    // between her first and last one, whichever node appended it.
    const position = (cursor: string) => cursor.split('.')[1]!;
    const client = new Redis(redis.url);
    const stored = await client.xrange('rc:u:{alice}', position(trades[0]!), `${position(trades.at(-1)!)}-18446744073709551615`);
    await client.quit();
    const storedTrades = stored.filter(([, fields]) => fields[fields.indexOf('t') + 1] === 'trades').map(([id]) => id.split('-')[0]);
    expect(trades.map(position)).toEqual(storedTrades);
    ws.terminate();
    one!.child.kill('SIGTERM');
    two!.child.kill('SIGTERM');
    expect(await one!.exit).toBe(0);
    expect(await two!.exit).toBe(0);
  });
});
