/*
 * Which query parameter names hold a secret (`isSecretName`, `listen`'s rule for the URL it is given and the values it
 * blanks where a server echoes them): the verdict does not depend on case, the credential words' family is known, and
 * ordinary glued names are kept in clear (tCY F2, F3, F4, F11). The server's log no longer reads names so: it keeps a
 * value under a name the protocol defines only (`redactUrl`'s allow-list), and every parameter here is `[redacted]` whole in it,
 * name and value.
 */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/server/index.js';
import { isSecretName } from '../../src/shared/secrets.js';

/** listen's verdict on `?<name>=<value>` (`isSecretName`); the server's log redacts that parameter whole whatever the verdict. */
function verdict(name: string): 'redacted' | 'clear' {
  expect(redactUrl(`/api/ws?${name}=OPAQUE-S3CR3T&user=ann`), name).toBe('/api/ws?[redacted]&[redacted]');
  return isSecretName(name) ? 'redacted' : 'clear';
}

/** `name` with each letter's case drawn from `seed` (a fixed sequence: the same run every time). */
function mixedCase(name: string, seed: number): string {
  let state = seed;
  return [...name]
    .map((char) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state & 1024 ? char.toUpperCase() : char.toLowerCase();
    })
    .join('');
}

const SHORT_WORDS = ['key', 'pass', 'pin', 'sig', 'sid', 'auth', 'otp', 'mfa', 'pw', 'pwd', 'pswd', 'cred', 'creds'];
const LONG_WORDS = ['token', 'secret', 'password', 'passwd', 'passcode', 'passphrase', 'session', 'sessid', 'cookie', 'ticket', 'jwt', 'bearer', 'signature', 'hmac', 'credential', 'assertion', 'authorization', 'apikey', 'api_key', 'accesstoken', 'sessionid', 'code'];
const PREFIXES = ['', 'x', 'my', 'user', 'web', 'api', 'access', 'db', 'app', 'auth', 'id', 'client', 'refresh', 'oauth', 'php', 'j', 'X-Amz-', 'wp', 'admin', 'login', 'reset'];
const SUFFIXES = ['', 'id', 'value', 'v2', 's', 'hash', 'data', 'str', 'key', 'code', 'token', 'url', 'name', 'number', 'header', 'info'];
const SEPARATORS = ['', '_', '-', '.', 'Cap'];
const capital = (word: string) => (word === '' ? '' : word[0]!.toUpperCase() + word.slice(1));

/** Every name of a word between a prefix and a suffix, with each separator or a camelCase capital (as tCY's case-gaps sweep). */
function* sweep(words: string[]): Generator<string> {
  for (const word of words) for (const prefix of PREFIXES) for (const suffix of SUFFIXES) for (const before of SEPARATORS) for (const after of SEPARATORS) {
    if (before === 'Cap' && prefix === '') continue;
    yield prefix + (before === 'Cap' ? capital(word) : prefix === '' ? word : before + word) + (after === 'Cap' ? capital(suffix) : suffix === '' ? '' : after + suffix);
  }
}

