/**
 * An unconstrained schema `{}` (any JSON value: schemas/ai_tasks.json's AiTaskResult.issues items,
 * "not specified by the spec and are not constrained") stays `unknown` in the generated types.ts
 * and received-types.ts: only an object naming `properties` without `additionalProperties` is
 * opened with an index signature (tEV F1). Opening every node without `additionalProperties`
 * narrowed `{}` to an object, and a producer's `issues: ["text"]`, which every validator accepts,
 * no longer compiled (tFG F4). Reads the emitted text: no tsc, no generate run.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleContract, loadContract } from '../../src/contract/index.js';
import { emitReceivedTypes } from '../../src/codegen/received-types.js';
import { emitTypes } from '../../src/codegen/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const contract = await loadContract(path.join(ROOT, 'schemas'));

/** The body of `interface <name> { … }` in `text` (up to its closing brace at the line start). */
function body(text: string, name: string): string {
  const match = new RegExp(`^export interface ${name} \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(text);
  if (!match) throw new Error(`no interface ${name} in:\n${text.slice(0, 2000)}`);
  return match[1]!;
}

/** The declarations of `body`, comments dropped and white space made one space. */
const declarations = (text: string) => text.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').trim();

describe('an unconstrained schema {} in generated types (tFG F4)', () => {
  it('AiTaskResult.issues, whose items are {}, is unknown[] in types.ts', async () => {
    const types = (await emitTypes(contract)).get('types.ts')!;
    expect(declarations(body(types, 'AiTaskResult'))).toContain('issues?: unknown[];');
  });

  it('{} as a property, as items and as a map\'s values stays unknown in types.ts and received-types.ts; an object with properties and no additionalProperties is opened', async () => {
    const trades = contract.messages.find((m) => m.type === 'trades')!;
    const schema = structuredClone(trades.schema);
    Object.assign(schema.definitions!.TradeData!.properties!, {
      anything: {},
      described: { description: 'Any JSON value.', $comment: 'a note', 'x-note': 1 },
      list: { type: 'array', items: {}, description: 'Items of any kind.' },
      map: { type: 'object', additionalProperties: {}, description: 'Values of any kind.' },
      named: { type: 'object', properties: { a: { type: 'string' } }, description: 'Open: no additionalProperties.' },
    });
    const model = { ...contract, messages: contract.messages.map((m) => (m === trades ? { ...m, schema } : m)) };
    const edited = { ...model, bundle: bundleContract(model) };
    const types = declarations(body((await emitTypes(edited)).get('types.ts')!, 'TradeData'));
    const received = declarations(body((await emitReceivedTypes(edited)).get('received-types.ts')!, 'ReceivedTradeData'));
    for (const [file, text] of [['types.ts', types], ['received-types.ts', received]]) {
      expect(text, file).toMatch(/ anything\??: unknown;/);
      // A description alone constrains nothing either: json-schema-to-typescript typed it an object
      // (`{ [k: string]: unknown }`), so a producer's "text", which every validator accepts, did not compile (fxEN).
      expect(text, file).toMatch(/ described\??: unknown;/);
      expect(text, file).toMatch(/ list\??: unknown\[\];/);
      expect(text, file).toMatch(/ map\??: \{ \[k: string\]: unknown; \};/);
      expect(text, file).toMatch(/ named\??: \{ a\??: string; \[k: string\]: unknown; \};/);
    }
  });
});
