/**
 * The `anyOf` the validators compile with (src/codegen/validators.ts, addNullFirstAnyOf): a
 * null passes a nullable `anyOf` without X being tried, and every other value gets ajv's own
 * verdict and errors, in ajv's own keyword order.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/codegen/validators.js';
import type { NoticeSink } from '../../src/codegen/tolerant-enum.js';
import { loadFiles, patchSchemas, readSchemas } from '../diff/support.js';
import { describeCompiledErrors } from '../../src/runtime/errors.js';

/** alerts' `category` made nullable next to a closed list: `anyOf` and `enum` on one node. */
const contract = await loadFiles(
  patchSchemas(readSchemas(), [
    {
      op: 'replace',
      path: '/alerts.json/definitions/AlertData/properties/category',
      value: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }], enum: ['risk', 'trade', null] },
    },
    { op: 'replace', path: '/alerts.json/definitions/AlertData/properties/title', value: { anyOf: [{ enum: ['a', 1] }, { type: 'null' }] } },
    { op: 'replace', path: '/alerts.json/definitions/AlertData/properties/message', value: { anyOf: [{ type: 'integer' }, { type: 'string', enum: ['a', 'b'] }] } },
  ]),
);
const alerts = contract.messages.find((m) => m.type === 'alerts')!;
const example = structuredClone((alerts.schema.examples as { data: Record<string, unknown> }[])[0]!);

function run(allErrors: boolean, data: Record<string, unknown>, strict: boolean) {
  const validate = createAjv(contract, undefined, { allErrors }).getSchema(alerts.schema.$id!)!;
  const notices: NoticeSink = { list: null };
  const ok = validate.call({ strict, notices }, { ...example, data: { ...example.data, message: 'a', ...data } }) as boolean;
  return { ok, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`), notices: notices.list };
}

describe('anyOf with a null branch', () => {
  it('keeps its place among the keywords of its group (ajv appends a keyword added again)', () => {
    const order = (ajv: Ajv) => ajv.RULES.rules.flatMap((group) => group.rules.map((rule) => rule.keyword)).filter((k) => ['not', 'anyOf', 'oneOf', 'allOf'].includes(k));
    expect(order(createAjv(contract))).toEqual(order(new Ajv()));
  });

  it('reports a value next to an enum as ajv does: the anyOf first, then the enum', () => {
    expect(run(false, { category: 5, title: null }, true).errors).toEqual(['/data/category type', '/data/category type', '/data/category anyOf']);
    expect(run(true, { category: 5, title: null }, true).errors).toEqual(['/data/category type', '/data/category type', '/data/category anyOf', '/data/category enum']);
    expect(run(false, { category: 'fraud', title: null }, true).errors).toEqual(['/data/category enum']);
  });

  it("describes each branch: another branch's closed list does not stand for this one's type", () => {
    const validate = createAjv(contract).getSchema(alerts.schema.$id!)!;
    const message = { ...example, data: { ...example.data, title: null, message: 'c' } };
    expect(validate.call({ strict: true, notices: { list: null } }, message)).toBe(false);
    expect(describeCompiledErrors(validate.errors as never, message)[0]).toMatchObject({ pointer: '/data/message', expected: 'an integer or one of "a", "b"', found: 'a string "c"' });
  });

  it('lets a null through in either mode, and a tolerant enum of several types records no notice for it', () => {
    for (const strict of [true, false]) {
      expect(run(false, { category: null, title: null }, strict)).toEqual({ ok: true, errors: [], notices: null });
      expect(run(true, { category: null, title: null }, strict)).toEqual({ ok: true, errors: [], notices: null });
    }
    expect(run(false, { title: 'b' }, false)).toMatchObject({ ok: true, notices: [{ pointer: '/data/title', value: 'b', known: ['a', 1] }] });
  });
});
