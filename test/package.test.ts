import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
let consumer: string;

const TSCONFIG = {
  compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', outDir: 'out', skipLibCheck: false, types: [] },
};

const ESM_CONSUMER = `
import { createMessage, validateMessage, parseMessage, MESSAGE_TYPES, type TradesMessage, type TradeData, type ServerMessage } from 'realtime-contract';

const data: TradeData = {
  id: 'trade_1', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001,
  price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z',
};
const message: TradesMessage = createMessage('trades', data, { validate: true });
const incoming = parseMessage(JSON.stringify(message), { mode: 'tolerant' });
function side(m: ServerMessage): string { return m.type === 'trades' ? m.data.side : '-'; }
console.log(JSON.stringify({ ok: validateMessage(message).ok, parsed: incoming.ok, side: side(message), types: MESSAGE_TYPES.length }));
`;

const CJS_CONSUMER = `
import contract = require('realtime-contract');
const ping = contract.createPing(1705251000000);
const pong = contract.createPong(ping, { validate: true });
console.log(JSON.stringify({ pong, ok: contract.validateMessage(pong).ok, bad: contract.validateMessage({ type: 'pong' }).ok }));
`;

const MISSPELLED = `
import { createMessage } from 'realtime-contract';
createMessage('trades', {
  id: 'trade_1', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', sde: 'buy', quantity: 0.001,
  price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z',
});
`;

const CLIENT_CONSUMER = `
import realtimeClient, { createRealtimeClient, type RealtimeStatus } from 'realtime-contract/client';
// Node 20 has no global WebSocket: the ws package (no types installed in this consumer).
const { WebSocket } = (await import('ws' as string)) as { WebSocket: unknown };

realtimeClient.on('trades', (d) => d.side);
const client = createRealtimeClient({ url: 'ws://127.0.0.1:9/api/ws', WebSocket: WebSocket as never });
const stop = client.on('bots', (bot, message) => console.log(bot.status, message.ts));
stop();
const status: RealtimeStatus = client.getStatus();
console.log(JSON.stringify({ mode: status.mode, connected: status.connected }));
`;

const CLIENT_MISSPELLED = `
import realtimeClient from 'realtime-contract/client';
realtimeClient.on('trades', (d) => d.sidee);
`;

beforeAll(() => {
  const packs = mkdtempSync(path.join(tmpdir(), 'pack-'));
  execFileSync('npm', ['pack', '--pack-destination', packs, '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = path.join(packs, readdirSync(packs).find((file) => file.endsWith('.tgz'))!);
  consumer = mkdtempSync(path.join(tmpdir(), 'consumer-'));
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--silent'], { cwd: consumer, stdio: ['ignore', 'ignore', 'inherit'] });
}, 180_000);

function compile(files: Record<string, string>): { code: number | null; output: string } {
  const dir = mkdtempSync(path.join(consumer, 'project-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, include: Object.keys(files) }));
  const result = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}|${dir}` };
}

describe('the packed package, installed into a fresh project', () => {
  it('compiles (strict, NodeNext) and runs an ESM consumer', () => {
    const { code, output } = compile({ 'consumer.mts': ESM_CONSUMER });
    expect(output.split('|')[0]).toBe('');
    expect(code).toBe(0);
    const dir = output.split('|')[1]!;
    const printed = execFileSync(process.execPath, [path.join(dir, 'out/consumer.mjs')], { encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual({ ok: true, parsed: true, side: 'buy', types: 14 });
  });

  it('compiles and runs a CommonJS consumer that loads it through require', () => {
    const { code, output } = compile({ 'consumer.cts': CJS_CONSUMER });
    expect(output.split('|')[0]).toBe('');
    expect(code).toBe(0);
    const dir = output.split('|')[1]!;
    const printed = execFileSync(process.execPath, [path.join(dir, 'out/consumer.cjs')], { encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual({ pong: { type: 'pong', timestamp: 1705251000000 }, ok: true, bad: false });
  });

  it('fails to compile a misspelled field', () => {
    const { code, output } = compile({ 'misspelled.mts': MISSPELLED });
    expect(code).not.toBe(0);
    expect(output).toMatch(/'sde' does not exist in type 'TradeData'/);
  });

  it('types the client of realtime-contract/client: on("trades", d => d.side) compiles and runs, d.sidee does not compile', () => {
    const { code, output } = compile({ 'client.mts': CLIENT_CONSUMER });
    expect(output.split('|')[0]).toBe('');
    expect(code).toBe(0);
    const printed = execFileSync(process.execPath, [path.join(output.split('|')[1]!, 'out/client.mjs')], { encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual({ mode: 'offline', connected: false });
    const misspelled = compile({ 'misspelled-client.mts': CLIENT_MISSPELLED });
    expect(misspelled.code).not.toBe(0);
    expect(misspelled.output).toMatch(/'sidee' does not exist on type 'ReceivedTradeData'/);
  });

  it('ships the schemas and a working realtime-contract bin', () => {
    const schema = JSON.parse(readFileSync(path.join(consumer, 'node_modules/realtime-contract/schemas/trades.json'), 'utf8')) as { title: string };
    expect(schema.title).toBe('TradesMessage');
    writeFileSync(path.join(consumer, 'bad.ndjson'), '{"type":"ping","timestamp":"now"}\n');
    const result = spawnSync(path.join(consumer, 'node_modules/.bin/realtime-contract'), ['validate', 'bad.ndjson'], { cwd: consumer, encoding: 'utf8' });
    expect(result.stdout).toBe('bad.ndjson:1: ping /timestamp expected an integer, got a string "now"\n0 valid, 1 invalid\n');
    expect(result.status).toBe(1);
  });
});
