import { bundleContract, mapSchema } from './bundle.js';
import type { Contract, SchemaNode } from './schema.js';

/**
 * Generates what the package ships for other validators under `generated/schema/`:
 *
 * - `messages.schema.json`: the bundled contract (every message, local `$ref`s only) without
 *   this project's `x-…` annotation keywords, so that a default `new Ajv()` with ajv-formats
 *   compiles it in strict mode, as do validators that refuse unknown keywords. Titles,
 *   descriptions and examples stay; what the `x-` keywords say is in the descriptions and in
 *   `generated/contract.ts`.
 * - `keywords.json`: the `x-` keywords that the files under `schemas/` (also shipped) use, to
 *   declare before loading them: `ajv.addVocabulary(keywords)`. They are annotations: no
 *   validator needs to evaluate them.
 *
 * The in-memory bundle that other targets read keeps its annotations; only the shipped copy
 * is stripped.
 */
export function emitShippedSchema(contract: Contract): Map<string, string> {
  const bundle = mapSchema(bundleContract(contract), withoutAnnotationKeywords);
  const keywords = new Set<string>();
  for (const schema of contract.files.values()) {
    mapSchema(schema, (node) => {
      for (const key of Object.keys(node)) if (key.startsWith('x-')) keywords.add(key);
      return node;
    });
  }
  return new Map([
    ['schema/messages.schema.json', `${JSON.stringify(bundle, null, 2)}\n`],
    ['schema/keywords.json', `${JSON.stringify([...keywords].sort(), null, 2)}\n`],
  ]);
}

function withoutAnnotationKeywords(node: SchemaNode): SchemaNode {
  return Object.fromEntries(Object.entries(node).filter(([key]) => !key.startsWith('x-'))) as SchemaNode;
}
