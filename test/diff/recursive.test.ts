import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaNode } from '../../src/contract/index.js';
import type { SchemaFiles } from '../../src/diff/align.js';
import type { DiffReport } from '../../src/diff/index.js';
import { diffSchemas } from '../../src/diff/schema-diff.js';
import { diffFiles, patchSchemas, readSchemas, type PatchOperation } from './support.js';

/**
 * Found by a hostile tester: `diff` walked a schema that refers to itself down to a depth
 * guard (64), printing a change inside it once per level (32 times), and never finished when
 * it referred to itself twice (each level doubles the walk); a closed list of 20,000 values
 * took 40 s (each value looked up in the other list one by one).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const current = readSchemas();
const TRADE = '/trades.json/definitions/TradeData';
const fee = (current.get('trades.json') as { definitions: { TradeData: { properties: { fee: SchemaNode } } } }).definitions.TradeData.properties.fee;

/** A required array field of `TradeData` whose items are trades again. */
const selfReference = (name: string, items: SchemaNode = { $ref: '#/definitions/TradeData' }): PatchOperation[] => [
  { op: 'add', path: `${TRADE}/properties/${name}`, value: { type: 'array', items } },
  { op: 'add', path: `${TRADE}/required/-`, value: name },
];
/** The changes the newer side makes inside `TradeData`: the fee made nullable (as README's example), an optional field added. */
const inside: PatchOperation[] = [
  { op: 'replace', path: `${TRADE}/properties/fee`, value: { anyOf: [fee, { type: 'null' }] } },
  { op: 'add', path: `${TRADE}/properties/note`, value: { type: 'string' } },
];
const EXPECTED = [
  { rule: 'made-nullable', pointer: '/data/fee', level: 'breaking' },
  { rule: 'optional-property-added', pointer: '/data/note', level: 'strict' },
];

