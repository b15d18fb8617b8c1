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

// Platform or a new titled OtherPlatform (or an inline list) in one anyOf: quicktype merges the
// two lists into one type and the title is lost. The refusal blamed a reserved name or a value with
// no letter or digit, neither of which applied, and left the author nothing to rename (tIH F2).
describe('a titled closed list beside another in one anyOf', () => {
  async function refusal(other: SchemaNode, definition?: SchemaNode) {
    const dir = mkdtempSync(path.join(tmpdir(), 'anyof-lists-'));
    dirs.push(dir);
    cpSync('schemas', dir, { recursive: true });
    const alerts = JSON.parse(readFileSync(path.join(dir, 'alerts.json'), 'utf8')) as SchemaNode;
    alerts.definitions!.AlertData!.properties!.platform = { anyOf: [{ $ref: 'definitions.json#/definitions/Platform' }, other, { type: 'null' }] };
    writeFileSync(path.join(dir, 'alerts.json'), JSON.stringify(alerts));
    if (definition !== undefined) {
      const definitions = JSON.parse(readFileSync(path.join(dir, 'definitions.json'), 'utf8')) as SchemaNode;
      definitions.definitions!.OtherPlatform = definition;
      writeFileSync(path.join(dir, 'definitions.json'), JSON.stringify(definitions));
    }
    return emitLanguages(await loadContract(dir)).then(
      () => 'generated',
      (error: { file?: string; pointer?: string; message: string }) => [path.basename(error.file ?? ''), error.pointer, error.message],
    );
  }

  it('is refused at the anyOf, saying quicktype merges the lists, not that a name is reserved', { timeout: 120_000 }, async () => {
    const cases = [
      await refusal({ $ref: 'definitions.json#/definitions/OtherPlatform' }, { title: 'OtherPlatform', type: 'string', enum: ['bitstamp'] }),
      await refusal({ type: 'string', enum: ['bitstamp'] }),
    ];
    for (const [lists, result] of [['Platform, OtherPlatform', cases[0]], ['Platform, an inline list', cases[1]]] as const) {
      expect(result).toEqual(['alerts.json', '/definitions/AlertData/properties/platform', expect.stringContaining(`quicktype merges the closed lists of strings of this anyOf (${lists}) into one type; write one closed list holding the values of all of them`)]);
      expect((result as string[])[2]).not.toMatch(/reserves/);
    }
  });
});
