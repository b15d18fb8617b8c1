import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { ExitCode, formatProblem, messageType, Report } from '../../src/cli/report.js';
import { duplicateKeyError, findDuplicateKeys, readSourceBatches, readSources, type SourceEntry } from '../../src/cli/sources/index.js';
import { findLoneSurrogates, MAX_DUPLICATES_LISTED, mayHoldSurrogateEscape } from '../../src/cli/sources/text.js';

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

describe('the elements of a .json array', () => {
  // An independent oracle: jsonc-parser's tree of the whole document, and the lines counted from the start.
  const lineOfNode = (text: string, at: (string | number)[]) => {
    const node = findNodeAtLocation(parseTree(text)!, at)!;
    const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
    return text.slice(0, offset).split('\n').length;
  };

  it('are located on their own lines, and their numbers read as written, whatever the elements hold', async () => {
    const element = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(element, fc.constantFrom(undefined, 1, '\t')), { minLength: 1, maxLength: 12 }), fc.nat(), async (elements, pick) => {
        const text = `[\n${elements.map(([value, indent]) => JSON.stringify(value, null, indent)).join(',\n')}\n]`;
        const entries = await collect(['-'], text, 'json');
        expect(entries.map((entry) => entry.kind === 'message' && entry.index)).toEqual(elements.map((_, index) => index));
        const index = pick % elements.length;
        const entry = entries[index]!;
        if (entry.kind !== 'message') throw new Error('not a message');
        expect(entry.locate('')).toBe(lineOfNode(text, [index]));
        const value = elements[index]![0];
        if (typeof value === 'number') expect(entry.literal('')).toBe(JSON.stringify(value));
        if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
          // The last key written (the one JSON.parse keeps), located and, when a number, read as written.
          const key = Object.keys(value).at(-1)!;
          const pointer = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
          expect(entry.locate(pointer)).toBe(lineOfNode(text, [index, key]));
          const member = (value as Record<string, unknown>)[key];
          expect(entry.literal(pointer)).toBe(typeof member === 'number' ? JSON.stringify(member) : undefined);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('each has its own keys written twice, and its faults are located in any order', async () => {
    const text = '[\n{"type":"ping","timestamp":1,"a":1,"a":2},\n"[{\\"",\n{"type":"pong",\n "timestamp":2,\n "b":[1,\n  2.50]},\n{"c":1,"c":2}\n]';
    const entries = (await collect(['-'], text, 'json')).filter((entry) => entry.kind === 'message');
    expect(entries.map((entry) => entry.duplicateKeys)).toEqual([[{ pointer: '/a', line: 2 }], [], [], [{ pointer: '/c', line: 8 }]]);
    expect(entries[2]!.locate('/b/1')).toBe(7);
    expect(entries[2]!.literal('/b/1')).toBe('2.50');
    expect(entries[0]!.locate('/timestamp')).toBe(2);
    expect(entries[1]!.locate('')).toBe(3);
    expect(entries[2]!.locate('/missing/deeper')).toBe(4);
    expect(entries[3]!.locate('/c')).toBe(8);
  });
});

describe('keys written twice in a .json array', () => {
  it('are found in each element, past an element nested deeper than the scanner can walk, which is an error of its own (nested too deep to read)', async () => {
    let deep = '{"a":1,"a":2}';
    for (let level = 0; level < 12_000; level++) deep = `{"x":${deep}}`;
    const text = `[\n{"type":"ping","timestamp":1,"b":1,"b":2},\n{"type":"ai_tasks","data":${deep}},\n{"type":"pong","timestamp":1},\n{"type":"pong","timestamp":1,"c":1,"c":2}\n]`;
    const entries = await collect(['-'], text, 'json');
    expect(entries.map((entry) => [entry.kind, entry.kind === 'unreadable' ? undefined : entry.index])).toEqual([['message', 0], ['syntax', 1], ['message', 2], ['message', 3]]);
    expect(entries.flatMap((entry) => (entry.kind === 'message' ? [entry.duplicateKeys] : []))).toEqual([[{ pointer: '/b', line: 2 }], [], [{ pointer: '/c', line: 5 }]]);
    // The deep one's error is on its line, where the limit is passed: past 1,000 levels of its own (its root and 999 of "x").
    const position = text.indexOf('{"type":"ai_tasks"') + '{"type":"ai_tasks","data":'.length + 999 * '{"x":'.length;
    expect(entries[1]).toMatchObject({ line: 3, error: { keyword: 'depth', position, found: `"{" opening level 1001 at column ${position - text.indexOf('{"type":"ai_tasks"') + 1} (position ${position})` } });
    // The others are located on their own lines.
    expect((entries[3] as { locate: (pointer: string) => number }).locate('/c')).toBe(5);
  });
});

describe('a stream without end holds bounded memory', () => {
  /**
   * A stream that repeats `chunk` until its reader stops, and counts what was read of it. It
   * ends after 64 MiB all the same, so that a reader that holds it all fails the test instead
   * of filling the machine's memory.
   */
  function endless(chunk: Buffer): { stream: Readable; read: () => number } {
    let read = 0;
    const stream = new Readable({
      read() {
        read += chunk.length;
        this.push(read > 64 * 1024 * 1024 ? null : chunk);
      },
    });
    return { stream, read: () => read };
  }

  /** The first `count` entries read from `stream` as standard input, then the reader stops. */
  async function first(stream: Readable, input: 'auto' | 'json', count: number, maxDocumentBytes?: number): Promise<SourceEntry[]> {
    const entries: SourceEntry[] = [];
    for await (const entry of readSources(['-'], { input, duplicateKeys: true, stdin: () => stream, ...(maxDocumentBytes !== undefined && { maxDocumentBytes }) })) {
      entries.push(entry);
      if (entries.length === count) break;
    }
    stream.destroy();
    return entries;
  }

  it('a binary stream (/dev/zero) is one error after its first line is seen, not read whole', async () => {
    const { stream, read } = endless(Buffer.alloc(65536));
    const [entry] = await first(stream, 'auto', 1);
    expect(entry).toMatchObject({ kind: 'syntax', line: 1, error: { keyword: 'json', found: 'a binary file (NUL byte at offset 0)' } });
    expect(read()).toBeLessThan(1024 * 1024);
  });

  it('names UTF-32 text, with or without a byte-order mark, and says to save it as UTF-8 (a fresh tester: "UTF-16 text", "a binary file")', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sources-'));
    const line = '{"type":"ping","timestamp":1705251000000}\n';
    const le = Buffer.alloc(line.length * 4);
    for (let i = 0; i < line.length; i++) le.writeUInt32LE(line.charCodeAt(i), i * 4);
    const be = Buffer.from(le).swap32();
    const files: [string, Buffer, string][] = [
      ['bom-le.json', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), le]), 'UTF-32 text (byte-order mark)'],
      ['bom-be.ndjson', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), be]), 'UTF-32 text (byte-order mark)'],
      ['le.ndjson', Buffer.concat([le, le]), 'UTF-32LE text without a byte-order mark'],
      ['be.json', be, 'UTF-32BE text without a byte-order mark'],
    ];
    for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes);
    const entries = await collect(files.map(([name]) => path.join(dir, name)));
    expect(entries.map((entry) => entry.kind === 'syntax' && [path.basename(entry.file), entry.line, entry.error.found, entry.error.hint])).toEqual(files.map(([name, , found]) => [name, 1, found, 'save it as UTF-8']));
    // UTF-16 is still UTF-16.
    writeFileSync(path.join(dir, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, 'utf16le')]));
    expect(await collect([path.join(dir, 'utf16.json')])).toEqual([expect.objectContaining({ kind: 'syntax', error: expect.objectContaining({ found: 'UTF-16 text (byte-order mark)' }) })]);
  });

  it('under --input json too, a binary stream is named binary from its first 64 KiB, not read whole, nor called too long (a fresh tester: /dev/zero read 256 MiB, then "more than 256 MiB")', async () => {
    const zeros = endless(Buffer.alloc(65536));
    expect(await first(zeros.stream, 'json', 1, 4 * 1024 * 1024)).toEqual([expect.objectContaining({ kind: 'syntax', line: 1, error: expect.objectContaining({ keyword: 'json', found: 'a binary file (NUL byte at offset 0)' }) })]);
    expect(zeros.read()).toBeLessThan(1024 * 1024);
    // Random bytes: line ends among them, a NUL after the first.
    const noise = endless(Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 251)));
    expect(await first(noise.stream, 'json', 1, 4 * 1024 * 1024)).toEqual([expect.objectContaining({ kind: 'syntax', line: 1, error: expect.objectContaining({ found: expect.stringMatching(/^a binary file \(NUL byte at offset \d+\)$/) }) })]);
    expect(noise.read()).toBeLessThan(1024 * 1024);
    // Not UTF-8 and no line end in 64 KiB: its first bad byte, as under auto.
    const ff = endless(Buffer.concat([Buffer.from('{"type":"ping","timestamp":'), Buffer.alloc(65536, 0xff)]));
    expect(await first(ff.stream, 'json', 1, 4 * 1024 * 1024)).toEqual([expect.objectContaining({ kind: 'syntax', line: 1, error: expect.objectContaining({ found: 'the byte 0xFF at byte offset 27 of the input, which is not UTF-8' }) })]);
    expect(ff.read()).toBeLessThan(1024 * 1024);
    // A document is still read as one, line ends and all.
    expect((await collect(['-'], '[\n{"type":"ping","timestamp":1},\n{"type":"ping","timestamp":2}\n]\n', 'json')).map((entry) => entry.kind)).toEqual(['message', 'message']);
  });

  it('a stream not UTF-8 in its first 64 KiB, without a line end, is one error at its first bad byte, not read whole (a fresh tester: 256 MiB of 0xFF)', async () => {
    for (const input of ['auto', 'ndjson'] as const) {
      const { stream, read } = endless(Buffer.concat([Buffer.from('{"type":"ping","timestamp":'), Buffer.alloc(65536, 0xff)]));
      const entries: SourceEntry[] = [];
      for await (const entry of readSources(['-'], { input, duplicateKeys: true, stdin: () => stream })) entries.push(entry);
      stream.destroy();
      expect(entries).toEqual([expect.objectContaining({ kind: 'syntax', line: 1, error: expect.objectContaining({ keyword: 'json', found: 'the byte 0xFF at byte offset 27 of the input, which is not UTF-8', byteOffset: 27, hint: 'save it as UTF-8' }) })]);
      expect(read()).toBeLessThan(1024 * 1024);
    }
    // A character the 64 KiB cut in two is no fault: UTF-8 text, read on (here to the limit).
    const euro = Buffer.from('€');
    const split = endless(Buffer.concat([Buffer.from(`"${'a'.repeat(65534)}`), euro]).subarray(0, 65536 + 1));
    const [entry] = await first(split.stream, 'auto', 1, 1024 * 1024);
    expect(entry).toMatchObject({ kind: 'syntax', line: 1, error: { hint: 'if it holds one message per line, say so with --input ndjson' } });
  });

  it('auto: a stream whose line 1 is not an object is read whole only up to the limit', async () => {
    // `yes |`: "y" lines forever. Before, auto read it whole to see if it was one document.
    const yes = endless(Buffer.from('y\n'.repeat(32768)));
    const [error, ...rest] = await first(yes.stream, 'auto', 2, 1024 * 1024);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ kind: 'syntax', line: 1, error: { keyword: 'json', hint: 'if it holds one message per line, say so with --input ndjson' } });
    expect(yes.read()).toBeLessThan(4 * 1024 * 1024);
    // NDJSON whose line 1 is broken: past the limit, every line is read on its own.
    const ping = '{"type":"ping","timestamp":1}\n';
    const ndjson = Readable.from((function* () {
      yield Buffer.from('not json\n');
      for (let i = 0; i < 40; i++) yield Buffer.from(ping.repeat(1000));
    })());
    const entries = await first(ndjson, 'auto', 3, 256 * 1024);
    expect(entries.map((entry) => [entry.kind, entry.kind !== 'unreadable' && entry.line])).toEqual([['syntax', 1], ['message', 2], ['message', 3]]);
  });

  it('auto: NDJSON whose lines are longer than 64 KiB, past the limit, is still read line by line', async () => {
    const line = `${JSON.stringify({ type: 'ping', timestamp: 1, pad: 'x'.repeat(70_000) })}\n`;
    const entries = await first(Readable.from(Array.from({ length: 40 }, () => Buffer.from(line))), 'auto', 40, 1024 * 1024);
    expect(entries.map((entry) => entry.kind)).toEqual(Array(40).fill('message'));
  });

  it('auto: a pretty-printed document past the limit is one error, not one per line', async () => {
    const document = Buffer.from(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ type: 'ping', timestamp: i })), null, 2));
    const entries = await first(Readable.from([document]), 'auto', 10, 256 * 1024);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'syntax', line: 1, error: { keyword: 'json' } });
  });

  it('--input json: a document past the limit is one error, and reading stops', async () => {
    const { stream, read } = endless(Buffer.from(`[${'{"type":"ping","timestamp":1},'.repeat(2000)}`));
    const entries = await first(stream, 'json', 2, 1024 * 1024);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'syntax', line: 1, error: { keyword: 'json', message: 'expected one JSON document of at most 1 MiB, got more than 1 MiB' } });
    expect(read()).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('readSourceBatches', () => {
  it('gives the entries of readSources, an NDJSON file in one array per 64 KiB read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batches-'));
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: 'ping', timestamp: i, note: 'é'.repeat(i % 5) }));
    writeFileSync(path.join(dir, 'a.ndjson'), `${lines.join('\n')}\n`);
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(lines.map((line) => JSON.parse(line) as unknown)));
    const options = { input: 'auto' as const, duplicateKeys: true, stdin: () => Readable.from([]) };
    const batches: SourceEntry[][] = [];
    for await (const batch of readSourceBatches([dir], options)) batches.push(batch);
    const flat: SourceEntry[] = [];
    for await (const entry of readSources([dir], options)) flat.push(entry);
    const place = (entry: SourceEntry) => (entry.kind === 'message' ? [path.basename(entry.file), entry.line, entry.index, entry.value] : entry);
    expect(batches.flat().map(place)).toEqual(flat.map(place));
    expect(flat).toHaveLength(10_000);
    const ndjson = batches.filter((batch) => batch[0]!.file.endsWith('.ndjson'));
    expect(ndjson.length).toBe(Math.ceil(Buffer.byteLength(`${lines.join('\n')}\n`) / 65536));
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
    const line = flat[1]!;
    if (line.kind !== 'message') throw new Error(`line 2 is a message, got ${line.kind}`);
    expect(line.source).toMatchObject({ text: lines[1], line: 2 });
    expect(line.locate('/timestamp')).toBe(2);
    expect(line.duplicateKeys).toEqual([]);
  });
});

