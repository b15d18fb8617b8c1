import type { Node as JsonNode } from 'jsonc-parser';
import { arrayElementSpans, countKeys, scanJsonText, type JsonTextScan } from '../../languages/json-scan.js';
import { validationError } from '../../runtime/errors.js';
import { parsePointer } from '../../runtime/json-pointer.js';
import type { SourceEntry, SyntaxEntry } from './entry.js';
import { deepestNode, numberLiteral, safeParseTree } from '../../languages/as-written.js';
import { cliSyntaxError, decodeUtf8, ndjsonWayOut, withHint, findDuplicateKeys, type Origin, lineAtByte, lineLookup, MAX_NESTING_DEPTH, nestingError, binaryError, sniffBinary, type DuplicateKey } from './text.js';

/**
 * Reads one JSON document: a message, or an array of messages (each yields an entry with its
 * `index`). An entry's `locate(pointer)` gives the line of the faulty value, found by parsing the
 * text again with jsonc-parser only when asked (only on rejection). A message nested deeper than
 * {@link MAX_NESTING_DEPTH} is an error found before any parse (see {@link readDocumentText}).
 *
 * @param bytes the whole document (UTF-8; a byte-order mark is dropped)
 * @param duplicateKeys whether to look for keys written twice
 */
export function* readDocument(bytes: Uint8Array, file: string, duplicateKeys: boolean, origin: Origin = file === '<stdin>' ? 'stream' : 'named'): Generator<SourceEntry> {
  const binary = sniffBinary(bytes.subarray(0, 65536), file);
  if (binary) {
    yield { kind: 'syntax', file, line: 1, error: binaryError(binary) };
    return;
  }
  const decoded = decodeUtf8(bytes);
  if ('error' in decoded) {
    yield { kind: 'syntax', file, line: lineAtByte(bytes, decoded.offset), error: decoded.error };
    return;
  }
  // The decoder dropped one byte-order mark: a second is text, as on stdin and in NDJSON.
  for (const entry of readDocumentText(decoded.text, file, duplicateKeys)) {
    // NDJSON in a `.json` file (or given as --input json): its second line is "not JSON after
    // JSON". Said with the way out (a fresh user read only the parser's words).
    if (entry.kind === 'syntax' && entry.error.keyword === 'json' && entry.error.hint === undefined && isMessagePerLine(decoded.text)) {
      const hint = `it holds one message per line (NDJSON): ${ndjsonWayOut(origin, file)}`;
      yield { ...entry, error: withHint(entry.error, hint) };
    } else yield entry;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `text` has two or more non-blank lines, each starting with `{` (or `[`, or JSON on
 * its own: `null`) as NDJSON lines do (any of them may be broken or cut short: a bad line among good ones, a file still being
 * written; a fresh user's NDJSON with one broken line got no hint), the first of them JSON on
 * its own: the document's fault is where the second one starts (a broken first line is that
 * line's fault, said without the hint). A pretty-printed document's lines after the first
 * start otherwise (`"key":`, `}`).
 */
export function isMessagePerLine(text: string): boolean {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.length >= 2 && lines.every((line) => line.startsWith('{') || line.startsWith('[') || isJson(line)) && isJson(lines[0]!);
}

/**
 * {@link readDocument} on text already decoded. Before any parse, one pass of {@link scanDocument}
 * over the text: a document nested deeper than {@link MAX_NESTING_DEPTH} is not parsed whole
 * (see {@link tooDeepEntries}).
 *
 * @param parsed its value, when the caller has parsed it (after `scan` found it no deeper than the limit)
 * @param scan its {@link scanDocument}, when the caller has it
 */
export function* readDocumentText(text: string, file: string, duplicateKeys: boolean, parsed?: { value: unknown }, scan = scanDocument(text)): Generator<SourceEntry> {
  if (text.trim() === '') {
    yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'at least one message', text === '' ? (file === '<stdin>' ? 'empty input' : 'an empty file') : 'only whitespace') };
    return;
  }
  if (scan.deepAt !== undefined) {
    yield* tooDeepEntries(text, file, duplicateKeys, scan.deepAt);
    return;
  }
  let document: unknown;
  try {
    document = parsed ? parsed.value : JSON.parse(text);
  } catch (error) {
    const syntax = cliSyntaxError(text, (error as Error).message);
    const position = syntax.position ?? 0;
    // Text that ends too soon is at fault where its last character is, not on the line after its final newline.
    const line = lineLookup(text)(position >= text.length ? text.trimEnd().length : position);
    const at = ` at position ${position} `;
    const where = ` ${placeIn(text, position, line)} `;
    const placed = line > 1 && syntax.found?.includes(at) ? { ...syntax, found: syntax.found.replace(at, where), message: syntax.message.replace(at, where) } : syntax;
    yield { kind: 'syntax', file, line, error: placed };
    return;
  }
  const isArray = Array.isArray(document);
  const messages: unknown[] = isArray ? (document as unknown[]) : [document];
  if (messages.length === 0) {
    yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'at least one message', 'an empty array') };
    return;
  }
  let spans: number[] | undefined;
  const spansOf = () => (spans ??= arrayElementSpans(text));
  // Each message's keys written twice (pointers from the message, offsets in the document).
  const duplicatesOf: Map<number, DuplicateKey[]> = !duplicateKeys ? new Map() : isArray ? arrayDuplicates(text, messages, scan, spansOf) : new Map([[0, findDuplicateKeys(text, { value: document }, scan)]]);
  const source = { text, line: 1, scan };
  const lineOfOffset = lineLookup(text);
  const treeOf = messageTrees(text, isArray ? spansOf : undefined);
  const lineOf = (index: number, pointer: string) => {
    const found = treeOf(index);
    if (found) return lineOfOffset(found.start + nearestOffset(found.tree, parsePointer(pointer)));
    // A message whose tree cannot be built (nested too deep): the line it starts on.
    const start = isArray ? spansOf()[2 * index] : undefined;
    return start === undefined ? 1 : lineOfOffset(start);
  };
  const literalOf = (index: number, pointer: string) => {
    const found = treeOf(index);
    return found ? numberLiteral(found.text, found.tree, [], pointer) : undefined;
  };
  for (const [index, value] of messages.entries()) {
    const own = (duplicatesOf.get(index) ?? []).map(({ pointer, offset }) => ({ pointer, line: lineOfOffset(offset) }));
    yield {
      kind: 'message',
      file,
      // Located on demand (only on rejection): finding every element of a large array up front costs more than validating it.
      line: 1,
      ...(isArray && { index }),
      value,
      duplicateKeys: own,
      locate: (pointer: string) => lineOf(index, pointer),
      literal: (pointer: string) => literalOf(index, pointer),
      literals: (pointers: readonly string[]) => literalsOf(pointers, (pointer) => literalOf(index, pointer)),
      source,
    };
  }
}

