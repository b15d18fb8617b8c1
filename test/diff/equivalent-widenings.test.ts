import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../src/cli/diff-command.js';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import type { Change, DiffReport } from '../../src/diff/index.js';
import { loadFiles, patchSchemas, readSchemas, type PatchOperation } from './support.js';
import type { SchemaFiles } from '../../src/diff/align.js';

/**
 * Rewrites that admit the same values (or the same values at the keys they name), and fields
 * added to open objects: each side written to a folder of its own and compared by `runDiff`, the
 * CLI's entry (`realtime-contract diff dir:<old> dir:<new> --format json`).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const base = readSchemas(path.join(ROOT, 'schemas'));
const TRADE_DATA = '/trades.json/definitions/TradeData/properties';
const AI_RESULT = '/ai_tasks.json/definitions/AiTaskResult/properties';

let work: string;
let sides = 0;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'diff-equivalent-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeSide(files: SchemaFiles): string {
  const dir = path.join(work, `side-${sides++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of files) writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
  return dir;
}

type Report = DiffReport & { before: string; after: string };

/** `realtime-contract diff dir:<older> dir:<newer> --format json --fail-on never`, in process, from `cwd`. */
async function diffCli(oldSpec: string, newSpec: string, cwd = ROOT, schemas = 'schemas'): Promise<{ code: number; stderr: string; report?: Report }> {
  let stdout = '';
  let stderr = '';
  const code = await runDiff(oldSpec, newSpec, { format: 'json', failOn: 'never', schemas, cwd }, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stderr, ...(code === 0 && { report: JSON.parse(stdout) as Report }) };
}

/** Runs diff with the working tree as the new side. */
async function diffCliWorkingTree(oldSpec: string, cwd: string, schemas: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runDiff(oldSpec, undefined, { format: 'json', failOn: 'never', schemas, cwd }, { stdout: () => {}, stderr: (text) => void (stderr += text) });
  return { code, stderr };
}

/** The diff of `older` and `newer` applied to the contract; no warning, or the one `warning` names (a side generate refuses). */
async function diffPatched(older: PatchOperation[], newer: PatchOperation[], warning?: string): Promise<Report> {
  const { code, stderr, report } = await diffCli(`dir:${writeSide(patchSchemas(base, older))}`, `dir:${writeSide(patchSchemas(base, newer))}`);
  if (warning === undefined) expect(stderr).toBe('');
  else expect(stderr).toContain(warning);
  expect(code).toBe(0);
  // A number field made integer (or back) gives its Go struct quicktype's UnmarshalJSON (or takes it), which diff says as a
  // type-name-changed of its own (tHL F6, held in generated-names.test.ts); this file is about the wire rules beside it.
  return { ...report!, changes: report!.changes.filter((c) => !(c.rule === 'type-name-changed' && c.text.includes('decode or encode this struct another way'))) };
}

const summary = (changes: Change[], subject: string) => changes.filter((c) => c.subject === subject).map(({ rule, level, pointer, breaks }) => ({ rule, level, pointer, breaks }));

/** The protocol needs no new version: the suggested one is the one before. */
function noProtocolBump(report: Report): void {
  expect(report.protocolVersion).toMatchObject({ suggested: report.protocolVersion.before, bumped: true });
}

