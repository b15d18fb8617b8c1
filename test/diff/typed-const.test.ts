import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

/**
 * A `const` whose own `type` is written beside it (`{ "type": "string", "const": "x" }`): a
 * closed list of one, which Go and Python type as an enum of one constant. Changed, freed or
 * retyped, diff says who it breaks (a fixer's finding: a fixed string changed or freed read
 * producer code alone, and a fixed value its type refused, made admissible by a new type, read
 * `compatible` while every older consumer refuses it).
 */

const base = readSchemas();
const NOTE = '/trades.json/definitions/TradeData/properties/note';
const note = (value: object) => patchSchemas(base, [{ op: 'add', path: NOTE, value: { ...value, description: 'A note.' } }]);
const at = async (before: object, after: object) =>
  (await diffFiles(note(before), note(after))).changes
    .filter((change) => change.subject === 'trades' && change.pointer === '/data/note')
    .map(({ rule, level, breaks }) => ({ rule, level, breaks }));

describe('diff: a const beside its own type', () => {
  it('changed to another string: breaking, and Go and Python lose the old constant', async () => {
    expect(await at({ type: 'string', const: 'x' }, { type: 'string', const: 'y' })).toEqual([
      { rule: 'const-changed', level: 'breaking', breaks: ['tolerant-consumers', 'strict-consumers', 'newer-consumers', 'producer-code', 'other-language-code'] },
    ]);
  });

  it('freed (the const removed, the type kept): breaking, and Go and Python lose the enum type', async () => {
    expect(await at({ type: 'string', const: 'x' }, { type: 'string' })).toEqual([
      { rule: 'const-removed', level: 'breaking', breaks: ['tolerant-consumers', 'strict-consumers', 'other-language-code'] },
    ]);
  });

  it('added beside a type: it narrows (compatible), producer code must follow, and Go and Python gain an enum type', async () => {
    // `K *string` became `K *TradeDataNote`, `Optional[str]` an Enum: the reverse of const-removed (a hostile tester).
    expect(await at({ type: 'string' }, { type: 'string', const: 'x' })).toEqual([
      { rule: 'const-added', level: 'compatible', breaks: ['newer-consumers', 'producer-code', 'other-language-code'] },
    ]);
  });

  it('a closed list of strings added to an open string: Go and Python gain its type, as when one is removed', async () => {
    expect(await at({ type: 'string' }, { type: 'string', enum: ['a', 'b'] })).toEqual([
      { rule: 'enum-added', level: 'compatible', breaks: ['newer-consumers', 'producer-code', 'other-language-code'] },
    ]);
    expect(await at({ type: 'string', enum: ['a', 'b'] }, { type: 'string' })).toEqual([
      { rule: 'enum-removed', level: 'strict', breaks: ['strict-consumers', 'python-consumers', 'other-language-code'] },
    ]);
  });

  it('a number fixed or closed: Go and Python keep the plain number type', async () => {
    expect(await at({ type: 'integer' }, { type: 'integer', const: 1 })).toEqual([{ rule: 'const-added', level: 'compatible', breaks: ['newer-consumers', 'producer-code'] }]);
    expect(await at({ type: 'integer' }, { type: 'integer', enum: [1, 2] })).toEqual([{ rule: 'enum-added', level: 'compatible', breaks: ['newer-consumers', 'producer-code'] }]);
  });

  it('a number changed: no Go or Python constant is named after it', async () => {
    expect(await at({ type: 'integer', const: 1 }, { type: 'integer', const: 2 })).toEqual([
      { rule: 'const-changed', level: 'breaking', breaks: ['tolerant-consumers', 'strict-consumers', 'newer-consumers', 'producer-code'] },
    ]);
  });

  it('a value its type refused (nothing passed) made admissible by the type: breaking, older consumers refuse it', async () => {
    expect(await at({ type: 'string', const: 5 }, { type: 'integer', const: 5 })).toEqual([
      { rule: 'type-changed', level: 'breaking', breaks: ['tolerant-consumers', 'strict-consumers', 'producer-code', 'other-language-code'] },
    ]);
  });

  it('a value that passed, refused by a new type: it narrows, compatible', async () => {
    const changes = await at({ type: 'string', const: 'x' }, { type: 'integer', const: 'x' });
    expect(changes).toEqual([{ rule: 'type-changed', level: 'compatible', breaks: ['newer-consumers', 'producer-code', 'other-language-code'] }]);
  });

  it('integer made number around the same const: the same value passes, no release for the wire', async () => {
    expect(await at({ type: 'integer', const: 2 }, { type: 'number', const: 2 })).toEqual([{ rule: 'type-widened', level: 'compatible', breaks: ['other-language-code'] }]);
  });
});
