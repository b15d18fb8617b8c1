import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/index.js';
import { checkInbound } from '../../src/server/index.js';

/** A value whose `type` reads as `first`, then as what `later` gives (or throws) on every read after. */
function changingType(first: string, later: () => unknown, rest: Record<string, unknown> = {}): object {
  let reads = 0;
  return {
    get type() {
      return reads++ === 0 ? first : later();
    },
    ...rest,
  };
}

describe('checkInbound on hand-made values (it never throws)', () => {
  it('refuses a revoked Proxy with INVALID_MESSAGE, as validateMessage refuses it', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(validateMessage(proxy, { direction: 'client-to-server' }).ok).toBe(false);
    expect(checkInbound(proxy)).toEqual({
      ok: false,
      code: 'INVALID_MESSAGE',
      message: 'expected a message object with a string "type"',
      details: expect.stringMatching(/^\(root\) expected a plain JSON value, got a value that throws when read \(TypeError: .*revoked/),
    });
  });

  it('refuses a value whose type getter throws with INVALID_MESSAGE, the getter named in details', () => {
    const value = {
      get type(): string {
        throw new Error('boom');
      },
    };
    expect(checkInbound(value)).toEqual({ ok: false, code: 'INVALID_MESSAGE', message: 'expected a message object with a string "type"', details: '/type expected a plain JSON value, got a value that throws when read (Error: boom)' });
  });

  it('does not throw when the type throws on a read after the one validateMessage made; details are the fault it found', () => {
    const value = changingType('ping', () => { throw new Error('second read'); }, { timestamp: -1 });
    expect(checkInbound(value)).toMatchObject({ ok: false, code: 'INVALID_MESSAGE', details: '/timestamp expected a number >= 0, got -1' });
  });

  it('names in WRONG_DIRECTION the type that was validated, not one read afterwards', () => {
    const changed = checkInbound(changingType('trades', () => 'bogus'));
    expect(changed).toMatchObject({ ok: false, code: 'WRONG_DIRECTION', message: '"trades" is sent by the server, not by a client' });
    expect(checkInbound(changingType('trades', () => { throw new Error('second read'); }))).toEqual(changed);
  });

  it('does not throw when a value read again for a number as written throws', () => {
    let reads = 0;
    const value = {
      type: 'ping',
      get timestamp() {
        if (reads++ > 0) throw new Error('second read');
        return -1;
      },
    };
    expect(checkInbound(value, '{"type":"ping","timestamp":-1}')).toEqual({ ok: false, code: 'INVALID_MESSAGE', message: 'invalid ping message', details: '/timestamp expected a number >= 0, got -1' });
  });
});