describe('a closed object rewritten as a map whose values admit the same values', () => {
  const closed = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, additionalProperties: false, description: 'Extra figures.' };
  const map = { type: 'object', additionalProperties: { type: 'number' }, description: 'Extra figures.' };

  it('is strict (tolerant consumers ignore the keys it now admits) and retypes Go and Python, not breaking at each field', async () => {
    // It read `breaking` for each field ("optional field removed"), producer code and Go's lost fields included.
    const report = await diffPatched([{ op: 'add', path: `${TRADE_DATA}/extra`, value: closed }], [{ op: 'add', path: `${TRADE_DATA}/extra`, value: map }]);
    expect(summary(report.changes, 'trades')).toEqual([
      { rule: 'optional-property-removed', level: 'compatible', pointer: '/data/extra/a', breaks: [] },
      { rule: 'optional-property-removed', level: 'compatible', pointer: '/data/extra/b', breaks: [] },
      { rule: 'additional-properties-allowed', level: 'strict', pointer: '/data/extra', breaks: ['strict-consumers', 'other-language-code'] },
    ]);
    const allowed = report.changes.find((c) => c.rule === 'additional-properties-allowed')!;
    expect(allowed.impact).toBe('strict older consumers reject the unknown field; tolerant ones ignore it; Go and Python now type the object as a map (map[string]float64, Dict[str, float]), not a struct or class: code built on them may no longer compile, a major release');
    expect(report.worst).toBe('strict');
    expect(report.semver).toBe('major');
    expect(report.protocolVersion.suggested).toBe('1.2');
  });

  it('names the map types quicktype generates: map[string]float64 and Dict[str, float] (the struct TradeDataExtra before)', async () => {
    const languages = async (value: object) => [...(await emitLanguages(await loadFiles(patchSchemas(base, [{ op: 'add', path: `${TRADE_DATA}/extra`, value }])))).values()].join('\n');
    const before = await languages(closed);
    expect(before).toMatch(/Extra \*TradeDataExtra `json:"extra,omitempty"`/);
    expect(before).toContain('extra: Optional[TradeDataExtra]');
    const after = await languages(map);
    expect(after).toMatch(/Extra \*map\[string\]float64 `json:"extra,omitempty"`/);
    expect(after).toContain('extra: Optional[Dict[str, float]]');
  }, 120_000);

  it('names a definition the values refer to, and says T where the values have no one type name', async () => {
    const side = { type: 'object', properties: { a: { $ref: 'definitions.json#/definitions/Side' } }, additionalProperties: false };
    const sides = await diffPatched([{ op: 'add', path: `${TRADE_DATA}/extra`, value: side }], [{ op: 'add', path: `${TRADE_DATA}/extra`, value: { type: 'object', additionalProperties: { $ref: 'definitions.json#/definitions/Side' } } }]);
    expect(sides.changes.find((c) => c.rule === 'additional-properties-allowed')!.impact).toContain('(map[string]Side, Dict[str, Side])');
    const union = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
    const mixed = await diffPatched([{ op: 'add', path: `${TRADE_DATA}/extra`, value: { type: 'object', properties: { a: union }, additionalProperties: false } }], [{ op: 'add', path: `${TRADE_DATA}/extra`, value: { type: 'object', additionalProperties: union } }]);
    expect(mixed.changes.find((c) => c.rule === 'additional-properties-allowed')!.impact).toContain('(map[string]T, Dict[str, T], T the type of its values)');
  });

  it('is still breaking where the map admits more at a key the object named, or drops a required field', async () => {
    const integers = await diffPatched(
      [{ op: 'add', path: `${TRADE_DATA}/extra`, value: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false } }],
      [{ op: 'add', path: `${TRADE_DATA}/extra`, value: map }],
    );
    expect(summary(integers.changes, 'trades')[0]).toMatchObject({ rule: 'optional-property-removed', level: 'breaking', pointer: '/data/extra/a' });
    const required = await diffPatched(
      [{ op: 'add', path: `${TRADE_DATA}/extra`, value: { ...closed, required: ['a'] } }],
      [{ op: 'add', path: `${TRADE_DATA}/extra`, value: map }],
    );
    expect(summary(required.changes, 'trades')[0]).toMatchObject({ rule: 'required-property-removed', level: 'breaking', pointer: '/data/extra/a' });
  });
});

