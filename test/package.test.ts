import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { specifiers } from './support/import-graph.js';

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

/** README: where CommonJS cannot `require()` the package (TypeScript before 5.8, module Node16), import() loads it. */
const CJS_DYNAMIC_CONSUMER = `
async function main(): Promise<void> {
  const { validateMessage, createPing } = await import('realtime-contract');
  const { createRealtimeClient } = await import('realtime-contract/client');
  console.log(JSON.stringify({ ok: validateMessage(createPing(1)).ok, client: typeof createRealtimeClient }));
}
void main();
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

/** README: "`undefined` is the default" of each option; a consumer's values that may be unset, passed as they are. */
const OPTIONS_CONSUMER = `
import { createRealtimeClient } from 'realtime-contract/client';
import { createRealtimeServer, createRedisStreamStore, MemoryStreamStore, type AuthenticateHook } from 'realtime-contract/server';
import { createMessage, createPing, createPong, serializeMessage, validateMessage, parseMessage, type ValidationMode } from 'realtime-contract';

const timeout: number | undefined = process.env.TIMEOUT === undefined ? undefined : Number(process.env.TIMEOUT);
const mode = process.env.MODE as ValidationMode | undefined;
export const client = () => createRealtimeClient({
  url: process.env.WS_URL, pollUrl: process.env.POLL_URL, WebSocket: undefined, fetch: undefined, connectTimeoutMs: timeout,
  pingIntervalMs: timeout, pongTimeoutMs: undefined, fallbackAfter: undefined, polling: undefined, maxPollBytes: undefined,
  pollTimeoutMs: undefined, random: undefined, backoff: { baseMs: timeout, factor: undefined, maxMs: undefined, stableMs: undefined, jitter: undefined },
});
export const server = () => createRealtimeServer({
  jwt: { secret: 'a-demo-secret-of-at-least-32-bytes!!', issuer: process.env.JWT_ISSUER, audience: undefined, clockToleranceSec: timeout, allowTokensWithoutExp: undefined, userIdClaim: undefined, adminClaim: undefined, adminValue: undefined },
  port: timeout, host: process.env.HOST, path: undefined, pollPath: undefined,
  webSocket: undefined, pingIntervalMs: timeout, logger: undefined, clientIp: undefined, outboundRate: undefined, store: undefined,
  allowedOrigins: undefined, maxConnectionsPerIp: undefined, storeUnavailableGraceMs: undefined, monotonicClock: undefined,
});
export const store = () => new MemoryStreamStore({ maxEntriesPerStream: timeout, maxEntries: undefined, maxBytes: undefined, maxAgeMs: undefined, epoch: process.env.EPOCH, now: undefined });
export const redis = () => createRedisStreamStore({
  url: process.env.REDIS_URL, client: undefined, keyPrefix: process.env.PREFIX, maxMessages: timeout, maxAllMessages: undefined, maxAgeMs: undefined,
  logger: undefined, connectTimeoutMs: timeout, commandTimeoutMs: undefined, maxQueuedBytes: undefined,
});
export const checked = [validateMessage(null, { mode, direction: undefined }), parseMessage('{}', { mode: undefined, direction: undefined })];
export const built = [createMessage('error', { code: 'X', message: 'm' }, { ts: undefined, validate: undefined }), createPing(1, { validate: undefined }), createPong(1, { validate: undefined })];
export const text = serializeMessage(createPing(1), { validate: undefined });
// A hook's principal: admin and expiresAt left out as undefined, as the server reads them (tFJ F2: expiresAt was refused).
const sessions = new Map<string, { user: string; exp?: number | undefined; admin?: boolean | undefined }>();
export const hook: AuthenticateHook = (req) => {
  const session = sessions.get(String(req.headers.cookie));
  return session ? { userId: session.user, admin: session.admin, expiresAt: session.exp } : null;
};
`;

/** README's client example: `connect(localStorage.getItem('token'))`, "or an async () => token" of the same storage, which gives null when empty. */
const TOKEN_CONSUMER = `
import { createRealtimeClient, type TokenSource } from 'realtime-contract/client';
declare const storage: { getItem(key: string): string | null };
export const connect = () => {
  const client = createRealtimeClient({ url: 'wss://example.com/api/ws' });
  client.connect(storage.getItem('token'));
  client.connect(() => storage.getItem('token'));
  client.connect(async () => storage.getItem('token'));
  client.connect(async () => storage.getItem('token') ?? undefined);
  const provider: TokenSource = () => undefined;
  client.connect(provider);
};
`;

beforeAll(() => {
  const packs = mkdtempSync(path.join(tmpdir(), 'pack-'));
  execFileSync('npm', ['pack', '--pack-destination', packs, '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = path.join(packs, readdirSync(packs).find((file) => file.endsWith('.tgz'))!);
  consumer = mkdtempSync(path.join(tmpdir(), 'consumer-'));
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--silent'], { cwd: consumer, stdio: ['ignore', 'ignore', 'inherit'] });
}, 180_000);

function compile(files: Record<string, string>, options: Record<string, unknown> = {}): { code: number | null; output: string } {
  const dir = mkdtempSync(path.join(consumer, 'project-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const compilerOptions = { ...TSCONFIG.compilerOptions, ...options };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: Object.keys(files) }));
  const result = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}|${dir}` };
}

