import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGeneratable } from '../../src/codegen/check.js';
import { generate } from '../../src/codegen/index.js';
import { loadContract, SchemaError, type SchemaNode } from '../../src/contract/index.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The shipped schemas with `edit` applied to trades.json, in a folder of their own. */
function edited(edit: (trades: SchemaNode & { definitions: Record<string, SchemaNode & { properties: Record<string, SchemaNode> }> }) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'strict-places-'));
  made.push(dir);
  cpSync(SCHEMAS, dir, { recursive: true });
  const file = path.join(dir, 'trades.json');
  const trades = JSON.parse(readFileSync(file, 'utf8'));
  edit(trades);
  writeFileSync(file, JSON.stringify(trades, null, 2));
  return dir;
}

/** The SchemaError that loading (and, with `generating`, checking for `generate`) the edited schemas gives. */
async function refusal(edit: Parameters<typeof edited>[0], generating = false): Promise<SchemaError> {
  const error = await loadContract(edited(edit)).then(
    (contract) => (generating ? checkGeneratable(contract) : undefined),
    (thrown: unknown) => thrown,
  ).catch((thrown: unknown) => thrown);
  if (!(error instanceof SchemaError)) throw new Error(`expected a SchemaError, got ${String(error)}`);
  return error;
}

describe('a schema fault is named where it is written (found by a fresh user)', () => {
  it('an unknown format: the file and pointer, and the formats the validators know', async () => {
    // Before: `unknown format "date" ignored in schema at path "#/properties/data/properties/executed_at"`, no file, exit 2.
    const edit = (trades: Parameters<Parameters<typeof edited>[0]>[0]) => {
      trades.definitions.TradeData!.properties.executed_at = { type: 'string', format: 'date' };
    };
    expect(await refusal(edit, true)).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/executed_at/format', problem: 'unknown format "date": the validators implement "date-time"' });
    // `diff` still reads such a contract: the format is an annotation it compares.
    await expect(loadContract(edited(edit))).resolves.toMatchObject({ messages: expect.any(Array) });
  });

  it('a NUL or a byte order mark in a description, which the Go and Python compilers refuse (generate passed: a hostile tester), and other controls, which hide text', async () => {
    for (const [char, code, what] of [['\u0000', 'U+0000', 'a control character'], ['\ufeff', 'U+FEFF', 'a byte order mark (a zero-width no-break space)'], ['\f', 'U+000C', 'a control character'], ['\u0007', 'U+0007', 'a control character']] as const) {
      const edit = (trades: Parameters<Parameters<typeof edited>[0]>[0]) => {
        trades.definitions.TradeData!.properties.price = { type: 'number', description: `Price${char}.` };
      };
      expect(await refusal(edit, true)).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/price/description', problem: `expected a description without invisible or control characters (the generated code and docs carry it as it is), got ${code}, ${what}, at character 5 (tabs and line ends may stay)` });
    }
    // Tabs and line ends are written as they are: Go and Python take them (a reviewer).
    const contract = await loadContract(edited((trades) => {
      trades.definitions.TradeData!.properties.price = { type: 'number', description: 'Price,\tin the quote asset.\r\nSee the spec.\n' };
    }));
    expect(() => checkGeneratable(contract)).not.toThrow();
  });

  it('a format beside a type without strings, which checks nothing (the TypeBox generator refused it as "not supported here")', async () => {
    const edit = (trades: Parameters<Parameters<typeof edited>[0]>[0]) => {
      trades.definitions.TradeData!.properties.executed_at = { type: 'integer', format: 'date-time' };
    };
    expect(await refusal(edit, true)).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/executed_at/format', problem: 'expected "format" only where the type admits strings (a format checks strings alone), got it beside type "integer"' });
    const nullable = (trades: Parameters<Parameters<typeof edited>[0]>[0]) => {
      trades.definitions.TradeData!.properties.executed_at = { type: ['string', 'null'], format: 'date-time' };
    };
    // A nullable string keeps its format.
    const contract = await loadContract(edited(nullable));
    expect(() => checkGeneratable(contract)).not.toThrow();
  });

  it('a fault in a message the poll response refers to is the message\'s, at the keyword', async () => {
    // Before: poll-response.json#, for each of these.
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.properties.status!.minimum = 1;
    })).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/status/minimum', problem: expect.stringContaining('missing type "number" for keyword "minimum" (strictTypes); "minimum" applies to number values only, and this schema\'s "type" is "string"') });
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.properties.status!.pattern = '[';
    })).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/status/pattern', problem: expect.stringContaining('Invalid regular expression') });
    expect(await refusal((trades) => {
      (trades.properties as Record<string, SchemaNode>).data!.pattern = 'x';
    })).toMatchObject({ file: 'trades.json', pointer: '/properties/data/pattern', problem: expect.stringContaining('missing type "string" for keyword "pattern"') });
  });

  it('says what to write when a keyword misses its type, beside a "$ref" too (found by a fresh user)', async () => {
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.properties.notes = { minLength: 1 };
    })).toMatchObject({ pointer: '/definitions/TradeData/properties/notes/minLength', problem: expect.stringMatching(/\(strictTypes\); write "type": "string" beside "minLength"$/) });
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.properties.bot_id!.format = 'date-time';
    })).toMatchObject({
      pointer: '/definitions/TradeData/properties/bot_id/format',
      problem: expect.stringMatching(/missing type "number,string" for keyword "format" \(strictTypes\); beside "\$ref" ajv does not see a type: put "format" in the definition "\$ref" names, or write this schema whole, with its "type", instead of the "\$ref"$/),
    });
  });

  it('a property name ajv writes percent-encoded, a keyword ajv gives no path for, a bad patternProperties key', async () => {
    // Before, each: /definitions/TradeData.
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.properties['my field%'] = { type: 'string', minimum: 1 };
    })).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/my field%/minimum' });
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.properties.price!.if = { minimum: 0 };
    })).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/properties/price/if', problem: expect.stringContaining('"if" without "then"') });
    expect(await refusal((trades) => {
      trades.definitions.TradeData!.patternProperties = { '^x_': { type: 'string' }, '^(y': { type: 'string' } };
    })).toMatchObject({ file: 'trades.json', pointer: '/definitions/TradeData/patternProperties/^(y', problem: expect.stringContaining('Invalid regular expression') });
  });

  it('the subschema where the fault holds, not the first with its keyword; the pattern ajv names (found by a reviewer)', async () => {
    const properties = (trades: Parameters<Parameters<typeof edited>[0]>[0]) => trades.definitions.TradeData!.properties;
    expect(await refusal((trades) => {
      properties(trades).quantity = { ...properties(trades).quantity, if: { minimum: 1 }, then: { minimum: 2 } };
      properties(trades).price!.if = { minimum: 0 };
    })).toMatchObject({ pointer: '/definitions/TradeData/properties/price/if' });
    expect(await refusal((trades) => {
      properties(trades).quantity = { ...properties(trades).quantity, if: { minimum: 1 }, then: { minimum: 2 } };
      properties(trades).price!.then = { minimum: 0 };
    })).toMatchObject({ pointer: '/definitions/TradeData/properties/price/then' });
    expect(await refusal((trades) => {
      properties(trades).quantity = { type: 'array', items: [{ type: 'string' }] as unknown as SchemaNode, minItems: 1, maxItems: 1, additionalItems: false };
      properties(trades).price = { type: 'array', items: { type: 'string' }, additionalItems: false };
    })).toMatchObject({ pointer: '/definitions/TradeData/properties/price/additionalItems' });
    expect(await refusal((trades) => {
      properties(trades).fee = { type: 'object', patternProperties: { '(': {} }, properties: { x: { type: 'string', pattern: '[' } } };
    })).toMatchObject({ pointer: '/definitions/TradeData/properties/fee/properties/x/pattern', problem: expect.stringContaining('/[/u') });
  });
});

