import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract, type SchemaNode } from '../../src/contract/index.js';
import { editedSchemas } from '../support/edited-schemas.js';

/**
 * Edits a user made while evolving the contract that the loader accepted, and that then failed
 * quietly: a state key that leads nowhere (the server merged every bot into one), and a
 * version bump without its history entry (the docs left the version out).
 */

const { schemasWith, loadError } = editedSchemas('evolution-');

const stateKey = (key: string) => (schema: SchemaNode): SchemaNode => ({ ...schema, 'x-delivery': { class: 'state', key } });

describe('x-delivery: a state key leads to a required string or integer property the message declares', () => {
  it('accepts the keys of the contract (through $refs into definitions.json) and a null key', async () => {
    const contract = await loadContract('schemas');
    const keys = Object.fromEntries(contract.messages.filter((m) => m.delivery.class === 'state').map((m) => [m.type, (m.delivery as { key: string | null }).key]));
    expect(keys).toEqual({ bots: '/data/id', balances: '/data/platform', metrics: null, system_health: null, ai_tasks: '/data/task_id' });
  });

  it('refuses a key naming a property the message does not declare (/data/ident for /data/id), with what it declares', async () => {
    const error = await loadError({ 'bots.json': stateKey('/data/ident') });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toContain('expected a property the message declares at /data, found no "ident" in bots.json#/definitions/BotData');
    expect(error.problem).toContain('it declares "id", "name"');
  });

  it('refuses a key written as a path (data.id) with the JSON Pointer to write (it was told the whole shape of x-delivery: a hostile tester)', async () => {
    const error = await loadError({ 'bots.json': stateKey('data.id') });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toBe('expected a JSON Pointer to the state\'s key, which starts with "/" and separates properties with "/", got "data.id": write "/data/id"');
  });

  it.each([
    // A "/" the user wrote is a separator: it was advised as "/data~1id", a property named "data/id".
    ['data/id', '/data/id'],
    ['data/a~b', '/data/a~0b'],
    ['data.a/b', '/data.a/b'],
  ])('refuses a key written as a pointer without its leading "/" (%s) with the pointer it meant', async (key, pointer) => {
    const error = await loadError({ 'bots.json': stateKey(key) });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toBe(`expected a JSON Pointer to the state's key, which starts with "/" and separates properties with "/", got ${JSON.stringify(key)}: write ${JSON.stringify(pointer)}`);
  });

  it.each([
    // A URI fragment ("#/data/id", as a $ref ends) was advised as "/#/data/id", a property named "#".
    ['#/data/id', '/data/id', ' (the pointer itself, not the URI fragment "#…" that holds it)'],
    ['#/data/a%20b', '/data/a b', ' (the pointer itself, not the URI fragment "#…" that holds it)'],
    // Spaces around it were kept: "/ data/id", a property named " data".
    [' data/id', '/data/id', ' (without the spaces around it)'],
    [' /data/id ', '/data/id', ' (without the spaces around it)'],
    [' #data.id', '/data/id', ' (without the spaces around it; the pointer itself, not the URI fragment "#…" that holds it)'],
  ])('refuses a key written with more than its pointer (%j) with the pointer and what was dropped', async (key, pointer, note) => {
    const error = await loadError({ 'bots.json': stateKey(key) });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toBe(`expected a JSON Pointer to the state's key, which starts with "/" and separates properties with "/", got ${JSON.stringify(key)}: write ${JSON.stringify(pointer)}${note}`);
  });

  it.each(['', '#', '  '])('refuses the empty pointer (%j) as the whole message, not advising "/" (a property named "")', async (key) => {
    const error = await loadError({ 'bots.json': stateKey(key) });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toContain(`got ${JSON.stringify(key)}, which points at the whole message, not at a property of it`);
    expect(error.problem).toContain('"key": null for one state per type');
    expect(error.problem).not.toContain('write "/"');
  });

  it('refuses a key through a property that is not an object of declared properties', async () => {
    const error = await loadError({ 'bots.json': stateKey('/data/id/length') });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toContain('found no "length" in definitions.json#/definitions/Identifier');
  });

  it('refuses a key at a property that is optional: every message without it would be merged into one', async () => {
    const optional = (schema: SchemaNode): SchemaNode => {
      const data = schema.definitions!.BotData!;
      return { ...schema, definitions: { ...schema.definitions, BotData: { ...data, required: data.required!.filter((name) => name !== 'id') } } };
    };
    const error = await loadError({ 'bots.json': optional });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toContain('expected "id" to be required at /data, found it optional in bots.json#/definitions/BotData');
  });

  it.each([
    ['a number', '/data/capital', '"type": "number"'],
    ['a nullable timestamp', '/data/last_trade', '"type": ["string","null"]'],
    ['the message type (write null for one state per type)', '/type', 'no "type"'],
    ['the whole data object', '/data', '"type": "object"'],
  ])('refuses a key at %s: its value does not tell states apart', async (_case, key, found) => {
    const error = await loadError({ 'bots.json': stateKey(key) });
    expect(error).toMatchObject({ file: 'bots.json', pointer: '/x-delivery/key' });
    expect(error.problem).toContain(`expected a property of "type": "string" or "integer" (an identifier), found ${found}`);
  });

  it('accepts another required string key (the name) and an escaped token', async () => {
    await expect(loadContract(schemasWith({ 'bots.json': stateKey('/data/name') }))).resolves.toBeDefined();
    const slashed = (schema: SchemaNode): SchemaNode => {
      const data = schema.definitions!.BotData!;
      const properties = { ...data.properties, 'a/b': { type: 'integer', description: 'A key with a slash.' } } as Record<string, SchemaNode>;
      const example = { ...(schema.examples![0] as { data: object }) };
      example.data = { ...example.data, 'a/b': 1 };
      return { ...stateKey('/data/a~1b')(schema), examples: [example], definitions: { ...schema.definitions, BotData: { ...data, properties, required: [...data.required!, 'a/b'] } } };
    };
    await expect(loadContract(schemasWith({ 'bots.json': slashed }))).resolves.toBeDefined();
  });
});

