/**
 * The one form of `pattern` this project reads beyond handing it to a regular-expression engine:
 * a character class repeated, the whole of the text (`^[0-9A-Za-z._~-]{1,128}$`, the cursor's).
 * The code generator tests it with a loop over character codes (faster than `RegExp#test`), and
 * `diff` compares two of them as sets (one may admit every text the other does).
 */

/** A pattern of the form `^[…]{m,n}$`, read: the class's inclusive ranges of UTF-16 code units, and the length bounds. */
export interface CharacterClassPattern {
  /** Inclusive `[low, high]` ranges of character codes; a single character is `[c, c]`. */
  ranges: [number, number][];
  min: number;
  /** `Infinity` for `+`, `*` and `{m,}`. */
  max: number;
}

/**
 * `source` read as a character class repeated, or undefined for any other pattern. The class
 * holds printable ASCII characters and ranges only, no unescaped `[` or `]` and no `^` first (a
 * `-` first or last is itself). A character escaped as the `u` flag allows in a class (`\-`,
 * `\.`, `\]`, `\\`: a syntax character, `/` or `-`) is itself; `\d`, `\w` and `\s` are their
 * sets (`0-9`; `0-9A-Za-z_`; JavaScript's white space and line ends, all in the Basic
 * Multilingual Plane), and cannot end a range; any other escape (`\D`, `\b`, `\p{…}`) is not
 * read. The quantifier is `{n}`, `{m,n}`, `{m,}`, `+` or `*`. Under the `u` flag, or without
 * it (never with `i`: under `u` it adds `ſ` and the Kelvin sign to `\w`), such a pattern means
 * the same: a character outside the class fails either way, and where every character is one
 * of the class's (none a surrogate) the length in code points is the length in code units. `$`
 * (no `m` flag) is the end of the text.
 */
export function characterClassPattern(source: string): CharacterClassPattern | undefined {
  const match = /^\^\[([\x20-\x7e]+?)\](\*|\+|\{(\d{1,5})(,(\d{1,5})?)?\})\$$/.exec(source);
  if (!match) return undefined;
  const [, members, quantifier, exact, comma, most] = match as unknown as [string, string, string, string | undefined, string | undefined, string | undefined];
  // Each member: a character (its code, and whether it was escaped: an escaped `-` makes no
  // range), or the ranges of a class escape (`\w`: it was not read, and a rewrite of the cursor
  // as `[\w.~-]`, the same texts, was breaking for every message; tEJ F5).
  const items: ({ code: number; escaped: boolean } | { set: [number, number][] })[] = [];
  for (let i = 0; i < members.length; i++) {
    let char = members[i]!;
    const escape = char === '\\';
    if (escape) {
      // Not read, `[._~\-]` was compared as text: diff called a rewrite of the same set breaking (a hostile tester).
      char = members[++i] ?? '';
      const set = CLASS_ESCAPES[char];
      if (set !== undefined) {
        items.push({ set });
        continue;
      }
      if (!/^[\^$\\.*+?()[\]{}|/-]$/.test(char)) return undefined;
    } else if (char === '[' || char === ']' || (char === '^' && i === 0)) return undefined;
    items.push({ code: char.charCodeAt(0), escaped: escape });
  }
  const min = quantifier === '*' ? 0 : quantifier === '+' ? 1 : Number(exact);
  const max = quantifier === '*' || quantifier === '+' || (comma !== undefined && most === undefined) ? Infinity : Number(most ?? exact);
  if (max < min) return undefined;
  const ranges: [number, number][] = [];
  const isDash = (item: (typeof items)[number] | undefined) => item !== undefined && 'code' in item && item.code === 0x2d && !item.escaped;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    // An unescaped `-` between two characters makes a range; first or last, it is itself. Beside
    // a class escape (`[\w-z]`) the `u` flag refuses it and no flag reads a `-`: not read here.
    const range = isDash(items[i + 1]) && i + 2 < items.length;
    if ('set' in item) {
      if (range) return undefined;
      ranges.push(...item.set);
      continue;
    }
    if (range) {
      const end = items[i + 2]!;
      if ('set' in end) return undefined;
      if (end.code < item.code) return undefined;
      ranges.push([item.code, end.code]);
      i += 2;
    } else ranges.push([item.code, item.code]);
  }
  return { ranges, min, max };
}

/**
 * The sets of the class escapes read in a class, as JavaScript has them without the `i` flag:
 * `\s` is WhiteSpace (tab, vertical tab, form feed, space, no-break space, the byte order mark
 * and the Unicode space separators) and LineTerminator. A test holds them to the engine's, for
 * every code unit.
 */
const CLASS_ESCAPES: Record<string, [number, number][]> = {
  d: [[0x30, 0x39]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  s: [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]],
};

/** Whether every text `a` admits, `b` admits too. */
export function characterClassWithin(a: CharacterClassPattern, b: CharacterClassPattern): boolean {
  if (a.min < b.min || a.max > b.max) return false;
  // Only the empty text: no character to check.
  if (a.max === 0) return true;
  return a.ranges.every(([low, high]) => {
    for (let code = low; code <= high; code++) if (!b.ranges.some(([from, to]) => code >= from && code <= to)) return false;
    return true;
  });
}
