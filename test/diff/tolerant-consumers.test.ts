import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/codegen/validators.js';
import type { Contract } from '../../src/contract/index.js';
import type { NoticeSink } from '../../src/codegen/tolerant-enum.js';
import { alignUndeclaredFacts } from '../../src/diff/align.js';
import { diffContracts } from '../../src/diff/index.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { loadFiles, patchSchemas, readSchemas, type PatchOperation } from './support.js';

/**
 * README: "tolerant is for consumers: … a newer server never breaks an older dashboard".
 * Each kind of additive change is replayed here: a newer contract is made from the current
 * one, a message valid under the newer contract (strict) is sent to a consumer built from the
 * current contract (the package's own tolerant validator), which must accept it — with a
 * notice for a new enum value — or, for a new message type, reject it with its own reason
 * `unknown-type` so the dashboard skips it. `diff` must call each change non-breaking.
 */
const current = readSchemas();

/** Validates `message` strictly against a contract compiled in process (the newer producer's view). */
function producerAccepts(contract: Contract, message: { type: string }): boolean {
  const ajv = createAjv(contract);
  const file = contract.messages.find((m) => m.type === message.type)!;
  // The compiled validators read the mode from their `this` (ajv's passContext).
  return ajv.getSchema(file.schema.$id!)!.call({ strict: true }, message) as boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- examples are edited freely below
type Example = { type: string; [key: string]: any };

function example(type: string): Example {
  return structuredClone((current.get(`${type}.json`)!.examples as Example[])[0]!);
}

const ADDITIVE: { kind: string; patch: PatchOperation[]; message: () => Example; notices?: { pointer: string; value: unknown }[]; unknownType?: true }[] = [
  {
    kind: 'a new top-level field',
    patch: [{ op: 'add', path: '/trades.json/properties/trace_id', value: { type: 'string' } }],
    message: () => ({ ...example('trades'), trace_id: 'abc' }),
  },
  {
    kind: 'a new required field in data',
    patch: [
      { op: 'add', path: '/trades.json/definitions/TradeData/properties/venue', value: { type: 'string' } },
      { op: 'add', path: '/trades.json/definitions/TradeData/required/-', value: 'venue' },
    ],
    message: () => { const m = example('trades'); m.data.venue = 'dark-pool'; return m; },
  },
  {
    kind: 'a new enum value (an exchange)',
    patch: [{ op: 'add', path: '/definitions.json/definitions/Platform/enum/-', value: 'coinbase' }],
    message: () => { const m = example('trades'); m.data.platform = 'coinbase'; return m; },
    notices: [{ pointer: '/data/platform', value: 'coinbase' }],
  },
  {
    kind: 'a new enum value inside a nullable field',
    patch: [{ op: 'add', path: '/definitions.json/definitions/Platform/enum/-', value: 'coinbase' }],
    message: () => { const m = example('alerts'); m.data.platform = 'coinbase'; return m; },
    notices: [{ pointer: '/data/platform', value: 'coinbase' }],
  },
  // tIH F2: a new closed list beside Platform in alerts' nullable anyOf was `breaking`, "in tolerant and strict mode".
  {
    kind: 'a new closed list (a definition) beside the closed list of a nullable field',
    patch: [
      { op: 'add', path: '/definitions.json/definitions/OtherPlatform', value: { title: 'OtherPlatform', description: 'Other exchanges.', type: 'string', enum: ['bitstamp'] } },
      { op: 'add', path: '/alerts.json/definitions/AlertData/properties/platform/anyOf/1', value: { $ref: 'definitions.json#/definitions/OtherPlatform' } },
    ],
    message: () => { const m = example('alerts'); m.data.platform = 'bitstamp'; return m; },
    notices: [{ pointer: '/data/platform', value: 'bitstamp' }],
  },
  {
    kind: 'a new inline closed list beside the closed list of a nullable field',
    patch: [{ op: 'add', path: '/alerts.json/definitions/AlertData/properties/platform/anyOf/1', value: { type: 'string', enum: ['bitstamp'] } }],
    message: () => { const m = example('alerts'); m.data.platform = 'bitstamp'; return m; },
    notices: [{ pointer: '/data/platform', value: 'bitstamp' }],
  },
  {
    kind: 'a new optional property in a nested object (values of a map)',
    patch: [{ op: 'add', path: '/balances.json/definitions/AssetBalance/properties/staked', value: { type: 'number', minimum: 0 } }],
    message: () => { const m = example('balances'); for (const asset of Object.values(m.data.balances) as Record<string, unknown>[]) asset.staked = 1; return m; },
  },
  {
    kind: 'a new optional property in a nested nullable object',
    patch: [{ op: 'add', path: '/decisions.json/definitions/Sizing/properties/kelly', value: { type: 'number' } }],
    message: () => { const m = example('decisions'); if (m.data.sizing) m.data.sizing.kelly = 0.1; return m; },
  },
  {
    kind: 'a new message type',
    patch: [{
      op: 'add', path: '/orders.json',
      value: {
        $schema: 'http://json-schema.org/draft-07/schema#', $id: 'https://realtime-contract.dev/schemas/orders.json', title: 'OrdersMessage',
        description: 'An order, in a newer contract.', 'x-direction': 'server-to-client', 'x-audience': 'user', 'x-delivery': { class: 'event' }, 'x-spec-section': '99. Orders',
        type: 'object', required: ['type', 'data', 'ts'], additionalProperties: false,
        properties: { type: { const: 'orders' }, data: { type: 'object' }, ts: { $ref: 'definitions.json#/definitions/Timestamp' } },
        examples: [{ type: 'orders', data: {}, ts: '2026-01-14T16:30:00.000Z' }],
      },
    }],
    message: () => ({ type: 'orders', data: { id: 'o1' }, ts: '2026-01-14T16:30:00.000Z' }),
    unknownType: true,
  },
];

describe('an older tolerant consumer survives every additive change (README)', () => {
  it.each(ADDITIVE)('$kind', async ({ patch, message, notices, unknownType }) => {
    const older = await loadFiles(current);
    const newer = await loadFiles(patchSchemas(current, patch));
    const sent = message();
    expect(producerAccepts(newer, sent), 'the message is valid under the newer contract').toBe(true);

    const tolerant = validateMessage(sent, { mode: 'tolerant' });
    if (unknownType) {
      expect(tolerant).toMatchObject({ ok: false, reason: 'unknown-type' });
    } else {
      expect(tolerant.ok, tolerant.ok ? '' : tolerant.errors[0]!.message).toBe(true);
      expect(tolerant.ok && (tolerant.notices ?? []).map(({ pointer, value }) => ({ pointer, value }))).toEqual(notices ?? []);
      // The change is real: a strict consumer of the older contract rejects the message.
      expect(validateMessage(sent, { mode: 'strict' }).ok).toBe(false);
    }
    const report = diffContracts(older, newer);
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.worst).toBe('strict');
  });

  it('a v1.0 consumer accepts v1.1 messages (cursor, connection.data.resume) in tolerant mode', async () => {
    const v10 = readSchemas(path.join(import.meta.dirname, 'v1.0/schemas'));
    const older = await loadFiles(alignUndeclaredFacts(v10, current).before);
    const ajv = createAjv(older);
    for (const file of ['connection.json', 'trades.json', 'system_health.json']) {
      const sent: Example = { ...example(file.replace('.json', '')), cursor: '1.42' };
      if (sent.type === 'connection') sent.data.resume = 'resumed';
      const validate = ajv.getSchema(older.files.get(file)!.$id!)!;
      const notices: NoticeSink = { list: null };
      expect(validate.call({ strict: false, notices }, sent), `${file} tolerant`).toBe(true);
      expect(notices.list, `${file}: resume's values are known to v1.1 only, but v1.0 has no resume at all`).toBeNull();
      expect(validate.call({ strict: true }, sent), `${file} strict`).toBe(false);
    }
  });
});

