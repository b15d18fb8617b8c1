import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FormatRegistry, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it, vi } from 'vitest';
import * as TB from '../../generated/typebox.js';
import { bundleContract, loadContract, SchemaError } from '../../src/contract/index.js';
import { emitReceivedTypes } from '../../src/codegen/received-types.js';
import { emitTypeBox } from '../../src/codegen/typebox.js';
import { emitTypes } from '../../src/codegen/types.js';
import { isDateTime, isProducerDateTime } from '../../src/runtime/date-time.js';
import { validateMessage } from '../../src/runtime/validate.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const contract = await loadContract(path.join(ROOT, 'schemas'));

const checkers = new Map(Object.entries(TB.MessageSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]));
const messageChecker = TypeCompiler.Compile(TB.Message);

/** TypeBox's verdict, dispatched like validateMessage: by `type`, an unknown type rejected. */
function typeboxAccepts(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const type = (value as { type?: unknown }).type;
  const checker = typeof type === 'string' ? checkers.get(type) : undefined;
  return checker !== undefined && checker.Check(value);
}

interface Case {
  name: string;
  value: unknown;
}

/**
 * Every message in the fixture files under test/fixtures/<folder>: a `.json` file holds one
 * message, or in valid/ an array of them (in invalid/ an array is itself the bad input); a
 * `.ndjson` file holds one per line.
 */
function fixtureCases(folder: 'valid' | 'invalid'): Case[] {
  const root = path.join(FIXTURES, folder);
  let files: string[];
  try {
    files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(json|ndjson)$/.test(file))
      .sort();
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const name = `${folder}/${file}`;
    if (file.endsWith('.ndjson')) {
      return text
        .split('\n')
        .flatMap((line, index) => (line.trim() === '' ? [] : [{ name: `${name}:${index + 1}`, value: JSON.parse(line) as unknown }]));
    }
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value) || folder === 'invalid') return [{ name, value }];
    return value.map((item, index) => ({ name: `${name}[${index}]`, value: item }));
  });
}

/** Values put in place of each field of an example: one for each way a field can be wrong. */
const REPLACEMENTS: unknown[] = [
  null,
  true,
  '',
  'not-a-known-value',
  '2026-02-30T00:00:00Z',
  '2026-01-14T16:30:00.000Z',
  -1,
  0,
  0.5,
  1.5,
  150,
  1764400000123,
  {},
  [],
];

/**
 * Each schema example, and for every field of it (at any depth): the field removed, and the
 * field replaced by each of {@link REPLACEMENTS}; for every object in it: an unknown field added.
 * Covers wrong enum values, missing required fields, unknown fields, impossible timestamps,
 * fractions above 1 and a ping timestamp given as an ISO string.
 */
function exampleCases(): Case[] {
  const cases: Case[] = [];
  for (const message of contract.messages) {
    message.schema.examples!.forEach((example, index) => {
      const name = `${message.file} example ${index}`;
      cases.push({ name, value: example });
      const mutate = (label: string, at: string[], change: (parent: Record<string, unknown>) => unknown) =>
        cases.push({ name: `${name} ${label}`, value: edit(example, at, change) });
      const visit = (node: unknown, at: string[]) => {
        if (typeof node !== 'object' || node === null) return;
        if (!Array.isArray(node)) mutate(`+/${[...at, 'unknown_field'].join('/')}`, at, (parent) => (parent.unknown_field = 1));
        for (const [key, child] of Object.entries(node)) {
          const pointer = [...at, key].join('/');
          mutate(`-/${pointer}`, at, (parent) => delete parent[key]);
          for (const replacement of REPLACEMENTS) {
            mutate(`/${pointer}=${JSON.stringify(replacement)}`, at, (parent) => (parent[key] = structuredClone(replacement)));
          }
          visit(child, [...at, key]);
        }
      };
      visit(example, []);
    });
  }
  cases.push({ name: 'unknown type', value: { type: 'trade', data: {}, ts: '2026-01-14T16:30:00.000Z' } });
  return cases;
}

/** A copy of `value` with `change` applied to the object or array at path `at`. */
function edit(value: unknown, at: string[], change: (parent: Record<string, unknown>) => unknown): unknown {
  const copy = structuredClone(value);
  change(at.reduce((node, key) => (node as Record<string, unknown>)[key], copy as unknown) as Record<string, unknown>);
  return copy;
}

