import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load.js';
import { createMessage, createPing, createPong, MessageValidationError, serializeMessage } from '../../src/runtime/builders.js';
import { isDateTime } from '../../src/runtime/date-time.js';
import { validateMessage } from '../../src/runtime/validate.js';
import type { EnvelopeMessageType, MessageDataMap, PingMessage, TradeData } from '../../generated/types.js';
import { messageArbitraries } from '../support/arbitraries.js';

const contract = await loadContract('schemas');
const arbitraries = messageArbitraries(contract);

const tradeData: TradeData = {
  id: 'trade_1', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001,
  price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z',
};

describe('createMessage', () => {
  it('stamps ts with the current time as RFC 3339 UTC with milliseconds', () => {
    const before = Date.now();
    const message = createMessage('trades', tradeData);
    expect(message.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(message.ts)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(message).toEqual({ type: 'trades', data: tradeData, ts: message.ts });
  });

  it('takes ts from a Date or a string', () => {
    expect(createMessage('trades', tradeData, { ts: new Date(Date.UTC(2026, 0, 14, 16, 30)) }).ts).toBe('2026-01-14T16:30:00.000Z');
    expect(createMessage('trades', tradeData, { ts: '2026-01-14T18:30:00+02:00' }).ts).toBe('2026-01-14T18:30:00+02:00');
  });

  it('throws an error naming each pointer and fault with { validate: true }', () => {
    const bad = { ...tradeData, side: 'hold' } as unknown as TradeData;
    expect(() => createMessage('trades', bad, { validate: true })).toThrow(
      new MessageValidationError('trades', [
        { pointer: '/data/side', keyword: 'enum', message: 'expected one of "buy", "sell", got "hold"', expected: 'one of "buy", "sell"', found: '"hold"' },
      ]),
    );
    expect(() => createMessage('trades', bad, { validate: true })).toThrow('invalid trades message: /data/side expected one of "buy", "sell", got "hold"');
    expect(() => createMessage('trades', tradeData, { ts: 'today', validate: true })).toThrow(/\/ts expected an RFC 3339 date-time/);
  });

  it('escapes the pointer and type in its message, which a log prints: a key or type with a newline or ESC forged log lines (found by a fresh user)', () => {
    const key = 'x\n2026-12-04T16:00:00Z INFO admin login ok\u001b[2K\u202e';
    const upstream = { ...tradeData, [key]: 1 } as unknown as TradeData;
    let error: MessageValidationError | undefined;
    try {
      createMessage('trades', upstream, { validate: true });
    } catch (thrown) {
      error = thrown as MessageValidationError;
    }
    expect(error).toBeInstanceOf(MessageValidationError);
    expect(error!.message).toMatch(/^invalid trades message: \/data\/x\\n2026-12-04T16:00:00Z INFO admin login ok\\u001b\[2K\\u202e expected no property "/);
    expect(error!.message).not.toMatch(/[\n\u001b\u202e]/);
    // The data stays as it was: the pointer names the key itself.
    expect(error!.errors[0].pointer).toBe(`/data/${key}`);

    const type = 'trades\n2026-12-04T16:00:00Z INFO forged line';
    const typed = (() => {
      try {
        serializeMessage({ type, data: tradeData, ts: '2026-01-14T16:30:00.000Z' } as never, { validate: true });
      } catch (thrown) {
        return thrown as MessageValidationError;
      }
    })();
    expect(typed).toBeInstanceOf(MessageValidationError);
    expect(typed!.type).toBe(type);
    expect(typed!.message).toMatch(/^invalid trades\\n2026-12-04T16:00:00Z INFO forged line message: \/type /);
    expect(typed!.message).not.toContain('\n');
    // A cycle's message names where it was first met: escaped too.
    const cyclic: Record<string, unknown> = { ...tradeData };
    cyclic['a\nb'] = { back: cyclic };
    expect(() => createMessage('trades', cyclic as unknown as TradeData, { validate: true })).toThrow(/^invalid trades message: \/data\/a\\nb\/back expected a JSON value, got a reference to \/data, which holds it/);
    // A pointer of a megabyte key is cut in the message (the error's pointer keeps it whole).
    const long = 'k'.repeat(1_000_000);
    expect(() => createMessage('trades', { ...tradeData, [long]: 1 } as unknown as TradeData, { validate: true })).toThrow(/^invalid trades message: \/data\/k{191}\.\.\. expected no property "k{57}\.\.\."/);
  });

  it('escapes in its message what README says and no more: controls, invisible characters, half a surrogate pair, " and \\; other text (é, ключ, 😀, a no-break space) as it is (README said it escaped all but printable ASCII: tBL F2)', () => {
    const pointerIn = (key: string) => {
      try {
        createMessage('trades', { ...tradeData, [key]: 1 } as unknown as TradeData, { validate: true });
      } catch (thrown) {
        const { message } = thrown as MessageValidationError;
        return message.slice('invalid trades message: '.length, message.indexOf(' expected'));
      }
      throw new Error(`${JSON.stringify(key)} was accepted`);
    };
    const shown = Object.fromEntries(['x\n', 'a\u0085b', 'to\u200bken', 'a\u202eb', 'a\u2028b', 'a\u00adb', 'a\ud800b', 'a"b', 'a\\b', 'é', 'ключ', '😀', 'prix\u00a0', 'plain'].map((key) => [key, pointerIn(key)]));
    expect(shown).toEqual({
      'x\n': '/data/x\\n',
      'a\u0085b': '/data/a\\u0085b',
      'to\u200bken': '/data/to\\u200bken',
      'a\u202eb': '/data/a\\u202eb',
      'a\u2028b': '/data/a\\u2028b',
      'a\u00adb': '/data/a\\u00adb',
      'a\ud800b': '/data/a\\ud800b',
      'a"b': '/data/a\\"b',
      'a\\b': '/data/a\\\\b',
      'é': '/data/é',
      'ключ': '/data/ключ',
      '😀': '/data/😀',
      'prix\u00a0': '/data/prix\u00a0',
      plain: '/data/plain',
    });
  });

  it('says a Date in a timestamp is one, and how to write it; serializeMessage({ validate: true }) refuses it as createMessage and publish do (it passed what publish refused: tBT F8)', () => {
    const date = new Date(Date.UTC(2026, 0, 14, 16, 30));
    const data = { ...tradeData, timestamp: date as unknown as string };
    let built: unknown;
    try {
      createMessage('trades', data, { validate: true });
    } catch (error) {
      built = error;
    }
    expect(built).toBeInstanceOf(MessageValidationError);
    expect((built as MessageValidationError).errors[0]).toMatchObject({ pointer: '/data/timestamp', found: 'a Date (2026-01-14T16:30:00.000Z)', hint: 'a Date is an object, not JSON text: give date.toISOString()' });
    const message = createMessage('trades', data);
    expect(() => serializeMessage(message)).not.toThrow();
    let serialized: unknown;
    try {
      serializeMessage(message, { validate: true });
    } catch (error) {
      serialized = error;
    }
    expect(serialized).toBeInstanceOf(MessageValidationError);
    expect((serialized as MessageValidationError).errors).toEqual((built as MessageValidationError).errors);
    // A ping's epoch milliseconds, given a Date by validateMessage's caller: getTime().
    const ping = validateMessage({ type: 'ping', timestamp: date });
    expect(!ping.ok && ping.errors[0]).toMatchObject({ pointer: '/timestamp', hint: 'a Date is an object: give date.getTime() for milliseconds since the epoch' });
    // A date-time string is still a string (no Date met): unchanged.
    expect(serializeMessage(createMessage('trades', tradeData), { validate: true })).toContain('"timestamp":"2026-01-14T16:30:00.000Z"');
  });

  it('builds messages that always pass strict validation from arbitrary valid payloads', () => {
    for (const message of contract.messages.filter((m) => m.enveloped)) {
      const payload = arbitraries.get(message.type)!.map((value) => (value as { data: unknown }).data);
      fc.assert(
        fc.property(payload, (data) => {
          const built = createMessage(message.type as EnvelopeMessageType, data as MessageDataMap[EnvelopeMessageType]);
          const result = validateMessage(built, { mode: 'strict' });
          expect(result.ok ? true : result.errors).toBe(true);
          expect(isDateTime(built.ts)).toBe(true);
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('createMessage with a type known only as a union (README: TypeScript\'s limit; tAB)', () => {
  it('compiles with another type\'s data, and { validate: true } refuses the message at the call', () => {
    const whale: MessageDataMap['whale'] = { coin: 'BTC', platform: 'binance', flow_type: 'inflow', amount: 150.5, value_usd: 6500000, timestamp: '2026-01-14T16:30:00.000Z', signal: 'bullish' };
    const kind = 'trades' as 'trades' | 'whale';
    // Compiles: TypeScript does not pair the data with one member of the union.
    const unchecked = createMessage(kind, whale);
    expect(unchecked.type).toBe('trades');
    expect(() => createMessage(kind, whale, { validate: true })).toThrow(MessageValidationError);
    expect(createMessage('whale' as typeof kind, whale, { validate: true }).type).toBe('whale');
  });
});

describe('createPing and createPong', () => {
  it('builds a flat ping with the current epoch milliseconds by default', () => {
    const before = Date.now();
    const ping = createPing();
    expect(ping.type).toBe('ping');
    expect(ping.timestamp).toBeGreaterThanOrEqual(before);
    expect(Object.keys(ping).sort()).toEqual(['timestamp', 'type']);
    expect(createPing(1705251000000)).toEqual({ type: 'ping', timestamp: 1705251000000 });
  });

  it('answers a ping with a pong echoing its timestamp', () => {
    expect(createPong(createPing(1705251000000))).toEqual({ type: 'pong', timestamp: 1705251000000 });
    expect(createPong(42)).toEqual({ type: 'pong', timestamp: 42 });
  });

  it('rejects a fractional or negative timestamp with { validate: true }', () => {
    expect(() => createPing(1.5, { validate: true })).toThrow('invalid ping message: /timestamp expected an integer, got a number 1.5');
    expect(() => createPong(-1, { validate: true })).toThrow(MessageValidationError);
    // From untyped code: neither a number nor a ping.
    expect(() => createPong(null as unknown as number, { validate: true })).toThrow('invalid pong message: /timestamp expected an integer, got null');
    expect(() => createPong('1700000000000' as unknown as number, { validate: true })).toThrow('invalid pong message: /timestamp expected an integer, got a string "1700000000000"');
  });
});

describe('createPing and createPong with { validate: true } say what validateMessage says', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  // What untyped code may pass as a timestamp: every kind of JSON and JavaScript value.
  const timestamps: unknown[] = [
    0, 1, 1705251000000, 8_640_000_000_000_000, Number.MAX_SAFE_INTEGER, -0,
    1.5, 1705251000000.5, 1796506133.776, -1, -0.5, 8_640_000_000_000_001, 2 ** 53, 1e21, Number.MIN_VALUE,
    Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
    null, true, false, '', '1700000000000', 'x'.repeat(80), [], [1], [1, 2], {}, { a: Number.NaN }, Object.create(null),
    new Date(0), 10n, Symbol('s'), () => 1, new Proxy({}, {}), revoked.proxy,
  ];

  it.each([
    ['ping', (t: unknown) => createPing(t as number, { validate: true })],
    ['pong', (t: unknown) => createPong({ type: 'ping', timestamp: t as number }, { validate: true })],
  ] as const)('%s: the same verdict and the same errors, for every kind of value', (type, build) => {
    for (const [index, timestamp] of [...timestamps, ...(type === 'pong' ? [undefined] : [])].entries()) {
      const at = `timestamps[${index}]`;
      const expected = validateMessage({ type, timestamp });
      let built: unknown;
      try {
        built = build(timestamp);
      } catch (error) {
        expect(error, at).toBeInstanceOf(MessageValidationError);
        expect(expected.ok, at).toBe(false);
        if (!expected.ok) expect((error as MessageValidationError).errors, at).toEqual(expected.errors);
        continue;
      }
      expect(expected.ok, at).toBe(true);
      expect(built).toEqual({ type, timestamp });
    }
  });

  it('says so when Object.prototype is polluted, as validateMessage does (a key for...in sees)', () => {
    const expected = validateMessage({ type: 'ping', timestamp: 5 });
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      const polluted = validateMessage({ type: 'ping', timestamp: 5 });
      expect(polluted.ok).toBe(false);
      expect(() => createPing(5, { validate: true })).toThrow('invalid ping message: /polluted expected no property "polluted" (unknown to the schema), got 1');
      try {
        createPing(5, { validate: true });
      } catch (error) {
        expect((error as MessageValidationError).errors).toEqual(!polluted.ok && polluted.errors);
      }
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    expect(expected.ok).toBe(true);
  });

  it('a ping whose timestamp cannot be read: MessageValidationError with { validate: true }, its own error without', () => {
    const hostile = { type: 'ping', get timestamp(): number { throw new Error('ts!'); } } as PingMessage;
    expect(() => createPong(hostile, { validate: true })).toThrow('invalid pong message: /timestamp expected a plain JSON value, got a value that throws when read (Error: ts!)');
    expect(() => createPong(hostile)).toThrow('ts!');
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(() => createPong(revoked.proxy as PingMessage, { validate: true })).toThrow(MessageValidationError);
  });

  it('untyped code that passes the options first, or no ping, gets a TypeError, not a message that goes out wrong', () => {
    // Before, createPing({ validate: true }) returned { type: 'ping', timestamp: { validate: true } }.
    expect(() => createPing({ validate: true } as unknown as number)).toThrow(/^createPing\(timestamp\?, options\?\) takes the timestamp first, got an object; options go second/);
    // And null, which went out as `timestamp: null` (createPong refused it already).
    expect(() => createPing(null as unknown as number)).toThrow('createPing(timestamp?, options?) takes the timestamp first, got null (leave it out for now)');
    expect(() => createPing(null as unknown as number, { validate: true })).toThrow('invalid ping message: /timestamp expected an integer, got null');
    expect(() => (createPong as (...args: unknown[]) => unknown)()).toThrow(TypeError);
    expect(() => createPong({} as PingMessage)).toThrow('createPong(ping, options?) needs the ping being answered or its timestamp, got an object without a timestamp');
    // Options given first (untyped code): said so, where it said "got none" (found by a fresh user).
    expect(() => createPong({ validate: true } as unknown as PingMessage)).toThrow('createPong(ping, options?) needs the ping being answered or its timestamp, got the options: they go second, createPong(ping, { validate: true })');
    expect(() => (createPong as () => unknown)()).toThrow('createPong(ping, options?) needs the ping being answered or its timestamp, got none');
    // null was taken as the timestamp: { type: 'pong', timestamp: null } went out (found by a hostile tester).
    expect(() => createPong(null as unknown as PingMessage)).toThrow('createPong(ping, options?) needs the ping being answered or its timestamp, got null');
    expect(() => createPong(null as unknown as PingMessage, { validate: true })).toThrow('invalid pong message: /timestamp expected an integer, got null');
    // With { validate: true }, what validation says, as before.
    expect(() => createPong({} as PingMessage, { validate: true })).toThrow(MessageValidationError);
    // NaN and ±Infinity went out as `timestamp: null`, a string as a string (a fresh user).
    for (const [bad, shown] of [[NaN, 'NaN (not a finite number)'], [Infinity, 'Infinity (not a finite number)'], ['123', '"123"']] as const) {
      expect(() => createPing(bad as number)).toThrow(new TypeError(`createPing(timestamp?, options?) takes a timestamp in milliseconds since the epoch, got ${shown}`));
      expect(() => createPong(bad as number)).toThrow(new TypeError(`createPong(ping, options?) needs a timestamp in milliseconds since the epoch, got ${shown}`));
      expect(() => createPong({ type: 'ping', timestamp: bad as number })).toThrow(TypeError);
      expect(() => createPing(bad as number, { validate: true })).toThrow(MessageValidationError);
    }
  });

  it('refuses options that are not an object, which built without the validation asked for (found by a hostile tester)', () => {
    expect(() => createPing(1.5, 'validate' as never)).toThrow('createPing(timestamp?, options?): options must be an object such as { validate: true }, got "validate"');
    expect(() => createPong(1.5, true as never)).toThrow('createPong(ping, options?): options must be an object such as { validate: true }, got true');
    expect(() => createMessage('trades', tradeData, 'validate' as never)).toThrow(/^createMessage\(type, data, options\?\): options must be an object/);
    // A misspelt option: the message went out unchecked (a fresh user).
    expect(() => serializeMessage(createMessage('trades', {} as never), { valdiate: true } as never)).toThrow(new TypeError('serializeMessage(message, options?): unknown option "valdiate"; the options are validate'));
    expect(() => createMessage('trades', tradeData, { validate: true, timestamp: 'now' } as never)).toThrow(new TypeError('createMessage(type, data, options?): unknown option "timestamp"; the options are validate and ts'));
    expect(() => createPing(1, { Validate: true } as never)).toThrow(/^createPing\(timestamp\?, options\?\): unknown option "Validate"/);
    expect(() => createPong(1, { valid: true } as never)).toThrow(/^createPong\(ping, options\?\): unknown option "valid"/);
    // An array held no misspelt key, and a validate that is not a boolean was read as truthy or not:
    // `{ validate: 'false' }` (an environment variable passed on) validated, `{ validate: 0 }` did not.
    // A Date is no options object: said how to pass it (a fresh user was told options go second).
    expect(() => createPing(new Date(0) as never)).toThrow(new TypeError('createPing(timestamp?, options?) takes a timestamp in milliseconds since the epoch, got a Date: pass date.getTime()'));
    expect(() => createPing(1, [] as never)).toThrow(new TypeError('createPing(timestamp?, options?): options must be an object such as { validate: true }, got an empty array'));
    expect(() => createPing(1, { validate: 'yes' } as never)).toThrow(new TypeError('createPing(timestamp?, options?): options.validate must be true or false, got "yes"'));
    expect(() => createPong(1, { validate: 0 } as never)).toThrow(new TypeError('createPong(ping, options?): options.validate must be true or false, got 0'));
    expect(() => createMessage('trades', tradeData, { validate: 'false' } as never)).toThrow(/^createMessage\(type, data, options\?\): options.validate must be true or false, got "false"$/);
    expect(() => serializeMessage(createPing(1), { validate: null } as never)).toThrow(/options.validate must be true or false, got null$/);
    expect(createPing(1, { validate: false })).toEqual({ type: 'ping', timestamp: 1 });
    expect(createPing(1, { validate: undefined })).toEqual({ type: 'ping', timestamp: 1 });
    expect(createMessage('trades', tradeData, { validate: true, ts: '2026-01-14T16:30:00.000Z' }).ts).toBe('2026-01-14T16:30:00.000Z');
    // Untyped code: a type without an envelope, or no data, with or without validation (it built them silently: a fresh user).
    for (const options of [undefined, { validate: true }]) {
      expect(() => createMessage('orders' as never, {} as never, options)).toThrow(new TypeError('createMessage(type, data, options?) needs the type of a message with data (connection, trades, bots, balances, decisions, metrics, whale, alerts, system_health, wallet, ai_tasks, error), got "orders"'));
      expect(() => createMessage('ping' as never, {} as never, options)).toThrow(/got "ping"; ping and pong are flat: createPing\(\), createPong\(ping\)$/);
      expect(() => createMessage(undefined as never, {} as never, options)).toThrow(/needs the type of a message with data \(.*\), got nothing$/);
      // A misspelt type is asked about, as the validators ask (a fresh user).
      expect(() => createMessage('trade' as never, {} as never, options)).toThrow(/needs the type of a message with data \(.*\), got "trade"; did you mean "trades"\?$/);
      expect(() => (createMessage as (type: string) => unknown)('trades')).toThrow(new TypeError("createMessage(type, data, options?) needs the trades message's data, got nothing"));
    }
    expect(() => serializeMessage(createPing(1), true as never)).toThrow(/^serializeMessage\(message, options\?\): options must be an object/);
    // A message without JSON text: the frame would have been `undefined` (typed string).
    expect(() => serializeMessage(undefined as never)).toThrow('serializeMessage(message, options?) needs a message object, got nothing');
    // An invalid Date says which option, not "Invalid time value".
    expect(() => createMessage('trades', tradeData, { ts: new Date(Number.NaN) })).toThrow(new RangeError('createMessage(type, data, options?): options.ts is an invalid Date (its time is NaN)'));
  });

  it('refuses as options.ts a Date RFC 3339 cannot write, outside the years 0001 to 9999', () => {
    // toISOString gives "+055840-…" or "0000-…": a ts no consumer accepts, sent silently
    // without validation (seconds multiplied by 1000 twice: a fresh user).
    expect(() => createMessage('trades', tradeData, { ts: new Date(1.7e15) })).toThrow(new RangeError('createMessage(type, data, options?): options.ts must be a Date from 0001-01-01 to 9999-12-31 UTC (RFC 3339 has four-digit years), got +055840-11-08T22:13:20.000Z (1700000000000000 ms since the epoch)'));
    expect(() => createMessage('trades', tradeData, { ts: new Date(8.64e15) })).toThrow(/^createMessage\(type, data, options\?\): options\.ts must be a Date from 0001-01-01 to 9999-12-31 UTC .*, got \+275760-09-13T00:00:00\.000Z \(8640000000000000 ms since the epoch\)$/);
    expect(() => createMessage('trades', tradeData, { ts: new Date('0000-12-31T23:59:59.999Z') })).toThrow(/, got 0000-12-31T23:59:59\.999Z \(-62135596800001 ms since the epoch\)$/);
    expect(() => createMessage('trades', tradeData, { ts: new Date(-8.64e15) })).toThrow(/, got -271821-04-20T00:00:00\.000Z /);
    // The first and last instants it can write are stamped as given.
    expect(createMessage('trades', tradeData, { ts: new Date('0001-01-01T00:00:00.000Z') }).ts).toBe('0001-01-01T00:00:00.000Z');
    expect(createMessage('trades', tradeData, { ts: new Date('9999-12-31T23:59:59.999Z'), validate: true }).ts).toBe('9999-12-31T23:59:59.999Z');
    expect(() => createMessage('trades', tradeData, { ts: new Date(Date.UTC(10_000, 0, 1)) })).toThrow(/, got \+010000-01-01T00:00:00\.000Z /);
  });

  it('names the fault in the message, as the other builders do', () => {
    expect(() => createPing(Number.NaN, { validate: true })).toThrow('invalid ping message: /timestamp expected an integer, got NaN (not a finite number)');
    expect(() => createPing(8_640_000_000_000_001, { validate: true })).toThrow('invalid ping message: /timestamp expected a number <= 8640000000000000, got 8640000000000001');
    expect(() => createPong({} as PingMessage, { validate: true })).toThrow('invalid pong message: /timestamp expected required property "timestamp", got nothing');
  });
});

describe('builders given what JSON cannot hold', () => {
  it('a BigInt or a cycle is an error at its pointer, not at the root', () => {
    expect(() => createMessage('trades', { ...tradeData, price: 5n as unknown as number }, { validate: true })).toThrow('invalid trades message: /data/price expected a JSON value, got a bigint 5n; JSON has no BigInt: JSON.stringify would throw');
    const cyclic = { ...tradeData } as Record<string, unknown>;
    cyclic.self = { back: cyclic };
    expect(() => serializeMessage(createMessage('trades', cyclic as unknown as TradeData), { validate: true })).toThrow('invalid trades message: /data/self/back expected a JSON value, got a reference to /data, which holds it (a cycle)');
    // The same object twice, side by side, is no cycle: the schema judges it.
    const shared = { a: 1 };
    expect(() => createMessage('ai_tasks', { task_id: 't', task_type: 'prediction', status: 'running', progress: 0.5, result: { x: shared, y: shared }, started_at: null, completed_at: null } as never, { validate: true })).not.toThrow();
  });

  it('a value nested deeper than JSON.stringify can write is said to be, where its stack ran out, not to throw when read at the root (a fresh user)', () => {
    // validateMessage takes it (it does not recurse); JSON.stringify overflows its stack a few thousand levels down.
    let deep: Record<string, unknown> = {};
    const result = deep;
    for (let i = 0; i < 100_000; i++) deep = deep.k = {};
    const data = { task_id: 't', task_type: 'prediction', status: 'completed', progress: 1, result: { x: result }, started_at: null, completed_at: null } as never;
    const message = { type: 'ai_tasks', data, ts: '2026-01-14T16:30:00.000Z' } as const;
    expect(validateMessage(message).ok).toBe(true);
    for (const build of [() => serializeMessage(message as never, { validate: true }), () => createMessage('ai_tasks', data, { validate: true })]) {
      let thrown: unknown;
      try {
        build();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(MessageValidationError);
      const [error] = (thrown as MessageValidationError).errors;
      // The pointer is where it ran out, and its depth is the one said.
      expect(error.pointer).toMatch(/^\/data\/result\/x(\/k)+$/);
      const depth = error.pointer.split('/').length - 1;
      expect(depth).toBeGreaterThan(100);
      expect(error).toMatchObject({ keyword: 'type', expected: 'a value nested no deeper than JSON.stringify can write', found: `a value nested more than ${depth} levels deep (RangeError: Maximum call stack size exceeded)` });
      expect((thrown as Error).message).toMatch(/^invalid ai_tasks message: \/data\/result\/x\/k\/k.*\.\.\. expected a value nested no deeper than JSON.stringify can write, got a value nested more than \d+ levels deep/);
    }
    // Without validation, JSON.stringify's own RangeError, as the docstring says.
    expect(() => serializeMessage(message as never)).toThrow(RangeError);
    // A getter that recurses for ever overflows the stack too, but it throws when read: said so, at its place.
    const looping = { get again(): unknown { return looping.again; } };
    expect(() => createMessage('ai_tasks', { task_id: 't', task_type: 'prediction', status: 'completed', progress: 1, result: { looping }, started_at: null, completed_at: null } as never, { validate: true }))
      .toThrow(/^invalid ai_tasks message: \/data\/result\/looping\/again expected a plain JSON value, got a value that throws when read \(RangeError: Maximum call stack size exceeded\)$/);
  });

  it('options.ts that is neither a Date nor a string, and a message that is not an object, are said so', () => {
    expect(() => createMessage('trades', tradeData, { ts: 5 as unknown as string })).toThrow(new TypeError('createMessage(type, data, options?): options.ts must be a Date or an RFC 3339 string, got 5'));
    expect(() => createMessage('trades', tradeData, { ts: null as unknown as string })).toThrow(new TypeError('createMessage(type, data, options?): options.ts must be a Date or an RFC 3339 string, got null'));
    // A string is checked as the type says it must be (RFC 3339, as strict validation reads it): 'yesterday' went out as ts (tBT F4).
    for (const ts of ['yesterday', '2026-01-14 16:30:00Z', '2026-01-14T16:30:00', '2026-13-01T00:00:00Z', '2026-01-14t16:30:00z', '1705251000000']) {
      expect(() => createMessage('trades', tradeData, { ts }), ts).toThrow(new RangeError(`createMessage(type, data, options?): options.ts must be an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z" (its form: upper-case T and Z, a UTC offset, month 01 to 12, day 01 to 31) or a Date, got ${JSON.stringify(ts)}`));
    }
    // The form only, as the docstring says (tBZ F1): a date the calendar lacks is built as given, and strict validation refuses it at /ts.
    for (const ts of ['2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-01-14T24:00:00Z']) {
      expect(createMessage('trades', tradeData, { ts }).ts, ts).toBe(ts);
      expect(() => createMessage('trades', tradeData, { ts, validate: true }), ts).toThrow(/^invalid trades message: \/ts expected an RFC 3339 date-time/);
    }
    // A Date from another realm (a vm context, an iframe) is a Date all the same.
    expect(createMessage('trades', tradeData, { ts: runInNewContext('new Date(0)') as Date }).ts).toBe('1970-01-01T00:00:00.000Z');
    expect(() => serializeMessage(undefined as never, { validate: true })).toThrow('invalid untyped message: (root) expected a message object, got nothing');
  });

  it('refuses options.ts of month 13 without { validate: true }, as a RangeError naming the call; and a day, hour or minute out of range (README, Building messages; tBX F6)', () => {
    // The form alone matches these: Date.parse refuses their fields (the JSDoc's "month 13").
    for (const ts of ['2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-32T00:00:00Z', '2026-01-14T25:00:00Z', '2026-01-14T16:60:00Z']) {
      expect(() => createMessage('trades', tradeData, { ts }), ts).toThrow(new RangeError(`createMessage(type, data, options?): options.ts must be an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z" (its form: upper-case T and Z, a UTC offset, month 01 to 12, day 01 to 31) or a Date, got ${JSON.stringify(ts)}`));
    }
    expect(createMessage('trades', tradeData, { ts: '2026-12-31T23:59:59.999Z' }).ts).toBe('2026-12-31T23:59:59.999Z');
  });

  it('validateMessage cuts a long unknown key in its text (the pointer names it whole)', () => {
    const key = 'k'.repeat(100_000);
    const result = validateMessage({ type: 'ping', timestamp: 1, [key]: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0].message).toBe(`expected no property "${'k'.repeat(57)}..." (unknown to the schema), got 1`);
      expect(result.errors[0].pointer).toBe(`/${key}`);
    }
  });
});

describe('serializeMessage', () => {
  it('gives the JSON text of one frame', () => {
    const message = createMessage('trades', tradeData, { ts: '2026-01-14T16:30:00.000Z' });
    expect(JSON.parse(serializeMessage(message))).toEqual(message);
  });

  it('validates the text that goes on the wire with { validate: true }', () => {
    const inherited = Object.create({ data: { status: 'connected', mode: 'ws' }, ts: '2026-01-14T16:30:00.000Z' }) as Record<string, unknown>;
    inherited.type = 'connection';
    expect(() => serializeMessage(inherited as unknown as Parameters<typeof serializeMessage>[0], { validate: true })).toThrow(
      'invalid connection message: /data expected required property "data", got nothing',
    );
    expect(() => serializeMessage(null as unknown as Parameters<typeof serializeMessage>[0], { validate: true })).toThrow(MessageValidationError);
    // validateMessage judges the value as JavaScript reads it (README): the inherited fields count there.
    expect(validateMessage(inherited).ok).toBe(true);
  });

  it('refuses a string with half a surrogate pair alone with { validate: true }, as createMessage does: listen and validate refuse it, JSON Schema does not see it (a hostile tester)', () => {
    // A title cut inside an emoji: 'price \u{1F600}'.slice(0, 7).
    const alert = { id: 'a', severity: 'info', category: 'system', title: 'price \ud83d', message: 'm', bot_id: null, platform: null, action_required: false, timestamp: '2026-01-14T16:30:00.000Z' } as const;
    const message = createMessage('alerts', alert, { ts: '2026-01-14T16:30:00.000Z' });
    expect(validateMessage(message).ok).toBe(true);
    expect(serializeMessage(message)).toContain('"title":"price \\ud83d"');
    const refused = /^invalid alerts message: \/data\/title expected text whose surrogate escapes come in pairs \(I-JSON, RFC 7493 §2\.1\), got "price \\ud83d"/;
    expect(() => serializeMessage(message, { validate: true })).toThrow(refused);
    expect(() => createMessage('alerts', alert, { validate: true })).toThrow(refused);
    try {
      createMessage('alerts', alert, { validate: true });
    } catch (error) {
      expect((error as MessageValidationError).errors[0]).toMatchObject({ pointer: '/data/title', keyword: 'loneSurrogate' });
    }
    // A whole pair passes.
    expect(serializeMessage(createMessage('alerts', { ...alert, title: 'price \u{1F600}' }), { validate: true })).toContain('\u{1F600}');
  });

  it('validates first with { validate: true }', () => {
    const message = { type: 'pong', timestamp: 'now' } as unknown as Parameters<typeof serializeMessage>[0];
    expect(() => serializeMessage(message, { validate: true })).toThrow(/\/timestamp expected an integer/);
  });
});
