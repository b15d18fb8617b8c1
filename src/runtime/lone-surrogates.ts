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
  if (limit <= 0) return found;
  if (typeof value === 'string') {
    if (LONE.test(value)) found.push({ pointer: '', key: false, text: value });
    return found;
  }
  if (typeof value !== 'object' || value === null) return found;
  // No recursion: a message nested 10,000 levels deep is walked like any other. Each array or
  // object open on the way down, with the next of its members to look at: memory of the depth,
  // not of the members (every member pushed with its pointer took about 0.15 KB a key, 145 MB
  // for a line of 1,000,000 keys: a fresh tester). A pointer is made for a container entered and
  // a string found only. Keys come in `Object.keys` order, each before its value.
  const open: Open[] = [openOf(value, '')];
  while (open.length > 0) {
    const top = open[open.length - 1]!;
    const { names } = top;
    const at = top.next++;
    if (at >= (names ?? (top.container as unknown[])).length) {
      open.pop();
      continue;
    }
    const name = names?.[at];
    if (name !== undefined && LONE.test(name)) {
      found.push({ pointer: `${top.pointer}/${escapeToken(name)}`, key: true, text: name });
      if (found.length >= limit) break;
    }
    const item: unknown = name !== undefined ? (top.container as Record<string, unknown>)[name] : (top.container as unknown[])[at];
    if (typeof item === 'string') {
      if (!LONE.test(item)) continue;
      found.push({ pointer: `${top.pointer}/${name !== undefined ? escapeToken(name) : at}`, key: false, text: item });
      if (found.length >= limit) break;
    } else if (typeof item === 'object' && item !== null) open.push(openOf(item, `${top.pointer}/${name !== undefined ? escapeToken(name) : at}`));
  }
  return found;
}

/** An array or object {@link findLoneSurrogates} is in: its keys (an object's), the next member, its pointer. */
interface Open {
  container: object;
  names: string[] | undefined;
  next: number;
  pointer: string;
}

function openOf(container: object, pointer: string): Open {
  return { container, names: Array.isArray(container) ? undefined : Object.keys(container), next: 0, pointer };
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
