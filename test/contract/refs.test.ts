import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emitAllErrorsValidators } from '../../src/codegen/all-errors-validators.js';
import { emitConstants } from '../../src/codegen/contract-constants.js';
import { emitDocs } from '../../src/codegen/docs/index.js';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { emitTypeBox } from '../../src/codegen/typebox.js';
import { emitTypes } from '../../src/codegen/types.js';
import { emitValidators } from '../../src/codegen/validators.js';
import { forEachSubschema, loadContract, resolveRef, SchemaError, type Contract, type SchemaNode } from '../../src/contract/index.js';

const REF = { $ref: '#/definitions/ProbeTarget' };

/**
 * A `$ref` in each place draft-07 lets a subschema stand, as the schema of `value` in a probe
 * message, with a value it must accept and one it must reject through the referenced schema
 * (`ProbeTarget`: a string of at least 3 characters; `ProbeObject`: an object with `b`).
 */
const SLOTS: Record<string, { schema: SchemaNode; valid: unknown; invalid: unknown; refused?: { pointer: string; problem: RegExp } }> = {
  items: { schema: { type: 'array', items: REF }, valid: ['abc'], invalid: ['ab'] },
  'items (list)': {
    schema: { type: 'array', items: [REF] as unknown as SchemaNode },
    valid: ['abc'],
    invalid: ['ab'],
    // ajv's strict mode (which compiles the validators) wants a tuple's length bounded.
    refused: { pointer: '/properties/value/items', problem: /strict mode.*"items" is 1-tuple/ },
  },
  'items (tuple)': { schema: { type: 'array', items: [REF] as unknown as SchemaNode, minItems: 1, additionalItems: false }, valid: ['abc'], invalid: ['ab'] },
  additionalItems: {
    schema: { type: 'array', items: [{ type: 'string' }] as unknown as SchemaNode, minItems: 1, additionalItems: REF },
    valid: ['x', 'abc'],
    invalid: ['x', 'ab'],
    // ajv's strict mode accepts a tuple only when closed (`additionalItems: false`), never with a schema.
    refused: { pointer: '/properties/value/items', problem: /strict mode.*"items" is 1-tuple/ },
  },
  additionalProperties: { schema: { type: 'object', additionalProperties: REF }, valid: { k: 'abc' }, invalid: { k: 'ab' } },
  contains: { schema: { type: 'array', contains: REF }, valid: ['ab', 'abc'], invalid: ['ab'] },
  propertyNames: { schema: { type: 'object', propertyNames: REF }, valid: { abc: 1 }, invalid: { ab: 1 } },
  not: { schema: { not: REF }, valid: 'ab', invalid: 'abc' },
  if: { schema: { if: REF, then: { const: 'abcd' } }, valid: 'ab', invalid: 'abc' },
  then: { schema: { if: { type: 'string' }, then: REF }, valid: 'abc', invalid: 'ab' },
  else: { schema: { if: { type: 'number' }, else: REF }, valid: 'abc', invalid: 'ab' },
  allOf: { schema: { allOf: [REF] }, valid: 'abc', invalid: 'ab' },
  anyOf: { schema: { anyOf: [REF, { type: 'number' }] }, valid: 'abc', invalid: 'ab' },
  oneOf: { schema: { oneOf: [REF, { type: 'number' }] }, valid: 'abc', invalid: 'ab' },
  properties: { schema: { type: 'object', properties: { a: REF } }, valid: { a: 'abc' }, invalid: { a: 'ab' } },
  patternProperties: { schema: { type: 'object', patternProperties: { '^a': REF } }, valid: { a: 'abc' }, invalid: { a: 'ab' } },
  dependencies: { schema: { type: 'object', dependencies: { a: { $ref: '#/definitions/ProbeObject' } } }, valid: { a: 1, b: 1 }, invalid: { a: 1 } },
  definitions: { schema: { $ref: '#/definitions/ProbeAlias' }, valid: 'abc', invalid: 'ab' },
  'another file': { schema: { $ref: 'definitions.json#/definitions/Timestamp' }, valid: '2026-01-14T16:30:00.000Z', invalid: 'noon' },
};

/** A property name for each slot, e.g. `items (list)` → `items_list`. */
function key(slot: string): string {
  return slot.replace(/\W+/g, '_').replace(/_$/, '');
}

/** schemas/ plus `probe.json`, a message with one optional property per entry of `slots`, in a temporary folder. */
function contractDir(slots: Record<string, SchemaNode>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'refs-'));
  cpSync('schemas', dir, { recursive: true });
  const probe = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://realtime-contract.dev/schemas/probe.json',
    title: 'ProbeMessage',
    description: 'A message that exercises every subschema slot.',
    'x-direction': 'server-to-client',
    'x-audience': 'connection',
    'x-delivery': { class: 'event' },
    'x-spec-section': '99. Probe',
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: { type: { const: 'probe' }, ...Object.fromEntries(Object.entries(slots).map(([slot, schema]) => [key(slot), schema])) },
    definitions: {
      ProbeTarget: { type: 'string', minLength: 3, description: 'At least 3 characters.' },
      ProbeObject: { type: 'object', required: ['b'], properties: { b: {} } },
      ProbeAlias: { $ref: '#/definitions/ProbeTarget' },
    },
    examples: [{ type: 'probe' }],
  };
  writeFileSync(path.join(dir, 'probe.json'), JSON.stringify(probe, null, 2));
  return dir;
}

