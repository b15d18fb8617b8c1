import { visit } from 'jsonc-parser';
import { escapeToken } from '../runtime/json-pointer.js';

/**
 * The first key written twice in one object of the JSON `text` (I-JSON, RFC 7493 §2.3, forbids
 * them; `JSON.parse` silently keeps the last value), found with jsonc-parser's visitor.
 *
 * @returns the JSON Pointer of the doubled key (its object's pointer plus the key) and the key,
 *   or undefined when every object's keys are distinct
 */
export function firstDuplicateKey(text: string): { pointer: string; key: string } | undefined {
  const open: Set<string>[] = [];
  let found: { pointer: string; key: string } | undefined;
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key, _offset, _length, _line, _character, pathSupplier) => {
      const keys = open.at(-1);
      if (!keys || found) return;
      if (keys.has(key)) found = { key, pointer: [...pathSupplier(), key].map((segment) => `/${escapeToken(String(segment))}`).join('') };
      keys.add(key);
    },
  });
  return found;
}
