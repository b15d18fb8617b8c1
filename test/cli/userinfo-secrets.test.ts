import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shownArgument, shownPath } from '../../src/cli/shown-argument.js';
import { createRealtimeServer, type RealtimeServerOptions } from '../../src/server/index.js';
import { userInfoPastAuthority, withPasswordShownRedacted, withUrlUserInfoRedacted, withUserInfoShownRedacted } from '../../src/shared/secrets.js';
import { runListen } from '../support/listen.js';
import { rawServer, stopRawServers } from '../support/raw-backend.js';

/**
 * tHG's findings on where a URL's user info begins and ends, both ways: a host, a port or a path shown `[redacted]` (F1, F2,
 * F9, F10), and a password holding `@` then `/`, `?` or `#` printed in part or connected to (F11, F12), or echoed HTML-escaped (F13).
 */

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
const SECRET = 'x'.repeat(16) + 'Yz7!qP0wLm3#Rt5u';

function cli(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REALTIME_CONTRACT_'))) });
  return { status: result.status, stderr: result.stderr };
}

/** The message createRealtimeServer throws for `options` (each of these is refused before anything listens). */
function refusal(options: Partial<RealtimeServerOptions>): string {
  try {
    createRealtimeServer({ port: 0, allowedOrigins: '*', jwt: { secret: SECRET }, ...options } as RealtimeServerOptions);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('tHG F1: an unbracketed IPv6 host with a port of 5 digits, or a host list holding IPv6, is shown', () => {
  it('in the value as an option error shows it', () => {
    for (const value of ['::1:30000', 'http://::1:30000', 'https://2001:db8::1:44300/jwks', '::1,127.0.0.1', '127.0.0.1,::1', 'localhost,::1', 'http://::1:30000/schemas']) expect(withUserInfoShownRedacted(value)).toBe(value);
    // A password whose @host is missing is still hidden, in a list too.
    expect(withUserInfoShownRedacted('https://alice:pa:ss/jwks')).toBe('https://alice:[redacted]/jwks');
    expect(withUserInfoShownRedacted('::1,https://alice:Secr3tPw9/jwks')).toBe('::1,https://alice:[redacted]/jwks');
    // After user info, the unbracketed IPv6 host and its port stay shown, only the user info hidden (tHP F18, X05).
    expect(withPasswordShownRedacted('http://user:pw@::1:8000/')).toBe('http://user:[redacted]@::1:8000/');
    expect(withPasswordShownRedacted('http://user:pw@2001:db8::1:8000/x')).toBe('http://user:[redacted]@2001:db8::1:8000/x');
    expect(withUserInfoShownRedacted('http://user:pw@::1:8000/')).toBe('http://[redacted]@::1:8000/');
  });

  it('by createRealtimeServer (host, jwksUrl, allowedOrigins)', () => {
    for (const host of ['::1,127.0.0.1', '127.0.0.1,::1', 'localhost,::1']) expect(refusal({ host })).toContain(`got ${JSON.stringify(host)};`);
    expect(refusal({ jwt: { jwksUrl: 'http://::1:30000/jwks', jwksAlgorithms: ['RS256'], audience: null } as RealtimeServerOptions['jwt'] })).toContain('got "http://::1:30000/jwks"');
    expect(refusal({ allowedOrigins: ['http://2001:db8::1:44300'] })).toContain('got "http://2001:db8::1:44300"; an IPv6 address goes in brackets in an origin, its port after them: http://[2001:db8::1]:44300');
  });

  it('by serve --host, --allow-origin and diff', { timeout: 120_000 }, () => {
    const serve = cli(['serve', '--demo', '--port', '0', '--host', '::1,127.0.0.1', '--allow-origin', 'http://::1:30000']);
    expect(serve.stderr).toContain('--host must be a host name or address, got "::1,127.0.0.1";');
    expect(serve.stderr).toContain('got "http://::1:30000": an IPv6 address goes in brackets in an origin, its port after them: http://[::1]:30000');
    expect(serve.stderr).not.toContain('[redacted]');
    expect(cli(['diff', 'http://::1:30000/schemas']).stderr).toContain('http://::1:30000/schemas: not a folder');
  });
});

describe('tID F2, tIL F2/F3: a mistyped IPv6 --host, one with a prefix length, or one with quotes kept in it, is shown as typed (it was ":[redacted]", the typo hidden)', () => {
  const generic = 'a host name (localhost) or an IP address (127.0.0.1, ::1, 0.0.0.0, ::), without scheme, port, brackets or spaces';
  const cases = [
    ['::g', generic],
    ['2001:db8::zz', generic],
    ['1::2::3', generic],
    ["'::1'", 'a host holds no quotes: give "::1"'],
    ["'[::1]'", 'a host holds no quotes; give an IPv6 address without brackets ("::1")'],
    ["'localhost'", 'a host holds no quotes: give "localhost"'],
    // tIL F2, F3: a prefix length was `[redacted]` as a path; a scoped address in quotes was said by its length only.
    ['::1/128', generic],
    ['2001:db8::/32', generic],
    ["'fe80::1%eth0'", 'a host holds no quotes: give "fe80::1%eth0"'],
  ] as const;

  it('by serve --host: each value quoted as typed, quotes said', { timeout: 6 * 60_000 }, () => {
    for (const [host, hint] of cases) {
      const run = cli(['serve', '--demo', '--port', '0', '--host', host]);
      expect({ host, status: run.status, stderr: run.stderr }).toEqual({ host, status: 2, stderr: `realtime-contract serve: --host must be a host name or address, got ${JSON.stringify(host)}; ${hint}\n` });
    }
  });

  it('by createRealtimeServer (host): quotes said; a secret in quotes or after colons is still not shown', () => {
    for (const [host, hint] of cases) expect(refusal({ host })).toMatch(new RegExp(`; ${hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // A password-looking run, quoted or after `::`, is still said by its length; a password in user info still [redacted].
    for (const host of ["'Pa55w0rdXyz'", '::Xk9mP2qR7vL4wZ8']) expect(refusal({ host })).not.toContain(host.replace(/'|::/g, ''));
    expect(refusal({ host: "'alice:s3cretpw@localhost'" })).not.toContain('s3cretpw');
  });
});

describe('tIO F4: a CIDR prefix length after an IPv4 address or a host name given as --host is shown as typed (it was "/[redacted]", as a secret)', () => {
  it('by createRealtimeServer (host) and serve --host; a secret after the / still hidden', { timeout: 120_000 }, () => {
    for (const host of ['10.0.0.0/8', '192.168.1.0/24', 'db.internal/24']) expect(refusal({ host })).toContain(`got ${JSON.stringify(host)}`);
    for (const host of ['10.0.0.0/Hunter2pw', 'Pa55w0rdXyz/24']) expect(refusal({ host })).not.toMatch(/Hunter2pw|Pa55w0rdXyz/);
    expect(cli(['serve', '--demo', '--port', '0', '--host', '10.0.0.0/8']).stderr).toBe('realtime-contract serve: --host must be a host name or address, got "10.0.0.0/8"; give the host alone ("10.0.0.0")\n');
  });
});

describe('tHG F2: an @ in the path after a host name is no user info', () => {
  it('in a hook\'s error as the log shows it, and in a command-line value', () => {
    for (const text of ['GET https://api.example.com/users/alice@example.com failed: 404', 'see https://unpkg.com/@acme/x@1.2.3/dist', 'at http://127.0.0.1:8080/u/bob@corp.example']) expect(withUrlUserInfoRedacted(text)).toBe(text);
    // localhost is a host name too, whatever its case: the path @ after it is no user info (tHP F17, X18).
    for (const text of ['GET http://localhost:8080/users/alice@example.com failed', 'http://LocalHost:8080/users/alice@example.com']) expect(withUrlUserInfoRedacted(text)).toBe(text);
    expect(withUserInfoShownRedacted('http://localhost:8080/users/alice@example.com')).toBe('http://localhost:8080/users/alice@example.com');
    expect(withPasswordShownRedacted('http://localhost:8080/users/alice@example.com')).toBe('http://localhost:8080/users/alice@example.com');
    // A path @ followed by what reads as a host list (`corp.example,dev:write`) is still no user info: no "port" hidden (tHP F13, X14).
    expect(withUrlUserInfoRedacted('GET https://api.example.com/acl/ops@corp.example,dev:write/members failed')).toBe('GET https://api.example.com/acl/ops@corp.example,dev:write/members failed');
    expect(shownPath('https://github.com/org/repo/tree/main@v2')).toBe('https://github.com/org/repo/tree/main@v2');
    expect(shownArgument('https://api.example.com/users/alice@example.com')).toBe('https://api.example.com/users/alice@example.com');
    // A password holding `/` leaves no host name before it: still read to the last `@`.
    expect(withUrlUserInfoRedacted('db https://alice:pa/ss99@host.example/x down')).toBe('db https://[redacted]@host.example/x down');
    expect(withPasswordShownRedacted('https://alice:Xk9@mP2/qR7wL4zT8b@host.example/x.json')).toBe('https://alice:[redacted]@host.example/x.json');
    expect(withUserInfoShownRedacted('https://Xk9mP2qR7wL4/zT8b@host.example/x')).toBe('https://[redacted]@host.example/x');
    // A URL nested in the path or query has user info of its own.
    expect(withUrlUserInfoRedacted('see https://host.example/cb?next=https://alice:Pa55w0rd@bank/ now')).toBe('see https://host.example/cb?next=https://[redacted]@bank/ now');
    expect(withPasswordShownRedacted('https://h.example/a?u=//alice:Pa55w0rd@bank/')).toBe('https://h.example/a?u=//alice:[redacted]@bank/');
  });

  it('by createRealtimeServer and diff', { timeout: 120_000 }, () => {
    expect(refusal({ allowedOrigins: ['https://app.example/@acme'] })).toContain('got "https://app.example/[redacted]"; did you mean "https://app.example"?');
    expect(cli(['diff', 'https://github.com/org/repo/tree/main@v2']).stderr).toContain('https://github.com/org/repo/tree/main@v2: not a folder');
  });
});

describe('tHG F9: an npm scope\'s @ is no user info', () => {
  it('as a value shows it', () => {
    for (const value of ['@acme/contract', '@acme/contract@1.2.0', 'npm:@acme/contract@1.2.0']) {
      expect(shownArgument(value)).toBe(value);
      expect(shownPath(value)).toBe(value);
    }
    // Empty user info hides nothing, and is not marked as if it did.
    expect(withUserInfoShownRedacted('http://@app.example')).toBe('http://@app.example');
  });

  it('in diff\'s and an unknown command\'s message', { timeout: 120_000 }, () => {
    expect(cli(['diff', 'npm:@acme/contract@1.2.0']).stderr).toContain('npm:@acme/contract@1.2.0: not a folder');
    expect(cli(['@acme/contract']).stderr).toContain("unknown command '@acme/contract'");
  });
});

describe('tHG F10: serve --port shows a refused value as typed, as the other commands do', () => {
  it('a Docker port, an ISO date, a Windows path, a git ref; a password still hidden', { timeout: 120_000 }, () => {
    for (const value of ['8000/tcp', '2026-12-07T10:00:00Z', 'C:\\Users\\Me', 'HEAD@{1}', '@acme/x']) {
      expect(cli(['serve', '--demo', '--port', value]).stderr).toBe(`realtime-contract serve: --port must be an integer from 0 to 65535, got ${JSON.stringify(value)}\n`);
    }
    const url = cli(['serve', '--demo', '--port', 'redis://:Pa55w0rdXyz@127.0.0.1:6379']).stderr;
    expect(url).toContain('got "redis://:[redacted]@127.0.0.1:6379"');
    expect(cli(['serve', '--demo', '--port', 'Pa55w0rdXyz']).stderr).toContain('got a value of 11 characters (not shown: it may be a secret)');
  });
});

describe('tHG F11: a password holding @ then /, ? or # is refused, never shown nor connected to', () => {
  it('by listen', { timeout: 120_000 }, async () => {
    for (const url of ['ws://alice:Xk9@mP2/qR7wL4zT8b@127.0.0.1:9/api/ws', 'ws://alice:Xk9@mP2?qR7wL4zT8b@127.0.0.1:9/api/ws', 'ws://alice:Xk9@mP2#qR7wL4zT8b@127.0.0.1:9/api/ws', 'ws://alice:hunter2@localhost/S3cr3tTail99@127.0.0.1:9/api/ws']) {
      for (const format of [[], ['--format', 'json']]) {
        const run = await runListen([url, '--duration', '2s', ...format]);
        expect(run.status).toBe(2);
        expect(run.stderr).toBe('realtime-contract: cannot listen to "ws://alice:[redacted]@127.0.0.1:9/api/ws": the user info before its last "@" holds a "/", "?" or "#", where a URL\'s host ends, so the URL would be read with part of it as the host: percent-encode them in it (%2F, %3F, %23), and an "@" in it (%40); an "@" in the path after the host is written %40 too\n');
      }
    }
    // Not a URL nested in its query: that is the query's, which the parser reads as such.
    expect(userInfoPastAuthority('ws://127.0.0.1:9/api/ws?next=https://alice:pa/ssword123@bank/')).toBe(false);
    const user = await runListen(['ws://Xk9@mP2/qR7wL4zT8b@127.0.0.1:9/api/ws', '--duration', '2s']);
    expect(user.stderr).toContain('cannot listen to "ws://[redacted]@127.0.0.1:9/api/ws"');
    expect(user.stderr.toLowerCase()).not.toContain('mp2');
  });

  it('by serve --redis', { timeout: 120_000 }, () => {
    for (const url of ['redis://default:Xk9@mP2?qR7wL4zT8b@127.0.0.1:9', 'redis://default:Xk9@mP2#qR7wL4zT8b@127.0.0.1:9']) {
      const run = cli(['serve', '--demo', '--port', '0', '--redis', url]);
      expect(run.stderr).toContain('got user info whose password holds an unencoded "?" or "#" before the last "@" (redis://127.0.0.1:9)');
      expect(run.stderr).not.toMatch(/mP2|qR7wL4zT8b|unreachable/);
    }
  });
});

describe('tHG F12: the host and origin hints are read after the user info as the value is shown', () => {
  it('by createRealtimeServer', () => {
    for (const host of ['alice:Xk9@mP2qR7wL4zT8b/x@127.0.0.1', 'alice:Tr0ub4dor@correct.horse.battery/staple@127.0.0.1']) {
      expect(refusal({ host })).toContain('got "[redacted]@127.0.0.1"; give the host alone ("127.0.0.1")');
    }
    expect(refusal({ allowedOrigins: ['https://alice:Xk9@mP2/qR7wL4zT8b@app.example'] })).toContain('got "https://[redacted]@app.example"; did you mean "https://app.example"?');
  });

  it('by serve --host and --allow-origin', { timeout: 120_000 }, () => {
    const run = cli(['serve', '--demo', '--port', '0', '--host', 'alice:Xk9@mP2qR7wL4zT8b/x@127.0.0.1', '--allow-origin', 'https://alice:Tr0ub4dor@correct.horse.battery/staple@app.example']);
    expect(run.stderr).toContain('got "[redacted]@127.0.0.1"; give the host alone ("127.0.0.1")');
    expect(run.stderr).toContain('got "https://[redacted]@app.example": an origin, as browsers send it, is scheme://host[:port] alone, and this holds user info (user:password@): did you mean "https://app.example"?');
    expect(run.stderr.toLowerCase()).not.toMatch(/mp2|correct\.horse|staple/);
  });
});

describe('tHG F13: listen hides a token a refusal echoes HTML-escaped', () => {
  afterEach(stopRawServers);

  it('with / as &#x2F; and + as &#43;', { timeout: 120_000 }, async () => {
    const tokens = ['Xk9mP2/qR7wL4/zT8bYz/7qP0wL/m3Rt5u', 'u5Yk0ZpQ/N3Zb+7cR1hJt8Wq2Ls9XmPvE4GdKf6a0oI='];
    for (const token of tokens) {
      const page = `<p>invalid token ${token.replace(/\//g, '&#x2F;').replace(/\+/g, '&#43;')}</p>`;
      const url = await rawServer((socket) => socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(page)}\r\nConnection: close\r\n\r\n${page}`));
      const run = await runListen([url, '--token', token, '--duration', '5s', '--no-ping']);
      expect(run.stderr).toContain('HTTP 401');
      for (const part of token.split(/[/+=]/).filter((piece) => piece !== '')) expect(run.stderr).not.toContain(part);
    }
  });
});
