import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

/**
 * A field of any value (`{}`, `{ "description": … }`) admits null, as its generated validators
 * do: narrowing it to a nullable type changes no nullability (it read "may now be null",
 * breaking, and asked for protocol 2.0), and the widening back says the type widened, not
 * "may no longer be null" (tFO F2).
 */

const base = readSchemas();
const NOTE = '/trades.json/definitions/TradeData/properties/note';
const note = (value: object) => patchSchemas(base, [{ op: 'add', path: NOTE, value }]);
const at = async (before: object, after: object) =>
  (await diffFiles(note(before), note(after))).changes
    .filter((change) => change.subject === 'trades' && change.pointer === '/data/note')
    .map(({ rule, level }) => ({ rule, level }));

describe('diff: a field of any value is nullable', () => {
  for (const anything of [{ description: 'n' }, {}]) {
    it(`${JSON.stringify(anything)} narrowed to a nullable string: the type narrowed, compatible, no nullability changed`, async () => {
      expect(await at(anything, { type: ['string', 'null'], description: 'n' })).toEqual([{ rule: 'type-narrowed', level: 'compatible' }]);
    });

    it(`a nullable string widened to ${JSON.stringify(anything)}: the type widened, breaking, and null was never lost`, async () => {
      expect(await at({ type: ['string', 'null'], description: 'n' }, anything)).toEqual([{ rule: 'type-widened', level: 'breaking' }]);
    });
  }

  it('a non-nullable string against a field of any value: as before, the type line alone', async () => {
    expect(await at({ description: 'n' }, { type: 'string', description: 'n' })).toEqual([{ rule: 'type-narrowed', level: 'compatible' }]);
    expect(await at({ type: 'string', description: 'n' }, { description: 'n' })).toEqual([{ rule: 'type-widened', level: 'breaking' }]);
  });

  it('a string made nullable still says so', async () => {
    expect((await at({ type: 'string', description: 'n' }, { type: ['string', 'null'], description: 'n' })).map(({ rule }) => rule)).toEqual(['made-nullable']);
  });
});

/**
 * A choice with a branch of any value (`anyOf [number, { description }]`, or the branch a `$ref`
 * to an annotations-only definition) admits any value, null too, as `{}` does: narrowed to a
 * nullable type it read "may now be null", breaking (tFV F1); `{}` made such a choice, or back,
 * read "now also admits number", breaking, or "no longer admits number", though both admit
 * every value (tFV F2).
 */
describe('diff: a choice with a branch of any value admits any value', () => {
  const choices = [
    { anyOf: [{ type: 'number' }, { description: 'else' }] },
    { anyOf: [{ type: 'number' }, { $ref: '#/definitions/AnyThing' }] },
    { anyOf: [{ type: 'number' }, { type: 'string' }, {}] },
  ];
  const anyThing = patchSchemas(base, [{ op: 'add', path: '/trades.json/definitions/AnyThing', value: { description: 'Annotations only.' } }]);
  const noteIn = (value: object) => patchSchemas(anyThing, [{ op: 'add', path: NOTE, value }]);
  const between = async (before: object, after: object) =>
    (await diffFiles(noteIn(before), noteIn(after))).changes
      .filter((change) => change.subject === 'trades' && change.pointer.startsWith('/data/note'))
      .map(({ rule, level }) => ({ rule, level }));

  for (const choice of choices) {
    it(`${JSON.stringify(choice)} narrowed to a nullable number: the type narrowed, compatible, no nullability changed`, async () => {
      expect(await between(choice, { type: ['number', 'null'] })).toEqual([{ rule: 'type-narrowed', level: 'compatible' }]);
    });

    it(`a nullable number widened to ${JSON.stringify(choice)}: the type widened, and null was never lost`, async () => {
      expect(await between({ type: ['number', 'null'] }, choice)).toEqual([{ rule: 'type-widened', level: 'breaking' }]);
    });

    it(`{} made ${JSON.stringify(choice)}, and back: no change`, async () => {
      expect(await between({}, choice)).toEqual([]);
      expect(await between(choice, {})).toEqual([]);
    });
  }

  it('in an array\'s items too', async () => {
    const items = (node: object) => ({ type: 'array', items: node });
    expect(await between(items({ anyOf: [{ type: 'number' }, {}] }), items({ type: ['number', 'null'] }))).toEqual([{ rule: 'type-narrowed', level: 'compatible' }]);
  });

  it('a non-nullable number widened to such a choice: the type line alone, not "may now be null" (tGK F10)', async () => {
    for (const choice of choices) expect(await between({ type: 'number' }, choice), JSON.stringify(choice)).toEqual([{ rule: 'type-widened', level: 'breaking' }]);
  });

  it('with a null branch as well: the type line alone', async () => {
    expect(await between({ anyOf: [{ type: 'number' }, { description: 'else' }, { type: 'null' }] }, { type: ['number', 'null'] })).toEqual([{ rule: 'type-narrowed', level: 'compatible' }]);
  });
});


/**
 * A list of every JSON type, null included, admits every value as `{}` does: `{}` made it read
 * "type narrowed", a protocol version, and back "type widened", breaking (tFV F4). Go and Python
 * still type the field by its list (a union struct, not `interface{}`): other-language-code.
 */
describe('diff: a list of every JSON type against any value', () => {
  const ALL = { type: ['string', 'number', 'boolean', 'object', 'array', 'null'], additionalProperties: {}, items: {} };
  const report = async (before: object, after: object) => {
    const diffed = await diffFiles(note(before), note(after));
    return {
      changes: diffed.changes.filter((change) => change.subject === 'trades').map(({ rule, level, breaks }) => ({ rule, level, breaks })),
      protocol: diffed.changes.some((change) => change.rule === 'protocol-version-not-bumped'),
    };
  };

  it('{} made every JSON type, and back: compatible, no protocol version, Go and Python retyped', async () => {
    for (const [before, after, rule] of [[{}, ALL, 'type-narrowed'], [ALL, {}, 'type-widened']] as const) {
      const { changes, protocol } = await report(before, after);
      expect(changes).toEqual([{ rule, level: 'compatible', breaks: expect.arrayContaining(['other-language-code']) }]);
      expect(protocol).toBe(false);
    }
  });

  it('a list without null, or without one type, still narrows', async () => {
    const { changes } = await report({}, { ...ALL, type: ['string', 'number', 'boolean', 'object', 'array'] });
    expect(changes.map(({ rule }) => rule)).toContain('type-narrowed');
    expect((await report({}, { type: ['string', 'number', 'boolean', 'object', 'null'], additionalProperties: {} })).protocol).toBe(true);
  });

  it('every type but null widened to {}: breaking, null now admitted, not "every JSON type either way" (tGK F11)', async () => {
    const FIVE = { type: ['string', 'number', 'boolean', 'object', 'array'], additionalProperties: {}, items: {} };
    const widened = (await diffFiles(note(FIVE), note({}))).changes.filter((change) => change.subject === 'trades');
    expect(widened.map(({ rule, level }) => ({ rule, level }))).toEqual([{ rule: 'type-widened', level: 'breaking' }]);
    expect(widened[0]!.text).not.toContain('either way');
  });
});
