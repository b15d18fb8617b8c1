import { validationError, type ValidationError } from './errors.js';

/**
 * Describes why `text` is not JSON, given `JSON.parse`'s message for it:
 * `expected valid JSON, got "}" at position 8 (Expected double-quoted property name)`.
 */
export function describeSyntaxError(text: string, reason: string): ValidationError {
  const position = syntaxErrorPosition(text, reason);
  // V8 quotes the text around the fault ("…abc…" is not valid JSON): drop it, the position says where.
  const cause = reason
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ at position \d+( \(line \d+ column \d+\))?$/, '')
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    // V8 quotes the unexpected character as it is: one that prints as nothing is named.
    // (Of a character beyond U+FFFF, V8 quotes its first half: the whole one, from the text, is named.)
    .replace(/'([^'])'/gu, (quoted, char: string) => {
      if (char === ' ' || !INVISIBLE.test(char)) return quoted;
      const whole = text.codePointAt(position);
      return codePoint(/^[\ud800-\udbff]$/.test(char) && whole !== undefined && whole > 0xffff ? whole : char.codePointAt(0)!);
    });
  const found = position >= text.length ? 'the end of the text' : `${shown(text, position)} at position ${position}`;
  const hint = position === 0 && text.charCodeAt(0) === 0xfeff ? 'drop the byte-order mark: JSON.parse refuses it, and JSON sent over a network has none (RFC 8259 §8.1)' : undefined;
  return { ...validationError('', 'json', 'valid JSON', `${found} (${cause})`, hint), position };
}

/**
 * The character at `position` as a reader can see it: a whole code point (an emoji is one
 * character, not half of one), and one that prints as nothing or as a space (a no-break space,
 * a zero-width space, a byte-order mark, a direction override) by its code point.
 */
function shown(text: string, position: number): string {
  const code = text.codePointAt(position)!;
  const char = String.fromCodePoint(code);
  if (char === ' ' || !INVISIBLE.test(char)) return JSON.stringify(char);
  return `${codePoint(code)} (${code === 0xfeff ? 'a byte-order mark' : 'an invisible character'})`;
}

/** `U+FEFF`. */
function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Controls, format characters, separators (spaces included), private-use, unassigned and lone
 * surrogates, marks on their own (a variation selector, a grapheme joiner) and the Hangul fillers.
 */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Z}\p{Co}\p{Cn}\p{Cs}\p{M}\u115f\u1160\u3164\uffa0]$/u;

/**
 * Where the text stops being JSON. V8 names the position for most faults; for an unexpected
 * token it does not, so the shortest prefix that fails for a reason other than running out
 * of input is found by binary search (only on this error path).
 */
function syntaxErrorPosition(text: string, reason: string): number {
  const stated = statedPosition(reason);
  if (stated !== undefined) return stated;
  if (reason.startsWith('Unexpected end of JSON input')) return text.length;
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (failsBefore(text.slice(0, middle))) bad = middle;
    else good = middle;
  }
  return bad - 1;
}

/** Whether `prefix` has a fault of its own, as opposed to merely ending early. */
function failsBefore(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const reason = (error as Error).message;
    if (reason.startsWith('Unexpected end of JSON input')) return false;
    const stated = statedPosition(reason);
    return stated === undefined || stated < prefix.length;
  }
}

function statedPosition(reason: string): number | undefined {
  const match = / at position (\d+)/.exec(reason);
  return match ? Number(match[1]) : undefined;
}