describe("a capital only adds a redaction, never removes one (tCY F3, F11: otpValue redacted, otpvalue in clear; tDC F3: ldapPassValue redacted, then in clear)", () => {
  it('holds isSecretName(n.toLowerCase()) ⇒ isSecretName(n) for every case variant n (upper, mixed, camelCase), over a generated sweep', () => {
    const lost: string[] = [];
    let seed = 1;
    for (const name of sweep([...SHORT_WORDS, ...LONG_WORDS])) {
      if (!isSecretName(name.toLowerCase())) continue;
      for (const spelling of [name, name.toUpperCase(), mixedCase(name, seed++), mixedCase(name, seed++)]) if (!isSecretName(spelling)) lost.push(`${name}/${spelling}`);
    }
    expect(lost).toEqual([]);
    // Letters whose capital or small letter is ASCII: the name reads as its capitals do, on the safe side (`paßword` is `PASSWORD`;
    // a capital sharp s, `PAẞWORD`, too: it was in clear, tDC F6).
    for (const name of ['paßword', 'PAẞWORD', 'paẞword', 'ſecret', 'ſession_id', '\u212Aey', 'api_\u212Aey', 'İd_token', 'user_paſs', 'USER_PAẞ', 'ınfo']) {
      expect([isSecretName(name.toLowerCase()), isSecretName(name.toUpperCase())], name).toEqual([isSecretName(name), isSecretName(name)]);
    }
    expect(['paßword', 'PAẞWORD', 'paẞword', 'ſecret', '\u212Aey', 'user_paſs', 'USER_PAẞ'].map(isSecretName)).toEqual([true, true, true, true, true, true, true]);
  });

  it('reads a camelCase capital as a word boundary too: a short word inside a camelCase name is redacted, as it was before the case-folded rule (tDC F3)', () => {
    const names = ['ldapPassValue', 'redisPassValue', 'ldapPASSValue', 'ldapAuthHeader', 'githubKeyValue', 'vaultKeyData', 'customerPinCode', 'lockPinCode', 'kafkaSigValue', 'fooPinHash', 'LdapPassValue'];
    for (const name of names) expect(verdict(name), name).toBe('redacted');
    // Their lower case still reads as the ordinary glued words it cannot be told from (`shopping`, `groupinfo`): a capital only adds.
    for (const name of names) expect(verdict(name.toLowerCase()), name.toLowerCase()).toBe('clear');
  });

  it('takes every camelCase capital as a boundary, not only where the glued words read as a secret: totpValue, ldapSid, pinEntry redacted as at a2c88b6 (tDE F1); an ordinary word in camelCase stays one', () => {
    for (const name of ['totpValue', 'TOTPSeed', 'hotpValue', 'ldapSid', 'pinEntry', 'pinTemp', 'pinTan', 'sigName']) expect(verdict(name), name).toBe('redacted');
    for (const name of ['hotKey', 'byPass', 'keyBoard', 'hairPin', 'OAuthProvider', 'mapKeys', 'PassThrough', 'sortKey', 'signIn', 'groupInfo', 'processId', 'authorName', 'pingInterval']) expect(verdict(name), name).toBe('clear');
  });

  it('resolves the difference toward redaction: a short secret word of its own in camelCase, beginning the name or after a common qualifier, is redacted in every case, glued too', () => {
    const clear: string[] = [];
    // But `sig` before an `n`: lower case, `sigName`, `sigNumber` read as the ordinary `sign…` (`signIn`, `signal`, `signup`), which stay in clear.
    for (const name of sweep(SHORT_WORDS)) if (!/sig[^a-z]?n/i.test(name) && (!isSecretName(name) || !isSecretName(name.toLowerCase()))) clear.push(name);
    // A long word anywhere; `code` is a secret's alone or after a credential's word only (not `xCode`, `idCode`).
    for (const name of sweep(LONG_WORDS)) if (!isSecretName(name) && !/code/i.test(name)) clear.push(name);
    expect(clear).toEqual([]);
  });

  it('reads each named spelling of tCY F3 and F11 as a secret, whatever its case', () => {
    const names = [
      // F3: a short word glued before another word: redacted in camelCase, in clear lower or upper case.
      'otpValue', 'otpvalue', 'OTPVALUE', 'pinNumber', 'pinnumber', 'PINNUMBER', 'authHeader', 'authheader', 'AUTHHEADER', 'authInfo', 'authinfo', 'AUTHINFO',
      'otpId', 'otpid', 'keyValue', 'keyvalue', 'passHash', 'passhash', 'pinHash', 'pinhash', 'sigValue', 'sigvalue', 'sidValue', 'sidvalue', 'authData', 'authdata',
      // After a common qualifier, the short word in the middle.
      'userPinHash', 'userpinhash', 'USERPINHASH', 'myKeyId', 'mykeyid', 'dbPassValue', 'dbpassvalue',
      // F11: a long word read across a separator from inside a word, its camelCase capital no separator.
      'userSess_id', 'usersess_id', 'USERSESS_ID', 'appSess_id', 'mySess_id', 'PHPSESS_ID', 'userSess-Id', 'user_sess_id', 'userTick_et', 'usertick_et',
      // A keyCode after a credential's word (it was redacted camelCase: api_keyCode).
      'api_keyCode', 'api_keycode',
    ];
    for (const name of names) expect(verdict(name), name).toBe('redacted');
  });
});

describe("a password's short spellings and a credential's (tCY F2: pw, user_pw, pswd, creds were logged in clear)", () => {
  it('reads the family as a secret, alone, with a separator, glued and in any case', () => {
    const names = [
      'pw', 'PW', 'pws', 'user_pw', 'userpw', 'userPw', 'db-pw', 'admin.pw', 'pw_hash', 'pwhash', 'newpw', 'oldPw',
      'pwd', 'user_pwd', 'dbpwd', 'passwd', 'user_passwd', 'pswd', 'PSWD', 'user_pswd', 'psw', 'user_psw',
      'pass', 'password', 'pass_word', 'passphrase', 'passcode',
      'creds', 'CREDS', 'cred', 'user_creds', 'usercreds', 'dbCreds', 'aws.creds', 'credential', 'credentials', 'client_credentials', 'credsJson',
    ];
    for (const name of names) expect(verdict(name), name).toBe('redacted');
  });

  it('keeps the ordinary words those spellings begin in clear: credit, pwa, incredible', () => {
    for (const name of ['credit', 'credit_card_last4', 'creditLimit', 'credo', 'pwa', 'pwaInstalled', 'upward', 'incredible']) expect(verdict(name), name).toBe('clear');
  });
});

