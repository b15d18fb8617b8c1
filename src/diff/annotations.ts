import type { SchemaNode } from '../contract/index.js';
import { escapeToken } from '../runtime/json-pointer.js';

/** Keywords that document a schema without changing what it accepts or what code is generated from it. */
const DOCUMENTATION_KEYWORDS = ['description', 'examples', '$comment'] as const;

/** Keywords whose value maps names to schemas (the map itself is not a schema). */
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties', 'dependencies']);
/** Keywords whose value is a schema or an array of schemas. */
const SUBSCHEMAS = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'anyOf', 'allOf', 'oneOf']);

/**
 * Where two versions of one schema file differ only in documentation (`description`,
 * `examples`, `$comment`): the JSON Pointers, into the file, of the schemas whose
 * documentation changed, in document order. Empty when nothing changed, and when anything
 * else changed too: those changes are judged by `diffSchemas`, and a release they call for
 * already covers the text.
 *
 * Walks the schema keywords of draft-07 (the values of `enum`, `const`, `default`, `examples`
 * and of `x-` facts are data, not schemas, and are compared as a whole).
 */
export function documentationChanges(before: SchemaNode, after: SchemaNode): string[] {
  const places: string[] = [];
  return sameBesidesDocs(before, after, '', places) ? places : [];
}

/** Whether `a` and `b` are equal once documentation keywords are left out; collects where those differ. */
function sameBesidesDocs(a: unknown, b: unknown, at: string, places: string[]): boolean {
  if (!isObject(a) || !isObject(b)) return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((item, i) => sameBesidesDocs(item, b[i], `${at}/${i}`, places)) : equal(a, b);
  const keys = (node: Record<string, unknown>) => Object.keys(node).filter((key) => !(DOCUMENTATION_KEYWORDS as readonly string[]).includes(key)).sort();
  const keysA = keys(a);
  if (!equal(keysA, keys(b))) return false;
  if (DOCUMENTATION_KEYWORDS.some((keyword) => !equal(a[keyword], b[keyword]))) places.push(at);
  return keysA.every((key) => {
    const here = `${at}/${escapeToken(key)}`;
    if (SCHEMA_MAPS.has(key) && isObject(a[key]) && isObject(b[key])) {
      const mapA = a[key] as Record<string, unknown>;
      const mapB = b[key] as Record<string, unknown>;
      return equal(Object.keys(mapA).sort(), Object.keys(mapB).sort()) && Object.keys(mapA).every((name) => sameBesidesDocs(mapA[name], mapB[name], `${here}/${escapeToken(name)}`, places));
    }
    return SUBSCHEMAS.has(key) ? sameBesidesDocs(a[key], b[key], here, places) : equal(a[key], b[key]);
  });
}

/**
 * A copy of a schema without `keywords` where they are keywords: not a property named
 * `description` in `properties`, nor anything inside `enum`, `const`, `default` or an `x-`
 * fact, which are data.
 */
export function withoutKeywords(schema: unknown, keywords: readonly string[]): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutKeywords(item, keywords));
  if (!isObject(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (keywords.includes(key)) continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) copy[key] = Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, withoutKeywords(inner, keywords)]));
    else copy[key] = SUBSCHEMAS.has(key) ? withoutKeywords(value, keywords) : value;
  }
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values, object keys in any order. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keysA = Object.keys(a);
  return keysA.length === Object.keys(b).length && keysA.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
}
