import { isUtf8 } from 'node:buffer';
import { visit } from 'jsonc-parser';
import { cut, validationError, type ValidationError } from '../../runtime/errors.js';
import { countKeys, scanJsonText, type JsonTextScan } from '../../languages/json-scan.js';
import { escapeToken } from '../../runtime/json-pointer.js';
import { describeSyntaxError } from '../../runtime/json-syntax.js';
import { firstInvalidUtf8Byte } from '../../shared/utf8.js';
import { shellWord } from '../path-hints.js';
import { gzipWayOut, LINE_FILE, MESSAGE_FILE } from './files.js';

/**
 * Most levels of nesting of arrays and objects the CLI reads in one message (an NDJSON line, a
 * `.json` document or one message of its array, a `listen` frame; a message's root object is
 * level 1, a `.json` array's bracket is no level of its messages). Text nested deeper is
 * reported (keyword `depth`, where the limit is passed) from the one pass of
 * {@link scanJsonText} over it, before anything parses it, and the other lines, messages and
 * frames are still read.
 *
 * The protocol's messages nest fewer than 10 levels; 1,000 leaves free-form fields (`result`,
 * `metadata`) a hundred times that. Deeper text is no message a consumer can rely on: CPython's
 * `json` module raises RecursionError at about 1,000 levels, serde_json refuses 128. Below the
 * limit every fault stays placeable: jsonc-parser's recursive walks (lines, keys written twice,
 * numbers as written) overflow the stack past about 3,400 levels of objects. Measured with
 * `validate` on one strict-valid message: at 1,000 levels it costs what a flat one does (55 MB,
 * 0.25 s, the process's own), at 10,000 3 MB more; then each level costs: 10^6 levels (2 MB)
 * took 230 MB and 0.9 s, 5·10^6 (10 MB) 870 MB and 4 s, and 45·10^6 (90 MB, under the 256 MiB a
 * line may hold) ran out of memory after 173 s, as a `listen` frame of 90 MB did. Past the
 * limit the pass stops at its bracket: that 90 MB line is now refused in 1.8 s (reading it).
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Most arrays and objects, at all levels together, the CLI reads in one NDJSON line. A line is
 * counted in the same pass that counts its depth ({@link scanJsonText}'s `maxBrackets`), and one
 * that opens more is reported (keyword `brackets`, at the bracket past the limit) before
 * anything parses it; the other lines are still read. The protocol's messages open a few dozen;
 * a million leaves free-form fields room for far more than a real message holds. A hostile
 * tester's line of 80,000,000 `{}` (160 MB, under the 256 MiB a line may hold) held `validate`
 * 15 minutes at 4.7 GB in `JSON.parse`.
 */
export const MAX_LINE_BRACKETS = 1_000_000;

/**
 * Most keys, in all objects together, the CLI reads in one NDJSON line. Counted in the same pass
 * as {@link MAX_LINE_BRACKETS}, and a line that writes more is reported (keyword `keys`, at the
 * key past the limit) before anything parses it; the other lines are still read. The protocol's
 * messages write a few dozen. A fresh tester's line of 10,000,000 unknown keys (188 MB, under
 * the 256 MiB a line may hold) printed nothing in 500 s, hiding the bad line after it:
 * `JSON.parse` alone of one object of 8,500,000 keys did not end in 150 s (7,000,000 took 8 s,
 * 1,000,000 1.4 s), and a line of 1,000,000 is validated in 280–340 MB.
 */
export const MAX_LINE_KEYS = 1_000_000;

/**
 * The fault of `text` before `position` (where it passes the nesting limit), or undefined: a
 * text nested too deep may be broken sooner (`{"type" 1, "x": [[[…` was reported at its
 * 1,001st bracket, not at its missing colon: a reviewer). The part before `position` nests at
 * most {@link MAX_NESTING_DEPTH} levels, so `JSON.parse` reads it safely.
 *
 * @param position UTF-16 offset in `text` of the bracket past the limit
 */
export function syntaxErrorBefore(text: string, position: number): ValidationError | undefined {
  const prefix = text.slice(0, position);
  try {
    JSON.parse(prefix);
  } catch (error) {
    const reason = (error as Error).message;
    if (!reason.startsWith('Unexpected end of JSON input')) return cliSyntaxError(prefix, reason);
  }
  return undefined;
}

/**
 * {@link describeSyntaxError}, with the CLI's hint for a comma before a closing bracket
 * (`{"a": 1,}`: JSON allows no trailing comma; a fresh user got the parser's "Expected
 * double-quoted property name" only).
 */
