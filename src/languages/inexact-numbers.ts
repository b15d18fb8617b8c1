import { visit } from 'jsonc-parser';
import { escapeToken } from '../runtime/json-pointer.js';

/**
 * The first number of the JSON `text` that `JSON.parse` cannot hold as written, found with
 * jsonc-parser's visitor: one beyond a double's range (`1e400` is read as `Infinity`), or an
 * integer written without fraction or exponent that a double rounds (`9007199254740993` is read
 * as `9007199254740992`). A decimal fraction (`0.1`) is not reported: no double holds most of
 * them, and no reader expects one to.
 *
 * @returns the JSON Pointer of the number, the number as written and as read, or undefined when
 *   every number is held exactly
 */
export function firstInexactNumber(text: string): { pointer: string; written: string; read: number } | undefined {
  let found: { pointer: string; written: string; read: number } | undefined;
  visit(text, {
    onLiteralValue: (value: unknown, offset, length, _line, _character, pathSupplier) => {
      if (found || typeof value !== 'number') return;
      const written = text.slice(offset, offset + length);
      if (Number.isFinite(value) && !(/^-?\d+$/.test(written) && BigInt(written) !== BigInt(value))) return;
      found = { pointer: pathSupplier().map((segment) => `/${escapeToken(String(segment))}`).join(''), written, read: value };
    },
  });
  return found;
}