/** Cases where TypeBox and the strict ajv validator disagree, with both verdicts. */
function disagreements(cases: Case[]): string[] {
  return cases.flatMap(({ name, value }) => {
    const ajv = validateMessage(value, { mode: 'strict' }).ok;
    const typebox = typeboxAccepts(value);
    const union = messageChecker.Check(value);
    return ajv === typebox && ajv === union ? [] : [`${name}: ajv ${ajv}, TypeBox ${typebox}, TypeBox Message union ${union}`];
  });
}

/**
 * The trades message with `properties` added to TradeData, emitted as types.ts, received-types.ts and typebox.ts into a
 * folder beside `check` (check.ts), which tsc (strict, NodeNext) compiles: its exit status and output.
 */
async function typecheckEdited(properties: Record<string, unknown>, check: string): Promise<{ status: number | null; output: string }> {
  const trades = contract.messages.find((m) => m.type === 'trades')!;
  const schema = structuredClone(trades.schema);
  Object.assign(schema.definitions!.TradeData!.properties!, properties);
  const model = { ...contract, messages: contract.messages.map((m) => (m === trades ? { ...m, schema } : m)) };
  const edited = { ...model, bundle: bundleContract(model) };
  const dir = mkdtempSync(path.join(tmpdir(), 'typebox-check-'));
  try {
    for (const files of [await emitTypes(edited), await emitReceivedTypes(edited), await emitTypeBox(edited)]) {
      for (const [file, text] of files) writeFileSync(path.join(dir, file), text);
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] }, include: ['*.ts'] }));
    writeFileSync(path.join(dir, 'check.ts'), check);
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    return { status: tsc.status, output: tsc.stdout + tsc.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('TypeBox schemas accept and reject exactly what the strict ajv validators do', () => {
  it('registers date-time with TypeBox, in place of one registered before (README says so)', async () => {
    expect(FormatRegistry.Has('date-time')).toBe(true);
    const contractCheck = FormatRegistry.Get('date-time')!;
    expect(contractCheck('2026-01-14 16:30:00')).toBe(false);
    FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));
    vi.resetModules();
    await import('../../generated/typebox.js');
    expect(FormatRegistry.Get('date-time')!('2026-01-14 16:30:00')).toBe(false);
    expect(FormatRegistry.Get('date-time')!('2026-01-14T16:30:00.000Z')).toBe(true);
  });

  it("registers strict mode's producer profile, not any RFC 3339 date-time, and the app's own schemas judge by it too (README says so)", () => {
    const check = FormatRegistry.Get('date-time')!;
    // RFC 3339 date-times (isDateTime) outside the profile: a lower-case t or z, a leap second, 10 fraction digits, year 0000.
    const outside = ['2026-01-14t16:30:00.000Z', '2026-01-14T16:30:00.000z', '2016-12-31T23:59:60Z', '2026-01-14T16:30:00.1234567891Z', '0000-01-01T00:00:00Z'];
    const inside = ['2026-01-14T16:30:00.000Z', '2026-01-14T16:30:00.123456789+05:30', '0001-01-01T00:00:00Z', '2026-01-14T16:30:00-08:00'];
    for (const value of [...outside, ...inside]) {
      expect(isDateTime(value), value).toBe(true);
      expect(check(value), value).toBe(isProducerDateTime(value));
    }
    expect(outside.filter((value) => check(value))).toEqual([]);
    expect(inside.filter((value) => !check(value))).toEqual([]);
    const appSchema = Type.Object({ createdAt: Type.String({ format: 'date-time' }) });
    expect(Value.Check(appSchema, { createdAt: '2016-12-31T23:59:60Z' })).toBe(false);
  });

  it('gives way to a date-time the app registers after the import, for these schemas as well (README says so)', () => {
    const contractCheck = FormatRegistry.Get('date-time')!;
    try {
      FormatRegistry.Set('date-time', () => true);
      expect(Value.Check(TB.Timestamp, 'yesterday')).toBe(true);
    } finally {
      FormatRegistry.Set('date-time', contractCheck);
    }
    expect(Value.Check(TB.Timestamp, 'yesterday')).toBe(false);
  });

  it('on every fixture under test/fixtures/valid and test/fixtures/invalid', () => {
    const cases = [...fixtureCases('valid'), ...fixtureCases('invalid')];
    expect(cases.length, 'no fixture files found under test/fixtures/{valid,invalid}').toBeGreaterThan(0);
    expect(disagreements(cases)).toEqual([]);
  });

  it('on every schema example and thousands of mutations of them', () => {
    const cases = exampleCases();
    const accepted = cases.filter(({ value }) => validateMessage(value, { mode: 'strict' }).ok).length;
    // Both verdicts must occur often, or agreement would prove little.
    expect(accepted).toBeGreaterThan(100);
    expect(cases.length - accepted).toBeGreaterThan(1000);
    expect(disagreements(cases)).toEqual([]);
  });

  it('keeps objects closed and maps open as the schemas say', () => {
    const [example] = contract.messages.find((m) => m.type === 'ai_tasks')!.schema.examples as [{ data: { result: object } }];
    const result = { ...example.data.result, duration_ms: 1200 };
    expect(TypeCompiler.Compile(TB.AiTaskResult).Check(result)).toBe(true);
    expect(TypeCompiler.Compile(TB.AssetBalance).Check({ free: 1, locked: 0, total: 1, extra: 0 })).toBe(false);
    expect(TypeCompiler.Compile(TB.BalancesData.properties.balances).Check({ DOGE: { free: 1, locked: 0, total: 1 } })).toBe(true);
  });

  it("checks a map's value whatever its key holds, a line terminator too (TypeBox's own map key, ^(.*)$, matched none, and the value went unchecked: tAS F5)", () => {
    const maps = [
      [TB.BalancesData.properties.balances, { free: 1, locked: 0, total: 1 }, { free: 'lots', locked: -1 }],
      [TB.SystemHealthData.properties.exchange_connections, 'connected', 42],
    ] as const;
    const disagreements: string[] = [];
    for (const [schema, good, bad] of maps) {
      const compiled = TypeCompiler.Compile(schema);
      for (const key of ['BTC', 'BT\nC', 'BTC\n', '\rBTC', 'a\u2028b', 'a\u2029b', '']) {
        for (const [value, expected] of [[good, true], [bad, false]] as const) {
          const verdicts = [Value.Check(schema, { [key]: value }), compiled.Check({ [key]: value })];
          if (verdicts.some((verdict) => verdict !== expected)) disagreements.push(`${JSON.stringify(key)} → ${JSON.stringify(value)}: Value ${verdicts[0]}, compiler ${verdicts[1]}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe('emitTypeBox', () => {
  it('writes the same bytes on every run', async () => {
    const [first, second] = await Promise.all([emitTypeBox(contract), emitTypeBox(contract)]);
    expect([...first.keys()].sort()).toEqual(['formats.d.ts', 'formats.js', 'typebox.ts']);
    for (const [file, text] of first) expect(second.get(file), file).toBe(text);
    for (const file of first.keys()) expect(first.get(file), file).toBe(readFileSync(path.join(ROOT, 'generated', file), 'utf8'));
    expect(second.get('typebox.ts')).toBe(first.get('typebox.ts'));
    expect(first.get('typebox.ts')).toBe(readFileSync(path.join(ROOT, 'generated/typebox.ts'), 'utf8'));
  });

  it('gives arrays with minItems and maxItems a Static<> equal to the types.ts type, which tsc checks (types.ts made a tuple: a hostile tester)', async () => {
    expect(await typecheckEdited({
      tags: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Tags.' },
      legs: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3, description: 'Legs.' },
    }, `import type { Static } from '@sinclair/typebox';
import type * as TB from './typebox.js';
import type { TradeData, TradesMessage } from './types.js';
import type { ReceivedTradeData as Received } from './received-types.js';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const data: Equal<Static<typeof TB.TradeData>, TradeData> = true;
export const message: Equal<Static<typeof TB.TradesMessage>, TradesMessage> = true;
export const received: Equal<Received['tags'], TradeData['tags']> = true;
// What a producer writes: an array built at run time (the validators check its length).
const tags: string[] = ['a', 'b'].filter((tag) => tag !== 'c');
export const built: Pick<TradeData, 'tags' | 'legs'> = { tags, legs: tags.map(Number) };
`)).toEqual({ status: 0, output: '' });
  }, 60_000);

  it('leaves an object open where "additionalProperties" is absent beside "properties", as the validators and diff do, in types.ts, received-types.ts and Static<> alike (tEV F1: only `true` opened them)', async () => {
    const fields = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
    expect(await typecheckEdited({
      absent: { ...fields, description: 'No additionalProperties.' },
      open: { ...fields, additionalProperties: true, description: 'Open.' },
      closed: { ...fields, additionalProperties: false, description: 'Closed.' },
    }, `import type { Static } from '@sinclair/typebox';
import type * as TB from './typebox.js';
import type { TradeData } from './types.js';
import type { ReceivedTradeData as Received } from './received-types.js';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const data: Equal<Static<typeof TB.TradeData>, TradeData> = true;
export const same: Equal<TradeData['absent'], TradeData['open']> = true;
export const sameStatic: Equal<Static<typeof TB.TradeData>['absent'], Static<typeof TB.TradeData>['open']> = true;
// What the validators accept, a producer can build: a key the object does not name.
export const absent: TradeData['absent'] = { a: 'x', extra: 1 };
export const absentStatic: Static<typeof TB.TradeData>['absent'] = { a: 'x', extra: 1 };
export const absentReceived: Received['absent'] = { a: 'x', extra: 1 };
// @ts-expect-error a closed object refuses it
export const closed: TradeData['closed'] = { a: 'x', extra: 1 };
// @ts-expect-error a closed object refuses it in Static<> too
export const closedStatic: Static<typeof TB.TradeData>['closed'] = { a: 'x', extra: 1 };
`)).toEqual({ status: 0, output: '' });
  }, 60_000);

  it("types an array of a closed list or of known values as an array of the union, in types.ts, received-types.ts and Static<> alike (the union lost its brackets: `'a' | 'b' | (string & {})[]`, which a bare 'a' satisfied; tFH F3)", async () => {
    expect(await typecheckEdited({
      tags: { type: 'array', items: { type: 'string', enum: ['scalp', 'hedge'] }, description: 'Tags.' },
      labels: { type: 'array', items: { type: 'string', 'x-known-values': ['a', 'b'] }, description: 'Labels.' },
      levels: { type: 'array', items: { type: 'integer', enum: [1, 2] }, description: 'Levels.' },
      grid: { type: 'array', items: { type: 'array', items: { type: 'string', enum: ['x', 'y'] } }, description: 'Rows of cells.' },
      picks: { type: ['array', 'null'], items: { type: 'string', enum: ['p', 'q'] }, description: 'Picks, or null.' },
      slots: { type: 'array', items: { type: ['string', 'null'], enum: ['u', 'v', null] }, description: 'Slots.' },
    }, `import type { Static } from '@sinclair/typebox';
import type * as TB from './typebox.js';
import type { TradeData } from './types.js';
import type { ReceivedTradeData as Received } from './received-types.js';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Open = string & {};
export const data: Equal<Static<typeof TB.TradeData>, TradeData> = true;
export const tags: Equal<NonNullable<TradeData['tags']>, ('scalp' | 'hedge')[]> = true;
export const labels: Equal<NonNullable<TradeData['labels']>, ('a' | 'b' | Open)[]> = true;
export const receivedTags: Equal<NonNullable<Received['tags']>, ('scalp' | 'hedge' | Open)[]> = true;
export const receivedLabels: Equal<NonNullable<Received['labels']>, ('a' | 'b' | Open)[]> = true;
export const receivedLevels: Equal<NonNullable<Received['levels']>, (1 | 2 | (number & {}))[]> = true;
export const receivedGrid: Equal<NonNullable<Received['grid']>, ('x' | 'y' | Open)[][]> = true;
export const receivedPicks: Equal<NonNullable<Received['picks']>, ('p' | 'q' | Open)[]> = true;
export const receivedSlots: Equal<NonNullable<Received['slots']>, ('u' | 'v' | null | Open)[]> = true;
// A consumer reads the arrays as arrays.
declare const received: Received;
export const upper = received.tags?.map((tag) => tag.toUpperCase());
export const cells = received.grid?.flat().length;
// A producer builds arrays, and a bare value no longer compiles (the validators refuse it).
export const built: Pick<TradeData, 'tags' | 'labels' | 'picks'> = { tags: ['scalp'], labels: ['a', 'c'], picks: null };
// @ts-expect-error a bare known value is not an array
export const bare: TradeData['labels'] = 'a';
// @ts-expect-error a bare listed value is not an array, as received either
export const bareReceived: Received['tags'] = 'scalp';
`)).toEqual({ status: 0, output: '' });
  }, 60_000);

  it('refuses a keyword it cannot express, naming the file and pointer', async () => {
    const trades = contract.messages.find((m) => m.type === 'trades')!;
    const schema = structuredClone(trades.schema);
    schema.definitions!.TradeData!.properties!.symbol = { type: 'string', patternProperties: {} };
    const model = { ...contract, messages: contract.messages.map((m) => (m === trades ? { ...m, schema } : m)) };
    const broken = { ...model, bundle: bundleContract(model) };
    const error = await emitTypeBox(broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/symbol/patternProperties' });
  });

  it.each([
    ['oneOf of a type and null', { oneOf: [{ type: 'string' }, { type: 'null' }] }, 'oneOf', /keyword "oneOf" is not supported here: for a choice of a type and null write "anyOf": \[<the other branch>, \{ "type": "null" \}\]/],
    ['oneOf of types', { oneOf: [{ type: 'string' }, { type: 'integer' }] }, 'oneOf', /write "anyOf" where no value can match two branches/],
    ['allOf of a $ref', { allOf: [{ $ref: 'definitions.json#/definitions/TradingPair' }], description: 'x' }, 'allOf', /write its "\$ref" alone in place of the "allOf", and put the keywords beside it in the definition it names/],
    ['not', { type: 'string', not: { const: 'x' } }, 'not', /keyword "not" is not supported by the generated languages: list what is allowed instead/],
    ['patternProperties', { type: 'object', patternProperties: { '^a': { type: 'string' } } }, 'patternProperties', /not supported by the generated languages: write a map \("additionalProperties"/],
    ['propertyNames', { type: 'object', propertyNames: { pattern: '^a' } }, 'propertyNames', /not supported by the generated languages: write a map/],
    ['contains', { type: 'array', items: { type: 'string' }, contains: { const: 'a' } }, 'contains', /say what every item is in "items"/],
    ['dependencies', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false, dependencies: { a: ['b'] } }, 'dependencies', /make the properties required, or split the message type in two/],
    ['minProperties', { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 }, 'minProperties', /name the properties and make them "required"/],
    // A tuple was refused as `keyword "0" is not supported here`, the list read as a schema (tEJ F3).
    ['a tuple', { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], minItems: 2, maxItems: 2 }, 'items', /^"items" as a list of schemas \(a tuple\) is not supported: write one schema for every item \("items": \{ … \}, an "anyOf" of the types where places differ\) with "minItems" and "maxItems" for the length, or an object with a named property for each place \(TypeBox output\)$/],
    ['additionalItems', { type: 'array', additionalItems: false, items: [{ type: 'string' }], minItems: 1, maxItems: 1 }, 'items', /^"items" as a list of schemas \(a tuple\)/],
    ['additionalItems alone', { type: 'array', additionalItems: false, items: { type: 'string' } }, 'additionalItems', /^keyword "additionalItems" is not supported here: it applies only beside "items" as a list of schemas \(a tuple\), which is not supported either: write one schema for every item/],
    ['a type list with null beside a $ref', { $ref: 'definitions.json#/definitions/TradingPair', type: ['string', 'null'] }, 'type', /for a \$ref that may be null write "anyOf": \[\{ "\$ref": <the same> \}, \{ "type": "null" \}\], as the shipped schemas do/],
  ])('refuses %s with the way out (a hostile tester: "is not supported here" alone)', async (_case, symbol, keyword, problem) => {
    const trades = contract.messages.find((m) => m.type === 'trades')!;
    const schema = structuredClone(trades.schema);
    schema.definitions!.TradeData!.properties!.symbol = symbol as never;
    const model = { ...contract, messages: contract.messages.map((m) => (m === trades ? { ...m, schema } : m)) };
    const error = await emitTypeBox({ ...model, bundle: bundleContract(model) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ file: 'trades.json', pointer: `/definitions/TradeData/properties/symbol/${keyword}` });
    expect((error as SchemaError).problem).toMatch(problem);
  });

  it('refuses a type beside a $ref with the way out (a fresh user added the type ajv asked for beside a bound, and met a refusal with none)', async () => {
    const ping = contract.messages.find((m) => m.type === 'ping')!;
    const schema = structuredClone(ping.schema);
    schema.properties!.timestamp = { ...schema.properties!.timestamp, type: 'integer', maximum: 10 };
    const model = { ...contract, messages: contract.messages.map((m) => (m === ping ? { ...m, schema } : m)) };
    const error = await emitTypeBox({ ...model, bundle: bundleContract(model) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).message).toMatch(/beside "\$ref" is not supported: put it in the definition "\$ref" names, or write this schema whole, with its "type", instead of the "\$ref" \(TypeBox output\)$/);
  });
});
