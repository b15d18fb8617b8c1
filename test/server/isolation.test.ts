/**
 * Isolation by `x-audience` (spec "Backend Implementation Notes" 2), counted not sampled: 50 users
 * and 2 admins, 10,000 messages of random stream types → each user gets exactly their own plus
 * the global ones, in order; admins get all; zero leaks. And the run-time guards of publish/broadcast.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as tcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GLOBAL_MESSAGE_TYPES, USER_MESSAGE_TYPES } from '../../generated/contract.js';
import type { GlobalMessage, UserMessage } from '../../generated/types.js';
import { MessageValidationError } from '../../src/runtime/builders.js';
import { createRealtimeServer, MemoryStreamStore, type StreamEntry } from '../../src/server/index.js';
import { Client, connect, SECRET, startServer, token, trade, whale } from './helpers.js';

const example = (type: string) => JSON.parse(readFileSync(new URL(`../fixtures/valid/spec/${type}.json`, import.meta.url), 'utf8')) as UserMessage & GlobalMessage;

describe('isolation, counted', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    // Buffers large enough that no state is conflated: this test counts every message.
    server = await startServer({ attemptsPerIp: { perSecond: 1000, burst: 1000 }, writeHighWaterBytes: 256 * 1024 * 1024, maxBufferedBytes: 1024 * 1024 * 1024 });
  });
  afterAll(() => server.rt.close());

  // 52 connects with a signed token, 10,000 awaited publishes, then every stream read, all in this one process: at load
  // 27 on 2 CPUs it outran the default 60 s before any assertion (tHX F2). The streams arrive side by side, so their waits
  // share one deadline, DELIVERY_MS after the last publish; the test's timeout is above it and the set-up before it.
  const DELIVERY_MS = 120_000;
  it('50 users and 2 admins, 10,000 random messages: every user exactly their own and the global ones, admins all', { timeout: DELIVERY_MS + 180_000 }, async () => {
    const users = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    const clients = new Map<string, Client>();
    for (const user of users) clients.set(user, await connect(server.url({ token: await token(user) })));
    const admins = [await connect(server.url({ token: await token('admin-1', { admin: true }) })), await connect(server.url({ token: await token('admin-2', { admin: true }) }))];
    for (const client of [...clients.values(), ...admins]) await client.until(() => client.count('connection') === 1);

    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const entries: StreamEntry[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (random() < 0.1) {
        entries.push(await server.rt.broadcast(example(GLOBAL_MESSAGE_TYPES[Math.floor(random() * GLOBAL_MESSAGE_TYPES.length)]!)));
      } else {
        const user = users[Math.floor(random() * users.length)]!;
        entries.push(await server.rt.publish(user, example(USER_MESSAGE_TYPES[Math.floor(random() * USER_MESSAGE_TYPES.length)]!)));
      }
    }
    const all = entries.map((e) => e.cursor);
    const deadline = Date.now() + DELIVERY_MS;
    const left = () => Math.max(1, deadline - Date.now());
    for (const admin of admins) await admin.until(() => admin.stream.length >= all.length, left(), 'admin stream');
    for (const admin of admins) expect(admin.stream.map((f) => f.cursor)).toEqual(all);
    let leaks = 0;
    for (const [user, client] of clients) {
      const own = entries.filter((e) => e.userId === user || e.userId === null).map((e) => e.cursor);
      await client.until(() => client.stream.length >= own.length, left(), `${user} stream`);
      const got = client.stream.map((f) => f.cursor!);
      const ownSet = new Set(own);
      leaks += got.filter((cursor) => !ownSet.has(cursor)).length;
      expect(got).toEqual(own);
    }
    expect(leaks).toBe(0);
    // The same frame (one serialization) went to every recipient: types and cursors as published.
    expect(admins[0]!.stream.map((f) => f.type)).toEqual(entries.map((e) => e.type));
    for (const client of [...clients.values(), ...admins]) client.ws.close();
  });

  it('publish refuses a global type and broadcast a per-user type, at run time too', () => {
    expect(() => server.rt.publish('u1', whale(1) as never)).toThrow(/^publish: "whale" is not a per-user message type \(x-audience: user\); use broadcast\(message\): it goes to every user$/);
    expect(() => server.rt.broadcast(trade() as never)).toThrow(/^broadcast: "trades" is not a global message type \(x-audience: global\); use publish\(userId, message\)/);
    expect(() => server.rt.publish('u1', { type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: '2026-01-14T16:30:00.000Z' } as never)).toThrow(/the server sends it on each connection itself/);
    expect(() => server.rt.broadcast({ type: 'ping', timestamp: 1 } as never)).toThrow(/"ping" is not a global message type .*the server sends it on each connection itself/);
    expect(() => server.rt.publish('', trade())).toThrow(new TypeError('publish: userId is not a non-empty string, got ""'));
    // What it got: a number from a database (`user.id`) read as an empty string did (tAP F10).
    expect(() => server.rt.publish(5 as never, trade())).toThrow(new TypeError('publish: userId is not a non-empty string, got 5'));
    expect(() => server.rt.publish(null as never, trade())).toThrow(new TypeError('publish: userId is not a non-empty string, got null'));
    // The arguments swapped: said which goes first (a fresh user got the first half only).
    expect(() => server.rt.publish(trade() as never, 'u1' as never)).toThrow(new TypeError('publish: userId is not a non-empty string, got an object; the message goes second: publish(userId, message)'));
    // No token names such a user (auth refuses it), and on Redis its stream was "\ufffd"'s.
    expect(() => server.rt.publish('\ud800', trade())).toThrow(new TypeError('publish: userId holds half a UTF-16 surrogate pair alone, got "\\ud800"'));
    expect(() => server.rt.publish('a\udc00', trade())).toThrow(TypeError);
    expect(server.rt.publish('\ud83d\ude00', trade())).toBeInstanceOf(Promise);
  });

  it('publish and broadcast say a message is not a message object, and show its type escaped (a fresh user: a frame serialized already read as "undefined" is not a per-user type)', () => {
    expect(() => server.rt.publish('u1', undefined as never)).toThrow(new TypeError('publish(userId, message) needs a message object, got nothing'));
    expect(() => server.rt.publish('u1', 'trades' as never)).toThrow(new TypeError('publish(userId, message) needs a message object, got "trades"'));
    expect(() => server.rt.publish('u1', JSON.stringify(trade()) as never)).toThrow(/^publish\(userId, message\) needs a message object, got "\{\\"type\\":\\"trades\\",.*\.\.\."; give the object, not its JSON text: the server serializes it$/);
    expect(() => server.rt.publish('u1', [trade()] as never)).toThrow(new TypeError('publish(userId, message) needs a message object, got an array of 1 item'));
    expect(() => server.rt.broadcast(null as never)).toThrow(new TypeError('broadcast(message) needs a message object, got null'));
    // A type that is not a string says what it is: 5 is a number, not the type "5".
    expect(() => server.rt.publish('u1', { ...trade(), type: 5 } as never)).toThrow(new TypeError('publish: message.type must be a string naming a per-user message type (x-audience: user), got 5'));
    expect(() => server.rt.broadcast({ data: {} } as never)).toThrow(new TypeError('broadcast: message.type must be a string naming a global message type (x-audience: global), got nothing'));
    // Escaped as validateMessage escapes what it quotes: no raw newline, ESC or bidi control to forge or hide a log line.
    const forged = () => server.rt.publish('u1', { ...trade(), type: 'x\n2026-12-04T16:00:00Z INFO admin login ok\u001b[2K\u202e' } as never);
    expect(forged).toThrow(new TypeError('publish: "x\\n2026-12-04T16:00:00Z INFO admin login ok\\u001b[2K\\u202e" is not a per-user message type (x-audience: user); not a message type of this contract'));
    expect(() => server.rt.broadcast({ ...whale(1), type: 'w\r\nhale' } as never)).toThrow(/^broadcast: "w\\r\\nhale" is not a global message type/);
  });

  it('counts as published what the store stored, not a publish it refused (a full Redis\'s were counted: a fresh user)', async () => {
    const store = new MemoryStreamStore();
    const own = await startServer({ store });
    try {
      await own.rt.publish('u1', trade('trade_kept'));
      const full = vi.spyOn(store, 'append').mockRejectedValueOnce(new Error('OOM command not allowed when used memory > maxmemory'));
      await expect(own.rt.publish('u1', trade('trade_refused'))).rejects.toThrow(/OOM/);
      full.mockRestore();
      expect(own.rt.stats().published).toBe(1);
    } finally {
      await own.rt.close();
    }
  });

  it('publish refuses a user id longer than 256 characters, as it refuses half a surrogate pair: no token names that user (README)', async () => {
    const before = server.rt.stats().published;
    expect(() => server.rt.publish('u'.repeat(257), trade())).toThrow(new TypeError(`publish: userId is longer than 256 characters, got "${'u'.repeat(57)}..."`));
    expect(() => server.rt.publish('\ud83d\ude00'.repeat(257), trade())).toThrow(TypeError);
    expect(server.rt.stats().published).toBe(before);
    // 256 characters, counted as the token's check counts them (129 emoji are 258 UTF-16 units): that user gets it.
    const longest = 'u'.repeat(256);
    const client = await connect(server.url({ token: await token(longest) }));
    await client.until(() => client.count('connection') === 1, 5000, 'the connection message');
    const entry = await server.rt.publish(longest, trade('trade_longest'));
    await client.until(() => client.stream.some((f) => f.cursor === entry.cursor), 5000, 'the trade');
    await expect(server.rt.publish('\ud83d\ude00'.repeat(129), trade())).resolves.toMatchObject({ type: 'trades' });
    client.ws.close();
  });

  it('an invalid message throws at the call site and is never stored or sent', async () => {
    const before = server.rt.stats().published;
    const bad = trade('trade_bad', { side: 'BUY' });
    expect(() => server.rt.publish('u1', bad)).toThrow(MessageValidationError);
    expect(() => server.rt.publish('u1', { ...trade(), cursor: 'forged.1' } as never)).toThrow(new TypeError('publish: the message holds a cursor ("forged.1"): the server assigns cursors; publish it without one (`const { cursor, ...message } = received`); nothing was sent'));
    expect(() => server.rt.broadcast({ ...whale(1), cursor: 'up1.42' } as never)).toThrow(new TypeError('broadcast: the message holds a cursor ("up1.42"): the server assigns cursors; broadcast it without one (`const { cursor, ...message } = received`); nothing was sent'));
    // Half a surrogate pair alone (a symbol cut inside an emoji): the schema passes it, UTF-8 and strict consumers do not (a hostile tester).
    const cut = trade('trade_cut', { symbol: 'BTC-\ud83d' as never });
    expect(() => server.rt.publish('u1', cut)).toThrow(/^invalid trades message: \/data\/symbol expected text whose surrogate escapes come in pairs/);
    expect(() => server.rt.broadcast({ ...whale(1), data: { ...whale(1).data, signal: '\udfff' } } as never)).toThrow(MessageValidationError);
    // With the keyword README names (Validating messages: keyword `loneSurrogate`; tBL F4).
    for (const send of [() => server.rt.publish('u1', cut), () => server.rt.broadcast({ ...whale(1), data: { ...whale(1).data, signal: '\udfff' } } as never)]) {
      expect(send).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ keyword: 'loneSurrogate' })] }));
    }
    // What is checked is the text that goes out: an ORM document's `toJSON` (a hostile tester's
    // class went out with `_id` and `__v` after the object passed), or a getter read twice.
    class TradeDocument {
      constructor(fields: object) {
        Object.assign(this, fields);
      }
      toJSON() {
        return { ...this, _id: 'abc', __v: 0 };
      }
    }
    expect(() => server.rt.publish('u1', { ...trade(), data: new TradeDocument(trade().data) } as never)).toThrow(/^invalid trades message: \/data\/_id expected no property "_id"/);
    let reads = 0;
    const fickle = { ...trade(), data: { ...trade().data } };
    Object.defineProperty(fickle.data, 'side', { enumerable: true, get: () => (reads++ === 0 ? 'buy' : 'hold') });
    expect(() => server.rt.publish('u1', fickle as never)).toThrow(/^invalid trades message: \/data\/side expected one of "buy", "sell", got "hold"/);
    expect(server.rt.stats().published).toBe(before);
  });
});

describe('validation switch', () => {
  it('with validation on or off, a message whose JSON text is {} or holds a cursor of its own is a TypeError at the call site, and the others go out as JSON with one cursor (`{,"cursor":…}` and `"cursor":"old.1","cursor":…` were stored and sent: tCA F2, F3)', async () => {
    for (const validateOutbound of [false, true]) {
      const server = await startServer({ validateOutbound });
      try {
        const socket = await connect(server.url({ token: await token('u1') }));
        const raw: string[] = [];
        socket.ws.on('message', (data) => raw.push(String(data)));
        await socket.until(() => socket.count('connection') === 1);
        const published = server.rt.stats().published;
        class Stored {
          toJSON() {
            return { ...trade(), cursor: 'old.1' };
          }
        }
        const wrong = [{ ...trade(), toJSON: () => ({}) }, Object.create(trade()), Object.assign(new Stored(), trade()), { ...trade(), toJSON: () => ({ ...trade(), cursor: 'old.1' }) }];
        const errors = wrong.map((message) => {
          try {
            void server.rt.publish('u1', message as never);
            return 'published';
          } catch (error) {
            return `${(error as Error).name}: ${(error as Error).message}`;
          }
        });
        // (With validation, an object with a `toJSON` key, or a text without `type`, is invalid first.)
        const empty = validateOutbound ? expect.stringMatching(/^MessageValidationError: /) : 'TypeError: publish: the message\'s JSON text is {}, no field (from its toJSON, or fields inherited: Object.create?); nothing was sent';
        const cursor = 'TypeError: publish: the server assigns cursors: the message\'s JSON text holds one (from its toJSON?); nothing was sent';
        expect(errors, `validateOutbound ${validateOutbound}`).toEqual([empty, empty, cursor, validateOutbound ? expect.stringMatching(/^MessageValidationError: /) : cursor]);
        expect(server.rt.stats().published).toBe(published);
        // Nothing of them was sent: the next message is the socket's first stream frame, JSON with one cursor, the server's.
        const entry = await server.rt.publish('u1', trade());
        await socket.until(() => socket.count('trades') === 1);
        const frames = raw.filter((frame) => frame.includes('"trades"'));
        expect(frames.map((frame) => [JSON.parse(frame).cursor, frame.split('"cursor"').length - 1])).toEqual([[entry.cursor, 1]]);
      } finally {
        await server.rt.close();
      }
    }
  });

  it('with validation off, a message whose toJSON gives nothing (or not an object) is a TypeError at the call site, nothing stored or counted (it was an internal "reading \'slice\'" from the store: a fresh user)', async () => {
    const production = await startServer({ validateOutbound: false });
    try {
      const first = await production.rt.publish('u1', trade());
      const published = production.rt.stats().published;
      const nothing = { ...trade(), toJSON: () => undefined };
      expect(() => production.rt.publish('u1', nothing as never)).toThrow(new TypeError('publish: the message has no JSON text (JSON.stringify gives nothing: a toJSON that returns undefined?); nothing was sent'));
      expect(() => production.rt.broadcast({ ...whale(1), toJSON: () => undefined } as never)).toThrow(/^broadcast: the message has no JSON text/);
      expect(() => production.rt.publish('u1', { ...trade(), toJSON: () => 'trades' } as never)).toThrow(new TypeError('publish: the message\'s JSON text must be an object, got "\\"trades\\"" (from its toJSON?); nothing was sent'));
      expect(() => production.rt.publish('u1', { ...trade(), toJSON: () => [1] } as never)).toThrow(TypeError);
      // What JSON.stringify throws is thrown as it is, uncounted too.
      const cyclic: Record<string, unknown> = { ...trade() };
      cyclic.self = cyclic;
      expect(() => production.rt.publish('u1', cyclic as never)).toThrow(/circular/);
      expect(() => production.rt.publish('u1', { ...trade(), big: 1n } as never)).toThrow(/BigInt/);
      expect(production.rt.stats().published).toBe(published);
      // Nothing reached the store either: the next message takes the next position.
      const next = await production.rt.publish('u1', trade());
      expect(Number(next.cursor.split('.')[1])).toBe(Number(first.cursor.split('.')[1]) + 1);
    } finally {
      await production.rt.close();
    }
  });

  it('is off by default when NODE_ENV=production, and the option wins', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const production = await startServer();
    process.env.NODE_ENV = previous;
    const forced = await startServer({ validateOutbound: true });
    try {
      await expect(production.rt.publish('u1', trade('t', { side: 'BUY' }))).resolves.toMatchObject({ type: 'trades' });
      expect(() => forced.rt.publish('u1', trade('t', { side: 'BUY' }))).toThrow(MessageValidationError);
    } finally {
      await production.rt.close();
      await forced.rt.close();
    }
  });
});

/** A TCP connection to `port` on 127.0.0.1, open: what it has received so far (latin1), and its close. */
async function rawConnection(port: number): Promise<{ write: (text: string) => void; destroy: () => void; readonly text: string; closed: Promise<unknown> }> {
  const socket = tcp(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.once('close', resolve));
  return { write: (text) => void socket.write(text), destroy: () => void socket.destroy(), get text() { return received; }, closed };
}

