import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

/**
 * A closed list written another way: `enum: [1, 2, 3]` as an `anyOf` of a `const` each, or as an
 * integer from `minimum: 1` to `maximum: 3`. Each side admits exactly 1, 2 and 3, so README's
 * "any change that admits exactly the same values calls for no protocol version (a patch at
 * most)" holds; diff compared them keyword by keyword and said "type widened from integer to
 * any type" and "closed list 1, 2, 3 opened", breaking (or strict), which no value bears out
 * (tGI F3). Where the values differ, each one added or removed is said, as of two closed lists.
 */

const base = readSchemas();
const RISK = '/trades.json/definitions/TradeData/properties/risk';
const risk = (schema: object) => patchSchemas(base, [{ op: 'add', path: RISK, value: { ...schema, description: 'Risk class.' } }]);
const at = async (before: object, after: object) => {
  const report = await diffFiles(risk(before), risk(after));
  return {
    semver: report.semver,
    changes: report.changes.filter((change) => change.subject === 'trades').map(({ rule, level, text }) => ({ rule, level, text })),
  };
};
const consts = (...values: number[]) => ({ anyOf: values.map((value) => ({ type: 'integer', const: value })) });
const LIST = { type: 'integer', enum: [1, 2, 3] };
const RANGE = { type: 'integer', minimum: 1, maximum: 3 };

describe('diff: a closed list rewritten to admit the same values (tGI F3)', () => {
  const same: [string, object, object][] = [
    ['as a range', LIST, RANGE],
    ['as a range with exclusive bounds', LIST, { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 4 }],
  ];
  for (const [name, before, after] of same) {
    it(`${name}: a patch, said as the same values, both ways`, async () => {
      for (const [from, to] of [[before, after], [after, before]] as const) {
        const { semver, changes } = await at(from, to);
        expect(changes).toHaveLength(1);
        expect(changes[0]).toMatchObject({ rule: 'schema-changed', level: 'compatible' });
        expect(changes[0]!.text).toContain('admits the same values either way');
        expect(['none', 'patch']).toContain(semver);
      }
    });
  }
});

describe('diff: a closed list rewritten to admit other values says each value', () => {
  it('a value added by the rewrite: strict with a list on the older side (tolerant ones accept it), breaking with a range or consts there', async () => {
    expect((await at(LIST, consts(1, 2, 3, 4))).changes).toEqual([expect.objectContaining({ rule: 'enum-value-added', level: 'strict' })]);
    expect((await at(LIST, { type: 'integer', minimum: 1, maximum: 4 })).changes).toEqual([expect.objectContaining({ rule: 'enum-value-added', level: 'strict' })]);
    // Tolerant mode opens neither a range nor a const: the older tolerant consumers reject 4 too.
    expect((await at(RANGE, { type: 'integer', enum: [1, 2, 3, 4] })).changes).toEqual([expect.objectContaining({ rule: 'enum-value-added', level: 'breaking' })]);
    expect((await at(consts(1, 2, 3), { type: 'integer', enum: [1, 2, 3, 4] })).changes).toEqual([expect.objectContaining({ rule: 'enum-value-added', level: 'breaking' })]);
  });

  it('a value removed by the rewrite: compatible', async () => {
    expect((await at(LIST, consts(1, 2))).changes).toEqual([expect.objectContaining({ rule: 'enum-value-removed', level: 'compatible' })]);
    expect((await at(consts(1, 2, 3), { type: 'integer', minimum: 2, maximum: 3 })).changes).toEqual([expect.objectContaining({ rule: 'enum-value-removed', level: 'compatible' })]);
  });
});

describe('diff: a closed list of numbers rewritten as an integer range (tGQ F7)', () => {
  it('is said as the type change it is, not a patch: Go and Python give int64 and int for float64 and float', async () => {
    for (const [from, to] of [[{ type: 'number', enum: [1, 2, 3] }, RANGE], [RANGE, { type: 'number', enum: [1, 2, 3] }]] as const) {
      const { semver, changes } = await at(from, to);
      expect(changes.map((change) => change.text).join('\n')).not.toContain('admits the same values either way');
      expect(semver).not.toBe('patch');
    }
  });
});

describe('diff: a closed list rewritten as an anyOf of consts (tGQ F6)', () => {
  it('is not a patch, either way: quicktype names the anyOf F, PurpleF where it named the list, so the Go and Python types change', async () => {
    for (const [from, to] of [[LIST, consts(1, 2, 3)], [consts(3, 1, 2), RANGE], [RANGE, consts(1, 2, 3)]] as const) {
      const { semver } = await at(from, to);
      expect(semver, JSON.stringify([from, to])).not.toBe('patch');
    }
  });
});

describe('diff: the same-values rule at its edges (tGS F24: each of these mutations of it survived the tests above)', () => {
  const upTo = (count: number) => Array.from({ length: count }, (_, i) => i);
  const sameValues = async (before: object, after: object) => (await at(before, after)).changes.some((change) => change.text.includes('admits the same values either way'));

  it('reads a fractional minimum as the least integer above it: minimum 0.5 admits 1, not 0', async () => {
    const half = { type: 'integer', minimum: 0.5, maximum: 3 };
    expect(await sameValues(LIST, half)).toBe(true);
    expect((await at({ type: 'integer', enum: [0, 1, 2, 3] }, half)).changes).toEqual([{ rule: 'enum-value-removed', level: 'compatible', text: 'value 0 removed from the closed list' }]);
  });

  it('counts a range of up to 1 000 integers ("at most MAX_RANGE_VALUES"), not one of 1 001', async () => {
    expect(await sameValues({ type: 'integer', enum: upTo(1000) }, { type: 'integer', minimum: 0, maximum: 999 })).toBe(true);
    expect(await sameValues({ type: 'integer', enum: upTo(1001) }, { type: 'integer', minimum: 0, maximum: 1000 })).toBe(false);
  });

  it("leaves out a listed value its declared type does not admit: {type: integer, enum: [1, 2, \"3\"]} admits 1 and 2", async () => {
    expect(await sameValues({ type: 'integer', enum: [1, 2, '3'] }, { type: 'integer', minimum: 1, maximum: 2 })).toBe(true);
  });

  it('does not read an anyOf branch admitting null as a plain list: its null is no value of the other side', async () => {
    // The branch a $ref to `anyOf: [{const: 2}, {type: null}]`: read as a nullable shape of `const: 2`, whose null a plain list drops.
    const withMaybeTwo = (schema: object) => patchSchemas(risk(schema), [{ op: 'add', path: '/trades.json/definitions/MaybeTwo', value: { anyOf: [{ type: 'integer', const: 2 }, { type: 'null' }] } }]);
    const report = await diffFiles(withMaybeTwo({ anyOf: [{ type: 'integer', const: 1 }, { $ref: '#/definitions/MaybeTwo' }] }), withMaybeTwo({ type: 'integer', enum: [1, 2] }));
    const changes = report.changes.filter((change) => change.subject === 'trades');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.map((change) => change.text).join('\n')).not.toContain('admits the same values either way');
  });

  it('leaves out a fixed value its declared type refuses: an anyOf branch {type: string, const: 3} admits nothing, so the anyOf admits 1 and 2 as the list does', async () => {
    // (An `enum`'s values are filtered by its type as its shape is read; a `const`'s only where the list is read.)
    const { changes } = await at({ anyOf: [{ type: 'integer', const: 1 }, { type: 'integer', const: 2 }, { type: 'string', const: 3 }] }, { type: 'integer', enum: [1, 2] });
    expect(changes.map((change) => change.text).join('\n')).not.toMatch(/\b3\b/);
  });
});
