import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.js';
import { FIXTURES } from '../support/fixtures.js';
import { checkPollResponse } from '../../src/server/poll-response.js';

const contract = await loadContract('schemas');
// Shipped in the package (`spec/`): the `@see websocket-message-schemas.md` comments cite it.
const SPEC = path.resolve(import.meta.dirname, '../../schemas/websocket-message-schemas.md');
const SHARED_SPEC = path.resolve('../shared/spec/websocket-message-schemas.md');

/** The JSON examples of the spec, as text, in order (the envelope sketch is not JSON). */
function specExamples(markdown: string): string[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .filter((block) => {
      try {
        JSON.parse(block);
        return true;
      } catch {
        return false;
      }
    });
}

describe('schemas', () => {
  it('has one message schema per message type of the spec, in spec order', () => {
    expect(contract.messages.map((m) => m.type)).toEqual([
      'connection', 'ping', 'pong', 'trades', 'bots', 'balances', 'decisions', 'metrics',
      'whale', 'alerts', 'system_health', 'wallet', 'ai_tasks', 'error',
    ]);
  });

  it('splits messages by direction: only ping and pong go from client to server, and they go both ways', () => {
    expect(contract.messages.filter((m) => m.directions.includes('client-to-server')).map((m) => m.type)).toEqual(['ping', 'pong']);
    expect(contract.messages.filter((m) => !m.directions.includes('server-to-client')).map((m) => m.type)).toEqual([]);
  });

  // tEY F5: ping.timestamp said "When the server sent the ping" and pong.timestamp "so the server can match", though a client pings too since v1.1.
  it('describes the ping and pong timestamps for both directions, as the messages go both ways', () => {
    const raw = (file: string) => JSON.parse(readFileSync(path.join('schemas', file), 'utf8')) as { properties: { timestamp: { description: string } } };
    for (const file of ['ping.json', 'pong.json']) {
      const description = raw(file).properties.timestamp.description;
      expect(description).not.toMatch(/the server (sent|can match)/);
      expect(description).toContain('since protocol v1.1 a client too');
    }
    const reference = readFileSync('generated/docs/messages.md', 'utf8');
    expect(reference).toContain("When its sender (the server; since protocol v1.1 a client too) sent the ping, by the sender's clock");
    expect(reference).not.toContain('When the server sent the ping');
  });

  // tEY F6: PollResponse.messages promised "each with its `cursor`", which the schema (and so the validators and types) does not require.
  it("describes PollResponse.messages' cursor as optional, as the schema has it and validates it", () => {
    const raw = JSON.parse(readFileSync('schemas/poll-response.json', 'utf8')) as { properties: { messages: { description: string } } };
    const description = raw.properties.messages.description;
    expect(description).not.toContain('each with its `cursor`');
    expect(description).toContain('its `cursor` optional as there');
    expect(readFileSync('generated/docs/messages.md', 'utf8')).toContain('each as the socket carries it, its `cursor` optional as there');
    const poll = JSON.parse(readFileSync(path.join(FIXTURES, 'delivery/poll-response/valid/resumed-two-messages.json'), 'utf8')) as { messages: Record<string, unknown>[] };
    expect(poll.messages.length).toBeGreaterThan(0);
    for (const message of poll.messages) delete message.cursor;
    expect(checkPollResponse(JSON.stringify(poll))).toBeNull();
  });

  it('gives every message an audience and a delivery class, with the reason in its description', () => {
    const audiences = Object.fromEntries(contract.messages.map((m) => [m.type, m.audience]));
    expect(audiences).toEqual({
      connection: 'connection', ping: 'connection', pong: 'connection', error: 'connection',
      trades: 'user', bots: 'user', balances: 'user', decisions: 'user', metrics: 'user', alerts: 'user', wallet: 'user', ai_tasks: 'user',
      whale: 'global', system_health: 'global',
    });
    const states = Object.fromEntries(contract.messages.filter((m) => m.delivery.class === 'state').map((m) => [m.type, m.delivery]));
    expect(states).toEqual({
      bots: { class: 'state', key: '/data/id' },
      balances: { class: 'state', key: '/data/platform' },
      metrics: { class: 'state', key: null },
      system_health: { class: 'state', key: null },
      ai_tasks: { class: 'state', key: '/data/task_id' },
    });
    for (const message of contract.messages) {
      // Every state key points at a required field of the message, so every message of the type has one.
      if (message.delivery.class === 'state' && message.delivery.key !== null) {
        const [, data, field] = message.delivery.key.split('/');
        const definition = Object.values(message.schema.definitions ?? {})[0]!;
        expect(data).toBe('data');
        expect(definition.required, message.type).toContain(field);
      }
      expect(message.schema.description, message.type).toMatch(message.audience === 'connection' ? /socket/ : /user|platform|market/);
    }
  });

  it('keeps every JSON example of the spec, unchanged, as a schema example and a valid fixture', () => {
    const examples = specExamples(readFileSync(SPEC, 'utf8'));
    expect(examples).toHaveLength(contract.messages.length);
    for (const text of examples) {
      const example = JSON.parse(text) as { type: string };
      const message = contract.messages.find((m) => m.type === example.type)!;
      expect(message.schema.examples, example.type).toContainEqual(example);
      expect(readFileSync(path.join(FIXTURES, 'valid/spec', `${example.type}.json`), 'utf8')).toBe(text);
    }
  });

  // The team's copy of the spec lives beside the repository, not in a clone of it.
  const sharedSpec = existsSync(SHARED_SPEC);
  it.skipIf(!sharedSpec)(`vendors the current spec${sharedSpec ? '' : ' (skipped: no ../shared/spec/websocket-message-schemas.md beside the repository to compare with)'}`, () => {
    expect(readFileSync(SPEC, 'utf8')).toBe(readFileSync(SHARED_SPEC, 'utf8'));
  });

  it('uses the envelope { type, data, ts } for every message but ping and pong, with an optional cursor on stream messages', () => {
    for (const message of contract.messages) {
      const keys = Object.keys(message.schema.properties ?? {}).sort();
      const cursor = message.audience !== 'connection' || message.type === 'connection';
      if (message.type === 'ping' || message.type === 'pong') expect(keys).toEqual(['timestamp', 'type']);
      else expect(keys, message.type).toEqual(cursor ? ['cursor', 'data', 'ts', 'type'] : ['data', 'ts', 'type']);
      expect(message.schema.required).toEqual(message.enveloped ? ['type', 'data', 'ts'] : ['type', 'timestamp']);
    }
  });

  it('describes every field, so types and docs can say what it means', () => {
    const undescribed: string[] = [];
    const visit = (node: Record<string, unknown>, where: string) => {
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== 'string' && child.$ref === undefined) undescribed.push(`${where}.${name}`);
        visit(child, `${where}.${name}`);
      }
    };
    for (const [file, schema] of contract.files) {
      visit(schema, file);
      for (const [name, definition] of Object.entries(schema.definitions ?? {})) {
        if (typeof definition.description !== 'string') undescribed.push(`${file}#/definitions/${name}`);
        visit(definition, `${file}#/definitions/${name}`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('lets balances name "all" besides the exchanges and nothing else', () => {
    const platform = contract.files.get('balances.json')!.definitions!.BalancesData!.properties!.platform!;
    const exchanges = contract.definitions.definitions!.Platform!.enum!;
    expect(platform.enum).toEqual([...exchanges, 'all']);
  });
});
