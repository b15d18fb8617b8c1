import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDiff } from '../../src/cli/diff-command.js';
import type { DiffReport } from '../../src/diff/index.js';
import { patchSchemas, readSchemas } from './support.js';
import { tarArchive, zeroBomb } from './tar-support.js';
import { jsonText, jsonTextWithRaw, readJson, replaceSnippet } from '../support/schema-text.js';

// Its tests run the CLI through tsx a few times each, one after another: at load 30 on 2 vCPUs a start of tsx took 9 to
// 13 s, and two tests passed vitest's 60 s (65 s, 70 s) with nothing wrong (a run beside this session's helpers).
vi.setConfig({ testTimeout: 300_000 });

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const V1_0 = path.join(ROOT, 'test/diff/v1.0');
/** The contract at v1.1 (a copy of schemas/ then): the v1.0 → v1.1 test does not move with later edits to schemas/. */
const V1_1 = path.join(ROOT, 'test/diff/v1.1');
/** What a server→client narrowing's impact says of the messages older servers stored (tBD F1). */
const STORED = '; yet newer consumers may also reject what older servers stored (Redis streams, the memory store, journals), which the upgraded servers replay to them until it leaves the store: upgrading servers first does not spare it';

/** Runs the real CLI in a child process, from `cwd` (git commands and relative paths start there). */
function cli(args: string[], cwd = ROOT) {
  // Bounded: a diff that waits forever (it once read a FIFO) fails instead of hanging the run.
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(args: string[], cwd = ROOT): DiffReport & { before: string; after: string } {
  const { stdout, stderr, code } = cli([...args, '--format', 'json', '--fail-on', 'never'], cwd);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as DiffReport & { before: string; after: string };
}

function writeSchemas(dir: string, files: Map<string, unknown>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of files) writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'diff-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('realtime-contract diff', () => {
  it("runs README's examples as written in a checkout: a folder and a git ref against the working tree", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('realtime-contract diff test/diff/v1.0 ');
    const folder = cli(['diff', 'test/diff/v1.0']);
    expect(folder.stdout).toMatch(/\(0 breaking, \d+ strict, \d+ compatible\) from test\/diff\/v1\.0 \(folder\) to schemas \(working tree\): release minor/);
    expect(folder.code).toBe(0);
    const missing = cli(['diff', 'no-such-ref']);
    expect(missing.stderr).toBe('realtime-contract: no-such-ref: not a folder, tarball or git ref here\n');
    expect(missing.code).toBe(2);
  });

  it('warns of a property that becomes a Go field named as a generated method of its struct, which generate refuses (tHV F7: "release minor", nothing on stderr)', () => {
    const dir = path.join(work, 'method-field');
    writeSchemas(dir, patchSchemas(readSchemas(), [{ op: 'add', path: '/bots.json/definitions/BotData/properties/unmarshal_json', value: { type: 'string', description: 'x' } }]));
    const { stdout, stderr } = cli(['diff', 'schemas', dir]);
    expect(stderr).toMatch(new RegExp(`^realtime-contract: warning: generate refuses ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(folder\\): .*property name "unmarshal_json" becomes the Go field UnmarshalJSON of BotData, which has a generated method of that name.*; compared as it is, but it cannot ship as it is\n$`));
    expect(stdout).toContain('optional field "unmarshal_json" added');
  });

  it('warns of a schema file in a subfolder of the newer side, which generate refuses and diff compares without (it left it out unsaid)', () => {
    const dir = path.join(work, 'nested');
    writeSchemas(dir, readSchemas());
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'x.json'), '{}\n');
    const { code, stdout, stderr } = cli(['diff', 'schemas', dir]);
    expect(stderr).toBe(`realtime-contract: warning: generate refuses ${dir} (folder): sub/x.json: a schema file in a subfolder, which is not read: the contract is the *.json files at the top of the schemas folder (one per message type, beside definitions.json and protocol.json); move it up beside them (its $id named after the file), or out of the schemas folder; compared as it is, but it cannot ship as it is\n`);
    expect(stdout).toMatch(/^no changes/i);
    expect(code).toBe(0);
  });

  it('warns, on stderr, when generate refuses the newer side, and still compares it (it compared in silence: a hostile tester)', () => {
    const dir = path.join(work, 'not-generatable');
    writeSchemas(dir, patchSchemas(readSchemas(), [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'SELL' }]));
    const { code, stdout, stderr } = cli(['diff', 'schemas', dir, '--fail-on', 'never']);
    expect(stderr).toBe(`realtime-contract: warning: generate refuses ${dir} (folder): definitions.json#/definitions/Side/enum/2: expected values of a closed list that differ in more than case and punctuation, got "SELL" beside "sell": Go and Python name one after the other, so adding one renames the other's constant; compared as it is, but it cannot ship as it is\n`);
    expect(stdout).toMatch(/enum-value-added/);
    expect(code).toBe(0);
    // The older side may predate a rule: read as it is, without a word.
    expect(cli(['diff', dir, 'schemas', '--fail-on', 'never']).stderr).toBe('');
    // A recursive schema: compared, and said to be one generate refuses (it said nothing: a hostile tester).
    const tree = path.join(work, 'recursive');
    writeSchemas(tree, patchSchemas(readSchemas(), [
      { op: 'add', path: '/definitions.json/definitions/TreeNode', value: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/TreeNode' } } } } },
      { op: 'add', path: '/alerts.json/definitions/AlertData/properties/tree', value: { $ref: 'definitions.json#/definitions/TreeNode' } },
    ]));
    const recursive = cli(['diff', 'schemas', tree, '--fail-on', 'never']);
    expect(recursive.stderr).toContain(`realtime-contract: warning: generate refuses ${tree} (folder): definitions.json#/definitions/TreeNode/properties/children/items/$ref: $ref "#/definitions/TreeNode" leads back to a schema it stands in (definitions.json#/definitions/TreeNode → definitions.json#/definitions/TreeNode): a recursive schema cannot be generated`);
    expect(recursive.code).toBe(0);
    // What only the language generators refused (a title that is not its key, a key no Go tag
    // carries) and a format on an integer: diff said nothing of them (a hostile tester).
    for (const [name, patch, said] of [
      ['titled', { op: 'add', path: '/trades.json/definitions/TradeData/title', value: 'Trade' }, 'trades.json#/definitions/TradeData/title: expected "TradeData"'],
      ['go-tag', { op: 'add', path: '/trades.json/definitions/TradeData/properties/prix,€', value: { type: 'string' } }, 'trades.json#/definitions/TradeData/properties/prix,€: property name "prix,€" cannot be a Go struct tag'],
      ['int-format', { op: 'add', path: '/definitions.json/definitions/Count/format', value: 'date-time' }, 'definitions.json#/definitions/Count/format: expected "format" only where the type admits strings'],
      // What only the TypeBox generator refused: diff warned of none of them (a hostile tester).
      ['pattern-properties', { op: 'add', path: '/trades.json/definitions/TradeData/patternProperties', value: { '^x-': { type: 'string' } } }, 'trades.json#/definitions/TradeData/patternProperties: keyword "patternProperties" is not supported by the generated languages: write a map'],
      // diff read the list alone and said "no changes", while the validators and types followed the const (a hostile tester).
      ['const-and-enum', { op: 'add', path: '/trades.json/definitions/TradeData/properties/status/const', value: 'filled' }, 'trades.json#/definitions/TradeData/properties/status/const: expected "const" or "enum", got both (the value "filled" and a list of 4): keep the list, or the fixed value alone'],
      // Values Go and Python name alike: generate refused them, diff compared them in silence.
      ['enum-case-names', { op: 'replace', path: '/trades.json/definitions/TradeData/properties/status/enum', value: ['pending', 'filled', 'cancelled', 'failed', 'empty', ''] }, 'trades.json#/definitions/TradeData/properties/status/enum/5: expected values of a closed list that Python names apart, got "empty" and ""'],
    ] as const) {
      const side = path.join(work, name);
      writeSchemas(side, patchSchemas(readSchemas(), [patch]));
      expect(cli(['diff', 'schemas', side, '--fail-on', 'never']).stderr).toContain(`realtime-contract: warning: generate refuses ${side} (folder): ${said}`);
    }
  });

  it('warns of what only the text of a schema says, which generate refuses: a key written twice, a number JSON.parse rounds (compared as their parsed value in silence; a fresh user)', () => {
    const side = (name: string, raw: string) => {
      const dir = path.join(work, name);
      writeSchemas(dir, readSchemas());
      const trades = readJson('schemas/trades.json') as { definitions: { TradeData: { properties: Record<string, unknown> } } };
      trades.definitions.TradeData.properties.tier = {};
      writeFileSync(path.join(dir, 'trades.json'), jsonTextWithRaw(trades, '/definitions/TradeData/properties/tier', raw));
      return dir;
    };
    for (const [name, raw, said] of [
      ['doubled-key', '{ "type": "string", "maxLength": 5, "maxLength": 500 }', 'trades.json#/definitions/TradeData/properties/tier/maxLength: duplicate key "maxLength" (JSON.parse would keep only the last value)'],
      ['rounded', '{ "type": "integer", "maximum": 18446744073709551615 }', 'trades.json#/definitions/TradeData/properties/tier/maximum: expected a number JSON.parse holds as written, got 18446744073709551615, read as 18446744073709552000'],
      ['underflow', '{ "type": "number", "exclusiveMinimum": 1e-400 }', 'trades.json#/definitions/TradeData/properties/tier/exclusiveMinimum: expected a number JSON.parse holds as written, got 1e-400, read as 0'],
    ] as const) {
      const dir = side(name, raw);
      const { code, stdout, stderr } = cli(['diff', 'schemas', dir, '--fail-on', 'never']);
      expect(stderr).toContain(`realtime-contract: warning: generate refuses ${dir} (folder): ${said}`);
      expect(stdout).toMatch(/optional-property-added/);
      expect(code).toBe(0);
    }
    // One JSON cannot carry once read: said as written, not as the copy diff would load ("got null").
    const infinite = side('infinite', '{ "type": "number", "maximum": 1e400 }');
    expect(cli(['diff', 'schemas', infinite])).toMatchObject({ code: 2, stderr: `realtime-contract: ${infinite}: trades.json: not a loadable contract: trades.json#/definitions/TradeData/properties/tier/maximum: expected a finite number, got 1e400, read as Infinity (beyond the range of a double)\n` });
    // A large number written with an exponent is held to no digits: nothing to say.
    const exponent = side('exponent', '{ "type": "number", "maximum": 1.2345678901234567e20 }');
    expect(cli(['diff', 'schemas', exponent, '--fail-on', 'never']).stderr).toBe('');
  });

  it('run from a subfolder, says where it looked for the schemas and how to point at them (a hostile tester)', () => {
    const inSrc = cli(['diff', 'HEAD'], path.join(ROOT, 'src'));
    expect(inSrc.stderr).toMatch(/^realtime-contract: HEAD: no src\/schemas\/protocol\.json at [0-9a-f]{12}; schemas is read relative to the current folder, src\/ of the repository: run diff from the repository's top, or give --schemas \.\.\/schemas\n$/);
    expect(inSrc.code).toBe(2);
    const pointed = cli(['diff', 'HEAD', '--schemas', '../schemas', '--fail-on', 'never'], path.join(ROOT, 'src'));
    expect(pointed.code).toBe(0);
    // tET F13 (mutant X4: the `|| '.'` dropped): run from the schemas folder itself, the hint names `--schemas .`, not `--schemas` and nothing.
    const inSchemas = cli(['diff', 'HEAD'], path.join(ROOT, 'schemas'));
    expect(inSchemas.stderr).toMatch(/^realtime-contract: HEAD: no schemas\/schemas\/protocol\.json at [0-9a-f]{12}; schemas is read relative to the current folder, schemas\/ of the repository: run diff from the repository's top, or give --schemas \.\n$/);
    expect(cli(['diff', 'HEAD', '--schemas', '.', '--fail-on', 'never'], path.join(ROOT, 'schemas')).code).toBe(0);
  });

  it('reads --schemas inside a git ref as the folder it names from the current folder, absolute or through .. and links, as the working tree does; refuses one outside the repository by the name --schemas (tEL F1: "no /…/schemas/protocol.json", HEAD blamed as no git ref)', () => {
    const repo = path.join(work, 'schemas-forms');
    mkdirSync(path.join(repo, 'sub'), { recursive: true });
    cpSync(path.join(ROOT, 'schemas'), path.join(repo, 'schemas'), { recursive: true });
    writeFileSync(path.join(repo, 'sub/.keep'), '');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=diff test', '-c', 'user.email=diff@test.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'contract');
    const alias = path.join(work, 'schemas-forms-link');
    symlinkSync(repo, alias);
    const sub = path.join(repo, 'sub');
    const same = (args: string[], cwd: string) => {
      const { code, stdout, stderr } = cli(['diff', 'HEAD', ...args], cwd);
      expect({ args, cwd, code, stderr }).toEqual({ args, cwd, code: 0, stderr: '' });
      expect(stdout).toMatch(/^no changes from HEAD \(git [0-9a-f]{12}\) to /);
    };
    // The same folder in every form: the working tree read each, the ref neither absolute nor `../<checkout>/…`.
    same(['--schemas', path.join(repo, 'schemas')], repo);
    same(['--schemas', '../schemas-forms/schemas'], repo);
    same(['--schemas', `${repo}/sub/../schemas`], sub);
    same(['--schemas', path.join(alias, 'schemas')], repo);
    same(['--schemas', 'schemas'], alias);
    same(['--schemas', '../schemas'], sub);
    // From a subfolder, the hint is a path inside the repository, and it works.
    const inSub = cli(['diff', 'HEAD'], sub);
    expect(inSub.stderr).toMatch(/^realtime-contract: HEAD: no sub\/schemas\/protocol\.json at [0-9a-f]{12}; schemas is read relative to the current folder, sub\/ of the repository: run diff from the repository's top, or give --schemas \.\.\/schemas\n$/);
    // A folder the commit has no contract in, given absolute: named as the repository's path, and as given.
    const empty = cli(['diff', 'HEAD', '--schemas', sub], repo);
    expect(empty.stderr).toMatch(new RegExp(`^realtime-contract: HEAD: no sub/protocol\\.json at [0-9a-f]{12} \\(--schemas ${sub.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\n$`));
    expect(empty.code).toBe(2);
    // Outside the repository: --schemas is at fault, said so, not the ref.
    const outside = cli(['diff', 'HEAD', '--schemas', '../../schemas'], sub);
    const realWork = realpathSync(work);
    expect(outside.stderr).toBe(`realtime-contract: --schemas ../../schemas: ${path.join(realWork, 'schemas')} is outside the repository at ${path.join(realWork, 'schemas-forms')}, whose commits HEAD names: name the folder of the schemas inside it (relative to the current folder, or absolute), or run diff from the repository it is in\n`);
    expect(outside.code).toBe(2);
    expect(cli(['diff', 'git:HEAD', '--schemas', path.join(ROOT, 'schemas')], repo).stderr).toMatch(/^realtime-contract: --schemas \/.*\/schemas: \/.*\/schemas is outside the repository at .*, whose commits git:HEAD names: /);
  }, 300_000);

  it('says --schemas and dir: name a folder where a file is given (tEP F9: "no schemas/definitions.json/protocol.json", "ENOTDIR")', () => {
    const repo = path.join(work, 'schemas-file');
    cpSync(path.join(ROOT, 'schemas'), path.join(repo, 'schemas'), { recursive: true });
    writeFileSync(path.join(repo, 'schemas', 'notes.txt'), 'kept in the commit, gone from the working tree\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=diff test', '-c', 'user.email=diff@test.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'contract');
    rmSync(path.join(repo, 'schemas', 'notes.txt'));
    const refused = (args: string[], stderr: RegExp | string) => {
      const result = cli(['diff', ...args], repo);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      if (typeof stderr === 'string') expect(result.stderr).toBe(stderr);
      else expect(result.stderr).toMatch(stderr);
    };
    const absolute = path.join(repo, 'schemas', 'definitions.json');
    refused(['HEAD', '--schemas', absolute], `realtime-contract: HEAD: --schemas ${absolute}: expected a folder of schemas (the one that holds protocol.json), got a file: give its folder, --schemas ${path.join(repo, 'schemas')}\n`);
    refused(['HEAD', '--schemas', 'schemas/protocol.json'], 'realtime-contract: HEAD: --schemas schemas/protocol.json: expected a folder of schemas (the one that holds protocol.json), got a file: give its folder, --schemas schemas\n');
    // A file in the commit alone.
    refused(['HEAD', 'HEAD', '--schemas', 'schemas/notes.txt'], 'realtime-contract: HEAD: --schemas schemas/notes.txt: expected a folder of schemas (the one that holds protocol.json), got a file: give its folder, --schemas schemas\n');
    // The working tree's side, and a dir: side.
    refused(['schemas', '--schemas', 'schemas/protocol.json'], 'realtime-contract: --schemas schemas/protocol.json: expected a folder of schemas (the one that holds protocol.json), got a file: give its folder, --schemas schemas\n');
    refused(['dir:schemas/protocol.json', 'schemas'], 'realtime-contract: dir:schemas/protocol.json: expected a folder of schemas (the one that holds protocol.json), got a file: give its folder, dir:schemas\n');
    // A folder without a contract is still said as before.
    refused(['HEAD', '--schemas', 'nope'], /^realtime-contract: HEAD: no nope\/protocol\.json at [0-9a-f]{12}\n$/);
  }, 300_000);

  it('finds nothing between the current contract and itself (exit 0)', () => {
    const { code, stdout, stderr } = cli(['diff', 'schemas', 'schemas']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('no changes from schemas (folder) to schemas (folder)\n');
    expect(json(['diff', 'schemas'])).toMatchObject({ changes: [], worst: null, semver: 'none', protocolVersion: { bumped: true } });
  });

  it('reports a description-only edit as documentation, a patch release (generate rewrites the docs from it)', () => {
    const files = patchSchemas(readSchemas(), [
      { op: 'replace', path: '/definitions.json/definitions/Side/description', value: 'Which way the trade went.' },
      { op: 'replace', path: '/trades.json/definitions/TradeData/properties/side/description', value: 'Bought or sold.' },
    ]);
    const dir = path.join(work, 'described');
    writeSchemas(dir, files);
    const { code, stdout, stderr } = cli(['diff', 'schemas', dir]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'compatible definitions.json /definitions/Side: description, default, examples or comment changed — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      'compatible trades /definitions/TradeData/properties/side: description, default, examples or comment changed — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      `2 changes (0 breaking, 0 strict, 2 compatible) from schemas (folder) to ${dir} (folder): release patch; protocol version 1.1 (was 1.1; 1.1 or later needed)`,
    ]);
    // A default is documentation too: generate writes it into the docs and the bundled schema (diff said "no changes": a hostile tester).
    const defaulted = path.join(work, 'defaulted');
    writeSchemas(defaulted, patchSchemas(readSchemas(), [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/side/default', value: 'buy' }]));
    expect(json(['diff', 'schemas', defaulted])).toMatchObject({ changes: [{ rule: 'documentation-changed', subject: 'trades', pointer: '/definitions/TradeData/properties/side' }], semver: 'patch' });
  });

  it('reports a spec section or a version history entry edited as documentation, a patch release, in the words of the other documentation changes (generate rewrites the reference, the @see lines and the AsyncAPI document from them; diff said "no changes": a tester)', () => {
    const dir = path.join(work, 'sectioned');
    writeSchemas(dir, patchSchemas(readSchemas(), [
      { op: 'replace', path: '/trades.json/x-spec-section', value: '3. Trade events' },
      { op: 'replace', path: '/protocol.json/x-version-history/0/changes', value: 'Initial schema' },
      { op: 'replace', path: '/protocol.json/x-version-history/0/date', value: '2026-01-15' },
      { op: 'replace', path: '/alerts.json/x-spec-section', value: '9. Alerts and notices' },
      { op: 'replace', path: '/alerts.json/description', value: 'An alert.' },
    ]));
    const { code, stdout, stderr } = cli(['diff', 'schemas', dir]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'compatible alerts: descriptions, defaults, examples or comments; spec section (x-spec-section) changed in 2 places (the first here) — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      'compatible protocol.json /x-version-history/0: version history entry changed — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      'compatible trades /x-spec-section: spec section (x-spec-section) changed — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      `3 changes (0 breaking, 0 strict, 3 compatible) from schemas (folder) to ${dir} (folder): release patch; protocol version 1.1 (was 1.1; 1.1 or later needed)`,
    ]);
  });

  it('calls a renamed generated type a major release of the package, and leaves the protocol version alone', () => {
    const dir = path.join(work, 'renamed');
    writeSchemas(dir, patchSchemas(readSchemas(), [{ op: 'replace', path: '/trades.json/title', value: 'TradeMessage' }]));
    expect(json(['diff', 'schemas', dir])).toMatchObject({
      // The wire is the same; code that imports the name is not (it read breaks: [], "nobody": a fresh user).
      changes: [{ rule: 'type-name-changed', level: 'compatible', subject: 'trades', pointer: '', before: 'TradesMessage', after: 'TradeMessage', breaks: ['importing-code'] }],
      semver: 'major',
      protocolVersion: { before: '1.1', after: '1.1', suggested: '1.1', bumped: true },
    });
    const added = path.join(work, 'inline-title');
    writeSchemas(added, patchSchemas(readSchemas(), [{ op: 'add', path: '/whale.json/properties/ts/title', value: 'WhaleTimestamp' }]));
    // A title beside a $ref to a string: Go and Python declare no type there (`Ts string`, before
    // and after), TypeScript gains one (`WhaleTimestamp = Timestamp`): a minor release, no rename
    // (it said Go and Python renamed it, major: tFV F6).
    expect(json(['diff', 'schemas', added])).toMatchObject({ changes: [{ rule: 'type-name-changed', after: 'WhaleTimestamp', breaks: [] }], semver: 'minor' });
  });

  it('calls a new definition (a new generated type, no name gone) a minor release that breaks nobody', () => {
    const dir = path.join(work, 'new-definition');
    writeSchemas(dir, patchSchemas(readSchemas(), [{ op: 'add', path: '/definitions.json/definitions/Venue', value: { type: 'string', description: 'Where an order is placed.' } }]));
    const report = json(['diff', 'schemas', dir]);
    expect(report.changes).toEqual([
      expect.objectContaining({ rule: 'type-name-changed', level: 'compatible', subject: 'definitions.json', direction: null, pointer: '/definitions/Venue', after: 'Venue', breaks: [] }),
    ]);
    expect(report.changes[0]).not.toHaveProperty('before');
    expect(report).toMatchObject({ semver: 'minor', protocolVersion: { before: '1.1', after: '1.1', suggested: '1.1', bumped: true } });
  });

  it('compares both sides\' generated Go and Python as the command, not only through a copy of its wiring: an inline list aliasing Side split off when Side gains a value is a major release (tHE F12; tGY F2)', () => {
    const old = patchSchemas(readSchemas(), [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/dir', value: { type: 'string', enum: ['buy', 'sell'] } }]);
    const grew = patchSchemas(old, [{ op: 'add', path: '/definitions.json/definitions/Side/enum/-', value: 'short' }]);
    const [before, after] = [path.join(work, 'alias-old'), path.join(work, 'alias-new')];
    writeSchemas(before, old);
    writeSchemas(after, grew);
    // One run: the contract model shows only a value added (minor); the generated code shows the split.
    const report = json(['diff', before, after]);
    const named = report.changes.filter((c) => c.rule === 'type-name-changed' && c.pointer === '/definitions/TradeData/properties/dir');
    expect(named).toEqual([expect.objectContaining({ subject: 'trades', level: 'compatible', breaks: ['importing-code'] })]);
    expect(named[0]!.text).toContain('Go TradeData.dir: *Side → *TradeDataDir');
    expect(report.semver).toBe('major');
  });

  it('names older-clients for a client→server change that breaks, and older-peers for a protocol fact that breaks both sides', () => {
    // pong travels both ways: a field it must now carry is refused from older clients (breaking),
    // where older consumers of the newer server's pongs are only strict about it.
    const required = path.join(work, 'pong-required');
    writeSchemas(required, patchSchemas(readSchemas(), [
      { op: 'add', path: '/pong.json/properties/node', value: { type: 'string', description: 'The node that answered.' } },
      { op: 'add', path: '/pong.json/required/-', value: 'node' },
    ]));
    const pong = json(['diff', 'schemas', required]).changes.filter((c) => c.subject === 'pong');
    expect(pong).toEqual([
      expect.objectContaining({ rule: 'required-property-added', level: 'strict', direction: 'server-to-client', pointer: '/node', breaks: ['strict-consumers', 'newer-consumers', 'producer-code'] }),
      expect.objectContaining({ rule: 'required-property-added', level: 'breaking', direction: 'client-to-server', pointer: '/node', breaks: ['older-clients', 'producer-code'] }),
    ]);
    // The WebSocket path moves: a fact of the protocol, no direction; every older peer fails.
    const moved = path.join(work, 'path-moved');
    // (The polling path with it: generate refuses one that is not under the socket's.)
    writeSchemas(moved, patchSchemas(readSchemas(), [{ op: 'replace', path: '/protocol.json/x-connection/path', value: '/api/v2/ws' }, { op: 'replace', path: '/protocol.json/x-polling/path', value: '/api/v2/ws/poll' }]));
    expect(json(['diff', 'schemas', moved]).changes).toContainEqual(
      expect.objectContaining({ rule: 'connection-path-changed', level: 'breaking', subject: null, direction: null, pointer: '/x-connection/path', breaks: ['older-peers'] }),
    );
  });

  it('classifies v1.0 → v1.1 (optional cursor, connection.data.resume, both-way ping/pong) as non-breaking in both directions', () => {
    const report = json(['diff', V1_0, V1_1]);
    expect(report.counts.breaking).toBe(0);
    expect(report.changes.filter((c) => c.direction === 'client-to-server').every((c) => c.level === 'compatible')).toBe(true);
    expect(report.changes.filter((c) => c.direction === 'server-to-client').every((c) => c.level !== 'breaking')).toBe(true);
    // What strict v1.0 consumers would reject: the new optional fields, and nothing else.
    const strict = report.changes.filter((c) => c.level === 'strict');
    expect(new Set(strict.map((c) => `${c.rule} ${c.pointer}`))).toEqual(new Set(['optional-property-added /cursor', 'optional-property-added /data/resume']));
    expect(report.changes).toContainEqual(expect.objectContaining({ rule: 'optional-property-added', subject: 'connection', pointer: '/data/resume', direction: 'server-to-client' }));
    expect(report).toMatchObject({ semver: 'minor', protocolVersion: { before: '1.0', after: '1.1', suggested: '1.1', bumped: true } });
    // The default --fail-on breaking lets it through; --fail-on strict would stop it.
    expect(cli(['diff', V1_0, V1_1]).code).toBe(0);
    expect(cli(['diff', V1_0, V1_1, '--fail-on', 'strict']).code).toBe(1);
  });

  // Exit 1 with a report reading like a pass (`0 breaking`) and no word of --fail-on: a red CI step, no reason (tHQ F5).
  it('says in one line on stderr why --fail-on failed the run, and carries it in the JSON output as failOn', () => {
    const strict = cli(['diff', V1_0, V1_1, '--fail-on', 'strict']);
    expect(strict.code).toBe(1);
    const report = json(['diff', V1_0, V1_1]);
    const atOrAbove = report.counts.strict + report.counts.breaking;
    expect(atOrAbove).toBeGreaterThan(0);
    expect(strict.stderr).toBe(`realtime-contract: --fail-on strict: ${atOrAbove} changes at or above strict (${report.counts.breaking} breaking, ${report.counts.strict} strict): exit 1\n`);
    // The report on stdout as without --fail-on; the default (breaking) passes, and says nothing.
    const passed = cli(['diff', V1_0, V1_1]);
    expect(passed).toMatchObject({ code: 0, stderr: '' });
    expect(strict.stdout).toBe(passed.stdout);
    const failed = cli(['diff', V1_0, V1_1, '--fail-on', 'strict', '--format', 'json']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(strict.stderr);
    const parsed = JSON.parse(failed.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['before', 'after', 'changes', 'counts', 'worst', 'semver', 'protocolVersion', 'failOn']);
    expect(parsed.failOn).toEqual({ level: 'strict', failed: true, changes: atOrAbove });
    expect((report as unknown as Record<string, unknown>).failOn).toEqual({ level: 'never', failed: false });
    expect(JSON.parse(cli(['diff', V1_0, V1_1, '--format', 'json']).stdout).failOn).toEqual({ level: 'breaking', failed: false, changes: 0 });
    // README's example is this line, for v1.0 against the working tree.
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toMatch(/`realtime-contract:\s+--fail-on strict: \d+ changes at or above strict \(\d+ breaking, \d+ strict\): exit 1`/);
  });

  it('reads an older side whose protocol.json fact has a key nothing reads, and warns of a newer one (a release that shipped `pongTimoutMs` could not be diffed against: a tester)', () => {
    const stray = path.join(work, 'stray-fact-key');
    writeSchemas(stray, patchSchemas(readSchemas(), [{ op: 'add', path: '/protocol.json/x-keepalive/pongTimoutMs', value: 10000 }]));
    const older = cli(['diff', stray, 'schemas', '--fail-on', 'never']);
    expect(older.stderr).toBe('');
    expect(older.code).toBe(0);
    const newer = cli(['diff', 'schemas', stray, '--fail-on', 'never']);
    expect(newer.stderr).toBe(`realtime-contract: warning: generate refuses ${stray} (folder): protocol.json#/x-keepalive/pongTimoutMs: expected { pingIntervalMs, pongTimeoutMs } integers (milliseconds), and no other key: found "pongTimoutMs" (misspelled? generate reads only these; remove it); compared as it is, but it cannot ship as it is\n`);
    expect(newer.code).toBe(0);
  });

  it('reads a git ref, and defaults the new side to the working tree', () => {
    const repo = path.join(work, 'repo');
    mkdirSync(repo, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=diff test', '-c', 'user.email=diff@test.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '--quiet', '--initial-branch=main');
    cpSync(path.join(V1_0, 'schemas'), path.join(repo, 'schemas'), { recursive: true });
    git('add', 'schemas');
    git('commit', '--quiet', '-m', 'v1.0');
    git('tag', 'v1.0');
    // The working tree moves on: a breaking change (a trade field made nullable) on top of the current contract.
    const current = patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/fee/type', value: ['number', 'null'] }]);
    writeSchemas(path.join(repo, 'schemas'), current);

    const text = cli(['diff', 'v1.0'], repo);
    // Exit 1 says why, on stderr (tHQ F5): the default --fail-on breaking, and the one breaking change.
    expect(text.stderr).toBe('realtime-contract: --fail-on breaking: 1 change at or above breaking (1 breaking): exit 1\n');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('breaking   trades /data/fee (server→client): may now be null — older consumers reject some messages the newer server may send, in tolerant and strict mode; Go and Python give the field another type: code built on them may no longer compile, a major release [made-nullable]\n');
    expect(text.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ changes \(1 breaking, \d+ strict, \d+ compatible\) from v1\.0 \(git [0-9a-f]{12}\) to schemas \(working tree\): release major; protocol version should be 2\.0 or later \(declared 1\.1, was 1\.0\)$/);
    expect(cli(['diff', 'v1.0', '--fail-on', 'never'], repo).code).toBe(0);
    // Two refs: the same commit is clean.
    expect(json(['diff', 'v1.0', 'git:HEAD'], repo).changes).toEqual([]);
    // A schema committed as Latin-1 is refused, naming the byte (a hostile tester: its values were read with U+FFFD).
    const trades = path.join(repo, 'schemas/trades.json');
    writeFileSync(trades, Buffer.from(readFileSync(trades, 'utf8').replace('"cancelled"', '"cancell\u00e9d"'), 'latin1'));
    git('commit', '--quiet', '-am', 'latin-1');
    const latin1 = cli(['diff', 'v1.0', 'HEAD'], repo);
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toMatch(/^realtime-contract: HEAD: schemas\/trades\.json: not UTF-8: the byte 0xE9 at byte offset \d+ \(line \d+\) is not part of a UTF-8 sequence; save the file as UTF-8/);
    // And the folder it is in.
    expect(cli(['diff', 'v1.0'], repo).stderr).toMatch(/trades\.json: not UTF-8: the byte 0xE9/);
  });

  it('prints what README shows for a value added to the platforms and a fee made nullable', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /\$ realtime-contract diff HEAD \/tmp\/sd\n([\s\S]*?)\n```/.exec(readme)![1]!.split('\n');
    const schemas = readSchemas(path.join(ROOT, 'schemas'));
    const platforms = (schemas.get('definitions.json') as { definitions: { Platform: { enum: string[] } } }).definitions.Platform.enum;
    const fee = (schemas.get('trades.json') as { definitions: { TradeData: { properties: { fee: unknown } } } }).definitions.TradeData.properties.fee;
    const edited = patchSchemas(schemas, [
      { op: 'replace', path: '/definitions.json/definitions/Platform/enum', value: [...platforms, 'coinbase'] },
      { op: 'replace', path: '/trades.json/definitions/TradeData/properties/fee', value: { anyOf: [fee, { type: 'null' }] } },
    ]);
    const dir = path.join(work, 'readme-example');
    writeSchemas(dir, edited);
    const result = cli(['diff', path.join(ROOT, 'schemas'), dir]);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual(block.slice(0, -1));
    // The sides are named as given; the rest of the summary is README's.
    const summary = (line: string) => line.replace(/ from .* to .* \(folder\): /, ' from … to … (folder): ');
    expect(summary(lines.at(-1)!)).toBe(summary(block.at(-1)!));
    expect(result.code).toBe(1);
  });

  it('says where a side\'s schema is not JSON, by line and column as generate does (found by a fresh user)', () => {
    const dir = path.join(work, 'broken-json');
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    const file = path.join(dir, 'trades.json');
    // Parsed and written back by jsonText, then broken: the file's own layout does not matter.
    writeFileSync(file, replaceSnippet(jsonText(readJson(file)), '"title": "TradesMessage",', '"title": "TradesMessage"'));
    const result = cli(['diff', path.join(ROOT, 'schemas'), dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/trades\.json: not a JSON schema \(invalid JSON at line \d+, column \d+: got "\\"/);
  });

  it('with --format json, puts a side it cannot read in its JSON on stdout, as validate and listen do (stdout was empty: tBT F12)', () => {
    const missing = cli(['diff', 'nosuchref-of-tbt', '--format', 'json']);
    expect(missing.code).toBe(2);
    const report = JSON.parse(missing.stdout) as { error: string; side?: string };
    expect(report.side).toBe('old');
    expect(report.error).toMatch(/^nosuchref-of-tbt: /);
    // The same words on stderr, as the text output gives them.
    expect(missing.stderr).toBe(`realtime-contract: ${report.error}\n`);
    // The newer side, named so: a folder that holds a schema that is not JSON.
    const dir = path.join(work, 'broken-json-new');
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'trades.json'), '{ broken');
    const broken = cli(['diff', path.join(ROOT, 'schemas'), dir, '--format', 'json']);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout)).toEqual({ error: expect.stringContaining('trades.json: not a JSON schema'), side: 'new' });
    // A fault of neither side has none.
    expect(JSON.parse(cli(['diff', 'HEAD', '--schemas', ' ', '--format', 'json']).stdout)).toEqual({ error: expect.stringMatching(/^--schemas is empty/) });
  });

  it('names every schema file of a side that is not JSON in one run, and generate every file broken on its own (a run each: tBT F2)', () => {
    const dir = path.join(work, 'several-broken');
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'trades.json'), '{ broken');
    writeFileSync(path.join(dir, 'whale.json'), '{\n  "a": 1,\n  "b": \n}\n');
    const diff = cli(['diff', path.join(ROOT, 'schemas'), dir]);
    expect(diff.code).toBe(2);
    expect(diff.stderr.trimEnd().split('\n').map((line) => /^realtime-contract: .*: (\w+\.json): not a JSON schema/.exec(line)?.[1])).toEqual(['trades.json', 'whale.json']);
    const json = JSON.parse(cli(['diff', path.join(ROOT, 'schemas'), dir, '--format', 'json']).stdout) as { error: string; errors: string[]; side: string };
    expect(json.errors).toHaveLength(2);
    expect(json.error).toBe(json.errors[0]);
    expect(json.side).toBe('new');
    // Both sides broken: both named (the older alone was).
    const older = path.join(work, 'several-broken-old');
    cpSync(path.join(ROOT, 'schemas'), older, { recursive: true });
    writeFileSync(path.join(older, 'alerts.json'), '[');
    const both = cli(['diff', older, dir, '--format', 'json']);
    expect(both.code).toBe(2);
    expect(both.stderr.trimEnd().split('\n').map((line) => /^realtime-contract: .*: (\w+\.json): not a JSON schema/.exec(line)?.[1])).toEqual(['alerts.json', 'trades.json', 'whale.json']);
    expect((JSON.parse(both.stdout) as { side: string; errors: string[] }).side).toBe('both');
    // generate: those two and a third broken otherwise, each on its line.
    const bots = path.join(dir, 'bots.json');
    writeFileSync(bots, readFileSync(bots, 'utf8').replace('"required"', '"requird"'));
    const generate = cli(['generate', '--check', '--schemas', dir]);
    expect(generate.code).toBe(2);
    expect(generate.stderr.trimEnd().split('\n').map((line) => /^realtime-contract: .*[\\/](\w+\.json)#/.exec(line)?.[1])).toEqual(['bots.json', 'trades.json', 'whale.json']);
  });

  it('says which schema is nested too deep to read, before anything recurses into it (a hostile tester: a stack overflow, no file named)', () => {
    const dir = path.join(work, 'deep-schema');
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    const file = path.join(dir, 'trades.json');
    let deep = '{"type":"object"}';
    for (let i = 0; i < 3000; i++) deep = `{"type":"object","properties":{"a":${deep}}}`;
    writeFileSync(file, readFileSync(file, 'utf8').replace('"properties": {', `"properties": {"extra": ${deep},`));
    const result = cli(['diff', path.join(ROOT, 'schemas'), dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/trades\.json: nested more than 256 levels deep \(the bracket at line \d+, column \d+ opens one more\)/);
  });

  it('reads the tarball npm pack makes of this package', () => {
    const out = path.join(work, 'pack');
    mkdirSync(out, { recursive: true });
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' });
    const [tarball] = readdirSync(out).filter((name) => name.endsWith('.tgz'));
    const packed = path.join(out, tarball!);
    const clean = json(['diff', packed]);
    expect(clean.before).toMatch(/ \(tarball realtime-contract@\d+\.\d+\.\d+\)$/);
    expect(clean.changes).toEqual([]);
    const fromV1 = json(['diff', V1_0, `tarball:${packed}`]);
    expect(fromV1.counts.breaking).toBe(0);
    expect(fromV1.counts.strict).toBeGreaterThan(0);
  });

  /** `runDiff` in this process (no child's start-up: quicker), `--fail-on never`, its output gathered. */
  async function inProcess(oldSpec: string, newSpec?: string, format: 'text' | 'json' = 'text') {
    let stdout = '';
    let stderr = '';
    const output = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
    const code = await runDiff(oldSpec, newSpec, { format, failOn: 'never', schemas: 'schemas', cwd: ROOT }, output);
    return { code, stdout, stderr };
  }

  /** A tarball of `package/` holding the current schemas (patched by `change`), made by the system tar; `change` may also add links and such to the staged folder. */
  function hostilePack(name: string, change: (staged: string) => void, packageJson = '{ "name": "realtime-contract", "version": "9.9.9" }'): string {
    const staged = path.join(work, `${name}-staged`);
    writeSchemas(path.join(staged, 'package/schemas'), readSchemas(path.join(ROOT, 'schemas')));
    writeFileSync(path.join(staged, 'package/package.json'), packageJson);
    change(staged);
    const tarball = path.join(work, `${name}.tgz`);
    execFileSync('tar', ['-czf', tarball, '-C', staged, 'package']);
    rmSync(staged, { recursive: true, force: true });
    return tarball;
  }

  it('refuses a tarball whose schemas are symbolic or hard links, FIFOs or devices, and reads nothing through them (found by a hostile tester)', async () => {
    const secret = path.join(work, 'secret.txt');
    writeFileSync(secret, 'root:x:0:0:secret\n');
    const schemas = (staged: string) => path.join(staged, 'package/schemas');
    const symlinked = hostilePack('hostile', (staged) => {
      rmSync(path.join(schemas(staged), 'protocol.json'));
      symlinkSync(secret, path.join(schemas(staged), 'protocol.json'));
    });
    const result = cli(['diff', symlinked]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`realtime-contract: ${symlinked}: "package/schemas/protocol.json" in the tarball is a symbolic link, not a regular file or folder: nothing was read\n`);
    expect(result.stdout + result.stderr).not.toContain('secret');
    // The folder itself a link to one elsewhere.
    const folderLink = hostilePack('folder-link', (staged) => {
      const elsewhere = path.join(work, 'elsewhere');
      writeSchemas(elsewhere, readSchemas(path.join(ROOT, 'schemas')));
      rmSync(schemas(staged), { recursive: true });
      symlinkSync(elsewhere, schemas(staged));
    });
    expect((await inProcess(folderLink)).stderr).toBe(`realtime-contract: ${folderLink}: "package/schemas" in the tarball is a symbolic link, not a regular file or folder: nothing was read\n`);
    // tar stores the second name of a file as a hard link to the first.
    const hardLinked = hostilePack('hard-link', (staged) => linkSync(path.join(schemas(staged), 'trades.json'), path.join(schemas(staged), 'zz-trades.json')));
    expect((await inProcess(hardLinked)).stderr).toMatch(/^realtime-contract: .*hard-link\.tgz: "package\/schemas\/(zz-)?trades\.json" in the tarball is a hard link, not a regular file or folder: nothing was read\n$/);
    const fifo = hostilePack('fifo', (staged) => execFileSync('mkfifo', [path.join(schemas(staged), 'pipe.json')]));
    expect((await inProcess(fifo)).stderr).toBe(`realtime-contract: ${fifo}: "package/schemas/pipe.json" in the tarball is a FIFO, not a regular file or folder: nothing was read\n`);
    // A device (packed by tar-stream: making one on disk needs root).
    const device = path.join(work, 'device.tgz');
    writeFileSync(device, gzipSync(await tarArchive([{ name: 'package/schemas/', type: 'directory' }, { name: 'package/schemas/protocol.json', type: 'character-device' }])));
    expect((await inProcess(device)).stderr).toBe(`realtime-contract: ${device}: "package/schemas/protocol.json" in the tarball is a character device, not a regular file or folder: nothing was read\n`);
    const empty = path.join(work, 'no-schemas.tgz');
    writeFileSync(empty, gzipSync(await tarArchive([{ name: 'package/package.json', data: '{}' }])));
    expect((await inProcess(empty)).stderr).toBe(`realtime-contract: ${empty}: no package/schemas/protocol.json in the tarball (not an npm pack of realtime-contract?)\n`);
    // npm installs other/schemas/… as schemas/… (it drops the first folder whatever its name): diff read package/ alone (found by a hostile tester).
    const outside = path.join(work, 'outside.tgz');
    writeFileSync(outside, gzipSync(await tarArchive([{ name: 'package/package.json', data: '{}' }, { name: 'README', data: 'npm drops a member with no folder' }, { name: 'evil/schemas/definitions.json', data: '{}' }])));
    expect((await inProcess(outside)).stderr).toBe(`realtime-contract: ${outside}: "evil/schemas/definitions.json" in the tarball is outside package/, where npm pack puts everything; npm would install it (it drops the first folder, whatever its name), so diff would judge another contract than npm installs: nothing was read\n`);
  });

  it('shows names and text from a hostile tarball escaped, on one line, and cut: they cannot forge terminal output (found by a hostile tester)', async () => {
    // Raw, the name clears the screen and prints a line of its own that looks like the verdict.
    const forged = '\u001b[2J\u001b[32mall clear\u202e\nrealtime-contract: ok.json';
    const linked = hostilePack('escapes', (staged) => symlinkSync('/etc/hostname', path.join(staged, 'package/schemas', forged)));
    const named = cli(['diff', linked]);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`realtime-contract: ${linked}: "package/schemas/\\u001b[2J\\u001b[32mall clear\\u202e\\nrealtime-contract: ok.json" in the tarball is a symbolic link, not a regular file or folder: nothing was read\n`);
    // A long name is cut at 100 characters.
    const long = `${'a'.repeat(200)}.json`;
    const longLinked = hostilePack('long-name', (staged) => symlinkSync('/etc/hostname', path.join(staged, 'package/schemas', long)));
    const cutName = await inProcess(longLinked);
    expect(cutName.stderr).toBe(`realtime-contract: ${longLinked}: "package/schemas/${'a'.repeat(81)}..." in the tarball is a symbolic link, not a regular file or folder: nothing was read\n`);
    // What the package and its schemas say: the label from package.json, a key in a schema (its pointer).
    const key = '\u001b]0;pwned\u0007x\u009b2J';
    const loaded = hostilePack('escaped-text', (staged) => {
      const file = path.join(staged, 'package/schemas/trades.json');
      const trades = JSON.parse(readFileSync(file, 'utf8')) as { definitions: { TradeData: { properties: Record<string, unknown> } } };
      trades.definitions.TradeData.properties[key] = { type: 'string' };
      writeFileSync(file, JSON.stringify(trades));
    }, JSON.stringify({ name: '\u001b[2Jrealtime-contract', version: '1.0.0\u202e' }));
    const text = await inProcess(loaded, 'schemas');
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
    expect(text.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text.stdout).toContain('/data/\\u001b]0;pwned\\u0007x\\u009b2J (server→client)');
    expect(text.stdout).toContain(`from ${loaded} (tarball "\\u001b[2Jrealtime-contract"@"1.0.0\\u202e") to schemas (folder)`);
    const asJson = await inProcess(loaded, 'schemas', 'json');
    expect(asJson.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const report = JSON.parse(asJson.stdout) as DiffReport & { before: string };
    expect(report.before).toBe(`${loaded} (tarball "\\u001b[2Jrealtime-contract"@"1.0.0\\u202e")`);
    expect(report.changes).toContainEqual(expect.objectContaining({ pointer: `/data/${key}` }));
  });

  it('refuses a tarball that inflates past 64 MiB, in seconds and without writing it out (found by a hostile tester)', async () => {
    // 100 MiB of zeros in about 100 KB: the old reader wrote all of it to disk before failing.
    const bomb = path.join(work, 'bomb.tgz');
    writeFileSync(bomb, await zeroBomb('package/schemas/protocol.json', 100, [{ name: 'package/package.json', data: '{ "name": "realtime-contract", "version": "9.9.9" }' }]));
    const started = Date.now();
    const result = cli(['diff', `tarball:${bomb}`]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^realtime-contract: tarball:\/.*\/bomb\.tgz: expected at most 64 MiB once gunzipped \(an npm pack of realtime-contract is a few MiB\), found more: the 102\.\d KiB file had inflated past 64 MiB when reading stopped; nothing was read\n$/,
    );
    // The whole archive counts: a member diff does not read has to be inflated too.
    const elsewhere = path.join(work, 'bomb-elsewhere.tgz');
    writeFileSync(elsewhere, await zeroBomb('package/dist/huge.js', 100));
    expect((await inProcess(elsewhere)).stderr).toContain('expected at most 64 MiB once gunzipped');
  });

  it('writes neither side to disk: it compares under a TMPDIR that cannot be written, and a tarball whose schema file name no disk would take (a fresh tester: ENOENT from mkdtemp, ENAMETOOLONG)', async () => {
    const blocked = path.join(work, 'a-file-not-a-folder');
    writeFileSync(blocked, '');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = path.join(blocked, 'tmp');
    try {
      const folder = await inProcess(V1_0);
      expect({ code: folder.code, stderr: folder.stderr }).toEqual({ code: 0, stderr: '' });
      expect(folder.stdout).toContain(`from ${V1_0} (folder) to schemas (working tree)`);
      // A document schema named with 5,000 characters (a file system takes 255), packed as npm pack would.
      const name = `${'a'.repeat(5000)}.json`;
      const document = { $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://realtime-contract.dev/schemas/${name}`, title: 'LongName', 'x-spec-section': '9. Long', type: 'object', properties: { a: { type: 'string' } } };
      const members = [{ name: 'package/package.json', data: '{ "name": "realtime-contract", "version": "9.9.9" }' }, ...[...readSchemas(path.join(ROOT, 'schemas'))].map(([file, schema]) => ({ name: `package/schemas/${file}`, data: JSON.stringify(schema) })), { name: `package/schemas/${name}`, data: JSON.stringify(document) }];
      const long = path.join(work, 'long-name.tgz');
      writeFileSync(long, gzipSync(await tarArchive(members)));
      const packed = await inProcess('schemas', long);
      expect(packed.stderr).toBe('');
      expect(packed.code).toBe(0);
      expect(packed.stdout).toMatch(/^compatible +LongName: document LongName \(a{5000}\.json\) /m);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('exits 2 naming the side it cannot read', () => {
    const missing = cli(['diff', 'no-such-ref-or-folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^realtime-contract: no-such-ref-or-folder: not a folder, tarball or git ref here/);
    const notContract = cli(['diff', 'test/fixtures']);
    expect(notContract.code).toBe(2);
    expect(notContract.stderr).toContain('test/fixtures: not a folder of contract schemas');
    // Not for a name no ref has (a reviewer), nor for a contract folder with a broken file.
    expect(notContract.stderr).not.toContain('git:');
    // A folder named like a ref (`HEAD`) hides the ref: the way to it (a hostile tester).
    const repo = path.join(work, 'shadowed');
    mkdirSync(path.join(repo, 'HEAD'), { recursive: true });
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x']);
    const shadowed = cli(['diff', 'HEAD'], repo);
    expect(shadowed.code).toBe(2);
    expect(shadowed.stderr).toContain('HEAD: not a folder of contract schemas');
    expect(shadowed.stderr).toContain('; for the git ref of that name, write git:HEAD');
    const broken = path.join(work, 'broken');
    writeSchemas(broken, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'add', path: '/trades.json/properties/data/x-unknown', value: 1 }]));
    const result = cli(['diff', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('git:');
    expect(result.stderr).toMatch(/not a loadable contract: trades\.json#\/properties\/data\/x-unknown: unknown keyword/);
  });

  it('says a --schemas folder of dot-named files alone skips them, as validate says of message files: in the working tree, a folder side and a git ref (it said no protocol.json, beside .protocol.json)', () => {
    const repo = path.join(work, 'dot-named');
    const dots = path.join(repo, 'dots');
    mkdirSync(dots, { recursive: true });
    for (const name of ['definitions.json', 'protocol.json', 'trades.json']) cpSync(path.join(ROOT, 'schemas', name), path.join(dots, `.${name}`));
    const skipped = '3 files whose names start with "." are skipped (.definitions.json, …): rename them to read them';
    expect(cli(['diff', path.join(ROOT, 'schemas'), '--schemas', dots])).toMatchObject({ code: 2, stdout: '', stderr: `realtime-contract: ${dots}: no schema files (*.json) to read: ${skipped}\n` });
    expect(cli(['diff', `dir:${dots}`, path.join(ROOT, 'schemas')])).toMatchObject({ code: 2, stdout: '', stderr: `realtime-contract: dir:${dots}: no schema files (*.json) to read: ${skipped}\n` });
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x']);
    const commit = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(cli(['diff', 'HEAD', path.join(ROOT, 'schemas'), '--schemas', 'dots'], repo)).toMatchObject({
      code: 2, stdout: '', stderr: `realtime-contract: HEAD: no schema files (*.json) in dots/ at ${commit.slice(0, 12)}: ${skipped}\n`,
    });
    // One file so named: said in the singular.
    rmSync(path.join(dots, '.protocol.json'));
    rmSync(path.join(dots, '.trades.json'));
    expect(cli(['diff', `dir:${dots}`, path.join(ROOT, 'schemas')]).stderr).toBe(`realtime-contract: dir:${dots}: no schema files (*.json) to read: 1 file whose name starts with "." is skipped (.definitions.json): rename it to read it\n`);
  });

  it('refuses an empty side, as from `diff "$TAG"` with TAG unset (a hostile tester: the working tree against itself, "no changes", exit 0)', () => {
    expect(cli(['diff', ''])).toMatchObject({ code: 2, stdout: '', stderr: 'realtime-contract: <old> is empty: name a git ref, a folder of schemas or an npm pack tarball (omit <new> for the working tree)\n' });
    expect(cli(['diff', 'schemas', ' '])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('realtime-contract: <new> is empty:') });
  });

  it('refuses a side empty after its prefix, as from `diff "git:$TAG"` with TAG unset, saying so (a fresh tester: "git:: not a … git ref here; … write git:git")', async () => {
    expect(await inProcess('git:')).toEqual({ code: 2, stdout: '', stderr: 'realtime-contract: <old> is empty after its prefix: name a git ref after git: (omit <new> for the working tree)\n' });
    expect(await inProcess('dir: ')).toEqual({ code: 2, stdout: '', stderr: 'realtime-contract: <old> is empty after its prefix: name a folder of schemas after dir: (omit <new> for the working tree)\n' });
    expect(await inProcess('schemas', 'tarball:')).toEqual({ code: 2, stdout: '', stderr: 'realtime-contract: <new> is empty after its prefix: name an npm pack tarball after tarball: (omit <new> for the working tree)\n' });
  });

  it('does not read a FIFO or a device named *.json in a schemas folder, and names it; nor does generate (both waited forever; found by a hostile tester)', () => {
    const folder = path.join(work, 'fifo-schemas');
    cpSync(path.join(ROOT, 'schemas'), folder, { recursive: true });
    expect(spawnSync('mkfifo', [path.join(folder, 'zz.json')]).status).toBe(0);
    expect(cli(['diff', `dir:${folder}`])).toMatchObject({ code: 2, stderr: `realtime-contract: dir:${folder}: zz.json: not a regular file but a FIFO: not read\n` });
    const generate = spawnSync(process.execPath, ['--import', TSX, CLI, 'generate', '--check', '--schemas', folder], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
    expect(generate).toMatchObject({ status: 2, stderr: `realtime-contract: ${path.join(folder, 'zz.json')}#: not a regular file but a FIFO: not read\n` });
    rmSync(path.join(folder, 'zz.json'));
    symlinkSync('/dev/zero', path.join(folder, 'zz.json'));
    expect(cli(['diff', `dir:${folder}`])).toMatchObject({ code: 2, stderr: `realtime-contract: dir:${folder}: zz.json: not a regular file but a device: not read\n` });
  });

  it('lists every change in JSON with rule, level, subject, direction, pointer, before/after, text and impact', () => {
    const newer = path.join(work, 'newer');
    writeSchemas(newer, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [
      { op: 'add', path: '/definitions.json/definitions/Platform/enum/-', value: 'coinbase' },
      { op: 'replace', path: '/protocol.json/x-version', value: '1.2' },
    ]));
    const report = json(['diff', 'schemas', newer]);
    expect(report.changes).toContainEqual({
      rule: 'enum-value-added', level: 'strict', subject: 'trades', direction: 'server-to-client', pointer: '/data/platform', after: 'coinbase',
      text: 'value "coinbase" added to the closed list', impact: 'strict older consumers reject the new value; tolerant ones accept it with a notice, but not the generated Python decoders, whose Enum raises on it',
      breaks: ['strict-consumers', 'python-consumers'],
    });
    expect(report).toMatchObject({ worst: 'strict', semver: 'minor', protocolVersion: { suggested: '1.2', bumped: true } });
    expect(cli(['diff', 'schemas', newer]).code).toBe(0);
    expect(cli(['diff', 'schemas', newer, '--fail-on', 'strict']).code).toBe(1);
    expect(cli(['diff', 'schemas', newer, '--fail-on', 'compatible']).code).toBe(1);
  });

  it('names python-consumers only for a closed list of strings, which the generated Python reads as an Enum (a reviewer: a list of numbers is a plain int there)', () => {
    const level = (values: unknown[]) => {
      const folder = path.join(work, `levels-${values.length}-${typeof values[0]}`);
      writeSchemas(folder, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [
        { op: 'add', path: '/trades.json/definitions/TradeData/properties/level', value: { type: typeof values[0] === 'number' ? 'integer' : 'string', enum: values } },
        { op: 'add', path: '/trades.json/definitions/TradeData/required/-', value: 'level' },
      ]));
      return folder;
    };
    const numbers = json(['diff', level([1, 2]), level([1, 2, 3])]).changes.find((c) => c.rule === 'enum-value-added')!;
    expect(numbers).toMatchObject({ breaks: ['strict-consumers'], impact: 'strict older consumers reject the new value; tolerant ones accept it with a notice' });
    const strings = json(['diff', level(['a', 'b']), level(['a', 'b', 'c'])]).changes.find((c) => c.rule === 'enum-value-added')!;
    expect(strings.breaks).toEqual(['strict-consumers', 'python-consumers']);
  });

  it('says of a narrowing that newer consumers reject what older servers stored, which the upgraded servers replay: upgrading servers first does not spare it (tBD: a stored whale dropped as invalid after a resume told "resumed")', () => {
    const raised = path.join(work, 'whale-minimum');
    writeSchemas(raised, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/whale.json/definitions/WhaleData/properties/amount/minimum', value: 1 }]));
    const [change] = json(['diff', 'schemas', raised]).changes;
    expect(change).toMatchObject({
      rule: 'range-narrowed', level: 'compatible', subject: 'whale', direction: 'server-to-client', pointer: '/data/amount', breaks: ['newer-consumers'],
      impact: `older consumers accept everything the newer server sends; newer consumers may reject what an older server still sends: upgrade servers first${STORED}`,
    });
    const { code, stdout } = cli(['diff', 'schemas', raised]);
    expect(code).toBe(0);
    expect(stdout).toContain(`upgrade servers first${STORED} [range-narrowed]`);
    // README says it where it says to upgrade servers first, and names the peer.
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('consumers built on the newer contract may reject what an older server still sends: upgrade servers first. Upgrading servers first does not spare what older servers stored');
    expect(readme).toContain('- `newer-consumers` (server → client');
  });

  it("says nothing of a store for a connection's own message, which is never stored: upgrading servers first is enough (tDJ F3)", () => {
    const narrowed = path.join(work, 'connection-status-narrowed');
    writeSchemas(narrowed, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/connection.json/definitions/ConnectionData/properties/status/enum', value: ['connected'] }]));
    const changes = json(['diff', 'schemas', narrowed]).changes.filter((c) => c.subject === 'connection' && c.direction === 'server-to-client');
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      expect(change.breaks).toContain('newer-consumers');
      expect(change.impact).toContain('upgrade servers first');
      expect(change.impact).not.toContain('stored');
    }
    // A stored type's same narrowing keeps the note.
    const trades = path.join(work, 'trade-status-narrowed');
    writeSchemas(trades, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'remove', path: '/trades.json/definitions/TradeData/properties/status/enum/3' }]));
    expect(json(['diff', 'schemas', trades]).changes[0]?.impact).toContain(STORED);
    // The poll response is made for each request, of what the store holds: its narrowing keeps the note (tDM F5).
    const poll = path.join(work, 'poll-fewer-messages');
    writeSchemas(poll, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'add', path: '/poll-response.json/properties/messages/maxItems', value: 10 }]));
    const pollChanges = json(['diff', 'schemas', poll]).changes.filter((c) => c.subject === 'PollResponse');
    expect(pollChanges.length).toBeGreaterThan(0);
    for (const change of pollChanges) expect(change.impact).toContain(STORED);
  });

  it('names newer-consumers for a message type removed, which newer consumers meet from older servers and from the store as an unknown type (tDJ F4)', () => {
    const removed = path.join(work, 'whale-removed');
    const schemas = readSchemas(path.join(ROOT, 'schemas'));
    schemas.delete('whale.json');
    schemas.set('poll-response.json', JSON.parse(JSON.stringify(schemas.get('poll-response.json')).replace('{"$ref":"whale.json"},', '')));
    writeSchemas(removed, schemas);
    const change = json(['diff', 'schemas', removed]).changes.find((c) => c.rule === 'message-removed' && c.subject === 'whale')!;
    expect(change).toMatchObject({ level: 'breaking', direction: 'server-to-client' });
    expect(change.breaks).toEqual(expect.arrayContaining(['tolerant-consumers', 'strict-consumers', 'newer-consumers', 'importing-code', 'other-language-code']));
    expect(change.impact).toBe(`older consumers no longer receive it; newer consumers reject it as unknown-type from an older server that still sends it (tolerant ones skip it, strict ones fail): upgrade servers first${STORED}; code that imports WhaleMessage from the generated types (TypeScript, Go, Python) no longer compiles`);
  });

  it('names newer-consumers for a type no longer sent server→client, and keeps importing-code out when another type takes the removed one\'s title (tDM F3, F4)', () => {
    const oneWay = path.join(work, 'ping-client-only');
    writeSchemas(oneWay, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/ping.json/x-direction', value: 'client-to-server' }]));
    const removed = json(['diff', 'schemas', oneWay]).changes.find((c) => c.rule === 'direction-removed')!;
    expect(removed).toMatchObject({ subject: 'ping', direction: 'server-to-client', level: 'breaking' });
    expect(removed.breaks).toContain('newer-consumers');
    expect(removed.impact).toBe('older consumers no longer receive it; newer consumers may reject it from an older server that still sends it so: upgrade servers first');
    const renamed = path.join(work, 'whale-type-renamed');
    const schemas = readSchemas(path.join(ROOT, 'schemas'));
    schemas.set('whale.json', JSON.parse(JSON.stringify(schemas.get('whale.json')).replaceAll('"whale"', '"whale_alert"').replace('whale.json"', 'whale_alert.json"')));
    schemas.set('whale_alert.json', schemas.get('whale.json')!);
    schemas.delete('whale.json');
    schemas.set('poll-response.json', JSON.parse(JSON.stringify(schemas.get('poll-response.json')).replace('{"$ref":"whale.json"}', '{"$ref":"whale_alert.json"}')));
    writeSchemas(renamed, schemas);
    const gone = json(['diff', 'schemas', renamed]).changes.find((c) => c.rule === 'message-removed' && c.subject === 'whale')!;
    expect(gone.breaks).not.toContain('importing-code');
    expect(gone.text).toBe('message type "whale" removed; its type "WhaleMessage" is another type\'s now');
  });

  it('calls for a major release when what producers build narrows, though the wire change is strict or compatible (found by a fresh user)', { timeout: 180_000 }, () => {
    const field = { type: 'string', description: 'Venue.' };
    const required = path.join(work, 'required-field');
    writeSchemas(required, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [
      { op: 'add', path: '/trades.json/definitions/TradeData/properties/venue', value: field },
      { op: 'add', path: '/trades.json/definitions/TradeData/required/-', value: 'venue' },
    ]));
    const report = json(['diff', 'schemas', required]);
    expect(report.changes).toContainEqual(expect.objectContaining({
      rule: 'required-property-added', level: 'strict', subject: 'trades', direction: 'server-to-client', pointer: '/data/venue',
      impact: `strict older consumers reject the unknown field; tolerant ones ignore it; newer consumers reject what an older server still sends, which lacks it: upgrade servers first${STORED}; code that builds the message may no longer compile against the newer generated types: a major release`,
      breaks: ['strict-consumers', 'newer-consumers', 'producer-code'],
    }));
    // The protocol follows the wire alone (minor); the package, the types too (major).
    expect(report).toMatchObject({ worst: 'strict', semver: 'major', protocolVersion: { suggested: '1.2' } });
    // A value removed from a closed list: compatible on the wire (older consumers accept fewer values), code that writes it breaks, and Go and Python code that names its constant.
    const removed = path.join(work, 'value-removed');
    writeSchemas(removed, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'remove', path: '/trades.json/definitions/TradeData/properties/status/enum/3' }]));
    const narrowed = json(['diff', 'schemas', removed]);
    expect(narrowed.changes[0]).toMatchObject({ rule: 'enum-value-removed', level: 'compatible', breaks: ['newer-consumers', 'producer-code', 'other-language-code'] });
    // And the other way round during a rollout: consumers built on the newer contract meet older servers, and then what
    // older servers stored, which the upgraded servers replay (a tester lost a stored whale, told to upgrade servers first).
    expect(narrowed.changes[0]?.impact).toMatch(/^older consumers accept everything the newer server sends; newer consumers may reject what an older server still sends: upgrade servers first; /);
    expect(narrowed.changes[0]?.impact).toContain(`upgrade servers first${STORED}; `);
    expect(narrowed.changes[0]?.text).toBe('value "failed" removed from the closed list');
    // One value removed and one added: said as a possible rename, whose old branch stops matching unsaid (a fresh user).
    const renamed = path.join(work, 'value-renamed');
    writeSchemas(renamed, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/status/enum/2', value: 'canceled' }]));
    expect(json(['diff', 'schemas', renamed]).changes.find((change) => change.rule === 'enum-value-removed')?.text).toBe('value "cancelled" removed from the closed list; "canceled" was added to the same list: if it renames "cancelled", code that matches "cancelled" stops matching, silently');
    const widened = path.join(work, 'pong-widened');
    writeSchemas(widened, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'add', path: '/pong.json/properties/note', value: { type: 'string' } }]));
    expect(json(['diff', 'schemas', widened]).changes).toContainEqual(expect.objectContaining({
      direction: 'client-to-server', level: 'compatible',
      impact: 'the newer server accepts everything older clients send; an older server may reject what newer clients send: upgrade servers first',
    }));
    expect(narrowed).toMatchObject({ semver: 'major', counts: { breaking: 0 } });
    // --fail-on gates levels of the wire; `major` gates the release, code included (a fresh user's CI let this through).
    expect(cli(['diff', 'schemas', removed, '--fail-on', 'breaking']).code).toBe(0);
    // The summary says what the major release is for, with no breaking change to say it (a fresh user).
    expect(cli(['diff', 'schemas', removed, '--fail-on', 'major'])).toMatchObject({ code: 1, stdout: expect.stringMatching(/: release major \(for code built on the generated types: producer-code, other-language-code\);/) });
    // An optional field: nothing a producer built stops compiling.
    const optional = path.join(work, 'optional-field');
    writeSchemas(optional, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'add', path: '/trades.json/definitions/TradeData/properties/venue', value: field }]));
    const added = json(['diff', 'schemas', optional]);
    expect(added.changes[0]).toMatchObject({ rule: 'optional-property-added', breaks: ['strict-consumers'] });
    expect(added.semver).toBe('minor');
    expect(cli(['diff', 'schemas', optional, '--fail-on', 'major']).code).toBe(0);
    // A JSON type removed is a TypeScript type removed (found by a reviewer); number to integer is not (both are `number`), but Go's and Python's types change.
    const retyped = (fee: object) => {
      const folder = path.join(work, `fee-${Object.values(fee).join('-')}`);
      writeSchemas(folder, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/fee', value: fee }]));
      return folder;
    };
    const wide = retyped({ type: ['number', 'string'] });
    const dropped = json(['diff', wide, retyped({ type: 'number' })]);
    // Go and Python had a union there, and have float64 / float now: their code changes too.
    expect(dropped.changes[0]).toMatchObject({ rule: 'type-narrowed', breaks: ['newer-consumers', 'producer-code', 'other-language-code'] });
    expect(dropped.semver).toBe('major');
    const integer = json(['diff', retyped({ type: 'number' }), retyped({ type: 'integer' })]);
    expect(integer.changes[0]).toMatchObject({ rule: 'type-narrowed', breaks: ['newer-consumers', 'other-language-code'] });
    expect(integer.semver).toBe('major');
  });

  it('exits on a change that breaks only generated code by its wire level under each --fail-on, as README says (tBM F4)', async () => {
    const exitCodes = async (folder: string) => {
      const codes: Record<string, number> = {};
      for (const failOn of ['breaking', 'strict', 'compatible', 'major'] as const) {
        codes[failOn] = await runDiff('schemas', folder, { format: 'text', failOn, schemas: 'schemas', cwd: ROOT }, { stdout: () => {}, stderr: () => {} });
      }
      return codes;
    };
    // A type renamed: the wire is the same, the report's one change `compatible`: it passes breaking and strict; compatible
    // stops on it, as on any change (a description's too); major, on the major release it calls for.
    const renamed = path.join(work, 'fail-on-renamed');
    writeSchemas(renamed, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/trades.json/title', value: 'TradeMessage' }]));
    expect(await exitCodes(renamed)).toEqual({ breaking: 0, strict: 0, compatible: 1, major: 1 });
    // A value removed from a server→client list narrows the wire too: a minor protocol version, which, undeclared, is a
    // strict finding (protocol-version-not-bumped) that strict stops on; declared, strict passes it.
    const removal = [{ op: 'remove', path: '/definitions.json/definitions/Platform/enum/4' }] as const;
    const removed = path.join(work, 'fail-on-removed');
    writeSchemas(removed, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [...removal]));
    expect(await exitCodes(removed)).toEqual({ breaking: 0, strict: 1, compatible: 1, major: 1 });
    const bumped = path.join(work, 'fail-on-removed-bumped');
    writeSchemas(bumped, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [...removal, { op: 'replace', path: '/protocol.json/x-version', value: '1.2' }]));
    expect(await exitCodes(bumped)).toEqual({ breaking: 0, strict: 0, compatible: 1, major: 1 });
    // Number narrowed to integer: the same as a value removed.
    const integer = path.join(work, 'fail-on-integer');
    writeSchemas(integer, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/fee/type', value: 'integer' }]));
    expect(await exitCodes(integer)).toEqual({ breaking: 0, strict: 1, compatible: 1, major: 1 });
    // A description changed: compatible stops on it too (any change), and nothing else does.
    const described = path.join(work, 'fail-on-described');
    writeSchemas(described, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'replace', path: '/trades.json/definitions/TradeData/properties/fee/description', value: 'Fee.' }]));
    expect(await exitCodes(described)).toEqual({ breaking: 0, strict: 0, compatible: 1, major: 0 });
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('`--fail-on compatible` stops on any change. A change that breaks only code built on the generated types is `compatible` there: a type renamed passes `breaking` and `strict`.');
  }, 180_000); // 20 comparisons, each loading two contracts
});

