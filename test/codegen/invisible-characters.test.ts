/**
 * Trojan Source (CVE-2021-42574) in a contract: bidirectional controls and invisible characters
 * in text the generated code and docs carry as it is (descriptions, titles, property names,
 * `x-…` texts) are refused with the file, the pointer and the code point; in values (`enum`,
 * `const`, `examples`) every generated file writes them as `\uXXXX`, which means the same
 * character, never raw.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGeneratable } from '../../src/codegen/check.js';
import { generate } from '../../src/codegen/index.js';
import { escapeInvisible } from '../../src/codegen/invisible.js';
import { loadContract, SchemaError, type SchemaNode } from '../../src/contract/index.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

type Trades = SchemaNode & { definitions: Record<string, SchemaNode & { properties: Record<string, SchemaNode> }> };

/** The shipped schemas with `edit` applied to trades.json, in a folder of their own. */
function edited(edit: (trades: Trades) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'invisible-'));
  made.push(dir);
  cpSync(SCHEMAS, dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const trades = JSON.parse(readFileSync(file, 'utf8')) as Trades;
  edit(trades);
  writeFileSync(file, JSON.stringify(trades, null, 2));
  return dir;
}

/** What checkGeneratable throws for the edited schemas. */
async function refusal(edit: (trades: Trades) => void): Promise<SchemaError> {
  const contract = await loadContract(edited(edit));
  try {
    checkGeneratable(contract);
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('checkGeneratable passed');
}

/** A Trojan Source line: read as a comment that ends, it runs as code (the paper's "commenting-out"). */
const TROJAN = 'Price. \u202e } \u2066if (isAdmin)\u2069 \u2066 begin admins only';
/** What no generated file may hold raw: the controls but tab, line feed and carriage return, format characters, line and paragraph separators. */
const RAW = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

describe('invisible and bidirectional characters', () => {
  it('refuses them in a description, naming the file, pointer and code point', async () => {
    const error = await refusal((trades) => {
      trades.definitions.TradeData!.properties.price!.description = TROJAN;
    });
    expect(error).toMatchObject({
      file: 'trades.json',
      pointer: '/definitions/TradeData/properties/price/description',
      problem: 'expected a description without invisible or control characters (the generated code and docs carry it as it is), got U+202E, a bidirectional control, which makes the text around it show in another order than it reads (Trojan Source), at character 7 (tabs and line ends may stay)',
    });
  });

  it('refuses them in a title, a property name, an x- text, and a zero-width space, a form feed or a bell anywhere there', async () => {
    const cases: [(trades: Trades) => void, string, RegExp][] = [
      [(t) => void (t.definitions.TradeData!.properties.price!.title = 'Price\u2067'), '/definitions/TradeData/properties/price/title', /^expected a title without .*got U\+2067, a bidirectional control/],
      [(t) => void (t.definitions.TradeData!.properties['pri\u200bce'] = { type: 'number' }), '/definitions/TradeData/properties/pri\u200bce', /^expected a property name without .*got U\+200B, an invisible format character, at character 3$/],
      [(t) => void (t['x-spec-section'] = '3. Trades\u202a'), '/x-spec-section', /^expected the text of x-spec-section without .*got U\+202A, a bidirectional control/],
      [(t) => void (t.description = 'Trades.\f'), '/description', /got U\+000C, a control character, at character 7/],
      [(t) => void (t.definitions.TradeData!.description = 'Bell\u0007'), '/definitions/TradeData/description', /got U\+0007, a control character/],
      [(t) => void (t.definitions.TradeData!.properties.fee!.$comment = '\ufeffFee'), '/definitions/TradeData/properties/fee/$comment', /^expected a \$comment without .*got U\+FEFF, a byte order mark/],
    ];
    for (const [edit, pointer, problem] of cases) {
      const error = await refusal(edit);
      expect(error, pointer).toMatchObject({ file: 'trades.json', pointer });
      expect(error.problem, pointer).toMatch(problem);
    }
  });

  it('refuses an invisible character beyond the basic plane in a value, which Go and Python cannot write as \\uXXXX', async () => {
    const error = await refusal((trades) => {
      trades.definitions.TradeData!.properties.status!.enum = ['pending', 'filled', 'cancelled', 'failed', 'tag\u{e0041}'];
    });
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/status/enum/4' });
    expect(error.problem).toMatch(/^expected a value without invisible characters beyond the basic plane, got U\+E0041/);
  });

  it('writes them in values as \\uXXXX in every generated file, meaning the same value', async () => {
    const value = 'ok\u202eyes\u2066';
    const bell = 'ring\u0007\u2028';
    const files = await generate(edited((trades) => {
      trades.definitions.TradeData!.properties.status!.enum = ['pending', 'filled', 'cancelled', 'failed', value, bell];
      trades.definitions.TradeData!.properties.venue = { const: 'v\u200b1', description: 'Venue.' };
      (trades.examples as { data: Record<string, unknown> }[])[0]!.data.status = value;
      (trades.examples as { data: Record<string, unknown> }[])[0]!.data.venue = 'v\u200b1';
    }));
    for (const [name, text] of files) expect(RAW.exec(text)?.[0], name).toBeUndefined();
    // Each output that carries the value writes its escape (JSON, JavaScript, TypeScript, Python, Go, Markdown alike).
    for (const name of ['asyncapi.json', 'schema/messages.schema.json', 'validators.js', 'types.ts', 'typebox.ts', 'languages/python/realtime_contract.py', 'languages/go/realtimecontract/messages.go', 'docs/messages.md']) {
      expect(files.get(name), name).toContain('ok\\u202eyes\\u2066');
    }
    // Escaped, still the same value: the JSON reads it back, and the validators accept it and nothing else.
    expect(JSON.stringify(JSON.parse(files.get('schema/messages.schema.json')!))).toContain(JSON.stringify(value).slice(1, -1));
    const validators = (await import(`data:text/javascript;base64,${Buffer.from(files.get('validators.js')!).toString('base64')}`)) as { checkMessage: (type: string, data: unknown, mode: string) => unknown };
    const example = (JSON.parse(readFileSync(path.join(SCHEMAS, 'trades.json'), 'utf8')) as { examples: { data: Record<string, unknown> }[] }).examples[0]!;
    const trade = (status: string, venue?: string) => ({ ...example, data: { ...example.data, status, ...(venue !== undefined && { venue }) } });
    expect(validators.checkMessage('trades', trade(value, 'v\u200b1'), 'strict')).toBeNull();
    expect(validators.checkMessage('trades', trade(bell), 'strict')).toBeNull();
    expect(validators.checkMessage('trades', trade('ok\\u202eyes\\u2066'), 'strict')).not.toBeNull();
    expect(validators.checkMessage('trades', trade(value, 'v1'), 'strict')).not.toBeNull();
  });

  it('escapeInvisible leaves layout and visible text alone', () => {
    expect(escapeInvisible('a\tb\r\nc\u00e9😀 ')).toBe('a\tb\r\nc\u00e9😀 ');
    expect(escapeInvisible('"\u202e\u2028\u0085\u007f"')).toBe('"\\u202e\\u2028\\u0085\\u007f"');
  });
});
