/**
 * validate and listen warn when schemas/ is not what generated/ was written from: a fresh user
 * added a field, ran validate before generate, and was told the field was unknown to the schema.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staleContractWarning } from '../../src/cli/stale.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'realtime-contract-stale-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder holding a copy of schemas/, with `edit` applied to trades.json's text. */
function checkout(name: string, edit: (text: string) => string): string {
  const root = path.join(work, name);
  cpSync(path.join(ROOT, 'schemas'), path.join(root, 'schemas'), { recursive: true });
  const trades = path.join(root, 'schemas/trades.json');
  writeFileSync(trades, edit(readFileSync(trades, 'utf8')));
  return root;
}

describe('a stale generated/', () => {
  it('is said when a schema value changed, not when only its formatting did', () => {
    const edited = checkout('edited', (text) => {
      const schema = JSON.parse(text) as { definitions: { TradeData: { properties: Record<string, unknown> } } };
      schema.definitions.TradeData.properties.fee_asset = { type: 'string', description: 'Asset of the fee.' };
      return JSON.stringify(schema, null, 2);
    });
    expect(staleContractWarning([edited])).toMatch(/^warning: schemas\/ has changed since generated\/ was written: .*run `npm run generate`$/);
    expect(staleContractWarning([checkout('reformatted', (text) => `\uFEFF${JSON.stringify(JSON.parse(text), null, 4).replace(/\n/g, '\r\n')}`)])).toBeUndefined();
    expect(staleContractWarning([checkout('broken', (text) => text.slice(0, -3))])).toMatch(/^warning: schemas\//);
    // This checkout: generated/ is fresh (generate --check holds it).
    expect(staleContractWarning()).toBeUndefined();
  });

  it('says to build when generated/ is up to date but the CLI runs from a dist/ built before (found by a fresh user)', () => {
    const root = checkout('built-before', (text) => text);
    cpSync(path.join(ROOT, 'generated/contract.ts'), path.join(root, 'generated/contract.ts'));
    expect(staleContractWarning([root], 'sha256:0000')).toBe('warning: dist/ was built before generated/ was last written: this checks against the contract as it was; run `npm run build`');
    expect(staleContractWarning([root])).toBeUndefined();
  });

  it('is not said by the CLI of a fresh checkout', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'validate', path.join(ROOT, 'test/fixtures/valid/spec/ping.json')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
