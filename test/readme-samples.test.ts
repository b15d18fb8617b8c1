/**
 * README's TypeScript samples of "Validating messages", "Building messages" and "TypeBox
 * schemas in Fastify", taken from README itself (not a copy), compile as written for a strict
 * NodeNext consumer and do what their comments say. A sample's free names (`frame`,
 * `tradeData`, `socket`, …) are given by a prelude; `realtime-contract` and
 * `realtime-contract/typebox` are this checkout's sources (tsconfig `paths`), so no build is
 * needed. tBL F4: an edit of README's Fastify setup went unnoticed, the test holding a copy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block of README's section `heading`. */
function sample(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const section = README.slice(start, README.indexOf('\n## ', start + 1));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`README's "${heading}" has no TypeScript sample`);
  return match[1]!;
}

const trade = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/valid/spec/trades.json'), 'utf8')) as { type: 'trades'; data: Record<string, unknown>; ts: string };

/** Each sample as a module: what its free names are (a prelude), README's text, then what the test reads of it. */
const MODULES: Record<string, string> = {
  'validating.ts': `import type { ValidationNotice } from 'realtime-contract';
const frame: string = process.argv[2]!;
function showUnknown(notice: ValidationNotice): void {
  console.log('notice', JSON.stringify(notice));
}
${sample('Validating messages')}`,
  'building.ts': `import type { PingMessage, TradeData } from 'realtime-contract';
const tradeData = JSON.parse(process.argv[2]!) as TradeData;
const ping: PingMessage = { type: 'ping', timestamp: 1705251000000 };
const socket = { send: (text: string) => console.log('sent', text) };
${sample('Building messages')}`,
  'fastify.ts': `${sample('TypeBox schemas in Fastify')}
for (const payload of JSON.parse(process.argv[2]!) as unknown[]) {
  const response = await app.inject({ method: 'POST', url: '/trades', payload: payload as object });
  console.log(response.statusCode, response.statusCode === 200 ? response.body : response.json<{ message: string }>().message);
}
await app.close();
`,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'readme-samples-'));
  // fastify, @types/node and the rest, as a consumer's own node_modules.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const paths = { 'realtime-contract': [path.join(ROOT, 'src/index.ts')], 'realtime-contract/typebox': [path.join(ROOT, 'generated/typebox.ts')] };
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'DOM'], types: ['node'], noEmit: true, skipLibCheck: true, paths },
      files: Object.keys(MODULES),
    }),
  );
  for (const [file, text] of Object.entries(MODULES)) writeFileSync(path.join(dir, file), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs README's sample `file` with tsx (which reads the tsconfig's `paths`), `arg` its one argument (a value as JSON, a string as it is). */
function spawn(file: string, arg: unknown) {
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), file, typeof arg === 'string' ? arg : JSON.stringify(arg)], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
}

/** {@link spawn}, which must succeed without a word on stderr: its output lines. */
function run(file: string, arg: unknown): string[] {
  const result = spawn(file, arg);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trimEnd().split('\n');
}

describe("README's TypeScript samples, as README writes them", () => {
  it('compile for a strict NodeNext consumer (noUncheckedIndexedAccess, exactOptionalPropertyTypes)', { timeout: 180_000 }, () => {
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 170_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('Validating messages: a notice for an unlisted platform, and the error its comment quotes', { timeout: 120_000 }, () => {
    const coinbase = JSON.stringify({ ...trade, data: { ...trade.data, platform: 'coinbase' } });
    const [notice] = run('validating.ts', coinbase);
    expect(JSON.parse(notice!.slice('notice '.length))).toMatchObject({ pointer: '/data/platform', value: 'coinbase', known: ['luno', 'binance', 'kucoin', 'kraken', 'valr'] });
    // console.warn writes to stderr: run it by hand to read it.
    const fee = spawn('validating.ts', JSON.stringify({ ...trade, data: { ...trade.data, fee: '0.5' } }));
    expect(fee.stdout).toBe('');
    expect(fee.stderr).toBe('expected a number, got a string "0.5"\n');
  });

  it('Building messages: sends the trade stamped with ts now, and a pong echoing the ping; { validate: true } throws MessageValidationError on Infinity', { timeout: 120_000 }, () => {
    const before = Date.now();
    const [sentTrade, sentPong] = run('building.ts', trade.data);
    const message = JSON.parse(sentTrade!.slice('sent '.length)) as { type: string; data: unknown; ts: string };
    expect(message).toEqual({ type: 'trades', data: trade.data, ts: message.ts });
    expect(message.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(message.ts)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(JSON.parse(sentPong!.slice('sent '.length))).toEqual({ type: 'pong', timestamp: 1705251000000 });
    // JSON cannot carry NaN: a price of 1e400 reads as Infinity.
    const infinite = spawn('building.ts', JSON.stringify(trade.data).replace('"price":850000', '"price":1e400'));
    expect(JSON.stringify(trade.data)).toContain('"price":850000');
    expect(infinite.status).not.toBe(0);
    expect(infinite.stdout).toBe('');
    expect(infinite.stderr).toMatch(/MessageValidationError: invalid trades message: \/data\/price /);
  });

  it("TypeBox schemas in Fastify: README's route answers a valid trade 200 unchanged and a fee of another type 400 body/data/fee must be number", { timeout: 120_000 }, () => {
    const [valid, fee] = run('fastify.ts', [trade, { ...trade, data: { ...trade.data, fee: true } }]);
    expect(valid).toBe(`200 ${JSON.stringify(trade)}`);
    expect(fee).toBe('400 body/data/fee must be number');
  });
});
