/**
 * The memory of one NDJSON line of many keys. A fresh tester's line of 1,000,000 unknown keys
 * (17 MB) took `validate` 706 MB, and one of 10,000,000 (188 MB, under the 256 MiB line limit)
 * ran out of memory without a word, hiding the bad line after it: to show the first unknown key's
 * `0` as written, the line's jsonc-parser syntax tree was built, about 0.4 KB a key. The numbers
 * at fault are now found in one pass that keeps no tree, so a line costs about what `JSON.parse`
 * makes of it. The CLI in a child process with a small heap, on one thread and on the workers;
 * and the walk for lone surrogates (strict mode, a line that writes an escape), which held every
 * key with its pointer at once; and the limit on the keys of a line (MAX_LINE_KEYS), past which
 * `JSON.parse` itself runs away (one object of 8,500,000 keys did not end in 150 s).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_KEYS } from '../../src/cli/sources/index.js';
import { scanJsonText } from '../../src/languages/json-scan.js';

const CLI = path.resolve('src/cli/main.ts');
const KEYS = 200_000;
/** A ping of `keys` unknown keys `k0`, `k1`, … (key `kN` holds N). */
const ping = (keys: number) => `{"type":"ping","timestamp":1705251000000${Array.from({ length: keys }, (_, i) => `,"k${i}":${i}`).join('')}}`;
/** A ping of {@link KEYS} unknown keys. */
const manyKeys = ping(KEYS);
const BAD = '{"type":"ping","timestamp":"x"}';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in a child process with a heap of at most `heapMb` MB (each worker's too). */
function cli(args: string[], heapMb: number) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `--max-old-space-size=${heapMb}`, CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('findLoneSurrogates of a message of many keys', () => {
  it('walks 1,000,000 keys in a 128 MB heap, and finds the one lone surrogate after them (it pushed every key with its pointer: 0.15 KB a key, out of memory in 160 MB)', { timeout: 120_000 }, () => {
    // What `validate` reads of a line with an escape (`\\u`) in it, in strict mode.
    const script = path.join(dir, 'lone.ts');
    const module = JSON.stringify(path.resolve('src/runtime/lone-surrogates.ts'));
    writeFileSync(
      script,
      `import { findLoneSurrogates } from ${module};
const value = {};
for (let i = 0; i < 1_000_000; i++) value['k' + i] = i;
value['\\ud800'] = [1, { s: 'a\\udc00' }];
console.log(JSON.stringify(findLoneSurrogates(value)));
`,
    );
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=128', script], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([
      { pointer: '/\ud800', key: true, text: '\ud800' },
      { pointer: '/\ud800/1/s', key: false, text: 'a\udc00' },
    ]);
  });
});