/**
 * {@link scanJsonText} of a whole document, up to {@link MAX_NESTING_DEPTH} levels in each of its
 * messages: one more in a document whose root is an array (its bracket is no level of its
 * messages, which are its elements). Reads no further than the bracket that passes the limit.
 */
export function scanDocument(text: string): JsonTextScan {
  return scanJsonText(text, undefined, MAX_NESTING_DEPTH + (text.charCodeAt(skipSpace(text, 0)) === 91 ? 1 : 0));
}

/** Offset of the first character from `from` that is no JSON whitespace (`text.length` when none is). */
function skipSpace(text: string, from: number): number {
  let at = from;
  for (let c = text.charCodeAt(at); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++at));
  return at;
}

/** Where `position` is in a document, as its errors say it: `at position P` on line 1, `at column C (position P)` on a later line. */
function placeIn(text: string, position: number, line: number): string {
  if (line <= 1) return `at position ${position}`;
  // The report names the line: say the column in it too (the position counts from the start of the document).
  // A carriage return alone ends a line too (tGI F7).
  const column = position - (Math.max(text.lastIndexOf('\n', position - 1), text.lastIndexOf('\r', position - 1)) + 1) + 1;
  return `at column ${column} (position ${position})`;
}

/** One budget of pointers to keys written twice for a whole document of `text` (shared by its elements, see {@link findDuplicateKeys}). */
function duplicatesBudget(text: string): { budget: number } {
  return { budget: 2 * text.length + 65_536 };
}

/**
 * The entries of a document nested deeper than {@link MAX_NESTING_DEPTH} (`deepAt`: the bracket
 * that passes it, as {@link scanDocument} found it), which is not parsed whole. An array whose
 * elements each read alone (`[`, elements, commas, `]`) gives each element its own entry, in
 * order: an error at its place for each element nested too deep, as a bad line of NDJSON, and a
 * message for each other, judged as in a document read whole (its text its own `source`).
 * Anything else is one error, at `deepAt`.
 */
