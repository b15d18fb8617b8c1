/**
 * The client's short description of a rejected message (src/client/check.ts): where, what was
 * expected, what was found, in words close to `validateMessage`'s, with the bytes a browser
 * can afford. Found by a hostile tester: a nullable field said only its first branch's type,
 * a `pattern` said its raw parameters, and a long value was cut without a sign.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/client/check.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { example } from './support/helpers.js';

const alert = (data: object) => ({ ...example('alerts'), data: { ...(example('alerts').data as object), ...data } });

describe('the client\'s description of a rejected message', () => {
  it('a nullable field says every type it admits, at the pointer validateMessage gives', () => {
    const value = alert({ bot_id: 5 });
    const full = validateMessage(value, { mode: 'tolerant' });
    const result = check(value);
    expect(result).toEqual({ ok: false, reason: 'invalid', errors: [{ pointer: '/data/bot_id', keyword: 'anyOf', message: 'expected a value of type string or null, got 5' }] });
    expect(full.ok ? undefined : full.errors[0]!.pointer).toBe('/data/bot_id');
  });

  it('a value of a branch\'s type says what that branch and the others admit', () => {
    expect(check(alert({ bot_id: '' }))).toMatchObject({ errors: [{ pointer: '/data/bot_id', keyword: 'anyOf', message: 'expected at least 1 character or null, got ""' }] });
  });

  it('a pattern says what the string must match', () => {
    const result = check({ ...example('trades'), cursor: 'a b' });
    expect(result).toMatchObject({ errors: [{ pointer: '/cursor', keyword: 'pattern', message: 'expected a string matching ^[0-9A-Za-z._~-]{1,128}$, got "a b"' }] });
  });

  it('names the keyword as validateMessage does: the compiled validators\' own x- keywords are no JSON Schema keywords (a fresh user)', () => {
    const cases = [
      { ...example('trades'), ts: 'yesterday' },
      { ...example('decisions'), data: { ...(example('decisions').data as object), sizing: 5 } },
    ];
    for (const value of cases) {
      const full = validateMessage(value, { mode: 'tolerant' });
      const short = check(value);
      expect(short.ok || full.ok ? 'accepted' : short.errors.map(({ pointer, keyword }) => ({ pointer, keyword }))).toEqual(full.ok ? 'accepted' : full.errors.map(({ pointer, keyword }) => ({ pointer, keyword })));
    }
    expect(check(cases[0])).toMatchObject({ errors: [{ pointer: '/ts', keyword: 'format', message: 'expected an RFC 3339 date-time, got "yesterday"' }] });
    expect(check(cases[1])).toMatchObject({ errors: [{ pointer: '/data/sizing', keyword: 'anyOf', message: 'expected an object or null, got 5' }] });
  });

  it('a message without "type" is keyword required at /type, as validateMessage says; a "type" that is no string, keyword type (README: its pointer and keyword are validateMessage\'s; tBX F2)', () => {
    const cases: Array<[unknown, string]> = [[{ data: {} }, 'required'], [{ ...example('trades'), type: undefined }, 'required'], [{ type: 5, data: {} }, 'type'], [{ type: null }, 'type']];
    for (const [value, keyword] of cases) {
      const full = validateMessage(value, { mode: 'tolerant' });
      const short = check(value);
      expect(short.ok ? 'accepted' : short.errors.map(({ pointer, keyword }) => ({ pointer, keyword })), JSON.stringify(value)).toEqual(full.ok ? 'accepted' : full.errors.slice(0, 1).map(({ pointer, keyword }) => ({ pointer, keyword })));
      expect(short.ok ? 'accepted' : short.errors[0], JSON.stringify(value)).toMatchObject({ pointer: '/type', keyword });
    }
  });

  it('a value longer than 80 characters is cut with "..."', () => {
    const long = check({ ...example('trades'), data: { ...(example('trades').data as object), quantity: 'y'.repeat(200) } });
    expect(long.ok ? '' : long.errors[0]!.message).toBe(`expected a value of type number, got "${'y'.repeat(76)}...`);
    const short = check({ ...example('trades'), data: { ...(example('trades').data as object), quantity: 'y'.repeat(78) } });
    expect(short.ok ? '' : short.errors[0]!.message).toBe(`expected a value of type number, got "${'y'.repeat(78)}"`);
  });
});
