import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { validateMessage } from '../src/runtime/validate.js';
import { CLIENT_MESSAGE_TYPES, MESSAGE_TYPES, POLL_PATH, SERVER_MESSAGE_TYPES, WEBSOCKET_PATH } from '../generated/contract.js';

const text = readFileSync('generated/asyncapi.json', 'utf8');
const doc = JSON.parse(text) as Record<string, any>;
const parser = new Parser();

/** Diagnostics at error (0) or warning (1) severity; information (2) and hints (3), such as "use 3.1.0", pass. */
async function problems(source: string) {
  const { diagnostics } = await parser.parse(source);
  return diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.message} at ${d.path.join('/')}`);
}

describe('generated/asyncapi.json', () => {
  it('parses with @asyncapi/parser with no errors and no warnings', async () => {
    expect(await problems(text)).toEqual([]);
  });

  it('is checked by the parser: a $ref in draft-07 style (#/definitions/…) is reported, so the check above is live', async () => {
    const broken = structuredClone(doc);
    broken.components.schemas.TradesMessage.properties.data.$ref = '#/definitions/TradeData';
    expect(await problems(JSON.stringify(broken))).toEqual([expect.stringMatching(/^invalid-ref /)]);
  });

  it('describes the server wss://…/api/ws with the token query parameter through the WebSocket binding', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers.websocket).toMatchObject({ protocol: 'wss', pathname: WEBSOCKET_PATH });
    expect(doc.components.securitySchemes.token).toEqual(expect.objectContaining({ type: 'httpApiKey', in: 'query', name: 'token' }));
    expect(doc.channels.stream.bindings.ws).toMatchObject({ method: 'GET', query: { type: 'object', properties: { token: { type: 'string' }, since: { allOf: [{ $ref: '#/components/schemas/Cursor' }] } } } });
  });

  it('has every message with its schema and examples, and one operation per message and direction', () => {
    expect(Object.keys(doc.channels.stream.messages).sort()).toEqual([...MESSAGE_TYPES].sort());
    for (const type of MESSAGE_TYPES) {
      const message = doc.components.messages[type];
      expect(message.payload.$ref).toMatch(/^#\/components\/schemas\/[A-Za-z]+Message$/);
      expect(doc.components.schemas[message.payload.$ref.split('/').at(-1)]).toBeDefined();
      expect(message.examples.length).toBeGreaterThan(0);
      // The parser does not check examples against payloads: the contract's own validator does.
      for (const example of message.examples) expect(validateMessage(example.payload).ok, `${type} ${example.name}`).toBe(true);
    }
    const operations = Object.values(doc.operations) as { action: string; channel: { $ref: string }; messages: { $ref: string }[] }[];
    const byAction = (action: string) => operations.filter((o) => o.channel.$ref === '#/channels/stream' && o.action === action).map((o) => o.messages[0]!.$ref.split('/').at(-1)).sort();
    expect(byAction('send')).toEqual([...SERVER_MESSAGE_TYPES].sort());
    expect(byAction('receive')).toEqual([...CLIENT_MESSAGE_TYPES].sort());
  });

  it('describes the polling endpoint', () => {
    expect(doc.servers.polling).toMatchObject({ protocol: 'https', pathname: POLL_PATH });
    expect(doc.operations.sendPollResponse).toMatchObject({ action: 'send', bindings: { http: { method: 'GET' } }, messages: [{ $ref: '#/channels/poll/messages/PollResponse' }] });
    expect(doc.components.messages.PollResponse.payload).toEqual({ $ref: '#/components/schemas/PollResponse' });
  });

  // A Reference Object's siblings are ignored (AsyncAPI 3.0, as a draft-07 `$ref`'s): a field's own
  // description written beside its `$ref` never reached Studio, generator or modelina (a tester).
  it('gives every field its own description as a reader that ignores a $ref\'s siblings sees it', async () => {
    const bundled = JSON.parse(readFileSync('generated/schema/messages.schema.json', 'utf8')) as { definitions: Record<string, any> };
    const resolve = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];
    const seen = (node: any): any => (typeof node.$ref === 'string' ? seen(resolve(node.$ref)) : node);
    const differ: string[] = [];
    let checked = 0;
    for (const [name, definition] of Object.entries(bundled.definitions)) {
      for (const [key, property] of Object.entries<any>(definition.properties ?? {})) {
        if (typeof property.description !== 'string') continue;
        checked++;
        const read = seen(doc.components.schemas[name].properties[key]).description;
        if (read !== property.description) differ.push(`${name}.${key}: ${JSON.stringify(read)}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(differ).toEqual([]);
    const bindings = [doc.channels.stream.bindings.ws.query.properties.since, doc.operations.sendPollResponse.bindings.http.query.properties.since];
    for (const since of bindings) expect(seen(since).description).toMatch(/cursor/);

    // And as @asyncapi/parser, which the tools are built on, reports them.
    const { document } = await parser.parse(text);
    const payload = (type: string) => document!.messages().all().find((m) => m.id() === type)!.payload()!;
    expect(payload('pong').properties()!.timestamp!.description()).toBe(bundled.definitions.PongMessage.properties.timestamp.description);
    expect(payload('pong').properties()!.timestamp!.description()).toMatch(/echoed unchanged/);
    expect(payload('trades').properties()!.data!.properties()!.bot_id!.description()).toBe('Bot that executed trade.');
  });
});
