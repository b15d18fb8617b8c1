/**
 * A hook's error (and a custom store's status text) quoting a connection string whose password holds an unencoded `@…?…=`,
 * or begins with `?` or `/` after the user name's `:`: the user info runs to the last `@`, that a host follows, as the CLI's
 * shownArgument reads it (tIO F11: `postgres://app:P@ss?w0rd=secret@db…` was logged `postgres://[redacted]@ss?w0rd=secret@db…`,
 * `postgres://app:?Secr3t=pw@db…` whole). A real server on 127.0.0.1, port 0; real requests.
 */
import { describe, expect, it } from 'vitest';
import { withUrlUserInfoRedacted } from '../../src/shared/secrets.js';
import { hookErrorsLogged } from './helpers.js';

const logged = hookErrorsLogged;

describe('a password past the authority in a hook error is not logged (tIO F11)', () => {
  it('one holding @ then ? then =, or beginning with ? or / after the user name', async () => {
    const cases = [
      ['pg postgres://app:P@ss?w0rd=secret@db.example.com:5432/x down', 'pg postgres://[redacted]@db.example.com:5432/x down'],
      ['pg postgres://app:?Secr3t=pw@db.example.com:5432/x down', 'pg postgres://[redacted]@db.example.com:5432/x down'],
      ['pg postgres://app:/Secr3tpw#1@db.example.com:5432/x down', 'pg postgres://[redacted]@db.example.com:5432/x down'],
      ['mysql mysql://ops:?Mk7Zq=_@[::1]:5432 down', 'mysql mysql://[redacted]@[::1]:5432 down'],
      ['pg postgres://ops:@Mk7Zq?=@db.example.com:6379/x down', 'pg postgres://[redacted]@db.example.com:6379/x down'],
      ['mq amqp://app:?,Mk7Zq=@pg-primary/x down', 'mq amqp://[redacted]@pg-primary/x down'],
      ['pg postgres://::##Mk7Zq@127.0.0.1/db down', 'pg postgres://[redacted]@127.0.0.1/db down'],
      // A bare host name after the last `@` (tIT F4: logged `postgres://[redacted]@ss?w0rd=secret@db`).
      ['pg postgres://app:P@ss?w0rd=secret@db down', 'pg postgres://[redacted]@db down'],
    ] as const;
    expect(await logged(cases.map(([message]) => message))).toEqual(cases.map(([, shown]) => shown));
  });

  it('an @ in a query value after a host stays the value\'s, the host shown', () => {
    expect(withUrlUserInfoRedacted('postgres://app:pw@db/rt?password=Hunt@er2Secret')).toBe('postgres://[redacted]@db/rt?password=[redacted]');
    expect(withUrlUserInfoRedacted('x postgres://app:pw@db/rt?email=alice@corp.com y')).toBe('x postgres://[redacted]@db/rt?email=alice@corp.com y');
    expect(withUrlUserInfoRedacted('x https://api.example.com:8443/v1?to=alice@corp.com y')).toBe('x https://api.example.com:8443/v1?to=alice@corp.com y');
    expect(withUrlUserInfoRedacted('x http://localhost:/v1?to=alice@corp.com y')).toBe('x http://localhost:/v1?to=alice@corp.com y');
  });
});
