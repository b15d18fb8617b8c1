import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndjsonByteLines, ndjsonLineBatches, ndjsonLines } from '../../src/cli/sources/ndjson-lines.js';

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
  collect(ndjsonLines(Readable.from(chunked(Buffer.from(text, 'utf8'), cuts)), maxLineBytes === undefined ? {} : { maxLineBytes }));

describe('ndjsonLines', () => {
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
        expect((await collect(ndjsonLineBatches(Readable.from(chunked(Buffer.from(text, 'utf8'), cuts))))).flat()).toEqual(expected(text));
        const bytes = await collect(ndjsonByteLines(Readable.from(chunked(Buffer.from(text, 'utf8'), cuts))));
        expect(bytes.map((l) => ('bytes' in l ? { number: l.number, text: Buffer.from(l.bytes).toString('utf8') } : l))).toEqual(expected(text));
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
    const bytes = await collect(ndjsonByteLines(Readable.from([Buffer.from(`${long}\nok`)]), { maxLineBytes: 64 }));
    expect(bytes.map((l) => ('bytes' in l ? { number: l.number, text: Buffer.from(l.bytes).toString() } : l))).toEqual([{ number: 1, tooLong: 100 }, { number: 2, text: 'ok' }]);
  });

  it('reads a file through fs streams with small chunks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ndjson-lines-'));
    try {
      const file = path.join(dir, 'm.ndjson');
      const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ type: 'ping', timestamp: i, note: 'é'.repeat(i % 7) }));
      writeFileSync(file, `${lines.join('\n')}\n`);
      const got = await collect(ndjsonLines(createReadStream(file, { highWaterMark: 97 })));
      expect(got).toEqual(lines.map((text, i) => ({ number: i + 1, text })));
      // A stream with an encoding set gives strings: accepted too.
      expect(await collect(ndjsonLines(createReadStream(file, { encoding: 'utf8', highWaterMark: 50 })))).toEqual(got);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
