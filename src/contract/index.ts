/**
 * The contract model: everything under `schemas/`, loaded and checked once, and the JSON Schema
 * knowledge every tool shares (code generators, the reference server, the diff). It imports no
 * tool: tools import it.
 *
 * - `loadContract(dir)` → {@link Contract}: messages in spec order (type, file, title,
 *   directions, audience, delivery, section, enveloped, schema), documents (the poll response),
 *   definitions, protocol facts, every file, and `bundle` (one document, local `$ref`s only).
 * - `forEachSubschema` / `mapSchema`: the one subschema walker (ajv's json-schema-traverse).
 * - `resolveRef` / `followRefs`: the one `$ref` resolver.
 * - `KNOWN_KEYWORDS`, `ANNOTATION_KEYWORDS`, `PROJECT_KEYWORDS`: the one list of keywords.
 * - `SchemaError`: a fault with its file and JSON Pointer.
 * - `linkPath`: the one way a refusal names a path of `$ref`s (a long one shortened).
 */
export { bundleContract, sourceOf } from './bundle.js';
export { linkPath } from './link-path.js';
export { ANNOTATION_KEYWORDS, DRAFT7_ANNOTATIONS, DRAFT7_KEYWORDS, KNOWN_KEYWORDS, PROJECT_KEYWORDS, unconstrained } from './keywords.js';
export { contractFromTexts, dotNamedSchemasSkipped, invalidJsonAt, isSchemaFileName, loadContract, NESTED_SCHEMA_PROBLEM, nestedSchema, ONE_ITEMS_SCHEMA, readSchemaText, SCHEMA_FILE_MAX_BYTES, schemaTooDeep } from './load.js';
export { checkNoRefCycle, followRefs, inlinedSchemaCount, inlineRefs, resolveRef, type RefTarget } from './refs.js';
export { SchemaError } from './schema-error.js';
export * from './schema.js';
export { forEachSubschema, mapSchema, type SubschemaSlot } from './walk.js';
export { writtenTextFault } from './written-text.js';
