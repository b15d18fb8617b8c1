import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownPath, withPathsShown } from '../../src/cli/shown-argument.js';
import { printable, printableJson } from '../../src/runtime/printable.js';

/**
 * diff, validate and generate quote their path arguments (a folder, a file, a tarball, a git ref, --schemas, --out) as
 * typed, but for a secret in them, by the rule usage errors follow (tGF F7): `diff "$CONTRACT_REPO_URL"`, a clone URL with
 * GitHub's `x-access-token:<token>@`, printed the token to the CI log, while the argument parser's error redacted it.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln';
const TOKEN = 'ghp_R4nd0mT0kenAbCdEfGhIjKlMnOpQrStUvWx12';
const PASSWORD = 'Pa55w0rdXyz9Q';

/** The real CLI, from the checkout's root (git refs and relative paths are read there): its exit code and stderr. */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('path arguments in messages', () => {
  it('hide a URL\'s password or token and a JWT in what diff, validate and generate say of them', { timeout: 240_000 }, () => {
    const clone = cli(['diff', `https://x-access-token:${TOKEN}@github.com/org/repo.git`]);
    expect(clone).toEqual({ status: 2, stdout: '', stderr: 'realtime-contract: https://x-access-token:[redacted]@github.com/org/repo.git: not a folder, tarball or git ref here\n' });
    const newer = cli(['diff', 'HEAD', `https://oauth2:${PASSWORD}@gitlab.example.com/org/repo.git`]);
    expect(newer.stderr).toContain('https://oauth2:[redacted]@gitlab.example.com/org/repo.git: not a folder, tarball or git ref here');
    const read = cli(['validate', `https://alice:${PASSWORD}@example.com/msgs.json`]);
    expect(read.stderr).toContain('realtime-contract: cannot read "https://alice:[redacted]@example.com/msgs.json": no such file or folder');
    const schemas = cli(['generate', '--check', '--schemas', `https://alice:${PASSWORD}@example.com/schemas`]);
    // Also in the absolute path made of it (`https:/alice:<password>@…`, one slash).
    expect(schemas.stderr).toMatch(/^realtime-contract: --schemas https:\/\/alice:\[redacted\]@example\.com\/schemas: no such folder .*looked for \/.*https:\/alice:\[redacted\]@example\.com\/schemas, /);
    const out = cli(['generate', '--check', '--out', `https://alice:${PASSWORD}@example.com/out`]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('https:/alice:[redacted]@example.com/out/asyncapi.json (missing)');
    const jwt = cli(['diff', JWT]);
    expect(jwt).toEqual({ status: 2, stdout: '', stderr: 'realtime-contract: [redacted]: not a folder, tarball or git ref here\n' });
    const forced = cli(['validate', `/tmp/no-such-folder-here?token=${JWT}`]);
    expect(forced.stderr).toContain('realtime-contract: cannot read "/tmp/no-such-folder-here?token=[redacted]"');
    for (const text of [clone, newer, read, schemas, out, jwt, forced].flatMap((said) => [said.stdout, said.stderr])) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(JWT.split('.')[1]);
    }
  });

  it('show ordinary paths and git refs whole, as typed', { timeout: 240_000 }, () => {
    expect(cli(['diff', 'feature/Add-Login-X9']).stderr).toBe('realtime-contract: feature/Add-Login-X9: not a folder, tarball or git ref here\n');
    expect(cli(['diff', 'HEAD~99999']).stderr).toMatch(/^realtime-contract: HEAD~99999: /);
    expect(cli(['validate', '../Contracts/My-Messages2024.json']).stderr).toContain('realtime-contract: cannot read "../Contracts/My-Messages2024.json": no such file or folder');
    expect(cli(['generate', '--check', '--schemas', 'Contracts/V2-Schemas']).stderr).toMatch(/^realtime-contract: --schemas Contracts\/V2-Schemas: no such folder /);
  });
});