/** Validates `message` in tolerant mode against a contract compiled in process (an older consumer's view, as `createAjv` builds it). */
function tolerantAccepts(contract: Contract, message: { type: string }): boolean {
  const ajv = createAjv(contract);
  const file = contract.messages.find((m) => m.type === message.type)!;
  return ajv.getSchema(file.schema.$id!)!.call({ strict: false, notices: { list: null } }, message) as boolean;
}

const TRADE_DATA = '/trades.json/definitions/TradeData/properties';

/**
 * A closed list changed: what the older tolerant validator does with a value the newer contract
 * lets through decides the level. It opens a list to values of the JSON types the list holds
 * that its own `type` admits, and a fixed value (`const`) not at all: each of those `diff`
 * called `strict` (exit 0) while every older consumer refused the message (hostile47g).
 */
const CLOSED_LISTS: {
  kind: string;
  older: PatchOperation[];
  newer: PatchOperation[];
  pointer: string;
  message: () => Example;
  /** Whether the older tolerant consumer takes the message (with a notice): then `strict`, else `breaking`. */
  tolerant: boolean;
  /** Whether Go and Python type the field otherwise (`other-language-code`). */
  retyped: boolean;
}[] = [
  {
    kind: 'a fixed value made a closed list of two (const "limit" → enum ["limit", "market"])',
    older: [{ op: 'add', path: `${TRADE_DATA}/kind`, value: { const: 'limit' } }],
    newer: [{ op: 'add', path: `${TRADE_DATA}/kind`, value: { type: 'string', enum: ['limit', 'market'] } }],
    pointer: '/data/kind',
    message: () => { const m = example('trades'); m.data.kind = 'market'; return m; },
    tolerant: false,
    retyped: false,
  },
  {
    kind: 'a closed list of integers given a number (integer [1, 2] → number [1, 2, 2.5])',
    older: [{ op: 'add', path: `${TRADE_DATA}/level`, value: { type: 'integer', enum: [1, 2] } }],
    newer: [{ op: 'add', path: `${TRADE_DATA}/level`, value: { type: 'number', enum: [1, 2, 2.5] } }],
    pointer: '/data/level',
    message: () => { const m = example('trades'); m.data.level = 2.5; return m; },
    tolerant: false,
    retyped: true,
  },
  {
    kind: 'a closed list of integers made one of strings (integer [1, 2] → string ["1", "2"])',
    older: [{ op: 'add', path: `${TRADE_DATA}/level`, value: { type: 'integer', enum: [1, 2] } }],
    newer: [{ op: 'add', path: `${TRADE_DATA}/level`, value: { type: 'string', enum: ['1', '2'] } }],
    pointer: '/data/level',
    message: () => { const m = example('trades'); m.data.level = '1'; return m; },
    tolerant: false,
    retyped: true,
  },
  {
    kind: 'the shipped trade statuses made integers (string → integer [0, 1, 2, 3])',
    older: [],
    newer: [{ op: 'replace', path: `${TRADE_DATA}/status`, value: { type: 'integer', enum: [0, 1, 2, 3] } }],
    pointer: '/data/status',
    message: () => { const m = example('trades'); m.data.status = 1; return m; },
    tolerant: false,
    retyped: true,
  },
  {
    kind: 'the shipped Side made integers (string ["buy", "sell"] → integer [1, -1])',
    older: [],
    newer: [{ op: 'replace', path: '/definitions.json/definitions/Side', value: { title: 'Side', description: 'Order side.', type: 'integer', enum: [1, -1] } }],
    pointer: '/data/side',
    message: () => { const m = example('trades'); m.data.side = -1; return m; },
    tolerant: false,
    retyped: true,
  },
  // What stays `strict`: a value of a type the older list is opened to.
  {
    kind: 'a closed list of integers given an integer (integer [1, 2] → [1, 2, 3])',
    older: [{ op: 'add', path: `${TRADE_DATA}/level`, value: { type: 'integer', enum: [1, 2] } }],
    newer: [{ op: 'add', path: `${TRADE_DATA}/level`, value: { type: 'integer', enum: [1, 2, 3] } }],
    pointer: '/data/level',
    message: () => { const m = example('trades'); m.data.level = 3; return m; },
    tolerant: true,
    retyped: false,
  },
  {
    kind: 'a closed list of one made a list of two (enum ["limit"] → ["limit", "market"])',
    older: [{ op: 'add', path: `${TRADE_DATA}/kind`, value: { enum: ['limit'] } }],
    newer: [{ op: 'add', path: `${TRADE_DATA}/kind`, value: { type: 'string', enum: ['limit', 'market'] } }],
    pointer: '/data/kind',
    message: () => { const m = example('trades'); m.data.kind = 'market'; return m; },
    tolerant: true,
    retyped: false,
  },
];

