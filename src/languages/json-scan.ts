/** What one pass over JSON text tells about it (see {@link scanJsonText}). */
export interface JsonTextScan {
  /** How many keys the text writes: strings followed (after optional whitespace) by a colon. */
  keys: number;
  /** Whether some number of the text is a whole float (`1.0`, `1e3`), an integer beyond ±(2^53 − 1) or a number past a double's range, by {@link isNonPortable}. */
  nonPortable: boolean;
  /**
   * With a `maxDepth`: offset of the `[` or `{` that opens level `maxDepth + 1` of the text's
   * arrays and objects (the root's bracket opens level 1), where the scan stopped (`keys` and
   * `nonPortable` then tell of the text before it only); undefined when the text nests no deeper.
   */
  deepAt: number | undefined;
  /**
   * With a `maxBrackets`: offset of the `[` or `{` that opens array or object number
   * `maxBrackets + 1` of the text, counted at any level, where the scan stopped (as at
   * `deepAt`); undefined when the text opens no more.
   */
  manyAt: number | undefined;
  /**
   * With a `maxKeys`: offset of the opening quote of key number `maxKeys + 1` of the text,
   * counted in all its objects, where the scan stopped (as at `deepAt`); undefined when the text
   * writes no more.
   */
  keysAt: number | undefined;
}

/**
 * One pass over JSON text, in the order of its characters, for the two cheap questions the CLI
 * asks of every message before its slow exact scans (jsonc-parser walks): how many keys are
 * written (more than the parsed value holds means a key written twice), and whether any number
 * may be non-portable. Exact for text that `JSON.parse` accepts, where a quote outside a string
 * opens one and a backslash in a string escapes the next character (about other text the
 * answer means nothing; the exact scans find nothing to report in it either).
 *
 * Numbers are read only where one may be non-portable: with an exponent, a fraction of zeros,
 * 16 or more integer digits, or a fraction close enough to a whole number that a double of
 * that size may round to it; only those are converted and checked with {@link isNonPortable}.
 *
 * The same pass counts the levels of nesting (brackets outside strings, as a quote and a
 * backslash are read above): with `maxDepth` it stops at the bracket that opens one level more,
 * so that a caller can refuse text nested too deep before any parse reads it (a parse of text
 * nested 45,000,000 deep took gigabytes; this check costs a comparison per structural character).
 * With `maxBrackets` it counts the arrays and objects opened too, beside the depth, and stops at
 * the one past it (a parse of a line of 80,000,000 `{}` under the line limit ran 15 minutes and
 * took 4.7 GB).
 *
 * @param suspects when given, receives the value of every non-portable number, in text order
 * @param maxDepth the most levels of nesting read (see {@link JsonTextScan.deepAt}); default: any
 * @param maxBrackets the most arrays and objects read (see {@link JsonTextScan.manyAt}); default: any
 * @param maxKeys the most keys read, in all objects together (see {@link JsonTextScan.keysAt}): a
 *   parse of one object of 8,500,000 keys did not end in 150 s (7,000,000 took 8 s); default: any
 */
export function scanJsonText(text: string, suspects?: number[], maxDepth?: number, maxBrackets?: number, maxKeys?: number): JsonTextScan {
  return scanJsonRange(text, 0, text.length, suspects, maxDepth, maxBrackets, maxKeys);
}

/**
 * {@link scanJsonText} of `text.slice(from, to)`, read in place: the NDJSON splitter scans each
 * line in the text of the chunk it decoded, not in the line's own string (a slice of it, whose
 * every character V8 reads through the slice: the pass cost 12–20 % more that way). `deepAt` is
 * an offset from `from`. The character at `to`, when there is one, must not continue a number
 * (a line end is fine): a number that ends the range is read up to it.
 */
export function scanJsonRange(text: string, from: number, to: number, suspects?: number[], maxDepth?: number, maxBrackets?: number, maxKeys?: number): JsonTextScan {
  const length = to;
  // A small integer either way: the comparison per bracket stays one of two small integers.
  const limit = maxDepth === undefined || maxDepth >= ANY_DEPTH ? ANY_DEPTH : maxDepth;
  const most = maxBrackets === undefined || maxBrackets >= ANY_DEPTH ? ANY_DEPTH : maxBrackets;
  let opened = 0;
  let manyAt: number | undefined;
  const keyLimit = maxKeys === undefined || maxKeys >= ANY_DEPTH ? ANY_DEPTH : maxKeys;
  let keysAt: number | undefined;
  let keys = 0;
  let nonPortable = false;
  let depth = 0;
  let deepAt: number | undefined;
  let i = from;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const open = i;
      // A string: its closing quote is the next one that no odd run of backslashes escapes.
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && close < length && text.charCodeAt(close - 1) === 92 && escaped(text, close)) close = text.indexOf('"', close + 1);
      if (close === -1 || close >= length) break;
      i = close + 1;
      let next = i < length ? text.charCodeAt(i) : -1;
      while (next === 32 || next === 10 || next === 13 || next === 9) next = ++i < length ? text.charCodeAt(i) : -1;
      if (next === 58) {
        if (++keys > keyLimit) {
          keys--;
          keysAt = open - from;
          break;
        }
        i++;
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      i = numberEnd(text, i, length);
      if (i < 0) {
        i = -i;
        if (suspects === undefined) nonPortable ||= isNonPortable(text.slice(start, i));
        else {
          const value = Number(text.slice(start, i));
          if (isNonPortable(text.slice(start, i), value)) {
            nonPortable = true;
            suspects.push(value);
          }
        }
      }
    } else {
      // `[` 91, `]` 93, `{` 123, `}` 125; of the others read here only the letters of true, false and null are not below 91.
      if (c >= 91) {
        if (c === 91 || c === 123) {
          if (++depth > limit) {
            deepAt = i - from;
            break;
          }
          if (++opened > most) {
            manyAt = i - from;
            break;
          }
        } else if (c === 93 || c === 125) depth--;
      }
      i++;
    }
  }
  return { keys, nonPortable, deepAt, manyAt, keysAt };
}

