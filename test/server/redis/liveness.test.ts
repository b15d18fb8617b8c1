import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStreamStore, type RedisStreamStore } from '../../../src/server/redis/index.js';
import type { StreamEntry } from '../../../src/server/stream-store.js';
import { findTool } from '../../support/toolchain.js';
import { RedisServer } from './redis-server.js';
import { TcpProxy } from './tcp-proxy.js';
import { ROTATE_SCRIPT } from '../../../src/server/redis/scripts.js';

/**
 * A store whose connections go silent without closing (a half-open TCP path, a stuck NAT or load
 * balancer, a SUBSCRIBE lost on the way) and a Redis that answers reads but holds writes (CLIENT
 * PAUSE … WRITE, as FAILOVER does): the store must notice, say so, and deliver everything after.
 */
const tool = findTool('redis-server');

const frame = (n: number, userId: string | null) => (cursor: string) => JSON.stringify({ type: userId ? 'trades' : 'whale', data: { n, userId }, cursor });
const numbers = (entries: StreamEntry[]) => entries.map((e) => (JSON.parse(e.frame) as { data: { n: number } }).data.n);

function collectingLogger() {
  const events: { level: string; event: string; object: Record<string, unknown> }[] = [];
  const at = (level: string) => (object: object) => void events.push({ level, event: String((object as { event?: string }).event), object: object as Record<string, unknown> });
  return { events, info: at('info'), warn: at('warn'), error: at('error') };
}