describe('a new branch beside a closed list that the list does not open to stays breaking (tIH F2)', () => {
  it('an integer list beside Platform: an older tolerant consumer refuses 7', async () => {
    const newer = await loadFiles(patchSchemas(current, [{ op: 'add', path: '/alerts.json/definitions/AlertData/properties/platform/anyOf/1', value: { type: 'integer', enum: [7] } }]));
    const sent = example('alerts');
    sent.data.platform = 7;
    expect(producerAccepts(newer, sent)).toBe(true);
    expect(validateMessage(sent, { mode: 'tolerant' }).ok).toBe(false);
    const report = diffContracts(await loadFiles(current), newer);
    expect(report.changes.find((change) => change.subject === 'alerts' && change.pointer === '/data/platform')).toMatchObject({ level: 'breaking', breaks: expect.arrayContaining(['tolerant-consumers']) });
  });
});

describe('a closed list changed: strict only where an older tolerant consumer takes the new value (hostile47g)', () => {
  it.each(CLOSED_LISTS)('$kind', async ({ older: olderPatch, newer: newerPatch, pointer, message, tolerant, retyped }) => {
    const older = await loadFiles(patchSchemas(current, olderPatch));
    const newer = await loadFiles(patchSchemas(current, newerPatch));
    const sent = message();
    expect(producerAccepts(newer, sent), 'the message is valid under the newer contract').toBe(true);
    expect(tolerantAccepts(older, sent), 'an older tolerant consumer').toBe(tolerant);
    const report = diffContracts(older, newer);
    const here = report.changes.filter((change) => change.subject === 'trades' && change.pointer === pointer);
    const breaks = here.flatMap((change) => change.breaks);
    expect(report.worst, here.map((change) => `${change.level} ${change.rule}: ${change.text}`).join('\n')).toBe(tolerant ? 'strict' : 'breaking');
    expect(breaks.includes('tolerant-consumers')).toBe(!tolerant);
    expect(breaks.includes('other-language-code')).toBe(retyped);
    expect(report.semver).toBe(tolerant ? 'minor' : 'major');
  });
});