describe('an upgrade pipelined behind a held poll on one connection (a hostile tester)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.rt.close());

  it("is refused with the connection: its 101 went out first, and the poll's answer, alice's trade, into bob's socket; the poll, retried from its cursor, loses nothing", async () => {
    const alice = await token('alice');
    const bob = await token('bob');
    const { cursor } = (await (await fetch(server.http(`/api/ws/poll?token=${alice}`))).json()) as { cursor: string };
    const socket = await rawConnection(server.port);
    socket.write(
      `GET /api/ws/poll?token=${alice}&since=${cursor} HTTP/1.1\r\nHost: x\r\n\r\n` +
        `GET /api/ws?token=${bob} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    await socket.closed;
    expect(socket.text).not.toContain('101 Switching Protocols');
    expect(server.rt.stats().refusedUpgrades.pipelined).toBe(1);
    await server.rt.publish('alice', trade('alice-secret-trade'));
    const again = (await (await fetch(server.http(`/api/ws/poll?token=${alice}&since=${cursor}`))).json()) as { messages: { data: { id: string } }[] };
    expect(again.messages.map((m) => m.data.id)).toEqual(['alice-secret-trade']);
    // One request at a time on a keep-alive connection is served as before: a poll answered, then an upgrade.
    const sequential = await rawConnection(server.port);
    sequential.write(`GET /api/ws/poll?token=${alice} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await vi.waitFor(() => expect(sequential.text).toContain('"messages"'), { timeout: 5000 });
    sequential.write(`GET /api/ws?token=${bob} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    await vi.waitFor(() => expect(sequential.text).toContain('101 Switching Protocols'), { timeout: 5000 });
    sequential.destroy();
    expect(server.rt.stats().refusedUpgrades.pipelined).toBe(1);
  });
});

describe('a poll pipelined behind an unanswered request on one connection (tGH F1)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const log = (fields: Record<string, unknown>) => void lines.push(fields);
    server = await startServer({ logger: { info: log, warn: log, error: log } });
  });
  afterAll(() => server.rt.close());

  it('closes the connection unanswered: each answer waited in the server behind one its client had not read, a page each, for ever; the poll retried from its cursor loses nothing, and polls one at a time on a keep-alive connection are served, and refused as well once it pipelines', async () => {
    const alice = await token('alice-pipelines');
    const { cursor } = (await (await fetch(server.http(`/api/ws/poll?token=${alice}`))).json()) as { cursor: string };
    const socket = await rawConnection(server.port);
    // The first is held (nothing is new since its cursor): unanswered, whatever the timing, when the others arrive.
    socket.write(`GET /api/ws/poll?token=${alice}&since=${cursor} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(3));
    await socket.closed;
    expect(socket.text).toBe('');
    // The second and the third (read from the same packet): the connection counted once (each was: tGU F3), one line logged.
    expect(server.rt.stats().refusedPolls.pipelined).toBe(1);
    expect(lines.filter((line) => line.event === 'poll-refused')).toEqual([expect.objectContaining({ reason: 'pipelined', url: '/api/ws/poll?token=[redacted]&since=' + cursor })]);
    await server.rt.publish('alice-pipelines', trade('after-the-refusal'));
    const again = (await (await fetch(server.http(`/api/ws/poll?token=${alice}&since=${cursor}`))).json()) as { messages: { data: { id: string } }[]; cursor: string };
    expect(again.messages.map((m) => m.data.id)).toEqual(['after-the-refusal']);
    // One at a time on one connection: each answered.
    const sequential = await rawConnection(server.port);
    for (let i = 1; i <= 3; i++) {
      sequential.write(`GET /api/ws/poll?token=${alice} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await vi.waitFor(() => expect(sequential.text.split('HTTP/1.1 200 OK').length - 1).toBe(i), { timeout: 5000 });
      await vi.waitFor(() => expect(sequential.text.split('"messages"').length - 1).toBe(i), { timeout: 5000 });
    }
    expect(server.rt.stats().refusedPolls.pipelined).toBe(1);
    // The same connection, its three polls answered, now pipelines three held ones: refused as on a fresh connection. An
    // answered poll freed its count once (not once on 'finish' and again on 'close', which left it at -3 and let the next
    // three wait in the server: tGS F8).
    const last = [...sequential.text.matchAll(/"cursor":"([^"]+)"/g)].at(-1)![1]!;
    const answered = sequential.text.length;
    sequential.write(`GET /api/ws/poll?token=${alice}&since=${last} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(3));
    let closed = false;
    void sequential.closed.then(() => (closed = true));
    await vi.waitFor(() => expect(closed, 'the connection closed').toBe(true), { timeout: 5000 });
    expect(sequential.text.length).toBe(answered);
    // Counted once for the connection (tGU F3).
    expect(server.rt.stats().refusedPolls.pipelined).toBe(2);
    sequential.destroy();
  });

  it('counts a connection closed for it once, whatever Node read behind it (500 CORS preflights were 500 refused polls), and the poll it held, still authenticating, as no client that left (tGU F3)', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (fields: Record<string, unknown>) => void lines.push(fields);
    // Its token checked for 100 ms: the first poll is still authenticating when the others are read.
    let checked = (): void => undefined;
    const done = new Promise<void>((resolve) => (checked = resolve));
    const authenticate = async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Once what follows the check has run.
      setImmediate(checked);
      return { userId: 'erin', admin: false };
    };
    const slow = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate, logger: { info: log, warn: log, error: log } });
    try {
      const preflight = 'OPTIONS /api/ws/poll HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: GET\r\n\r\n';
      const socket = await rawConnection(slow.port);
      socket.write('GET /api/ws/poll HTTP/1.1\r\nHost: x\r\n\r\n' + preflight.repeat(500));
      await socket.closed;
      // The first poll's check ends after the close: nothing more is counted for it.
      await done;
      expect(slow.rt.stats().refusedPolls).toEqual({ pipelined: 1 });
      expect(lines.map((line) => `${String(line.event)} ${String(line.reason)}`)).toEqual(['poll-refused pipelined']);
    } finally {
      await slow.rt.close();
    }
  });
});

