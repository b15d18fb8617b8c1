/**
 * The lines of an NDJSON (or JSON Lines) byte stream, for `realtime-contract validate` and
 * anything else that reads one message per line.
 *
 * Cheap per line: each chunk's complete lines are checked and decoded from UTF-8 in one call
 * each, and each line is then a slice of that text (V8 shares the characters; nothing is
 * copied) in a small `{ number, text }` record. Only a line that spans chunks is joined, and a
 * line longer than `maxLineBytes` is counted, reported and dropped instead of held. Splitting
 * on the LF byte is safe in UTF-8 (no multi-byte sequence contains 0x0A).
 */
import { isUtf8 } from 'node:buffer';
import { scanJsonRange, type JsonTextScan } from '../../languages/json-scan.js';
import { firstInvalidUtf8Byte } from '../../shared/utf8.js';

export { firstInvalidUtf8Byte };

/** One line of text. `number` is 1-based, counting every LF-terminated line, blank ones too. */
export interface TextLine {
  number: number;
  /** The line without its LF, a CR before it, or (on line 1) a UTF-8 byte-order mark. */
  text: string;
  /**
   * With {@link NdjsonLinesOptions.scan}: `scanJsonText(text, undefined, scan)`, made in the text
   * the line was decoded with (its chunk's, or its own for a line that spans chunks).
   */
  scan?: JsonTextScan | undefined;
}

/** A line longer than `maxLineBytes`: reported by size, its content skipped. */
export interface TooLongLine {
  number: number;
  /** Its length in bytes (at least `maxLineBytes + 1`), a CR before its LF counted when the line spans chunks read. */
  tooLong: number;
}

/** A line that is not UTF-8 (with `invalidUtf8: 'report'`): where, its content skipped. */
export interface NotUtf8Line {
  number: number;
  /** Byte offset, in the whole stream (0-based), of the line's first byte that is not UTF-8. */
  notUtf8: number;
  /** That byte's value (0–255). */
  byte: number;
}

export interface NdjsonLinesOptions {
  /** Longest line kept, in bytes (LF and CR excluded). Default 256 MiB. */
  maxLineBytes?: number;
  /**
   * What a line that is not UTF-8 becomes: `replace` (default) its text with U+FFFD for each
   * bad sequence, as `Buffer#toString` does; `report` a {@link NotUtf8Line} naming the first bad
   * byte's offset in the stream (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). Costs
   * one check per chunk (`isUtf8`); the lines of a chunk that fails it are checked one by one.
   */
  invalidUtf8?: 'replace' | 'report';
  /**
   * Offset in the whole stream of `source`'s first byte, for a reader handed a later part of a
   * file that starts at a line: byte offsets of {@link NotUtf8Line} count from it, and a
   * byte-order mark is dropped only at offset 0. Line numbers still start at 1. Default 0.
   */
  byteOffset?: number;
  /**
   * Give each line its {@link TextLine.scan} with this `maxDepth`: the one pass of
   * `scanJsonText` that a reader of JSON lines makes before it parses them, made in the chunk's
   * decoded text, where it is cheaper than in the line's own string (a slice). Default: none.
   */
  scan?: number;
  /** With {@link scan}, the scan's `maxBrackets` too: the most arrays and objects a line opens before its scan stops. Default: any. */
  scanBrackets?: number;
  /** With {@link scan}, the scan's `maxKeys` too: the most keys a line writes before its scan stops. Default: any. */
  scanKeys?: number;
}

/** What the splitters give for one line: its text, or why it has none. */
export type NdjsonLine = TextLine | TooLongLine | NotUtf8Line;

/** Default {@link NdjsonLinesOptions.maxLineBytes}. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

const LF = 10;
const CR = 13;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The lines of `source` as text, in batches: all the lines that end in one chunk of `source`,
 * so the async-iteration cost is paid per chunk, not per line, and a reader can handle a whole
 * batch synchronously. Per line it allocates the line's text (a slice of its chunk's decoded
 * text) and its `{ number, text }` record, nothing else; per chunk, one decoded text and the
 * batch array.
 *
 * ```ts
 * for await (const lines of ndjsonLineBatches(createReadStream(file), { invalidUtf8: 'report' })) {
 *   for (const line of lines) if ('text' in line) handle(line.number, line.text);
 * }
 * ```
 *
 * @param source a byte stream: a Node `Readable` (e.g. `fs.createReadStream(file)`; the default
 *   64 KiB chunks keep peak memory low), `process.stdin`, or any async iterable of `Uint8Array`
 *   chunks. String chunks (a stream with an encoding set) are accepted too.
 * @returns one non-empty array per chunk that ends a line (chunks inside a long line give
 *   none), in order: every line (blank lines included, so `number` is the line number a text
 *   editor shows), then the last line if the stream does not end with LF. An empty stream gives
 *   none. Malformed UTF-8 becomes U+FFFD, as in `Buffer#toString`, or a {@link NotUtf8Line} (see
 *   {@link NdjsonLinesOptions.invalidUtf8}); a line too long, a {@link TooLongLine}. A line's
 *   `text` shares the characters of its chunk's text: keeping one line keeps that chunk's text alive.
 */
