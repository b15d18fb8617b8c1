/**
 * Where the CLI's messages come from, as one stream of entries in input order: files, folders
 * (recursively), NDJSON streamed line by line, standard input, FIFOs and process substitution
 * (`validate <(producer --dump)`). Each entry is a message with its place (`{ file, line, index?,
 * value }`), text that is not a message with its place and a `ValidationError` (`{ file, line,
 * index?, error }`: not JSON, not UTF-8, empty, a line too long, nested deeper than
 * `MAX_NESTING_DEPTH` levels, found before any parse), or a path that could not be read.
 *
 * Used by `validate` (through {@link readSourceBatches}: the same entries in arrays, one per
 * chunk read, for a reader that wants every MB/s), and meant for every command that reads
 * messages (`diff`, `listen`):
 *
 * ```ts
 * for await (const entry of readSources(paths, { input: 'auto', duplicateKeys: true, stdin: () => process.stdin })) {
 *   if (entry.kind === 'message') use(entry.value, entry);   // entry.file, entry.line, entry.index
 *   else if (entry.kind === 'syntax') report(entry, entry.error);
 *   else fail(entry.reason);                                   // exit 2
 * }
 * ```
 *
 * Text must be UTF-8 (RFC 8259 §8.1; a byte-order mark and CRLF line ends are fine): a byte
 * that is not UTF-8 is an error naming its byte offset.
 *
 * The pieces, for a command whose messages come from elsewhere (`listen`: WebSocket frames):
 * `parseLine(text, file, line, duplicateKeys)` turns one frame or line into an entry,
 * `readNdjson(bytes, file, duplicateKeys)` a byte stream (`readNdjsonBatches` the same in arrays), `readDocument(bytes, file, duplicateKeys)`
 * one JSON document; `decodeUtf8(bytes)` refuses what is not UTF-8 with its byte offset;
 * `duplicateKeyError(pointer)` is the `ValidationError` of a doubled key.
 */
