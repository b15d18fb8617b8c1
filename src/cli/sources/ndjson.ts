import { scanJsonText, type JsonTextScan } from '../../languages/json-scan.js';
import { byteSize, validationError } from '../../runtime/errors.js';
import type { MessageEntry, SourceEntry } from './entry.js';
import { ndjsonLineBatches, type NdjsonLine } from './ndjson-lines.js';
import { numberLiterals } from '../../languages/as-written.js';
import { readAllBytes } from './files.js';
import { cliSyntaxError, DOCUMENTS_HINT, findDuplicateKeys, jsonWayOut, leadingCommaHint, lineCommaHint, type Origin, withHint, lineAt, MAX_LINE_BRACKETS, MAX_LINE_KEYS, MAX_NESTING_DEPTH, nestingError, bracketsError, keysError, notUtf8Error, notUtf8Head, binaryError, sniffBinary, syntaxErrorBefore } from './text.js';

/** Longest NDJSON line read: past this a line is reported and skipped, not held in memory. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** How much of line 1 is looked at for signs of a binary or UTF-16 file. */
const SNIFF_BYTES = 65536;

/**
 * Reads NDJSON (one message per line) from a byte stream, holding one chunk (and at most one
 * line that spans chunks) at a time: every non-blank line yields one entry, so a bad line never
 * hides the others. Lines split on the LF byte (safe in UTF-8); a CR before it and a byte-order
 * mark on line 1 are dropped; a line that is not UTF-8 is an error naming its byte offset in the
 * stream; a line longer than {@link MAX_LINE_BYTES} is reported by its size and skipped; a file
 * whose line 1 looks binary (a NUL byte or a UTF-16 byte-order mark in its first 64 KiB) is one
 * error, and nothing more is read.
 *
 * @param file the name entries carry
 * @param duplicateKeys whether to look for keys written twice (costs a second scan of each line)
 * @returns one array of entries per chunk read that ends a line, in order (never an empty
 *   array); iterate it synchronously, as `validate` does: the cost of async iteration is then
 *   paid per chunk (64 KiB from a file), not per line. A file without a single non-blank line
 *   gives one error, `an empty file` (`empty input` on standard input; or `only whitespace`).
 */
