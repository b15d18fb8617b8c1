import { describe, expect, it } from 'vitest';
import type { SchemaFiles } from '../../src/diff/align.js';
import type { DiffReport } from '../../src/diff/index.js';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

const base = readSchemas();
const FEE = '/trades.json/definitions/TradeData/properties/fee';
/** The changes of one message at one pointer, as rule, level and text. */
const at = (report: DiffReport, subject: string, pointer: string) =>
  report.changes.filter((change) => change.subject === subject && change.pointer === pointer).map(({ rule, level, text }) => ({ rule, level, text }));
const withFee = (value: unknown): SchemaFiles => patchSchemas(base, [{ op: 'replace', path: FEE, value }]);

describe('a boolean subschema, which the loader and generate accept (a hostile tester: "Invalid value used as weak map key", exit 2)', () => {
  it('`true` admits anything: a widening from a number, and back a narrowing', async () => {
    expect(at(await diffFiles(base, withFee(true)), 'trades', '/data/fee')).toEqual([{ rule: 'type-widened', level: 'breaking', text: 'type widened from number to any type' }]);
    expect(at(await diffFiles(withFee(true), base), 'trades', '/data/fee')).toEqual([{ rule: 'type-narrowed', level: 'compatible', text: 'type narrowed from any type to number' }]);
  });

  it('`false` admits nothing: fewer values than a number, and back more', async () => {
    expect(at(await diffFiles(base, withFee(false)), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'compatible', text: 'now admits no value (false)' }]);
    expect(at(await diffFiles(withFee(false), base), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'breaking', text: 'now admits values, where it admitted none (false)' }]);
    expect(at(await diffFiles(withFee(true), withFee(false)), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'compatible', text: 'now admits no value (false)' }]);
    expect(at(await diffFiles(withFee(false), withFee(false)), 'trades', '/data/fee')).toEqual([]);

  });

  it('`{ "not": {} }`, `false` written out, reads as `false` (it was compared as a schema with no type: a widening)', async () => {
    for (const nothing of [{ not: {} }, { not: true }, { not: { description: 'anything' }, description: 'never sent' }]) {
      expect(at(await diffFiles(base, withFee(nothing)), 'trades', '/data/fee'), JSON.stringify(nothing)).toEqual([{ rule: 'schema-changed', level: 'compatible', text: 'now admits no value (false)' }]);
      expect(at(await diffFiles(withFee(nothing), withFee(false)), 'trades', '/data/fee')).toEqual([]);
    }
    // Not every `not` admits nothing.
    expect(at(await diffFiles(base, withFee({ not: { type: 'string' } })), 'trades', '/data/fee')).not.toContainEqual(expect.objectContaining({ text: 'now admits no value (false)' }));
  });
});

describe('additionalProperties between `true` and a schema (a hostile tester: compared as no change)', () => {
  const map = (additionalProperties: unknown) => withFee({ type: 'object', additionalProperties });

  it('a map of numbers made open (`true`) is a widening: older consumers check every value as a number', async () => {
    const report = await diffFiles(map({ $ref: 'definitions.json#/definitions/Count' }), map(true));
    expect(at(report, 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'breaking', text: 'values of unnamed fields no longer constrained' }]);
  });

  it('an open object (`true`) whose unnamed fields must now be numbers is a narrowing', async () => {
    const report = await diffFiles(map(true), map({ type: 'number' }));
    expect(at(report, 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'compatible', text: 'values of unnamed fields now constrained' }]);
  });

  it('`true` and no additionalProperties are the same', async () => {
    expect(at(await diffFiles(withFee({ type: 'object' }), map(true)), 'trades', '/data/fee')).toEqual([]);
  });
});

describe('a definition reached only through a keyword compared as a whole (a hostile tester: compared as raw JSON, no change)', () => {
  const through = (keyword: 'allOf' | 'not', minimum: number) => patchSchemas(base, [
    { op: 'replace', path: FEE, value: keyword === 'allOf' ? { allOf: [{ $ref: 'definitions.json#/definitions/Count' }, { type: 'integer' }] } : { type: 'number', not: { $ref: 'definitions.json#/definitions/Count' } } },
    { op: 'replace', path: '/definitions.json/definitions/Count/minimum', value: minimum },
  ]);

  it('through allOf: the definition relaxed is a widening, tightened a narrowing', async () => {
    expect(at(await diffFiles(through('allOf', 1), through('allOf', 0)), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'breaking', text: '"allOf" changed: a definition it refers to changed' }]);
    expect(at(await diffFiles(through('allOf', 0), through('allOf', 1)), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'compatible', text: '"allOf" changed: a definition it refers to changed' }]);
  });

  it('through not: the other way round', async () => {
    expect(at(await diffFiles(through('not', 1), through('not', 0)), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'compatible', text: '"not" changed: a definition it refers to changed' }]);
    expect(at(await diffFiles(through('not', 0), through('not', 1)), 'trades', '/data/fee')).toEqual([{ rule: 'schema-changed', level: 'breaking', text: '"not" changed: a definition it refers to changed' }]);
  });
});
