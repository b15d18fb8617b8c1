import { visit, type Node as JsonNode } from 'jsonc-parser';
import { scanJsonText } from '../../languages/json-scan.js';
import { validationError } from '../../runtime/errors.js';
import { escapeToken, parsePointer } from '../../runtime/json-pointer.js';
import { describeSyntaxError } from '../../runtime/json-syntax.js';
import type { SourceEntry } from './entry.js';
import { deepestNode, numberLiteral, safeParseTree } from '../../languages/as-written.js';
import { decodeUtf8, findDuplicateKeys, lineAt, lineAtByte, lineLookup, sniffBinary, stripBom, type DuplicateKey } from './text.js';

/**
 * Reads one JSON document: a message, or an array of messages (each yields an entry with its
 * `index`). An entry's `locate(pointer)` gives the line of the faulty value, found by parsing the
 * text again with jsonc-parser only when asked (only on rejection).
 *
 * @param bytes the whole document (UTF-8; a byte-order mark is dropped)
 * @param duplicateKeys whether to look for keys written twice
 */
export function* readDocument(bytes: Uint8Array, file: string, duplicateKeys: boolean): Generator<SourceEntry> {
  const binary = sniffBinary(bytes.subarray(0, 65536));
  if (binary) {
    yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'UTF-8 JSON text', binary) };
    return;
  }
  const decoded = decodeUtf8(bytes);
  if ('error' in decoded) {
    yield { kind: 'syntax', file, line: lineAtByte(bytes, decoded.offset), error: decoded.error };
    return;
  }
  yield* readDocumentText(stripBom(decoded.text), file, duplicateKeys);
}

/** {@link readDocument} on text already decoded; `parsed` is its value when the caller has parsed it. */
export function* readDocumentText(text: string, file: string, duplicateKeys: boolean, parsed?: { value: unknown }): Generator<SourceEntry> {
  if (text.trim() === '') {
    yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'at least one message', text === '' ? 'an empty file' : 'only whitespace') };
    return;
  }
  let document: unknown;
  try {
    document = parsed ? parsed.value : JSON.parse(text);
  } catch (error) {
    const syntax = describeSyntaxError(text, (error as Error).message);
    const position = syntax.position ?? 0;
    const line = lineAt(text, position);
    // The report names the line: say the column in it too (the position counts from the start of the document).
    const column = position - (text.lastIndexOf('\n', position - 1) + 1) + 1;
    const at = ` at position ${position} `;
    const placed = line > 1 && syntax.found?.includes(at) ? { ...syntax, found: syntax.found.replace(at, ` at column ${column} (position ${position}) `), message: syntax.message.replace(at, ` at column ${column} (position ${position}) `) } : syntax;
    yield { kind: 'syntax', file, line, error: placed };
    return;
  }
  const isArray = Array.isArray(document);
  const messages: unknown[] = isArray ? (document as unknown[]) : [document];
  if (messages.length === 0) {
    yield { kind: 'syntax', file, line: 1, error: validationError('', 'json', 'at least one message', 'an empty array') };
    return;
  }
  const scan = duplicateKeys ? scanJsonText(text) : undefined;
  const duplicates = scan ? findDuplicateKeys(text, { value: document }, scan) : [];
  const source = { text, line: 1, scan };
  const lineOfOffset = lineLookup(text);
  const treeOf = messageTrees(text, isArray);
  const lineOf = (index: number, pointer: string) => {
    const found = treeOf(index);
    return found ? lineOfOffset(found.start + nearestOffset(found.tree, parsePointer(pointer))) : 1;
  };
  const literalOf = (index: number, pointer: string) => {
    const found = treeOf(index);
    return found ? numberLiteral(found.text, found.tree, [], pointer) : undefined;
  };
  // Each message's keys written twice, grouped once (filtering the whole list per element was quadratic).
  const duplicatesOf = new Map<number, DuplicateKey[]>();
  for (const duplicate of duplicates) {
    const owner = isArray ? (duplicate.path[0] as number) : 0;
    const list = duplicatesOf.get(owner);
    if (list) list.push(duplicate);
    else duplicatesOf.set(owner, [duplicate]);
  }
  for (const [index, value] of messages.entries()) {
    const prefix = isArray ? [index] : [];
    const own = (duplicatesOf.get(index) ?? []).map(({ path, offset }) => ({ pointer: path.slice(prefix.length).map((segment) => `/${escapeToken(String(segment))}`).join(''), line: lineOfOffset(offset) }));
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
      source,
    };
  }
}

/**
 * The syntax tree of message `index` of a document (jsonc-parser's, of the message's own text,
 * `start` its offset in the document), built only when a rejection asks where a value is. A
 * tree of a whole array of a million messages took gigabytes: the elements' spans are found
 * once, in one walk that builds nothing else, and one element's tree is kept (its faults are
 * located one after another). Undefined when the text cannot be walked.
 */
function messageTrees(text: string, isArray: boolean): (index: number) => { tree: JsonNode; text: string; start: number } | undefined {
  let spans: number[] | undefined;
  let last: { index: number; found: { tree: JsonNode; text: string; start: number } | undefined } | undefined;
  return (index) => {
    if (last?.index === index) return last.found;
    let start = 0;
    let end = text.length;
    if (isArray) {
      spans ??= elementSpans(text);
      // An element past a walk cut short has no span (or no end).
      start = spans[2 * index + 1] === undefined ? -1 : spans[2 * index]!;
      end = spans[2 * index + 1] ?? -1;
    }
    const own = start < 0 ? '' : text.slice(start, end);
    const tree = own === '' ? undefined : safeParseTree(own);
    last = { index, found: tree && { tree, text: own, start } };
    return last.found;
  };
}

/** Start and end offsets of each element of the array that is `text`'s root, in pairs: `[start0, end0, start1, end1, …]`. */
function elementSpans(text: string): number[] {
  const spans: number[] = [];
  let depth = 0;
  const begin = (offset: number) => {
    if (depth === 1) spans.push(offset);
    depth++;
  };
  const finish = (offset: number, length: number) => {
    depth--;
    if (depth === 1) spans.push(offset + length);
  };
  try {
    visit(text, {
      onObjectBegin: begin,
      onArrayBegin: begin,
      onObjectEnd: finish,
      onArrayEnd: finish,
      onLiteralValue: (_value, offset, length) => {
        if (depth === 1) spans.push(offset, offset + length);
      },
    });
  } catch {
    // Nested deeper than the walker's stack: the elements found so far.
  }
  return spans;
}

/** Offset of the node at `tokens` in `tree`, or of its nearest existing ancestor (a property's from its key). */
function nearestOffset(tree: JsonNode, tokens: string[]): number {
  const { node } = deepestNode(tree, tokens);
  if (!node) return 0;
  return node.parent?.type === 'property' ? node.parent.offset : node.offset;
}
