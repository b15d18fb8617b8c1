/**
 * README: the bundled `generated/schema/messages.schema.json` is one "that a default `new Ajv()`
 * with ajv-formats compiles in strict mode". A `type` list of several types (`["string",
 * "integer"]`, which generate takes) was written into it as it is: a default `new Ajv()` logged
 * "strict mode: use allowUnionTypes to allow union type keyword" on every compile, and
 * `new Ajv({ strict: true })` refused it (tGI F1). It is written as the `anyOf` of one branch per
 * type, each with its type's keywords: strict mode takes it, and it judges every value as the
 * contract does.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, expect, it } from 'vitest';
import { emitShippedSchema } from '../../src/codegen/shipped-schema.js';
import { loadContract } from '../../src/contract/load.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'shipped-type-lists-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FIELDS = {
  multi: { type: ['string', 'integer'], minLength: 2, maximum: 9, description: 'A code or a number.' },
  maybe: { type: ['string', 'integer', 'null'], format: 'date-time', description: 'A time, a count or null.' },
  list: { type: ['array', 'string'], items: { type: 'integer' }, maxItems: 2, pattern: '^[a-z]+$', description: 'Numbers or a word.' },
};
const VALUES = ['', 'a', 'ab', 'AB', 0, 9, 10, 1.5, null, true, [], [1, 2], [1, 2, 3], ['x'], '2026-01-14T16:30:00Z', {}];

it('the bundled schema of a contract with type lists compiles in ajv strict mode, without a warning, and judges as the contract', async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  Object.assign(trades.definitions.TradeData.properties, FIELDS);
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const contract = await loadContract(dir);
  const shipped = JSON.parse(emitShippedSchema(contract).get('schema/messages.schema.json')!);

  const warnings: unknown[] = [];
  const logger = { log: () => {}, warn: (...args: unknown[]) => warnings.push(args), error: (...args: unknown[]) => warnings.push(args) };
  const strict = addFormats(new Ajv({ strict: true, logger })).compile(shipped);
  addFormats(new Ajv({ logger })).compile(shipped);
  expect(warnings).toEqual([]);

  // The contract as written, judged with union types allowed.
  const contractBundle = JSON.parse(JSON.stringify(contract.bundle, (key, value) => (key.startsWith('x-') ? undefined : value)));
  const reference = addFormats(new Ajv({ strict: false, allowUnionTypes: true })).compile(contractBundle);
  const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
  let accepted = 0;
  for (const key of Object.keys(FIELDS)) {
    for (const value of VALUES) {
      const message = { ...trade, data: { ...trade.data, [key]: value } };
      expect(strict(message), `${key}: ${JSON.stringify(value)}`).toBe(reference(message));
      if (reference(message)) accepted++;
    }
  }
  expect(accepted).toBeGreaterThan(5);
});
