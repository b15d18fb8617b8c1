/**
 * A closed object inside `anyOf` or `oneOf` (src/codegen/validators.ts, the `x-closed` keyword):
 * there ajv collects a branch's errors instead of returning at the first, and the keyword's
 * loop over the keys went on past the first unknown one. A hostile message of 100,000 unknown
 * keys drew 100,002 errors (a line each for the CLI, an object each in memory); now the loop
 * stops at the first, and the message is rejected with the same first error.
 */
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/codegen/validators.js';
import type { NoticeSink } from '../../src/codegen/tolerant-enum.js';
import { loadFiles, patchSchemas, readSchemas } from '../diff/support.js';

/** alerts' `message`: a closed object of one key, or a string, in `anyOf` and in `oneOf`. */
async function contractWith(composite: 'anyOf' | 'oneOf') {
  const branch = { type: 'object', required: ['text'], properties: { text: { type: 'string', description: 'The text.' } }, additionalProperties: false };
  return loadFiles(
    patchSchemas(readSchemas(), [
      { op: 'replace', path: '/alerts.json/definitions/AlertData/properties/message', value: { description: 'The message: a text, or an object that holds it.', [composite]: [branch, { type: 'string' }] } },
    ]),
  );
}

describe('a closed object in a composite rule', () => {
  for (const composite of ['anyOf', 'oneOf'] as const) {
    it(`in ${composite}: 100,000 unknown keys draw a handful of errors, the first naming the first unknown key`, async () => {
      const contract = await contractWith(composite);
      const alerts = contract.messages.find((m) => m.type === 'alerts')!;
      const example = structuredClone((alerts.schema.examples as { data: Record<string, unknown> }[])[0]!);
      const hostile: Record<string, unknown> = { text: 'ok' };
      for (let n = 0; n < 100_000; n++) hostile[`k${n}`] = n;
      const validate = createAjv(contract).getSchema(alerts.schema.$id!)!;
      const notices: NoticeSink = { list: null };
      // Accepted without the unknown keys: only they are at fault.
      expect(validate.call({ strict: true, notices }, { ...example, data: { ...example.data, message: { text: 'ok' } } })).toBe(true);
      const ok = validate.call({ strict: true, notices }, { ...example, data: { ...example.data, message: hostile } }) as boolean;
      expect(ok).toBe(false);
      const errors = validate.errors ?? [];
      expect(errors.length).toBeLessThanOrEqual(5);
      expect(errors[0]).toMatchObject({ instancePath: '/data/message', keyword: 'x-closed', params: { additionalProperty: 'k0' } });
      expect(errors.map((e) => e.keyword)).toContain(composite);
    });
  }
});
