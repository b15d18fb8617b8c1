/**
 * A user's poll answers not yet out of the server are bounded (`pollUnsentBytes`, 16 MiB by default: tHH F4); a poll past
 * the bound waits for room. These tests hold the paths of that wait and of the room it takes that no other test reached
 * (tIC's mutation survivors, named per test): room given back when its client left before its answer was written, close()
 * answering the polls that wait, a client leaving while its poll waits. Real sockets on 127.0.0.1; a store that is the
 * memory store with a read the test may hold, or make fail. No time is asserted: each wait is bounded by vi.waitFor or the
 * test's timeout.
 */
import { connect as tcp, type Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import type { UserMessage } from '../../generated/types.js';
import { MemoryStreamStore } from '../../src/server/memory-store.js';
import type { ReadResult, StreamViewer } from '../../src/server/stream-store.js';
import { alert, SECRET, startServer, token } from './helpers.js';

/** The memory store, whose next read may be held until the test releases it (`hold()`), or fail (`failReads`). */
class GatedStore extends MemoryStreamStore {
  private gate: { entered: () => void; released: Promise<void> } | null = null;
  /** While true, every read throws after reading. */
  failReads = false;
  /** Holds the next read once it has read: `entered` resolves then; `release()` lets it answer. */
  hold(): { entered: Promise<void>; release: () => void } {
    let entered!: () => void;
    let release!: () => void;
    const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.gate = { entered, released };
    return { entered: enteredPromise, release };
  }
  override async read(viewer: StreamViewer, since: string | null, limit: number, maxBytes?: number): Promise<ReadResult> {
    const result = await super.read(viewer, since, limit, maxBytes);
    const gate = this.gate;
    if (gate !== null) {
      this.gate = null;
      gate.entered();
      await gate.released;
    }
    if (this.failReads) throw new Error('read failed (test)');
    return result;
  }
}

/** A connection that sends `request` and reads nothing: its answer, once written, stays unread in the server. */
async function stuckPoll(port: number, request: string): Promise<{ socket: Socket; destroy: () => void }> {
  const socket: Socket = tcp({ host: '127.0.0.1', port });
  socket.pause();
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(request);
  return { socket, destroy: () => socket.destroy() };
}

/** An alert whose JSON text is about `bytes` long. */
function big(id: string, bytes: number): UserMessage {
  const message = alert(id) as UserMessage & { data: Record<string, unknown> };
  return { ...message, data: { ...message.data, message: 'x'.repeat(bytes) } } as UserMessage;
}

type Started = Awaited<ReturnType<typeof startServer>>;

/**
 * Publishes a small message then a 12 MB one to `user`, and has a client poll from the small one's cursor and never read:
 * its answer (12 MB) holds most of the user's 16 MiB, so another poll of that page waits for room. Returns that cursor, the
 * 12 MB message's, and the stalled client.
 */
async function fillBound(server: Started, user: string, jwt: string, stuck: { destroy: () => void }[]): Promise<{ since: string; big: string; stalled: { destroy: () => void } }> {
  const since = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
  const bigCursor = (await server.rt.publish(user, big(`${user}-big`, 12_000_000))).cursor;
  const served = server.rt.stats().pollsServed;
  const stalled = await stuckPoll(server.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
  stuck.push(stalled);
  await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(served + 1), { timeout: 10_000 });
  return { since, big: bigCursor, stalled };
}

/** Waits until `pending` polls are counted and past the memory store's read (which answers without I/O). */
async function pollsPending(server: Started, pending: number): Promise<void> {
  await vi.waitFor(() => expect(server.rt.stats().pendingPolls).toBe(pending), { timeout: 10_000 });
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Starts a server with `options`, runs `body` with it and a list of stalled clients the body adds to, then destroys those
 * clients, closes the server and the store given in `options`, if any, whatever `body` did.
 */
async function withServer(options: Parameters<typeof startServer>[0], body: (server: Started, stuck: { destroy: () => void }[]) => Promise<void>): Promise<void> {
  const server = await startServer(options);
  const stuck: { destroy: () => void }[] = [];
  try {
    await body(server, stuck);
  } finally {
    for (const client of stuck) client.destroy();
    await server.rt.close();
    await options?.store?.close();
  }
}

describe('polls waiting for room under their user\'s bound (tIC mutation survivors)', () => {
  it('a poll whose client left while its page was read gives its room back: three such polls of 8 MB pages, and the user\'s next poll still gets its page at once (tIC F5)', async () => {
    const store = new GatedStore();
    const server = await startServer({ store, pollHoldMs: 3000 });
    const polls: ServerResponse[] = [];
    server.rt.httpServer.on('request', (request, response: ServerResponse) => {
      if (request.url?.startsWith('/api/ws/poll')) polls.push(response);
    });
    try {
      const user = 'gus-leaves';
      const jwt = await token(user);
      const since = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
      await server.rt.publish(user, big(`${user}-big`, 8_000_000));
      for (let round = 0; round < 3; round++) {
        const gate = store.hold();
        const client = await stuckPoll(server.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
        await gate.entered;
        // The client leaves while its page is read; the server sees its connection gone before the read answers.
        client.destroy();
        const response = polls.at(-1)!;
        await vi.waitFor(() => expect(response.destroyed).toBe(true), { timeout: 10_000 });
        gate.release();
        await vi.waitFor(() => expect(server.rt.stats().pendingPolls).toBe(0), { timeout: 10_000 });
      }
      // 24 MB of pages never sent: were their room kept, this 8 MB page would wait its hold and come without its message.
      const answer = await fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      const page = (await answer.json()) as { messages: { data: { id: string } }[] };
      expect([answer.status, page.messages.map((m) => m.data.id)]).toEqual([200, [`${user}-big`]]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    } finally {
      await server.rt.close();
      await store.close();
    }
  }, 60_000);

  it('close() answers a poll waiting for room at once, as at its hold\'s end (200, no message, its own cursor), neither counted nor logged as unread (tIC F6, F7)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (fields: Record<string, unknown>) => void lines.push(fields);
    // Neither its hold nor close()'s deadline ends the wait within the test's timeout: only close()'s wake-up does.
    const server = await startServer({ pollHoldMs: 60_000, shutdownTimeoutMs: 60_000, logger: { info: log, warn: log, error: log } });
    const stuck: { destroy: () => void }[] = [];
    let closing: Promise<void> | undefined;
    try {
      const user = 'hal-closing';
      const jwt = await token(user);
      const { since, stalled } = await fillBound(server, user, jwt, stuck);
      const waiting = fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      await pollsPending(server, 1);
      closing = server.rt.close();
      const answer = await waiting;
      expect([answer.status, await answer.json()]).toEqual([200, { cursor: since, resume: 'resumed', messages: [] }]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
      expect(lines.filter((line) => line.event === 'poll-unread')).toEqual([]);
      // The unread answer going out is what close() still drains: gone with its client.
      stalled.destroy();
      await closing;
    } finally {
      for (const client of stuck) client.destroy();
      await (closing ?? server.rt.close());
    }
  }, 30_000);

  it('a client that leaves while its poll waits for room ends the wait at once: the poll is let go, not held to its hold\'s end (tIC F13)', async () => {
    await withServer({ pollHoldMs: 60_000 }, async (server, stuck) => {
      const user = 'ida-aborts';
      const jwt = await token(user);
      const { since } = await fillBound(server, user, jwt, stuck);
      const abort = new AbortController();
      const waiting = fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` }, signal: abort.signal }).catch((error: unknown) => error);
      await pollsPending(server, 1);
      abort.abort();
      expect(await waiting).toBeInstanceOf(Error);
      await vi.waitFor(() => expect(server.rt.stats().pendingPolls).toBe(0), { timeout: 10_000 });
    });
  }, 30_000);

  it('close() after a poll was served and read resolves without waiting its shutdownTimeoutMs: the answer out is no longer counted as going out (tIC F12)', async () => {
    const server = await startServer({ shutdownTimeoutMs: 120_000 });
    const user = 'jan-done';
    const jwt = await token(user);
    const since = (await server.rt.publish(user, alert(`${user}-1`))).cursor;
    await server.rt.publish(user, alert(`${user}-2`));
    const answer = await fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}`, connection: 'close' } });
    const page = (await answer.json()) as { messages: { data: { id: string } }[] };
    expect([answer.status, page.messages.map((m) => m.data.id)]).toEqual([200, [`${user}-2`]]);
    // Bounded by the test's 30 s, well short of the 120 s close() would wait for an answer it thinks still going out.
    await server.rt.close();
  }, 30_000);

  it('an answer that brings its user\'s answers not yet out to exactly the bound is served at once, not made to wait (tIC F19)', async () => {
    await withServer({ pollHoldMs: 60_000 }, async (server, stuck) => {
      const user = 'kim-exact';
      const jwt = await token(user);
      const head = async (since: string) => Number((await fetch(server.http(`/api/ws/poll?since=${since}`), { method: 'HEAD', headers: { authorization: `Bearer ${jwt}` } })).headers.get('content-length'));
      const start = (await server.rt.publish(user, alert(`${user}-start`))).cursor;
      const a = (await server.rt.publish(user, big(`${user}-a`, 8_000_000))).cursor;
      const aBytes = await head(start);
      // Two pages, never read, whose bodies sum to exactly 16 MiB (the default bound).
      await server.rt.publish(user, big(`${user}-b`, 16 * 1024 * 1024 - aBytes - (aBytes - 8_000_000)));
      expect(aBytes + (await head(a))).toBe(16 * 1024 * 1024);
      for (const since of [start, a]) {
        const served = server.rt.stats().pollsServed;
        stuck.push(await stuckPoll(server.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`));
        await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(served + 1), { timeout: 10_000 });
      }
      expect(server.rt.stats().slowPollCloses).toBe(0);
    });
  }, 30_000);

  it('a poll waiting for room whose token expires meanwhile is answered 401 token-expired then, not held to its hold\'s end (tIC F14)', async () => {
    await withServer({ pollHoldMs: 60_000, jwt: { secret: SECRET, clockToleranceSec: 0 } }, async (server, stuck) => {
      const user = 'lou-expires';
      const { since } = await fillBound(server, user, await token(user), stuck);
      const short = await token(user, { exp: Math.floor(Date.now() / 1000) + 4 });
      const answer = await fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${short}` } });
      expect([answer.status, await answer.json()]).toEqual([401, { error: 'token-expired' }]);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });
  }, 40_000);

  it('a poll waiting for room whose page read fails once given room gives the room back: the user\'s next poll of that page is served at once (tIC F8)', async () => {
    const store = new GatedStore();
    await withServer({ store, pollHoldMs: 60_000 }, async (server, stuck) => {
      const user = 'max-fails';
      const jwt = await token(user);
      const { since, stalled } = await fillBound(server, user, jwt, stuck);
      const waiting = fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      await pollsPending(server, 1);
      store.failReads = true;
      // The stalled tab gone, the waiting poll takes its room, reads its page again, and the read fails.
      stalled.destroy();
      const failed = await waiting;
      await failed.arrayBuffer();
      expect(failed.status).toBeGreaterThanOrEqual(500);
      store.failReads = false;
      // Had the failed poll's 12 MB stayed counted, this 12 MB page would wait (its hold: past the test's timeout).
      const answer = await fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      const page = (await answer.json()) as { messages: { data: { id: string } }[] };
      expect([answer.status, page.messages.map((m) => m.data.id)]).toEqual([200, [`${user}-big`]]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    });
  }, 40_000);

  it('a waiting poll given room reads its page again cut to the room it took: what was published while it waited is the next poll\'s (tIC F18)', async () => {
    // Pages of up to 8 MiB (pollPageBytes, from maxBufferedBytes; 1 MiB by default), the bound still 16 MiB (2 × 8 MiB).
    await withServer({ pollHoldMs: 20_000, maxBufferedBytes: 8 * 1024 * 1024, maxSocketsPerUser: 2 }, async (server, stuck) => {
      const user = 'ned-more';
      const jwt = await token(user);
      const { big: after, stalled } = await fillBound(server, user, jwt, stuck);
      const first = (await server.rt.publish(user, big(`${user}-1`, 5_000_000))).cursor;
      // 5 MB past the stalled tab's 12 MB: it waits.
      const waiting = fetch(server.http(`/api/ws/poll?since=${after}`), { headers: { authorization: `Bearer ${jwt}` } });
      await pollsPending(server, 1);
      // Two 1 MB messages: read again, its page (within pollPageBytes) would hold all three.
      for (const n of [2, 3]) await server.rt.publish(user, big(`${user}-${n}`, 1_000_000));
      stalled.destroy();
      const answer = await waiting;
      const page = (await answer.json()) as { cursor: string; messages: { data: { id: string } }[] };
      expect([answer.status, page.cursor, page.messages.map((m) => m.data.id)]).toEqual([200, first, [`${user}-1`]]);
      const next = (await (await fetch(server.http(`/api/ws/poll?since=${page.cursor}`), { headers: { authorization: `Bearer ${jwt}` } })).json()) as { messages: { data: { id: string } }[] };
      expect(next.messages.map((m) => m.data.id)).toEqual([`${user}-2`, `${user}-3`]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    });
  }, 60_000);

  it('a waiting poll whose page, read again, is smaller than the room it took (trimmed meanwhile) gives the rest back: the user\'s next 12 MB page is served at once (tIC F9)', async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 3 });
    await withServer({ store, pollHoldMs: 20_000 }, async (server, stuck) => {
      const user = 'oda-trimmed';
      const jwt = await token(user);
      const { big: after, stalled } = await fillBound(server, user, jwt, stuck);
      await server.rt.publish(user, big(`${user}-1`, 5_000_000));
      const waiting = fetch(server.http(`/api/ws/poll?since=${after}`), { headers: { authorization: `Bearer ${jwt}` } });
      await pollsPending(server, 1);
      // Three small messages: the 5 MB one it waits to send is trimmed off its user's stream.
      let last = '';
      for (const n of [1, 2, 3]) last = (await server.rt.publish(user, alert(`${user}-small-${n}`))).cursor;
      stalled.destroy();
      const answer = await waiting;
      const page = (await answer.json()) as { resume: string; messages: { data: { id: string } }[] };
      expect([answer.status, page.resume, page.messages.map((m) => m.data.id)]).toEqual([200, 'gap', [1, 2, 3].map((n) => `${user}-small-${n}`)]);
      // Had its 5 MB stayed counted, this 12 MB page would wait its hold and come without its message.
      await server.rt.publish(user, big(`${user}-big2`, 12_000_000));
      const next = await fetch(server.http(`/api/ws/poll?since=${last}`), { headers: { authorization: `Bearer ${jwt}` } });
      const nextPage = (await next.json()) as { messages: { data: { id: string } }[] };
      expect([next.status, nextPage.messages.map((m) => m.data.id)]).toEqual([200, [`${user}-big2`]]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    });
  }, 60_000);

  it('a waiting poll whose page, read again, begins with a larger entry (trimmed meanwhile) takes the extra room at once when it fits (tIC F10)', async () => {
    const store = new MemoryStreamStore({ maxEntriesPerStream: 2 });
    await withServer({ store, pollHoldMs: 20_000 }, async (server, stuck) => {
      const user = 'pia-larger';
      const jwt = await token(user);
      const { big: after, stalled } = await fillBound(server, user, jwt, stuck);
      await server.rt.publish(user, big(`${user}-1`, 5_000_000));
      const waiting = fetch(server.http(`/api/ws/poll?since=${after}`), { headers: { authorization: `Bearer ${jwt}` } });
      await pollsPending(server, 1);
      // An 8 MB message and a small one: the 5 MB one is trimmed, and its page now begins with the 8 MB one.
      await server.rt.publish(user, big(`${user}-2`, 8_000_000));
      await server.rt.publish(user, alert(`${user}-3`));
      stalled.destroy();
      const answer = await waiting;
      const page = (await answer.json()) as { resume: string; messages: { data: { id: string } }[] };
      expect([answer.status, page.resume, page.messages.map((m) => m.data.id)]).toEqual([200, 'gap', [`${user}-2`]]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    });
  }, 60_000);

  it('a poll\'s wait for room ends with its hold counted from its request: a read that took the whole hold leaves it no wait (tIC F15, F16, F17)', async () => {
    // The server's monotonic clock, moved by the test: the waiting poll's read takes its whole hold, by that clock.
    let clock = 1000;
    const store = new GatedStore();
    await withServer({ store, pollHoldMs: 60_000, monotonicClock: () => clock }, async (server, stuck) => {
      const user = 'quin-late';
      const jwt = await token(user);
      const { since, stalled } = await fillBound(server, user, jwt, stuck);
      const gate = store.hold();
      const waiting = fetch(server.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      await gate.entered;
      clock += 60_000;
      gate.release();
      // Then room is made. Not timed: the server's wait, of what is left of its hold (0 ms), is a timer that fires before
      // this later one, so at its hold's end it was answered already; a wait a few seconds longer (tIC F16, F17: mutants
      // S13, S08) or counted from the wait's start (F15: S17) is still waiting, takes the room, and sends its page.
      // It was a 50 ms sleep, which a loaded machine outran (the read's answer had not reached the server yet): now the
      // answer is waited for up to 2.5 s, short of the mutants' 3-4 s, and room made only then.
      let answered = false;
      void waiting.then(() => (answered = true), () => (answered = true));
      for (let waited = 0; !answered && waited < 2_500; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      stalled.destroy();
      // Its hold over when its page was read, it is answered at once as at its hold's end, not after another 60 s.
      const answer = await waiting;
      expect([answer.status, await answer.json()]).toEqual([200, { cursor: since, resume: 'resumed', messages: [] }]);
      expect(server.rt.stats().slowPollCloses).toBe(1);
    });
  }, 30_000);

  it('a waiting poll whose page, read again, begins with a larger entry that does not fit gives back the room it took while it waits again: once answered, the user\'s next large page is served at once (tIC F11)', async () => {
    const store = new GatedStore({ maxEntriesPerStream: 2 });
    // A bound of 40 MB (maxMessageBytes + 1 KiB): each answer the tabs do not read is past what loopback's buffers take (about 10 MB).
    await withServer({ store, pollHoldMs: 20_000, maxMessageBytes: 40_000_000 }, async (server, stuck) => {
      const user = 'rae-again';
      const jwt = await token(user);
      const stalled = async (since: string) => {
        const served = server.rt.stats().pollsServed;
        const client = await stuckPoll(server.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
        stuck.push(client);
        await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(served + 1), { timeout: 10_000 });
        return client;
      };
      // Two tabs that do not read hold 20 MB and 15 MB of her answers; a third poll's 10 MB page waits (45 MB past 40).
      const start = (await server.rt.publish(user, alert(`${user}-start`))).cursor;
      const first = (await server.rt.publish(user, big(`${user}-20`, 20_000_000))).cursor;
      const twenty = await stalled(start);
      const second = (await server.rt.publish(user, big(`${user}-15`, 15_000_000))).cursor;
      const fifteen = await stalled(first);
      await server.rt.publish(user, big(`${user}-10`, 10_000_000));
      const waiting = fetch(server.http(`/api/ws/poll?since=${second}`), { headers: { authorization: `Bearer ${jwt}` } });
      await pollsPending(server, 1);
      // The 10 MB message is trimmed: its page now begins with a 22 MB one, which does not fit beside the 20 MB (42 MB).
      await server.rt.publish(user, big(`${user}-22`, 22_000_000));
      const last = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
      const reread = store.hold();
      // The 15 MB tab gone, it takes its 10 MB, reads again, finds 22 MB, and waits for them.
      fifteen.destroy();
      await reread.entered;
      reread.release();
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      twenty.destroy();
      const answer = await waiting;
      const page = (await answer.json()) as { resume: string; messages: { data: { id: string } }[] };
      expect([answer.status, page.resume, page.messages.map((m) => m.data.id)]).toEqual([200, 'gap', [`${user}-22`]]);
      // Had the 10 MB it took first stayed counted, this 31 MB page would wait its hold and come without its message.
      await server.rt.publish(user, big(`${user}-31`, 31_000_000));
      const next = await fetch(server.http(`/api/ws/poll?since=${last}`), { headers: { authorization: `Bearer ${jwt}` } });
      const nextPage = (await next.json()) as { messages: { data: { id: string } }[] };
      expect([next.status, nextPage.messages.map((m) => m.data.id)]).toEqual([200, [`${user}-31`]]);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    });
  }, 60_000);
});
