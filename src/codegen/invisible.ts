import { unicodeEscape } from '../runtime/errors.js';
import { escapeToken } from '../runtime/json-pointer.js';
import { forEachSubschema, SchemaError, type SchemaNode } from '../contract/index.js';

/*
 * Characters that show as nothing, or make the text around them show in another order than it
 * is read (Trojan Source, CVE-2021-42574): the controls (Unicode Cc: C0 such as bell and form
 * feed, DEL, C1), the format characters (Cf: the bidirectional embeddings, overrides and
 * isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, zero-width space
 * and joiners U+200B–U+200D, U+2060–U+2064, U+FEFF, the tag characters) and the line and
 * paragraph separators (Zl, Zp: U+2028, U+2029). By Unicode property, not a hand list.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** {@link INVISIBLE} in prose: but a tab, a line feed, and a carriage return before a line feed, which lay text out. */
const INVISIBLE_IN_PROSE = /(?![\t\n]|\r\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** {@link INVISIBLE} in the basic plane, but the tab, line feed and carriage return every generated file lays its own lines out with: what {@link escapeInvisible} writes as `\uXXXX`. */
const ESCAPED = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `U+202E` for the code point at the start of `char`. */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What kind of invisible character `char` is, in words, for an error. */
function kind(char: string): string {
  const code = char.codePointAt(0)!;
  if (/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u.test(char)) return 'a bidirectional control, which makes the text around it show in another order than it reads (Trojan Source)';
  if (code === 0xfeff) return 'a byte order mark (a zero-width no-break space)';
  if (/\p{Cc}/u.test(char)) return 'a control character';
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return 'a line or paragraph separator';
  return 'an invisible format character';
}

/** The first invisible character of `text` and where it is, or undefined; `prose` lets tabs and line ends be. */
export function findInvisible(text: string, prose: boolean): { char: string; index: number } | undefined {
  const found = (prose ? INVISIBLE_IN_PROSE : INVISIBLE).exec(text);
  return found ? { char: found[0], index: found.index } : undefined;
}

/** The keywords whose text the generators write as comments, docstrings or docs prose. */
const PROSE_KEYWORDS = ['description', 'title', '$comment'] as const;

/**
 * Refuses an invisible or control character ({@link INVISIBLE}) in text the generators write
 * into code or docs as it is: a schema's `description`, `title` and `$comment` (a tab and line
 * ends there are kept), a property's name, and every string and key in an `x-…` extension's
 * value. In the generated Go, Python, TypeScript and Markdown such a character hides text or
 * reorders it, so that a comment or a doc reads other than the code runs (Trojan Source). The
 * values a message carries (`enum`, `const`, `default`, `examples`) may hold them: every
 * output writes them escaped ({@link escapeInvisible}), but for one beyond the basic plane
 * (a tag character), which Go and Python cannot write as `\uXXXX`, and which is refused there.
 *
 * @throws SchemaError at the first such text, naming the code point and its place in the text
 */
export function checkInvisibleText(files: ReadonlyMap<string, SchemaNode>): void {
  for (const [file, schema] of files) {
    forEachSubschema(schema, (node, pointer) => {
      const refuse = (at: string, what: string, text: string, prose: boolean) => {
        const found = findInvisible(text, prose);
        if (!found) return;
        throw new SchemaError(file, at, `expected ${what} without invisible or control characters (the generated code and docs carry it as it is), got ${codePoint(found.char)}, ${kind(found.char)}, at character ${found.index}${prose ? ' (tabs and line ends may stay)' : ''}`);
      };
      for (const keyword of PROSE_KEYWORDS) {
        const text = node[keyword];
        if (typeof text === 'string') refuse(`${pointer}/${keyword}`, keyword === 'title' ? 'a title' : `a ${keyword}`, text, keyword !== 'title');
      }
      for (const key of Object.keys(node.properties ?? {})) refuse(`${pointer}/properties/${escapeToken(key)}`, 'a property name', key, false);
      for (const [keyword, value] of Object.entries(node)) {
        if (keyword.startsWith('x-')) forEachString(value, `${pointer}/${escapeToken(keyword)}`, (text, at, isKey) => refuse(at, isKey ? `a key of ${keyword}` : `the text of ${keyword}`, text, !isKey));
      }
      // Values are escaped in every output, but for code points beyond the basic plane.
      const values: [string, unknown][] = [['enum', node.enum], ['const', node.const], ['default', node.default], ['examples', node.examples]];
      for (const [keyword, value] of values) {
        forEachString(value, `${pointer}/${keyword}`, (text, at, isKey) => {
          const astral = [...text].findIndex((char) => char.length > 1 && INVISIBLE.test(char));
          if (astral < 0) return;
          const char = [...text][astral]!;
          throw new SchemaError(file, at, `expected ${isKey ? 'a key' : 'a value'} without invisible characters beyond the basic plane, got ${codePoint(char)}, ${kind(char)}: every output writes an invisible character as \\uXXXX, which Go and Python cannot do for this one`);
        });
      }
    });
  }
}

/** Calls `visit` with every string in `value` (a JSON value), object keys included, and its JSON Pointer from `at`. */
function forEachString(value: unknown, at: string, visit: (text: string, pointer: string, isKey: boolean) => void): void {
  if (typeof value === 'string') visit(value, at, false);
  else if (Array.isArray(value)) value.forEach((item, index) => forEachString(item, `${at}/${index}`, visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      visit(key, `${at}/${escapeToken(key)}`, true);
      forEachString(item, `${at}/${escapeToken(key)}`, visit);
    }
  }
}

/**
 * `text` (a generated file) with every invisible character of the basic plane ({@link INVISIBLE}
 * but the tab, line feed and carriage return) written as `\uXXXX` (`\u202e`). After
 * {@link checkInvisibleText} such a character can only come from a value of the contract
 * (`enum`, `const`, `default`, `examples`), which every generator writes inside a string
 * literal (JavaScript, TypeScript, JSON, Go, Python), where the escape means the same
 * character, or in the Markdown docs, where it shows as the escape instead of hiding.
 */
export function escapeInvisible(text: string): string {
  return text.replace(ESCAPED, (char) => (char.length === 1 ? unicodeEscape(char) : char));
}
