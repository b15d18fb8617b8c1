import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport } from '../../src/diff/index.js';
import { patchSchemas, readSchemas } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const V1_0 = path.join(ROOT, 'test/diff/v1.0');

/** Runs the real CLI in a child process, from `cwd` (git commands and relative paths start there). */
function cli(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
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
      'compatible definitions.json /definitions/Side: description, examples or comment changed — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      'compatible trades /definitions/TradeData/properties/side: description, examples or comment changed — no message changes validity; generate rewrites the docs and type comments from them [documentation-changed]',
      `2 changes (0 breaking, 0 strict, 2 compatible) from schemas (folder) to ${dir} (folder): release patch; protocol version 1.1 (was 1.1; 1.1 or later needed)`,
    ]);
  });

  it('calls a renamed generated type a major release of the package, and leaves the protocol version alone', () => {
    const dir = path.join(work, 'renamed');
    writeSchemas(dir, patchSchemas(readSchemas(), [{ op: 'replace', path: '/trades.json/title', value: 'TradeMessage' }]));
    expect(json(['diff', 'schemas', dir])).toMatchObject({
      changes: [{ rule: 'type-name-changed', level: 'compatible', subject: 'trades', pointer: '', before: 'TradesMessage', after: 'TradeMessage', breaks: [] }],
      semver: 'major',
      protocolVersion: { before: '1.1', after: '1.1', suggested: '1.1', bumped: true },
    });
    const added = path.join(work, 'inline-title');
    writeSchemas(added, patchSchemas(readSchemas(), [{ op: 'add', path: '/whale.json/properties/ts/title', value: 'WhaleTimestamp' }]));
    // Go and Python named that type after its place before (WhaleTs…): a rename for them.
    expect(json(['diff', 'schemas', added])).toMatchObject({ changes: [{ rule: 'type-name-changed', after: 'WhaleTimestamp' }], semver: 'major' });
  });

  it('classifies v1.0 → v1.1 (optional cursor, connection.data.resume, both-way ping/pong) as non-breaking in both directions', () => {
    const report = json(['diff', V1_0]);
    expect(report.counts.breaking).toBe(0);
    expect(report.changes.filter((c) => c.direction === 'client-to-server').every((c) => c.level === 'compatible')).toBe(true);
    expect(report.changes.filter((c) => c.direction === 'server-to-client').every((c) => c.level !== 'breaking')).toBe(true);
    // What strict v1.0 consumers would reject: the new optional fields, and nothing else.
    const strict = report.changes.filter((c) => c.level === 'strict');
    expect(new Set(strict.map((c) => `${c.rule} ${c.pointer}`))).toEqual(new Set(['optional-property-added /cursor', 'optional-property-added /data/resume']));
    expect(report.changes).toContainEqual(expect.objectContaining({ rule: 'optional-property-added', subject: 'connection', pointer: '/data/resume', direction: 'server-to-client' }));
    expect(report).toMatchObject({ semver: 'minor', protocolVersion: { before: '1.0', after: '1.1', suggested: '1.1', bumped: true } });
    // The default --fail-on breaking lets it through; --fail-on strict would stop it.
    expect(cli(['diff', V1_0]).code).toBe(0);
    expect(cli(['diff', V1_0, '--fail-on', 'strict']).code).toBe(1);
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
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('breaking   trades /data/fee (server→client): may now be null — older consumers reject some messages the newer server may send, in tolerant and strict mode [made-nullable]\n');
    expect(text.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ changes \(1 breaking, \d+ strict, \d+ compatible\) from v1\.0 \(git [0-9a-f]{12}\) to schemas \(working tree\): release major; protocol version should be 2\.0 or later \(declared 1\.1, was 1\.0\)$/);
    expect(cli(['diff', 'v1.0', '--fail-on', 'never'], repo).code).toBe(0);
    // Two refs: the same commit is clean.
    expect(json(['diff', 'v1.0', 'git:HEAD'], repo).changes).toEqual([]);
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
    writeFileSync(file, readFileSync(file, 'utf8').replace('"title": "TradesMessage",', '"title": "TradesMessage"'));
    const result = cli(['diff', path.join(ROOT, 'schemas'), dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/trades\.json: not a JSON schema \(invalid JSON at line \d+, column \d+: got "\\"/);
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

  it('refuses a tarball whose schemas are symbolic links, and reads nothing through them (found by a hostile tester)', () => {
    const secret = path.join(work, 'secret.txt');
    writeFileSync(secret, 'root:x:0:0:secret\n');
    const staged = path.join(work, 'hostile-pack');
    writeSchemas(path.join(staged, 'package/schemas'), readSchemas(path.join(ROOT, 'schemas')));
    writeFileSync(path.join(staged, 'package/package.json'), '{ "name": "realtime-contract", "version": "9.9.9" }');
    rmSync(path.join(staged, 'package/schemas/protocol.json'));
    symlinkSync(secret, path.join(staged, 'package/schemas/protocol.json'));
    const tarball = path.join(work, 'hostile.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', staged, 'package']);
    const result = cli(['diff', tarball]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`realtime-contract: ${tarball}: package/schemas/protocol.json in the tarball is not a regular file (a symbolic link?): nothing was read\n`);
    expect(result.stdout + result.stderr).not.toContain('secret');
  });

  it('exits 2 naming the side it cannot read', () => {
    const missing = cli(['diff', 'no-such-ref-or-folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^realtime-contract: no-such-ref-or-folder: not a folder, tarball or git ref here/);
    const notContract = cli(['diff', 'test/fixtures']);
    expect(notContract.code).toBe(2);
    expect(notContract.stderr).toContain('test/fixtures: not a folder of contract schemas');
    const broken = path.join(work, 'broken');
    writeSchemas(broken, patchSchemas(readSchemas(path.join(ROOT, 'schemas')), [{ op: 'add', path: '/trades.json/properties/data/x-unknown', value: 1 }]));
    const result = cli(['diff', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a loadable contract: trades\.json#\/properties\/data\/x-unknown: unknown keyword/);
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
      text: 'value "coinbase" added to the closed list', impact: 'strict older consumers reject the new value; tolerant ones accept it with a notice',
      breaks: ['strict-consumers'],
    });
    expect(report).toMatchObject({ worst: 'strict', semver: 'minor', protocolVersion: { suggested: '1.2', bumped: true } });
    expect(cli(['diff', 'schemas', newer]).code).toBe(0);
    expect(cli(['diff', 'schemas', newer, '--fail-on', 'strict']).code).toBe(1);
    expect(cli(['diff', 'schemas', newer, '--fail-on', 'compatible']).code).toBe(1);
  });
});
