/**
 * JSON Pointer (RFC 6901) helpers shared by the runtime and the code generator.
 */

/**
 * Resolves `pointer` (e.g. `/data/side`, `""` for the whole document) inside `root`.
 * @returns the value there, or `undefined` when nothing is there (own properties only)
 */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const key of tokensOf(pointer)) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The unescaped tokens of `pointer`, from a small cache: rejections name the same few
 * pointers again and again (`/ts`, `/data/side`), and a key cut fresh from the pointer on
 * each call is a new string V8 must look up in its string table before every property read.
 */
function tokensOf(pointer: string): readonly string[] {
  let tokens = TOKENS.get(pointer);
  if (tokens === undefined) {
    if (TOKENS.size >= 512) TOKENS.clear();
    TOKENS.set(pointer, (tokens = parsePointer(pointer)));
  }
  return tokens;
}

const TOKENS = new Map<string, readonly string[]>();

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
