import type { IncomingMessage } from 'node:http';
import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { preview } from '../runtime/errors.js';
import { requestUrl } from '../shared/request-url.js';
import { hasLoneSurrogate } from '../runtime/lone-surrogates.js';
import { optionChecks, shownFound } from '../shared/options.js';
import { parseCursor } from './stream-store.js';
import { leniently, looksLikeJwt, readsAsHostAfterUserInfo, readsAsHostAndPort, REDACTED, redactJwts, secretWhereAddressGoes, withUrlUserInfoRedacted, withUserInfoShownRedacted } from '../shared/secrets.js';

/** Who is on the other end of a socket or a poll. */
export interface Principal {
  /** The user whose stream this connection receives. */
  userId: string;
  /**
   * Admins receive every user's messages. From an `authenticate` hook it must be true or false
   * (absent reads as false): anything else (`'false'`, 1) is refused with 401, logged as
   * `authenticate-bad-admin`. Another key (`isAdmin`, `role`) is not read: logged once per name
   * at warn level as `authenticate-unknown-key`, with the key it most likely meant.
   */
  admin: boolean;
  /**
   * When the credentials expire, in milliseconds since the epoch: an upgrade at or after it is
   * refused with 401 and an open socket is closed with 4401 then. From a hook, one below 1e11 (a
   * JWT's `exp` in seconds, a duration) is refused with 401 `invalid-token` and logged as
   * `authenticate-bad-expires-at`: no expiry before March 1973 is meant. The JWT verifier sets it to
   * `exp` + the clock tolerance, so `exp` gets the same grace at the upgrade and during the connection.
   */
  expiresAt?: number;
}

/** Asymmetric algorithms a public key or a JWKS may be pinned to. */
export type PublicKeyAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/**
 * What every shape of {@link JwtOptions} may add to its key: the claims a token must carry and
 * how its user id and admin flag are read.
 */
export interface JwtClaimOptions {
  /** Required `iss`. */
  issuer?: string | string[] | undefined;
  /**
   * Required `aud`: a token whose `aud` is none of these is refused with 401. Required with
   * `publicKey` and `jwksUrl` (see {@link JwtPublicKeyOptions.audience}); `null` accepts any
   * audience on purpose, as leaving it out does beside `secret`.
   */
  audience?: string | string[] | null | undefined;
  /** Tolerance on `exp` and `nbf`, in seconds (0 to 300), at the upgrade and for the 4401 close at `exp`. Default 5. */
  clockToleranceSec?: number | undefined;
  /** Accept tokens without `exp` (such a socket is never closed for expiry). Default false: `exp` is required (401 without it). */
  allowTokensWithoutExp?: boolean | undefined;
  /** Claim holding the user id. Default `sub`. */
  userIdClaim?: string | undefined;
  /** Claim that marks an admin. Default `admin`. */
  adminClaim?: string | undefined;
  /** Value of `adminClaim` that means admin (also matched inside an array claim such as roles). Default `true`. */
  adminValue?: string | number | boolean | undefined;
}

/** `{ secret }`: HS256, the only algorithm a shared secret verifies (no `algorithm`: a TypeError). */
export interface JwtSecretOptions extends JwtClaimOptions {
  /** HS256 shared secret, at least 32 bytes (a string is UTF-8 encoded: one with half a surrogate pair alone, which UTF-8 cannot carry, is a TypeError). */
  secret: string | Uint8Array;
  publicKey?: undefined;
  /** Not with `secret`: the algorithm is HS256 (a TypeError that says so). */
  algorithm?: undefined;
  jwksUrl?: undefined;
  /** Not with `secret` (a TypeError). */
  jwksAlgorithms?: undefined;
}

/** `{ publicKey, algorithm }`: one public key, verified with `algorithm` only. */
export interface JwtPublicKeyOptions extends JwtClaimOptions {
  /** A PEM SPKI public key or a Node KeyObject; verified with `algorithm` only. */
  publicKey: string | KeyObject;
  /**
   * The `aud` this application's tokens carry (`'https://api.example.com'`, a client id), or
   * `null` to accept any audience on purpose. Required: an identity provider's public key (a
   * Keycloak realm's, an Auth0 tenant's) signs the tokens of every application it serves, so
   * without an audience a token issued to any of them was accepted here, and its `admin` claim
   * made an admin. Left out (undefined), a TypeError at creation that says so.
   */
  audience: string | string[] | null;
  /** The algorithm of `publicKey`. Default RS256. */
  algorithm?: PublicKeyAlgorithm | undefined;
  secret?: undefined;
  jwksUrl?: undefined;
  /** Not with `publicKey`: its algorithm is `algorithm` (a TypeError that says so). */
  jwksAlgorithms?: undefined;
}

/** `{ jwksUrl, jwksAlgorithms }`: the keys of a JWKS document, verified with `jwksAlgorithms` only. */
export interface JwtJwksOptions extends JwtClaimOptions {
  /**
   * A JWKS document URL (keys cached and refetched by jose on an unknown `kid`). The document is
   * read up to {@link JWKS_MAX_BYTES} (256 KiB): a larger one is `jwks-unavailable`
   * (`ERR_JWKS_TOO_LARGE`, its size in the log line). An absolute `https:` or `http:` URL
   * without user info (an IPv6 host in brackets): another scheme, user info (which fetch
   * refuses) or no URL at all is a TypeError at creation that names it.
   */
  jwksUrl: string | URL;
  /**
   * The `aud` this application's tokens carry (`'https://api.example.com'`, a client id), or
   * `null` to accept any audience on purpose. Required: a JWKS is usually an identity
   * provider's shared key set (one Auth0, Okta or Keycloak tenant for every application of it;
   * Google's or Azure AD's for every client of theirs), so without an audience a token the
   * provider signed for any other application was accepted here, and its `admin` claim made an
   * admin of this server (a security review). Left out (undefined), a TypeError at creation
   * that says so. Give `issuer` too when the key set is shared between tenants.
   */
  audience: string | string[] | null;
  /** Algorithms accepted from the JWKS (pin one: `['ES256']`). Default RS256, ES256, EdDSA. */
  jwksAlgorithms?: PublicKeyAlgorithm[] | undefined;
  secret?: undefined;
  publicKey?: undefined;
  /** Not with `jwksUrl`: pin its algorithms with `jwksAlgorithms` (a TypeError that says so; it was ignored, every algorithm accepted). */
  algorithm?: undefined;
}

/**
 * JWT verification (spec "Backend Implementation Notes" 1), with pinned algorithms. Exactly one
 * of `{ secret }` (HS256), `{ publicKey, algorithm? }` or `{ jwksUrl, jwksAlgorithms? }`, with
 * the {@link JwtClaimOptions}. `algorithm` belongs to `publicKey` and `jwksAlgorithms` to
 * `jwksUrl`: either beside another key is a TypeError (they were ignored: `{ secret, algorithm:
 * 'HS512' }` refused every HS512 token, `{ jwksUrl, algorithm: 'ES256' }` accepted RS256 too).
 */
export type JwtOptions = JwtSecretOptions | JwtPublicKeyOptions | JwtJwksOptions;

/**
 * Custom authentication: a principal, or null to refuse with 401: `no-token` when the request
 * carried no token as {@link tokenOf} reads it (on which the client sends its poll again with
 * `?token=`: a proxy dropped `Authorization`), `invalid-token` when it carried one. Read the token
 * with {@link tokenOf}, as the `jwt` option does; a hook that reads it elsewhere (a cookie) and
 * finds none throws `new AuthError(401, 'no-token')`. Throw {@link AuthError} for
 * another status. `undefined` (a missing `return`) is refused as null is, and logged at warn level
 * (`authenticate-returned-undefined`); anything else not an object (the user id itself, `false`) is
 * refused with 401 and logged (`authenticate-not-a-principal`). A principal whose `userId` is not a user id (see {@link userIdProblem}), whose
 * `admin` is not a boolean or absent, or whose `expiresAt` is not a number (NaN included) or is one below 1e11 (before March 1973
 * as ms: epoch seconds, a duration) is refused with 401 and logged (`authenticate-bad-expires-at`, with
 * `in seconds?` from 1e9 up). A promise that has not settled within the server's
 * `authenticateTimeoutMs` (10 000 ms by default) is refused with 503 `authenticate-timeout` and
 * `Retry-After: 5`, its connection closed; what it settles to later is ignored.
 */
export type AuthenticateHook = (request: IncomingMessage) => HookPrincipal | null | Promise<HookPrincipal | null>;

/**
 * What an {@link AuthenticateHook} gives: a {@link Principal} whose `admin` may be left out, read
 * as false (`{ userId: 'alice' }` is a plain user), as the server reads it at run time. A
 * `Principal` (what `createJwtVerifier` gives) is one too.
 */
export interface HookPrincipal extends Omit<Principal, 'admin' | 'expiresAt'> {
  /**
   * The user's id, held to the rule of {@link Principal.userId}; it is logged (`connection-open`) and kept in the stream
   * store, so one that holds a token the request carries (8 characters or more: an API key given as its owner's id) is
   * refused with 401, logged as `authenticate-bad-user-id` (`problem: "holds the request's token"`); so is one that holds
   * any JWT (`problem: "holds a JWT"`).
   */
  userId: string;
  /** Admins receive every user's messages: true or false, or left out (false). Anything else (`'false'`, 1) is refused with 401, logged as `authenticate-bad-admin`. */
  admin?: boolean | undefined;
  /**
   * {@link Principal.expiresAt}, or left out (`undefined` too): no expiry, as the server reads it. (Typed without
   * `| undefined`, a session's optional expiry given as it is did not compile under the consumer's
   * exactOptionalPropertyTypes: tFJ F2.)
   */
  expiresAt?: number | undefined;
}

/** An {@link AuthError} reason: a kebab-case code of at most 64 characters (`banned`, `rate-limited`). */
const REFUSAL_CODE = /^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$/s;
/** {@link createJwtVerifier}'s own reasons, `invalid token (<why>)` and `jwks-unavailable (<code>)`, which the server answers with its codes. */
export const VERIFIER_REASON = /^(?:invalid token|jwks-unavailable) \(.*\)$/s;

/**
 * A refusal before the upgrade or of a poll: the HTTP status to answer with and why (never the
 * token). The server answers `reason` as the refusal's code (`{"error": reason}`) and counts it
 * in `stats()`: a short kebab-case code (`banned`, `rate-limited`: lower-case letters and
 * digits, words joined by single hyphens, at most 64 characters), never user data. (Besides,
 * {@link createJwtVerifier}'s own reasons, `invalid token (<why>)` and `jwks-unavailable
 * (<code>)`, which the server's `jwt` option answers as `invalid-token`, `token-expired` or
 * `jwks-unavailable`.) Made wrong inside an `authenticate` hook, the TypeError is the hook's
 * throw: 401 `invalid-token`, logged as `authenticate-failed`.
 *
 * What `realtime-contract/client` does with the status: 401 refuses the token (a token provider
 * is asked for another; a fixed token stops the client `unauthorized`), 429 and 503 are tried
 * again later, and 403 stops the client `unauthorized` for good, with a token provider too, until
 * `connect` is called again. A refusal that may pass (a lapsed session, a ban that ends) is 401
 * or 429, not 403.
 *
 * @throws TypeError when `status` is not 401, 403, 429 or 503, `reason` is not such a code
 *   (`"User Data: alice@example.com"` reached the body and stats() keys), or `retryAfterSec` is
 *   given and is not a whole number of seconds from 0 to 86 400 (computed values reached the
 *   wire as a refusal with status 200 and as `Retry-After: -5`) or comes with 401 or 403 (a
 *   Retry-After goes with 429 and 503 only)
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /**
   * The code the server answers this refusal with (the body's `error`, the `stats()` key):
   * `reason` itself for an AuthError of your own; for {@link createJwtVerifier}'s, whose `reason`
   * is a text for a person, `token-expired` (an expired token: the client may fetch a new one),
   * `invalid-token` or `jwks-unavailable`. A hook that tries several verifiers tells an expired
   * token by it (`error.code === 'token-expired'`), without matching `reason`'s wording.
   */
  readonly code: string;
  constructor(
    readonly status: 401 | 403 | 429 | 503,
    /** A short kebab-case code (`banned`): the body's `error` and a `stats()` key. */
    readonly reason: string,
    /** With 429 or 503 only: seconds for `Retry-After`, a whole number from 0 to 86 400. */
    readonly retryAfterSec?: number,
  ) {
    super(reason);
    if (status !== 401 && status !== 403 && status !== 429 && status !== 503) throw new TypeError(`AuthError: status must be 401, 403, 429 or 503, got ${preview(status)}`);
    if (typeof reason !== 'string') throw new TypeError(`AuthError: reason must be a string, got ${preview(reason)}`);
    if (!REFUSAL_CODE.test(reason) && !VERIFIER_REASON.test(reason)) {
      // Shown redacted, then cut: prose given as the reason (`session db down: postgres://app:<password>@db`), cut first,
      // lost the `@` that marks the password, and the server logged it as the hook's error (tHG F7).
      throw new TypeError(`AuthError: reason must be a short kebab-case code such as "banned" or "rate-limited" (lower-case letters and digits, words joined by single hyphens, at most 64 characters): it is the refusal's {"error":…} and a stats() key, never user data; got ${preview(withUrlUserInfoRedacted(redactJwts(reason)))}`);
    }
    if (retryAfterSec !== undefined && !(Number.isInteger(retryAfterSec) && retryAfterSec >= 0 && retryAfterSec <= 86_400)) {
      throw new TypeError(`AuthError: retryAfterSec must be a whole number of seconds from 0 to 86400, got ${preview(retryAfterSec)}`);
    }
    if (retryAfterSec !== undefined && status !== 429 && status !== 503) throw new TypeError(`AuthError: retryAfterSec is the Retry-After of a 429 or a 503, got ${retryAfterSec} with status ${status} (leave it out)`);
    // The verifier's reason is prose (`invalid token (ERR_JWT_EXPIRED: exp in the past)`): a hook chaining two verifiers regex-matched it (tEM F6).
    this.code = !VERIFIER_REASON.test(reason) ? reason : reason.startsWith('jwks-unavailable') ? 'jwks-unavailable' : /^invalid token \(ERR_JWT_EXPIRED\b/.test(reason) ? 'token-expired' : 'invalid-token';
  }
}

