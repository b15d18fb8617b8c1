import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAsyncApi } from '../../src/codegen/asyncapi.js';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract, type SchemaNode } from '../../src/contract/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of schemas/ with `fields` added to the named object of `file`, loaded. */
async function contractWith(edits: [file: string, definition: string, fields: Record<string, SchemaNode>][]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'anyof-lists-'));
  dirs.push(dir);
  cpSync('schemas', dir, { recursive: true });
  for (const [file, definition, fields] of edits) {
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as SchemaNode;
    Object.assign(schema.definitions![definition]!.properties!, fields);
    writeFileSync(path.join(dir, file), JSON.stringify(schema));
  }
  return loadContract(dir);
}

// An anyOf of closed lists of strings was named by quicktype after the property alone (`Two`),
// renamed `PurpleTwo` when another message gained a field `two`, while AsyncAPI titled it
// `TradeDataTwo` (tGY F6): named after its place now, as every other list.
describe('an anyOf of closed lists of strings', () => {
  const two: SchemaNode = { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['c', 'd'] }] };
  const nullable: SchemaNode = { anyOf: [{ enum: ['p', 'q'] }, { const: 'r' }, { type: 'null' }] };

  it('is a type named after its place in Go and Python, the AsyncAPI title, whatever another message adds', { timeout: 120_000 }, async () => {
    const alone = await contractWith([['trades.json', 'TradeData', { two, maybe: nullable }]]);
    const beside = await contractWith([['trades.json', 'TradeData', { two, maybe: nullable }], ['bots.json', 'BotData', { two: { anyOf: [{ enum: ['x', 'y'] }, { enum: ['z'] }] } }]]);
    for (const contract of [alone, beside]) {
      const files = await emitLanguages(contract);
      const go = [...files].find(([file]) => file.endsWith('.go'))![1];
      const python = [...files].find(([file]) => file.endsWith('.py'))![1];
      // gofmt aligns a struct's fields and a block's constants.
      expect(go).toMatch(/^\tTwo\s+\*TradeDataTwo\s+`json:"two,omitempty"`$/m);
      expect(go).toMatch(/^\tTradeDataTwoC\s+TradeDataTwo = "c"$/m);
      expect(go).toMatch(/^\tMaybe\s+\*TradeDataMaybe\s+`json:"maybe,omitempty"`$/m);
      expect(python).toMatch(/^ {4}two: Optional\[TradeDataTwo\] = None$/m);
      expect(python).toMatch(/^ {4}maybe: Optional\[TradeDataMaybe\] = None$/m);
      const document = JSON.stringify(buildAsyncApi(contract));
      expect(document).toContain('"two":{"title":"TradeDataTwo"');
    }
  });
});
