/**
 * The keywords the contract is written with: draft-07's, and this project's own annotations.
 * The one place that lists them: the loader refuses any other keyword (a misspelling), ajv is
 * told to ignore the annotations, and generators strip them from what they hand to other tools.
 */

/**
 * This project's keywords (`x-…`): annotations that no validator reads.
 * - on a message schema: `x-direction` (a direction or an array of both), `x-audience`,
 *   `x-delivery`, `x-spec-section`;
 * - on a string: `x-known-values` (documented, offered to TypeScript, not enforced);
 * - on protocol.json: `x-version`, `x-connection`, `x-keepalive`, `x-polling`, `x-close-codes`,
 *   `x-error-codes`, `x-version-history`.
 */
export const PROJECT_KEYWORDS = [
  'x-direction',
  'x-audience',
  'x-delivery',
  'x-spec-section',
  'x-known-values',
  'x-version',
  'x-connection',
  'x-keepalive',
  'x-polling',
  'x-close-codes',
  'x-error-codes',
  'x-version-history',
] as const;

/** Draft-07 keywords that only annotate: validation never reads them. */
export const DRAFT7_ANNOTATIONS = ['$comment', 'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly'] as const;

/**
 * Whether `node` admits any JSON value: each of its keys a draft-07 annotation, `deprecated`, or an `x-` extension but
 * `x-known-values` (typed as its strings): `{}`, `{ "description": … }`. json-schema-to-typescript types `{}` as `unknown`
 * but a node with a description alone as an object, which rejected a producer's `"text"` every validator accepts (fxEN);
 * Python's decoders (tFO F1) and diff (tFO F2) read such a node as admitting null.
 */
export function unconstrained(node: object): boolean {
  return Object.keys(node).every((key) => (DRAFT7_ANNOTATIONS as readonly string[]).includes(key) || key === 'deprecated' || (key.startsWith('x-') && key !== 'x-known-values'));
}

/** Every keyword that only annotates: draft-07's and this project's. */
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set<string>([...DRAFT7_ANNOTATIONS, ...PROJECT_KEYWORDS]);

/** Draft-07 keywords that identify, validate or hold subschemas. */
export const DRAFT7_KEYWORDS = [
  '$schema', '$id', '$ref', 'contentMediaType', 'contentEncoding',
  'type', 'enum', 'const', 'format',
  'multipleOf', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern',
  'items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains',
  'properties', 'patternProperties', 'additionalProperties', 'required', 'propertyNames',
  'minProperties', 'maxProperties', 'dependencies',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'definitions',
] as const;

/** Every keyword a schema in `schemas/` may use; anything else is refused as a misspelling. */
export const KNOWN_KEYWORDS: ReadonlySet<string> = new Set<string>([...DRAFT7_KEYWORDS, ...ANNOTATION_KEYWORDS]);