describe('findDuplicateKeys', () => {
  it('says a key is written twice, without a place, when it is nested too deep for the scanner to reach', () => {
    const depth = 6000;
    const text = `{"type":"ai_tasks","x":${'{"a":'.repeat(depth)}{"k":1,"k":2}${'}'.repeat(depth)}}`;
    expect(findDuplicateKeys(text, { value: JSON.parse(text) as unknown })).toEqual([{ path: [], pointer: '', offset: 0 }]);
    expect(duplicateKeyError('')).toMatchObject({ pointer: '', keyword: 'duplicateKey', message: expect.stringContaining('nested too deep to say where') });
    // Without duplicates, the same depth still gives none.
    const clean = text.replace('"k":1,', '');
    expect(findDuplicateKeys(clean, { value: JSON.parse(clean) as unknown })).toEqual([]);
  });

  it('lists a bounded number of doubled keys, whose pointers fit in twice the text, and every message\'s first', () => {
    // Before, a 6 MB line doubling a 1,000-character key at each of 3,000 levels made 3,000
    // pointers of up to 3 MB each, and `validate` ran out of memory.
    const key = 'K'.repeat(1000);
    const deep = `{"type":"ai_tasks","x":${`{"${key}":1,"${key}":`.repeat(300)}1${'}'.repeat(300)}}`;
    const found = findDuplicateKeys(deep, { value: JSON.parse(deep) as unknown });
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(300);
    expect(found.reduce((sum, { pointer }) => sum + pointer.length, 0)).toBeLessThanOrEqual(2 * deep.length + 65_536 + found.at(-1)!.pointer.length);
    // The first in text order is the shallowest.
    expect(found[0]!.pointer).toBe(`/x/${key}`);
    // Short pointers: at most MAX_DUPLICATES_LISTED per message.
    const many = `{"type":"ai_tasks",${Array.from({ length: 500 }, (_, i) => `"k${i}":{"a":1,"a":2}`).join(',')}}`;
    expect(findDuplicateKeys(many)).toHaveLength(MAX_DUPLICATES_LISTED);
    // A text is one message, whatever its root: an array's items share its cap (the reviewer found each inner item given its own).
    const nested = `[${Array.from({ length: 150 }, () => '{"a":1,"a":2}').join(',')}]`;
    expect(findDuplicateKeys(nested)).toHaveLength(MAX_DUPLICATES_LISTED);
    // A key written many times in one object is listed once, there (100 identical lines: a hostile tester); in another object, again.
    const often = `{"type":"ping","x":{${Array.from({ length: 150 }, (_, i) => `"k":${i}`).join(',')}},"y":{"k":1,"k":2,"j":1,"j":2}}`;
    expect(findDuplicateKeys(often).map(({ pointer }) => pointer)).toEqual(['/x/k', '/y/k', '/y/j']);
  });

  it('in a .json array, each element is a message: each keeps its first even when the others used the budget up, and an element that is an array has one cap', async () => {
    const key = 'K'.repeat(1000);
    const deep = `{"type":"ai_tasks","x":${`{"${key}":1,"${key}":`.repeat(300)}1${'}'.repeat(300)}}`;
    const inner = `[${Array.from({ length: 150 }, () => '{"a":1,"a":2}').join(',')}]`;
    const array = `[${inner},${deep},${Array.from({ length: 200 }, () => '{"type":"ping","a":1,"a":2}').join(',')}]`;
    const entries = (await collect(['-'], array, 'json')).filter((entry) => entry.kind === 'message');
    expect(entries).toHaveLength(202);
    expect(entries.every((entry) => entry.duplicateKeys.length > 0)).toBe(true);
    expect(entries[0]!.duplicateKeys).toHaveLength(MAX_DUPLICATES_LISTED);
  });

  it('cuts a long doubled key in the error text; the pointer names it whole', () => {
    const key = 'K'.repeat(1000);
    const error = duplicateKeyError(`/data/${key}`);
    expect(error.pointer).toBe(`/data/${key}`);
    expect(error.message).toBe(`expected each key once in an object (I-JSON, RFC 7493), got "${'K'.repeat(57)}..." more than once; JSON.parse keeps only the last value`);
  });

  it('never cuts a doubled key between the halves of a surrogate pair (it printed a lone \\ud83d)', () => {
    const error = duplicateKeyError(`/data/${'k'.repeat(56)}😀${'z'.repeat(10)}`);
    expect(error.message).toBe(`expected each key once in an object (I-JSON, RFC 7493), got "${'k'.repeat(56)}..." more than once; JSON.parse keeps only the last value`);
  });

  it('finds the same doubled keys with the parsed value as a shortcut as without, whatever the strings hold', () => {
    // Keys and strings full of quotes, colons and backslashes, so that the quick count is often fooled.
    const key = fc.constantFrom('a', 'b', '":', 'x\\', '\\":"', ' : ', 'é€');
    const json = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('1', '"s"', '":"', '"\\\\"', 'null', '"a\\":1"'),
        fc.array(fc.tuple(key, fc.constantFrom('', ' ', '\n'), tie('value')), { maxLength: 4 }).map((members) => `{${members.map(([k, space, v]) => `${JSON.stringify(k)}${space}:${space}${v}`).join(',')}}`),
        fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      ),
    })).value;
    fc.assert(
      fc.property(json, (text) => {
        expect(findDuplicateKeys(text, { value: JSON.parse(text) as unknown })).toEqual(findDuplicateKeys(text));
      }),
      { numRuns: 3000, seed: 14 },
    );
    expect(findDuplicateKeys('{"a":"\\":","a":1}', { value: { a: 1 } }).map((found) => found.pointer)).toEqual(['/a']);
    expect(findDuplicateKeys('{"a":"x\\":1","b":1}', { value: { a: 'x":1', b: 1 } })).toEqual([]);
  });
});

