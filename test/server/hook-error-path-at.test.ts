/**
 * A URL with user info whose path holds an `@` after a real host name (an npm scope, an e-mail in a REST path): the `@` is the
 * path's when no host follows it, as the URL parser reads it; the host and path are shown, the user info `[redacted]` (tIO F2:
 * read to the last `@`, the host was hidden and what followed the `@` shown as another host, `https://[redacted]@acme/contract`).
 * One that a host follows may be a password holding `@` and then `/` (tHG F12), and is still read to the last `@`. A real server on 127.0.0.1, port 0, and the real CLI.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withUrlUserInfoRedacted } from '../../src/shared/secrets.js';
import { closedPort } from '../support/ports.js';
import { hookErrorsLogged } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

describe('an @ in the path after a host name, no host after it, is the path\'s (tIO F2)', () => {
  it('in a hook error the server logs', async () => {
    const messages = [
      'GET https://ci:Hunter2pw@registry.example.com/@acme/contract failed: 401',
      'GET https://ci@registry.example.com/@acme/contract failed: 401',
    ];
    expect(await hookErrorsLogged(messages)).toEqual([
      'GET https://[redacted]@registry.example.com/@acme/contract failed: 401',
      'GET https://[redacted]@registry.example.com/@acme/contract failed: 401',
    ]);
  });

  it('in what validate says of a path argument', { timeout: 120_000 }, () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'validate', 'https://ci:Hunter2pw@files.example.com/@acme/x.json'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toContain('https://ci:[redacted]@files.example.com/@acme/x.json');
    expect(result.stderr).not.toContain('Hunter2pw');
  });

  it('in listen, which connects to the host the URL parser reads, not refusing the URL', { timeout: 120_000 }, async () => {
    const port = await closedPort();
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'listen', `ws://alice:Hunter2pw@127.0.0.1:${port}/@team/api/ws`, '--token', 'Op4queT0kenValue', '--duration', '1s'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toContain(`cannot connect to ws://alice:[redacted]@127.0.0.1:${port}/@team/api/ws?token=[redacted]: connect ECONNREFUSED`);
    expect(result.stderr).not.toContain('Hunter2pw');
  });

  it('a password holding @ then /, a host after its last @, is still read to the last @', () => {
    expect(withUrlUserInfoRedacted('x https://alice:Tr0ub4dor@correct.horse.battery/staple@app.example y')).toBe('x https://[redacted]@app.example y');
    expect(withUrlUserInfoRedacted('x ws://alice:hunter2@localhost/S3cr3tTail99@127.0.0.1:9/api/ws y')).toBe('x ws://[redacted]@127.0.0.1:9/api/ws y');
    expect(withUrlUserInfoRedacted('x ws://alice:hunter2@localhost/s3cr3ttail99@127.0.0.1:9/api/ws y')).toBe('x ws://[redacted]@127.0.0.1:9/api/ws y');
    expect(withUrlUserInfoRedacted('x https://u:p@host.example.com/x?next=https://a:b3cret@bank.example/ y')).not.toContain('b3cret');
  });
});
