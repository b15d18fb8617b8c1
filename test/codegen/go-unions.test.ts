import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shapeForQuicktype } from '../../src/codegen/language-shape.js';
import { emitLanguages } from '../../src/codegen/quicktype.js';
import { loadContract } from '../../src/contract/load.js';
import type { SchemaNode } from '../../src/contract/schema.js';
import { findTool } from '../support/toolchain.js';

/**
 * Go declares a union of JSON types as a struct named after its place, and a union of the same
 * kinds elsewhere as an alias of it. A union that holds another by `$ref` is, to quicktype, the
 * flat union of both: keyed apart, quicktype declared one type for it and a flat union of the
 * same kinds elsewhere, and generate refused the contract as if a name had been renamed (a
 * fixer's finding). Each field must be typed with the union of its own kinds, and the output
 * must build.
 */

const GO_FILE = 'languages/go/realtimecontract/messages.go';
const goTool = findTool('go', ['version']);
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** schemas/ in a temporary folder, with extra properties on TradeData and BotData, and extra definitions in trades.json. */
async function goWith(edits: { definitions?: Record<string, SchemaNode>; trades?: Record<string, SchemaNode>; bots?: Record<string, SchemaNode> }): Promise<string> {
  const dir = temp('go-unions-');
  cpSync('schemas', dir, { recursive: true });
  const edit = (file: string, change: (schema: SchemaNode) => void) => {
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as SchemaNode;
    change(schema);
    writeFileSync(path.join(dir, file), JSON.stringify(schema, null, 2));
  };
  edit('trades.json', (schema) => {
    Object.assign(schema.definitions!.TradeData!.properties!, edits.trades);
    Object.assign(schema.definitions!, edits.definitions);
  });
  edit('bots.json', (schema) => void Object.assign(schema.definitions!.BotData!.properties!, edits.bots));
  return (await emitLanguages(await loadContract(dir))).get(GO_FILE)!;
}

/** The Go type of the field that holds the JSON key `key` in struct `struct`. */
function fieldType(go: string, struct: string, key: string): string | undefined {
  const body = new RegExp(`^type ${struct} struct \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(go)?.[1] ?? '';
  return new RegExp(`^\\t\\S+\\s+(\\S+)\\s+\`json:"${key}[,"]`, 'm').exec(body)?.[1];
}

/** The field names of union struct `name`, sorted. */
function unionFields(go: string, name: string): string[] {
  const body = new RegExp(`^type ${name} struct \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(go)?.[1];
  if (body === undefined) return [];
  return body.split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/)[0]!).sort();
}

/** The definition `name` stands for: itself, or what its alias names (`type A = B`). */
function aliased(go: string, name: string): string {
  return new RegExp(`^type ${name} = (\\S+)$`, 'm').exec(go)?.[1] ?? name;
}

function goVet(go: string): { status: number | null; output: string } {
  const module = temp('go-unions-module-');
  mkdirSync(path.join(module, 'realtimecontract'));
  writeFileSync(path.join(module, 'go.mod'), 'module unions\n\ngo 1.19\n');
  writeFileSync(path.join(module, 'realtimecontract/messages.go'), go);
  const env = { ...process.env, GOCACHE: path.join(module, '.gocache'), GOPATH: path.join(module, '.gopath'), GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local' };
  const vet = spawnSync('go', ['vet', './...'], { cwd: module, encoding: 'utf8', env });
  return { status: vet.status, output: `${vet.stdout}${vet.stderr}` };
}

const edits = {
  definitions: { Amount: { type: ['string', 'integer'], description: 'A union defined by name.' } },
  trades: {
    extra: { $ref: '#/definitions/Amount' },
    // boolean | Amount is, flattened, boolean | integer | string: BotData's `other`.
    more: { anyOf: [{ type: 'boolean' }, { $ref: '#/definitions/Amount' }], description: 'A union holding another.' },
    shape: { type: ['string', 'number'], description: 'Differently shaped.' },
  },
  bots: {
    other: { type: ['string', 'integer', 'boolean'], description: 'The same kinds as TradeData.more, written flat.' },
    extra: { type: ['integer', 'string'], description: 'The same kinds as Amount.' },
    shape: { type: ['string', 'array'], items: { type: 'integer' }, description: 'Differently shaped again.' },
  },
} satisfies Parameters<typeof goWith>[0];

describe('Go unions at several places', () => {
  it('types each field with a union of its own kinds, a union holding another one by $ref being the flat union of both (generate refused it)', { timeout: 120_000 }, async () => {
    const go = await goWith(edits);
    const kinds = (struct: string, key: string) => unionFields(go, aliased(go, fieldType(go, struct, key)!.replace(/^\*/, '')));
    expect(kinds('TradeData', 'extra')).toEqual(['Integer', 'String']);
    expect(kinds('BotData', 'extra')).toEqual(['Integer', 'String']);
    expect(kinds('TradeData', 'more')).toEqual(['Bool', 'Integer', 'String']);
    expect(kinds('BotData', 'other')).toEqual(['Bool', 'Integer', 'String']);
    expect(kinds('TradeData', 'shape')).toEqual(['Double', 'String']);
    expect(kinds('BotData', 'shape')).toEqual(['IntegerArray', 'String']);
    // The two flat unions are one type under both names.
    expect(aliased(go, 'TradeDataMore')).toBe(aliased(go, 'BotDataOther'));
  });

  it.skipIf(!goTool.available)(`builds: go vet accepts the Go of unions at several places ${goTool.reason}`.trimEnd(), { timeout: 180_000 }, async () => {
    const vet = goVet(await goWith(edits));
    expect(vet.output).toBe('');
    expect(vet.status).toBe(0);
  });
});

describe('union keys of unions nested by $ref', () => {
  // A JSON value bounded to `n` levels, one definition per level (the loader's advice for a
  // recursive one), named `prefix` and the level.
  const levels = (prefix: string, n: number): Record<string, SchemaNode> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => {
      const next: SchemaNode = i + 1 < n ? { $ref: `#/definitions/${prefix}${i + 1}` } : { type: 'string' };
      return [`${prefix}${i}`, { title: `${prefix}${i}`, anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'array', items: next }, { type: 'object', additionalProperties: next }] }];
    }));

  it('are read once per definition: 40 levels shape at once (12 took 2 s and 16 overflowed the string length)', () => {
    const started = performance.now();
    const { aliases } = shapeForQuicktype({ definitions: { ...levels('Json', 40), ...levels('Other', 40) } } as SchemaNode);
    expect(performance.now() - started).toBeLessThan(1000);
    // Two chains of the same kinds are still one type at each level, and one level not another's.
    for (let i = 0; i < 40; i++) expect(aliases.get(`Other${i}`)).toBe(`Json${i}`);
    expect(aliases.has('Json1')).toBe(false);
  });

  it('a union that holds itself ends, and is told from one that holds another', () => {
    const self = (name: string, items: string) => ({ title: name, anyOf: [{ type: 'string' }, { type: 'array', items: { $ref: `#/definitions/${items}` } }] });
    const { aliases } = shapeForQuicktype({ definitions: { A: self('A', 'A'), B: self('B', 'A'), C: self('C', 'C') } } as SchemaNode);
    // B holds arrays of A, as A does: one type; C holds arrays of C.
    expect(aliases.get('B')).toBe('A');
    expect(aliases.has('C')).toBe(false);
  });
});
