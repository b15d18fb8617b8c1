import type { SchemaNode } from '../contract/index.js';
import { escapeToken } from '../runtime/json-pointer.js';

/** Keywords that document a schema without changing what it accepts or what code is generated from it (a `default` is in the docs and the bundled schema: diff said "no changes" of it, a hostile tester; `readOnly` and `writeOnly` are in the bundled schema and the AsyncAPI document). */
const DOCUMENTATION_KEYWORDS = ['description', 'default', 'examples', '$comment', 'readOnly', 'writeOnly'] as const;

/**
 * This project's annotations that are documentation as a whole, each entry of a list by itself:
 * `x-spec-section` titles the reference's sections and the TSDoc `@see` lines of the types, and
 * is written into the AsyncAPI document; `x-version-history` is the reference's version history
 * (an entry appended with a new version is said by `protocol-version-changed`). `diff` said "no
 * changes" of either while `generate` rewrote those files (a tester).
 */
const DOCUMENTATION_FACTS: Readonly<Record<string, DocumentationKind>> = { 'x-spec-section': 'spec-section', 'x-version-history': 'version-history' };

/** What kind of documentation changed at a place: the draft-07 annotations, a spec section, an entry of the version history. */
export type DocumentationKind = 'annotations' | 'spec-section' | 'version-history';

/** A place, in a schema file, whose documentation changed. */
export interface DocumentationPlace {
  /** JSON Pointer into the file. */
  pointer: string;
  kind: DocumentationKind;
}

/** Keywords whose value maps names to schemas (the map itself is not a schema). */
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties', 'dependencies']);
/** Keywords whose value is a schema or an array of schemas. */
const SUBSCHEMAS = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'anyOf', 'allOf', 'oneOf']);

/**
 * Where two versions of one schema file differ in documentation (`description`, `default`,
 * `examples`, `$comment`, `readOnly`, `writeOnly`; `x-spec-section`; an entry of
 * `x-version-history`): the places, JSON Pointers into the file, of the schemas (and of the
 * entries of `x-` facts, such as a close code or a version) whose documentation changed, in the
 * new file's order, each with its kind. Other changes are judged by `diffSchemas`; they do not
 * hide these (a rewrite `diff` calls equivalent, or a `title` changes no verdict, and the text
 * still changed).
 *
 * Walks the schema keywords of draft-07 where both versions have them (the values of `enum`,
 * `const` and `default` are data, not schemas).
 */
export function documentationChanges(before: SchemaNode, after: SchemaNode): DocumentationPlace[] {
  const places: DocumentationPlace[] = [];
  collect(before, after, '', true, places);
  return places;
}

/** Collects where documentation differs between `a` and `b`; `schema`: whether they are schemas (else the data of an `x-` fact). */
function collect(a: unknown, b: unknown, at: string, schema: boolean, places: DocumentationPlace[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) collect(a[i], b[i], `${at}/${i}`, schema, places);
    return;
  }
  if (!isObject(a) || !isObject(b)) return;
  if (DOCUMENTATION_KEYWORDS.some((keyword) => !equal(a[keyword], b[keyword]))) places.push({ pointer: at, kind: 'annotations' });
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key) || (DOCUMENTATION_KEYWORDS as readonly string[]).includes(key)) continue;
    const here = `${at}/${escapeToken(key)}`;
    const fact = schema ? DOCUMENTATION_FACTS[key] : undefined;
    if (fact !== undefined) {
      const [x, y] = [a[key], b[key]];
      // A list entry by entry (those appended are a new version's: said by the version's change).
      if (Array.isArray(x) && Array.isArray(y)) {
        for (let i = 0; i < Math.min(x.length, y.length); i++) if (!equal(x[i], y[i])) places.push({ pointer: `${here}/${i}`, kind: fact });
      } else if (!equal(x, y)) places.push({ pointer: here, kind: fact });
    } else if (!schema || key.startsWith('x-')) collect(a[key], b[key], here, false, places);
    else if (SCHEMA_MAPS.has(key) && isObject(a[key]) && isObject(b[key])) {
      const mapA = a[key] as Record<string, unknown>;
      const mapB = b[key] as Record<string, unknown>;
      for (const name of Object.keys(mapB)) if (Object.hasOwn(mapA, name)) collect(mapA[name], mapB[name], `${here}/${escapeToken(name)}`, true, places);
    } else if (SUBSCHEMAS.has(key)) collect(a[key], b[key], here, true, places);
  }
}

/** A title that changed, came or went, at `pointer` in the schema file. */
export interface TitleChange {
  pointer: string;
  before: string | undefined;
  after: string | undefined;
}

/**
 * Where two versions of one schema file differ in the titles the generators name types after:
 * the file's own `title` when the file holds a message or a document (`TradesMessage`), and
 * the `title` of an inline schema (TypeScript names a type after it; Go and Python name it
 * after its place without one). Not a definition's title: its key names its type (see
 * `definitionNames`). Walks schema positions only (not inside `enum`, `const`, `default`,
 * `examples` or an `x-` fact, whose `title` keys are data), in the new file's order.
 *
 * @param namesType whether the file's own `title` names a type (a message or a document, not `definitions.json` or `protocol.json`)
 */
export function titleChanges(before: SchemaNode, after: SchemaNode, namesType: boolean): TitleChange[] {
  const changes: TitleChange[] = [];
  const titleOf = (node: Record<string, unknown>) => (typeof node.title === 'string' ? node.title : undefined);
  const visit = (a: unknown, b: unknown, at: string, titled: boolean): void => {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) visit(a[i], b[i], `${at}/${i}`, true);
      return;
    }
    if (!isObject(a) || !isObject(b)) return;
    if (titled && titleOf(a) !== titleOf(b)) changes.push({ pointer: at, before: titleOf(a), after: titleOf(b) });
    for (const key of Object.keys(b)) {
      if (!Object.hasOwn(a, key)) continue;
      const here = `${at}/${escapeToken(key)}`;
      if (SCHEMA_MAPS.has(key) && isObject(a[key]) && isObject(b[key])) {
        const mapA = a[key] as Record<string, unknown>;
        const mapB = b[key] as Record<string, unknown>;
        for (const name of Object.keys(mapB)) if (Object.hasOwn(mapA, name)) visit(mapA[name], mapB[name], `${here}/${escapeToken(name)}`, key !== 'definitions');
      } else if (SUBSCHEMAS.has(key)) visit(a[key], b[key], here, true);
    }
  };
  visit(before, after, '', namesType);
  return changes;
}

/** The definitions every file declares (`definitions/<name>`: the type `<name>` in every generated language), by name, with the file that holds each. */
export function definitionNames(files: ReadonlyMap<string, SchemaNode>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [file, schema] of files) {
    const definitions = (schema as Record<string, unknown>).definitions;
    if (isObject(definitions)) for (const name of Object.keys(definitions)) names.set(name, file);
  }
  return names;
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
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keysA = Object.keys(a);
  return keysA.length === Object.keys(b).length && keysA.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
}
