import path from 'node:path';
import { editDistance } from '../runtime/errors.js';
import { printable, printableJson } from '../runtime/printable.js';
import { REDACTED, holdsJwt, isSecretName, leniently, passwordHoldingAt, readsAsHostAndPort, redactJwts, secretWhereAddressGoes, userInfoSpan, withPasswordShownRedacted, withUserInfoShownRedacted } from '../shared/secrets.js';

/**
 * A command-line word as a usage error shows it (an unknown option, an option's refused value, an unknown command): whole
 * when it is an ordinary value, else with the secret in it left out by the project's rules (tFU F1: commander echoed
 * `--tokne=<jwt>`, `--secrets=<secret>`, `--redis-url=redis://:<password>@host`, and `--token=<jwt>` taken as the value of
 * `--duration $DURATION` with DURATION unset, whole, to stderr that a CI log keeps).
 *
 * - `--name=value` keeps `--name=`; its value is hidden whole when the name is a secret's ({@link isSecretName}:
 *   `--TOKEN=`, `--secrets=`), else judged as below. `-xVALUE` keeps `-x` the same way.
 * - A JWT anywhere, or a value that reads as a password where a word goes ({@link secretWhereAddressGoes}: `Pa55w0rdXyz`,
 *   32 hex digits, a GitHub token), is said by its length.
 * - A URL (`scheme://…`, `//…`) or `user@host` is shown with its password `[redacted]` (the user name kept), a port that
 *   is not digits `[redacted]` (a password whose `@host` is missing), a path segment or query parameter that reads as a
 *   secret `[redacted]` (a secret parameter's name hides its value and all after it), and a fragment `#[redacted]`; one
 *   whose host reads as a password is said by its length.
 *
 * What is left is what the user typed (`--formt=json`, `--count abc`, `redis://127.0.0.1:6379`), for them to see the slip.
 */
