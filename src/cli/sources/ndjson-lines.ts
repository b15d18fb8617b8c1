/**
 * The lines of an NDJSON (or JSON Lines) byte stream, for `realtime-contract validate` and
 * anything else that reads one message per line.
 *
 * Cheap per line: each chunk's complete lines are decoded from UTF-8 in one call, and each
 * line is then a slice of that text (V8 shares the characters; nothing is copied). Only a line
 * that spans chunks is joined, and a line longer than `maxLineBytes` is counted, reported and
 * dropped instead of held. Splitting on the LF byte is safe in UTF-8 (no multi-byte sequence
 * contains 0x0A).
 */

/** One line of text. `number` is 1-based, counting every LF-terminated line, blank ones too. */
export interface TextLine {
  number: number;
  /** The line without its LF, a CR before it, or (on line 1) a UTF-8 byte-order mark. */
  text: string;
}

/** One line as bytes (a view into the chunk read, valid until the next line is requested). */
export interface ByteLine {
  number: number;
  /** The line's UTF-8 bytes without LF, CR or (on line 1) byte-order mark. */
  bytes: Uint8Array;
}

/** A line longer than `maxLineBytes`: reported by size, its content skipped. */
export interface TooLongLine {
  number: number;
  /** Its length in bytes (at least `maxLineBytes + 1`). */
  tooLong: number;
}

export interface NdjsonLinesOptions {
  /** Longest line kept, in bytes (LF and CR excluded). Default 256 MiB. */
  maxLineBytes?: number;
}

/** Default {@link NdjsonLinesOptions.maxLineBytes}. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

const LF = 10;
const CR = 13;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Lines of `source` as text, one at a time. Convenient; each line costs one turn of the
 * async-iteration protocol (a promise), which at a million lines is measurable: a reader that
 * wants every last MB/s iterates {@link ndjsonLineBatches} instead.
 *
 * @param source a byte stream: a Node `Readable` (e.g. `fs.createReadStream(file)`; the default
 *   64 KiB chunks keep peak memory low), `process.stdin`, or any async iterable of `Uint8Array`
 *   chunks. String chunks (a stream with an encoding set) are accepted too.
 * @returns every line in order (blank lines included, so `number` is the line number a text
 *   editor shows), then the last line if the stream does not end with LF. An empty stream gives none.
 *   Malformed UTF-8 becomes U+FFFD, as in `Buffer#toString`. A line's `text` shares the
 *   characters of its chunk's text: keeping one line keeps that chunk's text alive.
 */
export async function* ndjsonLines(source: AsyncIterable<Uint8Array | string>, options: NdjsonLinesOptions = {}): AsyncGenerator<TextLine | TooLongLine> {
  for await (const batch of ndjsonLineBatches(source, options)) {
    for (let i = 0; i < batch.length; i++) yield batch[i]!;
  }
}

/**
 * The same lines as {@link ndjsonLines}, in batches: all the lines that end in one chunk of
 * `source`, so the async-iteration cost is paid per chunk, not per line.
 *
 * ```ts
 * for await (const lines of ndjsonLineBatches(createReadStream(file))) {
 *   for (const line of lines) if ('text' in line) handle(line.number, line.text);
 * }
 * ```
 */
export async function* ndjsonLineBatches(source: AsyncIterable<Uint8Array | string>, options: NdjsonLinesOptions = {}): AsyncGenerator<(TextLine | TooLongLine)[]> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let number = 0;
  /** Bytes of the line begun in earlier chunks (kept while ≤ max + 1). */
  let carry: Uint8Array[] = [];
  let carried = 0;

  const finish = (text: string): TextLine | TooLongLine => {
    number++;
    if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const end = text.length - 1;
    if (end >= 0 && text.charCodeAt(end) === CR) text = text.slice(0, end);
    // UTF-16 length ≤ UTF-8 length ≤ 3 × UTF-16 length: count bytes only when it could matter.
    if (text.length * 3 > max) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > max) return { number, tooLong: bytes };
    }
    return { number, text };
  };

  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    const first = chunk.indexOf(LF);
    if (first === -1) {
      carried += chunk.length;
      // + 1: a CR that ends the line does not count.
      if (carried <= max + 1) carry.push(chunk);
      else carry = [];
      continue;
    }
    const batch: (TextLine | TooLongLine)[] = [];
    let start = 0;
    if (carried > 0) {
      // The line that began in earlier chunks ends here.
      const size = carried + first;
      if (size > max + 1) {
        number++;
        batch.push({ number, tooLong: size });
      } else {
        carry.push(chunk.subarray(0, first));
        batch.push(finish(decode(Buffer.concat(carry, size))));
      }
      carry = [];
      carried = 0;
      start = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) {
      // Every complete line left in this chunk, decoded at once and sliced.
      const block = decode(chunk.subarray(start, last));
      let from = 0;
      for (let to = block.indexOf('\n'); to !== -1; to = block.indexOf('\n', from)) {
        batch.push(finish(block.slice(from, to)));
        from = to + 1;
      }
      batch.push(finish(from === 0 ? block : block.slice(from)));
    }
    if (last + 1 < chunk.length) {
      const rest = chunk.subarray(last + 1);
      carried = rest.length;
      if (carried <= max + 1) carry.push(rest);
    }
    yield batch;
  }
  if (carried > 0) {
    if (carried > max + 1) {
      number++;
      yield [{ number, tooLong: carried }];
    } else {
      yield [finish(decode(Buffer.concat(carry, carried)))];
    }
  }
}

function decode(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : decoder.decode(bytes);
}

/**
 * Lines of `source` as bytes, for a consumer that parses UTF-8 itself (e.g. `parseMessage`
 * accepts a `Uint8Array`). Each `bytes` is a view into a chunk that the next chunk does not
 * overwrite, but copy it if you keep it past the loop body: a view keeps its whole chunk alive.
 * Same lines, numbers and options as {@link ndjsonLines}.
 */
export async function* ndjsonByteLines(source: AsyncIterable<Uint8Array | string>, options: NdjsonLinesOptions = {}): AsyncGenerator<ByteLine | TooLongLine> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let number = 0;
  let carry: Uint8Array[] = [];
  let carried = 0;

  const finish = (bytes: Uint8Array): ByteLine | TooLongLine => {
    number++;
    let from = 0;
    let to = bytes.length;
    if (number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) from = 3;
    if (to > from && bytes[to - 1] === CR) to--;
    if (to - from > max) return { number, tooLong: to - from };
    return { number, bytes: from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to) };
  };

  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      if (carried > 0) {
        const size = carried + end;
        if (size > max + 1) {
          number++;
          yield { number, tooLong: size };
        } else {
          carry.push(chunk.subarray(0, end));
          yield finish(Buffer.concat(carry, size));
        }
        carry = [];
        carried = 0;
      } else {
        yield finish(chunk.subarray(start, end));
      }
      start = end + 1;
    }
    if (start < chunk.length) {
      carried += chunk.length - start;
      if (carried <= max + 1) carry.push(chunk.subarray(start));
      else carry = [];
    }
  }
  if (carried > 0) {
    if (carried > max + 1) {
      number++;
      yield { number, tooLong: carried };
    } else {
      yield finish(Buffer.concat(carry, carried));
    }
  }
}
