import { validationError } from '../../runtime/errors.js';
import { describeSyntaxError } from '../../runtime/json-syntax.js';
import type { SourceEntry } from './entry.js';
import { decodeUtf8, findDuplicateKeys, lineAt, sniffBinary, stripBom } from './text.js';

/** Longest NDJSON line read: past this a line is reported and skipped, not held in memory. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** One line of a byte stream: its bytes and where they start, or only its size when too long to hold. */
type Line = { number: number; offset: number; bytes: Buffer } | { number: number; offset: number; tooLong: number };

/**
 * Reads NDJSON (one message per line) from a byte stream, holding one line at a time: every
 * non-blank line yields one entry, so a bad line never hides the others. Lines split on the LF
 * byte (safe in UTF-8); a CR before it and a byte-order mark on line 1 are dropped; a line that
 * is not UTF-8 is an error naming its byte offset in the stream; a line longer than
 * {@link MAX_LINE_BYTES} is reported by its size and skipped.
 *
 * @param file the name entries carry
 * @param duplicateKeys whether to look for keys written twice (costs a second scan of each line)
 */
export async function* readNdjson(bytes: AsyncIterable<Buffer> | Iterable<Buffer>, file: string, duplicateKeys: boolean): AsyncGenerator<SourceEntry> {
  let seen = 0;
  let first = true;
  for await (const line of splitLines(bytes)) {
    if (first) {
      first = false;
      const binary = 'bytes' in line ? sniffBinary(line.bytes.subarray(0, 65536)) : undefined;
      if (binary) {
        yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'UTF-8 JSON text', binary) };
        return;
      }
    }
    if ('tooLong' in line) {
      seen++;
      const limit = `${MAX_LINE_BYTES / 1024 / 1024} MB`;
      yield { kind: 'syntax', file, line: line.number, error: validationError('', 'json', `a line of at most ${limit}`, `${Math.ceil(line.tooLong / 1024 / 1024)} MB or more`) };
      continue;
    }
    const decoded = decodeUtf8(line.bytes, line.offset);
    if ('error' in decoded) {
      seen++;
      yield { kind: 'syntax', file, line: line.number, error: decoded.error };
      continue;
    }
    const text = line.number === 1 ? stripBom(decoded.text) : decoded.text;
    if (text.trim() === '') continue;
    seen++;
    yield parseLine(text, file, line.number, duplicateKeys);
  }
  if (seen === 0) yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'at least one message', 'an empty file') };
}

/** One NDJSON line, already decoded, as an entry. */
export function parseLine(text: string, file: string, line: number, duplicateKeys: boolean): SourceEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'syntax', file, line, error: describeSyntaxError(text, (error as Error).message) };
  }
  const duplicates = duplicateKeys ? findDuplicateKeys(text, { value }).map(({ pointer, offset }) => ({ pointer, line: line + lineAt(text, offset) - 1 })) : [];
  return { kind: 'message', file, line, value, duplicateKeys: duplicates, locate: () => line, source: { text, line } };
}

async function* splitLines(stream: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let number = 1;
  let lineOffset = 0;
  let streamOffset = 0;
  const finish = (): Line => {
    const raw = size > MAX_LINE_BYTES ? undefined : Buffer.concat(parts, size);
    const bytes = raw && raw[raw.length - 1] === 13 ? raw.subarray(0, -1) : raw;
    const line: Line = bytes ? { number, offset: lineOffset, bytes } : { number, offset: lineOffset, tooLong: size };
    parts = [];
    size = 0;
    number++;
    return line;
  };
  for await (const chunk of stream) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      if (size + end - start <= MAX_LINE_BYTES) parts.push(chunk.subarray(start, end));
      size += end - start;
      yield finish();
      start = end + 1;
      lineOffset = streamOffset + start;
    }
    if (start < chunk.length) {
      if (size + chunk.length - start <= MAX_LINE_BYTES) parts.push(chunk.subarray(start));
      size += chunk.length - start;
    }
    streamOffset += chunk.length;
  }
  if (size > 0) yield finish();
}
