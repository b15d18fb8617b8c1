/**
 * Keepalive behind a replay on a slow link (tIS F1): a client that keeps reading and answers every
 * ping, resuming a multi-MB backlog through a TCP proxy of the test's own that passes server →
 * client bytes at a fixed rate, is not closed 4408 while the replay leaves; a client that stops
 * reading behind the same replay still is.
 */
import { createServer as createTcpServer, connect as tcpConnect, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { alert, connect, eventually, startServer, token, trade } from './helpers.js';

/**
 * A TCP proxy on 127.0.0.1 to `port`: client → server untouched, server → client at `rate` bytes a
 * second on average (looked at every 20 ms, what a late timer missed made up), read from the server
 * no faster and not past what the client has not taken, so what waits stays in the kernel's
 * buffers and the server's.
 */
async function throttlingProxy(port: number, rate: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: TcpServer = createTcpServer((client) => {
    const upstream = tcpConnect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pause();
    const start = Date.now();
    let passed = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - start) / 1000) * rate);
      // A link idle a while (nothing to pass) does not then pass a burst: at most 200 ms' worth.
      passed = Math.max(passed, due - rate / 5);
      let allowed = due - passed;
      // Nor past a client that does not read: what it has not taken stops the proxy's reads too.
      while (allowed > 0 && client.writableLength < 64 * 1024) {
        const chunk = upstream.read(Math.min(allowed, upstream.readableLength)) as Buffer | null;
        if (chunk === null) break;
        client.write(chunk);
        passed += chunk.length;
        allowed -= chunk.length;
      }
    }, 20);
    timers.add(timer);
    upstream.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A store for alice holding `before`, then one alert of `bigBytes`, then `more` alerts of 100 kB; resumed from `before` through a proxy of `rate` bytes/s. */
async function resumeThrough(rate: number, bigBytes: number, more: number, options: Parameters<typeof startServer>[0]) {
  const server = await startServer(options);
  const since = (await server.rt.publish('alice', trade('before'))).cursor;
  const sized = (id: string, bytes: number) => ({ ...alert(id), data: { ...alert(id).data, title: 'x'.repeat(bytes) } }) as ReturnType<typeof alert>;
  await server.rt.publish('alice', sized('big', bigBytes));
  for (let i = 0; i < more; i++) await server.rt.publish('alice', sized(`a${i}`, 100_000));
  const proxy = await throttlingProxy(server.port, rate);
  const client = await connect(`ws://127.0.0.1:${proxy.port}/api/ws?${new URLSearchParams({ token: await token('alice'), since })}`);
  return { server, proxy, client };
}

describe('keepalive behind a replay on a slow link (tIS F1)', () => {
  it('a client that keeps reading a 18 MB replay at 1 MB/s and answers every ping is not closed 4408, though its pings wait behind more than the pong timeout (README: "Keepalive", "Slow clients")', async () => {
    // One entry of 15 MB (15 s on this link) and 30 of 100 kB; a ping every second, 10 s for its pong.
    // A ping waits behind the entry (written whole before it) and behind what the kernel holds (up to
    // its send buffer and the proxy's receive buffer, a few MB: some seconds on this link, well within
    // the 10 s once the replay is out; a busy machine's late proxy timer makes up what it missed).
    const { server, proxy, client } = await resumeThrough(1_000_000, 15_000_000, 30, { pingIntervalMs: 1000, pongTimeoutMs: 10_000 });
    try {
      const ids = () => client.stream.map((f) => f.data!.id);
      await client.until(() => ids().length === 31, 120_000, 'the whole replay');
      expect(client.frames.find((f) => f.type === 'connection')!.data!.resume).toBe('resumed');
      expect(ids()).toEqual(['big', ...Array.from({ length: 30 }, (_, i) => `a${i}`)]);
      // Pinged behind the replay, and answered.
      expect(client.count('ping')).toBeGreaterThan(0);
      expect(client.closeCode).toBeNull();
      expect(server.rt.stats().closes).toEqual({});
      // The replay out, the keepalive is the plain one: a ping answered in time keeps it open.
      const pings = client.count('ping');
      await client.until(() => client.count('ping') >= pings + 2, 20_000, 'two more pings');
      expect(server.rt.stats().closes).toEqual({});
      client.ws.close();
      await client.closed;
    } finally {
      client.ws.terminate();
      await proxy.close();
      await server.rt.close();
    }
  }, 180_000);

  it('a client that stops reading behind the same replay is still closed 4408, its link taking nothing for the pong timeout (README: "Keepalive")', async () => {
    const { server, proxy, client } = await resumeThrough(2_000_000, 15_000_000, 30, { pingIntervalMs: 500, pongTimeoutMs: 1500 });
    try {
      await client.until(() => client.frames.length > 0, 10_000, 'the connection message');
      // Stops reading: the proxy's socket to it fills, the proxy no more, the server's kernel buffer too.
      (client.ws as unknown as { _socket: Socket })._socket.pause();
      await eventually(() => server.rt.stats().closes[4408] === 1, 40_000, 'the 4408');
      expect(server.rt.stats().closes).toEqual({ 4408: 1 });
    } finally {
      client.ws.terminate();
      await proxy.close();
      await server.rt.close();
    }
  }, 60_000);
});