import path from 'node:path';
import { fstatSync, lstatSync, readlinkSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { rootValueEnd } from '../../languages/json-scan.js';
import { notFoundHint, shellWord } from '../path-hints.js';
import { quotedName, shownName } from '../report.js';
import type { InputFormat, NdjsonFileEntry, SourceEntry } from './entry.js';
import { isMessagePerLine, readDocument, readDocumentText, scanDocument } from './document.js';
import { describeIoError, LINE_FILE, MESSAGE_FILE, messageFilesUnder, readAllBytes, readBytes, SOCKET } from './files.js';
import { byteSize, validationError } from '../../runtime/errors.js';
import { MAX_LINE_BYTES, peekFirstLine, readNdjsonBatches } from './ndjson.js';
import { afterJsonHint, binaryError, decodeUtf8, lineAtByte, MAX_LINE_KEYS, ndjsonWayOut, notUtf8Head, type Origin, sniffBinary, stripBom, withHint } from './text.js';

export type { InputFormat, MessageEntry, NdjsonFileEntry, Place, SourceEntry, SyntaxEntry, UnreadableEntry } from './entry.js';
export { describeIoError, MESSAGE_FILE } from './files.js';
export { readDocument } from './document.js';
export { emptyFileEntry, lineEntry, MAX_LINE_BYTES, opensPrettyDocument, parseLine, readNdjson, readNdjsonBatches } from './ndjson.js';
export { bracketsError, decodeUtf8, duplicateKeyError, findDuplicateKeys, keysError, MAX_LINE_BRACKETS, MAX_LINE_KEYS, MAX_NESTING_DEPTH, nestingError, notUtf8Error, type DuplicateKey } from './text.js';

/** How to read the given paths. */
export interface SourceOptions {
  /**
   * What standard input, FIFOs, process substitutions and files named in `paths` hold: `json`
   * one document (a message or an array), `ndjson` one message per line (streamed), `auto` one
   * document when the whole text is one JSON value, else NDJSON, so that a guess never hides a
   * line (streamed when line 1 is a whole object; else read whole first). Under `auto` a named
   * regular file says it by its extension (`.json`; `.ndjson`, `.jsonl`; any other is refused);
   * the files found in a folder always do.
   */
  input: InputFormat | 'auto';
  /** Look for keys written twice in one object (I-JSON); costs a second scan of each message. */
  duplicateKeys: boolean;
  /** Standard input, read for the path `-`. */
  stdin: () => NodeJS.ReadableStream;
  /** Called when stdin is a terminal, before reading it (e.g. to say "end with Ctrl-D"). */
  onTerminal?: () => void;
  /**
   * Called, instead of reading it, for a regular file that is this process's standard output
   * (the same device and inode as descriptor 1: `validate --format json . > report.json`
   * finds the report it is writing), with its path as found and the sentence that says so.
   * Such a file is never read: it held the command's own half-written output, judged as an
   * invalid message file. Without this callback it is skipped silently.
   */
  onSkipped?: (file: string, reason: string) => void;
  /**
   * Regular `.ndjson`/`.jsonl` files of at least this many bytes are not read: each is one
   * `ndjson-file` entry, for a caller that reads them its own way (`validate` hands their
   * blocks to worker threads). Default: every file is read.
   */
  largeNdjsonFrom?: number | undefined;
  /** Most bytes read whole as one document; default {@link MAX_DOCUMENT_BYTES} (256 MiB). */
  maxDocumentBytes?: number;
}

/**
 * Reads `paths` in order: `-` is standard input (once), a folder every message file below it
 * (by extension), a regular file as {@link SourceOptions.input} says, under `auto` by its
 * extension (`.json` one document, `.ndjson`/`.jsonl` NDJSON), and a FIFO,
 * character device or socket by {@link SourceOptions.input}. A file or FIFO named twice (or
 * reached twice: through a folder, a link, standard input redirected from it) is read the first time only; a regular file that
 * is this process's standard output is not read at all ({@link SourceOptions.onSkipped}). Never throws for I/O: an
 * unreadable path is an `unreadable` entry and the other paths are still read.
 */
export async function* readSources(paths: string[], options: SourceOptions): AsyncGenerator<SourceEntry> {
  for await (const entries of readSourceBatches(paths, options)) yield* entries;
}

/**
 * {@link readSources} in arrays: the same entries in the same order, an NDJSON stream's in one
 * array per chunk read (64 KiB from a file), a `.json` array's messages a few thousand per
 * array, anything else one entry per array. A reader that
 * handles each array synchronously pays the cost of async iteration per chunk, not per message.
 * An array is never empty; it is the reader's to keep or drop (the next one is a new array).
 */
export function readSourceBatches(paths: string[], options: SourceOptions & { largeNdjsonFrom: number | undefined }): AsyncGenerator<(SourceEntry | NdjsonFileEntry)[]>;
export function readSourceBatches(paths: string[], options: SourceOptions): AsyncGenerator<SourceEntry[]>;
export async function* readSourceBatches(paths: string[], options: SourceOptions): AsyncGenerator<(SourceEntry | NdjsonFileEntry)[]> {
  /** How standard input was first named (`-`, `/dev/stdin`), once it has been read. */
  let stdinName: string | undefined;
  // A file is read once, however often it is named (`validate fixtures fixtures/a.ndjson`, a
  // link to it, a glob that overlaps): its problems were reported twice and its messages counted twice.
  const read = new Set<string>();
  // Where the command writes its report, when that is a regular file (`> report.json`).
  const stdout = tryFstat(1);
  const ownOutput = stdout?.isFile() ? stdout : undefined;
  /** Whether `file` (`info`) is the command's own standard output, said through `onSkipped` if so. */
  const isOwnOutput = (file: string, info: { dev: number; ino: number }): boolean => {
    if (ownOutput === undefined || ownOutput.dev !== info.dev || ownOutput.ino !== info.ino) return false;
    options.onSkipped?.(file, `${quotedName(file)} is skipped: it is this command's standard output (the report being written), not a message file`);
    return true;
  };
  const first = (info: { dev: number; ino: number }): boolean => {
    const key = `${info.dev}:${info.ino}`;
    if (read.has(key)) return false;
    read.add(key);
    return true;
  };
  for (const given of paths) {
    // A name given that is not found may be a Windows path or a glob no shell expanded: said, as diff and generate say it (a tester).
    const unreadable = (file: string, error: unknown): SourceEntry => ({ kind: 'unreadable', file, reason: `cannot read ${quotedName(file)}: ${describeIoError(error)}${danglingLink(file, error) || (file === given && (error as NodeJS.ErrnoException).code === 'ENOENT' ? notFoundHint(given) : '')}` });
    try {
      if (given === '-') {
        const stdin = options.stdin();
        // `validate a.ndjson - < a.ndjson`: a regular file on standard input is keyed as any file.
        const fd = (stdin as { fd?: unknown }).fd;
        const info = typeof fd === 'number' ? tryFstat(fd) : undefined;
        // Redirected from a file, it is read once however it is named, `-` or `/dev/stdin`, in
        // either order (`/dev/stdin -` was refused, `- /dev/stdin` read once: a tester).
        if (info?.isFile() && !first(info)) continue;
        // `validate - < folder`: Node's stream ends on the read's EISDIR as if empty, and that was said as an invalid
        // message, "got empty input", exit 1 (tIQ F3): a read error, exit 2.
        if (info?.isDirectory()) {
          yield [{ kind: 'unreadable', file: '<stdin>', reason: `cannot read standard input: ${STANDARD_INPUT_FOLDER}` }];
          continue;
        }
        if (stdinName !== undefined) {
          yield [{ kind: 'unreadable', file: '<stdin>', reason: namedAgain(stdinName, given) }];
          continue;
        }
        stdinName = given;
        if (info?.isFIFO() && !first(info)) continue;
        if ((stdin as { isTTY?: boolean }).isTTY) options.onTerminal?.();
        yield* readStream(stdin as AsyncIterable<Buffer>, '<stdin>', options.input, options.duplicateKeys, options.maxDocumentBytes, 'stream');
        continue;
      }
      const info = await stat(given);
      // `validate /dev/stdin < folder` read the folder's files (exit 0) where `-` on the same standard input is a read
      // error: the two are read alike (tIQ F3).
      if (info.isDirectory() && isStandardInput(given, info)) {
        yield [{ kind: 'unreadable', file: given, reason: `cannot read ${quotedName(given)} (standard input): ${STANDARD_INPUT_FOLDER}` }];
        continue;
      }
      if (!info.isDirectory() && isStandardInput(given, info)) {
        // `validate /dev/stdin < events.ndjson`: standard input named by its path, read as `-`
        // reads it, by --input, and labelled as named. Redirected from a file it was refused as
        // a file of no known type, with the advice `validate - < "/dev/stdin"`; a socket (what
        // spawnSync's input is) cannot be opened by that path at all (ENXIO): a fixer.
        if (info.isFile() && !first(info)) continue;
        if (stdinName !== undefined) {
          yield [{ kind: 'unreadable', file: given, reason: namedAgain(stdinName, given) }];
          continue;
        }
        stdinName = given;
        const stdin = options.stdin();
        if ((stdin as { isTTY?: boolean }).isTTY) options.onTerminal?.();
        yield* readStream(stdin as AsyncIterable<Buffer>, given, options.input, options.duplicateKeys, options.maxDocumentBytes, 'stream');
        continue;
      }
      if (info.isDirectory()) {
        const failures: SourceEntry[] = [];
        let found = 0;
        let failed = 0;
        const dotNamed: string[] = [];
        for await (const file of messageFilesUnder(given, (file, error) => {
          failed++;
          failures.push(unreadable(file, error));
        }, (file) => dotNamed.push(file))) {
          if (failures.length > 0) yield failures.splice(0);
          found++;
          const info = await stat(file).catch(() => undefined);
          if (info !== undefined && (isOwnOutput(file, info) || !first(info))) continue;
          const large = options.largeNdjsonFrom !== undefined && LINE_FILE.test(file) ? await largeFile(file, options.largeNdjsonFrom) : undefined;
          if (large) yield [large];
          else yield* readFile(file, LINE_FILE.test(file) ? 'ndjson' : 'json', options, unreadable, 'found');
        }
        if (failures.length > 0) yield failures.splice(0);
        // Only where nothing under it was reported: a folder that cannot be listed (or whose one
        // message file is a socket) was reported twice, the second time as holding no files (a tester).
        // Files there all named with a leading "." are said to be skipped, with the way to read
        // them: "no … files" was false of them (a tester).
        if (found === 0 && failed === 0) yield [{ kind: 'unreadable', file: given, reason: `no .json, .ndjson or .jsonl files under ${quotedName(given)}${dotNamed.length === 0 ? '' : `: ${dotNamed.length === 1 ? `1 file whose name starts with "." is skipped (${shownName(dotNamed[0]!)}): name it to read it` : `${dotNamed.length} files whose names start with "." are skipped (${shownName(dotNamed[0]!)}, …): name them to read them`}`}` }];
      } else if (info.isFile()) {
        // A named file holds what `--input json|ndjson` says, whatever its name (`validate
        // --input ndjson events.json` read it as one document, and a .txt was refused); under
        // `auto`, its extension says. A folder's files always go by their extensions.
        // A `.gz` file that holds gzip data is read as the same bytes under an NDJSON name are:
        // one invalid entry that says gzip and the zcat to use (exit 1). It was refused by its
        // name as a usage error (exit 2) while the same bytes named `.ndjson`, piped or given
        // with --input were an invalid line (exit 1): the data is the user's, and what it holds
        // decides, not its name (a fresh user). A `.gz` of anything else is a file of no known type.
        const gzip = options.input === 'auto' && /\.gz$/i.test(given) && (await startsGzip(given));
        const format = options.input !== 'auto' ? options.input : gzip ? 'ndjson' : MESSAGE_FILE.test(given) ? (LINE_FILE.test(given) ? 'ndjson' : 'json') : undefined;
        if (isOwnOutput(given, info)) continue;
        // Keyed once it is read: a `.txt` refused here is then read as `- < notes.txt` (it was skipped as read: a reviewer).
        if (format !== undefined && !first(info)) continue;
        if (!gzip && options.largeNdjsonFrom !== undefined && format === 'ndjson' && info.size >= options.largeNdjsonFrom) yield [{ kind: 'ndjson-file', file: given, size: info.size }];
        else if (format !== undefined) yield* readFile(given, format, options, unreadable, options.input === 'auto' ? 'named' : 'flagged');
        else yield [{ kind: 'unreadable', file: given, reason: `cannot validate ${quotedName(given)}: expected a .json, .ndjson or .jsonl file, a folder, a pipe, or - for standard input (another file: say what it holds, validate --input ndjson ${shellWord(given)}, or --input json for one document)` }];
      } else if (info.isSocket()) {
        yield [{ kind: 'unreadable', file: given, reason: `cannot read ${quotedName(given)}: ${SOCKET}` }];
      } else {
        // A FIFO, `<(process substitution)` or device holds what --input says. Under `auto` an
        // .ndjson/.jsonl name says NDJSON; any other stays `auto`, which never hides a line.
        // Keyed as a file is: a FIFO named twice (`validate p.ndjson p.ndjson`) was opened again
        // after its writer had gone, and the run waited for ever for another (a fresh tester).
        if (!first(info)) continue;
        const format = options.input === 'auto' && LINE_FILE.test(given) ? 'ndjson' : options.input;
        yield* readStream(readBytes(given), given, format, options.duplicateKeys, options.maxDocumentBytes, 'stream');
      }
    } catch (error) {
      // Standard input is `<stdin>` here too, as in its problems (it read `cannot read "-"`).
      yield [given === '-' ? { kind: 'unreadable', file: '<stdin>', reason: `cannot read standard input: ${describeIoError(error)}` } : unreadable(given, error)];
    }
  }
}

/** Whether `file` begins with gzip's magic number and is long enough to be gzip data (as {@link sniffBinary} tells it); false when it cannot be read (reading it again says why). */
async function startsGzip(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(10);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return bytesRead === head.length && head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** Why standard input named again (not redirected from a file, which is read once) is refused: both names, as given. */
function namedAgain(before: string, now: string): string {
  return before === now ? `standard input (${now}) can be named only once` : `standard input can be named only once: it was named ${before}, then ${now}`;
}

/** Why standard input redirected from a folder (`validate - < fixtures`) is not read: the read fails with EISDIR. */
const STANDARD_INPUT_FOLDER = 'it is redirected from a folder, which cannot be read as a stream (EISDIR): name the folder instead (validate <folder>) to read its message files';

/** Names of this process's standard input: a regular file named so is standard input redirected from it. */
const STANDARD_INPUT_NAMES = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Whether `given` names this process's standard input (`/dev/stdin`), here the regular file `info` it is redirected from. */
function isStandardInput(given: string, info: { dev: number; ino: number }): boolean {
  if (!STANDARD_INPUT_NAMES.has(path.posix.normalize(given))) return false;
  const own = tryFstat(0);
  return own !== undefined && own.dev === info.dev && own.ino === info.ino;
}

/** For a file not found that is a symbolic link: where it points (a dangling link read as a file that is not there: a fresh user). */
function danglingLink(file: string, error: unknown): string {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return '';
  try {
    // "which leads nowhere": the target may be a link itself, whose own target is missing.
    return lstatSync(file).isSymbolicLink() ? ` (it is a symbolic link to ${quotedName(readlinkSync(file))}, which leads nowhere)` : '';
  } catch {
    return '';
  }
}

/** The `ndjson-file` entry of `file` when it is a regular file of at least `from` bytes (a file that cannot be stat'ed is read as usual, which reports why). */
async function largeFile(file: string, from: number): Promise<NdjsonFileEntry | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() && info.size >= from ? { kind: 'ndjson-file', file, size: info.size, found: true } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads `file`, found in a folder, as the folder's files are read: by its extension whatever
 * `--input` says, its hints the way out for a found file. For a large one `validate`'s workers
 * leave (an `ndjson-file` entry with `found`): read as a named file, it went by `--input` instead,
 * so the same folder's small and large `.jsonl` were read two ways (a tester).
 */
export function readFoundFile(file: string, options: SourceOptions): AsyncGenerator<SourceEntry[]> {
  const unreadable = (at: string, error: unknown): SourceEntry => ({ kind: 'unreadable', file: at, reason: `cannot read ${quotedName(at)}: ${describeIoError(error)}${danglingLink(at, error)}` });
  return readFile(file, LINE_FILE.test(file) ? 'ndjson' : 'json', options, unreadable, 'found');
}

async function* readFile(file: string, format: InputFormat, options: SourceOptions, unreadable: (file: string, error: unknown) => SourceEntry, origin: Origin = 'named'): AsyncGenerator<SourceEntry[]> {
  try {
    yield* readStream(readBytes(file), file, format, options.duplicateKeys, options.maxDocumentBytes, origin);
  } catch (error) {
    yield [unreadable(file, error)];
  }
}

/**
 * A byte stream as `format`. `auto` streams it as NDJSON when its first line is a whole JSON
 * object (then the whole text cannot be one other JSON value, so nothing is judged otherwise
 * than by reading it whole), and reads it whole first otherwise (a pretty-printed document).
 * `json` reads it whole, after a look at its first 64 KiB: binary data there (see
 * {@link sniffBinary}), or a first line of 64 KiB that is not UTF-8, is one error at once.
 */
async function* readStream(bytes: AsyncIterable<Buffer>, file: string, format: InputFormat | 'auto', duplicateKeys: boolean, limit = MAX_DOCUMENT_BYTES, origin: Origin = 'named'): AsyncGenerator<SourceEntry[]> {
  if (format === 'auto') {
    const { head, rest } = await peekFirstLine(bytes);
    bytes = rest as AsyncIterable<Buffer>;
    // A binary stream is one error, found by the NDJSON reader's look at line 1, not read whole.
    // So is a first line of 64 KiB and more that is not UTF-8 (notUtf8Head).
    if (isObjectLine(head) || sniffBinary(head) !== undefined || notUtf8Head(head) !== undefined) format = 'ndjson';
  } else if (format === 'json') {
    // Binary data is named so from its first 64 KiB under --input json too (what readDocument
    // looks at), not once read whole: `/dev/zero` was read 256 MiB into memory, then called an
    // over-long document (a fresh tester). So is a first line of 64 KiB not UTF-8, as under auto.
    const { head, rest, close } = await peekFirstLine(bytes, false);
    const binary = sniffBinary(head, file);
    const error = binary !== undefined ? binaryError(binary) : head.includes(10) ? undefined : notUtf8Head(head);
    if (error !== undefined) {
      await close();
      yield [{ kind: 'syntax', file, line: 1, error }];
      return;
    }
    bytes = rest as AsyncIterable<Buffer>;
  }
  if (format === 'ndjson') {
    yield* readNdjsonBatches(bytes, file, duplicateKeys, origin);
    return;
  }
  const whole = await readAllBytes(bytes, limit);
  if (!Buffer.isBuffer(whole)) {
    if (format === 'json') {
      await whole.rest[Symbol.asyncIterator]().return?.();
      const error = validationError('', 'json', `one JSON document of at most ${byteSize(limit)}`, `more than ${byteSize(limit)}`);
      // NDJSON in a large `.json` file (an export dumped under that name) was told its size alone,
      // where a small one is told it is NDJSON and how to read it (a tester): said from its first lines.
      yield [{ kind: 'syntax', file, line: 1, error: startsMessagePerLine(whole.held) ? withHint(error, `it holds one message per line (NDJSON): ${ndjsonWayOut(origin, file)}`) : error }];
      return;
    }
    // Too long to read whole. NDJSON (whose line 1 was too long to see whole, or is blank or
    // broken) shows lines that start with `{` and end with `}`: read it line by line.
    // Anything else (a pretty-printed document, `yes |`) is one error, not millions of
    // broken lines.
    if (looksLikeNdjson(whole.held, 16, false)) {
      yield* readNdjsonBatches(concat(whole.held, whole.rest), file, duplicateKeys, origin);
      return;
    }
    await whole.rest[Symbol.asyncIterator]().return?.();
    yield [{ kind: 'syntax', file, line: 1, error: validationError('', 'json', `one JSON document of at most ${byteSize(limit)}, or one message per line`, `more than ${byteSize(limit)} that is neither`, 'if it holds one message per line, say so with --input ndjson') }];
    return;
  }
  if (format === 'json') {
    // Documents one after another in a .json file said so too (a .ndjson of pretty-printed
    // messages renamed .json, as the NDJSON reader advises, got the parser's words only: a hostile tester).
    yield* inBatches([...readDocument(whole, file, duplicateKeys, origin)].map((entry) => (entry.kind === 'syntax' && entry.error.keyword === 'json' && entry.error.hint === undefined && /after JSON/.test(entry.error.message) ? { ...entry, error: withHint(entry.error, afterJsonHint(new TextDecoder().decode(whole), entry.error.position)) } : entry)));
    return;
  }
  const decoded = decodeUtf8(whole);
  // Bytes that are not UTF-8 are judged as the text they would be (U+FFFD in their place), so
  // that one bad line of NDJSON does not turn the whole stream into one error.
  // One byte-order mark is dropped (the decoder drops it from UTF-8 text).
  const text = 'error' in decoded ? stripBom(whole.toString('utf8')) : decoded.text;
  // One pass before any parse: text nested deeper than a message may be is not parsed whole.
  // Such text is one document (null) when its first bracket closes at its end: read as such,
  // its messages or its error (readDocumentText), not as lines.
  const scan = scanDocument(text);
  // Text of more keys than a line may hold that its brackets show is no one value (NDJSON whose
  // line 1 passed 64 KiB) is not parsed whole: JSON.parse would refuse it, but only after its first
  // value, and one object of 8,500,000 keys did not parse in 150 s (a fresh tester's line of
  // 10,000,000 keys piped in printed nothing). Its lines are read as such, each with its limits.
  const mustFail = scan.keys > MAX_LINE_KEYS && bracketed(text) && !isOneValue(text);
  const parsed = scan.deepAt === undefined && !mustFail ? parseWhole(text) : scan.deepAt !== undefined && isOneValue(text) ? null : undefined;
  if (parsed === undefined) {
    // Not one document (or too deep to read as one). NDJSON (any of its lines is a `{` … `}`
    // line): every line is read on its own, so no fault hides the lines after it. Anything else
    // (pretty-printed documents one after another) is one syntax error where the text stops
    // being JSON, with the way out, not one error per line (or where it nests too deep).
    if (looksLikeNdjson([whole], Infinity, true)) {
      yield* readNdjsonBatches(slices(whole, CHUNK_BYTES), file, duplicateKeys, origin);
      return;
    }
    if ('error' in decoded) {
      // Not UTF-8 either: that is the fault to name (JSON.parse only saw a U+FFFD), on its line.
      yield [{ kind: 'syntax', file, line: lineAtByte(whole, decoded.offset), error: decoded.error }];
      return;
    }
    // Documents one after another (pretty-printed files piped together: a fresh user tried
    // --input ndjson, then --input json, and neither said what works).
    yield* inBatches([...readDocumentText(text, file, duplicateKeys, undefined, scan)].map((entry) => {
      if (entry.kind !== 'syntax' || entry.error.keyword !== 'json' || entry.error.hint !== undefined || text.trim() === '') return entry;
      return { ...entry, error: withHint(entry.error, /after JSON/.test(entry.error.message) ? afterJsonHint(text, entry.error.position) : 'if it holds one message per line, say so with --input ndjson') };
    }));
    return;
  }
  if ('error' in decoded) {
    // One document, with a byte that is not UTF-8: one error, on its line.
    yield [{ kind: 'syntax', file, line: lineAtByte(whole, decoded.offset), error: decoded.error }];
    return;
  }
  yield* inBatches(readDocumentText(text, file, duplicateKeys, parsed ?? undefined, scan));
}

/** How much of a text too long to read whole {@link startsMessagePerLine} looks at. */
const NDJSON_LOOK_BYTES = 1024 * 1024;

/**
 * Whether the first lines of `held` (the whole lines of its first MiB, at least two) are
 * messages one per line, as `isMessagePerLine` judges a small document: the first one JSON,
 * each starting with `{`.
 */
function startsMessagePerLine(held: readonly Buffer[]): boolean {
  const first: Buffer[] = [];
  let size = 0;
  for (const chunk of held) {
    if (size >= NDJSON_LOOK_BYTES) break;
    first.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(first).subarray(0, NDJSON_LOOK_BYTES);
  const end = head.lastIndexOf(10);
  return end !== -1 && isMessagePerLine(stripBom(head.subarray(0, end).toString('utf8')));
}

/** Whether `text` starts with `[` or `{` after JSON whitespace: then {@link isOneValue} is exact about whether `JSON.parse` may accept it. */
function bracketed(text: string): boolean {
  let i = 0;
  for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  return text.charCodeAt(i) === 91 || text.charCodeAt(i) === 123;
}

/** Whether `text` is one array or object, whatever its depth, by its brackets alone (see {@link rootValueEnd}). */
function isOneValue(text: string): boolean {
  const end = rootValueEnd(text);
  return end !== -1 && text.slice(end).trim() === '';
}

/** `JSON.parse(text)`, or undefined for text that is not JSON. */
function parseWhole(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Most bytes read whole as one JSON document (a `.json` file, `--input json`, or a stream that
 * `auto` must see whole to decide); as much as one NDJSON line may hold.
 */
export const MAX_DOCUMENT_BYTES = MAX_LINE_BYTES;

/** `held`, given up chunk by chunk as it is read, then `rest`. */
async function* concat(held: Buffer[], rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  while (held.length > 0) yield held.shift()!;
  yield* rest;
}

/**
 * Whether one of the lines of the chunks `held` (line 1 included, however long), the first
 * `lines` of them, starts with `{` and ends with `}`, as a line of NDJSON does: a
 * pretty-printed document's lines do not (`  {`, `},`). `whole`: `held` is the whole text, so
 * its last line counts even without a line end (else it may be cut short).
 */
function looksLikeNdjson(held: readonly Buffer[], lines: number, whole: boolean): boolean {
  const SPACE = (byte: number) => byte === 32 || byte === 9 || byte === 13;
  let first = -1;
  let last = -1;
  let seen = 0;
  for (const chunk of held) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 10) {
        if (first === 123 && last === 125) return true;
        if (++seen === lines) return false;
        first = last = -1;
      } else if (!SPACE(byte)) {
        if (first === -1) first = byte;
        last = byte;
      }
    }
  }
  return whole && first === 123 && last === 125;
}

/** Whether a first line (its bytes, at most 64 KiB of it) is one whole JSON object. */
function isObjectLine(head: Uint8Array): boolean {
  const text = stripBom(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8')).trim();
  if (text.charCodeAt(0) !== 123) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Bytes per chunk when text already read whole is read again as NDJSON: batches as from a file. */
const CHUNK_BYTES = 65536;

/** How many entries of a `.json` array go in one batch. */
const DOCUMENT_BATCH = 4096;

/** The entries of one document in arrays of at most {@link DOCUMENT_BATCH}. */
function* inBatches(entries: Iterable<SourceEntry>): Generator<SourceEntry[]> {
  let batch: SourceEntry[] = [];
  for (const entry of entries) {
    batch.push(entry);
    if (batch.length === DOCUMENT_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** `bytes` as consecutive views of at most `size` bytes. */
function* slices(bytes: Buffer, size: number): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

/** `fstat` of a descriptor, or undefined where it cannot be read (a closed standard input). */
function tryFstat(fd: number): import('node:fs').Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}
