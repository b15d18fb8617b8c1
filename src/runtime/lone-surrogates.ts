/**
 * Half a UTF-16 surrogate pair alone in a message's strings: I-JSON (RFC 7493 §2.1) forbids it,
 * UTF-8 cannot carry it. Strict `validate` and `listen` report it, the server refuses to publish
 * it and the builders with `{ validate: true }` throw (JSON Schema alone does not see it).
 */
import { cut, validationError, type ValidationError } from './errors.js';
import { escapeToken } from './json-pointer.js';

/** A string (key or value) holding half a UTF-16 surrogate pair without the other half. */
export interface LoneSurrogate {
  /** JSON Pointer of the value, or of the member whose key it is, relative to the message. */
  pointer: string;
  /** Whether the key at `pointer` holds it (else the string value there). */
  key: boolean;
  /** The string as `JSON.parse` read it. */
  text: string;
}

/** Half a surrogate pair alone (no `u` flag: the pattern reads UTF-16 code units). */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether `text` holds half a UTF-16 surrogate pair alone (`"\ud800"`). UTF-8 cannot carry
 * one: Redis, files and other languages read U+FFFD instead (so two user ids `"\ud800"` and
 * `"\ufffd"` would name one Redis stream).
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE.test(text);
}

/**
 * Whether JSON `text` may write a lone surrogate: only an escape can (`"\ud800"`; UTF-8 text
 * cannot hold one, and decoding refused it), and every escape starts with a backslash and `u`.
 * One `indexOf` for the usual message, which has none.
 */
export function mayHoldSurrogateEscape(text: string): boolean {
  return text.includes('\\u');
}

/**
 * The strings of `value` (as `JSON.parse` read it), keys and values at any depth, that hold
 * half a UTF-16 surrogate pair alone, such as the escape `"\ud800"` with no `"\udc00"` after
 * it. I-JSON (RFC 7493 §2.1) forbids it: UTF-8 cannot hold it, so another language reads
 * something else (Go's decoder a U+FFFD, Python's a string it cannot encode). In text order
 * (but that `JSON.parse` puts keys such as `"2"` first in their object), at most `limit` (default 100).
 * Ask {@link mayHoldSurrogateEscape} of the text first: a message without escapes has none.
 */
export function findLoneSurrogates(value: unknown, limit = 100): LoneSurrogate[] {
  const found: LoneSurrogate[] = [];
  // No recursion: a message nested 10,000 levels deep is walked like any other. Each entry is a
  // string or container to look at, its pointer, and whether it is a key; children are pushed
  // last first (a key above its value), so they come off in text order.
  const stack: [unknown, string, boolean][] = [[value, '', false]];
  while (stack.length > 0 && found.length < limit) {
    const [next, pointer, key] = stack.pop()!;
    if (typeof next === 'string') {
      if (LONE.test(next)) found.push({ pointer, key, text: next });
    } else if (Array.isArray(next)) {
      for (let i = next.length - 1; i >= 0; i--) {
        const item: unknown = next[i];
        if (typeof item === 'string' || (typeof item === 'object' && item !== null)) stack.push([item, `${pointer}/${i}`, false]);
      }
    } else if (typeof next === 'object' && next !== null) {
      const names = Object.keys(next);
      for (let i = names.length - 1; i >= 0; i--) {
        const name = names[i]!;
        const item: unknown = (next as Record<string, unknown>)[name];
        const at = `${pointer}/${escapeToken(name)}`;
        if (typeof item === 'string' || (typeof item === 'object' && item !== null)) stack.push([item, at, false]);
        stack.push([name, at, true]);
      }
    }
  }
  return found;
}

/** The error for a string with a lone surrogate (see {@link findLoneSurrogates}). */
export function loneSurrogateError({ pointer, key, text }: LoneSurrogate): ValidationError {
  const shown = JSON.stringify(cut(text, 60));
  return validationError(
    pointer,
    'loneSurrogate',
    'text whose surrogate escapes come in pairs (I-JSON, RFC 7493 §2.1)',
    `${key ? 'the key ' : ''}${shown}, which holds half a pair alone: UTF-8 cannot carry it, so Go reads U+FFFD and Python cannot encode it`,
    'escape a character beyond U+FFFF as both halves ("\\ud83d\\ude00"), or write it as UTF-8',
  );
}

/** {@link LONE} with the `g` flag, for `replace`. */
const ALL_LONE = new RegExp(LONE.source, 'g');

/**
 * `text` with each half surrogate pair alone written as the six characters of its escape
 * (`\ud800`), so that it can go into a message that stays well-formed (an error's text quoting
 * what a client sent). Other text is unchanged.
 */
export function escapeLoneSurrogates(text: string): string {
  return text.replace(ALL_LONE, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}
