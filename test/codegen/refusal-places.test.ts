/**
 * generate's refusals of what Go and Python cannot carry refuse nothing they can (each case
 * here generated, and compiled in Go and Python, before those refusals came), and place what
 * they refuse in its source file (found by a reviewer).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/codegen/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Schema = { definitions: Record<string, { description?: string; properties: Record<string, unknown> }> };

/** generate's verdict on a copy of schemas/ with trades.json edited: 'generated' or [file, pointer, message]. */
async function generateTrades(edit: (schema: Schema) => void): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'refusal-places-'));
  dirs.push(dir);
  cpSync('schemas', dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Schema;
  edit(schema);
  writeFileSync(file, JSON.stringify(schema));
  return generate(dir).then(
    () => 'generated',
    (error: { file?: string; pointer?: string; message: string }) => [error.file, error.pointer, error.message],
  );
}

describe('no false refusal', () => {
  it('tabs and line ends in a description are no refusal (a form feed or a bell, which hide text, are: test/codegen/invisible-characters.test.ts)', async () => {
    expect(await generateTrades((s) => void (s.definitions.TradeData!.description = 'A trade.\r\nPage two:\tsee the spec.\n'))).toBe('generated');
  }, 60_000);

  it('a description line that begins "to_dict:" is no field of the dataclass', async () => {
    expect(await generateTrades((s) => void (s.definitions.TradeData!.description = 'A trade.\nto_dict: writes it back as JSON.'))).toBe('generated');
  }, 60_000);
});

describe('a refusal at its place', () => {
  it('an optional property that Python names to_dict is refused at its place (was: file "schemas", pointer "")', async () => {
    const verdict = await generateTrades((s) => {
      s.definitions.TradeData!.properties.meta = { type: 'object', additionalProperties: false, properties: { toDict: { type: 'string' } } };
    });
    expect(verdict).toEqual(['trades.json', '/definitions/TradeData/properties/meta/properties/toDict', expect.stringContaining('"toDict"')]);
  }, 60_000);

  it('an inline closed list quicktype renames is refused in its file, not in the generated bundle messages.schema.json', async () => {
    const verdict = await generateTrades((s) => {
      s.definitions.TradeData!.properties.mood = { type: 'string', enum: ['happy', '😀'] };
    });
    expect(verdict).toEqual(['trades.json', '/definitions/TradeData/properties/mood', expect.any(String)]);
  }, 60_000);
});

describe('a property whose schema is true (any value)', () => {
  // generate stopped with a TypeError's text ("Cannot use 'in' operator to search for 'default' in true"),
  // no file, no pointer, while `{}`, the same schema, generated (a tester, tDJ F9).
  const advice = /^trades\.json#.*: expected a schema object, got true, .*: write \{\} \(any value\), the same schema$/;
  it('is refused at its place, in a definition, in a nested object and at the message\'s top level, with the form to write', async () => {
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = true))).toEqual(['trades.json', '/definitions/TradeData/properties/meta', expect.stringMatching(advice)]);
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { type: 'object', properties: { a: true } }))).toEqual(['trades.json', '/definitions/TradeData/properties/meta/properties/a', expect.stringMatching(advice)]);
    expect(await generateTrades((s) => void ((s as unknown as { properties: Record<string, unknown> }).properties.extra = true))).toEqual(['trades.json', '/properties/extra', expect.stringMatching(advice)]);
  }, 60_000);

  it('"additionalProperties": true on an object without properties is told to write {} for a map of any values', async () => {
    const verdict = await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { type: 'object', additionalProperties: true }));
    expect(verdict).toEqual(['trades.json', '/definitions/TradeData/properties/meta/additionalProperties', expect.stringContaining('{} for any value), got true')]);
  }, 60_000);

  it('"additionalProperties": false on an object without properties (one that must be empty) is told to write "properties": {}, not {}, which admits any key', async () => {
    // It was told "{} for any value", which turns "no key allowed" into "any key, any value" (a tester, tDP F8).
    const verdict = await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { description: 'm', type: 'object', additionalProperties: false }));
    expect(verdict).toEqual(['trades.json', '/definitions/TradeData/properties/meta/additionalProperties', expect.stringContaining('(an object that must be empty: write "properties": {} beside "additionalProperties": false), got false')]);
    expect(verdict).not.toEqual(expect.arrayContaining([expect.stringContaining('for any value')]));
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { description: 'm', type: 'object', properties: {}, additionalProperties: false }))).toBe('generated');
  }, 60_000);
});