describe('x-version-history ends with the x-version the contract declares', () => {
  const protocol = (edit: (schema: SchemaNode) => SchemaNode) => ({ 'protocol.json': edit });
  const history = (schema: SchemaNode) => schema['x-version-history'] as { version: string; date: string; changes: string }[];

  it('refuses a bumped x-version without its history entry, naming the versions listed', async () => {
    const error = await loadError(protocol((schema) => ({ ...schema, 'x-version': '1.2' })));
    expect(error).toMatchObject({ file: 'protocol.json', pointer: '/x-version-history' });
    expect(error.problem).toContain('expected an entry for version "1.2" (x-version), last, found only "1.0", "1.1"');
  });

  it('refuses an x-version that is not numbers (diff read "v1.2" as 0.2: a hostile tester)', async () => {
    const error = await loadError(protocol((schema) => ({ ...schema, 'x-version': 'v1.2' })));
    expect(error).toMatchObject({ file: 'protocol.json', pointer: '/x-version' });
    expect(error.problem).toBe('expected a version of numbers, MAJOR.MINOR ("1.2") or MAJOR.MINOR.PATCH, got "v1.2"');
  });

  it('an x-version that is no string says what it found (a tester: `2.0` gave "expected a version string" alone)', async () => {
    const found = async (version: unknown) => (await loadError(protocol((schema) => ({ ...schema, 'x-version': version })))).problem;
    const expected = 'expected a version string, MAJOR.MINOR ("1.2") or MAJOR.MINOR.PATCH, got ';
    // `2.0` in the file is the number 2 once parsed.
    expect(await found(2)).toBe(`${expected}the number 2: write it in quotes, "2.0"`);
    expect(await found(1.2)).toBe(`${expected}the number 1.2: write it in quotes, "1.2"`);
    expect(await found(null)).toBe(`${expected}null`);
    expect(await found([1, 2])).toBe(`${expected}an array, [1,2]`);
    expect(await found(undefined)).toBe(`${expected}nothing`);
    const error = await loadError(protocol((schema) => ({ ...schema, 'x-version': 2 })));
    expect(error).toMatchObject({ file: 'protocol.json', pointer: '/x-version' });
  });

  it.each([['01.1', '1.1'], ['1.01', '1.1'], ['1.1.00', '1.1.0'], ['00.1', '0.1']])('refuses the leading zero of %j, as SemVer does (a tester: diff and generate took "01.1" for a version other than 1.1)', async (version, meant) => {
    // Even with its history entry: the check is of the version, not of the history.
    const error = await loadError(protocol((schema) => ({ ...schema, 'x-version': version, 'x-version-history': [...history(schema), { version, date: '2026-12-01', changes: 'Coinbase.' }] })));
    expect(error).toMatchObject({ file: 'protocol.json', pointer: '/x-version' });
    expect(error.problem).toBe(`expected a version without leading zeros (as SemVer has it), got "${version}": write "${meant}"`);
  });

  it.each(['0.1', '1.0', '10.20', '1.2.0', '1.10.100'])('a zero that is a whole number, or ends one, is no leading zero: %j loads', async (version) => {
    const contract = await loadContract(schemasWith(protocol((schema) => ({ ...schema, 'x-version': version, 'x-version-history': [...history(schema).filter((entry) => entry.version !== version), { version, date: '2026-12-01', changes: 'Coinbase.' }] }))));
    expect(contract.protocol.version).toBe(version);
  });

  it('accepts the bump with its entry, and the docs list it', async () => {
    const contract = await loadContract(schemasWith(protocol((schema) => ({
      ...schema, 'x-version': '1.2', 'x-version-history': [...history(schema), { version: '1.2', date: '2026-12-01', changes: 'Coinbase.' }],
    }))));
    expect(contract.protocol.versionHistory.map((entry) => entry.version)).toEqual(['1.0', '1.1', '1.2']);
  });

  it('refuses a history entry newer than x-version (the entry written, x-version not bumped)', async () => {
    const error = await loadError(protocol((schema) => ({
      ...schema, 'x-version-history': [...history(schema), { version: '1.2', date: '2026-12-01', changes: 'Coinbase.' }],
    })));
    expect(error).toMatchObject({ file: 'protocol.json', pointer: '/x-version-history/2/version' });
    expect(error.problem).toContain('expected the last entry to be version "1.1" (x-version), found "1.2" after it');
  });

  it.each([
    ['an entry without a date', (entries: unknown[]) => [...entries.slice(0, -1), { version: '1.1', changes: 'x' }], '/x-version-history/1'],
    ['a date that is not YYYY-MM-DD', (entries: unknown[]) => [...entries.slice(0, -1), { version: '1.1', date: '29 Nov 2026', changes: 'x' }], '/x-version-history/1'],
    ['a version listed twice', (entries: unknown[]) => [entries[0], entries[1], entries[1]], '/x-version-history/2/version'],
  ])('refuses %s', async (_case, edit, pointer) => {
    const error = await loadError(protocol((schema) => ({ ...schema, 'x-version-history': edit(history(schema)) })));
    expect(error).toMatchObject({ file: 'protocol.json', pointer });
  });
});

