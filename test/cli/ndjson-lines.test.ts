import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8Byte, ndjsonLineBatches, type NdjsonLine, type NdjsonLinesOptions } from '../../src/cli/sources/ndjson-lines.js';

/** `bytes` cut at `cuts` (byte offsets, any order; may split a UTF-8 sequence), as a stream's chunks. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

/** The lines of `source`, unbatched. */
async function ndjsonLines(source: AsyncIterable<Uint8Array | string>, options?: NdjsonLinesOptions): Promise<NdjsonLine[]> {
  return (await collect(ndjsonLineBatches(source, options))).flat();
}

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

/** What the splitter should give for `text`: split on LF, CR before LF dropped, BOM dropped from line 1, no line after a final LF. */
function expected(text: string): { number: number; text: string }[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (text.endsWith('\n')) parts.pop();
  return parts.map((line, index) => {
    let t = index === 0 && line.startsWith('\uFEFF') ? line.slice(1) : line;
    if (t.endsWith('\r')) t = t.slice(0, -1);
    return { number: index + 1, text: t };
  });
}

const textLines = async (text: string, cuts: number[] = [], maxLineBytes?: number) =>
  ndjsonLines(Readable.from(chunked(Buffer.from(text, 'utf8'), cuts)), maxLineBytes === undefined ? {} : { maxLineBytes });

describe('ndjsonLineBatches', () => {
  it('gives every line with its number: blank lines, CRLF, a BOM on line 1 only, a last line without LF', async () => {
    expect(await textLines('\uFEFF{"a":1}\r\n\n  \n{"b":"\uFEFF"}\r\n{"c":3}')).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 2, text: '' },
      { number: 3, text: '  ' },
      { number: 4, text: '{"b":"\uFEFF"}' },
      { number: 5, text: '{"c":3}' },
    ]);
    expect(await textLines('')).toEqual([]);
    expect(await textLines('\n')).toEqual([{ number: 1, text: '' }]);
    expect(await textLines('x\n')).toEqual([{ number: 1, text: 'x' }]);
  });

  it('splits the same way wherever the chunks end, also inside a multi-byte character', async () => {
    const line = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('\r', '', '{"ts":"2026-01-14T16:30:00.000Z"}', '€😀\r', '\uFEFF'));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), async (lines, finalLf, cuts) => {
        const text = lines.join('\n') + (finalLf && lines.length > 0 ? '\n' : '');
        expect(await textLines(text, cuts)).toEqual(expected(text));
      }),
      { numRuns: 1500, seed: 14 },
    );
  });

  it('reports a line longer than maxLineBytes by its size and keeps the lines after it', async () => {
    const long = 'x'.repeat(100);
    for (const cuts of [[], [10, 50, 90], [3, 104, 105]]) {
      expect(await textLines(`ok\n${long}\r\nafter\n${long}`, cuts, 64)).toEqual([
        { number: 1, text: 'ok' },
        { number: 2, tooLong: expect.any(Number) },
        { number: 3, text: 'after' },
        { number: 4, tooLong: 100 },
      ]);
    }
    // Multi-byte: 30 characters of 3 bytes are 90 bytes.
    expect(await textLines(`${'€'.repeat(30)}\n${'€'.repeat(21)}`, [7], 64)).toEqual([{ number: 1, tooLong: 90 }, { number: 2, text: '€'.repeat(21) }]);
  });

  it('reads a file through fs streams with small chunks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ndjson-lines-'));
    try {
      const file = path.join(dir, 'm.ndjson');
      const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ type: 'ping', timestamp: i, note: 'é'.repeat(i % 7) }));
      writeFileSync(file, `${lines.join('\n')}\n`);
      const got = await ndjsonLines(createReadStream(file, { highWaterMark: 97 }));
      expect(got).toEqual(lines.map((text, i) => ({ number: i + 1, text })));
      // A stream with an encoding set gives strings: accepted too.
      expect(await ndjsonLines(createReadStream(file, { encoding: 'utf8', highWaterMark: 50 }))).toEqual(got);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a line that is not UTF-8 by the stream offset of its first bad byte, wherever the chunks end, and keeps the other lines', async () => {
    // Lines of text, bad bytes, multi-byte characters (also cut short), CRLF and BOM, joined by LF.
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((text) => Buffer.from(text, 'utf8')),
      fc.constantFrom(...[[0xe9], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbf, 0xbd], [0xef, 0xbb, 0xbf], [0x0d], [0xf0, 0x9f, 0x98, 0x80]].map((bytes) => Buffer.from(bytes))),
    );
    const line = fc.array(piece, { maxLength: 4 }).map((pieces) => Buffer.concat(pieces));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 10 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), async (lines, finalLf, cuts) => {
        const bytes = Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 || finalLf ? [l, Buffer.from('\n')] : [l])));
        expect(await ndjsonLines(Readable.from(chunked(bytes, cuts)), { invalidUtf8: 'report' })).toEqual(expectedLines(bytes));
      }),
      { numRuns: 1500, seed: 14 },
    );
  });

  it('finds the first byte that is not UTF-8 where a decoder puts its first U+FFFD', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        expect(firstInvalidUtf8Byte(bytes)).toBe(firstReplaced(bytes));
      }),
      { numRuns: 5000, seed: 14 },
    );
    expect(firstInvalidUtf8Byte(Buffer.from('café €😀', 'utf8'))).toBe(Buffer.byteLength('café €😀'));
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe9, 0x62]))).toBe(1);
  });
});

/**
 * The old, slow way of finding the first bad byte: decode, then walk the code points until a
 * U+FFFD that the bytes do not spell (EF BF BD is a genuine one).
 */
function firstReplaced(bytes: Uint8Array): number {
  let offset = 0;
  for (const character of new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)) {
    if (character === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    offset += Buffer.byteLength(character, 'utf8');
  }
  return offset;
}

/** What `invalidUtf8: 'report'` should give for `bytes`: each LF-terminated line (and a last one without LF) as text, or as its first bad byte's offset. */
function expectedLines(bytes: Buffer): NdjsonLine[] {
  const lines: NdjsonLine[] = [];
  let start = 0;
  while (start < bytes.length) {
    const lf = bytes.indexOf(10, start);
    const end = lf === -1 ? bytes.length : lf;
    const line = bytes.subarray(start, end);
    const number = lines.length + 1;
    const bad = firstReplaced(line);
    if (bad < line.length) {
      lines.push({ number, notUtf8: start + bad, byte: line[bad]! });
    } else {
      let text = line.toString('utf8');
      if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      lines.push({ number, text });
    }
    start = end + 1;
  }
  return lines;
}