describe('a field added to an open object', () => {
  it('with a type: producers that sent that key with another value break (it read as no change for anyone)', async () => {
    const report = await diffPatched([], [{ op: 'add', path: `${AI_RESULT}/score`, value: { type: 'number', description: 'A score.' } }]);
    expect(summary(report.changes, 'ai_tasks')).toEqual([{ rule: 'optional-property-added', level: 'compatible', pointer: '/data/result/score', breaks: ['newer-consumers', 'producer-code'] }]);
    expect(report.semver).toBe('major');
  });

  it('of any value ({} or true): no change for anyone, and no protocol version', async () => {
    for (const value of [{ description: 'Anything.' }, true]) {
      // `true` is compared as it is, with generate's refusal of it as a warning (write {}: tDJ F9).
      const report = await diffPatched([], [{ op: 'add', path: `${AI_RESULT}/note`, value }], value === true ? 'write {} (any value), the same schema' : undefined);
      expect(summary(report.changes, 'ai_tasks'), JSON.stringify(value)).toEqual([{ rule: 'optional-property-added', level: 'compatible', pointer: '/data/result/note', breaks: [] }]);
      expect(report.changes.find((c) => c.subject === 'ai_tasks')!.impact).toBe('no value changes validity');
      expect(report.semver).toBe('patch');
      noProtocolBump(report);
    }
  });
});

