/**
 * Poll answers whose clients never read them (tHH F4): a page was kept in the server for ever, and one token's polls,
 * within every rate limit, ran the process out of memory (forty 8 MB pages killed a 256 MB heap). A user's poll answers not
 * yet out of the server now hold at most the larger of `maxMessageBytes` plus 1 KiB and `maxSocketsPerUser` ×
 * `maxBufferedBytes` (16 MiB by default): a poll past it waits, its page not built, until its user's answers go out, and is
 * answered then; at its hold's end it is answered as a hold with nothing new (429 for a `gap` page), counted in
 * `stats().slowPollCloses` and logged once (throttled). Closed unanswered at once, it cut a user's healthy tabs woken
 * together by one large message (tHR F1). No answer is cut for time (tHM F1, F6: a 10 s stall cut took steady readers on
 * slow links and every TLS reader of a large page for clients that do not read): one that reads slowly gets its page whole.
 * Real sockets on 127.0.0.1, the server's default options unless said.
 */
import { readFileSync } from 'node:fs';
import { connect as tcp, type Socket } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { UserMessage } from '../../generated/types.js';
import { MemoryStreamStore, type StreamStore } from '../../src/server/index.js';
import { alert, startServer, token } from './helpers.js';

/**
 * A connection that sends `request` and reads nothing until `read()` (at full speed) or `readSlowly()`; `whole` once the
 * answer's head and its Content-Length of body are in, `closed` once the server has closed it.
 */
async function stuckPoll(port: number, request: string) {
  const socket: Socket = tcp({ host: '127.0.0.1', port });
  socket.pause();
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(request);
  let head = '';
  let bodyBytes = 0;
  let length: number | undefined;
  let closed = false;
  socket.on('close', () => (closed = true));
  const take = (chunk: Buffer): void => {
    if (length !== undefined) {
      bodyBytes += chunk.length;
      return;
    }
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    length = Number(/\r\ncontent-length: *(\d+)/i.exec(head.slice(0, end))?.[1]);
    bodyBytes = head.length - end - 4;
    head = head.slice(0, end);
  };
  return {
    /** Reads what the server sent, and all it sends later, at full speed. */
    read: () => {
      socket.on('data', take);
      socket.resume();
    },
    /**
     * Reads `chunk` bytes each `everyMs` (a slow link's pace) until `forMs` has passed, then at full speed: the server's
     * socket buffer stays full, and its write does not move, for longer than 10 s, though its client reads all along.
     */
    readSlowly: (chunk: number, everyMs: number, forMs: number) =>
      new Promise<void>((resolve) => {
        const until = Date.now() + forMs;
        const tick = setInterval(() => {
          if (Date.now() >= until || closed) {
            clearInterval(tick);
            socket.on('data', take);
            socket.resume();
            resolve();
            return;
          }
          const got = socket.read(chunk) as Buffer | null;
          if (got !== null) take(got);
        }, everyMs);
      }),
    get head() {
      return head;
    },
    get bodyBytes() {
      return bodyBytes;
    },
    get whole() {
      return length !== undefined && bodyBytes === length;
    },
    get length() {
      return length;
    },
    get closed() {
      return closed;
    },
    destroy: () => socket.destroy(),
  };
}

/** An alert for `userId`'s stream whose JSON text is about `bytes` long. */
function big(id: string, bytes: number): UserMessage {
  const message = alert(id) as UserMessage & { data: Record<string, unknown> };
  return { ...message, data: { ...message.data, message: 'x'.repeat(bytes) } } as UserMessage;
}

