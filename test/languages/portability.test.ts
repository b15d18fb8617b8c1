import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate-command.js';
import { findNonPortableIntegers } from '../../src/languages/portability.js';
import { validateMessage } from '../../src/runtime/validate.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/valid/spec');
/** The spec's bots example with `trades_count` (an integer) and `capital` (a number) as written. */
const bot = (tradesCount: string, capital = '5000') =>
  readFileSync(path.join(FIXTURES, 'bots.json'), 'utf8').replace('"trades_count": 42', `"trades_count": ${tradesCount}`).replace('"capital": 5000', `"capital": ${capital}`);

describe('findNonPortableIntegers (issue 8, item 19: the producer is told)', () => {
  it('names an integer written as a float, as Python json writes it, with its pointer and the fix', () => {
    const text = '{"type":"ping","timestamp":1705251000000.0}';
    expect(validateMessage(JSON.parse(text)).ok).toBe(true);
    expect(findNonPortableIntegers(text, validateMessage)).toEqual([
      {
        pointer: '/timestamp',
        offset: 27,
        written: '1705251000000.0',
        message: expect.stringMatching(/^1705251000000\.0 is an integer written as a float: .*Go int64 .* write 1705251000000$/),
      },
    ]);
  });

  it('finds one beside a value nested 20,000 deep, where a recursive walk overflowed and the warning was lost (found by a hostile tester)', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    // Tolerant mode lets the unknown key through; the integer slot is the ping's timestamp.
    const text = `{"type":"ping","x":${deep},"timestamp":1705251000000.0,"y":[1,{"z":2.5}]}`;
    const tolerant = (value: unknown) => validateMessage(value, { mode: 'tolerant' });
    expect(tolerant(JSON.parse(text)).ok).toBe(true);
    expect(findNonPortableIntegers(text, tolerant)).toEqual([{ pointer: '/timestamp', offset: text.indexOf('1705251000000.0'), written: '1705251000000.0', message: expect.stringContaining('write 1705251000000') }]);
  });

  it.each(['42.0', '4.2e1', '42.000', '4.2E+1', '420e-1'])('finds trades_count written as %s, in data', (written) => {
    const text = bot(written);
    expect(validateMessage(JSON.parse(text)).ok).toBe(true);
    expect(findNonPortableIntegers(text, validateMessage)).toEqual([{ pointer: '/data/trades_count', offset: text.indexOf(written), written, message: expect.stringContaining('write 42') }]);
  });

  it.each([
    ['100.0000000000000000001', '100'],
    ['5e-400', '0'],
  ])('says that %s, which a double reads as %s, is not an integer as written', (written, read) => {
    const text = `{"type":"ping","timestamp":${written}}`;
    expect(validateMessage(JSON.parse(text)).ok).toBe(true);
    expect(findNonPortableIntegers(text, validateMessage)).toEqual([
      { pointer: '/timestamp', offset: 27, written, message: `${written} is not an integer, but a double reads it as ${read}, which the schema accepts: the value checked is not the one written` },
    ]);
  });

  it('leaves whole floats in number slots alone (a price of 100.0 is fine everywhere)', () => {
    expect(validateMessage(JSON.parse(bot('42', '5000.0'))).ok).toBe(true);
    expect(findNonPortableIntegers(bot('42', '5000.0'), validateMessage)).toEqual([]);
  });

  it('names integers JavaScript cannot hold exactly', () => {
    const [warning, ...rest] = findNonPortableIntegers(bot('9007199254740993'), validateMessage);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ pointer: '/data/trades_count', written: '9007199254740993' });
    expect(warning?.message).toContain('JavaScript reads it as 9007199254740992');
    // 2^53 − 1 itself is within "keep integers within ±9007199254740991": no warning (tCK F1: its edge was untested).
    expect(findNonPortableIntegers(bot('9007199254740991'), validateMessage)).toEqual([]);
    expect(findNonPortableIntegers(bot('18446744073709551616'), validateMessage)[0]?.message).toContain("Go's int64 cannot hold it");
    // At int64's edge, told exactly: as doubles both are 2^63 (2^63 passed as fitting: a hostile tester).
    expect(findNonPortableIntegers(bot('9223372036854775808'), validateMessage)[0]?.message).toContain("Go's int64 cannot hold it");
    expect(findNonPortableIntegers(bot('9223372036854775807'), validateMessage)[0]?.message).not.toContain('int64');
  });

  it('says a whole float beyond 2^53 is beyond it, not "write" a number the producer did not write', () => {
    const written = '100000000000000000000000000000000000000000000000000.0';
    const [warning] = findNonPortableIntegers(bot(written), validateMessage);
    expect(warning?.message).toBe(`${written} is beyond ±(2^53 − 1): JavaScript reads it as 100000000000000007629769841091887003294964970946560 and Go's int64 cannot hold it; keep integers within ±9007199254740991`);
    expect(warning?.message).not.toContain('write ');
  });

  it('finds them in a .json file holding an array of messages, with the index', () => {
    const text = `[${bot('42')}, {"type":"ping","timestamp":5}, {"type":"ping","timestamp":-1.0}, ${bot('42.0')}]`;
    expect(findNonPortableIntegers(text, validateMessage)).toEqual([
      { index: 3, pointer: '/data/trades_count', offset: text.lastIndexOf('42.0'), written: '42.0', message: expect.stringContaining('write 42') },
    ]);
  });

  it('finds a float that rounds to the integer (1.0000000000000001), and survives JSON nested 10,000 levels deep', () => {
    expect(findNonPortableIntegers(bot('42.0000000000000001'), validateMessage)).toMatchObject([{ pointer: '/data/trades_count', written: '42.0000000000000001' }]);
    const deep = `{"type":"trades","data":${'['.repeat(10_000)}1.0${']'.repeat(10_000)},"ts":"2026-01-14T16:30:00.000Z"}`;
    expect(findNonPortableIntegers(deep, validateMessage)).toEqual([]);
  });

  it('says nothing about a whole float in a value that a later value of its key replaced by a number (it used to crash validate)', () => {
    expect(findNonPortableIntegers('{"type":"ping","timestamp":[1.0],"timestamp":5}', validateMessage)).toEqual([]);
  });

  it('names an integer beyond the largest double in a slot a later key refilled, instead of throwing', () => {
    // `BigInt(Infinity)` threw, and `validate` stopped the whole run with exit 2 on this one line.
    const text = `{"type":"ping","timestamp":${'9'.repeat(400)},"timestamp":5}`;
    const warnings = findNonPortableIntegers(text, validateMessage);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/is beyond ±\(2\^53 − 1\): JavaScript reads it as Infinity and Go's int64 cannot hold it/);
  });

  // The open `result` of ai_tasks puts no type on an unknown key: 1e400 there was valid without
  // a word, where JavaScript reads Infinity and Python's json.dumps wrote it back as Infinity,
  // which no JSON parser reads (a tester).
  it('names a number past a double\'s range where the schema puts no type (the open result of ai_tasks)', () => {
    const text = readFileSync(path.join(FIXTURES, 'ai_tasks.json'), 'utf8').replace('"issues": []', `"issues": [], "score": 1e400, "low": -1.5e400, "big": 1${'0'.repeat(400)}, "fine": 1.0`);
    expect(validateMessage(JSON.parse(text)).ok).toBe(true);
    expect(findNonPortableIntegers(text, validateMessage)).toEqual([
      { pointer: '/data/result/score', offset: text.indexOf('1e400'), written: '1e400', message: "1e400 is past a double's range: JavaScript reads it as Infinity (JSON.stringify writes null) and Python's json as inf (json.dumps writes Infinity, which is not JSON); write a finite number" },
      { pointer: '/data/result/low', offset: text.indexOf('-1.5e400'), written: '-1.5e400', message: "-1.5e400 is past a double's range: JavaScript reads it as -Infinity (JSON.stringify writes null) and Python's json as -inf (json.dumps writes -Infinity, which is not JSON); write a finite number" },
      { pointer: '/data/result/big', offset: text.indexOf('1000'), written: `1${'0'.repeat(400)}`, message: expect.stringMatching(/^10{40,}\.\.\. is past a double's range: JavaScript reads it as Infinity \(JSON\.stringify writes null\); write a finite number$/) },
    ]);
  });

  it('says nothing about plain integers, invalid messages or text that is not JSON', () => {
    expect(findNonPortableIntegers('{"type":"ping","timestamp":1705251000000}', validateMessage)).toEqual([]);
    expect(findNonPortableIntegers('{"type":"ping","timestamp":-1.0}', validateMessage)).toEqual([]);
    expect(findNonPortableIntegers('{"type":"ping","timestamp":1.0', validateMessage)).toEqual([]);
  });

  it('reaches the producer through realtime-contract validate: a warning on stderr, exit code unchanged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'realtime-contract-portability-'));
    try {
      const file = path.join(dir, 'python-producer.ndjson');
      writeFileSync(file, '{"type":"ping","timestamp":1705251000000}\n{"type":"ping","timestamp":1705251000000.0}\n');
      let stdout = '';
      let stderr = '';
      const output = { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text), stdin: () => process.stdin };
      expect(await runValidate([file], { mode: 'strict', format: 'text' }, output)).toBe(0);
      expect(stdout).toBe('2 valid, 0 invalid\n');
      expect(stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: warning: /timestamp 1705251000000\.0 is an integer written as a float: .*; write 1705251000000\n$`));
      // A .json array on one line: the warning names the message by its index, in both outputs.
      const array = path.join(dir, 'python-producer.json');
      writeFileSync(array, '[{"type":"ping","timestamp":1},{"type":"ping","timestamp":1705251000000.0}]');
      stderr = '';
      expect(await runValidate([array], { mode: 'strict', format: 'text' }, output)).toBe(0);
      expect(stderr).toMatch(/python-producer\.json:1: warning: \[1\] \/timestamp 1705251000000\.0 is an integer written as a float/);
      stdout = '';
      expect(await runValidate([array], { mode: 'strict', format: 'json' }, output)).toBe(0);
      expect(JSON.parse(stdout).warnings).toEqual([{ file: array, line: 1, index: 1, message: expect.stringMatching(/^\/timestamp 1705251000000\.0 is an integer written as a float/) }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
