/**
 * JSON Pointer (RFC 6901) helpers shared by the runtime and the code generator.
 */

/**
 * Resolves `pointer` (e.g. `/data/side`, `""` for the whole document) inside `root`.
 * @returns the value there, or `undefined` when nothing is there (own properties only)
 */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node = root;
  for (const token of pointer.slice(1).split('/')) {
    if (typeof node !== 'object' || node === null) return undefined;
    const key = unescapeToken(token);
    if (!Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Escapes one reference token: `~` → `~0`, `/` → `~1`. */
export function escapeToken(token: string): string {
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