/** {@link scanJsonText}'s depth without a limit: more levels than a text of 2^30 characters can open. */
const ANY_DEPTH = 0x3fffffff;

/**
 * The end of the number token that starts at `start`, negated when the number may be a whole
 * float or an unsafe integer. A fraction whose first digit is neither 0 nor 9 is at least 0.1
 * from a whole number; one that starts with r zeros (or r nines) at least 10^-(r+1). A number
 * below 10^k (k integer digits) is off its double by less than 10^k / 2^53, so it may round to
 * a whole number only when k + r + 1 ≥ 16 (10^15 < 2^53).
 */
function numberEnd(text: string, start: number, length: number): number {
  let i = text.charCodeAt(start) === 45 ? start + 1 : start;
  const integer = i;
  while (i < length && isDigit(text.charCodeAt(i))) i++;
  const digits = i - integer;
  let suspect = digits >= 16;
  let c = text.charCodeAt(i);
  if (c === 46) {
    const fraction = ++i;
    const first = text.charCodeAt(i);
    if (first === 48 || first === 57) while (text.charCodeAt(i) === first) i++;
    const run = i - fraction;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    if ((first === 48 && run === i - fraction) || digits + run + 1 >= 16) suspect = true;
    c = text.charCodeAt(i);
  }
  if (c === 101 || c === 69) {
    suspect = true;
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) i++;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
  }
  return suspect ? -i : i;
}

/**
 * Where each element of the array that is `text`'s root starts and ends, as offsets in pairs
 * (`[start0, end0, start1, end1, …]`): one pass over the characters, at any depth (a recursive
 * walker's stack runs out on deep elements). Exact for text that `JSON.parse` accepts as an
 * array, where a quote outside a string opens one and a backslash in a string escapes the next
 * character; for other text the spans mean nothing.
 */
export function arrayElementSpans(text: string): number[] {
  const spans: number[] = [];
  const length = text.length;
  let depth = 0;
  let start = -1;
  let end = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && text.charCodeAt(close - 1) === 92 && escaped(text, close)) close = text.indexOf('"', close + 1);
      if (close === -1) break;
      if (depth === 1) {
        if (start < 0) start = i;
        end = close + 1;
      }
      i = close;
    } else if (c === 91 || c === 123) {
      if (depth === 1 && start < 0) start = i;
      depth++;
    } else if (c === 93 || c === 125) {
      depth--;
      if (depth === 1) end = i + 1;
      else if (depth === 0) {
        if (start >= 0) spans.push(start, end);
        break;
      }
    } else if (depth === 1) {
      if (c === 44) {
        spans.push(start, end);
        start = -1;
      } else if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
        // A number or a literal, one character at a time.
        if (start < 0) start = i;
        end = i + 1;
      }
    }
  }
  return spans;
}

/**
 * Offset just past the array or object that `text` starts with (after JSON whitespace): the
 * bracket that closes its first bracket, found in one pass over the characters at any depth
 * (brackets in strings skipped as {@link arrayElementSpans} skips them); -1 when the text starts
 * with anything else or the bracket is never closed. Whether the text is one value without
 * parsing it (text nested too deep to parse): exact for text that `JSON.parse` accepts; for
 * other text it tells only where its brackets balance.
 */
export function rootValueEnd(text: string): number {
  const length = text.length;
  let i = 0;
  for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  const first = text.charCodeAt(i);
  if (first !== 91 && first !== 123) return -1;
  let depth = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && text.charCodeAt(close - 1) === 92 && escaped(text, close)) close = text.indexOf('"', close + 1);
      if (close === -1) return -1;
      i = close;
    } else if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Whether the character at `index` is escaped: an odd number of backslashes before it. */
function escaped(text: string, index: number): boolean {
  let backslashes = 1;
  while (text.charCodeAt(index - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether the JSON number written `written` is a whole float (`1.0`, `1e3`), an integer beyond ±(2^53 − 1), or past a double's range (`1e400`, read as Infinity). */
export function isNonPortable(written: string, value = Number(written)): boolean {
  return (/[.eE]/.test(written) && Number.isInteger(value)) || (/^-?\d+$/.test(written) && Math.abs(value) > Number.MAX_SAFE_INTEGER) || !Number.isFinite(value);
}

/** The stack of {@link countKeys}, kept between calls (it runs once per NDJSON line, and per inbound frame of the server). */
const pending: object[] = [];

/** How many keys the objects in `value` have, all levels (no recursion: any depth): against {@link scanJsonText}'s `keys`, more written than held means a key written twice. */
export function countKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  // Empty after every call that returned (setting the length is a slow builtin call per line).
  if (pending.length > 0) pending.length = 0;
  pending.push(value);
  while (pending.length > 0) {
    const next = pending.pop()!;
    // An object's values in one builtin call: `for…in` read each by a keyed load, megamorphic
    // across the many shapes of a stream's messages (and would count inherited enumerable keys).
    const items: unknown[] = Array.isArray(next) ? next : Object.values(next);
    if (items !== next) count += items.length;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return count;
}