export async function* readNdjsonBatches(bytes: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>, file: string, duplicateKeys: boolean, origin: Origin = file === '<stdin>' ? 'stream' : 'named'): AsyncGenerator<SourceEntry[]> {
  const { head, rest, close } = await peekFirstLine(bytes);
  const binary = sniffBinary(head, file);
  if (binary) {
    await close();
    yield [{ kind: 'syntax', file, line: 1, error: binaryError(binary) }];
    return;
  }
  const notText = notUtf8Head(head);
  if (notText) {
    await close();
    yield [{ kind: 'syntax', file, line: 1, error: notText }];
    return;
  }
  let source: AsyncIterable<Uint8Array> = rest;
  /** Line 1 a lone `{` or `[`, in a file whose other lines are whole objects: NDJSON with a bad line 1, said without the pretty-printed hint (a hostile tester). */
  let ndjsonKnown = false;
  // Line 1 a lone `{` or `[`: a pretty-printed document, whose every line would be an error of
  // its own (a fresh user's `.jsonl` printed 37). Read whole (up to PRETTY_BYTES): without a
  // line that is a whole object, it is one error, as on standard input; with one, it is NDJSON
  // with a bad line 1, read line by line, so that no good line is hidden.
  if (opensPrettyDocument(head)) {
    const whole = await readAllBytes(rest as AsyncIterable<Buffer>, PRETTY_BYTES);
    if (Buffer.isBuffer(whole)) {
      const text = whole.toString('utf8');
      const lines = text.split('\n');
      // One JSON document whatever its lines look like (an array with an element per line,
      // the last of them a whole object: a reviewer), or lines none of which is a message.
      const one = isOneDocument(text);
      // Line 1 an array's opening with its first message and a comma (`[{…},`), a message per
      // line after it: one JSON array, told so with the way out (it was told, on line 2, to "put
      // the messages in one array", which they were in: tFO F5). Not one document: read line by line.
      if (!PRETTY_FIRST_LINE.test(lines[0]!)) {
        if (one) {
          const count = lines.filter((line) => line.trim() !== '').length;
          yield [{ kind: 'syntax', file, line: 1, error: validationError('', 'json', 'one message per line (NDJSON)', `one JSON array written a message per line (${count} line${count === 1 ? '' : 's'}, the first opening the array)`, jsonWayOut(origin, file)) }];
          return;
        }
      } else if (one || !lines.some(isObjectLine)) {
        const count = lines.filter((line) => line.trim() !== '').length;
        // Several documents are no more read as .json than as NDJSON: the way out that works for them (a fresh user followed "name it .json").
        const what = one ? 'a pretty-printed JSON document' : 'pretty-printed JSON text, not one document';
        const hint = !one ? DOCUMENTS_HINT : jsonWayOut(origin, file);
        yield [{ kind: 'syntax', file, line: 1, error: validationError('', 'json', 'one message per line (NDJSON)', `${what} (${count} line${count === 1 ? '' : 's'}, the first a lone ${JSON.stringify(lines[0]!.trim())})`, hint) }];
        return;
      }
      ndjsonKnown = true;
      source = (async function* () {
        yield whole;
      })();
    } else {
      source = (async function* () {
        yield* whole.held;
        yield* whole.rest;
      })();
    }
  }
  let seen = 0;
  let blank = false;
  for await (const lines of ndjsonLineBatches(source, { maxLineBytes: MAX_LINE_BYTES, invalidUtf8: 'report', scan: MAX_NESTING_DEPTH, scanBrackets: MAX_LINE_BRACKETS, scanKeys: MAX_LINE_KEYS })) {
    blank = true;
    const entries: SourceEntry[] = [];
    for (let i = 0; i < lines.length; i++) {
      const entry = lineEntry(lines[i]!, file, duplicateKeys, !ndjsonKnown && origin);
      if (entry !== undefined) entries.push(entry);
    }
    if (entries.length > 0) {
      seen += entries.length;
      yield entries;
    }
  }
  if (seen === 0) yield [emptyFileEntry(file, blank, origin === 'stream')];
}

