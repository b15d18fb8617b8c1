/**
 * Facts the schemas write in two places must agree, or generate refuses and `diff` warns (tAS F2,
 * F4): the reference, the types and the constants showed both versions side by side.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareSources, readSource } from '../../src/cli/diff-command.js';
import { checkGeneratable } from '../../src/codegen/check.js';
import { emitConstants } from '../../src/codegen/contract-constants.js';
import { contractFromTexts, SchemaError } from '../../src/contract/index.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');
const NAMES = ['ai_tasks', 'alerts', 'balances', 'bots', 'connection', 'decisions', 'definitions', 'error', 'metrics', 'ping', 'poll-response', 'pong', 'protocol', 'system_health', 'trades', 'wallet', 'whale'];

type Json = Record<string, any>;

/** The shipped schema files, parsed, with `edit` applied: file name → schema. */
function edited(edit: (files: Record<string, Json>) => void): Map<string, string> {
  const files = Object.fromEntries(NAMES.map((name) => [`${name}.json`, JSON.parse(readFileSync(path.join(SCHEMAS, `${name}.json`), 'utf8')) as Json]));
  edit(files);
  return new Map(Object.entries(files).map(([file, schema]) => [file, JSON.stringify(schema)]));
}

/** generate's checks on the edited files: the SchemaError they throw, or undefined. */
function refusal(edit: (files: Record<string, Json>) => void): SchemaError | undefined {
  try {
    checkGeneratable(contractFromTexts(edited(edit)));
    return undefined;
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** `diff`'s warnings that generate refuses the newer side: the shipped schemas against the edited ones. */
async function diffWarnings(edit: (files: Record<string, Json>) => void): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'duplicated-facts-'));
  made.push(dir);
  cpSync(SCHEMAS, dir, { recursive: true });
  for (const [file, text] of edited(edit)) writeFileSync(path.join(dir, file), text);
  const warnings: string[] = [];
  await compareSources(await readSource(`dir:${SCHEMAS}`, { schemas: 'schemas' }), await readSource(`dir:${dir}`, { schemas: 'schemas' }), (problem) => warnings.push(problem));
  return warnings;
}

const knownCodes = (files: Record<string, Json>): string[] => files['error.json']!.definitions.ErrorData.properties.code['x-known-values'];

