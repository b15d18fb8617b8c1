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
 * Where the text stops being JSON: the position V8 states, when it states one; else (an
 * unexpected token, or another engine's message) the one {@link jsonFaultAt} finds.
 */
function syntaxErrorPosition(text: string, reason: string): number {
  // At the end of the message: V8 quotes a short text whole, and `[1, at position 5]` said 5.
  const stated = / at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(reason);
  return stated ? Number(stated[1]) : reason.startsWith('Unexpected end of JSON input') ? text.length : jsonFaultAt(text);
}

/**
 * Where `text` stops being JSON (RFC 8259): the first character no continuation can make valid,
 * the one V8 names (`[1,]` → the `]`, `01` → the `1`, a byte-order mark → 0), or `text.length`
 * when the text merely ends early (`tru`, `[1,`), or is JSON after all (JSON.parse ran out of
 * stack or memory). One pass, no recursion: the open containers are a stack of bits (set for an
 * object), 10^8 nested brackets take 16 MB. Past the end `charCodeAt` is NaN, which no test
 * below accepts: the fault is then at `text.length`, the end.
 */
function jsonFaultAt(text: string): number {
  let i = 0;
  let depth = 0;
  let objects = new Uint8Array(16);
  let c: number;
  // What is due: 0 a value, 1 a value or `]`, 2 a key or `}`, 3 a key, 4 what follows a value, 5 a colon.
  for (let due = 0; ; ) {
    while ((c = text.charCodeAt(i)) === 32 || c === 10 || c === 13 || c === 9) i++;
    if (due === 4) {
      if (depth === 0) return i; // the end, or more than whitespace after the value
      const object = (objects[(depth - 1) >> 3]! >> ((depth - 1) & 7)) & 1;
      if (c === 44) due = object ? 3 : 0;
      else if (c === (object ? 125 : 93)) depth--;
      else return i;
      i++;
    } else if (due === 5) {
      if (c !== 58) return i;
      i++;
      due = 0;
    } else if ((due === 1 && c === 93) || (due === 2 && c === 125)) {
      depth--;
      i++;
      due = 4;
    } else if (due > 1 && c !== 34) {
      return i; // a key is due
    } else if (c === 34) {
      for (i++; (c = text.charCodeAt(i)) !== 34; i++) {
        if (!(c >= 32)) return i; // a control character, or the end
        if (c === 92) {
          c = text.charCodeAt(++i);
          if (c === 117) {
            for (let k = 0; k < 4; k++) if (!isDigit((c = text.charCodeAt(++i))) && !((c |= 32) >= 97 && c <= 102)) return i;
          } else if (!'"\\/bfnrt'.includes(String.fromCharCode(c))) return i; // NaN: U+0000, no escape
        }
      }
      i++;
      due = due > 1 ? 5 : 4;
    } else if (c === 91 || c === 123) {
      if (depth >> 3 === objects.length) {
        const more = new Uint8Array(objects.length * 2);
        more.set(objects);
        objects = more;
      }
      due = c === 91 ? 1 : 2;
      objects[depth >> 3] = (objects[depth >> 3]! & ~(1 << (depth & 7))) | ((due - 1) << (depth & 7));
      depth++;
      i++;
    } else if (c === 116 || c === 102 || c === 110) {
      for (const char of c === 116 ? 'true' : c === 102 ? 'false' : 'null') if (text[i++] !== char) return i - 1;
      due = 4;
    } else {
      // -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?: anything else fails at its first character.
      if (c === 45) c = text.charCodeAt(++i);
      if (c === 48) c = text.charCodeAt(++i);
      else if (!isDigit(c)) return i;
      else while (isDigit((c = text.charCodeAt(++i))));
      if (c === 46) {
        if (!isDigit(text.charCodeAt(++i))) return i;
        while (isDigit((c = text.charCodeAt(++i))));
      }
      if ((c | 32) === 101) {
        if ((c = text.charCodeAt(++i)) === 43 || c === 45) c = text.charCodeAt(++i);
        if (!isDigit(c)) return i;
        while (isDigit((c = text.charCodeAt(++i))));
      }
      due = 4;
    }
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
