/**
 * A Redis URL whose password holds an unencoded `@` then `?` (`redis://:P@ss?w0rd=secret@host`), or begins with `?`
 * (`redis://default:?Secr3t=pw@host`): refused before any connection, saying to percent-encode it, and never shown in part
 * by redactRedisUrl (tIO F7: the URL was dialled with the password's middle as the host, and `redis://ss?w0rd=secret@…`,
 * `redis://default?Secr3t=pw@…` printed). The real CLI.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../../src/server/index.js';
import { closedPort } from '../../support/ports.js';

const CLI = path.resolve(import.meta.dirname, '../../../src/cli/main.ts');

describe('a Redis password holding ? after an @ or first (tIO F7)', () => {
  it('is refused by serve --redis, shown without it', { timeout: 120_000 }, async () => {
    const port = await closedPort();
    for (const [url, secret] of [
      [`redis://:P@ss?w0rd=secret@127.0.0.1:${port}`, 'ss?w0rd'],
      [`redis://default:?Secr3t=pw@127.0.0.1:${port}`, 'Secr3t'],
    ] as const) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--demo', '--port', String(port), '--redis', url], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(`(redis://127.0.0.1:${port})`);
      expect(result.stderr).toMatch(/unencoded/);
      expect(result.stderr).not.toContain(secret);
      expect(result.stderr).not.toContain('unreachable');
    }
  });

  it('is never shown by redactRedisUrl, the host after it kept; an @ in a query value after a host stays the value\'s', () => {
    expect(redactRedisUrl('redis://:P@ss?w0rd=secret@127.0.0.1:23001')).toBe('redis://127.0.0.1:23001');
    expect(redactRedisUrl('redis://alice:Sup3r@Secret?x=y@127.0.0.1:23001')).toBe('redis://127.0.0.1:23001');
    expect(redactRedisUrl('redis://default:?Secr3t=pw@127.0.0.1:23001')).toBe('redis://127.0.0.1:23001');
    expect(redactRedisUrl('redis://default:?Mk7Zq=@[::1]:23001/0?target_session_attrs=rw')).toBe('redis://[::1]:23001/0?target_session_attrs=rw');
    expect(redactRedisUrl('redis://ops:@?Mk7Zq@localhost:23001/0')).toBe('redis://localhost:23001/0');
    // README's own example, a bare host name after the query's last `@` (tIT F4: `redis://ss?w0rd=secret@host`).
    expect(redactRedisUrl('redis://:P@ss?w0rd=secret@host')).toBe('redis://host');
    expect(redactRedisUrl('redis://default:?Secr3t=pw@host')).toBe('redis://host');
    expect(redactRedisUrl('redis://:P@ss?w0rd=secret@cache01/0')).toBe('redis://cache01/0');
    expect(redactRedisUrl('redis://127.0.0.1:6379/0?name=app@prod')).toBe('redis://127.0.0.1:6379/0?name=app@prod');
    expect(redactRedisUrl('redis://:pw@cache/0?name=app@prod.example.com')).toBe('redis://cache/0?name=app@prod.example.com');
  });
});