describe('number beside multipleOf 1 and integer: whole numbers alone either way, but multipleOf refuses them from 1e21 up', () => {
  // Reported as admitting the same values, "no value passes or fails", a patch, though the
  // validators (as ajv) refuse 1e21 under multipleOf 1 and take it as an integer (tEJ F4).
  it('the type retypes Go and Python alone; the multipleOf removed widens (breaking from server to client), added narrows', async () => {
    const number = [{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'number', multipleOf: 1, minimum: 0 } }] as PatchOperation[];
    const integer = [{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'integer', minimum: 0 } }] as PatchOperation[];
    const widened = await diffPatched(number, integer);
    expect(summary(widened.changes, 'trades').map(({ rule, level, breaks }) => ({ rule, level, breaks }))).toEqual([
      { rule: 'type-narrowed', level: 'compatible', breaks: ['other-language-code'] },
      { rule: 'range-widened', level: 'breaking', breaks: expect.arrayContaining(['tolerant-consumers', 'strict-consumers']) },
    ]);
    expect(widened.changes.find((c) => c.rule === 'range-widened')!.text).toBe('multipleOf 1 removed: whole numbers from 1e21 up (in magnitude) pass now, which the validators refuse under it, as ajv does, and integer admits');
    const narrowed = await diffPatched(integer, number);
    expect(summary(narrowed.changes, 'trades').map(({ rule, level }) => ({ rule, level }))).toEqual([{ rule: 'type-widened', level: 'compatible' }, { rule: 'range-narrowed', level: 'compatible' }]);
    // integer given multipleOf 1 narrows too (it was no change at all).
    const given = await diffPatched([], [{ op: 'replace', path: '/definitions.json/definitions/Count', value: { ...(base.get('definitions.json')!.definitions!.Count as object), multipleOf: 1 } }]);
    expect(given.changes.filter((c) => c.rule === 'range-narrowed').length).toBeGreaterThan(0);
    expect(given.changes.find((c) => c.rule === 'range-narrowed')!.text).toBe('multipleOf 1 added: whole numbers from 1e21 up (in magnitude) no longer pass, which the validators refuse under it, as ajv does, and integer admits');
    // With the multipleOf kept beside integer, no value passes or fails: the type alone.
    const kept = await diffPatched(number, [{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'integer', multipleOf: 1, minimum: 0 } }]);
    expect(summary(kept.changes, 'trades')).toEqual([{ rule: 'type-narrowed', level: 'compatible', pointer: '/data/lots', breaks: ['other-language-code'] }]);
    expect(kept.worst).toBe('compatible');
    noProtocolBump(kept);
  });

  it('under bounds that refuse 1e21 on both sides, multipleOf 1 added or removed changes no value: the type alone (tEP F6)', async () => {
    // EpochMilliseconds: `maximum` 8.64e15, written number + multipleOf 1 and back: it read breaking, protocol 2.0.
    const epoch = base.get('definitions.json')!.definitions!.EpochMilliseconds as Record<string, unknown>;
    const asNumber = [{ op: 'replace', path: '/definitions.json/definitions/EpochMilliseconds', value: { ...epoch, type: 'number', multipleOf: 1 } }] as PatchOperation[];
    for (const [older, newer] of [[asNumber, []], [[], asNumber]] as const) {
      const report = await diffPatched([...older], [...newer]);
      expect(report.changes.map((c) => c.rule)).not.toContain('range-widened');
      expect(report.changes.map((c) => c.rule)).not.toContain('range-narrowed');
      expect(report.changes.every((c) => c.level === 'compatible')).toBe(true);
      noProtocolBump(report);
    }
    // A bound of 1e21 exactly admits 1e21 (inclusive) and refuses it (exclusive); below -1e21 likewise.
    const lots = (value: object) => [{ op: 'add', path: `${TRADE_DATA}/lots`, value }] as PatchOperation[];
    const rules = async (bounds: object) => (await diffPatched(lots({ type: 'number', multipleOf: 1, ...bounds }), lots({ type: 'integer', ...bounds }))).changes.map((c) => c.rule);
    expect(await rules({ maximum: 1e21 })).toContain('range-widened');
    expect(await rules({ exclusiveMaximum: 1e21 })).toContain('range-widened'); // no minimum: -1e21 passes
    expect(await rules({ exclusiveMaximum: 1e21, minimum: -1e21 })).toContain('range-widened');
    expect(await rules({ exclusiveMaximum: 1e21, exclusiveMinimum: -1e21 })).not.toContain('range-widened');
    expect(await rules({ minimum: 0, maximum: 999999999999999900000 })).not.toContain('range-widened');
    // A bound on one side only: the other side's bound is a change of its own, multipleOf adds none.
    const oneSide = (await diffPatched(lots({ type: 'number', multipleOf: 1, minimum: 0 }), lots({ type: 'integer', minimum: 0, maximum: 100 }))).changes.filter((c) => c.subject === 'trades');
    expect(oneSide.map((c) => [c.rule, c.text])).toEqual([
      ['type-narrowed', expect.any(String)],
      ['range-narrowed', 'maximum 100 added'],
    ]);
  });

  it('under bounds that refuse 1e21, multipleOf 1 on a number (fractions allowed) still narrows and widens, and 1 made 2 or 2 made 1 on integers too (tET F12, F14)', async () => {
    const lots = (value: object) => [{ op: 'add', path: `${TRADE_DATA}/lots`, value }] as PatchOperation[];
    const changes = async (older: object, newer: object) =>
      (await diffPatched(lots(older), lots(newer))).changes.filter((c) => c.subject === 'trades').map((c) => [c.rule, c.text]);
    // 1.5 passed and fails now (F12): the short cut is for integers alone.
    const number = { type: 'number', minimum: 0, maximum: 1000 };
    expect(await changes(number, { ...number, multipleOf: 1 })).toEqual([['range-narrowed', 'multipleOf 1 added']]);
    expect(await changes({ ...number, multipleOf: 1 }, number)).toEqual([['range-widened', 'multipleOf 1 removed']]);
    // Odd numbers passed and fail now (F14): the short cut is for multipleOf 1 added or removed, not changed.
    const integer = { type: 'integer', minimum: 0, maximum: 1000 };
    expect(await changes({ ...integer, multipleOf: 1 }, { ...integer, multipleOf: 2 })).toEqual([['range-narrowed', 'multipleOf changed from 1 to 2']]);
    expect(await changes({ ...integer, multipleOf: 2 }, { ...integer, multipleOf: 1 })).toEqual([['range-widened', 'multipleOf changed from 2 to 1']]);
  });

  it('a whole multipleOf is still compared as a bound: number multiples of 2 made integers widen', async () => {
    const report = await diffPatched([{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'number', multipleOf: 2 } }], [{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'integer' } }]);
    expect(summary(report.changes, 'trades').map(({ rule, level }) => ({ rule, level }))).toEqual([{ rule: 'type-narrowed', level: 'compatible' }, { rule: 'range-widened', level: 'breaking' }]);
  });
});

