import { describe, expect, it } from 'vitest';
import { type SchemaNode } from '../../src/contract/index.js';
import { editedSchemas } from '../support/edited-schemas.js';

/**
 * Refusals of the loader and the bundle that no other test reached: each was removed by hand
 * (a mutation tester) and every test still passed. A contract that breaks one of them must be
 * refused by `loadContract` (so by `generate`), at the place to fix.
 */

const { loadError } = editedSchemas('more-refusals-');

describe('two schema files defining the same definition name', () => {
  it('are refused, naming both files (the bundle keys definitions by name: one type would silently take the other\'s shape)', async () => {
    const error = await loadError({
      'trades.json': (schema) => ({
        ...schema,
        definitions: { ...schema.definitions, BotData: { title: 'BotData', type: 'object', properties: { other: { type: 'string' } }, additionalProperties: false } },
      }),
    });
    expect(error.message).toMatch(/definition name "BotData" is also used in/);
    const named = `${error.file} ${error.message}`;
    expect(named).toContain('bots.json');
    expect(named).toContain('trades.json');
    expect(error.pointer).toBe('/definitions/BotData');
  });
});

describe('a message schema whose pieces are present but wrong', () => {
  it('refuses an empty examples list (README: a message schema needs examples)', async () => {
    const error = await loadError({ 'trades.json': (schema) => ({ ...schema, examples: [] }) });
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/examples' });
    expect(error.message).toMatch(/at least one example/);
  });

  it('refuses an event x-delivery with a key (a state meant, the key would be ignored)', async () => {
    const error = await loadError({ 'trades.json': (schema) => ({ ...schema, 'x-delivery': { class: 'event', key: '/data/id' } }) });
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/x-delivery' });
    expect(error.message).toContain('{ "class": "event" }');
  });

  it('refuses a user audience on a message that is never sent to a client', async () => {
    const error = await loadError({ 'trades.json': (schema) => ({ ...schema, 'x-direction': 'client-to-server' }) });
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/x-audience' });
    expect(error.message).toMatch(/"user" audience needs the server-to-client direction/);
  });
});

describe('protocol.json x-close-codes', () => {
  it('refuses a code past 4999 (RFC 6455 gives applications 4000–4999; ws cannot send 5000)', async () => {
    const error = await loadError({
      'protocol.json': (schema) => {
        const codes = (schema as { 'x-close-codes': { code: number }[] })['x-close-codes'];
        return { ...schema, 'x-close-codes': codes.map((entry, index) => (index === codes.length - 1 ? { ...entry, code: 5000 } : entry)) } as SchemaNode;
      },
    });
    expect(error.file).toBe('protocol.json');
    expect(error.pointer).toMatch(/^\/x-close-codes\/\d+$/);
    expect(error.message).toMatch(/4000–4999/);
  });
});
