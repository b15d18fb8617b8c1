import { gzipSync } from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, mkdirSync, openSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultJobs, MAX_JOBS, ParallelValidation } from '../../src/cli/parallel.js';
import { runValidate, type ValidateCommandOptions } from '../../src/cli/validate-command.js';
import { shellWord } from '../../src/cli/path-hints.js';
import { FIXTURES, readFixtureMessages } from '../support/fixtures.js';

const CLI = path.resolve('src/cli/main.ts');
const trade = JSON.parse(readFileSync(path.join(FIXTURES, 'valid/spec/trades.json'), 'utf8')) as Record<string, unknown> & { data: Record<string, unknown> };
const tradeLine = JSON.stringify(trade);
let dir: string;

/** Runs the real CLI in a child process, as CI would. */
function cli(args: string[], options: { input?: string | Buffer; heapMb?: number } = {}) {
  const node = ['--import', 'tsx', ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : []), CLI, ...args];
  const result = spawnSync(process.execPath, node, { input: options.input, encoding: 'utf8', cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  return target;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
});

// The large-file tests write about 700 MB here.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('realtime-contract validate', () => {
  it('accepts every valid fixture (exit 0) and prints the count', () => {
    const { code, stdout, stderr } = cli(['validate', 'test/fixtures/valid']);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${readFixtureMessages('valid').length} valid, 0 invalid\n`);
    expect(code).toBe(0);
    // The README quotes what `npm run validate` prints.
    expect(readFileSync('README.md', 'utf8')).toContain(`\`npm run validate\` prints \`${stdout.trim()}\``);
  });

  // `npm run validate -- <file>` adds the file to the script's fixtures, and its totals counted both: "69 valid, 2 invalid"
  // for a file of 3 messages (tHQ F3). README gives the command that checks a file alone, and says what the other does.
  it('README gives the command that checks a file of one\'s own alone, and says npm run validate -- <file> adds the fixtures', () => {
    const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    const fixtures = readFixtureMessages('valid').length;
    expect(readme).toContain(`To check a file of your own, give it to the CLI: \`npx tsx src/cli/main.ts validate my-messages.ndjson\` (its counts alone). \`npm run validate -- my-messages.ndjson\` checks it together with those ${fixtures} fixtures, and its totals count both.`);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.validate).toBe('tsx src/cli/main.ts validate test/fixtures/valid');
    const own = path.join(dir, 'my-messages.ndjson');
    writeFileSync(own, `${JSON.stringify({ type: 'ping', timestamp: 1767225600123 })}\n${JSON.stringify({ type: 'ping', timestamp: 1.5 })}\n`);
    const alone = cli(['validate', own]);
    expect(alone.stdout.trimEnd().split('\n').pop()).toBe('1 valid, 1 invalid');
    expect(cli(['validate', 'test/fixtures/valid', own]).stdout.trimEnd().split('\n').pop()).toBe(`${fixtures + 1} valid, 1 invalid`);
  });

  it('prints one line per invalid message, path:line: type pointer expected…, got …, and exits 1', () => {
    const { code, stdout } = cli(['validate', 'test/fixtures/invalid']);
    const lines = stdout.trimEnd().split('\n');
    const summary = lines.pop();
    expect(summary).toMatch(/^0 valid, \d+ invalid$/);
    expect(lines).toContain('test/fixtures/invalid/trades-side-hold.json:8: trades /data/side expected one of "buy", "sell", got "hold"');
    expect(lines).toContain('test/fixtures/invalid/ping-timestamp-iso-string.json:3: ping /timestamp expected an integer, got a string "2026-01-14T16:30:00.000Z"');
    for (const line of lines) expect(line).toMatch(/^test\/fixtures\/invalid\/[\w-]+\.json:\d+: \S+ \S+ expected .+, got .+$/);
    expect(code).toBe(1);
  });

  it('reports a bad NDJSON line by number and still validates every other line', () => {
    const bad = { ...trade, data: { ...trade.data, side: 'hold' } };
    const target = file('mixed.ndjson', [tradeLine, '{"type": "trades", oops', '', tradeLine, JSON.stringify(bad), tradeLine].join('\n'));
    const { code, stdout } = cli(['validate', target]);
    expect(stdout).toBe(
      `${target}:2: - (root) expected valid JSON, got "o" at position 19 (Expected double-quoted property name)\n` +
        `${target}:5: trades /data/side expected one of "buy", "sell", got "hold"\n` +
        '3 valid, 2 invalid\n',
    );
    expect(code).toBe(1);
  });

  it('reads a byte-order mark and CRLF line ends as any other file', () => {
    const ndjson = file('windows.ndjson', `\uFEFF${tradeLine}\r\n${tradeLine}\r\n`);
    const json = file('windows.json', `\uFEFF${JSON.stringify(trade, null, 2).replace(/\n/g, '\r\n')}\r\n`);
    const { code, stdout } = cli(['validate', ndjson, json]);
    expect(stdout).toBe('3 valid, 0 invalid\n');
    expect(code).toBe(0);
  });

  it('drops one byte-order mark: a second is text, in a .json file as on stdin, named by its code point', () => {
    const twice = `\uFEFF\uFEFF${tradeLine}`;
    const expected = (where: string) => `${where}:1: - (root) expected valid JSON, got U+FEFF (a byte-order mark) at position 0 (Unexpected token U+FEFF); drop the byte-order mark: JSON.parse refuses it, and JSON sent over a network has none (RFC 8259 §8.1)\n0 valid, 1 invalid\n`;
    const json = file('twice.json', twice);
    expect(cli(['validate', json]).stdout).toBe(expected(json));
    expect(cli(['validate', '-'], { input: twice }).stdout).toBe(expected('<stdin>'));
    // A character beyond U+FFFF is named whole (V8 quotes its first half).
    expect(cli(['validate', '-'], { input: '\u{200B}'.repeat(0) + '\u{E0001}' }).stdout).toContain('(Unexpected token U+E0001)');
  });

  it('skips blank and whitespace-only lines between NDJSON messages: no message, in neither total (README)', () => {
    const spaced = file('spaced.ndjson', '{"type":"ping","timestamp":1}\n\n   \n\t\n{"type":"ping","timestamp":2.5}\n\n');
    const { code, stdout } = cli(['validate', spaced]);
    expect(stdout).toBe(`${spaced}:5: ping /timestamp expected an integer, got a number 2.5\n1 valid, 1 invalid\n`);
    expect(code).toBe(1);
  });

  it('gives an empty file and a binary file a clear result', () => {
    const empty = file('empty.ndjson', '');
    const blankNdjson = file('blank.ndjson', '   \n\n');
    const emptyJson = file('empty.json', '  \n');
    const bomJson = file('bom.json', '\ufeff');
    const binary = file('binary.json', Buffer.from([0x7b, 0x00, 0xff, 0x10, 0x7d]));
    const { code, stdout } = cli(['validate', empty, blankNdjson, emptyJson, bomJson, binary]);
    expect(stdout).toBe(
      `${empty}:1: - (root) expected at least one message, got an empty file\n` +
        `${blankNdjson}:1: - (root) expected at least one message, got only whitespace\n` +
        `${emptyJson}:1: - (root) expected at least one message, got only whitespace\n` +
        `${bomJson}:1: - (root) expected at least one message, got an empty file\n` +
        `${binary}:1: - (root) expected UTF-8 JSON text, got a binary file (NUL byte at offset 1)\n` +
        '0 valid, 5 invalid\n',
    );
    expect(code).toBe(1);
    // Standard input is no file (a fresh user), under every --input.
    for (const input of ['auto', 'json', 'ndjson']) {
      expect(cli(['validate', '--input', input, '-'], { input: '' }).stdout).toBe('<stdin>:1: - (root) expected at least one message, got empty input\n0 valid, 1 invalid\n');
    }
  });

  it('calls a gzip file gzip, and says to decompress it (one error), and a short first line with a stray NUL that line\'s fault', () => {
    const gzipped = file('gzipped.ndjson', gzipSync(Buffer.from(`${tradeLine}\n`.repeat(200))));
    const short = file('short-nul.ndjson', Buffer.from(`{}\u0000\n${tradeLine}\n`));
    const { stdout } = cli(['validate', gzipped, short]);
    const lines = stdout.trim().split('\n');
    // The file named (it said `zcat file.gz` of a file named otherwise: a fresh user).
    expect(lines.filter((line) => line.startsWith(gzipped))).toEqual([`${gzipped}:1: - (root) expected UTF-8 JSON text, got gzip-compressed data; decompress it first (zcat ${JSON.stringify(gzipped)} | realtime-contract validate -)`]);
    // On stdin too (it read "a binary file (NUL byte at offset 8)": a hostile tester).
    expect(cli(['validate', '-'], { input: gzipSync(Buffer.from(`${tradeLine}\n`)) }).stdout).toContain('got gzip-compressed data; decompress it first');
    // Named .gz: the way through at once (it said `validate - <`, which then said zcat: a hostile tester).
    const named = file('named.ndjson.gz', gzipSync(Buffer.from(`${tradeLine}\n`)));
    expect(cli(['validate', named]).stdout).toBe(`${named}:1: - (root) expected UTF-8 JSON text, got gzip-compressed data; decompress it first (zcat ${JSON.stringify(named)} | realtime-contract validate -)\n0 valid, 1 invalid\n`);
    expect(lines.filter((line) => line.startsWith(short)).map((line) => line.slice(short.length))).toEqual([expect.stringMatching(/^:1: /)]);
    expect(lines.at(-1)).toBe('1 valid, 2 invalid');
  });

  it('says gzip data is invalid input (exit 1) whatever the file is named, .gz or .ndjson alike (a fresh user: .gz was a usage error, exit 2, and the same bytes as .ndjson exit 1)', () => {
    const bytes = gzipSync(Buffer.from(`${tradeLine}\n`.repeat(3)));
    for (const name of ['events.ndjson.gz', 'events-gz.ndjson', 'events.json.gz', 'EVENTS.GZ']) {
      const target = file(name, bytes);
      const text = cli(['validate', target]);
      expect(text.stdout).toBe(`${target}:1: - (root) expected UTF-8 JSON text, got gzip-compressed data; decompress it first (zcat ${JSON.stringify(target)} | realtime-contract validate -)\n0 valid, 1 invalid\n`);
      expect(text.stderr).toBe('');
      expect(text.code).toBe(1);
      const json = cli(['validate', '--format', 'json', target]);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as { problems: { file: string; line: number; keyword: string; found: string }[]; errors: unknown[]; invalid: number };
      expect(report.errors).toEqual([]);
      expect(report.invalid).toBe(1);
      // The way out is the hint, as other errors' (it was part of `found`: a fresh tester).
      expect(report.problems).toEqual([expect.objectContaining({ file: target, line: 1, keyword: 'json', found: 'gzip-compressed data', hint: `decompress it first (zcat ${JSON.stringify(target)} | realtime-contract validate -)` })]);
    }
    // Named .gz but not gzip: a file of no known type, as a .txt is (exit 2), with the --input to give.
    const plain = file('plain.ndjson.gz', `${tradeLine}\n`);
    const refused = cli(['validate', plain]);
    expect(refused.stderr).toBe(`realtime-contract: cannot validate "${plain}": expected a .json, .ndjson or .jsonl file, a folder, a pipe, or - for standard input (another file: say what it holds, validate --input ndjson ${shellWord(plain)}, or --input json for one document)\n`);
    expect(refused.code).toBe(2);
    expect(cli(['validate', '--input', 'ndjson', plain]).code).toBe(0);
    // A folder's .gz files are not read. One named as a gzipped message file is said, as a FIFO
    // is (it was skipped without a word: a fresh tester), and then alone: not again as a folder
    // without message files (tAD F5); another .gz is no message file, as a .txt.
    const folder = path.join(dir, 'gz-only');
    const gzipped = file('gz-only/events.ndjson.gz', bytes);
    file('gz-only/logs.gz', bytes);
    const notRead = `realtime-contract: cannot read "${gzipped}": named as a gzipped message file, so not read in a folder: decompress it first (zcat ${JSON.stringify(gzipped)} | realtime-contract validate -)\n`;
    expect(cli(['validate', folder])).toMatchObject({ code: 2, stdout: '0 valid, 0 invalid\n', stderr: notRead });
    // Beside message files, which are read.
    file('gz-only/events.ndjson', `${tradeLine}\n`);
    expect(cli(['validate', folder])).toMatchObject({ code: 2, stdout: '1 valid, 0 invalid\n', stderr: notRead });
  });

  it('reports a stray NUL byte in line 1 of NDJSON for that line alone, and validates the others', () => {
    const target = file('nul-first.ndjson', Buffer.from(`{"type":"ping","timestamp":1\u0000}\n${tradeLine}\n{"type":"ping","timestamp":2}\n`));
    const { code, stdout } = cli(['validate', target]);
    expect(stdout).toMatch(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: - \\(root\\) expected valid JSON, got U\\+0000`));
    expect(stdout.endsWith('2 valid, 1 invalid\n')).toBe(true);
    expect(code).toBe(1);
  });

  it('cuts a long key in the text line, where JSON output keeps the pointer whole (found by a hostile tester: a 10 MiB line)', () => {
    const key = `k${'😀'.repeat(5_000)}`;
    const target = file('long-key.ndjson', `${JSON.stringify({ type: 'ping', timestamp: 1, [key]: 1 })}\n`);
    const { stdout } = cli(['validate', target]);
    const line = stdout.split('\n')[0]!;
    expect(line.length).toBeLessThan(500);
    expect(line).toMatch(new RegExp(`^.*:1: ping /k(😀){97}\\.\\.\\. expected no property "k(😀){28}\\.\\.\\." \\(unknown to the schema\\), got 1$`));
    expect(JSON.parse(cli(['validate', '--format', 'json', target]).stdout).problems[0].pointer).toBe(`/${key}`);
  });

  it('points at the line of the faulty element in a .json array', () => {
    const bad = { ...trade, data: { ...trade.data, fee: 'free' } };
    const target = file('array.json', JSON.stringify([trade, bad], null, 2));
    const { stdout } = cli(['validate', target]);
    const text = readFileSync(target, 'utf8').split('\n');
    const feeLine = text.findIndex((line, index) => index > text.length / 2 && line.includes('"fee"')) + 1;
    expect(stdout).toBe(`${target}:${feeLine}: [1] trades /data/fee expected a number, got a string "free"\n1 valid, 1 invalid\n`);
    // On one line, the index tells the messages apart (JSON output has it as `index`).
    const oneLine = file('one-line.json', JSON.stringify([bad, trade, bad]));
    expect(cli(['validate', oneLine]).stdout).toBe(`${oneLine}:1: [0] trades /data/fee expected a number, got a string "free"\n${oneLine}:1: [2] trades /data/fee expected a number, got a string "free"\n1 valid, 2 invalid\n`);
  });

  it('exits 2 with one line for a missing file, and still validates the other paths', () => {
    const good = file('good.json', tradeLine);
    const { code, stdout, stderr } = cli(['validate', path.join(dir, 'nope.json'), good]);
    expect(stderr).toBe(`realtime-contract: cannot read "${path.join(dir, 'nope.json')}": no such file or folder\n`);
    expect(stdout).toBe('1 valid, 0 invalid\n');
    expect(code).toBe(2);
  });

  it('exits 2, not 1, for a missing file beside an invalid message: the file never read outweighs the invalid one, which is still reported (tBY F2: only a symbolic-link test saw exit 1 here)', () => {
    // Exit 1 would tell CI "invalid messages" and hide that a file was never checked at all.
    const bad = file('fault-and-invalid/bad.json', JSON.stringify({ type: 'ping', timestamp: 'soon' }));
    const missing = path.join(dir, 'fault-and-invalid/missing.json');
    for (const args of [[missing, bad], [bad, missing]]) {
      const { code, stdout, stderr } = cli(['validate', ...args]);
      expect(stderr).toBe(`realtime-contract: cannot read "${missing}": no such file or folder\n`);
      expect(stdout).toBe(`${bad}:1: ping /timestamp expected an integer, got a string "soon"\n0 valid, 1 invalid\n`);
      expect(code).toBe(2);
    }
  });

  it('reads a file once however often it is named: twice, through its folder, through a link (its problems were reported twice and its messages counted twice)', () => {
    const folder = path.join(dir, 'named-twice');
    const bad = file('named-twice/bad.ndjson', `${tradeLine}\n{"type":"trades"}\n`);
    const link = path.join(dir, 'named-twice-link.ndjson');
    symlinkSync(bad, link);
    const { code, stdout } = cli(['validate', bad, folder, link, bad]);
    expect(stdout).toBe(`${bad}:2: trades /data expected required property "data", got nothing\n1 valid, 1 invalid\n`);
    expect(code).toBe(1);
    // A file refused for its name is no file read: standard input redirected from it, as its refusal advises, is read (a reviewer).
    const notes = file('named-twice-notes.txt', `${tradeLine}\n`);
    const fd = openSync(notes, 'r');
    try {
      const advised = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', notes, '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(advised.stdout).toBe('1 valid, 0 invalid\n');
    } finally {
      closeSync(fd);
    }
    // Standard input redirected from it too, either side of its name (a hostile tester: counted twice).
    for (const args of [[bad, '-'], ['-', bad]]) {
      const fd = openSync(bad, 'r');
      try {
        const redirected = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', ...args], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
        expect(redirected.stdout).toMatch(/: trades \/data expected required property "data", got nothing\n1 valid, 1 invalid\n$/);
      } finally {
        closeSync(fd);
      }
    }
  });

  it('exits 2 for a folder without message files and for an unsupported file type', () => {
    const folder = path.join(dir, 'no-messages');
    mkdirSync(folder, { recursive: true });
    const text = file('notes.txt', 'hello');
    const { code, stderr } = cli(['validate', folder, text]);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `realtime-contract: no .json, .ndjson or .jsonl files under "${folder}"`,
      `realtime-contract: cannot validate "${text}": expected a .json, .ndjson or .jsonl file, a folder, a pipe, or - for standard input (another file: say what it holds, validate --input ndjson ${shellWord(text)}, or --input json for one document)`,
    ]);
    expect(code).toBe(2);
    // The way out it names works (a fresh user had to find it).
    writeFileSync(text, `${JSON.stringify({ type: 'ping', timestamp: 1 })}\n`);
    const named = cli(['validate', '--input', 'ndjson', text]);
    expect({ code: named.code, stdout: named.stdout, stderr: named.stderr }).toEqual({ code: 0, stdout: '1 valid, 0 invalid\n', stderr: '' });
  });

  it('says that the --input given made a named file read the other way, and not to rename it to the name it has (it said "name it .json" of a .json: tBT F15)', () => {
    const ping = (timestamp: number) => JSON.stringify({ type: 'ping', timestamp });
    const pretty = file('input-advice/pretty.json', `{\n  "type": "ping",\n  "timestamp": 1\n}\n`);
    expect(cli(['validate', '--input', 'ndjson', pretty]).stdout).toMatch(/pretty\.json:1: - \(root\) expected one message per line \(NDJSON\), got a pretty-printed JSON document \(4 lines, the first a lone "\{"\); it was read as one message per line because of --input ndjson, whatever its name: drop --input \(its name says one document\), or give --input json\n/);
    const lines = file('input-advice/lines.ndjson', `${ping(1)}\n${ping(2)}\n`);
    expect(cli(['validate', '--input', 'json', lines]).stdout).toMatch(/lines\.ndjson:2: - \(root\) expected valid JSON, got .*; it holds one message per line \(NDJSON\): it was read as one document because of --input json, whatever its name: drop --input \(its name says one message per line\), or give --input ndjson\n/);
    // A name that says the same as the --input given: only the other --input helps.
    const jsonl = file('input-advice/lines.json', `${ping(1)}\n${ping(2)}\n`);
    expect(cli(['validate', '--input', 'json', jsonl]).stdout).toMatch(/; it holds one message per line \(NDJSON\): it was read as one document because of --input json, whatever its name: give --input ndjson\n/);
    // Each way out it gives works.
    for (const args of [[pretty], ['--input', 'json', pretty], [lines], ['--input', 'ndjson', lines], ['--input', 'ndjson', jsonl]]) expect(cli(['validate', ...args]).code).toBe(0);
  });

  it('reads a named file as --input json or ndjson says, whatever its extension, both ways (it went by the extension alone)', () => {
    const ping = (timestamp: number) => JSON.stringify({ type: 'ping', timestamp });
    // NDJSON named .json: two messages with --input ndjson (by its name, one broken document).
    const lines = file('input-flag/lines.json', `${ping(1)}\n${ping(2)}\n`);
    expect(cli(['validate', lines]).code).toBe(1);
    const asNdjson = cli(['validate', '--input', 'ndjson', lines]);
    expect({ code: asNdjson.code, stdout: asNdjson.stdout, stderr: asNdjson.stderr }).toEqual({ code: 0, stdout: '2 valid, 0 invalid\n', stderr: '' });
    // A pretty-printed array named .ndjson: one document of two messages with --input json (by its name, one error).
    const pretty = file('input-flag/array.ndjson', `[\n  ${ping(1)},\n  ${ping(2)}\n]\n`);
    expect(cli(['validate', pretty]).stdout).toMatch(/array\.ndjson:1: - \(root\) expected one message per line \(NDJSON\), got a pretty-printed JSON document .*; name it \.json, or give --input json\n0 valid, 1 invalid\n$/);
    const asJson = cli(['validate', '--input', 'json', pretty]);
    expect({ code: asJson.code, stdout: asJson.stdout, stderr: asJson.stderr }).toEqual({ code: 0, stdout: '2 valid, 0 invalid\n', stderr: '' });
    // --input json really reads it whole: NDJSON so named is one document with a syntax error.
    const ndjson = file('input-flag/real.ndjson', `${ping(1)}\n${ping(2)}\n`);
    expect(cli(['validate', '--input', 'json', ndjson]).stdout).toMatch(/^\S*real\.ndjson:2: - \(root\) expected valid JSON, got .*\n0 valid, 1 invalid\n$/);
    // A folder's files still go by their extensions: lines.json in it is one broken document under --input ndjson too.
    const folder = cli(['validate', '--input', 'ndjson', path.dirname(lines)]);
    expect(folder.stdout).toMatch(/lines\.json:2: - \(root\) expected valid JSON/);
    expect(folder.stdout).toMatch(/\n2 valid, 2 invalid\n$/);
  });

  it.each([
    [['validate'], /missing required argument 'paths'\n\(- reads standard input: cat messages\.ndjson \| realtime-contract validate -\)\n\(run with --help for usage\)/],
    [['validate', '--mode', 'lenient', 'x.json'], /argument 'lenient' is invalid/],
    [['validate', '--colour', 'x.json'], /unknown option '--colour'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 on the usage error %j, with no stack trace', (args, message) => {
    const { code, stderr } = cli(args);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    // The standard-input hint answers missing paths only (it followed every usage error: a reviewer).
    expect(stderr.includes('reads standard input')).toBe(args.length === 1 && args[0] === 'validate');
    expect(code).toBe(2);
  });

  it('follows symbolic links in folders, once each, and reports a broken one without stopping', () => {
    const real = file('links/real/bad.json', JSON.stringify({ ...trade, data: { ...trade.data, side: 'hold' } }));
    const folder = path.join(dir, 'links/folder');
    mkdirSync(folder, { recursive: true });
    file('links/folder/a-good.json', tradeLine);
    symlinkSync(real, path.join(folder, 'b-linked.json'));
    symlinkSync(path.join(dir, 'links/nowhere.json'), path.join(folder, 'c-broken.json'));
    symlinkSync(folder, path.join(folder, 'd-loop'));
    file('links/folder/e-good.json', tradeLine);
    const { code, stdout, stderr } = cli(['validate', folder]);
    expect(stdout).toBe(`${path.join(folder, 'b-linked.json')}:1: trades /data/side expected one of "buy", "sell", got "hold"\n2 valid, 1 invalid\n`);
    // Said to be a link, and to what (a fresh user read only "no such file").
    expect(stderr).toBe(`realtime-contract: cannot read "${path.join(folder, 'c-broken.json')}": no such file or folder (it is a symbolic link to ${JSON.stringify(path.join(dir, 'links/nowhere.json'))}, which leads nowhere)\n`);
    expect(code).toBe(2);
  });

  it('keeps every report on one line, whatever the message holds', () => {
    const target = file('control.ndjson', [
      JSON.stringify({ ...trade, data: { ...trade.data, 'x\nfake.ndjson:9: forged': 1 } }),
      JSON.stringify({ type: 'a\u001b[31mb', data: {}, ts: trade.ts }),
      '[{"type":"ping","timestamp":1},]',
    ].join('\n'));
    const { stdout } = cli(['validate', target]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`${target}:1: trades /data/x\\nfake.ndjson:9: forged expected no property "x\\nfake.ndjson:9: forged" (unknown to the schema), got 1`);
    expect(lines[1]).toMatch(/^.*:2: a\\u001b\[31mb \/type expected a known message type/);
    expect(lines[2]).toMatch(/^.*:3: - \(root\) expected valid JSON, got "\]" at position 31 \(Unexpected token '\]'\); drop the comma before it: JSON allows none before a closing bracket$/);
  });

  it('says a UTF-16 file is not UTF-8, and reads standard input only once', () => {
    const utf16 = file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tradeLine, 'utf16le')]));
    expect(cli(['validate', utf16]).stdout).toBe(`${utf16}:1: - (root) expected UTF-8 JSON text, got UTF-16 text (byte-order mark); save it as UTF-8\n0 valid, 1 invalid\n`);
    // Without the mark, in either byte order: named too, not "a binary file".
    const le = file('utf16le.ndjson', Buffer.from(`${tradeLine}\n${tradeLine}\n`, 'utf16le'));
    const be = file('utf16be.ndjson', Buffer.from(`${tradeLine}\n`, 'utf16le').swap16());
    expect(cli(['validate', le, be]).stdout).toBe(
      `${le}:1: - (root) expected UTF-8 JSON text, got UTF-16LE text without a byte-order mark; save it as UTF-8\n` +
        `${be}:1: - (root) expected UTF-8 JSON text, got UTF-16BE text without a byte-order mark; save it as UTF-8\n0 valid, 2 invalid\n`,
    );
    const twice = cli(['validate', '-', '-'], { input: tradeLine });
    expect(twice).toMatchObject({ code: 2, stdout: '1 valid, 0 invalid\n', stderr: 'realtime-contract: standard input (-) can be named only once\n' });
  });

  it.each(['1', '2'])('skips and reports an NDJSON line too long to hold, and validates the lines around it (--jobs %s)', async (jobs) => {
    const target = path.join(dir, 'giant-line.ndjson');
    const out = createWriteStream(target);
    out.write(`${tradeLine}\n{"type":"error","data":{"code":"X","message":"`);
    const block = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 260; i++) if (!out.write(block)) await once(out, 'drain');
    out.write(`"},"ts":"2026-01-14T16:30:00.000Z"}\n${tradeLine}\n`);
    out.end();
    await once(out, 'finish');
    const { code, stdout } = cli(['validate', '--jobs', jobs, target], { heapMb: 128 });
    // Its exact size (it said "261 MiB or more"; a fresh user's 257.00003 MiB line read "258 MiB or more").
    const size = Buffer.byteLength('{"type":"error","data":{"code":"X","message":"') + 260 * 1024 * 1024 + Buffer.byteLength('"},"ts":"2026-01-14T16:30:00.000Z"}');
    expect(stdout).toBe(`${target}:2: - (root) expected a line of at most 256 MiB, got one of ${size} bytes\n2 valid, 1 invalid\n`);
    expect(code).toBe(1);
  }, 120_000);

  it('reports the position of a faulty message in a .json array', () => {
    const target = file('one-line-array.json', JSON.stringify([trade, 1, trade]));
    const { stdout } = cli(['validate', '--format', 'json', target]);
    expect(JSON.parse(stdout)).toMatchObject({ valid: 2, invalid: 1, problems: [{ line: 1, index: 1, pointer: '', keyword: 'type' }] });
  });

  it('lets unknown fields pass with --mode tolerant', () => {
    const target = file('newer.ndjson', JSON.stringify({ ...trade, data: { ...trade.data, venue: 'x' } }));
    expect(cli(['validate', target]).code).toBe(1);
    expect(cli(['validate', '--mode', 'tolerant', target])).toMatchObject({ code: 0, stdout: '1 valid, 0 invalid\n' });
  });

  it('names the part of a well-formed timestamp that does not exist (a 30th of February read as the generic RFC 3339 text)', () => {
    const at = (ts: string) => JSON.stringify({ ...trade, ts });
    const lines = ['2026-02-29T12:00:00.000Z', '2024-02-30T12:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-14T24:00:00Z', '2026-01-14T12:60:00Z', '2026-01-14T12:00:00+24:00', '2026-01-14T16:30:00.0000000001Z', '2026-01-14T16:30:00+0200', '2016-12-31T12:59:60Z', '2016-12-31T23:59:60+01:00',
      // tCS F6, F7: a minute before the leap second, and the offset's minutes; then the leap second itself in UTC and
      // at +01:00, which exists (only strict mode's second below 60 refuses it): no hint that contradicts it.
      '2016-12-31T23:58:60Z', '2026-01-14T16:30:00+01:60', '2016-12-31T23:59:60Z', '2017-01-01T00:59:60+01:00', '2026-01-14T16:30:00.000Z'].map(at);
    const { stdout } = cli(['validate', file('impossible.ndjson', `${lines.join('\n')}\n`)]);
    const hints = stdout.split('\n').slice(0, -2).map((line) => (line.includes('; ') ? line.slice(line.lastIndexOf('; ') + 2) : '(no hint)'));
    expect(hints).toEqual([
      'day 29 does not exist in February 2026 (28 days)',
      'day 30 does not exist in February 2024 (29 days)',
      'month 13 does not exist (01 to 12)',
      'day 31 does not exist in April 2026 (30 days)',
      'hour 24 does not exist (00 to 23: midnight at the end of a day is 00:00 of the next)',
      'minute 60 does not exist (00 to 59)',
      'the offset +24:00 does not exist (hours 00 to 23, minutes 00 to 59)',
      '10 fraction digits: strict mode takes at most 9 (nanoseconds)',
      // Found by a hostile tester: no hint for these.
      'the offset +0200 needs a colon: +02:00',
      'second 60 (a leap second) exists only at 23:59:60 UTC',
      'second 60 (a leap second) exists only at 23:59:60 UTC',
      'second 60 (a leap second) exists only at 23:59:60 UTC',
      'the offset +01:60 does not exist (hours 00 to 23, minutes 00 to 59)',
      '(no hint)',
      '(no hint)',
    ]);
    expect(stdout).toContain(':1: trades /ts expected an RFC 3339 date-time such as "2026-01-14T16:30:00.000Z" (strict: upper-case T and Z, second below 60, year from 0001), got "2026-02-29T12:00:00.000Z"; day 29');
    expect(stdout.trim().split('\n').at(-1)).toBe('1 valid, 15 invalid');
    // The same hint in JSON output, as its own field.
    const json = JSON.parse(cli(['validate', '--format', 'json', file('impossible-one.ndjson', `${lines[0]}\n`)]).stdout);
    expect(json.problems[0]).toMatchObject({ pointer: '/ts', keyword: 'format', hint: 'day 29 does not exist in February 2026 (28 days)' });
  });

  it('a date-time hint says every fault it sees, so that following it leaves none: the seconds missing and each part that does not exist (tGJ F3)', () => {
    const at = (ts: string) => JSON.stringify({ ...trade, ts });
    const lines = ['2026-13-45 25:00', '2026-13-45T25:00Z', '2026-13-45T25:00:00Z', '2026-01-14T16:30Z'].map(at);
    const { stdout } = cli(['validate', file('datetime-hint.ndjson', `${lines.join('\n')}\n`)]);
    const hints = stdout.split('\n').slice(0, -2).map((line) => line.slice(line.indexOf('"; ') + 3));
    const parts = 'month 13 does not exist (01 to 12); day 45 does not exist (01 to 31); hour 25 does not exist (00 to 23)';
    expect(hints).toEqual([
      `the UTC offset is missing: add "Z" or an offset such as "+02:00", and write "T" between the date and the time, not a space; the seconds are missing: RFC 3339 writes the time hh:mm:ss ("25:00:00"); ${parts}`,
      `the seconds are missing: RFC 3339 writes the time hh:mm:ss ("25:00:00"); ${parts}`,
      parts,
      'the seconds are missing: RFC 3339 writes the time hh:mm:ss ("16:30:00")',
    ]);
  });

  it('says a key unknown at the top of a message is a field of its data when data knows it (the hint came only when data was missing)', () => {
    const ts = '2026-01-14T16:30:00.000Z';
    const lines = [
      { type: 'error', data: { code: 'RATE_LIMIT', message: 'slow down' }, details: { retry_after: 5 }, ts },
      { type: 'connection', data: { status: 'connected', mode: 'ws' }, resume: 'new', ts },
      // unknown to data too: no hint; already in data: drop the stray copy (a fresh user's `fee` beside data got no hint)
      { type: 'error', data: { code: 'RATE_LIMIT', message: 'slow down' }, foo: 1, ts },
      { type: 'error', data: { code: 'RATE_LIMIT', message: 'slow down', details: 'x' }, details: 'x', ts },
    ].map((line) => JSON.stringify(line));
    // A hint keeps the number as written (a reviewer: it lost "(read as …)").
    lines.push(`{"type":"error","data":{"code":"RATE_LIMIT","message":"slow down"},"details":42.0,"ts":"${ts}"}`);
    const { stdout } = cli(['validate', file('outside-data.ndjson', `${lines.join('\n')}\n`)]);
    expect(stdout.split('\n')[4]).toMatch(/:5: error \/details expected no property "details" \(unknown to the schema\), got 42\.0 \(read as 42\); "details" is a field of data, not of the message: the spec puts it in data$/);
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/:1: error \/details expected no property "details" \(unknown to the schema\), got an object; "details" is a field of data, not of the message: the spec puts it in data$/),
      expect.stringMatching(/:2: connection \/resume expected no property "resume" \(unknown to the schema\), got "new"; "resume" is a field of data, not of the message: the spec puts it in data$/),
      expect.stringMatching(/:3: error \/foo expected no property "foo" \(unknown to the schema\), got 1$/),
      expect.stringMatching(/:4: error \/details expected no property "details" \(unknown to the schema\), got "x"; "details" is a field of data, not of the message: data holds it already; drop this one$/),
    ]);
  });

  it('says which listed value a value in another case meant (a fresh user: "BUY" got no hint, a misspelt type did)', () => {
    const lines = [
      { ...trade, data: { ...trade.data, side: 'BUY' } },
      { ...trade, data: { ...trade.data, platform: 'Binance' } },
      { type: 'ai_tasks', data: { task_id: 't', task_type: 'Bodyguard Check', status: 'completed', progress: 1, result: null, started_at: '2026-01-14T16:28:00.000Z', completed_at: '2026-01-14T16:30:00.000Z' }, ts: '2026-01-14T16:30:00.000Z' },
      // no listed value in any case: no hint
      { ...trade, data: { ...trade.data, side: 'hold' } },
    ].map((line) => JSON.stringify(line));
    const { stdout } = cli(['validate', file('other-case.ndjson', `${lines.join('\n')}\n`)]);
    const ends = stdout.split('\n').slice(0, 4).map((line) => line.slice(line.indexOf(' got ') + 1));
    expect(ends).toEqual(['got "BUY"; did you mean "buy"?', 'got "Binance"; did you mean "binance"?', 'got "Bodyguard Check"; did you mean "bodyguard_check"?', 'got "hold"']);
  });

  it('tells stray text after one message to be removed, not that documents follow one another (a fresh user: `jq -c .` read it no better)', { timeout: 120_000 }, () => {
    const message = '{"type":"ping","timestamp":1705251000000}';
    const remove = 'remove what follows the document: JSON text is one value (one message, or an array of them)';
    for (const [name, text] of [['comma.json', `${message},\n`], ['bracket.json', `${message}\n]\n`], ['word.json', `${message}\nhello\n`]] as const) {
      expect(cli(['validate', '--format', 'json', file(name, text)]).stdout).toContain(JSON.stringify(remove));
    }
    expect(cli(['validate', '-'], { input: `${message},\n` }).stdout).toMatch(new RegExp(`^<stdin>:1: - \\(root\\) expected valid JSON, got "," at position 41 .*; ${remove.replace(/[()]/g, '\\$&')}\n0 valid, 1 invalid\n$`));
    // Messages copied out of an array with their commas: told to put them in one, not to remove all but the first (tFA F3).
    expect(cli(['validate', file('commas.json', `${message},\n${message},\n${message}\n`)]).stdout).toContain('; it holds documents separated by commas, as in an array: put them in one ([ … ]), or write one message per line without the commas\n');
    // A second document (pretty-printed, so not NDJSON) is still told what reads documents one after another.
    expect(cli(['validate', file('second.json', `${message}\n{\n  "type": "ping",\n  "timestamp": 1\n}\n`)]).stdout).toContain('it holds JSON documents one after another');
  });

  it('tells NDJSON lines copied out of an array with their commas to drop them or to put the messages in one array, in a .ndjson file and on standard input (they got the parser\'s words only: tFH F1)', { timeout: 120_000 }, () => {
    const message = '{"type":"ping","timestamp":1705251000000}';
    const hint = 'the line holds a message followed by a comma, as in an array: write one message per line without the commas, or put the messages in one array ([ … ]) read as one document';
    const said = (name: string) => `${name}:1: - (root) expected valid JSON, got "," at position 41 (Unexpected non-whitespace character after JSON); ${hint}\n`;
    const ndjson = cli(['validate', file('commas.ndjson', `${message},\n${message}\n`)]);
    expect(ndjson.stdout).toBe(`${said(path.join(dir, 'commas.ndjson'))}1 valid, 1 invalid\n`);
    const stdin = cli(['validate', '-'], { input: `${message},\n${message}\n` });
    expect(stdin.stdout).toBe(`${said('<stdin>')}1 valid, 1 invalid\n`);
    // Two messages on one line with a comma between them: the same hint; text other than a comma after the message, none.
    expect(cli(['validate', file('two.ndjson', `${message}, ${message}\n`)]).stdout).toContain(`; ${hint}\n`);
    expect(cli(['validate', file('bracket.ndjson', `${message}]\n`)]).stdout).not.toContain(hint);
    // One array written a message per line (`[{…},` … `{…}]`): one error that says so, with the way
    // out, not "put the messages in one array", which they were in (tFO F5).
    const array = file('array-lines.ndjson', `[${message},\n${message},\n${message}]\n`);
    expect(cli(['validate', array]).stdout).toBe(`${array}:1: - (root) expected one message per line (NDJSON), got one JSON array written a message per line (3 lines, the first opening the array); name it .json, or give --input json\n0 valid, 1 invalid\n`);
    expect(cli(['validate', '--input', 'ndjson', '-'], { input: `[${message},\n${message}]\n` }).stdout).toBe('<stdin>:1: - (root) expected one message per line (NDJSON), got one JSON array written a message per line (2 lines, the first opening the array); give --input json\n0 valid, 1 invalid\n');
    // Written on Windows (CRLF), or with a blank after the first line's comma: the same one error (tFX F1: only LF was held).
    for (const [name, text] of [['array-crlf.ndjson', `[${message},\r\n${message},\r\n${message}]\r\n`], ['array-blank.ndjson', `[${message}, \n${message},\n${message}]\n`]]) {
      const other = file(name!, text!);
      expect(cli(['validate', other]).stdout, name).toBe(`${other}:1: - (root) expected one message per line (NDJSON), got one JSON array written a message per line (3 lines, the first opening the array); name it .json, or give --input json\n0 valid, 1 invalid\n`);
    }
    // The commas at the lines' starts (`[{…}`, `,{…}`, `]`): the same one error (it was four syntax errors: tFV F5).
    const leading = file('leading-commas.ndjson', `[${message}\n,${message}\n,${message}\n]\n`);
    expect(cli(['validate', leading]).stdout).toBe(`${leading}:1: - (root) expected one message per line (NDJSON), got one JSON array written a message per line (4 lines, the first opening the array); name it .json, or give --input json\n0 valid, 1 invalid\n`);
    // The ways out work; an array line that is not the start of one document is read line by line, as before.
    expect(cli(['validate', '-'], { input: `[${message},\n${message},\n${message}]\n` }).stdout).toBe('3 valid, 0 invalid\n');
    const unclosed = file('array-unclosed.ndjson', `[${message},\n${message}\n`);
    expect(cli(['validate', unclosed]).stdout).toBe(`${unclosed}:1: - (root) expected valid JSON, got the end of the text (Unexpected end of JSON input)\n1 valid, 1 invalid\n`);
  });

  it('tells NDJSON lines copied out of an array with their commas first (`,{…}`) the same, in a .ndjson file and on standard input (they got the parser\'s words only: tGI F6)', { timeout: 120_000 }, () => {
    const message = '{"type":"ping","timestamp":1705251000000}';
    const hint = 'the line begins with a comma, as in an array written with its commas first: write one message per line without the commas, or put the messages in one array ([ … ]) read as one document';
    const said = (name: string, line: number, at: number) => `${name}:${line}: - (root) expected valid JSON, got "," at position ${at} (Unexpected token ','); ${hint}\n`;
    const ndjson = cli(['validate', file('comma-first.ndjson', `${message}\n,${message}\n , ${message}\n`)]);
    expect(ndjson.stdout).toBe(`${said(path.join(dir, 'comma-first.ndjson'), 2, 0)}${said(path.join(dir, 'comma-first.ndjson'), 3, 1)}1 valid, 2 invalid\n`);
    const stdin = cli(['validate', '-'], { input: `${message}\n,${message}\n` });
    expect(stdin.stdout).toBe(`${said('<stdin>', 2, 0)}1 valid, 1 invalid\n`);
    // A comma before no message, or a line of a comma alone: not this mistake, no hint.
    expect(cli(['validate', file('comma-word.ndjson', `${message}\n,hello\n,\n`)]).stdout).not.toContain(hint);
  });

  it('gives a .json file with lone carriage returns (classic Mac line ends) the line of the faulty value, as an editor counts it (line 1 each: tGI F7)', { timeout: 120_000 }, () => {
    const lines = ['[', '{"type":"ping","timestamp":1705251000000},', '{"type":"ping",', '"timestamp":"x"},', '{"type":"ping","timestamp":1} x', ']'];
    for (const [name, end] of [['lf.json', '\n'], ['crlf.json', '\r\n'], ['cr.json', '\r']] as const) {
      const fault = file(name, [...lines.slice(0, 3), '"timestamp":"x"}', ']', ''].join(end));
      expect(cli(['validate', fault]).stdout, name).toBe(`${fault}:4: [1] ping /timestamp expected an integer, got a string "x"\n1 valid, 1 invalid\n`);
      // A syntax error: its line and its column in that line.
      const syntax = file(`syntax-${name}`, lines.join(end));
      expect(cli(['validate', syntax]).stdout, name).toMatch(new RegExp(`^${syntax.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: - \\(root\\) expected valid JSON, got "x" at column 31 \\(position \\d+\\)`));
    }
  });

  // Eleven runs of the CLI: past the 60 s default once at load 10.
  it('says when a file holds the other kind of JSON than its name says, with the way out (a fresh user got the parser\'s words only)', { timeout: 180_000 }, () => {
    const ndjsonInJson = cli(['validate', file('lines.json', '{"type":"ping","timestamp":1}\n{"type":"ping","timestamp":2}\n')]);
    expect(ndjsonInJson.stdout).toMatch(/lines\.json:2: - \(root\) expected valid JSON, got .*; it holds one message per line \(NDJSON\): such a file is read line by line when named \.ndjson or \.jsonl, or with --input ndjson\n/);
    // A pretty-printed document is one error, not one per line (a fresh user's two documents printed 37).
    const prettyInJsonl = cli(['validate', file('pretty.jsonl', '{\n  "type": "ping",\n  "timestamp": 1\n}\n{\n  "type": "ping",\n  "timestamp": 2\n}\n')]).stdout;
    // Two documents: told what reads them, not to name the file .json, which does not (a fresh user followed it).
    expect(prettyInJsonl).toMatch(/^\S*pretty\.jsonl:1: - \(root\) expected one message per line \(NDJSON\), got pretty-printed JSON text, not one document \(8 lines, the first a lone "\{"\); it holds JSON documents one after another: give each as a file of its own, put them in one array, or write one message per line \(jq -c \.\)\n0 valid, 1 invalid\n$/);
    const onePretty = cli(['validate', file('one.jsonl', '{\n  "type": "ping",\n  "timestamp": 1\n}\n')]).stdout;
    expect(onePretty).toMatch(/one\.jsonl:1: - \(root\) expected one message per line \(NDJSON\), got a pretty-printed JSON document \(4 lines, the first a lone "\{"\); name it \.json, or give --input json\n/);
    expect(cli(['validate', '--input', 'ndjson', '-'], { input: '[\n  1\n]\n' }).stdout).toBe('<stdin>:1: - (root) expected one message per line (NDJSON), got a pretty-printed JSON document (3 lines, the first a lone "["); give --input json\n0 valid, 1 invalid\n');
    // An array with an element per line, the last a whole object: one document all the same (a reviewer).
    const arrayInJsonl = cli(['validate', file('array.jsonl', '[\n  {"type":"ping","timestamp":1},\n  {"type":"ping","timestamp":2}\n]\n')]).stdout;
    expect(arrayInJsonl).toMatch(/array\.jsonl:1: - \(root\) expected one message per line \(NDJSON\), got a pretty-printed JSON document \(4 lines, the first a lone "\["\); name it \.json, or give --input json\n0 valid, 1 invalid\n$/);
    // A lone `{` on line 1 of real NDJSON hides none of its good lines, and is not told to name the
    // file .json: its other lines are whole objects (that hint was wrong advice: a hostile tester).
    const strayBrace = cli(['validate', file('stray.jsonl', '{\n{"type":"ping","timestamp":1}\n')]).stdout;
    expect(strayBrace).toMatch(/^\S*stray\.jsonl:1: - \(root\) expected valid JSON, got the end of the text \([^)]*\)\n1 valid, 1 invalid\n$/);
    // NDJSON with a broken line, given as one document: the hint (a fresh user's got none).
    const mixed = cli(['validate', '--input', 'json', '-'], { input: '{"type":"ping","timestamp":1}\n{"type":"ping",\n[1]\nnull\n' }).stdout;
    expect(mixed).toMatch(/^<stdin>:2: .*; it holds one message per line \(NDJSON\)/);
    // Not when the first line is itself broken: that is its fault (a reviewer).
    expect(cli(['validate', file('broken-first.json', '{"type":"ping",,"timestamp":1}\n{"type":"ping","timestamp":2}\n')]).stdout).not.toContain('one message per line');
    // And only then: a broken line of real NDJSON gets no such hint.
    expect(cli(['validate', file('broken.ndjson', '{"type":"ping",\n')]).stdout).not.toContain('pretty-printed');
    // Lines ended by a carriage return alone (classic Mac OS) read as one line: said so.
    const lonelyCr = cli(['validate', file('mac.ndjson', '{"type":"ping","timestamp":1}\r{"type":"ping","timestamp":2}\r')]).stdout;
    expect(lonelyCr).toMatch(/mac\.ndjson:1: .*; the line holds carriage returns \(U\+000D\) without line feeds: NDJSON lines end with \\n or \\r\\n\n/);
    expect(cli(['validate', file('crlf.ndjson', '{"type":"ping","timestamp":1}\r\n{"type":"ping",\r\n')]).stdout).not.toContain('carriage return');
  });

  it('shows a number at fault as the producer wrote it, and as JavaScript read it when that differs', () => {
    const lines = ['{"type":"ping","timestamp":12345678901234567890}', '{"type":"ping","timestamp":1.50}', '{"type":"pong","timestamp":-1e3}', '{"type":"pong","timestamp":-5}', '{"type":"ping","timestamp":1e400}'];
    const ndjson = file('as-written.ndjson', `${lines.join('\n')}\n`);
    const json = file('as-written.json', `[\n${lines.join(',\n')}\n]`);
    const { stdout } = cli(['validate', ndjson, json]);
    const faults = [
      'ping /timestamp expected a number <= 8640000000000000, got 12345678901234567890 (read as 12345678901234567000)',
      'ping /timestamp expected an integer, got a number 1.50 (read as 1.5)',
      'pong /timestamp expected a number >= 0, got -1e3 (read as -1000)',
      'pong /timestamp expected a number >= 0, got -5',
      // beyond the largest double
      'ping /timestamp expected an integer, got 1e400 (read as Infinity, not a finite number)',
    ];
    expect(stdout).toBe(`${faults.map((f, i) => `${ndjson}:${i + 1}: ${f}\n`).join('')}${faults.map((f, i) => `${json}:${i + 2}: [${i}] ${f}\n`).join('')}0 valid, 10 invalid\n`);
  });

  it('cuts a long number as written at 100 characters, as it cuts long strings (a hostile tester: a million digits printed whole)', () => {
    const target = file('long-number.ndjson', `{"type":"ping","timestamp":1${'0'.repeat(150)}}\n{"type":"pong","timestamp":${'9'.repeat(20000)}}\n`);
    const { stdout } = cli(['validate', target]);
    expect(stdout).toBe(
      `${target}:1: ping /timestamp expected a number <= 8640000000000000, got 1${'0'.repeat(96)}... (read as 1e+150)\n` +
        `${target}:2: pong /timestamp expected an integer, got ${'9'.repeat(97)}... (read as Infinity, not a finite number)\n0 valid, 2 invalid\n`,
    );
    // and so in a warning (a reviewer: 100,000 zeros printed whole)
    const warned = cli(['validate', file('long-float.ndjson', `{"type":"ping","timestamp":1.${'0'.repeat(300)}}\n`)]);
    expect(warned.stdout).toBe('1 valid, 0 invalid\n');
    expect(warned.stderr).toMatch(new RegExp(`: warning: /timestamp 1\\.0{95}\\.\\.\\. is an integer written as a float: .*; write 1\n$`));
  });

  it('says that a file whose name is not UTF-8 cannot be opened by it, in a folder and on the command line, and reads the others (a hostile tester: "no such file")', (context) => {
    const folder = path.join(dir, 'latin1-names');
    mkdirSync(folder, { recursive: true });
    try {
      writeFileSync(Buffer.concat([Buffer.from(`${folder}/caf`), Buffer.from([0xe9]), Buffer.from('.json')]), '{"type":"ping","timestamp":1}');
    } catch (error) {
      // macOS (APFS) refuses such names itself: nothing to test there.
      if ((error as NodeJS.ErrnoException).code === 'EILSEQ') return context.skip('this file system refuses names that are not UTF-8');
      throw error;
    }
    writeFileSync(path.join(folder, 'ok.json'), '{"type":"ping","timestamp":1}');
    const walked = cli(['validate', folder]);
    expect(walked.code).toBe(2);
    expect(walked.stderr).toBe(`realtime-contract: cannot read "${folder}/caf\uFFFD.json": its name is not UTF-8 (shown here with U+FFFD for the bytes that are not), and cannot be opened by it: rename it to read it\n`);
    expect(walked.stdout).toBe('1 valid, 0 invalid\n');
    const named = cli(['validate', `${folder}/caf\uFFFD.json`]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('a name that is not UTF-8 arrives with U+FFFD in place of its bytes and cannot be opened: rename it to read it');
  });

  it('prints one JSON object with --format json', () => {
    const target = file('one-bad.ndjson', `${tradeLine}\n${JSON.stringify({ ...trade, ts: '2026-02-30T00:00:00Z' })}\n`);
    const { code, stdout } = cli(['validate', '--format', 'json', target]);
    expect(JSON.parse(stdout)).toEqual({
      valid: 1,
      invalid: 1,
      errors: [],
      warnings: [],
      problems: [
        {
          file: target,
          line: 2,
          type: 'trades',
          pointer: '/ts',
          keyword: 'format',
          message: 'expected an RFC 3339 date-time such as "2026-01-14T16:30:00.000Z" (strict: upper-case T and Z, second below 60, year from 0001), got "2026-02-30T00:00:00Z"; day 30 does not exist in February 2026 (28 days)',
          expected: 'an RFC 3339 date-time such as "2026-01-14T16:30:00.000Z" (strict: upper-case T and Z, second below 60, year from 0001)',
          found: '"2026-02-30T00:00:00Z"',
          hint: 'day 30 does not exist in February 2026 (28 days)',
        },
      ],
    });
    expect(code).toBe(1);
  });

  it('lists a path it cannot read under errors with --format json, as { file, message }, beside what it could read', () => {
    const good = file('json-errors/good.ndjson', `${tradeLine}\n`);
    const missing = path.join(dir, 'json-errors/gone.ndjson');
    const empty = path.join(dir, 'json-errors/empty');
    mkdirSync(empty, { recursive: true });
    const { code, stdout } = cli(['validate', '--format', 'json', missing, good, empty]);
    expect(JSON.parse(stdout)).toEqual({
      valid: 1,
      invalid: 0,
      problems: [],
      warnings: [],
      errors: [
        { file: missing, message: `cannot read "${missing}": no such file or folder` },
        { file: empty, message: `no .json, .ndjson or .jsonl files under "${empty}"` },
      ],
    });
    expect(code).toBe(2);
    // Standard input that cannot be read (open for writing only: EBADF) is named as its problems name it (a reviewer: "-").
    const writeOnly = openSync('/dev/null', 'w');
    const closed = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', '--format', 'json', '-'], { stdio: [writeOnly, 'pipe', 'pipe'], encoding: 'utf8' });
    closeSync(writeOnly);
    expect(JSON.parse(closed.stdout).errors).toEqual([{ file: '<stdin>', message: expect.stringMatching(/^cannot read standard input: /) }]);
  });

  it('reads standard input as NDJSON or as one pretty-printed document', () => {
    expect(cli(['validate', '-'], { input: `${tradeLine}\n${tradeLine}\n` })).toMatchObject({ code: 0, stdout: '2 valid, 0 invalid\n' });
    expect(cli(['validate', '-'], { input: JSON.stringify(trade, null, 2) })).toMatchObject({ code: 0, stdout: '1 valid, 0 invalid\n' });
    expect(cli(['validate', '-'], { input: '{"type":"pong"}\n' })).toMatchObject({
      code: 1,
      stdout: '<stdin>:1: pong /timestamp expected required property "timestamp", got nothing\n0 valid, 1 invalid\n',
    });
    // One document: the fault's line, and its column in that line (the position counts from the start).
    // Standard input has no name to change: the way out is --input ndjson (it was told to name it .ndjson).
    expect(cli(['validate', '--input', 'json', '-'], { input: '{"type":"ping","timestamp":1}\n{"type":"ping","timestamp":2}\n' }).stdout).toBe(
      '<stdin>:2: - (root) expected valid JSON, got "{" at column 1 (position 30) (Unexpected non-whitespace character after JSON); it holds one message per line (NDJSON): give --input ndjson\n0 valid, 1 invalid\n',
    );
    // Its last line cut short (a fresh user's file): still NDJSON, still said so.
    expect(cli(['validate', '--input', 'json', '-'], { input: '{"type":"ping","timestamp":1}\n\n{"type":"ping","timestamp":2}\n{"type":"ping","times' }).stdout).toBe(
      '<stdin>:3: - (root) expected valid JSON, got "{" at column 1 (position 31) (Unexpected non-whitespace character after JSON); it holds one message per line (NDJSON): give --input ndjson\n0 valid, 1 invalid\n',
    );
    expect(cli(['validate', '--input', 'json', '-'], { input: '[\n  {"type":"ping",, "timestamp":1}\n]' }).stdout).toBe(
      '<stdin>:2: - (root) expected valid JSON, got "," at column 18 (position 19) (Expected double-quoted property name)\n0 valid, 1 invalid\n',
    );
  });

  it.skipIf(process.platform === 'win32')('reads /dev/stdin redirected from a file as standard input, labelled /dev/stdin, with its line numbers (it was refused, and told `validate - < "/dev/stdin"`)', () => {
    const ndjson = file('through-stdin.ndjson', `${tradeLine}\n{"type":"trades"}\n{bad\n`);
    const pretty = file('through-stdin.json', JSON.stringify([trade, { ...trade, data: { ...trade.data, side: 'hold' } }], null, 2));
    const redirected = (from: string, args: string[]) => {
      const fd = openSync(from, 'r');
      try {
        const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', ...args], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
        return { code: result.status, stdout: result.stdout, stderr: result.stderr };
      } finally {
        closeSync(fd);
      }
    };
    expect(redirected(ndjson, ['/dev/stdin'])).toEqual({
      code: 1,
      stdout: '/dev/stdin:2: trades /data expected required property "data", got nothing\n/dev/stdin:3: - (root) expected valid JSON, got "b" at position 1 (Expected property name or \'}\')\n1 valid, 2 invalid\n',
      stderr: '',
    });
    // One pretty-printed document: the faulty value's line, as for the file named.
    const line = readFileSync(pretty, 'utf8').split('\n').findIndex((text) => text.includes('"hold"')) + 1;
    expect(redirected(pretty, ['/dev/stdin'])).toEqual({ code: 1, stdout: `/dev/stdin:${line}: [1] trades /data/side expected one of "buy", "sell", got "hold"\n1 valid, 1 invalid\n`, stderr: '' });
    expect(cli(['validate', pretty]).stdout).toBe(`${pretty}:${line}: [1] trades /data/side expected one of "buy", "sell", got "hold"\n1 valid, 1 invalid\n`);
    // Named too: read once.
    expect(redirected(ndjson, [ndjson, '/dev/stdin']).stdout).toBe(`${ndjson}:2: trades /data expected required property "data", got nothing\n${ndjson}:3: - (root) expected valid JSON, got "b" at position 1 (Expected property name or '}')\n1 valid, 2 invalid\n`);
    // The way out said to /dev/stdin, piped or redirected, is --input: it has no name to change (it was told "name it .json").
    expect(cli(['validate', '--input', 'ndjson', '/dev/stdin'], { input: readFileSync(pretty) }).stdout).toMatch(/^\/dev\/stdin:1: - \(root\) expected one message per line \(NDJSON\), got a pretty-printed JSON document \(\d+ lines, the first a lone "\["\); give --input json\n/);
    expect(redirected(ndjson, ['--input', 'json', '/dev/stdin']).stdout).toMatch(/^\/dev\/stdin:2: - \(root\) expected valid JSON, .*; it holds one message per line \(NDJSON\): give --input ndjson\n/);
  });

  it('gives JSON nested 1,000 levels deep (the limit) a clear result, and refuses 10,000 levels unparsed', () => {
    // The root object is level 1: 999 arrays in `data` make 1,000 levels.
    const atLimit = `${'['.repeat(999)}1${']'.repeat(999)}`;
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    const target = file('deep.json', `{"type":"trades","data":${atLimit},"ts":"2026-01-14T16:30:00.000Z"}`);
    const deepLine = file('deep.ndjson', `{"type":"trades","data":${atLimit},"ts":"2026-01-14T16:30:00.000Z"}\n${'['.repeat(10_000)}\n{"type":"trades","data":${deep},"ts":"2026-01-14T16:30:00.000Z"}\n`);
    const { stdout } = cli(['validate', target, deepLine]);
    const limit = 'expected at most 1000 levels of nesting (the most the CLI reads; the contract sets no limit), got "[" opening level 1001';
    expect(stdout).toBe(
      `${target}:1: trades /data expected an object, got an array of 1 item\n` +
        `${deepLine}:1: trades /data expected an object, got an array of 1 item\n` +
        `${deepLine}:2: - (root) ${limit} at position 1000\n` +
        `${deepLine}:3: - (root) ${limit} at position ${'{"type":"trades","data":'.length + 999}\n` +
        '0 valid, 4 invalid\n',
    );
  });

  it('validates 100,000 messages in one .json array and one NDJSON file', () => {
    const lines = Array.from({ length: 100_000 }, (_, index) => JSON.stringify({ ...trade, data: { ...trade.data, id: `trade_${index}` } }));
    const ndjson = file('many.ndjson', `${lines.join('\n')}\n`);
    const json = file('many.json', `[${lines.join(',\n')}]`);
    const { code, stdout } = cli(['validate', ndjson, json]);
    expect(stdout).toBe('200000 valid, 0 invalid\n');
    expect(code).toBe(0);
  });

  it('streams a 100 MB NDJSON file, and the same piped to standard input, in bounded memory (64 MB heap)', async () => {
    const target = path.join(dir, 'large.ndjson');
    const out = createWriteStream(target);
    const chunk = `${Array.from({ length: 1000 }, () => tradeLine).join('\n')}\n`;
    let written = 0;
    while (written < 100 * 1024 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      written += Buffer.byteLength(chunk);
    }
    out.write('{"type":"trades"}\n');
    out.end();
    await once(out, 'finish');
    const messages = (written / Buffer.byteLength(chunk)) * 1000;
    const { code, stdout, stderr } = cli(['validate', target], { heapMb: 64 });
    expect(stderr).toBe('');
    expect(stdout).toBe(`${target}:${messages + 1}: trades /data expected required property "data", got nothing\n${messages} valid, 1 invalid\n`);
    expect(code).toBe(1);
    // The same through a pipe with the default --input auto: its first line is a whole object,
    // so it is streamed as NDJSON, not read whole (that took 775 MB for 233 MB).
    const piped = spawnSync('bash', ['-c', 'cat "$1" | "$2" --import tsx --max-old-space-size=64 "$3" validate -', 'piped', target, process.execPath, CLI], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toBe(`<stdin>:${messages + 1}: trades /data expected required property "data", got nothing\n${messages} valid, 1 invalid\n`);
    expect(piped.status).toBe(1);
  }, 180_000);

  describe('worker threads (--jobs): the same output as one thread', () => {
    /** Lines of every kind the workers must judge as the serial path does, cut anywhere into blocks. */
    const lines = [
      `\ufeff${tradeLine}`,
      '',
      '{"type":"ping","timestamp":1.0}',
      'not json\r',
      '{"type":"pong","timestamp":2,"timestamp":3}',
      '{"type":"trades","data":{},"ts":"x","extra":1}',
      '   ',
      JSON.stringify({ ...trade, data: { ...trade.data, side: 'hold' } }),
      JSON.stringify({ ...trade, unexpected: true }),
      '{"type":"ping","timestamp":-1}',
      '[]',
      'null',
      tradeLine,
    ];
    const text = lines.join('\n');
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0x0a, 0xff, 0xfe, 0x20, 0x0a]), Buffer.from(`${text}\n`), Buffer.from(tradeLine)]);

    async function run(target: string, options: Partial<ValidateCommandOptions>) {
      let stdout = '';
      let stderr = '';
      const output = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), stdin: () => process.stdin };
      const code = await runValidate([target], { mode: 'strict', format: 'text', ...options }, output);
      return { code, stdout, stderr };
    }

    it.each([
      { mode: 'strict', format: 'text' },
      { mode: 'tolerant', format: 'text' },
      { mode: 'strict', format: 'json' },
      { mode: 'tolerant', format: 'json' },
      { mode: 'strict', format: 'text', allErrors: true },
    ] as const)('$mode, $format, allErrors $allErrors: every block size, 1 to 3 workers', async (options) => {
      const target = file(`jobs-${options.mode}-${options.format}-${String(options.allErrors)}.ndjson`, bytes);
      const serial = await run(target, { ...options, jobs: 1 });
      expect(serial.stdout + serial.stderr).toContain(options.mode === 'strict' ? 'RFC 7493' : 'accepted in tolerant mode');
      if (options.format === 'json' && options.mode === 'tolerant') expect(JSON.parse(serial.stdout).warnings).toContainEqual(expect.objectContaining({ message: expect.stringContaining('accepted in tolerant mode') }));
      expect(serial.stdout).toContain('byte offset');
      for (const blockBytes of [1, 7, 100, 4096]) {
        for (const jobs of [2, 3]) expect(await run(target, { ...options, jobs, blockBytes, parallelFrom: 0 })).toEqual(serial);
      }
    }, 60_000);

    it('an empty, a blank and a binary file, and a folder of files, as one thread says', async () => {
      const targets = [file('jobs/empty.ndjson', ''), file('jobs/blank.ndjson', '\n \n\n'), file('jobs/binary.ndjson', Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a])), file('jobs/more/some.jsonl', bytes)];
      for (const target of [...targets, path.dirname(targets[0]!)]) {
        const serial = await run(target, { jobs: 1 });
        expect(await run(target, { jobs: 2, blockBytes: 5, parallelFrom: 0 })).toEqual(serial);
      }
    }, 60_000);

    it('a pretty-printed document, or NDJSON whose line 1 is a lone brace, as one thread says (workers said 1,200,002 errors of a 14 MB document: a hostile tester)', async () => {
      const pretty = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ type: 'ping', timestamp: i })), null, 2);
      const targets = [file('jobs/pretty.ndjson', `${pretty}\n`), file('jobs/object.ndjson', `${JSON.stringify(JSON.parse(tradeLine), null, 2)}\n`), file('jobs/brace.ndjson', `{\n${tradeLine}\n{"type":"ping","timestamp":-1}\n`)];
      for (const target of targets) {
        const serial = await run(target, { jobs: 1 });
        expect(await run(target, { jobs: 2, blockBytes: 5, parallelFrom: 0 })).toEqual(serial);
      }
      expect((await run(targets[0]!, { jobs: 2, parallelFrom: 0 })).stdout).toMatch(/expected one message per line \(NDJSON\), got a pretty-printed JSON document \(202 lines, the first a lone "\["\).*\n0 valid, 1 invalid\n$/);
      expect((await run(targets[2]!, { jobs: 2, parallelFrom: 0 })).stdout).toMatch(/\n1 valid, 2 invalid\n$/);
    }, 60_000);

    it("a folder's large .jsonl goes by its extension whatever --input says, as its small one does, with a found file's way out (the workers left it to be read as if named: a tester)", async () => {
      const pretty = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ type: 'ping', timestamp: i })), null, 2);
      const folder = path.dirname(file('jobs-found/pretty.jsonl', `${pretty}\n`));
      const serial = await run(folder, { jobs: 1, input: 'json' });
      expect(serial.stdout).toMatch(/or name the file itself: validate --input json \S*pretty\.jsonl\n/);
      expect(serial.stdout).toMatch(/\n0 valid, 1 invalid\n$/);
      expect(await run(folder, { jobs: 2, blockBytes: 5, parallelFrom: 0, input: 'json' })).toEqual(serial);
    }, 60_000);

    it('a line too long to hold, ending in CRLF, has the size one thread gives it, whatever the block size', async () => {
      const target = path.join(dir, 'jobs-giant-crlf.ndjson');
      const out = createWriteStream(target);
      out.write('{"type":"ping","timestamp":1}\n');
      const block = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 257; i++) if (!out.write(block)) await once(out, 'drain');
      out.write('\r\n{"type":"ping","timestamp":2}\n');
      out.end();
      await once(out, 'finish');
      const serial = await run(target, { jobs: 1 });
      // 257 MiB and its CR.
      expect(serial.stdout).toBe(`${target}:2: - (root) expected a line of at most 256 MiB, got one of ${257 * 1024 * 1024 + 1} bytes\n2 valid, 1 invalid\n`);
      for (const blockBytes of [65536, 4 * 1024 * 1024]) expect(await run(target, { jobs: 2, blockBytes, parallelFrom: 0 })).toEqual(serial);
    }, 120_000);

    it('a worker that stops is a fault naming the file and the line reached, and the pool is no longer used', async () => {
      const target = file('jobs-stopped.ndjson', bytes);
      const pool = new ParallelValidation({ jobs: 2, mode: 'strict', warn: true, allErrors: false, blockBytes: 64 });
      const faults: string[] = [];
      const findings = { accepted: () => {}, rejected: () => {}, warning: () => {}, flush: () => {}, fault: (reason: string) => faults.push(reason) };
      try {
        const [first] = (pool as unknown as { start(): { worker: { terminate(): Promise<number> } }[] }).start();
        await first!.worker.terminate();
        await pool.validateFile(target, findings, () => {});
        expect(faults).toHaveLength(1);
        expect(faults[0]).toMatch(/^stopped validating ".*jobs-stopped\.ndjson" at line 1 \(a validation worker stopped \(exit code \d+\)\); run with --jobs 1$/);
        expect(pool.usable).toBe(false);
      } finally {
        await pool.close();
      }
    });

    it('by default, one worker per CPU Node may use, at most 4', async () => {
      expect(defaultJobs()).toBe(Math.min(availableParallelism(), 4));
      // The CPUs as node:os reports them, on machines of every size.
      const cpus = vi.fn(() => 1);
      vi.doMock('node:os', async (original) => ({ ...(await original<typeof import('node:os')>()), availableParallelism: cpus }));
      try {
        vi.resetModules();
        const { defaultJobs: jobsFor } = await import('../../src/cli/parallel.js');
        const picked = [1, 2, 3, 4, 5, 8, 64].map((count) => {
          cpus.mockReturnValue(count);
          return jobsFor();
        });
        expect(picked).toEqual([1, 2, 3, 4, 4, 4, 4]);
      } finally {
        vi.doUnmock('node:os');
        vi.resetModules();
      }
    });

    it('takes --jobs 16, the most README and --help allow and the worker pool\'s MAX_JOBS (tBY F1: refusing it failed no test)', () => {
      // README: "16 at most"; --help: "1 to 16"; the worker pool's own bound, MAX_JOBS, is the same.
      expect(MAX_JOBS).toBe(16);
      expect(readFileSync('README.md', 'utf8')).toContain('(default: one per CPU, at most 4; 16 at most)');
      expect(cli(['validate', '--help']).stdout).toMatch(/--jobs <n>\s+worker threads for NDJSON files of 8 MiB or more, 1 to 16\b/);
      const { code, stdout, stderr } = cli(['validate', '--jobs', String(MAX_JOBS), 'test/fixtures/valid']);
      expect(stderr).toBe('');
      expect(stdout).toBe(`${readFixtureMessages('valid').length} valid, 0 invalid\n`);
      expect(code).toBe(0);
    });

    it('the CLI hands an NDJSON file of 8 MiB or more to its workers, with the output of --jobs 1', () => {
      const target = path.join(dir, 'jobs-large.ndjson');
      const block = `${Array.from({ length: 1000 }, () => tradeLine).join('\n')}\n`;
      const copies = Math.ceil((8.5 * 1024 * 1024) / Buffer.byteLength(block));
      writeFileSync(target, `${Array.from({ length: copies }, (_, i) => (i === copies - 2 ? `${text}\n${block}` : block)).join('')}{"type":"trades"}\n`);
      const serial = cli(['validate', '--jobs', '1', target]);
      expect(serial.stdout).toMatch(/trades \/data expected required property "data", got nothing\n\d+ valid, \d+ invalid\n$/);
      expect(cli(['validate', '--jobs', '2', target])).toEqual(serial);
      expect(cli(['validate', '--jobs', '0', target]).stderr).toContain('expected an integer from 1 to 16');
      expect(cli(['validate', '--jobs', '17', target]).stderr).toContain('expected an integer from 1 to 16');
    }, 60_000);
  });
});

