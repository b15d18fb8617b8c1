/**
 * `uniqueItems` on an array whose items may be objects or arrays (valid draft-07): ajv compiles it
 * with its deep equality, which its standalone code `require`s, and generate stopped with an
 * internal check's message and a slice of bundled ajv code, no file, no pointer (a tester, tDJ F7).
 * The generated validators (strict, tolerant, every-error) now carry their own equality of JSON
 * values, so such a contract generates and its duplicates are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEqual } from '../../src/codegen/validators.js';
import { tradeValidatorsWith, type Check, type TradeValidators } from '../support/trade-validators.js';
import { readFileSync } from 'node:fs';
import { describeCompiledErrors } from '../../src/runtime/errors.js';
import type { CompiledValidatorError } from '../../generated/validators.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'unique-items-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')) as { data: Record<string, unknown> };

let validators: TradeValidators;
beforeAll(async () => {
  validators = await tradeValidatorsWith(work, {
    legs: { type: 'array', uniqueItems: true, description: 'Venues of the trade.', items: { type: 'object', additionalProperties: false, required: ['venue'], properties: { venue: { type: 'string' } } } },
    grid: { type: 'array', uniqueItems: true, description: 'Rows.', items: { type: 'array', items: { type: 'number' } } },
    anything: { type: 'array', uniqueItems: true, description: 'Any values, each once.' },
    tags: { type: 'array', uniqueItems: true, description: 'Tags, each once.', items: { type: 'string' } },
  });
}, 120_000);

const verdicts = (data: Record<string, unknown>) => {
  const message = { ...trade, data: { ...trade.data, ...data } };
  const { strict, tolerant, every } = validators as { strict: Check; tolerant: Check; every: TradeValidators['every'] };
  return [strict('trades', message, 'strict') === null, tolerant('trades', message) === null, every.trades!.call({ strict: true }, message)];
};

describe('uniqueItems on arrays of objects, of arrays and of any values', () => {
  it('generates (no require of ajv\'s runtime in the validators)', () => {
    for (const name of ['validators.js', 'validators-tolerant.js', 'cli/all-errors-validators.js']) expect(validators.files.get(name)).not.toMatch(/\brequire\(/);
  });

  it.each([
    ['two equal objects', { legs: [{ venue: 'a' }, { venue: 'a' }] }],
    ['two equal arrays', { grid: [[1, 2], [3], [1, 2]] }],
    ['two equal nested values, keys in another order', { anything: [{ x: [1, { y: 2, z: null }] }, 'x', { x: [1, { z: null, y: 2 }] }] }],
    ['two equal strings', { tags: ['a', 'b', 'a'] }],
    ['two equal strings named like a property of every object', { tags: ['constructor', 'toString', 'constructor'] }],
    // ajv's code indexed strings in a plain object: the second "__proto__" set its prototype, unseen (tDP F3).
    ['two "__proto__" strings', { tags: JSON.parse('["__proto__", "x", "__proto__"]') as string[] }],
  ])('refuses %s in the strict, tolerant and every-error validators', (_name, data) => {
    expect(verdicts(data)).toEqual([false, false, false]);
  });

  it('names the equal pair smaller index first, whatever the items (it read "items 2 and 0" for strings, "items 0 and 2" for objects: tDX F4)', () => {
    for (const data of [{ tags: ['a', 'b', 'a'] }, { legs: [{ venue: 'a' }, { venue: 'b' }, { venue: 'a' }] }, { grid: [[1], [2], [1]] }]) {
      const message = { ...trade, data: { ...trade.data, ...data } };
      const errors = validators.strict('trades', message, 'strict') as CompiledValidatorError[];
      expect(describeCompiledErrors(errors, message)[0]!.message).toMatch(/^expected an array without duplicate items \(items 0 and 2 are equal\), got an array of 3 items$/);
    }
  });

  it.each([
    ['objects that differ', { legs: [{ venue: 'a' }, { venue: 'b' }] }],
    ['arrays that differ in order or length', { grid: [[1, 2], [2, 1], [1, 2, 3], []] }],
    ['strings that differ, "__proto__" among them', { tags: ['__proto__', 'constructor', 'a'] }],
    ['values of different shapes', { anything: [{ x: [1, { y: 2 }] }, { x: [1, { y: 3 }] }, [], {}, [1], { 0: 1 }, 1, '1', null, true] }],
  ])('accepts %s', (_name, data) => {
    expect(verdicts(data)).toEqual([true, true, true]);
  });
});

describe('jsonEqual', () => {
  it('is equality of JSON values: objects by keys in any order, arrays in order, an array never an object', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(jsonEqual({}, null)).toBe(false);
    expect(jsonEqual(1, 1.0)).toBe(true);
  });

  // Taking the keys of every array at every comparison (its index strings) made uniqueItems on
  // arrays of arrays 10–30 times slower than ajv's equality, which compares by length and index (a tester, tDP F5).
  it('compares arrays by length and index, never listing their keys (jsonEqual is made from the text the generated modules hold)', () => {
    for (const equal of [jsonEqual]) {
      let listed = 0;
      const watched = (items: unknown[]) => new Proxy(items, { ownKeys: (target) => (listed++, Reflect.ownKeys(target)) });
      expect(equal(watched([1, [2, 3], { a: [4] }]), watched([1, [2, 3], { a: [4] }]))).toBe(true);
      expect(equal(watched([[1, 2, 3], [1, 2, 4]]), watched([[1, 2, 3], [1, 2, 5]]))).toBe(false);
      expect(equal(watched([1, 2]), watched([1, 2, 3]))).toBe(false);
      expect(listed).toBe(0);
      expect(equal([1], { 0: 1 })).toBe(false);
      expect(equal({ 0: 1 }, [1])).toBe(false);
      expect(equal({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
      expect(equal([], {})).toBe(false);
      expect(equal([NaN], [NaN])).toBe(true);
    }
  });
});

describe('TypeBox\'s own compiler beside the validators under uniqueItems', () => {
  const levels = { levels: { type: 'array', uniqueItems: true, description: 'Price levels, each once.', items: { type: 'number' } } };

  it('tells -0 from 0 where the validators find them equal, as README lists among its differences (tDP F4)', async () => {
    const { Type } = await import('@sinclair/typebox');
    const { TypeCompiler } = await import('@sinclair/typebox/compiler');
    // The form typebox.ts gives such an array.
    const { files, strict } = await tradeValidatorsWith(mkdtempSync(path.join(work, 'levels-')), levels);
    expect(files.get('typebox.ts')).toMatch(/levels: Type\.Optional\(Type\.Array\(Type\.Number\(\), \{[^}]*uniqueItems: true/);
    const compiled = TypeCompiler.Compile(Type.Array(Type.Number(), { uniqueItems: true }));
    expect([compiled.Check([-0, 0]), compiled.Check([1, 1.0]), compiled.Check([0.5, 0.5])]).toEqual([true, false, false]);
    // Two "__proto__" strings it refuses, as the validators now do (tDP F3): no difference to list.
    expect(TypeCompiler.Compile(Type.Array(Type.String(), { uniqueItems: true })).Check(JSON.parse('["__proto__", "__proto__"]'))).toBe(false);
    expect(strict('trades', { ...trade, data: { ...trade.data, levels: [-0, 0] } }, 'strict')).not.toBeNull();
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('under `uniqueItems` it tells `-0` from `0` (it hashes a number\'s bytes), where the validators, as JSON Schema, find them equal items');
  }, 120_000);
});
