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
 * `\.`, `\]`, `\\`: a syntax character, `/` or `-`) is itself; any other escape (`\d`, `\w`)
 * is not read. The quantifier is `{n}`, `{m,n}`, `{m,}`, `+` or `*`. Under the `u` flag, or
 * without it, such a pattern means the same: a character outside the class (any non-ASCII one)
 * fails either way, and where every character is ASCII the length in code points is the length
 * in code units. `$` (no `m` flag) is the end of the text.
 */
export function characterClassPattern(source: string): CharacterClassPattern | undefined {
  const match = /^\^\[([\x20-\x7e]+?)\](\*|\+|\{(\d{1,5})(,(\d{1,5})?)?\})\$$/.exec(source);
  if (!match) return undefined;
  const [, members, quantifier, exact, comma, most] = match as unknown as [string, string, string, string | undefined, string | undefined, string | undefined];
  // Each member as its character code, and whether it was escaped (an escaped `-` makes no range).
  const codes: number[] = [];
  const escaped: boolean[] = [];
  for (let i = 0; i < members.length; i++) {
    let char = members[i]!;
    const escape = char === '\\';
    if (escape) {
      // Not read, `[._~\-]` was compared as text: diff called a rewrite of the same set breaking (a hostile tester).
      char = members[++i] ?? '';
      if (!/^[\^$\\.*+?()[\]{}|/-]$/.test(char)) return undefined;
    } else if (char === '[' || char === ']' || (char === '^' && i === 0)) return undefined;
    codes.push(char.charCodeAt(0));
    escaped.push(escape);
  }
  const min = quantifier === '*' ? 0 : quantifier === '+' ? 1 : Number(exact);
  const max = quantifier === '*' || quantifier === '+' || (comma !== undefined && most === undefined) ? Infinity : Number(most ?? exact);
  if (max < min) return undefined;
  const ranges: [number, number][] = [];
  for (let i = 0; i < codes.length; i++) {
    const low = codes[i]!;
    // An unescaped `-` between two characters makes a range; first or last, it is itself.
    if (codes[i + 1] === 0x2d && !escaped[i + 1] && i + 2 < codes.length) {
      const high = codes[i + 2]!;
      if (high < low) return undefined;
      ranges.push([low, high]);
      i += 2;
    } else ranges.push([low, low]);
  }
  return { ranges, min, max };
}

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
