/**
 * `--host` with typographic quotes kept in it (pasted from a word processor or a chat: `‘::1’`, `“localhost”`) is said as
 * quotes, the value without them given back, as for straight quotes (tID F2); and one that reads as a secret only with its
 * quotes is not echoed (tIM F11, F13: mutants S24, the quoted value's own look at secrets dropped, and S23, straight
 * quotes only, survived userinfo-secrets.test.ts, which has straight quotes only).
 */
import { describe, expect, it } from 'vitest';
import { hostProblem, hostReadsAsSecret } from '../../src/server/server.js';

describe('--host with typographic quotes kept in it (tIM F11, F13)', () => {
  it('is said as quotes, the value without them given back (F13, S23)', () => {
    expect(hostProblem('\u2018::1\u2019', '--port')).toBe('a host holds no quotes: give "::1"');
    expect(hostProblem('\u201clocalhost\u201d', '--port')).toBe('a host holds no quotes: give "localhost"');
  });

  it('that reads as a secret with its quotes is not echoed, though the value without them would not be (F11, S24)', () => {
    for (const host of ['\u2018Server1\u2019', '\u201cMyHost\u201d']) {
      const unquoted = host.slice(1, -1);
      // What the test is about: the quoted form reads as a secret, the bare one does not.
      expect([hostReadsAsSecret(host), hostReadsAsSecret(unquoted)], host).toEqual([true, false]);
      expect(hostProblem(host, '--port'), host).toBe('a host holds no quotes');
    }
  });
});