/** Every code generator, by the name of what it writes. */
const TARGETS: Record<string, (contract: Contract) => Promise<Map<string, string>> | Map<string, string>> = {
  validators: emitValidators,
  'all-errors validators': emitAllErrorsValidators,
  types: emitTypes,
  typebox: emitTypeBox,
  docs: emitDocs,
  'contract constants': emitConstants,
  'other languages (quicktype)': emitLanguages,
};

const accepted = Object.entries(SLOTS).filter(([, slot]) => !slot.refused);
const refused = Object.entries(SLOTS).filter(([, slot]) => slot.refused);

describe('a $ref in every place a subschema can stand', () => {
  const loading = loadContract(contractDir(Object.fromEntries(accepted.map(([slot, { schema }]) => [slot, schema]))));
  loading.catch(() => undefined); // reported by the first test that awaits it

  it('is resolved by the loader and localized in the bundle', async () => {
    const contract = await loading;
    const refs: string[] = [];
    forEachSubschema(contract.bundle.definitions!.ProbeMessage!, (node) => {
      if (node.$ref !== undefined) refs.push(node.$ref);
    });
    expect(refs.length).toBeGreaterThanOrEqual(accepted.length);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/definitions\//);
      expect(resolveRef(new Map([['messages.schema.json', contract.bundle]]), 'messages.schema.json', ref), ref).toBeDefined();
    }
  });

  it.each(accepted)('in %s is followed by the compiled validators', async (slot, { valid, invalid }) => {
    const validators = await compiled;
    expect(validators.probe!.call({ strict: true }, { type: 'probe', [key(slot)]: valid })).toBe(true);
    expect(validators.probe!.call({ strict: true }, { type: 'probe', [key(slot)]: invalid })).toBe(false);
  });
  const compiled = loading.then(async (contract) => {
    const code = (await emitAllErrorsValidators(contract)).get('cli/all-errors-validators.js')!;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'refs-validators-')), 'validators.mjs');
    writeFileSync(file, code);
    return ((await import(pathToFileURL(file).href)) as { validators: Record<string, (this: { strict: boolean }, value: unknown) => boolean> }).validators;
  });
  compiled.catch(() => undefined);

  it.each(Object.keys(TARGETS))('in every slot is followed by %s, or refused with the file and JSON Pointer', async (target) => {
    const contract = await loading;
    const outcome = await Promise.resolve()
      .then(() => TARGETS[target]!(contract))
      .catch((error: unknown) => error);
    if (outcome instanceof Map) {
      expect(outcome.size).toBeGreaterThan(0);
    } else {
      expect(outcome).toBeInstanceOf(SchemaError);
      expect(outcome).toMatchObject({ file: 'probe.json', pointer: expect.stringMatching(/^\/(properties|definitions)\/\w+/) });
    }
  });

  it.each(refused)('in %s, where a target cannot follow it, is refused by the loader with the file and pointer', async (slot, { schema, refused }) => {
    const error = await loadContract(contractDir({ [slot]: schema })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'probe.json', pointer: refused!.pointer.replace('value', key(slot)), problem: expect.stringMatching(refused!.problem) });
  });

  it.each(accepted)('in %s that resolves nowhere is refused by the loader with the file and pointer', async (slot, { schema }) => {
    const broken = JSON.parse(JSON.stringify(schema).replaceAll('#/definitions/Probe', '#/definitions/Missing').replace('#/definitions/Timestamp', '#/definitions/Missing')) as SchemaNode;
    const error = await loadContract(contractDir({ [slot]: broken })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'probe.json', pointer: expect.stringMatching(new RegExp(`^/properties/${key(slot)}(/.*)?/\\$ref$`)) });
  });
});

describe('inlineRefs', () => {
  it('gives each message a schema without $ref that validates every fixture as the original does', async () => {
    const { Ajv } = await import('ajv');
    const { inlineRefs } = await import('../../src/contract/index.js');
    const { readFixtureMessages } = await import('../support/fixtures.js');
    const contract = await loadContract(path.resolve(import.meta.dirname, '../../schemas'));
    const withFiles = new Ajv({ strict: false, validateFormats: false });
    for (const schema of contract.files.values()) withFiles.addSchema(schema);
    const fixtures = [...readFixtureMessages('valid'), ...readFixtureMessages('invalid')];
    for (const message of contract.messages) {
      const inlined = inlineRefs(contract.files, message.file, message.schema);
      forEachSubschema(inlined, (node, pointer) => expect(node.$ref, `${message.file}${pointer}`).toBeUndefined());
      // Compiled alone: nothing left to resolve.
      const alone = new Ajv({ strict: false, validateFormats: false }).compile({ ...inlined, $id: undefined });
      const original = withFiles.getSchema(message.schema.$id!)!;
      const mine = fixtures.filter((f) => (f.value as { type?: unknown })?.type === message.type);
      expect(mine.length, message.type).toBeGreaterThan(0);
      for (const fixture of mine) expect(alone(fixture.value), `${message.type}: ${fixture.name}`).toBe(original(fixture.value));
    }
  });

  it('refuses a $ref cycle', async () => {
    const { inlineRefs } = await import('../../src/contract/index.js');
    const files = new Map<string, SchemaNode>([['a.json', { definitions: { A: { $ref: '#/definitions/B' }, B: { $ref: '#/definitions/A' } }, $ref: '#/definitions/A' } as SchemaNode]]);
    expect(() => inlineRefs(files, 'a.json', files.get('a.json')!)).toThrow('a.json#/definitions/A/$ref: $ref "#/definitions/B" leads back to a schema it stands in (a.json#/definitions/B → a.json#/definitions/A → a.json#/definitions/B): a recursive schema cannot be generated');
  });
});
