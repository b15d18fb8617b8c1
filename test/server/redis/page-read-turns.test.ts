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
 * A node's page reads wait their turn (README "Several server nodes on Redis", SCALE.md "Resume storms"). One token
 * re-polling a cursor before a 12 MB entry queued one 12 MB Redis read per poll, first come first sent across all users,
 * each still sent after its client had left: other users' polls waited tens of seconds behind them, and the node counted
 * its busy Redis as lost (tIE F1). Redis's replies are held (a proxy) so reads stay in flight and the others queue in the
 * node; the page reads Redis runs are counted and ordered with MONITOR. Counts and order only, no time.
 */
const tool = findTool('redis-server');
const READ_SHA = createHash('sha1').update(READ_SCRIPT).digest('hex');

describe.skipIf(!tool.available)(`Redis stream store: page reads take turns ${tool.reason}`, () => {
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
    // Replies are held up to a few seconds here: a long command timeout keeps that from reading as Redis lost.
    store = await createRedisStreamStore({ url: proxy.url, keyPrefix: 'turns', commandTimeoutMs: 60_000, logger: { info: () => {}, warn: logged, error: logged } });
    const lots = { perSecond: 100_000, burst: 100_000 };
    rt = createRealtimeServer({ jwt: { secret: SECRET }, port: 0, store, pollsPerUser: lots, attemptsPerIp: lots, attemptsPerUser: lots, logger: { info: () => {}, warn: logged, error: logged } });
    await rt.listening;
    plain = new Redis(redis.url, { lazyConnect: true });
    await plain.connect();
    monitor = await plain.monitor();
    const users = new Map([store.keys.user('mallory'), store.keys.user('bob')].map((key, i) => [key, i === 0 ? 'mallory' : 'bob']));
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'echo') ran.push(String(args[1]));
      // A page read of a user's streams: the read script over the epoch, sequence and head keys, then the user's and the global stream.
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

  const bigAlert = (id: string) => {
    const message = alert(id);
    (message.data as { message: string }).message = 'x'.repeat(200_000);
    return message;
  };

  it('re-polls of one cursor whose clients leave while their reads wait cost one Redis page read, not one each', async () => {
    const small = await rt.publish('mallory', alert('small'));
    await rt.publish('mallory', bigAlert('big'));
    await settled();
    const before = ran.length;
    const POLLS = 8;
    proxy.holdReplies(true);
    const polls = [];
    for (let i = 0; i < POLLS; i++) polls.push(await poll('mallory', small.cursor));
    // Every poll is reading (its read in flight or waiting in the node), and Redis has run the first.
    await eventually(() => rt.stats().pendingPolls === POLLS && ran.slice(before).includes('mallory'), 20_000, 'the polls to be reading');
    for (const { req } of polls) req.destroy();
    expect(await Promise.all(polls.map((p) => p.answered))).toEqual(Array(POLLS).fill('destroyed'));
    // The node sees them leave before Redis answers: those whose read had not been sent are gone (first come first sent,
    // they all stayed, waiting their turn: the count below tells).
    await eventually(() => rt.stats().pendingPolls <= 2, 5_000).catch(() => undefined);
    proxy.holdReplies(false);
    // One more poll of the same cursor, which stays: answered its page.
    const last = await poll('mallory', small.cursor);
    expect(await last.answered).toBe(200);
    await eventually(() => rt.stats().pendingPolls === 0, 10_000, 'no poll left');
    await settled();
    const reads = ran.slice(before).filter((user) => user === 'mallory').length;
    // The one sent while the others waited, and the last poll's: the eight re-polls were one read (they were eight).
    expect(reads).toBe(2);
    expect(events).not.toContain('redis-lost');
  }, 60_000);

  it("another user's page read is sent before one user's queued reads: turns by reader, not first come first sent", async () => {
    const small = await rt.publish('mallory', alert('small2'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await rt.publish('mallory', bigAlert('big2'));
    await rt.publish('bob', trade('bob1'));
    await settled();
    const before = ran.length;
    const { epoch, position } = parseCursor(small.cursor)!;
    proxy.holdReplies(true);
    // Four cursors of mallory's before her large entry, each a read of its own: two are sent, two wait.
    const mallory = [];
    for (let i = 0; i < 4; i++) mallory.push(await poll('mallory', `${epoch}.${position + i}`));
    await eventually(() => rt.stats().pendingPolls === 4 && ran.slice(before).filter((u) => u === 'mallory').length === 2, 20_000, "mallory's polls to be reading");
    const bob = await poll('bob', small.cursor);
    await eventually(() => rt.stats().pendingPolls === 5, 20_000, "bob's poll to be reading");
    proxy.holdReplies(false);
    expect(await bob.answered).toBe(200);
    expect(await Promise.all(mallory.map((p) => p.answered))).toEqual([200, 200, 200, 200]);
    await settled();
    const order = ran.slice(before).filter((user) => user === 'mallory' || user === 'bob');
    // Mallory's two in flight, then bob's as soon as a slot freed, then her two that waited (FIFO sent bob's last).
    expect(order).toEqual(['mallory', 'mallory', 'bob', 'mallory', 'mallory']);
    expect(events).not.toContain('redis-lost');
  }, 60_000);
});