describe('shownPath', () => {
  it('redacts a URL\'s password or token and a JWT, and nothing else', () => {
    expect(shownPath(`https://x-access-token:${TOKEN}@github.com/org/repo.git`)).toBe('https://x-access-token:[redacted]@github.com/org/repo.git');
    expect(shownPath(`https://${TOKEN}@github.com/org/repo.git`)).toBe('https://[redacted]@github.com/org/repo.git');
    expect(shownPath(`alice:${PASSWORD}@example.com/msgs.json`)).toBe('alice:[redacted]@example.com/msgs.json');
    expect(shownPath(`git:https://oauth2:${PASSWORD}@gitlab.example.com/org/repo.git`)).toBe('git:https://oauth2:[redacted]@gitlab.example.com/org/repo.git');
    expect(shownPath(`dir:/tmp/x?token=${JWT}`)).toBe('dir:/tmp/x?token=[redacted]');
    expect(shownPath(TOKEN)).toBe('[redacted]');
    for (const ordinary of ['schemas', './schemas', '../Contracts/V2-Schemas', 'HEAD', 'HEAD~1', 'HEAD^2', 'HEAD@{1}', 'HEAD:package.json', 'main', 'origin/main', 'feature/Add-Login', 'v1.2.0', 'release-2024', 'git:main', 'dir:My Schemas', 'tarball:realtime-contract-1.2.0.tgz', '3f2a9c1b4d5e6f708192a3b4c5d6e7f809102030', 'C:\\Users\\Me\\Schemas', 'C:schemas', 'node_modules/@scope/pkg/schemas', 'git@github.com:org/repo.git', '//server/Share/Schemas', 'https://example.com/Org/Repo.git', 'file:///tmp/Schemas', 'messages/Pa55w0rdXyz-sample.json']) {
      expect(shownPath(ordinary), ordinary).toBe(ordinary);
    }
  });

  it('redacts what it leaves out of an argument wherever a message quotes it', () => {
    const shown = withPathsShown([`https://alice:${PASSWORD}@example.com/schemas`, 'schemas', 'https://bob:pw@h/x']);
    expect(shown(`--schemas https://alice:${PASSWORD}@example.com/schemas: looked for /work/https:/alice:${PASSWORD}@example.com/schemas; https:/bob:pw@h/x/a.json; schemas`)).toBe(
      '--schemas https://alice:[redacted]@example.com/schemas: looked for /work/https:/alice:[redacted]@example.com/schemas; https:/bob:[redacted]@h/x/a.json; schemas',
    );
    expect(withPathsShown(['schemas', 'HEAD~1'])('schemas pw HEAD~1')).toBe('schemas pw HEAD~1');
    // Escaped as JSON writes it: a password holding a quote, a backslash or a tab (tGR F1).
    const odd = 'Pa55"w\\0rd\tXyz9';
    expect(withPathsShown([`https://alice:${odd}@example.com/schemas`])(JSON.stringify({ file: `https://alice:${odd}@example.com/schemas/a.json` }))).toBe('{"file":"https://alice:[redacted]@example.com/schemas/a.json"}');
    // The password alone, escaped in a JSON message (not inside the URL, whose escaped form is replaced whole): tGS F13.
    expect(withPathsShown(['https://alice:Pa55"w0rdX@example.com/s'])(JSON.stringify({ said: 'auth Pa55"w0rdX refused' }))).toBe('{"said":"auth [redacted] refused"}');
    // One argument's password holding another's: the longer hidden whole, none of its tail shown.
    expect(withPathsShown(['https://u:abcdEFGH@h/x', 'https://v:abcdEFGHXYZ9@h/y'])('fetch of abcdEFGHXYZ9 failed; abcdEFGH too')).toBe('fetch of [redacted] failed; [redacted] too');
    // A piece under 8 characters only where it stands as user info, as the docstring says (git's own words keep it).
    expect(withPathsShown(['https://bob:pw12@h/x'])('https://bob:pw12@h/x: looked for /work/https:/bob:pw12@h/x; git said: pw12 rejected')).toBe('https://bob:[redacted]@h/x: looked for /work/https:/bob:[redacted]@h/x; git said: pw12 rejected');
    // A hidden piece of 8 characters or more (a user name) that another argument, shown as typed, holds: left there as typed (tHE F15).
    expect(withPathsShown(['https://deploybot@git.example.com/org/repo.git', 'data/deploybot/a.json'])('cannot read data/deploybot/a.json beside https://deploybot@git.example.com/org/repo.git')).toBe(
      'cannot read data/deploybot/a.json beside https://[redacted]@git.example.com/org/repo.git',
    );
  });

  it('shows ordinary names holding a token prefix inside a word, and a path begun by // (tGR F2, F7)', () => {
    for (const ordinary of ['highs_and_lows.json', 'data/weighs_1234567890abcdef/x.json', '//tmp/tmp.Xk3Jq9Lm2P/schemas', '//Release2024v2/a.json', '//srv/0123456789abcdef0123456789abcdef/x']) {
      expect(shownPath(ordinary), ordinary).toBe(ordinary);
    }
    expect(shownPath('//alice:Pa55w0rdXyz9@host/schemas')).toBe('//alice:[redacted]@host/schemas');
  });

  it('hides a scheme-less password holding `/`, and leaves another argument that holds a hidden piece as typed (tGR F8, F3)', () => {
    expect(shownPath('alice:pa/ss99word@example.com/msgs.json')).toBe('alice:[redacted]@example.com/msgs.json');
    expect(shownPath('HEAD:schemas/trade@2.json')).toBe('HEAD:schemas/trade@2.json');
    const shown = withPathsShown(['https://alice@example.com/schemas', 'data/alice/a.json']);
    expect(shown('https://alice@example.com/schemas, /work/https:/alice@example.com/schemas and data/alice/a.json')).toBe(
      'https://[redacted]@example.com/schemas, /work/https:/[redacted]@example.com/schemas and data/alice/a.json',
    );
    // A one-character argument does not cut a password short where the message quotes it.
    expect(withPathsShown([`https://bob:${PASSWORD}@h/x`, 'a'])(`/work/https:/bob:${PASSWORD}@h/x/a`)).toBe('/work/https:/bob:[redacted]@h/x/a');
  });
});