export function shownArgument(value: string): string {
  const option = /^(--[^=]*|-[A-Za-z])=?([^]*)$/.exec(value);
  if (option !== null && (option[1]!.startsWith('--') ? value.includes('=') : option[2] !== '')) {
    const [, name, given] = option as unknown as [string, string, string];
    const separator = value.charAt(name.length) === '=' ? '=' : '';
    return `${name}${separator}${given !== '' && namesSecretOption(name.replace(/^-+/, '')) ? hidden(given) : shownArgument(given)}`;
  }
  if (holdsJwt(value) || holdsJwt(leniently(value))) return hidden(value);
  const start = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(value)?.[0];
  if (start === undefined && !value.includes('@')) {
    // Judged without terminal escapes and control characters, which the output escapes and no secret is made of
    // (`--fail-on "strict\u001b[2K"` read as a password by its `[`).
    const judged = value.replace(/\u001b\[[\d;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u001f\u007f]/g, '');
    if (readsAsPathOrWords(judged.trim())) return value;
    if (secretWhereAddressGoes(judged) || secretWhereAddressGoes(judged.trim())) return hidden(value);
    // diff's `git:`, `dir:`, `tarball:`: what follows judged alone (`dir:https://alice:<password>@host/…`).
    const prefixed = /^(git|dir|tarball):([^]+)$/.exec(value);
    if (prefixed !== null) return `${prefixed[1]}:${shownArgument(prefixed[2]!)}`;
    // curl's `--user` form, `user:password` (`--user=alice:s3cr3t-passw0rd`), read as a host and a port that is no secret
    // where an address goes (tGF F5): the password `[redacted]`, the user name kept, as a URL's is shown.
    const userPassword = /^(\s*[\w.+-]{2,}:)([^/\\\s:]+)$/.exec(value);
    if (userPassword !== null && readsAsPassword(userPassword[2]!)) return `${userPassword[1]}${REDACTED}`;
    return value;
  }
  // curl's `user:password` whose password holds `@` (`--user=alice:p@ssw0rd99`): what follows its last `@`, read as a
  // host, is the password's end when it is no host name (no `.`, and it reads as a password): it was shown (tGR F6).
  // git's reflog syntax after a ref (`HEAD@{1}`, `main@{2.days.ago}`) is no user info (tHC F12).
  if (start === undefined && /^[\w./-]+@\{[\w.: -]*\}$/.test(value) && !secretWhereAddressGoes(value.slice(0, value.indexOf('@')))) return value;
  // One whose password holds `@` and then a `/`, `?` or `#` (`--user=alice:Wr0ng@Sekrit/Pw#y`): read as a host, a path and a
  // fragment, the password's middle was shown (tIF F1). A `?` or `#` after the `@`, or a `/` after what is no host name, IP
  // address or localhost there: all after the `:` is the password's.
  // (A `/` before the `@` is the password's own, `alice:pa/ss/w0rd@host/x.json`: the host after it stays.)
  // An empty one is none (npm's alias `npm:@acme/contract@1.2.0`).
  // A password holding `@` (`P@ssw0rd123`, `Summer2024@home`), whose part after it is no host: said by its length, as one
  // without `@` is; read as `user@host`, its part after the `@` was shown (tIO F1).
  if (start === undefined && passwordHoldingAt(value)) return hidden(value);
  const userThenAt = start === undefined ? /^(\s*[\w.+-]{2,}:)([^\s@]+)@([^\s]*)$/.exec(value) : null;
  if (userThenAt !== null) {
    const after = userThenAt[3]!;
    const authority = /^[^/\\?#]*/.exec(after)![0];
    const slashAfterNoHost = !/[/\\]/.test(userThenAt[2]!) && authority.length < after.length && !readsAsHostAndPort(authority.slice(authority.lastIndexOf('@') + 1));
    if (/[?#]/.test(after) || slashAfterNoHost) return `${userThenAt[1]}${REDACTED}`;
  }
  const atInPassword = start === undefined ? /^(\s*[\w.+-]{2,}:)[^/\\\s]*@([^/\\\s@:.]+)$/.exec(value) : null;
  if (atInPassword !== null && readsAsPassword(atInPassword[2]!)) return `${atInPassword[1]}${REDACTED}`;
  // A URL or user@host: its host as written (the URL parser would lower-case a password's capitals), after any user info.
  // User info as the output reads it (an `@` in the path after a host name is the path's: tHG F2).
  const span = userInfoSpan(value);
  const afterUserInfo = span !== undefined ? value.slice(span.at + 1) : value.slice(start?.length ?? 0);
  const host = /^\[?([^/\\?#:\]\s]*)/.exec(afterUserInfo)![1]!;
  if (host !== '' && secretWhereAddressGoes(host)) return hidden(value);
  const redacted = value.includes('@') ? withPasswordShownRedacted(value) : withUserInfoShownRedacted(value);
  const [, base, query, fragment] = /^([^?#]*)(\?[^#]*)?(#[^]*)?$/.exec(redacted)!;
  const head = /^\s*(?:[a-z][a-z0-9+.-]*:)?(?:\/\/)?[^/\\]*/i.exec(base!)![0];
  const path = base!.slice(head.length).replace(/[^/\\]+/g, (segment) => (secretWhereAddressGoes(leniently(segment)) ? REDACTED : segment));
  return `${head}${path}${query === undefined ? '' : shownQuery(query)}${fragment === undefined || fragment === '#' ? (fragment ?? '') : `#${REDACTED}`}`;
}

/**
 * Whether `value`, where an option value goes, reads as a path of two parts or more (`../Contracts/V2-Schemas`,
 * `C:\\Users\\Me\\Msgs2024.json`, `~/contracts/v2`) or a list of words (`breaking|strict`, `Breaking,Strict`): each part
 * `.`, `..`, `~`, or words between `-`, `_` and `.` each written as a word, in capitals, or as digits, maybe followed by
 * digits (`V2`, `Msgs2024`), none of which a password's mixing (`w0rd`, `Pa55w0rdXyz`) is. They were said by their length
 * (tHC F12), where README shows them as typed.
 */
function readsAsPathOrWords(value: string): boolean {
  const word = /^(?:[A-Z]?[a-z]*|[A-Z]*)\d*$/;
  if (/^[A-Za-z]+(?:\s*[,|]\s*[A-Za-z]+)+$/.test(value)) return value.split(/\s*[,|]\s*/).every((part) => word.test(part));
  const rest = value.replace(/^[A-Za-z]:(?=[\\/])/, '');
  if (!/[\\/]/.test(rest) || rest.startsWith('//') || rest.startsWith('\\\\')) return false;
  const parts = rest.split(/[\\/]/).filter((part) => part !== '');
  return parts.length >= 2 && parts.every((part) => part === '.' || part === '..' || part === '~' || (/^[\w.-]+$/.test(part) && part.split(/[-_.]/).every((each) => word.test(each))));
}

/** The secret options' names (`listen --token`, `serve --secret`, `serve --redis`), and a password's. */
const SECRET_OPTIONS = ['token', 'secret', 'password', 'redis'];

/**
 * Whether an option named `name` (without its dashes) takes a secret: a secret's name ({@link isSecretName}: `TOKEN`,
 * `secrets`), or one within two edits of a secret option's, a typo of it (`tokne`, `tokn`, `secrte`, `scret`, `pasword`:
 * their values were echoed whole unless they looked like a JWT or a password, tHC F14).
 */
function namesSecretOption(name: string): boolean {
  const folded = name.toLowerCase();
  return isSecretName(name) || SECRET_OPTIONS.some((secret) => editDistance(folded, secret) <= 2);
}

/**
 * Whether `text`, after a `:` where a port or a password goes, reads as a password rather than a port, a file name
 * (`HEAD:package.json`) or a word: a secret where an address goes, or 6 characters or more, once unexpanded variables are
 * left out, mixing letters and digits (`s3cr3t-passw0rd`, lower-case, reads as a host name), but not digits or hex alone
 * (a port, a commit) nor ending in a file's extension.
 */
function readsAsPassword(text: string): boolean {
  if (secretWhereAddressGoes(text)) return true;
  const word = text.replace(/\$\{\w*\}|\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%/g, '');
  return word.length >= 6 && /[a-z]/i.test(word) && /\d/.test(word) && !/^[0-9a-f]+$/i.test(word) && !/\.[a-z]{1,5}$/i.test(word);
}

/** A value said by its length, in place of the value. */
function hidden(value: string): string {
  const length = [...value].length;
  return `<a value of ${length} character${length === 1 ? '' : 's'}, not shown: it may be a secret>`;
}

/**
 * A URL's `?query` with the value of a parameter whose name is a secret's, or that reads as a secret itself, `[redacted]`, and
 * nothing after it: a password holding an unencoded `&` runs on into what follows (as `redactRedisUrl` does).
 */
function shownQuery(query: string): string {
  const shown: string[] = [];
  for (const pair of query.slice(1).split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? '' : pair.slice(0, equals);
    const given = equals === -1 ? pair : pair.slice(equals + 1);
    const decoded = leniently(given);
    // A URL in a value (`?return_to=https%3A%2F%2Falice%3A<password>%40bank%2F`) judged as one given alone: its password, a
    // secret parameter in it (tGF F5: shown whole, encoded, where the same URL unencoded was redacted; listen hides it).
    const nested = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(decoded) && shownArgument(decoded) !== decoded;
    if ((equals !== -1 && isSecretName(leniently(name))) || secretWhereAddressGoes(decoded) || nested) {
      shown.push(equals === -1 ? REDACTED : `${name}=${REDACTED}`);
      break;
    }
    shown.push(pair);
  }
  return `?${shown.join('&')}`;
}

/**
 * A path argument of diff, validate or generate (a folder, a file, a tarball, a git ref, `--schemas`, `--out`) as their
 * messages quote it: whole as typed (`../Contracts/v2`, `HEAD~1`, `feature/Add-Login`, `C:\Schemas`: a path is no host, and
 * the address rules of {@link shownArgument} read them as passwords), but for a secret in it: a URL (`scheme://…`, `//…`)
 * or `user:password@host` as {@link shownArgument} shows one (its password `[redacted]`, a GitHub token given as its user
 * name too), and a JWT or a GitHub or Slack token anywhere `[redacted]` (tGF F7: `diff "$CONTRACT_REPO_URL"`, a clone
 * URL with `x-access-token:<token>@`, printed the token to the CI log). diff's `git:`, `dir:`, `tarball:` prefix is kept.
 */
export function shownPath(value: string): string {
  const prefixed = /^(git|dir|tarball):([^]+)$/.exec(value);
  if (prefixed !== null) return `${prefixed[1]}:${shownPath(prefixed[2]!)}`;
  // A URL has a scheme, or user info after `//`: a path begun by `//` (`"$ROOT/…"` with ROOT=/) is a path (tGR F7).
  // `user:password@host` with no scheme is one too, its password holding `/` when it reads as one (tGR F8: `alice:pa/ss99@host`
  // was shown), not a git `rev:path` holding `@` (`HEAD:schemas/trade@2.json`).
  // A Windows drive (`C:\proj\node_modules\@acme\…`) is no user name (tHC F1), and a `rev:path` whose last part holds the
  // `@` (`HEAD:schemas/v2/trade@2.json`, `notes:2024/alice@corp.json`) is no `user:password@host` unless a part of it reads
  // as a password (tHC F2: any folder holding a digit did).
  const userInfo = /^\s*[A-Za-z]:[/\\]/.test(value) ? null : /^[^/\\@:\s]+:([^@]*)@/.exec(value);
  const revPath = userInfo !== null && /[/\\]/.test(userInfo[1]!) && !/[/\\]/.test(value.slice(value.lastIndexOf('@') + 1)) && !userInfo[1]!.split(/[/\\]+/).some(readsAsPassword);
  // `//user:password@host/…` (or `\\…`) is a URL whatever its password holds (tHC F8: one holding `/` or `\` was shown).
  const schemeRelative = /^\s*[/\\]{2}[^/\\@:\s]+:[^@]*@/.test(value);
  if (/^\s*[a-z][a-z0-9+.-]*:\/\/[^/\\]/i.test(value) || /^\s*\/\/[^/\\@]*@/.test(value) || schemeRelative || (userInfo !== null && !revPath && (!/[/\\]/.test(userInfo[1]!) || readsAsPassword(userInfo[1]!)))) return shownArgument(value);
  // A token's prefix begins a word: `highs_and_lows.json` holds no GitHub token (tGR F2).
  return redactJwts(value).replace(/(?<![A-Za-z0-9])(?:gh[pousr]_|github_pat_|xox[abposr]-|glpat-)[\w-]{8,}/g, REDACTED);
}

/**
 * `text`, a message of diff, validate or generate, with each of `values` (their path arguments) it quotes shown as
 * {@link shownPath} shows it, and what that leaves out of one (a password, a token) `[redacted]` wherever else it stands:
 * in the absolute path made of it (`looked for /work/https:/alice:<password>@host/…`), a file under it, git's own words.
 * Another argument quoted as typed is left as typed (tGR F3: the user name of `https://alice@host/x` hid `alice` in the
 * `data/alice/a.json` given beside it); a piece under 8 characters is redacted only where it stands as user info, before
 * an `@` after `:` or `/`, as a derived path writes it (`/work/https:/alice@host/…`).
 */
export function withPathsShown(values: readonly string[]): (text: string) => string {
  const replacements = new Map<string, string>();
  const pieces = new Set<string>();
  let hides = false;
  for (const value of values) {
    if (value === '') continue;
    const shown = shownPath(value);
    replacements.set(value, shown);
    replacements.set(escaped(value), escaped(shown));
    if (shown === value) continue;
    hides = true;
    for (const piece of hiddenPieces(value, shown)) for (const spelled of spellings(piece)) pieces.add(spelled);
  }
  if (!hides) return (text) => text;
  const changed = [...replacements].filter(([value, shown]) => shown !== value).sort(([a], [b]) => b.length - a.length);
  const asTyped = [...replacements.keys()].filter((value) => replacements.get(value) === value);
  return (text) => {
    let shown = text;
    for (const [value, replacement] of changed) shown = shown.split(value).join(replacement);
    // Each stretch a piece stands in is hidden, but where an argument shown as typed holds it whole.
    const typed = asTyped.flatMap((value) => occurrences(shown, value).map((at) => [at, at + value.length] as const));
    const hidden = new Uint8Array(shown.length);
    for (const piece of pieces) {
      for (const at of occurrences(shown, piece)) {
        const end = at + piece.length;
        if (piece.length < 8 && !(/[:/]/.test(shown.charAt(at - 1)) && shown.charAt(end) === '@')) continue;
        if (typed.some(([start, stop]) => start <= at && end <= stop)) continue;
        hidden.fill(1, at, end);
      }
    }
    if (!hidden.includes(1)) return shown;
    return shown.replace(/[^]/g, (character, at: number) => (hidden[at] === 0 ? character : hidden[at - 1] === 1 ? '' : REDACTED));
  };
}

/** `text` as a JSON string writes it, without its quotes. */
function escaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * Each way a message of diff, validate or generate may write `piece` (a hidden piece of a path argument), one rule for
 * every output: as typed or as a path or a hint re-spells it (`path.resolve` and `path.join` collapse `//`, `/./` and
 * `a/../`; validate's Windows-path hint writes each `\` as `/`; generate's `--out '…'` writes `'` as `'\''`), each of those
 * then as typed, escaped for JSON once or twice (a message quoting the path `"…"`, written in `--format json`), and each of
 * those as the output escapes it for the terminal or for JSON (a tab, U+200B, U+FEFF, DEL as `\u…`). Searched for as typed
 * and JSON-escaped once only, a password holding `//` (tGV F7), `\` or `'` (F9), an invisible character (F10), or `"` in
 * `--format json` (F11) was printed whole beside the argument shown `[redacted]`.
 */
function spellings(piece: string): string[] {
  // Each re-spelling on each form already made, as a hint applies both (`\` as `/`, then `'` as `'\''`: tHC F16).
  const slashed = [piece, piece.replace(/\\/g, '/')];
  const respelled = new Set([...slashed, ...slashed.map((form) => form.replace(/'/g, `'\\''`))]);
  for (const form of [...respelled]) {
    if (!form.includes('/')) continue;
    const normalized = path.posix.normalize(form);
    respelled.add(normalized);
    respelled.add(normalized.replace(/^\/+|\/+$/g, ''));
  }
  const written = new Set<string>();
  for (const form of respelled) {
    const once = escaped(form);
    for (const text of [form, once, escaped(once)]) for (const output of [text, printable(text), printableJson(text)]) written.add(output);
  }
  written.delete('');
  return [...written];
}

/** Where `needle` begins in `text`, each place, overlapping ones too. */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** What `shown` ({@link shownPath} of `value`) left out of `value`: the runs its `[redacted]` marks stand for, or `value` whole. */
function hiddenPieces(value: string, shown: string): string[] {
  if (shown.startsWith('<a value of ') || !shown.includes(REDACTED)) return [value];
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const chunks = shown.split(REDACTED);
  const found = new RegExp(`^${chunks.map(escape).join('([^]*)')}$`).exec(value);
  if (found === null) return [value];
  return found.slice(1).filter((piece): piece is string => piece !== undefined && piece !== '');
}