export function cliSyntaxError(text: string, reason: string): ValidationError {
  const error = describeSyntaxError(text, reason);
  const at = error.position;
  if (error.hint !== undefined || at === undefined || (text.charCodeAt(at) !== 125 && text.charCodeAt(at) !== 93)) return error;
  let before = at - 1;
  while (before >= 0 && ' \t\n\r'.includes(text[before]!)) before--;
  if (text[before] !== ',') return error;
  return withHint(error, 'drop the comma before it: JSON allows none before a closing bracket');
}

/**
 * Where a text being read came from, which decides the way out its hints give: `named`, a file
 * named on the command line (rename it, or give `--input`); `flagged`, one named with an
 * explicit `--input json|ndjson`, which overrides its name (renaming does nothing: give the
 * other `--input`, or drop it when the name says the right format); `stream`, standard input, a pipe or
 * a FIFO (no name to change: give `--input`); `found`, a file found in a folder, which goes by
 * its extension whatever `--input` says ({@link foundWayOut}).
 */
export type Origin = 'named' | 'flagged' | 'stream' | 'found';

/**
 * The way out for a file read as `read` because `--input <read>` was given, when it holds the
 * other format: `pretty.json` under `--input ndjson` was told to "name it .json", the name it had
 * (tBT F15).
 */
const flaggedWayOut = (wanted: 'json' | 'ndjson', file: string) => {
  const read = wanted === 'json' ? 'ndjson' : 'json';
  const named = LINE_FILE.test(file) ? 'ndjson' : MESSAGE_FILE.test(file) ? 'json' : undefined;
  const as = read === 'ndjson' ? 'one message per line' : 'one document';
  return `it was read as ${as} because of --input ${read}, whatever its name: ${named === wanted ? `drop --input (its name says ${wanted === 'json' ? 'one document' : 'one message per line'}), or give --input ${wanted}` : `give --input ${wanted}`}`;
};

/**
 * How to have one JSON document read whole: a file is named `.json` or given `--input json`; a
 * stream (standard input, a pipe, a FIFO, `/dev/stdin`) has no name to change, and is read so
 * with `--input json`. Said
 * by the name it was given, `/dev/stdin` was told to "name it .json" (a fixer).
 */
export const jsonWayOut = (origin: Origin, file: string) => (origin === 'found' ? foundWayOut('json', file) : origin === 'stream' ? 'give --input json' : origin === 'flagged' ? flaggedWayOut('json', file) : 'name it .json, or give --input json');

/** How to have NDJSON read line by line: as {@link jsonWayOut}, by name for a file, with `--input ndjson` for a stream. */
export const ndjsonWayOut = (origin: Origin, file: string) => (origin === 'found' ? foundWayOut('ndjson', file) : origin === 'stream' ? 'give --input ndjson' : origin === 'flagged' ? flaggedWayOut('ndjson', file) : 'such a file is read line by line when named .ndjson or .jsonl, or with --input ndjson');

/**
 * {@link ndjsonWayOut} and {@link jsonWayOut} for a file found in a folder, which goes by its
 * extension whatever `--input` says: renamed, or named itself with `--input` (the command to
 * give). They were told "or with --input ndjson", which does nothing for a folder's files, and
 * told it again when it was given (a tester).
 *
 * @param file the file's path as found under the folder named
 */
export const foundWayOut = (format: 'json' | 'ndjson', file: string) =>
  `${format === 'ndjson' ? 'such a file is read line by line when named .ndjson or .jsonl' : 'name it .json'} (a folder's files go by their names, whatever --input says), or name the file itself: validate --input ${format} ${shellWord(file)}`;

/** What text of JSON documents one after another is told (pretty-printed files piped together: a fresh user tried --input ndjson, then --input json, and neither said what works). A hint, as {@link withHint} takes it. */
export const DOCUMENTS_HINT = 'it holds JSON documents one after another: give each as a file of its own, put them in one array, or write one message per line (jq -c .)';

/**
 * The hint for text that goes on after one JSON document (`JSON.parse`'s "… after JSON" at
 * `position`): {@link DOCUMENTS_HINT} when what follows opens a JSON value, else what to do with
 * the stray text (`,` copied out of an array, a `]` of a file cut from one, a word): it was told
 * "documents one after another" and `jq -c .`, which reads it no better (a fresh user).
 *
 * @param text the document's text, as parsed
 * @param position the character offset of what follows the document (the error's `position`)
 */
