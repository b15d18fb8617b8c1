import { cut } from './errors.js';

/**
 * Characters that, printed raw, can rewrite or forge what a terminal shows: the C0 controls
 * (newline, carriage return, escape, which starts ANSI sequences, …), DEL, the C1 controls
 * (U+0080–U+009F; U+009B is a one-character CSI for some terminals), the line and paragraph
 * separators, the bidirectional-text controls that reorder what is shown, the invisible
 * format characters that hide between others (zero-width space, non-joiner and joiner, word
 * joiner, invisible operators, soft hyphen, U+034F, U+180E, U+206A–F, U+FEFF, U+FFF9–B and the
 * tag characters U+E0000–E007F: `to\u200bken` is not `token`); and half a
 * surrogate pair alone, which written out as UTF-8 becomes U+FFFD and hides what it was.
 * Each match is one UTF-16 code unit, or the two of a tag character. The CLI's `oneLine` and `inertJson` use it too.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** {@link UNSAFE} with the `g` flag, for `replace` (kept here: a shared global pattern's `lastIndex` would leak between `test` calls). */
const ALL_UNSAFE = new RegExp(UNSAFE.source, 'g');
/** {@link UNSAFE} but the C0 controls and lone surrogates, which `JSON.stringify` escapes itself. */
const UNSAFE_AFTER_JSON = /[\u007f-\u009f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

/** `\\u202e` for U+202E: the JSON escape of each UTF-16 code unit (a tag character is two: `\\udb40\\udc20`). */
const escape = (chars: string): string => chars.replace(/[^]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * `text` with every character that could forge terminal output ({@link UNSAFE}) written as a
 * JSON-style `\uXXXX` escape, so one line stays one line: `a\u001b[2Jb`. Other text is
 * unchanged. For whole lines of output that may quote text from a contract or a tarball.
 */
export function printable(text: string): string {
  return text.replace(ALL_UNSAFE, escape);
}

/** {@link printable}, with `short` for the C0 controls it has a short escape for (`\\n`), as the CLI's one-line output writes them. */
export function printableWith(text: string, short: (char: string) => string): string {
  return text.replace(ALL_UNSAFE, (char) => (char < ' ' ? short(char) : escape(char)));
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
  return json.replace(UNSAFE_AFTER_JSON, escape);
}
