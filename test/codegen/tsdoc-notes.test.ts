import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleContract, loadContract, type Contract, type SchemaNode } from '../../src/contract/index.js';
import { emitReceivedTypes } from '../../src/codegen/received-types.js';
import { emitTypes } from '../../src/codegen/types.js';
import { emitDocs } from '../../src/codegen/docs/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const contract = await loadContract(path.join(ROOT, 'schemas'));

/** The contract with `fields` added to trades' `data` (TradeData). */
function withTradeFields(fields: Record<string, SchemaNode>): Contract {
  const trades = contract.messages.find((m) => m.type === 'trades')!;
  const schema = structuredClone(trades.schema);
  Object.assign(schema.definitions!.TradeData!.properties!, fields);
  const model = { ...contract, messages: contract.messages.map((m) => (m === trades ? { ...m, schema } : m)) };
  return { ...model, bundle: bundleContract(model) };
}

/** The doc comment right above `key` in `interface`, its lines without the leading ` * `. */
function docOf(text: string, name: string, key: string): string {
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  expect(body, name).toBeDefined();
  const comment = new RegExp(`/\\*\\*\\n((?:\\s*\\*.*\\n)*?)\\s*\\*/\\n\\s*${key}\\??:`).exec(body!)?.[1];
  expect(comment, `${name}.${key}`).toBeDefined();
  return comment!
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

describe("the types' TSDoc states what the reference's row states", () => {
  // A bare `number` said nothing of the `minimum: 0` the validators enforce, where an array got
  // @minItems (testers): a producer reading the hover help of `total` did not learn -1 is refused.
  it('gives a number or string field the bounds written on it, in the words of the reference', async () => {
    const edited = withTradeFields({
      leverage: { type: 'number', exclusiveMinimum: 0, maximum: 100, multipleOf: 0.5, description: 'Leverage.' },
      note: { type: 'string', minLength: 2, maxLength: 40, pattern: '^[a-z ]+$', description: 'Note.' },
      maybe: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }], description: 'Maybe.' },
      tags: { type: 'array', items: { type: 'string', maxLength: 10 }, uniqueItems: true, minItems: 1, description: 'Tags.' },
      nested: { type: 'array', items: { type: 'array', uniqueItems: true, items: {} }, description: 'Nested.' },
    });
    const types = (await emitTypes(edited)).get('types.ts')!;
    const received = (await emitReceivedTypes(edited)).get('received-types.ts')!;
    for (const [text, name] of [[types, 'TradeData'], [received, 'ReceivedTradeData']] as const) {
      expect(docOf(text, name, 'leverage')).toMatch(/^Leverage\.\n\nAllowed: 0 < x ≤ 100; a multiple of 0\.5\.(\n|$)/);
      expect(docOf(text, name, 'note')).toMatch(/^Note\.\n\nAllowed: 2 ≤ length ≤ 40; matches `\^\[a-z \]\+\$`\./);
      expect(docOf(text, name, 'maybe')).toMatch(/^Maybe\.\n\nAllowed: x ≥ 1\./);
      // The reference's `nested[]` row says "items unique"; the TSDoc said only "Nested." (tDX F7).
      expect(docOf(text, name, 'nested')).toMatch(/^Nested\.\n\nAllowed: each item's items unique\.(\n|$)/);
      expect(docOf(text, name, 'tags')).toMatch(/^Tags\.\n\nAllowed: items unique; each item length ≤ 10\.\n[^]*@minItems 1/);
      // The shipped fields too: total's minimum 0.
      expect(docOf(text, name, 'total')).toContain('Allowed: x ≥ 0.');
    }
  });

  // An anyOf's branches are alternatives: their bounds joined by "; " read as all holding ("length ≤ 3;
  // matches `^[0-9]+$`": "1234567" and "abc" both pass), as one schema's bounds do (tGY F4).
  it("says an anyOf's branches' bounds as alternatives, in the TSDoc and the reference's row", async () => {
    const fields = {
      code: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'string', pattern: '^[0-9]+$' }], description: 'Code.' },
      mix: { anyOf: [{ enum: ['a', 'b'] }, { type: 'string', pattern: '^x' }, { type: 'integer' }], description: 'Mix.' },
      amt: { type: 'number', minimum: 0, multipleOf: 0.5, description: 'Amount.' },
    };
    // From files, as generate reads them: the reference is written from the schema files.
    const dir = await mkdtemp(path.join(tmpdir(), 'tsdoc-notes-'));
    let edited: Contract;
    try {
      await cp(path.join(ROOT, 'schemas'), dir, { recursive: true });
      const trades = JSON.parse(await readFile(path.join(dir, 'trades.json'), 'utf8')) as SchemaNode;
      Object.assign(trades.definitions!.TradeData!.properties!, fields);
      await writeFile(path.join(dir, 'trades.json'), JSON.stringify(trades));
      edited = await loadContract(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const types = (await emitTypes(edited)).get('types.ts')!;
    const received = (await emitReceivedTypes(edited)).get('received-types.ts')!;
    for (const [text, name] of [[types, 'TradeData'], [received, 'ReceivedTradeData']] as const) {
      expect(docOf(text, name, 'code')).toMatch(/^Code\.\n\nAllowed: length ≤ 3, or matches `\^\[0-9\]\+\$`\.(\n|$)/);
      expect(docOf(text, name, 'mix')).toMatch(/^Mix\.\n\nAllowed: matches `\^x`, or any value of the type's other choices\.(\n|$)/);
      expect(docOf(text, name, 'amt')).toMatch(/^Amount\.\n\nAllowed: x ≥ 0; a multiple of 0\.5\.(\n|$)/);
    }
    const reference = emitDocs(edited).get('docs/messages.md')!;
    // Trades' rows (the error message has a `data.code` of its own).
    const rows = reference.split('\n').filter((line) => /^\| `data\.(code|mix|amt)`/.test(line));
    expect(rows).toContainEqual(expect.stringContaining('| length ≤ 3, or matches `^[0-9]+$` |'));
    expect(rows).toContainEqual(expect.stringContaining('| `"a"` \\| `"b"`, or matches `^x`, or any integer |'));
    expect(rows).toContainEqual(expect.stringContaining('| x ≥ 0; a multiple of 0.5 |'));
  });

  // `diff` calls a changed default or example documentation that generate rewrites the type
  // comments from; neither reached them (a tester).
  it("gives a field its default and examples as @default and @example tags", async () => {
    const edited = withTradeFields({
      fee: { type: 'number', default: 0, examples: [2.55, -0.4], description: 'Fee.' },
      venue: { type: 'string', default: 'main', examples: ['main'], description: 'Venue.' },
    });
    const types = (await emitTypes(edited)).get('types.ts')!;
    const received = (await emitReceivedTypes(edited)).get('received-types.ts')!;
    for (const [text, name] of [[types, 'TradeData'], [received, 'ReceivedTradeData']] as const) {
      expect(docOf(text, name, 'fee')).toMatch(/^Fee\.\n\n@default 0\n@example 2\.55\n@example -0\.4(\n|$)/);
      expect(docOf(text, name, 'venue')).toMatch(/^Venue\.\n\n@default "main"\n@example "main"(\n|$)/);
    }
    // A message's own examples are whole messages, shown in the reference: not in its type's comment.
    expect(types).not.toMatch(/@example \{/);
  });
});
