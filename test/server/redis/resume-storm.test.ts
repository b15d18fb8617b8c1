import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../../../src/server/index.js';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/redis/index.js';
import { findTool } from '../../support/toolchain.js';
import { alert, SECRET, token, trade } from '../helpers.js';
import { RedisServer } from './redis-server.js';

/**
 * Many sockets resuming at once on one node, each replaying a large backlog (a node behind a
 * balancer failed, its dashboards came here): the node's own page reads must not count as Redis
 * away. They were all sent at once on the command connection, the heartbeat and the publishes
 * waited behind them past commandTimeoutMs, and the node called Redis lost: every resuming socket
 * closed with 1011, publishes rejected (tBF F1).
 */
const tool = findTool('redis-server');

/** Sockets resuming at once, and the entries (of about 2 KB) each replays: ~1.2 MB each, two pages. */
const SOCKETS = 100;
const BACKLOG = 600;

describe.skipIf(!tool.available)(`Redis stream store: a resume storm on one node ${tool.reason}`, () => {
  let redis: RedisServer;
  let store: RedisStreamStore;
  let rt: RealtimeServer;
  const events: string[] = [];
  const logged = (object: object) => void events.push(String((object as { event?: string }).event));

  beforeAll(async () => {
    redis = await RedisServer.start();
    // A shorter command timeout than the default 5 s scales the storm that exceeds it down.
    store = await createRedisStreamStore({ url: redis.url, keyPrefix: 'storm', commandTimeoutMs: 2000, logger: { info: () => {}, warn: logged, error: logged } });
    const lots = { perSecond: 100_000, burst: 100_000 };
    rt = createRealtimeServer({ jwt: { secret: SECRET }, port: 0, store, attemptsPerIp: lots, attemptsPerUser: lots, maxSocketsPerUser: 1000, logger: { info: () => {}, warn: logged, error: logged } });
    await rt.listening;
  });
  afterAll(async () => {
    await rt?.close();
    await store?.close();
    await redis?.stop();
  });

  it("sockets resuming a large backlog at once all get it, and publishes through the node meanwhile are stored: no 1011, no redis-lost (the node took its own reads for a hung Redis)", async () => {
    const big = (i: number) => {
      const message = alert(`a${i}`);
      (message.data as { message: string }).message = 'x'.repeat(2000);
      return message;
    };
    const first = await rt.publish('alice', big(0));
    for (let i = 1; i <= BACKLOG; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => rt.publish('alice', big(i + j))));
    const url = `ws://127.0.0.1:${rt.address()!.port}/api/ws?${new URLSearchParams({ token: await token('alice'), since: first.cursor })}`;

    // Another user's publishes through the same node, one after another, for as long as the storm lasts.
    let storming = true;
    const publishes: Promise<unknown>[] = [];
    const publisher = (async () => {
      for (let n = 0; storming; n++) {
        const done = rt.publish('bob', trade(`bob${n}`));
        publishes.push(done);
        await done.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const outcomes = await Promise.all(
      Array.from(
        { length: SOCKETS },
        () =>
          new Promise<string>((resolve) => {
            let replayed = 0;
            const ws = new WebSocket(url);
            ws.on('error', () => {});
            ws.on('message', (data) => {
              const text = String(data);
              const small = text.length < 300 ? (JSON.parse(text) as { type: string; timestamp?: number }) : null;
              if (small?.type === 'ping') ws.send(JSON.stringify({ type: 'pong', timestamp: small.timestamp }));
              else if (text.includes('"type":"alerts"') && ++replayed === BACKLOG) ws.close(1000);
            });
            ws.on('close', (code, reason) => resolve(replayed === BACKLOG ? 'replayed' : `closed ${code} ${String(reason)} after ${replayed}`));
          }),
      ),
    );
    storming = false;
    await publisher;
    const results = await Promise.allSettled(publishes);

    expect(outcomes.filter((o) => o !== 'replayed')).toEqual([]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(publishes.length).toBeGreaterThan(0);
    expect(events.filter((e) => e === 'redis-lost')).toEqual([]);
    expect(store.status().healthy).toBe(true);
  }, 60_000);
});
