import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/runtime/parse.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { checkMessage } from '../../generated/validators.js';
import { FIXTURES } from '../support/fixtures.js';

const trade = JSON.parse(readFileSync(path.join(FIXTURES, 'valid/spec/trades.json'), 'utf8')) as { type: 'trades'; data: Record<string, unknown>; ts: string };

describe('validateMessage', () => {
  it('returns the input itself as the typed message', () => {
    const result = validateMessage(trade);
    expect(result.ok && result.message).toBe(trade);
  });

  it('defaults to strict mode: an unknown field is rejected', () => {
    const result = validateMessage({ ...trade, data: { ...trade.data, venue: 'x' } });
    expect(result.ok).toBe(false);
  });

  it('lets unknown fields pass in tolerant mode, at every level', () => {
    const newer = { ...trade, trace_id: 'abc', data: { ...trade.data, venue: 'x' } };
    expect(validateMessage(newer, { mode: 'tolerant' }).ok).toBe(true);
  });

  it('still rejects a known field with a wrong value in tolerant mode', () => {
    const result = validateMessage({ ...trade, data: { ...trade.data, quantity: '1' } }, { mode: 'tolerant' });
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('accepts a value outside a closed list in tolerant mode, with a notice per value (issue 13)', () => {
    const newer = { ...trade, data: { ...trade.data, platform: 'coinbase', side: 'short' } };
    const result = validateMessage(newer, { mode: 'tolerant' });
    expect(result).toEqual({
      ok: true,
      message: newer,
      notices: [
        { pointer: '/data/platform', value: 'coinbase', known: ['luno', 'binance', 'kucoin', 'kraken', 'valr'] },
        { pointer: '/data/side', value: 'short', known: ['buy', 'sell'] },
      ],
    });
    expect(validateMessage(newer)).toMatchObject({ ok: false, errors: [{ pointer: '/data/platform', keyword: 'enum' }] });
    // The notices belong to one call: the next clean message carries none.
    expect(validateMessage(trade, { mode: 'tolerant' })).toEqual({ ok: true, message: trade });
  });

  it('reports a notice inside a nullable closed list and inside a map of objects', () => {
    const alert = { type: 'alerts', data: { id: 'a1', severity: 'info', title: 't', message: 'm', category: 'risk', bot_id: null, platform: 'bitstamp', action_required: false, timestamp: trade.ts }, ts: trade.ts };
    const result = validateMessage(alert, { mode: 'tolerant' });
    if (result.ok) expect(result.notices).toEqual([{ pointer: '/data/platform', value: 'bitstamp', known: ['luno', 'binance', 'kucoin', 'kraken', 'valr'] }]);
    else expect.fail(result.errors[0]!.message);
  });

  it('reports no notice for a null that a nullable closed list allows', () => {
    // The valid system-wide alert: platform null matches `anyOf: [Platform, null]`, it is not an unknown exchange.
    const alert = { type: 'alerts', data: { id: 'a1', severity: 'info', title: 't', message: 'm', category: 'system', bot_id: null, platform: null, action_required: false, timestamp: trade.ts }, ts: trade.ts };
    expect(validateMessage(alert, { mode: 'tolerant' })).toEqual({ ok: true, message: alert });
  });

  it('reports an unknown type as its own reason, in both modes', () => {
    for (const mode of ['strict', 'tolerant'] as const) {
      const result = validateMessage({ type: 'orders', data: {}, ts: trade.ts }, { mode });
      expect(result).toMatchObject({ ok: false, reason: 'unknown-type' });
      if (!result.ok) expect(result.errors[0]).toMatchObject({ pointer: '/type', keyword: 'discriminator', found: '"orders"' });
    }
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('treats the inherited name %s as an unknown type', (type) => {
    expect(validateMessage({ type, data: {}, ts: trade.ts })).toMatchObject({ ok: false, reason: 'unknown-type' });
  });

  it.each([null, 42, 'trades', [trade], undefined])('rejects %j, which is not a message object', (value) => {
    const result = validateMessage(value);
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    if (!result.ok) expect(result.errors[0]).toMatchObject({ pointer: '', keyword: 'type' });
  });

  it('says where, what was expected and what was found, in one line', () => {
    const result = validateMessage({ ...trade, data: { ...trade.data, quantity: '0.001' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { pointer: '/data/quantity', keyword: 'type', message: 'expected a number, got a string "0.001"', expected: 'a number', found: 'a string "0.001"' },
    ]);
  });

  it('points into a nullable object when one of its fields is wrong', () => {
    const decision = JSON.parse(readFileSync(path.join(FIXTURES, 'valid/spec/decisions.json'), 'utf8')) as { data: Record<string, unknown> };
    const result = validateMessage({ ...decision, data: { ...decision.data, stops: { stop_loss: 'low', take_profit: null } } });
    expect(!result.ok && result.errors[0]).toMatchObject({ pointer: '/data/stops/stop_loss', keyword: 'type' });
    const wrongShape = validateMessage({ ...decision, data: { ...decision.data, stops: 5 } });
    expect(!wrongShape.ok && wrongShape.errors[0]).toMatchObject({ pointer: '/data/stops', keyword: 'anyOf', expected: 'an object or null' });
  });

  it('escapes the pointer of an unknown field with / or ~ in its name (RFC 6901)', () => {
    const result = validateMessage({ ...trade, data: { ...trade.data, 'a/b~c': 1 } });
    expect(!result.ok && result.errors[0]!.pointer).toBe('/data/a~1b~0c');
  });

  it('calls a non-finite number what it is', () => {
    const result = parseMessage(JSON.stringify(trade).replace('"quantity":0.001', '"quantity":1e999'));
    expect(!result.ok && result.errors[0]!.message).toBe('expected a number, got Infinity (not a finite number)');
  });

  it('never throws on a value whose properties throw when read, and says where', () => {
    const hostile = Object.defineProperty({}, 'type', { get: () => { throw new Error('boom'); }, enumerable: true });
    expect(validateMessage(hostile)).toMatchObject({ ok: false, reason: 'invalid', errors: [{ pointer: '/type' }] });
    // Before, both were reported at the root.
    const data = Object.defineProperty({ ...trade.data }, 'price', { get: () => { throw new Error('boom'); }, enumerable: true });
    expect(validateMessage({ ...trade, data })).toMatchObject({ ok: false, errors: [{ pointer: '/data/price', message: 'expected a plain JSON value, got a value that throws when read (Error: boom)' }] });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(validateMessage({ ...trade, data: revoked.proxy })).toMatchObject({ ok: false, errors: [{ pointer: '/data' }] });
  });

  it('describes the value it judged, even where a getter answers differently when read again', () => {
    let reads = 0;
    const data = Object.defineProperty({ ...trade.data }, 'side', { get: () => (reads++ % 2 === 0 ? 'HOLD' : 'buy'), enumerable: true });
    const result = validateMessage({ ...trade, data });
    // Before, the error said `got "buy"`: the value was read again to be described.
    expect(!result.ok && result.errors[0]).toMatchObject({ pointer: '/data/side', found: '"HOLD"' });
  });

  it('a getter that validates another message while one is being validated leaves each its own errors (the validators share one error slot)', () => {
    // The inner rejection is handed over before the outer validation goes on.
    let inner: unknown;
    const data = Object.defineProperty({ ...trade.data }, 'side', {
      get: () => {
        inner = validateMessage({ type: 'pong', timestamp: -1 });
        return 'HOLD';
      },
      enumerable: true,
    });
    expect(validateMessage({ ...trade, data })).toMatchObject({ ok: false, errors: [{ pointer: '/data/side', found: '"HOLD"' }] });
    expect(inner).toMatchObject({ ok: false, errors: [{ pointer: '/timestamp', keyword: 'minimum' }] });
    // And one that passes leaves nothing behind for the outer one.
    const passing = Object.defineProperty({ ...trade.data }, 'side', { get: () => (validateMessage({ type: 'pong', timestamp: -1 }), 'buy'), enumerable: true });
    expect(validateMessage({ ...trade, data: passing })).toMatchObject({ ok: true });
  });

  it('asks a getter for `type` once, and judges the value it answered', () => {
    for (const [message, other] of [[trade, 'bots'], [{ type: 'ping', timestamp: 1 }, 'pong'], [{ type: 'pong', timestamp: 1 }, 'ping']] as const) {
      let reads = 0;
      const value = Object.defineProperty({ ...message }, 'type', { get: () => (reads++ === 0 ? message.type : other), enumerable: true });
      // Before, the validator read it a second time and rejected its own dispatch (`/type` const).
      expect(validateMessage(value), message.type).toEqual({ ok: true, message: value });
      expect(reads, message.type).toBe(1);
    }
  });

  it('generated checkMessage judges the message\'s own type unless told the type was read from it (found by a reviewer)', () => {
    expect(checkMessage('ping', { type: 'pong', timestamp: 1 }, 'strict')).toMatchObject([{ instancePath: '/type', keyword: 'const' }]);
    expect(checkMessage('ping', { timestamp: 1 }, 'strict')).toMatchObject([{ keyword: 'required', params: { missingProperty: 'type' } }]);
    expect(checkMessage('ping', { type: 'ping', timestamp: 1 }, 'strict')).toBeNull();
    expect(checkMessage('ping', { type: 'ping', timestamp: 1 }, 'strict', undefined, true)).toBeNull();
  });

  it('throws a TypeError for a mode that does not exist', () => {
    expect(() => validateMessage(trade, { mode: 'lenient' as 'strict' })).toThrow(TypeError);
  });

  it('names the call in its options errors, as the builders do: a bare "options must be an object" thrown in a socket handler gave a log reader nothing to search for (tAP F1)', () => {
    const frame = JSON.stringify(trade);
    const cases: [options: unknown, tail: string][] = [
      [{ mode: 'lax' }, 'options.mode must be "strict" or "tolerant", got "lax"'],
      // null (JSON has no undefined: a config's mode) ran strict silently, where direction: null threw (tAV F4).
      [{ mode: null }, 'options.mode must be "strict" or "tolerant", got null'],
      [{ mdoe: 'tolerant' }, 'unknown option "mdoe"; the options are mode and direction'],
      ['tolerant', `options must be an object such as { mode: 'tolerant' }, got "tolerant"`],
      [{ direction: 'up' }, 'options.direction must be "client-to-server" or "server-to-client", got "up"'],
    ];
    for (const [options, tail] of cases) {
      expect(() => validateMessage(trade, options as never)).toThrow(new TypeError(`validateMessage(value, options?): ${tail}`));
      // parseMessage's own name, on a frame that is JSON (validateMessage's check ran there) and on one that is not.
      expect(() => parseMessage(frame, options as never)).toThrow(new TypeError(`parseMessage(frame, options?): ${tail}`));
      expect(() => parseMessage('{"type":', options as never)).toThrow(new TypeError(`parseMessage(frame, options?): ${tail}`));
    }
  });

  it('throws a TypeError for options that are not an object, which ran in strict mode silently (found by a hostile tester)', () => {
    expect(() => validateMessage(trade, 'tolerant' as never)).toThrow(`validateMessage(value, options?): options must be an object such as { mode: 'tolerant' }, got "tolerant"`);
    expect(() => parseMessage(JSON.stringify(trade), 'tolerant' as never)).toThrow(`parseMessage(frame, options?): options must be an object such as { mode: 'tolerant' }, got "tolerant"`);
    expect(() => validateMessage(trade, true as never)).toThrow(TypeError);
    expect(validateMessage(trade, null as never).ok).toBe(true);
  });

  it('parseMessage throws the same TypeError for bad options whatever the frame, not only when it is JSON, in its own name (found by a fresh user)', () => {
    const frames: unknown[] = [JSON.stringify(trade), '{"type":', new Uint8Array([0x7b, 0xff]), 42, new Blob(['{}'])];
    for (const options of ['tolerant', [], { mdoe: 'tolerant' }, { mode: 'lenient' }, { direction: 'up' }, true]) {
      let expected: unknown;
      try {
        validateMessage(trade, options as never);
      } catch (error) {
        expected = error;
      }
      expect(expected, JSON.stringify(options)).toBeInstanceOf(TypeError);
      expected = new TypeError((expected as TypeError).message.replace(/^validateMessage\(value, options\?\)/, 'parseMessage(frame, options?)'));
      // A bad JSON frame or bytes that are not UTF-8 returned a result: the TypeError came only with the first good frame.
      for (const frame of frames) expect(() => parseMessage(frame as string, options as never), `${JSON.stringify(options)} ${String(frame)}`).toThrow(expected as TypeError);
    }
    // Good options on a bad frame: a result, as before.
    for (const frame of frames.slice(1)) expect(parseMessage(frame as string, { mode: 'tolerant' })).toMatchObject({ ok: false, reason: 'json' });
  });

  it('throws a TypeError for a misspelt option, which ran in strict mode silently (found by a fresh user)', () => {
    const extra = { ...trade, data: { ...trade.data, extra: 1 } };
    expect(() => validateMessage(extra, { mdoe: 'tolerant' } as never)).toThrow(new TypeError('validateMessage(value, options?): unknown option "mdoe"; the options are mode and direction'));
    expect(() => parseMessage(JSON.stringify(extra), { Mode: 'tolerant' } as never)).toThrow(/^parseMessage\(frame, options\?\): unknown option "Mode"/);
    // An array holds no key to call misspelt, yet it is not the options object either.
    expect(() => validateMessage(extra, [] as never)).toThrow(new TypeError("validateMessage(value, options?): options must be an object such as { mode: 'tolerant' }, got an empty array"));
    expect(() => parseMessage(JSON.stringify(extra), [] as never)).toThrow(/^parseMessage\(frame, options\?\): options must be an object/);
    // The options are the caller's own: a getter of theirs that throws is their error, as it was thrown.
    const boom = new Error('boom');
    expect(() => validateMessage(extra, { get mode(): never { throw boom; } } as never)).toThrow(boom);
    // No key at all is strict mode, as no options; so are options passed on undefined (a reviewer: they threw).
    expect(validateMessage(trade, {}).ok).toBe(true);
    expect(validateMessage(extra, { mode: undefined, direction: undefined }).ok).toBe(false);
    expect(parseMessage(JSON.stringify(trade), { mode: undefined }).ok).toBe(true);
    expect(validateMessage(extra, { mode: 'tolerant' }).ok).toBe(true);
  });

  it('serializes a rejection with its errors', () => {
    const result = validateMessage({ ...trade, ts: 'yesterday' });
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ ok: false, reason: 'invalid', errors: [{ pointer: '/ts', keyword: 'format' }] });
  });

  it('keeps each rejection\'s own errors after later validations', () => {
    const first = validateMessage({ ...trade, ts: 'yesterday' });
    validateMessage({ ...trade, data: { ...trade.data, side: 'hold' } });
    expect(!first.ok && first.errors[0]!.pointer).toBe('/ts');
  });

  it('describes a deeply nested unknown value without walking it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const result = validateMessage({ ...trade, data: deep });
    expect(!result.ok && result.errors[0]).toMatchObject({ pointer: '/data', keyword: 'type', found: 'an array of 1 item' });
  });
});

describe('parseMessage', () => {
  it('parses and validates one frame', () => {
    expect(parseMessage(JSON.stringify(trade))).toEqual({ ok: true, message: trade });
  });

  it('takes the bytes a socket delivers: ArrayBuffer, Uint8Array, Buffer', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(trade));
    expect(parseMessage(bytes)).toEqual({ ok: true, message: trade });
    expect(parseMessage(bytes.buffer)).toEqual({ ok: true, message: trade });
    expect(parseMessage(Buffer.from(bytes))).toEqual({ ok: true, message: trade });
  });

  it.each([undefined, {}, 42])('rejects %j, which is not a frame, without throwing', (frame) => {
    const result = parseMessage(frame as unknown as string);
    expect(result).toMatchObject({ ok: false, reason: 'json' });
    if (!result.ok) expect(result.errors[0]!.expected).toBe('JSON text: a string, or UTF-8 bytes (ArrayBuffer, Uint8Array, Buffer, or an array of them)');
  });

  it.each([
    ['{"type": x}', 9],
    ['{"type":"ping","timestamp":1,}', 29],
    ['{"type":"ping"', 14],
    ['', 0],
    ['nope', 1],
    ['{"a":1} trailing', 8],
    ['{"a":tru}', 8],
  ])('turns malformed JSON %j into a json error at position %i, never an exception', (text, position) => {
    const result = parseMessage(text);
    expect(result).toMatchObject({ ok: false, reason: 'json' });
    if (!result.ok) expect(result.errors[0]).toMatchObject({ pointer: '', keyword: 'json', position });
  });

  it.each([
    ['\ufeff', 'U+FEFF (a byte-order mark)'],
    ['\u00a0', 'U+00A0 (an invisible character)'],
    ['\u200b', 'U+200B (an invisible character)'],
    ['\u202e', 'U+202E (an invisible character)'],
    ['\u2028', 'U+2028 (an invisible character)'],
    ['\u0001', 'U+0001 (an invisible character)'],
    ['\ufe0f', 'U+FE0F (an invisible character)'],
    ['\u3164', 'U+3164 (an invisible character)'],
    ['😀', '"😀"'],
    ['x', '"x"'],
  ])('names a stray %j so that it can be seen: %s', (char, found) => {
    const result = parseMessage(`{"type":"ping","timestamp":1${char}}`);
    expect(!result.ok && result.errors[0]!.found).toBe(`${found} at position 28 (Expected ',' or '}' after property value)`);
  });

  it('passes the mode on', () => {
    const text = JSON.stringify({ type: 'pong', timestamp: 1, extra: true });
    expect(parseMessage(text).ok).toBe(false);
    expect(parseMessage(text, { mode: 'tolerant' }).ok).toBe(true);
  });
});

describe('generated validators', () => {
  it('import and run from a folder where ajv is not installed, with no require or eval', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'validators-'));
    copyFileSync('generated/validators.js', path.join(dir, 'validators.mjs'));
    writeFileSync(
      path.join(dir, 'run.mjs'),
      `import { checkMessage } from './validators.mjs';
       const trade = ${JSON.stringify(trade)};
       const valid = (errors) => errors === null;
       console.log(JSON.stringify([
         valid(checkMessage('trades', trade, 'strict')),
         valid(checkMessage('trades', { ...trade, x: 1 }, 'strict')),
         valid(checkMessage('trades', { ...trade, x: 1 }, 'tolerant')),
         valid(checkMessage('trades', { ...trade, ts: '2026-02-30T00:00:00Z' }, 'tolerant')),
       ]));`,
    );
    expect(execFileSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8' }).trim()).toBe('[true,false,true,false]');
    const source = readFileSync('generated/validators.js', 'utf8');
    expect(source).not.toMatch(/\brequire\(|new Function|\beval\(/);
  });
});
