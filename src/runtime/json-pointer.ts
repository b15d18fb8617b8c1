/**
 * JSON Pointer (RFC 6901) helpers shared by the runtime and the code generator.
 */

/**
 * Resolves `pointer` (e.g. `/data/side`, `""` for the whole document) inside `root`.
 * @returns the value there, or `undefined` when nothing is there (own properties only)
 */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  let start = 1;
  // Walks the tokens without splitting: this runs on every rejection.
  while (start <= pointer.length && pointer !== '') {
    let end = pointer.indexOf('/', start);
    if (end === -1) end = pointer.length;
    if (typeof node !== 'object' || node === null) return undefined;
    const token = pointer.slice(start, end);
    const key = token.includes('~') ? unescapeToken(token) : token;
    if (!Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
    start = end + 1;
  }
  return node;
}

/** Escapes one reference token: `~` → `~0`, `/` → `~1`. */
export function escapeToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Reverses {@link escapeToken}. */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Splits a pointer into its unescaped reference tokens: `/data/a~1b` → `["data", "a/b"]`. */
export function parsePointer(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeToken);
}
