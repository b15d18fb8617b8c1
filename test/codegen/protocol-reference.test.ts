/**
 * The protocol reference (generated/docs/messages.md) and the AsyncAPI document say what the
 * reference server does on a real socket: the document a third-party client is written from
 * (a fresh tester found four places where it said otherwise: INTERNAL_ERROR listed as sent,
 * upgrade refusals without 503, `gap` "continues live", ping/pong operations with the
 * opposite direction).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAsyncApi } from '../../src/codegen/asyncapi.js';
import { emitDocs } from '../../src/codegen/docs/index.js';
import { loadContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/schema.js';
import { createMessage } from '../../src/runtime/builders.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { MemoryStreamStore } from '../../src/server/index.js';
import { balance, connect, refusedStatus, SECRET, startServer, token, trade, type Client } from '../server/helpers.js';

const SCHEMAS = new URL('../../schemas', import.meta.url).pathname;
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** README's "Decisions the spec leaves open", its lines joined. */
const DECISIONS = README.slice(README.indexOf('## Decisions the spec leaves open'), README.indexOf('\n## ', README.indexOf('## Decisions the spec leaves open') + 1)).replace(/\n +/g, ' ');

/** A memory store whose reads fail, healthy or not as told. */
class FailingStore extends MemoryStreamStore {
  failReads = false;
  reportHealthy = true;
  override read(...args: Parameters<MemoryStreamStore['read']>): ReturnType<MemoryStreamStore['read']> {
    return this.failReads ? Promise.reject(new Error('store down')) : super.read(...args);
  }
  override status(): ReturnType<MemoryStreamStore['status']> {
    return this.reportHealthy ? super.status() : { healthy: false, detail: 'down' };
  }
}

/** The part of the Markdown from a `## ` heading to the next one. */
function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  return end === -1 ? doc.slice(start) : doc.slice(start, end);
}

