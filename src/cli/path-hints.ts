/**
 * Hints for a path given on the command line that was not found: a Windows path (`C:\\Users\\…`,
 * `test\\fixtures\\…`), a glob pattern no shell expanded (`'fixtures/*.json'`). Used by
 * `validate`, `diff` and `generate`; shipped with the package (validate needs it), which ships
 * neither generate nor diff.
 */
import path from 'node:path';

/**
 * What is said after a path that was not found and looks like a Windows one (`C:\\Users\\me\\x`,
 * `C:/x`, `D:`): that it does, and its WSL form (`/mnt/c/Users/me/x`), quoted for a POSIX
 * shell; `''` for any other. `what` names what to name (`the tarball` for a `.tgz`), `subject`
 * what looks like one (`it`, `--schemas …`). Said for a
 * side of `diff` with any prefix or none and for `--schemas` of `diff` and `generate` (only a
 * bare side and a `git:` one were told: a tester).
 */
export function windowsPathHint(given: string, what = /\.(tgz|tar\.gz)$/i.test(given) ? 'the tarball' : 'the folder', subject = 'it'): string {
  const drive = /^([A-Za-z]):([\\/].*)?$/.exec(given);
  if (!drive) return '';
  const wsl = `/mnt/${drive[1]!.toLowerCase()}${(drive[2] ?? '/').replace(/\\/g, '/')}`;
  return `; ${subject} looks like a Windows path: name ${what} as this system sees it (on WSL, ${shellWord(wsl)})`;
}

/** `word` as a POSIX shell reads it back: as it is when it holds no character the shell treats specially, otherwise in single quotes. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What is said after a path `validate` was given and did not find: a Windows path with a drive
 * ({@link windowsPathHint}), one with backslashes for folders (with its form here, `/`), a glob
 * pattern the shell did not expand (`*`, `?`, `[…]`, `{a,b}`: from cmd.exe, which expands none,
 * or quoted in a CI file), `''` for any other. Starts with `; `.
 */
export function notFoundHint(given: string): string {
  const windows = windowsPathHint(given, 'the file or folder');
  if (windows !== '') return windows;
  if (/[*?]|\[[^\]]*\]|\{[^{}]*,[^{}]*\}/.test(given)) {
    return '; it is a glob pattern, which the CLI does not expand and the shell did not (it was quoted, or the shell expands none, as cmd.exe): name the folder instead (folders are read recursively), or let the shell expand it';
  }
  if (given.includes('\\') && path.sep === '/') return `; it looks like a Windows path: folders are separated by / here (${shellWord(given.replace(/\\/g, '/'))})`;
  return '';
}
