import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract, SchemaError, type SchemaNode } from '../../src/contract/index.js';
import { jsonTextWithRaw } from '../support/schema-text.js';

/** schemas/ in a temporary folder, with `edit` applied to the named files. */
function schemasWith(edits: Record<string, (schema: SchemaNode) => unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'load-'));
  cpSync('schemas', dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const target = path.join(dir, file);
    let schema: SchemaNode;
    try {
      schema = JSON.parse(readFileSync(target, 'utf8')) as SchemaNode;
    } catch {
      schema = { $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://realtime-contract.dev/schemas/${file}` };
    }
    writeFileSync(target, JSON.stringify(edit(schema), null, 2));
  }
  return dir;
}

/** A copy of `schema` with a member named `__proto__` (its own, as JSON.parse makes it) in the map `mapOf` picks. */
function withName(schema: SchemaNode, mapOf: (copy: SchemaNode) => object): SchemaNode {
  const copy = structuredClone(schema);
  Object.defineProperty(mapOf(copy), '__proto__', { value: { type: 'string' }, enumerable: true, configurable: true, writable: true });
  return copy;
}

describe('loadContract', () => {
  it('names every file broken on its own in one throw: the first as the error, the others in `others` (they took a run each: tBT F2)', async () => {
    const dir = schemasWith({
      'bots.json': (schema) => ({ ...schema, requird: ['type'] }),
      'alerts.json': (schema) => ({ ...schema, title: 7 }),
    });
    writeFileSync(path.join(dir, 'trades.json'), '{ broken');
    writeFileSync(path.join(dir, 'whale.json'), '{\n  "a": 1,\n  "b": \n}\n');
    const error = await loadContract(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    const faults = [error as SchemaError, ...(error as SchemaError).others];
    expect(faults.map((fault) => `${fault.file}#${fault.pointer}`)).toEqual(['alerts.json#/title', 'bots.json#/requird', 'trades.json#', 'whale.json#']);
    expect(faults.map((fault) => fault.problem)).toEqual([expect.stringMatching(/^not a valid draft-07 schema/), expect.stringMatching(/^unknown keyword "requird"/), expect.stringMatching(/^invalid JSON at line 1, column 3/), expect.stringMatching(/^invalid JSON at line 4, column 1/)]);
    // Its message is the first fault's alone, as with one broken file.
    expect((error as SchemaError).message).toBe(`alerts.json#/title: ${faults[0]!.problem}`);
    // One broken file: no others.
    expect(((await loadContract(schemasWith({ 'bots.json': (schema) => ({ ...schema, requird: [] }) })).catch((e: unknown) => e)) as SchemaError).others).toEqual([]);
  });

  it('names a file that is not UTF-8 beside a file of invalid JSON, in one throw (the invalid JSON waited for the next run: tHL F7)', async () => {
    const dir = schemasWith({});
    writeFileSync(path.join(dir, 'trades.json'), '{ "a": 1, }');
    writeFileSync(path.join(dir, 'bots.json'), Buffer.from([0xff, 0xfe]));
    const error = await loadContract(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    const faults = [error as SchemaError, ...(error as SchemaError).others];
    expect(faults.map((fault) => `${fault.file}#${fault.pointer}`)).toEqual(['bots.json#', 'trades.json#']);
    expect(faults.map((fault) => fault.problem)).toEqual([expect.stringMatching(/^not UTF-8: the byte 0xFF at byte offset 0/), expect.stringMatching(/^invalid JSON at line 1, column 11/)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('names a file that declares another draft, or a $schema that is no string, at #/$schema, each in one run beside other files\' faults (was ajv\'s bare "no schema with key or ref", one file: tDJ F1)', async () => {
    const dir = schemasWith({
      'trades.json': (schema) => ({ ...schema, $schema: 'https://json-schema.org/draft/2020-12/schema' }),
      'bots.json': (schema) => ({ ...schema, $schema: 'http://json-schema.org/draft-04/schema#' }),
      'whale.json': (schema) => ({ ...schema, $schema: 'https://json-schema.org/draft-07/schema#' }),
      'metrics.json': (schema) => ({ ...schema, $schema: 7 }),
      'alerts.json': (schema) => ({ ...schema, $id: 'https://x/alerts.json' }),
      'balances.json': (schema) => ({ ...schema, foo: 1 }),
      // The latest draft's URI (ajv's alias of draft-07) was read as draft-07, and shipped so (tDP F6).
      'ping.json': (schema) => ({ ...schema, $schema: 'http://json-schema.org/schema#' }),
      'pong.json': (schema) => ({ ...schema, $schema: 'http://json-schema.org/schema' }),
    });
    const error = await loadContract(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    const faults = [error as SchemaError, ...(error as SchemaError).others];
    const expected = 'expected "http://json-schema.org/draft-07/schema#" (draft-07), got';
    expect(faults.map((fault) => `${fault.file}#${fault.pointer}: ${fault.problem}`)).toEqual([
      expect.stringMatching(/^alerts\.json#\/\$id: expected/),
      expect.stringMatching(/^balances\.json#\/foo: unknown keyword "foo"/),
      `bots.json#/$schema: ${expected} "http://json-schema.org/draft-04/schema#": the contract is read as draft-07 only: write the file in draft-07 (a later keyword is then told its draft-07 form, "definitions" for "$defs") and declare that draft`,
      `metrics.json#/$schema: ${expected} 7: $schema is a URI, a string`,
      `ping.json#/$schema: ${expected} "http://json-schema.org/schema#": that URI names the latest draft, whichever it is (other tools read the file as 2020-12): declare draft-07 by its own URI`,
      `pong.json#/$schema: ${expected} "http://json-schema.org/schema": that URI names the latest draft, whichever it is (other tools read the file as 2020-12): declare draft-07 by its own URI`,
      expect.stringMatching(/^trades\.json#\/\$schema: expected "http:\/\/json-schema\.org\/draft-07\/schema#" \(draft-07\), got "https:\/\/json-schema\.org\/draft\/2020-12\/schema": the contract is read as draft-07 only/),
      `whale.json#/$schema: ${expected} "https://json-schema.org/draft-07/schema#": the same draft, whose meta-schema is named with http:// (and in lower case), as the shipped schemas write it`,
    ]);
  });

  it('reads a file without $schema, or with draft-07\'s written without its "#"', async () => {
    const dir = schemasWith({
      'trades.json': ({ $schema: _drop, ...schema }) => schema,
      'bots.json': (schema) => ({ ...schema, $schema: 'http://json-schema.org/draft-07/schema' }),
    });
    expect((await loadContract(dir)).messages.length).toBeGreaterThan(0);
  });

  it('reads message schemas (a type const and x-direction), documents (neither) and the two shared files', async () => {
    const contract = await loadContract('schemas');
    expect(contract.documents.map((d) => d.file)).toEqual(['poll-response.json']);
    expect(contract.messages.find((m) => m.type === 'ping')!.directions).toEqual(['server-to-client', 'client-to-server']);
    expect(contract.messages.find((m) => m.type === 'trades')!.directions).toEqual(['server-to-client']);
    expect(contract.bundle.definitions!.PollResponse).toBeDefined();
  });

  it.each([
    ['a type const without x-direction', 'trades.json', (s: SchemaNode) => ({ ...s, 'x-direction': undefined }), '/x-direction'],
    ['x-direction without a type const', 'poll-response.json', (s: SchemaNode) => ({ ...s, 'x-direction': 'server-to-client' }), '/title'],
    ['an x-direction that is neither direction', 'ping.json', (s: SchemaNode) => ({ ...s, 'x-direction': ['server-to-client', 'sideways'] }), '/x-direction'],
    ['a misspelled keyword deep in an if/then', 'trades.json', (s: SchemaNode) => ({ ...s, if: { then: { minimun: 1 } } }), '/if/then/minimun'],
    ['a $ref in dependencies that resolves nowhere', 'trades.json', (s: SchemaNode) => ({ ...s, dependencies: { data: { $ref: '#/definitions/Nope' } } }), '/dependencies/data/$ref'],
    // ajv's meta-schema checks an enum's uniqueness pair by pair: 60,000 values held diff and generate 60 s (a hostile tester).
    ['a closed list of more than 10,000 values', 'definitions.json', (s: SchemaNode) => ({ ...s, definitions: { ...s.definitions, Platform: { type: 'string', enum: Array.from({ length: 60_001 }, (_, i) => `x${i}`) } } }), '/definitions/Platform/enum'],
    // The duplicate-key check and ajv recurse: 3,000 levels ran out of stack with no file named (a hostile tester).
    ['a schema nested more than 256 levels', 'alerts.json', (s: SchemaNode) => {
      let deep: SchemaNode = { type: 'object' };
      for (let i = 0; i < 300; i++) deep = { type: 'object', properties: { a: deep } };
      return { ...s, properties: { ...s.properties, extra: deep } };
    }, ''],
    // ajv compiled it until the stack ran out, reported as strict mode's refusal of another place (a hostile tester).
    ['a $ref to the place it stands', 'trades.json', (s: SchemaNode) => ({ ...s, properties: { ...s.properties, data: { $ref: '#/properties/data' } } }), '/properties/data'],
    // JSON.parse keeps it as a name, tools that copy names set a prototype: diff and generate skipped it, the strict validator rejected it as unknown (a hostile tester).
    ['a property named __proto__', 'trades.json', (s: SchemaNode) => withName(s, (c) => c.definitions!.TradeData!.properties!), '/definitions/TradeData/properties/__proto__'],
    ['a definition named __proto__', 'definitions.json', (s: SchemaNode) => withName(s, (c) => c.definitions!), '/definitions/__proto__'],
  ])('refuses %s with the file and pointer', async (_case, file, edit, pointer) => {
    const error = await loadContract(schemasWith({ [file]: edit })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file, pointer });
  });

  it('refuses a schema file with a duplicate key, naming the file, the JSON Pointer and the key', async () => {
    const dir = schemasWith({});
    const target = path.join(dir, 'trades.json');
    // JSON.stringify cannot write a duplicate key: the quantity schema is written as text into the parsed file (whatever its layout).
    const edited = jsonTextWithRaw(JSON.parse(readFileSync(target, 'utf8')), '/definitions/TradeData/properties/quantity', '{ "type": "number", "minimum": 0, "minimum": 5, "description": "Amount traded." }');
    writeFileSync(target, edited);
    const error = await loadContract(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/quantity/minimum' });
    expect((error as Error).message).toContain('duplicate key "minimum"');
  });

  it('refuses a number JSON.parse does not hold as written, naming the file, the pointer, the number as written and as read (a bound of 9007199254740993 was generated as 9007199254740992, silently)', async () => {
    const cases: [string, string][] = [
      ['9007199254740993', 'expected a number JSON.parse holds as written, got 9007199254740993, read as 9007199254740992 (integers beyond 2^53 lose digits in JavaScript)'],
      ['1e400', 'expected a finite number, got 1e400, read as Infinity (beyond the range of a double)'],
      ['-9007199254740993.0', 'expected a number JSON.parse holds as written, got -9007199254740993.0, read as -9007199254740992 (integers beyond 2^53 lose digits in JavaScript)'],
      ['1e-400', 'expected a number JSON.parse holds as written, got 1e-400, read as 0 (below the range of a double)'],
    ];
    for (const [written, message] of cases) {
      const dir = schemasWith({});
      const target = path.join(dir, 'definitions.json');
      writeFileSync(target, jsonTextWithRaw(JSON.parse(readFileSync(target, 'utf8')), '/definitions/EpochMilliseconds/maximum', written));
      const error = await loadContract(dir).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as Error).message).toBe(`definitions.json#/definitions/EpochMilliseconds/maximum: ${message}`);
    }
    // Held as written, or not expected to be: 2^53 itself, exponents, a decimal fraction no double holds exactly, zeros.
    for (const written of ['9007199254740992', '8.64e15', '0.1', '1e23', '0.0', '-0', '0e5']) {
      const dir = schemasWith({});
      const target = path.join(dir, 'definitions.json');
      writeFileSync(target, jsonTextWithRaw(JSON.parse(readFileSync(target, 'utf8')), '/definitions/EpochMilliseconds/maximum', written));
      await expect(loadContract(dir)).resolves.toBeDefined();
    }
  });

  it('refuses a message type that cannot name a file, a link of the reference and generated code alike (`__proto__` stopped generate with no file named; `hello world` linked nowhere)', async () => {
    const ping = JSON.parse(readFileSync('schemas/ping.json', 'utf8')) as SchemaNode;
    for (const type of ['__proto__', 'hello world', 'héllo']) {
      // (In a file of a valid name: a file named after such a type is refused for its name first, below.)
      const file = 'odd.json';
      const message = { ...ping, $id: `https://realtime-contract.dev/schemas/${file}`, title: 'OddMessage', properties: { ...ping.properties, type: { const: type } }, examples: [{ type, timestamp: 1 }] };
      const error = await loadContract(schemasWith({ [file]: () => message })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as Error).message).toBe(`${file}#/properties/type/const: expected a message type of ASCII letters, digits, "_", "-" and ".", starting with a letter (it names the file, the reference's links and generated code), got ${JSON.stringify(type)}`);
    }
  });

  it('refuses a file no message type can be named after at the file, first, and says a copy is one (its $id, then its type were proposed and refused in turn, the name last: tDJ F5)', async () => {
    const whale = JSON.parse(readFileSync('schemas/whale.json', 'utf8')) as SchemaNode;
    const named = 'expected a file name of ASCII letters, digits, "_", "-" and ".", starting with a letter, then ".json" (a message type names its file, and the file its $id), got';
    const copy = 'a copy of it? Every *.json file at the top of the schemas folder is read as part of the contract: move a backup out of the folder (a new message type is named after its file, and gives that name to its $id and its type)';
    // A copy as Finder makes it, its $id and type left as they were.
    const copied = await loadContract(schemasWith({ 'whale copy.json': () => whale })).catch((caught: unknown) => caught);
    expect(copied).toMatchObject({ file: 'whale copy.json', pointer: '' });
    expect((copied as Error).message).toBe(`whale copy.json#: ${named} "whale copy.json", the $id of whale.json: ${copy}`);
    // Its $id set to what the old refusal proposed, a URI with a raw space: the name is still the fault.
    for (const file of ['New Whale.json', '__proto__.json', 'héllo.json']) {
      const error = await loadContract(schemasWith({ [file]: () => ({ ...whale, $id: `https://realtime-contract.dev/schemas/${file}` }) })).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ file, pointer: '' });
      expect((error as Error).message).toMatch(`${file}#: ${named} ${JSON.stringify(file)}: rename it`);
    }
    const renamed = await loadContract(schemasWith({ 'New Whale.json': () => ({ ...whale, $id: 'https://realtime-contract.dev/schemas/New Whale.json' }) })).catch((caught: unknown) => caught);
    expect((renamed as Error).message).toBe(`New Whale.json#: ${named} "New Whale.json": rename it (as "New_Whale.json"), or move it out of the schemas folder if it is no part of the contract`);
    // A name whose cleaned form is a file there (whale.json) is not proposed: the move would replace that file (tDR F3).
    // Names compare in any case, as macOS and Windows folders do: Whale.json would replace whale.json there.
    for (const [file, free] of [['_whale.json', 'whale_2.json'], ['1whale.json', 'whale_2.json'], ['-Whale.json', 'Whale_2.json']] as const) {
      const taken = await loadContract(schemasWith({ [file]: () => ({ ...whale, $id: `https://realtime-contract.dev/schemas/${file}` }) })).catch((caught: unknown) => caught);
      expect((taken as Error).message).toBe(`${file}#: ${named} ${JSON.stringify(file)}: rename it (as ${JSON.stringify(free)}), or move it out of the schemas folder if it is no part of the contract`);
    }
    // The file there named with a capital (a message type Whale): whale.json, the cleaned name, is it in another case (tDW F8, mutation K03).
    const capital = schemasWith({});
    rmSync(path.join(capital, 'whale.json'));
    const { examples: _, ...upper } = { ...whale, $id: 'https://realtime-contract.dev/schemas/Whale.json', properties: { ...(whale.properties as object), type: { ...((whale.properties as any).type as object), const: 'Whale' } } };
    writeFileSync(path.join(capital, 'Whale.json'), JSON.stringify(upper, null, 2));
    writeFileSync(path.join(capital, '_whale.json'), JSON.stringify({ ...upper, $id: 'https://realtime-contract.dev/schemas/_whale.json' }, null, 2));
    const cased = await loadContract(capital).catch((caught: unknown) => caught);
    expect((cased as Error).message).toBe(`_whale.json#: ${named} "_whale.json": rename it (as "whale_2.json"), or move it out of the schemas folder if it is no part of the contract`);
    // A backup of a valid name (trades.orig.json): its $id, another file's, says it is a copy.
    const backup = await loadContract(schemasWith({ 'trades.orig.json': () => JSON.parse(readFileSync('schemas/trades.json', 'utf8')) })).catch((caught: unknown) => caught);
    expect((backup as Error).message).toBe(`trades.orig.json#/$id: expected "https://realtime-contract.dev/schemas/trades.orig.json", got "https://realtime-contract.dev/schemas/trades.json", the $id of trades.json: ${copy}`);
  });

  it("says what the meta-schema wants in its own words, and a missing $id as none (it read \"expected must be object,boolean\", \"got undefined\": a hostile tester)", async () => {
    const closed = await loadContract(schemasWith({ 'trades.json': (schema: any) => ({ ...schema, additionalProperties: 'false' }) })).catch((caught: unknown) => caught);
    expect((closed as Error).message).toBe('trades.json#/additionalProperties: not a valid draft-07 schema: expected object or boolean, got "false"');
    const minimum = await loadContract(schemasWith({ 'trades.json': (schema: any) => ({ ...schema, minProperties: -1 }) })).catch((caught: unknown) => caught);
    expect((minimum as Error).message).toBe('trades.json#/minProperties: not a valid draft-07 schema: expected 0 or more, got -1');
    const noId = await loadContract(schemasWith({ 'trades.json': ({ $id: _, ...schema }: any) => schema })).catch((caught: unknown) => caught);
    expect((noId as Error).message).toBe('trades.json#/$id: expected "https://realtime-contract.dev/schemas/trades.json", got none');
  });

  it('says what the meta-schema wants of a list, a count and a step in words (an empty enum read "expected NOT have fewer than 1 items": a tester)', async () => {
    const problem = async (edit: (schema: any) => unknown) => ((await loadContract(schemasWith({ 'trades.json': edit })).catch((caught: unknown) => caught)) as Error).message;
    const status = (schema: any, status: object) => ({ ...schema, definitions: { ...schema.definitions, TradeData: { ...schema.definitions.TradeData, properties: { ...schema.definitions.TradeData.properties, status } } } });
    expect(await problem((schema) => status(schema, { enum: [] }))).toBe('trades.json#/definitions/TradeData/properties/status/enum: not a valid draft-07 schema: expected a list of at least one value, got []');
    expect(await problem((schema) => status(schema, { anyOf: [] }))).toBe('trades.json#/definitions/TradeData/properties/status/anyOf: not a valid draft-07 schema: expected a list of at least one value, got []');
    // Before: `expected NOT have duplicate items (items ## 1 and 0 are identical)`.
    expect(await problem((schema) => status(schema, { enum: ['filled', 'pending', 'filled'] }))).toBe('trades.json#/definitions/TradeData/properties/status/enum: not a valid draft-07 schema: expected a list without repeats ("filled" is both item 0 and item 2), got ["filled","pending","filled"]');
    expect(await problem((schema) => ({ ...schema, required: ['type', 'data', 'type'] }))).toBe('trades.json#/required: not a valid draft-07 schema: expected a list without repeats ("type" is both item 0 and item 2), got ["type","data","type"]');
    // Judged with the validators' equality: ajv's threw "a.toString is not a function", with no file (tDX F1).
    expect(await problem((schema) => status(schema, { enum: [{ toString: 1 }, { toString: 1 }] }))).toBe('trades.json#/definitions/TradeData/properties/status/enum: not a valid draft-07 schema: expected a list without repeats ({"toString":1} is both item 0 and item 1), got [{"toString":1},{"toString":1}]');
    await loadContract(schemasWith({ 'trades.json': (schema: any) => status(schema, { enum: [{ toString: 1 }, { valueOf: 2 }, { constructor: {} }] }) }));
    // Before: `expected > 0`.
    expect(await problem((schema) => status(schema, { type: 'number', multipleOf: 0 }))).toBe('trades.json#/definitions/TradeData/properties/status/multipleOf: not a valid draft-07 schema: expected more than 0, got 0');
    expect(await problem((schema) => status(schema, { type: 'string', minLength: -1 }))).toBe('trades.json#/definitions/TradeData/properties/status/minLength: not a valid draft-07 schema: expected 0 or more, got -1');
  });

  it('accepts a new document schema and bundles it under its title', async () => {
    const dir = schemasWith({
      'ack.json': (s) => ({ ...s, title: 'Ack', description: 'An acknowledgement body.', 'x-spec-section': 'Backend Implementation Notes', type: 'object', properties: { cursor: { $ref: 'definitions.json#/definitions/Cursor' } } }),
    });
    const contract = await loadContract(dir);
    expect(contract.documents.map((d) => d.title)).toContain('Ack');
    expect(contract.bundle.definitions!.Ack!.properties!.cursor!.$ref).toBe('#/definitions/Cursor');
  });
});

describe('loadContract: a schema file in a subfolder', () => {
  it('is refused by name with the way out, not left out of the contract unsaid; a file of another kind there is left alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'load-nested-'));
    cpSync('schemas', dir, { recursive: true });
    mkdirSync(path.join(dir, 'notes'));
    writeFileSync(path.join(dir, 'notes', 'draft.md'), 'a note\n');
    await expect(loadContract(dir)).resolves.toBeDefined();
    mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(path.join(dir, 'sub', 'deeper', 'x.json'), readFileSync(path.join(dir, 'trades.json')));
    writeFileSync(path.join(dir, 'sub', 'a.json'), '{}');
    const error = await loadContract(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'sub/a.json', pointer: '' });
    expect((error as SchemaError).problem).toContain('a schema file in a subfolder, which is not read');
    expect((error as SchemaError).problem).toContain('move it up beside them');
  });

  it('looks into no folder whose name starts with "." (an editor\'s .vscode/settings.json made generate refuse the folder)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'load-dot-'));
    cpSync('schemas', dir, { recursive: true });
    mkdirSync(path.join(dir, '.vscode'));
    writeFileSync(path.join(dir, '.vscode', 'settings.json'), '{}');
    mkdirSync(path.join(dir, 'notes', '.cache'), { recursive: true });
    writeFileSync(path.join(dir, 'notes', '.cache', 'x.json'), '{}');
    await expect(loadContract(dir)).resolves.toBeDefined();
  });

  it('reads no file whose name starts with "." (an Emacs lock .#trades.json, macOS ._trades.json stopped generate: a tester), nor does diff', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'load-dotfile-'));
    cpSync('schemas', dir, { recursive: true });
    const plain = await loadContract(dir);
    symlinkSync('user@host.12345:1733390000', path.join(dir, '.#trades.json'));
    writeFileSync(path.join(dir, '._trades.json'), Buffer.from('\u0000\u0005\u0016\u0007\u0000\u0002\u0000\u0000Mac OS X  \u00b0', 'latin1'));
    mkdirSync(path.join(dir, 'notes'));
    writeFileSync(path.join(dir, 'notes', '._draft.json'), '{}');
    const contract = await loadContract(dir);
    expect([...contract.files.keys()]).toEqual([...plain.files.keys()]);
    const { readSource } = await import('../../src/cli/diff-command.js');
    const side = await readSource(dir, { schemas: 'schemas' });
    expect([...side.files.keys()]).toEqual([...plain.files.keys()].sort());
    expect(side.writtenFaults).toEqual([]);
  });

  // Root reads a folder whatever its mode, so there is nothing to refuse: the title says why it skipped.
  const asRoot = process.getuid?.() === 0;
  it.skipIf(asRoot)(`refuses a subfolder it cannot read as a SchemaError naming it, not a bare system error${asRoot ? ' (skipped: root reads every folder, whatever its mode)' : ''}`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'load-locked-'));
    cpSync('schemas', dir, { recursive: true });
    mkdirSync(path.join(dir, 'locked'));
    chmodSync(path.join(dir, 'locked'), 0o000);
    try {
      const error = await loadContract(dir).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SchemaError);
      expect(error).toMatchObject({ file: 'locked', pointer: '' });
      expect((error as SchemaError).problem).toContain('cannot be read');
    } finally {
      chmodSync(path.join(dir, 'locked'), 0o700);
    }
  });
});