describe('diff reads a contract whose x-version-history lags its x-version', () => {
  it('gives that side a placeholder entry, so the versions compare (generate still refuses it)', async () => {
    const { alignUndeclaredFacts } = await import('../../src/diff/align.js');
    const read = (dir: string) => new Map(['protocol.json'].map((file) => [file, JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as SchemaNode]));
    const before = read('schemas');
    const after = read(schemasWith({ 'protocol.json': (schema) => ({ ...schema, 'x-version': '1.2' }) }));
    const aligned = alignUndeclaredFacts(before, after);
    const versions = (files: Map<string, SchemaNode>) => (files.get('protocol.json')!['x-version-history'] as { version: string }[]).map((entry) => entry.version);
    expect(versions(aligned.after)).toEqual(['1.0', '1.1', '1.2']);
    expect(versions(aligned.before)).toEqual(['1.0', '1.1']);
    expect(versions(after)).toEqual(['1.0', '1.1']);
    expect(aligned.changes).toEqual([]);
  });
});

describe('a message schema without one of the pieces README lists (title, description, x-direction, x-audience, x-delivery, x-spec-section, examples)', () => {
  it.each(['title', 'description', 'x-direction', 'x-audience', 'x-delivery', 'x-spec-section', 'examples'])('is refused, naming %s', async (keyword) => {
    const error = await loadError({
      'trades.json': (schema) => {
        const { [keyword]: _dropped, ...rest } = schema as Record<string, unknown>;
        return rest as SchemaNode;
      },
    });
    expect(error).toMatchObject({ file: 'trades.json', pointer: `/${keyword}` });
    expect(error.message).toMatch(/a message schema needs /);
  });
});