/** The changes to the trades message, by rule, pointer and level, in the order of their pointers. */
function ofTrades(report: Pick<DiffReport, 'changes'>) {
  return report.changes
    .filter((change) => change.subject === 'trades')
    .map(({ rule, pointer, level }) => ({ rule, pointer, level }))
    .sort((a, b) => a.pointer.localeCompare(b.pointer) || a.rule.localeCompare(b.rule));
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'diff-recursive-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs `realtime-contract diff <before> <after> --format json` on the two sets of files in a
 * child process, killed after 30 s: a walk without end fails the test instead of hanging the
 * run (in process, a synchronous walk would hold vitest's own timeout off).
 */
function diffFolders(name: string, before: SchemaFiles, after: SchemaFiles, recursive: boolean | RegExp = false): DiffReport {
  const dirs = ['before', 'after'].map((side) => path.join(work, name, side));
  for (const [dir, files] of [[dirs[0]!, before], [dirs[1]!, after]] as const) {
    mkdirSync(dir, { recursive: true });
    for (const [file, schema] of files) writeFileSync(path.join(dir, file), JSON.stringify(schema));
  }
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, 'diff', ...dirs, '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  // A recursive newer side is compared, with the warning that generate refuses it.
  // `recursive` a RegExp: the warning expected instead (another reason generate refuses that side).
  const warned = recursive instanceof RegExp ? expect.stringMatching(recursive) : recursive ? expect.stringMatching(/^realtime-contract: warning: generate refuses \S+ \(folder\): trades\.json#\S+\/\$ref: \$ref "#\/definitions\/TradeData" leads back to a schema it stands in .*; compared as it is, but it cannot ship as it is\n$/) : '';
  expect({ signal: result.signal, status: result.status, stderr: result.stderr }).toEqual({ signal: null, status: 0, stderr: warned });
  return JSON.parse(result.stdout) as DiffReport;
}

describe('a schema that refers to itself', () => {
  it('reports a change inside it once, at its shortest pointer (was 32 times, down to the depth guard)', async () => {
    const before = patchSchemas(current, selfReference('legs'));
    const report = await diffFiles(before, patchSchemas(before, inside));
    expect(ofTrades(report)).toEqual(EXPECTED);
  });

  it('reports the self-reference made nullable once, where it is written', async () => {
    const before = patchSchemas(current, selfReference('legs'));
    const after = patchSchemas(current, selfReference('legs', { anyOf: [{ $ref: '#/definitions/TradeData' }, { type: 'null' }] }));
    expect(ofTrades(await diffFiles(before, after))).toEqual([{ rule: 'made-nullable', pointer: '/data/legs/*', level: 'breaking' }]);
  });

  it('twice: the walk ends, with the same changes (it never did)', { timeout: 60_000 }, () => {
    const before = patchSchemas(current, [...selfReference('legs'), ...selfReference('children')]);
    expect(ofTrades(diffFolders('twice', before, patchSchemas(before, inside), true))).toEqual(EXPECTED);
  });

  it('through another definition (TradeData → Leg → TradeData): once, where the walk first meets it', async () => {
    const before = patchSchemas(current, [
      ...selfReference('legs', { $ref: '#/definitions/Leg' }),
      { op: 'add', path: '/trades.json/definitions/Leg', value: { type: 'object', additionalProperties: false, required: ['trade', 'fee'], properties: { trade: { $ref: '#/definitions/TradeData' }, fee: { type: 'number' } } } },
    ]);
    const after = patchSchemas(before, [{ op: 'replace', path: '/trades.json/definitions/Leg/properties/fee/type', value: ['number', 'null'] }]);
    expect(ofTrades(await diffFiles(before, after))).toEqual([{ rule: 'made-nullable', pointer: '/data/legs/*/fee', level: 'breaking' }]);
  });

  it('as the values of a map that gains a field of the same schema: the probe of the field ends too, and finds no value changed', { timeout: 60_000 }, () => {
    const before = patchSchemas(current, [{ op: 'add', path: `${TRADE}/properties/book`, value: { type: 'object', additionalProperties: { $ref: '#/definitions/TradeData' } } }]);
    const after = patchSchemas(before, [{ op: 'add', path: `${TRADE}/properties/book/properties`, value: { main: { $ref: '#/definitions/TradeData' } } }]);
    expect(ofTrades(diffFolders('map', before, after, true))).toEqual([{ rule: 'optional-property-added', pointer: '/data/book/main', level: 'compatible' }]);
  });

  it('in a nullable union of its own: read as written there (it overflowed the stack)', async () => {
    const loop = (branches: SchemaNode[]): PatchOperation[] => [
      { op: 'add', path: `${TRADE}/properties/loop`, value: { $ref: '#/definitions/Loop' } },
      { op: 'add', path: '/trades.json/definitions/Loop', value: { anyOf: [{ $ref: '#/definitions/Loop' }, { type: 'null' }, ...branches] } },
    ];
    const report = await diffFiles(patchSchemas(current, loop([])), patchSchemas(current, loop([{ type: 'string' }])));
    expect(ofTrades(report)).toEqual([{ rule: 'schema-changed', pointer: '/data/loop', level: 'breaking' }]);
  });
});

describe('a definition reached by many paths, without recursion', () => {
  it('is reported at the first field of a message that refers to it, once per message', async () => {
    const report = await diffFiles(current, patchSchemas(current, [{ op: 'add', path: '/definitions.json/definitions/Identifier/maxLength', value: 64 }]));
    // trades' id and bot_id are both an Identifier: the change is told at id.
    expect(ofTrades(report)).toEqual([{ rule: 'length-narrowed', pointer: '/data/id', level: 'compatible' }]);
    expect(report.changes.filter((change) => change.subject === 'bots').map((change) => change.pointer)).toEqual(['/data/id']);
  });

  it('is walked once: a chain of 30 definitions, each referring twice to the next, ends (2^30 paths)', { timeout: 60_000 }, () => {
    const chain = (end: SchemaNode): PatchOperation[] => [
      { op: 'add', path: `${TRADE}/properties/chain`, value: { $ref: '#/definitions/C0' } },
      ...Array.from({ length: 30 }, (_, i): PatchOperation => ({ op: 'add', path: `/trades.json/definitions/C${i}`, value: { type: 'object', properties: { left: { $ref: `#/definitions/C${i + 1}` }, right: { $ref: `#/definitions/C${i + 1}` } } } })),
      { op: 'add', path: '/trades.json/definitions/C30', value: { type: 'object', properties: { end: end } } },
    ];
    // Compared, with the warning (diff warns of the newer side) that generate refuses it: 2^30 copies once inlined.
    const tooLarge = /^realtime-contract: warning: generate refuses \S+ \(folder\): trades\.json#: with every \$ref inlined .* 3,221,225,488 schema objects, more than the bound of 1,000: copies of \$ref targets add [\d,]+ of them \(without them it would hold 47, within the bound\); the copies of trades\.json#\/definitions\/C30 add the most, .* through the chain of \$refs trades\.json#\/definitions\/TradeData → trades\.json#\/definitions\/C0 → .* trades\.json#\/definitions\/C30\); .*\n$/;
    const report = diffFolders('chain', patchSchemas(current, chain({ type: 'number' })), patchSchemas(current, chain({ type: 'integer' })), tooLarge);
    // Once, at the first pointer the walk reaches.
    expect(ofTrades(report)).toEqual([{ rule: 'type-narrowed', pointer: `/data/chain${'/left'.repeat(30)}/end`, level: 'compatible' }]);
  });
});

describe('a chain deeper than the depth guard', () => {
  // deep → C0 → … → C70 (C70.leaf changed), and a shortcut z → C60: the walk down `deep` is cut
  // at 64 levels, after passing C60; the shortcut reaches C60 from nearer the top, and the change
  // 10 levels below it is found there (a reviewer: the pair was marked compared, the change never reported).
  it('reports a change the guard cut off on one path where a shorter path reaches it', () => {
    const definitions = (leaf: SchemaNode): Record<string, SchemaNode> => ({
      ...Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`C${i}`, { type: 'object', properties: { next: { $ref: `#/definitions/C${i + 1}` } } }])),
      C70: { type: 'object', properties: { leaf } },
    });
    const before = definitions({ type: 'number' });
    const after = definitions({ type: 'integer' });
    const resolve = (defs: Record<string, SchemaNode>) => (ref: string) => defs[ref.replace('#/definitions/', '')];
    const root: SchemaNode = { type: 'object', properties: { deep: { $ref: '#/definitions/C0' }, z: { $ref: '#/definitions/C60' } } };
    const found = diffSchemas(root, root, resolve(before), resolve(after)).map(({ rule, pointer }) => ({ rule, pointer }));
    expect(found).toEqual([{ rule: 'type-narrowed', pointer: `/z${'/next'.repeat(10)}/leaf` }]);
  });
});

