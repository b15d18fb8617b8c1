import type { Ajv, SchemaValidateFunction } from 'ajv';

/** Source of {@link jsonEqual}, which the generated modules hold where a schema needs it (they cannot `require`). */
export const JSON_EQUAL_SOURCE = `function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.prototype.hasOwnProperty.call(b, key) || !jsonEqual(a[key], b[key])) return false;
  return true;
}`;

/**
 * Whether two JSON values are equal (ajv's deep equality for `uniqueItems` on items that may be
 * objects or arrays, and for a `const` or closed list of such values): the same primitive, or
 * arrays of equal items in order, or objects of the same keys with equal values, in any order.
 * Arrays are compared by length and index, as ajv's own equality does: taking their keys (the
 * index strings of every array, at every comparison) made `uniqueItems` on arrays of arrays an
 * order of magnitude slower than ajv (a tester, tDP F5). Comparing n items is still ajv's
 * pairwise O(n²) loop. Made from {@link JSON_EQUAL_SOURCE}, the one text of it, which the generated
 * modules hold in place of ajv's `require("ajv/dist/runtime/equal")` (they cannot `require`): the
 * function tested is the one they run.
 */
export const jsonEqual = new Function(`${JSON_EQUAL_SOURCE}\nreturn jsonEqual;`)() as (a: unknown, b: unknown) => boolean;

/**
 * `ajv` judging `uniqueItems`, `enum` and `const` with {@link jsonEqual}, the equality the generated
 * validators use, in place of its own (fast-deep-equal), for the tools that run ajv on a schema's
 * values (the loader's meta-schema check, generate's check of defaults and field examples). That
 * equality calls an object's own `toString` or `valueOf` key: `{"toString": 1}` in a closed list, a
 * default or an example stopped generate and diff with a bare "a.toString is not a function"; and
 * it calls two objects of `constructor` keys that are distinct objects different, so a field
 * example its own `uniqueItems` (and the validators) reject shipped (tDX F1, F2). The errors keep
 * ajv's params (`i` the later item, `j` the earlier; `allowedValues`; `allowedValue`).
 */
export function withJsonEquality(ajv: Ajv): Ajv {
  const unique: SchemaValidateFunction = (schema: boolean, data: unknown[]) => {
    const pair = schema ? duplicatePair(data) : undefined;
    if (pair === undefined) return true;
    const [j, i] = pair;
    unique.errors = [{ keyword: 'uniqueItems', params: { i, j }, message: `must be ${uniqueItemsWanted(j, i)}` }];
    return false;
  };
  const oneOf: SchemaValidateFunction = (schema: unknown[], data: unknown) => {
    if (schema.some((value) => jsonEqual(value, data))) return true;
    oneOf.errors = [{ keyword: 'enum', params: { allowedValues: schema }, message: 'must be equal to one of the allowed values' }];
    return false;
  };
  const constant: SchemaValidateFunction = (schema: unknown, data: unknown) => {
    if (jsonEqual(schema, data)) return true;
    constant.errors = [{ keyword: 'const', params: { allowedValue: schema }, message: 'must be equal to constant' }];
    return false;
  };
  for (const keyword of ['uniqueItems', 'enum', 'const']) ajv.removeKeyword(keyword);
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: unique });
  ajv.addKeyword({ keyword: 'enum', schemaType: 'array', errors: true, validate: oneOf });
  ajv.addKeyword({ keyword: 'const', errors: true, validate: constant });
  return ajv;
}

/** What `uniqueItems` wants, naming the equal pair smaller index first: the one wording of the package (runtime errors, generate's checks). */
export function uniqueItemsWanted(first: number, second: number): string {
  return `an array without duplicate items (items ${Math.min(first, second)} and ${Math.max(first, second)} are equal)`;
}

/**
 * The first two equal items of \`items\` by {@link jsonEqual} (earlier index first), if any: scalars
 * through a \`Map\` (its keys are equal as \`===\` is, and NaN as jsonEqual says), so a closed list of
 * thousands of strings is not compared pair by pair; objects and arrays pair by pair.
 */
export function duplicatePair(items: readonly unknown[]): [number, number] | undefined {
  const scalars = new Map<unknown, number>();
  const objects: number[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item === 'object' && item !== null) {
      const earlier = objects.find((other) => jsonEqual(items[other], item));
      if (earlier !== undefined) return [earlier, index];
      objects.push(index);
    } else {
      const earlier = scalars.get(item);
      if (earlier !== undefined) return [earlier, index];
      scalars.set(item, index);
    }
  }
  return undefined;
}
