import { isIPv4, isIPv6 } from 'node:net';

/*
 * What in a URL may be a secret (a JWT's shape, user info; for the CLI's output, a secret-looking
 * parameter name too: the server's log keeps only the protocol's names, `redactUrl`), and the one
 * mark that replaces it in both.
 */

/**
 * What every redaction writes in place of a secret, in the server's logs and errors
 * (`redactUrl`, `redactRedisUrl`, an option's user info) and in the CLI's output (`listen`,
 * `serve`): one mark an operator can search for (README documents it).
 */
export const REDACTED = '[redacted]';

/**
 * Names of query parameters that hold a secret: a secret's word anywhere in the name, in any case
 * and whatever separates the words (`_`, `-`, `.`, a digit, or nothing; one read across a `_`, `-`
 * or `.` begins at a word or with 4 letters or more of it: `usersess_id`'s sessid, not `switch_mac`'s hmac,
 * {@link holdsSecretWord}): `token`, `access_token`, `accesstoken`, `Authtoken`, `token_value`, `tokens`,
 * `id_token`, `api_key`, `apiKey`, `api_key_v2`, `privatekey`, `password`, `pwd`, `pw`, `pswd`, `creds`,
 * `client_secret`, `clientsecret`, `sig`, `auth`, `authorization`, `jwt`, `session`, `session_id`, `session-id` (not a
 * session's attributes: libpq's `target_session_attrs`),
 * `JSESSIONID`, a one-time `ticket` (CAS, a WebSocket ticket, and so `ticket_id`), `bearer`,
 * `otp`, `pin`, `passcode`, `cookie`, ….
 *
 * A capital only adds a redaction, never removes one: `isSecretName(n.toLowerCase())` implies `isSecretName(n)` for every
 * case variant `n`. The name is read lower case (`otpValue`, `otpvalue`, `OTPVALUE` alike: tCY F3, F11), and, if that finds
 * no secret, once more with a camelCase capital as a word boundary (`ldapPassValue`, `githubKeyValue`, `customerPinCode`,
 * `fooPinHash` redacted; `ldappassvalue`, `foopinhash` in clear: tDC F3), but not where the two words glued make an
 * ordinary word (`hotKey`, `byPass`, `keyBoard`, `hairPin`, `OAuthProvider`, `signIn`, `groupInfo` in clear). A short word ({@link SHORT}: `key`, `pass`,
 * `pin`, `sig`, `sid`, `auth`, `otp`, `mfa`, `pw`, `pswd`, `cred`, …) is a secret's as a word of its own, or glued to
 * other letters: ending a word (`passkey`, `accountkey`, `privkey`, `dbpass`, `userpin`, `userpw`; `sid` after a qualifier
 * only, {@link QUALIFIED_SID}), or beginning one,
 * maybe after a common qualifier ({@link QUALIFIER}: `otpvalue`, `pinnumber`, `authheader`, `userpinhash`, `mykeyid`),
 * but an ordinary word's end or start: not `author`, `design`, `monkey`, `turkey`, `hotkey`, `sortkey`, `cachekey`,
 * `spinner`, `spin`, `bypass`, `compass`, `keyboard`, `passenger`, `ping`, `sidebar`, `signin`, `ssid`, `processid`.
 * A short word inside a glued word after other letters, all lower case (`foopinhash`), is none: it cannot be told from
 * `shopping`, `groupinfo`, `design`. `cursor` and `user` hold no secret's word. `code` is one
 * alone (OAuth's `?code=`) or after a word that makes it a credential (`auth_code`, `verificationCode`, `otp-code`,
 * `device_code`, `two_factor_code`, `tfa_code`), not a `country_code` or `status_code`; after such a word, `key` and
 * `code` count whatever follows (`apikeyv2`, `privatekeypem`, `resetcodeurl`) but an ordinary word they begin
 * (`app_keyboard`, `oauth_keyword`, `device_codec`). `listen`'s rule for the URL it is given and the values it blanks
 * where a server echoes them (the server's log reads no name so: `redactUrl` keeps a value under the protocol's `since`
 * only); `name` is the parameter's name, decoded.
 */
export function isSecretName(name: string): boolean {
  // A capital sharp s has no capital of its own to go up to (`'ẞ'.toUpperCase()` is `ẞ`, its small `ß` goes up to `SS`):
  // read as `SS`, so that `PAẞWORD` reads as `paßword` and `PASSWORD` do (it was in clear: tDC F6).
  const folded = name.replace(/\u1E9E/g, 'SS');
  // Either reading redacts: the name case-folded, or read with a camelCase capital as a word boundary (tDC F3: `ldapPassValue`,
  // `githubKeyValue`, `customerPinCode` were in clear). A capital only adds a redaction, never removes one.
  // (Only a short word can be found by a split: a long one is read across any separator.)
  return readsAsSecret(folded) || (/[A-Z]/.test(folded) && SHORT_ANYWHERE.test(folded.toLowerCase()) && readsAsSecret(withCamelBoundaries(folded)));
}

/**
 * `name` with a `_` at each camelCase capital that begins a word (`ldapPassValue` → `ldap_Pass_Value`, `ldapPASSValue` →
 * `ldap_PASS_Value`, `pinEntry` → `pin_Entry`, `TOTPSeed` → `TOTP_Seed`), but not where the two words glued make an
 * ordinary word ({@link ORDINARY_GLUED}): one written in camelCase stays one (`hotKey`, `byPass`, `keyBoard`, `hairPin`,
 * `OAuth`, `mapKeys`, `PassThrough`). Every other capital is a boundary: the capital says where a word begins, which the
 * rule on the name case-folded has to guess (`ldapsid`, `pinentry`, `totpvalue` in clear; `ldapSid`, `pinEntry`,
 * `totpValue` were too when a boundary was taken only where the glued words read as a secret: tDE F1). Linear in
 * `name`'s length.
 */
function withCamelBoundaries(name: string): string {
  const words = name.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);
  let out = words[0]!;
  for (let index = 1; index < words.length; index++) {
    const left = /[A-Za-z]*$/.exec(words[index - 1]!)![0];
    const right = /^[A-Za-z]*/.exec(words[index]!)![0];
    out += (ORDINARY_GLUED.test(`${left}${right}`.toLowerCase()) ? '' : '_') + words[index];
  }
  return out;
}

/** {@link isSecretName}'s rule on `name` case-folded: a camelCase capital is no separator here. */
function readsAsSecret(name: string): boolean {
  // Lower case first, and only that read after: whatever case the name is written in, one verdict (tCY F3, F11). Upper
  // case before, so that a letter whose capital is ASCII reads as that (`paßword` as `PASSWORD` does, `ſecret`, a Kelvin K).
  const lower = name.toUpperCase().toLowerCase();
  // The name's letters and digits alone: the long words are found in it wherever they stand, across any separator.
  const joined = lower.replace(/[^a-z0-9]+/g, '');
  if (joined === 'code' || holdsSecretWord(lower)) return true;
  // `key` or `code` glued after a word that makes it a credential, whatever follows (`apikeyv2`, `privatekeypem`,
  // `resetcodeurl`), unless it goes on into an ordinary word (`app_keyboard`, `oauth_keyword`, `device_codec`: tCO F3,
  // and all of them in clear was tCP F2). On the name with its separators kept, so that what follows is told glued
  // (`codec`) or a word of its own (`code_check`: tCQ F1).
  if (joined.includes('key') || joined.includes('code')) {
    const words = lower.replace(/[^a-z0-9]+/g, '_');
    if (SECRET_KEY.test(words) || SECRET_CODE.test(words)) return true;
  }
  // A short word: its words are the runs of letters (`key2` → key; `APIKey` → apikey, which ends in key).
  if (!SHORT_ANYWHERE.test(joined)) return false;
  return (lower.match(/[a-z]+/g) ?? []).some((word) => SHORT_WORD.test(word) || (GLUED_END.test(word) && !ORDINARY_END.test(word)) || GLUED_START.test(word) || QUALIFIED_SID.test(word));
}

/**
 * Whether `name` (lower case) holds one of {@link SECRET_WORD_ANYWHERE}'s words in its letters and digits, its separators dropped
 * (`access_token`, `accesstoken`, `pass_word`, `sess-id`), one read across a separator beginning at one of the name's
 * words, or with 4 letters or more of the word it begins in: the last letters (up to 3) of one word and the start of the next
 * make none (`switch_mac` is no hmac, `last_ok_entry` no token, `photo_kenya` no token, `dot_p` no otp: all were
 * redacted, tCV F10), but `usersess_id`, `PHPSESS_ID`, `userTick_et` are (`userSess_id` was logged in clear: tCY F11).
 * A camelCase capital is no separator (`switchMac` is read as `switchmac`, which holds hmac): the rule errs on redacting.
 * Linear in `name`'s length.
 */
function holdsSecretWord(name: string): boolean {
  const words = name.split(/[^a-z0-9]+/).filter((word) => word !== '');
  const joined = words.join('');
  // The word each character of `joined` stands in, by its index among the words (a name may be a server's megabyte: no scan per match).
  const wordAt = new Uint32Array(joined.length);
  let at = 0;
  words.forEach((word, index) => {
    wordAt.fill(index, at, at + word.length);
    at += word.length;
  });
  const find = new RegExp(SECRET_WORD_ANYWHERE.source, 'g');
  for (let match = find.exec(joined); match !== null; match = find.exec(joined)) {
    const { index } = match;
    // Within one word, from a word's first character, or from 4 letters or more before the word's end (`sess`, `tick`; not `msec_return`'s secret).
    if (wordAt[index] === wordAt[index + match[0].length - 1] || index === 0 || wordAt[index - 1] !== wordAt[index] || wordAt[index + 3] === wordAt[index]) return true;
    find.lastIndex = index + 1;
  }
  return false;
}