describe('ordinary names kept in clear, in any case (tCY F4: sortkey, cachekey, ssid, reauth, tenpin became secrets, and listen blanked their values everywhere)', () => {
  it('keeps ordinary glued keys, passes, pins, sids, auths and sigs, and the ordinary words a short word begins', () => {
    const names = [
      // F4: a database's or a cache's key, a physical one; a network's ssid; an auth flag; a bowling pin, a spin.
      'sortkey', 'sortKey', 'SORTKEY', 'orderkey', 'groupkey', 'partitionkey', 'rangekey', 'hashkey', 'routingkey', 'cachekey', 'idempotencykey', 'primarykey', 'foreignkey', 'doorkey', 'latchkey', 'mickey',
      'ssid', 'SSID', 'essid', 'bssid', 'objectsid', 'processid', 'processId', 'classid', 'statusid', 'hasId',
      'tenpin', 'rollingpin', 'freespins', 'respin', 'autospin', 'reauth', 'noauth', 'preauth', 'seasonpass', 'buspass', 'boardingpass', 'typesig',
      // README's ordinary words, now in every case (hotKey, byPass, keyBoard, hairPin, OAuthProvider were redacted camelCase: tCY F3's inverse).
      'author', 'design', 'monkey', 'turkey', 'hotkey', 'hotKey', 'HotKey', 'spinner', 'spin', 'bypass', 'byPass', 'compass', 'keyBoard', 'hairPin', 'OAuthProvider', 'oauthProvider', 'cursor', 'user',
      // The ordinary words a short word begins.
      'keyboard', 'keyboardLayout', 'keyword', 'keywords', 'keyframe', 'passenger', 'passport', 'passage', 'passThrough', 'pinned', 'ping', 'pingInterval', 'pine', 'pinpoint',
      'sign', 'signIn', 'signup', 'signal', 'sigma', 'SIGTERM', 'side', 'sidebar', 'authority', 'authenticated', 'authorName',
      // Across a separator, the end of one word and the start of the next (tCV F10).
      'switch_mac', 'last_ok_entry', 'photo_kenya', 'dot_p', 'msec_return', 'usec_retry',
      // A short word inside a glued word after other letters is an ordinary word's as often (shopping, groupinfo): lower case tells none.
      'shopping', 'groupInfo', 'typing', 'inside', 'processing',
      // Public keys, a product's name, a key's set, range, length and generator, a board, authorization and authentication (tDC F8).
      'pubkey', 'sitekey', 'keycloak', 'keyset', 'keyrange', 'keylen', 'keygen', 'pinboard', 'authz', 'authn',
    ];
    for (const name of names) {
      expect(verdict(name), name).toBe('clear');
      expect(isSecretName(name.toUpperCase()), name).toBe(false);
    }
  });

  it('still redacts a glued key, pin or sid a qualifier or a credential word goes before (no leak reopened)', () => {
    for (const name of ['passkey', 'accountkey', 'privkey', 'apikey', 'userpin', 'ATMPIN', 'websid', 'usersid', 'phpsid', 'accesssid', 'sid', 'ordersig', 'dbpass', 'sort_key', 'sort-key', 'key', 'keys', 'pincode', 'keysetid', 'authzcode', 'authnvalue', 'privatekeyset']) expect(verdict(name), name).toBe('redacted');
  });
});

describe("tIO F12: libpq's target_session_attrs names no secret (it and every parameter after it were hidden where an operator debugging a failover needs them)", () => {
  it("is in clear by isSecretName, in a hook's or a store's error and in redactRedisUrl; a session's id or token still redacted", async () => {
    const { withUrlUserInfoRedacted } = await import('../../src/shared/secrets.js');
    const { redactRedisUrl } = await import('../../src/server/index.js');
    for (const name of ['target_session_attrs', 'targetSessionAttrs', 'session_attributes']) expect(isSecretName(name), name).toBe(false);
    for (const name of ['session_id', 'session', 'sessionattrs_token', 'session_key', 'sessions']) expect(isSecretName(name), name).toBe(true);
    expect(withUrlUserInfoRedacted('postgres://db.example.com:5432/x?target_session_attrs=read-write&sslmode=require refused')).toBe('postgres://db.example.com:5432/x?target_session_attrs=read-write&sslmode=require refused');
    expect(withUrlUserInfoRedacted('postgres://db:5432/x?target_session_attrs=any&session_id=S3cr3tSess&sslmode=require')).toBe('postgres://db:5432/x?target_session_attrs=any&session_id=[redacted]');
    expect(redactRedisUrl('redis://127.0.0.1:6379/0?target_session_attrs=read-write')).toBe('redis://127.0.0.1:6379/0?target_session_attrs=read-write');
  });
});
