/**
 * URLs with an `@` past their authority, as `withUrlUserInfoRedacted` (src/shared/secrets.ts: withQueryAtsShown) reads them,
 * where no test held the rule (tIC F1-F4, F22: mutants SE13, SE04, SE09, SE02, SE05 each showed a password, or hid the host,
 * and store-faults.test.ts passed). Each URL is quoted in a text, as a store's or a hook's error quotes its backend's; each
 * expectation is only that the secret is not shown and, where the URL standard reads one, that its host is.
 */
import { describe, expect, it } from 'vitest';
import { withUrlUserInfoRedacted } from '../../src/shared/secrets.js';

/** `url` quoted in an error message, redacted. */
const shown = (url: string): string => withUrlUserInfoRedacted(`store unavailable: connect ${url} failed`);

describe('URL user info with an @ past the authority (tIC mutation survivors)', () => {
  it('a URL in a query value (a redirect or callback parameter) has its own user info hidden (F1, SE13)', () => {
    for (const [url, host] of [
      ['https://app.example/cb?user=a@corp&next=postgres://app:Sup3rPw@db/x', 'app.example/cb'],
      ['https://app.example/cb?next=redis://:Sup3rPw@cache:6379', 'cache:6379'],
    ] as const) {
      const text = shown(url);
      expect(text, url).not.toContain('Sup3rPw');
      expect(text, url).toContain(host);
    }
  });

  it('a password holding an unencoded `/` after a digit-only head, with an @ in the query too, is not shown (F2, SE04: an @ in the path)', () => {
    const url = 'postgres://app:5432/Sup3rPw@db/x?user=a@corp';
    expect(shown(url)).not.toContain('Sup3rPw');
  });

  it('a password holding an unencoded `?` (a port that is not digits) is not shown, not even its head (F3, SE09)', () => {
    const url = 'postgres://app:Sup3r?Pw=x@db/rt';
    const text = shown(url);
    expect(text).not.toContain('Sup3r');
    expect(text).not.toContain('Pw=x');
    expect(text).toContain('db/rt');
  });

  it('a password holding an @, with an @ in the query or fragment too: user info ends at the authority\'s last @ (F4, SE02)', () => {
    const inQuery = shown('postgres://app:Pa55@word@db/x?user=app@corp');
    expect(inQuery).not.toContain('Pa55');
    expect(inQuery).not.toContain('word@');
    // Read to the query's @, the host was hidden (tHS F4).
    expect(inQuery).toContain('db/x');
    const inFragment = shown('https://u:p@w@vault.example#password=Hunt@er2');
    for (const secret of ['p@w', 'Hunt', 'er2']) expect(inFragment, secret).not.toContain(secret);
    expect(inFragment).toContain('vault.example');
  });

  it('an @ in a query parameter\'s name is read to the last @: a password holding `?` and `@` after a digit-only head is not shown (F22, SE05)', () => {
    for (const url of ['postgres://app:5432?Tok@Secret9@db/rt', 'postgres://app:5432?x=1&Tok@Secret9@db/rt']) {
      const text = shown(url);
      expect(text, url).not.toContain('Secret9');
      expect(text, url).not.toContain('Tok@');
      expect(text, url).toContain('db/rt');
    }
    expect(shown('postgres://app:Sup3r@db/x?us@er=1@2')).not.toContain('Sup3r');
  });
});
