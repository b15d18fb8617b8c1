import { describe, expect, it } from 'vitest';
import { generatedDeclarations } from '../../src/cli/diff-command.js';
import { diffFiles, diffFilesWithCode, loadFiles, patchSchemas, readSchemas } from './support.js';

// A field's generated Go or Python type that changed with no change the contract model shows
// (an alias split, a name quicktype gave moved to another type): diff said "release minor"
// while Go producer code stopped building (tGY F2, F6; tGI F11). Read from both sides' code.
describe('names the generated Go and Python change where the contract model shows none', () => {
  const base = readSchemas();
  const field = (name: string, value: unknown) => ({ op: 'add' as const, path: `/trades.json/definitions/TradeData/properties/${name}`, value });
  const named = <C extends { rule: string; subject: string | null; pointer: string }>(changes: C[], pointer: string) => changes.filter((c) => c.rule === 'type-name-changed' && c.subject === 'trades' && c.pointer === pointer);

  it('an inline list aliasing Side splits from it when Side gains a value, or when it gains one itself: a major release, naming *Side → *TradeDataDir (tGY F2)', async () => {
    const old = patchSchemas(base, [field('dir', { type: 'string', enum: ['buy', 'sell'] })]);
    const sideGrew = patchSchemas(old, [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'short' }]);
    const dirGrew = patchSchemas(old, [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/dir/enum/-', value: 'short' }]);
    for (const after of [sideGrew, dirGrew]) {
      const report = await diffFilesWithCode(old, after);
      const [change, ...more] = named(report.changes, '/definitions/TradeData/properties/dir');
      expect(more).toEqual([]);
      expect(change).toMatchObject({ level: 'compatible', breaks: ['importing-code'] });
      expect(change!.text).toContain('Go TradeData.dir: *Side → *TradeDataDir');
      expect(change!.text).toContain('Python TradeData.dir: Optional[Side] → Optional[TradeDataDir]');
      expect(change!.text).toContain('Go type TradeDataDir: an alias of Side → a type of its own');
      expect(report.semver).toBe('major');
    }
  });

  it('a union of the same kinds added beside another renames that one\'s inline list: said with both names (tGI F11)', async () => {
    const old = patchSchemas(base, [field('grade', { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] })]);
    // The same strings: one union under two names, kept under the first title (TradeDataAgrade).
    const after = patchSchemas(old, [field('agrade', { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] })]);
    const report = await diffFilesWithCode(old, after);
    const [change, ...more] = named(report.changes, '/definitions/TradeData/properties/grade');
    expect(more).toEqual([]);
    expect(change!.text).toContain('Go TradeDataGrade.Enum: *TradeDataGradeEnum → *TradeDataAgradeEnum (constants TradeDataGradeA, TradeDataGradeB no longer declared)');
    expect(change!.text).toContain('Python TradeData.grade: Optional[Union[TradeDataGradeEnum, int]] → Optional[Union[TradeDataAgradeEnum, int]]');
    expect(report.semver).toBe('major');
  });

  it('an anyOf of closed lists, named after its place, keeps its name when another message gains a field of its name: nothing to say (tGY F6)', async () => {
    // quicktype named it Two, and PurpleTwo once BotData gained a `two`; the codegen names it TradeDataTwo now.
    const old = patchSchemas(base, [field('two', { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['c', 'd'] }] })]);
    const after = patchSchemas(old, [{ op: 'add', path: '/bots.json/definitions/BotData/properties/two', value: { anyOf: [{ enum: ['x', 'y'] }, { enum: ['z'] }] } }]);
    const report = await diffFilesWithCode(old, after);
    expect(report.changes.filter((c) => c.rule === 'type-name-changed')).toEqual([]);
    expect(report.semver).toBe('minor');
  });

  it('says nothing of a change that keeps every generated name (a value added to a list of its own: a minor release)', async () => {
    const after = patchSchemas(base, [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'short' }]);
    const report = await diffFilesWithCode(base, after);
    expect(report.changes.filter((c) => c.rule === 'type-name-changed')).toEqual([]);
    expect(report.semver).toBe('minor');
  });

  // An optional field is a pointer in Go and Optional in Python, nullable or not: made nullable (or
  // no longer) it kept its Go and Python types, while diff said they changed (tGY F3).
  it('an optional field made nullable or no longer keeps its Go and Python types, and diff does not say they change (tGY F3)', async () => {
    const plain = patchSchemas(base, [field('note', { type: 'string' })]);
    const nullable = patchSchemas(base, [field('note', { type: ['string', 'null'] })]);
    const languages = await generatedDeclarations(await loadFiles(plain), await loadFiles(nullable));
    for (const language of ['Go', 'Python'] as const) {
      expect(languages!.after[language].fields.get('TradeData')!.get('note')).toBe(languages!.before[language].fields.get('TradeData')!.get('note'));
    }
    for (const [from, to, rule] of [[plain, nullable, 'made-nullable'], [nullable, plain, 'made-non-nullable']] as const) {
      const change = (await diffFiles(from, to)).changes.find((c) => c.subject === 'trades' && c.pointer === '/data/note');
      expect(change, rule).toMatchObject({ rule });
      expect(change!.breaks).not.toContain('other-language-code');
      expect(change!.impact).not.toMatch(/Go and Python/);
    }
    // A required one is a value in Go where it was a pointer, and Optional in Python: said still.
    const required = (type: unknown) => patchSchemas(base, [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/id', value: { type } }]);
    const change = (await diffFiles(required('string'), required(['string', 'null']))).changes.find((c) => c.subject === 'trades' && c.pointer === '/data/id' && c.rule === 'made-nullable');
    expect(change!.breaks).toContain('other-language-code');
  });
});
