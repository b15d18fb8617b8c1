import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGeneratable } from '../../src/codegen/check.js';
import { generate, SchemaError, type GeneratedFiles } from '../../src/codegen/index.js';
import { ANNOTATION_KEYWORDS } from '../../src/contract/keywords.js';
import { diffFiles, loadFiles, patchSchemas, readSchemas, type PatchOperation } from './support.js';

/**
 * `diff` and `generate` kept in step over the annotations: for each annotation keyword (the
 * draft-07 ones and this project's `x-…`, src/contract/keywords.ts) and each field of a
 * protocol fact, an edit of it alone. Wherever generate's output changes (the digest in
 * contract.ts aside, which follows any byte), `diff` reports a change, so that a release
 * pipeline that decides from it ships the rewritten docs and types. `diff` said "no changes" of
 * an `x-spec-section` and of a version history entry, while generate rewrote the reference, the
 * TSDoc `@see` lines and the AsyncAPI document (a tester), and of `readOnly`, `writeOnly` and
 * keys of protocol facts the loader did not read, which went into the AsyncAPI document (a
 * fixer, looking for more of them). An edit generate refuses, diff warns of on the newer side
 * (it runs generate's checks there) and still reads on the older side.
 */

const base = readSchemas();
const protocol = base.get('protocol.json') as Record<string, unknown>;
const closeCodes = protocol['x-close-codes'] as Record<string, unknown>[];

/** Per keyword: edits of it alone, and what generate does with each (`changed`: its output follows; `same`: it does not read it; `refused`). */
const EDITS: Record<string, [string, PatchOperation[], 'changed' | 'same' | 'refused'][]> = {
  description: [['a message description', [{ op: 'replace', path: '/trades.json/description', value: 'A trade a bot made.' }], 'changed']],
  $comment: [['a comment', [{ op: 'add', path: '/trades.json/definitions/TradeData/$comment', value: 'Reviewed.' }], 'changed']],
  default: [['a default', [{ op: 'add', path: '/wallet.json/definitions/WalletData/properties/status/default', value: 'pending' }], 'changed']],
  examples: [['an example', [{ op: 'replace', path: '/ping.json/examples', value: [{ type: 'ping', timestamp: 1 }] }], 'changed']],
  title: [
    ["a message's title", [{ op: 'replace', path: '/ping.json/title', value: 'KeepalivePingMessage' }], 'changed'],
    ["definitions.json's own title", [{ op: 'replace', path: '/definitions.json/title', value: 'SharedDefinitions' }], 'same'],
  ],
  readOnly: [['readOnly', [{ op: 'add', path: '/definitions.json/definitions/Side/readOnly', value: true }], 'changed']],
  writeOnly: [['writeOnly', [{ op: 'add', path: '/definitions.json/definitions/Side/writeOnly', value: true }], 'changed']],
  'x-direction': [['a direction removed', [{ op: 'replace', path: '/pong.json/x-direction', value: 'server-to-client' }], 'changed']],
  'x-audience': [['an audience', [{ op: 'replace', path: '/alerts.json/x-audience', value: 'global' }], 'changed']],
  'x-delivery': [['a delivery class', [{ op: 'replace', path: '/trades.json/x-delivery', value: { class: 'state', key: null } }], 'changed']],
  'x-spec-section': [
    // Another heading of the spec beside the schemas: generate refuses a section it does not have (test/codegen/spec-sections.test.ts).
    ["a message's spec section", [{ op: 'replace', path: '/trades.json/x-spec-section', value: 'Message Types' }], 'changed'],
  ],
  'x-known-values': [['known values', [{ op: 'add', path: '/wallet.json/definitions/WalletData/properties/status/x-known-values/-', value: 'reorged' }], 'changed']],
  'x-version': [['a version', [{ op: 'replace', path: '/protocol.json/x-version', value: '1.2' }, { op: 'add', path: '/protocol.json/x-version-history/-', value: { version: '1.2', date: '2026-12-05', changes: 'Docs.' } }], 'changed']],
  'x-connection': [
    ['the URL example', [{ op: 'replace', path: '/protocol.json/x-connection/url', value: 'wss://example.com/api/ws?token=<JWT>' }], 'changed'],
    // With the polling path under it (generate refuses one elsewhere, which the client never polls: tBD F5).
    ['the path', [{ op: 'replace', path: '/protocol.json/x-connection/path', value: '/api/v2/ws' }, { op: 'replace', path: '/protocol.json/x-polling/path', value: '/api/v2/ws/poll' }], 'changed'],
    ['the path alone, x-polling.path left under the old one', [{ op: 'replace', path: '/protocol.json/x-connection/path', value: '/api/v2/ws' }], 'refused'],
    ['the authentication notes', [{ op: 'replace', path: '/protocol.json/x-connection/authentication', value: 'A JWT.' }], 'changed'],
    ['a key nothing reads', [{ op: 'add', path: '/protocol.json/x-connection/note', value: 'hi' }], 'refused'],
  ],
  'x-keepalive': [
    // With the figure ping.json's and pong.json's descriptions give (generate refuses one x-keepalive no longer gives: tAS F4).
    ['the ping interval', [{ op: 'replace', path: '/protocol.json/x-keepalive/pingIntervalMs', value: 20000 }, { op: 'replace', path: '/ping.json/description', value: (base.get('ping.json') as { description: string }).description.replace('every 30 s', 'every 20 s') }], 'changed'],
    ['the pong timeout', [{ op: 'replace', path: '/protocol.json/x-keepalive/pongTimeoutMs', value: 5000 }, { op: 'replace', path: '/pong.json/description', value: (base.get('pong.json') as { description: string }).description.replace('within 10 s', 'within 5 s') }], 'changed'],
    ["the ping interval alone, ping.json's \"every 30 s\" left as it was", [{ op: 'replace', path: '/protocol.json/x-keepalive/pingIntervalMs', value: 20000 }], 'refused'],
    ['a key nothing reads', [{ op: 'add', path: '/protocol.json/x-keepalive/pongTimoutMs', value: 5000 }], 'refused'],
  ],
  'x-polling': [
    ['the path', [{ op: 'replace', path: '/protocol.json/x-polling/path', value: '/api/ws/longpoll' }], 'changed'],
    ['a path not under x-connection.path', [{ op: 'replace', path: '/protocol.json/x-polling/path', value: '/api/v2/poll' }], 'refused'],
    ['the hold', [{ op: 'replace', path: '/protocol.json/x-polling/holdMs', value: 20000 }], 'changed'],
    ['the messages per response', [{ op: 'replace', path: '/protocol.json/x-polling/maxMessages', value: 100 }], 'changed'],
    ['the description', [{ op: 'replace', path: '/protocol.json/x-polling/description', value: 'Poll.' }], 'changed'],
    ['a key nothing reads', [{ op: 'add', path: '/protocol.json/x-polling/note', value: 'hi' }], 'refused'],
  ],
  'x-close-codes': [
    ["a code's name", [{ op: 'replace', path: '/protocol.json/x-close-codes/0/name', value: 'Normal' }], 'changed'],
    ["a code's advice", [{ op: 'replace', path: '/protocol.json/x-close-codes/0/reconnect', value: 'yes' }], 'changed'],
    ["a code's description", [{ op: 'replace', path: '/protocol.json/x-close-codes/0/description', value: 'Ended.' }], 'changed'],
    ['the order', [{ op: 'remove', path: '/protocol.json/x-close-codes/0' }, { op: 'add', path: '/protocol.json/x-close-codes/-', value: closeCodes[0] }], 'changed'],
    ['a key nothing reads', [{ op: 'add', path: '/protocol.json/x-close-codes/0/note', value: 'hi' }], 'refused'],
  ],
  'x-error-codes': [
    ["a code's name", [{ op: 'replace', path: '/protocol.json/x-error-codes/0/name', value: 'BadJson' }], 'changed'],
    ["a code's description", [{ op: 'replace', path: '/protocol.json/x-error-codes/0/description', value: 'Not JSON.' }], 'changed'],
    ['a key nothing reads', [{ op: 'add', path: '/protocol.json/x-error-codes/0/note', value: 'hi' }], 'refused'],
  ],
  'x-version-history': [
    ["an entry's text", [{ op: 'replace', path: '/protocol.json/x-version-history/0/changes', value: 'Initial schema' }], 'changed'],
    ["an entry's date", [{ op: 'replace', path: '/protocol.json/x-version-history/0/date', value: '2026-01-15' }], 'changed'],
    ['a key nothing reads', [{ op: 'add', path: '/protocol.json/x-version-history/0/note', value: 'hi' }], 'refused'],
  ],
};

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function generateFiles(files: Map<string, unknown>): Promise<GeneratedFiles> {
  const dir = mkdtempSync(path.join(tmpdir(), 'in-step-'));
  folders.push(dir);
  for (const [name, schema] of files) writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
  // The spec whose headings the sections name, as beside schemas/.
  copyFileSync(path.resolve(import.meta.dirname, '../../schemas/websocket-message-schemas.md'), path.join(dir, 'websocket-message-schemas.md'));
  return generate(dir);
}