describe('Report', () => {
  it('prints one line per problem and a count, and exits 0, 1 or 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const report = new Report({ format: 'text', stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    report.accepted();
    expect(report.exitCode).toBe(ExitCode.Ok);
    report.rejected([{ file: 'a.json', line: 2, type: 'ping', error: { pointer: '/timestamp', keyword: 'minimum', message: 'expected a number >= 0, got -1' } }]);
    expect(report.exitCode).toBe(ExitCode.Rejected);
    report.fault('cannot read "b.json": no such file or folder', 'b.json');
    expect(await report.finish()).toBe(ExitCode.Fault);
    expect(out).toEqual(['a.json:2: ping /timestamp expected a number >= 0, got -1\n', '1 valid, 1 invalid\n']);
    expect(err).toEqual(['realtime-contract: cannot read "b.json": no such file or folder\n']);
  });

  it('writes stdout in few writes, but never after what it wrote to stderr since', async () => {
    const writes: string[] = [];
    const report = new Report({ format: 'text', stdout: (text) => writes.push(`out ${text}`), stderr: (text) => writes.push(`err ${text}`) });
    const problem = (line: number) => ({ file: 'a.ndjson', line, type: 'ping', error: { pointer: '/timestamp', keyword: 'minimum', message: 'expected a number >= 0, got -1' } });
    report.rejected([problem(1)]);
    report.rejected([problem(2)]);
    report.warning('a.ndjson', 3, '/timestamp 1.0 is an integer written as a float');
    report.rejected([problem(4)]);
    report.flush();
    report.flush();
    report.rejected([problem(5)]);
    report.fault('cannot read "b.json": no such file or folder', 'b.json');
    report.rejected([problem(6)]);
    expect(await report.finish()).toBe(ExitCode.Fault);
    const line = (n: number) => `a.ndjson:${n}: ping /timestamp expected a number >= 0, got -1\n`;
    expect(writes).toEqual([
      `out ${line(1)}${line(2)}`,
      'err a.ndjson:3: warning: /timestamp 1.0 is an integer written as a float\n',
      `out ${line(4)}`,
      `out ${line(5)}`,
      'err realtime-contract: cannot read "b.json": no such file or folder\n',
      `out ${line(6)}0 valid, 5 invalid\n`,
    ]);
  });

  it('prints one JSON object whose problems are the place then the error', async () => {
    const out: string[] = [];
    const report = new Report({ format: 'json', stdout: (text) => out.push(text), stderr: () => undefined });
    report.rejected([{ file: 'a.json', line: 1, index: 0, type: null, error: { pointer: '', keyword: 'type', message: 'expected a message object, got 1' } }]);
    report.warning('b.ndjson', 3, '/timestamp 1.0 is an integer written as a float');
    await report.finish();
    expect(JSON.parse(out.join(''))).toEqual({
      valid: 0,
      invalid: 1,
      errors: [],
      problems: [{ file: 'a.json', line: 1, index: 0, type: null, pointer: '', keyword: 'type', message: 'expected a message object, got 1' }],
      warnings: [{ file: 'b.ndjson', line: 3, message: '/timestamp 1.0 is an integer written as a float' }],
    });
  });

  it('keeps a problem on one line and finds a type safely', () => {
    expect(formatProblem({ file: 'x', line: 1, type: 'a\nb', error: { pointer: '/k\u001b', keyword: 'type', message: 'm' } })).toBe('x:1: a\\nb /k\\u001b m');
    expect(messageType({ type: 'ping' })).toBe('ping');
    expect(messageType({ get type() { throw new Error('no'); } })).toBeNull();
    expect(messageType([1])).toBeNull();
  });
});

describe('lone surrogates', () => {
  it('are found in keys and values at any depth, in text order, pairs and escaped backslashes left alone', () => {
    const text = '{"a":"\\ud83d\\ude00","b":[{"c\\ud800":"\\\\udc00"},"x\\udfff"],"d":{"e":"\\ud83d"}}';
    expect(mayHoldSurrogateEscape(text)).toBe(true);
    expect(mayHoldSurrogateEscape('{"a":"plain"}')).toBe(false);
    const found = findLoneSurrogates(JSON.parse(text));
    expect(found.map(({ pointer, key }) => ({ pointer, key }))).toEqual([
      { pointer: '/b/0/c\ud800', key: true },
      { pointer: '/b/1', key: false },
      { pointer: '/d/e', key: false },
    ]);
  });

  it('are found 10,000 levels deep without recursion, and listed up to the limit', () => {
    let deep: unknown = '\udc00';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(findLoneSurrogates(deep)).toEqual([{ pointer: '/0'.repeat(10_000), key: false, text: '\udc00' }]);
    expect(findLoneSurrogates(Array.from({ length: 500 }, () => '\ud800'))).toHaveLength(MAX_DUPLICATES_LISTED);
  });
});
