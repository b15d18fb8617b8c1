import { describe, expect, it } from 'vitest';
import { ERROR_SLOT_SOURCE, withErrorSlot } from '../../src/codegen/ajv-rewrites.js';

/** Two validators as the rewrites leave them before withErrorSlot: one rejects, one (ajv's own code) calls it and collects its errors. */
const CODE = `function validate1(data, instancePath){
if (typeof data !== "string") { return reject(validate1, instancePath, "type", { type: "string" }, data); }
return true;
}
function validate2(data, instancePath){
let vErrors = null;
let errors = 0;
if (!validate1(data.a, instancePath + "/a")) {
vErrors = vErrors === null ? validate1.errors : vErrors.concat(validate1.errors);
errors = vErrors.length;
}
if (errors !== 0) { validate2.errors = vErrors; }
return errors === 0;
}`;

async function load(code: string): Promise<{ validate1: (data: unknown, path: string) => boolean; validate2: (data: unknown, path: string) => boolean; taken: () => unknown }> {
  const source = `${ERROR_SLOT_SOURCE}\n${code}\nexport { validate1, validate2 };`;
  return (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as never;
}

describe('withErrorSlot', () => {
  it('passes no validator to reject, and keeps the errors in the one slot', () => {
    const out = withErrorSlot(CODE);
    expect(out).toContain('return reject(instancePath, "type", { type: "string" }, data);');
    expect(out).toContain('vErrors = vErrors === null ? lastErrors : vErrors.concat(lastErrors);');
    expect(out).toContain('if (errors !== 0) { lastErrors = vErrors; }');
    expect(out).not.toMatch(/\.errors\b/);
  });

  it('hands over the errors of the rejection, nested or not, and keeps nothing after', async () => {
    const { validate1, validate2, taken } = await load(withErrorSlot(CODE));
    expect(validate1('x', '')).toBe(true);
    expect(validate1(5, '')).toBe(false);
    expect(taken()).toEqual([{ instancePath: '', keyword: 'type', params: { type: 'string' }, data: 5 }]);
    expect(taken()).toBeNull();
    expect(validate2({ a: 7 }, '/m')).toBe(false);
    expect(taken()).toEqual([{ instancePath: '/m/a', keyword: 'type', params: { type: 'string' }, data: 7 }]);
  });

  it('refuses validator errors used in a way it does not know', () => {
    expect(() => withErrorSlot('function validate1(){ validate1.errors += 1; }')).toThrow(/does not know/);
    expect(() => withErrorSlot('function validate1(){ return reject(x, "", "type", {}, 1); }')).toThrow(/does not know/);
  });
});