describe('a tuple: the first refusal gives the way out generate takes (tEP F7)', () => {
  // ajv's "add minItems/additionalItems" and the prefixItems hint ("write items as an array") led
  // to the tuple generate then refused, one run later, with the way out given only then.
  const WAY_OUT = 'write one schema for every item ("items": { … }, an "anyOf" of the types where places differ) with "minItems" and "maxItems" for the length, or an object with a named property for each place';
  const pair = (value: unknown) => (trades: Parameters<Parameters<typeof edited>[0]>[0]) => {
    trades.definitions.TradeData!.properties.pair = value as SchemaNode;
  };
  it.each([
    ['an items list', { type: 'array', items: [{ type: 'string' }, { type: 'number' }] }, 'items', /"items" is 2-tuple, but minItems or maxItems\/additionalItems are not specified or different; generate takes no tuple \(TypeBox output\), with them or without: /],
    ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }, 'prefixItems', /unknown keyword "prefixItems"; the schemas are draft-07, which writes it as "items" with an array of schemas, a tuple, which generate does not take \(TypeBox output\): /],
    ['unevaluatedItems', { type: 'array', items: { type: 'string' }, unevaluatedItems: false }, 'unevaluatedItems', /unknown keyword "unevaluatedItems"; .*a tuple, which generate does not take: /],
    ['additionalItems beside one items schema', { type: 'array', items: { type: 'string' }, additionalItems: false }, 'additionalItems', /"additionalItems" is ignored when "items" is not an array of schemas; remove it: it applies only beside "items" as a list of schemas \(a tuple\), which generate does not take \(TypeBox output\): /],
  ])('%s', async (_case, value, keyword, problem) => {
    const error = await refusal(pair(value));
    expect(error).toMatchObject({ file: 'trades.json', pointer: `/definitions/TradeData/properties/pair/${keyword}` });
    expect(error.problem).toMatch(problem);
    expect(error.problem).toContain(WAY_OUT);
  });
  it('the way out it gives loads, and generate takes it', async () => {
    const contract = await loadContract(edited(pair({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] }, minItems: 2, maxItems: 2 })));
    expect(() => checkGeneratable(contract)).not.toThrow();
  });
});