export async function* ndjsonLineBatches(source: AsyncIterable<Uint8Array | string>, options: NdjsonLinesOptions = {}): AsyncGenerator<NdjsonLine[]> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const report = options.invalidUtf8 === 'report';
  let number = 0;
  /** Bytes of the line begun in earlier chunks (kept while ≤ max + 1). */
  let carry: Uint8Array[] = [];
  let carried = 0;
  /** Stream offset of the current chunk's first byte. */
  let consumed = options.byteOffset ?? 0;
  /** Whether line 1 may start with a byte-order mark (it starts the stream). */
  const bom = consumed === 0;
  const scanDepth = options.scan;
  const scanBrackets = options.scanBrackets;
  const scanKeys = options.scanKeys;

  /**
   * The line `block.slice(from, to)` (LF excluded): BOM and CR dropped, its size checked, and with
   * {@link NdjsonLinesOptions.scan} scanned in place, in the text it was decoded with (the
   * character at `to` is the line's CR or LF, or there is none: what scanJsonRange asks).
   */
  const finish = (block: string, from = 0, to = block.length): TextLine | TooLongLine => {
    number++;
    if (number === 1 && bom && block.charCodeAt(from) === 0xfeff) from++;
    if (to > from && block.charCodeAt(to - 1) === CR) to--;
    // UTF-16 length ≤ UTF-8 length ≤ 3 × UTF-16 length: count bytes only when it could matter.
    if ((to - from) * 3 > max) {
      const bytes = Buffer.byteLength(block.slice(from, to), 'utf8');
      if (bytes > max) return { number, tooLong: bytes };
    }
    const text = from === 0 && to === block.length ? block : block.slice(from, to);
    return scanDepth === undefined ? { number, text } : { number, text, scan: scanJsonRange(block, from, to, undefined, scanDepth, scanBrackets, scanKeys) };
  };
  /** One line's bytes (LF excluded), starting at stream offset `offset`: checked for UTF-8 first when reporting. */
  const finishBytes = (bytes: Uint8Array, offset: number): NdjsonLine => {
    if (report && !isUtf8(bytes)) {
      number++;
      const size = bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
      if (size > max) return { number, tooLong: size };
      const bad = firstInvalidUtf8Byte(bytes);
      return { number, notUtf8: offset + bad, byte: bytes[bad]! };
    }
    return finish(decode(bytes));
  };

  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    const first = chunk.indexOf(LF);
    if (first === -1) {
      carried += chunk.length;
      // + 1: a CR that ends the line does not count.
      if (carried <= max + 1) carry.push(chunk);
      else carry = [];
      consumed += chunk.length;
      continue;
    }
    const batch: NdjsonLine[] = [];
    let start = 0;
    if (carried > 0) {
      // The line that began in earlier chunks ends here.
      const size = carried + first;
      if (size > max + 1) {
        number++;
        batch.push({ number, tooLong: size });
      } else {
        carry.push(chunk.subarray(0, first));
        batch.push(finishBytes(Buffer.concat(carry, size), consumed - carried));
      }
      carry = [];
      carried = 0;
      start = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) {
      // Every complete line left in this chunk, checked and decoded at once and sliced.
      const bytes = chunk.subarray(start, last);
      if (report && !isUtf8(bytes)) {
        // Some line here is not UTF-8: each on its own, so the others keep their text.
        let from = start;
        for (let to = chunk.indexOf(LF, from); to !== -1 && to <= last; to = chunk.indexOf(LF, from)) {
          batch.push(finishBytes(chunk.subarray(from, to), consumed + from));
          from = to + 1;
        }
      } else {
        const block = decode(bytes);
        let from = 0;
        for (let to = block.indexOf('\n'); to !== -1; to = block.indexOf('\n', from)) {
          batch.push(finish(block, from, to));
          from = to + 1;
        }
        batch.push(finish(block, from));
      }
    }
    if (last + 1 < chunk.length) {
      const rest = chunk.subarray(last + 1);
      carried = rest.length;
      if (carried <= max + 1) carry.push(rest);
    }
    consumed += chunk.length;
    yield batch;
  }
  if (carried > 0) {
    if (carried > max + 1) {
      number++;
      yield [{ number, tooLong: carried }];
    } else {
      yield [finishBytes(Buffer.concat(carry, carried), consumed - carried)];
    }
  }
}

function decode(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : decoder.decode(bytes);
}