export function afterJsonHint(text: string, position: number | undefined): string {
  const rest = position === undefined ? '' : text.slice(position, position + 64);
  const opens = /^(?:[{["\d-]|(?:true|false|null)(?![\w$]))/;
  if (opens.test(rest)) return DOCUMENTS_HINT;
  // Messages copied out of an array with their commas (`{…},\n{…}`): one array is what reads them (it was told to remove
  // what follows, which drops every message but the first: tFA F3).
  if (/^,\s*/.test(rest) && opens.test(rest.replace(/^,\s*/, ''))) return 'it holds documents separated by commas, as in an array: put them in one ([ … ]), or write one message per line without the commas';
  return 'remove what follows the document: JSON text is one value (one message, or an array of them)';
}

/**
 * The hint for a line of NDJSON whose message a comma follows (`{…},`, or `{…}, {…}`): lines
 * copied out of an array with their commas. {@link afterJsonHint} tells a document so; a line got
 * the parser's words only (tFH F1). Said alike whatever the line came from (a file, standard
 * input), so that `--jobs` never changes it.
 *
 * @param text the line's text, as parsed
 * @param position the character offset of what follows the message (the error's `position`)
 * @returns the hint, or undefined when no comma follows the message
 */
export function lineCommaHint(text: string, position: number | undefined): string | undefined {
  if (position === undefined || text[position] !== ',') return undefined;
  return 'the line holds a message followed by a comma, as in an array: write one message per line without the commas, or put the messages in one array ([ … ]) read as one document';
}

/**
 * The hint for a line of NDJSON that begins with a comma before its message (`,{…}`): lines
 * copied out of an array whose commas were written first, the same mistake {@link lineCommaHint}
 * tells of commas written last (tGI F6).
 *
 * @param text the line's text, as parsed
 * @param position the character offset where the text stops being JSON (the error's `position`)
 * @returns the hint, or undefined when the line does not begin with a comma before a message
 */
export function leadingCommaHint(text: string, position: number | undefined): string | undefined {
  if (position === undefined || text[position] !== ',' || text.slice(0, position).trim() !== '' || !/^\s*[{[]/.test(text.slice(position + 1))) return undefined;
  return 'the line begins with a comma, as in an array written with its commas first: write one message per line without the commas, or put the messages in one array ([ … ]) read as one document';
}

/** `error` with `hint` given, said at the end of its message too (`<message>; <hint>`): a new error, `error` is not changed. */
export function withHint(error: ValidationError, hint: string): ValidationError {
  return { ...error, message: `${error.message}; ${hint}`, hint };
}

/**
 * The error for text whose bracket `bracket` (`[` or `{`) at UTF-16 offset `position` opens
 * level {@link MAX_NESTING_DEPTH} + 1 (`JsonTextScan.deepAt`): keyword `depth` at pointer `''`,
 * with `position` set.
 *
 * @param position UTF-16 offset of the bracket in the text scanned (a line, a document, a frame)
 * @param bracket the bracket as written, `[` or `{`
 * @param where how to say the place; default `at position <position>` (a `.json` document says its column too)
 */
export function nestingError(position: number, bracket: string, where = `at position ${position}`): ValidationError {
  const expected = `at most ${MAX_NESTING_DEPTH} levels of nesting (the most the CLI reads; the contract sets no limit)`;
  return { ...validationError('', 'depth', expected, `"${bracket}" opening level ${MAX_NESTING_DEPTH + 1} ${where}`), position };
}

/** The error for a line (or `listen`'s frame) whose bracket `bracket` at UTF-16 offset `position` opens array or object number {@link MAX_LINE_BRACKETS} + 1 (`JsonTextScan.manyAt`). */
export function bracketsError(position: number, bracket: string, unit: 'line' | 'frame' = 'line'): ValidationError {
  const expected = `at most ${MAX_LINE_BRACKETS} arrays and objects in one ${unit} (the most the CLI reads; the contract sets no limit)`;
  return { ...validationError('', 'brackets', expected, `"${bracket}" opening number ${MAX_LINE_BRACKETS + 1} at position ${position}`), position };
}

/** The error for a line whose key at UTF-16 offset `position` (its opening quote) is key number {@link MAX_LINE_KEYS} + 1 (`JsonTextScan.keysAt`). */
export function keysError(position: number): ValidationError {
  const expected = `at most ${MAX_LINE_KEYS} keys in one line (the most the CLI reads; the contract sets no limit)`;
  return { ...validationError('', 'keys', expected, `key number ${MAX_LINE_KEYS + 1} at position ${position}`), position };
}

/** A key written twice in one JSON object: what `JSON.parse` silently resolves to the last value. */
export interface DuplicateKey {
  /**
   * JSON Pointer of the duplicated key, relative to the text that was scanned; `''` (offset 0)
   * for one nested too deep to locate (in a `.json` array: the element's pointer and offset).
   */
  pointer: string;
  /** Path of the key as segments (array indices as numbers), relative to the scanned text. */
  path: (string | number)[];
  /** UTF-16 offset of the second occurrence in the scanned text. */
  offset: number;
}

let utf8: TextDecoder | undefined;

/**
 * Decodes UTF-8 bytes, refusing what is not UTF-8 (RFC 8259 §8.1: JSON text exchanged between
 * systems is UTF-8). A byte-order mark is dropped.
 *
 * @param baseOffset byte offset of `bytes` in its file, so the error names the file's offset
 * @returns the text, or the first byte that is not UTF-8 and its offset in the file
 */
export function decodeUtf8(bytes: Uint8Array, baseOffset = 0): { text: string } | { offset: number; error: ValidationError } {
  utf8 ??= new TextDecoder('utf-8', { ignoreBOM: false });
  if (isUtf8(bytes)) return { text: utf8.decode(bytes) };
  const bad = firstInvalidUtf8Byte(bytes);
  const offset = baseOffset + bad;
  return { offset, error: notUtf8Error(offset, bytes[bad] ?? 0) };
}

/** The error for text whose byte `byte` at byte offset `offset` (in its file or stream) is not UTF-8. */
export function notUtf8Error(offset: number, byte: number): ValidationError {
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  // The offset counts from the start of the file (a line's other positions count from the line).
  // The way out is the hint, as a UTF-16 file's (it was in `found`, which JSON output's readers take for what was found: a tester).
  return { ...validationError('', 'json', 'UTF-8 text', `the byte ${hex} at byte offset ${offset} of the input, which is not UTF-8`, SAVE_AS_UTF8), byteOffset: offset };
}

/**
 * What keeps bytes from being UTF-8 JSON text at a glance, from their first line (at most 64
 * KiB of it): a UTF-32 or UTF-16 byte-order mark, gzip's magic number, or a NUL byte in a line that is no text — not UTF-8,
 * other control bytes (gzip, xz, images), NULs in a quarter of a line of 16 bytes or more
 * (UTF-32 or UTF-16 without a mark, named as such when its first characters are ASCII), or 64 KiB without a line end (`/dev/zero`). A stray NUL in a line of
 * text is that line's fault, found when the line is read: a bad line never hides the others.
 *
 * @param head the input's first bytes, up to its first line end and at most 64 KiB
 * @param file the input's name, for the way out a gzip file is told (`<stdin>`: none)
 * @returns what the input is (an error's `found`) and what to do (its `hint`), or undefined when it may be text
 */
export function sniffBinary(head: Uint8Array, file = '<stdin>'): { found: string; hint?: string } | undefined {
  // UTF-32's marks first: the little-endian one starts with UTF-16LE's (it read "UTF-16 text": a fresh tester).
  if ((head[0] === 0xff && head[1] === 0xfe && head[2] === 0 && head[3] === 0) || (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff)) return { found: 'UTF-32 text (byte-order mark)', hint: SAVE_AS_UTF8 };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return { found: 'UTF-16 text (byte-order mark)', hint: SAVE_AS_UTF8 };
  // gzip's magic number: said so, with what to do (it read "a binary file": a hostile tester),
  // naming the file (it said `zcat file.gz` of a file named otherwise: a fresh user).
  // The way out is the error's hint, as other errors' (JSON output had it in `found`: a fresh tester).
  if (head[0] === 0x1f && head[1] === 0x8b && head.length >= 10) return { found: 'gzip-compressed data', hint: gzipWayOut(file) };
  const nul = head.indexOf(0);
  if (nul === -1) return undefined;
  let nuls = 0;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const byte = head[i]!;
    if (byte === 0) nuls++;
    else if (byte < 32 && byte !== 9 && byte !== 13) controls++;
  }
  const binary = head.length >= 65536 || controls > 0 || (head.length >= 16 && nuls * 4 >= head.length) || !isUtf8(head);
  if (!binary) return undefined;
  // ASCII written as UTF-16 without a mark: a NUL beside every character, on one side (it read
  // "a binary file", which did not say what to do).
  // UTF-32 likewise: three NULs beside every character (it read "a binary file": a fresh tester).
  const wide = utf32Order(head);
  if (wide) return { found: `UTF-32${wide} text without a byte-order mark`, hint: SAVE_AS_UTF8 };
  const order = utf16Order(head);
  return order ? { found: `UTF-16${order} text without a byte-order mark`, hint: SAVE_AS_UTF8 } : { found: `a binary file (NUL byte at offset ${nul})` };
}

const SAVE_AS_UTF8 = 'save it as UTF-8';

/** The error for an input {@link sniffBinary} found to be no UTF-8 JSON text. */
export function binaryError(binary: { found: string; hint?: string }): ValidationError {
  return validationError('', 'json', 'UTF-8 JSON text', binary.found, binary.hint);
}

/**
 * The error for an input whose first line runs past its first 64 KiB (`head`, as
 * {@link sniffBinary} reads it) with a byte in them that is not UTF-8: the byte and its offset,
 * as a short input's is told, at once (an endless stream of 0xFF was read 256 MiB into memory
 * first, then blamed on its size: a fresh tester). A sequence the 64 KiB cut at their end is
 * not a fault. Such a line is no text: one error for the input, as a binary one.
 *
 * @param head the input's first bytes, up to its first line end and at most 64 KiB
 * @returns the error ({@link notUtf8Error}), or undefined when the head is shorter (the input's
 *   own reader tells a short line's bytes) or UTF-8
 */
export function notUtf8Head(head: Uint8Array): ValidationError | undefined {
  if (head.length < 65536) return undefined;
  try {
    // Streaming, the decoder holds back a sequence cut at the end instead of refusing it.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return undefined;
  } catch {
    // The first bad byte lies before any cut sequence at the end: the decoder refused one there.
    const bad = firstInvalidUtf8Byte(head);
    return notUtf8Error(bad, head[bad]!);
  }
}

/**
 * `LE` or `BE` when `head`'s first 64 bytes (at least 4) are ASCII characters written as UTF-16
 * in that byte order: every other byte NUL, none of the ones between; else undefined.
 */
function utf16Order(head: Uint8Array): 'LE' | 'BE' | undefined {
  const length = Math.min(head.length, 64);
  if (length < 4) return undefined;
  // LE writes the character first (`{` 00), BE its NUL first (00 `{`).
  const nulAt = head[0] === 0 ? 0 : 1;
  for (let i = 0; i < length; i++) {
    const byte = head[i]!;
    if ((i % 2 === nulAt) !== (byte === 0) || byte > 0x7f) return undefined;
  }
  return nulAt === 1 ? 'LE' : 'BE';
}

/**
 * `LE` or `BE` when `head`'s first 64 bytes (at least 8) are ASCII characters written as UTF-32
 * in that byte order: three NULs beside each character, on the same side; else undefined.
 */
function utf32Order(head: Uint8Array): 'LE' | 'BE' | undefined {
  const length = Math.min(head.length, 64) & ~3;
  if (length < 8) return undefined;
  // LE writes the character first (`{` 00 00 00), BE its NULs first (00 00 00 `{`).
  const charAt = head[0] === 0 ? 3 : 0;
  for (let i = 0; i < length; i++) {
    const byte = head[i]!;
    if ((i % 4 === charAt) === (byte === 0) || byte > 0x7f) return undefined;
  }
  return charAt === 0 ? 'LE' : 'BE';
}

/** `text` without its leading byte-order mark (U+FEFF), if it has one; otherwise `text` itself. Never throws. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The keys that appear twice in one object of `text` (I-JSON, RFC 7493 §2.3, forbids them),
 * found with jsonc-parser's scanner, in text order, `text` being one message (the elements of a
 * `.json` array are each looked at alone), each key once per object: the first, and up to {@link MAX_DUPLICATES_LISTED}
 * while their pointers fit in twice the text's length. Text too deeply nested for the scanner gives those found
 * before its stack ran out, or, when `parsed` is given and shows a key written twice but none
 * was found, one entry with pointer `''`: there is one, its place is unknown.
 *
 * @param parsed `JSON.parse(text)` when the caller has it: when the text writes no more keys
 *   than the value holds (counted by {@link scanJsonText}, one pass), no key can be doubled,
 *   and the slow scan is skipped
 * @param scan `scanJsonText(text)` when the caller has it (it is not computed twice)
 * @param shared the pointer budget, when calls on several texts share one (each text's first
 *   doubled key is listed whatever is left)
 */
export function findDuplicateKeys(text: string, parsed?: { value: unknown }, scan?: JsonTextScan, shared?: { budget: number }): DuplicateKey[] {
  if (parsed && (scan ?? scanJsonText(text)).keys <= countKeys(parsed.value)) return [];
  const found: DuplicateKey[] = [];
  /** Per object open: each key seen, and whether its doubling was listed (once per key and object: 100 lines for one key written 101 times said nothing more; a hostile tester). */
  const open: Map<string, boolean>[] = [];
  // A pointer is as long as the path it names: a line doubling a long key at each of 3,000
  // levels made 3,000 pointers of 3 MB (9 GB, out of memory). Listed: each message's first
  // (its verdict), then more while it has fewer than MAX_DUPLICATES_LISTED and the pointers
  // listed fit in a budget of twice the text. Memory stays linear in the text.
  const pointers = shared ?? { budget: 2 * text.length + 65_536 };
  let listed = 0;
  try {
    visit(text, {
      onObjectBegin: () => {
        open.push(new Map());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (property, offset, _length, _line, _character, pathSupplier) => {
        const keys = open.at(-1);
        if (!keys) return;
        const listedBefore = keys.get(property);
        if (listedBefore === undefined) keys.set(property, false);
        else if (!listedBefore) {
          keys.set(property, true);
          const parent = pathSupplier();
          if (listed === 0 || (listed < MAX_DUPLICATES_LISTED && pointers.budget > 0)) {
            const path = [...parent, property];
            const pointer = path.map((segment) => `/${escapeToken(String(segment))}`).join('');
            pointers.budget -= pointer.length;
            listed++;
            found.push({ path, pointer, offset });
          }
        }
      },
    });
  } catch {
    // Nesting deeper than the scanner's stack. When the count above showed a key written twice
    // and none was found before the overflow, say so without a place rather than nothing.
    if (parsed && found.length === 0) found.push({ path: [], pointer: '', offset: 0 });
    return found;
  }
  return found;
}

/** Keys written twice listed for one message, at most (`validate --all-errors` shows up to this many; without it, the first). */
export const MAX_DUPLICATES_LISTED = 100;

/** The error for a duplicated key at `pointer` (relative to the message); `''` for one nested too deep to locate. */
export function duplicateKeyError(pointer: string): ValidationError {
  // The root is never a key's place: '' is a doubled key nested too deep to locate.
  if (pointer === '') return validationError('', 'duplicateKey', `each key once in an object (I-JSON, RFC 7493)`, 'a key written twice, nested too deep to say where; JSON.parse keeps only the last value');
  const key = pointer.slice(pointer.lastIndexOf('/') + 1).replaceAll('~1', '/').replaceAll('~0', '~');
  // A long key is cut in the text, as the validator's texts cut it; the pointer names it whole.
  const shown = JSON.stringify(cut(key, 60));
  return validationError(pointer, 'duplicateKey', `each key once in an object (I-JSON, RFC 7493)`, `${shown} more than once; JSON.parse keeps only the last value`);
}

export { findLoneSurrogates, loneSurrogateError, mayHoldSurrogateEscape, type LoneSurrogate } from '../../runtime/lone-surrogates.js';

/**
 * 1-based line of an offset in `text`, for many lookups in one text: its line breaks are found
 * once, on the first call, and each lookup is a binary search (a `.json` array of a million
 * rejected messages counted the lines from the start for each: quadratic).
 */
export function lineLookup(text: string): (offset: number) => number {
  let breaks: number[] | undefined;
  return (offset) => {
    if (!breaks) {
      breaks = [];
      if (!text.includes('\r')) for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) breaks.push(index);
      // A carriage return alone ends a line too (classic Mac OS, some tools' "CR" setting), as
      // an editor shows it: every fault of such a file was on line 1 (tGI F7).
      else for (const end of text.matchAll(/\r\n?|\n/g)) breaks.push(end.index);
    }
    // The line is one more than the breaks before the offset.
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (breaks[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}

/** 1-based line of `offset` in `text` (one lookup; {@link lineLookup} for many). */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** 1-based line of byte `offset` in `bytes`: one more than the `\n` bytes (10) before it. */
export function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = bytes.indexOf(10); index !== -1 && index < offset; index = bytes.indexOf(10, index + 1)) line++;
  return line;
}