function* tooDeepEntries(text: string, file: string, duplicateKeys: boolean, deepAt: number): Generator<SourceEntry> {
  const lineOfOffset = lineLookup(text);
  const error = (position: number, index?: number): SyntaxEntry => {
    const line = lineOfOffset(position);
    return { kind: 'syntax', file, line, ...(index !== undefined && { index }), error: nestingError(position, text[position]!, placeIn(text, position, line)) };
  };
  const spans = text.charCodeAt(skipSpace(text, 0)) === 91 ? arrayElementSpans(text) : [];
  if (spans.length === 0 || !isArrayOf(text, spans)) {
    yield error(deepAt);
    return;
  }
  const entries: SourceEntry[] = [];
  // One budget of pointers to keys written twice for the whole document, as in arrayDuplicates.
  const shared = duplicatesBudget(text);
  for (let index = 0; 2 * index + 1 < spans.length; index++) {
    const start = spans[2 * index]!;
    const own = text.slice(start, spans[2 * index + 1]);
    const scan = scanJsonText(own, undefined, MAX_NESTING_DEPTH);
    if (scan.deepAt !== undefined) {
      entries.push(error(start + scan.deepAt, index));
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(own);
    } catch {
      // Not JSON: the document is one error, said where it passes the limit.
      yield error(deepAt);
      return;
    }
    const line = lineOfOffset(start);
    const duplicates = duplicateKeys ? findDuplicateKeys(own, { value }, scan, shared).map(({ pointer, offset }) => ({ pointer, line: lineOfOffset(start + offset) })) : [];
    let tree: JsonNode | undefined | null = null;
    const treeOf = () => (tree === null ? (tree = safeParseTree(own)) : tree);
    entries.push({
      kind: 'message',
      file,
      line,
      index,
      value,
      duplicateKeys: duplicates,
      locate: (pointer: string) => {
        const found = treeOf();
        return found ? lineOfOffset(start + nearestOffset(found, parsePointer(pointer))) : line;
      },
      literal: (pointer: string) => numberLiteral(own, treeOf(), [], pointer),
      literals: (pointers: readonly string[]) => literalsOf(pointers, (pointer) => numberLiteral(own, treeOf(), [], pointer)),
      // An element that is an array is no message, and the portability check warns of nothing in it, as in a document read whole.
      source: { text: own, line, scan: Array.isArray(value) ? { ...scan, nonPortable: false } : scan },
    });
  }
  yield* entries;
}

/** Whether `text` is `[`, the elements at `spans` (from {@link arrayElementSpans}) separated by commas, and `]`, with JSON whitespace around each. */
function isArrayOf(text: string, spans: readonly number[]): boolean {
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== 91) return false;
  at = skipSpace(text, at + 1);
  for (let i = 0; i < spans.length; i += 2) {
    if (i > 0) {
      if (text.charCodeAt(at) !== 44) return false;
      at = skipSpace(text, at + 1);
    }
    if (at !== spans[i]) return false;
    at = skipSpace(text, spans[i + 1]!);
  }
  return text.charCodeAt(at) === 93 && skipSpace(text, at + 1) === text.length;
}

/**
 * The syntax tree of message `index` of a document (jsonc-parser's, of the message's own text,
 * `start` its offset in the document), built only when a rejection asks where a value is. A
 * tree of a whole array of a million messages took gigabytes: `spansOf` gives the elements'
 * spans (found once, by {@link arrayElementSpans}; undefined for a document that is one
 * message), and one element's tree is kept (its faults are located one after another).
 * Undefined when the text cannot be walked.
 */
function messageTrees(text: string, spansOf: (() => number[]) | undefined): (index: number) => { tree: JsonNode; text: string; start: number } | undefined {
  let last: { index: number; found: { tree: JsonNode; text: string; start: number } | undefined } | undefined;
  return (index) => {
    if (last?.index === index) return last.found;
    let start = 0;
    let end = text.length;
    if (spansOf) {
      const spans = spansOf();
      start = spans[2 * index] ?? -1;
      end = spans[2 * index + 1] ?? -1;
    }
    const own = start < 0 ? '' : text.slice(start, end);
    const tree = own === '' ? undefined : safeParseTree(own);
    last = { index, found: tree && { tree, text: own, start } };
    return last.found;
  };
}

/**
 * The keys written twice in the elements of a `.json` array, by element index (pointers from
 * the element, offsets in the document), each element on its own: only when the document writes more keys than it holds, and only in the
 * elements that do (one walk of the whole array found nothing past an element nested deeper
 * than its stack, and not which element held one it could not place). Every element's first is
 * listed; the rest share one budget of pointers, as in {@link findDuplicateKeys}.
 */
function arrayDuplicates(text: string, elements: unknown[], scan: JsonTextScan, spansOf: () => number[]): Map<number, DuplicateKey[]> {
  const found = new Map<number, DuplicateKey[]>();
  if (scan.keys <= countKeys(elements)) return found;
  const spans = spansOf();
  const shared = duplicatesBudget(text);
  for (let index = 0; 2 * index + 1 < spans.length; index++) {
    const start = spans[2 * index]!;
    const own = findDuplicateKeys(text.slice(start, spans[2 * index + 1]), { value: elements[index] }, undefined, shared);
    if (own.length > 0) found.set(index, own.map((duplicate) => ({ ...duplicate, offset: start + duplicate.offset })));
  }
  return found;
}

/** Offset of the node at `tokens` in `tree`, or of its nearest existing ancestor (a property's from its key). */
function nearestOffset(tree: JsonNode, tokens: string[]): number {
  const { node } = deepestNode(tree, tokens);
  if (!node) return 0;
  return node.parent?.type === 'property' ? node.parent.offset : node.offset;
}

/** {@link MessageEntry.literals} by one {@link MessageEntry.literal} a pointer (a document's message has its syntax tree, made once). */
function literalsOf(pointers: readonly string[], literal: (pointer: string) => string | undefined): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  for (const pointer of pointers) {
    const written = literal(pointer);
    if (written !== undefined) found.set(pointer, written);
  }
  return found;
}
