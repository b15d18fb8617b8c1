import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import { scanJsonText } from '../../languages/json-scan.js';
import { validationError } from '../../runtime/errors.js';
import { escapeToken, parsePointer } from '../../runtime/json-pointer.js';
import { describeSyntaxError } from '../../runtime/json-syntax.js';
import type { SourceEntry } from './entry.js';
import { numberLiteral, safeParseTree } from '../../languages/as-written.js';
import { decodeUtf8, findDuplicateKeys, lineAt, lineAtByte, sniffBinary, stripBom } from './text.js';

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
  let tree: JsonNode | undefined | null = null;
  const lineOf = (prefix: (string | number)[], pointer: string) => {
    tree ??= safeParseTree(text);
    return tree ? lineAt(text, nearestOffset(tree, prefix, parsePointer(pointer))) : 1;
  };
  const literalOf = (prefix: (string | number)[], pointer: string) => numberLiteral(text, (tree ??= safeParseTree(text)), prefix, pointer);
  for (const [index, value] of messages.entries()) {
    const prefix = isArray ? [index] : [];
    const own = duplicates
      .filter(({ path }) => !isArray || path[0] === index)
      .map(({ path, offset }) => ({ pointer: path.slice(prefix.length).map((segment) => `/${escapeToken(String(segment))}`).join(''), line: lineAt(text, offset) }));
    yield {
      kind: 'message',
      file,
      // Located on demand (only on rejection): finding every element of a large array up front costs more than validating it.
      line: 1,
      ...(isArray && { index }),
      value,
      duplicateKeys: own,
      locate: (pointer: string) => lineOf(prefix, pointer),
      literal: (pointer: string) => literalOf(prefix, pointer),
      source,
    };
  }
}

/** Offset of the node at `prefix + tokens`, or of its nearest existing ancestor. */
function nearestOffset(tree: JsonNode, prefix: (string | number)[], tokens: string[]): number {
  for (let length = tokens.length; length >= 0; length--) {
    const segments = [...prefix, ...tokens.slice(0, length).map((token) => (/^\d+$/.test(token) ? Number(token) : token))];
    const node = findNodeAtLocation(tree, segments);
    if (node) return node.parent?.type === 'property' ? node.parent.offset : node.offset;
  }
  return 0;
}