describe('what the walk used to pass over (a hostile tester: each printed "no changes", exit 0)', () => {
  const resolve = (defs: Record<string, SchemaNode>) => (ref: string) => defs[ref.replace('#/definitions/', '')];
  const found = (root: SchemaNode, before: Record<string, SchemaNode>, after: Record<string, SchemaNode>) =>
    diffSchemas(root, root, resolve(before), resolve(after)).map(({ rule, pointer, text }) => ({ rule, pointer, text }));

  it('a change inside a branch both sides of a union name', () => {
    const root: SchemaNode = { type: 'object', properties: { result: { anyOf: [{ $ref: '#/definitions/A' }, { $ref: '#/definitions/B' }] } } };
    const shape = (x: SchemaNode): Record<string, SchemaNode> => ({ A: { type: 'object', properties: { a: { type: 'string' } } }, B: { type: 'object', properties: { x }, additionalProperties: false } });
    expect(found(root, shape({ type: 'string' }), shape({ type: ['string', 'number'] }))).toEqual([{ rule: 'type-widened', pointer: '/result/x', text: 'type widened from string to string or number' }]);
  });

  it('a change at the end of an alias chain of 40 hops (32 were followed)', () => {
    const chain = (maxLength: number): Record<string, SchemaNode> => ({
      ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Alias${i}`, { $ref: `#/definitions/Alias${i + 1}` }])),
      Alias40: { type: 'string', maxLength },
    });
    const root: SchemaNode = { type: 'object', properties: { name: { $ref: '#/definitions/Alias0' } } };
    expect(found(root, chain(10), chain(20))).toEqual([expect.objectContaining({ rule: 'length-widened', pointer: '/name' })]);
  });

  it('a change nested deeper than the walk goes: said where the walk stops, for --fail-on to catch', () => {
    const nested = (leaf: SchemaNode): SchemaNode => Array.from({ length: 80 }).reduce<SchemaNode>((inner) => ({ type: 'object', properties: { n: inner } }), { type: 'object', properties: { leaf } });
    const deltas = diffSchemas(nested({ type: 'number' }), nested({ type: 'integer' }), () => undefined, () => undefined);
    expect(deltas).toEqual([expect.objectContaining({ rule: 'schema-changed', accepts: 'different', text: expect.stringMatching(/^nested more than 64 levels deep: not compared below here/) })]);
    // The same schema on both sides: nothing to say.
    expect(diffSchemas(nested({ type: 'number' }), nested({ type: 'number' }), () => undefined, () => undefined)).toEqual([]);
  });
});

describe('closed lists of 20,000 values', () => {
  const none = () => undefined;
  const values = Array.from({ length: 20_000 }, (_, i) => `exchange-${i}`);
  const list = (entries: unknown[]): SchemaNode => ({ type: 'string', enum: entries });

  // No timed assertion: the test's own timeout is the bound (each comparison took over 4 s, now milliseconds).
  it('compare in linear time: a value added and one removed, none between a list and itself or its reverse', { timeout: 10_000 }, () => {
    const before = list(values);
    const after = list([...values.slice(1), 'coinbase']);
    const found = (a: SchemaNode, b: SchemaNode) => diffSchemas(a, b, none, none).map(({ rule, after, before }) => ({ rule, value: after ?? before }));
    expect(found(before, after)).toEqual([{ rule: 'enum-value-added', value: 'coinbase' }, { rule: 'enum-value-removed', value: 'exchange-0' }]);
    expect(found(after, before)).toEqual([{ rule: 'enum-value-added', value: 'exchange-0' }, { rule: 'enum-value-removed', value: 'coinbase' }]);
    expect(found(before, before)).toEqual([]);
    expect(found(before, list([...values].reverse()))).toEqual([]);
  });

  it('compare values as JSON: object keys in any order, arrays in order, a number is not its text', () => {
    const found = (a: unknown[], b: unknown[]) => diffSchemas({ enum: a }, { enum: b }, none, none).map(({ rule, after, before }) => ({ rule, value: after ?? before }));
    expect(found([{ a: 1, b: [1, 2] }, 1, 'x', true], [{ b: [1, 2], a: 1 }, 1, 'x', true])).toEqual([]);
    expect(found([[1, 2], 1], [[2, 1], '1'])).toEqual([
      // Its values' types, which Go and Python follow: said beside the values.
      { rule: 'type-changed', value: ['array', 'string'] },
      { rule: 'enum-value-added', value: [2, 1] },
      { rule: 'enum-value-added', value: '1' },
      { rule: 'enum-value-removed', value: [1, 2] },
      { rule: 'enum-value-removed', value: 1 },
    ]);
  });
});
