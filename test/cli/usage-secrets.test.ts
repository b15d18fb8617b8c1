import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownArgument } from '../../src/cli/shown-argument.js';
import { secretWhereAddressGoes, withPasswordShownRedacted, withUserInfoShownRedacted } from '../../src/shared/secrets.js';

/**
 * A usage error (an unknown option, an option's refused value, an unknown command) shows what was typed, but never a
 * secret in it (tFU F1): commander echoed `--tokne=<jwt>`, `--secrets=<secret>`, `--redis-url=redis://:<password>@host`
 * and `--token=<jwt>` taken as `--duration`'s value (DURATION unset) whole, to stderr that a CI log keeps.
 */

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln';
const PASSWORD = 'Pa55w0rdXyz';

function usageError(args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REALTIME_CONTRACT_'))) });
  expect(result.status).toBe(2);
  return result.stderr;
}

describe('usage errors leave secrets out', () => {
  it('says a mistyped option with a secret after its = by the option and the value\'s length', { timeout: 120_000 }, () => {
    const tokne = usageError(['listen', 'ws://127.0.0.1:29002/api/ws', `--tokne=${JWT}`]);
    expect(tokne).toBe(`error: unknown option '--tokne=<a value of ${JWT.length} characters, not shown: it may be a secret>'\n(Did you mean --token?)\n(run with --help for usage)\n`);
    expect(usageError(['listen', 'ws://127.0.0.1:29002/api/ws', `--TOKEN=${JWT}`])).toContain(`unknown option '--TOKEN=<a value of ${JWT.length} characters, not shown: it may be a secret>'`);
    const secrets = usageError(['serve', '--demo', '--port', '29003', '--secrets=Xk9mP2qR7wL4zT8bXk9mP2qR7wL4zT8bQQ']);
    expect(secrets).toContain("unknown option '--secrets=<a value of 34 characters, not shown: it may be a secret>'");
    const redis = usageError(['serve', '--demo', '--port', '29003', `--redis-url=redis://:${PASSWORD}@127.0.0.1:29999`]);
    expect(redis).toContain("unknown option '--redis-url=redis://:[redacted]@127.0.0.1:29999'");
    const unknownCommand = usageError([JWT]);
    expect(unknownCommand).toContain(`unknown command '<a value of ${JWT.length} characters, not shown: it may be a secret>'`);
    for (const text of [tokne, secrets, redis, unknownCommand]) {
      expect(text).not.toContain(JWT);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('Xk9mP2qR7wL4zT8b');
    }
  });

  it('says a secret taken as another option\'s value by its length, and why an option was taken so', { timeout: 120_000 }, () => {
    // `--duration $DURATION --token=$JWT`, DURATION unset: commander gives --duration the next word.
    const shifted = usageError(['listen', 'ws://127.0.0.1:29002/api/ws', '--duration', `--token=${JWT}`]);
    expect(shifted).toContain(`error: option '--duration <time>' argument '--token=<a value of ${JWT.length} characters, not shown: it may be a secret>' is invalid. expected a duration such as 60s, 500ms or 2m; it is an option, taken as the value of --duration: was the value before it an empty variable`);
    // A one-dash option is one too (tGK F7: only --token=… was held).
    expect(usageError(['listen', 'ws://127.0.0.1:29002/api/ws', '--duration', '-h'])).toContain("error: option '--duration <time>' argument '-h' is invalid. expected a duration such as 60s, 500ms or 2m; it is an option, taken as the value of --duration: was the value before it an empty variable");
    const count = usageError(['listen', 'ws://127.0.0.1:29002/api/ws', '--count', JWT, '--tolerance', PASSWORD]);
    expect(count).toContain(`error: option '--count <n>' argument '<a value of ${JWT.length} characters, not shown: it may be a secret>' is invalid. expected a positive integer`);
    expect(count).toContain(`error: option '--tolerance <fraction>' argument '<a value of 11 characters, not shown: it may be a secret>' is invalid.`);
    for (const text of [shifted, count]) {
      expect(text).not.toContain(JWT);
      expect(text).not.toContain(PASSWORD);
    }
  });

  it('shows ordinary values whole', { timeout: 120_000 }, () => {
    expect(usageError(['listen', 'ws://127.0.0.1:29002/api/ws', '--formt=json'])).toBe("error: unknown option '--formt=json'\n(Did you mean --format?)\n(run with --help for usage)\n");
    expect(usageError(['listen', 'ws://127.0.0.1:29002/api/ws', '--tokn'])).toContain("error: unknown option '--tokn'\n(Did you mean --token?)");
    expect(usageError(['serve', '--demo', '--redis-url=redis://redis-primary-01:6379/0'])).toContain("unknown option '--redis-url=redis://redis-primary-01:6379/0'");
    const values = usageError(['listen', 'ws://127.0.0.1:29002/api/ws', '--count', 'abc', '--format', 'Json', '--duration', '5 min']);
    expect(values).toContain("error: option '--count <n>' argument 'abc' is invalid.");
    expect(values).toContain("error: option '--format <format>' argument 'Json' is invalid. Allowed choices are text, json.");
    expect(values).toContain("error: option '--duration <time>' argument '5 min' is invalid. expected a duration such as 60s, 500ms or 2m\n");
    expect(usageError(['valdate'])).toContain("error: unknown command 'valdate'\n(Did you mean validate?)");
  });

  it('hides the password of curl\'s user:password form and a non-digit port after a bracketed IPv6 host (tGF F5)', { timeout: 120_000 }, () => {
    const user = usageError(['listen', '--user=alice:s3cr3t-passw0rd', 'ws://127.0.0.1:20602/api/ws']);
    expect(user).toBe("error: unknown option '--user=alice:[redacted]'\n(run with --help for usage)\n");
    const port = usageError(['listen', `--duration=ws://[::1]:${PASSWORD}9Q/api/ws`, 'ws://127.0.0.1:20602/api/ws']);
    expect(port).toContain("error: option '--duration <time>' argument 'ws://[::1]:[redacted]/api/ws' is invalid.");
    for (const text of [user, port]) expect(text).not.toMatch(/s3cr3t-passw0rd|Pa55w0rd/);
  });
});

