/**
 * `multipleOf` at 1e21 times it: the validators test a multiple as ajv does, `x / m !==
 * parseInt(x / m)`, and `parseInt` reads `1e+21` as 1, so they refuse `1e21` under
 * `multipleOf: 1`; TypeBox's own compiler tests `x % m` and takes it; `integer` takes it too.
 * README lists the first among TypeBox's differences and `diff` counts the second (tEJ F4).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tradeValidatorsWith } from '../support/trade-validators.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'multiple-of-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')) as { data: Record<string, unknown> };

describe('TypeBox\'s own compiler beside the validators under multipleOf', () => {
  it('takes a number from 1e21 times it up, which the validators (as ajv) refuse, as README lists among its differences', async () => {
    const { Type } = await import('@sinclair/typebox');
    const { TypeCompiler } = await import('@sinclair/typebox/compiler');
    const { files, strict } = await tradeValidatorsWith(work, {
      lots: { type: 'number', multipleOf: 1, description: 'Lots.' },
      halves: { type: 'number', multipleOf: 0.5, description: 'Halves.' },
      count: { type: 'integer', description: 'A count.' },
    });
    // The form typebox.ts gives them.
    expect(files.get('typebox.ts')).toMatch(/lots: Type\.Optional\(Type\.Number\(\{[^}]*multipleOf: 1\b/);
    expect(files.get('typebox.ts')).toMatch(/halves: Type\.Optional\(Type\.Number\(\{[^}]*multipleOf: 0\.5\b/);
    const check = (data: Record<string, unknown>) => strict('trades', { ...trade, data: { ...trade.data, ...data } }, 'strict');
    for (const [field, multiple] of [['lots', 1], ['halves', 0.5]] as const) {
      const typebox = TypeCompiler.Compile(Type.Number({ multipleOf: multiple }));
      for (const value of [1e20, -1e20, 1e20 + multiple * 2 ** 20]) {
        expect(typebox.Check(value), `${field} ${value}`).toBe(true);
        expect(check({ [field]: value }), `${field} ${value}`).toBeNull();
      }
      for (const value of [1e21 * multiple, -1e21 * multiple, 4e21]) {
        expect(typebox.Check(value), `${field} ${value}`).toBe(true);
        expect(check({ [field]: value }), `${field} ${value}`).not.toBeNull();
      }
    }
    // integer takes them, as TypeBox does.
    expect(check({ count: 1e21 })).toBeNull();
    expect(TypeCompiler.Compile(Type.Integer()).Check(1e21)).toBe(true);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('under `multipleOf` it takes every multiple (`x % m`), where the validators, as ajv, refuse any number from 1e21 times `m` up in magnitude (`1e21` under `multipleOf: 1`');
  }, 120_000);
});
