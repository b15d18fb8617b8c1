import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { ValidationError } from '../runtime/errors.js';
import { parsePointer, resolvePointer } from '../runtime/json-pointer.js';

/**
 * Numbers as the producer wrote them, for error texts: used by `validate`, `listen` and the
 * reference server's `INVALID_MESSAGE` details.
 */

/** `parseTree`, or undefined for text it cannot take (e.g. nesting too deep for a recursive parser). */
export function safeParseTree(text: string): JsonNode | undefined {
  try {
    return parseTree(text) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of the number at `prefix` + `pointer` in `tree` (of `text`), or undefined when no
 * number is there. Of a key written twice, the last (the one `JSON.parse` keeps).
 */
export function numberLiteral(text: string, tree: JsonNode | undefined, prefix: readonly (string | number)[], pointer: string): string | undefined {
  const steps = [...prefix, ...parsePointer(pointer)];
  const { node, depth } = deepestNode(tree, steps);
  return depth === steps.length && node?.type === 'number' ? text.slice(node.offset, node.offset + node.length) : undefined;
}

/**
 * The node at `steps` (JSON Pointer tokens, or array indexes) in jsonc-parser's `tree`, or the
 * deepest one on the way that exists, with how many steps it took. A step into an object is a
 * key (`"0"` too) and takes the last property written with it (the one `JSON.parse` keeps); into
 * an array, an index written as JSON Pointer writes it (no sign, no leading zero).
 */
export function deepestNode(tree: JsonNode | undefined, steps: readonly (string | number)[]): { node: JsonNode | undefined; depth: number } {
  let node = tree;
  let depth = 0;
  for (const step of steps) {
    let next: JsonNode | undefined;
    if (node?.type === 'object') next = node.children?.findLast((property) => property.children?.[0]?.value === String(step))?.children?.[1];
    else if (node?.type === 'array' && /^(0|[1-9]\d*)$/.test(String(step))) next = node.children?.[Number(step)];
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

/**
 * `error` with the number at fault shown as the text writes it when JavaScript reads it as
 * another (`12345678901234567890 (read as 12345678901234567000)`, `1.50 (read as 1.5)`, `1e400
 * (read as Infinity, not a finite number)`): such a number would otherwise be shown as one
 * nobody sent.
 *
 * @param message the parsed message the error is about
 * @param literal the text of the number at a JSON Pointer of the message, or undefined (e.g. {@link numberLiteral})
 */
export function asWritten(error: ValidationError, message: unknown, literal: (pointer: string) => string | undefined): ValidationError {
  if (error.found === undefined || error.keyword === 'json') return error;
  const value = resolvePointer(message, error.pointer);
  if (typeof value !== 'number') return error;
  const read = String(value);
  const written = literal(error.pointer);
  if (written === undefined || written === read || !error.found.includes(read)) return error;
  // Beyond the largest double (`1e400`), JSON.parse reads Infinity.
  const found = Number.isFinite(value) ? error.found.replace(read, `${written} (read as ${read})`) : error.found.replace(`${read} (not a finite number)`, `${written} (read as ${read}, not a finite number)`);
  return { ...error, found, message: error.message.replace(`got ${error.found}`, `got ${found}`) };
}
