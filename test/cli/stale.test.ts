/**
 * validate and listen warn when schemas/ is not what generated/ was written from: a fresh user
 * added a field, ran validate before generate, and was told the field was unknown to the schema.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('is said by validate and listen, on stderr before their output, run from a checkout whose schemas/ changed after generate', () => {
    // A copy of the checkout's code and generated/ (the CLI finds schemas/ above src/cli), with a
    // field added to trades.json; node_modules is the checkout's own.
    const root = checkout('cli-stale', (text) => {
      const schema = JSON.parse(text) as { definitions: { TradeData: { properties: Record<string, unknown> } } };
      schema.definitions.TradeData.properties.fee_asset = { type: 'string', description: 'Asset of the fee.' };
      return JSON.stringify(schema, null, 2);
    });
    for (const name of ['src', 'generated', 'package.json']) cpSync(path.join(ROOT, name), path.join(root, name), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const warning = 'warning: schemas/ has changed since generated/ was written: this checks against the contract as it was; run `npm run generate`\n';
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: root, timeout: 60_000 });
    const validate = run(['validate', path.join(ROOT, 'test/fixtures/valid/spec/ping.json')]);
    expect(validate.stderr).toBe(warning);
    expect(validate.stdout).toBe('1 valid, 0 invalid\n');
    expect(validate.status).toBe(0);
    // listen warns before it connects: a URL it refuses (a fragment) keeps the run off the network.
    const listen = run(['listen', 'ws://127.0.0.1:9/api/ws#x']);
    expect(listen.stderr.startsWith(warning), listen.stderr).toBe(true);
    expect(listen.stderr).toContain('expected a URL without a fragment');
    expect(listen.status).toBe(2);
  });
});