/** A first line that opens a pretty-printed document: a lone `{` or `[` (after a byte-order mark). */
const PRETTY_FIRST_LINE = /^\uFEFF?\s*[[{]\s*$/;

/**
 * A first line that opens an array written a message per line: `[` and its first message, a comma
 * after it (`[{…},`), or none where the commas open the lines after it (`[{…}` then `,{…}`: four
 * errors, not told it was one array, tFV F5).
 */
const ARRAY_FIRST_LINE = /^\uFEFF?\s*\[.*[,}]\s*$/;

/** Whether `head`, line 1 of an NDJSON file (LF excluded), opens what may be one JSON document: a lone `{` or `[`, or `[` and a message with its comma. */
export function opensPrettyDocument(head: Uint8Array): boolean {
  const text = Buffer.from(head).toString('utf8');
  return PRETTY_FIRST_LINE.test(text) || ARRAY_FIRST_LINE.test(text);
}

/** The most of a stream whose first line is {@link PRETTY_FIRST_LINE} read whole to tell a pretty-printed document from NDJSON. */
const PRETTY_BYTES = 16 * 1024 * 1024;

/** Whether `text` (after a byte-order mark) is one JSON document. */
function isOneDocument(text: string): boolean {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return true;
  } catch {
    return false;
  }
}

/** Whether a line is a whole JSON object, as NDJSON writes its messages. */
function isObjectLine(line: string): boolean {
  const text = line.trim();
  if (text.charCodeAt(0) !== 123 || text.charCodeAt(text.length - 1) !== 125) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** What an NDJSON file without a single non-blank line gives: one error on line 1 (`blank`: it has lines, all blank). */
export function emptyFileEntry(file: string, blank: boolean, stream = file === '<stdin>'): SourceEntry {
  return { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'at least one message', blank ? 'only whitespace' : stream ? 'empty input' : 'an empty file') };
}

/** {@link readNdjsonBatches} one entry at a time (one turn of async iteration per line). */
export async function* readNdjson(bytes: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>, file: string, duplicateKeys: boolean): AsyncGenerator<SourceEntry> {
  for await (const entries of readNdjsonBatches(bytes, file, duplicateKeys)) yield* entries;
}

/** One line from the splitter as an entry; undefined for a blank line (only spaces, tabs and the like). */
export function lineEntry(line: NdjsonLine, file: string, duplicateKeys: boolean, prettyHint: Origin | false = 'named'): SourceEntry | undefined {
  if ('text' in line) {
    const text = line.text;
    // Blank lines are skipped; a line that starts with a printable character is not blank.
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return undefined;
    return parseLine(text, file, line.number, duplicateKeys, line.scan, prettyHint);
  }
  if ('tooLong' in line) {
    return { kind: 'syntax', file, line: line.number, error: validationError('', 'json', `a line of at most ${byteSize(MAX_LINE_BYTES)}`, `one of ${line.tooLong} bytes`) };
  }
  return { kind: 'syntax', file, line: line.number, error: notUtf8Error(line.notUtf8, line.byte) };
}

/**
 * One NDJSON line (or WebSocket frame), already decoded, as an entry: a message, or a syntax
 * error when it is not JSON. A message entry is one object (its `source` is itself, `locate`
 * a method), so a million lines cost a million small objects and nothing more.
 *
 * Before any parse, one pass of {@link scanJsonText} over the text: text nested deeper than
 * {@link MAX_NESTING_DEPTH} is a `depth` error at the bracket that passes it (a parse of a line
 * nested 45,000,000 deep ran out of memory); the entry's `source.scan` keeps that pass for the
 * checks that would read the text again (keys written twice, the portability check). A line
 * that opens more than {@link MAX_LINE_BRACKETS} arrays and objects is a `brackets` error at
 * the bracket past it, from the same pass (a parse of 80,000,000 `{}` ran 15 minutes), and one
 * that writes more than {@link MAX_LINE_KEYS} keys a `keys` error at the key past it (a parse
 * of one object of 8,500,000 keys did not end).
 *
 * @param line the 1-based line number the entry carries
 * @param duplicateKeys whether to look for keys written twice (a second scan of the text, only
 *   when the first counts more keys written than the value holds)
 * @param scanned `scanJsonText(text, undefined, MAX_NESTING_DEPTH, MAX_LINE_BRACKETS, MAX_LINE_KEYS)` when the caller made it (the
 *   NDJSON splitter does, in the text of its chunk)
 * @param prettyHint whether a lone `{` or `[` on line 1 may be said to open a pretty-printed
 *   document (`false` when the caller found whole objects on the lines after it), and where
 *   the text came from, which decides the way out said ({@link Origin}: a stream is told
 *   `--input json`, not to rename it)
 */
export function parseLine(text: string, file: string, line: number, duplicateKeys: boolean, scanned?: JsonTextScan, prettyHint: Origin | false = 'named'): SourceEntry {
  const scan = scanned ?? scanJsonText(text, undefined, MAX_NESTING_DEPTH, MAX_LINE_BRACKETS, MAX_LINE_KEYS);
  if (scan.deepAt !== undefined) return { kind: 'syntax', file, line, error: syntaxErrorBefore(text, scan.deepAt) ?? nestingError(scan.deepAt, text[scan.deepAt]!) };
  if (scan.manyAt !== undefined) return { kind: 'syntax', file, line, error: bracketsError(scan.manyAt, text[scan.manyAt]!) };
  if (scan.keysAt !== undefined) return { kind: 'syntax', file, line, error: keysError(scan.keysAt) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const syntax = cliSyntaxError(text, (error as Error).message);
    // Line 1 a lone `{` or `[`: one pretty-printed document, read line by line (every line is
    // then an error). Said once, with the way out (a fresh user's `.jsonl`).
    if (prettyHint && line === 1 && syntax.hint === undefined && /^\s*[[{]\s*$/.test(text)) {
      const hint = `the file looks like one pretty-printed JSON document, not one message per line: ${jsonWayOut(file === '<stdin>' ? 'stream' : prettyHint, file)}`;
      return { kind: 'syntax', file, line, error: withHint(syntax, hint) };
    }
    // Lines copied out of an array with their commas (`{…},`): said as a document's are (afterJsonHint).
    // Or with their commas first (`,{…}`): the same mistake (tGI F6).
    const comma = syntax.hint !== undefined ? undefined : /after JSON/.test(syntax.message) ? lineCommaHint(text, syntax.position) : leadingCommaHint(text, syntax.position);
    if (comma !== undefined) return { kind: 'syntax', file, line, error: withHint(syntax, comma) };
    // A carriage return left in a line is a line end only classic Mac OS writes alone: the whole
    // file read as one line (a hostile tester's file got the parser's words only).
    if (syntax.hint === undefined && text.includes('\r')) {
      const hint = 'the line holds carriage returns (U+000D) without line feeds: NDJSON lines end with \\n or \\r\\n';
      return { kind: 'syntax', file, line, error: withHint(syntax, hint) };
    }
    return { kind: 'syntax', file, line, error: syntax };
  }
  return new LineMessage(file, line, value, text, duplicateKeys ? lineDuplicates(text, value, line, scan) : NONE, scan);
}

const NONE: MessageEntry['duplicateKeys'] = Object.freeze([]) as unknown as MessageEntry['duplicateKeys'];

const NO_LITERALS: ReadonlyMap<string, string> = new Map();

function lineDuplicates(text: string, value: unknown, line: number, scan: JsonTextScan): MessageEntry['duplicateKeys'] {
  const found = findDuplicateKeys(text, { value }, scan);
  return found.length === 0 ? NONE : found.map(({ pointer, offset }) => ({ pointer, line: line + lineAt(text, offset) - 1 }));
}

/** A message read from one line: its own `source` (the line's text, starting on its line). */
class LineMessage implements MessageEntry {
  readonly kind = 'message' as const;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly value: unknown,
    readonly text: string,
    readonly duplicateKeys: MessageEntry['duplicateKeys'],
    readonly scan: JsonTextScan | undefined,
  ) {}

  /** A line holds one message: every value of it is on (or starts on) this line. */
  locate(): number {
    return this.line;
  }

  literal(pointer: string): string | undefined {
    return this.literals([pointer]).get(pointer);
  }

  literals(pointers: readonly string[]): ReadonlyMap<string, string> {
    // One pass over the line for all the pointers asked, keeping no syntax tree: the tree of a
    // line of 1,000,000 unknown keys took about 400 MB (0.4 KB a key) to show one 0 as written,
    // so `validate` took 710 MB for that 17 MB line and a 188 MB line ran out of memory (a fresh
    // tester). A text nested too deep for jsonc-parser's recursion shows its numbers as read.
    try {
      return numberLiterals(this.text, pointers);
    } catch {
      return NO_LITERALS;
    }
  }

  get source(): MessageEntry['source'] {
    return this;
  }
}

/**
 * Reads `stream` up to the end of its first line or {@link SNIFF_BYTES}, whichever comes
 * first, and gives those bytes (`head`, without the LF) and a stream of every byte, `head`
 * included. `close` ends the stream when the rest is not wanted. With `lineEnd` false, `head`
 * is the first {@link SNIFF_BYTES} (fewer at the end), line ends and all: what
 * `readDocument` looks at for binary data.
 */
export async function peekFirstLine(stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>, lineEnd = true): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array>; close: () => Promise<void> }> {
  const iterator = Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : (stream as Iterable<Uint8Array>)[Symbol.iterator]();
  const read: Uint8Array[] = [];
  let size = 0;
  let done = false;
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    read.push(chunk);
    const lf = lineEnd ? chunk.indexOf(10) : -1;
    size += lf === -1 ? chunk.length : lf;
    if (lf !== -1 || size >= SNIFF_BYTES) break;
  }
  const head = (read.length === 1 ? read[0]! : Buffer.concat(read)).subarray(0, Math.min(size, SNIFF_BYTES));
  const close = async () => {
    if (!done) {
      done = true;
      await iterator.return?.();
    }
  };
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      yield* read.splice(0);
      while (!done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      }
    } finally {
      await close();
    }
  }
  return { head, rest: rest(), close };
}
