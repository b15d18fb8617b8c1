/**
 * An inline `title` (a closed list, an object, a number, a node of any value) inside a
 * definition that received-types.ts opens names a type of types.ts only: received-types.ts
 * declared it too, under the same name, src/index.ts re-exports both files (`export type *`),
 * and `npm run build` failed with TS2308 while generate and `generate --check` passed (tFO F7).
 * Reads the emitted text: no tsc, no generate run.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { bundleContract, loadContract } from '../../src/contract/index.js';
import { emitReceivedTypes } from '../../src/codegen/received-types.js';
import { emitTypes } from '../../src/codegen/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const contract = await loadContract(path.join(ROOT, 'schemas'));
const declared = (text: string) => new Set([...text.matchAll(/^export (?:type|interface) (\w+)/gm)].map((m) => m[1]!));

it('types.ts and received-types.ts declare no name alike; the received field is the open list, inline', async () => {
  const trades = contract.messages.find((m) => m.type === 'trades')!;
  const schema = structuredClone(trades.schema);
  Object.assign(schema.definitions!.TradeData!.properties!, {
    tenum: { title: 'TEnum', type: 'string', enum: ['a', 'b'] },
    tnote: { title: 'TitleOnly', description: 'Any value.' },
    tobj: { title: 'TObj', type: 'object', properties: { k: { type: 'string', enum: ['x', 'y'] } } },
    tnum: { title: 'TNum', type: 'number' },
  });
  const model = { ...contract, messages: contract.messages.map((m) => (m === trades ? { ...m, schema } : m)) };
  const edited = { ...model, bundle: bundleContract(model) };
  const types = (await emitTypes(edited)).get('types.ts')!;
  const received = (await emitReceivedTypes(edited)).get('received-types.ts')!;
  for (const name of ['TEnum', 'TitleOnly', 'TObj', 'TNum']) expect(declared(types), name).toContain(name);
  expect([...declared(received)].filter((name) => declared(types).has(name))).toEqual([]);
  const body = /^export interface ReceivedTradeData \{\n([\s\S]*?)^\}/m.exec(received)![1]!.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ');
  expect(body).toMatch(/ tenum\?: 'a' \| 'b' \| \(string & \{\}\);/);
  expect(body).toMatch(/ tnote\?: unknown;/);
  expect(body).toMatch(/ k\?: 'x' \| 'y' \| \(string & \{\}\);/);
});