describe('the error codes: protocol.json x-error-codes and error.json data.code x-known-values', () => {
  it('takes the shipped schemas, and the same codes in another order', () => {
    expect(refusal(() => undefined)).toBeUndefined();
    expect(refusal((files) => knownCodes(files).reverse())).toBeUndefined();
  });

  it("diff warns of nothing on a newer side that predates x-error-codes (v1.0: diff reads it with an empty list in its place)", async () => {
    const V1_0 = path.resolve(import.meta.dirname, '../diff/v1.0/schemas');
    const warnings: string[] = [];
    await compareSources(await readSource(`dir:${V1_0}`, { schemas: 'schemas' }), await readSource(`dir:${V1_0}`, { schemas: 'schemas' }), (problem) => warnings.push(problem));
    expect(warnings).toEqual([]);
  });

  it('refuses a code written in one list only, naming both places and each code that differs', () => {
    const error = refusal((files) => {
      files['protocol.json']!['x-error-codes'].push({ code: 'QUOTA_EXCEEDED', name: 'QuotaExceeded', description: 'Over quota.' });
      knownCodes(files).push('BAD_SCOPE');
    });
    expect(error).toMatchObject({ file: 'error.json', pointer: '/definitions/ErrorData/properties/code/x-known-values' });
    expect(error!.problem).toContain('protocol.json#/x-error-codes');
    expect(error!.problem).toContain('only here: "BAD_SCOPE"');
    expect(error!.problem).toContain('only in protocol.json#/x-error-codes: "QUOTA_EXCEEDED"');
    // One side only: a code dropped from x-known-values.
    const dropped = refusal((files) => knownCodes(files).splice(knownCodes(files).indexOf('RATE_LIMITED'), 1));
    expect(dropped?.problem).toMatch(/only in protocol\.json#\/x-error-codes: "RATE_LIMITED"/);
    expect(dropped?.problem).not.toContain('only here');
  });

  it('refuses an error code or name written twice, and a known value written twice: contract.ts did not compile (TS1117; tAY F2)', () => {
    const again = (key: 'code' | 'name') =>
      refusal((files) => {
        const codes = files['protocol.json']!['x-error-codes'] as { code: string; name: string; description: string }[];
        codes.push({ ...codes[0]!, ...(key === 'code' ? { name: 'Another' } : { code: 'ANOTHER' }) });
        if (key === 'name') files['error.json']!.definitions.ErrorData.properties.code['x-known-values'].push('ANOTHER');
      });
    expect(again('code')).toMatchObject({ file: 'protocol.json', pointer: expect.stringMatching(/^\/x-error-codes\/\d+\/code$/), problem: expect.stringMatching(/^expected each error code once, got ".+" again \(first at \/x-error-codes\/0\)$/) });
    expect(again('name')).toMatchObject({ file: 'protocol.json', pointer: expect.stringMatching(/^\/x-error-codes\/\d+\/name$/), problem: expect.stringContaining('expected each error name once') });
    const known = refusal((files) => {
      const values = files['error.json']!.definitions.ErrorData.properties.code['x-known-values'] as string[];
      values.push(values[0]!);
    });
    expect(known).toMatchObject({ file: 'error.json', problem: expect.stringMatching(/^expected each known value once, got ".+" again$/) });
  });

  it('diff warns that generate refuses such a newer side', async () => {
    const warnings = await diffWarnings((files) => knownCodes(files).push('BAD_SCOPE'));
    expect(warnings).toEqual([expect.stringContaining('error.json#/definitions/ErrorData/properties/code/x-known-values: expected the same error codes as protocol.json#/x-error-codes')]);
  });
});

// The poll's path moved, and the PollResponse message of asyncapi.json (and the reference, the
// TSDoc) still said `GET /api/ws/poll?since=<cursor>` beside the new path (tBK F3).
describe('the paths: protocol.json x-connection.path and x-polling.path and the requests in descriptions', () => {
  /** The paths moved, poll-response.json's description naming the request by the shipped path (as it did). */
  const moved = (files: Record<string, Json>) => {
    files['protocol.json']!['x-connection'].path = '/rt/socket';
    files['protocol.json']!['x-polling'].path = '/rt/socket/poll';
    files['poll-response.json']!.description = files['poll-response.json']!.description.replace('GET <x-polling.path>?', 'GET /api/ws/poll?');
  };

  it('takes the shipped schemas with the paths moved: poll-response.json names the request by x-polling.path, which the AsyncAPI document writes out', () => {
    expect(refusal((files) => {
      files['protocol.json']!['x-connection'].path = '/rt/socket';
      files['protocol.json']!['x-polling'].path = '/rt/socket/poll';
    })).toBeUndefined();
  });

  it('refuses a request of a path protocol.json no longer gives, naming the description, the request and both paths', () => {
    const error = refusal(moved);
    expect(error).toMatchObject({ file: 'poll-response.json', pointer: '/description' });
    expect(error!.problem).toContain('says "GET /api/ws/poll", but protocol.json has x-connection.path "/rt/socket" and x-polling.path "/rt/socket/poll"');
    const field = refusal((files) => void (files['trades.json']!.properties.cursor.description += ' Poll it with GET /api/poll.'));
    expect(field).toMatchObject({ file: 'trades.json', pointer: '/properties/cursor/description', problem: expect.stringContaining('says "GET /api/poll"') });
  });

  it('takes requests of the paths protocol.json gives, and descriptions without one', () => {
    expect(refusal((files) => {
      moved(files);
      files['poll-response.json']!.description = files['poll-response.json']!.description.replace('GET /api/ws/poll?', 'GET /rt/socket/poll?');
    })).toBeUndefined();
    expect(refusal((files) => {
      moved(files);
      files['poll-response.json']!.description = files['poll-response.json']!.description.replace('`GET /api/ws/poll?since=<cursor>`', 'a poll');
    })).toBeUndefined();
    expect(refusal((files) => void (files['trades.json']!.properties.cursor.description += ' The upgrade is GET /api/ws.'))).toBeUndefined();
  });

  // Descriptions are Markdown (the AsyncAPI and HTML docs render them): its emphasis and link
  // were read as part of the path, and `**GET /api/ws/poll**` was refused as a stale path (tBU F3).
  it('reads a path in Markdown up to the emphasis, link or bracket around it, and still refuses a stale one so written', () => {
    const said = (text: string) => refusal((files) => void (files['system_health.json']!.description += ` ${text}`));
    expect(said('Poll with **GET /api/ws/poll** when the socket fails.')).toBeUndefined();
    expect(said('Open [GET /api/ws](https://example.com/docs) first.')).toBeUndefined();
    expect(said('Open _GET /api/ws_, or *GET /api/ws/poll*; then ~~GET /api/ws~~ {GET /api/ws} |GET /api/ws|.')).toBeUndefined();
    expect(said('Poll with **GET /api/ws/old-poll** when the socket fails.')).toMatchObject({ file: 'system_health.json', pointer: '/description', problem: expect.stringContaining('says "GET /api/ws/old-poll", but protocol.json') });
    expect(said('Open [GET /api/socket](https://example.com/docs) first.')).toMatchObject({ problem: expect.stringContaining('says "GET /api/socket", but') });
  });

  // The server serves /api/ws/poll/ as /api/ws/poll (samePath): the request was refused as stale,
  // the message naming the path protocol.json gives (tCC F9).
  it('takes a path with one trailing slash as the server does, and still refuses another path so written', () => {
    const said = (text: string) => refusal((files) => void (files['trades.json']!.description += ` ${text}`));
    expect(said('Polled with GET /api/ws/poll/ as well.')).toBeUndefined();
    expect(said('Upgraded with GET /api/ws/ too.')).toBeUndefined();
    expect(said('Polled with GET /api/ws/poll// as well.')).toMatchObject({ file: 'trades.json', problem: expect.stringContaining('says "GET /api/ws/poll//"') });
    expect(said('Polled with GET /api/ws/old/ as well.')).toMatchObject({ file: 'trades.json', problem: expect.stringContaining('says "GET /api/ws/old/"') });
  });
});

describe("the keepalive times: protocol.json x-keepalive and the figures in the ping and pong descriptions", () => {
  const keepalive = (files: Record<string, Json>, pingIntervalMs: number, pongTimeoutMs: number) => {
    files['protocol.json']!['x-keepalive'] = { pingIntervalMs, pongTimeoutMs };
  };

  it('refuses a figure x-keepalive no longer gives, naming the description, the figure and both times', () => {
    const error = refusal((files) => keepalive(files, 20000, 5000));
    expect(error).toMatchObject({ file: 'ping.json', pointer: '/description' });
    expect(error!.problem).toContain('says "30 s", but protocol.json#/x-keepalive has pingIntervalMs 20000 (20000 ms, 20 s) and pongTimeoutMs 5000 (5000 ms, 5 s)');
    // The ping's figure rewritten, the pong's still stale.
    const pong = refusal((files) => {
      keepalive(files, 20000, 5000);
      files['ping.json']!.description = files['ping.json']!.description.replace('every 30 s', 'every 20 s');
    });
    expect(pong).toMatchObject({ file: 'pong.json', pointer: '/description', problem: expect.stringContaining('says "10 s"') });
    // A figure in a field's description, in another unit.
    const field = refusal((files) => void (files['pong.json']!.properties.timestamp.description += ' Sent within 15000 ms.'));
    expect(field).toMatchObject({ file: 'pong.json', pointer: '/properties/timestamp/description', problem: expect.stringContaining('says "15000 ms"') });
    // Written with a hyphen, as an adjective: it went unread (tAY F3).
    const hyphen = refusal((files) => void (files['ping.json']!.description += ' A 45-second interval.'));
    expect(hyphen).toMatchObject({ file: 'ping.json', problem: expect.stringContaining('says "45-second"') });
  });

  it('reads a figure with thousands separated by commas whole: "30,000 ms" was read as "000 ms" and refused (tAY F3)', () => {
    expect(refusal((files) => void (files['ping.json']!.description += ' That is 30,000 ms.'))).toBeUndefined();
    expect(refusal((files) => void (files['ping.json']!.description += ' That is 31,000 ms.'))).toMatchObject({ problem: expect.stringContaining('says "31,000 ms"') });
  });

  it('takes figures x-keepalive gives, in any unit, and descriptions without figures', () => {
    expect(refusal((files) => {
      keepalive(files, 20000, 5000);
      files['ping.json']!.description = files['ping.json']!.description.replace('every 30 s', 'every 20000 ms');
      files['pong.json']!.description = files['pong.json']!.description.replace('within 10 s', 'within 5 seconds');
    })).toBeUndefined();
    expect(refusal((files) => {
      keepalive(files, 60000, 10000);
      files['ping.json']!.description = files['ping.json']!.description.replace('every 30 s', 'every 1 minute');
    })).toBeUndefined();
    expect(refusal((files) => {
      keepalive(files, 20000, 5000);
      files['ping.json']!.description = files['ping.json']!.description.replace(' every 30 s', ' at the ping interval');
      files['pong.json']!.description = files['pong.json']!.description.replace(' within 10 s of the ping', ' within the pong timeout');
    })).toBeUndefined();
  });

  it('diff warns that generate refuses such a newer side', async () => {
    const warnings = await diffWarnings((files) => keepalive(files, 20000, 10000));
    expect(warnings).toEqual([expect.stringContaining('ping.json#/description: says "30 s", but protocol.json#/x-keepalive has pingIntervalMs 20000')]);
  });
});

describe("the exchanges: definitions.json's Platform", () => {
  it("trades' platform description names no exchange: the list is Platform's alone, which the reference row and the types show beside it (it listed the five by hand, and kept them after an exchange was added: tAS F4)", () => {
    const trades = JSON.parse(readFileSync(path.join(SCHEMAS, 'trades.json'), 'utf8')) as Json;
    const platform = trades.definitions.TradeData.properties.platform;
    expect(platform.$ref).toBe('definitions.json#/definitions/Platform');
    const exchanges: string[] = (JSON.parse(readFileSync(path.join(SCHEMAS, 'definitions.json'), 'utf8')) as Json).definitions.Platform.enum;
    expect(exchanges.filter((exchange) => platform.description.includes(exchange))).toEqual([]);
  });
});

describe("the polling path: protocol.json x-polling.path under x-connection.path (tBD F5)", () => {
  const paths = (files: Record<string, Json>, socket: string, poll: string) => {
    files['protocol.json']!['x-connection'].path = socket;
    files['protocol.json']!['x-polling'].path = poll;
  };

  it('refuses a polling path that is not under the socket path, saying the client would never poll it', () => {
    for (const poll of ['/api/poll', '/api/ws', '/api/ws/', '/api/wspoll']) {
      const error = refusal((files) => paths(files, '/api/ws', poll));
      expect([poll, error?.file, error?.pointer]).toEqual([poll, 'protocol.json', '/x-polling/path']);
      expect(error!.problem).toContain(`expected a path under x-connection.path "/api/ws" (such as "/api/ws/poll"), got ${JSON.stringify(poll)}`);
      expect(error!.problem).toContain('src/client/client.ts, pollUrlOf');
    }
  });

  it("refuses a socket or polling path no request can name as it is (a query, a dot segment, a space), as the server refuses its path and pollPath options: the server never served it and the client polled 404 for ever (tBH F1)", () => {
    const cases: [string, string, string, string][] = [
      ['/api/ws', '/api/ws/poll?x=1', '/x-polling/path', 'a request for it reads as "/api/ws/poll"'],
      ['/api/ws', '/api/ws/./poll', '/x-polling/path', 'a request for it reads as "/api/ws/poll"'],
      ['/api/ws', '/api/ws/po ll', '/x-polling/path', 'a request for it reads as "/api/ws/po%20ll"'],
      ['/api/ws', '/api/ws/poll#x', '/x-polling/path', 'a request for it reads as "/api/ws/poll"'],
      ['/rt/./socket', '/rt/./socket/poll', '/x-connection/path', 'a request for it reads as "/rt/socket"'],
      ['api/ws', 'api/ws/poll', '/x-connection/path', 'starting with /, got "api/ws", so the server'],
    ];
    for (const [socket, poll, pointer, read] of cases) {
      const error = refusal((files) => paths(files, socket, poll));
      expect([poll, error?.file, error?.pointer]).toEqual([poll, 'protocol.json', pointer]);
      expect(error!.problem).toContain("expected a path as a request's URL names it (no query, fragment or dot segment; characters escaped as URLs escape them)");
      expect(error!.problem).toContain(read);
    }
  });

  it('takes a polling path under the socket path, whatever its name', () => {
    expect(refusal((files) => paths(files, '/api/ws', '/api/ws/longpoll'))).toBeUndefined();
    expect(refusal((files) => paths(files, '/ws', '/ws/poll'))).toBeUndefined();
    expect(refusal((files) => paths(files, '/api/ws', '/api/ws/v2/long-poll_%41'))).toBeUndefined();
  });
});

describe("the poll hold and size: protocol.json x-polling.holdMs and maxMessages, by the server's pollHoldMs and pollMaxMessages bounds (tBH F4)", () => {
  const polling = (holdMs: number, maxMessages: number) => (files: Record<string, Json>) => Object.assign(files['protocol.json']!['x-polling'], { holdMs, maxMessages });

  it('refuses maxMessages below 1: the same build\'s polling client showed "connected" and received nothing', () => {
    for (const maxMessages of [0, -5]) {
      const error = refusal(polling(25_000, maxMessages));
      expect([error?.file, error?.pointer]).toEqual(['protocol.json', '/x-polling/maxMessages']);
      expect(error!.problem).toContain(`expected an integer ≥ 1 (as the server's pollMaxMessages option), got ${maxMessages}`);
    }
  });

  it('refuses a hold below 0 or past 2^31 - 1 ms, which the server answered at once', () => {
    for (const holdMs of [-1000, 2 ** 31, 3_000_000_000]) {
      const error = refusal(polling(holdMs, 500));
      expect([error?.file, error?.pointer]).toEqual(['protocol.json', '/x-polling/holdMs']);
      expect(error!.problem).toContain(`expected a number of milliseconds from 0 to 2147483647 (as the server's pollHoldMs option), got ${holdMs}`);
    }
  });

  it("refuses a hold the client cannot wait for: its poll timeout is the hold + 15 000 ms, and 2e9 ms at most (a hold past 1 999 985 000 ms, and the same build's client gave up on every quiet poll: tBI F4)", () => {
    for (const holdMs of [1_999_985_001, 2 ** 31 - 1]) {
      const error = refusal(polling(holdMs, 500));
      expect([error?.file, error?.pointer]).toEqual(['protocol.json', '/x-polling/holdMs']);
      expect(error!.problem).toBe(`expected a number of milliseconds from 0 to 1999985000, got ${holdMs}: the client waits for a poll's answer 15000 ms past the hold, and 2000000000 ms at most, so it would give up on every quiet poll before the server answered it`);
    }
  });

  it('takes the bounds themselves', () => {
    expect(refusal(polling(0, 1))).toBeUndefined();
    expect(refusal(polling(1_999_985_000, 100_000))).toBeUndefined();
  });
});

describe("the close codes' advice: protocol.json x-close-codes, read by the client from contract.ts (tBD F6)", () => {
  it("writes each code whose advice is not \"yes\" into RECONNECT_ADVICE, a code added too, and no description", () => {
    const files = edited((f) => {
      f['protocol.json']!['x-close-codes'].push({ code: 4403, name: 'AccountSuspended', reconnect: 'no', description: 'The account was suspended. Do not reconnect.' });
    });
    const contract = contractFromTexts(files);
    checkGeneratable(contract);
    const line = emitConstants(contract).get('contract.ts')!.split('\n').find((text) => text.startsWith('export const RECONNECT_ADVICE'));
    expect(line).toBe(`export const RECONNECT_ADVICE: Readonly<Record<number, 'no' | 'with-new-token'>> = /* @__PURE__ */ Object.freeze({ 1000: "no", 4401: "with-new-token", 4403: "no" });`);
  });
});
