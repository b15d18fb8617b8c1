import { describe, expect, it } from 'vitest';
import { withoutConstantErrorCount, withoutConstantValidFlags } from '../../src/codegen/ajv-rewrites.js';

/**
 * ajv's shape of a function with a nullable field (`anyOf: [{ type: "string", minLength: 1 },
 * { type: "null" }]`, null first) between two plain ones: the `anyOf` counts its branches'
 * errors and puts the count back, or returns.
 */
const CODE = `export function validate0(data){
let vErrors = null;
let errors = 0;
const _errs1 = errors;
if (typeof data.a !== "string") { validate0.errors = [{ keyword: "type", at: "a" }]; return false; }
var valid0 = _errs1 === errors;
if (valid0) {
const _errs2 = errors;
const _errs3 = errors;
if (data.b !== null) {
let valid1 = false;
const _errs4 = errors;
if (typeof data.b === "string") {
if (data.b.length < 1) { const err0 = { keyword: "minLength" }; if (vErrors === null) { vErrors = [err0]; } else { vErrors.push(err0); } errors++; }
} else { const err1 = { keyword: "type" }; if (vErrors === null) { vErrors = [err1]; } else { vErrors.push(err1); } errors++; }
var _valid0 = _errs4 === errors;
valid1 = valid1 || _valid0;
if (!valid1) {
const err2 = { keyword: "anyOf" }; if (vErrors === null) { vErrors = [err2]; } else { vErrors.push(err2); } errors++;
validate0.errors = vErrors;
return false;
} else {
errors = _errs3;
if (vErrors !== null) { if (_errs3) { vErrors.length = _errs3; } else { vErrors = null; } }
}
}
var valid0 = _errs2 === errors;
}
if (valid0) {
const _errs5 = errors;
if (typeof data.c !== "number") { validate0.errors = [{ keyword: "type", at: "c" }]; return false; }
var valid0 = _errs5 === errors;
}
validate0.errors = vErrors;
return errors === 0;
}`;

async function load(code: string): Promise<(value: unknown) => [boolean, unknown]> {
  const source = `${code}\nexport function run(value) { const ok = validate0(value); return [ok, ok ? null : validate0.errors]; }`;
  return ((await import(`data:text/javascript,${encodeURIComponent(source)}`)) as { run: (value: unknown) => [boolean, unknown] }).run;
}

describe('withoutConstantErrorCount with an anyOf that puts the count back', () => {
  it('folds the count outside the anyOf, keeps it inside, and gives the same verdicts and errors', async () => {
    const out = withoutConstantValidFlags(withoutConstantErrorCount(CODE));
    expect(out).not.toContain('_errs1');
    expect(out).not.toContain('_errs5');
    expect(out).toContain('errors = 0;');
    expect(out).toContain('return 0 === 0;');
    expect(out).toContain('const _errs4 = errors;');
    expect(out).not.toMatch(/\bvalid0\b/);
    const [before, after] = [await load(CODE), await load(out)];
    for (const value of [{ a: 'x', b: null, c: 1 }, { a: 'x', b: 'y', c: 1 }, { a: 'x', b: '', c: 1 }, { a: 'x', b: 5, c: 1 }, { a: 1, b: null, c: 1 }, { a: 'x', b: null, c: 'z' }, { a: 'x', b: 'y', c: 'z' }]) {
      expect(after(value), JSON.stringify(value)).toEqual(before(value));
    }
  });

  it('leaves a function alone where the count is written outside such an anyOf, or a break could leave one', () => {
    const outside = 'function b(){ let errors = 0; const _errs1 = errors; if (x) errors++; return _errs1 === errors; }';
    expect(withoutConstantErrorCount(outside)).toBe(outside);
    const escaping = CODE.replace('var _valid0 = _errs4 === errors;', 'for (;;) { break; }\nvar _valid0 = _errs4 === errors;').replace('if (data.b !== null) {', 'for (;;) { if (data.b !== null) {').replace('var valid0 = _errs2 === errors;\n}', 'break; }\nvar valid0 = _errs2 === errors;\n}');
    expect(withoutConstantErrorCount(escaping)).toBe(escaping);
  });
});
