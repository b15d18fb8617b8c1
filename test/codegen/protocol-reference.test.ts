/**
 * The protocol reference (generated/docs/messages.md) and the AsyncAPI document say what the
 * reference server does on a real socket: the document a third-party client is written from
 * (a fresh tester found four places where it said otherwise: INTERNAL_ERROR listed as sent,
 * upgrade refusals without 503, `gap` "continues live", ping/pong operations with the
 * opposite direction).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAsyncApi } from '../../src/codegen/asyncapi.js';
import { emitDocs } from '../../src/codegen/docs/index.js';
import { loadContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/schema.js';
import { MemoryStreamStore } from '../../src/server/index.js';
import { connect, refusedStatus, startServer, token, trade } from '../server/helpers.js';

const SCHEMAS = new URL('../../schemas', import.meta.url).pathname;

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
