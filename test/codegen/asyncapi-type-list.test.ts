/**
 * README (AsyncAPI row): every closed list, object and choice in asyncapi.json has a `title`, the
 * name the Go and Python types give it. A union of JSON types written as a `type` list
 * (`["string", "integer"]`) is the Go struct `TradeDataMulti`, as the same union written as an
 * `anyOf` is, and `diff` calls the two forms the same; only the `anyOf` form was titled, so
 * modelina named the list form by position (tGI F4). A `type` list of one type and null is no
 * choice (no type of its own) and stays untitled.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildAsyncApi } from '../../src/codegen/asyncapi.js';
import { goOnlyTypeNames } from '../../src/codegen/language-shape.js';
import { loadContract } from '../../src/contract/load.js';
import type { SchemaNode } from '../../src/contract/schema.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'asyncapi-type-list-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('titles a type list of several types as its anyOf form, with the name Go gives it', async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  Object.assign(trades.definitions.TradeData.properties, {
    multi: { type: ['string', 'integer'], description: 'A code or a number.' },
    maybe: { type: ['string', 'integer', 'null'], description: 'A code, a number or null.' },
    choice: { anyOf: [{ type: 'string' }, { type: 'boolean' }], description: 'A code or a flag.' },
    note: { type: ['string', 'null'], description: 'A note or null.' },
  });
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const contract = await loadContract(dir);
  const doc = buildAsyncApi(contract) as { components: { schemas: Record<string, SchemaNode> } };
  const fields = doc.components.schemas.TradeData!.properties!;
  const goTypes = goOnlyTypeNames(contract.bundle, [...contract.messages, ...contract.documents].map((m) => m.title));
  for (const [key, title] of [['multi', 'TradeDataMulti'], ['maybe', 'TradeDataMaybe'], ['choice', 'TradeDataChoice']] as const) {
    expect(fields[key]!.title, key).toBe(title);
    expect(goTypes.has(title), title).toBe(true);
  }
  expect(fields.note!.title).toBeUndefined();
});
