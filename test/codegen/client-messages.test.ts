import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../src/cli/diff-command.js';
import { SERVER_RECEIVES } from '../../src/codegen/check.js';
import { generate, SchemaError } from '../../src/codegen/index.js';
import { checkInbound } from '../../src/server/core.js';

/**
 * A client→server message type other than ping and pong: generate and diff ("compatible") let
 * it through, then `npm run build` stopped in src/server/core.ts with a type error that told
 * the protocol owner nothing (a tester). The reference server receives only ping and pong from
 * a client, so generate refuses another one at its `x-direction`, and diff warns that it does.
 */

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** schemas/ in a temporary folder, with `files` written over it (parsed JSON, by file name). */
function schemasWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'client-messages-'));
  folders.push(dir);
  cpSync('schemas', dir, { recursive: true });
  for (const [file, schema] of Object.entries(files)) writeFileSync(path.join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  return dir;
}

const subscribe = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://realtime-contract.dev/schemas/subscribe.json',
  title: 'SubscribeMessage',
  description: 'Client → Server: ask for a subset of stream types on this socket.',
  'x-direction': 'client-to-server',
  'x-audience': 'connection',
  'x-delivery': { class: 'event' },
  'x-spec-section': '2. Keepalive',
  type: 'object',
  required: ['type', 'types'],
  additionalProperties: false,
  properties: { type: { const: 'subscribe', description: 'Message type identifier.' }, types: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Stream types wanted.' } },
  examples: [{ type: 'subscribe', types: ['trades'] }],
};

async function generateError(dir: string): Promise<SchemaError> {
  const error = await generate(dir).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SchemaError);
  return error as SchemaError;
}

describe('a client→server message type the reference server does not receive', () => {
  it('the types generate lets clients send are the ones the inbound check of the server takes', () => {
    expect(SERVER_RECEIVES).toEqual(['ping', 'pong']);
    for (const type of SERVER_RECEIVES) expect(checkInbound({ type, timestamp: 1 })).toEqual({ ok: true, message: { type, timestamp: 1 } });
  });

  it('is refused by generate at its x-direction, with the reason and the way out', async () => {
    const error = await generateError(schemasWith({ 'subscribe.json': subscribe }));
    expect(error).toMatchObject({ file: 'subscribe.json', pointer: '/x-direction' });
    expect(error.problem).toBe(
      '"subscribe" is sent client-to-server, but the reference server receives only "ping" and "pong" from a client ' +
        '(src/server/core.ts, checkInbound: it has no handler for another client message, nor a way to hand one to the application): ' +
        'a new client→server type needs that server work first; until then declare it "server-to-client" only',
    );
  });

  it('is refused as a direction added to a server→client type too (trades sent both ways)', async () => {
    const trades = JSON.parse(readFileSync('schemas/trades.json', 'utf8')) as Record<string, unknown>;
    const error = await generateError(schemasWith({ 'trades.json': { ...trades, 'x-direction': ['server-to-client', 'client-to-server'] } }));
    expect(error).toMatchObject({ file: 'trades.json', pointer: '/x-direction' });
    expect(error.problem).toMatch(/^"trades" is sent client-to-server, but the reference server receives only "ping" and "pong"/);
  });

  it('diff warns that generate refuses the newer side, naming the file and pointer, rather than calling it a compatible release alone', async () => {
    const dir = schemasWith({ 'subscribe.json': subscribe });
    let stdout = '';
    let stderr = '';
    const code = await runDiff('dir:schemas', dir, { format: 'text', failOn: 'breaking', schemas: 'schemas' }, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
    expect(stderr).toContain(`realtime-contract: warning: generate refuses ${dir} (folder): subscribe.json#/x-direction: "subscribe" is sent client-to-server, but the reference server receives only "ping" and "pong"`);
    expect(stderr).toContain('it cannot ship as it is');
    expect(stdout).toMatch(/message-added/);
    expect(code).toBe(0);
  });
});
