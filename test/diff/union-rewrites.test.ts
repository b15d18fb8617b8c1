import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

/**
 * Rewrites of a union that admit exactly the same JSON values: a list of types written as an
 * `anyOf` of one type each, a nested `anyOf` flattened, branches reordered. `generate` gives
 * each pair the same TypeScript, Go and Python types (TypeScript's `string | (number | boolean)`
 * is `string | number | boolean`, and its order is no type's), so there is nothing to report.
 * They read `"anyOf" changed`, `breaking` both ways, beside a type "narrowed from any type" (a
 * fixer's finding).
 */

const base = readSchemas();
const NOTE = '/trades.json/definitions/TradeData/properties/note';
const note = (schema: object) => patchSchemas(base, [{ op: 'add', path: NOTE, value: { ...schema, description: 'A note.' } }]);
const at = async (before: object, after: object) => {
  const report = await diffFiles(note(before), note(after));
  return {
    semver: report.semver,
    changes: report.changes.filter((change) => change.subject === 'trades').map(({ rule, level, pointer, text, breaks }) => ({ rule, level, pointer, text, breaks })),
  };
};
const NONE = { semver: 'none', changes: [] };

const S = { type: 'string' };
const I = { type: 'integer' };
const B = { type: 'boolean' };
const N = { type: 'null' };
const arrayOf = (type: string, more = {}) => ({ type: 'array', items: { type }, ...more });

describe('diff: a union rewritten to admit the same values is no change, both ways', () => {
  const same: [string, object, object][] = [
    ['a nullable type as an anyOf', { anyOf: [S, N] }, { type: ['string', 'null'] }],
    ['a list of types as an anyOf', { anyOf: [S, I] }, { type: ['string', 'integer'] }],
    ['a nullable list of types as an anyOf', { anyOf: [S, I, N] }, { type: ['string', 'integer', 'null'] }],
    ['a list of types with bounds, each given to the branch of its type', { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] }, { type: ['string', 'integer'], minLength: 1, minimum: 0 }],
    ['a nested anyOf flattened', { anyOf: [S, { anyOf: [I, B] }] }, { anyOf: [S, I, B] }],
    ['a nested nullable anyOf flattened', { anyOf: [S, { anyOf: [I, N] }] }, { anyOf: [S, I, N] }],
    ['a nested anyOf flattened into a list of types', { anyOf: [S, { anyOf: [I, N] }] }, { type: ['string', 'integer', 'null'] }],
    ['a branch of a list of types split into a branch per type', { anyOf: [{ type: ['string', 'integer'] }, B] }, { anyOf: [S, I, B] }],
    ['a union of a list of types written as one list', { anyOf: [{ type: ['string', 'integer'] }, B] }, { type: ['string', 'integer', 'boolean'] }],
    ['branches reordered', { anyOf: [S, I, B] }, { anyOf: [B, S, I] }],
    ['branches of one type reordered', { anyOf: [arrayOf('string'), arrayOf('integer'), N] }, { anyOf: [N, arrayOf('integer'), arrayOf('string')] }],
  ];
  for (const [name, before, after] of same) {
    it(name, async () => {
      expect(await at(before, after)).toEqual(NONE);
      expect(await at(after, before)).toEqual(NONE);
    });
  }
});

describe('diff: a real change made with the rewrite is still said', () => {
  it('a list of types that also admits another, written as an anyOf: breaking, and Go and Python retype it', async () => {
    expect((await at({ type: ['string', 'integer'] }, { anyOf: [S, I, B] })).changes).toEqual([
      { rule: 'schema-changed', level: 'breaking', pointer: '/data/note', text: 'now also admits boolean', breaks: ['tolerant-consumers', 'strict-consumers', 'other-language-code'] },
    ]);
    // As the union written either way says it (`anyOf: [S, I, B]` → `anyOf: [S, I]`).
    const narrowed = [{ rule: 'schema-changed', level: 'compatible', pointer: '/data/note', text: 'no longer admits boolean', breaks: ['newer-consumers', 'other-language-code'] }];
    expect((await at({ anyOf: [S, I, B] }, { anyOf: [S, I] })).changes).toEqual(narrowed);
    expect((await at({ anyOf: [S, I, B] }, { type: ['string', 'integer'] })).changes).toEqual(narrowed);
  });

  it('a nested anyOf flattened that lost a branch: what it no longer admits', async () => {
    expect((await at({ anyOf: [S, { anyOf: [I, B] }] }, { anyOf: [S, I] })).changes.map(({ level, text }) => ({ level, text }))).toEqual([
      { level: 'compatible', text: 'no longer admits boolean' },
    ]);
  });

  it('a bound added in the rewrite: the bound alone', async () => {
    expect((await at({ type: ['string', 'integer'] }, { anyOf: [{ type: 'string', maxLength: 5 }, I] })).changes.map(({ rule, level, text }) => ({ rule, level, text }))).toEqual([
      { rule: 'length-narrowed', level: 'compatible', text: 'maxLength 5 added' },
    ]);
  });

  it('a list of types beside a keyword the branches cannot take apart is still compared as before', async () => {
    const report = await at({ anyOf: [S, I] }, { type: ['string', 'integer'], enum: ['a', 1] });
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.semver).toBe('major');
  });
});

describe('diff: branches of one type each narrowed', () => {
  it('the same way: the narrowing, once, compatible (it read "anyOf" changed, breaking)', async () => {
    expect((await at({ anyOf: [arrayOf('string'), arrayOf('integer')] }, { anyOf: [arrayOf('string', { maxItems: 3 }), arrayOf('integer', { maxItems: 3 })] })).changes).toEqual([
      { rule: 'length-narrowed', level: 'compatible', pointer: '/data/note', text: 'maxItems 3 added', breaks: ['newer-consumers'] },
    ]);
  });

  it('reordered too, and back: the widening, breaking', async () => {
    expect((await at({ anyOf: [arrayOf('integer', { maxItems: 3 }), arrayOf('string', { maxItems: 3 })] }, { anyOf: [arrayOf('string'), arrayOf('integer')] })).changes.map(({ rule, level, text }) => ({ rule, level, text }))).toEqual([
      { rule: 'length-widened', level: 'breaking', text: 'maxItems 3 removed' },
    ]);
  });

  it('branches whose items changed are still the union changed', async () => {
    expect((await at({ anyOf: [arrayOf('string'), arrayOf('integer')] }, { anyOf: [arrayOf('boolean', { maxItems: 3 }), arrayOf('number', { maxItems: 3 })] })).changes.map(({ level, text }) => ({ level, text }))).toEqual([
      { level: 'breaking', text: '"anyOf" changed' },
    ]);
  });
});
