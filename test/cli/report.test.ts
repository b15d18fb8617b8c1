import { describe, expect, it } from 'vitest';
import { Report, type JsonReport } from '../../src/cli/report.js';
import { validationError } from '../../src/runtime/errors.js';

/** A JSON report and everything it wrote to stdout, write by write. */
function jsonReport(): { report: Report; writes: string[]; parsed: () => JsonReport } {
  const writes: string[] = [];
  const report = new Report({ format: 'json', stdout: (text) => writes.push(text), stderr: () => expect.unreachable('JSON output writes nothing to stderr') });
  return { report, writes, parsed: () => JSON.parse(writes.join('')) as JsonReport };
}

describe('validate --format json streams its one object', () => {
  it('is one JSON object with every key, also when nothing was found', async () => {
    const { report, writes, parsed } = jsonReport();
    expect(await report.finish()).toBe(0);
    expect(parsed()).toEqual({ problems: [], warnings: [], errors: [], valid: 0, invalid: 0 });
    expect(writes.join('').endsWith('}\n')).toBe(true);
  });

  it('writes problems as they come, one per line, before the run ends', async () => {
    const { report, writes, parsed } = jsonReport();
    const problem = (line: number) => ({ file: 'big.ndjson', line, type: 'ping', error: validationError('/timestamp', 'type', 'an integer', 'a number 1.5') });
    for (let line = 1; line <= 3000; line++) report.rejected([problem(line)]);
    report.accepted(5);
    // About 180 KB of problems: most of it is out before finish, in writes of about 64 KiB.
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes.every((text) => text.length < 80 * 1024)).toBe(true);
    report.fault('cannot read "gone.ndjson": no such file or folder', 'gone.ndjson');
    expect(await report.finish()).toBe(2);
    const json = parsed();
    expect(json.problems).toHaveLength(3000);
    expect(json.problems[2999]).toEqual({ file: 'big.ndjson', line: 3000, type: 'ping', pointer: '/timestamp', keyword: 'type', message: 'expected an integer, got a number 1.5', expected: 'an integer', found: 'a number 1.5' });
    expect(json).toMatchObject({ valid: 5, invalid: 3000, warnings: [], errors: [
        { file: 'gone.ndjson', message: 'cannot read "gone.ndjson": no such file or folder' },
      ] });
    expect(writes.join('').split('\n').filter((line) => line.startsWith('{"file"'))).toHaveLength(3000);
  });

  it('holds the warnings in memory when no temporary file can be made, and the object stays whole', async () => {
    const { report, parsed } = jsonReport();
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/realtime-contract-test';
    try {
      for (let line = 1; line <= 10_050; line++) report.warning('big.ndjson', line, `warning ${line}`);
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
    expect(await report.finish()).toBe(0);
    expect(parsed().warnings.map((warning) => warning.line)).toEqual(Array.from({ length: 10_050 }, (_, i) => i + 1));
  });

  it('keeps every warning past the ones it holds, in order, multi-byte text whole', async () => {
    const { report, parsed } = jsonReport();
    // 25,000 warnings: 10,000 held, the rest through the temporary file, read back in 64 KiB
    // pieces that cut the 3- and 4-byte characters at every offset.
    const text = (line: number) => `/data/platform "coinbase–€𝄞${'é'.repeat(line % 7)}" is not a value this contract lists`;
    for (let line = 1; line <= 25_000; line++) {
      report.warning('trades.ndjson', line, text(line));
      if (line % 1000 === 0) report.rejected([{ file: 'trades.ndjson', line, type: 'trades', error: validationError('/ts', 'format', 'a date-time', '"x"') }]);
    }
    expect(await report.finish()).toBe(1);
    const json = parsed();
    expect(json.warnings).toHaveLength(25_000);
    json.warnings.forEach((warning, index) => expect(warning).toEqual({ file: 'trades.ndjson', line: index + 1, message: text(index + 1) }));
    expect(json.problems.map((problem) => problem.line)).toEqual(Array.from({ length: 25 }, (_, i) => (i + 1) * 1000));
    expect(json).toMatchObject({ valid: 0, invalid: 25 });
  });
});
