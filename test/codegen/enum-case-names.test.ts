/**
 * Two values of one closed list that a generated language names alike: quicktype's Python and
 * Go renderers gave one of them another name in silence (`""` beside `"empty"`: Python
 * `EMPTY` and `TRADE_DATA_STATUS_EMPTY`, Go `PurpleTradeDataStatusEmpty`), so code written
 * against one constant came to mean the other. generate refuses such a list, with the file,
 * the pointer, the values and the language, as quicktype's own naming finds them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, SchemaError } from '../../src/codegen/index.js';
import { checkEnumCaseNames, enumCaseCollisions } from '../../src/codegen/quicktype-names.js';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract } from '../../src/contract/index.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The shipped schemas with the trade status listing `values` instead, in a folder of their own. */
function withStatus(values: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enum-case-names-'));
  made.push(dir);
  cpSync(SCHEMAS, dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const trades = JSON.parse(readFileSync(file, 'utf8'));
  trades.definitions.TradeData.properties.status.enum = values;
  writeFileSync(file, JSON.stringify(trades, null, 2));
  return dir;
}

const STATUS = '/definitions/TradeData/properties/status';

describe('enum case names', () => {
  it('generate refuses "" beside "empty", which Python and Go name alike, at the later value', async () => {
    const error = await generate(withStatus(['pending', 'filled', '', 'empty'])).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'trades.json', pointer: `${STATUS}/enum/3` });
    const { problem } = error as SchemaError;
    expect(problem).toContain('expected values of a closed list that Python names apart, got "" and "empty"');
    expect(problem).toContain("quicktype's Python naming both calls EMPTY (enum TradeDataStatus)");
    expect(problem).toContain('"" as EMPTY, "empty" as TRADE_DATA_STATUS_EMPTY');
  });

  it('finds each collision in every language quicktype writes, with the names it would assign', async () => {
    const contract = await loadContract(withStatus(['pending', '', 'empty']));
    expect(await enumCaseCollisions(contract)).toEqual([
      { language: 'Python', type: 'TradeDataStatus', values: ['', 'empty'], proposed: 'EMPTY', assigned: ['EMPTY', 'TRADE_DATA_STATUS_EMPTY'] },
      { language: 'Go', type: 'TradeDataStatus', values: ['', 'empty'], proposed: 'TradeDataStatusEmpty', assigned: ['PurpleTradeDataStatusEmpty', 'FluffyTradeDataStatusEmpty'] },
    ]);
    // The names are the ones the generated code would carry, had generate not refused it.
    const languages = await emitLanguages(contract);
    const python = languages.get('languages/python/realtime_contract.py')!;
    const go = languages.get('languages/go/realtimecontract/messages.go')!;
    expect(python).toMatch(/^ {4}EMPTY = ""$/m);
    expect(python).toMatch(/^ {4}TRADE_DATA_STATUS_EMPTY = "empty"$/m);
    expect(go).toMatch(/^\tPurpleTradeDataStatusEmpty +TradeDataStatus = ""$/m);
    expect(go).toMatch(/^\tFluffyTradeDataStatusEmpty +TradeDataStatus = "empty"$/m);
  });

  it('names "a-b" beside "a_b" too (checkGeneratable refuses them first, as values that differ only in punctuation)', async () => {
    const contract = await loadContract(withStatus(['pending', 'a-b', 'a_b']));
    const error = await checkEnumCaseNames(contract).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ file: 'trades.json', pointer: `${STATUS}/enum/2` });
    expect((error as SchemaError).problem).toMatch(/^expected values of a closed list that Python names apart, got "a-b" and "a_b", which quicktype's Python naming both calls A_B/);
  });

  it('passes the shipped schemas, and values that only look alike', async () => {
    expect(await enumCaseCollisions(await loadContract(SCHEMAS))).toEqual([]);
    const contract = await loadContract(withStatus(['pending', 'empty', 'emptied', 'a-b', 'a-c']));
    await expect(checkEnumCaseNames(contract)).resolves.toBeUndefined();
  });
});
