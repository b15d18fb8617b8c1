/**
 * A field whose schema is `{ "type": "null" }` (a reserved field, always null) is typed `None` by
 * quicktype's Python, neither `Optional[…]` nor `Any`: it was given no default, and beside an
 * optional field whose name sorts before it (which has one) generate stopped with an internal
 * error naming no file or pointer ("quicktype declared nothing, which cannot be None, after
 * alpha, which can": tGI F8). It holds None alone, so it defaults to None as the optional ones do.
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
const python = findTool('python3');
const work = mkdtempSync(path.join(tmpdir(), 'python-null-field-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it(`generates an optional {"type": "null"} field beside an optional field that sorts before it, and Python decodes null and absent ${python.reason}`.trimEnd(), { timeout: 180_000 }, async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  Object.assign(trades.definitions.TradeData.properties, {
    nothing: { type: 'null', description: 'Reserved: always null.' },
    alpha: { type: 'string', description: 'An optional note.' },
  });
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const text = (await generate(dir)).get(PYTHON_FILE)!;
  expect(text).toMatch(/^ {4}nothing: None = None$/m);
  if (!python.available) return;
  const out = path.join(work, 'python');
  const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
  const script = `import json, sys
import realtime_contract as rc
message = json.loads(sys.argv[1])
print(json.dumps('nothing' in rc.trades_message_to_dict(rc.trades_message_from_dict(message))['data']))
message['data']['nothing'] = None
message['data']['alpha'] = 'a note'
data = rc.trades_message_to_dict(rc.trades_message_from_dict(message))['data']
print(json.dumps([data.get('nothing'), data['alpha']]))
`;
  const run = runBesideModule(out, text, script, [JSON.stringify(trade)]);
  expect(run.stderr).toBe('');
  expect(run.stdout.trimEnd().split('\n')).toEqual(['false', '[null, "a note"]']);
});
