/**
 * What a socket sees when its stream store misbehaves: a store that lost its history (new
 * epoch) closes the socket with 4410 so the client resumes and is told `gap`; a store that
 * reporting itself unhealthy refuses new upgrades and polls with 503 (no socket); one that fails
 * a read at accept while reporting healthy closes with 1011; the publisher sees the store's rejection.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRealtimeServer, CURSOR_PATTERN, formatCursor, MemoryStreamStore, parseCursor, type StreamEntry, type StreamStore } from '../../src/server/index.js';
import { isAfter } from '../../src/client/protocol.js';
import { RedisServer } from './redis/redis-server.js';
import { connect, eventually, refusedStatus, SECRET, sleep, startServer, token, trade, type Client, type Frame } from './helpers.js';

/** A memory store whose epoch can be swapped (as Redis restarting empty does), and whose reads can fail. */
class FlakyStore implements StreamStore {
  inner = new MemoryStreamStore({ epoch: 'first' });
  failReads = false;
  /** Reads fail without the store knowing it yet (status stays healthy). */
  silentFaults = false;
  private listeners = new Set<(entry: StreamEntry) => void>();
  private unsubscribe = this.inner.subscribe((entry) => this.emit(entry));
  append: StreamStore['append'] = (...args) => this.inner.append(...args);
  /** A failed read makes the store know it is down (as a Redis command that timed out does). */
  learnsOnFailure = false;
  read: StreamStore['read'] = (...args) => {
    if (!this.failReads) return this.inner.read(...args);
    if (this.learnsOnFailure) this.silentFaults = false;
    return Promise.reject(new Error('store down'));
  };
  subscribe(listener: (entry: StreamEntry) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  status() {
    return this.failReads && !this.silentFaults ? { healthy: false, detail: 'down' } : this.inner.status();
  }
  close() {
    return this.inner.close();
  }
  loseHistory() {
    this.unsubscribe();
    this.inner = new MemoryStreamStore({ epoch: 'second' });
    this.unsubscribe = this.inner.subscribe((entry) => this.emit(entry));
  }
  private emit(entry: StreamEntry) {
    for (const listener of this.listeners) listener(entry);
  }
}

/**
 * An array-backed store of one's own, as a fresh user wrote it from the interface: cursors made
 * by `cursorOf` (opaque ids the protocol's CURSOR_PATTERN takes, or formatCursor per user stream).
 */
function arrayStore(cursorOf: (entry: { userId: string | null; n: number; perUser: number }) => string): StreamStore {
  const entries: StreamEntry[] = [];
  const perUser = new Map<string | null, number>();
  const listeners = new Set<(entry: StreamEntry) => void>();
  return {
    append(userId, type, frame, key) {
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      const cursor = cursorOf({ userId, n: entries.length + 1, perUser: perUser.get(userId)! });
      const entry: StreamEntry = { cursor, userId, type, frame: frame(cursor), key: key ?? null };
      entries.push(entry);
      for (const listener of listeners) listener(entry);
      return Promise.resolve(entry);
    },
    read(viewer, since, limit) {
      const head = entries.at(-1)?.cursor ?? cursorOf({ userId: null, n: 0, perUser: 0 });
      if (since === null) return Promise.resolve({ resume: 'new', cursor: head, entries: [] });
      const at = entries.findIndex((e) => e.cursor === since);
      const after = entries.slice(at + 1).filter((e) => viewer.admin || e.userId === null || e.userId === viewer.userId);
      return Promise.resolve({ resume: at >= 0 ? 'resumed' : 'gap', cursor: after.at(-1)?.cursor ?? head, entries: after.slice(0, limit), more: after.length > limit });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: () => ({ healthy: true }),
    close: () => Promise.resolve(),
  };
}

/** Waits for the answer to a ping: what the server queued before it reads is on its way by then (stats().sent counts it). */
async function roundTrip(client: Client, n: number): Promise<void> {
  client.ws.send(JSON.stringify({ type: 'ping', timestamp: n }));
  await client.until(() => client.count('pong') === n, 5000, `pong ${n}`);
}

describe('store faults', () => {
  it("a store of one's own whose cursors the server cannot read (opaque ids): each entry a counted, logged store fault, never sent on a socket; polls still served (every socket got nothing, in silence: a fresh user)", async () => {
    const store = arrayStore(({ n }) => `c${n.toString(36)}xarr`);
    const lines: Record<string, unknown>[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (o: object) => void lines.push(o as Record<string, unknown>) };
    const server = await startServer({ store, logger });
    try {
      const jwt = await token('alice');
      const first = await server.rt.publish('alice', trade('before'));
      expect(first.cursor).toBe('c1xarr');
      await server.rt.publish('alice', trade('replayed'));
      // A replay from an entry the store knows, then a live entry.
      const client = await connect(server.url({ token: jwt, since: 'c1xarr' }));
      await client.until(() => client.count('connection') === 1, 5000, 'connection');
      expect(client.frames[0]).toMatchObject({ data: { resume: 'resumed' } });
      await server.rt.publish('alice', trade('live'));
      await roundTrip(client, 1);
      expect(client.stream).toEqual([]);
      expect(server.rt.stats().sent.trades).toBeUndefined();
      // Counted per entry as it comes (three live, one replayed), logged once.
      expect(server.rt.stats().storeFaults).toEqual({ 'unreadable-cursor': 4 });
      const logged = lines.filter((line) => line.event === 'store-cursor-unreadable');
      expect(logged).toHaveLength(1);
      expect(logged[0]!.cursor).toBe('"c1xarr"');
      // Polls need no position: served as before.
      const poll = await fetch(server.http('/api/ws/poll?since=c1xarr'), { headers: { authorization: `Bearer ${jwt}` } });
      expect(((await poll.json()) as { messages: Frame[] }).messages.map((m) => m.data!.id)).toEqual(['replayed', 'live']);
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it("a store of one's own that numbers positions per user stream (formatCursor, but no shared sequence): a counted, logged store fault, which an admin's socket would lose in silence (a fresh user)", async () => {
    const store = arrayStore(({ perUser }) => formatCursor('arr', perUser));
    const lines: Record<string, unknown>[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (o: object) => void lines.push(o as Record<string, unknown>) };
    const server = await startServer({ store, logger });
    try {
      const admin = await connect(server.url({ token: await token('admin', { admin: true }) }));
      await admin.until(() => admin.count('connection') === 1, 5000, 'connection');
      await server.rt.publish('alice', trade('a1'));
      await server.rt.publish('bob', trade('b1'));
      await server.rt.publish('alice', trade('a2'));
      await server.rt.publish('bob', trade('b2'));
      await admin.until(() => admin.stream.length === 2, 5000, "alice's two");
      await roundTrip(admin, 1);
      // What the admin gets is unchanged (bob's arr.1 and arr.2 read as sent already) ...
      expect(admin.stream.map((f) => f.data!.id)).toEqual(['a1', 'a2']);
      // ... but no longer in silence.
      expect(server.rt.stats().storeFaults).toEqual({ 'cursor-not-increasing': 2 });
      const logged = lines.filter((line) => line.event === 'store-cursor-not-increasing');
      expect(logged).toEqual([expect.objectContaining({ cursor: '"arr.1"', after: '"arr.1"' })]);
      admin.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('a new epoch on the live feed closes the socket with 4410; the resume then says gap', async () => {
    const store = new FlakyStore();
    const server = await startServer({ store });
    try {
      const jwt = await token('u1');
      const client = await connect(server.url({ token: jwt }));
      await server.rt.publish('u1', trade('before'));
      await client.until(() => client.stream.length === 1);
      store.loseHistory();
      await server.rt.publish('u1', trade('after'));
      expect(await client.closed).toBe(4410);
      const again = await connect(server.url({ token: jwt, since: client.stream[0]!.cursor! }));
      await again.until(() => again.count('connection') === 1);
      expect(again.frames[0]!.data!.resume).toBe('gap');
      again.ws.close();
    } finally {
      await server.rt.close();
    }
  });

  it('an unhealthy store refuses upgrades and polls with 503 + Retry-After, no socket; they work again once it recovers', async () => {
    const store = new FlakyStore();
    const server = await startServer({ store });
    try {
      const jwt = await token('u1');
      store.failReads = true;
      const { status, headers } = await refusedStatus(server.url({ token: jwt }));
      expect(status).toBe(503);
      expect(headers['retry-after']).toBe('5');
      expect(server.rt.stats().refusedUpgrades['store-unavailable']).toBe(1);
      expect(server.rt.stats().connections).toBe(0);
      const poll = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${jwt}` } });
      expect(poll.status).toBe(503);
      expect(poll.headers.get('retry-after')).toBe('5');
      store.failReads = false;
      const client = await connect(server.url({ token: jwt }));
      await client.until(() => client.count('connection') === 1);
      client.ws.close();
      await client.closed;
    } finally {
      await server.rt.close();
    }
  });

  it('a poll with a good token refused while the store is away gives its attempt back, as README says: dashboards behind one NAT are not locked out by the outage (a hostile tester)', async () => {
    const store = new FlakyStore();
    const server = await startServer({ store, attemptsPerIp: { perSecond: 0.01, burst: 3 } });
    try {
      const headers = { authorization: `Bearer ${await token('u1')}` };
      store.failReads = true;
      for (let i = 0; i < 6; i++) expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(503);
      store.failReads = false;
      expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(200);
      expect(server.rt.stats().refusedPolls).toEqual({ 'store-unavailable': 6 });
    } finally {
      await server.rt.close();
    }
  });

  it("counts every poll refused or failed in stats().refusedPolls under its code, as an upgrade's: a 405, a read failed while the store said it was up (500), one failed as it found itself down (503) and one held when it went down (tBZ F14: none was counted anywhere)", async () => {
    const store = new FlakyStore();
    const server = await startServer({ store, pollHoldMs: 25_000, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    try {
      const headers = { authorization: `Bearer ${await token('u1')}` };
      const refusedPolls = () => server.rt.stats().refusedPolls;
      expect((await fetch(server.http('/api/ws/poll'), { method: 'POST', headers })).status).toBe(405);
      expect(refusedPolls()).toEqual({ 'method-not-allowed': 1 });
      const head = (await (await fetch(server.http('/api/ws/poll'), { headers })).json()) as { cursor: string };
      store.failReads = true;
      store.silentFaults = true;
      expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(500);
      expect(refusedPolls()).toEqual({ 'method-not-allowed': 1, 'internal-error': 1 });
      store.learnsOnFailure = true;
      expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(503);
      expect(refusedPolls()).toEqual({ 'method-not-allowed': 1, 'internal-error': 1, 'store-unavailable': 1 });
      store.failReads = false;
      store.learnsOnFailure = false;
      const held = fetch(server.http(`/api/ws/poll?since=${head.cursor}`), { headers });
      await eventually(() => server.rt.stats().pendingPolls === 1, 5000, 'the poll held');
      store.failReads = true;
      expect((await held).status).toBe(503);
      expect(refusedPolls()).toEqual({ 'method-not-allowed': 1, 'internal-error': 1, 'store-unavailable': 2 });
      expect(server.rt.stats().pollsServed).toBe(1);
    } finally {
      await server.rt.close();
    }
  });

  it('a poll whose read fails as the store finds itself down gets 503 + Retry-After, as the polls after it (found by a fresh user)', async () => {
    const store = new FlakyStore();
    const server = await startServer({ store, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    try {
      store.failReads = true;
      store.silentFaults = true;
      store.learnsOnFailure = true;
      // Before: 500 {"error":"internal error"}, no Retry-After.
      const poll = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${await token('u1')}` } });
      expect(poll.status).toBe(503);
      expect(poll.headers.get('retry-after')).toBe('5');
    } finally {
      await server.rt.close();
    }
  });

  it('a poll held when the store goes down is answered 503 + Retry-After within about a second, not when its hold ends (a hostile tester waited 25 s)', async () => {
    const store = new FlakyStore();
    const server = await startServer({ store, pollHoldMs: 25_000, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    try {
      const headers = { authorization: `Bearer ${await token('u1')}` };
      const head = (await (await fetch(server.http('/api/ws/poll'), { headers })).json()) as { cursor: string };
      const started = Date.now();
      const held = fetch(server.http(`/api/ws/poll?since=${head.cursor}`), { headers });
      await eventually(() => server.rt.stats().pendingPolls === 1, 5000, 'the poll held');
      store.failReads = true;
      const answer = await held;
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(await answer.json()).toEqual({ error: 'store-unavailable' });
      // Checked every second; 10 s of slack for a loaded machine, far below the 25 s hold.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await server.rt.close();
    }
  });

  it("a store whose status() throws is a store fault: 503 + Retry-After logged as the store's, a held poll answered 503, stats() unhealthy; never a 401 nor a crash (a hostile tester)", async () => {
    // Before: a valid token got 401 invalid-token, logged as "authentication hook threw" (the
    // client stopped for good); the held polls' health watch threw from its timer, ending the
    // process; stats() threw.
    const store = new FlakyStore();
    let throws = false;
    const status = store.status.bind(store);
    store.status = () => {
      if (throws) throw new Error('status exploded');
      return status();
    };
    const events: string[] = [];
    const log = (entry: { event?: string }) => void events.push(String(entry.event));
    const server = await startServer({ store, pollHoldMs: 25_000, logger: { info: log, warn: log, error: log } });
    try {
      const jwt = await token('u1');
      const headers = { authorization: `Bearer ${jwt}` };
      const head = (await (await fetch(server.http('/api/ws/poll'), { headers })).json()) as { cursor: string };
      const held = fetch(server.http(`/api/ws/poll?since=${head.cursor}`), { headers });
      await eventually(() => server.rt.stats().pendingPolls === 1, 5000, 'the poll held');
      throws = true;
      const answer = await Promise.race([held, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('the held poll unanswered after 5 s')), 5000))]);
      expect([answer.status, answer.headers.get('retry-after'), await answer.json()]).toEqual([503, '5', { error: 'store-unavailable' }]);
      const poll = await fetch(server.http('/api/ws/poll'), { headers });
      expect([poll.status, poll.headers.get('retry-after')]).toEqual([503, '5']);
      const refused = await refusedStatus(server.url({ token: jwt }));
      expect([refused.status, refused.headers['retry-after']]).toEqual([503, '5']);
      expect(server.rt.stats().store).toEqual({ healthy: false, detail: 'status() threw: status exploded' });
      expect(server.rt.stats().refusedUpgrades).toEqual({ 'store-unavailable': 1 });
      expect(events).toContain('store-status-threw');
      expect(events).not.toContain('authenticate-failed');
      throws = false;
      expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(200);
      expect(server.rt.stats().store.healthy).toBe(true);
    } finally {
      await server.rt.close();
    }
  });

  it("a store whose status() gives no detail shows none: stats().store is { healthy } alone, and the 503's log line carries no detail (tHP F16: 'undefined' was untested)", async () => {
    const store = new FlakyStore();
    let healthy = true;
    store.status = () => ({ healthy });
    const lines: Record<string, unknown>[] = [];
    const log = (entry: object) => void lines.push(entry as Record<string, unknown>);
    const server = await startServer({ store, logger: { info: log, warn: log, error: log } });
    try {
      expect(server.rt.stats().store).toEqual({ healthy: true });
      const headers = { authorization: `Bearer ${await token('u1')}` };
      expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(200);
      healthy = false;
      expect((await fetch(server.http('/api/ws/poll'), { headers })).status).toBe(503);
      expect(server.rt.stats().store).toEqual({ healthy: false });
      expect(JSON.stringify(lines)).not.toContain('undefined');
    } finally {
      await server.rt.close();
    }
  });

  it("a store whose status() throws a revoked Proxy (or one whose getPrototypeOf trap throws) is unhealthy, said so; never a crash, stats() answers (tHM F4: errorSummary's instanceof ran the trap outside its try)", async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const trapped = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    // The revoked one cannot be made text at all; the trapped one reads as its target does.
    for (const [thrown, shown] of [[revoked.proxy, '(a value that cannot be shown as text)'], [trapped, '[object Object]']] as const) {
      const store = new FlakyStore();
      store.status = () => {
        throw thrown;
      };
      const lines: Record<string, unknown>[] = [];
      const log = (o: object) => void lines.push(o as Record<string, unknown>);
      const server = await startServer({ store, logger: { info: log, warn: log, error: log } });
      try {
        expect(server.rt.stats().store).toEqual({ healthy: false, detail: `status() threw: ${shown}` });
        const poll = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${await token('u1')}` } });
        expect([poll.status, await poll.json()]).toEqual([503, { error: 'store-unavailable' }]);
        expect(lines.filter((line) => line.event === 'store-status-threw').map((line) => line.err)).toEqual([{ message: shown }]);
      } finally {
        await server.rt.close();
      }
    }
  });

  it("a store whose status() returns a string holding a Redis URL is shown with preview's quotes kept (tHM F5: the closing quote was taken into the URL, %22)", async () => {
    const store = new FlakyStore();
    store.status = (() => 'status of redis://cache-01:6379/0') as unknown as typeof store.status;
    const server = await startServer({ store });
    try {
      expect(server.rt.stats().store).toEqual({ healthy: false, detail: 'status() threw: status() must return { healthy, detail? }, got "status of redis://cache-01:6379/0"' });
    } finally {
      await server.rt.close();
    }
  });

  it("a store whose status() returns a string, not an object, is shown with any URL's user info [redacted] before it is cut, in stats() and store-status-threw (tHG F7: cut first, a long password lost its @ and was shown)", async () => {
    const store = new FlakyStore();
    const password = 'Sup3rS3cretPassw0rd'.repeat(3);
    store.status = (() => `postgres://app:${password}@db.internal:5432/rt`) as unknown as typeof store.status;
    const lines: Record<string, unknown>[] = [];
    const log = (o: object) => void lines.push(o as Record<string, unknown>);
    const server = await startServer({ store, logger: { info: log, warn: log, error: log } });
    try {
      const expected = 'status() must return { healthy, detail? }, got "postgres://[redacted]@db.internal:5432/rt"';
      expect(server.rt.stats().store).toEqual({ healthy: false, detail: `status() threw: ${expected}` });
      expect(lines.filter((line) => line.event === 'store-status-threw').map((line) => line.err)).toEqual([{ name: 'TypeError', message: expected }]);
      expect(JSON.stringify(lines)).not.toContain('Sup3rS3cret');
    } finally {
      await server.rt.close();
    }
  });

  it('a store that fails the read at accept while still reporting healthy closes the socket with 1011', async () => {
    const store = new FlakyStore();
    const lines: string[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (o: object) => lines.push(JSON.stringify(o)) };
    const server = await startServer({ store, logger });
    try {
      store.failReads = true;
      store.silentFaults = true;
      const client = await connect(server.url({ token: await token('u1') }));
      expect(await client.closed).toBe(1011);
      await eventually(() => lines.some((line) => line.includes('resume-failed')));
    } finally {
      await server.rt.close();
    }
  });

  describe('sockets open while the store is away (storeUnavailableGraceMs)', () => {
    /** A logger that keeps each line's object. */
    const recording = () => {
      const lines: Record<string, unknown>[] = [];
      const log = (o: object) => void lines.push(o as Record<string, unknown>);
      return { lines, logger: { info: log, warn: log, error: log } };
    };
    /** The close code and reason the client got. */
    const closeOf = async (client: Client): Promise<[number, string]> => [await client.closed, client.closeReason];

    it('are closed with 1013 `stream store unavailable` once it stays unhealthy past the grace period, logged with their count: their clients reconnect and resume from their cursors once it is back, nothing lost (they stayed open, fed nothing, pinged as healthy: a fresh tester)', async () => {
      const store = new FlakyStore();
      const { lines, logger } = recording();
      const server = await startServer({ store, storeUnavailableGraceMs: 200, logger });
      try {
        const alice = await connect(server.url({ token: await token('u1') }));
        const admin = await connect(server.url({ token: await token('ops', { admin: true }) }));
        await server.rt.publish('u1', trade('before'));
        await alice.until(() => alice.stream.length === 1, 5000, 'the first trade');
        await admin.until(() => admin.stream.length === 1, 5000, "the admin's copy");
        const closes = [closeOf(alice), closeOf(admin)];
        store.failReads = true;
        expect(await Promise.all(closes)).toEqual([
          [1013, 'stream store unavailable'],
          [1013, 'stream store unavailable'],
        ]);
        const logged = lines.filter((line) => line.event === 'store-unavailable-close');
        expect(logged).toEqual([expect.objectContaining({ count: 2, detail: 'down' })]);
        expect(logged[0]!.unavailableMs).toBeGreaterThanOrEqual(200);
        await eventually(() => server.rt.stats().connections === 0, 5000, 'both closes complete on the server');
        const stats = server.rt.stats();
        expect([stats.closes['1013'], stats.slowClientCloses, stats.connections, stats.store]).toEqual([2, 0, 0, { healthy: false, detail: 'down' }]);
        // Sockets are still refused while it is away, as before: none is opened only to be closed.
        expect((await refusedStatus(server.url({ token: await token('u1') }))).status).toBe(503);
        store.failReads = false;
        await server.rt.publish('u1', trade('meanwhile'));
        const back = await connect(server.url({ token: await token('u1'), since: alice.stream[0]!.cursor! }));
        await back.until(() => back.stream.length === 1, 5000, 'what came meanwhile');
        expect(back.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'resumed' } });
        expect(back.stream.map((f) => f.data!.id)).toEqual(['meanwhile']);
        back.ws.close();
      } finally {
        await server.rt.close();
      }
    });

    it("the detail a store of one's own returns is shown without any URL's user info, in the store-unavailable-close line and stats(), as one it throws (tHC F4: its driver's postgres://app:<password>@db was logged whole)", async () => {
      const store = new FlakyStore();
      const status = store.status.bind(store);
      const detail = 'pg pool: connect ECONNREFUSED postgres://app:Secr3tPw9@db:5432/rt; cache redis://:Redi5Pass77@cache-01:6379';
      store.status = () => (store.failReads ? { healthy: false, detail } : status());
      const { lines, logger } = recording();
      const server = await startServer({ store, storeUnavailableGraceMs: 200, logger });
      try {
        const alice = await connect(server.url({ token: await token('u1') }));
        store.failReads = true;
        expect(await closeOf(alice)).toEqual([1013, 'stream store unavailable']);
        const shown = server.rt.stats().store.detail!;
        expect(shown).toContain('postgres://[redacted]@db:5432/rt;');
        expect(shown).toContain('cache-01:6379');
        const logged = JSON.stringify(lines.filter((line) => line.event === 'store-unavailable-close'));
        expect(logged).toContain('postgres://[redacted]@db:5432/rt;');
        for (const text of [shown, logged]) expect(text).not.toMatch(/Secr3tPw9|Redi5Pass77/);
      } finally {
        await server.rt.close();
      }
    });

    it("a detail that is no string (the driver's Error, an object, an array) is shown as text, redacted as a string one is, in stats() and the store-unavailable-close line (tHG F6: passed on as it was, its password with it)", async () => {
      const url = 'postgres://app:Sup3rS3cretPw@db.internal:5432/rt';
      const details: [unknown, string][] = [
        [new Error(`connect ECONNREFUSED ${url}`), 'Error: connect ECONNREFUSED postgres://[redacted]@db.internal:5432/rt'],
        [{ url, code: 'ECONNREFUSED' }, "{ url: 'postgres://[redacted]@db.internal:5432/rt', code: 'ECONNREFUSED' }"],
        [[`connect ECONNREFUSED ${url}`], "[ 'connect ECONNREFUSED postgres://[redacted]@db.internal:5432/rt' ]"],
        // A driver's options: fields named like secrets [redacted], and inspect's quotes kept around a Redis URL (tHM F5: the
        // password shown, the URL rule took `',` as the port).
        [
          { url: 'redis://u:Sup3rS3cretPw@h:6379', password: 'Sup3rS3cretPw', db: 0, tls: { apiKey: 'Sup3rS3cretPw', servername: 'h' }, hosts: [{ host: 'h', pass: 'Sup3rS3cretPw' }] },
          "{ url: 'redis://h:6379', password: '[redacted]', db: 0, tls: { apiKey: '[redacted]', servername: 'h' }, hosts: [ { host: 'h', pass: '[redacted]' } ] }",
        ],
      ];
      for (const [detail, expected] of details) {
        const store = new FlakyStore();
        const status = store.status.bind(store);
        store.status = () => (store.failReads ? ({ healthy: false, detail } as unknown as { healthy: boolean; detail?: string }) : status());
        const { lines, logger } = recording();
        const server = await startServer({ store, storeUnavailableGraceMs: 200, logger });
        try {
          const alice = await connect(server.url({ token: await token('u1') }));
          store.failReads = true;
          expect(await closeOf(alice)).toEqual([1013, 'stream store unavailable']);
          expect(server.rt.stats().store).toEqual({ healthy: false, detail: expected });
          expect(lines.filter((line) => line.event === 'store-unavailable-close').map((line) => line.detail)).toEqual([expected]);
        } finally {
          await server.rt.close();
        }
      }
    });

    it("a detail that is a URL, a Map, URLSearchParams, Headers, or holds an Error or a Promise is read as text and redacted as a plain object is, in stats() and the store-unavailable-close line (tHS F1: util.inspect wrote their secrets in clear)", async () => {
      const pw = 'Hunter2Secret';
      const failure = Object.assign(new Error('auth failed'), { password: pw, config: { password: pw, host: 'db' }, code: 'ECONNREFUSED' });
      const details: [unknown, string][] = [
        [new URL(`postgres://app:${pw}@db:5432/rt`), 'postgres://[redacted]@db:5432/rt'],
        [new Map([['password', pw]]), "Map(1) { 'password' => '[redacted]' }"],
        [new URLSearchParams(`password=${pw}&db=1`), "URLSearchParams { 'password' => '[redacted]', 'db' => '1' }"],
        [new Headers({ 'X-Api-Key': pw, Accept: 'text/plain' }), "Headers { accept: 'text/plain', 'x-api-key': '[redacted]' }"],
        [{ conn: new Map<string, unknown>([['auth', { token: pw }], ['host', 'db']]) }, "{ conn: Map(2) { 'auth' => '[redacted]', 'host' => 'db' } }"],
        [{ lastError: failure }, "{ lastError: { [Error: auth failed] password: '[redacted]', config: { password: '[redacted]', host: 'db' }, code: 'ECONNREFUSED' } }"],
        [[failure], "[ { [Error: auth failed] password: '[redacted]', config: { password: '[redacted]', host: 'db' }, code: 'ECONNREFUSED' } ]"],
        [{ p: Promise.resolve({ password: pw }) }, '{ p: Promise { <not shown> } }'],
        [{ u: new URL(`postgres://app:${pw}@db:5432/rt`), seen: new Set([{ password: pw }]) }, "{ u: 'postgres://[redacted]@db:5432/rt', seen: Set(1) { { password: '[redacted]' } } }"],
      ];
      const store = new FlakyStore();
      const status = store.status.bind(store);
      let detail: unknown = details[0]![0];
      store.status = () => (store.failReads ? ({ healthy: false, detail } as unknown as { healthy: boolean; detail?: string }) : status());
      const { lines, logger } = recording();
      const server = await startServer({ store, storeUnavailableGraceMs: 200, logger });
      try {
        const alice = await connect(server.url({ token: await token('u1') }));
        store.failReads = true;
        expect(await closeOf(alice)).toEqual([1013, 'stream store unavailable']);
        expect(lines.filter((line) => line.event === 'store-unavailable-close').map((line) => line.detail)).toEqual([details[0]![1]]);
        for (const [given, expected] of details) {
          detail = given;
          expect(server.rt.stats().store).toEqual({ healthy: false, detail: expected });
        }
        expect(JSON.stringify(lines)).not.toContain(pw);
      } finally {
        await server.rt.close();
      }
    });

    it("a detail quoting a URL with user info and an @ in a query value or fragment shows its host, its user info and secret values [redacted] (tIB F1: read to the last @, the password's tail was shown as the host)", async () => {
      await expectDetailsShown([
        ['db down: postgres://app:pw@db.internal:5432/rt?password=Hunt@er2Secret', 'db down: postgres://[redacted]@db.internal:5432/rt?password=[redacted]'],
        ['postgres://app:pw@db.internal:5432/rt?user=app@corp', 'postgres://[redacted]@db.internal:5432/rt?user=app@corp'],
        ['https://u:p@[2001:db8::1]:8443/x?email=bob@example.com', 'https://[redacted]@[2001:db8::1]:8443/x?email=bob@example.com'],
        ['postgres://app:pw@db.internal/rt#a@b', 'postgres://[redacted]@db.internal/rt#[redacted]'],
        [new URL('https://u:Hunter2Secret@db.example/p?email=bob@example.com'), 'https://[redacted]@db.example/p?email=bob@example.com'],
      ]);
    });

    it("a detail quoting a URL whose fragment right after the host names a secret parameter holding @ shows the fragment [redacted] (tIB F2: shown whole, or its tail as the host)", async () => {
      await expectDetailsShown([
        ['backend: https://vault.example#password=Hunt@er2Secret', 'backend: https://vault.example#[redacted]'],
        ['backend: https://vault.example:8443#token=abc@Hunter2SecretTok', 'backend: https://vault.example:8443#[redacted]'],
        ['backend: postgres://db:5432#password=Hunt@er2Secret', 'backend: postgres://db:5432#[redacted]'],
        // A password holding `#` before its `@host` is still read to the last `@`.
        ['postgres://app:Xk9#L7vR4s3cret@db', 'postgres://[redacted]@db'],
      ]);
    });

    it("a detail quoting a URL whose password holds @, then / or ?, then # shows none of it (tIF F1: its middle was shown as the host and path)", async () => {
      await expectDetailsShown([
        ['connect postgres://app:Wr0ng@Sekrit/Pw#y@db:5432/rt failed', 'connect postgres://[redacted]@db:5432/rt failed'],
        ['x postgres://app:W@Sek?rit#Pw/x@db:5432/rt y', 'x postgres://[redacted]@db:5432/rt y'],
        ['x postgres://app:W@@Sekrit/Pw#y@db:5432/rt y', 'x postgres://[redacted]@db:5432/rt y'],
        ['x postgres://app:W@Sekrit/Pw#y@z@db:5432/rt y', 'x postgres://[redacted]@db:5432/rt y'],
        // A real host before them (a name with a dot, an address, a port of digits) is kept, the fragment hidden.
        ['postgres://app:pw@db.internal/rt#a@b', 'postgres://[redacted]@db.internal/rt#[redacted]'],
        ['postgres://app:pw@db:5432/rt#a@b', 'postgres://[redacted]@db:5432/rt#[redacted]'],
      ]);
    });

    it("a detail quoting a URL with a parameter named like a secret hides its value whatever it holds, not only one holding @ (tIF F5)", async () => {
      await expectDetailsShown([
        ['postgres://db:5432/x?password=Hunter2SecretPw', 'postgres://db:5432/x?password=[redacted]'],
        ['postgres://app:pw@db:5432/x?sslmode=require&sslpassword=Hunter2SecretPw', 'postgres://[redacted]@db:5432/x?sslmode=require&sslpassword=[redacted]'],
        ['read failed at postgres://app:pw@db:5432/rt?password=Hunter2SecretPw.', 'read failed at postgres://[redacted]@db:5432/rt?password=[redacted].'],
        // A password holding an unencoded `&` or `#` runs on: nothing after it is shown.
        ['https://api.example/v1?api_key=Hunter2&Secret=x&b=2', 'https://api.example/v1?api_key=[redacted]'],
        ['https://vault.example#password=Hunter2SecretPw', 'https://vault.example#[redacted]'],
        ['https://vault.example/x?a=1#b=2&access_token=Hunter2SecretPw', 'https://vault.example/x?a=1#[redacted]'],
        // Other names and values stay shown.
        ['https://api.example/v1?country_code=fr&user=app', 'https://api.example/v1?country_code=fr&user=app'],
      ]);
    });

    it("a detail's error code stays shown whatever its case or digits, a SQLSTATE, a number, lower case (tIF F8: all but capitals were [redacted]); a long secret-looking run under code is hidden", async () => {
      const pg = Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01', severity: 'FATAL' });
      await expectDetailsShown([
        [{ lastError: pg }, `{ lastError: { [Error: password authentication failed for user "app"] code: '28P01', severity: 'FATAL' } }`],
        [{ sqlState: '53300', code: '53300' }, "{ sqlState: '53300', code: '53300' }"],
        [{ lastError: Object.assign(new Error('Authentication failed.'), { code: 18, codeName: 'AuthenticationFailed' }) }, "{ lastError: { [Error: Authentication failed.] code: 18, codeName: 'AuthenticationFailed' } }"],
        [{ code: 503, reason: 'maintenance' }, "{ code: 503, reason: 'maintenance' }"],
        [{ code: 'econnrefused' }, "{ code: 'econnrefused' }"],
        [{ code: 'ThrottlingException' }, "{ code: 'ThrottlingException' }"],
        [{ code: 'ERR_HTTP2_STREAM_ERROR' }, "{ code: 'ERR_HTTP2_STREAM_ERROR' }"],
        // An OAuth authorization code is still hidden.
        [{ code: 'SplxlOBeZQQYbYS6WxSbIA', state: 'x' }, "{ code: '[redacted]', state: 'x' }"],
        [{ code: 'k3j4h5g6f7d8s9a0q1w2' }, "{ code: '[redacted]' }"],
      ]);
    });

    it("a detail's error code of an AWS SDK or Firebase stays shown: an acronym before CamelCase words, a service/kebab code (tIO F10: each was [redacted]); an OAuth code still hidden", async () => {
      const codes = ['DBInstanceNotFound', 'InvalidDBInstanceState', 'KMSAccessDeniedException', 'KMSInvalidStateException', 'EC2ThrottledException', 'S3ServiceException', 'IDPCommunicationError', 'OAuthException', 'auth/user-not-found', 'auth/invalid-api-key', 'messaging/registration-token-not-registered'];
      await expectDetailsShown(codes.map((code) => [{ code }, `{ code: '${code}' }`]));
      await expectDetailsShown([
        [{ code: 'SplxlOBeZQQYbYS6WxSbIA' }, "{ code: '[redacted]' }"],
        [{ code: '4/0AX4XfWhQ2pVb3hTZWNyZXQ' }, "{ code: '[redacted]' }"],
        [{ code: 'AKIAIOSFODNN7EXAMPLE' }, "{ code: '[redacted]' }"],
      ]);
    });

    it("a detail \"<URL>: <message naming someone@domain>\" is shown whole, its host kept (tIF F3: the host hidden and the address's domain shown as the host); a passphrase still hidden", async () => {
      await expectDetailsShown([
        ['redis://cache: NOAUTH for user ops@corp', 'redis://cache: NOAUTH for user ops@corp'],
        ['postgres://db.internal: role "app" does not exist (tenant acme@eu)', 'postgres://db.internal: role "app" does not exist (tenant acme@eu)'],
        ['https://idp.example: 401 for alice@example.com', 'https://idp.example: 401 for alice@example.com'],
        ['amqp://mq: connection refused, notify ops@example.com', 'amqp://mq: connection refused, notify ops@example.com'],
        ['connect postgres://app:correct horse battery staple@db:5432/rt failed', 'connect postgres://[redacted]@db:5432/rt failed'],
      ]);
    });

    it("a detail holding an ioredis error hides the arguments of its AUTH/HELLO command, another command's kept (tIB F3: the password was shown in command.args)", async () => {
      const pw = 'Hunter2Secret';
      // A real ioredis error: HELLO 3 AUTH of an unknown user against a Redis, WRONGPASS, its `command.args` holding the password.
      const redis = await RedisServer.start();
      let failure: unknown;
      const client = new Redis({ port: redis.port, host: '127.0.0.1', username: 'rcuser', password: pw, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', (error: unknown) => { failure ??= error; });
      try {
        await client.connect().catch((error: unknown) => { failure ??= error; });
      } finally {
        client.disconnect();
        await redis.stop();
      }
      expect(JSON.stringify((failure as { command?: unknown }).command)).toContain(pw);
      await expectDetailsShown([
        [{ err: failure, host: 'cache-01.internal' }, /^\{ err: \{ \[.*ReplyError.*: WRONGPASS [^\]]*\] command: \{ name: 'hello', args: '\[redacted\]' \} \}, host: 'cache-01\.internal' \}$/],
        [[failure], /command: \{ name: 'hello', args: '\[redacted\]' \}/],
        [{ command: { name: 'AUTH', args: ['rcuser', pw] } }, "{ command: { name: 'AUTH', args: '[redacted]' } }"],
        [{ command: { name: 'GET', args: ['k1'] } }, "{ command: { name: 'GET', args: [ 'k1' ] } }"],
      ]);
    });

    it("a detail holding an ioredis error of another command that carries a password (CONFIG SET requirepass, ACL SETUSER, MIGRATE … AUTH/AUTH2, SENTINEL … auth-pass) hides its arguments (tIF F4: shown in command.args)", async () => {
      const pw = 'NewPassw0rdHunter2';
      // A real ioredis error: CONFIG SET requirepass by a user without the right, NOPERM, its `command.args` holding the password.
      const redis = await RedisServer.start();
      let failure: unknown;
      const admin = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      const limited = new Redis({ port: redis.port, host: '127.0.0.1', username: 'limited', password: 'limited-pw', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await admin.connect();
        await admin.call('ACL', 'SETUSER', 'limited', 'on', '>limited-pw', '~*', '+@all', '-config');
        await limited.connect();
        await limited.call('CONFIG', 'SET', 'requirepass', pw).catch((error: unknown) => { failure = error; });
      } finally {
        admin.disconnect();
        limited.disconnect();
        await redis.stop();
      }
      expect(JSON.stringify((failure as { command?: unknown }).command)).toContain(pw);
      await expectDetailsShown([
        [{ lastError: failure }, /^\{ lastError: \{ \[.*NOPERM[^\]]*\] command: \{ name: 'CONFIG', args: '\[redacted\]' \} \} \}$/],
        [{ command: { name: 'acl', args: ['SETUSER', 'bob', 'on', `>${pw}`] } }, "{ command: { name: 'acl', args: '[redacted]' } }"],
        [{ command: { name: 'migrate', args: ['127.0.0.1', '6380', '', '0', '1000', 'AUTH', pw, 'KEYS', 'x'] } }, "{ command: { name: 'migrate', args: '[redacted]' } }"],
        [{ command: { name: 'migrate', args: ['127.0.0.1', '6380', '', '0', '1000', 'AUTH2', 'bob', pw, 'KEYS', 'x'] } }, "{ command: { name: 'migrate', args: '[redacted]' } }"],
        [{ command: { name: 'config', args: ['set', 'masterauth', pw] } }, "{ command: { name: 'config', args: '[redacted]' } }"],
        [{ command: { name: 'sentinel', args: ['CONFIG', 'SET', 'auth-pass', pw] } }, "{ command: { name: 'sentinel', args: '[redacted]' } }"],
        [{ command: { name: 'sentinel', args: ['SET', 'mymaster', 'auth-pass', pw] } }, "{ command: { name: 'sentinel', args: '[redacted]' } }"],
        // Those commands without a password keep theirs.
        [{ command: { name: 'config', args: ['SET', 'maxmemory', '100mb'] } }, "{ command: { name: 'config', args: [ 'SET', 'maxmemory', '100mb' ] } }"],
      ]);
    });

    it('a store healthy again within the grace period closes nothing: the socket goes on with what comes next', async () => {
      const store = new FlakyStore();
      let looks = 0;
      const status = store.status.bind(store);
      store.status = () => (looks++, status());
      const { lines, logger } = recording();
      const server = await startServer({ store, storeUnavailableGraceMs: 60_000, logger });
      try {
        const alice = await connect(server.url({ token: await token('u1') }));
        await alice.until(() => alice.count('connection') === 1, 5000, 'the connection message');
        store.failReads = true;
        // Seen unhealthy by the watch (every second with this grace period) twice.
        const seen = looks;
        await eventually(() => looks >= seen + 2, 10_000, 'two looks at the store');
        store.failReads = false;
        await server.rt.publish('u1', trade('after'));
        await alice.until(() => alice.stream.length === 1, 5000, 'the trade after');
        expect(alice.closeCode).toBeNull();
        expect(lines.map((line) => line.event)).not.toContain('store-unavailable-close');
        alice.ws.close();
      } finally {
        await server.rt.close();
      }
    });

    it('null never closes them (as before); 0 closes them at the first look', async () => {
      const store = new FlakyStore();
      const closing = await startServer({ store, storeUnavailableGraceMs: 0, logger: recording().logger });
      const keeping = await startServer({ store, storeUnavailableGraceMs: null, logger: recording().logger });
      try {
        const closed = await connect(closing.url({ token: await token('u1') }));
        const kept = await connect(keeping.url({ token: await token('u1') }));
        await kept.until(() => kept.count('connection') === 1, 5000, 'the connection message');
        store.failReads = true;
        expect(await closeOf(closed)).toEqual([1013, 'stream store unavailable']);
        // Past a second, when a watch would have looked at least once.
        await sleep(1500);
        expect(kept.closeCode).toBeNull();
        store.failReads = false;
        await keeping.rt.publish('u1', trade('kept'));
        await kept.until(() => kept.stream.length === 1, 5000, 'the trade on the socket kept');
        kept.ws.close();
      } finally {
        await Promise.all([closing.rt.close(), keeping.rt.close()]);
      }
    });

    it('the option is checked at creation; the in-memory store reads healthy, in the shape stats() documents, and closes nothing', async () => {
      const create = (value: unknown) => () => createRealtimeServer({ jwt: { secret: SECRET }, storeUnavailableGraceMs: value as number });
      expect(create(-1)).toThrow(new RangeError('createRealtimeServer: storeUnavailableGraceMs must be a number of milliseconds from 0 to 2147483647, or null: never close, got -1'));
      expect(create(2 ** 31)).toThrow(RangeError);
      expect(create('10000')).toThrow(TypeError);
      const server = await startServer({ storeUnavailableGraceMs: 0 });
      try {
        const alice = await connect(server.url({ token: await token('u1') }));
        await alice.until(() => alice.count('connection') === 1, 5000, 'the connection message');
        expect(server.rt.stats().store).toEqual({ healthy: true, detail: expect.stringMatching(/^memory, \d+ entries, epoch \S+$/) });
        await sleep(100);
        await server.rt.publish('u1', trade('live'));
        await alice.until(() => alice.stream.length === 1, 5000, 'the trade');
        expect(alice.closeCode).toBeNull();
        alice.ws.close();
      } finally {
        await server.rt.close();
      }
    });
  });

  it("a store of one's own whose positions start at 0 (built on formatCursor): a gap replays from its first entry, after a connection cursor the contract takes and the client reads as before it", async () => {
    const listeners = new Set<(entry: StreamEntry) => void>();
    const entries: StreamEntry[] = [];
    const head = () => formatCursor('z', Math.max(entries.length - 1, 0));
    const store: StreamStore = {
      append(userId, type, frame, key) {
        const cursor = formatCursor('z', entries.length);
        const entry: StreamEntry = { cursor, userId, type, frame: frame(cursor), key: key ?? null };
        entries.push(entry);
        for (const listener of listeners) listener(entry);
        return Promise.resolve(entry);
      },
      read(viewer, since, limit) {
        const mine = entries.filter((e) => viewer.admin || e.userId === viewer.userId || e.userId === null);
        if (since === null) return Promise.resolve({ resume: 'new', cursor: head(), entries: [] });
        const parsed = parseCursor(since);
        if (parsed?.epoch !== 'z') return Promise.resolve({ resume: 'gap', cursor: mine.at(-1)?.cursor ?? head(), entries: mine.slice(0, limit), more: mine.length > limit });
        const after = mine.filter((e) => parseCursor(e.cursor)!.position > parsed.position);
        return Promise.resolve({ resume: 'resumed', cursor: after.at(-1)?.cursor ?? since, entries: after.slice(0, limit), more: after.length > limit });
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      status: () => ({ healthy: true }),
      close: () => Promise.resolve(),
    };
    const server = await startServer({ store });
    try {
      await server.rt.publish('u1', trade('zero'));
      await server.rt.publish('u1', trade('one'));
      const client = await connect(server.url({ token: await token('u1'), since: 'restarted.7' }));
      await client.until(() => client.stream.length === 2, 5000, 'the replay');
      const since = client.frames[0]!.cursor!;
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' } });
      expect(CURSOR_PATTERN.test(since)).toBe(true);
      // The client takes the first entry after the connection's cursor (`z.0` itself there had it dropped as a repeat).
      expect(isAfter('z.0', since)).toBe(true);
      expect(parseCursor(since)).toBeNull();
      expect(client.stream.map((f) => [f.cursor, f.data!.id])).toEqual([['z.0', 'zero'], ['z.1', 'one']]);
      client.ws.close();
    } finally {
      await server.rt.close();
    }
  });
});

/** Each detail a store's status() returns, as stats().store.detail shows it: `expected` (or matching it), no secret in it. */
async function expectDetailsShown(details: readonly [unknown, string | RegExp][]): Promise<void> {
  const store = new MemoryStreamStore();
  let detail: unknown;
  store.status = () => ({ healthy: false, detail } as unknown as { healthy: boolean; detail?: string });
  const server = await startServer({ store });
  try {
    for (const [given, expected] of details) {
      detail = given;
      const shown = server.rt.stats().store.detail as string;
      if (typeof expected === 'string') expect(shown, String(given)).toBe(expected);
      else expect(shown).toMatch(expected);
      expect(shown).not.toMatch(/er2Secret|Hunter2|L7vR4|Sek|Pw|Passw0rd/);
    }
  } finally {
    await server.rt.close();
  }
}