describe('a change that admits exactly the same values is a protocol patch at most', () => {
  it.each([
    ['number with multipleOf 1 made integer with multipleOf 1', [{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'number', multipleOf: 1 } }], [{ op: 'add', path: `${TRADE_DATA}/lots`, value: { type: 'integer', multipleOf: 1 } }], 'major'],
    ['a field of any value added to an open object', [], [{ op: 'add', path: `${AI_RESULT}/note`, value: {} }], 'patch'],
  ] as [string, PatchOperation[], PatchOperation[], string][])('%s', async (_kind, older, newer, semver) => {
    const report = await diffPatched(older, newer);
    for (const change of report.changes) expect(change.level, `${change.rule}: ${change.text}`).toBe('compatible');
    noProtocolBump(report);
    expect(report.semver).toBe(semver);
  });
});

describe('a git side is named as it was given, and git\'s <ref>:<path> gets the form the CLI accepts', () => {
  let repo: string;
  beforeAll(() => {
    repo = path.join(work, 'repo');
    mkdirSync(path.join(repo, 'schemas'), { recursive: true });
    for (const [name, schema] of base) writeFileSync(path.join(repo, 'schemas', name), `${JSON.stringify(schema, null, 2)}\n`);
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x']);
  });

  it('git:HEAD:schemas is refused with git:HEAD --schemas schemas, which works', async () => {
    const refused = await diffCli('git:HEAD:schemas', 'dir:schemas', repo);
    expect(refused).toMatchObject({ code: 2, stderr: 'realtime-contract: git:HEAD:schemas: not a git ref here; the folder inside a ref is --schemas: write git:HEAD --schemas schemas\n' });
    const suggested = await diffCli('git:HEAD', 'dir:schemas', repo, 'schemas');
    expect(suggested.code).toBe(0);
    expect(suggested.report!.before).toMatch(/^git:HEAD \(git [0-9a-f]{12}\)$/);
    expect(suggested.report!.after).toBe('dir:schemas (folder)');
    expect(suggested.report!.changes).toEqual([]);
  });

  it('advises git:<ref> --schemas only where <ref> is a ref, quoted for the shell; a Windows path is told so, with its WSL form (a tester)', async () => {
    expect(await diffCli('nosuchref:schemas', 'dir:schemas', repo)).toMatchObject({ code: 2, stderr: 'realtime-contract: nosuchref:schemas: not a folder, tarball or git ref here\n' });
    expect(await diffCli('C:\\Users\\me\\realtime-contract\\schemas', 'dir:schemas', repo)).toMatchObject({
      code: 2,
      stderr: 'realtime-contract: C:\\Users\\me\\realtime-contract\\schemas: not a folder, tarball or git ref here; it looks like a Windows path: name the folder as this system sees it (on WSL, /mnt/c/Users/me/realtime-contract/schemas)\n',
    });
    expect(await diffCli('git:D:/my contracts/schemas', 'dir:schemas', repo)).toMatchObject({
      code: 2,
      stderr: "realtime-contract: git:D:/my contracts/schemas: not a git ref here; it looks like a Windows path: name the folder as this system sees it (on WSL, '/mnt/d/my contracts/schemas')\n",
    });
    expect((await diffCli('HEAD:my schemas', 'dir:schemas', repo)).stderr).toBe("realtime-contract: HEAD:my schemas: not a folder, tarball or git ref here; the folder inside a ref is --schemas: write git:HEAD --schemas 'my schemas'\n");
  });

  it('tells a Windows path so after dir: and tarball: and in --schemas too, naming a tarball as one (they said a raw ENOENT, or nothing: a tester)', async () => {
    const wsl = '(on WSL, /mnt/c/Users/me/schemas)\n';
    expect(await diffCli('dir:C:\\Users\\me\\schemas', 'dir:schemas', repo)).toMatchObject({ code: 2, stderr: `realtime-contract: dir:C:\\Users\\me\\schemas: no such folder here; it looks like a Windows path: name the folder as this system sees it ${wsl}` });
    expect(await diffCli('tarball:C:/Users/me/pkg.tgz', 'dir:schemas', repo)).toMatchObject({ code: 2, stderr: 'realtime-contract: tarball:C:/Users/me/pkg.tgz: no such file here; it looks like a Windows path: name the tarball as this system sees it (on WSL, /mnt/c/Users/me/pkg.tgz)\n' });
    expect((await diffCli('C:\\Users\\me\\pkg.tgz', 'dir:schemas', repo)).stderr).toBe('realtime-contract: C:\\Users\\me\\pkg.tgz: not a folder, tarball or git ref here; it looks like a Windows path: name the tarball as this system sees it (on WSL, /mnt/c/Users/me/pkg.tgz)\n');
    expect((await diffCli('HEAD', 'dir:schemas', repo, 'C:\\Users\\me\\schemas')).stderr).toMatch(/^realtime-contract: HEAD: no C:\\Users\\me\\schemas\/protocol\.json at [0-9a-f]{12}; --schemas C:\\Users\\me\\schemas looks like a Windows path: name the folder as this system sees it \(on WSL, \/mnt\/c\/Users\/me\/schemas\)\n$/);
    expect(await diffCliWorkingTree('dir:schemas', repo, 'C:\\Users\\me\\schemas')).toMatchObject({ code: 2, stderr: `realtime-contract: --schemas C:\\Users\\me\\schemas: no such folder here; it looks like a Windows path: name the folder as this system sees it ${wsl}` });
  });

  it('refuses an empty --schemas, as an empty side is (`--schemas "$DIR"` with DIR unset)', async () => {
    expect(await diffCli('HEAD', 'dir:schemas', repo, '')).toMatchObject({ code: 2, stderr: 'realtime-contract: --schemas is empty: name the folder of the schemas in the working tree and in git refs (schemas by default)\n' });
  });

  it('a ref named without the prefix keeps its name, and one that is not there says what was tried', async () => {
    expect((await diffCli('HEAD', 'dir:schemas', repo)).report!.before).toMatch(/^HEAD \(git [0-9a-f]{12}\)$/);
    expect(await diffCli('git:no-such-ref', 'dir:schemas', repo)).toMatchObject({ code: 2, stderr: 'realtime-contract: git:no-such-ref: not a git ref here\n' });
    expect(await diffCli('no-such-ref', 'dir:schemas', repo)).toMatchObject({ code: 2, stderr: 'realtime-contract: no-such-ref: not a folder, tarball or git ref here\n' });
  });
});