async function waitFor(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!tool.available)(`Redis stream store: silent connections ${tool.reason}`, () => {
  let redis: RedisServer;
  let prefixCount = 0;
  const open: RedisStreamStore[] = [];
  const proxies: TcpProxy[] = [];
  const store = async (options: Partial<Parameters<typeof createRedisStreamStore>[0]> = {}) => {
    const s = await createRedisStreamStore({ url: redis.url, keyPrefix: `l${prefixCount}`, logger: collectingLogger(), ...options });
    open.push(s);
    return s;
  };
  const proxy = async () => {
    const p = await TcpProxy.start(redis.port);
    proxies.push(p);
    return p;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    prefixCount++;
  });

  it('a subscriber connection that goes silent, its socket open, is noticed: unhealthy, remade, and what it missed is delivered (it read healthy and delivered nothing: a hostile tester)', async () => {
    const path = await proxy();
    const logger = collectingLogger();
    const a = await store({ url: path.url, commandTimeoutMs: 500, logger });
    const b = await store();
    const seen: StreamEntry[] = [];
    a.subscribe((e) => seen.push(e));
    const first = await b.append('alice', 'trades', frame(1, 'alice'));
    await waitFor(() => seen.length === 1, 'the first entry, live');

    expect(path.freezeSubscribers()).toBe(1);
    const missed = [await b.append('alice', 'trades', frame(2, 'alice')), await b.append(null, 'whale', frame(3, null))];
    // Only the subscriber is silent: the command connection answers, appends are stored.
    await waitFor(() => !a.status().healthy, 'the silent subscriber to be noticed');
    expect(a.status().detail).toMatch(/no answer within 500 ms on the subscriber connection/);
    await waitFor(() => a.status().healthy, 'recovery on a new subscriber connection');
    const after = await b.append('alice', 'trades', frame(4, 'alice'));
    await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'live entries again');
    // Nothing lost, nothing doubled, in order.
    expect(seen.map((e) => e.cursor)).toEqual([first, ...missed, after].map((e) => e.cursor));
    expect(numbers(seen)).toEqual([1, 2, 3, 4]);
    expect(logger.events.map((e) => e.event)).toEqual(expect.arrayContaining(['redis-lost', 'redis-recovered']));
  });

  it('a SUBSCRIBE that gets no answer is sent again until one is answered: the node recovers and delivers what it missed (it gave up, unhealthy for good with both connections ready: a hostile tester)', async () => {
    const path = await proxy();
    const logger = collectingLogger();
    const a = await store({ url: path.url, commandTimeoutMs: 500, logger });
    const b = await store();
    const seen: StreamEntry[] = [];
    a.subscribe((e) => seen.push(e));
    const first = await b.append('alice', 'trades', frame(1, 'alice'));
    await waitFor(() => seen.length === 1, 'the first entry, live');

    // The subscriber connection drops; the SUBSCRIBE of the one that replaces it is lost on the way.
    path.swallowSubscribes(true);
    expect(path.killSubscribers()).toBe(1);
    await waitFor(() => path.swallowed >= 1, 'a SUBSCRIBE swallowed');
    const missed = await b.append('alice', 'trades', frame(2, 'alice'));
    // Past the command timeout: that SUBSCRIBE got no answer.
    await new Promise((r) => setTimeout(r, 1500));
    expect(a.status().healthy).toBe(false);
    // Said in the store's words, not ioredis's "Command timed out" nor an error of an earlier loss: the SUBSCRIBE's own
    // timeout, or the subscriber's heartbeat unanswered, whichever of the two 500 ms deadlines a loaded machine ran first
    // (tGL F10: both are true of it).
    expect(a.status().detail).toMatch(/no answer to SUBSCRIBE within \d+ ms on the subscriber connection|no answer within \d+ ms on the subscriber connection \(commands answered\)/);
    // The network is fine again; what was swallowed stays lost.
    path.swallowSubscribes(false);
    path.thaw();
    await waitFor(() => a.status().healthy, 'recovery once a SUBSCRIBE is answered');
    const after = await b.append('alice', 'trades', frame(3, 'alice'));
    await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'live entries again');
    expect(seen.map((e) => e.cursor)).toEqual([first, missed, after].map((e) => e.cursor));
    expect(a.status().detail).toMatch(/ connected, epoch \S+$/);
    expect(logger.events.map((e) => e.event)).toEqual(expect.arrayContaining(['redis-lost', 'redis-recovered']));
  });

  it('a SUBSCRIBE Redis refuses (the ACL took the channel away) is sent again with backoff until accepted: then the node catches up (it gave up for good)', async () => {
    const admin = new Redis(redis.url);
    const user = `fr${prefixCount}`;
    try {
      await admin.call('ACL', 'SETUSER', user, 'on', '>pw-of-the-test', '~*', '&*', '+@all');
      const logger = collectingLogger();
      const a = await store({ url: `redis://${user}:pw-of-the-test@127.0.0.1:${redis.port}`, logger });
      const b = await store();
      const seen: StreamEntry[] = [];
      a.subscribe((e) => seen.push(e));
      const first = await b.append('alice', 'trades', frame(1, 'alice'));
      await waitFor(() => seen.length === 1, 'the first entry, live');
      // Redis 7 drops the subscription the ACL no longer allows; each SUBSCRIBE again is refused (NOPERM).
      await admin.call('ACL', 'SETUSER', user, 'resetchannels');
      await waitFor(() => !a.status().healthy && /NOPERM/.test(a.status().detail ?? ''), 'the refusal in the status');
      expect(a.status().detail).toMatch(/not subscribed\): Redis refused SUBSCRIBE l\d+:fanout: NOPERM/);
      const missed = await b.append('alice', 'trades', frame(2, 'alice'));
      await admin.call('ACL', 'SETUSER', user, 'allchannels');
      await waitFor(() => a.status().healthy, 'recovery once SUBSCRIBE is accepted');
      const after = await b.append('alice', 'trades', frame(3, 'alice'));
      await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'live entries again');
      expect(seen.map((e) => e.cursor)).toEqual([first, missed, after].map((e) => e.cursor));
    } finally {
      await admin.call('ACL', 'DELUSER', user);
      admin.disconnect();
    }
  });

  it('a Redis that holds writes (CLIENT PAUSE … WRITE, as FAILOVER does) reads as away for the pause, idle or not, without flapping; nothing stored is lost after (PING still answered: idle nodes read healthy, busy ones flipped lost/recovered)', async () => {
    const idleLogger = collectingLogger();
    const busyLogger = collectingLogger();
    const idle = await store({ commandTimeoutMs: 500, logger: idleLogger });
    const busy = await store({ commandTimeoutMs: 500, logger: busyLogger });
    const seen: StreamEntry[] = [];
    idle.subscribe((e) => seen.push(e));
    const stored: StreamEntry[] = [await busy.append('alice', 'trades', frame(0, 'alice'))];
    const admin = new Redis(redis.url);
    let publishing = true;
    let n = 1;
    const publisher = (async () => {
      while (publishing) {
        await busy.append('alice', 'trades', frame(n++, 'alice')).then((e) => void stored.push(e), () => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await admin.call('CLIENT', 'PAUSE', '20000', 'WRITE');
      await waitFor(() => !idle.status().healthy && !busy.status().healthy, 'both nodes to read as away', 10_000);
      // For as long as writes are held, neither reads healthy again (ready checks and PINGs are answered).
      for (let i = 0; i < 40; i++) {
        expect([idle.status().healthy, busy.status().healthy]).toEqual([false, false]);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(idle.status().detail).toContain('no answer within 500 ms');
      await admin.call('CLIENT', 'UNPAUSE');
      await waitFor(() => idle.status().healthy && busy.status().healthy, 'recovery once writes are taken');
      publishing = false;
      await publisher;
      const after = await busy.append('alice', 'trades', frame(1000, 'alice'));
      await waitFor(() => seen.some((e) => e.cursor === after.cursor), 'live entries after the pause');
      // Every stored entry reached the other node, in order (those that timed out may be there too).
      const delivered = seen.map((e) => e.cursor);
      expect(delivered.filter((c) => [...stored, after].some((e) => e.cursor === c))).toEqual([...stored, after].map((e) => e.cursor));
      // One loss and one recovery each, not one per command that got through between two held ones.
      for (const logger of [idleLogger, busyLogger]) {
        expect(logger.events.filter((e) => e.event === 'redis-lost')).toHaveLength(1);
        expect(logger.events.filter((e) => e.event === 'redis-recovered')).toHaveLength(1);
      }
    } finally {
      publishing = false;
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect();
      await publisher;
    }
  });

  it('a full Redis: publishers get the refusal in the words of the log and status, without the script’s SHA and line; its warning is timed on the monotonic clock', async () => {
    const logger = collectingLogger();
    const a = await store({ logger });
    await a.append('alice', 'trades', frame(1, 'alice'));
    const admin = new Redis(redis.url);
    const now = Date.now.bind(Date);
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      const refused = await a.append('alice', 'trades', frame(2, 'alice')).then(() => 'stored', (err: Error) => err.message);
      // It ended in ". script: 6e74…, on @user_script:55." (a hostile tester).
      expect(refused).toBe("OOM command not allowed when used memory > 'maxmemory'");
      expect(a.status().detail).toMatch(/appends refused since \S+Z: OOM command not allowed when used memory > 'maxmemory'$/);
      expect(logger.events.filter((e) => e.event === 'append-refused')).toHaveLength(1);
      // The wall clock steps (NTP): at most one warning each 10 s all the same, whichever way it went.
      vi.spyOn(Date, 'now').mockImplementation(() => now() + 3_600_000);
      await expect(a.append('alice', 'trades', frame(3, 'alice'))).rejects.toThrow(/^OOM command not allowed/);
      expect(logger.events.filter((e) => e.event === 'append-refused')).toHaveLength(1);
    } finally {
      vi.restoreAllMocks();
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }
  });

  it('redis-recovered says how long Redis was away on the monotonic clock: a wall clock stepped back meanwhile made it negative', async () => {
    const now = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => now() + offset);
    const logger = collectingLogger();
    const warn = logger.warn;
    // The clock steps back an hour as Redis is lost.
    logger.warn = (object: object) => {
      if ((object as { event?: string }).event === 'redis-lost') offset = -3_600_000;
      warn(object);
    };
    const admin = new Redis(redis.url);
    try {
      const a = await store({ logger });
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await waitFor(() => logger.events.some((e) => e.event === 'redis-recovered'), 'recovery');
      const downMs = logger.events.find((e) => e.event === 'redis-recovered')!.object.downMs as number;
      expect(downMs).toBeGreaterThanOrEqual(0);
      expect(downMs).toBeLessThan(60_000);
      expect(a.status().healthy).toBe(true);
    } finally {
      vi.restoreAllMocks();
      admin.disconnect();
    }
  });

  it('after another node started a new epoch (Redis came back without its latest writes), the stream-gap says so, not that Redis lost its data', async () => {
    const logger = collectingLogger();
    const a = await store({ logger });
    const b = await store();
    const first = await b.append('alice', 'trades', frame(1, 'alice'));
    const seen: StreamEntry[] = [];
    a.subscribe((e) => seen.push(e));
    const admin = new Redis(redis.url);
    try {
      // What a node that saw later writes does (see the snapshot tests): replace the epoch.
      const epoch = first.cursor.split('.')[0]!;
      await admin.eval(ROTATE_SCRIPT, 3, a.keys.epoch, a.keys.all, a.keys.epochStart, epoch, 'e0123456789abcde');
      const after = await b.append('alice', 'trades', frame(2, 'alice'));
      await waitFor(() => seen.some((e) => e.cursor === after.cursor) || logger.events.some((e) => e.event === 'stream-gap'), 'the gap');
      const gap = logger.events.find((e) => e.event === 'stream-gap')!;
      expect(gap.object.detail).toBe(`epoch ${epoch} → e0123456789abcde: Redis came back without its latest writes (a node that had seen them started the new epoch)`);
      // A Redis that lost everything is still said so.
      await admin.del(a.keys.epoch, a.keys.epochStart);
      await b.append('alice', 'trades', frame(3, 'alice'));
      await waitFor(() => logger.events.filter((e) => e.event === 'stream-gap').length === 2, 'the second gap');
      expect(logger.events.filter((e) => e.event === 'stream-gap')[1]!.object.detail).toMatch(/^epoch e0123456789abcde → \S+: Redis lost its data \(restarted empty, or its epoch key deleted\)$/);
    } finally {
      admin.disconnect();
    }
  });
});