describe('validate waits for a slow reader of its output (found by a fresh user)', () => {
  // Before, `validate big.ndjson | slow-consumer` held every line of output it had written and
  // the reader had not taken: 1.7 GB for 2,000,000 rejected lines.
  it.each([1, 2])('--jobs %i: writes nothing more while the output has not drained, then finishes', async (jobs) => {
    const lines = `${'{"type":"ping","timestamp":-1}\n'.repeat(300_000)}`;
    const target = file(`slow-reader-${jobs}.ndjson`, lines);
    let written = 0;
    let release: (() => void) | undefined;
    const output = {
      stdout: (text: string) => void (written += text.length),
      stderr: () => undefined,
      stdin: () => process.stdin,
      // The reader is slow until released: once something is written, the output waits.
      drained: () => (release === null || written === 0 ? undefined : new Promise<void>((resolve) => (release = resolve))),
    };
    const run = runValidate([target], { mode: 'strict', format: 'json', jobs, parallelFrom: 1 }, output);
    // Until the first output (worker threads take a while to start on a busy machine), then a while more.
    for (let waited = 0; release === undefined && waited < 60_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const held = written;
    // Some output, not all of it (the whole is about 50 MB).
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(10_000_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(written).toBe(held);
    const waiting = release!;
    release = null as unknown as undefined;
    waiting();
    expect(await run).toBe(1);
    expect(written).toBeGreaterThan(40_000_000);
  }, 120_000);
});

describe('validate: files whose name starts with "." in a folder', () => {
  it('are left alone in a folder walk (macOS ._x.json, an Emacs lock .#x.json), and read when named (a tester)', () => {
    const folder = path.join(dir, 'dotfiles');
    file('dotfiles/trade.json', tradeLine);
    file('dotfiles/._trade.json', Buffer.from('\u0000\u0005\u0016\u0007\u0000\u0002\u0000\u0000Mac OS X        ', 'latin1'));
    symlinkSync('user@host.12345:1733390000', path.join(folder, '.#trade.json'));
    expect(cli(['validate', folder])).toMatchObject({ code: 0, stderr: '', stdout: '1 valid, 0 invalid\n' });
    const named = cli(['validate', path.join(folder, '._trade.json')]);
    expect(named.code).toBe(1);
    expect(named.stdout).toContain('binary file');
  });
});

describe('validate: folders whose name starts with "." in a folder', () => {
  it('are left alone in a folder walk (an editor\'s .vscode/, .git/), as generate and diff leave them, and read when named (a tester: their JSON was validated as messages)', () => {
    const folder = path.join(dir, 'dotfolders');
    file('dotfolders/trade.json', tradeLine);
    file('dotfolders/.vscode/settings.json', '{"editor.tabSize": 2}\n');
    file('dotfolders/.git/info.json', '{}\n');
    expect(cli(['validate', folder])).toMatchObject({ code: 0, stderr: '', stdout: '1 valid, 0 invalid\n' });
    const named = cli(['validate', path.join(folder, '.vscode')]);
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(/\.vscode\/settings\.json:1: .*\n0 valid, 1 invalid\n$/);
  });

  it('says a folder holding only files whose names start with "." skips them, and how to read them (it said there were none: a tester)', () => {
    const one = path.join(dir, 'only-dotfile');
    file('only-dotfile/.trades.json', tradeLine);
    expect(cli(['validate', one])).toMatchObject({ code: 2, stdout: '0 valid, 0 invalid\n', stderr: `realtime-contract: no .json, .ndjson or .jsonl files under "${one}": 1 file whose name starts with "." is skipped (${one}/.trades.json): name it to read it\n` });
    file('only-dotfile/.more.ndjson', `${tradeLine}\n`);
    expect(cli(['validate', one]).stderr).toBe(`realtime-contract: no .json, .ndjson or .jsonl files under "${one}": 2 files whose names start with "." are skipped (${one}/.more.ndjson, …): name them to read them\n`);
    expect(cli(['validate', path.join(one, '.trades.json'), path.join(one, '.more.ndjson')])).toMatchObject({ code: 0, stdout: '2 valid, 0 invalid\n' });
  });
});

describe('validate: standard input named as - and as /dev/stdin', () => {
  it.skipIf(process.platform === 'win32')('follows one rule whatever the order: redirected from a file, read once; piped, refused naming both forms (a tester)', () => {
    const bad = file('stdin-order.json', JSON.stringify({ ...trade, data: { ...trade.data, side: 'hold' } }));
    const redirected = (args: string[]) => {
      const fd = openSync(bad, 'r');
      try {
        const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', ...args], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
        return { code: result.status, stdout: result.stdout, stderr: result.stderr };
      } finally {
        closeSync(fd);
      }
    };
    const once = redirected(['-', '/dev/stdin']);
    expect(once).toMatchObject({ code: 1, stderr: '' });
    expect(once.stdout).toMatch(/0 valid, 1 invalid\n$/);
    expect(redirected(['/dev/stdin', '-'])).toMatchObject({ code: 1, stderr: '', stdout: once.stdout.replace(/^<stdin>/, '/dev/stdin') });
    expect(cli(['validate', '-', '/dev/stdin'], { input: tradeLine })).toMatchObject({ code: 2, stdout: '1 valid, 0 invalid\n', stderr: 'realtime-contract: standard input can be named only once: it was named -, then /dev/stdin\n' });
    expect(cli(['validate', '/dev/stdin', '-'], { input: tradeLine })).toMatchObject({ code: 2, stdout: '1 valid, 0 invalid\n', stderr: 'realtime-contract: standard input can be named only once: it was named /dev/stdin, then -\n' });
  });
});

describe('validate: a folder with nothing it can read', () => {
  it('is reported once, by what is wrong under it, not again as holding no message files; a socket is said to be one, with no advice to name it (a tester)', async () => {
    const { createServer } = await import('node:net');
    const folder = path.join(dir, 'only-socket');
    mkdirSync(folder);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(folder, 's.json'), resolve));
    try {
      const result = cli(['validate', '--format', 'json', folder]);
      expect(result.code).toBe(2);
      const errors = (JSON.parse(result.stdout) as { errors: { file: string }[] }).errors;
      expect(errors.map((error) => error.file)).toEqual([path.join(folder, 's.json')]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // The socket alone, in a folder and named (tAD F6).
    const mix = path.join(dir, 'mix');
    mkdirSync(mix);
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(path.join(mix, 's.json'), resolve));
    try {
      expect(cli(['validate', mix])).toMatchObject({ code: 2, stderr: `realtime-contract: cannot read "${mix}/s.json": a socket, which cannot be read as a file\n` });
      expect(cli(['validate', path.join(mix, 's.json')])).toMatchObject({ code: 2, stderr: `realtime-contract: cannot read "${mix}/s.json": a socket, which cannot be read as a file\n` });
    } finally {
      await new Promise((resolve) => socket.close(resolve));
    }
    // An empty folder is still said to hold none.
    mkdirSync(path.join(dir, 'empty-folder'));
    expect(cli(['validate', path.join(dir, 'empty-folder')]).stderr).toBe(`realtime-contract: no .json, .ndjson or .jsonl files under "${path.join(dir, 'empty-folder')}"\n`);
  });
});

describe('validate --format json to a pipe whose reader is slow, with many warnings (a tester: out of heap, its JSON cut)', () => {
  // Warnings past the 10,000 held wait in a temporary file; finish copied it to stdout in one
  // synchronous loop, which to a pipe queued the whole spill in memory: with a 96 MB heap, a
  // fatal "heap out of memory" and JSON cut after some 200 KB. Each ping's timestamp is written
  // as a float (a Python producer's time.time() * 1000): valid, with one warning each.
  it.skipIf(process.platform === 'win32')('waits for the reader between chunks: exit 0 and the whole object, in a small heap', async () => {
    let pings = '';
    for (let i = 0; i < 10_000; i++) pings += `{"type":"ping","timestamp":${1705251000000 + i}.0}\n`;
    const target = path.join(dir, 'float-pings.ndjson');
    const fd = openSync(target, 'w');
    for (let i = 0; i < 25; i++) writeFileSync(fd, pings);
    closeSync(fd);
    const child = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=96', CLI, 'validate', '--format', 'json', '--jobs', '1', target], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // A slow reader: a pause after each chunk it takes.
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 2);
    });
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    expect(stderr).not.toContain('heap out of memory');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { warnings: { line: number }[]; valid: number; invalid: number };
    expect(report).toMatchObject({ valid: 250_000, invalid: 0 });
    expect(report.warnings).toHaveLength(250_000);
    expect(report.warnings[249_999]!.line).toBe(250_000);
  }, 300_000);
});

