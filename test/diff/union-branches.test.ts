import { describe, expect, it } from 'vitest';
import { diffFiles, patchSchemas, readSchemas } from './support.js';

/**
 * An `anyOf` of inline branches, compared branch by branch: by their JSON types where no two
 * branches share one, else the one branch that changed. Compared as a whole, any change inside
 * read as the union changed, `breaking` both ways: a value added to a closed list inside it,
 * which the older tolerant validator takes with a notice, or a `maxItems` added to one of two
 * kinds of array, which narrows (a fixer's finding: false alarms).
 */

const base = readSchemas();
const NOTE = '/trades.json/definitions/TradeData/properties/note';
const note = (anyOf: object[]) => patchSchemas(base, [{ op: 'add', path: NOTE, value: { anyOf, description: 'A note.' } }]);
const at = async (before: object[], after: object[]) =>
  (await diffFiles(note(before), note(after))).changes
    .filter((change) => change.subject === 'trades' && change.pointer.startsWith('/data/note'))
    .map(({ rule, level, pointer, text }) => ({ rule, level, pointer, text }));

const strings = (values: string[]) => ({ type: 'string', enum: values });

describe('diff: an anyOf of inline branches', () => {
  it('a value added to a closed list in a branch of its own type: strict, as tolerant consumers take it', async () => {
    expect(await at([strings(['a', 'b']), { type: 'integer' }], [strings(['a', 'b', 'c']), { type: 'integer' }])).toEqual([
      { rule: 'enum-value-added', level: 'strict', pointer: '/data/note', text: 'value "c" added to the closed list' },
    ]);
  });

  it('the same inside the items of an array branch', async () => {
    const list = (values: string[]) => ({ type: 'array', items: strings(values) });
    expect(await at([list(['a', 'b']), { type: 'string' }], [list(['a', 'b', 'c']), { type: 'string' }])).toEqual([
      { rule: 'enum-value-added', level: 'strict', pointer: '/data/note/*', text: 'value "c" added to the closed list' },
    ]);
  });

  it('an anyOf of two kinds of array, one given a maxItems: it narrows, compatible (it read "anyOf" changed, breaking)', async () => {
    const of = (type: string, more = {}) => ({ type: 'array', items: { type }, ...more });
    expect(await at([of('string'), of('integer')], [of('string', { maxItems: 3 }), of('integer')])).toEqual([
      { rule: 'length-narrowed', level: 'compatible', pointer: '/data/note', text: 'maxItems 3 added' },
    ]);
    // Reordered, and a branch added: only the branch added is said.
    const added = await at([of('string'), of('integer')], [of('integer'), of('string'), of('boolean')]);
    expect(added.map(({ rule, level }) => ({ rule, level }))).toEqual([{ rule: 'schema-changed', level: 'breaking' }]);
    expect(added[0]!.text).toBe('now also admits another branch (array)');
  });

  it('two branches changed where branches share a type: still the union changed, breaking', async () => {
    const of = (type: string) => ({ type: 'array', items: { type } });
    expect(await at([of('string'), of('integer')], [of('boolean'), of('number')])).toEqual([
      { rule: 'schema-changed', level: 'breaking', pointer: '/data/note', text: '"anyOf" changed' },
    ]);
  });

  // A branch written the same on both sides that names a definition: what changed in the
  // definition is said (it was not looked into: a retype inside read as no change, or only the
  // other branch's change was said; a reviewer).
  const FILL = '/trades.json/definitions/Fill';
  const TREE = '/trades.json/definitions/Tree';
  const fill = (type: string) => ({ title: 'Fill', description: 'A fill.', type: 'object', additionalProperties: false, required: ['qty'], properties: { qty: { type, description: 'q' } } });
  const reason = (more = {}) => ({ type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', description: 'r', ...more } } });
  const withFill = (type: string, anyOf: object[]) => patchSchemas(base, [{ op: 'add', path: FILL, value: fill(type) }, { op: 'add', path: NOTE, value: { anyOf, description: 'A note.' } }]);
  const said = async (before: ReturnType<typeof patchSchemas>, after: ReturnType<typeof patchSchemas>) =>
    (await diffFiles(before, after)).changes.filter((change) => change.subject === 'trades' && change.pointer.startsWith('/data/note')).map(({ rule, level, pointer }) => `${rule} ${level} ${pointer}`);
  const fillRef = { $ref: '#/definitions/Fill' };

  it('a $ref branch written the same whose definition changed, beside another branch changed: both said', async () => {
    expect(await said(withFill('integer', [fillRef, reason()]), withFill('string', [fillRef, reason({ maxLength: 5 })]))).toEqual([
      'length-narrowed compatible /data/note/reason',
      'type-changed breaking /data/note/qty',
    ]);
  });

  it('the same with nothing else changed in the union', async () => {
    expect(await said(withFill('integer', [fillRef, reason()]), withFill('string', [fillRef, reason()]))).toEqual(['type-changed breaking /data/note/qty']);
  });

  it('a self-referring union: each change said once, and the walk ends', async () => {
    // Tree: a Fill, or an object of Trees; both branches objects, so paired as written.
    const tree = { title: 'Tree', description: 'A tree.', anyOf: [fillRef, { type: 'object', additionalProperties: false, required: ['kids'], properties: { kids: { type: 'array', items: { $ref: '#/definitions/Tree' }, description: 'k' } } }] };
    const side = (type: string, kids: object = {}) => patchSchemas(base, [
      { op: 'add', path: FILL, value: fill(type) },
      { op: 'add', path: TREE, value: { ...tree, anyOf: [fillRef, { ...tree.anyOf[1], ...kids }] } },
      { op: 'add', path: NOTE, value: { $ref: '#/definitions/Tree', description: 'A note.' } },
    ]);
    expect(await said(side('integer'), side('string'))).toEqual(['type-changed breaking /data/note/qty']);
    expect(await said(side('integer'), side('string', { maxProperties: 3 }))).toEqual([
      'length-narrowed compatible /data/note',
      'type-changed breaking /data/note/qty',
    ]);
  });
});
