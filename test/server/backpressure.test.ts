/**
 * Backpressure and conflation (issues 9 and 10): a client that stops reading never makes the
 * server buffer without bound — its state updates are conflated, its events fill a bounded
 * buffer, then it is closed with 1013 while others see no change; a client read at 10
 * messages/s through a burst of 10,000 balance updates and 100 trades gets every trade in order
 * and the latest balance of each platform.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MemoryStreamStore } from '../../src/server/index.js';
import { alert, balance, connect, eventually, sleep, startServer, token, trade } from './helpers.js';

const PLATFORMS = ['luno', 'binance', 'kucoin', 'kraken', 'valr'] as const;

describe('backpressure', () => {
  it('a stalled reader: states conflated, memory bounded, closed with 1013 on events; others unaffected', async () => {
    const MAX = 256 * 1024;
    const server = await startServer({ maxBufferedBytes: MAX, writeHighWaterBytes: 32 * 1024 });
    try {
      const stalled = await connect(server.url({ token: await token('stalled') }));
      const other = await connect(server.url({ token: await token('other') }));
      await stalled.until(() => stalled.count('connection') === 1);
      (stalled.ws as unknown as { _socket: Socket })._socket.pause();
      let peak = 0;
      const sample = () => (peak = Math.max(peak, server.rt.stats().bufferedBytes.max));

      // 20,000 state updates: conflated per platform, never a reason to close.
      for (let i = 0; i < 20_000; i++) {
        void server.rt.publish('stalled', balance(PLATFORMS[i % PLATFORMS.length]!, i));
        if (i % 1000 === 999) {
          await sleep(1);
          sample();
        }
      }
      expect(server.rt.stats().slowClientCloses).toBe(0);
      expect(server.rt.stats().conflated).toBeGreaterThan(0);

      // Events are never merged: past the bound the stalled client is closed with 1013.
      const published: string[] = [];
      for (let batch = 0; batch < 200 && server.rt.stats().slowClientCloses === 0; batch++) {
        for (let i = 0; i < 500; i++) void server.rt.publish('stalled', trade(`stalled_${batch}_${i}`));
        published.push((await server.rt.publish('other', trade(`other_${batch}`))).cursor);
        await sleep(1);
        sample();
      }
      expect(server.rt.stats().slowClientCloses).toBe(1);
      expect(peak).toBeLessThanOrEqual(MAX + 4096);
      (stalled.ws as unknown as { _socket: Socket })._socket.resume();
      expect(await stalled.closed).toBe(1013);
      await other.until(() => other.stream.length === published.length);
      expect(other.stream.map((f) => f.cursor)).toEqual(published);
      expect(other.closeCode).toBeNull();
      console.info(`stalled reader: peak held ${(peak / 1024).toFixed(0)} KiB (bound ${MAX / 1024} KiB) over 20,000 states and ${published.length * 500} events`);
      other.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('a burst over maxBufferedBytes in one turn closes even a reader that keeps up with 1013; it resumes from its cursor and loses nothing', async () => {
    const server = await startServer();
    try {
      const reader = await connect(server.url({ token: await token('alice') }));
      await reader.until(() => reader.count('connection') === 1);
      const big = (id: string) => ({ ...alert(id), data: { ...alert(id).data, title: 'x'.repeat(2048) } });
      // 600 messages of 2 KB published in one event-loop turn: 1.2 MiB for a bound of 1 MiB.
      const published = await Promise.all(Array.from({ length: 600 }, (_, i) => server.rt.publish('alice', big(`burst_${i}`) as ReturnType<typeof alert>)));
      expect(await reader.closed).toBe(1013);
      // The last cursor it holds: the connection message's, or the last message's it read.
      const last = reader.frames.filter((frame) => frame.cursor !== undefined).at(-1)!.cursor!;
      const resumed = await connect(server.url({ token: await token('alice'), since: last }));
      await resumed.until(() => reader.stream.length + resumed.stream.length === 600, 20_000, 'the rest of the burst');
      expect([...reader.stream, ...resumed.stream].map((frame) => frame.cursor)).toEqual(published.map(({ cursor }) => cursor));
      expect(resumed.closeCode).toBeNull();
      resumed.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('conflation: 10 messages/s, a burst of 10,000 balances and 100 trades → all trades in order, the latest balance per platform', async () => {
    const server = await startServer({ outboundRate: { perSecond: 10, burst: 10 } });
    try {
      const client = await connect(server.url({ token: await token('dashboard') }));
      await client.until(() => client.count('connection') === 1);
      const latest = new Map<string, number>();
      const trades: string[] = [];
      for (let i = 0; i < 10_100; i++) {
        if (i % 101 === 100) {
          const id = `trade_${trades.length}`;
          trades.push(id);
          void server.rt.publish('dashboard', trade(id));
        } else {
          const platform = PLATFORMS[i % PLATFORMS.length]!;
          latest.set(platform, i);
          void server.rt.publish('dashboard', balance(platform, i));
        }
      }
      expect(trades).toHaveLength(100);
      const lastBalance = () => {
        const seen = new Map<string, number>();
        for (const f of client.stream) if (f.type === 'balances') seen.set(f.data!.platform as string, (f.data!.balances as { ZAR: { free: number } }).ZAR.free);
        return seen;
      };
      await client.until(() => client.count('trades') === 100 && PLATFORMS.every((p) => lastBalance().get(p) === latest.get(p)), 30_000, 'all trades and latest balances');
      expect(client.stream.filter((f) => f.type === 'trades').map((f) => f.data!.id)).toEqual(trades);
      const positions = client.stream.map((f) => Number(f.cursor!.split('.')[1]));
      for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
      expect(client.count('balances')).toBeLessThan(200);
      expect(client.closeCode).toBeNull();
      await eventually(() => server.rt.stats().conflated > 9_000);
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it("an admin's conflation keeps the latest state of each user: one user's balance never replaces another's", async () => {
    const server = await startServer({ outboundRate: { perSecond: 20, burst: 1 } });
    try {
      const admin = await connect(server.url({ token: await token('root', { admin: true }) }));
      await admin.until(() => admin.count('connection') === 1);
      // A burst, paced by the outbound rate: states of one user and key are merged, latest wins.
      for (let i = 0; i < 30; i++) {
        void server.rt.publish('alice', balance('luno', 100 + i));
        void server.rt.publish('bob', balance('luno', 200 + i));
      }
      await server.rt.publish('carol', trade('last'));
      await admin.until(() => admin.count('trades') === 1, 10_000, 'the trade after the burst');
      const balances = admin.stream.filter((f) => f.type === 'balances').map((f) => f.data!.total_value_zar);
      expect(balances).toContain(129);
      expect(balances).toContain(229);
      expect(balances.length).toBeLessThan(60);
      admin.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('a socket that resumes far behind gets every event and the latest state of each key, its states merged while its replay is written (README: "Slow clients")', async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 10_000, maxEntries: 100_000 });
    const server = await startServer({ store, writeHighWaterBytes: 16 * 1024 });
    try {
      const first = await server.rt.publish('alice', trade('trade_start'));
      const trades: string[] = [];
      const latest = new Map<string, number>();
      for (let i = 0; i < 4000; i++) {
        if (i % 10 === 0) {
          trades.push(`trade_${i}`);
          await server.rt.publish('alice', trade(`trade_${i}`));
        } else {
          const platform = PLATFORMS[i % PLATFORMS.length]!;
          latest.set(platform, i);
          await server.rt.publish('alice', balance(platform, i));
        }
      }
      const resumed = await connect(server.url({ token: await token('alice'), since: first.cursor }));
      const lastBalance = () => {
        const seen = new Map<string, number>();
        for (const f of resumed.stream) if (f.type === 'balances') seen.set(f.data!.platform as string, f.data!.total_value_zar as number);
        return seen;
      };
      await resumed.until(() => resumed.count('trades') === trades.length && PLATFORMS.every((p) => lastBalance().get(p) === latest.get(p)), 20_000, 'every trade and the latest balances');
      expect(resumed.frames.find((f) => f.type === 'connection')!.data!.resume).toBe('resumed');
      expect(resumed.stream.filter((f) => f.type === 'trades').map((f) => f.data!.id)).toEqual(trades);
      const positions = resumed.stream.map((f) => Number(f.cursor!.split('.')[1]));
      for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
      // Merged, not all delivered: what a check against a journal shows as missing states.
      expect(resumed.count('balances')).toBeLessThan(3600);
      expect(server.rt.stats().conflated).toBeGreaterThan(0);
      expect(resumed.closeCode).toBeNull();
      resumed.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  // tIK F1: the replay is outside the bound while queued, and was counted again once in the socket's buffer.
  /** A server whose store holds `before`, then one entry of 8 MiB (`big`); a socket of alice's resumed from `before`, its reader paused once the entry waits in the server's socket buffer. */
  const resumeBehindBigEntry = async (MAX: number, options: Parameters<typeof startServer>[0]) => {
    const server = await startServer({ maxBufferedBytes: MAX, ...options });
    const since = (await server.rt.publish('alice', trade('before'))).cursor;
    const big = { ...alert('big'), data: { ...alert('big').data, title: 'x'.repeat(8 * 1024 * 1024) } };
    await server.rt.publish('alice', big as ReturnType<typeof alert>);
    const resumed = await connect(server.url({ token: await token('alice'), since }));
    const socket = (resumed.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    // More than the kernel's buffers take: the rest waits in the server's, far past the bound.
    await eventually(() => server.rt.stats().bufferedBytes.max > 4 * MAX, 10_000, 'the entry in the socket buffer');
    return { server, resumed, socket };
  };

  it.each([
    ['a ping', { pingIntervalMs: 200 }],
    ['a live message', {}],
  ] as const)('a resume whose replayed entry (8 MiB) a slow reader is still taking is not closed 1013 by %s sent behind it: it gets the entry once (README: "Slow clients")', async (what, options) => {
    const MAX = 64 * 1024;
    const { server, resumed, socket } = await resumeBehindBigEntry(MAX, options);
    try {
      // The reader takes its time: pings fall due (every 200 ms), or a message is published meanwhile.
      if (what === 'a ping') await sleep(1000);
      else await server.rt.publish('alice', trade('after'));
      socket.resume();
      const ids = () => resumed.stream.map((f) => f.data!.id);
      if (what === 'a ping') await resumed.until(() => ids().includes('big') && resumed.frames.findLastIndex((f) => f.type === 'ping') > resumed.frames.findIndex((f) => f.data?.id === 'big'), 20_000, 'the entry, then a ping');
      else await resumed.until(() => ids().includes('after'), 20_000, 'the entry, then the live message');
      expect(resumed.frames.find((f) => f.type === 'connection')!.data!.resume).toBe('resumed');
      expect(ids()).toEqual(what === 'a ping' ? ['big'] : ['big', 'after']);
      expect(resumed.closeCode).toBeNull();
      expect(server.rt.stats().slowClientCloses).toBe(0);
      resumed.ws.close();
      await resumed.closed;
    } finally {
      resumed.ws.terminate();
      await server.rt.close();
    }
  });

  it.each([
    ['the keepalive (4408), on a quiet stream', { pingIntervalMs: 200, pongTimeoutMs: 500 }, 4408],
    ['the bound (1013), once live messages past it wait behind the replay', {}, 1013],
  ] as const)('a peer that stops reading behind a replayed entry (8 MiB) is still closed, by %s (README: "Slow clients", "Keepalive")', async (_, options, code) => {
    const MAX = 64 * 1024;
    const { server, resumed } = await resumeBehindBigEntry(MAX, options);
    try {
      if (code === 1013) {
        for (let i = 0; i < 1000 && server.rt.stats().slowClientCloses === 0; i++) await server.rt.publish('alice', trade(`live_${i}`));
        expect(server.rt.stats().slowClientCloses).toBe(1);
      }
      // Its close frame cannot pass what it does not read: cut after the close grace (2 s).
      await eventually(() => server.rt.stats().closes[code] === 1, 15_000, `the close ${code}`);
      expect(server.rt.stats().closes).toEqual({ [code]: 1 });
      if (code === 4408) expect(server.rt.stats().slowClientCloses).toBe(0);
    } finally {
      resumed.ws.terminate();
      await server.rt.close();
    }
  });
});
