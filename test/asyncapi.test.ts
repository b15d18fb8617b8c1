import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi } from '../src/codegen/asyncapi.js';
import { generate } from '../src/codegen/index.js';
import { contractFromTexts } from '../src/contract/index.js';
import { startServer, token } from './server/helpers.js';
import { MemoryStreamStore } from '../src/server/index.js';
import { validateMessage } from '../src/runtime/validate.js';
import { CLIENT_MESSAGE_TYPES, MESSAGE_TYPES, POLL_HOLD_MS, POLL_MAX_MESSAGES, POLL_PATH, SERVER_MESSAGE_TYPES, WEBSOCKET_PATH } from '../generated/contract.js';

const text = readFileSync('generated/asyncapi.json', 'utf8');
const doc = JSON.parse(text) as Record<string, any>;
const parser = new Parser();

/** The shipped schema files, parsed, with `edit` applied, as a contract. */
function editedContract(edit: (files: Record<string, Record<string, any>>) => void = () => undefined) {
  const files = Object.fromEntries(readdirSync('schemas').filter((name) => name.endsWith('.json')).map((name) => [name, JSON.parse(readFileSync(`schemas/${name}`, 'utf8'))]));
  edit(files);
  return contractFromTexts(new Map(Object.entries(files).map(([name, schema]) => [name, JSON.stringify(schema)])));
}

/**
 * Every schema below a component schema that a code generator declares a type for (a closed list,
 * an object, a choice, a field's `allOf` of one `$ref`), by its JSON Pointer: its `title`, or
 * undefined when it has none (modelina then names it `AnonymousSchema_<position>`).
 */
function typeTitles(document: Record<string, any>): Map<string, string | undefined> {
  const titles = new Map<string, string | undefined>();
  const visit = (node: any, pointer: string, root: boolean) => {
    if (typeof node !== 'object' || node === null || typeof node.$ref === 'string') return;
    const wrapper = node.allOf?.length === 1 && typeof node.allOf[0].$ref === 'string';
    if (!root && (wrapper || node.enum !== undefined || node.const !== undefined || node.properties !== undefined || node.anyOf !== undefined || node.oneOf !== undefined)) titles.set(pointer, node.title);
    for (const [key, child] of Object.entries<any>(node.properties ?? {})) visit(child, `${pointer}/properties/${key}`, false);
    if (typeof node.items === 'object') visit(node.items, `${pointer}/items`, false);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${pointer}/additionalProperties`, false);
    for (const keyword of ['anyOf', 'oneOf']) (node[keyword] ?? []).forEach((branch: any, index: number) => visit(branch, `${pointer}/${keyword}/${index}`, false));
  };
  for (const [name, schema] of Object.entries(document.components.schemas)) visit(schema, `/components/schemas/${name}`, true);
  return titles;
}

/** Diagnostics at error (0) or warning (1) severity; information (2) and hints (3), such as "use 3.1.0", pass. */
async function problems(source: string) {
  const { diagnostics } = await parser.parse(source);
  return diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.message} at ${d.path.join('/')}`);
}

