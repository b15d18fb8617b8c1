/**
 * Text edits of schema files for tests that need what JSON.stringify cannot write (a syntax
 * error, a duplicate key), made on a fixed layout rather than on the file's own: a schema file
 * reformatted (an editor's format-on-save, `json.dump(indent=2)`) no longer breaks them. A
 * snippet that is not found fails loudly instead of leaving the text unchanged.
 */
import { readFileSync } from 'node:fs';

/** `text` with its one occurrence of `snippet` replaced; throws when there is none or more than one. */
export function replaceSnippet(text: string, snippet: string, replacement: string): string {
  const at = text.indexOf(snippet);
  if (at === -1) throw new Error(`snippet not found: ${JSON.stringify(snippet)} (the test's edit would change nothing)`);
  if (text.indexOf(snippet, at + 1) !== -1) throw new Error(`snippet found more than once: ${JSON.stringify(snippet)}`);
  return text.slice(0, at) + replacement + text.slice(at + snippet.length);
}

/** A JSON file parsed. */
export function readJson<T = any>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** `value` as `JSON.stringify(value, null, 2)` writes it, with a final line end: the layout the snippets of these tests are written against. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `schema` as JSON text (as {@link jsonText}) with the value at the JSON Pointer `pointer` replaced by the raw text `raw`. */
export function jsonTextWithRaw(schema: unknown, pointer: string, raw: string): string {
  const placeholder = '\u0000raw JSON here\u0000';
  const copy = structuredClone(schema);
  const tokens = pointer.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = tokens.pop()!;
  let parent: any = copy;
  for (const token of tokens) {
    parent = parent?.[token];
    if (typeof parent !== 'object' || parent === null) throw new Error(`pointer ${pointer} does not resolve at "${token}"`);
  }
  if (!(last in parent)) throw new Error(`pointer ${pointer} does not resolve at "${last}"`);
  parent[last] = placeholder;
  return replaceSnippet(jsonText(copy), JSON.stringify(placeholder), raw);
}