describe('the protocol reference and AsyncAPI against the reference server', () => {
  let contract: Contract;
  let doc: string;
  let asyncapi: Record<string, any>;

  beforeAll(async () => {
    contract = await loadContract(SCHEMAS);
    doc = emitDocs(contract).get('docs/messages.md')!;
    asyncapi = buildAsyncApi(contract) as Record<string, any>;
  });

  it('INTERNAL_ERROR: where the server fails to process it closes with 1011 and sends no error message, and the docs say so rather than list the code as sent', async () => {
    const store = new FailingStore();
    const server = await startServer({ store, logger: { info: () => {}, warn: () => {}, error: () => {} } });
    try {
      store.failReads = true;
      const client = await connect(server.url({ token: await token('u1') }));
      expect(await client.closed).toBe(1011);
      expect(client.frames.filter((frame) => frame.type === 'error')).toEqual([]);
    } finally {
      await server.rt.close();
    }
    const entry = contract.protocol.errorCodes.find((e) => e.code === 'INTERNAL_ERROR')!;
    expect(entry.description).toMatch(/reference server never sends it/);
    expect(entry.description).toMatch(/1011/);
    const row = section(doc, 'Error handling').split('\n').find((line) => line.includes('| `INTERNAL_ERROR` |'))!;
    expect(row).toMatch(/never sends it.*1011/);
    expect(section(doc, 'Error handling')).not.toMatch(/The codes the reference server sends:/);
    expect(asyncapi.info['x-error-codes'].find((e: { code: string }) => e.code === 'INTERNAL_ERROR').description).toBe(entry.description);
  });

  it('upgrade refusals: the server answers 503 with Retry-After while its store is down, and the docs and AsyncAPI name 503 as a refusal to retry after Retry-After', async () => {
    const store = new FailingStore();
    const server = await startServer({ store });
    try {
      store.reportHealthy = false;
      const { status, headers } = await refusedStatus(server.url({ token: await token('u1') }));
      expect(status).toBe(503);
      expect(headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await server.rt.close();
    }
    const authentication = contract.protocol.connection.authentication;
    expect(authentication).toMatch(/503: [^.]*\(its stream store is unhealthy/);
    expect(authentication).toMatch(/retry with the same token after `Retry-After`/);
    for (const status of [400, 401, 403, 404, 405, 426, 429, 431]) expect(authentication, String(status)).toContain(String(status));
    expect(section(doc, 'Connecting')).toContain(authentication.replace(/</g, '&lt;').replace(/>/g, '&gt;').slice(0, 40));
    expect(section(doc, 'Connecting')).toMatch(/503: the server cannot check the token/);
    expect(section(doc, 'Close codes')).not.toMatch(/\(401, 403, 429\)/);
    expect(section(doc, 'Close codes')).toMatch(/503/);
    expect(asyncapi.servers.websocket.description).toBe(authentication);
    expect(asyncapi.channels.stream.bindings.ws.query.properties.token.description).toMatch(/503 to retry with the same token after `Retry-After`/);
  });

  it('gap: the server first sends what it still holds after the cursor, and the docs say so rather than "continues live"', async () => {
    const store = new MemoryStreamStore();
    const server = await startServer({ store });
    try {
      const held = [await server.rt.publish('alice', trade('held_0')), await server.rt.publish('alice', trade('held_1'))];
      const client = await connect(server.url({ token: await token('alice'), since: `old${store.epoch}.7` }));
      await client.until(() => client.stream.length === 2);
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'gap' } });
      expect(client.stream.map((frame) => frame.cursor)).toEqual(held.map((entry) => entry.cursor));
      client.ws.close();
    } finally {
      await server.rt.close();
    }
    const resume = (contract.definitions.definitions as Record<string, { description: string }>).ResumeStatus!.description;
    expect(resume).not.toMatch(/continues live/);
    expect(resume).toMatch(/first whatever the server still holds after it/);
    expect(resume).toMatch(/may already be in the refetched state/);
    const delivery = section(doc, 'Delivery and resume');
    expect(delivery).not.toMatch(/refetch state, then go on\./);
    expect(delivery).toMatch(/first whatever the server still holds after it \(possibly nothing\), in order, then the live stream/);
    const pollResume = section(doc, 'Polling fallback').split('\n').find((line) => line.startsWith('| `resume` |'))!;
    expect(pollResume).toMatch(/`messages` then holds what the server still has after `since`/);
  });

  it("AsyncAPI: each operation of a message sent both ways is summarised with its own direction (receivePing was 'Server → Client ping')", () => {
    const both = contract.messages.filter((m) => m.directions.length > 1);
    expect(both.map((m) => m.type).sort()).toEqual(['ping', 'pong']);
    for (const message of both) {
      const name = message.type.charAt(0).toUpperCase() + message.type.slice(1);
      const send = asyncapi.operations[`send${name}`];
      const receive = asyncapi.operations[`receive${name}`];
      expect(send.summary).toMatch(/^server → client: /);
      expect(receive.summary).toMatch(/^client → server: /);
      for (const summary of [send.summary, receive.summary]) {
        // Only the operation's own arrow: no second direction in the sentence after it.
        expect(summary.replace(/^(server|client) → (server|client): /, ''), summary).not.toMatch(/server\s*→\s*client|client\s*→\s*server/i);
      }
      expect(asyncapi.components.messages[message.type].summary).not.toMatch(/server\s*→\s*client|client\s*→\s*server/i);
    }
    expect(asyncapi.operations.receivePing.summary).toBe('client → server: Ping to keep connection alive.');
    expect(asyncapi.operations.sendPong.summary).toBe('server → client: Response to ping.');
  });
});

/**
 * Contract decisions a fresh tester (tY F1–F3) met on the wire with nothing saying so: the
 * contract stays as it is (no keyword changes in v1.x); the schema descriptions (so the docs
 * and types) and README's "Decisions the spec leaves open" state each, and what to send.
 */
