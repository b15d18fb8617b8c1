import { mapSchema, PROJECT_KEYWORDS, type Contract, type SchemaNode } from '../contract/index.js';

/**
 * Generates what the package ships for other validators under `generated/schema/`:
 *
 * - `messages.schema.json`: the bundled contract (every message, local `$ref`s only) without
 *   this project's `x-…` annotation keywords, so that a default `new Ajv()` with ajv-formats
 *   compiles it in strict mode, as do validators that refuse unknown keywords. Titles,
 *   descriptions and examples stay; what the `x-` keywords say is in the descriptions and in
 *   `generated/contract.ts`. A `type` list of two or more types besides null is written as the
 *   `anyOf` of one branch per type ({@link typeListAsAnyOf}), which strict mode takes.
 * - `keywords.json`: the `x-` keywords that the files under `schemas/` (also shipped) use, to
 *   declare before loading them: `ajv.addVocabulary(keywords)`. They are annotations: no
 *   validator needs to evaluate them.
 *
 * The in-memory bundle that other targets read keeps its annotations; only the shipped copy
 * is stripped.
 */
export function emitShippedSchema(contract: Contract): Map<string, string> {
  const bundle = mapSchema(contract.bundle, (node) => typeListAsAnyOf(withoutAnnotationKeywords(node)));
  // The project's keywords as the contract lists them (the loader refuses any other `x-` keyword).
  const keywords = new Set<string>(PROJECT_KEYWORDS);
  return new Map([
    ['schema/messages.schema.json', `${JSON.stringify(bundle, null, 2)}\n`],
    ['schema/keywords.json', `${JSON.stringify([...keywords].sort(), null, 2)}\n`],
  ]);
}

function withoutAnnotationKeywords(node: SchemaNode): SchemaNode {
  return Object.fromEntries(Object.entries(node).filter(([key]) => !PROJECT_KEYWORDS.includes(key as never))) as SchemaNode;
}

/** The keywords that judge values of some JSON types only (draft-07), with those types: any other value passes them. */
const TYPED_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  maxLength: ['string'],
  minLength: ['string'],
  pattern: ['string'],
  format: ['string'],
  maximum: ['number', 'integer'],
  minimum: ['number', 'integer'],
  exclusiveMaximum: ['number', 'integer'],
  exclusiveMinimum: ['number', 'integer'],
  multipleOf: ['number', 'integer'],
  items: ['array'],
  additionalItems: ['array'],
  maxItems: ['array'],
  minItems: ['array'],
  uniqueItems: ['array'],
  contains: ['array'],
  properties: ['object'],
  patternProperties: ['object'],
  additionalProperties: ['object'],
  required: ['object'],
  propertyNames: ['object'],
  dependencies: ['object'],
  maxProperties: ['object'],
  minProperties: ['object'],
};

/**
 * A `type` list of two or more types besides null (`["string", "integer"]`) as the `anyOf` of
 * one branch per type, each with the keywords that judge values of its type (`minLength` in the
 * string branch): the same values, in a form ajv's strict mode takes. A default `new Ajv()`
 * warned "use allowUnionTypes to allow union type keyword" on every compile of the bundled
 * file, and `new Ajv({ strict: true })` refused it (tGI F1). `[T, "null"]` stays, as ajv takes it.
 */
function typeListAsAnyOf(node: SchemaNode): SchemaNode {
  if (!Array.isArray(node.type) || node.type.filter((type) => type !== 'null').length < 2) return node;
  const types = node.type as string[];
  const branches = types.map((type) => ({ type, ...Object.fromEntries(Object.entries(node).filter(([key]) => TYPED_KEYWORDS[key]?.includes(type))) }) as SchemaNode);
  const rest = Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'type' && TYPED_KEYWORDS[key] === undefined)) as SchemaNode;
  return rest.anyOf === undefined ? { ...rest, anyOf: branches } : { ...rest, allOf: [...(rest.allOf ?? []), { anyOf: branches }] };
}
