/**
 * A closed list defined by name that holds null (`OrderKind: ["limit", "market", null]`) beside
 * an inline list of the same strings is one Go and Python type, as two lists of the same strings
 * are: generate stopped with "quicktype renamed it" once nullable inline lists were named after
 * their place (a reviewer).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generate } from '../../src/codegen/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'nullable-definition-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it.each([
  ['nullable inline', { type: ['string', 'null'], enum: ['limit', 'market', null], description: 'The kind, or null.' }],
  ['non-null inline', { type: 'string', enum: ['limit', 'market'], description: 'The kind.' }],
])('a named nullable list and a %s list of the same strings generate one type, nullable where it is', async (name, inline) => {
  const dir = path.join(work, name.replace(/\W/g, '-'));
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const definitions = JSON.parse(readFileSync(path.join(dir, 'definitions.json'), 'utf8'));
  definitions.definitions.OrderKind = { title: 'OrderKind', description: 'Order kind, or null.', type: ['string', 'null'], enum: ['limit', 'market', null] };
  writeFileSync(path.join(dir, 'definitions.json'), JSON.stringify(definitions, null, 2));
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  trades.definitions.TradeData.properties.order_kind = { $ref: 'definitions.json#/definitions/OrderKind', description: 'The order kind.' };
  trades.definitions.TradeData.properties.kind = inline;
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const files = await generate(dir);
  const go = files.get('languages/go/realtimecontract/messages.go')!;
  const python = files.get('languages/python/realtime_contract.py')!;
  expect(go.match(/^type \w*Kind string$/gm)).toEqual(['type OrderKind string']);
  expect(go).toMatch(/\tOrderKind \*OrderKind `json:"order_kind,omitempty"`/);
  expect(go).toMatch(/\tKind \*OrderKind `json:"kind,omitempty"`/);
  expect(python).toMatch(/\n {4}order_kind: Optional\[OrderKind\] = None\n/);
}, 120_000);