describe('diff <ref> where git cannot read it (a tester: "not a git ref here", the cause unsaid)', () => {
  it.skipIf(process.platform === 'win32')('says that git was not found on the PATH (a slim CI image), exit 2', () => {
    const bin = path.join(work, 'node-only-bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const run = (side: string) => spawnSync(process.execPath, ['--import', TSX, CLI, 'diff', side], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, PATH: bin }, timeout: 120_000 });
    const forced = run('git:HEAD');
    expect(forced.stderr).toBe('realtime-contract: git:HEAD: git was not found on the PATH, and a git ref is read with it: install git (a folder of schemas or an npm pack tarball needs none)\n');
    expect(forced.status).toBe(2);
    const bare = run('HEAD');
    expect(bare.stderr).toBe('realtime-contract: HEAD: not a folder or tarball here, and git was not found on the PATH to read it as a git ref: install git (a folder of schemas or an npm pack tarball needs none)\n');
    expect(bare.status).toBe(2);
    // A folder needs no git.
    expect(run('test/diff/v1.0').status).toBe(0);
  });

  it('says that a shallow clone may not have fetched the ref, and how to fetch it (actions/checkout\'s default depth 1), exit 2', () => {
    const origin = path.join(work, 'shallow-origin');
    mkdirSync(origin, { recursive: true });
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=diff test', '-c', 'user.email=diff@test.invalid', '-c', 'commit.gpgsign=false', '-c', 'protocol.file.allow=always', ...args], { cwd, encoding: 'utf8' });
    git(origin, 'init', '--quiet', '--initial-branch=main');
    cpSync(path.join(V1_0, 'schemas'), path.join(origin, 'schemas'), { recursive: true });
    git(origin, 'add', 'schemas');
    git(origin, 'commit', '--quiet', '-m', 'v1.0');
    git(origin, 'tag', 'v1.0');
    cpSync(path.join(V1_1, 'schemas'), path.join(origin, 'schemas'), { recursive: true });
    git(origin, 'commit', '--quiet', '-am', 'v1.1');
    const shallow = path.join(work, 'shallow-clone');
    git(work, 'clone', '--quiet', '--depth', '1', '--no-tags', `file://${origin}`, shallow);
    const hint = "; this repository is a shallow clone (git clone --depth, actions/checkout's default), so the commit may not be fetched: fetch the history (git fetch --unshallow; with actions/checkout, fetch-depth: 0) or the ref itself (git fetch origin tag <tag>)";
    const parent = cli(['diff', 'HEAD~1'], shallow);
    expect(parent.stderr).toBe(`realtime-contract: HEAD~1: not a folder, tarball or git ref here${hint}\n`);
    expect(parent.code).toBe(2);
    expect(cli(['diff', 'git:v1.0'], shallow).stderr).toBe(`realtime-contract: git:v1.0: not a git ref here${hint}\n`);
    // The way out works.
    git(shallow, 'fetch', '--quiet', '--unshallow', '--tags');
    expect(cli(['diff', 'HEAD~1', '--fail-on', 'never'], shallow).code).toBe(0);
    expect(cli(['diff', 'v1.0', '--fail-on', 'never'], shallow).code).toBe(0);
    // A full clone is not told so.
    expect(cli(['diff', 'no-such-ref'], origin).stderr).toBe('realtime-contract: no-such-ref: not a folder, tarball or git ref here\n');
  });
});