describe("a path argument's password in each spelling a message gives it (tGV F7, F9, F10, F11: found only as typed or JSON-escaped once, it was printed whole beside the argument shown [redacted])", () => {
  const url = (password: string) => `https://alice:${password}@h/s`;

  it('normalized in an absolute or joined path: // , /./ and a/../ collapsed (F7)', () => {
    for (const [password, written] of [['Xk9//mP2qR7wL4zT8b', 'Xk9/mP2qR7wL4zT8b'], ['Xk9mP2qR7wL4zT8b//', 'Xk9mP2qR7wL4zT8b/'], ['Xk9/./mP2qR7wL4zT8b', 'Xk9/mP2qR7wL4zT8b'], ['//Xk9mP2qR7wL4zT8b', '/Xk9mP2qR7wL4zT8b'], ['Xk9/../mP2qR7wL4zT8b', '']] as [string, string][]) {
      const normalized = path.posix.resolve('/work', url(password));
      expect(normalized).toContain(`${written}@h/s`);
      const message = `--schemas ${url(password)}: no such folder: looked for ${normalized}; ${path.posix.join(url(password), 'ping.json')}`;
      const shown = withPathsShown([url(password)])(message);
      expect(shown, password).not.toMatch(/Xk9|mP2qR7wL4zT8b/);
      expect(shown).toContain(`--schemas ${url('[redacted]')}: no such folder`);
    }
  });

  it("re-spelled by a hint: validate's Windows-path one (\\ as /) and generate's --out '…' (' as '\\'') (F9)", () => {
    const backslash = url('Hunter2\\x9Zq.json');
    expect(withPathsShown([backslash])(`cannot read "${backslash}": no such file or folder; it looks like a Windows path: folders are separated by / here (${backslash.replace(/\\/g, '/')})`)).toBe(
      'cannot read "https://alice:[redacted]@h/s": no such file or folder; it looks like a Windows path: folders are separated by / here (https://alice:[redacted]@h/s)',
    );
    const quote = url("Hunt'er2x9Zq");
    expect(withPathsShown([quote])(`${quote}/ is stale; run \`npm run generate -- --out '/work/https:/alice:Hunt'\\''er2x9Zq@h/s'\`:`)).toBe(
      "https://alice:[redacted]@h/s/ is stale; run `npm run generate -- --out '/work/https:/alice:[redacted]@h/s'`:",
    );
  });

  it('escaped for the terminal or for JSON: a tab, U+200B, U+FEFF, U+202E, DEL (F10)', () => {
    for (const odd of ['\t', '\u200b', '\ufeff', '\u202e', '\u007f']) {
      const given = url(`Hunter2${odd}x9Zq`);
      const shown = withPathsShown([given]);
      const text = shown(`realtime-contract: ${printable(`${given}: not a folder, tarball or git ref here`)}`);
      const json = shown(printableJson(JSON.stringify({ error: `${given}: not a folder, tarball or git ref here` })));
      expect(text, JSON.stringify(odd)).toBe('realtime-contract: https://alice:[redacted]@h/s: not a folder, tarball or git ref here');
      expect(json, JSON.stringify(odd)).toBe('{"error":"https://alice:[redacted]@h/s: not a folder, tarball or git ref here"}');
    }
  });

  it('escaped twice: a message quoting the path "…", written in --format json (F11)', () => {
    for (const password of ['Hunt"er2x9Zq', 'Hunter2\\x9Zq']) {
      const given = url(password);
      const json = JSON.stringify({ file: given, message: `cannot read ${JSON.stringify(given)}: no such file or folder` });
      expect(withPathsShown([given])(json), password).toBe('{"file":"https://alice:[redacted]@h/s","message":"cannot read \\"https://alice:[redacted]@h/s\\": no such file or folder"}');
    }
  });

  it('the real CLI: validate, generate and diff print none of them', { timeout: 240_000 }, () => {
    const said = [
      cli(['validate', `${url('Hunter2\\x9Zq')}.json`]),
      cli(['validate', '--format', 'json', `${url('Hunt"er2x9Zq')}.json`]),
      cli(['generate', '--check', '--schemas', url('Xk9//mP2qR7wL4zT8b')]),
      cli(['diff', url('Hunter2\u200bx9Zq')]),
    ];
    expect(said[0]!.stderr).toContain('looks like a Windows path: folders are separated by / here (https://alice:[redacted]@h/s.json)');
    expect(said[1]!.stdout).toContain('"message":"cannot read \\"https://alice:[redacted]@h/s.json\\": no such file or folder"');
    expect(said[2]!.stderr).toMatch(/looked for \/.*\/https:\/alice:\[redacted\]@h\/s, /);
    expect(said[3]!.stderr).toBe('realtime-contract: https://alice:[redacted]@h/s: not a folder, tarball or git ref here\n');
    for (const text of said.flatMap(({ stdout, stderr }) => [stdout, stderr])) expect(text).not.toMatch(/Hunt|x9Zq|Xk9|mP2qR7/);
  });
});