describe('validate: the file that is its own standard output', () => {
  // `validate --format json . > report.json` in a CI job's root found the report it was writing,
  // read it half-written and failed a valid tree (exit 1: "report.json:1 expected at least one
  // message, got an empty file", or a cut JSON text in a large tree: a tester).
  it.skipIf(process.platform === 'win32')('is skipped and named on stderr, in a folder walk and when named; the verdict is the tree\'s', () => {
    const folder = path.join(dir, 'own-report');
    file('own-report/trade.json', tradeLine);
    file('own-report/nested/more.ndjson', `${tradeLine}\n${tradeLine}\n`);
    for (const [report, args] of [['report.json', ['.']], ['nested/zz-report.ndjson', ['.']], ['named.json', ['trade.json', 'named.json']]] as const) {
      const fd = openSync(path.join(folder, report), 'w');
      const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, 'validate', '--format', 'json', ...args], { cwd: folder, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      closeSync(fd);
      expect(result.stderr).toBe(`realtime-contract: warning: "${report}" is skipped: it is this command's standard output (the report being written), not a message file\n`);
      expect(result.status).toBe(0);
      const json = JSON.parse(readFileSync(path.join(folder, report), 'utf8')) as { valid: number; problems: unknown[] };
      expect(json).toMatchObject({ valid: args[0] === '.' ? 3 : 1, invalid: 0, problems: [], errors: [] });
      rmSync(path.join(folder, report));
    }
  }, 60_000);
});