describe('the poll response lists the stream (found by a fresh user)', () => {
  it('refuses a new user message that polls cannot carry, and a per-connection message they list', async () => {
    // Before: `generate` passed, and every poll that covered an `orders` message answered 500.
    const dir = mkdtempSync(path.join(tmpdir(), 'strict-places-'));
    made.push(dir);
    cpSync(SCHEMAS, dir, { recursive: true });
    const orders = readFileSync(path.join(dir, 'whale.json'), 'utf8').replaceAll('whale', 'orders').replaceAll('Whale', 'Orders');
    writeFileSync(path.join(dir, 'orders.json'), orders);
    // `diff` reads it; `generate` refuses it.
    const contract0 = await loadContract(dir);
    expect(() => checkGeneratable(contract0)).toThrow(expect.objectContaining({ file: 'poll-response.json', pointer: '/properties/messages/items/anyOf', problem: expect.stringContaining('lists no "orders"') }));
    const pollFile = path.join(dir, 'poll-response.json');
    const poll = JSON.parse(readFileSync(pollFile, 'utf8'));
    // Through a local definition, as a poll response may name it (found by a reviewer).
    poll.definitions = { ...poll.definitions, Orders: { $ref: 'orders.json' } };
    poll.properties.messages.items.anyOf.push({ $ref: '#/definitions/Orders' });
    writeFileSync(pollFile, JSON.stringify(poll, null, 2));
    const contract = await loadContract(dir);
    expect(contract.messages.map((m) => m.type)).toContain('orders');
    checkGeneratable(contract);
    poll.properties.messages.items.anyOf.push({ $ref: 'ping.json' });
    writeFileSync(pollFile, JSON.stringify(poll, null, 2));
    const contract2 = await loadContract(dir);
    expect(() => checkGeneratable(contract2)).toThrow(expect.objectContaining({ file: 'poll-response.json', pointer: `/properties/messages/items/anyOf/${poll.properties.messages.items.anyOf.length - 1}`, problem: expect.stringContaining('"ping", whose audience is "connection"') }));
  });
});

describe('generate holds each schema to its own examples (found by a fresh user)', () => {
  it('refuses an example its schema no longer accepts, at the example\'s value', async () => {
    // Before: a quantity made a string kept its example 0.001, shipped in the docs, AsyncAPI and bundled schema.
    const dir = edited((trades) => {
      trades.definitions.TradeData!.properties.quantity = { type: 'string', description: 'Quantity, as a decimal string.' };
    });
    await expect(generate(dir)).rejects.toMatchObject({ file: 'trades.json', pointer: '/examples/0/data/quantity', problem: 'the example fails its own schema: expected a string, got a number 0.001' });
    // Its own `type` too (the validators judge the type their caller read).
    const typo = edited((trades) => {
      (trades.examples as { type: string }[])[0]!.type = 'trade';
    });
    await expect(generate(typo)).rejects.toMatchObject({ file: 'trades.json', pointer: '/examples/0/type', problem: 'the example fails its own schema: expected "trades", got "trade"' });
    // A date that does not exist says which part, as `validate` says it (a fresh user: it said only "expected an RFC 3339 date-time").
    const leap = edited((trades) => {
      (trades.examples as { data: { timestamp: string } }[])[0]!.data.timestamp = '2026-02-29T16:30:00.000Z';
    });
    await expect(generate(leap)).rejects.toMatchObject({ file: 'trades.json', pointer: '/examples/0/data/timestamp', problem: expect.stringMatching(/^the example fails its own schema: expected an RFC 3339 date-time .*got "2026-02-29T16:30:00.000Z"; day 29 does not exist in February 2026 \(28 days\)$/) });
  }, 60_000);
});


describe('a stream message must declare the cursor the server stamps on it (a fresh user: generate took one without, and every frame of it failed strict validation at /cursor)', () => {
  type Trades = Parameters<Parameters<typeof edited>[0]>[0];
  it('refuses one without a cursor property, at its /properties', async () => {
    const error = await refusal((trades: Trades) => void delete (trades.properties as Record<string, unknown>).cursor, true);
    expect({ file: error.file, pointer: error.pointer }).toEqual({ file: 'trades.json', pointer: '/properties' });
    expect(error.problem).toContain('expected a "cursor" property, { "$ref": "definitions.json#/definitions/Cursor" }, in a message of a "user" audience');
  });
  it('refuses a cursor of another schema, and a required one', async () => {
    const other = await refusal((trades: Trades) => void ((trades.properties as Record<string, unknown>).cursor = { type: 'integer' }), true);
    expect({ file: other.file, pointer: other.pointer }).toEqual({ file: 'trades.json', pointer: '/properties/cursor' });
    const required = await refusal((trades: Trades) => void (trades.required as string[]).push('cursor'), true);
    expect(required.pointer).toMatch(/^\/required\/\d+$/);
    expect(required.problem).toContain('expected "cursor" to be optional');
  });
  it('takes the shipped schemas, whose every stream message has one', async () => {
    checkGeneratable(await loadContract(SCHEMAS));
  });
});