describe('items or a map\'s values of any value, written {}, true or left out, are the same schema', () => {
  it('README says so', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain("an array's `items` or a map's values of any value written `{}`, `true` or left out, one for another (no change at all)");
  });

  const ISSUES = `${AI_RESULT}/issues/items`;
  it.each([
    ['{}', 'true', [{ op: 'replace', path: ISSUES, value: {} }], [{ op: 'replace', path: ISSUES, value: true }]],
    ['true', '{}', [{ op: 'replace', path: ISSUES, value: true }], [{ op: 'replace', path: ISSUES, value: {} }]],
    ['{}', 'none', [{ op: 'replace', path: ISSUES, value: {} }], [{ op: 'remove', path: ISSUES }]],
    ['none', '{ description }', [{ op: 'remove', path: ISSUES }], [{ op: 'replace', path: ISSUES, value: { description: 'An issue.' } }]],
  ] as [string, string, PatchOperation[], PatchOperation[]][])('items %s -> %s: no change (it read "items no longer constrained", a major break)', async (_from, _to, older, newer) => {
    const report = await diffPatched(older, newer);
    expect(report.changes).toEqual([]);
  });

  it('additionalProperties {} -> true and back: no change (it read "values of unnamed fields now constrained")', async () => {
    const map = (values: unknown) => [{ op: 'add', path: `${TRADE_DATA}/meta`, value: { type: 'object', additionalProperties: values, description: 'Meta.' } }] as PatchOperation[];
    for (const [from, to] of [[{}, true], [true, {}]]) {
      const report = await diffPatched(map(from), map(to), to === true ? '{} for any value' : undefined);
      expect(report.changes, JSON.stringify([from, to])).toEqual([]);
    }
  });
});
