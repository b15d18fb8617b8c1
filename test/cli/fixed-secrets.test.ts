import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownArgument, shownPath } from '../../src/cli/shown-argument.js';
import { withPasswordShownRedacted, withUserInfoShownRedacted } from '../../src/shared/secrets.js';

/** The findings of tHC's second-round review of the CLI's redaction, each checked where it was found. */

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

function cli(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REALTIME_CONTRACT_'))) });
  return { status: result.status, stderr: result.stderr };
}

describe('tHC findings', () => {
  it('hides a later list entry\'s password whose @host is missing, the list kept (F17)', () => {
    expect(withUserInfoShownRedacted('http://localhost:3000,https://alice:Secr3tPw9/jwks')).toBe('http://localhost:3000,https://alice:[redacted]/jwks');
    expect(withUserInfoShownRedacted('http://localhost:3000,https://alice:Secr3tPw9')).toBe('http://localhost:3000,https://alice:[redacted]');
    expect(withUserInfoShownRedacted('http://localhost:3000,http://localhost:5173')).toBe('http://localhost:3000,http://localhost:5173');
    expect(withUserInfoShownRedacted('http://localhost:3000 https://localhost:5173/x')).toBe('http://localhost:3000 https://localhost:5173/x');
  });
});

describe('tHC F6', () => {
  it('hides the tail of a password holding @ and : whose @host is missing', () => {
    expect(withPasswordShownRedacted('alice:p@ss:w0rd99')).toBe('alice:[redacted]@ss:[redacted]');
    expect(withPasswordShownRedacted('https://alice:p@ss:w0rd99/org/repo.git')).toBe('https://alice:[redacted]@ss:[redacted]/org/repo.git');
    expect(withPasswordShownRedacted('https://alice:Secr3tPw9@host:8443/x')).toBe('https://alice:[redacted]@host:8443/x');
    expect(shownPath('alice:p@ss:w0rd99')).not.toContain('w0rd99');
    expect(shownArgument('https://alice:p@ss:w0rd99/x')).not.toContain('w0rd99');
  });

  it('leaves it out of validate\'s and listen\'s messages', { timeout: 120_000 }, () => {
    const validate = cli(['validate', 'alice:p@ss:w0rd99']);
    expect(validate.stderr).toContain('alice:[redacted]@ss:[redacted]');
    const listen = cli(['listen', '--duration', '3s', 'ws://alice:p@ss:w0rd99/api/ws']);
    expect(listen.stderr).toContain('ws://alice:[redacted]@ss:[redacted]/api/ws');
    for (const text of [validate.stderr, listen.stderr]) expect(text).not.toContain('w0rd99');
  });
});

describe('tHC F14', () => {
  it('hides the value of a misspelled secret option given with =', () => {
    for (const [option, value] of [['--tokne', '9f86d081884c7d65a1b2'], ['--tokn', 'opaquesession20241207'], ['--toekn', 'sk_live_51abcdefghij'], ['--secrte', 'correcthorsebatterystaple'], ['--scret', 'd868ef40952cfe77425c5b66'], ['--pasword', 'hunter22'], ['--secert', 'correcthorsebatterystaple'],
      // Two edits away, as namesSecretOption says (tHE F4: every typo above is one edit away, so "within one" passed too).
      ['--tkn', '9f86d081884c7d65a1b2'], ['--scrt', 'd868ef40952cfe77425c5b66'], ['--passwd', 'hunter22xq']] as const) {
      expect(shownArgument(`${option}=${value}`)).toBe(`${option}=<a value of ${value.length} characters, not shown: it may be a secret>`);
    }
    expect(shownArgument('--formt=json')).toBe('--formt=json');
    expect(shownArgument('--redis-url=redis://:Pa55w0rdXyz@127.0.0.1:29999')).toBe('--redis-url=redis://:[redacted]@127.0.0.1:29999');
  });

  it('says which option was meant', { timeout: 120_000 }, () => {
    const tokne = cli(['listen', 'ws://127.0.0.1:1/api/ws', '--tokne=9f86d081884c7d65a1b2']);
    expect(tokne.stderr).toBe("error: unknown option '--tokne=<a value of 20 characters, not shown: it may be a secret>'\n(Did you mean --token?)\n(run with --help for usage)\n");
    const secert = cli(['serve', '--demo', '--secert=correcthorsebatterystaple']);
    expect(secert.stderr).toContain('(Did you mean --secret?)');
    expect(secert.stderr).not.toContain('correcthorse');
  });

  it('says it once where commander gives its own, for a typo two edits away too, and names the nearest of two options near it; a value of 1 character, singular (tHE F10)', { timeout: 180_000 }, () => {
    // commander suggests for `--tokne=1` itself (its distance counts the `=1`): said once, not twice.
    const short = cli(['listen', 'ws://127.0.0.1:1/api/ws', '--tokne=1']);
    expect(short.stderr).toBe("error: unknown option '--tokne=<a value of 1 character, not shown: it may be a secret>'\n(Did you mean --token?)\n(run with --help for usage)\n");
    // Two edits from --token, as the secret rule's "within two edits".
    const tkn = cli(['listen', 'ws://127.0.0.1:1/api/ws', '--tkn=9f86d081884c7d65a1b2']);
    expect(tkn.stderr).toBe("error: unknown option '--tkn=<a value of 20 characters, not shown: it may be a secret>'\n(Did you mean --token?)\n(run with --help for usage)\n");
    // One edit from --mode, two from --token: the nearer is named.
    const moke = cli(['listen', 'ws://127.0.0.1:1/api/ws', '--moke=ws1']);
    expect(moke.stderr).toBe("error: unknown option '--moke=<a value of 3 characters, not shown: it may be a secret>'\n(Did you mean --mode?)\n(run with --help for usage)\n");
    expect(shownArgument('--tokne=1')).toBe('--tokne=<a value of 1 character, not shown: it may be a secret>');
  });
});

