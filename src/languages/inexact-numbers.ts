import { visit } from 'jsonc-parser';
import { escapeToken } from '../runtime/json-pointer.js';

/**
 * The first number of the JSON `text` that `JSON.parse` cannot hold as written, found with
 * jsonc-parser's visitor: one beyond a double's range (`1e400` is read as `Infinity`), one
 * too small for it (`1e-400` is read as 0), or a whole number written without an exponent that
 * a double rounds to another JavaScript writes otherwise (`9007199254740993` and
 * `9007199254740993.0` are read, and written back, as `9007199254740992`).
 * A fraction (`0.1`) or a number written with an exponent (`1e23`) is not reported otherwise:
 * no double holds most of them, and no reader expects one to.
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
      if (Number.isFinite(value) && !(value === 0 && /[1-9]/.test(written.split(/[eE]/)[0]!)) && !roundedWhole(written, value)) return;
      found = { pointer: pathSupplier().map((segment) => `/${escapeToken(String(segment))}`).join(''), written, read: value };
    },
  });
  return found;
}

/**
 * Whether `written`, a JSON number without an exponent, is a whole number that `read` (its
 * finite double) is not, and that JavaScript writes back otherwise: the generated code and docs
 * would hold another number. (`123456789012345670000` is no double, but JavaScript writes the
 * nearest one so: it is written back as it was, as `JSON.stringify` writes every double.)
 */
function roundedWhole(written: string, read: number): boolean {
  const whole = /^(-?\d+)(?:\.0+)?$/.exec(written)?.[1];
  // Below 2^53 a double holds every whole number.
  return whole !== undefined && Math.abs(read) >= 2 ** 53 && BigInt(whole) !== BigInt(read) && whole !== String(read);
}
