/**
 * Delivery (issue 10): cursors, resume under faults, gaps, forged cursors, the polling endpoint
 * (same sequence as the socket, long poll), and the in-memory store's bounds.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { get as httpGet } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { checkPollResponseDocument } from '../../generated/validators.js';
import { isAfter, sameStream } from '../../src/client/protocol.js';
import { createMessage } from '../../src/index.js';
import { CURSOR_PATTERN, formatCursor, MemoryStreamStore, parseCursor, type StreamEntry, type StreamStore } from '../../src/server/index.js';
import { alert, balance, bot, connect, eventually, sleep, startServer, token, trade, whale, type Frame } from './helpers.js';
import { expectBytePagesAgree } from './paging.js';

const RELAXED = { attemptsPerIp: { perSecond: 10_000, burst: 10_000 }, attemptsPerUser: { perSecond: 10_000, burst: 10_000 }, pollsPerUser: { perSecond: 10_000, burst: 10_000 } };
// Buffers large enough that no state is conflated: these tests count every message.
const NO_CONFLATION = { writeHighWaterBytes: 256 * 1024 * 1024, maxBufferedBytes: 1024 * 1024 * 1024 };

function mixed(i: number) {
  switch (i % 4) {
    case 0:
      return trade(`trade_${i}`);
    case 1:
      return bot(`bot_${i % 3}`, i);
    case 2:
      return balance('luno', i);
    default:
      return alert(`alert_${i}`);
  }
}

describe('resume', () => {
  it('under faults: 100 random kills across 4 clients, every message exactly once, in order', async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 100_000, maxEntries: 1_000_000 });
    const server = await startServer({ store, ...RELAXED, ...NO_CONFLATION });
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    try {
      const USERS = ['r0', 'r1', 'r2', 'r3'];
      const TOTAL = 4000;
      const entries: StreamEntry[] = [];
      let producerDone = false;
      const startPosition = new Map<string, number>();
      const run = async (user: string, kills: number) => {
        const jwt = await token(user);
        const got: Frame[] = [];
        let since: string | null = null;
        for (let k = 0; k <= kills; k++) {
          const client = await connect(since === null ? server.url({ token: jwt }) : server.url({ token: jwt, since }));
          await client.until(() => client.count('connection') === 1);
          const hello = client.frames[0]!;
          expect(hello.data!.resume).toBe(since === null ? 'new' : 'resumed');
          if (since === null) startPosition.set(user, parseCursor(hello.cursor!)!.position);
          if (k < kills) {
            const n = Math.floor(random() * 40);
            await client.until(() => client.stream.length >= n || producerDone, 20_000);
            await sleep(Math.floor(random() * 3));
          } else {
            while (!producerDone) await sleep(5);
            const expected = entries.filter((e) => e.userId === user || e.userId === null).filter((e) => parseCursor(e.cursor)!.position > startPosition.get(user)!);
            const last = expected[expected.length - 1]!.cursor;
            await client.until(() => [...got, ...client.stream].some((f) => f.cursor === last), 20_000, `${user} to catch up`);
          }
          const seen = client.stream.slice();
          client.ws.terminate();
          got.push(...seen);
          since = seen.length > 0 ? seen[seen.length - 1]!.cursor! : hello.cursor!;
        }
        return got;
      };
      const clients = USERS.map((user) => run(user, 25));
      await sleep(50);
      for (let i = 0; i < TOTAL; i++) {
        entries.push(i % 10 === 9 ? await server.rt.broadcast(whale(i)) : await server.rt.publish(USERS[i % USERS.length]!, mixed(i)));
        if (i % 4 === 0) await sleep(1);
      }
      producerDone = true;
      const results = await Promise.all(clients);
      for (const [index, user] of USERS.entries()) {
        const expected = entries.filter((e) => (e.userId === user || e.userId === null) && parseCursor(e.cursor)!.position > startPosition.get(user)!).map((e) => e.cursor);
        expect(results[index]!.map((f) => f.cursor)).toEqual(expected);
      }
    } finally {
      await server.rt.close();
    }
  });

  it('reads a replay from the store in pages of at most 1 000 messages by default: a socket 1 200 behind (600 of its own, 600 broadcasts) gets all 1 200, in order, from a page of 1 000 and one of 200 (README "Delivery"; a default of 2 000 went unnoticed: tBW F10)', async () => {
    // A store of one's own sees each page the server asks for: its limit and what it answered.
    const memory = new MemoryStreamStore();
    const reads: { since: string | null; limit: number; entries: number }[] = [];
    const store: StreamStore = {
      append: (...args) => memory.append(...args),
      read: async (viewer, since, limit, maxBytes) => {
        const result = await memory.read(viewer, since, limit, maxBytes);
        reads.push({ since, limit, entries: result.entries.length });
        return result;
      },
      subscribe: (listener) => memory.subscribe(listener),
      status: () => memory.status(),
      close: () => memory.close(),
    };
    const server = await startServer({ store });
    try {
      const start = await server.rt.publish('replayer', trade('start'));
      const published: string[] = [];
      // Their own and broadcasts, 600 each: both streams within the store's 1 000, so nothing is lost.
      for (let i = 0; i < 600; i++) {
        published.push((await server.rt.publish('replayer', trade(`r${i}`))).cursor);
        published.push((await server.rt.broadcast(whale(i))).cursor);
      }
      const client = await connect(server.url({ token: await token('replayer'), since: start.cursor }));
      await client.until(() => client.stream.length >= 1200, 10_000, 'the replay');
      expect(client.stream.map((f) => f.cursor)).toEqual(published);
      expect(reads.slice(0, 2)).toEqual([
        { since: start.cursor, limit: 1000, entries: 1000 },
        { since: published[999], limit: 1000, entries: 200 },
      ]);
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('no message twice between the replay and the live stream on resume: one published while the replay is read, which that read returns last, is sent once (README "Delivery": each once; a duplicate on resume was caught only by a store-fault test: tBW F3)', async () => {
    // A store whose replay read sees a message published while it is read: stored, and routed live to the socket
    // (subscribed before its first read), so it is both the replay's last entry and a live one.
    const memory = new MemoryStreamStore();
    let publishDuringRead: (() => Promise<StreamEntry>) | null = null;
    const store: StreamStore = {
      append: (...args) => memory.append(...args),
      read: async (...args) => {
        const publish = args[1] !== null ? publishDuringRead : null;
        publishDuringRead = null;
        if (publish !== null) await publish();
        return memory.read(...args);
      },
      subscribe: (listener) => memory.subscribe(listener),
      status: () => memory.status(),
      close: () => memory.close(),
    };
    const server = await startServer({ store });
    try {
      const start = await server.rt.publish('resumer', trade('start'));
      const published: string[] = [];
      for (let i = 0; i < 3; i++) published.push((await server.rt.publish('resumer', trade(`before_${i}`))).cursor);
      publishDuringRead = async () => {
        const entry = await server.rt.publish('resumer', trade('during'));
        published.push(entry.cursor);
        return entry;
      };
      const client = await connect(server.url({ token: await token('resumer'), since: start.cursor }));
      await client.until(() => client.stream.length >= 4, 5000, 'the replay');
      expect(publishDuringRead).toBeNull();
      // The next live one comes after any repeat, in stream order.
      published.push((await server.rt.publish('resumer', trade('after'))).cursor);
      await client.until(() => client.stream.some((f) => f.cursor === published[4]), 5000, 'the next live message');
      expect(client.stream.map((f) => f.cursor)).toEqual(published);
      expect(server.rt.stats().storeFaults).toEqual({});
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('a cursor older than the buffer → gap, then what is still held, then live; of another epoch, malformed or ahead → gap, then live', async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 10 });
    const server = await startServer({ store, ...RELAXED });
    try {
      const entries: StreamEntry[] = [];
      for (let i = 0; i < 50; i++) entries.push(await server.rt.publish('g1', trade(`t${i}`)));
      const jwt = await token('g1');
      const old = await connect(server.url({ token: jwt, since: entries[0]!.cursor }));
      await old.until(() => old.stream.length === 10);
      // The connection's cursor is just before the first entry still held, which follows it.
      const held = entries.slice(40);
      const { epoch, position } = parseCursor(held[0]!.cursor)!;
      expect(old.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' }, cursor: `${epoch}.${position - 1}` });
      expect(old.stream.map((f) => f.cursor)).toEqual(held.map((e) => e.cursor));
      old.ws.close();
      let head = entries[entries.length - 1]!.cursor;
      for (const since of [`other${store.epoch}.3`, 'not-a-cursor', `${store.epoch}.999999`]) {
        const client = await connect(server.url({ token: jwt, since }));
        await client.until(() => client.count('connection') === 1);
        expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' }, cursor: head });
        const live = await server.rt.publish('g1', trade(`live_${since}`));
        head = live.cursor;
        await client.until(() => client.stream.length === 1);
        expect(client.stream[0]!.cursor).toBe(live.cursor);
        client.ws.close();
      }
      // Within the buffer: resumed, exactly the missed ones (4 older ones and the 3 live ones).
      const all = entries.length;
      const client = await connect(server.url({ token: jwt, since: entries[all - 5]!.cursor }));
      await client.until(() => client.stream.length === 7);
      expect(client.frames[0]!.data!.resume).toBe('resumed');
      expect(client.stream.slice(0, 4).map((f) => f.cursor)).toEqual(entries.slice(all - 4).map((e) => e.cursor));
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('an empty since= starts new; a cursor with two dots is malformed (gap, no replay), not one of another epoch', async () => {
    const store = new MemoryStreamStore();
    const server = await startServer({ store, ...RELAXED });
    try {
      const last = await server.rt.publish('g3', trade('kept'));
      const jwt = await token('g3');
      const empty = await connect(server.url({ token: jwt, since: '' }));
      await empty.until(() => empty.count('connection') === 1);
      expect(empty.frames[0]).toMatchObject({ data: { resume: 'new' }, cursor: last.cursor });
      empty.ws.close();
      expect(parseCursor(`${store.epoch}.5.1`)).toBeNull();
      const malformed = await connect(server.url({ token: jwt, since: `${store.epoch}.0.1` }));
      await malformed.until(() => malformed.count('connection') === 1);
      expect(malformed.frames[0]).toMatchObject({ data: { resume: 'gap' }, cursor: last.cursor });
      const live = await server.rt.publish('g3', trade('live'));
      await malformed.until(() => malformed.stream.length === 1);
      expect(malformed.stream.map((f) => f.cursor)).toEqual([live.cursor]);
      malformed.ws.close();
      const polled = (await (await fetch(server.http(`/api/ws/poll?since=&token=${jwt}`))).json()) as { resume: string };
      expect(polled.resume).toBe('new');
    } finally {
      await server.rt.close();
    }
  });

  it('a cursor of another epoch (the server restarted) → gap, then what the new store holds for the user, then live', async () => {
    const store = new MemoryStreamStore();
    const server = await startServer({ store, ...RELAXED });
    try {
      const mine = [await server.rt.publish('g2', trade('a')), await server.rt.broadcast(whale(1)), await server.rt.publish('g2', trade('b'))];
      await server.rt.publish('other', trade('not yours'));
      const client = await connect(server.url({ token: await token('g2'), since: `old${store.epoch}.7` }));
      await client.until(() => client.stream.length === 3);
      const first = parseCursor(mine[0]!.cursor)!;
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' }, cursor: `${first.epoch}.${first.position - 1}` });
      expect(client.stream.map((f) => f.cursor)).toEqual(mine.map((e) => e.cursor));
      const live = await server.rt.publish('g2', trade('c'));
      await client.until(() => client.stream.length === 4);
      expect(client.stream[3]!.cursor).toBe(live.cursor);
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it("a forged or another user's cursor gives no other user's data", async () => {
    const server = await startServer(RELAXED);
    try {
      const first = await server.rt.publish('alice', trade('alice_0'));
      for (let i = 1; i < 100; i++) await server.rt.publish('alice', trade(`alice_${i}`));
      const bobs: string[] = [];
      for (let i = 0; i < 10; i++) bobs.push((await server.rt.publish('bob', trade(`bob_${i}`))).cursor);
      for (let i = 0; i < 5; i++) bobs.push((await server.rt.broadcast(whale(i))).cursor);
      const epoch = parseCursor(first.cursor)!.epoch;
      for (const since of [`${epoch}.0`, first.cursor]) {
        const client = await connect(server.url({ token: await token('bob'), since }));
        await client.until(() => client.stream.length === 15);
        await sleep(20);
        expect(client.stream.map((f) => f.cursor)).toEqual(bobs);
        expect(client.stream.some((f) => String(f.data?.id).startsWith('alice'))).toBe(false);
        client.ws.close();
      }
    } finally {
      await server.rt.close();
    }
  });

  it('live traffic over maxBufferedBytes published while a replay is read closes the socket with 1013 "replay overtaken by live traffic"; resuming again from its last cursor loses nothing and repeats nothing (README)', async () => {
    // The replay's second page waits on a gate the test opens: the live traffic published
    // meanwhile is held in the socket's replay buffer, deterministically, until it passes the bound.
    class GatedStore extends MemoryStreamStore {
      resumedReads = 0;
      gate: Promise<void> | null = null;
      open: () => void = () => {};
      override async read(...args: Parameters<MemoryStreamStore['read']>): ReturnType<MemoryStreamStore['read']> {
        if (args[1] !== null && ++this.resumedReads > 1 && this.gate !== null) await this.gate;
        return super.read(...args);
      }
    }
    const store = new GatedStore();
    store.gate = new Promise((resolve) => (store.open = resolve));
    const MAX = 4096;
    const server = await startServer({ store, maxBufferedBytes: MAX, replayLimit: 10, ...RELAXED });
    try {
      const since = (await server.rt.publish('alice', trade('before'))).cursor;
      const published: string[] = [];
      for (let i = 0; i < 30; i++) published.push((await server.rt.publish('alice', trade(`backlog_${i}`))).cursor);
      const jwt = await token('alice');
      const first = await connect(server.url({ token: jwt, since }));
      // The first page (10 entries) arrives; the next read is held at the gate.
      await first.until(() => first.stream.length === 10, 10_000, 'the first replay page');
      await eventually(() => store.resumedReads === 2, 5000, 'the second replay read');
      expect(first.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'resumed' } });
      let liveBytes = 0;
      for (let i = 0; liveBytes <= MAX; i++) {
        const entry = await server.rt.publish('alice', trade(`live_${i}`));
        published.push(entry.cursor);
        liveBytes += Buffer.byteLength(entry.frame);
      }
      await first.until(() => first.closeCode !== null, 10_000, 'the close');
      expect({ code: await first.closed, reason: first.closeReason }).toEqual({ code: 1013, reason: 'replay overtaken by live traffic' });
      expect(server.rt.stats().slowClientCloses).toBe(1);
      expect(first.stream).toHaveLength(10);
      store.open();
      store.gate = null;
      // The client resumes from the last cursor it holds: every message once, in order.
      const last = first.stream.at(-1)!.cursor!;
      const second = await connect(server.url({ token: jwt, since: last }));
      await second.until(() => first.stream.length + second.stream.length >= published.length, 10_000, 'the rest after resuming');
      await sleep(50);
      expect(second.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'resumed' }, cursor: last });
      expect([...first.stream, ...second.stream].map((f) => f.cursor)).toEqual(published);
      expect(second.closeCode).toBeNull();
      second.ws.close();
    } finally {
      store.open();
      await server.rt.close();
    }
  });
});

describe('polling endpoint', () => {
  const poll = async (url: string, jwt: string) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { cursor: string; resume: string; messages: Frame[] };
    expect(checkPollResponseDocument(body, 'strict')).toBeNull();
    return body;
  };

  it('a polling client and a socket client of the same user see the same sequence', async () => {
    const server = await startServer({ ...RELAXED, ...NO_CONFLATION, pollMaxMessages: 50 });
    try {
      const jwt = await token('p1');
      const socket = await connect(server.url({ token: jwt }));
      await socket.until(() => socket.count('connection') === 1);
      const first = await poll(server.http('/api/ws/poll'), jwt);
      expect(first).toMatchObject({ resume: 'new', messages: [] });
      expect(first.cursor).toBe(socket.frames[0]!.cursor);
      const published: string[] = [];
      const producer = (async () => {
        for (let i = 0; i < 300; i++) {
          const entry = i % 7 === 0 ? await server.rt.broadcast(whale(i)) : await server.rt.publish(i % 5 === 0 ? 'someone-else' : 'p1', mixed(i));
          if (entry.userId !== 'someone-else') published.push(entry.cursor);
          if (i % 20 === 0) await sleep(2);
        }
      })();
      let producerDone = false;
      void producer.then(() => (producerDone = true));
      const polled: Frame[] = [];
      let since = first.cursor;
      // Poll as a client would: again at once after each answer, until everything published arrived.
      while (!(producerDone && polled.length === published.length)) {
        const body = await poll(server.http(`/api/ws/poll?since=${since}`), jwt);
        expect(body.resume).toBe('resumed');
        expect(body.messages.length).toBeLessThanOrEqual(50);
        polled.push(...body.messages);
        since = body.cursor;
      }
      await socket.until(() => socket.stream.length === published.length);
      expect(polled.map((f) => f.cursor)).toEqual(published);
      expect(socket.stream.map((f) => f.cursor)).toEqual(published);
      expect(polled).toEqual(socket.stream);
      socket.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it.each([
    ['a store that says whether more follows', true],
    ['a store written before `more` (read until a page is empty)', false],
  ])('a replay and a poll of large messages come in pages of at most maxBufferedBytes, every message once, in order: %s', async (_name, saysMore) => {
    // A store that records the size of each page the server reads from it.
    const memory = new MemoryStreamStore();
    const pages: { entries: number; bytes: number; largest: number }[] = [];
    const store: StreamStore = {
      append: (...args) => memory.append(...args),
      read: async (...args) => {
        const result = await memory.read(...args);
        const sizes = result.entries.map((e) => Buffer.byteLength(e.frame));
        pages.push({ entries: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0), largest: Math.max(0, ...sizes) });
        return saysMore ? result : { ...result, more: undefined };
      },
      subscribe: (listener) => memory.subscribe(listener),
      status: () => memory.status(),
      close: () => memory.close(),
    };
    const maxBufferedBytes = 128 * 1024;
    const server = await startServer({ store, ...RELAXED, maxBufferedBytes, writeHighWaterBytes: 16 * 1024 });
    try {
      const jwt = await token('big');
      const first = await poll(server.http('/api/ws/poll'), jwt);
      const published: string[] = [];
      for (let i = 0; i < 120; i++) {
        const message = createMessage('alerts', { ...alert(`alert_${i}`).data, message: `${i} `.padEnd(10_000 + (i % 7) * 1000, 'x') } as never);
        published.push((await server.rt.publish('big', message)).cursor);
      }
      pages.length = 0;
      // 1.3 MB pending: the socket's replay reads it in pages, each sent before the next is read.
      const socket = await connect(server.url({ token: jwt, since: first.cursor }));
      await socket.until(() => socket.stream.length === published.length, 15_000, 'the replay');
      expect(socket.stream.map((f) => f.cursor)).toEqual(published);
      expect(pages.length).toBeGreaterThan(5);
      for (const page of pages) expect(page.bytes - page.largest).toBeLessThanOrEqual(maxBufferedBytes);
      socket.ws.close();
      // Polls: as many responses as it takes, each within the bound.
      const polled: string[] = [];
      let since = first.cursor;
      for (let n = 0; polled.length < published.length; n++) {
        expect(n).toBeLessThan(100);
        const response = await fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
        const text = await response.text();
        const body = JSON.parse(text) as { cursor: string; messages: Frame[] };
        expect(body.messages.length).toBeGreaterThan(0);
        if (body.messages.length > 1) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBufferedBytes + 200);
        polled.push(...body.messages.map((m) => m.cursor!));
        since = body.cursor;
      }
      expect(polled).toEqual(published);
    } finally {
      await server.rt.close();
    }
  });

  it('a server given another path polls at that path + /poll, where the client looks by default', async () => {
    const server = await startServer({ ...RELAXED, path: '/v2/api/ws' });
    try {
      const jwt = await token('p1');
      const at = (pathname: string) => fetch(server.http(pathname), { headers: { authorization: `Bearer ${jwt}` } });
      expect((await at('/v2/api/ws/poll')).status).toBe(200);
      expect((await at('/api/ws/poll')).status).toBe(404);
    } finally {
      await server.rt.close();
    }
  });

  it('a poll whose client leaves during authentication is not held for the whole hold time', async () => {
    const authenticate = async () => {
      await sleep(100);
      return { userId: 'lp', admin: false };
    };
    const server = await startServer({ ...RELAXED, jwt: undefined, allowedOrigins: '*', authenticate, pollHoldMs: 3000 });
    try {
      const { cursor } = (await (await fetch(server.http('/api/ws/poll'))).json()) as { cursor: string };
      const left = Array.from({ length: 5 }, async () => {
        const abort = new AbortController();
        setTimeout(() => abort.abort(), 20);
        await fetch(server.http(`/api/ws/poll?since=${cursor}`), { signal: abort.signal }).catch(() => undefined);
      });
      await Promise.all(left);
      await sleep(400);
      // Held, they would wait out the 3 s hold each.
      expect(server.rt.stats().pendingPolls).toBe(0);
    } finally {
      await server.rt.close();
    }
  });

  it('holds at most maxSocketsPerUser polls of one user at once: more are answered at once, empty (one token held 250: a hostile tester)', async () => {
    const server = await startServer({ ...RELAXED, pollHoldMs: 3000, maxSocketsPerUser: 3 });
    try {
      const jwt = await token('many');
      const { cursor } = await poll(server.http('/api/ws/poll'), jwt);
      const started = Date.now();
      const answers = Array.from({ length: 5 }, async () => {
        const body = await poll(server.http(`/api/ws/poll?since=${cursor}`), jwt);
        return { ms: Date.now() - started, body };
      });
      // The two past the limit come back at once; the three held wait for the publish.
      await eventually(() => server.rt.stats().pendingPolls === 3);
      expect(server.rt.stats().pendingPolls).toBe(3);
      // Another user's poll is held as ever.
      const other = await token('other');
      const { cursor: otherCursor } = await poll(server.http('/api/ws/poll'), other);
      const otherPoll = fetch(server.http(`/api/ws/poll?since=${otherCursor}`), { headers: { authorization: `Bearer ${other}` } });
      await eventually(() => server.rt.stats().pendingPolls === 4);
      await sleep(200);
      const published = await server.rt.publish('many', trade('held'));
      const results = await Promise.all(answers);
      const quick = results.filter((r) => r.body.messages.length === 0);
      expect(quick).toHaveLength(2);
      for (const r of quick) expect(r.body).toEqual({ cursor, resume: 'resumed', messages: [] });
      const held = results.filter((r) => r.body.messages.length === 1);
      expect(held).toHaveLength(3);
      for (const r of held) expect(r.body.messages[0]!.cursor).toBe(published.cursor);
      await server.rt.publish('other', trade('other'));
      expect((await otherPoll).status).toBe(200);
    } finally {
      await server.rt.close();
    }
  });

  it('answers at most the contract\'s 500 messages a poll (x-polling.maxMessages) with every option the default: 600 pending come as 500, then the 100 left from the last one\'s cursor (a default of 1000 went unnoticed: tBW F9)', async () => {
    const server = await startServer();
    try {
      const jwt = await token('pager');
      const { cursor } = await poll(server.http('/api/ws/poll'), jwt);
      const published: string[] = [];
      for (let i = 0; i < 600; i++) published.push((await server.rt.publish('pager', trade(`page_${i}`))).cursor);
      const first = await poll(server.http(`/api/ws/poll?since=${cursor}`), jwt);
      expect(first.resume).toBe('resumed');
      expect(first.messages).toHaveLength(500);
      expect(first.messages.map((m) => m.cursor)).toEqual(published.slice(0, 500));
      expect(first.cursor).toBe(published[499]);
      const second = await poll(server.http(`/api/ws/poll?since=${first.cursor}`), jwt);
      expect(second.messages.map((m) => m.cursor)).toEqual(published.slice(500));
    } finally {
      await server.rt.close();
    }
  });

  it('holds a poll with nothing pending 25 s by default (the contract\'s x-polling.holdMs), then answers it empty: on fake timers, still held at 24 999 ms, answered at 25 000 (a default of 30 s went unnoticed, one clients and proxies cut: tBW F11)', async () => {
    const server = await startServer();
    // Turns of the event loop, not timers (faked below), bounded by the real clock.
    const turnsUntil = async (test: () => boolean, what: string): Promise<void> => {
      const deadline = performance.now() + 5000;
      while (!test()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      const jwt = await token('holder');
      // The cursor of a publish, not of a poll: a first poll is read at once, never paced on a timer.
      const { cursor } = await server.rt.publish('holder', trade('before'));
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let answer: { status: number; body: string } | undefined;
      // node:http, whose timers are Node's own, not the faked globals.
      httpGet(server.http(`/api/ws/poll?since=${cursor}`), { headers: { authorization: `Bearer ${jwt}` } }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => (answer = { status: response.statusCode!, body }));
      });
      await turnsUntil(() => server.rt.stats().pendingPolls === 1, 'the poll held');
      vi.advanceTimersByTime(24_999);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(answer).toBeUndefined();
      expect(server.rt.stats().pendingPolls).toBe(1);
      vi.advanceTimersByTime(1);
      await turnsUntil(() => answer !== undefined, 'the answer at 25 000 ms');
      expect(answer!.status).toBe(200);
      expect(JSON.parse(answer!.body)).toEqual({ cursor, resume: 'resumed', messages: [] });
    } finally {
      vi.useRealTimers();
      await server.rt.close();
    }
  });

  it('a long poll returns within a second of a publish, and empty at the end of its hold', async () => {
    const server = await startServer({ ...RELAXED, pollHoldMs: 5000 });
    try {
      const jwt = await token('lp');
      const { cursor } = await poll(server.http('/api/ws/poll'), jwt);
      const pending = poll(server.http(`/api/ws/poll?since=${cursor}`), jwt).then((body) => ({ body, at: Date.now() }));
      // Held (a loaded machine's poll was not yet there 300 ms later); one answered at once, empty, fails below.
      await eventually(() => server.rt.stats().pendingPolls === 1, 5000, 'the poll held');
      const publishedAt = Date.now();
      await server.rt.publish('lp', trade('lp_1'));
      const { body, at } = await pending;
      expect(at - publishedAt).toBeLessThan(1000);
      expect(body.messages.map((m) => m.data!.id)).toEqual(['lp_1']);
    } finally {
      await server.rt.close();
    }
    const short = await startServer({ ...RELAXED, pollHoldMs: 200 });
    try {
      const jwt = await token('lp');
      const { cursor } = await poll(short.http('/api/ws/poll'), jwt);
      const body = await poll(short.http(`/api/ws/poll?since=${cursor}`), jwt);
      expect(body).toEqual({ cursor, resume: 'resumed', messages: [] });
    } finally {
      await short.rt.close();
    }
  });

  it('sends what the store holds as stored: a frame a newer node stored (a field this contract lacks) fails no poll (every poll covering it was a 500: a hostile tester)', async () => {
    const store = new MemoryStreamStore();
    const server = await startServer({ ...RELAXED, pollHoldMs: 300, store });
    try {
      const jwt = await token('alice');
      const start = await poll(server.http('/api/ws/poll'), jwt);
      await server.rt.publish('alice', alert('good-1'));
      // What a node on a newer contract appends during a rolling upgrade: a field unknown here.
      const newer = JSON.stringify({ ...alert('newer'), data: { ...alert('newer').data, region: 'eu' } });
      await store.append('alice', 'alerts', (cursor) => `${newer.slice(0, -1)},"cursor":"${cursor}"}`, null);
      await server.rt.publish('alice', alert('good-2'));
      const response = await fetch(server.http(`/api/ws/poll?since=${start.cursor}`), { headers: { authorization: `Bearer ${jwt}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { messages: { data: { id: string; region?: string } }[] };
      expect(body.messages.map((m) => m.data.id)).toEqual(['good-1', 'newer', 'good-2']);
      expect(body.messages[1]!.data.region).toBe('eu');
    } finally {
      await server.rt.close();
    }
  });

  it("a user past the broadcast buffer: gap, then the broadcasts since the last one evicted and their own messages after it, on the socket and in polls alike, paged, the next page resumed (both answered gap with nothing: a fresh tester; their own from before the last broadcast evicted lie inside the gap told: tGX F2)", async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 5 });
    const server = await startServer({ store, ...RELAXED, pollHoldMs: 300, replayLimit: 3, pollMaxMessages: 3 });
    try {
      const jwt = await token('alice');
      const since = await server.rt.publish('alice', trade('first'));
      const expected = [await server.rt.publish('alice', trade('mine-1'))];
      for (let i = 0; i < 6; i++) expected.push(await server.rt.broadcast(whale(i))); // the first evicted
      // mine-1 and the first whale: mine-1 comes before the last position evicted, inside the gap told.
      expected.splice(0, 2);
      await server.rt.publish('bob', trade('not-hers'));
      expected.push(await server.rt.publish('alice', trade('mine-2')));
      expected.push(await server.rt.publish('alice', trade('mine-3')));
      const cursors = expected.map((e) => e.cursor);
      expect(cursors).toHaveLength(7);
      // The socket: gap, its cursor just before the first entry held, then every one, in order, in pages of 3.
      const client = await connect(server.url({ token: jwt, since: since.cursor }));
      await client.until(() => client.stream.length === 7);
      const { epoch, position } = parseCursor(cursors[0]!)!;
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' }, cursor: `${epoch}.${position - 1}` });
      expect(client.stream.map((f) => f.cursor)).toEqual(cursors);
      expect(client.stream.filter((f) => f.type === 'trades').map((f) => (f.data as { id: string }).id)).toEqual(['mine-2', 'mine-3']);
      client.ws.close();
      // Polls: the gap once, then pages that continue it.
      const pages: { resume: string; cursors: string[] }[] = [];
      let at = since.cursor;
      for (let i = 0; i < 3; i++) {
        const body = await poll(server.http(`/api/ws/poll?since=${at}`), jwt);
        pages.push({ resume: body.resume, cursors: body.messages.map((m) => m.cursor!) });
        expect(body.cursor).toBe(body.messages[body.messages.length - 1]!.cursor);
        at = body.cursor;
      }
      expect(pages).toEqual([
        { resume: 'gap', cursors: cursors.slice(0, 3) },
        { resume: 'resumed', cursors: cursors.slice(3, 6) },
        { resume: 'resumed', cursors: cursors.slice(6) },
      ]);
    } finally {
      await server.rt.close();
    }
  });

  it("a user whose own stream was evicted past the cursor while the global one holds older entries: the gap told ends at or after the user's last evicted, and every message of theirs after it is delivered, on the socket and in polls (tGX F2: the told cursor stood before the global stream's oldest entry, and the user's trades after it up to their own loss went missing, untold)", async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 4 });
    const server = await startServer({ store, ...RELAXED, pollHoldMs: 300, replayLimit: 3, pollMaxMessages: 3 });
    try {
      const jwt = await token('alice');
      const since = await server.rt.publish('alice', trade('first'));
      await server.rt.broadcast(whale(1)); // held by the global stream: before alice's own loss ends
      const mine: { cursor: string }[] = [];
      for (let i = 1; i <= 6; i++) mine.push(await server.rt.publish('alice', trade(`mine-${i}`))); // first, mine-1 and mine-2 evicted
      await server.rt.publish('bob', trade('not-hers'));
      const late = await server.rt.broadcast(whale(2));
      const position = (cursor: string) => parseCursor(cursor)!.position;
      const held = [...mine.slice(2), late].map((e) => e.cursor);
      const client = await connect(server.url({ token: jwt, since: since.cursor }));
      await client.until(() => client.stream.length === held.length);
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' } });
      const told = client.frames[0]!.cursor as string;
      expect(position(told)).toBeGreaterThanOrEqual(position(mine[1]!.cursor));
      expect(client.stream.map((f) => f.cursor)).toEqual(held);
      expect(client.stream.map((f) => f.cursor)).toEqual([since, ...mine, late].filter((e) => position(e.cursor) > position(told)).map((e) => e.cursor));
      client.ws.close();
      const first = await poll(server.http(`/api/ws/poll?since=${since.cursor}`), jwt);
      expect({ resume: first.resume, cursor: first.cursor, cursors: first.messages.map((m) => m.cursor) }).toEqual({ resume: 'gap', cursor: held[2], cursors: held.slice(0, 3) });
      const second = await poll(server.http(`/api/ws/poll?since=${first.cursor}`), jwt);
      expect({ resume: second.resume, cursors: second.messages.map((m) => m.cursor) }).toEqual({ resume: 'resumed', cursors: held.slice(3) });
    } finally {
      await server.rt.close();
    }
  });

  it('two clients of one user polling a stream of 30 messages a second, every option the default, are never refused 429 and each gets every message once, in order: the pacing reads the user\'s polls one slot apart (counted from the last answer, both tabs were read together, 20 polls a second: one was refused and fell seconds behind, a fresh tester)', async () => {
    const server = await startServer();
    try {
      const jwt = await token('alice');
      const total = 180;
      const statuses: Record<number, number> = {};
      const deadline = Date.now() + 30_000;
      // A tab as the reference client polls: again at once after each answer, from the cursor it was given (the first,
      // a new stream's, before anything is published).
      const tab = async (since: string): Promise<string[]> => {
        const seen: string[] = [];
        while (seen.length < total && Date.now() < deadline) {
          const response = await fetch(server.http(`/api/ws/poll?since=${encodeURIComponent(since)}`), { headers: { authorization: `Bearer ${jwt}` } });
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          const body = (await response.json()) as { cursor: string; messages: Frame[] };
          if (response.status !== 200) {
            await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
            continue;
          }
          since = body.cursor;
          for (const frame of body.messages) seen.push(String(frame.data!.id));
        }
        return seen;
      };
      const first = async () => {
        const response = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${jwt}` } });
        expect(response.status).toBe(200);
        return ((await response.json()) as { cursor: string }).cursor;
      };
      const tabs = [tab(await first()), tab(await first())];
      // Past pollsPerUser's burst (30) in about 3 s at 20 polls a second.
      for (let n = 1; n <= total; n++) {
        await server.rt.publish('alice', trade(`t${n}`));
        await sleep(33);
      }
      const expected = Array.from({ length: total }, (_, i) => `t${i + 1}`);
      for (const seen of await Promise.all(tabs)) expect(seen).toEqual(expected);
      expect(statuses).toEqual({ 200: expect.any(Number) });
      expect(server.rt.stats().refusedPolls).toEqual({});
    } finally {
      await server.rt.close();
    }
  }, 40_000);

  it('same auth, isolation and gap rules as the socket', async () => {
    const server = await startServer({ ...RELAXED, pollHoldMs: 300, store: new MemoryStreamStore({ maxEntriesPerStream: 5 }) });
    try {
      expect((await fetch(server.http('/api/ws/poll'))).status).toBe(401);
      expect((await fetch(server.http('/api/ws/poll?token=not.a.jwt'))).status).toBe(401);
      const first = await server.rt.publish('alice', trade('alice_secret'));
      const body = await poll(server.http(`/api/ws/poll?since=${parseCursor(first.cursor)!.epoch}.0`), await token('bob'));
      expect(body.messages).toEqual([]);
      for (let i = 0; i < 10; i++) await server.rt.publish('alice', trade(`alice_${i}`));
      const gap = await poll(server.http(`/api/ws/poll?since=${first.cursor}`), await token('alice'));
      expect(gap.resume).toBe('gap');
      const admin = await poll(server.http(`/api/ws/poll?since=${parseCursor(first.cursor)!.epoch}.0`), await token('root', { admin: true }));
      expect(admin.messages).toHaveLength(11);
    } finally {
      await server.rt.close();
    }
  });
});

describe('formatCursor and parseCursor (exported for a store of your own)', () => {
  it('formatCursor builds only cursors parseCursor reads back, and throws for an epoch or position outside its precondition (a fresh user got "a b.1", "a.b.1", "abc.1.5", "abc.NaN" silently)', () => {
    // Each a first call too, before any epoch was found good.
    expect(() => formatCursor('', 1)).toThrow(TypeError);
    expect(() => formatCursor(undefined as never, 1)).toThrow(TypeError);
    for (const [epoch, position] of [['abc', 0], ['a-_~Z9', 5], ['e', Number.MAX_SAFE_INTEGER], ['x'.repeat(126), 1]] as const) {
      const cursor = formatCursor(epoch, position);
      expect(CURSOR_PATTERN.test(cursor)).toBe(true);
      expect(parseCursor(cursor)).toEqual({ epoch, position });
    }
    const epochError = (got: string) => new TypeError(`formatCursor(epoch, position): epoch must be 1 or more of [0-9A-Za-z_~-] (no dot), got ${got}`);
    expect(() => formatCursor('a b', 1)).toThrow(epochError('"a b"'));
    expect(() => formatCursor('a.b', 1)).toThrow(epochError('"a.b"'));
    expect(() => formatCursor('', 1)).toThrow(epochError('""'));
    expect(() => formatCursor('a\nb', 1)).toThrow(epochError('"a\\nb"'));
    expect(() => formatCursor(undefined as never, 1)).toThrow(epochError('nothing'));
    const positionError = (got: string) => `formatCursor(epoch, position): position must be an integer from 0 to 9007199254740991, got ${got}`;
    expect(() => formatCursor('abc', 1.5)).toThrow(new RangeError(positionError('1.5')));
    expect(() => formatCursor('abc', -1)).toThrow(new RangeError(positionError('-1')));
    expect(() => formatCursor('abc', NaN)).toThrow(new RangeError(positionError('NaN (not a finite number)')));
    expect(() => formatCursor('abc', 2 ** 53)).toThrow(RangeError);
    expect(() => formatCursor('abc', '5' as never)).toThrow(new TypeError(positionError('"5"')));
    // Too long is the cursor's RangeError, whichever part is long: a 127-character epoch was a TypeError "1-126" (tAP F9).
    expect(() => formatCursor('a'.repeat(127), 0)).toThrow(new RangeError('formatCursor(epoch, position): a cursor is at most 128 characters, got 129 (an epoch of 127)'));
    expect(() => formatCursor('a'.repeat(200), 1)).toThrow(new RangeError('formatCursor(epoch, position): a cursor is at most 128 characters, got 202 (an epoch of 200)'));
    expect(() => formatCursor('a'.repeat(126), 10)).toThrow(new RangeError('formatCursor(epoch, position): a cursor is at most 128 characters, got 129 (an epoch of 126)'));
    expect(() => formatCursor('a'.repeat(120), 1234567890)).toThrow(new RangeError('formatCursor(epoch, position): a cursor is at most 128 characters, got 131 (an epoch of 120)'));
  });

  it("reads a cursor as the client does: formatCursor refuses an all-digit epoch with a RangeError saying why and what to use, parseCursor reads no such cursor, and every cursor parseCursor reads the client orders by its position (tBZ F2: '1705251000.6' was made and read, and clients took '1705251000.5' for after it)", () => {
    expect(() => formatCursor('1705251000', 6)).toThrow(
      new RangeError('formatCursor(epoch, position): epoch must not be all digits: clients read <digits>.<n> as a decimal number and do not order it; put a letter in it (a time stamp as "e1705251000"), got "1705251000"'),
    );
    expect(() => formatCursor('0', 0)).toThrow(RangeError);
    // After a good epoch was checked (the once-per-epoch path) too.
    expect(formatCursor('e1705251000', 6)).toBe('e1705251000.6');
    expect(() => formatCursor('1705251000', 7)).toThrow(RangeError);
    for (const cursor of ['1705251000.6', '0.0', '123.45']) expect(parseCursor(cursor)).toBeNull();
    // The server's reading and the client's agree on every cursor the server reads.
    const epochs = ['e1705251000', '1e', '0-', 'a', '_', '~9', 'x'.repeat(100)];
    for (const epoch of epochs) {
      for (const [a, b] of [[5, 6], [9, 10], [0, 1], [99, 1000], [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER]] as const) {
        const older = formatCursor(epoch, a);
        const newer = formatCursor(epoch, b);
        expect(parseCursor(older)).toEqual({ epoch, position: a });
        expect(sameStream(older, newer)).toBe(true);
        expect([isAfter(newer, older), isAfter(older, newer)]).toEqual([true, false]);
      }
    }
  });

  it('CURSOR_PATTERN is the contract\'s Cursor pattern, 1 to 128 characters: a cursor of 128 is read, one of 129 is not, by CURSOR_PATTERN and parseCursor alike (a bound of 129 went unnoticed: tBW F8)', () => {
    const schema = JSON.parse(readFileSync(new URL('../../generated/schema/messages.schema.json', import.meta.url), 'utf8')) as { definitions?: Record<string, { pattern?: string }>; $defs?: Record<string, { pattern?: string }> };
    expect(CURSOR_PATTERN.source).toBe((schema.definitions ?? schema.$defs)!.Cursor!.pattern);
    const longest = `${'a'.repeat(126)}.1`;
    expect(longest).toHaveLength(128);
    expect(CURSOR_PATTERN.test(longest)).toBe(true);
    expect(parseCursor(longest)).toEqual({ epoch: 'a'.repeat(126), position: 1 });
    const over = `${'a'.repeat(127)}.1`;
    expect(CURSOR_PATTERN.test(over)).toBe(false);
    expect(parseCursor(over)).toBeNull();
    expect(CURSOR_PATTERN.test('')).toBe(false);
  });

  it('parseCursor answers null, as for any unreadable cursor, for a value that is not a string (it threw a raw TypeError for undefined)', () => {
    for (const value of [undefined, null, 5, {}, ['abc.1'], Symbol('abc.1')]) expect(parseCursor(value)).toBeNull();
    expect(parseCursor('abc.1')).toEqual({ epoch: 'abc', position: 1 });
  });
});

describe('MemoryStreamStore', () => {
  it('by default holds no more than a small heap holds: it evicts, the process lives on, with 4 KiB frames, 300-byte ones and 4 KiB ones holding an emoji, from --max-old-space-size=16 to 128, and state messages whose key (a bots data.id) is 8 or 64 KiB (tDB F1: the key was not counted, 128 MiB died of OOM; tDB F2: 16 MiB died; tCX F2: 256 MiB of 4 KiB frames died of OOM in 96 MiB; tCZ F1: 300-byte frames died in 32, 40 and 48 MiB, and 4 KiB ones with an emoji in 64 MiB, every stream lost)', { timeout: 600_000 }, async () => {
    // Each child appends more than its heap holds to a default store, spread over many users.
    // keyChars: each frame a bots message whose data.id, the state key append is given, is a fresh string of that many characters.
    const run = (heapMiB: number, frameChars: number, emoji: boolean, count: number, users: number, keyChars = 0) => {
      const child = spawn(
        process.execPath,
        [
          `--max-old-space-size=${heapMiB}`,
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { MemoryStreamStore } = await import(${JSON.stringify(new URL('../../src/server/memory-store.ts', import.meta.url).href)});
          const store = new MemoryStreamStore();
          const body = ${emoji ? `'😀' + 'x'.repeat(${frameChars - 2})` : `'x'.repeat(${frameChars})`};
          let last;
          // JSON.stringify makes a flat string; joined parts make a cons string, which V8 flattens into a copy when the store reads it.
          const frame = ${emoji ? `(cursor, i) => '{"type":"alerts","cursor":"' + cursor + '","data":{"message":"' + body + '","n":' + i + '}}'` : `(cursor, i) => JSON.stringify({ type: 'alerts', cursor, data: { message: body, n: i } })`};
          const { randomBytes } = await import('node:crypto');
          for (let i = 0; i < ${count}; i++) {
            if (${keyChars} > 0) {
              // The key a string of its own beside the frame, as core.ts hands stateKeyOf(message) to the store.
              const id = randomBytes(${keyChars} / 2).toString('hex');
              last = await store.append('user-' + (i % ${users}), 'bots', (cursor) => JSON.stringify({ type: 'bots', cursor, data: { id, name: 'b', n: i } }), id);
            } else last = await store.append('user-' + (i % ${users}), 'alerts', (cursor) => frame(cursor, i));
          }
          const newest = await store.read({ userId: 'user-' + ((${count} - 1) % ${users}), admin: false }, null, 1);
          console.log(JSON.stringify({ size: store.size, newest: last.cursor, cursor: newest.cursor }));`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      return new Promise<{ name: string; code: number | null; err: string; out: string }>((resolve) =>
        child.once('exit', (code) => resolve({ name: `${heapMiB} MiB, ${count} frames of ${keyChars > 0 ? `bots with ${keyChars}-character ids` : `${frameChars} characters${emoji ? ' with an emoji' : ''}`} to ${users} users`, code, err: err.slice(-300), out })),
      );
    };
    // 160 MiB of 4 KiB frames to 1 000 users in 96 MiB (tCX F2); 300-byte frames (a trade message's
    // size), 150 000 of them to 10 000 users and to a new user each; 4 KiB frames with an emoji (V8
    // keeps such a string in two bytes a character), 60 000 to 1 000 users, joined from parts. Two children at a time.
    // 16 and 24 MiB (tDB F2: the default was half the old space at 16, which died of OOM); state
    // messages with 64 KiB ids (each key counted twice what the frame held: 500 MB of them) and 8 KiB ones.
    const cases: [number, number, boolean, number, number, number?][] = [[96, 4096, false, 40_000, 1000], [16, 4096, true, 60_000, 1000], [24, 4096, true, 60_000, 1000], [128, 0, false, 4000, 4000, 65_536], [128, 0, false, 40_000, 40_000, 8192]];
    for (const heap of [32, 40, 48, 64, 128]) cases.push([heap, 250, false, 150_000, 10_000], [heap, 250, false, 150_000, 150_000], [heap, 4096, true, 60_000, 1000]);
    const results: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 0; i < cases.length; i += 2) results.push(...(await Promise.all(cases.slice(i, i + 2).map((c) => run(...c)))));
    for (const { name, code, err, out } of results) {
      expect({ code, err }, name).toEqual({ code: 0, err: '' });
      const { size, newest, cursor } = JSON.parse(out) as { size: number; newest: string; cursor: string };
      // Evicted, and still answering with the newest.
      expect(size, name).toBeLessThan(Number(name.match(/, (\d+) frames/)![1]));
      expect(cursor, name).toBe(newest);
    }
  });

  it("gives the default maxBytes README's Delivery figures give under each --max-old-space-size it names, from 16 to 128 (tDB F2: 32 gave 12 MiB where README said 8, 16 gave 8 MiB, half the old space)", { timeout: 120_000 }, async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const sentence = readme.match(/a quarter of the old space at least: ((?:\d+ MiB under [`\w=-]+, )+)the other half/)?.[1];
    expect(sentence).toBeDefined();
    const figures = [...sentence!.matchAll(/(\d+) MiB under (?:`--max-old-space-size=)?(\d+)`?/g)].map((m) => ({ heap: Number(m[2]), mib: Number(m[1]) }));
    expect(figures.map((f) => f.heap).sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 128]);
    const given = await Promise.all(
      figures.map(({ heap }) => {
        const child = spawn(process.execPath, [`--max-old-space-size=${heap}`, '--import', 'tsx', '--input-type=module', '-e', `const { defaultMaxBytes } = await import(${JSON.stringify(new URL('../../src/server/memory-store.ts', import.meta.url).href)}); console.log(defaultMaxBytes());`], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        return new Promise<{ heap: number; mib: number }>((resolve) => child.once('exit', () => resolve({ heap, mib: Number(out) / 2 ** 20 })));
      }),
    );
    expect(given).toEqual(figures);
  });

  it("reads a cursor a client kept with an all-digit epoch ('1705251000.6', made before formatCursor refused such epochs) as one of another epoch: gap, then everything held for the user, as the Redis store answers; a malformed one stays a gap from the head (tCD F5: it was gap with 0 messages)", async () => {
    const store = new MemoryStreamStore({ epoch: 'e1' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    const alice = { userId: 'alice', admin: false };
    const own = [await store.append('alice', 'trades', frame), await store.append('bob', 'trades', frame), await store.append(null, 'whale', frame), await store.append('alice', 'trades', frame)];
    const held = [own[0]!, own[2]!, own[3]!].map((e) => e.cursor);
    for (const since of ['1705251000.6', '0.0', '123.999999', 'e1705251000.6']) {
      const r = await store.read(alice, since, 100);
      expect(r.resume, since).toBe('gap');
      expect(r.entries.map((e) => e.cursor), since).toEqual(held);
      expect(r.cursor, since).toBe('e1.4');
    }
    for (const since of ['not-a-cursor', '1705251000.06', '1705251000.x', '1705251000']) {
      expect(await store.read(alice, since, 100), since).toEqual({ resume: 'gap', cursor: 'e1.4', entries: [] });
    }
    await store.close();
  });

  it('bounds streams by count and by age, and reports what it lost as a gap', async () => {
    let clock = 0;
    const store = new MemoryStreamStore({ maxEntriesPerStream: 3, maxEntries: 5, maxAgeMs: 1000, now: () => clock, epoch: 'e1' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    for (let i = 0; i < 4; i++) await store.append('u', 'trades', frame);
    const u = { userId: 'u', admin: false };
    expect((await store.read(u, 'e1.0', 100)).resume).toBe('gap');
    expect((await store.read(u, 'e1.1', 100)).entries.map((e) => e.cursor)).toEqual(['e1.2', 'e1.3', 'e1.4']);
    expect((await store.read({ userId: 'x', admin: true }, 'e1.0', 100)).entries).toHaveLength(4);
    await store.append(null, 'whale', frame);
    await store.append('v', 'trades', frame);
    expect(store.size).toBe(5);
    expect((await store.read({ userId: 'x', admin: true }, 'e1.0', 100)).resume).toBe('gap');
    clock = 2000;
    await store.append('w', 'trades', frame);
    expect(store.size).toBe(1);
    expect((await store.read(u, 'e1.4', 100)).resume).toBe('gap');
    expect(await store.read(u, null, 100)).toEqual({ resume: 'new', cursor: 'e1.7', entries: [] });
    expect(await store.read({ userId: 'w', admin: false }, 'e1.6', 100)).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'e1.7' }] });
    await store.close();
  });

  it('keeps by default 1 000 entries per stream, each for 5 min, 100 000 in the admins\' log and 256 MiB counted (frames and 512 B an entry): a reader that far behind resumes with nothing lost, one entry more is a gap (README "Delivery"; defaults of 999, 10 min, 200 000 and 512 MiB went unnoticed: tBW F1)', async () => {
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    const alice = { userId: 'alice', admin: false };
    const perStream = new MemoryStreamStore();
    const first = await perStream.append(null, 'whale', frame);
    for (let i = 0; i < 1000; i++) await perStream.append(null, 'whale', frame);
    const behind = await perStream.read(alice, first.cursor, 5000);
    expect({ resume: behind.resume, entries: behind.entries.length }).toEqual({ resume: 'resumed', entries: 1000 });
    await perStream.append(null, 'whale', frame);
    expect((await perStream.read(alice, first.cursor, 5000)).resume).toBe('gap');
    await perStream.close();

    // The store's own clock, in ms.
    let clock = 1_000_000;
    const aged = new MemoryStreamStore({ now: () => clock });
    const old = await aged.append(null, 'whale', frame);
    await aged.append(null, 'whale', frame);
    clock += 5 * 60_000;
    await aged.append(null, 'whale', frame);
    expect((await aged.read(alice, old.cursor, 10)).resume).toBe('resumed');
    clock += 1;
    await aged.append(null, 'whale', frame);
    expect((await aged.read(alice, old.cursor, 10)).resume).toBe('gap');
    await aged.close();

    const all = new MemoryStreamStore();
    const admin = { userId: 'root', admin: true };
    const start = await all.append('u0', 'trades', frame);
    // 200 users, 500 entries each: no stream past its own bound.
    for (let i = 1; i <= 100_000; i++) await all.append(`u${i % 200}`, 'trades', frame);
    expect((await all.read(admin, start.cursor, 1)).resume).toBe('resumed');
    expect(all.size).toBe(100_000);
    await all.append('u1', 'trades', frame);
    expect((await all.read(admin, start.cursor, 1)).resume).toBe('gap');
    await all.close();

    // 256 MiB: 256 entries of 1 MiB each (a frame of 1 MiB less 512 characters, and the 512 B counted per entry) are held after a small first one (one string, counted each time it is stored).
    // (With a heap limit of 1 GiB or more, as test/vitest.config.ts gives the test workers: a smaller heap holds less, see 'a small heap'.)
    expect(getHeapStatistics().heap_size_limit).toBeGreaterThanOrEqual(1024 * 1024 * 1024);
    const mebibyte = 'x'.repeat(1024 * 1024 - 512);
    const bytes = new MemoryStreamStore();
    const small = await bytes.append(null, 'whale', frame);
    for (let i = 0; i < 256; i++) await bytes.append(null, 'whale', () => mebibyte);
    const held = await bytes.read(alice, small.cursor, 1000);
    expect({ resume: held.resume, entries: held.entries.length }).toEqual({ resume: 'resumed', entries: 256 });
    await bytes.append(null, 'whale', frame);
    expect((await bytes.read(alice, small.cursor, 1)).resume).toBe('gap');
    await bytes.close();
  });

  it("a user whose cursor the global stream was trimmed past is told gap, then their own messages and the global ones held after the last position evicted, in stream order (README: the gap answered nothing, and a user's own trades since were skipped: a fresh tester; their own from before it lie inside the gap told: tGX F2)", async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 3, epoch: 'e1' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    const alice = { userId: 'alice', admin: false };
    const cursors = (r: { entries: StreamEntry[] }) => r.entries.map((e) => e.cursor);
    await store.append('alice', 'trades', frame); // e1.1: where alice's cursor stands
    await store.append('alice', 'trades', frame); // e1.2: hers, held, but before the last position evicted: inside the gap
    for (let i = 0; i < 4; i++) await store.append(null, 'whale', frame); // e1.3-6: e1.3 evicted from the global stream
    await store.append('bob', 'trades', frame); // e1.7: never hers
    await store.append('alice', 'trades', frame); // e1.8
    expect(await store.read(alice, 'e1.1', 100)).toEqual({ resume: 'gap', cursor: 'e1.8', entries: expect.any(Array), more: false });
    expect(cursors(await store.read(alice, 'e1.1', 100))).toEqual(['e1.4', 'e1.5', 'e1.6', 'e1.8']);
    // Paged: the gap once, then pages that continue it; each page's cursor is its last entry's.
    const first = await store.read(alice, 'e1.1', 2);
    expect({ resume: first.resume, cursor: first.cursor, more: first.more, entries: cursors(first) }).toEqual({ resume: 'gap', cursor: 'e1.5', more: true, entries: ['e1.4', 'e1.5'] });
    expect(await store.read(alice, first.cursor, 2)).toMatchObject({ resume: 'resumed', cursor: 'e1.8', more: false, entries: [{ cursor: 'e1.6' }, { cursor: 'e1.8' }] });
    // By bytes as well: one frame a page.
    expect(await store.read(alice, 'e1.1', 100, 1)).toMatchObject({ resume: 'gap', cursor: 'e1.4', more: true, entries: [{ cursor: 'e1.4' }] });
    // Her own stream evicted too: only what is still held follows the gap.
    await store.append('alice', 'trades', frame); // e1.9
    await store.append('alice', 'trades', frame); // e1.10: e1.2 evicted
    expect(cursors(await store.read(alice, 'e1.1', 100))).toEqual(['e1.4', 'e1.5', 'e1.6', 'e1.8', 'e1.9', 'e1.10']);
    // A cursor past what was evicted resumes, as before.
    expect(await store.read(alice, 'e1.6', 100)).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'e1.8' }, { cursor: 'e1.9' }, { cursor: 'e1.10' }] });
    // A cursor ahead of the head is still a plain gap from the head.
    expect(await store.read(alice, 'e1.99', 100)).toEqual({ resume: 'gap', cursor: 'e1.10', entries: [] });
    await store.close();
  });

  it("a gap's page starts after the last position any of the viewer's streams lost: the global stream's entries before the user's own loss ends lie inside the gap, and the next page resumes (tGX F2: the page started at the global stream's first held entry, and the user's entries lost after it went untold)", async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 3, epoch: 'e1' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    const alice = { userId: 'alice', admin: false };
    await store.append('alice', 'trades', frame); // e1.1: where alice's cursor stands
    await store.append(null, 'whale', frame); // e1.2: held, before her own loss ends
    for (let i = 0; i < 6; i++) await store.append('alice', 'trades', frame); // e1.3-8: e1.1-5 evicted from hers, e1.6-8 kept
    await store.append(null, 'whale', frame); // e1.9
    const first = await store.read(alice, 'e1.1', 2);
    expect(first).toMatchObject({ resume: 'gap', cursor: 'e1.7', more: true, entries: [{ cursor: 'e1.6' }, { cursor: 'e1.7' }] });
    expect(await store.read(alice, first.cursor, 2)).toMatchObject({ resume: 'resumed', cursor: 'e1.9', more: false, entries: [{ cursor: 'e1.8' }, { cursor: 'e1.9' }] });
    // The other way round: the global stream lost more (e1.2 and e1.9 evicted by e1.10-12), her own held from before it are inside the gap.
    for (let i = 0; i < 3; i++) await store.append(null, 'whale', frame); // e1.10-12
    expect(await store.read(alice, 'e1.1', 100)).toMatchObject({ resume: 'gap', cursor: 'e1.12', entries: [{ cursor: 'e1.10' }, { cursor: 'e1.11' }, { cursor: 'e1.12' }] });
    await store.close();
  });

  it("an admin whose cursor the all-log was trimmed past is told gap, then every entry still held, and pages on resumed", async () => {
    const store = new MemoryStreamStore({ maxEntries: 4, epoch: 'e1' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    const root = { userId: 'root', admin: true };
    for (const user of ['a', null, 'b', 'a', 'c', null]) await store.append(user, user === null ? 'whale' : 'trades', frame); // e1.1-6: e1.1-2 evicted
    const first = await store.read(root, 'e1.0', 3);
    expect(first).toMatchObject({ resume: 'gap', cursor: 'e1.5', more: true, entries: [{ cursor: 'e1.3' }, { cursor: 'e1.4' }, { cursor: 'e1.5' }] });
    expect(await store.read(root, first.cursor, 3)).toMatchObject({ resume: 'resumed', cursor: 'e1.6', more: false, entries: [{ cursor: 'e1.6' }] });
    // A user's own stream evicted by the all-log's bound: what is held after the cursor follows the gap.
    expect(await store.read({ userId: 'a', admin: false }, 'e1.0', 100)).toMatchObject({ resume: 'gap', cursor: 'e1.6', entries: [{ cursor: 'e1.4' }, { cursor: 'e1.6' }] });
    await store.close();
  });

  it("counts a state message's key against maxBytes as its frame is: long bots ids evict the oldest (tDB F1: the key, a string of its own beside the frame, was not counted, and 64 KiB ids held twice what was counted)", async () => {
    const store = new MemoryStreamStore({ maxBytes: 12_000, epoch: 'e9' }); // 4 entries: each key (2 000 characters), a short frame and 512 B
    for (let i = 0; i < 20; i++) {
      const id = `${i}`.padStart(2000, 'b');
      await store.append('u', 'bots', (cursor) => JSON.stringify({ type: 'bots', cursor, data: { n: i } }), id);
    }
    expect(store.size).toBe(4);
    expect((await store.read({ userId: 'u', admin: false }, 'e9.16', 100)).entries.map((e) => e.cursor)).toEqual(['e9.17', 'e9.18', 'e9.19', 'e9.20']);
    await store.close();
  });

  it('bounds what it keeps by bytes too: large messages evict the oldest, and a cursor before them reads gap (found by a hostile tester)', async () => {
    // Before, 300 messages of 500 KB held 150 MB until their 5 minutes were up.
    const store = new MemoryStreamStore({ maxBytes: 12_000, epoch: 'e4' }); // 4 entries: each frame (~2 KB) and 512 B counted per entry
    const frame = (cursor: string) => JSON.stringify({ cursor, pad: 'x'.repeat(2000) });
    const first = await store.append('u', 'alerts', frame);
    for (let i = 0; i < 20; i++) await store.append('u', 'alerts', frame);
    expect(store.size).toBe(4);
    const u = { userId: 'u', admin: false };
    expect((await store.read(u, first.cursor, 100)).resume).toBe('gap');
    const kept = await store.read(u, 'e4.17', 100);
    expect(kept).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'e4.18' }, { cursor: 'e4.19' }, { cursor: 'e4.20' }, { cursor: 'e4.21' }] });
    // One message larger than the bound is kept, alone (a reviewer: it evicted itself, and polls read gap).
    const big = await store.append('u', 'alerts', (cursor) => JSON.stringify({ cursor, pad: 'x'.repeat(20_000) }));
    expect(store.size).toBe(1);
    expect(await store.read(u, 'e4.21', 100)).toMatchObject({ resume: 'resumed', entries: [{ cursor: big.cursor }] });
    await store.close();
  });

  it("tells a quiet user resumed, not gap, when another user's messages age out, and answers an empty resume with the head (a hostile tester: a polling dashboard was told gap every 5 minutes)", async () => {
    let clock = 0;
    const store = new MemoryStreamStore({ maxAgeMs: 1000, now: () => clock, epoch: 'e5' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    const alice = { userId: 'alice', admin: false };
    const start = (await store.read(alice, null, 100)).cursor;
    expect(start).toBe('e5.0');
    await store.append('carol', 'trades', frame);
    await store.append('bob', 'trades', frame);
    // Nothing of alice's up to the head: her cursor moves to it, as the Redis store's does.
    expect(await store.read(alice, start, 100)).toEqual({ resume: 'resumed', cursor: 'e5.2', entries: [], more: false });
    clock = 5000;
    await store.append('dave', 'trades', frame);
    // carol's and bob's only messages aged out and their logs were dropped: alice lost nothing,
    // from her old cursor or from the head she was given.
    expect(await store.read(alice, start, 100)).toEqual({ resume: 'resumed', cursor: 'e5.3', entries: [], more: false });
    expect((await store.read(alice, 'e5.2', 100)).resume).toBe('resumed');
    // A page its limit left empty stays where it was asked from: paging on from the head would skip (a reviewer).
    await store.append('alice', 'trades', frame);
    expect(await store.read(alice, start, 0)).toEqual({ resume: 'resumed', cursor: start, entries: [], more: true });
    // carol did lose hers: a cursor before it still reads gap, and one after it does not.
    expect((await store.read({ userId: 'carol', admin: false }, start, 100)).resume).toBe('gap');
    expect((await store.read({ userId: 'carol', admin: false }, 'e5.1', 100)).resume).toBe('resumed');
    // carol writes again: her new log starts where the old one was evicted up to.
    await store.append('carol', 'trades', frame);
    expect((await store.read({ userId: 'carol', admin: false }, start, 100)).resume).toBe('gap');
    expect(await store.read({ userId: 'carol', admin: false }, 'e5.1', 100)).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'e5.5' }] });
    await store.close();
  });

  it('keeps the floors of dropped users up to maxEntries: past that, the oldest forgotten floor bounds every user without one', async () => {
    let clock = 0;
    const store = new MemoryStreamStore({ maxEntries: 2, maxAgeMs: 1000, now: () => clock, epoch: 'e6' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    for (const user of ['a', 'b', 'c']) await store.append(user, 'trades', frame);
    clock = 5000;
    await store.append('z', 'trades', frame);
    // a, b and c were dropped; only two floors are kept, so a's (1) is forgotten and bounds the others.
    expect((await store.read({ userId: 'quiet', admin: false }, 'e6.0', 100)).resume).toBe('gap');
    expect((await store.read({ userId: 'quiet', admin: false }, 'e6.1', 100)).resume).toBe('resumed');
    expect((await store.read({ userId: 'c', admin: false }, 'e6.2', 100)).resume).toBe('gap');
    await store.close();
  });

  it("reads maxAgeMs: 0 as the Redis store does, no age bound, and names the Redis store's names of its bounds with its own (tBZ F9: 0 was a RangeError here, and maxMessages got no hint)", async () => {
    let now = 0;
    const store = new MemoryStreamStore({ maxAgeMs: 0, now: () => now, epoch: 'e0' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    await store.append('u', 'trades', frame);
    now = 10 * 365 * 24 * 3600 * 1000;
    await store.append('u', 'trades', frame);
    expect(await store.read({ userId: 'u', admin: false }, 'e0.0', 10)).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'e0.1' }, { cursor: 'e0.2' }] });
    await store.close();
    expect(() => new MemoryStreamStore({ maxMessages: 10 } as never)).toThrow(new TypeError('MemoryStreamStore: unknown option "maxMessages"; maxMessages is the Redis store\'s name; here it is maxEntriesPerStream'));
    expect(() => new MemoryStreamStore({ maxAllMessages: 10 } as never)).toThrow(new TypeError('MemoryStreamStore: unknown option "maxAllMessages"; maxAllMessages is the Redis store\'s name; here it is maxEntries'));
  });

  it("takes maxAgeMs as the Redis store does, whole milliseconds: a fraction (0.1 * 3 * 60_000 * 10, 180000.00000000003) is the same RangeError in both, as Redis's PEXPIRE takes no fraction (tCD F2: it started a memory store and failed the Redis one on a move)", () => {
    const computed = 0.1 * 3 * 60_000 * 10;
    expect(computed).not.toBe(180_000);
    for (const maxAgeMs of [computed, 0.5, 1.5]) {
      expect(() => new MemoryStreamStore({ maxAgeMs }), String(maxAgeMs)).toThrow(new RangeError(`MemoryStreamStore: maxAgeMs must be an integer number of milliseconds ≥ 0 (0: no age bound), got ${maxAgeMs}`));
    }
    expect(new MemoryStreamStore({ maxAgeMs: Math.round(computed) }).size).toBe(0);
  });

  it('refuses an epoch of digits only, whose cursors clients read as decimal numbers and never order (a hostile tester), and one outside the cursor alphabet', () => {
    expect(() => new MemoryStreamStore({ epoch: '1705251000' })).toThrow(new TypeError('MemoryStreamStore: epoch must be 1-40 of [0-9A-Za-z_~-], not all digits, got "1705251000"'));
    expect(() => new MemoryStreamStore({ epoch: 'a.b' })).toThrow(TypeError);
    expect(() => new MemoryStreamStore({ epoch: 42 as never })).toThrow(new TypeError('MemoryStreamStore: epoch must be 1-40 of [0-9A-Za-z_~-], not all digits, got 42'));
    expect(() => new MemoryStreamStore({ epoch: '2026a' })).not.toThrow();
  });

  it('checks its options as createRealtimeServer does: a misspelt one or a bound of NaN, -1 or "1000" throws at once (NaN kept no entry, so polling clients got only gap: a fresh user)', async () => {
    expect(() => new MemoryStreamStore({ maxEntrys: 10 } as never)).toThrow(new TypeError('MemoryStreamStore: unknown option "maxEntrys"; did you mean "maxEntries"?'));
    expect(() => new MemoryStreamStore({ size: 10 } as never)).toThrow(new TypeError('MemoryStreamStore: unknown option "size"; it takes maxEntriesPerStream, maxEntries, maxBytes, maxAgeMs, epoch, now'));
    // Number(process.env.X) of an unset variable.
    expect(() => new MemoryStreamStore({ maxEntries: NaN })).toThrow(new RangeError('MemoryStreamStore: maxEntries must be an integer ≥ 1, got NaN (not a finite number)'));
    expect(() => new MemoryStreamStore({ maxBytes: NaN })).toThrow(new RangeError('MemoryStreamStore: maxBytes must be an integer ≥ 1, got NaN (not a finite number)'));
    expect(() => new MemoryStreamStore({ maxEntries: -1 })).toThrow(new RangeError('MemoryStreamStore: maxEntries must be an integer ≥ 1, got -1'));
    expect(() => new MemoryStreamStore({ maxEntriesPerStream: 0 })).toThrow(new RangeError('MemoryStreamStore: maxEntriesPerStream must be an integer ≥ 1, got 0'));
    expect(() => new MemoryStreamStore({ maxEntriesPerStream: 2.5 })).toThrow(RangeError);
    expect(() => new MemoryStreamStore({ maxEntries: '1000' as never })).toThrow(new TypeError('MemoryStreamStore: maxEntries must be an integer ≥ 1, got "1000"'));
    expect(() => new MemoryStreamStore({ maxAgeMs: -1 })).toThrow(new RangeError('MemoryStreamStore: maxAgeMs must be an integer number of milliseconds ≥ 0 (0: no age bound), got -1'));
    expect(() => new MemoryStreamStore({ now: 5 as never })).toThrow(new TypeError('MemoryStreamStore: now must be a function returning milliseconds, got 5'));
    expect(() => new MemoryStreamStore(null as never)).toThrow(new TypeError('MemoryStreamStore: options must be an object such as { maxEntries: 100000 }, got null'));
    expect(() => new MemoryStreamStore('small' as never)).toThrow(TypeError);
    // What it takes still works: the smallest bounds, and a store given no options at all.
    const store = new MemoryStreamStore({ maxEntriesPerStream: 1, maxEntries: 1, maxBytes: 1, maxAgeMs: 1, now: () => 0, epoch: 'e7' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    await store.append('u', 'trades', frame);
    await store.append('u', 'trades', frame);
    expect(await store.read({ userId: 'u', admin: false }, 'e7.1', 10)).toMatchObject({ resume: 'resumed', entries: [{ cursor: 'e7.2' }] });
    await store.close();
    expect(new MemoryStreamStore(undefined).size).toBe(0);
  });

  it('pages by bytes as well as by count: every entry once, in order, each page within maxBytes past its first', async () => {
    const store = new MemoryStreamStore({ epoch: 'e3' });
    await expectBytePagesAgree(store);
    await store.close();
  });

  it('answers a cursor of another epoch (a restart) with gap and all it holds for the viewer, when nothing is evicted', async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 3, epoch: 'e2' });
    const frame = (cursor: string) => `{"cursor":"${cursor}"}`;
    await store.append('u', 'trades', frame);
    await store.append('v', 'trades', frame);
    await store.append(null, 'whale', frame);
    const u = { userId: 'u', admin: false };
    expect(await store.read(u, 'e1.40', 100)).toMatchObject({ resume: 'gap', cursor: 'e2.3', entries: [{ cursor: 'e2.1' }, { cursor: 'e2.3' }] });
    expect((await store.read({ userId: 'x', admin: true }, 'e1.40', 2)).entries.map((e) => e.cursor)).toEqual(['e2.1', 'e2.2']);
    for (let i = 0; i < 3; i++) await store.append('u', 'trades', frame);
    // u's first entry is evicted: what it missed since the restart is not all here any more.
    expect(await store.read(u, 'e1.40', 100)).toEqual({ resume: 'gap', cursor: 'e2.6', entries: [] });
    await store.close();
  });
});