describe('generated/asyncapi.json', () => {
  it('parses with @asyncapi/parser with no errors and no warnings', async () => {
    expect(await problems(text)).toEqual([]);
  });

  it('is checked by the parser: a $ref in draft-07 style (#/definitions/…) is reported, so the check above is live', async () => {
    const broken = structuredClone(doc);
    broken.components.schemas.TradesMessage.properties.data.$ref = '#/definitions/TradeData';
    expect(await problems(JSON.stringify(broken))).toEqual([expect.stringMatching(/^invalid-ref /)]);
  });

  it('describes the server wss://…/api/ws with the token query parameter through the WebSocket binding', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers.websocket).toMatchObject({ protocol: 'wss', host: 'your-domain.com' });
    expect(doc.components.securitySchemes.token).toEqual(expect.objectContaining({ type: 'httpApiKey', in: 'query', name: 'token' }));
    expect(doc.channels.stream.bindings.ws).toMatchObject({ method: 'GET', query: { type: 'object', properties: { token: { type: 'string' }, since: { allOf: [{ $ref: '#/components/schemas/Cursor' }] } } } });
  });

  it('has every message with its schema and examples, and one operation per message and direction', () => {
    expect(Object.keys(doc.channels.stream.messages).sort()).toEqual([...MESSAGE_TYPES].sort());
    for (const type of MESSAGE_TYPES) {
      const message = doc.components.messages[type];
      expect(message.payload.$ref).toMatch(/^#\/components\/schemas\/[A-Za-z]+Message$/);
      expect(doc.components.schemas[message.payload.$ref.split('/').at(-1)]).toBeDefined();
      expect(message.examples.length).toBeGreaterThan(0);
      // The parser does not check examples against payloads: the contract's own validator does.
      for (const example of message.examples) expect(validateMessage(example.payload).ok, `${type} ${example.name}`).toBe(true);
    }
    const operations = Object.values(doc.operations) as { action: string; channel: { $ref: string }; messages: { $ref: string }[] }[];
    const byAction = (action: string) => operations.filter((o) => o.channel.$ref === '#/channels/stream' && o.action === action).map((o) => o.messages[0]!.$ref.split('/').at(-1)).sort();
    expect(byAction('send')).toEqual([...SERVER_MESSAGE_TYPES].sort());
    expect(byAction('receive')).toEqual([...CLIENT_MESSAGE_TYPES].sort());
  });

  // A `null` address is "unknown" (AsyncAPI 3.0): the Markdown template titled all 17 operations
  // "SEND `null` Operation" (tBK F4).
  it('gives each channel its path as its address, and every text the paths, following protocol.json', () => {
    expect(`/${doc.channels.stream.address}`).toBe(WEBSOCKET_PATH);
    expect(`/${doc.channels.poll.address}`).toBe(POLL_PATH);
    const moved = buildAsyncApi(
      editedContract((files) => {
        files['protocol.json']!['x-connection'].path = '/rt/socket';
        files['protocol.json']!['x-polling'].path = '/rt/socket/poll';
      }),
    ) as Record<string, any>;
    expect([moved.channels.stream.address, moved.channels.poll.address]).toEqual(['rt/socket', 'rt/socket/poll']);
    // Every text follows too: PollResponse's summary and description kept `GET /api/ws/poll` (tBK F3).
    const texts = JSON.stringify(moved);
    expect(texts).not.toContain('/api/ws');
    expect(texts).not.toMatch(/<x-(?:polling|connection)\.path>/);
    expect(moved.components.messages.PollResponse.summary).toContain('`GET /rt/socket/poll?since=<cursor>`');
    expect(doc.components.messages.PollResponse.description).toContain(`\`GET ${POLL_PATH}?since=<cursor>\``);
    expect(doc.components.schemas.PollResponse.description).toContain(`\`GET ${POLL_PATH}?since=<cursor>\``);
  });

  // A reader joins the server's URL and the channel's address: with the path in both,
  // /api/ws/api/ws (tCC F7); with an address /api/ws, the parser's url() (which ends with `/`)
  // made wss://your-domain.com//api/ws, a path the server answers 404 (tCD F4). The address is
  // relative, and each channel's description says how to join it.
  it('gives each path once: the URL a reader composes from server and channel, as @asyncapi/parser hands them out, is the one the server serves', async () => {
    const { document } = await parser.parse(text);
    const served = { stream: `wss://your-domain.com${WEBSOCKET_PATH}`, poll: `https://your-domain.com${POLL_PATH}` };
    const pairs = document!.channels().all().flatMap((channel) => channel.servers().all().map((server) => ({ id: channel.id(), url: server.url(), address: channel.address()! })));
    expect(pairs).toHaveLength(2);
    expect(Object.fromEntries(pairs.map(({ id, url, address }) => [id, url + address]))).toEqual(served);
    expect(Object.fromEntries(pairs.map(({ id, url, address }) => [id, new URL(address, url).href]))).toEqual(served);
    for (const { id, address } of pairs) expect(document!.channels().get(id)!.description(), id).toContain(`\`${served[id as keyof typeof served]}\``);
    for (const { address } of pairs) expect(address).not.toMatch(/^\//);
    expect(doc.servers.websocket.summary).toContain(`wss://your-domain.com${WEBSOCKET_PATH}?`);
  });

  // The polling texts said "up to `holdMs` milliseconds" and "at most `maxMessages`", names the
  // document defined nowhere, so the rendered docs showed bare identifiers (tBK F2).
  it('defines the polling facts its texts name, as the keepalive\'s, and writes their figures there', () => {
    expect(doc.info['x-polling']).toEqual({ path: POLL_PATH, holdMs: POLL_HOLD_MS, maxMessages: POLL_MAX_MESSAGES });
    const texts = [doc.servers.polling.description, doc.channels.poll.description, doc.operations.sendPollResponse.description];
    for (const text of texts) {
      expect(text).not.toContain('<path>');
      for (const [name] of (text as string).matchAll(/`(holdMs|maxMessages|path)`/g)) {
        const key = name.slice(1, -1);
        expect(doc.info['x-polling'], name).toHaveProperty(key);
        expect(text, name).toContain(`${name} (${doc.info['x-polling'][key]})`);
      }
    }
    expect(texts.join(' ')).toContain(`\`holdMs\` (${POLL_HOLD_MS})`);
    expect(texts.join(' ')).toContain(`\`maxMessages\` (${POLL_MAX_MESSAGES})`);
  });

  it('describes the polling endpoint', () => {
    expect(doc.servers.polling).toMatchObject({ protocol: 'https', host: 'your-domain.com' });
    expect(doc.operations.sendPollResponse).toMatchObject({ action: 'send', bindings: { http: { method: 'GET' } }, messages: [{ $ref: '#/channels/poll/messages/PollResponse' }, { $ref: '#/channels/poll/messages/PollRefusal' }] });
    expect(doc.components.messages.PollResponse.payload).toEqual({ $ref: '#/components/schemas/PollResponse' });
  });

  // A Reference Object's siblings are ignored (AsyncAPI 3.0, as a draft-07 `$ref`'s): a field's own
  // description written beside its `$ref` never reached Studio, generator or modelina (a tester).
  it('gives every field its own description as a reader that ignores a $ref\'s siblings sees it', async () => {
    const bundled = JSON.parse(readFileSync('generated/schema/messages.schema.json', 'utf8')) as { definitions: Record<string, any> };
    const resolve = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];
    const seen = (node: any): any => (typeof node.$ref === 'string' ? seen(resolve(node.$ref)) : node);
    const differ: string[] = [];
    let checked = 0;
    for (const [name, definition] of Object.entries(bundled.definitions)) {
      for (const [key, property] of Object.entries<any>(definition.properties ?? {})) {
        if (typeof property.description !== 'string') continue;
        checked++;
        const read = seen(doc.components.schemas[name].properties[key]).description;
        if (read !== property.description) differ.push(`${name}.${key}: ${JSON.stringify(read)}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(differ).toEqual([]);
    const bindings = [doc.channels.stream.bindings.ws.query.properties.since, doc.operations.sendPollResponse.bindings.http.query.properties.since];
    for (const since of bindings) expect(seen(since).description).toMatch(/cursor/);

    // And as @asyncapi/parser, which the tools are built on, reports them.
    const { document } = await parser.parse(text);
    const payload = (type: string) => document!.messages().all().find((m) => m.id() === type)!.payload()!;
    expect(payload('pong').properties()!.timestamp!.description()).toBe(bundled.definitions.PongMessage.properties.timestamp.description);
    expect(payload('pong').properties()!.timestamp!.description()).toMatch(/echoed unchanged/);
    expect(payload('trades').properties()!.data!.properties()!.bot_id!.description()).toBe('Bot that executed trade.');
  });

  // modelina named every field of a shared type beside its own description, and every inline closed
  // list, AnonymousSchema_<position>: Platform was five unassignable enums, and one field added to
  // TradeData renamed BotData's trading mode's type to its status's (tBK F1).
  it('names every closed list, object and choice: a field of a shared type by the type, an inline one after its place', () => {
    const titles = typeTitles(doc);
    expect(titles.size).toBeGreaterThan(40);
    expect([...titles].filter(([, title]) => title === undefined).map(([pointer]) => pointer)).toEqual([]);
    const at = (pointer: string) => titles.get(`/components/schemas/${pointer}`);
    for (const type of ['TradeData', 'BotData', 'WalletData']) expect(at(`${type}/properties/platform`)).toBe('Platform');
    expect(at('TradeData/properties/side')).toBe('Side');
    expect(at('PollResponse/properties/resume')).toBe('ResumeStatus');
    expect(at('TradeData/properties/status')).toBe('TradeDataStatus');
    expect(at('BotData/properties/trading_mode')).toBe('BotDataTradingMode');
    // A field's wrapper is titled with the type it refers to, never another's name.
    for (const [pointer, title] of titles) {
      const node = pointer.split('/').slice(1).reduce((parent: any, key) => parent[key], doc);
      if (node.allOf?.length === 1 && node.allOf[0].$ref) expect(`#/components/schemas/${title}`, pointer).toBe(node.allOf[0].$ref);
    }
    // Two places never share a name, unless both are the same shared type.
    const owners = new Map<string, string>();
    for (const [pointer, title] of titles) {
      const node = pointer.split('/').slice(1).reduce((parent: any, key) => parent[key], doc);
      if (node.allOf?.length === 1 && node.allOf[0].$ref) continue;
      expect(owners.get(title!), `${title} at ${pointer}`).toBeUndefined();
      expect(Object.keys(doc.components.schemas), `${title} at ${pointer}`).not.toContain(title);
      owners.set(title!, pointer);
    }
  });

  // tEY F4: README said every title is "the name the Go and Python types give it"; 8 name no Go or Python type, and README now lists them.
  it('titles each closed list, object and choice with a Go and a Python type name, but for the 8 README lists', () => {
    const goTypes = new Set([...readFileSync('generated/languages/go/realtimecontract/messages.go', 'utf8').matchAll(/^type (\w+) /gm)].map((m) => m[1]!));
    const pythonTypes = new Set([...readFileSync('generated/languages/python/realtime_contract.py', 'utf8').matchAll(/^class (\w+)/gm)].map((m) => m[1]!));
    const missing = new Set<string>();
    let named = 0;
    const visit = (node: any) => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== 'object') return;
      if (typeof node.title === 'string' && (node.enum !== undefined || node.const !== undefined || node.anyOf !== undefined || node.oneOf !== undefined || node.properties !== undefined || node.type === 'object')) {
        if (goTypes.has(node.title) && pythonTypes.has(node.title)) named++;
        else missing.add(node.title);
      }
      Object.values(node).forEach(visit);
    };
    visit(doc);
    expect(named).toBeGreaterThan(40);
    const unnamed = ['DecisionDataSizing', 'DecisionDataStops', 'AlertDataBotId', 'AlertDataPlatform', 'AiTaskDataResult', 'AiTaskResult', 'PollResponseMessagesItem', 'HttpRefusal'];
    expect([...missing].sort()).toEqual([...unnamed].sort());
    const row = readFileSync('README.md', 'utf8').split('\n').find((line) => line.startsWith('| AsyncAPI tools'))!;
    expect(row).toContain(`${unnamed.length} name no Go or Python type`);
    for (const title of unnamed) expect(row).toContain(`\`${title}\``);
  });

  it('keeps every name when an optional field is added to a schema', () => {
    const before = typeTitles(buildAsyncApi(editedContract()));
    expect(before).toEqual(typeTitles(doc));
    const after = typeTitles(
      buildAsyncApi(
        editedContract((files) => {
          files['trades.json']!.definitions.TradeData.properties = { venue: { type: 'string', enum: ['spot', 'margin'], description: 'Venue of the trade.' }, ...files['trades.json']!.definitions.TradeData.properties };
        }),
      ),
    );
    expect(after.get('/components/schemas/TradeData/properties/venue')).toBe('TradeDataVenue');
    after.delete('/components/schemas/TradeData/properties/venue');
    expect(after).toEqual(before);
  });

  // tFH F4: README said every title names the Go and Python type; a schema author's inline branch of a
  // choice of several types is `<Place>Option<n>`, where quicktype says `<Place>Enum` or `<Place>Class`,
  // and a closed list of numbers is titled where Go and Python declare a plain number. README says so now.
  it("titles a choice's inline branches by position and a closed list of numbers by its place, neither a Go or Python type, as README says", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'asyncapi-branches-'));
    try {
      cpSync('schemas', dir, { recursive: true });
      const file = path.join(dir, 'trades.json');
      const trades = JSON.parse(readFileSync(file, 'utf8'));
      Object.assign(trades.definitions.TradeData.properties, {
        code: { anyOf: [{ type: 'string', enum: ['x1', 'x2'] }, { type: 'integer', minimum: 0 }], description: 'A code.' },
        route: { anyOf: [{ type: 'object', additionalProperties: false, required: ['hop'], properties: { hop: { type: 'string' } } }, { type: 'string' }], description: 'A route.' },
        risk: { type: 'integer', enum: [1, 2, 3], description: 'A risk level.' },
      });
      writeFileSync(file, JSON.stringify(trades, null, 2));
      const files = await generate(dir);
      const data = JSON.parse(files.get('asyncapi.json')!).components.schemas.TradeData.properties;
      expect([data.code.title, data.code.anyOf[0].title, data.route.title, data.route.anyOf[0].title, data.risk.title]).toEqual(['TradeDataCode', 'TradeDataCodeOption1', 'TradeDataRoute', 'TradeDataRouteOption1', 'TradeDataRisk']);
      const goTypes = new Set([...files.get('languages/go/realtimecontract/messages.go')!.matchAll(/^type (\w+) /gm)].map((m) => m[1]!));
      const pythonTypes = new Set([...files.get('languages/python/realtime_contract.py')!.matchAll(/^class (\w+)/gm)].map((m) => m[1]!));
      // A position's title and a closed list of numbers name no Go or Python type; quicktype's own names are as README shows.
      for (const title of ['TradeDataCodeOption1', 'TradeDataRouteOption1', 'TradeDataRisk']) expect([title, goTypes.has(title), pythonTypes.has(title)]).toEqual([title, false, false]);
      for (const title of ['TradeDataCodeEnum', 'TradeDataRouteClass']) expect([title, goTypes.has(title), pythonTypes.has(title)]).toEqual([title, true, true]);
      const row = readFileSync('README.md', 'utf8').split('\n').find((line) => line.startsWith('| AsyncAPI tools'))!;
      expect(row).toContain('a closed list of numbers is titled after its place (`TradeDataRisk`) where Go and Python declare a plain number');
      expect(row).toContain('is titled `<Place>Option<n>` (`TradeDataCodeOption1`, n from 1 in order), which names no Go or Python type: quicktype names the types it declares inside such a choice, if any, its own way (such as `TradeDataCodeEnum`, `TradeDataRouteClass`).');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A client generated from the document could not tell no-token (resend with ?token=) from
  // invalid-token (stop): the refusals' bodies were named nowhere in it (tBK F5).
  // It listed WebSocket-off's 404 as `not-found`, which the server answers `websocket-off`, and
  // not a poll's 500 `internal-error`: a client switching on the code never polled instead (tBU F4).
  it('names the refusals a real server answers an upgrade and a poll with, by status and code, and their body', async () => {
    const server = await startServer();
    const off = await startServer({ webSocket: false });
    const failing = new MemoryStreamStore();
    failing.read = () => Promise.reject(new Error('a read that fails'));
    const broken = await startServer({ store: failing, logger: { info() {}, warn() {}, error() {} } });
    try {
      /** A GET of `path` (an upgrade when `upgrade`), its status and body. */
      const answer = (path: string, options: { upgrade?: boolean; method?: string; headers?: Record<string, string>; of?: typeof server } = {}) =>
        new Promise<[number, unknown]>((resolve, reject) => {
          const headers = { ...options.headers, ...(options.upgrade && { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }) };
          const req = request((options.of ?? server).http(path), { method: options.method ?? 'GET', headers }, (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk));
            response.on('end', () => resolve([response.statusCode!, JSON.parse(body)]));
          });
          req.on('upgrade', () => reject(new Error('upgraded')));
          req.on('error', reject);
          req.end();
        });
      const answers: [kind: 'upgrade' | 'poll', [number, unknown]][] = [
        ['upgrade', await answer(WEBSOCKET_PATH, { upgrade: true })],
        ['upgrade', await answer(`${WEBSOCKET_PATH}?token=not.a.jwt`, { upgrade: true })],
        ['poll', await answer(POLL_PATH)],
        ['poll', await answer(`${POLL_PATH}?token=not.a.jwt`)],
        ['poll', await answer(POLL_PATH, { headers: { Authorization: 'Bearer not.a.jwt' } })],
        ['poll', await answer(POLL_PATH, { method: 'POST' })],
        ['upgrade', await answer(`${WEBSOCKET_PATH}?token=${await token('alice')}`, { upgrade: true, of: off })],
        ['upgrade', await answer('/elsewhere', { upgrade: true })],
        ['poll', await answer(`${POLL_PATH}?token=${await token('alice')}`, { of: broken })],
      ];
      expect(answers.map(([, [status, body]]) => [status, body])).toEqual([
        [401, { error: 'no-token' }],
        [401, { error: 'invalid-token' }],
        [401, { error: 'no-token' }],
        [401, { error: 'invalid-token' }],
        [401, { error: 'invalid-token' }],
        [405, { error: 'method-not-allowed' }],
        [404, { error: 'websocket-off' }],
        [404, { error: 'not-found' }],
        [500, { error: 'internal-error' }],
      ]);
      // As the sources build them now (src/shared/refusals.ts), which the committed document holds: a status changed there is caught here, not only by generate --check (tCK F4).
      const listed = (buildAsyncApi(editedContract()) as Record<string, any>).info['x-refusal-codes'] as { code: string; status: number; on: string[]; description: string }[];
      expect(doc.info['x-refusal-codes']).toEqual(listed);
      const body = doc.components.schemas[doc.components.messages.PollRefusal.payload.$ref.split('/').at(-1)];
      for (const [kind, [status, answered]] of answers) {
        const code = (answered as { error: string }).error;
        expect(listed.find((entry) => entry.code === code && entry.status === status)?.on, `${status} ${code}`).toContain(kind);
        const text = kind === 'upgrade' ? doc.channels.stream.description : doc.components.messages.PollRefusal.description;
        expect(text).toMatch(new RegExp(`${status} [^;]*\`${code}\``));
        expect(body.required).toEqual(['error']);
        expect(Object.keys(answered as object).every((key) => key in body.properties)).toBe(true);
        expect(body.properties.error['x-known-values']).toContain(code);
      }
      expect(doc.channels.poll.messages.PollRefusal).toEqual({ $ref: '#/components/messages/PollRefusal' });
      for (const entry of listed) expect(entry.description.length, entry.code).toBeGreaterThan(10);
      // not-found is no longer said to be WebSocket-off's answer.
      expect(listed.find((entry) => entry.code === 'not-found')?.description).not.toMatch(/WebSocket off/i);
    } finally {
      await Promise.all([server.rt.close(), off.rt.close(), broken.rt.close()]);
    }
  });
});
