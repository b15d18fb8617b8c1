import { cut, inertJsonText, unicodeEscape } from './errors.js';

/**
 * Characters that, printed raw, can rewrite or forge what a terminal shows, by Unicode
 * property rather than a hand list (which missed some: a hostile tester): the controls (Cc:
 * newline, carriage return, escape, which starts ANSI sequences, DEL, the C1 controls, U+009B
 * a one-character CSI for some terminals), the format characters (Cf: the bidirectional
 * controls that reorder what is shown, zero-width space, joiners, soft hyphen, U+FEFF, the tag
 * characters, U+1D173…), the line and paragraph separators (Zl, Zp), every other
 * default-ignorable code point (the Hangul fillers, variation selectors, U+034F, U+17B4…),
 * which hide between others (`to\u200bken` is not `token`), and half a surrogate pair alone
 * (Cs), which written out as UTF-8 becomes U+FFFD and hides what it was. Each match is one
 * code point: one UTF-16 code unit, or two. The CLI's `oneLine` and `inertJson` use it too.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
/** {@link UNSAFE} with the `g` flag, for `replace` (kept here: a shared global pattern's `lastIndex` would leak between `test` calls). */
const ALL_UNSAFE = new RegExp(UNSAFE.source, 'gu');
/**
 * `text` with every character that could forge terminal output ({@link UNSAFE}) written as a
 * JSON-style `\uXXXX` escape, so one line stays one line: `a\u001b[2Jb`. Other text is
 * unchanged. For whole lines of output that may quote text from a contract or a tarball.
 */
export function printable(text: string): string {
  return text.replace(ALL_UNSAFE, unicodeEscape);
}

/** {@link printable}, with `short` for the C0 controls it has a short escape for (`\\n`), as the CLI's one-line output writes them. */
export function printableWith(text: string, short: (char: string) => string): string {
  return text.replace(ALL_UNSAFE, (char) => (char < ' ' ? short(char) : unicodeEscape(char)));
}

/**
 * `text` (a name from a tarball, say) as a JSON string, cut first to at most `max` UTF-16
 * code units (`...` included, see {@link cut}), and with the characters JSON leaves as they
 * are but a terminal may act on or hide (DEL, C1 and bidirectional controls, U+2028/9, the
 * invisible format characters) escaped too:
 * `"package/schemas/\u001b[31mx.json"`. The result is valid JSON, on one line.
 */
export function quoted(text: string, max = 100): string {
  return printableJson(JSON.stringify(cut(text, max)));
}

/**
 * JSON text (of `JSON.stringify`, which escapes the C0 controls) with the other characters
 * of {@link UNSAFE} escaped as well; still valid JSON, meaning the same, since such
 * characters can only appear inside its strings.
 */
export function printableJson(json: string): string {
  return inertJsonText(json);
}
