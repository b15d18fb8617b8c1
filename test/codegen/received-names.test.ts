// tHV F4: a nested definition that gained a closed list moved the received types to a new
// `Received<X>` name (`ReceivedBalancesData.balances` went from `AssetBalance` to
// `ReceivedAssetBalance`), and a consumer that could only name it `AssetBalance` stopped compiling.
// Every definition has its `Received` name now, and the received types use it before and after.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitReceivedTypes } from '../../src/codegen/received-types.js';
import { loadContract } from '../../src/contract/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'received-names-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The received-types.ts of schemas/, with `AssetBalance` given `properties` when some are passed. */
async function receivedTypes(name: string, added: Record<string, unknown> = {}): Promise<string> {
  const dir = path.join(work, name);
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const file = path.join(dir, 'balances.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(schema.definitions.AssetBalance.properties, added);
  writeFileSync(file, JSON.stringify(schema, null, 2));
  return (await emitReceivedTypes(await loadContract(dir))).get('received-types.ts')!;
}

describe('the received types of a nested definition', () => {
  it('name it Received<X> whether or not it holds a closed list: an alias before, the open twin after', async () => {
    const before = await receivedTypes('before');
    const after = await receivedTypes('after', { kind: { type: 'string', enum: ['spot', 'margin'], description: 'Account kind.' } });
    for (const text of [before, after]) expect(text).toMatch(/\[k: string\]: ReceivedAssetBalance;/);
    expect(before).toContain('export type ReceivedAssetBalance = AssetBalance;');
    expect(after).toContain('export interface ReceivedAssetBalance {');
    expect(after).toContain("kind?: 'spot' | 'margin' | (string & {});");
  }, 120_000);
});