describe('validate: a line of many keys', () => {
  // The tree of this line alone took about 80 MB: each run below died out of memory in 64 MB
  // (with --all-errors, in 96 MB too: it needed 128 MB).
  it(`checks a line of ${KEYS} unknown keys in a 64 MB heap, the line after it reported, --all-errors naming 100 and counting the rest`, { timeout: 300_000 }, () => {
    const target = path.join(dir, 'many-keys.ndjson');
    writeFileSync(target, `${manyKeys}\n${BAD}\n`);
    const first = `${target}:1: ping /k0 expected no property "k0" (unknown to the schema), got 0`;
    const second = `${target}:2: ping /timestamp expected an integer, got a string "x"`;
    for (const jobs of ['1', '2']) {
      const { code, stdout, stderr } = cli(['validate', '--jobs', jobs, target], 64);
      expect(stderr).toBe('');
      expect(stdout).toBe(`${first}\n${second}\n0 valid, 2 invalid\n`);
      expect(code).toBe(1);
    }
    const every = cli(['validate', '--all-errors', target], 64);
    expect(every.stderr).toBe('');
    const lines = every.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(103);
    expect(lines[0]).toBe(first);
    expect(lines[99]).toBe(`${target}:1: ping /k99 expected no property "k99" (unknown to the schema), got 99`);
    expect(lines[100]).toBe(`${target}:1: ping (root) expected no property unknown to the schema, got ${KEYS - 100} more unknown properties, not listed (--all-errors names 100 per object)`);
    expect(lines.slice(101)).toEqual([second, '0 valid, 2 invalid']);
    expect(every.code).toBe(1);
  });

  it('checks it on the worker threads too (a file of 8 MiB or more), each worker in a 64 MB heap', { timeout: 300_000 }, () => {
    // 160,000 valid pings (7 MB) before it: the file passes 8 MiB, the workers read it.
    const ping = '{"type":"ping","timestamp":1705251000000}';
    const target = path.join(dir, 'many-keys-large.ndjson');
    writeFileSync(target, `${`${ping}\n`.repeat(160_000)}${manyKeys}\n${BAD}\n`);
    const { code, stdout, stderr } = cli(['validate', '--jobs', '2', target], 64);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${target}:160001: ping /k0 expected no property "k0" (unknown to the schema), got 0\n${target}:160002: ping /timestamp expected an integer, got a string "x"\n160000 valid, 2 invalid\n`);
    expect(code).toBe(1);
  });
});

describe('validate: a line of more keys than the limit', () => {
  it('scanJsonText with a maxKeys stops at the key past it, in any object, a string that is no key not counted', () => {
    expect(scanJsonText('{"a":{"b":"c"},"d":["e"]}', undefined, undefined, undefined, 3)).toMatchObject({ keys: 3, keysAt: undefined });
    expect(scanJsonText('{"a":{"b":"c"},"d":["e"],"f":1}', undefined, undefined, undefined, 3)).toMatchObject({ keys: 3, keysAt: 25 });
  });

  // JSON.parse alone of one object of 8,500,000 keys did not end in 150 s: a fresh tester's line
  // of 10,000,000 (188 MB) printed nothing in 500 s, and the bad line after it was never reported.
  it(`is refused at the key past ${MAX_LINE_KEYS}, before any parse, on one thread and on the workers; the line at the limit and the other lines are validated`, { timeout: 300_000 }, () => {
    // The type and the timestamp are keys too.
    const atLimit = ping(MAX_LINE_KEYS - 2);
    const over = ping(MAX_LINE_KEYS - 1);
    const position = over.indexOf(`,"k${MAX_LINE_KEYS - 2}":`) + 1;
    const target = path.join(dir, 'over-keys.ndjson');
    writeFileSync(target, `${atLimit}\n${over}\n${BAD}\n`);
    const expected = [
      `${target}:1: ping /k0 expected no property "k0" (unknown to the schema), got 0`,
      `${target}:2: - (root) expected at most ${MAX_LINE_KEYS} keys in one line (the most the CLI reads; the contract sets no limit), got key number ${MAX_LINE_KEYS + 1} at position ${position}`,
      `${target}:3: ping /timestamp expected an integer, got a string "x"`,
      '0 valid, 3 invalid',
    ];
    // 34 MB: the workers read it unless --jobs 1.
    for (const jobs of ['1', '2']) {
      const { code, stdout, stderr } = cli(['validate', '--jobs', jobs, target], 512);
      expect(stderr).toBe('');
      expect(stdout.trimEnd().split('\n')).toEqual(expected);
      expect(code).toBe(1);
    }
    const json = cli(['validate', '--jobs', '1', '--format', 'json', target], 512);
    expect(JSON.parse(json.stdout).problems[1]).toMatchObject({ line: 2, type: null, pointer: '', keyword: 'keys', position });
  });

  it('is refused unparsed when piped in too (--input auto): a line 1 past 64 KiB that its brackets show is no one document is not parsed whole (64 MB heap)', { timeout: 300_000 }, () => {
    // `auto` read the text whole and parsed it to see whether it was one document: JSON.parse
    // went through line 1 before it refused the text (a 10,000,000-key line never came back;
    // this one needed a 128 MB heap).
    const over = ping(MAX_LINE_KEYS - 1);
    const target = path.join(dir, 'over-keys-piped.ndjson');
    writeFileSync(target, `${over}\n${BAD}\n`);
    const piped = spawnSync('bash', ['-c', 'cat "$1" | "$2" --import tsx --max-old-space-size=64 "$3" validate -', 'piped', target, process.execPath, CLI], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toBe(
      `<stdin>:1: - (root) expected at most ${MAX_LINE_KEYS} keys in one line (the most the CLI reads; the contract sets no limit), got key number ${MAX_LINE_KEYS + 1} at position ${over.indexOf(`,"k${MAX_LINE_KEYS - 2}":`) + 1}\n` +
        '<stdin>:2: ping /timestamp expected an integer, got a string "x"\n0 valid, 2 invalid\n',
    );
    expect(piped.status).toBe(1);
  });
});