describe('shownArgument', () => {
  it('hides what reads as a secret and shows the rest of the value', () => {
    expect(shownArgument(`https://u:${PASSWORD}@h.example/a?x=1&api_key=k1&y=2#access_token=t`)).toBe('https://u:[redacted]@h.example/a?x=1&api_key=[redacted]#[redacted]');
    expect(shownArgument(`redis://h:6379/0?password=${PASSWORD}`)).toBe('redis://h:6379/0?password=[redacted]');
    expect(shownArgument(`ws://alice:${PASSWORD}/api/ws`)).toBe('ws://alice:[redacted]/api/ws');
    expect(shownArgument(`redis://${PASSWORD}:6379`)).toBe('<a value of 24 characters, not shown: it may be a secret>');
    expect(shownArgument(`https://h.example/reset/0123456789abcdef0123456789abcdef`)).toBe('https://h.example/reset/[redacted]');
    expect(shownArgument(`--password=abc`)).toBe('--password=<a value of 3 characters, not shown: it may be a secret>');
    expect(shownArgument(`-t${JWT}`)).toBe(`-t<a value of ${JWT.length} characters, not shown: it may be a secret>`);
    for (const ordinary of ['localhost:8080', 'localhost:${PORT}', '12:30:00', 'rc:', 'git:release-2024', 'dir:schemas', 'tarball:realtime-contract-1.2.0.tgz', 'ws://[::1]:8000/api/ws', 'ws://[::1:8000/api/ws', 'http://[::ffff:192.0.2.1]:80/x', 'http://h/cb?return_to=https%3A%2F%2Fapp.example%2Fhome&x=1', 'json', 'Json', '5 min', '--out=./generated', 'https://dashboard.example:8443/x?mode=strict', 'redis://redis-master-0.redis-headless.default.svc.cluster.local:6379', 'strict\u001b[2K', 'json\r', '-1', '${PORT}']) {
      expect(shownArgument(ordinary)).toBe(ordinary);
    }
  });

  it('hides a lower-case password in user:password, a bracketed IPv6 host\'s port that is not digits, and a URL with user info encoded in a query value (tGF F5)', () => {
    expect(shownArgument('alice:s3cr3t-passw0rd')).toBe('alice:[redacted]');
    expect(shownArgument('--basic=alice:hunter2')).toBe('--basic=alice:[redacted]');
    // At the bounds (tGS F11): a user name of 2 characters, a password of 6 ("6 characters or more"); one of 5 is a word.
    expect(shownArgument('al:s3cr3t-passw0rd')).toBe('al:[redacted]');
    expect(shownArgument('alice:pass12')).toBe('alice:[redacted]');
    expect(shownArgument('alice:pass1')).toBe('alice:pass1');
    // What reads as no password stays shown, so the user sees what they typed (tGS F12): no digit, hex alone (a commit), a
    // file's extension, letters and digits only with an unexpanded variable.
    for (const ordinary of ['web:frontend', 'build:3f2a9c1b7d', 'v2:schema2024.json', 'alice:${PW}ab1']) expect(shownArgument(ordinary)).toBe(ordinary);
    expect(shownArgument(`ws://[::1]:${PASSWORD}/api/ws`)).toBe('ws://[::1]:[redacted]/api/ws');
    expect(shownArgument('ws://[::1]:s3cr3t-passw0rd/api/ws')).toBe('ws://[::1]:[redacted]/api/ws');
    expect(shownArgument(`ws://[::1:${PASSWORD}/x`)).toBe('ws://[::1:[redacted]/x');
    // A short password of letters after the unclosed bracket: no IPv6 group (tGS F7).
    expect(shownArgument('ws://[::1:qwer/x')).toBe('ws://[::1:[redacted]/x');
    expect(withUserInfoShownRedacted('ws://[::1:pw/api/ws')).toBe('ws://[::1:[redacted]/api/ws');
    expect(shownArgument('http://h/cb?return_to=https%3A%2F%2Falice%3Ahunter2%40bank%2F')).toBe('http://h/cb?return_to=[redacted]');
    expect(shownArgument('http://h/cb?a=1&r=https%3A%2F%2Fh%2Fx%3Fapi_key%3Dk1')).toBe('http://h/cb?a=1&r=[redacted]');
  });

  it('hides a password holding `:` whose @host is missing, and one holding `@` in curl\'s user:password form (tGR F5, F6)', () => {
    expect(shownArgument('https://alice:pa:ss99word/jwks')).toBe('https://alice:[redacted]/jwks');
    expect(shownArgument('--jwks-url=https://alice:pa:ss99word/jwks')).toBe('--jwks-url=https://alice:[redacted]/jwks');
    expect(withUserInfoShownRedacted('alice:pa:ss99word')).toBe('alice:[redacted]');
    expect(shownArgument('--user=alice:p@ssw0rd99')).toBe('--user=alice:[redacted]');
    expect(shownArgument('alice:p@ssw0rd99')).toBe('alice:[redacted]');
    // Holding `@` and then `/`, `?` or `#` (tIF F1: `--user=alice:[redacted]@Sekrit/Pw#[redacted]`); a host name or address after the `@` stays.
    for (const given of ['--user=alice:Wr0ng@Sekrit/Pw#y', '--user=alice:Wr0ng@Sekrit/Pw', '--user=alice:W@Sek?rit', '--user=alice:W@db.example#Pw']) expect(shownArgument(given), given).toBe('--user=alice:[redacted]');
    expect(shownArgument('--user=alice:pw@db.example/x')).toBe('--user=alice:[redacted]@db.example/x');
    expect(shownArgument('--user=alice:pw@10.0.0.1/x')).toBe('--user=alice:[redacted]@10.0.0.1/x');
    // An IPv6 address without brackets is no password; a host name after the `@` is shown.
    for (const ordinary of ['ws://fe80::1:8080/api/ws', 'http://2001:db8::1/jwks', 'fe80::1']) expect(withUserInfoShownRedacted(ordinary)).toBe(ordinary);
    // After user info: an unbracketed IPv6 host alone, or a full one of 8 groups then a port of digits, is shown (tHE F5).
    for (const [url, shown] of [
      ['http://user:pw@::1/api/ws', 'http://user:[redacted]@::1/api/ws'],
      ['http://user:pw@fe80::1/x', 'http://user:[redacted]@fe80::1/x'],
      ['http://user:secret-password@2001:db8:0:0:0:0:0:1:8000/api/ws', 'http://user:[redacted]@2001:db8:0:0:0:0:0:1:8000/api/ws'],
    ]) {
      expect(withPasswordShownRedacted(url!), url).toBe(shown);
      expect(withUserInfoShownRedacted(url!), url).toBe(shown!.replace('user:[redacted]', '[redacted]'));
    }
    expect(shownArgument('alice:hunter2@localhost')).toBe('alice:[redacted]@localhost');
    expect(shownArgument('u:p@h.example/a')).toBe('u:[redacted]@h.example/a');
  });
});

