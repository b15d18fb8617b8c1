import { createHash } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../../../src/server/index.js';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/redis/index.js';
import { READ_SCRIPT } from '../../../src/server/redis/scripts.js';
import { parseCursor } from '../../../src/server/stream-store.js';
import { findTool } from '../../support/toolchain.js';
import { alert, eventually, SECRET, token, trade } from '../helpers.js';
import { RedisServer } from './redis-server.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * More of the page-read turns (page-read-turns.test.ts; tIM F1, F2, F3, F17): identical reads that stay are shared, a
 * reader's count of reads in flight goes back down once they are answered, a read begun after its reader left is never
 * sent, and a poll whose client left while its read waited is not logged as failed. As there, Redis's replies are held
 * (a proxy) so reads stay in flight, and the page reads Redis runs are counted and ordered with MONITOR. Counts and
 * order only, no time.
 */
const tool = findTool('redis-server');
const READ_SHA = createHash('sha1').update(READ_SCRIPT).digest('hex');
const USERS = ['mallory', 'bob', 'carol', 'dave'];

describe.skipIf(!tool.available)(`Redis stream store: page reads shared and turns kept ${tool.reason}`, () => {
  let redis: RedisServer;
  let proxy: TcpProxy;
  let store: RedisStreamStore;
  let rt: RealtimeServer;
  let monitor: Awaited<ReturnType<Redis['monitor']>>;
  let plain: Redis;
  /** The user each page read Redis ran was for, in the order it ran them (and markers). */
  const ran: string[] = [];
  const events: string[] = [];
  const logged = (object: object) => void events.push(String((object as { event?: string }).event));

  beforeAll(async () => {
    redis = await RedisServer.start();
    proxy = await TcpProxy.start(redis.port);
    store = await createRedisStreamStore({ url: proxy.url, keyPrefix: 'share', commandTimeoutMs: 60_000, logger: { info: () => {}, warn: logged, error: logged } });
    const lots = { perSecond: 100_000, burst: 100_000 };
    rt = createRealtimeServer({ jwt: { secret: SECRET }, port: 0, store, pollsPerUser: lots, attemptsPerIp: lots, attemptsPerUser: lots, logger: { info: () => {}, warn: logged, error: logged } });
    await rt.listening;
    plain = new Redis(redis.url, { lazyConnect: true });
    await plain.connect();
    monitor = await plain.monitor();
    const users = new Map(USERS.map((user) => [store.keys.user(user), user]));
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'echo') ran.push(String(args[1]));
      else if (args[0]?.toLowerCase() === 'evalsha' && args[1] === READ_SHA && args[2] === '5') ran.push(users.get(args[6]!) ?? `other ${args[6]}`);
    });
  });
  afterAll(async () => {
    proxy?.holdReplies(false);
    monitor?.disconnect();
    await rt?.close();
    await store?.close();
    await proxy?.close();
    await redis?.stop();
  });

  /** Everything Redis ran before this call is in `ran` once it resolves. */
  const settled = async (): Promise<void> => {
    const marker = `mark-${ran.length}-${Math.random()}`;
    const echo = new Redis(redis.url);
    await echo.echo(marker);
    echo.disconnect();
    await eventually(() => ran.includes(marker), 10_000, 'MONITOR to show the marker');
  };

  /** A poll on a connection of its own: its status once answered (its body read), or 'destroyed'. */
  const poll = async (user: string, since: string): Promise<{ req: ClientRequest; answered: Promise<number | 'destroyed'> }> => {
    const bearer = await token(user);
    let req!: ClientRequest;
    const answered = new Promise<number | 'destroyed'>((resolve) => {
      req = httpRequest({ host: '127.0.0.1', port: rt.address()!.port, path: `/api/ws/poll?since=${since}`, headers: { authorization: `Bearer ${bearer}` }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
        res.on('error', () => resolve('destroyed'));
      });
      req.on('error', () => resolve('destroyed'));
      req.on('close', () => setTimeout(() => resolve('destroyed'), 0));
      req.end();
    });
    return { req, answered };
  };

  const reads = (from: number, user: string): number => ran.slice(from).filter((u) => u === user).length;

  it('identical polls of one cursor that stay while a read of it is in flight share one waiting read (tIM F1)', async () => {
    const first = await rt.publish('dave', alert('dave-first'));
    await rt.publish('dave', alert('dave-next'));
    await settled();
    const before = ran.length;
    const POLLS = 8;
    proxy.holdReplies(true);
    const polls = [];
    for (let i = 0; i < POLLS; i++) polls.push(await poll('dave', first.cursor));
    // Every poll is reading: the first read sent, the seven others waiting in the node behind it.
    await eventually(() => rt.stats().pendingPolls === POLLS && reads(before, 'dave') === 1, 20_000, 'the polls to be reading');
    proxy.holdReplies(false);
    expect(await Promise.all(polls.map((p) => p.answered))).toEqual(Array(POLLS).fill(200));
    await settled();
    // The one in flight, and one more for the seven that waited for it to be answered: not one each.
    expect(reads(before, 'dave')).toBe(2);
    expect(events).not.toContain('redis-lost');
  }, 60_000);

  it("a reader's reads in flight count down once answered: a reader that read earlier waits no longer than another (tIM F2)", async () => {
    const mine = await rt.publish('mallory', alert('m1'));
    await rt.publish('mallory', alert('m2'));
    const carolFirst = await rt.publish('carol', trade('c1'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await rt.publish('carol', trade('c2'));
    await rt.publish('carol', trade('c3'));
    const bobFirst = await rt.publish('bob', trade('b1'));
    await rt.publish('bob', trade('b2'));
    await settled();
    // Mallory reads twice, each answered: her reads in flight are back to none.
    for (let i = 0; i < 2; i++) expect(await (await poll('mallory', mine.cursor)).answered).toBe(200);
    await eventually(() => rt.stats().pendingPolls === 0, 10_000, 'no poll left');
    await settled();
    const before = ran.length;
    proxy.holdReplies(true);
    // Two of carol's cursors, each a read of its own: both slots taken.
    const { epoch, position } = parseCursor(carolFirst.cursor)!;
    const carol = [];
    for (let i = 0; i < 2; i++) carol.push(await poll('carol', `${epoch}.${position + i}`));
    await eventually(() => rt.stats().pendingPolls === 2 && reads(before, 'carol') === 2, 20_000, "carol's polls to be reading");
    // Then mallory's read waits, then bob's: both have none in flight, mallory waited longest.
    const mallory = await poll('mallory', mine.cursor);
    await eventually(() => rt.stats().pendingPolls === 3, 20_000, "mallory's poll to be reading");
    const bob = await poll('bob', bobFirst.cursor);
    await eventually(() => rt.stats().pendingPolls === 4, 20_000, "bob's poll to be reading");
    proxy.holdReplies(false);
    expect(await Promise.all([...carol, mallory, bob].map((p) => p.answered))).toEqual([200, 200, 200, 200]);
    await settled();
    const order = ran.slice(before).filter((user) => user === 'mallory' || user === 'bob' || user === 'carol');
    expect(order).toEqual(['carol', 'carol', 'mallory', 'bob']);
    expect(events).not.toContain('redis-lost');
  }, 60_000);

  it('a read begun after its reader left is refused at once and never sent to Redis (tIM F3)', async () => {
    const first = await rt.publish('bob', trade('b3'));
    await rt.publish('bob', trade('b4'));
    await settled();
    const before = ran.length;
    const read = store.read({ userId: 'bob', admin: false }, first.cursor, 10, Infinity, AbortSignal.abort());
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
    // A read of the same cursor without a signal: sent, and run.
    expect((await store.read({ userId: 'bob', admin: false }, first.cursor, 10)).entries.length).toBeGreaterThan(0);
    await settled();
    expect(reads(before, 'bob')).toBe(1);
  }, 60_000);

  it('polls whose clients leave while their reads wait are dropped without a poll-failed line (tIM F17)', async () => {
    const first = await rt.publish('carol', trade('c4'));
    await rt.publish('carol', trade('c5'));
    await settled();
    const before = ran.length;
    const from = events.length;
    const POLLS = 4;
    proxy.holdReplies(true);
    const polls = [];
    for (let i = 0; i < POLLS; i++) polls.push(await poll('carol', first.cursor));
    await eventually(() => rt.stats().pendingPolls === POLLS && reads(before, 'carol') === 1, 20_000, 'the polls to be reading');
    for (const { req } of polls) req.destroy();
    expect(await Promise.all(polls.map((p) => p.answered))).toEqual(Array(POLLS).fill('destroyed'));
    // The node has seen them leave: those whose read waited are gone, the one in flight stays until Redis answers.
    await eventually(() => rt.stats().pendingPolls <= 1, 5_000).catch(() => undefined);
    proxy.holdReplies(false);
    await eventually(() => rt.stats().pendingPolls === 0, 10_000, 'no poll left');
    await settled();
    expect(events.slice(from)).not.toContain('poll-failed');
    expect(events.slice(from)).not.toContain('redis-lost');
  }, 60_000);
});
