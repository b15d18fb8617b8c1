/**
 * An optional field whose schema admits any value (`{}`, annotations only, a `$ref` to such a
 * definition, a choice with such a branch) takes `null` in the generated Python decoders, as
 * every validator, TypeBox, types.ts (`unknown`) and Go (`interface{}`) do: Python read it with
 * `from_absent_or_value` and raised "may be left out but not be null", losing the whole
 * message (tFO F1). A field that may not be null still refuses it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generate } from '../../src/codegen/index.js';
import { findTool } from '../support/toolchain.js';
import { runBesideModule } from '../support/generated-python.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_FILE = 'languages/python/realtime_contract.py';
const work = mkdtempSync(path.join(tmpdir(), 'python-null-any-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const python = findTool('python3');
const KEYS = ['note', 'empty', 'defref', 'choice'];

it(`Python decodes null in an optional field of any value, and still refuses it in one that may not be null ${python.reason}`, { timeout: 180_000 }, async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  Object.assign(trades.definitions.TradeData.properties, {
    note: { description: 'Any value.' },
    empty: {},
    defref: { $ref: '#/definitions/AnyThing' },
    choice: { anyOf: [{ type: 'number' }, { description: 'Anything else.' }] },
    plain: { type: 'string', description: 'A string, not null.' },
  });
  trades.definitions.AnyThing = { title: 'AnyThing', description: 'Annotations only.' };
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const files = await generate(dir);
  const text = files.get(PYTHON_FILE)!;
  for (const key of KEYS) expect(text, key).toContain(`${key} = obj.get("${key}")`);
  if (!python.available) return;
  const out = path.join(work, 'python');
  const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
  const script = `import json, sys
import realtime_contract as rc
for key in json.loads(sys.argv[1]):
    message = json.loads(sys.argv[2])
    message['data'][key] = None
    try:
        rc.trades_message_from_dict(message)
        print(key, 'decoded')
    except ValueError as error:
        print(key, 'raised', error)
`;
  const run = runBesideModule(out, text, script, [JSON.stringify([...KEYS, 'plain']), JSON.stringify(trade)]);
  expect(run.stderr).toBe('');
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines.slice(0, KEYS.length)).toEqual(KEYS.map((key) => `${key} decoded`));
  expect(lines[KEYS.length]).toMatch(/^plain raised .*not be null/);
});