describe('ordinary slips in an option value are shown as typed, not said by their length (tGV F8)', () => {
  it('a git ref counted back, an ISO 8601 date-time, a list of words, a Windows path; a password in those shapes stays hidden', () => {
    for (const ordinary of ['HEAD~1', 'main^2', 'origin/main~3', '2026-12-07T10:00:00Z', '2026-12-07T10:00:00.123+01:00', '2026-12-07', 'tolerant,strict', 'C:\\Users\\Me\\Documents\\msgs2024.json']) {
      expect(shownArgument(ordinary), ordinary).toBe(ordinary);
      expect(shownArgument(`--format=${ordinary}`), ordinary).toBe(`--format=${ordinary}`);
    }
    for (const secret of ['Tr0ub4dor~3', 'Pa55w0rdXyz~1', 'C:\\Pa55w0rdXyz', 'pass,Word1x9Zq']) expect(shownArgument(secret), secret).toMatch(/^<a value of \d+ characters, not shown/);
  });

  it('a list of words holding a digit or a hyphen, and a Windows path as a URL\'s query value: where only the address rule judges them, shown (tHE F3: the tests\' whole arguments are shown by the path-or-words rule first)', () => {
    for (const ordinary of ['strict,tolerant-consumers', 'ws://localhost:8000/api/ws?formats=go,python-3', 'https://host/x?file=C:\\Users\\Me\\msgs2024.json']) {
      expect(shownArgument(ordinary), ordinary).toBe(ordinary);
    }
    for (const ordinary of ['go,python-3', 'strict,tolerant-consumers', 'C:\\Users\\Me\\msgs2024.json']) expect(secretWhereAddressGoes(ordinary), ordinary).toBe(false);
  });
});
