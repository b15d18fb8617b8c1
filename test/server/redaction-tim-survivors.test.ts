/**
 * Redaction rules no test held (tIM F6, F9: mutants X09 and R32 survived url-userinfo-mutants, store-faults and
 * start-refusals). Each expectation is only that the secret is not shown.
 */
import { describe, expect, it } from 'vitest';
import { withAuthArgumentsRedacted } from '../../src/server/redis/redis-stream-store.js';
import { withUrlUserInfoRedacted } from '../../src/shared/secrets.js';

describe('redaction rules the tIM mutants found untested', () => {
  it('a password of several words after a user name already [redacted] (a text redacted once before) is not shown (F6, X09)', () => {
    for (const text of ['postgres://[redacted]:correct horse battery@db:5432/app', 'store unavailable: connect redis://[redacted]:two words here@cache:6379 failed']) {
      const shown = withUrlUserInfoRedacted(text);
      expect(shown, text).not.toMatch(/horse|battery|words|here/);
      expect(shown, text).toMatch(/@(db:5432|cache:6379)/);
    }
    expect(withUrlUserInfoRedacted('postgres://[redacted]:correct horse battery@db:5432/app')).toBe('postgres://[redacted]@db:5432/app');
  });

  it("the arguments a RESP server without HELLO quotes back (`unknown command 'hello'`) are not shown, a short password too (F9, R32)", () => {
    for (const text of [
      "ERR unknown command 'hello', with args beginning with: '3' 'AUTH' 'rcuser' 'pw12'",
      "ERR unknown command `HELLO`, with args beginning with: `3` `AUTH` `rcuser` `pw12` ",
    ]) {
      const shown = withAuthArgumentsRedacted(text);
      expect(shown, text).not.toContain('pw12');
      expect(shown, text).not.toContain('rcuser');
      expect(shown, text).toContain('[redacted]');
    }
  });
});
