import { describe, expect, it } from 'vitest';
import { loadContract, resolveRef, type SchemaNode } from '../../src/contract/index.js';
import { editedSchemas } from '../support/edited-schemas.js';

/**
 * Refusals of the loader and the bundle that no other test reached: each was removed by hand
 * (a mutation tester) and every test still passed. A contract that breaks one of them must be
 * refused by `loadContract` (so by `generate`), at the place to fix.
 */

const { loadError, schemasWith } = editedSchemas('more-refusals-');

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

describe('a schema nested too deep through $refs, with no cycle', () => {
  /** `count` definitions in alerts.json, each one's `next` (a property, or its items) a $ref to the one after; the message's property `extra` refers to the first. */
  const chain = (count: number, slot: 'properties' | 'items') => (schema: SchemaNode): SchemaNode => {
    const definitions: Record<string, SchemaNode> = {};
    for (let i = 0; i < count; i++) {
      const next = { $ref: `#/definitions/Level${i + 1}` };
      definitions[`Level${i}`] = i === count - 1 ? { type: 'object' } : slot === 'items' ? { type: 'array', items: next } : { type: 'object', properties: { next } };
    }
    return { ...schema, definitions: { ...schema.definitions, ...definitions }, properties: { ...schema.properties, extra: { $ref: '#/definitions/Level0' } } };
  };

  it('is refused with the depth found, the $refs followed and a limit: it was told to look for $refs that lead back to where they start, when none does (450 levels: fxBS)', async () => {
    const error = await loadError({ 'alerts.json': chain(450, 'properties') });
    expect(error.file).toBe('alerts.json');
    expect(error.pointer).toBe('/properties/extra');
    expect(error.problem).toMatch(/^cannot be compiled: nested 451 schemas deep once its \$refs are followed \(450 \$refs, one inside the next: alerts\.json#\/definitions\/Level0 → alerts\.json#\/definitions\/Level1 → alerts\.json#\/definitions\/Level2 → … \(445 more\) → alerts\.json#\/definitions\/Level448 → alerts\.json#\/definitions\/Level449\), and ajv, which compiles a schema by recursion, ran out of stack \(.+\); keep the nesting within 100 levels/);
    expect(error.problem).not.toMatch(/lead back to where they start/);
  });

  it('a ring of 450 (the last $ref back to the first) is told it is a recursion, which generate refuses, not "depth, not a cycle" (tCP F1: shortened as told, it met the recursion refusal the message denied; tCQ F3: a deeper property on the ring\'s last definition)', async () => {
    const ring = (schema: SchemaNode): SchemaNode => {
      const withChain = chain(450, 'properties')(schema);
      return { ...withChain, definitions: { ...withChain.definitions, Level449: { type: 'object', properties: { next: { $ref: '#/definitions/Level0' } } } } };
    };
    const error = await loadError({ 'alerts.json': ring });
    expect(error.pointer).toBe('/definitions/Level449/properties/next/$ref');
    expect(error.problem).toMatch(/^\$ref "#\/definitions\/Level0" leads back to a schema it stands in \(alerts\.json#\/definitions\/Level0 → .*\): a recursive schema cannot be generated .* \(ajv ran out of stack compiling it, before it met that \$ref: /);
    expect(error.problem).not.toMatch(/not a cycle/);
    // One more property nested deeper on the last definition, so the deepest path ends there and not at the $ref back (tCQ F3).
    const deeper = await loadError({ 'alerts.json': (schema) => { const ringed = ring(schema); return { ...ringed, definitions: { ...ringed.definitions, Level449: { type: 'object', properties: { next: { $ref: '#/definitions/Level0' }, more: { type: 'object', properties: { x: { type: 'object' } } } } } } }; } });
    expect(deeper.problem).toMatch(/leads back to a schema it stands in/);
    expect(deeper.problem).not.toMatch(/not a cycle/);
  });

  it('beside a small recursion elsewhere in the file (a tree, which ajv compiles), is told its depth, not the tree: the tree was blamed as what ajv ran out of stack on "before it met that $ref" (tCW F1)', async () => {
    const tree: SchemaNode = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/Tree' } } } };
    const withTree = (schema: SchemaNode): SchemaNode => ({ ...schema, definitions: { ...schema.definitions, Tree: tree }, properties: { ...schema.properties, tree: { $ref: '#/definitions/Tree' } } });
    // The tree alone loads.
    await loadContract(schemasWith({ 'alerts.json': withTree }));
    const error = await loadError({ 'alerts.json': (schema) => chain(450, 'properties')(withTree(schema)) });
    expect(error.file).toBe('alerts.json');
    expect(error.pointer).toBe('/properties/extra');
    expect(error.problem).toMatch(/^cannot be compiled: nested 451 schemas deep once its \$refs are followed .*; keep the nesting within 100 levels \(no \$ref leads back here: this is depth, not a cycle\)$/);
    // The tree at the chain's end, on the deepest path: still the depth, the tree named as a ring ajv compiles.
    const atEnd = await loadError({
      'alerts.json': (schema) => {
        const chained = chain(450, 'properties')(schema);
        return { ...chained, definitions: { ...chained.definitions, Tree: tree, Level449: { type: 'object', properties: { next: { $ref: '#/definitions/Tree' } } } } };
      },
    });
    expect(atEnd.pointer).toBe('/properties/extra');
    expect(atEnd.problem).toMatch(/^cannot be compiled: nested 45\d schemas deep .*\(this is depth: the \$ref on the way that leads back, at alerts\.json#\/definitions\/Tree\/properties\/children\/items\/\$ref, closes a ring of 2 schemas, which ajv compiles\)$/);
  });

  it('of 3,001 levels is told its depth and place: the cycle check run first ran out of stack itself, and a bare "Maximum call stack size exceeded" left the loader (tCW F7)', async () => {
    const error = await loadError({ 'alerts.json': chain(3001, 'properties') });
    expect(error.file).toBe('alerts.json');
    expect(error.pointer).toBe('/properties/extra');
    expect(error.problem).toMatch(/^cannot be compiled: nested 3002 schemas deep once its \$refs are followed \(3001 \$refs, one inside the next: alerts\.json#\/definitions\/Level0 → .* → alerts\.json#\/definitions\/Level3000\), .*this is depth, not a cycle\)$/);
  });

  it('loads a chain within the limit it tells (100 levels, each an items $ref to the next)', async () => {
    const contract = await loadContract(schemasWith({ 'alerts.json': chain(100, 'items') }));
    expect(contract.files.get('alerts.json')!.definitions!.Level99).toEqual({ type: 'object' });
  });

  it('$refs that lead back to where they start, with no schema between, are named with their loop (they were left to be looked for)', async () => {
    const error = await loadError({
      'alerts.json': (schema) => ({ ...schema, definitions: { ...schema.definitions, A: { $ref: '#/definitions/B' }, B: { $ref: '#/definitions/A' } }, properties: { ...schema.properties, extra: { $ref: '#/definitions/A' } } }),
    });
    expect(error.file).toBe('alerts.json');
    expect(error.pointer).toBe('/definitions/A');
    expect(error.problem).toMatch(/^\$refs that lead back to where they start with no schema between \(alerts\.json#\/definitions\/A → alerts\.json#\/definitions\/B → alerts\.json#\/definitions\/A\)/);
  });
});

describe('a long loop of $refs, as a refusal names it (tCV F5)', () => {
  /** `count` definitions in alerts.json, `Ring0` … `Ring<count-1>`, each `link(next)` for the $ref to the one after, the last's back to `Ring0`; the message's property `extra` refers to the first. */
  const ringOf = (count: number, link: (ref: SchemaNode) => SchemaNode) => (schema: SchemaNode): SchemaNode => {
    const definitions: Record<string, SchemaNode> = {};
    for (let i = 0; i < count; i++) definitions[`Ring${i}`] = link({ $ref: `#/definitions/Ring${(i + 1) % count}` });
    return { ...schema, definitions: { ...schema.definitions, ...definitions }, properties: { ...schema.properties, extra: { $ref: '#/definitions/Ring0' } } };
  };
  const property = (next: SchemaNode): SchemaNode => ({ type: 'object', properties: { next } });
  const bare = (next: SchemaNode): SchemaNode => next;
  const key = (i: number) => `alerts.json#/definitions/Ring${i}`;

  it('a ring of 450 definitions is named by its first links, how many more, and its last two, the $ref back that closes it: all 450 were listed, one line of 17,876 characters', async () => {
    const error = await loadError({ 'alerts.json': ringOf(450, property) });
    expect(error.pointer).toBe('/definitions/Ring449/properties/next/$ref');
    expect(error.problem).toContain(`leads back to a schema it stands in (${key(0)} → ${key(1)} → ${key(2)} → … (446 more) → ${key(449)} → ${key(0)}): a recursive schema cannot be generated`);
    expect(error.problem).not.toContain(key(3));
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(1000);
  });

  it('a loop of 450 bare $refs, with no schema between, likewise: it listed every one', async () => {
    const error = await loadError({ 'alerts.json': ringOf(450, bare) });
    expect(error.pointer).toBe('/definitions/Ring0');
    expect(error.problem).toMatch(/^\$refs that lead back to where they start with no schema between \(/);
    expect(error.problem).toContain(`(${key(0)} → ${key(1)} → ${key(2)} → … (446 more) → ${key(449)} → ${key(0)}): they define nothing`);
    expect(error.problem).not.toContain(key(3));
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(1000);
  });

  it('a short loop is still listed whole (6 links: eliding one would save nothing)', async () => {
    const error = await loadError({ 'alerts.json': ringOf(5, bare) });
    expect(error.problem).toContain(`(${[0, 1, 2, 3, 4, 0].map(key).join(' → ')}): they define nothing`);
    expect(error.problem).not.toContain('more)');
  });
});

describe('a $ref whose "%" escape does not decode', () => {
  it('is refused at its place with what was expected and found, and the resolver says it resolves to nothing: it stopped the loader with a bare "URI malformed" (tCW F6)', async () => {
    for (const [ref, got] of [['#/definitions/100%', '"%"'], ['#/definitions/%E0', '"%E0"'], ['defs%ZZ.json#/x', '"%ZZ"']] as const) {
      const error = await loadError({ 'alerts.json': (schema) => ({ ...schema, properties: { ...schema.properties, extra: { $ref: ref } } }) });
      expect(error.file).toBe('alerts.json');
      expect(error.pointer).toBe('/properties/extra/$ref');
      expect(error.problem).toBe(`$ref ${JSON.stringify(ref)} resolves to nothing: expected a URI reference, each "%" followed by two hex digits of a UTF-8 character, got ${got} (a "%" in a name is written "%25")`);
      expect(resolveRef(new Map([['alerts.json', { definitions: {} }]]), 'alerts.json', ref)).toBeUndefined();
    }
  });

  it('"%25" for a "%" in a definition\'s name resolves', async () => {
    const contract = await loadContract(schemasWith({ 'alerts.json': (schema) => ({ ...schema, definitions: { ...schema.definitions, '100%': { type: 'string' } }, properties: { ...schema.properties, extra: { $ref: '#/definitions/100%25' } } }) }));
    expect(contract.files.get('alerts.json')!.properties!.extra).toEqual({ $ref: '#/definitions/100%25' });
  });
});

describe('a $ref to a definition whose schema is true or false', () => {
  // It was "resolves to nothing": the definition is there, spelt right (a tester, tDP F1).
  it('says what it resolves to and the form to write, in the same file and in another', async () => {
    const withAny = (value: boolean, ref: string) => (schema: SchemaNode) => ({ ...schema, definitions: { ...schema.definitions, Any: value as unknown as SchemaNode }, properties: { ...schema.properties, extra: { $ref: ref } } });
    let error = await loadError({ 'alerts.json': withAny(true, '#/definitions/Any') });
    expect(error).toMatchObject({ file: 'alerts.json', pointer: '/properties/extra/$ref' });
    expect(error.problem).toBe('$ref "#/definitions/Any" resolves to true (any value), which the contract does not read behind a $ref: write {} at #/definitions/Any, the same schema');
    error = await loadError({ 'alerts.json': withAny(false, '#/definitions/Any') });
    expect(error.problem).toBe('$ref "#/definitions/Any" resolves to false (no value is valid), which the Go and Python types cannot carry: leave out #/definitions/Any and every $ref to it');
    error = await loadError({
      'definitions.json': (schema) => ({ ...schema, definitions: { ...schema.definitions, Any: true as unknown as SchemaNode } }),
      'alerts.json': (schema) => ({ ...schema, properties: { ...schema.properties, extra: { type: 'array', items: { $ref: 'definitions.json#/definitions/Any' } } } }),
    });
    expect(error).toMatchObject({ file: 'alerts.json', pointer: '/properties/extra/items/$ref' });
    expect(error.problem).toContain('resolves to true (any value), which the contract does not read behind a $ref: write {} at definitions.json#/definitions/Any, the same schema');
  });
});

describe('a $id in a subschema', () => {
  it('is refused at its place as not supported: draft-07 resolves the $refs under it against it, and one was refused as "resolves to nothing" where draft-07 finds it (tCW F10)', async () => {
    const error = await loadError({
      'alerts.json': (schema) => ({
        ...schema,
        definitions: { ...schema.definitions, Nested: { $id: 'definitions.json', type: 'object', properties: { c: { $ref: '#/definitions/Cursor' } } } },
        properties: { ...schema.properties, nested: { $ref: '#/definitions/Nested' } },
      }),
    });
    expect(error.file).toBe('alerts.json');
    expect(error.pointer).toBe('/definitions/Nested/$id');
    expect(error.problem).toMatch(/^a subschema's own "\$id" is not supported: the contract resolves every \$ref against its file's \$id/);
  });
});
