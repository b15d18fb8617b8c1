import { firstDuplicateKey } from '../languages/duplicate-keys.js';
import { firstInexactNumber } from '../languages/inexact-numbers.js';

/**
 * What a schema file's text says that `JSON.parse` loses, so that only its text can tell: a key
 * written twice in one object (the last value is kept), or a number it does not hold as written
 * (`9007199254740993`, `1e400`). The loader refuses either; `diff`, which compares a copy written
 * again from the parsed value, warns of it (a schema with a doubled `maxLength` was compared as
 * its last value, in silence: a fresh user).
 *
 * @returns the JSON Pointer and the problem of the first such place, and whether `JSON.stringify`
 *   cannot write the value back at all (`1e400` is written as `null`), or undefined
 */
export function writtenTextFault(text: string): { pointer: string; problem: string; unwritable: boolean } | undefined {
  const duplicate = firstDuplicateKey(text);
  if (duplicate) return { pointer: duplicate.pointer, problem: `duplicate key "${duplicate.key}" (JSON.parse would keep only the last value)`, unwritable: false };
  // `maximum: 9007199254740993` was generated as 9007199254740992 into the validators, the
  // docs and every language, silently; `1e400` reached ajv as Infinity and failed with no file named.
  const inexact = firstInexactNumber(text);
  if (inexact === undefined) return undefined;
  const { pointer, written, read } = inexact;
  if (!Number.isFinite(read)) return { pointer, problem: `expected a finite number, got ${written}, read as ${read} (beyond the range of a double)`, unwritable: true };
  const problem = read === 0 ? `expected a number JSON.parse holds as written, got ${written}, read as 0 (below the range of a double)` : `expected a number JSON.parse holds as written, got ${written}, read as ${String(read)} (integers beyond 2^53 lose digits in JavaScript)`;
  return { pointer, problem, unwritable: false };
}
