/**
 * A password holding `@` (`P@ssw0rd123`, `Summer2024@home`) given where a word, a port, a host, an origin or a Redis URL goes,
 * whose part after the `@` is no host (no dot, not localhost, not an address): said by its length, never in part (tIO F1: read
 * as `user@host`, its part after the `@` was shown, `--host` offered it as the host to give, and `--redis` dialled it and
 * printed it in "Redis unreachable at redis://ssw0rd123"). `user@host` with a host name is shown as before. The real CLI.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownArgument } from '../../src/cli/shown-argument.js';
import { redactRedisUrl } from '../../src/server/index.js';
import { createRealtimeServer } from '../../src/server/index.js';
import { closedPort } from '../support/ports.js';

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REALTIME_CONTRACT_')));
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...base, ...env } });
  return { status: result.status, stderr: result.stderr };
}

/** The password's pieces after its first `@`, none of which may be shown. */
const tails = (password: string): string[] => [password.slice(password.indexOf('@') + 1), password.slice(password.indexOf('@') + 1, password.indexOf('@') + 5)];

describe('a password holding @ given as a value is said by its length (tIO F1)', () => {
  it('in listen --mode, serve --port, --host, --allow-origin and --redis, and as a command', { timeout: 240_000 }, async () => {
    const port = String(await closedPort());
    for (const password of ['P@ssw0rd123', 'Summer2024@home', 'correct@horse#battery', 'p@ssw0rd#X']) {
      const runs = [
        run(['listen', `ws://127.0.0.1:${port}/api/ws`, '--mode', password]),
        run(['serve', '--demo', '--port', password]),
        run(['serve', '--demo', '--port', port, '--host', password]),
        run(['serve', '--demo', '--port', port, '--allow-origin', password]),
        run([password]),
      ];
      for (const { status, stderr } of runs) {
        expect(status, stderr).toBe(2);
        expect(stderr).toMatch(new RegExp(`(?:a value of|<a value of) ${password.length} characters`));
        for (const tail of tails(password)) expect(stderr, password).not.toContain(tail);
      }
    }
    const redis = run(['serve', '--demo', '--port', port], { REALTIME_CONTRACT_REDIS: 'P@ssw0rd123' });
    expect(redis.status).not.toBe(0);
    expect(redis.stderr).toContain('Redis unreachable at redis://<a host of 9 characters, not shown');
    expect(redis.stderr).not.toContain('ssw0rd');
  });

  it('by redactRedisUrl, createRealtimeServer and shownArgument; user@host with a host name, a port or an npm spec stays shown', () => {
    expect(redactRedisUrl('P@ssw0rd123')).toBe('redis://<a host of 9 characters, not shown: is it the password? give redis://:password@host:port>');
    expect(redactRedisUrl('p@ss:w0rd')).not.toContain('w0rd');
    expect(() => createRealtimeServer({ port: 0, host: 'P@ssw0rd123', jwt: { secret: 'abcdefabcdefabcdefabcdefabcdefab12' } })).toThrow(/got a string of 11 characters \(not shown: it may be a secret\); give the host alone \(not shown/);
    for (const password of ['P@ssw0rd123', 'Summer2024@home', 'Summer1476:@98', 'Tr0ub4dor2705@hunter:78', '--mode=Passw1930@summer80']) {
      expect(shownArgument(password), password).toMatch(/<a value of \d+ characters, not shown: it may be a secret>$/);
    }
    expect(shownArgument('ops@db.example.com')).toBe('[redacted]@db.example.com');
    expect(shownArgument('alice@redis-master')).toBe('[redacted]@redis-master');
    expect(shownArgument('alice@redis:6379')).toBe('[redacted]@redis:6379');
    expect(shownArgument('alice:p@ssw0rd99')).toBe('alice:[redacted]');
    expect(shownArgument('@acme/contract@1.2.0')).toBe('@acme/contract@1.2.0');
    expect(shownArgument('contract@1.2.0')).not.toMatch(/<a value of/);
    expect(shownArgument('HEAD@{1}')).toBe('HEAD@{1}');
  });
});
