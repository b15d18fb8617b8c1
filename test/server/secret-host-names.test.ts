/**
 * The edges of the "computer name before a lower-case domain" rule (readsAsNameWithDomain in
 * src/shared/secrets.ts; tER F3, tFA F5) that no test held (tFG F3: mutants S6, S8, S12, S13 each
 * hid a host name the rule shows, and serve-command.test.ts passed): a `-` in a domain label,
 * a name of capitals and digits before one label, a lower-camel name, a first label of 63
 * characters (DNS's longest). A host hidden costs an operator the name in an error line
 * (`--redis`, `--host`, listen's URL); no secret is at stake in these, so each is shown.
 */
import { describe, expect, it } from 'vitest';
import { secretWhereAddressGoes } from '../../src/shared/secrets.js';

/** 63 characters: four `DESKTOP-7QK4M2N` joined by `-`. */
const LABEL_63 = Array.from({ length: 4 }, () => 'DESKTOP-7QK4M2N').join('-');

describe('host names the computer-name rule shows (tFG F3)', () => {
  it('shows a computer name before a domain with a hyphenated label (S8)', () => {
    for (const value of ['DESKTOP-7QK4M2N.my-corp.local', 'Redis01.eu-west.example.com', 'x.my-corp.local', 'DESKTOP-7QK4M2N.my-corp.local:6379']) {
      expect(secretWhereAddressGoes(value), value).toBe(false);
    }
  });

  it('shows a name of capitals and digits alone before one domain label (S12)', () => {
    // `DC01.corp` too: a domain no LAN uses, so the case holds whether or not one-label LAN domains (.local, .lan) are let through first.
    for (const value of ['DC01.local', 'SRV01.lan', 'DC01.corp', 'SRV01.lan:6379']) expect(secretWhereAddressGoes(value), value).toBe(false);
  });

  it('shows a name whose part starts in lower case, a word after it (S13)', () => {
    for (const value of ['iPhone15-Pro.local', 'iMac2-Office.local', 'iMac2.corp.local']) expect(secretWhereAddressGoes(value), value).toBe(false);
  });

  it('shows a first label of 63 characters, DNS\'s longest; one of 64 is no host name, and hidden (S6)', () => {
    expect(LABEL_63).toHaveLength(63);
    expect(secretWhereAddressGoes(`${LABEL_63}.corp.local`)).toBe(false);
    expect(secretWhereAddressGoes(`${LABEL_63}X.corp.local`)).toBe(true);
  });
});

describe('long dotted host names are no JWT (tFP F3)', () => {
  it('shows host names with two labels of 12 or more characters, as a Kubernetes pod\'s or a public name; a JWT stays hidden', async () => {
    for (const value of [
      'redis-master-0.redis-headless.default.svc.cluster.local',
      'realtime-gateway.production-eu-west.example.com',
      'realtime-api-01.production-apps.svc.cluster.local',
      'redis-sentinel.monitoring-system.svc',
      'redis-master-0.redis-headless.default.svc.cluster.local:6379',
    ]) {
      expect(secretWhereAddressGoes(value), value).toBe(false);
    }
    const { redactRedisUrl } = await import('../../src/server/redis/redis-stream-store.js');
    expect(redactRedisUrl('redis://redis-master-0.redis-headless.default.svc.cluster.local:6379')).toBe('redis://redis-master-0.redis-headless.default.svc.cluster.local:6379');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(secretWhereAddressGoes(jwt)).toBe(true);
    expect(secretWhereAddressGoes(`${jwt}:6379`)).toBe(true);
  });
});
