import traverse from 'json-schema-traverse';
import type { SchemaNode } from './schema.js';

/**
 * Where a subschema stands in its parent: `keyword` (e.g. `items`, `anyOf`, `properties`) and,
 * for a list or a map of subschemas, its index or key.
 */
export interface SubschemaSlot {
  keyword: string;
  key?: string | number;
  parent: SchemaNode;
}

/**
 * Visits `root` and every subschema in it, parents first, with its JSON Pointer from `root`:
 * every place draft-07 allows a subschema (`items` single or list, `additionalItems`,
 * `additionalProperties`, `contains`, `propertyNames`, `not`, `if`/`then`/`else`,
 * `allOf`/`anyOf`/`oneOf`, `properties`, `patternProperties`, `dependencies`, `definitions`).
 * Built on ajv's own walker (json-schema-traverse), so the contract and ajv agree on where
 * subschemas are. Boolean subschemas and annotation values (`examples`, `const`, `x-…`) are not
 * visited.
 */
export function forEachSubschema(root: SchemaNode, visit: (node: SchemaNode, pointer: string, slot: SubschemaSlot | undefined) => void): void {
  traverse(root, {
    cb: {
      pre: (node, pointer, _root, _parentPointer, keyword, parent, key) =>
        visit(node as SchemaNode, pointer, parent && keyword !== undefined ? { keyword, ...(key !== undefined && { key }), parent: parent as SchemaNode } : undefined),
    },
  });
}

/**
 * Returns a copy of `root` with `transform` applied to it and to every subschema (as
 * {@link forEachSubschema} finds them), children first: `transform` sees a node whose
 * subschemas are already transformed. `root` is not changed.
 */
export function mapSchema(root: SchemaNode, transform: (node: SchemaNode, pointer: string) => SchemaNode): SchemaNode {
  const copy = structuredClone(root);
  let result = copy;
  traverse(copy, {
    cb: {
      post: (node, pointer, _root, _parentPointer, keyword, parent, key) => {
        const transformed = transform(node as SchemaNode, pointer);
        if (!parent || keyword === undefined) result = transformed;
        else if (key === undefined) parent[keyword] = transformed;
        else (parent[keyword] as Record<string | number, unknown>)[key] = transformed;
      },
    },
  });
  return result;
}
