import fc from 'fast-check';
import type { Contract, SchemaNode } from '../../src/contract/schema.js';

/**
 * fast-check arbitraries of valid values for the schemas of the contract, built from the
 * bundled schema (local `$ref`s only). Covers the JSON Schema subset the contract uses.
 */
export function messageArbitraries(contract: Contract): Map<string, fc.Arbitrary<unknown>> {
  const bundle = contract.bundle;
  const definitions = bundle.definitions!;
  const cache = new Map<string, fc.Arbitrary<unknown>>();
  const fromRef = (ref: string) => {
    const name = ref.slice('#/definitions/'.length);
    if (!cache.has(name)) cache.set(name, fc.constant(null).chain(() => arbitrary(definitions[name]!)));
    return cache.get(name)!;
  };

  const timestamp = fc
    .tuple(
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.constantFrom('', '.5', '.123', '.123456'),
      fc.constantFrom('Z', '+02:00', '-05:30'),
    )
    .map(([date, fraction, zone]) => date.toISOString().slice(0, 19) + fraction + zone);

  function number(node: SchemaNode, integer: boolean): fc.Arbitrary<number> {
    const min = node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e9);
    const max = node.maximum ?? 1e12;
    return integer ? fc.integer({ min: Math.ceil(min), max: Math.min(max, Number.MAX_SAFE_INTEGER) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  }

  function arbitrary(node: SchemaNode): fc.Arbitrary<unknown> {
    if (node.$ref) return fromRef(node.$ref);
    if (node.const !== undefined) return fc.constant(node.const);
    if (node.enum) return fc.constantFrom(...node.enum);
    if (node.anyOf) return fc.oneof(...node.anyOf.map(arbitrary));
    if (Array.isArray(node.type)) return fc.oneof(...node.type.map((type) => arbitrary({ ...node, type })));
    switch (node.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return number(node, true);
      case 'number':
        return number(node, false);
      case 'string': {
        if (node.format === 'date-time') return timestamp;
        const known = node['x-known-values'];
        const any = fc.string({ minLength: node.minLength ?? 0, maxLength: 12 });
        return known ? fc.oneof(fc.constantFrom(...known), any) : any;
      }
      case 'array':
        return fc.array(node.items && Object.keys(node.items).length > 0 ? arbitrary(node.items) : fc.jsonValue(), { maxLength: 3 });
      case 'object': {
        const properties = node.properties ?? {};
        const required = Object.fromEntries(Object.entries(properties).filter(([key]) => node.required?.includes(key)).map(([key, child]) => [key, arbitrary(child)]));
        const optional = Object.fromEntries(Object.entries(properties).filter(([key]) => !node.required?.includes(key)).map(([key, child]) => [key, arbitrary(child)]));
        const known = fc.record({ ...required, ...optional }, { requiredKeys: Object.keys(required) });
        if (typeof node.additionalProperties === 'object') {
          return fc.tuple(known, fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), arbitrary(node.additionalProperties), { maxKeys: 3 })).map(([fields, extra]) => ({ ...extra, ...fields }));
        }
        return known;
      }
      default:
        return fc.jsonValue();
    }
  }

  return new Map(contract.messages.map((message) => [message.type, arbitrary({ $ref: `#/definitions/${message.title}` })]));
}
