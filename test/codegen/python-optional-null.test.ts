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
  expect(readme).toContain('Python does the same for an optional key that may be null: it decodes as `None` whether it was null or left out, and `to_dict` leaves out every optional key that is `None`, so an explicit null is written back as absent there too');
  // Not for one that may not be null: Python raises there (README said it decoded as None: tIR F5).
  expect(readme).toContain('An optional key that may not be null (the `cursor`, a union field) is another matter: an explicit null there raises `ValueError` in Python (`cursor may be left out but not be null`), as the validators refuse it, while Go reads it as absent.');
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
message = json.loads(sys.argv[1])
message["cursor"] = None
try:
    rc.trades_message_from_dict(message)
    print("cursor null decoded")
except ValueError as error:
    print("ValueError", error)
`;
  const run = runBesideModule(out, files.get(PYTHON_FILE)!, script, [JSON.stringify(trade)]);
  expect(run.stderr).toBe('');
  // pnl is required and nullable: its null stays.
  const [written, cursor] = run.stdout.trimEnd().split('\n');
  expect(JSON.parse(written!)).toEqual({ pnl: null, venue: '<absent>', note: '<absent>' });
  // The cursor is optional and may not be null: README's `ValueError`, word for word.
  expect(cursor).toBe('ValueError cursor may be left out but not be null');
});