describe('a definition whose schema is true or false', () => {
  // It went through no check of a definition: `"Static": true` gave typebox.ts a const Static beside
  // its import of Static, which did not compile, and `true` an object type in types.ts but
  // Type.Unknown() in typebox.ts (a tester, tDP F11).
  const define = (name: string, value: boolean) => (s: Schema) => void ((s.definitions as Record<string, unknown>)[name] = value);
  it('is put through the checks of a definition\'s name first', async () => {
    expect(await generateTrades(define('Static', true))).toEqual(['trades.json', '/definitions/Static', expect.stringContaining('a name the generated TypeBox or Python module imports')]);
    expect(await generateTrades(define('ServerMessage', true))).toEqual(['trades.json', '/definitions/ServerMessage', expect.stringContaining('a type the generated code or the package exports')]);
    expect(await generateTrades(define('bad_name', false))).toEqual(['trades.json', '/definitions/bad_name', expect.stringContaining('PascalCase')]);
  }, 60_000);

  it('is refused at its place with the form to write: {} for true, leave it out for false', async () => {
    expect(await generateTrades(define('Whatever', true))).toEqual(['trades.json', '/definitions/Whatever', expect.stringMatching(/got true, .*: write \{\} \(any value\), the same schema$/)]);
    expect(await generateTrades(define('Whatever', false))).toEqual(['trades.json', '/definitions/Whatever', expect.stringMatching(/got false, .*: leave the definition out/)]);
  }, 60_000);
});

describe('false as a branch of anyOf', () => {
  // It went to quicktype, which refused it at messages.schema.json#/…, generate's own output, in its
  // own words and without advice (a tester, tDP F2).
  const advice = expect.stringMatching(/got false, which the Go and Python types cannot carry: leave the branch out/);
  it('is refused at its place in the schema file, in a property, in items and in a map\'s values', async () => {
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { description: 'm', anyOf: [false, { type: 'string' }] }))).toEqual(['trades.json', '/definitions/TradeData/properties/meta/anyOf/0', advice]);
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { description: 'm', type: 'array', items: { anyOf: [{ type: 'string' }, false] } }))).toEqual(['trades.json', '/definitions/TradeData/properties/meta/items/anyOf/1', advice]);
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { description: 'm', type: 'object', additionalProperties: { anyOf: [false, { type: 'null' }] } }))).toEqual(['trades.json', '/definitions/TradeData/properties/meta/additionalProperties/anyOf/0', advice]);
  }, 60_000);
});

describe('a property whose schema is false (no value)', () => {
  // In an open object, "leave the property out (an object with additionalProperties false refuses it
  // already)" lets the key through with any value: the advice did not look at the object (a tester, tDP F12).
  it('in a closed object is told to leave it out, the object refusing it already; in an open one, that leaving it out accepts the key', async () => {
    const closed = await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { type: 'object', additionalProperties: false, properties: { a: { type: 'string' }, secret: false } }));
    expect(closed).toEqual(['trades.json', '/definitions/TradeData/properties/meta/properties/secret', expect.stringMatching(/got false, .*: leave the property out \(an object with "additionalProperties": false refuses it already\)$/)]);
    for (const additionalProperties of [true, undefined, { type: 'string' }]) {
      const open = await generateTrades((s) => void (s.definitions.TradeData!.properties.meta = { type: 'object', additionalProperties, properties: { a: { type: 'string' }, secret: false } }));
      expect(open).toEqual(['trades.json', '/definitions/TradeData/properties/meta/properties/secret', expect.stringContaining('this object admits keys it does not name ("additionalProperties" is not false), and no form the generators take refuses one of them: leave the property out to accept the key, or close the object')]);
      expect(open).not.toEqual(expect.arrayContaining([expect.stringContaining('refuses it already')]));
    }
  }, 60_000);
});

describe('a closed list of strings beside any string (tGI F10)', () => {
  it('is refused at its place with the form to write, an open string with known values, not told to rename it', async () => {
    for (const name of ['venue', 'venueKind']) {
      const verdict = await generateTrades((s) => void (s.definitions.TradeData!.properties[name] = { anyOf: [{ type: 'string', enum: ['spot', 'margin'] }, { type: 'string' }], description: 'A known venue or another.' }));
      expect(verdict).toEqual(['trades.json', `/definitions/TradeData/properties/${name}`, expect.stringContaining('got a closed list of strings beside any string (anyOf)')]);
      const message = (verdict as string[])[2]!;
      expect(message).toContain('write an open string with the known values, {"type": "string", "x-known-values": ["spot","margin"]}');
      expect(message).not.toContain('rename');
    }
    // The form advised generates.
    expect(await generateTrades((s) => void (s.definitions.TradeData!.properties.venue = { type: 'string', 'x-known-values': ['spot', 'margin'], description: 'A known venue or another.' }))).toBe('generated');
  }, 120_000);

  it('is told the same when nullable or its open branch is described, and not when a third kind of branch is beside them (tGS F20)', async () => {
    const advice = 'write an open string with the known values, {"type": "string", "x-known-values": ["spot","margin"]}';
    const list = { type: 'string', enum: ['spot', 'margin'] };
    const told = async (anyOf: object[]) => [await generateTrades((s) => void (s.definitions.TradeData!.properties.venue = { anyOf, description: 'A known venue or another.' }))].flat().join('\n');
    expect(await told([list, { type: 'string' }, { type: 'null' }])).toContain(advice);
    expect(await told([list, { type: 'string', description: 'any other venue' }])).toContain(advice);
    expect(await told([list, { type: 'string' }, { type: 'integer' }])).not.toContain('x-known-values');
    // A third branch that is neither (a string of some length): its rule would be lost in an open string.
    expect(await told([list, { type: 'string' }, { type: 'string', minLength: 2 }])).not.toContain('x-known-values');
  }, 120_000);
});