describe('contract decisions stated where a user reads them', () => {
  const read = loadedReference();
  const description = read.description;

  it("a cancelled trade with quantity 0 is refused by the server; the quantity's description and README say to send the order's quantity", async () => {
    const server = await startServer({ validateOutbound: true });
    try {
      await expect((async () => server.rt.publish('alice', trade('t_cancelled', { status: 'cancelled', quantity: 0, price: 0, total: 0, fee: 0 })))()).rejects.toThrow(/\/data\/quantity/);
      await server.rt.publish('alice', trade('t_cancelled', { status: 'cancelled', quantity: 0.001, price: 0, total: 0, fee: 0 }));
    } finally {
      await server.rt.close();
    }
    const quantity = description('trades.json', '/definitions/TradeData/properties/quantity');
    expect(quantity).toMatch(/the order's quantity/);
    expect(quantity).toMatch(/`cancelled` or `failed` trade[^.]*carries the quantity ordered, not 0/);
    expect(DECISIONS).toMatch(/A trade's `quantity` is the order's, greater than 0 whatever its `status`/);
    expect(DECISIONS).toMatch(/carries the quantity ordered: send that, not 0/);
  });

  it('a system-wide alert cannot be broadcast; published per user an admin gets one copy each; the alerts descriptions and README say so', async () => {
    const server = await startServer();
    try {
      const system = { id: 'alert_sys', severity: 'critical', category: 'system', title: 'Maintenance', message: 'Trading paused', bot_id: null, platform: null, action_required: false, timestamp: '2026-01-14T16:30:00.000Z' } as const;
      await expect((async () => server.rt.broadcast(createMessage('alerts', system) as never))()).rejects.toThrow(/not a global message type/);
      const admin = await connect(server.url({ token: await token('root', { admin: true }) }));
      for (const user of ['alice', 'bob']) await server.rt.publish(user, createMessage('alerts', system));
      await admin.until(() => admin.stream.length === 2);
      expect(admin.stream.map((frame) => (frame.data as { id: string }).id)).toEqual(['alert_sys', 'alert_sys']);
      admin.ws.close();
    } finally {
      await server.rt.close();
    }
    expect(description('alerts.json', '/')).toMatch(/a system-wide alert \(`bot_id` null\) is published to each user it concerns, and an admin receives one copy per user/);
    expect(description('alerts.json', '/')).toMatch(/`system_health` \(global\)/);
    expect(description('alerts.json', '/definitions/AlertData/properties/bot_id')).toMatch(/published to each user it concerns/);
    expect(DECISIONS).toMatch(/\*\*Alerts are per user\*\*/);
    expect(DECISIONS).toMatch(/an admin then receives one copy per user/);
  });

  it("an admin's socket gets two users' metrics and balances alike, with nothing saying whose; the docs, descriptions and README state the limit", async () => {
    const server = await startServer();
    try {
      const admin = await connect(server.url({ token: await token('root', { admin: true }) }));
      const metrics = (pnl: number) => createMessage('metrics', { total_pnl: pnl, total_pnl_percent: 12.5, active_bots: 5, total_bots: 8, total_trades: 342, win_rate: 0.68, exposure: 0.45, risk_level: 'moderate', uptime_seconds: 86400, trades_per_hour: 2.5 });
      await server.rt.publish('alice', metrics(1250.5));
      await server.rt.publish('bob', metrics(-80));
      await server.rt.publish('alice', balance('luno', 1));
      await server.rt.publish('bob', balance('luno', 2));
      await admin.until(() => admin.stream.length === 4);
      const shape = (frame: Record<string, unknown>) => [Object.keys(frame).sort(), Object.keys(frame.data as object).sort()];
      expect(shape(admin.stream[0]!)).toEqual(shape(admin.stream[1]!));
      expect(shape(admin.stream[2]!)).toEqual(shape(admin.stream[3]!));
      expect(JSON.stringify(admin.stream)).not.toMatch(/alice|bob/);
      admin.ws.close();
    } finally {
      await server.rt.close();
    }
    for (const file of ['metrics.json', 'balances.json']) expect(description(file, '/'), file).toMatch(/A limit of v1\.x: the message carries no user id/);
    expect(section(read.doc, 'Delivery and resume')).toMatch(/\*\*Admin streams \(a limit of v1\.x\)\.\*\* A message carries no user id/);
    expect(DECISIONS).toMatch(/\*\*An admin's stream carries no user id\*\* \(a limit of v1\.x\)/);
    expect(DECISIONS).toMatch(/an admin dashboard shows these messages as they come/);
  });
});

/**
 * Decisions a spec conformance audit (tBP F1–F6) found made but not said where a reader who
 * compares the package to the spec looks: README's "Decisions the spec leaves open" (and, where
 * the reference describes the field, the schema descriptions) state each; the behaviour each
 * states is held here or by the test named beside it.
 */
describe('decisions the spec leaves open, stated in README and the reference (tBP)', () => {
  const read = loadedReference();
  const description = read.description;

  it("messages are ordered by cursor, not ts: a stream's producer ts, going backwards, is delivered, replayed and polled as given, in publish order; the descriptions and README say so (F1)", async () => {
    const server = await startServer();
    try {
      const jwt = await token('alice');
      const live = await connect(server.url({ token: jwt }));
      await live.until(() => live.count('connection') === 1);
      const from = live.frames[0]!.cursor!;
      const stamps = [new Date().toISOString(), new Date(Date.now() - 3_600_000).toISOString(), '2099-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'];
      const cursors: string[] = [];
      for (const [i, ts] of stamps.entries()) cursors.push((await server.rt.publish('alice', { ...trade(`t_order_${i}`), ts } as never)).cursor);
      await live.until(() => live.stream.length === 4);
      const seen = (frames: { cursor?: string; ts?: unknown; data?: Record<string, unknown> }[]) => frames.map((f) => [f.data!.id, f.ts, f.cursor]);
      const expected = stamps.map((ts, i) => [`t_order_${i}`, ts, cursors[i]]);
      expect(seen(live.stream)).toEqual(expected);
      const replay = await connect(server.url({ token: jwt, since: from }));
      await replay.until(() => replay.stream.length === 4);
      expect(replay.frames[0]).toMatchObject({ type: 'connection', data: { resume: 'resumed' } });
      expect(replay.stream).toEqual(live.stream);
      const polled = (await (await fetch(server.http(`/api/ws/poll?since=${from}`), { headers: { authorization: `Bearer ${jwt}` } })).json()) as { messages: { cursor?: string; ts?: unknown; data?: Record<string, unknown> }[] };
      expect(seen(polled.messages)).toEqual(expected);
      live.ws.close();
      replay.ws.close();
    } finally {
      await server.rt.close();
    }
    for (const file of ['trades.json', 'connection.json', 'error.json', 'system_health.json']) {
      expect(description(file, '/properties/ts'), file).toMatch(/its publisher's, stored and sent as given, never stamped nor checked by the server, so within a stream it may go backwards/);
      expect(description(file, '/properties/ts'), file).toMatch(/It does not order messages: `cursor` does\./);
    }
    expect(description('trades.json', '/properties/cursor')).toMatch(/delivered, replayed and polled in cursor order[^:]*: that order, not `ts`, is the stream's/);
    const envelope = section(read.doc, 'Message envelope');
    expect(envelope).toMatch(/\| `ts` \|[^\n]*never stamped nor checked by the server/);
    expect(envelope).toMatch(/\| `cursor` \|[^\n]*that order, not `ts`, is the stream's/);
    expect(DECISIONS).toMatch(/\*\*Messages are ordered by `cursor`, not by `ts`\*\*/);
    expect(DECISIONS).toMatch(/`ts` is the producer's: the server stores and sends it as given, never stamped nor checked against its clock/);
  });

  it('the server sends `connection` once per socket, connected over ws, as its first frame, and nothing more before a 4401 or 1001 close; the connection descriptions and README say the other values are the client\'s own (F2)', async () => {
    const server = await startServer({ jwt: { secret: SECRET, clockToleranceSec: 0 } });
    let expiring: Client, staying: Client;
    try {
      expiring = await connect(server.url({ token: await token('alice', { exp: Math.floor(Date.now() / 1000) + 2 }) }));
      staying = await connect(server.url({ token: await token('bob') }));
      expect(await expiring.closed).toBe(4401);
      await staying.until(() => staying.count('connection') === 1);
    } finally {
      await server.rt.close();
    }
    expect(await staying.closed).toBe(1001);
    for (const client of [expiring, staying]) {
      expect(client.frames[0]).toMatchObject({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' } });
      expect(client.frames.filter((frame) => frame.type === 'connection')).toHaveLength(1);
    }
    expect(description('connection.json', '/')).toMatch(/The reference server sends it once per socket, as its first message: `connected` over `ws`/);
    expect(description('connection.json', '/')).toMatch(/It never sends `disconnected`, `error` or `polling`/);
    expect(description('connection.json', '/definitions/ConnectionData/properties/status')).toMatch(/The reference server sends only `connected`/);
    expect(description('connection.json', '/definitions/ConnectionData/properties/mode')).toMatch(/The reference server sends only `ws`/);
    expect(read.doc).toMatch(/\| `data\.status` \|[^\n]*The reference server sends only `connected`/);
    expect(DECISIONS).toMatch(/\*\*The server sends `connection` once per socket, as `\{ "status": "connected", "mode": "ws" \}`\*\*/);
    expect(DECISIONS).toMatch(/the package client tells its app `disconnected`, `error` \(a refused token\) and `polling` itself/);
  });

  it("system_health's exchange_connections is an open map: `{}` and one without the spec's valr pass strict mode and are broadcast; the description and README list it among the exceptions (F3)", async () => {
    const health = (exchange_connections: Record<string, string>) => createMessage('system_health', { status: 'healthy', uptime: 86400, cpu_percent: 45.5, memory_percent: 62.3, disk_percent: 35, database: 'connected', redis: 'connected', exchange_connections, last_trade: null, error_rate: 0.01 } as never);
    const maps: Record<string, string>[] = [{}, { luno: 'connected', binance: 'connected', kucoin: 'connected', kraken: 'connected' }];
    for (const map of maps) expect(validateMessage(health(map), { mode: 'strict' }).ok, JSON.stringify(map)).toBe(true);
    const server = await startServer({ validateOutbound: true });
    try {
      const client = await connect(server.url({ token: await token('alice') }));
      await server.rt.broadcast(health({}) as never);
      await client.until(() => client.stream.length === 1);
      expect(client.stream[0]!.data).toMatchObject({ exchange_connections: {} });
      client.ws.close();
    } finally {
      await server.rt.close();
    }
    expect(description('system_health.json', '/definitions/SystemHealthData/properties/exchange_connections')).toMatch(/none is required: the spec example's five may be absent, and `\{\}` is valid/);
    expect(DECISIONS).toMatch(/are the optional exceptions, and so are the keys of `system_health`'s `exchange_connections`: an open map[^.]*`\{\}` passes/);
  });

  it('the protocol-level decisions are listed, each pointing to where it is detailed (F4-F6)', () => {
    // The behaviours are held elsewhere: keepalive.test.ts ("a client whose pongs echo another
    // timestamp…", "…refused as invalid…", "one timer pings every socket in the same round…"),
    // client.test.ts ("a ping the contract refuses…", "a normal close by the server (1000) is
    // not retried"), listen.test.ts ("reports an invalid ping and does not answer it…"),
    // inbound.test.ts ("rate limit: one RATE_LIMITED error, then 4429…"), delivery.test.ts
    // ("a long poll returns within a second of a publish…").
    for (const claim of [
      /\*\*A pong answers a ping only by echoing its `timestamp`\*\*/,
      /one with any key beyond `type` and `timestamp` \(the base structure's `ts` included\) is refused `INVALID_MESSAGE`; a socket whose pongs are all such is closed 4408/,
      /\*\*`ping`\/`pong` `timestamp` is an integer\*\*/,
      /invalid in both modes, tolerant included, so the package client does not answer it/,
      /`listen` reports it \(`ping \/timestamp expected an integer, got a number 1\.5`\) and does not answer it either/,
      /\*\*One ping timer for all sockets\*\*[^.]*a socket's first ping comes 0–30\.5 s after it opens/,
      /\*\*The package client does not reconnect after a close with 1000\*\*/,
      /\*\*Close codes and error codes\*\*/,
      /\*\*The polling fallback\*\*[^.]*`GET \/api\/ws\/poll\?since=<cursor>`/,
      /\*\*Rate limiting\*\*[^.]*20 messages a second per socket \(burst 40\); past it frames are dropped with one `RATE_LIMITED` error, and more than 20 dropped in a row close the socket with 4429/,
    ]) expect(DECISIONS).toMatch(claim);
    // Each link into the reference names one of its headings or anchors.
    const anchors = new Set([...read.doc.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
    for (const m of read.doc.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(m[1]!);
    const links = [...DECISIONS.matchAll(/\]\(generated\/docs\/messages\.md#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThanOrEqual(5);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });
});

/**
 * The contract and its generated reference, loaded in the `beforeAll` of the describe that calls
 * it: `contract`, `doc` (docs/messages.md) and `description(file, pointer)`, a schema node's text.
 */
function loadedReference(): { contract: Contract; doc: string; description: (file: string, pointer: string) => string } {
  const read = {
    contract: undefined as unknown as Contract,
    doc: '',
    description: (file: string, pointer: string) => {
      let node: any = read.contract.files.get(file);
      for (const part of pointer.split('/').filter(Boolean)) node = node[part];
      return node.description as string;
    },
  };
  beforeAll(async () => {
    read.contract = await loadContract(SCHEMAS);
    read.doc = emitDocs(read.contract).get('docs/messages.md')!;
  });
  return read;
}