let generated: GeneratedFiles;
beforeAll(async () => {
  generated = await generateFiles(base);
});

describe('diff reports every annotation edit that changes what generate writes', () => {
  it('has edits for every annotation keyword the contract may use', () => {
    expect(Object.keys(EDITS).sort()).toEqual([...ANNOTATION_KEYWORDS].sort());
  });

  it.each(Object.entries(EDITS).flatMap(([keyword, edits]) => edits.map(([what, patch, outcome]) => ({ keyword, what, patch, outcome }))))('$keyword: $what', async ({ patch, outcome }) => {
    const after = patchSchemas(base, patch);
    const files = await generateFiles(after).catch((error: unknown) => error);
    if (outcome === 'refused') {
      expect(files).toBeInstanceOf(SchemaError);
      // Generate's check, not the loader's: diff reads an older release that shipped such a key
      // (a tester: `diff <last release>` was refused), and warns of a newer side with it, as it
      // runs generate's checks on the newer side (test/diff/cli.test.ts).
      const loaded = await loadFiles(after);
      expect(() => checkGeneratable(loaded)).toThrow(SchemaError);
      await expect(diffFiles(after, base)).resolves.toMatchObject({ changes: expect.any(Array) });
      return;
    }
    expect(files).toBeInstanceOf(Map);
    const changed = [...new Set([...generated.keys(), ...(files as GeneratedFiles).keys()])].filter((file) => file !== 'contract.ts' && generated.get(file) !== (files as GeneratedFiles).get(file));
    expect(changed.length > 0 ? 'changed' : 'same').toBe(outcome);
    const report = await diffFiles(base, after);
    if (outcome === 'changed') expect(report.changes, `generate rewrote ${changed.join(', ')}`).not.toEqual([]);
  });
});