/**
 * The bearer token of a request, read as the server's `jwt` option reads it: `?token=` (the
 * spec's way) first, else `Authorization: Bearer <token>` (the scheme in any case, one or more
 * spaces before the token, trailing white space dropped); `null` when there is none (another
 * scheme, such as `Basic`, is none). For an `authenticate` hook that verifies the token itself:
 * `authenticate: async (request) => { const token = tokenOf(request); … }`. `url` is the request's
 * URL when the caller has parsed it already; by default `request.url` (a target such as
 * `/api/ws?token=…`) is read.
 */
export function tokenOf(request: IncomingMessage, url?: URL): string | null {
  if (url === undefined) url = requestUrl(request.url);
  const query = url?.searchParams.get('token');
  if (query) return query;
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer[ ]+([^ ]+)\s*$/i.exec(header);
    if (match) return match[1]!;
  }
  return null;
}

/**
 * `url` (a request target such as `/api/ws?token=…`, an absolute URL, or a `URL` object, read as
 * its `href`) as the server logs it. Of the query, it keeps only what the protocol defines and
 * holds no secret, everything else is `[redacted]` (an allow-list):
 *
 * - `since`'s value (its name decoded as {@link tokenOf}'s `URLSearchParams` decodes one:
 *   `%73ince` too) when it is the query's only `since` and its value, decoded, is a cursor as
 *   the package's stores write one (`<epoch>.<decimal position>`, {@link parseCursor}) not shaped
 *   like a JWT: `?since=k3x9a.1042`; any other `since` is `since=[redacted]` (two of them both,
 *   `since=https://a:b@x/`, a JWT). `token` is `token=[redacted]`; `?since` and `?token` with no
 *   `=` are kept.
 * - Every other parameter is `[redacted]` whole, name and value (`?x=1&since=e.1` is
 *   `?[redacted]&since=e.1`): a name may hold a secret too (a bare `?s3cr3t`, which
 *   `URLSearchParams` writes `s3cr3t=`; a JWT's header beside the rest of it as a cursor). An
 *   empty one (`?&`) stays empty.
 * - Every path parameter's value is `[redacted]` (`;jsessionid=[redacted]`, `;v=[redacted]`; one
 *   with no `=`, or whose name holds an encoded `=`: `;[redacted]`): the protocol has none.
 * - The path and host are logged as sent, but for what follows.
 * - A fragment, whatever it holds, is `#[redacted]`. Before the query, user info
 *   (`http://user:password@host/…`, in any form the URL parser reads as one, and one whose password
 *   holds a `/`, `?` or `#`: `withoutLooseUserInfo`) is `[redacted]`, and so is any JWT in the host
 *   or the path (see {@link redactOrigin}).
 *
 * Bounded: a `url` longer than {@link MAX_REDACTED_LENGTH} characters, or of more than
 * {@link MAX_REDACTED_PARAMETERS} parameters, is not read through (each refused request's URL is
 * logged, and 16 KB of `?a&a&…` cost 16 ms of CPU per refusal: a hostile tester): see
 * `cutShort`. The work is then at most that of a URL within the bounds, linear in its length.
 * `undefined` is `''`; anything else not a string nor a `URL` is `<null, not a URL>` or the like, never a throw.
 */
export function redactUrl(url: string | URL | undefined): string {
  if (url === undefined) return '';
  // A URL object is its href. Anything else not a string (null, a number) is said so: a log
  // line's redaction threw "text.indexOf is not a function", which took the logging handler with it (tBT F5).
  if (typeof url !== 'string') return Object.prototype.toString.call(url) === '[object URL]' ? redactUrl((url as URL).href) : `<${url === null ? 'null' : typeof url}, not a URL>`;
  if (url.length > MAX_REDACTED_LENGTH || moreAmpersandsThan(url, MAX_REDACTED_PARAMETERS - 1)) return cutShort(url);
  // A fragment is never sent by a browser, and Node passes one through: a credential in it
  // (`?x=1#&token=…`) was logged whole (a hostile tester). It is never logged.
  const whole = withoutLooseUserInfo(url);
  const hash = whole.indexOf('#');
  const base = hash === -1 ? whole : whole.slice(0, hash);
  const fragment = hash === -1 ? '' : `#${REDACTED}`;
  const start = base.indexOf('?');
  const target = withPathParameterValuesRedacted(redactOrigin(start === -1 ? base : base.slice(0, start)));
  if (start === -1) return target + fragment;
  // An allow-list, not a deny-list of secret-looking names: a word heuristic was patched six rounds in a row for
  // names it left in clear (`foopinhash=`, `ldapSid=`). A parameter the protocol does not define is never logged, name
  // nor value: a name holds a secret too (a bare `?sk_live_…`, which URLSearchParams sends as `sk_live_…=`; a JWT's
  // header as a name beside the rest as a cursor: tDM F1, F2).
  const raw = base.slice(start + 1).split('&');
  const names = raw.map((parameter) => {
    const equals = parameter.indexOf('=');
    const rawName = equals === -1 ? parameter : parameter.slice(0, equals);
    // Decoded as tokenOf's URLSearchParams decodes it (a leading `?` dropped: `??token=`); without `%`, `+` or that there is nothing to decode.
    return /^\?|[%+]/.test(rawName) ? ([...new URLSearchParams(`${rawName}=`).keys()][0] ?? '') : rawName;
  });
  // One `since` only: the server reads the first, and a token split over several cursors (`since=<header>&since=<payload>.<signature>`)
  // was logged whole, each part a cursor's shape (tDM F1).
  const oneSince = names.filter((name) => name === 'since').length === 1;
  const parameters = raw.map((parameter, at) => {
    if (parameter === '') return parameter;
    const name = names[at]!;
    if (!PROTOCOL_NAMES.has(name)) return REDACTED;
    const equals = parameter.indexOf('=');
    if (equals === -1) return parameter;
    if (name === 'since' && oneSince) {
      const value = /[%+]/.test(parameter) ? ([...new URLSearchParams(`s=${parameter.slice(equals + 1)}`).values()][0] ?? '') : parameter.slice(equals + 1);
      // A cursor as the package's stores write one, `<epoch>.<decimal position>` (not a JWT's `<payload>.<signature>`).
      if (parseCursor(value) !== null && !looksLikeJwt(value)) return parameter;
    }
    return `${parameter.slice(0, equals)}=${REDACTED}`;
  });
  return `${target}?${parameters.join('&')}${fragment}`;
}

/** The query parameters the protocol defines, the only ones {@link redactUrl} logs (`since`'s value, `token`'s name). */
const PROTOCOL_NAMES: ReadonlySet<string> = new Set(['since', 'token']);

/** Longest URL {@link redactUrl} (or text {@link redactOrigin}) reads through, in characters. */
export const MAX_REDACTED_LENGTH = 2048;
/** Most query parameters {@link redactUrl} reads one by one. */
export const MAX_REDACTED_PARAMETERS = 64;
/** Most characters of a path {@link cutShort} keeps. */
const KEPT_PATH_LENGTH = 256;

/** Whether `text` holds more than `count` `&`, looking no further than the one past `count`. */
function moreAmpersandsThan(text: string, count: number): boolean {
  let at = -1;
  for (let i = 0; i <= count; i++) {
    at = text.indexOf('&', at + 1);
    if (at === -1) return false;
  }
  return true;
}

/**
 * A request target past {@link redactUrl}'s bounds, as it is logged: its path (redacted as
 * {@link redactOrigin} redacts one, its path parameters' values as {@link withPathParameterValuesRedacted}) and, for what follows, how many characters were not logged:
 * `/api/ws/poll?[16007 characters not logged]`. A path longer than 256 characters is kept to
 * its last `/` within them (`/a/b/[15990 characters not logged]`), so no segment is logged
 * cut, a token's first half included; a target that does not start with one `/` and a
 * character other than `/` or `\` (an absolute-form target, `//host`: where user info may lie)
 * is not logged at all: `[16007 characters not logged]`. Reads at most 257 characters.
 */
