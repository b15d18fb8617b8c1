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