describe('the argument parser\'s errors: an option\'s value with a control character', () => {
  // A CI script saved with CRLF line ends passes `json\r` as the last word of a line: the raw
  // carriage return hid itself, `argument 'json' is invalid. Allowed choices are text, json.` (a tester).
  it('is shown escaped, as paths are, for a choice and for a parsed value, in every command', () => {
    const run = (args: string[]) => {
      const result = cli(args);
      expect(result.code).toBe(2);
      return result.stderr.split('\n')[0];
    };
    expect(run(['validate', 'test/fixtures/valid', '--format', 'json\r'])).toBe("error: option '--format <format>' argument 'json\\r' is invalid. Allowed choices are text, json.");
    expect(run(['validate', 'test/fixtures/valid', '--mode', 'strict\r'])).toBe("error: option '--mode <mode>' argument 'strict\\r' is invalid. Allowed choices are strict, tolerant.");
    expect(run(['validate', 'test/fixtures/valid', '--jobs', '2\r'])).toBe("error: option '--jobs <n>' argument '2\\r' is invalid. expected an integer from 1 to 16");
    expect(run(['diff', 'test/diff/v1.0', '--fail-on', 'strict\u001b[2K'])).toBe("error: option '--fail-on <level>' argument 'strict\\u001b[2K' is invalid. Allowed choices are breaking, strict, compatible, major, never.");
    // The hint validate adds stays on its own line.
    expect(cli(['validate']).stderr).toBe("error: missing required argument 'paths'\n(- reads standard input: cat messages.ndjson | realtime-contract validate -)\n(run with --help for usage)\n");
  });

  it('names every wrong option value of a run, a line each, not the first alone (a fault each run: tBT F3)', () => {
    const validate = cli(['validate', '--mode', 'lax', '--jobs', '0', '--input', 'xml', 'test/fixtures/valid']);
    expect(validate.code).toBe(2);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toBe(
      [
        "error: option '--mode <mode>' argument 'lax' is invalid. Allowed choices are strict, tolerant.",
        "error: option '--jobs <n>' argument '0' is invalid. expected an integer from 1 to 16",
        "error: option '--input <format>' argument 'xml' is invalid. Allowed choices are auto, json, ndjson.",
        '(run with --help for usage)',
        '',
      ].join('\n'),
    );
    // listen's, before it connects to anything (no server on that port).
    const listen = cli(['listen', 'ws://127.0.0.1:9/api/ws', '--ping-interval', '30', '--duration', '5000', '--tolerance', '9']);
    expect(listen.code).toBe(2);
    expect(listen.stderr.split('\n').map((line) => /^error: option '(--[a-z-]+)/.exec(line)?.[1]).filter(Boolean)).toEqual(['--ping-interval', '--duration', '--tolerance']);
  });
});

describe('validate: a name not found that is a Windows path or a glob no shell expanded', () => {
  // `diff` and `generate` said "looks like a Windows path"; validate, the CI command, said only
  // "no such file or folder" (a tester): an npm script on Windows runs under cmd.exe, which
  // expands no `*`, and a quoted pattern in a CI file is not expanded either.
  it('says which it looks like and the way out, exit 2; a plain name not found is said as before', () => {
    const said = (given: string) => {
      const result = cli(['validate', given]);
      expect(result.code).toBe(2);
      return result.stderr;
    };
    const glob = 'it is a glob pattern, which the CLI does not expand and the shell did not (it was quoted, or the shell expands none, as cmd.exe): name the folder instead (folders are read recursively), or let the shell expand it';
    expect(said('test/fixtures/valid/**/*.json')).toBe(`realtime-contract: cannot read "test/fixtures/valid/**/*.json": no such file or folder; ${glob}\n`);
    expect(said('test/fixtures/valid/spec/{trades,bots}.json')).toBe(`realtime-contract: cannot read "test/fixtures/valid/spec/{trades,bots}.json": no such file or folder; ${glob}\n`);
    expect(said('test/fixtures/valid/spec/trade?.json')).toContain(glob);
    // Quoted as a name is (tBU F1): a backslash in it doubled, so it cannot read as another name's escape.
    expect(said('test\\fixtures\\valid\\spec\\trades.json')).toBe('realtime-contract: cannot read "test\\\\fixtures\\\\valid\\\\spec\\\\trades.json": no such file or folder; it looks like a Windows path: folders are separated by / here (test/fixtures/valid/spec/trades.json)\n');
    expect(said('C:\\Users\\me\\repo\\test\\fixtures\\valid')).toBe('realtime-contract: cannot read "C:\\\\Users\\\\me\\\\repo\\\\test\\\\fixtures\\\\valid": no such file or folder; it looks like a Windows path: name the file or folder as this system sees it (on WSL, /mnt/c/Users/me/repo/test/fixtures/valid)\n');
    expect(said('test/fixtures/valid/no-such.json')).toBe('realtime-contract: cannot read "test/fixtures/valid/no-such.json": no such file or folder\n');
    // A file whose name holds such a character is read as any other.
    file('glob-named/[1].json', tradeLine);
    expect(cli(['validate', path.join(dir, 'glob-named/[1].json')])).toMatchObject({ code: 0, stdout: '1 valid, 0 invalid\n' });
  });
});

describe('validate: NDJSON in a .json file past 256 MiB', () => {
  // A small one is told it is NDJSON and how to read it; one past the limit of a document was
  // told its size alone, though --input ndjson (or its name) reads it (a tester).
  it('is told it holds one message per line, with the way out, beside its size (exit 1)', () => {
    const target = path.join(dir, 'big-export.json');
    const lines = `${tradeLine}\n`.repeat(20_000);
    const fd = openSync(target, 'w');
    for (let written = 0; written <= 256 * 1024 * 1024; written += Buffer.byteLength(lines)) writeFileSync(fd, lines);
    closeSync(fd);
    try {
      const result = cli(['validate', target]);
      expect(result.stdout).toBe(`${target}:1: - (root) expected one JSON document of at most 256 MiB, got more than 256 MiB; it holds one message per line (NDJSON): such a file is read line by line when named .ndjson or .jsonl, or with --input ndjson\n0 valid, 1 invalid\n`);
      expect(result.code).toBe(1);
    } finally {
      rmSync(target, { force: true });
    }
  }, 180_000);

  it('is told so from its first lines only: a pretty-printed document too long is told its size alone', async () => {
    const { readSources } = await import('../../src/cli/sources/index.js');
    const read = async (name: string, text: string) => {
      const entries = [];
      for await (const entry of readSources([file(name, text)], { input: 'auto', duplicateKeys: true, stdin: () => process.stdin, maxDocumentBytes: 64 * 1024 })) entries.push(entry);
      return entries.map((entry) => (entry.kind === 'syntax' ? entry.error.message : entry.kind));
    };
    const expected = 'expected one JSON document of at most 64 KiB, got more than 64 KiB';
    expect(await read('lines.json', `${tradeLine}\n`.repeat(1000))).toEqual([`${expected}; it holds one message per line (NDJSON): such a file is read line by line when named .ndjson or .jsonl, or with --input ndjson`]);
    expect(await read('pretty.json', JSON.stringify(Array.from({ length: 300 }, () => trade), null, 2))).toEqual([expected]);
  });

  // A folder's files go by their extensions whatever --input says: "or with --input ndjson" did
  // nothing for them, and was said again when given (a tester).
  it('in a folder, is told to rename it or name it itself with --input, under --input ndjson too', async () => {
    const { readSources } = await import('../../src/cli/sources/index.js');
    const folder = path.join(dir, 'found-in-folder');
    mkdirSync(folder);
    const big = path.join(folder, 'big.json');
    const small = path.join(folder, 'small.json');
    const pretty = path.join(folder, 'pretty.jsonl');
    writeFileSync(big, `${tradeLine}\n`.repeat(1000));
    writeFileSync(small, `${tradeLine}\n${tradeLine}\n`);
    writeFileSync(pretty, '{\n  "type": "ping",\n  "timestamp": 1\n}\n');
    // Quoted for a shell as the other hints' paths are: in double quotes, `$USD` was expanded (a tester).
    const dollar = path.join(folder, 'prices $USD.json');
    writeFileSync(dollar, `${tradeLine}\n${tradeLine}\n`);
    for (const input of ['auto', 'ndjson'] as const) {
      const hints = new Map<string, string | undefined>();
      for await (const entry of readSources([folder], { input, duplicateKeys: true, stdin: () => process.stdin, maxDocumentBytes: 64 * 1024 })) {
        if (entry.kind === 'syntax') hints.set(entry.file, entry.error.message.slice(entry.error.message.indexOf('; ') + 2));
      }
      const ndjson = (file: string) => `it holds one message per line (NDJSON): such a file is read line by line when named .ndjson or .jsonl (a folder's files go by their names, whatever --input says), or name the file itself: validate --input ndjson ${shellWord(file)}`;
      expect(hints.get(big)).toBe(ndjson(big));
      expect(hints.get(small)).toBe(ndjson(small));
      expect(hints.get(dollar)).toMatch(/validate --input ndjson '\/\S*\/prices \$USD\.json'$/);
      expect(hints.get(pretty)).toMatch(/^name it \.json \(a folder's files go by their names, whatever --input says\), or name the file itself: validate --input json \S*pretty\.jsonl$/);
    }
  });
});
