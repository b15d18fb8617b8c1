import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { characterClassPattern } from '../../src/contract/character-class.js';
import { callReject, closedListLookups, hoistPropertyLoads, slimErrorObjects, tolerantOnly, withCharacterClassPatterns, withoutConstantErrorCount, withoutConstantValidFlags, withKnownObject, withoutRedundantNumberChecks, withPurePatterns, withTypeArgument, REJECT_SOURCE } from '../../src/codegen/ajv-rewrites.js';

/** ajv's shape of an object check, as its standalone code writes it. */
const AJV_LIKE = `export function validate0(data){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((data.side === undefined) && (missing0 = "side")) || ((data["bot-id"] === undefined) && (missing0 = "bot-id"))){
return "missing " + missing0;
}
if(data.side !== undefined){
let data0 = data.side;
if(data0 !== "buy" && data0 !== "data.side"){ return "bad side"; }
}
let data1 = data["bot-id"];
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.id === undefined){ return "missing id"; }
}
for(const key0 in data){ if(key0 !== "side" && key0 !== "bot-id") return "extra " + data[key0]; }
}
return null;
}`;

async function load(code: string): Promise<(value: unknown) => unknown> {
  const module = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { validate0: (value: unknown) => unknown };
  return module.validate0;
}

describe('hoistPropertyLoads', () => {
  it('reads each property of a checked object once, and gives the same verdicts', async () => {
    const original = await load(AJV_LIKE);
    const hoisted = await load(hoistPropertyLoads(AJV_LIKE));
    const reads: string[] = [];
    const counted = new Proxy({ side: 'buy', 'bot-id': { id: 1 } }, { get: (target, key) => (reads.push(String(key)), Reflect.get(target, key)) });
    expect(hoisted(counted)).toBeNull();
    expect(reads.filter((key) => key === 'side')).toHaveLength(1);
    expect(reads.filter((key) => key === 'bot-id')).toHaveLength(1);
    for (const value of [null, [], 'x', {}, { side: 'buy' }, { side: 'sell', 'bot-id': {} }, { side: 'buy', 'bot-id': {} }, { side: 'buy', 'bot-id': { id: 1 }, more: 2 }, { side: 'buy', 'bot-id': 5 }]) {
      expect(hoisted(value), JSON.stringify(value)).toEqual(original(value));
    }
  });

  it('leaves string literals, computed keys and other objects alone', () => {
    const out = hoistPropertyLoads(AJV_LIKE);
    expect(out).toContain('"data.side"');
    expect(out).toContain('data[key0]');
    // ajv's own variables (data0, data1) are declared at the top of the block; a property
    // without one gets an alias.
    // In the `required` test, which returns when a property is missing, each property is
    // read into ajv's own variable (data0, data1); after it, presence tests are constant.
    expect(out).toMatch(/let data0, data1;/);
    expect(out).toContain('(data0 = data.side) === undefined');
    expect(out).toContain('(data1 = data["bot-id"]) === undefined');
    expect(out).toContain('if(true){');
    expect(out).toMatch(/let data1\$0 = data1\.id;/);
    expect(out.match(/[^"]data\.side/g)).toHaveLength(1);
  });

  it('folds the presence tests ajv writes in the else branch of its required test', async () => {
    // ajv's own shape: the checks of the properties sit in the `else` of the `required` test.
    const code = `export function validate0(data){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.side === undefined) && (missing0 = "side")){
return "missing " + missing0;
}
else {
if(data.side !== undefined){
if(data.side !== "buy"){ return "bad side"; }
}
if(data.note !== undefined){
if(typeof data.note !== "string"){ return "bad note"; }
}
}
}
return null;
}`;
    const out = hoistPropertyLoads(code);
    expect(out).toContain('if(true){');
    // `note` is optional: its presence test stays.
    expect(out).toMatch(/if\(data\$\d !== undefined\)\{/);
    const original = await load(code);
    const hoisted = await load(out);
    for (const value of [{}, { side: 'buy' }, { side: 'sell' }, { side: 'buy', note: 1 }, { side: 'buy', note: 'x' }, { note: 'x' }]) {
      expect(hoisted(value), JSON.stringify(value)).toEqual(original(value));
    }
  });

  it('refuses code that writes to a property of the checked object', () => {
    const writes = 'export function validate0(data){\nif(data && typeof data == "object" && !Array.isArray(data)){\ndata.x = 1;\n}\n}';
    expect(() => hoistPropertyLoads(writes)).toThrow(/writes to data\.x/);
  });
});

/**
 * ajv's code for an object of `n` number properties, as its standalone code nests it: each
 * property's check inside the `if (valid0)` of the one before, so `n` blocks deep.
 */
function wideAjvLike(n: number): string {
  let body = '';
  for (let i = n - 1; i >= 0; i--) {
    const check = `if(data.p${i} !== undefined){\nlet data${i} = data.p${i};\nconst _errs${i} = errors;\nif(!((typeof data${i} == "number") && (isFinite(data${i})))){\nvalidate0.errors = [{instancePath:"/p${i}",schemaPath:"#/properties/p${i}/type",keyword:"type",params:{type: "number"}}];\nreturn false;\n}\nvar valid0 = _errs${i} === errors;\n}\nelse {\nvar valid0 = true;\n}\n`;
    body = i === n - 1 ? check : `${check}if(valid0){\n${body}}\n`;
  }
  return `export function validate0(data){\nlet errors = 0;\nif(data && typeof data == "object" && !Array.isArray(data)){\n${body}}\nelse {\nvalidate0.errors = [{instancePath:"",schemaPath:"#/type",keyword:"type",params:{type: "object"}}];\nreturn false;\n}\nvalidate0.errors = null;\nreturn errors === 0;\n}`;
}

describe('ajv output of a wide object', () => {
  it('every rewrite takes an object of 1,500 properties, nested 1,500 blocks deep, and keeps its verdicts (600 stopped generate with a bare "Maximum call stack size exceeded": tCL F3)', async () => {
    const code = wideAjvLike(1500);
    let rewritten = code;
    for (const rewrite of [slimErrorObjects, callReject, hoistPropertyLoads, withoutConstantErrorCount, withoutConstantValidFlags, withoutRedundantNumberChecks, withPurePatterns, withCharacterClassPatterns]) {
      rewritten = rewrite(rewritten);
    }
    const source = `${REJECT_SOURCE}\n${rewritten}`;
    const original = await load(code);
    const validate = await load(source);
    const good = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`p${i}`, i]));
    expect(validate(good)).toBe(true);
    for (const value of [{ ...good, p1499: 'x' }, { ...good, p0: null }, { p700: Infinity }, [], 'x']) expect(validate(value)).toBe(original(value));
    expect(validate({ ...good, p1499: 'x' })).toBe(false);
  }, 120_000);
});

describe('the other rewrites of ajv output', () => {
  it('slimErrorObjects keeps instancePath, keyword and params (and data), nothing else', () => {
    const code = 'function v(data){ v.errors = [{instancePath:"/a",schemaPath:"#/x,y",keyword:"type",params:{type: "string"},schema:s.type,parentSchema:s,data}]; return false; }';
    expect(slimErrorObjects(code)).toBe('function v(data){ v.errors = [{instancePath:"/a",keyword:"type",params:{type: "string"},data}]; return false; }');
  });

  it('callReject turns a stored error and return false into one call', () => {
    const code = 'function v(i){ if (x) { v.errors = [{instancePath:i+"/a",keyword:"type",params:{type: "string"}}];\nreturn false; } }';
    expect(callReject(code)).toBe('function v(i){ if (x) { return reject(v, i+"/a", "type", {type: "string"}); } }');
    // ajv's `verbose` value at the error's place goes along.
    expect(callReject('function v(){ { v.errors = [{instancePath:"",keyword:"k",params:{},data:data1}];\nreturn false; } }')).toBe('function v(){ { return reject(v, "", "k", {}, data1); } }');
    expect(() => callReject('function v(){ { v.errors = [{instancePath:"",keyword:"k",params:{},message:"m"}];\nreturn false; } }')).toThrow(/other fields/);
  });

  it('withoutConstantErrorCount folds the count only where nothing changes it', () => {
    const constant = 'function a(){ let errors = 0; const _errs1 = errors; if (errors === 0) { var valid0 = _errs1 === errors; } return errors === 0; }';
    expect(withoutConstantErrorCount(constant)).toBe('function a(){   if (0 === 0) { var valid0 = 0 === 0; } return 0 === 0; }');
    const counting = 'function b(){ let errors = 0; const _errs1 = errors; if (x) errors++; return _errs1 === errors; }';
    expect(withoutConstantErrorCount(counting)).toBe(counting);
  });

  it('withoutRedundantNumberChecks drops the tests a finite number has already passed, and keeps the verdicts', async () => {
    const code = `export function validate0(x, y, z){
if(typeof x == "number" && isFinite(x)){
if(x < 0 || isNaN(x)){ return "below"; }
}
else { return "not a number"; }
if(!(Number.isInteger(y))){ return "not an integer"; }
if(typeof y == "number" && isFinite(y)){
if(y > 10 || isNaN(y)){ return "above"; }
}
if(z < 0 || isNaN(z)){ return "z"; }
return null;
}`;
    const out = withoutRedundantNumberChecks(code);
    expect(out).toContain('if((x < 0)){');
    expect(out).toContain('if(true){');
    expect(out).toContain('if((y > 10)){');
    // Nothing says z is a number: its test stays.
    expect(out).toContain('if(z < 0 || isNaN(z)){');
    const original = await load(code);
    const rewritten = await load(out);
    for (const x of [-1, 0, 1, NaN, Infinity, '1', null]) {
      for (const y of [0, 5, 11, 1.5, NaN, -Infinity, '5']) {
        for (const z of [-1, 0, NaN, '0']) expect((rewritten as Function)(x, y, z), `${x} ${y} ${z}`).toEqual((original as Function)(x, y, z));
      }
    }
  });

  it('withoutRedundantNumberChecks leaves a variable assigned twice alone', () => {
    const code = 'function v(x){ if (typeof x == "number" && isFinite(x)) { x = g(); if (x < 0 || isNaN(x)) return 1; } return 0; }';
    expect(withoutRedundantNumberChecks(code)).toBe(code);
  });

  it('withCharacterClassPatterns turns a repeated character class into a loop that agrees with the RegExp', async () => {
    const handled: [string, string][] = [
      ['^[0-9A-Za-z._~-]{1,128}$', 'u'], // the contract's cursor
      ['^[a-z]+$', ''], ['^[-a-f0-9]*$', 'u'], ['^[A-Z]{3}$', ''], ['^[ac-]{2,}$', ''], ['^[ !#]{0,2}$', 'u'],
      // Escaped members are themselves: an escaped `-` makes no range, an unescaped one after an escape does.
      ['^[0-9A-Za-z._~\\-]{1,128}$', 'u'], ['^[a\\-c]+$', 'u'], ['^[\\\\-a]*$', 'u'], ['^[\\]\\[.]{1,3}$', 'u'],
      // Class escapes are their sets (tEJ F5), with no flag or `u`.
      ['^[\\w.~-]{1,128}$', 'u'], ['^[\\w]+$', ''], ['^[\\d]+$', 'u'], ['^[\\s!]*$', 'u'], ['^[\\s]+$', ''], ['^[-\\d]{2}$', 'u'],
    ];
    const unhandled: [string, string][] = [
      ['^[a-z]+@x$', 'u'], ['^[\\W]+$', 'u'], ['^[\\D]+$', 'u'], ['^[\\w]+$', 'i'], ['^[\\w-z]+$', ''], ['^[a-\\d]+$', ''], ['^[a\\]{1}$', 'u'], ['^[^a]+$', ''], ['^[a-z]+$', 'i'], ['[a-z]+', ''], ['^[z-a]+$', ''], ['^[a-z]{3,2}$', ''], ['^[é]+$', 'u'],
    ];
    const module = (patterns: [string, string][]) => patterns.map(([source, flags], i) =>
      `const pattern${i} = new RegExp(${JSON.stringify(source)}, ${JSON.stringify(flags)});\nexport function test${i}(value) { return pattern${i}.test(value); }`).join('\n');
    const out = withCharacterClassPatterns(module(handled));
    expect(out).not.toContain('RegExp');
    // Anything else stays a RegExp; so does a pattern read other than by `.test(x)`.
    expect(withCharacterClassPatterns(module(unhandled))).toBe(module(unhandled));
    const read = 'const pattern0 = new RegExp("^[a-z]+$", "");\nexport const source = pattern0.source;\nexport function test0(value) { return pattern0.test(value); }';
    expect(withCharacterClassPatterns(read)).toBe(read);

    const tests = (await import(`data:text/javascript,${encodeURIComponent(out)}`)) as Record<string, (value: string) => boolean>;
    const regExps = handled.map(([source, flags]) => new RegExp(source, flags));
    const alphabet = fc.constantFrom(...'az AZ09._~-!#\n\u00e9\ud83d\ude00\ud800'.split(''), '_', '\t', '\v', '\r', '\u00a0', '\u2028', '\u200a', '\u200b', '\ufeff', '\u3000', '\u017f', '\u212a', 'b', 'c', 'f', 'g', '@', '/', '\\', '[', ']', 'Z', '^', '`');
    const check = (text: string) => regExps.forEach((regExp, i) => expect(tests[`test${i}`]!(text), `${regExp} on ${JSON.stringify(text)}`).toBe(regExp.test(text)));
    for (const text of ['', 'a', 'a\n', '\na', 'x'.repeat(128), 'x'.repeat(129), 'ABC', 'AB', 'ABCD', '-', 'a-c']) check(text);
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 140 }).map((chars) => chars.join('')), (text) => check(text)), { numRuns: 3000 });
  });

  it('reads \\d, \\w and \\s in a class as the sets the engine has, for every code unit, with no flag or u (tEJ F5)', () => {
    for (const escape of ['d', 'w', 's']) {
      const { ranges } = characterClassPattern(`^[\\${escape}]+$`)!;
      for (const flags of ['', 'u']) {
        const regExp = new RegExp(`^[\\${escape}]$`, flags);
        for (let code = 0; code <= 0xffff; code++) {
          const inRanges = ranges.some(([low, high]) => code >= low && code <= high);
          if (inRanges !== regExp.test(String.fromCharCode(code))) expect.fail(`\\${escape} /${flags}: U+${code.toString(16)} read ${inRanges}`);
        }
      }
    }
  });

  // tET F8 (mutant C6: `end < start` read as `<=`): a range of one character (`a-a`, `~-~`) is that character, the class read.
  it('reads a range of one character as that character, and refuses a range whose end is below its start', () => {
    expect(characterClassPattern('^[a-a]{1,3}$')).toEqual({ ranges: [[0x61, 0x61]], min: 1, max: 3 });
    expect(characterClassPattern('^[._~-~-]+$')).toEqual({ ranges: [[0x2e, 0x2e], [0x5f, 0x5f], [0x7e, 0x7e], [0x2d, 0x2d]], min: 1, max: Infinity });
    expect(characterClassPattern('^[b-a]+$')).toBeUndefined();
  });

  it('withTypeArgument gives an exported validator the type its caller read, and reads it itself without one', async () => {
    const code = `export const message_ping = validate1;
function validate1(data, instancePath, strict, notices){
if(data && typeof data == "object" && !Array.isArray(data)){
let data0;
if((data0 = data.type) === void 0){ return false; }
if("ping" !== data0){ return false; }
}
return true;
}
export function other(data, a, b, c){ return data.type; }`;
    const out = withTypeArgument(code, new Set(['message_ping']));
    expect(out).toContain('function validate1(data, instancePath, strict, notices, knownType)');
    expect(out).toContain('(data0 = (knownType === void 0 ? data.type : knownType)) === void 0');
    // Only the exported message validators change.
    expect(out).toContain('export function other(data, a, b, c){ return data.type; }');
    const { message_ping: validate } = (await import(`data:text/javascript,${encodeURIComponent(out)}`)) as { message_ping: (...args: unknown[]) => boolean };
    let reads = 0;
    const ping = { get type() { reads++; return 'ping'; } };
    expect(validate(ping, '', true, undefined, 'ping')).toBe(true);
    expect(reads).toBe(0);
    // The caller's value is the one judged.
    expect(validate(ping, '', true, undefined, 'pong')).toBe(false);
    // ajv's own calls (four arguments) read it as before.
    expect(validate(ping, '', true, undefined)).toBe(true);
    expect(reads).toBe(1);
    expect(validate({ type: 'pong' }, '', true, undefined)).toBe(false);
  });

  it('withKnownObject skips the root object test only in strict mode with the type its caller read', async () => {
    const code = withTypeArgument(`export const message_ping = validate1;
function validate1(data, instancePath, strict, notices){
if(data && typeof data == "object" && !Array.isArray(data)){
let data0;
if((data0 = data.type) === void 0){ return false; }
if("ping" !== data0){ return false; }
if(data.timestamp === void 0){ return false; }
return true;
}
return "not an object";
}
export function other(data, instancePath, strict, notices, knownType){ return data && typeof data == "object" && !Array.isArray(data); }`, new Set(['message_ping']));
    const out = withKnownObject(code);
    expect(out).toContain('if(strict && knownType !== void 0 || data && typeof data == "object" && !Array.isArray(data)){');
    // A function whose root object test is not an if statement's is left as it is.
    expect(out).toContain('export function other(data, instancePath, strict, notices, knownType){ return data && typeof data == "object" && !Array.isArray(data); }');
    const { message_ping: validate } = (await import(`data:text/javascript,${encodeURIComponent(out)}`)) as { message_ping: (...args: unknown[]) => unknown };
    const ping = { type: 'ping', timestamp: 1 };
    for (const strict of [true, false]) {
      expect(validate(ping, '', strict, undefined, 'ping')).toBe(true);
      expect(validate(ping, '', strict, undefined)).toBe(true);
    }
    // Without the type, or in tolerant mode, a value that is not an object is still refused as one.
    for (const value of [null, 'ping', ['ping'], Object.assign([], { type: 'ping', timestamp: 1 })]) {
      expect(validate(value, '', true, undefined)).toBe('not an object');
      expect(validate(value, '', false, undefined, 'ping')).toBe('not an object');
    }
  });

  it('withTypeArgument leaves a validator that does not read its type exactly once as it is', () => {
    // (A root `allOf` on `type`: the generator that refuses it names its file and pointer.)
    const twice = 'export const message_x = validate0;\nfunction validate0(data, a, b, c){ return data.type === data.type; }';
    expect(withTypeArgument(twice, new Set(['message_x']))).toBe(twice);
    const missing = 'export const message_x = validate0;';
    expect(() => withTypeArgument(missing, new Set(['message_x']))).toThrow(/no function declaration for message_x/);
  });

  it('tolerantOnly keeps the else branch of each `if (strict)`, nested ones too, and passes false where strict was read', async () => {
    const code = `export function validate0(data, strict, notices) {
  if (typeof data !== "string") { if (strict) return "type"; }
  if (data !== "a") {
    if (strict) { return "enum"; } else { if (strict) { return "never"; } else { notices.push(data); } }
  }
  return inner(data, strict);
}
function inner(data, strict) { return strict ? "strict " + data : null; }`;
    const rewritten = tolerantOnly(code);
    expect(rewritten).not.toMatch(/if \(strict\)/);
    expect(rewritten).toContain('inner(data, false)');
    // The parameters stay: the callers pass the same arguments.
    expect(rewritten).toContain('function validate0(data, strict, notices)');
    const tolerant = (await import(`data:text/javascript,${encodeURIComponent(rewritten)}`)) as { validate0: (data: unknown, strict: boolean, notices: unknown[]) => unknown };
    const original = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as typeof tolerant;
    for (const value of ['a', 'b', 5]) {
      const seen: unknown[] = [];
      const seenBefore: unknown[] = [];
      // The rewrite ignores the argument: it answers as the original does with false.
      expect(tolerant.validate0(value, true, seen)).toEqual(original.validate0(value, false, seenBefore));
      expect(seen).toEqual(seenBefore);
    }
  });

  it('tolerantOnly refuses code that assigns the strict argument', () => {
    expect(() => tolerantOnly('function f(strict) { strict = true; if (strict) return 1; return 0; }')).toThrow(/strict argument is assigned: strict = true/);
  });
});

