import type { SchemaNode } from '../contract/index.js';
import { boundParts } from './docs/field-table.js';

/**
 * What the generated types' TSDoc says of a schema node beyond its description, as the reference's
 * field table says it: the bounds TypeScript cannot express (`Allowed: x ≥ 0; a multiple of 0.5.`,
 * from `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minLength`,
 * `maxLength` and `pattern`, on the node or on its inline `anyOf`/`oneOf` branches; an array's
 * `uniqueItems` and its inline items' bounds, `each item length ≤ 10`, and their own
 * `uniqueItems`, `each item's items unique`), then
 * `@default` and one `@example` per example (JSON). An array's `minItems`/`maxItems` are
 * json-schema-to-typescript's own `@minItems`/`@maxItems` tags, added after these.
 *
 * `withExamples: false` leaves out the examples (a message's own, which are whole messages and are
 * in the reference). Empty when there is nothing to add.
 */
export function fieldNotes(node: SchemaNode, withExamples = true): string {
  const bounds = choiceBounds(node);
  // An array's rules beyond its size (its @minItems/@maxItems): unique items, and inline items' own bounds.
  if (node.uniqueItems === true) bounds.push('items unique');
  const { items } = node;
  if (items && typeof items === 'object' && !Array.isArray(items) && items.$ref === undefined) {
    const inner = choiceBounds(items);
    if (inner.length > 0) bounds.push(`each item ${inner.join(', ')}`);
    // An array of arrays: the reference's `[]` row says "items unique" of the inner arrays (tDX F7).
    if (items.uniqueItems === true) bounds.push("each item's items unique");
  }
  const notes: string[] = [];
  if (bounds.length > 0) notes.push(`Allowed: ${bounds.join('; ')}.`);
  const tags: string[] = [];
  if ('default' in node) tags.push(`@default ${JSON.stringify(node.default)}`);
  if (withExamples && Array.isArray(node.examples)) for (const example of node.examples) tags.push(`@example ${JSON.stringify(example)}`);
  if (tags.length > 0) notes.push(tags.join('\n'));
  return notes.join('\n\n');
}

/** `description` with {@link fieldNotes}' paragraphs after it (either may be empty). */
export function withFieldNotes(description: string | undefined, node: SchemaNode, withExamples = true): string | undefined {
  const notes = fieldNotes(node, withExamples);
  if (!notes) return description;
  return description ? `${description}\n\n${notes}` : notes;
}

/**
 * The bounds of the node, then of its inline alternatives (not followed through `$ref`: a named
 * type's comment states its own bounds): those of one alternative hold together, and two
 * alternatives with bounds are either one (`length ≤ 3, or matches …`: joined with "; " they read
 * as both, tGY F4), as the reference's row says them.
 */
function choiceBounds(node: SchemaNode): string[] {
  const own = boundParts(node);
  // null aside: a nullable number's `x ≥ 1` is its bounds.
  const inline = [...(node.anyOf ?? []), ...(node.oneOf ?? [])].filter((branch) => branch.$ref === undefined && !(branch.type === 'null' || (Array.isArray(branch.enum) && branch.enum.length === 1 && branch.enum[0] === null) || branch.const === null));
  const alternatives = [...new Set(inline.map((branch) => choiceBounds(branch).join('; ')))];
  const bounded = alternatives.filter((text) => text !== '');
  if (bounded.length === 0) return own;
  if (alternatives.length === 1) return [...new Set([...own, ...bounded])];
  // A branch without bounds (a closed list, a plain integer) lets its values through as typed.
  return [...own, `${bounded.join(', or ')}${bounded.length < alternatives.length ? ', or any value of the type\'s other choices' : ''}`];
}