describe('poll answers their clients do not read (tHH F4, tHM F1, F6)', () => {
  const lines: Record<string, unknown>[] = [];
  const log = (fields: Record<string, unknown>) => void lines.push(fields);
  // A clock that stands still: every refusal line's 10 s throttle holds for the whole test.
  let server: Awaited<ReturnType<typeof startServer>>;
  const clients: { destroy: () => void }[] = [];
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.rt.close();
  });

  it('are bounded per user: past its user\'s bound (16 MiB by default: one page of the largest message) a poll waits, not closed, until its user\'s answers go out, and gets its page then; the answers sent are held, not cut, and read whole once read', async () => {
    server = await startServer({ logger: { info: log, warn: log, error: log }, monotonicClock: () => 1000 });
    const users = ['alice-stops', 'bob-stops'];
    const since: Record<string, string> = {};
    for (const user of users) {
      since[user] = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
      // 12 MB: more than the kernel's buffers on loopback take of a connection that reads nothing.
      await server.rt.publish(user, big(`${user}-big`, 12_000_000));
    }
    const poll = async (user: string) => `GET /api/ws/poll?token=${await token(user)}&since=${since[user]} HTTP/1.1\r\nHost: x\r\n\r\n`;
    // Alice's first poll is answered and never read; her second, its 12 MB past the 16 MiB her answers not yet out may hold,
    // waits; bob's is answered and never read: his own bound, not alice's.
    const alice1 = await stuckPoll(server.port, await poll('alice-stops'));
    clients.push(alice1);
    await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(1), { timeout: 10_000 });
    const alice2 = await stuckPoll(server.port, await poll('alice-stops'));
    clients.push(alice2);
    const bob = await stuckPoll(server.port, await poll('bob-stops'));
    clients.push(bob);
    await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(2), { timeout: 10_000 });
    // Alice's second waits (once past its paced turn).
    await vi.waitFor(() => expect(server.rt.stats().pendingPolls).toBe(1), { timeout: 10_000 });
    expect([alice1.closed, alice2.closed, bob.closed]).toEqual([false, false, false]);
    // Read at last, each answer held comes whole, on a connection still open; alice's second once her first is out.
    for (const client of [alice1, alice2, bob]) client.read();
    await vi.waitFor(() => expect([alice1.whole, alice2.whole, bob.whole]).toEqual([true, true, true]), { timeout: 30_000 });
    for (const client of [alice1, alice2, bob]) {
      expect(client.head).toMatch(/^HTTP\/1\.1 200 /);
      expect(client.length).toBeGreaterThan(12_000_000);
      expect(client.closed).toBe(false);
    }
    expect(server.rt.stats().pollsServed).toBe(3);
    expect(server.rt.stats().slowPollCloses).toBe(0);
    expect(lines.filter((line) => line.event === 'poll-unread')).toEqual([]);
  }, 60_000);

  it('two tabs of one user reading at full speed, woken together by a 9 MB message, both get it (tHR F1: the second was closed unanswered, every time)', async () => {
    const user = 'dora-tabs';
    const jwt = await token(user);
    for (let round = 0; round < 2; round++) {
      const cursor = (await server.rt.publish(user, alert(`${user}-small-${round}`))).cursor;
      const pending = server.rt.stats().pendingPolls;
      const tabs = [0, 1].map(() => fetch(server.http(`/api/ws/poll?since=${cursor}`), { headers: { authorization: `Bearer ${jwt}` } }).then(async (response) => [response.status, ((await response.json()) as { messages: { data: { id: string } }[] }).messages.map((m) => m.data.id)]));
      // Both held at the head, as every polling tab is.
      await vi.waitFor(() => expect(server.rt.stats().pendingPolls).toBe(pending + 2), { timeout: 10_000 });
      await server.rt.publish(user, big(`${user}-big-${round}`, 9_000_000));
      expect(await Promise.all(tabs)).toEqual([
        [200, [`${user}-big-${round}`]],
        [200, [`${user}-big-${round}`]],
      ]);
    }
    expect(server.rt.stats().slowPollCloses).toBe(0);
  }, 60_000);

  it('are not cut for time: a client that reads its page slowly, the server\'s socket buffer full for more than 10 s, gets it whole (tHM F6)', async () => {
    const user = 'carol-slow';
    const since = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
    await server.rt.publish(user, big(`${user}-big`, 12_000_000));
    const served = server.rt.stats().pollsServed;
    const slow = await stuckPoll(server.port, `GET /api/ws/poll?token=${await token(user)}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
    clients.push(slow);
    await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(served + 1), { timeout: 10_000 });
    // 16 KiB each half second (32 KiB/s) for 14 s: the kernel takes more of the server's write only once a third of its
    // send buffer is free, which at this pace takes longer than 10 s; then at full speed.
    await slow.readSlowly(16_384, 500, 14_000);
    await vi.waitFor(() => expect(slow.whole || slow.closed).toBe(true), { timeout: 30_000 });
    expect(slow.closed).toBe(false);
    expect(slow.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(slow.bodyBytes).toBeGreaterThan(12_000_000);
    expect(server.rt.stats().slowPollCloses).toBe(0);
  }, 60_000);

  it('a poll that finds no room for its hold (a tab of its user does not read) is answered as a hold with nothing new, its own cursor (429 for a `gap` page), counted and logged; the client loses nothing', async () => {
    const held: Record<string, unknown>[] = [];
    const record = (fields: Record<string, unknown>) => void held.push(fields);
    const short = await startServer({ pollHoldMs: 1500, logger: { info: record, warn: record, error: record } });
    const stuck: { destroy: () => void }[] = [];
    try {
      const user = 'erin-stalled';
      const jwt = await token(user);
      // Her stream begins with the large message: a `gap` page from another epoch's cursor carries it.
      await short.rt.publish(user, big(`${user}-big`, 12_000_000));
      const since = (await short.rt.publish(user, alert(`${user}-small`))).cursor;
      await short.rt.publish(user, big(`${user}-big2`, 12_000_000));
      const stalled = await stuckPoll(short.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
      stuck.push(stalled);
      await vi.waitFor(() => expect(short.rt.stats().pollsServed).toBe(1), { timeout: 10_000 });
      const other = await fetch(short.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      expect([other.status, await other.json()]).toEqual([200, { cursor: since, resume: 'resumed', messages: [] }]);
      const gap = await fetch(short.http('/api/ws/poll?since=e1.1'), { headers: { authorization: `Bearer ${jwt}` } });
      expect([gap.status, gap.headers.get('retry-after'), await gap.json()]).toEqual([429, '1', { error: 'poll-answers-unread' }]);
      expect(short.rt.stats().slowPollCloses).toBe(2);
      // A refusal code as the others: counted by it, and in the contract a generated client switches on (tIE F2).
      expect(short.rt.stats().refusedPolls).toEqual({ 'poll-answers-unread': 1 });
      const contract = JSON.parse(readFileSync(new URL('../../generated/asyncapi.json', import.meta.url), 'utf8')) as { info: { 'x-refusal-codes': { code: string; status: number; on: string[] }[] }; components: { messages: Record<string, { description: string }> } };
      expect(contract.info['x-refusal-codes']).toContainEqual(expect.objectContaining({ code: 'poll-answers-unread', status: 429, on: ['poll'] }));
      expect(contract.components.messages.PollRefusal!.description).toContain('`poll-answers-unread`');
      expect(short.rt.stats().pollsServed).toBe(1);
      const unread = held.filter((line) => line.event === 'poll-unread');
      expect(unread).toEqual([expect.objectContaining({ reason: 'unread', userId: user, ip: '127.0.0.1', url: `/api/ws/poll?since=${since}` })]);
      expect(String(unread[0]!.detail)).toMatch(/^its user's poll answers not yet out held \d+ bytes: with its \d+, past 16777216 \(the larger of maxMessageBytes \+ 1 KiB and maxSocketsPerUser × maxBufferedBytes\) for its hold; answered without its page$/);
      // The stalled tab gone, the other's next poll gets the page.
      stalled.destroy();
      await vi.waitFor(async () => {
        const page = (await (await fetch(short.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } })).json()) as { messages: { data: { id: string } }[] };
        expect(page.messages.map((m) => m.data.id)).toEqual([`${user}-big2`]);
      }, { timeout: 10_000 });
    } finally {
      for (const client of stuck) client.destroy();
      await short.rt.close();
    }
  }, 60_000);

  it('a poll without since (a new page) that waits for room is answered with the head as it was at its request: what is published while it waits comes on the next poll (tIA F1: it read the head again, past it, lost without a gap)', async () => {
    const short = await startServer({ pollHoldMs: 5000 });
    const stuck: { destroy: () => void }[] = [];
    try {
      const user = 'fay-new';
      const jwt = await token(user);
      const head = async (since: string) => Number((await fetch(short.http(`/api/ws/poll?since=${since}`), { method: 'HEAD', headers: { authorization: `Bearer ${jwt}` } })).headers.get('content-length'));
      const start = (await short.rt.publish(user, alert(`${user}-start`))).cursor;
      // Two answers never read that fill her 16 MiB bound to within 20 bytes: a new page (about 60 bytes) must wait.
      const a = (await short.rt.publish(user, big(`${user}-a`, 8_000_000))).cursor;
      const aBytes = await head(start);
      await short.rt.publish(user, big(`${user}-b`, 16 * 1024 * 1024 - 20 - aBytes - (aBytes - 8_000_000)));
      expect(aBytes + (await head(a))).toBe(16 * 1024 * 1024 - 20);
      for (const since of [start, a]) {
        const served = short.rt.stats().pollsServed;
        stuck.push(await stuckPoll(short.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`));
        await vi.waitFor(() => expect(short.rt.stats().pollsServed).toBe(served + 1), { timeout: 10_000 });
      }
      const pending = short.rt.stats().pendingPolls;
      const fresh = fetch(short.http('/api/ws/poll'), { headers: { authorization: `Bearer ${jwt}` } });
      await vi.waitFor(() => expect(short.rt.stats().pendingPolls).toBe(pending + 1), { timeout: 10_000 });
      await short.rt.publish(user, alert(`${user}-while-waiting`));
      for (const client of stuck) client.destroy();
      const answer = await fresh;
      const page = (await answer.json()) as { cursor: string; resume: string; messages: unknown[] };
      expect([answer.status, page.resume, page.messages]).toEqual([200, 'new', []]);
      const next = (await (await fetch(short.http(`/api/ws/poll?since=${page.cursor}`), { headers: { authorization: `Bearer ${jwt}` } })).json()) as { resume: string; messages: { data: { id: string } }[] };
      expect([next.resume, next.messages.map((m) => m.data.id)]).toEqual(['resumed', [`${user}-while-waiting`]]);
    } finally {
      for (const client of stuck) client.destroy();
      await short.rt.close();
    }
  }, 60_000);

  it('a poll waiting for room is answered 503 store-unavailable once the store goes down, as a held poll is (tIE F4: it waited out its hold and was answered 200 empty, as unread)', async () => {
    const memory = new MemoryStreamStore();
    let down = false;
    const store: StreamStore = {
      append: (...args) => memory.append(...args),
      read: (...args) => memory.read(...args),
      subscribe: (listener) => memory.subscribe(listener),
      status: () => (down ? { healthy: false, detail: 'down' } : memory.status()),
      close: () => memory.close(),
    };
    const own = await startServer({ store, pollHoldMs: 20_000 });
    const stuck: { destroy: () => void }[] = [];
    try {
      const user = 'fay-waits';
      const jwt = await token(user);
      const since = (await own.rt.publish(user, alert(`${user}-small`))).cursor;
      await own.rt.publish(user, big(`${user}-big`, 12_000_000));
      stuck.push(await stuckPoll(own.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`));
      await vi.waitFor(() => expect(own.rt.stats().pollsServed).toBe(1), { timeout: 10_000 });
      // Its page is the same 12 MB: no room while the first is unread.
      const waiting = fetch(own.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      await vi.waitFor(() => expect(own.rt.stats().pendingPolls).toBe(1), { timeout: 10_000 });
      down = true;
      const answer = await waiting;
      expect([answer.status, answer.headers.get('retry-after'), await answer.json()]).toEqual([503, '5', { error: 'store-unavailable' }]);
      expect(own.rt.stats().refusedPolls).toEqual({ 'store-unavailable': 1 });
      expect(own.rt.stats().slowPollCloses).toBe(0);
    } finally {
      for (const client of stuck) client.destroy();
      await own.rt.close();
    }
  }, 60_000);
});
