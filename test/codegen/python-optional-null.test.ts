/**
 * README ("Changing the contract", Python and Go types): an explicit null for an optional key is
 * written back as absent, in Go and in Python. README said it of Go alone, while Python's
 * `to_dict` leaves out every optional key that is `None`, so a Python relay also turns an explicit
 * null into a missing key (tGI F5).
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
const work = mkdtempSync(path.join(tmpdir(), 'python-optional-null-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const python = findTool('python3');

it('README says Python writes an optional key\'s explicit null back as absent, as Go does', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  expect(readme).toContain('an explicit null for an optional key decodes as nil and is written back as absent.');
  expect(readme).toContain('Python does the same: an optional key decodes as `None` whether it was null or left out, and `to_dict` leaves out every optional key that is `None`, so an explicit null is written back as absent there too');
});

it(`Python decodes an optional nullable field's null and writes it back as absent; a required one's null stays ${python.reason}`.trimEnd(), { timeout: 180_000 }, async () => {
  const dir = path.join(work, 'schemas');
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const trades = JSON.parse(readFileSync(path.join(dir, 'trades.json'), 'utf8'));
  Object.assign(trades.definitions.TradeData.properties, {
    venue: { type: ['string', 'null'], enum: ['limit', 'market', null], description: 'Order venue; null when unknown.' },
    note: { type: ['string', 'null'], description: 'A note, or null.' },
  });
  writeFileSync(path.join(dir, 'trades.json'), JSON.stringify(trades, null, 2));
  const files = await generate(dir);
  if (!python.available) return;
  const out = path.join(work, 'python');
  const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8'));
  Object.assign(trade.data, { pnl: null, venue: null, note: null });
  const script = `import json, sys
import realtime_contract as rc
back = rc.trades_message_to_dict(rc.trades_message_from_dict(json.loads(sys.argv[1])))
print(json.dumps({k: back["data"].get(k, "<absent>") for k in ("pnl", "venue", "note")}))
`;
  const run = runBesideModule(out, files.get(PYTHON_FILE)!, script, [JSON.stringify(trade)]);
  expect(run.stderr).toBe('');
  // pnl is required and nullable: its null stays.
  expect(JSON.parse(run.stdout)).toEqual({ pnl: null, venue: '<absent>', note: '<absent>' });
});