/**
 * Whether `value`, a query parameter's value (percent-decoded), holds a URL's parameter whose name says it holds a
 * secret ({@link isSecretName}, of the name decoded): a name after a `?`, `#`, `&` or `;` and before an `=`
 * (`?return_to=https://app.example/cb?access_token=<token>`, an OAuth redirect's `#access_token=`, `?next=/cb?code=…`).
 * `listen` hides such a parameter whole, as one whose value is a URL with user info (it was printed in clear: tCV F12). Linear in `value`'s length.
 */
export function holdsSecretParameter(value: string): boolean {
  if (!value.includes('=')) return false;
  for (const [, name] of value.matchAll(/[?#&;]([^=?#&;]*)=/g)) if (isSecretName(leniently(name!))) return true;
  return false;
}

/**
 * Words no ordinary name holds, found anywhere in a name's letters and digits (its separators dropped: {@link holdsSecretWord}).
 * A session's attributes are none (libpq's `target_session_attrs`, whose values are `read-write`, `primary`, …: it and every
 * parameter after it were hidden where an operator debugging a failover needs them, tIO F12).
 */
const SECRET_WORD_ANYWHERE = /token|secret|passw(?:or)?d|passcode|passphrase|session(?!attr)|sessid|cookie|ticket|jwt|bearer|signature|hmac|credential|creds|assertion|authorization|pwd|pswd|otp$/;
/** `key` after a word that makes it a credential, glued or not, whatever follows (on the name lower case, its separators `_`), but an ordinary word it begins (`keyboard`, `keymap`). */
const SECRET_KEY = /(?:api|access|private|signing|master|encryption|auth|client|app|license|shared|secure)_?key(?!(?:board|word|note|stone|stroke|pad|frame|hole|chain|map|space|code)s?(?![a-z]))/;
/** `code` after a word that makes it a credential, glued or not, whatever follows (as {@link SECRET_KEY}), but an ordinary word it begins (`codec`, `codename`). Not `code` alone, which {@link isSecretName} takes itself (OAuth's `?code=`). */
const SECRET_CODE = /(?:auth|authorization|verification|verify|access|otp|totp|hotp|mfa|2fa|tfa|(?:two|2|multi|second)_?factor|2sv|confirmation|confirm|reset|recovery|login|magic|device|security|sms|email|invite|one_?time)_?code(?!(?:c|x|name|base|page|point|gen|book)s?(?![a-z]))/;

/** The short words, each a secret's as a word of its own (plural or not) and glued to other letters ({@link isSecretName}). */
const SHORT = 'keys?|pass(?:es)?|pins?|sigs?|auth|otps?|mfa|pws?|psw|creds?';
/** Short words that are a secret's as a word of their own (`key`, `pw`), plural or not. */
const SHORT_WORD = /^(?:keys?|pass|pins?|sigs?|sids?|auth|otps?|mfa|pws?|psw|creds?|passwd|pwd|pswd|totp|hotp)$/;
/** What any name with a short word holds somewhere (a quick test before the words are read). */
const SHORT_ANYWHERE = /key|pass|pin|sig|sid|auth|otp|mfa|pw|psw|cred/;
/** A word that ends in a short word glued after other letters: `passkey`, `privkey`, `dbpass`, `userpin`, `reqsig`, `userpw`, `dbcreds` (`sid`: {@link QUALIFIED_SID}). */
const GLUED_END = new RegExp(`^[a-z]+(?:${SHORT})$`);
/**
 * The ordinary words among {@link GLUED_END}'s, which hold no secret: `monkey`, `hotkey`, a database's or a cache's key
 * (`sortkey`, `cachekey`, `idempotencykey`: tCY F4), a public key (`pubkey`, a reCAPTCHA `sitekey`: tDC F8), `bypass`, `compass`, a season or boarding pass, `spin`, `hairpin`,
 * `tenpin`, `respin`, `oauth` (a protocol's name, `googleoauth` too), `reauth`, `noauth`, `preauth`, a `typesig`.
 */
const ORDINARY_END = new RegExp(
  '^(?:' +
    [
      '(?:mon|don|tur|hoc|joc|whis|lac|flun|malar|po|ho|jo|smo|hot|turn|mic|door|latch|pub|site|sort|order|group|partition|range|hash|routing|cache|idempotency|primary|foreign|composite|dedup|dedupe|lookup|index|map|row|column|cursor|shard|bucket)keys?',
      '(?:by|com|encom|over|under|tres|sur|im|season|bus|boarding|day|rail|free)pass(?:es)?',
      '(?:s|backs|tops|sides|tails|autos|res|frees|lu|pip|hat|linch|lynch|tie|hair|king|push|clothes|terra|cho|ten|rolling|safety|bobby|drawing)pins?',
      '(?:[a-z]*o|re|no|pre)auth',
      'typesigs?',
    ].join('|') +
    ')$',
);
/**
 * Ordinary words a camelCase capital may split into a short secret's word and another ({@link withCamelBoundaries}): those of
 * {@link ORDINARY_END} (`hotKey`, `byPass`, `hairPin`, `OAuth`, `mapKeys`) and the ordinary words a short word begins
 * (`keyBoard`, `keyWord`, `PassThrough`, `passPort`, `pinPoint`), whole words only.
 */
const ORDINARY_GLUED = new RegExp(
  `${ORDINARY_END.source}|^(?:key(?:board|word|note|stone|stroke|pad|frame|hole|chain|map|space|press|cloak|set|range|len|gen)|pass(?:age|enger|port|through|thru|over|kit)|pin(?:point|ball|wheel|hole|board))s?$`,
);
/**
 * Common qualifiers a short word is glued after, then followed by more letters (`userpinhash`, `mykeyid`, `dbpassvalue`):
 * a short word inside a glued word after any other letters cannot be told from an ordinary word's (`shopping`, `design`).
 */
const QUALIFIER = 'x|j|my|user|users|web|api|access|db|app|auth|id|client|refresh|oauth|php|wp|admin|login|reset|account|root|new|old|current|master|private|secret|temp|default|device|mobile|server|service|session|sms|email|card|atm|bank|wifi|ssh|gpg|pgp|ftp|smtp|mail|proxy|vpn';
/**
 * `sid` ending a word glued after one or two {@link QUALIFIER}s only (`websid`, `phpsid`, `usersid`, `accesssid`): after other
 * letters it is most often an `s` and an id (`hasid`, `processid`, `statusid`, `classid`, a network's `ssid`, `bssid`: tCY F4).
 */
const QUALIFIED_SID = new RegExp(`^(?:${QUALIFIER}){1,2}sids?$`);
/**
 * A word that begins with a short word followed by more letters, maybe after one or two {@link QUALIFIER}s: `otpvalue`,
 * `pinnumber`, `authheader`, `keyid`, `passhash`, `sigvalue`, `sidvalue`, `authdata`, `userpinhash`; but an ordinary word
 * it begins: `keyboard`, `keyword`, `passenger`, `passport`, `pine`, `ping`, `pinned`, `sign`, `sigma`, `side`, `author`,
 * `authentic`, `credit`, `pwa`; and, as a whole word, `keycloak`, `keyset`, `keyrange`, `keylen`, `keygen`, `pinboard`,
 * `authz`, `authn` (tDC F8; a `pincode` stays redacted).
 */
const GLUED_START = new RegExp(
  `^(?:${QUALIFIER}){0,2}(?:` +
    [
      'key(?!board|word|note|stone|stroke|pad|frame|hole|chain|map|space|press|down|ed|ing|of|binding|(?:cloak|set|range|len|gen)s?$)',
      'pass(?!age|enger|ive|ion|ed|es|ing|through|thru|over|able|erby|port|kit)',
      'pin(?!e|g|k|t|ch|nacl|nate|ned|ning|ion|ball|point|wheel|to|o|a|up|yin|afore|hole|ky|y|boards?$)',
      'sig(?!n|ma|il|ht|alg|graph|term|int|kill|hup|usr|pipe|chld|quit|stop|cont|alrm|segv|abrt|winch)',
      'sid(?!e|ing|le|ney)',
      'auth(?!or|entic|[nz]$)',
      'otp',
      'mfa',
      'pw(?!a|rite)',
      'psw',
      'cred(?!it|o|en|ib|ul)',
    ].join('|') +
    ')[a-z]',
);

/**
 * Whether `text` holds a JWT, whatever it is called: two base64url runs of 12 characters or more
 * (a header of any spelling, `eyJ…` or not, and a payload), each followed by a dot, or a compact
 * JWE whose encrypted key is empty (`<header>..<iv>.<ciphertext>.<tag>`: {@link isJweRest}), its header a JSON object's
 * ({@link isJwtHeader}: a `..` in a file name or a range is none). A token
 * under a name no list foresees (`?id_token=`, `?<jwt>`, `?token%3D<jwt>`) is one; a cursor
 * (`k3x9a.1042`) is not. Linear in `text`: it is run on every refused request's URL, and a
 * regular expression for it backtracked, 16 KB of one letter blocking the server for a second.
 */
export function looksLikeJwt(text: string): boolean {
  if (!text.includes('.')) return false;
  const parts = text.split('.');
  for (let i = 0; i + 2 < parts.length; i++) {
    // A JWE's shape needs its header, as holdsJwt's does: `report_2024_final..backup_version_2.tar.gz` has the rest of one (tCO F3).
    if (TOKEN_RUN_END.test(parts[i]!) && (TOKEN_RUN.test(parts[i + 1]!) || (isJweRest(parts, i + 1) && endsWithJwtHeader(parts[i]!)))) return true;
  }
  return false;
}

/**
 * Whether `parts[from]` on are what follows a compact JWE's header when its encrypted key is
 * empty (RFC 7516 §7.1: `alg: "dir"` or `"ECDH-ES"`, as Auth.js session tokens are): that empty
 * part, an initialization vector of 12 or more base64url characters, then the ciphertext and
 * the tag. A JWT is a JWS or a JWE (RFC 7519 §1); a JWE with an encrypted key has the JWS's shape.
 */
function isJweRest(parts: string[], from: number): boolean {
  return parts[from] === '' && from + 3 < parts.length && TOKEN_RUN.test(parts[from + 1]!);
}

/**
 * Whether `value`, given where a host, a port, an origin or a Redis URL goes, reads as a secret given there by mistake
 * (`--redis "$PASSWORD"`, `url: process.env.REDIS_PASSWORD`, `--port "$TOKEN"`, `--allow-origin` taking a secret): then
 * it is said by its length only, never shown. The one rule of the CLI's options and the Redis store's url (two regular
 * expressions of 16 characters or more showed `Xk9mP2qR7wL4zT8b!`, `Tr0ub4dor&3horse` and `Pa55w0rdXyz` whole: tEG F2).
 * A JWT; or, for a value with no scheme (`scheme://…`, whose user info the redactions drop) that is no path (`/…`), one
 * of 6 characters or more, with no `.` or `:`, that holds a character no host name, address, port or origin holds (any of
 * `!$*,;()<>[\]^`{|}` but in `${NAME}`, an unexpanded variable; before a `?`, any of `&#+~=`, or a `%` but an IPv6 zone's
 * or percent-encoding's), or that is mixed case (upper and lower
 * case letters, 8 characters or more: host names are written in lower case; a password or token is not), or has an upper
 * case letter among 16 characters or more, or is 32 or more hex digits (after a prefix and `_` too: `dop_v1_…`, `shpat_…`),
 * or a GitHub or Slack token (`ghp_…`, `xoxb-…`);
 * but never one that reads as a host name, `host:port` or a relative path once its unexpanded variables (`${NAME}`,
 * `$NAME`, `%NAME%`) are left out ({@link readsAsHostOrPath}: `Johns-MacBook-Pro`, `Redis-Master:6379`, `ws/Stream`,
 * `$REDIS_URL`), or as a computer's name before a lower-case domain ({@link readsAsNameWithDomain}: `DESKTOP-7QK4M2N.local`,
 * `Redis01.corp.example.com`). Brackets are an IPv6 address's only: `[::1]`, `[::1]:8000`.
 */
export function secretWhereAddressGoes(value: string): boolean {
  if (holdsJwt(value)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('/')) return false;
  if (/^[0-9a-f]{32,}$/i.test(value)) return true;
  // A GitHub or Slack token, whose prefix no host name has (`_` is in none; tEP F4); a prefix and `_` before 32 or more hex
  // digits (DigitalOcean's `dop_v1_…`, Shopify's `shpat_…`: shown everywhere, tER F4).
  if (/^(?:gh[pousr]_|github_pat_|xox[abposr]-)[\w-]{8,}$/.test(value) || /^[\w-]*_[0-9a-f]{32,}$/i.test(value)) return true;
  // An unexpanded variable, `${NAME}`, `$NAME` (a single-quoted shell, a .env read as is) or `%NAME%` (Windows cmd): its
  // name in capitals, as environment variables are written (`Pa$$word` is none).
  // What reads as a host name, host:port or a path, each part a word (tEP F3: `Johns-MacBook-Pro`, `App.Example.com`,
  // `Redis-Master:6379`, `ws/Stream`, `$REDIS_URL`, `%PORT%` were said by their length, the user left to guess).
  const unexpanded = value.replace(/\$\{\w*\}|\$[A-Z_][A-Z0-9_]*(?![a-z])|%[A-Z_][A-Z0-9_]*%/g, '').replace(/^\[[0-9a-f:.]*(?:%[\w.-]+)?\]/i, '');
  if (readsAsHostOrPath(unexpanded) || readsAsNameWithDomain(unexpanded)) return false;
  // Ordinary slips said by their length, a `~`, `,` or `\` read as no host's and `T`/`Z` as a password's capitals (tGV F8):
  // a git ref counted back (`HEAD~1`, `main^2`, `origin/main~3`), an ISO 8601 date or date-time, a list of lower-case words
  // (`tolerant,strict`), a Windows path whose parts read as a path's (`C:\Users\Me\msgs2024.json`).
  if (/^[\w./-]+(?:[~^]\d*)+$/.test(unexpanded) && readsAsHostOrPath(unexpanded.replace(/[~^]\d*/g, ''))) return false;
  if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/.test(unexpanded)) return false;
  if (/^[a-z][a-z0-9-]*(?:,[a-z][a-z0-9-]*)+$/.test(unexpanded)) return false;
  if (/^[A-Za-z]:\\[^\\]/.test(unexpanded) && readsAsHostOrPath(unexpanded.slice(3).replace(/\\/g, '/'))) return false;
  const word = value.replace(/\$\{\w*\}/g, '').replace(/^\[[0-9a-f:.]*(?:%[\w.-]+)?\]/i, '');
  const head = word.split('?')[0]!;
  // A `%` of an IPv6 zone or of percent-encoding (`example%20com`) is a mistake to show, as is a lone `*` or a list (`127.0.0.1,::1`).
  const holdsNoHostCharacter = /[!$*,;()<>[\]\\^`{|}]/.test(word) || /[&#+~=]/.test(head) || (/%(?![0-9a-f]{2})/i.test(head) && !/^[0-9a-f:.]+%[\w.-]+$/i.test(head));
  if (holdsNoHostCharacter && word.length >= 6 && !/[.:]/.test(word)) return true;
  if (/[A-Z]/.test(word) && ((/[a-z]/.test(word) && word.length >= 8) || word.length >= 16)) return true;
  return /^[0-9a-f]{32,}$/i.test(word);
}

/**
 * Whether `value`, given with no scheme where a word, a port, a host or a Redis URL goes, is a password holding `@` rather
 * than `user@host`: what follows its last `@` (to a `/`, `?` or `#`) is no host, neither a host name with a dot, an IP
 * address nor localhost ({@link readsAsHostAndPort}), and the value reads as a password ({@link secretWhereAddressGoes}, or
 * 6 characters or more mixing letters and digits, a port of digits at its end left out): `P@ssw0rd123`, `Summer2024@home`,
 * `correct@horse#battery`, `Summer1476:@98`. Read as `user@host`, only its part before the `@` was hidden, the rest shown as
 * the host (tIO F1). Not `user:password@host` whose user name reads as none (`alice:p@ss@db`: its password alone is hidden),
 * `alice@redis:6379`, an npm spec (`@acme/contract@1.2.0`, `contract@1.2.0`) nor a git ref (`HEAD@{1}`).
 */
export function passwordHoldingAt(value: string): boolean {
  const given = value.trim();
  const at = given.lastIndexOf('@');
  if (at === -1 || /^(?:[a-z][a-z0-9+.-]*:)?[/\\]{2}/i.test(given) || given.startsWith('/') || NPM_SCOPED_SPEC.test(given)) return false;
  if (/^[\w./-]+@\{[^}]*\}$/.test(given) || /^[a-z0-9][\w.-]*@[\^~]?\d+(?:\.\d+){1,2}(?:[-+][\w.-]+)?$/.test(given)) return false;
  if (readsAsHostAndPort(/^[^/\\?#]*/.exec(given.slice(at + 1))![0])) return false;
  const user = /^([^:@]*):/.exec(given)?.[1];
  const judged = (text: string) => {
    const word = text.replace(/:\d{1,5}$/, '');
    return secretWhereAddressGoes(word) || (word.replace(/@/g, '').length >= 6 && /[a-z]/i.test(word) && /\d/.test(word) && !/^[0-9a-f@]+$/i.test(word) && !/\.[a-z]{1,5}$/i.test(word));
  };
  if (user !== undefined && /^[\w.+-]{2,}$/.test(user) && !judged(user)) return false;
  return judged(given);
}

/**
 * Whether `word` reads as a host name, `host:port` or a relative path rather than a password: letters, digits, `.` and
 * `-` (and `_` and `/` in a path), a `:port` of digits, each part between them a word: lower case and digits
 * (`redis-primary-01`), digits, or letters alone in capitals or written as words (`MacBook`, `Johns`, `LOCALHOST`,
 * `iPhone`); not a part mixing capitals and digits (`Pa55w0rdXyz`, `AKIAIOSFODNN7EXAMPLE`) or letters whose case
 * changes within a word (`XkmPqRwL`), nor one of 16 characters or more with a capital and no `.`, `-`, `:` or `/`
 * (`CorrectHorseBatteryStaple`).
 */
function readsAsHostOrPath(word: string): boolean {
  const match = /^([A-Za-z0-9.-]*)(?::\d{1,5})?(\/[\w./-]*)?$/.exec(word);
  if (match === null) return false;
  if (/[A-Z]/.test(word) && word.length >= 16 && !/[.:/-]/.test(word)) return false;
  // A word, `-` and digits before a domain (`Secret-123.ab`, `Winter-2024.rocks`) is judged as the word and digits glued are
  // ({@link readsAsNameWithDomain}): read here part by part, it was shown (tFE F4).
  if (/^[A-Za-z]*[A-Z][A-Za-z]*-\d+\./.test(match[1]!) && /[a-z]/.test(match[1]!.split('-')[0]!)) return false;
  return (match[1]! + (match[2] ?? '')).split(/[./_-]/).every((part) => /^[a-z0-9]*$/.test(part) || /^(?:[a-z]+|[A-Z]+[a-z]+)?(?:[A-Z]+[a-z]{2,})*[A-Z]*$/.test(part));
}

/**
 * Whether `word` reads as a computer's name before a lower-case domain, maybe with `:port`: `DESKTOP-7QK4M2N.local`,
 * `EC2AMAZ-8G3K2LM.corp.local`, `DC01.corp.local`, `Redis01.corp.example.com`, `MacBook-Pro-M2.local` (tER F3: hidden by
 * their length, the mixed-case test reading case across labels, while `DESKTOP-7QK4M2N` alone was shown). Its first label's
 * parts (between `-`) are each capitals and digits, lower case and digits, or a word (`Redis`, `MacBook`) maybe followed by
 * digits; the domain after it is lower case, as no password's tail is. The same name without a domain (`Server01`) is not
 * one: a word and digits is what a password is too (`Secret123`, `Summer2024`).
 */
function readsAsNameWithDomain(word: string): boolean {
  const match = /^([A-Za-z0-9-]{1,63})((?:\.[a-z][a-z0-9-]*)+)(?::\d{1,5})?$/.exec(word);
  if (match === null) return false;
  const parts = match[1]!.split('-');
  // A word and digits alone as the name (`Password1`, `Winter2024`) is a password's shape too: before one domain label
  // (`Password1.abc`, `Winter2024.rocks`, `Hunter2.x`) it was shown (tFA F5); a host's domain has two or more (`Redis01.corp.local`),
  // or is a LAN's, whose one label names no site (`Redis01.local`, `Server01.lan`, `Ubuntu2204.local` were hidden: tFE F4). So
  // with a `-` between the word and the digits, a password's common shape (`Secret-123.ab`, `Winter-2024.rocks` were shown:
  // tFE F4); a name of three parts or more is a computer's (`MacBook-Pro-M2.local`).
  const lan = /\.(?:local|lan|internal|localdomain|home\.arpa)$/.test(match[2]!);
  if (parts.length <= 2 && !lan && !/^[A-Z0-9-]*$/.test(match[1]!) && !/^[a-z0-9-]*$/.test(match[1]!) && match[2]!.split('.').length < 3) return false;
  return parts.every((part) => /^[A-Z0-9]*$/.test(part) || /^[a-z0-9]*$/.test(part) || /^(?:[A-Z]+[a-z]+|[a-z]+)(?:[A-Z]+[a-z]{2,})*\d*$/.test(part));
}

/**
 * `text` with each run that holds a JWT (as {@link holdsJwt} finds one, percent-encoded or
 * not) replaced by {@link REDACTED}: a run is what lies between characters a JWT never holds (`:`,
 * `@`, `/`, `?`, …), so a token in a URL's user info or host, or in an `Origin`, goes whole
 * and nothing else does. Linear in `text`.
 */
export function redactJwts(text: string): string {
  return text
    .split(/([^\w.%-]+)/)
    .map((run, i) => (i % 2 === 0 && (holdsJwt(run) || (run.includes('%') && holdsJwt(leniently(run)))) ? REDACTED : run))
    .join('');
}

/**
 * `first` and `second` each {@link redactJwts}-redacted, and a JWT split between them (the run that
 * ends `first` and the one that starts `second`, read as joined by `.`) `[redacted]` in both: a
 * wrapper's error named `TokenError: <header>` with the message `<payload>.<signature>`, or named
 * `<header>.<payload>` with the message `.<signature>`, was logged whole, each part read alone (tGD F7).
 */
export function redactJwtsAcross(first: string, second: string): [string, string] {
  const [a, b] = [redactJwts(first), redactJwts(second)];
  const tail = /[\w.%-]*$/.exec(a)![0];
  const head = /^[\w.%-]*/.exec(b)![0];
  if (tail === '' || head === '' || !holdsJwt(`${tail}.${head}`)) return [a, b];
  return [a.slice(0, a.length - tail.length) + REDACTED, REDACTED + b.slice(head.length)];
}

/**
 * {@link looksLikeJwt} with a JWT header ({@link isJwtHeader}) before the payload: hosts and
 * paths hold long dotted names (`my-company-portal.azurewebsites.net`, a bundle's
 * `main_application.3b2c….js`), which the looser test took for tokens, and a log lost the origin
 * an operator must allow. The header may stand after other text in its part (`x=<jwt>`,
 * `;session=x/<jwt>` once split).
 */
export function holdsJwt(text: string): boolean {
  if (!text.includes('.')) return false;
  const parts = text.split('.');
  for (let i = 0; i + 2 < parts.length; i++) {
    if ((TOKEN_RUN.test(parts[i + 1]!) || isJweRest(parts, i + 1)) && endsWithJwtHeader(parts[i]!)) return true;
  }
  return false;
}

/**
 * Whether `part`, one part of a compact JWT (no dot in it), is a JWT's header, the one definition the server and
 * the CLI use: the base64url of a JSON object, 12 or more base64url characters that decode to `{`, any JSON
 * white space, then `"` (`eyJ…` from `{"`, and a header written with spaces or lines: `eyAi…`
 * from `{ "`, `ewog…` from `{\n  "`, which listen printed whole: tCD F1; two ids and a version,
 * `?clientId=dashboard_main_01&deviceLabel=trading_desk_a&v=2`, are no header). A whole token
 * (`<header>.<payload>.<signature>`) is not one: the header alone is tested here. The parts after
 * it are {@link JWT_PAYLOAD} (12 or more base64url characters) and {@link JWT_SIGNATURE} (maybe
 * empty: `alg: none`), or, for a JWE (RFC 7516 §7.1), an encrypted key of 12 or more, or an empty
 * one (`alg: "dir"`) followed by an initialization vector of 12 or more, a ciphertext and a tag
 * (`isJweRest`): {@link holdsJwt} finds a whole one in a text. A host name
 * is no header: `eyeglass-shop`, `ewok-games` decode to no `{"`.
 */
export function isJwtHeader(part: string): boolean {
  return part.length >= 12 && TOKEN_RUN.test(part) && decodesToJsonObject(part);
}
/** A part that is a JWT payload: 12 or more base64url characters. */
export const JWT_PAYLOAD = /^[\w-]{12,}$/;
/** A part that is a JWT signature: base64url, maybe empty. */
export const JWT_SIGNATURE = /^[\w-]*$/;

/** What a JSON object with a member begins with, decoded: `{`, white space, `"`. */
const JSON_OBJECT_START = /^\{[ \t\r\n]*"/;
/** How the base64 of {@link JSON_OBJECT_START} begins. */
const HEADER_PREFIX = /^e(?:y[AJ]|w[ok0])/;
/** Base64url characters read to find that start: 48 bytes, room for an indentation. */
const HEADER_PROBE = 64;

/** Whether base64url `run` (from its first character) decodes to {@link JSON_OBJECT_START}. */
function decodesToJsonObject(run: string): boolean {
  // `{` then `"`, a space, `\n`, `\r` or `\t` begins so in base64 (`eyJ`, `eyA`, `ewo`, `ew0`, `ewk`): most starts are left there.
  if (!HEADER_PREFIX.test(run)) return false;
  return JSON_OBJECT_START.test(Buffer.from(run.slice(0, HEADER_PROBE), 'base64url').toString('latin1'));
}

/**
 * Whether `part` ends with a JWT header ({@link isJwtHeader}): its last run of base64url
 * characters, from any of its characters at least 12 before the end. Linear in `part`: the run
 * is found by a scan from the end (a regular expression anchored at the end tried every start,
 * 16 KB of one letter then took seconds), and each start decodes at most {@link HEADER_PROBE}.
 */
function endsWithJwtHeader(part: string): boolean {
  let start = part.length;
  while (start > 0 && /[\w-]/.test(part[start - 1]!)) start--;
  for (let i = start; i + 12 <= part.length; i++) {
    if (decodesToJsonObject(part.slice(i, i + HEADER_PROBE))) return true;
  }
  return false;
}

/** A part that ends with 12 base64url characters; one that is 12 or more of them. */
const TOKEN_RUN_END = /[\w-]{12}$/;
const TOKEN_RUN = JWT_PAYLOAD;

/**
 * `text` percent-decoded as far as it decodes, twice (a JWT encoded twice, `%252E`, still shows),
 * each `%XX` on its own: one stray `%` does not leave the rest encoded. Text without `%` or `+`
 * comes back as it is, unscanned: the log line of a refusal reads every parameter so.
 */
export function leniently(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  const once = (t: string) => t.replace(/\+/g, ' ').replace(/%[0-9A-Fa-f]{2}/g, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)));
  return once(once(text));
}

/**
 * A URL or host given as an option, as an error shows it (`host`, an origin, `jwksUrl`): the user info of a URL or
 * `user:password@host` given by mistake is `[redacted]`, wherever it stands and whatever it holds
 * (a leading space, a list given as one entry, `//user:pw@host`, a password with `/`: tAU F2, tAW F1), and a port
 * that is not digits, which may be a password whose `@host` is missing (`https://user:[redacted]/jwks`).
 */
export function withUserInfoShownRedacted(host: string): string {
  const span = userInfoSpan(host);
  // The port after the host too: `https://alice@idp.example:<password>/jwks` was shown beside "(not shown: …)" (tGF F6).
  // Empty user info (`//@host`) hides nothing: no mark, which would say a secret stood there (tHG F9).
  if (span) return `${host.slice(0, span.start)}${span.start === span.at ? '' : REDACTED}@${withPortAfterAtRedacted(host.slice(span.at + 1))}`;
  // No `@`: a password whose `@host` is missing reads as a port that is not digits (`https://user:pw/jwks`); it is
  // `[redacted]`, as `serve --redis` does not show it (tDT F4: printed as the "port"). A host of more than one `:` is left as
  // it is only when it is an IPv6 address without brackets: a password holding `:` (`https://alice:pa:ss/jwks`) was shown
  // whole as one (tGR F5), and `alice:pa:ss` read as a scheme `alice:` before a host `pa`.
  const bracketed = withBracketedHostPortRedacted(host);
  if (bracketed !== undefined) return bracketed;
  const authority = /^(\s*(?:[a-z][a-z0-9+.-]*:)?[/\\]{2}|)([^/\\?#]*)/i.exec(host)!;
  const colons = authority[2]!.split(':').length - 1;
  // A list of hosts given as one (`http://localhost:3000,http://localhost:5173`) is no password: a port of digits ends the
  // first. Each entry is judged on its own: a later one's password whose `@host` is missing was shown whole (tHC F17).
  // So is one whose first entry is a host without a port or an IPv6 address (`::1,127.0.0.1`, `127.0.0.1,::1`: tHG F1).
  const firstEntry = /^[^,;|\s]*/.exec(authority[2]!.trimStart())![0];
  if (colons >= 2 && firstEntry !== authority[2]!.trimStart() && (/^[^:]*(?::\d*)?$/.test(firstEntry) || isIPv6Host(firstEntry))) {
    const entries = host.split(/([,;|\s]+)/);
    return entries.map((entry, i) => (i % 2 === 0 && entry !== '' ? withUserInfoShownRedacted(entry) : entry)).join('');
  }
  if (colons >= 2) {
    // An IPv6 address without brackets, with or without a port of digits after it (`::1:30000`, `http://2001:db8::1:44300`), as
    // after an `@` ({@link withPortAfterAtRedacted}): all after its first `:` was `[redacted]`, a 5-digit port making it no
    // address (tHG F1).
    if (isIPv6Host(authority[2]!.trim())) return host;
    const first = authority[1]!.length + authority[2]!.indexOf(':') + 1;
    return `${host.slice(0, first)}${REDACTED}${host.slice(authority[0].length)}`;
  }
  const port = /^(?:[a-z][a-z0-9+.-]*:)?(?:[/\\]{2})?[^/\\?#:@[\]]*:([^/\\?#]*)/i.exec(host);
  if (port === null || port[1] === '' || /^\d+$/.test(port[1]!) || port[1]!.includes(':')) return host;
  return `${host.slice(0, port[0].length - port[1]!.length)}${REDACTED}${host.slice(port[0].length)}`;
}

/**
 * `rest`, what follows a URL's user info `@`, with a port that is not digits `[redacted]`: it may be the tail of a password
 * holding `@` whose own `@host` is missing (`alice:p@ss:[redacted]`).
 */
function withPortAfterAtRedacted(rest: string): string {
  // An IPv6 address without brackets, with or without a port of digits after it, is a host listen and serve say so of
  // (`http://user:[redacted]@::1:8000/`): its groups are no password's tail (CI, stop 73: `@:[redacted]`).
  const authority = /^[^/\\?#]*/.exec(rest)![0];
  if (isIPv6Host(authority)) return rest;
  const port = /^(?:\[[^\]/\\?#]*\]|[^/\\?#:[\]]*):([^/\\?#;]*)/.exec(rest);
  return port === null || port[1] === '' || /^\d+$/.test(port[1]!) ? rest : `${rest.slice(0, port[0].length - port[1]!.length)}${REDACTED}${rest.slice(port[0].length)}`;
}

/** Whether `authority` is an IPv6 address without brackets, with or without a port of digits after it (`::1`, `::1:30000`). */
function isIPv6Host(authority: string): boolean {
  const portless = /^(.*):\d+$/.exec(authority);
  return isIPv6(authority) || (portless !== null && isIPv6(portless[1]!));
}

/**
 * `host` (a URL or host as given, no user info) whose host is in IPv6 brackets, with a port that is not digits after its `]`
 * `[redacted]` (`ws://[::1]:[redacted]/api/ws`), and, when its `]` is missing, what follows the address's first part that is
 * no IPv6 group, IPv4 address or port of digits (`ws://[::1:[redacted]/api/ws`): the same password whose `@host` is missing
 * the rule above hides after a host name, which its port pattern never read after a `[` (tGF F5, F6: printed beside "not
 * shown"). Undefined for a host that is not bracketed.
 */
function withBracketedHostPortRedacted(host: string): string | undefined {
  const found = /^(\s*(?:[a-z][a-z0-9+.-]*:)?(?:[/\\]{2})?\[)([^\]/\\?#@]*)(\]?)((?::[^/\\?#]*)?)/i.exec(host);
  if (found === null) return undefined;
  const [whole, start, inside, close, port] = found as unknown as [string, string, string, string, string];
  const rest = host.slice(whole.length);
  if (close === ']') return port.length > 1 && !/^:\d+$/.test(port) ? `${start}${inside}]:${REDACTED}${rest}` : host;
  // No `]`: the address and any port run together; each part up to the first that none of them is shown.
  const parts = `${inside}${port}`.split(':');
  const first = parts.findIndex((part) => !/^(?:[0-9a-f]{0,4}|\d+|\d{1,3}(?:\.\d{1,3}){3})(?:%[\w.-]*)?$/i.test(part));
  return first === -1 ? host : `${start}${[...parts.slice(0, first), REDACTED].join(':')}${rest}`;
}

/**
 * `text` (an error's name, code or message, as the server logs one) with the user info of each `scheme://…@…` in it
 * `[redacted]` ({@link withUserInfoShownRedacted}), whatever the scheme (`postgres://[redacted]@db:5432/rt`,
 * `amqp://`, `mongodb+srv://`, `https://`): a URL runs to the next blank, less the punctuation that ends it. A custom store's or a hook's error quoting
 * its backend's connection string had the password logged, and in `stats().store.detail`, unless it was a Redis URL (tGV F12).
 */
export function withUrlUserInfoRedacted(text: string): string {
  return withSecretParametersRedacted(withUserInfoOfUrlsRedacted(text));
}

/**
 * `text` with the value of each query parameter of a `scheme://` URL in it whose name reads as a secret's
 * ({@link isSecretName}: `?password=`, `?sslpassword=`, `?api_key=`) `[redacted]`, whatever it holds, and all of the URL after
 * it (a password holding an unencoded `&` or `#` runs on into what follows, as `redactRedisUrl` reads one); a fragment naming
 * one is `#[redacted]` whole. Only one holding an `@` was hidden: `postgres://db:5432/x?password=Hunter2SecretPw` was shown
 * (tIF F5). A value `[redacted]` already is left, and what follows it. Linear in `text`.
 */
function withSecretParametersRedacted(text: string): string {
  if (!text.includes('=') || !text.includes('//')) return text;
  return text.replace(/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s?#]*[?#]\S*/gi, (given) => {
    const end = /[.,;:!?)\]}'">\\]*$/.exec(given)![0];
    const url = given.slice(0, given.length - end.length);
    const mark = url.search(/[?#]/);
    let at = mark;
    for (const pair of url.slice(mark + 1).split(/[&#]/)) {
      const separator = url[at]!;
      const equals = pair.indexOf('=');
      // One `[redacted]` already (its `]` maybe read as the sentence's end) is left as it is.
      const value = pair.slice(equals + 1);
      const already = value === REDACTED || (value === REDACTED.slice(0, -1) && end.startsWith(']'));
      if (equals > 0 && !already && isSecretName(leniently(pair.slice(0, equals)))) {
        if (separator === '#' || url.lastIndexOf('#', at) !== -1) return `${url.slice(0, url.indexOf('#'))}#${REDACTED}${end}`;
        return `${url.slice(0, at + 1 + equals + 1)}${REDACTED}${end}`;
      }
      at += pair.length + 1;
    }
    return given;
  });
}

/** {@link withUrlUserInfoRedacted}'s user info (and `@`) rules. */
function withUserInfoOfUrlsRedacted(text: string): string {
  if (!text.includes('@') && !/%(?:25)?40/i.test(text)) return text;
  // Also spelt otherwise (tHC F13: each was logged whole): percent-encoded inside another URL
  // (`?next=postgres%3A%2F%2Fapp%3A<password>%40db`, to the next `&` or blank), JSON-escaped (`postgres:\/\/app:<password>@db\/rt`),
  // glued after a `_` (`DATABASE_URL_postgres://…`: a scheme begins after any character no scheme holds) or scheme-relative
  // (`//app:<password>@db`, after a blank or an opening quote or bracket, with no `/` before its `@`).
  const decoded = text.replace(/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*%(?:25)?3A%(?:25)?2F%(?:25)?2F[^\s&#"'<>]*/gi, (url) => {
    const from = /%(?:25)?2F%(?:25)?2F/i.exec(url)!;
    const at = [...url.matchAll(/%(?:25)?40|@/gi)].at(-1);
    return at === undefined || at.index < from.index + from[0].length ? url : `${url.slice(0, from.index + from[0].length)}${REDACTED}${url.slice(at.index)}`;
  });
  if (!decoded.includes('@')) return decoded;
  // Punctuation ending the sentence after its host (`…@mq:5672,`) is no part of it: read as a port that is not digits, hidden.
  return withPassphraseRedacted(decoded).replace(/(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:(?:\/\/|\\\/\\\/)|(?<![^\s"'`(<[{=,])\/\/(?=[^\s/@]+@))[^\s@]*@\S*/gi, (given) => {
    const escaped = given.includes('\\/');
    const url = escaped ? given.replace(/\\\//g, '/') : given;
    const end = /[.,;:!?)\]}'">\\]*$/.exec(url.slice(url.lastIndexOf('@') + 1))![0];
    const body = url.slice(0, url.length - end.length);
    const shown = `${withQueryAtsShown(body) ?? withHostListShownRedacted(body)}${end}`;
    return escaped ? shown.replace(/\//g, '\\/') : shown;
  });
}

/**
 * `url` (a `scheme://` URL quoted in a text) when an `@` in it lies in a query value or the fragment: no user info's, as the
 * URL standard reads it, the `@` a value's (`postgres://db:5432/x?password=Hunt@er2Secret`, `?user=app@corp`); user info,
 * if any, ends at the authority's last `@` (`postgres://[redacted]@db:5432/x?password=[redacted]`). Shown with its host, path and other values as they are, the value of each parameter whose name reads as a
 * secret ({@link isSecretName}) and holds an `@` `[redacted]`, a URL in a value with its own user info `[redacted]`, and a fragment holding `@` `[redacted]`: read to
 * the last `@`, the password's tail was shown as the host (`postgres://[redacted]@er2Secret`), and an ordinary value's `@`
 * hid the host (`postgres://[redacted]@corp`: tHS F4). Undefined for any other URL (an `@` only in its authority, an `@` in its
 * path or a parameter's name, or a fragment right after the host that names no secret parameter: a password holding an
 * unencoded `/`, `?` or `#` is read to the last `@`, as before).
 */
function withQueryAtsShown(url: string): string | undefined {
  const found = /^(\s*(?:[a-z][a-z0-9+.-]*:)?\/\/)([^/\\?#]*)([^?#]*)(\?[^#]*)?(#[^]*)?$/i.exec(url);
  if (found === null) return undefined;
  const [, start, authority, path, query = '', fragment = ''] = found as unknown as [string, string, string, string, string | undefined, string | undefined];
  const pairs = query.slice(1).split('&');
  // User info ends at the authority's last `@`, as the URL standard (and redactRedisUrl's userInfoEnd) reads it: an `@` in a
  // query value or fragment after it was read as the user info's end, `postgres://app:pw@db/rt?password=Hunt@er2Secret`
  // shown as `postgres://[redacted]@er2Secret` (tIB F1).
  const authorityAt = authority.lastIndexOf('@');
  const host = authority.slice(authorityAt + 1);
  if (passwordPastAuthority(authority, url.slice(start.length + authority.length))) return undefined;
  if (host.trim() === '' || path.includes('@') || pairs.some((pair) => pair.split('=')[0]!.includes('@'))) return undefined;
  if (!query.includes('@') && !fragment.includes('@')) return undefined;
  const name = (pair: string) => leniently(pair.split('=')[0]!);
  // A `#` right after the host with an `@` after it is a password's (`postgres://app:Xk9#L7vR4@db`), read to the last `@`;
  // but not one naming a secret parameter (`https://vault.example#password=Hunt@er2Secret`: shown whole, or its tail as the
  // host: tIB F2): the fragment is `[redacted]`.
  const fragmentNamesSecret = fragment.slice(1).split('&').some((pair) => pair.includes('=') && isSecretName(name(pair)));
  if (path === '' && query === '' && fragment.includes('@') && !fragmentNamesSecret) return undefined;
  // So is one after user info and a path or query (`postgres://app:Wr0ng@Sekrit/Pw#y@db`): the password holds an `@`, then a
  // `/` or `?`, then a `#`; read to the last `@`, none of it is shown (its middle was shown as the host and path: tIF F1).
  if (authorityAt !== -1 && fragment.includes('@') && !fragmentNamesSecret && !readsAsHostAfterUserInfo(host)) return undefined;
  // A port that is not digits is a password's head (`postgres://app:pa?x=y@db`): read to the last `@`, as before.
  if (withUserInfoShownRedacted(`${start}${host}`) !== `${start}${host}`) return undefined;
  const userInfo = authorityAt === -1 ? '' : authorityAt === 0 ? '@' : `${REDACTED}@`;
  const shownPair = (pair: string) => {
    const equals = pair.indexOf('=');
    if (equals === -1 || !pair.includes('@')) return pair;
    return isSecretName(name(pair)) ? `${pair.slice(0, equals)}=${REDACTED}` : `${pair.slice(0, equals + 1)}${withUrlUserInfoRedacted(pair.slice(equals + 1))}`;
  };
  const shownQuery = query === '' ? '' : `?${pairs.map(shownPair).join('&')}`;
  return `${start}${userInfo}${host}${path}${shownQuery}${fragment.includes('@') ? `#${REDACTED}` : fragment}`;
}

/**
 * Whether a URL's password runs past its `authority` (as the URL parser ends one, at the first `/`, `?` or `#`) into what
 * follows (`after`): the authority's host is none, a password's middle (`ss` of `postgres://app:P@ss?w0rd=secret@db.example.com`,
 * with a `?` or `#` right after it), or empty after a user name's `:` (`postgres://app:?Secr3t=pw@db`, `postgres://app:/Secr3tpw#1@db`),
 * and what follows the URL's last `@` reads as a host: the user info runs to that `@`, as the CLI's shownArgument reads it.
 * Read to the authority's `@`, the password's tail was logged as the host and query, or whole (tIO F11).
 */
function passwordPastAuthority(authority: string, after: string): boolean {
  const at = authority.lastIndexOf('@');
  const last = after.lastIndexOf('@');
  if (last === -1) return false;
  const tail = /^[^/\\?#]*/.exec(after.slice(last + 1))![0];
  // After a user name's `:` (or the `::` of an empty one), any host: no URL ends its authority with an empty port but a host's
  // (`http://localhost:/`).
  if (at === -1) return /:$/.test(authority.trim()) && !readsAsHostAndPort(authority.trim().slice(0, -1)) && /^[a-z0-9[]/i.test(tail);
  // After a password's `@`, one that reads as a host (`db.example.com`, `db:5432`, an address; its `]` maybe read as the sentence's),
  // or a bare host name (`@db`, `@cache01`: tIT F4, the password's tail was logged as the host and query before it).
  return /^[?#]/.test(after) && !readsAsHostAfterUserInfo(authority.slice(at + 1).trim()) && (readsAsHostAfterUserInfo(tail) || /^\[[0-9a-f:.]+\]?$/i.test(tail) || /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(tail));
}

/**
 * `text` with the user info of each `scheme://user:password@` whose password holds a blank (a passphrase written unencoded
 * in a connection string made by hand, which a driver that splits it itself takes and quotes back) `[redacted]`, to the
 * last `@` before the next `/` or line break that a host follows (`postgres://[redacted]@db:5432/rt`): a URL was read to
 * the next blank, so the user info stopped at the first and none was found, and the passphrase was logged whole (tHG F8).
 * Only where no URL could end at the blank: the password's first word is no port (`http://host:8080 down, mail
 * ops@corp` stays), and the blank comes before the first `@`. Each character read once (the next `scheme://` ends a
 * password's reach, at its `/`).
 */
function withPassphraseRedacted(text: string): string {
  // The user name may be `[redacted]` already, a text of the request's hidden first (tIF F7: `postgres://[redacted]:correct
  // horse battery staple@db` was then logged whole, the pattern stopping at the `[`).
  const start = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@:[\]]|\[redacted\])*:/gi;
  const reach = /[/\r\n]/g;
  let [shown, from] = ['', 0];
  for (let found = start.exec(text); found !== null; found = start.exec(text)) {
    const password = found.index + found[0].length;
    reach.lastIndex = password;
    const segment = text.slice(password, reach.exec(text)?.index ?? text.length);
    const first = segment.indexOf('@');
    // Nor where a blank follows the `:`: a message after a URL (`redis://cache: NOAUTH for user ops@corp`), which no
    // passphrase begins with; its host was hidden and an address's domain shown as the host (tIF F3).
    if (first === -1 || !/\s/.test(segment.slice(0, first)) || /^\d+(?:[\s,;.)]|$)/.test(segment) || /^\s/.test(segment)) continue;
    let at = segment.lastIndexOf('@');
    while (at > first && !/[a-z0-9[]/i.test(segment[at + 1] ?? '')) at = segment.lastIndexOf('@', at - 1);
    if (!/[a-z0-9[]/i.test(segment[at + 1] ?? '')) continue;
    shown += `${text.slice(from, found.index + found[0].indexOf('//') + 2)}${REDACTED}`;
    from = password + at;
    start.lastIndex = from;
  }
  return shown + text.slice(from);
}

/**
 * `url` (a URL with user info, quoted in an error) as {@link withUserInfoShownRedacted} shows it, each host of a list after
 * its `@` (a MongoDB seed list, a libpq host list: `mongodb://[redacted]@h1:27017,h2:27017/rt`) judged on its own: the
 * list read as one host whose port was `27017,h2:27017` had every host but the first and every port `[redacted]` (tHC F9).
 */
function withHostListShownRedacted(url: string): string {
  const at = url.lastIndexOf('@');
  const rest = url.slice(at + 1);
  const authority = /^[^/\\?#]*/.exec(rest)![0];
  if (at === -1 || !authority.includes(',') || userInfoSpan(url) === undefined) return withUserInfoShownRedacted(url);
  const [first, ...others] = authority.split(',');
  const after = rest.slice(authority.length);
  const head = withUserInfoShownRedacted(`${url.slice(0, at + 1)}${first}${after}`);
  if (!head.endsWith(after)) return withUserInfoShownRedacted(url);
  const prefix = `//${REDACTED}@`;
  const hosts = others.map((host) => {
    const shown = withUserInfoShownRedacted(`//_@${host}`);
    return shown.startsWith(prefix) ? shown.slice(prefix.length) : REDACTED;
  });
  return `${[head.slice(0, head.length - after.length), ...hosts].join(',')}${after}`;
}

/**
 * `url`, one URL as given (it may not parse: `listen`'s target), with the password of its user info `[redacted]` and
 * the user name kept, as a parsed URL's is shown (`ws://alice:[redacted]@host/…`): the user info read as
 * {@link withUserInfoShownRedacted} reads it, to the last `@` (a password holding `/`, `?` or `#` was printed whole,
 * or its start: tCW F11), the password from its first `:` (a user name holds none: the URL writes it `%3A`). User
 * info with no `:` is `[redacted]` whole, as the server's log shows any: a user name alone may be the credential
 * (`https://<token>@host`, sent as Basic credentials; it was printed: tCV F6).
 */
export function withPasswordShownRedacted(url: string): string {
  const span = userInfoSpan(url);
  if (!span) return url;
  const colon = url.indexOf(':', span.start);
  // The port after the `@` as well: `alice:p@ss:w0rd99` showed `alice:[redacted]@ss:w0rd99` (tHC F6).
  return colon !== -1 && colon < span.at ? `${url.slice(0, colon + 1)}${REDACTED}@${withPortAfterAtRedacted(url.slice(span.at + 1))}` : withUserInfoShownRedacted(url);
}

/**
 * Why {@link withUserInfoShownRedacted} hid `host`'s port, or undefined when it did not: said beside the `[redacted]` mark,
 * which alone read as a correct port hidden by the tool (`http://localhost:[redacted]` for an unexpanded
 * `http://localhost:${PORT}`: tEG F3), as jwksUrl and `--redis` say it.
 */
export function portNotShown(host: string): string | undefined {
  if (userInfoSpan(host) !== undefined || withUserInfoShownRedacted(host) === host) return undefined;
  if (/^\s*(?:[a-z][a-z0-9+.-]*:)?(?:[/\\]{2})?\[[^\]/\\?#@]*(?:[/\\?#]|$)/i.test(host)) return 'the "[" before its IPv6 address is not closed by "]", and what follows the address is not shown: it may be a password whose @host is missing';
  return 'its port is not a number of digits (not shown: it may be a password whose @host is missing; or a variable not expanded, as ${PORT} in a config file?)';
}

/**
 * Where the user info of `url` (a URL or host as given, which may not parse) lies: from `start`, past a leading
 * `scheme://` (or `//`), else the start, to `at`, the index of its last `@`; undefined with no `@`.
 */
export function userInfoSpan(url: string): { start: number; at: number } | undefined {
  // To the last `@`: a password may hold `/`, `?`, `#`, `//`, a space or a comma (base64 ones hold `/`), which the
  // URL grammar's user info does not, and each stopped a tighter match, the password printed whole or in part (tAW F1, tAZ F1).
  const at = url.lastIndexOf('@');
  if (at === -1 || NPM_SCOPED_SPEC.test(url)) return undefined;
  const start = Math.min(/^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(url)?.[0].length ?? 0, at);
  // But not past an authority that reads as a host (a host name with a dot, an IP address, localhost; a port of digits) and
  // holds no `@`: the `@` is then its path's, query's or fragment's, as the URL standard reads it (an email in a REST path,
  // an npm scope, a git ref: `https://api.example.com/users/alice@example.com` lost its host, tHG F2). A password holding `/`
  // (`alice:pa/ss@host`, `<token>/x@host`) leaves no host name before its `/`, and is still read to the last `@`.
  const authority = /^[^/\\?#]*/.exec(url.slice(start))![0];
  // (An empty port, `::` too, is a user name's `:`, the password beginning with a `/`, `?` or `#`: `postgres://::/pw@db`, tIO F11.)
  if (start + authority.length < at && !authority.includes('@') && !/:$/.test(authority) && readsAsHostAndPort(authority)) {
    // A URL nested in its path or query (`?next=https://alice:<password>@bank/`, `?u=//alice:<password>@bank/`) has user
    // info of its own, read so in turn.
    const after = start + authority.length;
    const nested = /(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(url.slice(after, at));
    if (nested === null) return undefined;
    const inner = userInfoSpan(url.slice(after + nested.index));
    return inner === undefined ? undefined : { start: after + nested.index + inner.start, at: after + nested.index + inner.at };
  }
  // Nor, in a URL, past user info whose host reads as a host name or address when what follows the last `@` is no host: that
  // `@` is the path's (`https://ci:<password>@registry.example.com/@acme/contract`, a scope), as the URL parser reads it; read
  // to the last `@`, the host was hidden and what followed shown as another host (`https://[redacted]@acme/contract`: tIO F2).
  // When a host follows it (`…@api.example.com/users/alice@corp.com`), it may be a password holding `@` and then `/`
  // (`https://alice:Tr0ub4dor@correct.horse.battery/staple@app.example`, tHG F12), read to the last `@`, as it is when a URL
  // is nested after the host.
  const ownAt = authority.lastIndexOf('@');
  if (start > 0 && ownAt !== -1 && start + authority.length < at && readsAsHostAndPort(authority.slice(ownAt + 1))) {
    const tailHost = readsAsHostAfterUserInfo(/^[^/\\?#]*/.exec(url.slice(at + 1))![0]);
    if (!url.slice(start + authority.length, at).includes('//') && !tailHost) return { start, at: start + ownAt };
  }
  return { start, at };
}

/** An npm package spec with a scope (`@acme/contract`, `@acme/contract@1.2.0`, npm's alias `npm:@acme/x@^1`): its `@`s are no user info (tHG F9). */
const NPM_SCOPED_SPEC = /^\s*(?:npm:)?@[a-z0-9~][a-z0-9._~-]*\/[a-z0-9~][a-z0-9._~-]*(?:@[\w.^~<>=*|+ -]*)?\s*$/;

/**
 * Whether `host` (what a URL parser reads as the host and port after user info, before the first `/`, `?` or `#`) reads as a
 * real one ({@link readsAsHostAndPort}, or any name with a port of digits: `h:6379`) rather than the middle of a password
 * holding `@` and then `/`, `?` or `#` (`Sekrit` in `redis://alice:Wr0ng@Sekrit/Pw#y@host`): when it does not and an `@`
 * follows, the user info is read on (tIF F1, F2).
 */
export function readsAsHostAfterUserInfo(host: string): boolean {
  return readsAsHostAndPort(host) || /^[^:@[\]\s]+:\d{1,5}$/.test(host) || /^\[[0-9a-f:.]+\](?::\d{1,5})?$/i.test(host);
}

/**
 * Whether `authority` (a URL's, as given, without user info) reads as `host[:port]`: an IP address (IPv6 in brackets or
 * not), `localhost`, or a host name of dotted labels ending in letters that does not read as a secret, and a port of digits.
 */
export function readsAsHostAndPort(authority: string): boolean {
  const given = authority.trim();
  if (isIPv6Host(given)) return true;
  const found = /^(\[[^\]]*\]|[^:[\]]*)(?::\d{0,5})?$/.exec(given);
  if (found === null) return false;
  const name = found[1]!;
  if (name.startsWith('[')) return isIPv6(name.slice(1, -1));
  return isIPv4(name) || name.toLowerCase() === 'localhost' || (/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}\.?$/i.test(name) && !secretWhereAddressGoes(name));
}

/**
 * Whether the user info of `url` (as {@link userInfoSpan} reads it, to the last `@`) holds a `/`, `\`, `?` or `#`, where the
 * URL standard ends the authority: the URL parser (ws, the WHATWG `URL`, ioredis) then reads a password's middle as the
 * host (`ws://alice:Xk9@mP2/qR7@127.0.0.1/…` connects to `mP2`). Such a URL is refused, never connected to (tHG F11, F12).
 */
export function userInfoPastAuthority(url: string): boolean {
  const span = ownUserInfoSpan(url);
  return span !== undefined && /[/\\?#]/.test(url.slice(span.start, span.at));
}

/** `url` without its user info and `@` (as {@link userInfoSpan} reads it), its scheme kept: the host it means, read as it is shown. */
export function withUserInfoLeftOut(url: string): string {
  const span = ownUserInfoSpan(url);
  return span === undefined ? url : `${url.slice(0, span.start)}${url.slice(span.at + 1)}`;
}

/** {@link userInfoSpan} of `url` itself: undefined for that of a URL nested in its path or query (`?next=https://alice:pw@bank/`). */
function ownUserInfoSpan(url: string): { start: number; at: number } | undefined {
  const span = userInfoSpan(url);
  return span !== undefined && span.start === Math.min(/^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(url)?.[0].length ?? 0, span.at) ? span : undefined;
}

/**
 * What a hook's error is read against, of the request it was called for: `secrets`, texts hidden wherever they stand (the
 * request's token: each stretch of 8 characters or more of it, as `listen` hides one; a query value or user info: whole),
 * and `shown`, texts replaced by the form the same log line gives them (the request's URL by `redactUrl`'s, its `Origin`
 * by the refused origin's).
 */
export interface HiddenTexts {
  readonly secrets: readonly { readonly text: string; readonly pieces: boolean }[];
  readonly shown: readonly (readonly [raw: string, shown: string])[];
}

/** The characters a quoted secret may be split by, between an error's fields (name, code, message) or within one: blanks, line breaks and dots. */
const SPLIT_BY_ALL = /[\s.\u0000]/g;
/** The length from which a secret is hidden (its whole, or a piece of it), as `listen` hides a token: a shorter one is ordinary text too (`1`, `true`). */
const SECRET_LENGTH = 8;

/**
 * `texts` (an error's name, code and message) with `hidden` taken out: each raw text of `hidden.shown` replaced by its
 * shown form, then each of `hidden.secrets` `[redacted]` wherever it appears, in one text or read across them (any
 * two or three joined, in any order: a wrapper that names its error after the start of the token and puts the rest in
 * the message, or the header in `code`), and with blanks, line breaks or dots inserted in it (`<jwt part>\n<rest>`): a
 * secret is matched with those characters left out, of it and of the texts. A secret of fewer than 8 characters is
 * left alone (ordinary text holds such words). Linear in the texts' length, however many secrets and whatever they
 * hold (one scan of each order of the texts for all of them: a request of many query values made one scan each; the
 * whole secrets found by one automaton: each compared at every place its first 8 characters stood, 10 query values of
 * 1 400 `A`s quoted in a hook's error stalled the server for seconds, tGN F6).
 */
export function redactHiddenTexts(texts: readonly string[], hidden: HiddenTexts): string[] {
  const out = texts.map((text) => hidden.shown.reduce((done, [raw, shown]) => (raw.length >= SECRET_LENGTH && raw !== shown ? done.split(raw).join(shown) : done), text));
  // Each 8 characters of a secret hidden in pieces, and each whole secret once (squeezed as the texts are).
  const pieces = new Set<string>();
  const wholeTexts = new Set<string>();
  let longest = 0;
  for (const secret of hidden.secrets) {
    const squeezed = secret.text.replace(SPLIT_BY_ALL, '');
    if (squeezed.length < SECRET_LENGTH) continue;
    longest = Math.max(longest, squeezed.length);
    if (secret.pieces) for (let i = 0; i + SECRET_LENGTH <= squeezed.length; i++) pieces.add(squeezed.slice(i, i + SECRET_LENGTH));
    else wholeTexts.add(squeezed);
  }
  if (pieces.size === 0 && wholeTexts.size === 0) return out;
  const wholes = automaton(wholeTexts);
  // Every secret is looked for in the texts as they are, then all are redacted at once: one redacted first (the token
  // URL-encoded, `…%2F`) cut another's match short (the token as given, `…/`), its tail left shown.
  const squeezed = out.map((text) => {
    const at: number[] = [];
    SPLIT_BY_ALL.lastIndex = 0;
    for (let from = 0, gap = SPLIT_BY_ALL.exec(text); from < text.length; gap = SPLIT_BY_ALL.exec(text)) {
      const end = gap === null ? text.length : gap.index;
      for (let i = from; i < end; i++) at.push(i);
      from = gap === null ? text.length : end + 1;
    }
    return { text: text.replace(SPLIT_BY_ALL, ''), at };
  });
  const marks = out.map((text) => new Uint8Array(text.length));
  // Each text alone, whole; then where two or three meet, in every order, the stretch a secret may lie across (its longest
  // squeezed length on each side): a text scanned once, however many orders (a long message scanned six times took seconds).
  const reach = longest + SECRET_LENGTH;
  const filled = squeezed.map((text, i) => (text.text === '' ? -1 : i)).filter((i) => i !== -1);
  const scan = (segments: Segment[]) => markSecrets(segments, squeezed, pieces, wholes, marks);
  for (const i of filled) scan([{ text: i, from: 0, to: squeezed[i]!.text.length }]);
  for (const order of orders(filled)) {
    for (let k = 0; k + 1 < order.length; k++) {
      const [a, b] = [squeezed[order[k]!]!.text.length, squeezed[order[k + 1]!]!.text.length];
      scan([{ text: order[k]!, from: Math.max(0, a - reach), to: a }, { text: order[k + 1]!, from: 0, to: Math.min(b, reach) }]);
    }
    if (order.length === 3 && squeezed[order[1]!]!.text.length < reach) {
      const [a, c] = [squeezed[order[0]!]!.text.length, squeezed[order[2]!]!.text.length];
      scan([{ text: order[0]!, from: Math.max(0, a - reach), to: a }, { text: order[1]!, from: 0, to: squeezed[order[1]!]!.text.length }, { text: order[2]!, from: 0, to: Math.min(c, reach) }]);
    }
  }
  return out.map((text, i) => {
    let shown = '';
    let from = 0;
    for (let at = 0; at < text.length; at++) {
      if (!marks[i]![at]) continue;
      let end = at;
      while (end < text.length && marks[i]![end]) end++;
      shown += `${text.slice(from, at)}${REDACTED}`;
      from = at = end;
    }
    return shown + text.slice(from);
  });
}

/**
 * The steps {@link redactHiddenTexts} has taken since the process started: each character of a text read for the whole
 * secrets (with each failure link followed) and for the pieces. Read by the tests that hold it linear in the texts' length.
 */
export const redactionWork = { steps: 0 };

/**
 * An Aho-Corasick automaton of `words`, its states numbered from 1 (0 the start): the character `code` leading to each,
 * each one's first `child` (0: none) and `more` children (keyed by state × 0x10000 + code), `fail` (the longest proper
 * suffix of a state's text that is a state) and `longest`, the length of the longest word ending at each state (0: none).
 * A text is read once, one state a character, whatever the words: each whole secret compared at every place it might
 * start took seconds (tGN F6).
 */
interface Automaton {
  readonly code: Int32Array;
  readonly child: Int32Array;
  readonly more: Map<number, number>;
  readonly fail: Int32Array;
  readonly longest: Int32Array;
}

function automaton(words: Iterable<string>): Automaton {
  let size = 1;
  for (const word of words) size += word.length;
  const [parent, depth] = [new Int32Array(size), new Int32Array(size)];
  const found: Automaton = { code: new Int32Array(size), child: new Int32Array(size), more: new Map(), fail: new Int32Array(size), longest: new Int32Array(size) };
  let states = 1;
  for (const word of words) {
    let state = 0;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      let next = edge(found, state, code);
      if (next === 0) {
        next = states++;
        found.code[next] = code;
        parent[next] = state;
        depth[next] = depth[state]! + 1;
        if (found.child[state] === 0) found.child[state] = next;
        else found.more.set(state * 0x10000 + code, next);
      }
      state = next;
    }
    found.longest[state] = word.length;
  }
  // Shallowest first: a state's failure link is found from its parent's.
  const byDepth = Array.from({ length: states - 1 }, (_, i) => i + 1).sort((a, b) => depth[a]! - depth[b]!);
  for (const state of byDepth) {
    const fail = parent[state] === 0 ? 0 : step(found, found.fail[parent[state]!]!, found.code[state]!);
    found.fail[state] = fail;
    if (found.longest[state] === 0) found.longest[state] = found.longest[fail]!;
  }
  return found;
}

/** The child of `state` by the character of code `code`, or 0. */
function edge(automaton: Automaton, state: number, code: number): number {
  const first = automaton.child[state]!;
  if (first !== 0 && automaton.code[first] === code) return first;
  return automaton.more.get(state * 0x10000 + code) ?? 0;
}

/** The state `automaton` goes to from `state` on the character of code `code`. */
function step(automaton: Automaton, state: number, code: number): number {
  for (;;) {
    redactionWork.steps++;
    const next = edge(automaton, state, code);
    if (next !== 0 || state === 0) return next;
    state = automaton.fail[state]!;
  }
}

/** Every order of `items` (at most 3 of them here: 6 orders). */
function orders(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** A stretch of one text, squeezed ({@link SPLIT_BY_ALL}'s characters left out), scanned joined to the next. */
interface Segment {
  readonly text: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Marks in `marks` (one array per text) each stretch of `segments`, read joined, whose every 8 characters are in `pieces`
 * (a secret hidden in pieces, maybe cut short), or that is one of `wholes` (all found in one pass of the automaton). A stretch
 * is marked in each text it lies in, from its first character there to its last (the characters left out between too).
 */
function markSecrets(segments: readonly Segment[], squeezed: readonly { text: string; at: number[] }[], pieces: ReadonlySet<string>, wholes: Automaton, marks: Uint8Array[]): void {
  const joined = segments.map((segment) => squeezed[segment.text]!.text.slice(segment.from, segment.to)).join('');
  const mark = (from: number, to: number) => {
    let offset = 0;
    for (const segment of segments) {
      const length = segment.to - segment.from;
      const [first, last] = [Math.max(from, offset), Math.min(to, offset + length)];
      if (first < last) {
        const at = squeezed[segment.text]!.at;
        marks[segment.text]!.fill(1, at[segment.from + first - offset]!, at[segment.from + last - 1 - offset]! + 1);
      }
      offset += length;
    }
  };
  // The whole secrets: the longest one ending at each character (any other ending there lies inside it), each stretch
  // they cover marked once, two that meet without overlapping marked apart (what lies left out between them stays shown).
  const reach = new Int32Array(joined.length);
  for (let at = 0, state = 0; at < joined.length; at++) {
    state = step(wholes, state, joined.charCodeAt(at));
    const length = wholes.longest[state]!;
    if (length > 0) reach[at + 1 - length] = at + 1;
  }
  let [runFrom, runTo] = [-1, -1];
  for (let at = 0; at < joined.length; at++) {
    if (runFrom !== -1 && at === runTo) {
      mark(runFrom, runTo);
      runFrom = -1;
    }
    if (reach[at] === 0) continue;
    if (runFrom === -1) runFrom = at;
    runTo = Math.max(runTo, reach[at]!);
  }
  if (runFrom !== -1) mark(runFrom, runTo);
  // A stretch of pieces is followed to its end once: a window inside one marked already is part of it.
  let covered = 0;
  for (let from = 0; from + SECRET_LENGTH <= joined.length; from++) {
    redactionWork.steps++;
    if (from < covered) continue;
    const window = joined.slice(from, from + SECRET_LENGTH);
    if (!pieces.has(window)) continue;
    let to = from + SECRET_LENGTH;
    while (to < joined.length && pieces.has(joined.slice(to - SECRET_LENGTH + 1, to + 1))) to++;
    redactionWork.steps += to - from;
    mark(from, to);
    covered = to;
  }
}
