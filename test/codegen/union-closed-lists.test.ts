/**
 * A union that holds a closed list of strings inline (`anyOf: [{ type: "string", enum: [...] },
 * { type: "integer" }]`) is, to quicktype, a union of an enum of those strings and an integer.
 *  - tGI F9: two such unions with different strings were keyed by their JSON types alone
 *    (`string | integer`) and merged into one type: `tier` was decoded with `grade`'s enum, so
 *    Python refused every valid "x", and Go had no constant for it. The same with `const`
 *    branches and arrays of closed lists.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/codegen/index.js';
import type { SchemaNode } from '../../src/contract/schema.js';
import { findTool } from '../support/toolchain.js';
import { runBesideModule } from '../support/generated-python.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_FILE = 'languages/python/realtime_contract.py';
const GO_FILE = 'languages/go/realtimecontract/messages.go';
const python = findTool('python3');
const goTool = findTool('go', ['version']);
const work = mkdtempSync(path.join(tmpdir(), 'union-closed-lists-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const listOr = (list: SchemaNode): SchemaNode => ({ anyOf: [list, { type: 'integer' }], description: 'A known word or a number.' });
const UNIONS: Record<string, SchemaNode> = {
  grade: listOr({ type: 'string', enum: ['alpha', 'beta'] }),
  tier: listOr({ type: 'string', enum: ['x', 'y'] }),
  mode: listOr({ type: 'string', const: 'auto' }),
  plan: listOr({ type: 'string', const: 'none' }),
  x1: listOr({ type: 'array', items: { type: 'string', enum: ['a1', 'a2'] } }),
  x2: listOr({ type: 'array', items: { type: 'string', enum: ['b1', 'b2'] } }),
};

/** schemas/ in `name` under the work folder, with `properties` added to TradeData. */
function schemasWith(name: string, properties: Record<string, SchemaNode>): string {
  const dir = path.join(work, name);
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8')) as SchemaNode;
  Object.assign(trades.definitions!.TradeData!.properties!, properties);
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  return dir;
}

/** Runs `script` with the generated Python module importable as `rc`; its stdout. */
function runPython(text: string, folder: string, script: string, ...args: string[]): string {
  const out = path.join(work, folder);
  const run = runBesideModule(out, text, `import json, sys\nimport realtime_contract as rc\n${script}`, [...args]);
  expect(run.stderr).toBe('');
  return run.stdout;
}

/** `go vet` of the generated Go in a module of its own, with `extra` (a Go file of package realtimecontract) beside it. */
function goVet(go: string, folder: string, extra = ''): { status: number | null; output: string } {
  const module = path.join(work, folder);
  mkdirSync(path.join(module, 'realtimecontract'), { recursive: true });
  writeFileSync(path.join(module, 'go.mod'), 'module unions\n\ngo 1.19\n');
  writeFileSync(path.join(module, 'realtimecontract/messages.go'), go);
  if (extra !== '') writeFileSync(path.join(module, 'realtimecontract/uses.go'), `package realtimecontract\n\n${extra}\n`);
  const env = { ...process.env, GOCACHE: path.join(module, '.gocache'), GOPATH: path.join(module, '.gopath'), GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local' };
  const vet = spawnSync('go', ['vet', './...'], { cwd: module, encoding: 'utf8', env, timeout: 120_000 });
  return { status: vet.status, output: `${vet.stdout}${vet.stderr}` };
}

describe('unions holding different closed lists inline (tGI F9)', () => {
  let files: Map<string, string>;
  const generated = async () => (files ??= await generate(schemasWith('different', UNIONS)));

  it('are types of their own: Go declares a constant for every string of each', { timeout: 120_000 }, async () => {
    const go = (await generated()).get(GO_FILE)!;
    const fieldType = (key: string) => new RegExp(`^\\t\\S+\\s+\\*?(\\S+)\\s+\`json:"${key}[,"]`, 'm').exec(go)?.[1];
    expect(new Set(Object.keys(UNIONS).map(fieldType)).size).toBe(Object.keys(UNIONS).length);
    expect(go).not.toMatch(/^type TradeData(Tier|Plan|X2) = /m);
    for (const constant of ['TradeDataGradeAlpha', 'TradeDataTierX', 'TradeDataTierY', 'TradeDataModeAuto', 'TradeDataPlanNone']) expect(go).toMatch(new RegExp(`^\\t${constant}\\s`, 'm'));
  });

  it.skipIf(!python.available)(`Python decodes and writes back each union's own strings ${python.reason}`.trimEnd(), { timeout: 120_000 }, async () => {
    const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
    Object.assign(trade.data, { grade: 'alpha', tier: 'x', mode: 'auto', plan: 'none', x1: ['a1'], x2: ['b2'] });
    const script = `message = json.loads(sys.argv[1])
print(json.dumps(rc.trades_message_to_dict(rc.trades_message_from_dict(message))['data'], sort_keys=True))`;
    const out = JSON.parse(runPython((await generated()).get(PYTHON_FILE)!, 'python-different', script, JSON.stringify(trade)));
    expect(out).toMatchObject({ grade: 'alpha', tier: 'x', mode: 'auto', plan: 'none', x1: ['a1'], x2: ['b2'] });
  });

  it.skipIf(!goTool.available)(`builds: go vet accepts the Go ${goTool.reason}`.trimEnd(), { timeout: 180_000 }, async () => {
    const vet = goVet((await generated()).get(GO_FILE)!, 'go-different', 'var _ = []TradeDataTierEnum{TradeDataTierX, TradeDataTierY}');
    expect(vet.output).toBe('');
    expect(vet.status).toBe(0);
  });
});
