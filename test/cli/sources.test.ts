import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExitCode, formatProblem, messageType, Report } from '../../src/cli/report.js';
import { readSources, type SourceEntry } from '../../src/cli/sources/index.js';

async function collect(paths: string[], stdin = '', input: 'auto' | 'json' | 'ndjson' = 'auto'): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  for await (const entry of readSources(paths, { input, duplicateKeys: true, stdin: () => Readable.from([Buffer.from(stdin)]) })) entries.push(entry);
  return entries;
}

describe('readSources', () => {
  it('yields each message with its place, text that is not a message with its error, and unreadable paths, in input order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sources-'));
    writeFileSync(path.join(dir, 'a.ndjson'), '{"type":"ping","timestamp":1}\n\nnot json\n');
    writeFileSync(path.join(dir, 'b.json'), '[\n{"type":"pong","timestamp":1},\n{"type":"pong","timestamp":2,"timestamp":3}\n]');
    const entries = await collect([dir, path.join(dir, 'missing.json'), '-'], '{"type":"ping","timestamp":5}');
    expect(entries.map((entry) => (entry.kind === 'unreadable' ? [entry.kind, entry.reason] : [entry.kind, path.basename(entry.file), entry.line, entry.index]))).toEqual([
      ['message', 'a.ndjson', 1, undefined],
      ['syntax', 'a.ndjson', 3, undefined],
      ['message', 'b.json', 1, 0],
      ['message', 'b.json', 1, 1],
      ['unreadable', `cannot read "${path.join(dir, 'missing.json')}": no such file or folder`],
      ['message', '<stdin>', 1, undefined],
    ]);
    const second = entries[3]!;
    expect(second.kind === 'message' && second.duplicateKeys).toEqual([{ pointer: '/timestamp', line: 3 }]);
    expect(second.kind === 'message' && second.locate('/timestamp')).toBe(3);
  });

  it('reads stdin as NDJSON, as one document, or (auto) as a document only when the whole text is one', async () => {
    const text = '{"type":"ping","timestamp":1}\n{"type":"ping","timestamp":2}\n';
    expect((await collect(['-'], text, 'ndjson')).map((entry) => entry.kind)).toEqual(['message', 'message']);
    expect((await collect(['-'], text, 'auto')).map((entry) => entry.kind)).toEqual(['message', 'message']);
    expect((await collect(['-'], text, 'json')).map((entry) => entry.kind)).toEqual(['syntax']);
    expect((await collect(['-'], '[{"type":"ping"},\n{"type":"pong"}]', 'auto')).map((entry) => entry.kind === 'message' && entry.index)).toEqual([0, 1]);
  });
});

describe('Report', () => {
  it('prints one line per problem and a count, and exits 0, 1 or 2', () => {
    const out: string[] = [];
    const err: string[] = [];
    const report = new Report({ format: 'text', stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    report.accepted();
    expect(report.exitCode).toBe(ExitCode.Ok);
    report.rejected([{ file: 'a.json', line: 2, type: 'ping', error: { pointer: '/timestamp', keyword: 'minimum', message: 'expected a number >= 0, got -1' } }]);
    expect(report.exitCode).toBe(ExitCode.Rejected);
    report.fault('cannot read "b.json": no such file or folder');
    expect(report.finish()).toBe(ExitCode.Fault);
    expect(out).toEqual(['a.json:2: ping /timestamp expected a number >= 0, got -1\n', '1 valid, 1 invalid\n']);
    expect(err).toEqual(['realtime-contract: cannot read "b.json": no such file or folder\n']);
  });

  it('prints one JSON object whose problems are the place then the error', () => {
    const out: string[] = [];
    const report = new Report({ format: 'json', stdout: (text) => out.push(text), stderr: () => undefined });
    report.rejected([{ file: 'a.json', line: 1, index: 0, type: null, error: { pointer: '', keyword: 'type', message: 'expected a message object, got 1' } }]);
    report.finish();
    expect(JSON.parse(out.join(''))).toEqual({ valid: 0, invalid: 1, errors: [], problems: [{ file: 'a.json', line: 1, index: 0, type: null, pointer: '', keyword: 'type', message: 'expected a message object, got 1' }] });
  });

  it('keeps a problem on one line and finds a type safely', () => {
    expect(formatProblem({ file: 'x', line: 1, type: 'a\nb', error: { pointer: '/k\u001b', keyword: 'type', message: 'm' } })).toBe('x:1: a\\nb /k\\u001b m');
    expect(messageType({ type: 'ping' })).toBe('ping');
    expect(messageType({ get type() { throw new Error('no'); } })).toBeNull();
    expect(messageType([1])).toBeNull();
  });
});