describe('requests read from one packet behind one already answered (tHH F2)', () => {
  it('are served in turn, not refused as pipelined: preflights behind a preflight, a poll behind a preflight, an upgrade behind a 404 or the app\'s answer; a poll behind a held poll is still refused', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = (fields: Record<string, unknown>) => void lines.push(fields);
    const server = await startServer({ logger: { info: log, warn: log, error: log }, handleHttp: (request, response) => (request.url === '/app' ? (response.end('app'), true) : false) });
    try {
      const alice = await token('alice-packs');
      const preflight = 'OPTIONS /api/ws/poll HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: GET\r\n\r\n';
      const poll = `GET /api/ws/poll?token=${alice} HTTP/1.1\r\nHost: x\r\n\r\n`;
      const upgrade = `GET /api/ws?token=${alice} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      const statuses = async (packet: string, count: number): Promise<string[]> => {
        const socket = await rawConnection(server.port);
        socket.write(packet);
        let closed = false;
        void socket.closed.then(() => (closed = true));
        // Each answered, or the connection closed (as a refusal closes it).
        await vi.waitFor(() => expect(closed || (socket.text.match(/HTTP\/1\.1 \d+/g) ?? []).length >= count).toBe(true), { timeout: 5000 });
        socket.destroy();
        return socket.text.match(/HTTP\/1\.1 \d+/g) ?? [];
      };
      // Each preflight's answer was out (to the kernel) before the next was read, but Node emits 'finish' later: the second was
      // refused as a poll pipelined behind an unanswered one, the connection closed, the third never answered.
      expect(await statuses(preflight.repeat(3), 3)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 204', 'HTTP/1.1 204']);
      expect(await statuses(preflight + poll, 2)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 200']);
      // An upgrade behind an answer given at once goes out after it: it was refused until that answer's 'close'.
      expect(await statuses('GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n' + upgrade, 2)).toEqual(['HTTP/1.1 404', 'HTTP/1.1 101']);
      expect(await statuses('GET /app HTTP/1.1\r\nHost: x\r\n\r\n' + upgrade, 2)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 101']);
      expect(server.rt.stats().refusedPolls).toEqual({});
      expect(server.rt.stats().refusedUpgrades).toEqual({});
      expect(lines.filter((line) => line.event === 'poll-refused' || line.event === 'upgrade-refused')).toEqual([]);
      // Behind a poll still unanswered (held: nothing new since its cursor), a poll, a preflight or an upgrade is refused as before.
      const { cursor } = (await (await fetch(server.http(`/api/ws/poll?token=${alice}`))).json()) as { cursor: string };
      const held = `GET /api/ws/poll?token=${alice}&since=${cursor} HTTP/1.1\r\nHost: x\r\n\r\n`;
      for (const behind of [held, preflight, upgrade]) expect(await statuses(held + behind, 2)).toEqual([]);
      expect(server.rt.stats().refusedPolls).toEqual({ pipelined: 2 });
      expect(server.rt.stats().refusedUpgrades).toEqual({ pipelined: 1 });
    } finally {
      await server.rt.close();
    }
  });
});

describe('a poll on a keep-alive connection right after an app\'s answer whose end() comes after its last byte (tGN F7, F3)', () => {
  it('is answered in its turn: a streamed file\'s body is all out before its stream\'s end calls end(), and the client that read it polls at once, pipelining nothing (one in ten was refused as pipelined); and a poll with Expect: 100-continue re-emitted by the app\'s checkContinue listener is one request, not two', async () => {
    const body = 'x'.repeat(2000);
    const http = createHttpServer((request, response) => {
      if (!request.url?.startsWith('/file')) return;
      response.writeHead(200, { 'content-length': body.length });
      response.write(body);
      // As a read stream's 'end' does, later than its last byte: here well after the client has read it and polled.
      setTimeout(() => response.end(), 300);
    });
    http.on('checkContinue', (request, response) => {
      response.writeContinue();
      http.emit('request', request, response);
    });
    const rt = createRealtimeServer({ server: http, jwt: { secret: SECRET } });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const port = (http.address() as AddressInfo).port;
      const alice = await token('alice-streams');
      const socket = await rawConnection(port);
      socket.write('GET /file HTTP/1.1\r\nHost: x\r\n\r\n');
      await vi.waitFor(() => expect(socket.text.endsWith(body)).toBe(true), { timeout: 5000 });
      socket.write(`GET /api/ws/poll?token=${alice} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await vi.waitFor(() => expect(socket.text).toContain('"messages"'), { timeout: 5000 });
      socket.destroy();
      // Expect: 100-continue, on a connection of its own.
      const expecting = await rawConnection(port);
      expecting.write(`GET /api/ws/poll?token=${alice} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n`);
      await vi.waitFor(() => expect(expecting.text).toContain('"messages"'), { timeout: 5000 });
      expecting.destroy();
      expect(rt.stats().refusedPolls).toEqual({});
    } finally {
      await rt.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