function cutShort(url: string): string {
  const head = url.slice(0, KEPT_PATH_LENGTH + 1);
  if (!/^\/[^/\\\t\n\r]/.test(head)) return `[${url.length} characters not logged]`;
  const end = head.search(/[?#]/);
  const path = end !== -1 ? head.slice(0, end) : head.slice(0, head.lastIndexOf('/', KEPT_PATH_LENGTH - 1) + 1);
  const kept = end !== -1 && head[end] === '?' ? `${path}?` : path;
  // Its path parameters' values too, as a short target's (`;jsessionid=` was logged in clear past 64 `&`: tDC F5).
  return `${withPathParameterValuesRedacted(redactOrigin(path))}${kept.length > path.length ? '?' : ''}[${url.length - kept.length} characters not logged]`;
}

/**
 * `url` with what a reader takes for user info `[redacted]` where the URL parser ends the
 * authority before it: a `?` or `#` unescaped in a password (`http://user:p?ss@host/`: to the
 * parser the host `user`, a port `p` and a query `ss@host/`) was logged as sent (a reviewer),
 * and so was a `/` or `\` in one (`http://user:pa/ss@host/`, base64 passwords hold `/`: tCW F11).
 * From the slashes after a scheme (or two without one) to the last `@` before the next slash or
 * backslash, when a `?` or `#` comes before that `@` and no `@` before it; else, when the
 * parser's authority (to the first `/`, `\`, `?` or `#`) holds no `@` and a `:` followed by
 * what is no port of digits, to the last `@` after it (as `withUserInfoShownRedacted` reads an
 * option's user info: a `/api/ws?x=a@b` after a real port stays). Never past the first `?` or `#`
 * after the slashes: there it stops, and the rest is a query or fragment (by the allow-list). Linear in `url`.
 */
function withoutLooseUserInfo(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].length ?? 0;
  let start = scheme;
  while (url[start] === '/' || url[start] === '\\') start++;
  if (scheme === 0 && start < 2) return url;
  const slash = url.slice(start).search(/[/\\]/);
  const authority = slash === -1 ? url.slice(start) : url.slice(start, start + slash);
  const at = authority.lastIndexOf('@');
  const cut = authority.search(/[?#]/);
  // An `@` before the parser's end of the authority: user info it reads itself (withoutUserInfo).
  // Up to the `?` or `#`, not past it: what follows is read as a query or a fragment, by the allow-list (`//x?e=a@b&key=…`,
  // which the server reads as a path and a query, lost its `?` to the cut and was logged from the `@` on: tDT F1).
  if (at !== -1 && cut !== -1 && cut < at && authority.lastIndexOf('@', cut) === -1) return `${url.slice(0, start)}${REDACTED}${url.slice(start + cut)}`;
  // A `/` in the password: the parser's host is the user name and its "port" the password's start, which no URL
  // parses; an `@` after them ends the user info (an IPv6 host's brackets, a port of digits: none).
  const end = url.slice(start).search(/[/\\?#]/);
  const parsed = end === -1 ? '' : url.slice(start, start + end);
  const last = url.lastIndexOf('@');
  // User info the parser reads (an `@` in its authority) and another `@` after it: the password holds an `@` and then a `/`, `?`,
  // `#` or `&` (`https://app:W@Sekrit/Pw@host/`, `http://user:p@Sekrit?Pw@host/`), its middle read as the host and path, and
  // logged (tIF F2). To the last `@` of the path; one only in the query or the fragment: to the `?` or `#`, the host with it
  // (what follows is read by the allow-list): a password shown beats a host lost.
  // Not after what reads as a real host (`https://u:pw@api.example/users/alice@example.com`), nor for the `@` of a URL nested in
  // the query (`?next=https://alice:pw@bank/`).
  if (parsed.includes('@') && !readsAsHostAfterUserInfo(parsed.slice(parsed.lastIndexOf('@') + 1))) {
    const rest = url.slice(start + end);
    const stop = rest.search(/[?#]/);
    const inPath = rest.lastIndexOf('@', stop === -1 ? rest.length : stop);
    if (inPath !== -1 && (stop === -1 || inPath < stop)) return `${url.slice(0, start)}${REDACTED}${rest.slice(inPath)}`;
    if (stop !== -1 && rest.slice(stop).replace(/\/\/[^/?#&@]*@/g, '').includes('@')) return `${url.slice(0, start)}${REDACTED}${rest.slice(stop)}`;
  }
  const colon = parsed.indexOf(':');
  // An empty port before a `/` or `\\` is a password's first character (`http://user:/pass@host/`: 1 in 64 base64 passwords
  // begins so), read to the last `@` as one holding `/` later is; but not after a host name (`http://example.com:/a@b`, an
  // empty port the parser allows). It was logged, and printed by listen, whole (tIO F8).
  const emptyPortBeforeSlash = parsed.slice(colon + 1) === '' && /[/\\]/.test(url[start + end] ?? '') && !readsAsHostAndPort(parsed.slice(0, colon));
  if (colon === -1 || parsed.includes('@') || parsed.startsWith('[') || (/^\d*$/.test(parsed.slice(colon + 1)) && !emptyPortBeforeSlash) || last < start + end) return url;
  // Never past a `?` or `#` (tDT F1: `//x:pw/y?e=c@d&key=…` was logged from its last `@` on): to the last `@` before it,
  // else to it, what follows read as a query or a fragment.
  const query = url.slice(start).search(/[?#]/);
  if (query === -1 || start + query > last) return `${url.slice(0, start)}${REDACTED}${url.slice(last)}`;
  const before = url.lastIndexOf('@', start + query);
  // An `@` in the fragment too, after what is no real host (`http://app:W/r@Sekrit#Pw@db/`): the password may run on to it, its
  // middle read as the host (tIF F2): to the `?` or `#`, the host with it.
  const hash = url.indexOf('#', start);
  const host = before >= start + end ? /^[^/\\?#]*/.exec(url.slice(before + 1))![0] : '';
  if (before >= start + end && hash !== -1 && url.includes('@', hash) && !readsAsHostAfterUserInfo(host)) return `${url.slice(0, start)}${REDACTED}${url.slice(start + query)}`;
  return `${url.slice(0, start)}${REDACTED}${url.slice(before >= start + end ? before : start + query)}`;
}

/**
 * `path` (a URL's path, before its query) with the value of every path parameter `[redacted]`: `;name=value` is
 * `;name=[redacted]` (`/api/ws;jsessionid=[redacted]`, the classic URL shape of a session id, `;v=[redacted]`), and one
 * with no `=`, or whose name holds an encoded `=` or is shaped like a JWT, is `;[redacted]` whole: the protocol defines
 * none, so none is logged. An empty one (`;;`) stays. Linear in `path`.
 */
function withPathParameterValuesRedacted(path: string): string {
  if (!path.includes(';')) return path;
  return path.replace(/;([^;/?#]*)/g, (whole: string, parameter: string) => {
    if (parameter === '') return whole;
    const equals = parameter.indexOf('=');
    const name = equals === -1 ? '' : parameter.slice(0, equals);
    return equals === -1 || leniently(name).includes('=') || looksLikeJwt(name) || looksLikeJwt(leniently(name)) ? `;${REDACTED}` : `;${name}=${REDACTED}`;
  });
}

/**
 * Whether `text` holds user info, as the URL parser reads it or as `withoutLooseUserInfo` does (as {@link redactUrl} redacts
 * one): `listen`'s test of its target and of a query value, so that it hides what the server's log would. Linear in `text`.
 */
export function holdsUserInfoAnyhow(text: string): boolean {
  return withoutUserInfo(text) !== text || withoutLooseUserInfo(text) !== text || holdsUserInfo(text);
}

/**
 * A URL, origin or request target without what may carry a credential, for logs: its user info
 * is `[redacted]`, in any form the URL parser reads as one (`http://user:password@host`, and
 * `http:///user@host`, `http:user@host`, `http:\\user@host`, `ht<tab>tp://user@host`, or
 * `//user@host` against a base), and
 * so is any JWT in it (in the host: `Origin: https://<jwt>.example`, an absolute-form target
 * `GET http://<jwt>.example/…`). One whose user info
 * the parser still finds after that is `[redacted]` whole. Linear in `text`. A text longer than
 * {@link MAX_REDACTED_LENGTH} characters (no origin is: a refused `Origin` header of 16 KB cost
 * 6.5 ms, a hostile tester) is `[<length> characters not logged]`, unread.
 */
export function redactOrigin(text: string): string {
  if (text.length > MAX_REDACTED_LENGTH) return `[${text.length} characters not logged]`;
  // The user info the parser misreads too (a password holding `@` then `/`: `https://app:W@Sekrit/Pw@evil.example` was logged
  // `https://[redacted]@Sekrit/[redacted]`, tIF F2), as redactUrl reads it.
  const redacted = redactJwts(withoutUserInfo(withoutLooseUserInfo(text)));
  return holdsUserInfo(redacted) ? REDACTED : redacted;
}

/**
 * A refused `Origin` header as the log shows it: {@link redactOrigin}'s, and whatever follows its `scheme://host[:port]`
 * (a path, `;`, a query, a fragment) `[redacted]` after its first character (`https://app.example.com/[redacted]`,
 * `…?[redacted]`): a browser sends none, but a client given an address bar as its origin (`…/cb#access_token=…`,
 * `…/?api_key=…`, a reset link's path) had it logged whole, its token with it (tFE F6). The origin to allow stays shown.
 */
export function redactRefusedOrigin(text: string): string {
  const redacted = redactOrigin(text);
  if (redacted === REDACTED || /^\[\d+ characters not logged\]$/.test(redacted)) return redacted;
  // One origin: whatever follows a blank, `,` or `|` (`https://evil.example, Pa55w0rdXyz`, `null Pa55w0rdXyz`) was logged
  // whole (tFU F6); no browser sends a list.
  const list = redacted.search(/[\s,|]/);
  const head = list > 0 ? redacted.slice(0, list) : redacted;
  const tail = list > 0 ? `${redacted[list]}${REDACTED}` : '';
  const origin = /^([a-z][a-z0-9+.-]*:[/\\]*)([^/?#;\\]*)/i.exec(head);
  // One without a scheme (`Pa55w0rdXyz`, first in a list or alone) is judged as a host is: it was logged whole (tGD F3).
  if (origin === null) return `${secretWhereAddressGoes(head) ? REDACTED : head}${tail}`;
  const [whole, start, authority] = origin as unknown as [string, string, string];
  // A host that reads as a secret (`https://Pa55w0rdXyz`, in brackets) or a port that is no digits (`:Pa55w0rdXyz`, a
  // password whose @host is missing) was logged (tFU F6), as the options' rules would not show them.
  const at = authority.lastIndexOf('@') + 1;
  const hostPort = authority.slice(at);
  const bracketed = /^\[[^\]]*\]/.exec(hostPort)?.[0];
  const host = bracketed ?? ((hostPort.match(/:/g) ?? []).length === 1 ? hostPort.slice(0, hostPort.indexOf(':')) : hostPort);
  const port = hostPort.slice(host.length);
  const words = host.split(/[:[\]]/).filter((word) => word !== '');
  const hostShown = words.some((word) => secretWhereAddressGoes(word)) ? REDACTED : host;
  const portShown = port === '' || /^:\d*$/.test(port) ? port : `:${REDACTED}`;
  const shown = `${start}${authority.slice(0, at)}${hostShown}${portShown}`;
  return whole.length === head.length ? `${shown}${tail}` : `${shown}${head[whole.length]}${REDACTED}`;
}

/**
 * `text` with its user info `[redacted]`: what lies between the slashes (or backslashes, or
 * none: `http:user@host`) after its scheme, or two slashes without one, and the last `@` before
 * the next `/`, `?` or `#`. Read as the URL parser reads it, without the tabs and newlines it
 * drops, and the controls and spaces it trims: such a text comes back so, redacted; any other
 * comes back as it is. Linear in `text`: a regular expression whose slashes and user info may
 * both take a backslash would backtrack on a long run of them.
 */
function withoutUserInfo(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && text.charCodeAt(from) <= 0x20) from++;
  while (to > from && text.charCodeAt(to - 1) <= 0x20) to--;
  const read = text.slice(from, to).replace(/[\t\n\r]/g, '');
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(read)?.[0].length ?? 0;
  let start = scheme;
  while (read[start] === '/' || read[start] === '\\') start++;
  // Without a scheme, one slash starts a path (`/@alice`): two an authority.
  if (scheme === 0 && start < 2) return text;
  const end = read.slice(start).search(/[/?#]/);
  const at = read.lastIndexOf('@', end === -1 ? read.length : start + end);
  return at < start ? text : `${read.slice(0, start)}${REDACTED}${read.slice(at)}`;
}

/** Whether the URL parser finds user info in `text`, read alone or against a base (`//user@host`), but `[redacted]`. */
function holdsUserInfo(text: string): boolean {
  for (const base of [undefined, 'http://base.invalid']) {
    try {
      const url = new URL(text, base);
      if ((url.username !== '' && url.username !== encodeURIComponent(REDACTED)) || url.password !== '') return true;
    } catch {
      // Not a URL read so: no user info to find.
    }
  }
  return false;
}

/** {@link keyMaterialIn}'s phrase for a symmetric JWK, the shared secret itself as JSON text. */
export const SYMMETRIC_JWK = 'a symmetric JWK\'s JSON (kty "oct")';

/** What {@link keyMaterialIn} found: a phrase saying what (never the material), and whether a symmetric JWK is in it. */
export interface KeyMaterial {
  /** `a public key's PEM`, `a certificate's DER in base64 (a PEM without its armor)`, `a JWK set (JSON with "keys") holding 1 symmetric JWK (kty "oct")`. */
  readonly phrase: string;
  /** How many symmetric JWKs (kty "oct": the shared secret as JSON, its `k` the key) it holds. */
  readonly symmetric: number;
  /** How many asymmetric keys or certificates (a public key, known to others; a private key) it holds. */
  readonly asymmetric: number;
  /** Whether it is one symmetric JWK's JSON alone (its `k` is the key: `Buffer.from(jwk.k, 'base64url')`). */
  readonly loneSymmetric: boolean;
}

/**
 * What key material `secret` holds, or undefined when it holds none. The rule is one, not a list of forms: it is peeled of
 * every layer of encoding it reads as (base64 and base64url, hex with or without `0x`/colons, a JSON string, text quoted in
 * `'`, `"` or `` ` ``, literal `\n` escapes, a `base64:`/`hex:` prefix or a data: URL, percent-encoding, latin1 or UTF-16
 * text, bytes as JSON; a base64 run inside other text), and each layer is looked at for PEM armor (`-----BEGIN … -----`),
 * an OpenSSH key (`ssh-rsa AAAA…`, or its blob alone, naming its type), a JWK or key set's JSON (or any JSON holding one of
 * these, as `{"x5c": [...]}`; a JWK in JavaScript or YAML), bytes node:crypto parses as a key (SPKI, PKCS#1, PKCS#8, SEC1
 * DER) or an X.509 certificate, a PKCS#7 or PKCS#12 structure (a .p7b, a .pfx: their outer ASN.1 read), or a DER read as
 * UTF-8. Random bytes in any encoding, or a passphrase, parse as none of these, so a secret is never refused. Never the
 * material itself in the phrase. `counted.steps` is set to the characters and bytes looked at, over every layer (linear).
 */
export function keyMaterialIn(secret: Uint8Array, counted?: { steps: number }): KeyMaterial | undefined {
  // A certificate's DER in base64 (Keycloak's realm "Certificate", a JWKS's x5c[0]), base64 of a PEM (a Kubernetes
  // Secret's `data:`), a key's DER in hex or as bytes (`readFileSync('pub.der')`), a JWK JSON-encoded twice, an OpenSSH
  // public key: each was taken as the HMAC key, and anyone holding that public text signed admin tokens (tGF F1).
  // Past 1 MiB no key, certificate or key set is looked for (none is near that size): the peeling's patterns overflowed
  // the regular-expression stack on a secret of 6 MB, a RangeError at start (tGN F5).
  if (secret.byteLength > MAX_KEY_MATERIAL_BYTES) return undefined;
  const budget: Budget = { left: 400, steps: 0 };
  try {
    return bytesMaterialIn(Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength), 0, budget);
  } finally {
    if (counted !== undefined) counted.steps = budget.steps;
  }
}

/** The longest secret {@link keyMaterialIn} looks into, in bytes: a key set of many certificates is far below it. */
const MAX_KEY_MATERIAL_BYTES = 1 << 20;

/**
 * How many JSON values and base64 runs {@link keyMaterialIn} still may look at (a hostile secret is bounded; so are the layers
 * peeled, 6), and the characters and bytes it looked at so far, over every layer (a step count: linear in the secret's length).
 */
interface Budget {
  left: number;
  steps: number;
}

/** A found key material's phrase with ` ${layer}` after it, the counts kept. */
function within(found: KeyMaterial | undefined, layer: string): KeyMaterial | undefined {
  return found === undefined ? undefined : { ...found, phrase: `${found.phrase} ${layer}`, loneSymmetric: false };
}

/** One asymmetric key or certificate, said by `phrase`. */
function asymmetricKey(phrase: string): KeyMaterial {
  return { phrase, symmetric: 0, asymmetric: 1, loneSymmetric: false };
}

/** What key material `bytes` holds: DER itself, or text (one layer deeper than `depth`'s caller) holding some. */
function bytesMaterialIn(bytes: Buffer, depth: number, budget: Budget, looked = false): KeyMaterial | undefined {
  // `looked`: the caller (base64) counted these bytes and looked for DER and an OpenSSH blob in them already.
  if (!looked) {
    budget.steps += bytes.length;
    const der = derKeyIn(bytes);
    if (der !== undefined) return asymmetricKey(`${der}'s DER${depth === 0 ? ' (bytes)' : ''}`);
    const ssh = sshBlobIn(bytes);
    if (ssh !== undefined) return asymmetricKey(`${ssh}${depth === 0 ? ' (bytes)' : ''}`);
  }
  // A PEM saved by Windows PowerShell 5.1 (`>`, Out-File) is UTF-16LE with a BOM: its `-\0-\0…` hid the armor (tGV F2).
  const utf16 = depth < 6 ? utf16TextIn(bytes) : undefined;
  if (utf16 !== undefined) return within(textMaterialIn(utf16, depth + 1, budget), 'in UTF-16');
  const text = bytes.toString('utf8');
  // A .der read as latin1 text (`readFileSync('pub.der', 'latin1')`), then UTF-8 encoded: its code points are its bytes (tGV F2).
  if (depth < 6 && /[\x80-\xff]/.test(text) && !/[^\x00-\xff]/.test(text)) {
    const found = bytesMaterialIn(Buffer.from(text, 'latin1'), depth + 1, budget);
    if (found !== undefined) return within(found, 'read as latin1 text');
  }
  // Our own decoding made U+FFFD of bytes that are not UTF-8: a DER that reads so was never read as UTF-8 text (tHA F2).
  return textMaterialIn(text, depth, budget, text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(bytes));
}

/**
 * `bytes` as UTF-16 text, when they read as such: after a UTF-16 BOM (FF FE, FE FF; or EF BF BD twice, the BOM read as
 * UTF-8 first), or with a NUL as every other byte (ASCII text in UTF-16 without a BOM, which no random bytes are); else undefined.
 */
function utf16TextIn(bytes: Buffer): string | undefined {
  let body = bytes;
  let order: 'le' | 'be' | undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) [body, order] = [bytes.subarray(2), 'le'];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [body, order] = [bytes.subarray(2), 'be'];
  else if (bytes.subarray(0, 6).equals(REPLACED_BOM)) body = bytes.subarray(6);
  if (order === undefined) {
    if (body.length < 32) return undefined;
    const nulAt = (parity: number) => {
      for (let at = parity; at < body.length - 1; at += 2) if (body[at] !== 0 || body[at + 1 - 2 * parity] === 0) return false;
      return true;
    };
    order = nulAt(1) ? 'le' : nulAt(0) ? 'be' : undefined;
    if (order === undefined) return undefined;
  }
  const even = body.subarray(0, body.length - (body.length % 2));
  return order === 'le' ? even.toString('utf16le') : Buffer.from(even).swap16().toString('utf16le');
}

/** A UTF-16 BOM (FF FE or FE FF) read as UTF-8: two U+FFFD, each as its UTF-8 bytes. */
const REPLACED_BOM = Buffer.from([0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd]);

/**
 * A key's or certificate's DER read as UTF-8 text (`readFileSync('pub.der', 'utf8')`): its invalid bytes became U+FFFD, which
 * cannot be undone, but its start (`0`, a SEQUENCE) and an algorithm's or a name's object identifier early in it are left
 * recognisable: 1.2.840.113549.1 (RSA, PKCS#1, #7, #8, #12), 1.2.840.10045 (EC), 1.3.101.110–113 (X25519, X448, Ed25519,
 * Ed448) or 2.5.4.3 (a certificate's common name), each with its tag and length, as UTF-8 decoding leaves them. Control
 * characters and U+FFFD in this order are in no passphrase, and in random text 1 time in 2^60 or less.
 */
const DER_READ_AS_UTF8 = /^0[^]{0,95}?\x06(?:[\x07-\x0b]\*\ufffdH\ufffd(?:\ufffd\r\x01|=)|\x03(?:\+e[n-q]|U\x04\x03))/;

const SSH_KEY = /(?:^|\s)((?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v01@openssh\.com)?)\s+(AAAA[A-Za-z0-9+/]{16,}={0,2})(?=\s|$)/;

/** What key material `given` holds: PEM armor, an OpenSSH key, or after peeling one layer (JSON, quotes, a prefix, %XX, hex, base64). */
function textMaterialIn(given: string, depth: number, budget: Budget, lossy = false): KeyMaterial | undefined {
  budget.steps += given.length;
  const text = given.trim();
  // Four dashes too, and `+` for a space (form encoding), as hand-made or copied armor has it (tGV F3).
  const pem = /-{4,5}BEGIN[ +]([A-Z0-9 +]{1,40}?)-{4,5}/.exec(text)?.[1]?.replace(/\+/g, ' ');
  // A CSR's armor holds CERTIFICATE too: it was said a certificate's (tHA F2).
  if (pem !== undefined) return asymmetricKey(/PRIVATE KEY/.test(pem) ? 'a private key\'s PEM' : /PUBLIC KEY/.test(pem) ? 'a public key\'s PEM' : /CERTIFICATE REQUEST/.test(pem) ? 'a certificate request\'s (CSR\'s) PEM' : /CRL/.test(pem) ? 'a certificate revocation list\'s (CRL\'s) PEM' : /CERTIFICATE/.test(pem) ? 'a certificate\'s PEM' : 'a PEM block');
  if (/---- BEGIN SSH2 PUBLIC KEY ----/.test(text)) return asymmetricKey('an SSH2 public key (RFC 4716)');
  // `lossy`: `given` is bytes our own decoding made U+FFFD in, not text a file was read as: DER node:crypto does not read (a
  // CSR, a CRL, a key cut short or with a damaged byte) was said "read as UTF-8 text" given as bytes, base64 or hex (tHA F2).
  if (DER_READ_AS_UTF8.test(given)) return asymmetricKey(lossy ? 'a DER structure with a key algorithm or a name in it (a certificate request, a CRL, or a key or certificate cut short or damaged)' : 'a key\'s or certificate\'s DER read as UTF-8 text (readFileSync(file, \'utf8\') of a .der file)');
  // An OpenSSH public key (authorized_keys, `*.pub`): its blob starts with its own type's name, which no random text does.
  const ssh = SSH_KEY.exec(text);
  if (ssh !== null) {
    const blob = Buffer.from(ssh[2]!, 'base64');
    const named = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
    if (named === ssh[1]!.length && blob.subarray(4, 4 + named).toString('latin1') === ssh[1]) return asymmetricKey('an OpenSSH public key');
  }
  if (depth >= 6) return undefined;
  let json: unknown;
  try {
    json = /^["{[]/.test(text) ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: JSON with trailing commas (a hand-edited file) is read as JSON; else the other layers are looked at.
    try {
      json = /^[{[]/.test(text) ? JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) : undefined;
    } catch {
      // Not JSON either.
    }
  }
  if (json !== undefined) return jsonMaterialIn(json, depth + 1, budget);
  // A public JWK written as a JavaScript object or YAML (`{ kty: 'RSA', n: '…' }`, `kty: EC`): its type and a key member (tGV F3).
  if (LOOSE_JWK_TYPE.test(text) && LOOSE_JWK_MEMBER.test(text)) return asymmetricKey('a JWK written as JavaScript or YAML (with "kty")');
  // Quotes kept by an env file or a shell: '…', and "…" or `…` that JSON does not read (a value wrapped on several lines).
  if (/^(['"`])[^]*\1$/.test(text) && text.length >= 2) return within(textMaterialIn(text.slice(1, -1), depth + 1, budget), 'in quotes');
  // A known prefix: Laravel's `base64:`, a data: URL, `hex:` (tGV F3).
  const prefix = /^(?:(base64|b64|hex):|data:[^,]{0,200},)/i.exec(text);
  if (prefix !== null) return within(textMaterialIn(text.slice(prefix[0].length), depth + 1, budget), prefix[1] !== undefined ? `after a "${prefix[1].toLowerCase()}:" prefix` : 'in a data: URL');
  // Percent-encoding (encodeURIComponent, a form's or a URL's value): `+` is a space when `+` itself is encoded (%2B).
  // Line breaks and tabs may be around it (an env file's other lines, a comment after a tab): one ruled it out (tHA F7).
  if (/%[0-9A-Fa-f]{2}/.test(text) && !/[^\x20-\x7e\t\r\n]/.test(text)) {
    const spaced = /%2B/i.test(text) ? text.replace(/\+/g, ' ') : text;
    const found = bytesMaterialIn(Buffer.from(spaced.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1'), depth + 1, budget);
    if (found !== undefined) return within(found, 'percent-encoded');
    // Decoding %XX leaves base64 and hex characters as they are: the decoded text's runs, looked at one layer deeper, hold
    // this text's. Looked at again here, each run was decoded once per percent layer above it: a crafted secret of 6
    // layers cost 131 steps a byte (tHA F4).
    if (depth + 1 < 6) return undefined;
  }
  // An env file's escaped newlines (`\n` as two characters) and line breaks are no part of base64 or hex.
  const compact = text.replace(/\\[nr]|\s/g, '');
  const hex = hexDigitsIn(compact);
  if (hex !== undefined) {
    const found = bytesMaterialIn(Buffer.from(hex, 'hex'), depth + 1, budget);
    if (found !== undefined) return within(found, 'in hex');
  }
  if (/^[A-Za-z0-9+/_-]{40,}={0,2}$/.test(compact)) {
    const found = base64MaterialIn(compact, depth, budget);
    // A label word and a blank before the key (`JWT_PUBLIC_KEY MII…`, `pubkey\nMII…`, a PEM whose dashes were lost) are
    // glued to it once blanks go, which misaligns the decoding: the runs below were never looked at (tHA F1). Text with no
    // blank is one run, the same as this.
    if (found !== undefined || compact === text) return found;
  }
  // Base64 inside other text, the whole not being an encoding: `KEY=MII…`, `publicKey: MII…`, SAML metadata's
  // `<X509Certificate>MII…</X509Certificate>`, x5c values joined by commas. Each run of 40 base64 characters or more (its
  // wrapped lines joined) is looked at, as base64 or hex, a few hundred at most (tGV F3).
  for (const run of text.matchAll(BASE64_RUN)) {
    if (--budget.left < 0) return undefined;
    const candidate = run[0].replace(/\\[nr]|\s/g, '');
    const digits = /^(?:[0-9a-fA-F]{2}){20,}$/.test(candidate) ? candidate : undefined;
    const found = (digits === undefined ? undefined : within(bytesMaterialIn(Buffer.from(digits, 'hex'), depth + 1, budget), 'in hex')) ?? base64MaterialIn(candidate, depth, budget);
    if (found !== undefined) return within(found, 'inside other text');
  }
  // Hex in pairs separated by colons (`PUBKEY=30:82:…`, `openssl -text`) or each pair after `0x` or `\x` (a C array in its
  // braces, `xxd -i`) inside other text: no base64 run holds them, each pair being cut off by `:`, `0x` or `, ` (tHA F3).
  for (const run of text.matchAll(SEPARATED_HEX_RUN)) {
    if (--budget.left < 0) return undefined;
    const found = within(bytesMaterialIn(Buffer.from(run[0].replace(/0x|\\x|[\s:,]/gi, ''), 'hex'), depth + 1, budget), 'in hex');
    if (found !== undefined) return within(found, 'inside other text');
  }
  return undefined;
}

/** 20 hex pairs or more separated by colons, or each after `0x` or `\x` (commas and blanks between), not inside a longer run. */
const SEPARATED_HEX_RUN = /(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?:[ \t]*(?:\r?\n[ \t]*)?:[ \t]*(?:\r?\n[ \t]*)?[0-9A-Fa-f]{2}){19,}(?![0-9A-Fa-f])|(?:0x|\\x)[0-9A-Fa-f]{2}(?:\s*,?\s*(?:0x|\\x)[0-9A-Fa-f]{2}){19,}(?![0-9A-Fa-f])/gi;

/** A run of 40 base64 or base64url characters or more, not inside a longer one, with the lines it is wrapped on (`\n` escapes too). */
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}(?:(?:\\[nr]|\r?\n)+[ \t]*[A-Za-z0-9+/_-]+)*={0,2}/g;

/** A JWK's `kty` of an asymmetric key, in JavaScript or YAML (the name and the value quoted or not). */
const LOOSE_JWK_TYPE = /(?:^|[\s{,;])["']?kty["']?\s*:\s*["']?(?:RSA|EC|OKP)\b/;

/** A public JWK's key member (`n` of RSA, `x` of EC and OKP), base64url of 32 characters or more, in JavaScript or YAML. */
const LOOSE_JWK_MEMBER = /(?:^|[\s{,;])["']?[nx]["']?\s*:\s*["']?[A-Za-z0-9_-]{32,}/;

/**
 * The hex digits `compact` (text without white space) is written in: plain (`3082…`), after `0x`, in pairs separated by
 * colons (`30:82:…`, as openssl and keytool print), or each pair after `0x` or `\x` (a C array, `0x30,0x82,…`); 20 bytes or more.
 */
function hexDigitsIn(compact: string): string | undefined {
  let digits = compact;
  if (/^(?:(?:0x|\\x)[0-9a-fA-F]{2},?)+$/i.test(digits)) digits = digits.replace(/0x|\\x|,/gi, '');
  else if (/^(?:[0-9a-fA-F]{2}:)+[0-9a-fA-F]{2}$/.test(digits)) digits = digits.replace(/:/g, '');
  else digits = digits.replace(/^0x/i, '');
  return /^(?:[0-9a-fA-F]{2}){20,}$/.test(digits) ? digits : undefined;
}

/** What key material the base64 or base64url `compact` holds: DER, an OpenSSH key's blob, or text one layer deeper. */
function base64MaterialIn(compact: string, depth: number, budget: Budget): KeyMaterial | undefined {
  const bytes = Buffer.from(compact, 'base64');
  budget.steps += bytes.length;
  const der = derKeyIn(bytes);
  // A PKCS#12 key store has no PEM form of its own (openssl writes its parts' PEMs): no armor to speak of.
  if (der !== undefined) return asymmetricKey(`${der}'s DER in base64${der === 'a PKCS#12 key store' ? '' : ' (a PEM without its armor)'}`);
  // The base64 column of an authorized_keys line, copied without its type word (tGV F3).
  const ssh = sshBlobIn(bytes);
  if (ssh !== undefined) return asymmetricKey(`${ssh} in base64`);
  // The bytes layer as raw bytes and hex have it: a UTF-16 PEM (PowerShell's `ToBase64String(Unicode.GetBytes(pem))`) or a
  // DER read as latin1 was taken in base64 only (tHA F10).
  return within(bytesMaterialIn(bytes, depth + 1, budget, true), 'in base64');
}

/** The OpenSSH key types a public key's blob names first (`string "ssh-rsa"`, its length before it). */
const SSH_KEY_TYPES = /^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(?:-cert-v01@openssh\.com)?$/;

/**
 * `an OpenSSH public key's blob (without its type word)` when `bytes` start as one does (its type's name, length-prefixed),
 * `an OpenSSH private key's body (without its armor)` when they start with `openssh-key-v1\0`; else undefined.
 */
function sshBlobIn(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0') return 'an OpenSSH private key\'s body (without its armor)';
  const named = bytes.length >= 8 ? bytes.readUInt32BE(0) : 0;
  return named >= 7 && named <= 64 && SSH_KEY_TYPES.test(bytes.subarray(4, 4 + named).toString('latin1')) ? 'an OpenSSH public key\'s blob (without its type word)' : undefined;
}

/** What a JWK (an object with a string `kty`) is. */
function jwkKind(value: unknown): 'symmetric' | 'public' | 'private' | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { kty?: unknown }).kty !== 'string') return undefined;
  return (value as { kty: string }).kty === 'oct' ? 'symmetric' : (value as { d?: unknown }).d !== undefined ? 'private' : 'public';
}

/** The bytes the JSON `value` holds as byte values (16 or more), and as what; else undefined. */
function byteValuesIn(value: object): { bytes: Buffer; as: string } | undefined {
  const isBuffer = (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data);
  const keys = Array.isArray(value) || isBuffer ? [] : Object.keys(value);
  const typedArray = keys.length > 0 && keys.every((key, index) => key === String(index));
  const data: unknown[] | undefined = isBuffer ? (value as { data: unknown[] }).data : Array.isArray(value) ? value : typedArray ? Object.values(value) : undefined;
  // Signed bytes too (-128 to 127): Java's and Kotlin's byte (`Arrays.toString(key.getEncoded())`), an Int8Array (tHA F3).
  if (data === undefined || data.length < 16 || !data.every((item) => Number.isInteger(item) && (item as number) >= -128 && (item as number) <= 255)) return undefined;
  const signed = data.some((item) => (item as number) < 0);
  return { bytes: Buffer.from((data as number[]).map((item) => item & 0xff)), as: isBuffer ? 'a Buffer\'s JSON ({"type":"Buffer","data":[…]})' : typedArray ? (signed ? 'an Int8Array\'s JSON ({"0":…})' : 'a Uint8Array\'s JSON ({"0":…})') : signed ? 'a JSON array of signed byte values (Java\'s byte[])' : 'a JSON array of byte values' };
}

/** What key material the JSON `value` holds; `nested`, a value inside the JSON text's own (said once, as `inside JSON`). */
function jsonMaterialIn(value: unknown, depth: number, budget: Budget, nested = false): KeyMaterial | undefined {
  if (--budget.left < 0 || depth > 12) return undefined;
  if (typeof value === 'string') return nested ? textMaterialIn(value, depth, budget) : within(textMaterialIn(value, depth, budget), 'in a JSON string');
  if (typeof value !== 'object' || value === null) return undefined;
  // A Buffer as JSON (`JSON.stringify(readFileSync('pub.der'))`: {"type":"Buffer","data":[48,130,…]}), a Uint8Array's
  // ({"0":48,"1":130,…}) or a bare array of byte values: the bytes are looked at (tGV F2).
  const bytes = byteValuesIn(value);
  if (bytes !== undefined) {
    const found = bytesMaterialIn(bytes.bytes, depth + 1, budget);
    return nested ? found : within(found, `as ${bytes.as}`);
  }
  const lone = jwkKind(value);
  // A symmetric one is the shared secret, not a public key: said apart, with what to give instead (tGD F11).
  if (lone === 'symmetric') return { phrase: SYMMETRIC_JWK, symmetric: 1, asymmetric: 0, loneSymmetric: true };
  if (lone !== undefined) return asymmetricKey('a JWK (JSON with "kty")');
  const members = Array.isArray(value) ? value : Array.isArray((value as { keys?: unknown }).keys) ? ((value as { keys: unknown[] }).keys) : undefined;
  const kinds = (members ?? []).map(jwkKind).filter((kind) => kind !== undefined);
  if (kinds.length > 0) {
    // A symmetric JWK in a set or an array was told to give a public key (tGF F9): a set says what it holds.
    const held = (kind: 'symmetric' | 'public' | 'private', one: string, many: string) => {
      const count = kinds.filter((each) => each === kind).length;
      return count === 0 ? [] : [`${count} ${count === 1 ? one : many}`];
    };
    const symmetric = kinds.filter((kind) => kind === 'symmetric').length;
    const what = Array.isArray(value) ? 'a JWK in a JSON array (with "kty")' : 'a JWK set (JSON with "keys")';
    const holding = [...held('symmetric', 'symmetric JWK (kty "oct")', 'symmetric JWKs (kty "oct")'), ...held('public', "public key's JWK", "public keys' JWKs"), ...held('private', "private key's JWK", "private keys' JWKs")];
    const said = holding.length === 1 ? holding[0] : `${holding.slice(0, -1).join(', ')} and ${holding.at(-1)}`;
    return { phrase: symmetric === 0 && holding.length === 1 ? what : `${Array.isArray(value) ? 'a JSON array of JWKs' : 'a JWK set (JSON with "keys")'} holding ${said}`, symmetric, asymmetric: kinds.length - symmetric, loneSymmetric: false };
  }
  // Any other JSON holding key material (`{"x5c": ["MII…"]}`, a list of certificates): looked at inside.
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = jsonMaterialIn(item, depth + 1, budget, true);
    if (found !== undefined) return nested ? found : within(found, 'inside JSON');
    if (budget.left < 0) return undefined;
  }
  return undefined;
}

/**
 * Whose DER `der` is, `a private key` (PKCS#8, PKCS#1, SEC1; an encrypted PKCS#8 too), `a public key` (SPKI, PKCS#1) or
 * `a certificate` (X.509), when node:crypto parses it as one; `a PKCS#7 bundle` or `a PKCS#12 key store` by its outer
 * structure ({@link pkcsContainerIn}); else undefined.
 */
function derKeyIn(der: Buffer): string | undefined {
  // DER of each is a SEQUENCE; most random bytes are ruled out here.
  if (der.length < 16 || der[0] !== 0x30) return undefined;
  // A key's DER with bytes after it (base64 with a word glued after it, as a PEM's `END PUBLIC KEY` line once its dashes
  // were lost, tHA F1): its SEQUENCE alone is looked at.
  const whole = derElement(der, 0);
  if (whole !== undefined && whole.end < der.length && whole.end >= 16) return derKeyIn(der.subarray(0, whole.end));
  // A .p7b certificate bundle (public: how CAs and Windows hand out a chain) and a .pfx key store (Azure Key Vault's secret of
  // a certificate is one in base64) were taken as the HMAC key: node:crypto parses neither, their PEM forms were refused (tGV F1).
  const container = pkcsContainerIn(der);
  if (container !== undefined) return container;
  // Each key's and a certificate's SEQUENCE starts with a SEQUENCE (SPKI, a certificate, an encrypted PKCS#8) or an INTEGER
  // (PKCS#1, PKCS#8, SEC1) within it: node:crypto's parsers (slow to fail) are not tried on bytes that cannot be one.
  const outer = derElement(der, 0);
  const first = outer === undefined ? undefined : derElement(der, outer.start);
  if (first === undefined || (first.tag !== 0x30 && first.tag !== 0x02) || first.end > outer!.end) return undefined;
  // A private key first: Node derives a public key from an RSA private key's PKCS#1 too, which was said "a public key's" (tGF F1).
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return 'a private key';
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_MISSING_PASSPHRASE') return 'a private key';
    }
  }
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      createPublicKey({ key: der, format: 'der', type });
      return 'a public key';
    } catch {
      // not this form
    }
  }
  try {
    new X509Certificate(der);
    return 'a certificate';
  } catch {
    return undefined;
  }
}

/** The DER element at `at` in `der`: its tag, and where its content starts and ends; undefined if it overruns `der`. */
function derElement(der: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  const first = der[at + 1]!;
  let start = at + 2;
  // BER's indefinite length (a PKCS#12 some tools write): its content runs to the end of what was given, at most.
  if (first === 0x80) return { tag, start, end: der.length };
  let length = first;
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4 || start + count > der.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start++]!;
  }
  const end = start + length;
  return end > der.length ? undefined : { tag, start, end };
}

/** OID 1.2.840.113549.1.7 (pkcs-7) as DER (tag, length, arcs), its last arc (a content type, 1 to 6) after it. */
const PKCS7_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]);

/** Whether a PKCS#7 ContentInfo's content type (`OBJECT IDENTIFIER pkcs-7 n`, n from 1 to 6) is at `at` in `der`. */
function pkcs7ContentTypeAt(der: Buffer, at: number): boolean {
  const arc = der[at + PKCS7_OID.length];
  return arc !== undefined && arc >= 1 && arc <= 6 && der.subarray(at, at + PKCS7_OID.length).equals(PKCS7_OID);
}

/**
 * `a PKCS#7 bundle` when `der` is a PKCS#7 ContentInfo (`SEQUENCE { OID pkcs-7 n, [0] … }`: a .p7b, .p7c), `a PKCS#12 key
 * store` when it is a PKCS#12 PFX (`SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs-7 n, … } … }`, its authSafe a ContentInfo: a .pfx, .p12); else
 * undefined. Only the outer structure is read (bounded: three headers), which no random bytes hold (80 bits fixed).
 */
function pkcsContainerIn(der: Buffer): string | undefined {
  const outer = derElement(der, 0);
  if (outer === undefined || outer.tag !== 0x30) return undefined;
  const first = derElement(der, outer.start);
  if (first === undefined || first.end > outer.end) return undefined;
  if (first.tag === 0x06 && pkcs7ContentTypeAt(der, outer.start)) return 'a PKCS#7 bundle';
  if (first.tag !== 0x02 || first.end - first.start !== 1 || der[first.start] !== 3) return undefined;
  const authSafe = derElement(der, first.end);
  return authSafe?.tag === 0x30 && pkcs7ContentTypeAt(der, authSafe.start) ? 'a PKCS#12 key store' : undefined;
}

/** What to give instead of the key material `found` given as `${prefix}secret`: a symmetric JWK's bytes, a public key as publicKey. */
function secretKeyAdvice(found: KeyMaterial, prefix: string): string {
  const bytes = `${prefix}secret: Buffer.from(jwk.k, 'base64url')`;
  const publicKey = `a public key is known to others, who could sign tokens with it; give the public key as ${prefix}publicKey ({ publicKey, algorithm: 'RS256' | 'ES256' | 'EdDSA', audience }), or its provider's key set as ${prefix}jwksUrl`;
  if (found.loneSymmetric) return `the JSON text is not the key, its "k" is (base64url); give its bytes, ${bytes}`;
  // A symmetric JWK in a set or an array was told to give a public key, which verifies no HS256 token (tGF F9).
  if (found.asymmetric === 0) return `the text is not the key, ${found.symmetric === 1 ? 'its JWK\'s "k" is (base64url); give its bytes' : 'the "k" (base64url) of the JWK the tokens are signed with is; give its bytes'}, ${bytes}`;
  if (found.symmetric > 0) return `the text is not a key: for HS256, give the bytes of the symmetric JWK's "k" (base64url) the tokens are signed with, ${bytes}; for its other keys, ${publicKey}`;
  return `a key given as secret is the HMAC key, and ${publicKey}`;
}

/** The key types (`KeyObject.asymmetricKeyType`) each pinned algorithm verifies with. */
// Ed25519 only for EdDSA: jose verifies no Ed448 key, and one was taken, then every token 401 "unverifiable" (tFU F14).
const KEY_TYPES: Record<PublicKeyAlgorithm, readonly string[]> = { RS256: ['rsa'], ES256: ['ec'], EdDSA: ['ed25519'] };

/** Whether `pem` reads as a private key. */
function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * `publicKey` as a KeyObject, read now (synchronously), so a key that is not a public key, or
 * not one `algorithm` verifies with (an EC key with the default RS256), is a TypeError when
 * the server is created, not a failure at the first token.
 * @throws TypeError naming the fault (never the key material)
 */
function publicKeyFor(publicKey: string | KeyObject, algorithm: PublicKeyAlgorithm, { call, prefix }: VerifierNaming): KeyObject {
  // `in` read `'toString'` as an algorithm.
  if (!Object.hasOwn(KEY_TYPES, algorithm)) throw new TypeError(`${call}: ${prefix}algorithm must be one of ${Object.keys(KEY_TYPES).join(', ')} (the algorithm of publicKey), got ${shownAlgorithm(algorithm)}`);
  // `publicKey: null` read `.type` of null.
  if (typeof publicKey !== 'string' && !(publicKey instanceof KeyObject)) throw new TypeError(`${call}: ${prefix}publicKey must be a PEM string or a KeyObject, got ${preview(publicKey)}`);
  let key: KeyObject;
  try {
    key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  } catch (error) {
    throw new TypeError(`${call}: ${prefix}publicKey is not a PEM public key (${(error as { code?: string }).code ?? 'unreadable'})`);
  }
  if (key.type !== 'public') throw new TypeError(`${call}: ${prefix}publicKey must be a public key, got a ${String(key.type)} key`);
  // A private key's PEM: Node derives its public key in silence, where the same key as a KeyObject is refused just above; a
  // server holding the private key could sign tokens (tAU F7).
  if (typeof publicKey === 'string' && isPrivateKey(publicKey)) throw new TypeError(`${call}: ${prefix}publicKey must be a public key, got a private key's PEM: give its public key (a server that holds the private one could sign tokens)`);
  const type = String(key.asymmetricKeyType);
  if (algorithm === 'EdDSA' && type === 'ed448') throw new TypeError(`${call}: ${prefix}publicKey is an Ed448 key, which EdDSA here does not verify with (Ed25519 keys only): every token would be refused; sign with an Ed25519 key`);
  if (!KEY_TYPES[algorithm].includes(type)) {
    throw new TypeError(`${call}: ${prefix}publicKey is ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type.toUpperCase()} key, which ${algorithm} does not verify with: set ${prefix}algorithm (${Object.entries(KEY_TYPES).map(([name, types]) => `${name} for ${types.join('/')}`).join(', ')})`);
  }
  // jose refuses an RSA key under 2048 bits at each token (no code: said "unverifiable"), so every token was 401 (tFU F14).
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (algorithm === 'RS256' && bits !== undefined && bits < 2048) {
    throw new TypeError(`${call}: ${prefix}publicKey is an RSA key of ${bits} bits, and RS256 verifies with keys of at least 2048 bits: every token would be refused; sign with a key of 2048 bits or more`);
  }
  if (algorithm === 'ES256' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError(`${call}: ${prefix}publicKey must be a P-256 key for ES256, got the curve ${String(key.asymmetricKeyDetails?.namedCurve)}`);
  }
  return key;
}

/** Longest user id accepted from a token, in characters; a longer one is refused with 401. */
export const MAX_USER_ID_LENGTH = 256;

/**
 * What keeps `userId` from being a user id, as a phrase to follow its name (`is not a non-empty
 * string`, `is longer than 256 characters`, `holds half a UTF-16 surrogate pair alone`), or
 * undefined when it is one: a non-empty string of at most {@link MAX_USER_ID_LENGTH} characters
 * (code points) with no half of a UTF-16 surrogate pair alone. The one check of a user id, in
 * one wording: every principal is held to it, from a JWT (`invalid token (sub is not a non-empty
 * string)`) or an `authenticate` hook, and so is every user `publish` and `startDemoProducer`
 * are given (`publish: userId is not a non-empty string, got 5`), so that nothing is published
 * to a user no token names. Half a surrogate pair is refused as UTF-8 (Redis keys) cannot carry
 * it, so `"\ud800"` and `"\ufffd"` would share one stream.
 */
export function userIdProblem(userId: unknown): string | undefined {
  if (typeof userId !== 'string' || userId === '') return 'is not a non-empty string';
  // Characters (code points), as the message says: 129 emoji were "longer than 256 characters" (a hostile tester).
  if (userId.length > MAX_USER_ID_LENGTH && [...userId].length > MAX_USER_ID_LENGTH) return `is longer than ${MAX_USER_ID_LENGTH} characters`;
  return hasLoneSurrogate(userId) ? 'holds half a UTF-16 surrogate pair alone' : undefined;
}

/** The largest `clockToleranceSec`: five minutes. */
const MAX_CLOCK_TOLERANCE_SEC = 300;

/**
 * A value found where an algorithm (or a list of them) goes, as an error shows it: a JOSE algorithm's name (`HS512`,
 * `RS256`) as it is, any other string by its length ({@link shownFound}): `algorithm: process.env.JWT_SECRET` printed
 * the secret whole (tEG F4).
 */
const shownAlgorithm = (value: unknown): string => shownFound(value, typeof value === 'string' && /^(?:[A-Z]{2}\d{3}K?|EdDSA|Ed25519|Ed448|none)$/i.test(value));

/** The options of {@link JWT_OPTION_TYPES} that take a string (as it is, or as an item): a wrong value of theirs is shown, any other option's string by its length. */
const JWT_STRING_OPTIONS: ReadonlySet<string> = new Set(['jwksUrl', 'issuer', 'audience', 'userIdClaim', 'adminClaim', 'adminValue']);

/** Where {@link checkJwtOptions} looks: each option of {@link JwtOptions} but the key, and what it must be. */
const JWT_OPTION_TYPES: [keyof JwtOptions, string, (value: unknown) => boolean][] = [
  ['jwksUrl', 'a URL (string or URL)', (v) => typeof v === 'string' || v instanceof URL],
  ['jwksAlgorithms', `a non-empty array of ${Object.keys(KEY_TYPES).join(', ')}`, (v) => Array.isArray(v) && v.length > 0 && v.every((a) => Object.hasOwn(KEY_TYPES, a as string))],
  ['issuer', 'a string or an array of strings', (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))],
  // An empty one refused every token (jose compares `aud` with it): `audience: process.env.AUD ?? ''`.
  ['audience', 'a non-empty string, a non-empty array of them, or null (any audience)', (v) => v === null || (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s !== ''))],
  // At most 300 s, the skew clocks are usually allowed (Kerberos's default): `5000`, meant as
  // milliseconds, let expired tokens connect for 83 minutes (a fresh user).
  ['clockToleranceSec', `a number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SEC} (in seconds, not milliseconds)`, (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_CLOCK_TOLERANCE_SEC],
  ['allowTokensWithoutExp', 'true or false', (v) => typeof v === 'boolean'],
  ['userIdClaim', 'a claim name', (v) => typeof v === 'string' && v !== ''],
  ['adminClaim', 'a claim name', (v) => typeof v === 'string' && v !== ''],
  ['adminValue', 'a string, a number or a boolean', (v) => ['string', 'number', 'boolean'].includes(typeof v)],
];

/** Every option of {@link JwtOptions}: the type checker refuses a list that misses one (server.ts). */
export const JWT_OPTIONS = ['secret', 'publicKey', 'algorithm', 'jwksUrl', 'jwksAlgorithms', 'issuer', 'audience', 'clockToleranceSec', 'allowTokensWithoutExp', 'userIdClaim', 'adminClaim', 'adminValue'] as const;

/**
 * How a verifier's option errors name the call and its options: `createJwtVerifier:
 * clockToleranceSec …` called directly, `createRealtimeServer: jwt.clockToleranceSec …` through
 * the server's `jwt`. Both said `jwt: …`, an option a direct caller never wrote, where every other
 * option of the server said `createRealtimeServer: <option>` (tAP F4).
 */
export interface VerifierNaming {
  call: 'createJwtVerifier' | 'createRealtimeServer';
  /** Before each option's name: `jwt.` through the server. */
  prefix: '' | 'jwt.';
}
const DIRECT: VerifierNaming = { call: 'createJwtVerifier', prefix: '' };

/**
 * The type of every option of {@link JwtOptions}: a wrong one was accepted and then refused
 * every token with 401, nothing saying why (`secret: 42`, `issuer: 42`), or crashed far from
 * its cause (`secret: null`: `Cannot read properties of null`).
 */
function checkJwtOptions(options: JwtOptions, { call, prefix }: VerifierNaming): void {
  // A string is not shown: it is most likely the secret itself (`jwt: process.env.JWT_SECRET`: printed whole, tDT F3).
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${call}: ${prefix ? 'jwt' : 'options'} must be an object ({ secret }, { publicKey, algorithm } or { jwksUrl }), got ${typeof options === 'string' ? `a string of ${(options as string).length} characters (not shown: it may be the secret; pass { secret: … })` : preview(options)}`);
  // A misspelt `audience` or `issuer` left that claim unchecked (a fresh user): createRealtimeServer
  // refuses it as `jwt.audiance` before it gets here.
  optionChecks(call).known(options, JWT_OPTIONS, prefix);
  for (const [name, expected, ok] of JWT_OPTION_TYPES) {
    const value = options[name];
    // A number out of its range is a RangeError, as every other option's is (`clockToleranceSec: -1`).
    if (value === undefined || ok(value)) continue;
    // Which item of an array (`audience: ['app', '']`): "an array of 2 items" said not which (a fresh tester).
    const items: readonly unknown[] | undefined = Array.isArray(value) ? value : undefined;
    const item = items ? items.findIndex((one) => !ok([one])) : -1;
    // A string where the option takes none (`clockToleranceSec: process.env.JWT_SECRET`) by its length only: it printed the secret (tEG F4).
    const shown = (found: unknown): string => (name === 'jwksAlgorithms' ? shownAlgorithm(found) : shownFound(found, JWT_STRING_OPTIONS.has(name)));
    throw new (name === 'clockToleranceSec' && typeof value === 'number' ? RangeError : TypeError)(`${call}: ${prefix}${name} must be ${expected}, got ${shown(value)}${item === -1 ? '' : `: ${prefix}${name}[${item}] is ${shown(items![item])}`}`);
  }
  const jwksProblem = options.jwksUrl === undefined ? undefined : jwksUrlProblem(options.jwksUrl);
  // Its user info redacted: a password in the URL is not printed, even a wrong one.
  // With an `@` in it, a complaint that quotes a piece of the text may quote the password's (`a port of digits …, got "pa"`): not said (tAW F1).
  if (jwksProblem !== undefined) {
    const text = String(options.jwksUrl);
    // A word with no scheme that reads as a secret (`jwksUrl: process.env.JWT_SECRET`, the variables mixed up) by its length (tEG F4).
    const shown = !/^[a-z][a-z0-9+.-]*:/i.test(text) && secretWhereAddressGoes(text) ? shownFound(text, false) : preview(withUserInfoShownRedacted(redactUrl(text)));
    throw new TypeError(`${call}: ${prefix}jwksUrl must be an http(s) URL (https://idp.example/.well-known/jwks.json), got ${shown}: ${String(options.jwksUrl).includes('@') && jwksProblem.includes('"') ? USER_INFO_PROBLEM : jwksProblem}`);
  }
}

/**
 * Why `jwksUrl` can never be fetched, or undefined. Each was taken, and every upgrade and poll
 * was then 503 for ever, logged as a fault of the key set (`ERR_JWKS_INVALID` for user info,
 * which fetch refuses) or as `fetch failed` (`ftp:`, `file:`); one that is no URL threw Node's
 * bare `Invalid URL`, naming no option (a fresh tester). Plain `http:` stays accepted (an
 * identity provider on the same host or network).
 */
function jwksUrlProblem(value: string | URL): string | undefined {
  const text = String(value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // `http://::1:8080/jwks`: an IPv6 address without its brackets.
    const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#]*)/i.exec(text)?.[1];
    if (host !== undefined && !host.includes('[') && host.split(':').length > 2) return 'not a URL: an IPv6 address is written in brackets (http://[::1]:8080/jwks.json)';
    return authorityFault(text) ?? 'not an absolute URL (https://… or http://…)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `its scheme is ${url.protocol}, and a key set is fetched over https: or http: only`;
  if (url.username !== '' || url.password !== '') return USER_INFO_PROBLEM;
  return undefined;
}

/**
 * What the authority of `text`, an absolute URL `new URL` refused, shows wrong: a port out of
 * range or not digits, a zone id in an IPv6 host, or a space in the host; undefined for any other.
 * Each was said to be "not an absolute URL", which it is (a fresh tester). Only what follows the
 * last `@` before the path is read and shown: user info is never.
 */
function authorityFault(text: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(text);
  if (!authority) return undefined;
  const [, host, port] = authority as unknown as [string, string, string | undefined];
  const shown = (part: string) => JSON.stringify(part.length > 60 ? `${part.slice(0, 60)}…` : part);
  // `http://[::1:8080/jwks`: with no `]`, the address and what follows it were read as the port, said to be "not shown"
  // beside a URL that showed it (tGF F6); said as what it is, the URL shown with what is no address `[redacted]`.
  if (host.startsWith('[') && !host.endsWith(']')) return 'not a URL: the "[" before its IPv6 address is not closed by "]" (http://[::1]:8080/jwks)';
  const zone = host.startsWith('[') ? host.indexOf('%') : -1;
  if (zone >= 0) return `not a URL: the host ${shown(host)} names a zone (${shown(host.slice(zone, -1))}), which a URL cannot hold: give an address without one`;
  if (/\s/.test(host)) return `not a URL: the host ${shown(host)} holds a space`;
  // Not shown: it may be a password whose `@host` is missing (tDT F4), as `serve --redis` says it.
  if (port !== undefined && port !== '' && !/^\d+$/.test(port)) return 'not a URL: expected a port of digits after the host, got other characters (not shown: it may be a password whose @host is missing)';
  if (port !== undefined && port !== '' && Number(port) > 65535) return `not a URL: the port ${port.length > 20 ? `${port.slice(0, 20)}…` : port} is out of range (0–65535)`;
  if (host === '') return 'not a URL: no host after "//"';
  return undefined;
}

/** `Retry-After`, in seconds, of the 503 answered while the JWKS cannot be fetched. */
const JWKS_RETRY_AFTER_SEC = 5;

/**
 * The most of a JWKS document read, in bytes (as decoded, after any Content-Encoding): 256 KiB.
 * A real key set is a few KB (Google's, Azure AD's: under 20 KB, a few keys with certificates).
 */
export const JWKS_MAX_BYTES = 256 * 1024;

/** A JWKS document past {@link JWKS_MAX_BYTES}: its code, and its size in the message (no parentheses: the server's log reads the code up to one). */
function jwksTooLarge(size: string): Error {
  return Object.assign(new Error(`${size}, over the ${JWKS_MAX_BYTES} bytes this server reads of a JWKS`), { code: 'ERR_JWKS_TOO_LARGE' });
}

/**
 * jose's fetch of the JWKS (its `customFetch`), reading the body here, up to
 * {@link JWKS_MAX_BYTES}: jose reads it whole, and a 600 MB document took the process from 81 to
 * 694 MiB, kept after (a security review). Past it, or with a larger Content-Length, an error
 * coded ERR_JWKS_TOO_LARGE. Read under jose's signal, a body that trickles past its 5 s ends as
 * its timeout (the signal's TimeoutError, which jose reads as ERR_JWKS_TIMEOUT), not as a
 * document that is no key set. An answer other than 200 is passed on without its body, which
 * jose never reads.
 */
async function fetchJwksCapped(url: string, init: { headers: Headers; method: 'GET'; redirect: 'manual'; signal: AbortSignal }): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    return new Response(null, { status: response.status });
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > JWKS_MAX_BYTES) {
    await response.body.cancel().catch(() => undefined);
    throw jwksTooLarge(`Content-Length ${declared} bytes`);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > JWKS_MAX_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw jwksTooLarge(`more than ${JWKS_MAX_BYTES} bytes read`);
      }
      chunks.push(value);
    }
  } catch (error) {
    // The body aborted by jose's timeout: its TimeoutError, whatever fetch made of it.
    if (init.signal.aborted) throw init.signal.reason;
    throw error;
  }
  return new Response(Buffer.concat(chunks), { status: 200 });
}

/**
 * What kept jose from fetching the JWKS (its error code, or a network error's), or undefined
 * when `error` is a fault of the token (no key in the fetched set matches, several do). jose
 * fetches in its key function: a timeout is ERR_JWKS_TIMEOUT, a document that is not a key set
 * ERR_JWKS_INVALID, an answer other than 200 or not JSON a bare JOSEError (ERR_JOSE_GENERIC), and
 * a failed fetch (refused, reset, DNS) fetch's own TypeError, whose cause holds the code.
 * Anything else (a key of the set that does not import) stays the token's 401.
 */
function jwksUnavailable(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  // A member of a fetched set that is no public key (a provider that published a private one):
  // jose says so with the code of a set that is not one, when it imports the token's key. The set
  // was fetched: a fault of the set, not an outage (it opened the 5 s window and alternated 503
  // and 401 for one token: a hostile tester). See {@link unusableKey}.
  if (unusableKey(error)) return undefined;
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID' || code === 'ERR_JOSE_GENERIC') return code;
  // Its size said: a document cut at the cap is not "not a key set".
  if (code === 'ERR_JWKS_TOO_LARGE') return `${code}: ${(error as Error).message}`;
  // fetch's network failure: `TypeError: fetch failed`, with the reason as its cause.
  if (error instanceof TypeError && error.cause !== undefined) {
    const cause = (error.cause as { code?: unknown } | null)?.code;
    return typeof cause === 'string' ? cause : 'fetch failed';
  }
  return undefined;
}

/** Whether `error` is jose's refusal of a set's member that is no public key (at import, per token): the same code as a fetched document that is no key set, which is an outage. */
function unusableKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_JWKS_INVALID' && /members must be public keys/.test(String((error as Error).message));
}

/** jose's words for a fault of the token in the key lookup: no key of the set matches its header, several do, or its `alg` is none a key set may hold. Anything else from the lookup that is no failed fetch is a member of the set that cannot be imported (a private key, one malformed or off its curve): the set's fault. */
const TOKEN_LOOKUP_FAULTS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);
const tokenLookupFault = (error: unknown): boolean => TOKEN_LOOKUP_FAULTS.has(String((error as { code?: unknown } | null)?.code));

/** Seconds since the epoch of the year 5138: an `iat`, `exp` or `nbf` past it was written in milliseconds. */
const MAX_SECONDS = 1e11;

/** The hint said of a JWT time claim past {@link MAX_SECONDS} (`Date.now()` given where seconds are meant), else `''`. */
const inMilliseconds = (value: unknown): string => (typeof value === 'number' && value > MAX_SECONDS ? ': in milliseconds? JWT times are seconds' : '');

/**
 * What jose refused in a token, for a log: its code (ERR_JWT_EXPIRED, …) and what it means, the
 * claim named (jose's own message for a missing `exp` was the bare code), the `alg` refused
 * named beside those allowed. Never the token: a header's `alg` is shown quoted, cut to 40
 * characters, any JWT in it redacted.
 */
function joseFault(error: unknown, token: string, algorithms: readonly string[]): string {
  const { code, claim, reason, message, payload } = (error ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown; message?: unknown; payload?: { nbf?: unknown } };
  if (typeof code !== 'string') return 'unverifiable';
  if ((code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || code === 'ERR_JWT_EXPIRED') && typeof claim === 'string') {
    const what =
      reason === 'missing' ? `${claim} missing`
      : reason === 'invalid' ? `${claim} is not a number`
      : claim === 'exp' ? 'exp in the past'
      : claim === 'nbf' ? `nbf in the future (not valid yet)${inMilliseconds(payload?.nbf)}`
      : claim === 'iss' || claim === 'aud' ? `${claim} is not the ${claim === 'iss' ? 'issuer' : 'audience'} expected`
      : `${claim} refused`;
    return `${code}: ${redactJwts(what).slice(0, 80)}`;
  }
  if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      alg = undefined;
    }
    // Cut with its closing quote kept: an alg of 39 characters or more lost it, and a `"` of its own then read as the end (tER F1).
    const shown = redactJwts(JSON.stringify(alg) ?? 'undefined');
    return `${code}: alg ${shown.length <= 40 ? shown : `${shown.slice(0, 38)}…${shown.startsWith('"') ? '"' : ''}`} not allowed, only ${algorithms.join(', ')}`;
  }
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return `${code}: the signature does not verify (signed with another secret or key?)`;
  return typeof message === 'string' && message !== '' ? `${code}: ${redactJwts(message).slice(0, JOSE_MESSAGE_SHOWN)}` : code;
}

/** How many characters of jose's own message a token refusal's detail shows (`<code>: <message>`). */
export const JOSE_MESSAGE_SHOWN = 120;

/** What is wrong with a jwksUrl that holds user info (or an `@` the parser may not read as such). */
const USER_INFO_PROBLEM = 'it holds user info (user:password@), which fetch refuses: give the URL without it';

/** A JWS in compact serialization: three parts of base64url without padding, the last (the signature) not empty; each part must also be canonical (checked apart). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * What makes `token` no compact JWS (RFC 7515 7.1: three base64url parts, unpadded, joined by
 * dots), said without any of its text, for the refusal's log line: jose's bare `ERR_JWS_INVALID`
 * told nothing of the usual slips, a header's `Bearer ` pasted into `?token=`, the quotes of `jq`
 * without `-r`, the line break of `$(cat token.txt)` (tBT F13).
 */
export function malformedJws(token: string): string {
  const why = /^bearer\s/i.test(token)
    ? 'it starts with "Bearer ": give the token alone in ?token=, or the whole "Bearer <token>" as the Authorization header'
    : /^["'].*["']$/s.test(token)
      ? 'it is in quotes (jq without -r?): give the token alone'
      : /[\r\n]\s*$/.test(token)
        ? 'it ends in a line break (read from a file written with echo?): trim it'
        : /\s/.test(token)
          ? 'it holds whitespace'
          : token.split('.').length !== 3
            ? token.includes('.') ? `it has ${token.split('.').length} dot-separated parts, not 3` : 'it has no dots (a compact JWS is three parts joined by dots: a session id or an opaque token?)'
            : /[^A-Za-z0-9_.-]/.test(token)
              ? `it holds a character outside base64url (${/=/.test(token) ? '"=" padding' : `at position ${token.search(/[^A-Za-z0-9_.-]/)}`})`
              : token.split('.').some((part) => part === '')
                ? 'one of its parts is empty'
                : 'a part is not canonical base64url (unused bits set)';
  return `not a compact JWS: ${why}`;
}

/**
 * Builds the verifier of {@link JwtOptions}: `(token) => Promise<Principal>`, which never throws:
 * its promise rejects with {@link AuthError} 401 on any fault of the token: a token not in compact
 * form (base64url without padding), a value that is not a string (`undefined` from an absent
 * header included), a bad signature or claim, `iat` later than now + `clockToleranceSec`, `exp` missing (unless `allowTokensWithoutExp`), or a
 * user id claim that is not a non-empty string of at most {@link MAX_USER_ID_LENGTH} (256) characters,
 * or that holds half a UTF-16 surrogate pair alone (UTF-8 cannot carry it).
 * `exp`, `nbf` or `iat` that is not a finite number (`1e400` reads as Infinity) is refused too,
 * and one past the year 5138 (1e11 s: written in milliseconds) with the hint `in milliseconds? JWT
 * times are seconds` (`exp too far in the future: …`, `nbf in the future (not valid yet): …`).
 * `expiresAt` is `exp` + `clockToleranceSec`, in ms. The reason says why, never with the token:
 * `invalid token (<jose's code>: <what>)`, the claim named (`ERR_JWT_CLAIM_VALIDATION_FAILED: exp
 * missing`, `ERR_JWT_EXPIRED: exp in the past`), an `alg` refused beside those allowed
 * (`ERR_JOSE_ALG_NOT_ALLOWED: alg "HS512" not allowed, only HS256`), or this verifier's own
 * (`invalid token (iat in the future)`, `invalid token (sub is not a non-empty string)`).
 * With `jwksUrl`, a JWKS that cannot be fetched (jose's timeout of 5 s, for the whole document,
 * a status other than 200, a body that is not JSON or not a key set, a document over
 * {@link JWKS_MAX_BYTES}, a network error) is {@link AuthError} 503 instead, its reason
 * `jwks-unavailable (<code>)` (jose's code, `ERR_JWKS_TOO_LARGE: <its size>`, or the network error's), with
 * `retryAfterSec` 5: the token may be good. A failed fetch is not tried again for 5 s: meanwhile a
 * token whose key the cached set holds (fetched within jose's 10 minutes) is checked against it,
 * any other is that 503 at once. So is a `kid` the set lacks while it was fetched less
 * than 5 s ago (jose fetches it again for an unknown `kid` at most every 5 s: a key published
 * since, a rotation); one the set lacks once fetched again is 401. A member of the set that
 * cannot be imported for the token (a private key, a malformed one) is 503 `ERR_JWKS_INVALID`
 * each time, no failed fetch: the set may be mended.
 *
 * @throws TypeError, at once, naming the option, when the options are not one of `secret` (a
 *   string, well-formed UTF-16, or Uint8Array of at least 32 bytes), `publicKey` (+ `algorithm`) or `jwksUrl`, any
 *   option is of the wrong type (never the key material), one is unknown (`audiance`: "did
 *   you mean "audience"?"), `algorithm` is given without `publicKey` (with `secret` the
 *   algorithm is HS256; with `jwksUrl`, `jwksAlgorithms` pins it) or is not RS256, ES256 or
 *   EdDSA, `jwksAlgorithms` is given without `jwksUrl`, `jwksUrl` is not an absolute http(s)
 *   URL without user info, or `audience` is left out beside `publicKey` or `jwksUrl` (`null`
 *   accepts any audience) or is empty; its message starts `createJwtVerifier: ` (through
 *   `createRealtimeServer`'s `jwt`, `createRealtimeServer: jwt.<option>`)
 * @throws RangeError, at once, for a `clockToleranceSec` number outside 0 to 300 (seconds: 5000,
 *   meant as milliseconds, included), NaN included
 */
export function createJwtVerifier(options: JwtOptions): (token: string) => Promise<Principal> {
  return jwtVerifier(options, DIRECT);
}

/** {@link createJwtVerifier}, its errors named as `naming` says (`createRealtimeServer: jwt.…` for the server's `jwt`). */
export function jwtVerifier(options: JwtOptions, naming: VerifierNaming): (token: string) => Promise<Principal> {
  const { call, prefix } = naming;
  checkJwtOptions(options, naming);
  const given = [options.secret !== undefined, options.publicKey !== undefined, options.jwksUrl !== undefined].filter(Boolean).length;
  if (given !== 1) {
    // `{ secret: process.env.JWT_SECRET }` with the variable unset: the key is named, not
    // "give exactly one", which sent a fresh user looking for a second key.
    const unset = given === 0 ? (['secret', 'publicKey', 'jwksUrl'] as const).filter((name) => Object.hasOwn(options, name)) : [];
    throw new TypeError(unset.length > 0
      ? `${call}: ${unset.map((name) => prefix + name).join(' and ')} ${unset.length === 1 ? 'is' : 'are'} undefined (an unset environment variable?): give exactly one of secret, publicKey or jwksUrl`
      : `${call}: give exactly one of ${prefix}secret, ${prefix}publicKey or ${prefix}jwksUrl, got ${given === 0 ? 'none' : (['secret', 'publicKey', 'jwksUrl'] as const).filter((name) => options[name] !== undefined).map((name) => prefix + name).join(' and ')}`);
  }
  // Each was read by one key's branch only, and ignored beside another, whatever its value or
  // type: `{ secret, algorithm: 'HS512' }` refused every HS512 token as a bare invalid-token, and
  // `{ jwksUrl, algorithm: 'ES256' }`, meant to pin ES256, accepted RS256 and EdDSA too (a fresh user).
  const keyName = options.secret !== undefined ? 'secret' : options.publicKey !== undefined ? 'publicKey' : 'jwksUrl';
  if (options.algorithm !== undefined && keyName !== 'publicKey') {
    throw new TypeError(`${call}: ${prefix}algorithm applies to publicKey only, got ${shownAlgorithm(options.algorithm)} beside ${keyName}: ${keyName === 'secret' ? 'with secret the algorithm is HS256 (leave algorithm out; sign HS256)' : `with jwksUrl, pin the algorithms with jwksAlgorithms (e.g. jwksAlgorithms: [${JSON.stringify(typeof options.algorithm === 'string' && Object.hasOwn(KEY_TYPES, options.algorithm) ? options.algorithm : 'ES256')}])`}`);
  }
  if (options.jwksAlgorithms !== undefined && keyName !== 'jwksUrl') {
    throw new TypeError(`${call}: ${prefix}jwksAlgorithms applies to jwksUrl only, got ${preview(options.jwksAlgorithms)} beside ${keyName}: ${keyName === 'secret' ? 'with secret the algorithm is HS256 (leave jwksAlgorithms out; sign HS256)' : `with publicKey, give its one algorithm as algorithm (${Object.keys(KEY_TYPES).join(', ')})`}`);
  }
  let key: Promise<Uint8Array | KeyObject | CryptoKey> | JWTVerifyGetKey;
  let algorithms: string[];
  if (options.secret !== undefined) {
    // `secret: 42` passed (42.byteLength < 32 is false) and every token then got 401.
    // Its type only (or its length in bytes, below), never its value: a secret is not printed, even a wrong one.
    if (typeof options.secret !== 'string' && !(options.secret instanceof Uint8Array)) throw new TypeError(`${call}: ${prefix}secret must be a string or a Uint8Array of at least 32 bytes, got ${options.secret === null ? 'null' : Array.isArray(options.secret) ? 'an array' : typeof options.secret === 'object' ? 'an object' : `a ${typeof options.secret}`}`);
    // Half a surrogate pair alone went in as the bytes of U+FFFD, unsaid: `'\ud800'.repeat(11)` was a 33-byte
    // key, and `'\udfff'.repeat(11)` signed tokens it took (tCA F8). Its place only, never the secret.
    if (typeof options.secret === 'string' && hasLoneSurrogate(options.secret)) throw new TypeError(`${call}: ${prefix}secret must be well-formed UTF-16 (it is UTF-8 encoded), got a string with half a surrogate pair alone at index ${options.secret.search(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/)} (give the key's bytes as a Uint8Array)`);
    // A copy: the caller's Uint8Array was kept and read at every verification, so wiping it after start (`secret.fill(0)`)
    // made the key 32 zero bytes (anyone signed admin tokens), and bytes changed after this check escaped it (tHA F9). The
    // check and the key see this same copy.
    const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : Uint8Array.from(options.secret);
    // A key's PEM or JWK where the shared secret goes (`secret: process.env.JWT_PUBLIC_KEY`, jsonwebtoken's `verify(token,
    // pem)` habit) was taken as the HMAC key: a public key is public, so anyone signed an admin token with it (tFU F11).
    const keyGiven = keyMaterialIn(secret);
    if (keyGiven !== undefined) throw new TypeError(`${call}: ${prefix}secret must be an HS256 shared secret, got ${keyGiven.phrase}: ${secretKeyAdvice(keyGiven, prefix)}`);
    if (secret.byteLength < 32) throw new TypeError(`${call}: ${prefix}secret must be at least 32 bytes (HS256), got ${secret.byteLength}`);
    key = Promise.resolve(secret);
    algorithms = ['HS256'];
  } else if (options.publicKey !== undefined) {
    // `algorithm: null` was RS256.
    const algorithm = options.algorithm === undefined ? 'RS256' : options.algorithm;
    key = Promise.resolve(publicKeyFor(options.publicKey, algorithm, naming));
    algorithms = [algorithm];
  } else {
    // jose fetches the set again for an unknown `kid` at most once per cooldown (30 s by default).
    const jwks = createRemoteJWKSet(new URL(String(options.jwksUrl)), { cooldownDuration: JWKS_RETRY_AFTER_SEC * 1000, [customFetch]: fetchJwksCapped });
    // A JWKS that cannot be fetched says nothing of the token: 401 made the client give up on
    // a token it will never be told is good (a hostile tester: a JWKS outage stopped every
    // dashboard for good). A key the fetched set does not hold stays a fault of the token,
    // unless the set was fetched within the cooldown: a key the provider published since (a
    // rotation) was refused for good, though the next fetch held it (a hostile tester). That is
    // 503 until jose may fetch again, then the set's verdict.
    //
    // A fetch that failed is not tried again for 5 s: jose tries again on every token it cannot
    // check from its cache, so during an outage each upgrade and poll of every client was one more
    // request to the identity provider (a failed fetch was not throttled). Meanwhile a token whose
    // key the fresh cache holds is still checked against it, and any other is 503 at once.
    // performance.now(): a wall clock set back would keep the window open that long.
    let failedAt = -Infinity;
    let failure = '';
    /** The cached set as a key function, built once per failed fetch (not per token). */
    let cachedKeys: JWTVerifyGetKey | undefined;
    key = async (header, token) => {
      if (performance.now() - failedAt < JWKS_RETRY_AFTER_SEC * 1000) {
        if (cachedKeys === undefined && jwks.fresh) {
          const cached = jwks.jwks();
          if (cached !== undefined) cachedKeys = createLocalJWKSet(cached);
        }
        if (cachedKeys === undefined || !jwks.fresh) throw new AuthError(503, `jwks-unavailable (${failure})`, JWKS_RETRY_AFTER_SEC);
        try {
          return await cachedKeys(header, token);
        } catch (error) {
          if ((error as { code?: unknown } | null)?.code === 'ERR_JWKS_NO_MATCHING_KEY') throw new AuthError(503, `jwks-unavailable (${failure})`, JWKS_RETRY_AFTER_SEC);
          if (tokenLookupFault(error)) throw error;
          throw new AuthError(503, 'jwks-unavailable (ERR_JWKS_INVALID)', JWKS_RETRY_AFTER_SEC);
        }
      }
      const cooling = jwks.coolingDown;
      try {
        return await jwks(header, token);
      } catch (error) {
        const fetchFailed = jwksUnavailable(error);
        if (fetchFailed !== undefined) [failedAt, failure, cachedKeys] = [performance.now(), fetchFailed, undefined];
        // A member that cannot be imported (a private key, one malformed: a reviewer): 503 each
        // time, as the set may be mended, never 401 (the client would give up) nor a failed fetch.
        const unavailable = fetchFailed ?? (cooling && (error as { code?: unknown } | null)?.code === 'ERR_JWKS_NO_MATCHING_KEY' ? 'ERR_JWKS_NO_MATCHING_KEY' : tokenLookupFault(error) ? undefined : 'ERR_JWKS_INVALID');
        if (unavailable !== undefined) throw new AuthError(503, `jwks-unavailable (${unavailable})`, JWKS_RETRY_AFTER_SEC);
        throw error;
      }
    };
    algorithms = options.jwksAlgorithms ?? ['RS256', 'ES256', 'EdDSA'];
  }
  // A key pair's public half is usually an identity provider's, shared by every application
  // it serves: `{ jwksUrl }` alone accepted a token it signed for another app (and that app's
  // `admin: true` made an admin here: a security review). The audience is stated, or `null`;
  // checked after the key, whose faults are named first.
  if (keyName !== 'secret' && options.audience === undefined) {
    throw new TypeError(`${call}: ${prefix}${keyName} needs ${prefix}audience, the aud of this application's tokens (audience: 'https://api.example.com', a client id): ${keyName === 'jwksUrl' ? "an identity provider's key set signs tokens for every application of the tenant" : "an identity provider's public key signs tokens for every application it serves"}, and without audience a token issued to any of them is accepted here, its admin claim an admin; audience: null accepts any audience, if that is truly meant`);
  }
  const userIdClaim = options.userIdClaim ?? 'sub';
  const adminClaim = options.adminClaim ?? 'admin';
  const adminValue = options.adminValue ?? true;
  const toleranceSec = options.clockToleranceSec ?? 5;
  const verifyOptions = {
    algorithms,
    clockTolerance: toleranceSec,
    ...(options.allowTokensWithoutExp === true ? {} : { requiredClaims: ['exp'] }),
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined && options.audience !== null ? { audience: options.audience } : {}),
  };
  return async (token) => {
    // What a hook passes for an absent header (`verify(req.headers.authorization?.slice(7))`) is
    // a token that is not one: an AuthError 401 as any other, not `token.split is not a function`.
    if (typeof token !== 'string') throw new AuthError(401, `invalid token (ERR_JWS_INVALID: not a compact JWS: ${token === undefined ? 'no token (undefined)' : `not a string (${token === null ? 'null' : Array.isArray(token) ? 'an array' : typeof token})`})`);
    // Base64url without padding only (RFC 7515 §2): jose also reads `<token>=`, which made one
    // token many strings, past a list of revoked tokens kept by their text (a hostile tester).
    // Canonical too: the unused bits of a part's last character are zero (a decoder ignores
    // them, and an HS256 signature had four spellings that verified: a reviewer).
    if (!COMPACT_JWS.test(token) || token.split('.').some((part) => Buffer.from(part, 'base64url').toString('base64url') !== part)) throw new AuthError(401, `invalid token (ERR_JWS_INVALID: ${malformedJws(token)})`);
    let payload: JWTPayload;
    try {
      payload =
        typeof key === 'function'
          ? (await jwtVerify(token, key, verifyOptions)).payload
          : (await jwtVerify(token, await key, verifyOptions)).payload;
    } catch (error) {
      if (error instanceof AuthError) throw error;
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, …) name the fault, not the token.
      throw new AuthError(401, `invalid token (${joseFault(error, token, algorithms)})`);
    }
    // `"exp": 1e400` is JSON for Infinity, which jose takes as a time: such a token never expired,
    // though `exp` is required (a hostile tester). A time claim must be a finite number.
    for (const claim of ['exp', 'nbf', 'iat'] as const) {
      const value = payload[claim];
      if (typeof value === 'number' && !Number.isFinite(value)) throw new AuthError(401, `invalid token (${claim} is not a finite number)`);
    }
    // Issued later than now (beyond the tolerance): a clock off, or a token made for later. jose
    // checks `iat` only against a maximum age; PyJWT and others refuse it, and so does this.
    // One of milliseconds (`iat: Date.now()`) is past the year 5000: said so.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + toleranceSec) throw new AuthError(401, `invalid token (iat in the future${inMilliseconds(payload.iat)})`);
    // An `exp` of milliseconds (`exp: Date.now() + 3600_000`, meant as an hour) lies past the year
    // 5000: such a token never expired, with `exp` required (tAO). Refused as such an `iat` is.
    // (An `nbf` of milliseconds is one jose refuses as not valid yet: its reason says so too.)
    if (inMilliseconds(payload.exp)) throw new AuthError(401, `invalid token (exp too far in the future${inMilliseconds(payload.exp)})`);
    const userId = payload[userIdClaim];
    const problem = userIdProblem(userId);
    if (problem !== undefined) throw new AuthError(401, `invalid token (${userIdClaim} ${problem})`);
    const claim = payload[adminClaim];
    const admin = Array.isArray(claim) ? claim.includes(adminValue) : claim === adminValue;
    return { userId: userId as string, admin, ...(typeof payload.exp === 'number' ? { expiresAt: (payload.exp + toleranceSec) * 1000 } : {}) };
  };
}
