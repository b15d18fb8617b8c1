import { once } from 'node:events';
import { inspect } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/runtime/parse.js';
import { validateMessage, type ValidationResult } from '../../src/runtime/validate.js';
import { specExample } from './support.js';

/** Whether `value` is JSON-like data: primitives, arrays and plain objects of own data properties, nothing else. */
function isPlainData(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype) return false;
  return Reflect.ownKeys(value).every((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (Array.isArray(value) && key === 'length') return true;
    return typeof key === 'string' && descriptor.enumerable === true && 'value' in descriptor && isPlainData(descriptor.value);
  });
}

const rejected = (): ValidationResult => validateMessage({ type: 'ping', timestamp: -1 });

describe('results are plain data (issue 8, item 10)', () => {
  it('a rejection survives spread, structuredClone and JSON.stringify', () => {
    const result = rejected();
    const expected = { ok: false, reason: 'invalid', errors: [{ pointer: '/timestamp', keyword: 'minimum', message: 'expected a number >= 0, got -1', expected: 'a number >= 0', found: '-1' }] };
    expect({ ...result }).toEqual(expected);
    expect(structuredClone(result)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(result))).toEqual(expected);
  });

  it('every kind of rejection is plain data', () => {
    const results = [
      rejected(),
      validateMessage({ type: 'orders' }),
      validateMessage(42),
      validateMessage(specExample('trades'), { direction: 'client-to-server' }),
      parseMessage('{"type":'),
      parseMessage(new Uint8Array([0x7b, 0xff, 0x7d])),
      validateMessage(Proxy.revocable({}, {}).proxy),
    ];
    for (const result of results) expect(isPlainData(result), inspect(result)).toBe(true);
  });

  it('a rejection of parseMessage or validateMessage arrives through postMessage (a real MessageChannel) as it was sent', async () => {
    const results = [
      rejected(),
      validateMessage({ type: 'orders' }),
      validateMessage(specExample('trades'), { direction: 'client-to-server' }),
      parseMessage('{"type":'),
      parseMessage(new Uint8Array([0x7b, 0xff, 0x7d])),
    ];
    const { port1, port2 } = new MessageChannel();
    try {
      for (const result of results) {
        expect(result.ok).toBe(false);
        const arrived = once(port2, 'message');
        port1.postMessage(result);
        const [received] = (await arrived) as [unknown];
        expect(received, inspect(result)).toStrictEqual(result);
        expect(received).not.toBe(result);
      }
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('prints as what it is, with no internals', () => {
    expect(inspect(rejected(), { depth: 4, breakLength: Infinity })).toBe(
      "{ ok: false, reason: 'invalid', errors: [ { pointer: '/timestamp', keyword: 'minimum', message: 'expected a number >= 0, got -1', expected: 'a number >= 0', found: '-1' } ] }",
    );
  });

  it('keeps no reference to the rejected input', () => {
    const input = { ...specExample('trades'), extra: { big: 'x'.repeat(1000) } };
    const result = validateMessage(input);
    const reachable = new Set<unknown>();
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null || reachable.has(value)) return;
      reachable.add(value);
      Object.values(value).forEach(walk);
    };
    walk(result);
    expect(reachable.has(input)).toBe(false);
    expect(reachable.has(input.extra)).toBe(false);
    expect(reachable.has(input.data)).toBe(false);
  });

  it('describes the input as it was validated, whatever happens to it later', () => {
    const input = { type: 'ping', timestamp: -1 };
    const result = validateMessage(input);
    input.timestamp = 5;
    expect(!result.ok && result.errors[0]).toMatchObject({ found: '-1', message: 'expected a number >= 0, got -1' });
  });

  it('an accepted message is { ok, message } with the input itself', () => {
    const input = specExample('pong');
    const result = validateMessage(input);
    expect(Object.keys(result)).toEqual(['ok', 'message']);
    expect(result.ok && result.message).toBe(input);
  });
});

describe('never throws on hostile values (issue 8, item 11)', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const throwing = (trap: keyof ProxyHandler<object>) => new Proxy({}, { [trap]: () => { throw new Error(`${trap} trap`); } });
  const traps: (keyof ProxyHandler<object>)[] = ['get', 'getPrototypeOf', 'has', 'ownKeys', 'getOwnPropertyDescriptor'];

  it('validateMessage: a revoked Proxy, or one whose traps throw, is invalid', () => {
    expect(validateMessage(revoked())).toMatchObject({ errors: [{ pointer: '', keyword: 'type', found: expect.stringMatching(/^a value that throws when read \(TypeError: .*revoked/) }] });
    for (const value of [revoked(), ...traps.map(throwing), { type: 'ping', get timestamp(): number { throw Symbol('no'); } }]) {
      expect(validateMessage(value)).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it('parseMessage: a Proxy frame, revoked or with throwing traps, is a json error', () => {
    for (const frame of [revoked(), ...traps.map(throwing), new Proxy([new Uint8Array(1)], { get: () => { throw new Error('get'); } })]) {
      expect(parseMessage(frame as unknown as string)).toMatchObject({ ok: false, reason: 'json' });
    }
  });

  it('parseMessage: a frame that throws when read (a detached buffer, a Proxy) is a json error about the frame, keyword json (found by a fresh user)', () => {
    const detached = new Uint8Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    for (const frame of [detached, revoked(), new Proxy([new Uint8Array(1)], { get: () => { throw new Error('get'); } })]) {
      const result = parseMessage(frame as unknown as string);
      // Was keyword `type`, "expected a plain JSON value": code that switches on the keyword missed it.
      expect(result).toMatchObject({ ok: false, reason: 'json', errors: [{ pointer: '', keyword: 'json', expected: expect.stringMatching(/^JSON text: a string, or UTF-8 bytes/), found: expect.stringMatching(/^a frame that throws when read \((Type)?Error: /) }] });
    }
  });

  it('an exception whose text cannot be made does not escape either', () => {
    const hostile = { toString: () => { throw new Error('no text'); } };
    const value = { type: 'ping', get timestamp(): number { throw hostile; } };
    expect(validateMessage(value)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