describe('closedListLookups (the browser client tolerant module)', () => {
  const code = `var list1 = ["luno", "binance"];
var list2 = [1, 2];
function check(data4, data5, data6) {
  if (!(data4 === "luno" || data4 === "binance")) notice(list1, data4);
  if (!(data5 === 1 || data5 === 2)) notice(list2, data5);
  if (!(data6 === "binance" || data6 === "luno")) notice(list1, data6);
  if (!(data4 === "luno" || data5 === "binance")) notice(list1, data4);
  if (!(data4 === "luno" || data4 === "binance" || data4 === "x")) notice(list1, data4);
}`;
  it("tests a closed list by a lookup in the module's array of its values, in order, and leaves every other chain", () => {
    const rewritten = closedListLookups(code);
    expect(rewritten).toContain('if (!list1.includes(data4)) notice(list1, data4);');
    expect(rewritten).toContain('if (!list2.includes(data5)) notice(list2, data5);');
    // Another order, two variables, a value the array lacks: left as written.
    expect(rewritten).toContain('if (!(data6 === "binance" || data6 === "luno"))');
    expect(rewritten).toContain('if (!(data4 === "luno" || data5 === "binance"))');
    expect(rewritten).toContain('if (!(data4 === "luno" || data4 === "binance" || data4 === "x"))');
  });

  it('gives the verdicts of the chain it replaces, for any value', () => {
    const notices = (source: string) => {
      const seen: unknown[] = [];
      const run = new Function('notice', `${source}; return check;`)((known: unknown, value: unknown) => seen.push(value)) as (a: unknown, b: unknown, c: unknown) => void;
      return (a: unknown, b: unknown, c: unknown) => {
        seen.length = 0;
        run(a, b, c);
        return [...seen];
      };
    };
    const before = notices(code);
    const after = notices(closedListLookups(code));
    const value = fc.oneof(fc.constantFrom('luno', 'binance', 'x', 1, 2, -0, 0, NaN, null, undefined, '1'), fc.anything());
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        expect(after(a, b, c)).toEqual(before(a, b, c));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves no chain in the generated tolerant module', async () => {
    const { readFile } = await import('node:fs/promises');
    const generated = await readFile(new URL('../../generated/validators-tolerant.js', import.meta.url), 'utf8');
    expect(generated).not.toMatch(/!\((data\d*) === [^()]*\|\| \1 === /);
    expect(generated.match(/\.includes\(data\d*\)/g)?.length).toBeGreaterThanOrEqual(18);
  });
});
