/**
 * The validators are compiled with every `$ref` inlined, so a definition referred to from two
 * places of another is copied into each: a chain of definitions each referring twice to the
 * next doubles at every step (a tester's chain of 12 kept generate busy past 2 minutes, with no
 * word). generate refuses a message past MAX_INLINED_SCHEMAS (README "What stops generation"),
 * naming the chain and the size, before it inlines anything.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGeneratable, MAX_INLINED_SCHEMAS } from '../../src/codegen/check.js';
import { forEachSubschema, inlinedSchemaCount, inlineRefs, loadContract } from '../../src/contract/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const work = mkdtempSync(path.join(tmpdir(), 'inlined-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** schemas/ in a folder of its own, TradeData gaining `chain` → C0, each Ci an object whose left and right both refer to C(i+1). */
function chainSchemas(n: number): string {
  const dir = path.join(work, `chain-${n}`);
  cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const trades = JSON.parse(readFileSync(file, 'utf8'));
  trades.definitions.TradeData.properties.chain = { $ref: '#/definitions/C0' };
  for (let i = 0; i < n; i++) trades.definitions[`C${i}`] = { title: `C${i}`, type: 'object', properties: { left: { $ref: `#/definitions/C${i + 1}` }, right: { $ref: `#/definitions/C${i + 1}` } } };
  trades.definitions[`C${n}`] = { title: `C${n}`, type: 'object', properties: { end: { type: 'number' } } };
  writeFileSync(file, JSON.stringify(trades, null, 2));
  return dir;
}

describe('a message too large once its $refs are inlined', () => {
  it('a chain of 30 definitions each referring twice to the next is refused, naming the message, the chain and the size', () => {
    // In a child process, killed after 60 s: the endless inlining it replaced fails the test instead of hanging the run.
    const result = spawnSync(process.execPath, ['--import', TSX, CLI, 'generate', '--schemas', chainSchemas(30), '--out', path.join(work, 'out')], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
    expect({ signal: result.signal, status: result.status }).toEqual({ signal: null, status: 2 });
    expect(result.stderr).toContain('trades.json#');
    expect(result.stderr).toContain('3,221,225,488 schema objects, more than the bound of 1,000');
    expect(result.stderr).toMatch(/chain of \$refs trades\.json#\/definitions\/TradeData → trades\.json#\/definitions\/C0 → .* trades\.json#\/definitions\/C30;/);
  }, 90_000);

  it('a message past the bound by one wide object, with no chain to flatten, is refused naming that object and its properties, not a chain (tCL F3)', async () => {
    const dir = path.join(work, 'wide');
    cpSync(path.join(ROOT, 'schemas'), dir, { recursive: true });
    const file = path.join(dir, 'metrics.json');
    const metrics = JSON.parse(readFileSync(file, 'utf8'));
    for (let i = 0; i < 1000; i++) metrics.definitions.MetricsData.properties[`extra${i}`] = { type: 'number' };
    writeFileSync(file, JSON.stringify(metrics, null, 2));
    const contract = await loadContract(dir);
    expect(() => checkGeneratable(contract)).toThrow(
      /^metrics\.json#: with every \$ref inlined \(as the validators are compiled\) this message would hold 1,015 schema objects, more than the bound of 1,000: copies of \$ref targets add only 3: the message is that wide itself; its widest object, metrics\.json#\/definitions\/MetricsData, has 1,010 properties \(each a schema object\)\. Give it fewer properties \(split the message into several\)$/,
    );
  });

  it('counts what inlineRefs would write, and the shipped messages stay far below the bound', async () => {
    const chain = await loadContract(chainSchemas(5));
    const trades = chain.messages.find((message) => message.type === 'trades')!;
    let written = 0;
    forEachSubschema(inlineRefs(chain.files, trades.file, trades.schema), () => written++);
    expect(inlinedSchemaCount(chain.files, trades.file, trades.schema).count).toBe(written);
    const shipped = await loadContract(path.join(ROOT, 'schemas'));
    for (const message of shipped.messages) expect(inlinedSchemaCount(shipped.files, message.file, message.schema).count, message.file).toBeLessThan(MAX_INLINED_SCHEMAS / 10);
  });
});