/** Every file under `dir`, relative, `/`-separated. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => file.split(path.sep).join('/'));
}

describe('the packed package, installed into a fresh project', () => {
  it('ships no file that imports a file it does not ship', () => {
    const installed = path.join(consumer, 'node_modules/realtime-contract');
    const shipped = new Set(filesUnder(installed));
    const sources = [...shipped].filter((file) => /\.(m?js|cjs|m?ts|cts)$/.test(file));
    expect(sources.length).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const file of sources) {
      for (const specifier of specifiers(readFileSync(path.join(installed, file), 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = path.posix.join(path.posix.dirname(file), specifier);
        // Node loads a .js specifier as written; TypeScript (.ts, .d.ts) also finds its .ts or .d.ts.
        const candidates = /\.m?js$|\.cjs$/.test(file) ? [target] : [target, target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.d.ts')];
        if (!candidates.some((candidate) => shipped.has(candidate))) broken.push(`${file} → ${specifier}`);
      }
    }
    expect(broken).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: Record<string, unknown> };
    const values = (entry: unknown): string[] => (typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, unknown>).flatMap(values));
    const targets = [...Object.values(pkg.bin), ...values(pkg.exports)].filter((target) => !target.includes('*'));
    for (const target of targets) expect(shipped.has(path.posix.normalize(target)), target).toBe(true);
  });

  // The type comments cite the spec (`@see websocket-message-schemas.md, section …`) and the Redis
  // store's SCALE.md, neither of which was in the package (a tester).
  it('ships the documents its type comments cite: the spec beside the schemas, and the Redis store\'s SCALE.md', () => {
    const installed = path.join(consumer, 'node_modules/realtime-contract');
    const shipped = new Set(filesUnder(installed));
    const declarations = [...shipped].filter((file) => file.endsWith('.d.ts')).map((file) => readFileSync(path.join(installed, file), 'utf8'));
    expect(declarations.some((text) => text.includes('@see websocket-message-schemas.md'))).toBe(true);
    expect(shipped.has('schemas/websocket-message-schemas.md')).toBe(true);
    expect(readFileSync(path.join(installed, 'schemas/websocket-message-schemas.md'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'schemas/websocket-message-schemas.md'), 'utf8'));
    const scale = declarations.filter((text) => text.includes('SCALE.md'));
    expect(scale.length).toBeGreaterThan(0);
    for (const text of scale) expect(text).not.toMatch(/(?<!src\/server\/redis\/)SCALE\.md/);
    expect(shipped.has('src/server/redis/SCALE.md')).toBe(true);
    // Nor do they send the reader to a source file, a script's name or an issue tracker the package has not.
    for (const text of declarations) expect(text).not.toMatch(/cursor\.ts|ROTATE_SCRIPT\)|\(issue \d+|RedisStreamStoreKeys\.channel/);
    const readme = readFileSync(path.join(installed, 'README.md'), 'utf8');
    expect(readme).toContain('`schemas/websocket-message-schemas.md`');
  });

  it('ships no module that statically imports a package it does not depend on', () => {
    const installed = path.join(consumer, 'node_modules/realtime-contract');
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const missing: string[] = [];
    for (const file of filesUnder(installed).filter((name) => /\.(m?js|cjs)$/.test(name))) {
      // `import('…')` may be guarded (the dashboard bundles with esbuild only when it is there).
      for (const specifier of specifiers(readFileSync(path.join(installed, file), 'utf8'), 'static')) {
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!declared.has(name)) missing.push(`${file} → ${specifier}`);
      }
    }
    expect(missing).toEqual([]);
  });

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

  it("a CommonJS consumer under module Node16 (as under TypeScript before 5.8): an import is refused, import() compiles and runs, as README says (tAB F1)", () => {
    const refused = compile({ 'consumer.cts': "import { createPing } from 'realtime-contract';\nconsole.log(createPing(1));\n" }, { module: 'Node16', moduleResolution: 'Node16' });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/error TS1479: .*cannot be imported with 'require'/);
    const { code, output } = compile({ 'dynamic.cts': CJS_DYNAMIC_CONSUMER }, { module: 'Node16', moduleResolution: 'Node16' });
    expect(output.split('|')[0]).toBe('');
    expect(code).toBe(0);
    const printed = execFileSync(process.execPath, [path.join(output.split('|')[1]!, 'out/dynamic.cjs')], { encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual({ ok: true, client: 'function' });
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

  it("gives every export of realtime-contract/typebox a Static<> equal to the contract's type of that name, with the consumer's exactOptionalPropertyTypes on or off (on, AiTaskResult and the four types holding it took `number | undefined` from the package's own setting: a fresh user)", () => {
    // The optional peer, as a consumer installs it beside the package: the checkout's copy.
    const peer = path.join(consumer, 'node_modules/@sinclair');
    if (!existsSync(peer)) {
      mkdirSync(path.dirname(peer), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules/@sinclair'), peer, 'dir');
    }
    const declarations = readFileSync(path.join(consumer, 'node_modules/realtime-contract/dist/generated/typebox.d.ts'), 'utf8');
    const names = [...declarations.matchAll(/^export declare const (\w+)/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['AiTaskResult', 'AiTasksMessage', 'Message', 'MessageSchemas', 'PollResponse', 'Timestamp']));
    const lines = [
      "import type { Static } from '@sinclair/typebox';",
      "import type * as TB from 'realtime-contract/typebox';",
      "import { createMessage, type MessageMap } from 'realtime-contract';",
      'import type * as T from \'realtime-contract\';',
      'type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;',
      // What the fresh user wrote: a payload typed by a TypeBox schema (a Fastify route's body), sent on.
      'export function forward(body: Static<typeof TB.AiTasksMessage>) { return createMessage(\'ai_tasks\', body.data); }',
    ];
    const checked = new Map<number, string>();
    for (const name of names) {
      checked.set(lines.length + 1, name);
      lines.push(name === 'MessageSchemas'
        ? 'export const MessageSchemas: Equal<{ -readonly [K in keyof typeof TB.MessageSchemas]: Static<(typeof TB.MessageSchemas)[K]> }, MessageMap> = true;'
        : `export const ${name}: Equal<Static<typeof TB.${name}>, T.${name}> = true;`);
    }
    for (const exactOptionalPropertyTypes of [true, false]) {
      const { output } = compile({ 'typebox.mts': `${lines.join('\n')}\n` }, { exactOptionalPropertyTypes, noEmit: true });
      // Each unequal export by name; any other error as tsc wrote it.
      // tsc's own text holds `|` (union types): the folder follows the last one.
      const errors = output.slice(0, output.lastIndexOf('|')).split('\n').filter((line) => /error TS/.test(line));
      const unequal = errors.map((line) => checked.get(Number(/typebox\.mts\((\d+),/.exec(line)?.[1])) ?? line);
      expect({ exactOptionalPropertyTypes, unequal }).toEqual({ exactOptionalPropertyTypes, unequal: [] });
    }
  });

  it("lets a consumer that emits declarations (a library, a monorepo's composite project) export values built from the TypeBox schemas and a Redis store's keys: TOpen and the store's keys type were not exported, and tsc refused each such export with TS4023 (tBA F1)", () => {
    for (const [scope, name] of [['@sinclair', '@sinclair'], ['@types', '@types/node']] as const) {
      const link = path.join(consumer, 'node_modules', name);
      if (!existsSync(link)) {
        mkdirSync(path.dirname(link), { recursive: true });
        symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
      }
      expect(existsSync(path.join(consumer, 'node_modules', scope))).toBe(true);
    }
    const library = [
      "import { Type } from '@sinclair/typebox';",
      "import { AiTasksMessage, Message, MessageSchemas, PollResponse, TradesMessage } from 'realtime-contract/typebox';",
      "import type { RedisStreamStore } from 'realtime-contract/server';",
      'export const tradesRoute = { body: TradesMessage };',
      'export const aiTasksRoute = { body: AiTasksMessage };',
      'export const batch = Type.Array(AiTasksMessage);',
      'export const anyMessage = { body: Message, reply: PollResponse };',
      'export const schemas = { ...MessageSchemas };',
      'export const keysOf = (store: RedisStreamStore) => store.keys;',
      '',
    ].join('\n');
    const { code, output } = compile({ 'library.mts': library }, { declaration: true, emitDeclarationOnly: true, outDir: 'types', types: ['node'] });
    expect(output.slice(0, output.lastIndexOf('|'))).toBe('');
    expect(code).toBe(0);
    const emitted = readFileSync(path.join(output.slice(output.lastIndexOf('|') + 1), 'types/library.d.mts'), 'utf8');
    expect(emitted).toContain('import("realtime-contract/typebox").TOpen<');
    expect(emitted).toMatch(/RedisStreamStoreKeys/);
  });

  it("takes `undefined` for each option whose default it is, with the consumer's exactOptionalPropertyTypes on: `{ url: process.env.WS_URL }` was refused, the options typed `?: T` (tAB F2), and the Redis store's `{ url: process.env.REDIS_URL }` still was after (tAJ F4); so does a hook principal's expiresAt (tFJ F2)", () => {
    // @types/node, as a Node consumer installs it: the server's options name node:http's types.
    const types = path.join(consumer, 'node_modules/@types/node');
    if (!existsSync(types)) {
      mkdirSync(path.dirname(types), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules/@types/node'), types, 'dir');
    }
    const { output } = compile({ 'options.mts': OPTIONS_CONSUMER }, { exactOptionalPropertyTypes: true, noEmit: true, types: ['node'] });
    expect(output.slice(0, output.lastIndexOf('|'))).toBe('');
  });

  it("takes a token provider that gives null or undefined (no token, as the runtime reads it and connect's TSDoc says), as README's async () => token of localStorage does; a number is refused (tAP F13: TS2345)", () => {
    const { output } = compile({ 'token.mts': TOKEN_CONSUMER }, { noEmit: true });
    expect(output.slice(0, output.lastIndexOf('|'))).toBe('');
    const refused = compile({ 'number.mts': "import { createRealtimeClient } from 'realtime-contract/client';\ncreateRealtimeClient().connect(() => 42);\n" }, { noEmit: true });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/number\.mts\(2,.*error TS2345/);
  });

  it('ships the schemas and a working realtime-contract bin', () => {
    const schema = JSON.parse(readFileSync(path.join(consumer, 'node_modules/realtime-contract/schemas/trades.json'), 'utf8')) as { title: string };
    expect(schema.title).toBe('TradesMessage');
    // The contract's documents are exported; generated/'s TypeScript sources are not (Node cannot
    // load them, and the compiled modules are reached through the package's entry points).
    const resolve = (specifier: string) => spawnSync(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], { cwd: consumer, encoding: 'utf8' });
    for (const exported of ['schemas/trades.json', 'generated/schema/keywords.json', 'generated/schema/messages.schema.json', 'generated/asyncapi.json', 'generated/docs/messages.md', 'generated/languages/python/realtime_contract.py']) {
      expect(resolve(`realtime-contract/${exported}`).stdout.trim(), exported).toMatch(new RegExp(`node_modules/realtime-contract/${exported.replaceAll('.', '\\.')}$`));
    }
    for (const internal of ['generated/types.ts', 'generated/typebox.ts', 'generated/validators.js']) {
      expect(resolve(`realtime-contract/${internal}`).stderr, internal).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    }
    // Nor are they shipped: the compiled copies under dist/generated/ are what runs (the sources
    // and the validators' second copy were 700 KB of the tarball that nothing could import).
    const shipped = readdirSync(path.join(consumer, 'node_modules/realtime-contract/generated')).sort();
    expect(shipped).toEqual(['asyncapi.json', 'docs', 'languages', 'schema']);
    writeFileSync(path.join(consumer, 'bad.ndjson'), '{"type":"ping","timestamp":"now"}\n');
    const result = spawnSync(path.join(consumer, 'node_modules/.bin/realtime-contract'), ['validate', 'bad.ndjson'], { cwd: consumer, encoding: 'utf8' });
    expect(result.stdout).toBe('bad.ndjson:1: ping /timestamp expected an integer, got a string "now"\n0 valid, 1 invalid\n');
    expect(result.status).toBe(1);
    const bin = path.join(consumer, 'node_modules/.bin/realtime-contract');
    const all = spawnSync(bin, ['validate', '--all-errors', '-'], { cwd: consumer, encoding: 'utf8', input: '{"type":"ping","timestamp":-1,"extra":1}' });
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(3);
    const help = spawnSync(bin, ['--help'], { cwd: consumer, encoding: 'utf8' });
    expect(help.stdout).toMatch(/validate \[options\]/);
    expect(help.stdout).not.toMatch(/^\s+generate \[options\]/m);
    // It says why, where it said only `unknown command 'generate'`.
    for (const command of [['generate'], ['diff', 'v1.0', '--format', 'json']]) {
      const refused = spawnSync(bin, command, { cwd: consumer, encoding: 'utf8' });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toBe(`realtime-contract: ${command[0]} needs a checkout of the realtime-contract repository with its dev dependencies (npm ci); the installed package ships no ${command[0] === 'generate' ? 'code generators' : 'contract model (ajv) to read schemas with'}\n`);
    }
  });
});

describe("the checkout's own install", () => {
  it("turns scarf's download report off (README's set-up note): scarf-js reads scarfSettings.enabled === false of the root package.json as opted out", () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scarfSettings?: { enabled?: unknown } };
    expect(manifest.scarfSettings?.enabled).toBe(false);
    // The rule scarf-js applies, in its own words, so that a rename of the setting is noticed.
    expect(readFileSync(path.join(ROOT, 'node_modules/@scarf/scarf/report.js'), 'utf8')).toContain('rootPackage.scarfSettings.enabled === false');
  });
});