describe('tHC F8, F1, F2', () => {
  it('hides the password of //user:password@host holding / or \\, through diff\'s prefixes too (F8)', () => {
    expect(shownPath('//alice:pa/ss/w0rd@host/x.json')).toBe('//alice:[redacted]@host/x.json');
    expect(shownPath('//alice:pa//ss99x@host/x.json')).toBe('//alice:[redacted]@host/x.json');
    expect(shownPath('//alice:pa\\ss99@host/x.json')).toBe('//alice:[redacted]@host/x.json');
    expect(shownPath('git://alice:pa/ss99x@host/r.git')).toBe('git://alice:[redacted]@host/r.git');
    expect(shownPath('dir://alice:pa/ss99x@host/x')).toBe('dir://alice:[redacted]@host/x');
    expect(shownPath('\\\\alice:Secr3tPw9@host\\share\\x.json')).not.toContain('Secr3tPw9');
    expect(shownPath('//x/y@z')).toBe('//x/y@z');
  });

  it('leaves it out of validate\'s message and its Windows-path hint (F8)', { timeout: 120_000 }, () => {
    const slash = cli(['validate', '//alice:pa/ss/w0rd@host/x.json']);
    expect(slash.stderr).toContain('//alice:[redacted]@host/x.json');
    const windows = cli(['validate', '\\\\alice:Secr3tPw9@host\\share\\x.json']);
    expect(slash.stderr + windows.stderr).not.toMatch(/pa\/ss\/w0rd|Secr3tPw9/);
  });

  it('shows a git rev:path and a Windows path holding @ as typed (F2, F1)', { timeout: 120_000 }, () => {
    for (const value of ['HEAD:schemas/v2/trade@2.json', 'notes:2024/alice@corp.json', 'git:HEAD:schemas/v2@beta', 'C:\\proj\\node_modules\\@acme\\contract\\messages', 'D:\\contracts@v2\\schemas']) expect(shownPath(value)).toBe(value);
    expect(shownPath('alice:pa/ss99word@example.com/msgs.json')).toBe('alice:[redacted]@example.com/msgs.json');
    expect(shownPath('alice:pa/ss/w0rd@host/x.json')).toBe('alice:[redacted]@host/x.json');
    const hint = cli(['validate', 'C:\\proj\\node_modules\\@acme\\contract\\messages']);
    expect(hint.stderr).toContain('(on WSL, /mnt/c/proj/node_modules/@acme/contract/messages)');
  });
});

describe('tHC F12', () => {
  it('shows a path, a reflog ref or a list of words where an option value goes', () => {
    for (const value of ['../Contracts/V2-Schemas', './Schemas/V2', 'D:\\Work\\Contracts-V2\\Schemas', 'C:\\Users\\Me\\Msgs2024.json', 'C:/Users/Me/msgs2024.json', 'HEAD@{1}', 'main@{2.days.ago}', 'breaking|strict', 'Breaking,Strict', '~/contracts/v2',
      // Of two parts, as the rule says (tHE F14: every path above has three or more).
      'schemas/Msgs2024.json', 'Contracts/V2-Schemas', 'C:\\Contracts\\V2']) expect(shownArgument(value), value).toBe(value);
    for (const secret of ['Pa55w0rdXyz', 'ab/Pa55w0rdXyz', 'x/Xk9mP2qR7wL4zT8b', 'Pa55w0rd|Xyz']) expect(shownArgument(secret)).toBe(`<a value of ${secret.length} characters, not shown: it may be a secret>`);
    expect(shownArgument('Secr3tPw9@{1}')).not.toContain('Secr3tPw9');
  });

  it('quotes README\'s own path in a refused option value', { timeout: 120_000 }, () => {
    expect(cli(['diff', '--fail-on', '../Contracts/V2-Schemas', 'HEAD']).stderr).toContain("'../Contracts/V2-Schemas'");
  });
});

describe('tHC F16', () => {
  it('hides a piece holding both \\ and \' in the Windows-path hint', { timeout: 120_000 }, () => {
    for (const value of ["https:\\\\alice:Secr3t'Pw9@host\\x.json", "\\\\alice:Secr3t'Pw9@host\\x.json"]) {
      const { stderr } = cli(['validate', value]);
      expect(stderr).toContain('folders are separated by / here');
      expect(stderr).not.toContain('Secr3t');
    }
  });
});
