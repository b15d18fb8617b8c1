/**
 * A choice of two JSON types beside a branch of any value (`anyOf: [string, integer, { description }]`)
 * admits any value, as the same choice with one typed branch does: quicktype types it
 * `interface{}` (Go) and `Any` (Python), no union struct of its own. generate expected a Go union
 * named after the place and refused the contract with "quicktype renamed it … rename it", which
 * was false and left the author nothing to do (tFV F3). So for a nested choice, a `$ref` to an
 * annotations-only definition as the branch, and a titled definition that is such a choice.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generate } from '../../src/codegen/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GO_FILE = 'languages/go/realtimecontract/messages.go';
const PYTHON_FILE = 'languages/python/realtime_contract.py';
const work = mkdtempSync(path.join(tmpdir(), 'choice-of-any-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('generates a choice of two types beside a branch of any value as any value in Go and Python (it was refused as renamed)', { timeout: 180_000 }, async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  Object.assign(trades.definitions.TradeData.properties, {
    extra: { anyOf: [{ type: 'string' }, { type: 'integer' }, { description: 'Anything else, as the venue sends it.' }] },
    viaref: { anyOf: [{ type: 'number' }, { type: 'string' }, { $ref: '#/definitions/AnyThing' }] },
    nested: { anyOf: [{ anyOf: [{ description: 'x' }, { type: 'string' }] }, { type: 'number' }] },
    mixed: { $ref: '#/definitions/Mixed' },
    // A branch that is itself a choice with a branch of any value, beside two types: refused as renamed if the inner
    // choice is not read as any value (tGK F9, LS4).
    deep: { anyOf: [{ type: 'number' }, { type: 'boolean' }, { anyOf: [{ type: 'string' }, { description: 'any' }] }] },
    // One with a closed list beside its inner choice constrains it: a union of its own, named after the place (tGK F9, LS3).
    listed: { anyOf: [{ type: 'number' }, { type: 'boolean' }, { anyOf: [{ type: 'string' }, {}], enum: ['a', 'b'] }] },
  });
  trades.definitions.AnyThing = { title: 'AnyThing', description: 'Annotations only.' };
  trades.definitions.Mixed = { title: 'Mixed', anyOf: [{ type: 'string' }, { type: 'integer' }, { description: 'else' }] };
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const files = await generate(dir);
  const go = files.get(GO_FILE)!;
  const python = files.get(PYTHON_FILE)!;
  for (const key of ['extra', 'viaref', 'nested', 'mixed', 'deep']) {
    expect(go, key).toMatch(new RegExp(`^\\t\\S+\\s+interface\\{\\}\\s+\`json:"${key},omitempty"\``, 'm'));
    expect(python, key).toMatch(new RegExp(`^ {4}${key}: Any = None$`, 'm'));
  }
  // No union struct was declared for any of them.
  expect(go).not.toMatch(/^type (TradeDataExtra|TradeDataViaref|TradeDataNested|Mixed|TradeDataDeep) struct/m);
  expect(go).toMatch(/^\tListed\s+\*TradeDataListed\s+`json:"listed,omitempty"`/m);
  expect(go).toMatch(/^type TradeDataListed struct/m);
  expect(python).toMatch(/^ {4}listed: Optional\[Union\[bool, float, TradeDataListedEnum\]\] = None$/m);
});
