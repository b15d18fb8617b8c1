import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createConnection, isIP } from 'node:net';
import { inspect } from 'node:util';
import { domainToASCII } from 'node:url';
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import type { MessageType } from '../../../generated/types.js';
import { compareRedisCursors, formatRedisCursor, parseEntryId, parseRedisCursor, type EntryId } from './cursor.js';
import { ACL_SCRIPT, APPEND_SCRIPT, BEAT_SCRIPT, READ_SCRIPT, ROTATE_SCRIPT } from './scripts.js';
import { errorSummary, isError, type Logger } from '../core.js';
import { containedLogger } from '../contained-logger.js';
import { preview } from '../../runtime/errors.js';
import { hasMethods, MAX_TIMER_MS, optionChecks, shownFound } from '../../shared/options.js';
import { holdsJwt, isSecretName, leniently, passwordHoldingAt, readsAsHostAfterUserInfo, readsAsHostAndPort, REDACTED, secretWhereAddressGoes, withUserInfoShownRedacted } from '../../shared/secrets.js';
import { isAllDigitEpochCursor, pageLength, parseCursor as parseAnyCursor, type ReadResult, type StreamEntry, type StreamStore, type StreamViewer } from '../stream-store.js';

/** Where the store reports connection loss, recovery and gaps: the server's pino-compatible
 *  logger (structured object with an `event` first, then a message). */
export type StoreLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Why a node could not keep its live stream continuous (see {@link RedisStreamStore.onGap}). */
export interface StreamGap {
  /** `epoch`: Redis lost its data (restarted empty) or its latest writes (restored from an older
   *  snapshot: a node started a new epoch); `trimmed`: the entries this node missed while its
   *  subscription was down are no longer kept. */
  reason: 'epoch' | 'trimmed';
  /** Human-readable detail for logs. */
  detail: string;
}

/** Options of {@link createRedisStreamStore}. Every node of one deployment gives the same
 *  `keyPrefix`, `maxMessages`, `maxAllMessages` and `maxAgeMs` (the appending node trims).
 *  An option given as `undefined` takes its default, as one left out does. */
export interface RedisStreamStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). Either this or `client`. `db`
   *  is a number (default 0); one Redis refuses (above its `databases` setting) fails the start. */
  url?: string | undefined;
  /** An ioredis client to send commands on; the store duplicates it for its subscription and
   *  does not quit it on close(). Logs, status() and errors name its server by the URL its
   *  options reach (`rediss://` with `tls`, an IPv6 host in brackets, or its socket path). */
  client?: Redis | undefined;
  /** Prefix of every key and of the channel; nodes of one deployment share it. Default `rc`.
   *  Deployments on different databases of one Redis may share it too: the channel's name carries the database (`<keyPrefix>:fanout:db<N>` on database N ≠ 0). */
  keyPrefix?: string | undefined;
  /** Entries kept per user stream and in the global stream (count bound). Default 1000. MemoryStreamStore's `maxEntriesPerStream`. */
  maxMessages?: number | undefined;
  /** Entries kept in the all-stream: admin replay and a node's catch-up after a lost
   *  subscription. Default 100 000. MemoryStreamStore's `maxEntries`. */
  maxAllMessages?: number | undefined;
  /** Age bound of every stream in milliseconds (0: none, as in MemoryStreamStore): older entries are trimmed, and a user
   *  stream without entries for this long expires. A cursor older than this reads as `gap` when
   *  the user's stream may have lost entries after it (expired, or re-created since).
   *  Default 600 000 (10 minutes). */
  maxAgeMs?: number | undefined;
  /** Connection loss, recovery and gaps go here (pino-compatible: info, warn and error), and ioredis's ready check skipped
   *  for an ACL user refused INFO (`redis-ready-check-skipped`, once: ioredis's own console warning is not printed on the
   *  connections the store makes). A method that throws, or returns a
   *  promise that rejects, loses its line, never the store or the process. Default: the console (info, warnings and errors). */
  logger?: StoreLogger | undefined;
  /** How long the first connection may take before start fails, in ms. Default 5000. */
  connectTimeoutMs?: number | undefined;
  /**
   * How long a command may wait for Redis's answer, in ms. Default 5000. A Redis that stops
   * answering without closing its sockets (a hung host, a paused process, one holding writes, a
   * network path gone silent, on either connection) is then treated as lost: the command or the
   * store's heartbeat rejects, status() turns unhealthy, and the connection is remade. An append
   * that timed out may still be stored (and delivered) if Redis runs it later, as when a
   * connection drops mid-call; its rejection says so. With `client`, that client's own
   * `commandTimeout` option applies to commands instead (the heartbeat waits this long at most).
   */
  commandTimeoutMs?: number | undefined;
  /**
   * Bytes of appends a node holds while they wait to be sent to Redis (behind the 4 MiB it has
   * sent and not had answered), at most: past it an append rejects at once, not stored, rather
   * than the queue growing without bound (1 MB messages published faster than Redis took them
   * held 1.5 GB and resolved 30 s late). Default 64 MiB.
   */
  maxQueuedBytes?: number | undefined;
}

/** A {@link StreamStore} on Redis, plus what the server needs to react to gaps. */
export interface RedisStreamStore extends StreamStore {
  /**
   * Called when this node's live stream lost entries it can neither deliver nor replay: Redis
   * restarted empty (new epoch) or was away longer than the all-stream keeps. Every socket of the
   * node is affected (the global stream reaches everyone): the server closes them with 4410
   * StreamGap, so clients reconnect with `since` and read `resume: "gap"`. Returns an
   * unsubscribe function.
   */
  onGap(listener: (gap: StreamGap) => void): () => void;
  /**
   * Called as `status().healthy` changes: false when Redis is counted as lost (the moment
   * `redis-lost` is logged and `status()`'s "unavailable since" begins), or reads are refused,
   * or the store is closed; true when it has recovered (`redis-recovered`). Never the same value
   * twice in a row; a listener that throws is logged (`listener-threw`). Returns an
   * unsubscribe function.
   */
  onHealth(listener: (healthy: boolean) => void): () => void;
  /** Orders two cursors of one epoch (negative: `a` first); throws RangeError otherwise. */
  compare(a: string, b: string): number;
  /** The keys and channel the store uses (for tests and operations). */
  readonly keys: RedisStreamStoreKeys;
}

/** The Redis keys and the pub/sub channel a {@link RedisStreamStore} uses (its `keys`): for tests and operations. */
export interface RedisStreamStoreKeys {
  epoch: string;
  /** `<epoch> <position>`: where the epoch a rotation started begins (written by the rotation's script). */
  epochStart: string;
  seq: string;
  head: string;
  global: string;
  all: string;
  /** `<prefix>:fanout` on database 0, `<prefix>:fanout:db<N>` on database N: Redis's pub/sub
   *  channels are shared by every database of a server, its keys are not. */
  channel: string;
  user(userId: string): string;
}

// What the scripts answer is checked before use (see NotRedisReply): unknown until then.
type AppendCommand = (...args: (string | number)[]) => Promise<unknown>;
type ReadCommand = (...args: (string | number)[]) => Promise<unknown>;
interface ScriptedRedis extends Redis {
  rcAppend: AppendCommand;
  rcRead: ReadCommand;
  rcRotate: (...args: string[]) => Promise<unknown>;
  rcBeat: (epochKey: string, seqKey: string, headKey: string) => Promise<unknown>;
  rcAcl: (...args: (string | number)[]) => Promise<unknown>;
}

/** How many refused streams (and reasons) an append-refused line names at most. */
const LOGGED_STREAMS = 20;

// Info too: without it `redis-recovered` (and the start) never showed, only the loss and the gap.
// One line each: `[redis-stream-store] redis stream store started { event: 'redis-store-started', url: …, epoch: … }`.
// Every level to stderr: stdout is the program's own (serve prints its URLs there), and an
// operator who kept only stderr saw Redis lost and never back (a fresh user).
const line = (object: object, message: string | undefined) => `[redis-stream-store] ${message ?? ''} ${inspect(object, { breakLength: Infinity, depth: 4 })}`;
const consoleLogger: StoreLogger = {
  info: (object, message) => console.error(line(object, message)),
  warn: (object, message) => console.warn(line(object, message)),
  error: (object, message) => console.error(line(object, message)),
};

/** Query parameters that may hold a credential: ioredis reads every one as an option (`?password=`, `sentinelPassword`, a TLS key). */
const CREDENTIAL_OPTION = /pass|secret|token|auth|user|key|cert/i;

/**
 * Whether a query parameter's name (decoded) says it may hold a credential: one of ioredis's ({@link CREDENTIAL_OPTION}), or
 * one the rule listen, a hook's error and `stats().store.detail` read names with says so ({@link isSecretName}: `pwd`, `sig`,
 * `otp`, `credential`, `session_id`, …, which were shown in serve's banner, the store's log lines and status(): tIO F3).
 */
const SECRET_PARAMETER = { test: (name: string): boolean => CREDENTIAL_OPTION.test(name) || isSecretName(leniently(name)) };

/**
 * `value`, a query parameter's value (decoded), with what follows a parameter written inside it `[redacted]` when that
 * one's name says it may hold a credential ({@link SECRET_PARAMETER}): `?db=1?password=secret`, a second `?` where a `&`
 * belongs, is read by ioredis as `db` holding `1?password=secret`, and was printed whole, in the store's logs, status()
 * and serve's banner (tER F5). Unchanged when it holds none.
 */
export function withNestedSecretRedacted(value: string): string {
  for (const match of value.matchAll(/[?#&;]([^=?#&;]*)=/g)) {
    if (SECRET_PARAMETER.test(match[1]!)) return `${value.slice(0, match.index + match[0].length)}${REDACTED}`;
  }
  return value;
}

/**
 * `text` with the arguments Redis quotes in its answer to an AUTH or HELLO it lacks `[redacted]`: `ERR unknown command 'auth',
 * with args beginning with: 'rcuser' 'Hunter2Secret' ` (a RESP server without AUTH, or one renamed away) quotes the
 * credentials, and was shown whole by `serve --redis`, the store's start error, its `status()` and `stats().store.detail`
 * (tHS F2). Each such quote's arguments to the last quote mark of its line (a password may hold one). Unchanged otherwise.
 */
export function withAuthArgumentsRedacted(text: string): string {
  return text.replace(/(unknown command ['`](?:auth|hello)['`],? with args beginning with:)([^\r\n]*)/gi, (whole, head: string, args: string) => {
    const last = Math.max(args.lastIndexOf("'"), args.lastIndexOf('`'));
    return last === -1 ? whole : `${head} ${REDACTED}${args.slice(last + 1).replace(/^,/, '')}`;
  });
}

/** `logger` with each string field of a line, and its message, as {@link withAuthArgumentsRedacted} shows it. */
function withAuthArgumentsLogged<L extends Pick<Logger, 'info' | 'warn' | 'error'>>(logger: L): L {
  const shown = (level: 'info' | 'warn' | 'error') => (object: object, message?: string) => {
    const fields = Object.fromEntries(Object.entries(object).map(([key, value]) => [key, typeof value === 'string' ? withAuthArgumentsRedacted(value) : value]));
    return message === undefined ? logger[level](fields) : logger[level](fields, withAuthArgumentsRedacted(message));
  };
  return { ...logger, info: shown('info'), warn: shown('warn'), error: shown('error') };
}

/**
 * A store's error (or any value thrown in its code or an app's listener of it) as the log and `stats().store.detail` show it:
 * {@link errorSummary}'s (its name, code and message, any JWT and the user info of any URL `[redacted]`), with each Redis URL in it
 * (`redis://`, `rediss://`, `valkey://`, `valkeys://`, to the next blank) shown as the Redis store shows one, without its
 * credentials ({@link redactRedisUrl}). A custom store's `status()` that threw `status of redis://app:<password>@cache-01`
 * had the password logged and in stats() (tGF F8). Any value, `null` and `undefined` too.
 */
export function storeErrorSummary(error: unknown): { name?: string; code?: string; message?: string } {
  const summary = errorSummary(error);
  // A URL inside quotes ends before the quote that closes them, with the marks after it (`'redis://h:6379',` as util.inspect
  // writes it, `got "status of redis://h:6379/0"` as preview does): taken into it, they were read as its port and
  // `[redacted]`, or URL-encoded (`%22`: tHM F5). One outside quotes (an odd count of that quote before it: none open) runs
  // to the next blank, as before.
  const shown = (text: string | undefined) =>
    (text === undefined ? undefined : withAuthArgumentsRedacted(text))?.replace(/\b(?:rediss?|valkeys?):\/\/\S*/gi, (url: string, at: number, whole: string) => {
      const closed = /(['"`])[,;)\]}]*$/.exec(url);
      const open = closed !== null && whole.slice(0, at).split(closed[1]!).length % 2 === 0;
      if (open) return redactRedisUrl(url.slice(0, closed.index)) + url.slice(closed.index);
      // A `:` ending it, before a blank, is the sentence's (`redis://cache: NOAUTH …`): read as an empty port, it was dropped (tIF F3).
      return /[^:]:$/.test(url) ? `${redactRedisUrl(url.slice(0, -1))}:` : redactRedisUrl(url);
    });
  return Object.fromEntries(Object.entries(summary).map(([key, text]) => [key, shown(text)]));
}

/**
 * What a `listener-threw` line says of what a listener of the store's (`subscribe`, `onGap`, `onHealth`: an app's audit
 * sink, the server's own) threw: its message as {@link storeErrorSummary} shows it. It was the message as it was: an
 * app's error quoting `postgres://audit:<password>@db` or a JWT was logged whole (tHG F3); and read as `(err as
 * Error).message`, a listener that threw `null` or `undefined` threw again out of the catch, into ioredis's data handler:
 * the process ended and the later listeners missed the entry (tHG F4).
 */
function listenerError(err: unknown): string {
  return storeErrorSummary(err).message ?? '';
}

/**
 * `redis://user:secret@host:6379/0` → `redis://host:6379/0`, and `?password=secret` →
 * `?password=[redacted]` (any parameter whose name says pass, secret, token, auth, user, key or
 * cert, or that reads as a secret's by the shared rule, `?pwd=`, `?sig=`, `?session_id=`: {@link SECRET_PARAMETER}; and what follows such a name written inside another's value, `?db=1?password=[redacted]`,
 * {@link withNestedSecretRedacted}), with every parameter after it (a password holding an unencoded
 * `&` runs on into them: `?password=Xk9m&P2qR=secret` is `?password=[redacted]`, tFA F8); a fragment, which ioredis never reads, is `#[redacted]`
 * whatever it holds (a password holding an unencoded `#`, `?password=Xk9m#P2qR…`, was shown
 * from its `#` on: tER F5): the form the store logs and throws, never with credentials. Read as ioredis reads it:
 * `user:secret@host:6379` and `//host` are `redis://` URLs, `/path/to.sock?password=…` a socket
 * path whose query is redacted too. Any other string gets the same treatment, whatever its
 * scheme or shape (`valkey://u:secret@host`, `redis:/u:secret@host`): everything from after its
 * scheme up to the `@` that ends its user info ({@link userInfoEnd}: the authority's last, or the last in a path or parameter
 * name after it) is taken for credentials and dropped, so a password holding `/`, `?` or `@` is never shown in part either,
 * while an `@` in a query value or fragment stays the value's (`?password=[redacted]`, `?name=app@prod`: tHS F4); a value
 * holding a URL with user info is `[redacted]`. One the URL parser refuses is shown by {@link unparsableShown}: its host and
 * port, or `redis://<unparsable url>` when its host holds a word that reads as a secret.
 */
export function redactRedisUrl(url: string): string {
  if (typeof url !== 'string') return `<${url === null ? 'null' : typeof url}, not a URL>`;
  // A bare word that reads as a password (`redactRedisUrl(process.env.REDIS_URL)` with the variables mixed up) was shown whole (tEG F2).
  const secretHost = authoritySecretHost(url);
  if (secretHost !== undefined) {
    const scheme = REDIS_URL_START.exec(url)?.[0];
    // A URL's (`redis://${REDIS_HOST}:6379` with the password in the variable: tFE F1): what follows the host is redacted as
    // a URL's own would be (`?password=`, a fragment), then shown after the host said by its length.
    const tail = url.slice(hostStart(url, scheme?.length ?? 0) + secretHost.length);
    const redacted = redactRedisUrl(`redis://h${tail}`);
    // Nothing of it when it holds an `@`: after a host that reads as a password, it reads as that password's rest
    // (`redis://Xk9mP2qL7vR4?x=1@127.0.0.1:6379`, tFP F8), though an `@` in a query value no longer moves the host (tHS F4).
    const shownTail = redacted.startsWith('redis://h') && !tail.includes('@') ? redacted.slice('redis://h'.length) : '';
    return secretHostShown(secretHost, shownTail).replace(/^redis:/, scheme !== undefined && /^rediss:/i.test(scheme) ? 'rediss:' : 'redis:');
  }
  // ioredis takes `?password=` as well as `user:pass@` (a hostile tester saw it printed in four places).
  // Written pair by pair: a URLSearchParams given the mark writes it `%5Bredacted%5D`.
  // A value holding another parameter's secret keeps what comes before it, its `?` and `=` as written, the rest encoded.
  // Nothing after the first secret is shown: a password holding an unencoded `&` (`?password=Xk9m&P2qRsecret`) runs on as
  // parameters of its own, shown as `&P2qRsecret=[redacted]` or `&P2qR=secret` whole (tFA F8), as one holding `#` did.
  const redactedQuery = (query: URLSearchParams) => {
    const shown: string[] = [];
    for (const [name, value] of query) {
      if (secretParameterName(name, value)) return [...shown, REDACTED].join('&');
      if (SECRET_PARAMETER.test(name) || secretQueryHost(name, value)) return [...shown, `${new URLSearchParams([[name, '']]).toString()}${REDACTED}`].join('&');
      const nested = withNestedSecretRedacted(value);
      if (nested !== value) return [...shown, `${new URLSearchParams([[name, '']]).toString()}${nested.slice(0, -REDACTED.length).replace(/[^\w.~:/?=-]/g, encodeURIComponent)}${REDACTED}`].join('&');
      if (secretWord(value) || urlWithUserInfo(value)) return [...shown, `${new URLSearchParams([[name, '']]).toString()}${REDACTED}`].join('&');
      shown.push(new URLSearchParams([[name, value]]).toString());
    }
    return shown.join('&');
  };
  const holdsSecret = (query: URLSearchParams) => [...query].some(([name, value]) => SECRET_PARAMETER.test(name) || secretQueryHost(name, value) || withNestedSecretRedacted(value) !== value || secretParameterName(name, value) || secretWord(value) || urlWithUserInfo(value));
  if (url.startsWith('/') && !url.startsWith('//')) {
    const at = url.indexOf('?');
    const path = at === -1 ? url : url.slice(0, at);
    // `/user:secret@host` is no socket anyone has, but a URL that lost its scheme: its userinfo goes.
    const userinfo = path.lastIndexOf('@');
    const shown = userinfo !== -1 && path.slice(0, userinfo).includes(':') ? `/${REDACTED}${path.slice(userinfo)}` : path;
    if (at === -1) return shown;
    return `${shown}?${redactedQuery(new URLSearchParams(url.slice(at + 1)))}`;
  }
  // The scheme and its slashes stay; up to the last `@` after them goes. Parsed as a URL alone, a
  // scheme but redis's kept its password: `valkey://u:secret@host` gave `redis://valkey//u:secret@host`
  // (a hostile tester), and `redis://u:1234/5678@host` a port and a path.
  const start = /^(?:[a-z][a-z0-9+.-]*:)?\/+/i.exec(url)?.[0] ?? '';
  const rest = url.slice(start.length);
  // Three slashes or more: no host, a socket path (`redis:///run/redis@main/redis.sock`), whose `@` is no user info's unless a
  // `user:password@` that lost its host (`redis:///u:pw@host`).
  const socketAt = rest.slice(0, /^[^?#]*/.exec(rest)![0].length).lastIndexOf('@');
  const userInfo = /\/{3,}$/.test(start) ? (socketAt !== -1 && rest.slice(0, socketAt).includes(':') ? socketAt : -1) : userInfoEnd(rest);
  const stripped = start + rest.slice(userInfo + 1);
  try {
    const redisForm = /^(?:rediss?:\/\/|\/\/)/i.test(start) || start === '';
    // Without a scheme, `default:secret@host` would parse as scheme `default:` and keep its password (a reviewer).
    const u = new URL(redisForm ? (/^rediss?:\/\//i.test(stripped) ? stripped : stripped.startsWith('//') ? `redis:${stripped}` : `redis://${stripped}`) : stripped);
    u.username = '';
    u.password = '';
    if (holdsSecret(u.searchParams)) u.search = redactedQuery(u.searchParams);
    // A path holding a JWT or a word that reads as a secret (`/Pa55w0rdXyz`) was shown, as it is not where the URL is unparsable (tGD F15).
    if (secretPath(u.pathname)) u.pathname = `/${REDACTED}`;
    // Whatever it holds: after `?password=`, the rest of a password holding an unencoded `#` (tER F5).
    const fragment = u.hash === '' && !u.href.endsWith('#') ? '' : `#${REDACTED}`;
    u.hash = '';
    // `redis://` (no host) stays itself: it was `redis:/`, no URL (tCC F3).
    return u.toString().replace(/#$/, '').replace(/([^/])\/$/, '$1') + fragment;
  } catch {
    return unparsableShown(stripped);
  }
}

/**
 * Whether a query value holds a URL with user info (`?next=postgres://app:<password>@db`, `?x=redis://:<password>@h`): read
 * from the user info as the value's own since an `@` there no longer moves the outer URL's (tHS F4), it is `[redacted]`.
 */
const urlWithUserInfo = (value: string): boolean => /\/\/[^]*@/.test(value);

/**
 * The index in `rest` (a URL after its scheme and slashes) of the `@` that ends its user info, -1 with none: the last `@` of
 * its authority (to the first `/`, `?` or `#`), as ioredis and the URL parser read it. An `@` in a query value or the fragment
 * is no user info's: it was read to the last `@` of the whole URL, so `?password=Hunt@er2Secret` was shown as the host
 * `redis://er2Secret`, and `?name=app@prod` as `redis://prod`, the real host lost (tHS F4); nor is one in the path after an
 * empty host (`redis:///run/redis@main/redis.sock`, `redis://:pw@/run/redis@main/redis.sock`). One in the path or a query
 * parameter's name after a host is a password's holding an unencoded `/` or `?` (`redis://u:1234/s3cret@host`,
 * `redis://:s3cret?pw@host`), as is one in a fragment right after the host (`redis://Xk9mP2q#L7vR4@host`): read to the last
 * of them, no part of the password is shown.
 */
/** A host name without a dot (`redis`, `cache01`, `pg-primary`). */
const BARE_HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

function userInfoEnd(rest: string): number {
  const authorityEnd = /^[^/?#]*/.exec(rest)![0].length;
  const authorityAt = rest.lastIndexOf('@', authorityEnd - 1);
  // A password holding `?` after an `@` of its own, or beginning with `?`, `/` or `#` after the user name's `:`
  // (`redis://:P@ss?w0rd=secret@host`, `redis://default:?Secr3t=pw@host`): read to the last `@` (that of the query, a host after
  // it), as the CLI's shownArgument reads it; the password's tail was shown as the host and query (tIO F7).
  const last = rest.lastIndexOf('@');
  const authority = rest.slice(0, authorityEnd);
  if (last > authorityEnd) {
    const tail = /^[^/?#]*/.exec(rest.slice(last + 1))![0];
    const afterColon = authorityAt === -1 && rest[authorityEnd] === '?' && /:$/.test(authority) && !readsAsHostAndPort(authority.slice(0, -1)) && /^[a-z0-9[]/i.test(tail);
    // A bare name after it is a host too (`@redis`, `@cache01`: a compose service's), as README's own example writes it (tIT F4).
    const afterAt = authorityAt !== -1 && rest[authorityEnd] === '?' && !readsAsHostAfterUserInfo(authority.slice(authorityAt + 1)) && (readsAsHostAfterUserInfo(tail) || BARE_HOST_NAME.test(tail));
    if (afterColon || afterAt) return last;
  }
  if (rest.slice(authorityAt + 1, authorityEnd) === '') return authorityAt;
  const hash = rest.indexOf('#', authorityEnd);
  const queryEnd = hash === -1 ? rest.length : hash;
  const question = rest.indexOf('?', authorityEnd);
  const pathEnd = question === -1 || question > queryEnd ? queryEnd : question;
  let at = authorityAt;
  const inPath = rest.lastIndexOf('@', pathEnd - 1);
  if (inPath >= authorityEnd) at = inPath;
  if (pathEnd < queryEnd) {
    let from = pathEnd + 1;
    for (const pair of rest.slice(from, queryEnd).split('&')) {
      const inName = pair.split('=')[0]!.lastIndexOf('@');
      if (inName !== -1) at = from + inName;
      from += pair.length + 1;
    }
  }
  // A `#` right after the host with an `@` after it is a password's (`redis://Xk9mP2q#L7vR4@host`): the host before it is its head.
  if (hash === authorityEnd && rest.lastIndexOf('@') > hash) at = rest.lastIndexOf('@');
  // So is one in a fragment after user info (in the authority, a path or a parameter's name): a password holding an `@`
  // (or `/`, `?`), then `/` or `?`, then `#` (`redis://alice:Wr0ng@Sekrit/Pw#y@host`, `redis://:W?r@Sekrit#Pw@host`), whose
  // middle was shown as the host (tIF F1). ioredis never reads a fragment: nothing real is lost.
  if (at !== -1 && hash !== -1 && rest.lastIndexOf('@') > hash && !readsAsHostAfterUserInfo(/^[^/?#]*/.exec(rest.slice(at + 1))![0])) at = rest.lastIndexOf('@');
  return at;
}

/**
 * A url the URL parser refuses (a missing `]`, a blank in the host, a zone: `redis://[::1:6379`, `redis://redis host:6379`,
 * `redis://[fe80::1%eth0]:6379`), its user info already dropped (`stripped`), as the store shows it: its scheme, host and
 * port, for the fault to be seen (tFU F12: `redis://<unparsable url>` alone named nothing); a port that is not digits
 * `[redacted]` (a password whose @host is missing), a path but a database number `/[redacted]`, a query `?[redacted]`
 * and a fragment `#[redacted]`. `redis://<unparsable url>` still when any part of the host reads as a secret.
 */
function unparsableShown(stripped: string): string {
  const [, start, authority, rest] = /^((?:[a-z][a-z0-9+.-]*:)?[/\\]*)([^/\\?#]*)([^]*)$/i.exec(stripped)!;
  const parts = authority!.split(/[:[\]%,;\s]+/);
  if (secretWhereAddressGoes(authority!.trim()) || parts.some((part) => part !== '' && !/^\d+$/.test(part) && secretWhereAddressGoes(part))) return 'redis://<unparsable url>';
  // A port after an IPv6 address's `]` that is not digits, which withUserInfoShownRedacted leaves (a host of several `:`).
  const shownAuthority = withUserInfoShownRedacted(`//${authority}`).slice(2).replace(/\]:([^\]]*)$/, (whole, port: string) => (/^\d*$/.test(port) ? whole : `]:${REDACTED}`));
  const [, path, query, fragment] = /^([^?#]*)(\?[^#]*)?(#[^]*)?$/.exec(rest!)!;
  return `${start}${shownAuthority}${/^(?:\/\d*)?$/.test(path!) ? path : `/${REDACTED}`}${query === undefined ? '' : `?${REDACTED}`}${fragment === undefined ? '' : `#${REDACTED}`}`;
}

/**
 * How the server of a given ioredis client is named in logs, `status()` and errors: as the URL
 * that reaches it, in the form `url` takes (never its credentials). It was `redis://host:port`
 * whatever the options: an IPv6 host without its brackets (`redis://::1:6379`, no URL, missed by
 * a search for `[::1]`: a fresh tester), a TLS client as `redis://`, and a socket path as
 * `redis://localhost:6379`, ioredis's default host.
 */
function clientRedisUrl(options: RedisOptions, database: number): string {
  if (typeof options.path === 'string' && options.path !== '') return database === 0 ? options.path : `${options.path}?db=${database}`;
  const host = String(options.host ?? 'localhost');
  // One that reads as a password (`new Redis(process.env.REDIS_PASSWORD)`, which ioredis takes for a host) by its length,
  // as the url form has it (tER F8: printed whole, here and in getaddrinfo's ENOTFOUND).
  if (clientSecretHost(options) !== undefined) return secretHostShown(host, `:${options.port ?? 6379}${database === 0 ? '' : `/${database}`}`).replace(/^redis:/, options.tls ? 'rediss:' : 'redis:');
  // A zone (`fe80::1%eth0`) is `%25` inside a URL's brackets.
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host.replace(/%/g, '%25')}]` : host;
  return `${options.tls ? 'rediss' : 'redis'}://${shown}:${options.port ?? 6379}${database === 0 ? '' : `/${database}`}`;
}

/**
 * Why ioredis would not read `url` as the address of a Redis server, or undefined. It takes any
 * string but `redis://`, `rediss://`, `//host` and `/socket/path` for `host[:port]`, with what
 * follows as a socket path: `valkey://u:pw@host` connected to the socket `//u:pw@host` and its
 * error showed the password (a hostile tester), as did `redis:/u:pw@host` (one slash).
 */
export function redisUrlProblem(url: string): string | undefined {
  // ioredis's "Invalid URL" (a leading blank) came without the function's name; a trailing one was "a port that is not a number".
  if (url.trim() !== url) return `a URL with blanks or a line break around it (${redactRedisUrl(url.trim())}): trim it`;
  // Quotes kept as part of the value (docker's --env-file, a .env reader that keeps them): it was read as host:port and a path,
  // shown with its `:` gone and a `%22` (tER F6).
  if (/^["']|["']$/.test(url)) {
    const inner = url.replace(/^["']|["']$/g, '');
    return `a URL in quotes (${inner === '' ? 'nothing between them' : redactRedisUrl(inner)}), the quotes part of the value (an env file read as it is keeps them): leave them out`;
  }
  const percent = lonePercentInPassword(url);
  if (percent !== undefined) return percent;
  // A host ended by a `#` with an `@` after it is a password holding `#` (`redis://Xk9mP2q#L7vR4@host`): ioredis dials its
  // part before the `#`, which getaddrinfo's ENOTFOUND printed, too short to read as a secret (tFP F8).
  if (/^(?:(?:rediss?:)?\/\/)?[^/?#]*#[^]*@/i.test(url)) {
    const unencoded = unencodedInPassword(url);
    if (unencoded !== undefined) return unencoded;
  }
  const atAfter = atAfterQueryOrFragment(url);
  if (atAfter !== undefined) return atAfter;
  const hostless = hostlessProblem(url);
  if (hostless !== undefined) return hostless;
  if (/^rediss?:\/\//i.test(url)) return portProblem(url);
  if (url.startsWith('/') && !url.startsWith('//')) {
    // ioredis's connect error names the path: a URL that lost its scheme would show its password.
    const path = url.split('?')[0]!;
    return /:[^/]*@/.test(path) ? `a socket path holding user:password@ (${redactRedisUrl(url)})` : undefined;
  }
  if (url.startsWith('//')) return portProblem(url);
  let pathname: string;
  try {
    pathname = new URL(`redis://${url}`).pathname;
  } catch {
    return portProblem(url); // else ioredis's own TypeError, redacted below
  }
  if (pathname === '' || pathname === '/') return undefined;
  const shown = redactRedisUrl(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return `a ${scheme}: URL without its two slashes (${shown})`;
  if (scheme !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return `a ${scheme}:// URL${shown.includes('<unparsable url>') ? '' : ` (${shown})`}`;
  return `host:port followed by a path, which ioredis reads as a socket path (${shown.replace(/^redis:\/\//, '')}); a database number goes in a redis:// URL`;
}

/** How a URL that ioredis reads as one begins: `redis://`, `rediss://` or `//`. */
const REDIS_URL_START = /^(?:rediss?:)?\/\//i;

/**
 * The host of `url`, as given, when it reads as a secret rather than a host ({@link secretWhereAddressGoes}: mixed case,
 * 32 or more hex digits, a character no host holds, a JWT), else undefined: `url: process.env.REDIS_PASSWORD` is dialled as
 * a host (tEC F1, tEG F2). The host of a bare one (no scheme: what follows any `user:password@`) or of a `redis://`,
 * `rediss://` or `//` URL (`redis://${REDIS_HOST}:6379` with the password in the variable was printed whole, in the URL
 * and getaddrinfo's ENOTFOUND: tFE F1); a socket path has none.
 */
function secretLookingHost(url: string): string | undefined {
  return authoritySecretHost(url) ?? queryHostSecret(url);
}

/**
 * Whether a query parameter `name`=`value` is a host that reads as a secret: ioredis dials the `host` of a URL's query
 * (`redis://?host=10.0.0.5&port=6380`, README), and one holding the password or a token (`redis://?host=${REDIS_HOST}`)
 * was printed by redactRedisUrl and getaddrinfo's ENOTFOUND, the query being redacted by the parameter's name only (tFU F7).
 */
/**
 * Whether a query's value or a path's part holds a JWT or reads as a secret ({@link secretWhereAddressGoes}): a parsable
 * URL's `?<jwt>`, `?x=Pa55w0rdXyz`, `/Pa55w0rdXyz` were shown, the same written unparsably `[redacted]` (tGD F15).
 */
function secretWord(text: string): boolean {
  return text !== '' && (holdsJwt(text) || secretWhereAddressGoes(text));
}

/** Whether a query parameter's name is itself the secret: a JWT, or one without a value that reads as a secret (`?Pa55w0rdXyz`). */
function secretParameterName(name: string, value: string): boolean {
  return holdsJwt(name) || (value === '' && secretWord(name));
}

/** Whether a URL's path holds a part that is a secret ({@link secretWord}). */
function secretPath(path: string): boolean {
  return path.split('/').some((part) => secretWord(part));
}

function secretQueryHost(name: string, value: string): boolean {
  return name.toLowerCase() === 'host' && value !== '' && secretWhereAddressGoes(value);
}

/** The `host` of `url`'s query that reads as a secret ({@link secretQueryHost}), as given, else undefined. */
function queryHostSecret(url: string): string | undefined {
  const query = /^[^?#]*\?([^#]*)/.exec(url)?.[1];
  if (query === undefined) return undefined;
  return [...new URLSearchParams(query)].find(([name, value]) => secretQueryHost(name, value))?.[1];
}

/** {@link secretLookingHost} of the authority alone: the host a `redis://` URL or a bare `host:port` names before its path or query. */
function authoritySecretHost(url: string): string | undefined {
  const scheme = REDIS_URL_START.exec(url)?.[0];
  if (scheme !== undefined) {
    // The host as written (the URL parser lower-cases it, which is how the mixed case of a password would be lost).
    const name = /^[^:/?#[\]]*/.exec(url.slice(hostStart(url, scheme.length)))![0];
    return name !== '' && secretWhereAddressGoes(name) ? name : undefined;
  }
  if (/^(?:[a-z][a-z0-9+.-]*:)?\//i.test(url)) return undefined;
  const host = /^[^/?#]*/.exec(url.slice(hostStart(url, 0)))![0];
  // Without its port: getaddrinfo's ENOTFOUND names the host alone, which the redaction looked for with `:6379` (tEP F2).
  const name = /^[^:]*:\d*$/.test(host) ? host.slice(0, host.lastIndexOf(':')) : host;
  // A password holding `@` (`P@ssw0rd123`, dialled as the host `ssw0rd123`): the host it names, said by its length (tIO F1).
  return name !== '' && (secretWhereAddressGoes(name) || passwordHoldingAt(url)) ? name : undefined;
}

/**
 * Where the host of `url` begins, its authority starting at `from`: after the last `@` before the first `/`, `?` or `#`, as
 * ioredis (url.parse) and the URL parser end the authority there. The last `@` of the whole url was taken, past a `?` or
 * `#` in a password (`redis://Xk9mP2qL7vR4?x=1@127.0.0.1:6379`): 127.0.0.1 was judged and shown while ioredis dialled the
 * password, and getaddrinfo's ENOTFOUND printed it (tFP F8).
 */
function hostStart(url: string, from: number): number {
  const end = url.slice(from).search(/[/?#]/);
  const at = url.slice(from, end === -1 ? undefined : from + end).lastIndexOf('@');
  return at === -1 ? from : from + at + 1;
}

/** The host of a client's options (no socket path) when it reads as a secret ({@link secretWhereAddressGoes}), else undefined. */
function clientSecretHost(options: RedisOptions): string | undefined {
  if (typeof options.path === 'string' && options.path !== '') return undefined;
  const host = String(options.host ?? 'localhost');
  return secretWhereAddressGoes(host) ? host : undefined;
}

/**
 * Every form in which an error may name a bare host that reads as a secret, longest first: the url, the host as written,
 * lower-cased, percent-encoded (the URL parser's opaque host: getaddrinfo's ENOTFOUND named `P%C3%A4ssw0rdXyz1` for
 * `Pässw0rdXyz1`, tFA F7) in either case, and its punycode.
 */
function secretHostForms(host: string, url?: string): string[] {
  const forms = [host, host.toLowerCase(), domainToASCII(host), url ?? ''];
  try {
    forms.push(new URL(`redis://${host}`).hostname);
  } catch {
    // not a URL's host: the other forms stand
  }
  for (const form of [...forms]) {
    forms.push(form.replace(/[^\x21-\x7e]/gu, (character) => (character.length === 1 && /[\ud800-\udfff]/.test(character) ? character : encodeURIComponent(character))));
    forms.push(form.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase()), form.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toLowerCase()));
  }
  for (const form of [...forms]) forms.push(form.toLowerCase());
  return [...new Set(forms)].filter((form) => form !== '').sort((a, b) => b.length - a.length);
}

/** How {@link redactRedisUrl} and the store name a bare host that reads as a secret: by its length, then its port as given. */
const secretHostShown = (host: string, port = ''): string => `redis://<a host of ${host.length} characters, not shown: is it the password? give redis://:password@host:port>${port}`;

/**
 * Why `url` names no host, or undefined: ioredis then takes its default, localhost:6379, so
 * `redis://${REDIS_HOST}` with the variable unset (`redis://`), `redis:///3`, `?db=1` or a port
 * alone (`6379`) started the store on whatever Redis listens there, silently (tCC F3). Parsed as
 * ioredis parses it; a socket path (`/…`) needs no host, nor does a URL whose query gives one
 * (`redis://?host=10.0.0.5&port=6380`, `redis://?path=/run/redis.sock`: ioredis reads them), and
 * a URL that does not parse is left to the other checks.
 */
function hostlessProblem(url: string): string | undefined {
  if (url.startsWith('/') && !url.startsWith('//')) return undefined;
  // ioredis's isInt: a number alone is a port.
  if (!Number.isNaN(Number(url)) && (Number.parseFloat(url) | 0) === Number.parseFloat(url)) {
    return `a port alone (${JSON.stringify(url.slice(0, 20))}), which ioredis reads as localhost:${url}: give host:port`;
  }
  let parsed: URL;
  try {
    parsed = new URL(/^rediss?:\/\//i.test(url) ? url : url.startsWith('//') ? `redis:${url}` : `redis://${url}`);
  } catch {
    return undefined;
  }
  if (parsed.hostname !== '') return undefined;
  // ioredis takes what the URL itself leaves out from its query (lodash's defaults over it):
  // `redis://?host=10.0.0.5&port=6380`, `redis://?path=/run/redis.sock` name their server there,
  // and were refused as naming none (tCD F3). An empty one (`?host=$REDIS_HOST`, unset) does not.
  if (parsed.searchParams.get('host') || parsed.searchParams.get('path')) return undefined;
  const unencoded = unencodedInPassword(url);
  if (unencoded !== undefined) return unencoded;
  return `a URL with no host (${redactRedisUrl(url)}), which ioredis reads as localhost:6379 (an unset variable, as in redis://$REDIS_HOST?)`;
}

/**
 * Why ioredis cannot read `url`'s user info, when its password holds a `%` not followed by two hex digits (`50%off`, a
 * generated one): ioredis decodes it and threw "URI malformed", said beside the URL with its password dropped, which read as
 * correct (tFE F12). The password is never shown. Undefined otherwise (a socket path's, or a `?password=`, which ioredis reads).
 */
function lonePercentInPassword(url: string): string | undefined {
  if (url.startsWith('/') && !url.startsWith('//')) return undefined;
  const rest = url.slice(/^(?:rediss?:)?\/\//i.exec(url)?.[0].length ?? 0);
  const at = rest.lastIndexOf('@');
  // An `@` after a `?` or `#` may be a query's (`?password=50%@x`): the unencoded-`#`/`?` check says the rest.
  if (at === -1 || /[?#]/.test(rest.slice(0, at)) || !/%(?![0-9a-f]{2})/i.test(rest.slice(0, at))) return undefined;
  return `user info whose password holds a "%" not written %25 (${redactRedisUrl(url)}): ioredis reads "%" as the start of an escape (%XX); write it %25`;
}

/**
 * Why `url` is refused when an `@` follows its first `?` or `#` where no query value or fragment holds one: in a query
 * parameter's name (before its `=`), or in the fragment (`redis://default:Xk9@mP2?qR7@127.0.0.1:6379`, a password holding
 * `@` and then `?` or `#`). The parser ends the user info at the first `@` and the host at the `?`: ioredis dialled the
 * password's middle (`getaddrinfo ENOTFOUND mP2`) and the error named the Redis after the last `@`, never tried (tHG F11).
 * A `/` there is refused by {@link urlDatabase} ("a path holding @"); `?password=p@ss` is a value's. Undefined otherwise.
 */
function atAfterQueryOrFragment(url: string): string | undefined {
  if (url.startsWith('/') && !url.startsWith('//')) return undefined;
  const rest = url.slice(/^(?:rediss?:)?\/\//i.exec(url)?.[0].length ?? 0);
  const end = rest.search(/[?#]/);
  if (end === -1) return undefined;
  const tail = rest.slice(end);
  const hash = tail.indexOf('#');
  const query = hash === -1 ? tail : tail.slice(0, hash);
  const inName = query.slice(1).split('&').some((pair) => pair.split('=')[0]!.includes('@'));
  // Or a password's `?` that redactRedisUrl reads as one (its user info ending past the host: {@link userInfoEnd}, tIO F7).
  if (!inName && !(hash !== -1 && tail.slice(hash).includes('@')) && userInfoEnd(rest) <= end) return undefined;
  // With no `@` before it, said as a password holding `#`, `?` or `/` is (tER F6).
  const unencoded = unencodedInPassword(url);
  if (unencoded !== undefined) return unencoded;
  return `user info whose password holds an unencoded "?" or "#" before the last "@" (${redactRedisUrl(url)}): the URL ends the host at the first of them, and part of the password would be read as the host; write them %3F and %23 (and an "@" in the password %40)`;
}

/**
 * Why `url`'s host reads as empty or its port as none, when that is a password holding an unencoded `#`, `?` or `/`: an `@`
 * after the first of them, where the host and port the user wrote follow (`redis://:Xk9#mP2@127.0.0.1:6379`). The URL ends
 * its host there, and the user was told host "" with a port that is not a number (tER F6). Undefined otherwise.
 */
function unencodedInPassword(url: string): string | undefined {
  const start = /^(?:rediss?:)?\/\//i.exec(url)?.[0].length ?? 0;
  const end = url.slice(start).search(/[/?#]/);
  if (end === -1 || url.slice(start, start + end).includes('@') || !url.slice(start + end).includes('@')) return undefined;
  return `user info whose password holds an unencoded "#", "?" or "/" (${redactRedisUrl(url)}): the URL ends the host at the first of them; write them %23, %3F and %2F`;
}

/**
 * Why the port of `url` (redis://, rediss://, // or host:port) is none ioredis can read, naming
 * the host (after the last `@`: never the password), or undefined. ioredis's parser
 * refused `127.0.0.1:notaport` and `:99999` with "Invalid URL" alone, the URL redacted whole (a fresh user).
 */
function portProblem(url: string): string | undefined {
  const authority = /^(?:rediss?:)?\/\/([^/?#]*)/i.exec(url)?.[1] ?? /^[^/?#]*/.exec(url)![0];
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  // A bracketed IPv6 host may stand alone (`redis://[::1]`: port 6379); it was read as host `[` with port `:1]` (a tester).
  const [, name, port] = /^(\[[^\]]*\]|[^:[]*)(?::(.*))?$/.exec(host) ?? [];
  // Read up to its `#`, `?` or `/`, a password of digits reads as an empty host's port (`redis://:123#abc@host`).
  if ((!port || (/^\d+$/.test(port) && Number(port) <= 65535)) && name !== '') return undefined;
  const unencoded = unencodedInPassword(url);
  if (unencoded !== undefined) return unencoded;
  if (!port || (/^\d+$/.test(port) && Number(port) <= 65535)) return undefined;
  // An IPv6 address without brackets (`--redis ::1`, as --host takes it), a variable left unexpanded, a list of hosts: each was
  // said as an empty or partial host and a port that may be a password, no word of the fault (tER F7).
  // Tested with its last `:port` split off too: `::1:6379` reads as an address by luck (6379 a hex group), `::1:16379`,
  // `2001:db8::1:30001` or `::1:${REDIS_PORT}` did not, and were told the old way (tFA F1).
  const lastColon = host.lastIndexOf(':');
  const portAfter = /^(?:\d{1,5}|\$\{\w*\}|\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%)$/.test(host.slice(lastColon + 1));
  if (isIP(host) === 6 || (portAfter && isIP(host.slice(0, lastColon)) === 6)) return `an IPv6 address without brackets (${JSON.stringify(host.slice(0, 80))}), which ioredis reads up to its first ":" as the host: give it in brackets, its port after them (redis://[::1]:6379)`;
  // A host that reads as a secret (`redis://${REDIS_HOST}:${REDIS_PORT}` with the password in REDIS_HOST) is said by its
  // length, as the store's connect error says it: it was printed whole when the port was at fault too (tFP F10).
  const hostSaid = name !== '' && secretWhereAddressGoes(name!) ? `a host of ${name!.length} characters (not shown: it reads as a secret; is it the password? give redis://:password@host:port)` : `host ${JSON.stringify(name!.slice(0, 80))}`;
  const variable = /^(?:\$\{\w*\}|\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%)$/.exec(port)?.[0];
  if (variable !== undefined) return `${hostSaid} with a port that is a variable not expanded (${variable}: a config file, single quotes or an env file pass it as written): give the port's number`;
  if (/^\d{1,5},/.test(port)) return `${hostSaid} with a list after its port (the rest not shown): a url names one Redis server: give the primary's`;
  // The port itself is not shown: `redis://default:s3cret` (its @host left out) has the password there.
  return `${hostSaid} with a port that is not a number from 0 to 65535 (not shown: it may be a password whose @host is missing)`;
}

/** Which databases a Redis has, said where it refuses one (at start and while running). */
const DATABASES = 'a server has databases 0 to its `databases` setting less one (0 to 15 by default)';

/** The largest database number a URL may name: Redis's `databases` setting is an int. */
const MAX_DATABASE = 2 ** 31 - 1;

/**
 * The database `url` selects (0 when it names none), or why it names none Redis could select:
 * ioredis takes the path of a `redis://` URL (else its `?db=` parameter) through parseInt, so
 * `/rc` sent `SELECT NaN` before every command, each an unhandled rejection that ended the
 * process, and `/-1` or `/1x` were taken as -1 or 1 (a hostile tester). Only digits are taken.
 * Called once {@link redisUrlProblem} found the URL of a form ioredis reads.
 */
function urlDatabase(url: string): number | string {
  let path = '';
  let query: URLSearchParams;
  if (url.startsWith('/') && !url.startsWith('//')) {
    const at = url.indexOf('?');
    query = new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
  } else {
    let parsed: URL;
    try {
      parsed = new URL(/^rediss?:\/\//i.test(url) ? url : url.startsWith('//') ? `redis:${url}` : `redis://${url}`);
    } catch {
      return 0; // ioredis's own TypeError, redacted by the caller
    }
    path = parsed.pathname === '/' ? '' : parsed.pathname;
    query = parsed.searchParams;
  }
  const shown = redactRedisUrl(url);
  const expected = `a database number from 0 to ${MAX_DATABASE} (redis://host:port/<db>)`;
  const number = (text: string) => (/^[0-9]{1,10}$/.test(text) && Number(text) <= MAX_DATABASE ? Number(text) : undefined);
  if (path !== '') {
    const db = number(path.slice(1));
    if (db !== undefined) return db;
    // A password holding an unencoded `/` makes the rest of it the path: never shown.
    if (path.includes('@')) return `${expected}, got a path holding "@" (${shown}): a "/" in a password is written %2F`;
    if (secretPath(path)) return `${expected}, got a path that is no number (not shown: it may be a secret) (${shown})`;
    return `${expected}, got path ${JSON.stringify(path)} (${shown})`;
  }
  const values = query.getAll('db');
  if (values.length === 0) return 0;
  const db = number(values[values.length - 1]!);
  if (db !== undefined) return db;
  // A password after a second `?` (`?db=1?password=…`, where a `&` belongs) is the value's: never shown (tER F5).
  const value = values[values.length - 1]!;
  return `${expected}, got ?db=${withNestedSecretRedacted(value) === value && secretWord(value) ? REDACTED : JSON.stringify(withNestedSecretRedacted(value))} (${shown})${/[?#]/.test(value) ? ': parameters after the first are joined by "&", not "?"' : ''}`;
}

/** MemoryStreamStore's names of this store's bounds: what a deployment moved from it gives. */
const MEMORY_NAMES: Readonly<Record<string, (typeof STORE_OPTIONS)[number]>> = { maxEntriesPerStream: 'maxMessages', maxEntries: 'maxAllMessages' };

/** Every option's name: the type checker refuses a list that misses one. */
const STORE_OPTIONS = ['url', 'client', 'keyPrefix', 'maxMessages', 'maxAllMessages', 'maxAgeMs', 'logger', 'connectTimeoutMs', 'commandTimeoutMs', 'maxQueuedBytes'] as const;
type UnlistedOption = Exclude<keyof RedisStreamStoreOptions, (typeof STORE_OPTIONS)[number]>;
const allListed: [UnlistedOption] extends [never] ? true : UnlistedOption = true;
void allListed;

/**
 * The types and ranges of the numbers and the key prefix: `maxMessages: '1000'` was compared as
 * a number and sent to Redis as a string, `maxAgeMs: 1.5` failed every append at PEXPIRE, and
 * `maxQueuedBytes: NaN` lifted the bound on queued appends.
 */
function checkStoreOptions(options: RedisStreamStoreOptions): void {
  const { error, number } = optionChecks('createRedisStreamStore');
  if (options.keyPrefix !== undefined && (typeof options.keyPrefix !== 'string' || options.keyPrefix === '')) {
    throw error(typeof options.keyPrefix === 'string' ? RangeError : TypeError, 'keyPrefix', 'a non-empty string', options.keyPrefix);
  }
  for (const name of ['maxMessages', 'maxAllMessages', 'maxQueuedBytes'] as const) number(name, options[name], 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  number('maxAgeMs', options.maxAgeMs, 0, Number.MAX_SAFE_INTEGER, 'an integer number of milliseconds ≥ 0 (0: no age bound)');
  for (const name of ['connectTimeoutMs', 'commandTimeoutMs'] as const) number(name, options[name], Number.MIN_VALUE, MAX_TIMER_MS, `a number of milliseconds > 0 and ≤ ${MAX_TIMER_MS}`, false);
}

/**
 * Creates a StreamStore on Redis and connects it: one store shared by several server nodes, each its own process. Layout under `keyPrefix`:
 * `:u:{<userId>}` one stream per user (expires `maxAgeMs` after its last entry), `:g` the global
 * stream, `:all` every entry (admin replay, node catch-up), `:seq` the dense sequence, `:head`
 * the last position used or handed out, `:epoch` the epoch, `:epoch-start` where an epoch a
 * rotation began starts, `:fanout` the pub/sub channel (`:fanout:db<N>` on database N ≠ 0:
 * channels are shared by every database of a server, so two deployments on databases 0 and 1
 * with one prefix would otherwise take each other's entries for their own).
 * Append is one Lua script (position, XADD, trim, PUBLISH), so every node receives entries in
 * one order. Appends made in one event-loop turn share a script call and its PUBLISH, at most
 * 256 entries and 4 MiB of them (an entry larger than that goes alone), and at most 4 MiB of
 * them wait for Redis's answer at a time: under Redis's default `client-output-buffer-limit
 * pubsub 32mb 8mb 60`, past which Redis drops every node's subscription: with messages of several MB, or many nodes
 * publishing bursts at once, raise that limit (`src/server/redis/SCALE.md` in the package, its note
 * "Large messages and bursts"). Cursors are `<epoch>.<position>` like the in-memory store's: the
 * epoch 16 hex digits, the first a letter, created once and gone when Redis loses its data; the
 * position max(Redis TIME in µs, the previous one + 1), from one sequence for every stream.
 *
 * Connections: one for commands, one for the subscription (never shared). With `client`, its
 * own options apply to commands (e.g. its offline queue holds appends while Redis is away).
 * Of read()'s page reads (those that read entries), at most two are sent on the command
 * connection at a time, the others waiting in the node in order: the heartbeat and appends
 * wait behind two pages at most, never behind a resume storm's every page.
 * Redis must not evict these keys: use `maxmemory-policy noeviction` (`src/server/redis/SCALE.md`). Another
 * policy, with a `maxmemory` set, is logged at start (`redis-eviction-policy`, a warning): an
 * evicted key loses its entries, and a resume past them reads `resumed`, not `gap`. The policy is
 * asked with CONFIG GET, else (CONFIG refused, as managed services do) read from INFO memory;
 * a Redis that tells neither gets the same warning with `policy: null`, saying it was not checked.
 *
 * Failure behaviour:
 * - Redis unreachable at start (refused, unroutable) → rejects with `Redis unreachable at <url
 *   without credentials>`; reached, and what answers is not Redis (no Redis reply, `-ERR unknown
 *   command`, a reply of another shape than the store's scripts give, nothing within
 *   `commandTimeoutMs`, a hang-up) → `<url> does not answer as Redis (…): is it the Redis port?`;
 *   Redis without INFO (renamed away: Redis's own `ERR unknown command 'info', …`) → `Redis at <url>
 *   has no INFO command (…): renamed or disabled (rename-command)? …` (INFO refused by the ACL is let through);
 *   `rediss://` at a port that takes the connection and gives no TLS (nothing within
 *   `connectTimeoutMs`, or bytes that are no TLS) → `<url> did not complete a TLS handshake (…):
 *   is it a plain Redis port (redis://)?` (a certificate refused, or a hang-up before any
 *   handshake: the same without the question);
 *   credentials refused → `Redis at <url> refused the credentials: WRONGPASS …` (`requires
 *   credentials (redis://user:password@host)` for NOAUTH, `(redis://user:password@localhost?path=<socket>)`
 *   on a socket path, `refused a command or channel to this ACL user` for NOPERM);
 *   database out of range → `Redis at <url> refused database <N> (ERR DB index is out of range)…`
 *   (SELECT refused to the ACL user → `Redis at <url> refused a command or channel to this ACL user: NOPERM
 *   this ACL user may not run SELECT, which the store sends to use database <N> (…): grant it (+select)`;
 *   running, `redis-command-refused` with those words, unhealthy, the connection remade every 2 s);
 *   a replica (ROLE says so, read-only or writable, before the first read and again once the
 *   start's catch-up is done: see replicaOf) → `Redis at <url> is a replica
 *   (of <host:port>): what is written on a replica never reaches its primary nor the other nodes;
 *   give the primary's URL`; an answer to the first read that waiting cannot change (see
 *   startRefusal): a read-only replica ROLE did not tell (refused to the ACL user) → `Redis at <url>
 *   is a read-only replica (READONLY …): give the primary's URL`, a Redis Cluster node (CROSSSLOT,
 *   CLUSTERDOWN, MOVED, ASK, TRYAGAIN, or a database given: `ERR SELECT is not allowed in cluster
 *   mode`) → `… is a Redis Cluster node (…): Redis Cluster is not supported; …`, a key of the
 *   store of another type (`<keyPrefix>:epoch`, `:seq`, `:head`, `:all`, `:g`) → `… holds <key> as a
 *   <type>, where the store keeps a <type> (WRONGTYPE …): …` (each such key, `as another type`
 *   where TYPE is refused), a key of the right type holding a value the store never writes (see
 *   badValues) → `… holds <key> "<value>", where the store keeps <what>…: …`, a full Redis
 *   holding no epoch → `… holds no epoch key (…) and is full, so refuses to write one (OOM …): …`.
 *   Other answers (NOREPLICAS) are waited for: the read is retried each 200 ms, its
 *   `redis-error` line (catch-up) at most once each 10 s with `unlogged`, the failures not said.
 *   A read Redis holds (`CLIENT PAUSE … WRITE`, what FAILOVER does: no answer within
 *   `commandTimeoutMs`), or a Redis that goes away meanwhile, is waited for the same way, said in
 *   a `redis-waiting` warning (the first once the first read waited `commandTimeoutMs`), never
 *   `redis-lost`, which is of a running store.
 *   A Redis loading its dataset (LOADING) is waited for, looked at each 200 ms, with a
 *   `redis-loading` warning (`loadedPercent`, `etaSeconds`) at most once each 10 s, also when a
 *   running node reconnects to a Redis that loads.
 * - Credentials refused while reconnecting (a password changed) → `redis-credentials-refused`
 *   (an error, once per reason until Redis is back), unhealthy, reconnecting with backoff. A
 *   command the store needs refused to the ACL user once running (NOPERM: EVAL or EVALSHA taken
 *   from the user, met at a reconnect; a command inside the scripts, such as TIME, Redis 7.0
 *   words `ERR The user executing the script can't run …`) → `redis-command-refused` (an error, once per reason
 *   until Redis is back), unhealthy, the catch-up retried each 200 ms. A command the reads run on the
 *   store's keys (TIME, GET, EXISTS, XINFO STREAM, XRANGE: see READ_RIGHTS) is asked of the ACL at each
 *   recovery, before the node reads healthy, and when a read meets an ACL refusal, before it rejects:
 *   refused, `redis-command-refused` (once per set of commands), unhealthy (status "connected, commands
 *   refused: …"), asked again each heartbeat, `redis-command-accepted` once granted. One only the
 *   append script runs leaves the node healthy, its publishes rejected `NOPERM …: not stored`.
 *   PING, which the heartbeat sends on the subscriber connection each second (asked of the ACL at
 *   start too: `… may not run PING, which the store's heartbeat sends on its subscriber connection:
 *   grant it`), refused → `redis-command-refused` (once per reason, `connection: 'subscriber
 *   connection'`), unhealthy (status "connected, commands refused: … may not run PING …"; the
 *   refusal counts as that connection's answer, so a reconnect recovers to that state, not to
 *   "unavailable"), `redis-command-accepted` once a PING is answered PONG again (tHT F1).
 * - An answer no Redis gives while running (whatever took the port) → `redis-not-redis` (an
 *   error, once per loss), unhealthy, reads and appends reject with `<url> does not answer as
 *   Redis (…)`, the connection remade every 2 s. Not caught: extra replies, one of them null,
 *   end the process inside ioredis (README, "Several server nodes on Redis").
 * - Redis lost while running → status() unhealthy, logger warning, appends reject at once (the
 *   caller knows the message was not stored); reconnects with backoff (100 ms more each attempt, at most 500 ms apart, so a Redis back is seen within 500 ms). Lost includes a
 *   connection that leaves a command or the heartbeat (each second: a script asking whether the
 *   epoch key is there on the command connection, which Redis holds while writes are paused, a PING on the subscriber one)
 *   unanswered for `commandTimeoutMs`: a subscriber connection gone silent is remade too. On return the node
 *   replays from the all-stream what its subscription missed, in order, before live entries;
 *   when that is impossible (Redis restarted empty, or the all-stream no longer holds them) it
 *   calls the onGap listeners instead. Nothing is skipped silently. Back with its database
 *   refused (restarted with fewer `databases`) → `redis-database-refused` (an error), unhealthy,
 *   reconnecting every 2 s: never another database.
 * - A publish Redis refuses stores nothing: the append script checks, before its first write,
 *   the ACL (every command it runs, the channel) and that each stream key is a stream. An ACL
 *   refusal, or an all-stream of another type, rejects the whole batch (`NOPERM … not stored`);
 *   a user's stream of another type rejects that user's publishes alone (`WRONGTYPE … not
 *   stored`), the others are stored. Logged as `append-refused`. Such a stream (or a global
 *   stream made another type after the start) also fails the reads that take it, rejecting with
 *   `Redis at <url> holds <key> as a <type>, where the store keeps a stream, so that user's
 *   (every user's, for `:g`) resumes and polls with a cursor fail, …: another application's key …`.
 *   `<keyPrefix>:epoch`, `:seq` or `:head` made another type while running fails every read, rejecting
 *   with `Redis at <url> holds <key> as a <type>, where the store keeps a string (WRONGTYPE …), so
 *   every resume and poll fails, as every publish does: another application's key …` (tDO F5).
 * - Redis without its epoch key (deleted after a restore) and refusing to write one (full under
 *   noeviction) → no cursor can be given: reads reject, status() unhealthy (`epoch-refused`,
 *   an error) until a read (the heartbeat's meanwhile) writes one (`epoch-written`). The
 *   heartbeat finds the key gone within a second on an idle node too, and reads.
 * - A fan-out record of an epoch the node does not hold is a gap only once the node's own read
 *   of Redis finds Redis in another epoch; otherwise it is not this Redis's (`foreign-epoch`, a
 *   warning once per epoch) and dropped. No socket is closed on a record's word alone.
 *
 * Every fault below is a rejection of the promise it returns, never a synchronous throw (the
 * function is async): `await` it, or `.catch` it.
 *
 * @throws Error (rejects) when Redis is unreachable; TypeError (rejects) when neither or both of `url`
 *   and `client` are given, `url` is empty, blanks alone or undefined (an unset environment variable;
 *   empty or blank beside a `client` too), `options` is not an object, `client` not an ioredis client,
 *   `logger` not an object with info, warn and error functions, a number option or `keyPrefix`
 *   not of its type, or
 *   `url` not a string ioredis reads as a Redis server: `redis://…`, `rediss://…`, `host:port`
 *   or a socket path (`/…`), so not `valkey://…`, `redis+sentinel://…`, `unix://…` nor
 *   `redis:/…`, which ioredis takes for socket paths; or its database (path, else `?db=`) not
 *   digits from 0 to 2147483647 (`/rc`, `/-1`), nor `client`'s `db` option, or its port not a number from 0 to 65535 (`host:notaport`),
 *   or it names no host (`redis://`, `redis:///3`, `?db=1`, a port alone: ioredis would dial
 *   localhost:6379; `?host=` or `?path=` in the query names one, as ioredis reads it), or has blanks or a line break around it, or an option it does not know
 *   (MemoryStreamStore's `maxEntriesPerStream` and `maxEntries` named as such, with this store's
 *   `maxMessages` and `maxAllMessages`). No message holds a password. RangeError
 *   (rejects) when a number is out of its range (`maxMessages` below 1, `maxAgeMs` not an integer ≥ 0,
 *   a timeout not above 0) or `keyPrefix` is empty.
 */
export async function createRedisStreamStore(options: RedisStreamStoreOptions): Promise<RedisStreamStore> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`createRedisStreamStore: options must be an object with url or client, got ${shownFound(options, false)}${typeof options === 'string' ? ' (a URL string? pass { url })' : ''}`);
  // First: a misspelt `URL` would otherwise read as no url at all.
  optionChecks('createRedisStreamStore').known(options, STORE_OPTIONS, '', { names: MEMORY_NAMES, whose: "MemoryStreamStore's" });
  // An empty or undefined url beside no client is most likely `url: process.env.REDIS_URL` unset:
  // "give exactly one of url and client" read as satisfied to the user who gave `url` (tBT F10).
  // Blanks alone (a variable holding a space or a line break) too: ioredis read them as no URL and dialled
  // localhost:6379 (tCC F3). Beside a client as well: '' passed as "no url" yet named the fan-out channel
  // database 0's while the keys went to the client's database (tCC F10).
  const blank = typeof options.url === 'string' && options.url.trim() === '';
  if (blank || (options.client === undefined && 'url' in options && options.url === undefined)) {
    const found = options.url === undefined ? 'undefined' : options.url === '' ? 'empty' : `blank (${JSON.stringify(options.url.slice(0, 20))}${options.url.length > 20 ? '…' : ''})`;
    throw new TypeError(`createRedisStreamStore: url is ${found} (an unset environment variable?)${options.client === undefined ? ': give redis://[user:password@]host:port[/db], or a client' : ', beside a client: give exactly one of url and client (the client alone: leave url out)'}`);
  }
  if (!options.url === !options.client) throw new TypeError(`createRedisStreamStore: give exactly one of url and client, got ${options.url ? 'both' : 'neither'}`);
  if (options.url !== undefined) {
    // Never the URL itself in these messages: it may hold a password.
    if (typeof options.url !== 'string') throw new TypeError(`createRedisStreamStore: url must be a string (redis://[user:password@]host:port[/db]), got ${preview(options.url)}`);
    const problem = redisUrlProblem(options.url);
    if (problem !== undefined) throw new TypeError(`createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got ${problem}`);
    const db = urlDatabase(options.url);
    if (typeof db === 'string') throw new TypeError(`createRedisStreamStore: url must name ${db}`);
  }
  if (options.client !== undefined && !(typeof options.client === 'object' && options.client !== null && typeof options.client.duplicate === 'function')) {
    throw new TypeError(`createRedisStreamStore: client must be an ioredis client, got ${shownFound(options.client, false)}`);
  }
  // ioredis made `db: 'rc'` NaN, which it then sends as `SELECT NaN` before every command.
  const clientDb: unknown = options.client?.options?.db ?? 0;
  if (options.client !== undefined && !(Number.isInteger(clientDb) && (clientDb as number) >= 0 && (clientDb as number) <= MAX_DATABASE)) {
    throw new TypeError(`createRedisStreamStore: client's db option must be a database number from 0 to ${MAX_DATABASE}, got ${preview(clientDb)}`);
  }
  /** The database of every key; the fan-out channel's name carries it (see RedisStreamStoreKeys.channel). */
  const database = options.url !== undefined ? (urlDatabase(options.url) as number) : (clientDb as number);
  // Its first use is once Redis answered: `logger: 42` failed the start with the connections open.
  if (options.logger !== undefined && !hasMethods(options.logger, ['info', 'warn', 'error'])) {
    throw new TypeError(`createRedisStreamStore: logger must be an object with info, warn and error functions, got ${shownFound(options.logger, false)}`);
  }
  checkStoreOptions(options);
  const prefix = options.keyPrefix ?? 'rc';
  const maxMessages = options.maxMessages ?? 1000;
  const maxAllMessages = options.maxAllMessages ?? 100_000;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5000;
  // Contained as the server's is: a logger that threw failed the start with both connections open
  // (the process never exited), and, from an ioredis event handler, ended the process when Redis
  // went away; an async one's rejection did the same, unhandled (tAT F4).
  // Each text field and message with AUTH's arguments that Redis quoted `[redacted]` (tHS F2).
  const logger = withAuthArgumentsLogged(containedLogger(options.logger ?? consoleLogger));
  const keys: RedisStreamStoreKeys = {
    epoch: `${prefix}:epoch`,
    epochStart: `${prefix}:epoch-start`,
    seq: `${prefix}:seq`,
    head: `${prefix}:head`,
    global: `${prefix}:g`,
    all: `${prefix}:all`,
    // Pub/sub channels are not per database: two deployments on one Redis, one on database 0 and
    // one on 1, each took the other's fan-out for its own, told every socket of a gap (4410) and
    // flipped epochs back and forth (a hostile tester). Database 0 keeps the name of old.
    channel: database === 0 ? `${prefix}:fanout` : `${prefix}:fanout:db${database}`,
    // The braces are a Redis Cluster hash tag: a user's stream lands on the slot of its user id.
    user: (userId) => `${prefix}:u:{${userId}}`,
  };
  /** The user's stream the start asks the ACL about (tGX F1): `<prefix>:u:{*}`, matched by `~<prefix>:u:*`, by no pattern naming some users only. */
  const sampleUserStream = keys.user('*');

  let started = false;
  /** The start resolved: the store is in use (started is set before its first catch-up). */
  let running = false;
  let closed = false;
  const connectionOptions: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // Fail fast while Redis is away: an append that cannot be stored rejects instead of waiting
    // in a queue, and an in-flight one is not resent (it could be stored twice).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    // At most RECONNECT_MAX_DELAY_MS apart: the store sees a Redis back only at an attempt, and with
    // ioredis's 2 s a Redis back 9.5 s into an outage was seen at 10.5 s, its sockets closed 1013
    // past a 10 s storeUnavailableGraceMs though Redis answered within it (tDA F1).
    retryStrategy: (times) => (started && !closed ? Math.min(100 * times, RECONNECT_MAX_DELAY_MS) : null),
    // Redis loading its dataset: its ready check is made again this often (ioredis: up to 10 s), so
    // the store starts, or reads healthy, within about that of Redis answering.
    maxLoadingRetryTime: LOADING_LOOK_MS,
    commandTimeout: commandTimeoutMs,
    // How long a socket ended by close() may take to close before it is destroyed (ioredis's
    // default, 2 s, held a stopping process that long on a hung Redis: a hostile tester).
    disconnectTimeout: 200,
  };
  const ownsClient = !options.client;
  // ioredis turns TLS on for `rediss://` in lower case only: `REDISS://` connected in plain text.
  const url = options.url?.replace(/^rediss?:\/\//i, (scheme) => scheme.toLowerCase());
  // A bare word that reads as a secret (`url: process.env.REDIS_PASSWORD`, `serve --redis "$PASSWORD"`) is dialled as a
  // host, and was printed as one, in the URL and in getaddrinfo's ENOTFOUND (tEC F1, F2): said by its length.
  const secretHost = url === undefined ? clientSecretHost(options.client!.options) : secretLookingHost(url);
  const where = url ? redactRedisUrl(url) : clientRedisUrl(options.client!.options, database);
  let cmd: ScriptedRedis;
  let sub: Redis;
  try {
    cmd = (options.client ?? new Redis(url!, connectionOptions)) as ScriptedRedis;
    sub = options.client ? options.client.duplicate(connectionOptions) : new Redis(url!, connectionOptions);
  } catch (error) {
    // ioredis's TypeError for a URL it cannot parse (a port of 99999) carries the whole URL, password included, as `input` (a hostile tester).
    throw new TypeError(`createRedisStreamStore: url must be redis://[user:password@]host:port[/db], rediss://…, host:port or a socket path (/…), got one ioredis cannot read: ${where} (${(error as Error).message})`);
  }
  // ioredis's own warning of an ACL user refused INFO, said through the logger once instead (tHJ F3).
  let readyCheckSkippedSaid = false;
  const readyCheckSkipped = (said: string) => {
    if (readyCheckSkippedSaid || closed) return;
    readyCheckSkippedSaid = true;
    logger.info(
      { event: 'redis-ready-check-skipped', url: where, err: said },
      "Redis refuses this ACL user INFO: ioredis skips its ready check on each connection (said once, here); a Redis loading its dataset is then met by the store's reads: at start, redis-loading without loadedPercent and etaSeconds; when a running node's Redis restarts and loads, redis-lost, the node unhealthy (LOADING) until redis-recovered; grant +info to have the check",
    );
  };
  for (const connection of ownsClient ? [cmd, sub] : [sub]) quietReadyCheck(connection, readyCheckSkipped);
  cmd.defineCommand('rcAppend', { lua: APPEND_SCRIPT });
  cmd.defineCommand('rcRead', { lua: READ_SCRIPT });
  cmd.defineCommand('rcRotate', { numberOfKeys: 3, lua: ROTATE_SCRIPT });
  cmd.defineCommand('rcBeat', { numberOfKeys: 3, lua: BEAT_SCRIPT });
  cmd.defineCommand('rcAcl', { numberOfKeys: 0, lua: ACL_SCRIPT });

  const listeners = new Set<(entry: StreamEntry) => void>();
  const gapListeners = new Set<(gap: StreamGap) => void>();
  /** onHealth's listeners, and the health last told them (null: none yet). */
  const healthListeners = new Set<(healthy: boolean) => void>();
  let toldHealthy: boolean | null = null;
  const placeholder = `~~${randomBytes(8).toString('hex')}~~`;
  // 16 hex digits, the first a letter: an epoch of digits alone (1 in 1,850 random ones) is one
  // the client does not order, since `1705251000.6` may be a decimal time (a reviewer).
  const newEpoch = () => `e${randomBytes(8).toString('hex').slice(1)}`;

  // Live state of this node's subscription: the epoch and last id delivered to listeners.
  let epoch: string | null = null;
  let last: EntryId | null = null;
  /** Epochs this node saw replaced because Redis lost writes in them: their late entries on the fan-out channel are read again in the new epoch. */
  const retired = new Set<string>();
  /**
   * Epochs this node was in and left for another (Redis restarted empty, its epoch key deleted,
   * a rotation), each with the highest sequence number it saw there; at most MAX_LEFT_EPOCHS, the
   * one left longest ago forgotten first. Such an epoch back (an older snapshot restored after an
   * epoch change) came without the writes this node saw after it, in it or in the epochs since:
   * it is replaced (see catchUp and replaced). Taken back as live, a cursor of it past the
   * snapshot read `resumed`, everything written since lost without a gap (tIG F4).
   */
  const left = new Map<string, number>();
  /**
   * The newest entry this node knows its epoch held, with that epoch: one it delivered (live, or
   * from its catch-up), or the all-stream's last id when it took the epoch (see noteNewest):
   * where, by Redis's clock, this node last saw that epoch hold entries (see olderEpoch).
   */
  let newest: { epoch: string; position: number } | null = null;
  /** Where this node saw `of`, the epoch it is in, last take an entry, if it did (see newest). */
  const newestIn = (of: string | null): number | undefined => (of !== null && newest?.epoch === of ? newest.position : undefined);
  /** Notes that this node leaves `from`, where it saw sequence numbers up to `seq`. */
  function leave(from: string, seq: number): void {
    left.delete(from);
    if (left.size >= MAX_LEFT_EPOCHS) left.delete(left.keys().next().value!);
    left.set(from, seq);
  }
  /** Epochs of fan-out records a read of Redis proved not to be its own, already logged (see handle()). */
  const foreign = new Set<string>();
  /**
   * The entries the store never wrote already said, per key: runs [low, high], each what one read
   * met of the key (every entry of another application's between low and high, said then or
   * before), at most MAX_FOREIGN_RUNS per key and MAX_FOREIGN_KEYS keys, the one said longest ago
   * forgotten first (said again when read: a line too many, never an entry left unsaid). A set of
   * `<key> <id>` emptied past 64 entries said each entry of a longer run again on every read:
   * 20,000 error lines for each poll or resume over such a run (tEQ F1). One [low, high] per key
   * covered a run between two said ones that no read had met: never said (tEZ F3).
   */
  const foreignSaid = new Map<string, { low: EntryId; high: EntryId }[]>();
  /**
   * Whether `item`, read from `key`, is an entry the store never wrote (another application's
   * XADD under the prefix): then it is skipped, and noted in `met` when not said already, to be
   * said once, with the others of its key that read met (see sayForeign). Decoded as the store's, it was sent as an empty text frame, a poll's JSON
   * read `"messages":[,{…`, and in the all-stream a broadcast of no type went to every socket, or
   * its sequence number read as Redis having lost writes and rotated the epoch (tDV F12). An
   * entry this read met already (a page read on from where the last one's merge stopped, a read
   * again after an epoch replaced) is counted once: a line said "holds 2 entries … X to X" (tEZ F5).
   */
  function skipForeign(key: string, item: [string, string[]], met: ForeignMet): boolean {
    const why = foreignEntry(item, key === keys.all);
    if (why === undefined) return false;
    const id = parseEntryId(item[0])!;
    let run = met.get(key);
    if (run === undefined) {
      run = { count: 0, first: '', last: '', ids: [], why, low: id, high: id };
      met.set(key, run);
    } else if (!idBefore(id, run.low) && !idBefore(run.high, id)) return true;
    else {
      if (idBefore(id, run.low)) run.low = id;
      if (idBefore(run.high, id)) run.high = id;
    }
    if (foreignSaid.get(key)?.some((said) => !idBefore(id, said.low) && !idBefore(said.high, id))) return true;
    run.count++;
    if (run.first === '' || idBefore(id, parseEntryId(run.first)!)) {
      run.first = item[0];
      run.why = why;
    }
    if (run.last === '' || idBefore(parseEntryId(run.last)!, id)) run.last = item[0];
    if (run.ids.length < MAX_FOREIGN_IDS_SAID) run.ids.push(item[0]);
    return true;
  }
  /** Says the entries the store never wrote that one read (every page of it) met and had not said: one error line per key, with their count. */
  function sayForeign(met: ForeignMet): void {
    for (const [key, { count, first, last, ids, why, low, high }] of met) {
      // This read's run, with the said runs it overlaps (it met every entry between).
      let runs = foreignSaid.get(key) ?? [];
      const merged = { low, high };
      for (const said of runs) {
        if (idBefore(said.high, low) || idBefore(high, said.low)) continue;
        if (idBefore(said.low, merged.low)) merged.low = said.low;
        if (idBefore(merged.high, said.high)) merged.high = said.high;
      }
      runs = [...runs.filter((said) => idBefore(said.high, low) || idBefore(high, said.low)), merged].slice(-MAX_FOREIGN_RUNS);
      foreignSaid.delete(key);
      if (foreignSaid.size >= MAX_FOREIGN_KEYS) foreignSaid.delete(foreignSaid.keys().next().value!);
      foreignSaid.set(key, runs);
      if (count === 0) continue;
      // What XDEL costs: Redis moves the stream's last-deleted mark to the id, which the reads
      // compare with a cursor (tEZ F2).
      const cost = `a reader whose cursor is before ${count === 1 ? 'it' : 'one deleted'} is then told a gap, though nothing of the store's is lost${key === keys.all ? ' (a node catching up from before it tells every socket of it to resume)' : ''}; left, ${count === 1 ? 'it is' : 'they are'} skipped and cost${count === 1 ? 's' : ''} only memory`;
      if (count === 1) {
        logger.error(
          { event: 'foreign-entry', url: where, key, id: first, detail: why },
          `Redis at ${where} holds an entry the store never wrote in ${key} (${first}: ${why}): skipped by every read; another application's entry under the key prefix "${prefix}"? Delete it (XDEL ${key} ${first}: ${cost}), or give the store another keyPrefix`,
        );
      } else {
        logger.error(
          { event: 'foreign-entry', url: where, key, id: first, lastId: last, count, ids, detail: why },
          `Redis at ${where} holds ${count} entries the store never wrote in ${key}, ${first} to ${last} (the first: ${why}): skipped by every read, said once; another application's entries under the key prefix "${prefix}"? Delete them by id, never the range, which may hold the store's own entries (XDEL ${key} ${ids.join(' ')}${count > ids.length ? `, and the ${count - ids.length} others, each by id: XRANGE ${key} ${first} ${last} lists them among the store's own` : ''}: ${cost}), or give the store another keyPrefix`,
        );
      }
    }
  }
  let syncing = false;
  /**
   * Fan-out records that arrived while a catch-up runs (or wait for one), delivered after it. At
   * most MAX_PENDING_RECORDS or MAX_PENDING_BYTES of frames: past that they are dropped and the
   * catch-up reads again from where it ends (the all-stream holds them, or the catch-up tells the
   * gap). A catch-up refused for good (an ACL user without rc:epoch-start after an epoch change)
   * held every record the node received, without bound, none delivered (tGM F4).
   */
  const pending: Published[] = [];
  let pendingBytes = 0;
  /** Records were dropped from `pending` since the catch-up in flight was sent: it reads again once done. */
  let pendingDropped = false;
  /** A held record's frame in UTF-8 bytes, as the store's other bounds count (its length in characters let non-ASCII frames
   * hold ~95 MiB under a 32 MiB bound, the log saying 32: tGP F3). */
  const heldBytes = new WeakMap<Published, number>();
  function hold(record: Published, first = false): void {
    const bytes = Buffer.byteLength(record.entry.frame);
    if (pending.length >= MAX_PENDING_RECORDS || pendingBytes + bytes > MAX_PENDING_BYTES) {
      if (!pendingDropped) {
        logger.warn(
          { event: 'fan-out-held-dropped', url: where, records: pending.length + 1, bytes: pendingBytes + bytes },
          'fan-out records held while the catch-up waits on Redis pass the bound: dropped, read again from the all-stream once the catch-up goes through',
        );
      }
      pending.length = 0;
      pendingBytes = 0;
      pendingDropped = true;
      return;
    }
    pendingBytes += bytes;
    heldBytes.set(record, bytes);
    if (first) pending.unshift(record);
    else pending.push(record);
  }
  function nextHeld(): Published {
    const record = pending.shift()!;
    pendingBytes -= heldBytes.get(record) ?? 0;
    return record;
  }
  /**
   * Why the catch-up is refused to the ACL user (a command or key of it, named), or null. The
   * node reads unhealthy meanwhile (its live feed is held: sockets closed 1013 past the grace,
   * new ones 503), as for the other refusals, until a catch-up goes through. It read healthy,
   * acking publishes its open sockets never got (tGM F4).
   */
  let catchUpRefused: string | null = null;
  /**
   * The heartbeat's script refused to the ACL user (EVALSHA taken from it, or a key of the store's
   * its patterns no longer give), in Redis's words, or null: the node reads unhealthy until a
   * heartbeat is answered again. Dropped before, the node read healthy for good while every
   * resume closed 1011 and every publish failed, until a reconnect met it (tGX F3).
   */
  let beatRefused: string | null = null;
  /**
   * Why the store's reads are refused to the ACL user, or null: a command its read script and
   * catch-up run on its own keys (READ_RIGHTS: TIME, GET, EXISTS, XINFO STREAM, XRANGE; SUBSCRIBE)
   * that the ACL no longer grants, named as the start names it. Asked of the ACL (ACL_SCRIPT) at
   * each recovery, before the node reads healthy again, and when a read meets an ACL refusal;
   * while set, the node reads unhealthy (polls and upgrades 503) and each heartbeat asks again.
   * A reconnect after XRANGE or XINFO was taken read healthy, every resume closed 1011 and every
   * poll with `since` answered 500, unless its catch-up happened to read a page (tHJ F1).
   */
  let readsRefused: string | null = null;
  /** The refused commands readsRefused names (`XRANGE on rc:all, …`): the same again is not said again. */
  let readsRefusedWhat: string | null = null;
  /**
   * Why the heartbeat's PING is refused to the ACL user (NOPERM on the subscriber connection), named
   * as the start names it, or null. That connection answered, so it counts as alive and a recovery
   * goes on; while set, the node reads unhealthy (polls and upgrades 503; the status "connected,
   * commands refused: … may not run PING …"), redis-command-refused logged once, and
   * redis-command-accepted once a heartbeat's PING is answered PONG again. Before, the refused PING
   * went unseen while nothing reconnected, and after any reconnect the node read unhealthy for good,
   * "unavailable … (commands ready, subscriber ready)", naming nothing (tHT F1).
   */
  let pingRefused: string | null = null;
  /** `downs` when the read rights were last asked at a recovery (see maybeRecovered), and the ask in flight. */
  let rightsAskedFor = 0;
  let rightsAsking: Promise<{ sentAt: number; answered: boolean }> | null = null;
  /** Records received on the fan-out channel so far (each record's `arrival` is its rank). */
  let arrivals = 0;
  /**
   * What the latest catch-up read found: the epoch, the sequence, and how many records had
   * arrived when it was sent. The append script takes a record's seq and publishes it in one
   * atomic call, so a record received before a read was sent has a seq ≤ the seq that read
   * found, in that epoch: one above it was never stored (a client of this Redis published it on
   * the channel), or Redis lost it. Either way no catch-up will ever reach it.
   */
  let checked: { epoch: string; seq: number; arrivals: number } | null = null;
  /** Since when Redis counts as lost (wall clock, shown in status()), and the same on the monotonic clock, for durations. */
  let lostSince: number | null = null;
  let lostAt = 0;
  let lastError = '';
  /**
   * Whether both connections answered a heartbeat (see beat()) since Redis was last counted as
   * lost: recovery waits for one. A connection that reconnected reads ready, and may still say
   * nothing (a path that went silent again, a SUBSCRIBE lost on the way).
   */
  let beatAnswered = true;
  /** Times Redis was counted as lost, or lost again while lost: a heartbeat sent before one proves nothing. */
  let downs = 0;
  /** A heartbeat is in flight. */
  let beating = false;
  /** Redis answered SUBSCRIBE on the subscriber connection since it last (re)connected. */
  let subscribed = false;
  /** SUBSCRIBE refusals in a row (the backoff of the next attempt), and its timer. */
  let subscribeRefusals = 0;
  let subscribeRetry: ReturnType<typeof setTimeout> | undefined;
  /**
   * Since when Redis refuses appends it answers (a full Redis under noeviction: `OOM command not
   * allowed…`), and why; null once one is stored again. Publishers get each error; `status()`
   * and an `append-refused` line (at most one each 10 s) tell the operator: a full Redis refused
   * every publish of the deployment while the store read healthy and logged nothing (a hostile
   * tester). Still healthy: reads, resumes and new sockets work.
   */
  let refusedSince: number | null = null;
  let refusal = '';
  /**
   * The streams whose appends Redis refuses alone (the append script's `!` and why: the ACL user
   * may not run a command on them, PEXPIRE taken at run time; a key of another type), each with
   * since when (wall clock) and why; a stream leaves once an append to it is stored, or the ACL grants
   * what the append script runs on it again (see askStreamRights). status()
   * says them as it says a refusal of every append: with PEXPIRE taken, every publish of every
   * user failed while status() read healthy and said nothing (tIG F1). At most
   * MAX_REFUSED_STREAMS, the one refused longest ago forgotten first.
   */
  const streamsRefused = new Map<string, { since: number; why: string }>();
  function streamRefused(stream: string, why: string, at: number): void {
    const known = streamsRefused.get(stream);
    if (known) known.why = why;
    else {
      if (streamsRefused.size >= MAX_REFUSED_STREAMS) streamsRefused.delete(streamsRefused.keys().next().value!);
      streamsRefused.set(stream, { since: at, why });
    }
  }
  /**
   * status()'s words for streamsRefused: `; appends to stream <key> refused since <time>: <why>`
   * for each of the first REFUSED_STREAMS_SAID, each with its own time and Redis's words of its
   * own refusal, then `; appends to <n> more streams refused since <the earliest of them>`; ''
   * when none is. Several streams were said with the last refusal recorded, another stream's
   * (`rc:u:{carol} refused …: NOPERM … PEXPIRE on rc:u:{bo}`), and the earliest time for all (tIP F2).
   */
  function streamsRefusedSaid(): string {
    const all = [...streamsRefused];
    const said = all.slice(0, REFUSED_STREAMS_SAID).map(([stream, r]) => `; appends to stream ${stream} refused since ${new Date(r.since).toISOString()}: ${r.why}`);
    const more = all.slice(REFUSED_STREAMS_SAID);
    if (more.length > 0) said.push(`; appends to ${more.length} more stream${more.length > 1 ? 's' : ''} refused since ${new Date(Math.min(...more.map(([, r]) => r.since))).toISOString()}`);
    return said.join('');
  }
  /** The ask of askStreamRights in flight, if one is. */
  let streamRightsAsking: Promise<void> | null = null;
  /**
   * Asks the ACL (ACL_SCRIPT, with each stream as its sample) whether it grants again what the
   * append script runs on the streams it refused alone (NOPERM: the ACL user may not run a command
   * on them), the first STREAM_RIGHTS_ASKED of them, and clears those it grants, as a stored
   * append to them does (append-accepted, under its 10 s rule): a user who did not publish again
   * after the right was given back stayed refused in status() for good, the opposite of what Redis
   * did (tIP F2). One ask at a time; sent with the heartbeat, each second, while any is refused.
   */
  function askStreamRights(): Promise<void> {
    streamRightsAsking ??= (async () => {
      const asked = [...streamsRefused].filter(([, r]) => /^NOPERM\b/.test(r.why)).slice(0, STREAM_RIGHTS_ASKED).map(([stream]) => stream);
      const own = [keys.epoch, keys.seq, keys.head, keys.epochStart, keys.all, keys.global];
      const granted: string[] = [];
      for (const stream of asked) {
        let reply: unknown;
        try {
          reply = await cmd.rcAcl(...own, keys.channel, stream, maxAgeMs > 0 ? '1' : '0');
        } catch {
          return;
        }
        // Redis 7's acl_check_cmd asked (an empty answer from one without it says nothing).
        if (!Array.isArray(reply) || closed) return;
        if (!reply.some((c) => typeof c === 'string' && c.endsWith(` on ${stream}`)) && (reply.length > 0 || (await aclAnswers()))) granted.push(stream);
      }
      const cleared = granted.filter((stream) => streamsRefused.delete(stream));
      if (cleared.length > 0 && refusedSince === null) appendsAccepted(cleared);
    })().finally(() => {
      streamRightsAsking = null;
    });
    return streamRightsAsking;
  }
  /** Whether this Redis has redis.acl_check_cmd (7.0 on), so that ACL_SCRIPT's empty answer means all is granted. */
  let aclCheckKnown: boolean | undefined;
  async function aclAnswers(): Promise<boolean> {
    if (aclCheckKnown !== undefined) return aclCheckKnown;
    try {
      aclCheckKnown = (await cmd.eval('return redis.acl_check_cmd ~= nil and 1 or 0', 0)) === 1;
    } catch {
      return false;
    }
    return aclCheckKnown;
  }
  /**
   * Why Redis holds no epoch and will not write one (a full Redis under noeviction whose epoch
   * key was deleted, as README advises after a restore), or null. No read can give a cursor
   * then: the store reads unhealthy, so polls and upgrades get 503 and Retry-After, until a read
   * (the heartbeat's, each second, meanwhile) writes one. Before, every poll got a 500 and every
   * new socket 1011 while status() said healthy (a hostile tester).
   */
  let epochRefused: string | null = null;
  /** Whether the epoch-refused line was logged for the refusal epochRefused holds (not at start). */
  let epochRefusedSaid = false;
  /**
   * Why every read fails on a running node, in its words, or null: rc:epoch, rc:seq or rc:head
   * holding what the store never writes there (another application's SET, or another type). The
   * node reads unhealthy meanwhile (503 with Retry-After), says it in status() and in one
   * store-keys-refused line (again when the reason changes), and store-keys-accepted once a read
   * (its heartbeat's, each second: BEAT_SCRIPT checks the three values) goes through. Before, the
   * reads failed with the key named while status() said healthy and nothing was logged, until a
   * reconnect's catch-up met it (tEF F6).
   */
  let keysRefused: string | null = null;
  function refuseReads(why: string): void {
    if (keysRefused !== why) {
      logger.error({ event: 'store-keys-refused', url: where, err: why }, `every read and publish fails until the key is fixed: reads and new sockets refused (503): ${why}`);
    }
    keysRefused = why;
    healthChanged();
  }
  /**
   * The append-refused and append-accepted lines: at most one of each every APPEND_LOG_MS (on the
   * monotonic clock: a wall clock stepped back 1 h kept the next warning unsaid for that long).
   * When Redis's memory hovers at maxmemory, appends flip between refused and stored: each flip
   * logged a pair, 312 ms apart (tAG). And the log is never left saying the opposite of the state
   * past those 10 s (a reviewer: an `append-accepted` last while appends are refused): a refusal
   * held back after an `append-accepted` line is said when the 10 s of the last append-refused
   * end, with the count of the refusals held back (`unlogged`), and an append stored within the
   * 10 s of the last `append-accepted`, after an append-refused line, is said when those end if
   * appends are still stored. Refusals held back otherwise are counted in the next line.
   * Both kinds of refusal (Redis's, a ReplyError; a stream's own, in the script's reply) go by it.
   */
  const APPEND_LOG_MS = 10_000;
  /** What the last append-* line said (null: none yet). */
  let appendsSaid: 'refused' | 'accepted' | null = null;
  let refusalLoggedAt = -Infinity;
  let acceptedLoggedAt = -Infinity;
  /** Publishes refused since the last append-refused (or append-accepted) line, that no line said. */
  let refusalsUnlogged = 0;
  /** The last of those refusals: what a line at the end of the 10 s says. */
  let heldRefusal: { fields: Record<string, unknown>; message: string } | null = null;
  /** When the first refusal (Redis's) after the last append-accepted line came, wall clock. */
  let refusedUnsaidSince: number | null = null;
  /**
   * A timer (unref'd, stopped by close()) running `then` once APPEND_LOG_MS have passed since
   * `since()` on the monotonic clock; start() while it runs does nothing.
   */
  function windowEnd(since: () => number, then: () => void): { start(): void; stop(): void } {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      timer = setTimeout(() => {
        // A timer may fire a hair before performance.now() says the time is up.
        if (performance.now() - since() < APPEND_LOG_MS) return arm();
        timer = undefined;
        then();
      }, Math.max(1, Math.ceil(since() + APPEND_LOG_MS - performance.now())));
      timer.unref();
    };
    return {
      start: () => void (timer === undefined && !closed && arm()),
      stop: () => void (clearTimeout(timer), (timer = undefined)),
    };
  }
  // Said at the end of the 10 s, standing for all the refusals held back (`unlogged`).
  const refusedLogLater = windowEnd(() => refusalLoggedAt, () => heldRefusal !== null && logRefused({ ...heldRefusal.fields, heldBack: true }, heldRefusal.message, refusalsUnlogged));
  const acceptedLogLater = windowEnd(() => acceptedLoggedAt, () => refusedSince === null && appendsSaid === 'refused' && logAccepted());
  /**
   * What to do about Redis's refusal of a write (`words`, its reply, or the epoch-refused reason quoting it) at run time, as the start says
   * it of the same cause, after `; `; '' for a refusal with no such advice. The run-time lines gave
   * Redis's words alone: an operator paged by `append-refused READONLY` was not told the node now
   * points at a replica (tDG F6).
   */
  function remedy(words: string): string {
    // Its code first, or in parentheses (the read script's NOEPOCH: `… refused to write one (OOM …)`).
    const code = /(?:^|\()([A-Z]+)\b/.exec(words)?.[1];
    if (code === 'READONLY') return `; Redis at ${where} is now a replica (a failover?): what is written on a replica never reaches its primary nor the other nodes; give the nodes the primary's URL`;
    if (code === 'NOREPLICAS') return '; Redis takes writes only with enough replicas connected (min-replicas-to-write): bring its replicas back, or lower min-replicas-to-write';
    if (code === 'OOM') return '; free memory or raise maxmemory';
    // A stream key of another type (the append script's WRONGTYPE names it): said as the reads and the start say it (tDV F8).
    if (code === 'WRONGTYPE' && /^WRONGTYPE \S+ holds /.test(words)) return `; ${anotherApplications}`;
    return '';
  }
  /** The streams of the refusals held back (`unloggedStreams` in the next line), at most LOGGED_STREAMS. */
  const streamsUnlogged = new Set<string>();
  function logRefused(fields: Record<string, unknown>, message: string, unlogged: number): void {
    refusedLogLater.stop();
    logger.warn({ event: 'append-refused', url: where, ...fields, unlogged, ...(streamsUnlogged.size > 0 ? { unloggedStreams: [...streamsUnlogged] } : {}) }, message);
    [refusalLoggedAt, appendsSaid, refusalsUnlogged, heldRefusal] = [performance.now(), 'refused', 0, null];
    streamsUnlogged.clear();
  }
  /** `count` publishes refused, for `fields.err`: said now, or held back (see APPEND_LOG_MS). */
  function appendsRefused(count: number, fields: Record<string, unknown>, message: string): void {
    if (performance.now() - refusalLoggedAt >= APPEND_LOG_MS) return logRefused(fields, message, refusalsUnlogged);
    refusalsUnlogged += count;
    for (const stream of (fields.streams as string[] | undefined) ?? []) if (streamsUnlogged.size < LOGGED_STREAMS) streamsUnlogged.add(stream);
    heldRefusal = { fields, message };
    if (appendsSaid === 'accepted') refusedLogLater.start();
  }
  function logAccepted(): void {
    acceptedLogLater.stop();
    // The refusals held back came before this append, stored as the line says: counted in it.
    refusedLogLater.stop();
    // Streams refused alone that took an append again (tIG F2), and how many are still refused then (status() says which).
    const streams = [...streamsAccepted];
    const still = streamsRefused.size;
    logger.info(
      { event: 'append-accepted', url: where, refusedSince: new Date(refusedUnsaidSince ?? Date.now()).toISOString(), unlogged: refusalsUnlogged, ...(streamsUnlogged.size > 0 ? { unloggedStreams: [...streamsUnlogged] } : {}), ...(streams.length > 0 ? { streams } : {}), ...(still > 0 ? { stillRefused: still } : {}) },
      'Redis stores appends again',
    );
    streamsUnlogged.clear();
    streamsAccepted.clear();
    [acceptedLoggedAt, appendsSaid, refusalsUnlogged, heldRefusal, refusedUnsaidSince] = [performance.now(), 'accepted', 0, null, null];
  }
  /** Streams refused alone that took an append again since the last append-accepted line (`streams` in the next one), at most LOGGED_STREAMS. */
  const streamsAccepted = new Set<string>();
  /**
   * An append stored after Redis refused some (`refusedSince` set), or one to a stream refused
   * alone before (`cleared`: with no line after a stream's own refusal ended, the last line said
   * publishes fail for good, tIG F2): said now, or when the 10 s of the last append-accepted end
   * if appends are still stored.
   */
  function appendsAccepted(cleared: readonly string[] = []): void {
    for (const stream of cleared) if (streamsAccepted.size < LOGGED_STREAMS) streamsAccepted.add(stream);
    refusedSince = null;
    if (performance.now() - acceptedLoggedAt >= APPEND_LOG_MS) return logAccepted();
    acceptedLogLater.start();
  }

  /**
   * Per connection, Redis's refusal of the SELECT ioredis sends as it connects (`ERR DB index is
   * out of range`), until its next attempt. ioredis only emits it as an error and goes on, on
   * database 0: a store on `/99` started, and shared database 0 with whoever uses it (a hostile tester).
   */
  const databaseRefused = new Map<Redis, string>();
  let refusalToldFor: number | null = null;
  /** Credential refusals (WRONGPASS, NOAUTH) and commands refused (NOPERM) logged since Redis was last healthy (see report()). */
  const credentialsToldOf = new Set<string>();
  const refusedSelect = (err: Error, client: Redis): boolean => {
    if ((err as { command?: { name?: string } }).command?.name !== 'select') return false;
    // SELECT refused to the ACL user is no database out of range: said as the ACL's other refusals, not "restart it with more" (tHJ F2).
    const byAcl = aclRefused(err.message);
    // Once per loss of Redis: the connection is remade every 2 s while Redis refuses.
    if (started && !closed && lostSince !== refusalToldFor) {
      refusalToldFor = lostSince;
      if (byAcl) {
        logger.error(
          { event: 'redis-command-refused', url: where, connection: client === sub ? 'subscriber connection' : 'command connection', database, err: selectRefusal(err.message) },
          `Redis refuses this ACL user SELECT, which the store sends to use database ${database}: not using another, reconnecting every 2 s until the ACL grants it`,
        );
      } else {
        logger.error({ event: 'redis-database-refused', url: where, database, err: err.message }, `Redis refused database ${database}: not using another, reconnecting; ${DATABASES}: restart it with more, or give the store a database it has`);
      }
    }
    databaseRefused.set(client, err.message);
    lastError = byAcl ? selectRefusal(err.message) : `Redis refused database ${database}: ${err.message}`;
    return true;
  };
  /** SELECT refused to the ACL user (`said`, Redis's words), said as the start says the ACL's other refusals. */
  const selectRefusal = (said: string): string =>
    `Redis at ${where} refused a command or channel to this ACL user: NOPERM this ACL user may not run SELECT, which the store sends to use database ${database} (${said}): grant it (+select)`;
  /**
   * False, and the connection remade in 2 s, when Redis refused its database as it connected: a
   * running node never goes on on another database (a Redis restarted with fewer `databases`),
   * it stays unhealthy until Redis takes it. At start, the start fails instead. Not ioredis's own
   * retry: the connection reached ready, which resets its backoff (a retry every 100 ms).
   */
  const onItsDatabase = (client: Redis): boolean => {
    if (!databaseRefused.has(client)) return true;
    if (started && !closed) reconnectLater(client);
    return false;
  };
  /** Connections closed by the store, to be made again in 2 s (see reconnectLater). */
  const reconnecting = new Set<Redis>();
  /** Closes `client` now and connects it again in 2 s: not ioredis's own retry, which a connection that reached ready resets (a retry every 100 ms). */
  function reconnectLater(client: Redis): void {
    client.disconnect();
    if (reconnecting.has(client)) return;
    reconnecting.add(client);
    setTimeout(() => {
      reconnecting.delete(client);
      if (!closed && client.status === 'end') client.connect().catch(() => undefined);
    }, 2000).unref();
  }
  /**
   * What the address answered as no Redis would (see NotRedisReply), at start: the start fails
   * saying so. A server that answered `+OK` to everything started "healthy" with epoch `O`, and
   * one answering `-ERR unknown command` was said "unreachable" (a fresh tester).
   */
  let notRedisDetail: string | null = null;
  let notRedisToldFor: number | null = null;
  /**
   * The address of Redis answered as no Redis would, on `client`: counted as lost (unhealthy:
   * polls and upgrades get 503, appends reject) and the connection remade in 2 s, whose replies
   * may no longer match its commands. Logged once per loss (`redis-not-redis`, an error): it
   * wrote ~100 `redis-error` lines a second, and publishers got ioredis's TypeError text.
   * Returns the error to give the caller.
   */
  function notRedis(detail: string, client: Redis): Error {
    notRedisDetail = detail;
    const message = `${where} does not answer as Redis (${detail}): is it the Redis port?`;
    lastError = message;
    if (started && !closed) {
      onDown();
      if (notRedisToldFor !== lostSince) {
        notRedisToldFor = lostSince;
        logger.error(
          { event: 'redis-not-redis', url: where, connection: client === sub ? 'subscriber connection' : 'command connection', err: detail },
          'the Redis address answers as no Redis would: counted as lost, the connection remade every 2 s',
        );
      }
      reconnectLater(client);
    } else if (!closed && (client !== cmd || ownsClient)) {
      // At start: the start fails now, not once the connection's other commands time out.
      client.disconnect();
    }
    return new Error(message);
  }
  /** A TCP (or TLS) connection to the address was made at start: a failure then is not the network's. A given client may be connected already. */
  let reached = cmd.status === 'ready';
  // Each connection attempt sends its SELECT anew.
  const forgetRefusal = (client: Redis) => () => {
    reached = true;
    databaseRefused.delete(client);
  };
  /**
   * How to give credentials to this Redis, for the NOAUTH hint: `redis://user:password@host`, or,
   * on a socket path, `redis://user:password@localhost?path=<socket>`: the first form leaves the
   * socket for TCP, and a socket path has no place for them (tDG F7).
   */
  const credentialsForm = (): string => {
    const socket = cmd.options.path;
    return typeof socket === 'string' && socket !== '' ? `redis://user:password@localhost?path=${socket}` : 'redis://user:password@host';
  };
  const report = (event: string, client?: Redis, fields: Record<string, unknown> = {}) => (err: Error) => {
    if (client && refusedSelect(err, client)) return;
    // A reply with no command waiting for it (ioredis: "Command queue state error. … Last reply: OK"),
    // or bytes that are no reply at all (an HTTP server: `Unknown RESP type 60 "<"`).
    const stray = /^Command queue state error\b.*? Last (?:reply|error): ([^]*)$/.exec(err.message);
    if (client && stray) return void notRedis(`a reply to no command: ${preview(stray[1])}`, client);
    if (client && /Unknown RESP type|Protocol error/.test(err.message)) return void notRedis(err.message.replace(/\. Please report this\.?$/, ''), client);
    // The ready check's INFO unknown (ioredis takes an unknown HELLO for an older Redis and ignores CLIENT SETINFO's errors): a POP3 server.
    if (client && !started && /^ERR unknown command\b/.test(err.message)) return void notRedis(err.message, client);
    const credentials = /^(WRONGPASS|NOAUTH)\b/.test(err.message);
    // A command refused to the ACL user once running: EVAL or EVALSHA taken from the user, met at
    // a reconnect (ioredis sends EVAL first on each connection). Only redis-lost was said, the
    // node unhealthy for good (tDG F1).
    if (started && !closed && running && (aclRefused(err.message) || aclNamedByRead(err.message))) {
      lastError = aclNamed.get(err.message) ?? err.message;
      // Said already by the ACL's answer (see readsRefused), which names what the reads need.
      if (!credentialsToldOf.has(err.message) && readsRefused === null) {
        credentialsToldOf.add(err.message);
        // Redis 7.0's words for a command inside a script name none: the ACL is asked which, as
        // the start does; the line and the status said only "can't run this command" (tEF F5).
        const said = err.message;
        void nameAclRefusal(said).then((named) => {
          if (named !== said) {
            aclNamed.set(said, named);
            if (lastError === said) lastError = named;
          }
          logger.error(
            { event: 'redis-command-refused', url: where, connection: event, err: named },
            'Redis refuses this ACL user a command the store needs (it runs its scripts with EVAL and EVALSHA, and the commands inside them): unavailable until the ACL grants it, retrying',
          );
        });
      }
      return;
    }
    // While the address answers as no Redis would, the status says so, not "no connection" (the store's own 2 s wait).
    if (!credentials && lostSince !== null && notRedisToldFor === lostSince) return;
    lastError = err.message;
    if (client && started && !closed && credentials) {
      // A password changed on a running Redis: the log said "connection lost; reconnecting" and
      // nothing more while every attempt was refused (a fresh tester). Said once per reason
      // until Redis is back, as redis-database-refused is; the status says it too.
      if (!credentialsToldOf.has(err.message)) {
        credentialsToldOf.add(err.message);
        const what = err.message.startsWith('NOAUTH') ? 'Redis requires credentials the store was not given' : 'Redis refused the credentials';
        logger.error({ event: 'redis-credentials-refused', url: where, connection: event, err: err.message }, `${what}: reconnecting`);
      }
      return;
    }
    // While reconnecting every attempt fails: log the loss once (redis-lost), not each attempt.
    if (started && !closed && lostSince === null) logger.warn({ event: 'redis-error', connection: event, url: where, err: err.message, ...fields }, `redis ${event} error`);
  };
  const onDown = () => {
    if (!started || closed) return;
    beatAnswered = false;
    downs++;
    if (lostSince !== null) return;
    lostSince = Date.now();
    lostAt = performance.now();
    // Not before the start resolved: there is no server yet to refuse or close sockets, and the
    // start says what it waits for (redis-waiting, see catchUpFailed). A start under CLIENT PAUSE
    // said only this, 15 s in, of a server that did not exist (tDG F3).
    lostSaid = running;
    if (running) logger.warn({ event: 'redis-lost', url: where }, 'redis connection lost; reconnecting (the server refuses new sockets, and closes those open past its storeUnavailableGraceMs)');
    healthChanged();
  };
  /** Whether the current loss was logged (redis-lost): redis-recovered is said of such a loss only. */
  let lostSaid = false;
  /** The command connection is being remade after a command went unanswered (until it is ready again). */
  let remaking = false;
  /**
   * Whether `err` is a command Redis did not answer in time: Redis is hung (or the network drops
   * packets), and the socket looks fine. Then counted as lost and the connection remade
   * ({@link commandsUnanswered}), so appends reject at once and new sockets get 503 until it
   * answers again.
   */
  const unanswered = (err: unknown): boolean => {
    if (!started || closed || !/timed out/i.test((err as Error)?.message ?? '')) return false;
    commandsUnanswered();
    return true;
  };
  /** Counts Redis as lost (`onDown`) and remakes the command connection, once per loss. */
  function commandsUnanswered(): void {
    lastError = `no answer within ${commandTimeoutMs} ms`;
    onDown();
    // Once per loss: every command that timed out would otherwise remake the connection again
    // (and add a listener to the socket each time: MaxListenersExceededWarning, from a hostile tester).
    if (cmd.status === 'ready' && !remaking) {
      remaking = true;
      cmd.disconnect(true);
    }
  }
  /**
   * The subscriber connection left a heartbeat unanswered while commands were answered: its path
   * went silent with the socket open (half-open TCP, a stuck NAT or load balancer), and no live
   * entry reaches this node. Counted as lost, like a closed connection, and remade: its 'ready'
   * subscribes again and catches up on what the silence hid. Before, only the command connection
   * was watched, and such a node read healthy while it delivered nothing (a hostile tester).
   */
  function subscriberSilent(): void {
    lastError = `no answer within ${commandTimeoutMs} ms on the subscriber connection (commands answered): live entries stopped`;
    onDown();
    if (sub.status === 'ready') sub.disconnect(true);
  }
  /**
   * 'answered', 'late' (past commandTimeoutMs: also for a given client without its own command
   * timeout), 'failed', or the reply, not `expected`'s shape, that no Redis gives (a NotRedisReply).
   */
  const within = (reply: Promise<unknown>, expected: { what: string; is: (value: unknown) => boolean }): Promise<'answered' | 'late' | 'failed' | NotRedisReply> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      reply.then(
        (value) => (expected.is(value) ? ('answered' as const) : new NotRedisReply(`the heartbeat's ${expected.what} is ${preview(value)}`)),
        (err: unknown) => (/timed out/i.test((err as Error)?.message ?? '') ? ('late' as const) : ('failed' as const)),
      ),
      new Promise<'late'>((resolve) => (timer = setTimeout(resolve, commandTimeoutMs, 'late'))),
    ]).finally(() => clearTimeout(timer));
  };
  /**
   * One heartbeat: a script on the command connection that only asks whether the epoch key is
   * there (Redis holds it while writes are paused, as it holds appends and reads: see
   * BEAT_SCRIPT; the key gone, the node reads: see lookAtEpoch) and a PING on the subscriber one (a
   * subscribed connection answers PING), at most one at a time. A hung Redis is noticed by a command that waits past the command
   * timeout; on a node where nobody publishes none was sent, and status() said healthy while
   * every new socket was accepted, then closed with 1011 (a hostile tester); and a subscriber
   * connection is sent no command at all once subscribed. Sent while Redis counts as lost too:
   * recovery waits for one that both connections answered.
   */
  function beat(): void {
    if (!started || closed || beating || cmd.status !== 'ready' || sub.status !== 'ready') return;
    // A read writes the epoch when Redis takes it again (nobody else reads while polls get 503);
    // and goes through once the store's keys hold what it writes again.
    if (epochRefused !== null || keysRefused !== null) lookAtEpoch();
    // Granted again: healthy once the ACL says so (see readsRefused).
    if (readsRefused !== null && running) void askReadRights();
    // Streams the ACL refused: cleared once it grants them again, a quiet user's too.
    if (streamsRefused.size > 0 && refusedSince === null && running) void askStreamRights();
    beating = true;
    const sentAfter = downs;
    // 1, 0 for an epoch key gone, 2 for a key holding what the store never writes; '1', '0', '2' from a given client with stringNumbers.
    const beatReply = { what: 'script reply (1, 0 without an epoch key, or 2)', is: (value: unknown) => [0, 1, 2].includes(Number(value)) && String(value).length === 1 };
    let epochGone = false;
    let keysBad = false;
    let beatError: string | undefined;
    const beatSent = cmd.rcBeat(keys.epoch, keys.seq, keys.head).then(
      (value) => {
        epochGone = value === 0 || value === '0';
        keysBad = value === 2 || value === '2';
        return value;
      },
      (err: unknown) => {
        beatError = String((err as Error | null)?.message);
        throw err;
      },
    );
    // PONG; ['pong', ''] on a subscribed RESP2 connection (a given client's protocol).
    const pong = { what: 'PING reply', is: (value: unknown) => value === 'PONG' || (Array.isArray(value) && String(value[0]).toLowerCase() === 'pong') };
    let pingError: string | undefined;
    const pinged = sub.ping().catch((err: unknown) => {
      pingError = String((err as Error | null)?.message);
      throw err;
    });
    void Promise.all([within(beatSent, beatReply), within(pinged, pong)]).then(([commands, subscriber]) => {
      beating = false;
      if (closed) return;
      // The epoch key gone: this node's read writes one (a new epoch: its catch-up tells the gap)
      // or finds it refused (unhealthy, epoch-refused), now, not when a socket or poll comes.
      if (epochGone && commands === 'answered' && running && epochRefused === null) lookAtEpoch();
      // A key holding what the store never writes: the read names it and turns the node unhealthy.
      if (keysBad && commands === 'answered' && running && keysRefused === null) lookAtEpoch();
      // Never recovered on such an answer: a server that answered `+OK` to everything read as healthy.
      if (commands instanceof NotRedisReply) return void notRedis(commands.detail, cmd);
      if (subscriber instanceof NotRedisReply) return void notRedis(subscriber.detail, sub);
      // Refused to the ACL user (met every second: a reconnect was waited for): unhealthy, said once per reason.
      // PING refused to the ACL user: the subscriber connection answered (it is alive), and the node
      // reads unhealthy, naming it, until it is granted (tHT F1: recovery waited for a PONG for good).
      // Looked at before the script's answer, so that what the accepted lines say of health holds both (tHZ F2).
      const pingNoperm = subscriber === 'failed' && pingError !== undefined && aclRefused(pingError);
      if (pingNoperm && running) pingRefusedBy(pingError!);
      else if (subscriber === 'answered' && pingRefused !== null) {
        pingRefused = null;
        logger.info({ event: 'redis-command-accepted', url: where }, `Redis answers the store's heartbeat PING for this ACL user again${healthAfterAccepted()}`);
        healthChanged();
      }
      if (commands === 'failed' && beatError !== undefined && running && aclRefused(beatError)) beatRefusedBy(beatError);
      else if (commands === 'answered' && beatRefused !== null) {
        credentialsToldOf.delete(beatRefused);
        beatRefused = null;
        logger.info({ event: 'redis-command-accepted', url: where }, `Redis runs the store's heartbeat for this ACL user again${healthAfterAccepted()}`);
        healthChanged();
      }
      if (commands === 'late') commandsUnanswered();
      else if (subscriber === 'late') subscriberSilent();
      if (commands === 'answered' && (subscriber === 'answered' || pingNoperm) && downs === sentAfter) {
        beatAnswered = true;
        maybeRecovered();
      }
    });
  }
  /**
   * The heartbeat met an ACL refusal (`said`, Redis's words): the node reads unhealthy, and
   * redis-command-refused is logged once per reason, the commands the ACL refuses named as the
   * start names them (a reconnect that meets the same refusal does not say it again).
   */
  function beatRefusedBy(said: string): void {
    const was = beatRefused;
    beatRefused = said;
    if (was === null) healthChanged();
    if (credentialsToldOf.has(said)) return;
    credentialsToldOf.add(said);
    void nameAclRefusal(said).then((named) => {
      if (named !== said) aclNamed.set(said, named);
      logger.error(
        { event: 'redis-command-refused', url: where, connection: 'command connection', err: named },
        'Redis refuses this ACL user a command the store needs (it runs its scripts with EVAL and EVALSHA, and the commands inside them): unavailable until the ACL grants it, retrying',
      );
    });
  }
  /**
   * The heartbeat's PING met an ACL refusal (`said`, Redis's words): pingRefused names it as the
   * start does, and redis-command-refused is logged when it says something new (not at each
   * heartbeat, nor at a reconnect that meets it again).
   */
  function pingRefusedBy(said: string): void {
    const named = refusedSaid(['PING']);
    const why = `Redis at ${where} refused a command or channel to this ACL user: ${named.what} (${said}): ${named.grant}`;
    if (pingRefused === why) return;
    pingRefused = why;
    logger.error(
      { event: 'redis-command-refused', url: where, connection: 'subscriber connection', err: why },
      "Redis refuses this ACL user PING, which the store's heartbeat sends each second on its subscriber connection: unavailable until the ACL grants it, asked again each second",
    );
    healthChanged();
  }
  /**
   * Asks the ACL whether it still grants what the store's reads run on its own keys (see
   * readsRefused), and sets readsRefused from the answer: redis-command-refused logged when it names
   * other commands than it did, redis-command-accepted when none is refused any more. `said`: the
   * refusal of a read that asked, in Redis's words, said beside the commands named. One ask at a
   * time (a second call shares it). Resolves with `downs` when it was sent and whether Redis answered.
   */
  function askReadRights(said?: string): Promise<{ sentAt: number; answered: boolean }> {
    rightsAsking ??= (async () => {
      const sentAt = downs;
      const asked = await aclRefuses([], false);
      if (asked === undefined || closed || !running) return { sentAt, answered: asked !== undefined };
      const refused = asked.filter((c) => READ_RIGHTS.test(c));
      if (refused.length === 0) {
        if (readsRefused !== null) {
          readsRefused = null;
          readsRefusedWhat = null;
          logger.info({ event: 'redis-command-accepted', url: where }, `Redis grants this ACL user the commands the store's reads run again${healthAfterAccepted()}`);
          healthChanged();
        }
        return { sentAt, answered: true };
      }
      const what = refused.join(', ');
      if (what === readsRefusedWhat) return { sentAt, answered: true };
      const named = refusedSaid(refused);
      const words = said === undefined ? '' : ` (${said})`;
      readsRefused = named.renamed ? `Redis at ${where} ${named.what}${words}: ${named.grant}` : `Redis at ${where} refused a command or channel to this ACL user: ${named.what}${words}: ${named.grant}`;
      readsRefusedWhat = what;
      logger.error(
        { event: 'redis-command-refused', url: where, connection: 'command connection', err: readsRefused },
        "Redis refuses this ACL user a command the store's reads run (resumes, polls with a cursor, the catch-up): unavailable until the ACL grants it, asked again each second",
      );
      healthChanged();
      return { sentAt, answered: true };
    })().finally(() => {
      rightsAsking = null;
    });
    return rightsAsking;
  }
  /**
   * Reads Redis's epoch (writing one if it holds none, see READ_SCRIPT): refused, the store reads
   * unhealthy (epoch-refused); another epoch than this node's, its catch-up reports the gap.
   */
  function lookAtEpoch(): void {
    void readStreams([], 0, 1).then(
      (read) => {
        if (!closed && epoch !== null && read.epoch !== epoch) void sync();
      },
      () => undefined,
    );
  }
  /** A command ioredis never sent: no connection (its offline queue is off). Its words ("Stream isn't writeable and enableOfflineQueue options is false") say neither (a hostile tester). */
  const unsent = (err: unknown): boolean => /isn't writeable/.test((err as Error)?.message ?? '');
  /** ioredis's words for a command on a connection that is gone: never sent (see unsent), or dropped unanswered when it closed. */
  const connectionGone = (err: unknown): boolean => unsent(err) || /^Connection is closed/.test((err as Error)?.message ?? '');
  const unavailable = (command: 'append' | 'read' | 'epoch rotation', outcome = ''): Error =>
    new Error(`Redis is unavailable (${closed ? 'the stream store is closed' : `no connection to it when the ${command} was sent`})${outcome}`);
  /** `reply`, or its failure in the store's words when ioredis never sent the command; a timeout marks Redis down. */
  const answer = async <T>(reply: Promise<T>, command: 'read' | 'epoch rotation'): Promise<T> => {
    try {
      return await reply;
    } catch (err) {
      // ioredis's "Command timed out" and "Connection is closed." said neither what nor where (a hostile tester).
      if (unanswered(err)) throw new Error(`Redis did not answer the ${command} within ${commandTimeoutMs} ms`);
      if (/^Connection is closed/.test((err as Error)?.message ?? '')) throw new Error(`the connection to Redis closed before it answered the ${command}`);
      // In flight when the connection was remade: ioredis's wording named an option the store
      // does not offer (`Refer to "maxRetriesPerRequest"`, in poll-failed lines: a hostile tester).
      if ((err as Error | null)?.name === 'MaxRetriesPerRequestError') throw new Error(`the connection to Redis dropped before it answered the ${command}`);
      throw unsent(err) ? unavailable(command) : err;
    }
  };
  const onCmdError = report('command connection', cmd);
  const onCmdConnect = forgetRefusal(cmd);
  const onCmdReady = () => {
    if (!onItsDatabase(cmd)) return;
    remaking = false;
    maybeRecovered();
  };
  /** When the last redis-loading line was logged (monotonic clock); the look at Redis's INFO while it loads. */
  let loadingLoggedAt = -Infinity;
  let loadingWatch: ReturnType<typeof setInterval> | undefined;
  /** Redis answered the watch below that it loads its dataset: it is Redis, and a close after that is Redis away (see connectWaiting). */
  let loadingSeen = false;
  /**
   * Connected, not ready: ioredis's ready check holds the connection while Redis loads its
   * dataset (INFO `loading:1`), and nothing was said: a node started on a Redis loading 22 s
   * wrote no line, hung to an operator (tDA F2). Looked at each LOADING_LOOK_MS (INFO may be
   * sent while Redis loads), said in a `redis-loading` warning at most once each 10 s.
   */
  const watchLoading = () => {
    clearInterval(loadingWatch);
    loadingWatch = setInterval(() => {
      if (closed || cmd.status !== 'connect') return void clearInterval(loadingWatch);
      cmd.info('persistence').then(
        (info: unknown) => {
          if (closed || cmd.status !== 'connect' || typeof info !== 'string' || !/^loading:1\r?$/m.test(info)) return;
          loadingSeen = true;
          const now = performance.now();
          if (now - loadingLoggedAt < APPEND_LOG_MS) return;
          loadingLoggedAt = now;
          const field = (name: string) => new RegExp(`^${name}:([0-9.]+)\\r?$`, 'm').exec(info)?.[1];
          const percent = field('loading_loaded_perc');
          const etaSeconds = field('loading_eta_seconds');
          logger.warn(
            { event: 'redis-loading', url: where, ...(percent === undefined ? {} : { loadedPercent: Number(percent) }), ...(etaSeconds === undefined ? {} : { etaSeconds: Number(etaSeconds) }) },
            `Redis at ${where} is loading its dataset into memory${percent === undefined ? '' : ` (${percent} %)`}: waiting for it${running ? '' : ' before the store starts'}`,
          );
        },
        () => undefined,
      );
    }, LOADING_LOOK_MS);
    loadingWatch.unref();
  };
  const stopLoadingWatch = () => clearInterval(loadingWatch);
  cmd.on('error', onCmdError);
  cmd.on('close', onDown);
  cmd.on('connect', onCmdConnect);
  cmd.on('connect', watchLoading);
  cmd.on('ready', onCmdReady);
  cmd.on('ready', stopLoadingWatch);
  cmd.on('close', stopLoadingWatch);
  const detachCmd = () => {
    cmd.off('error', onCmdError);
    cmd.off('close', onDown);
    cmd.off('ready', onCmdReady);
    cmd.off('connect', onCmdConnect);
    cmd.off('connect', watchLoading);
    cmd.off('ready', stopLoadingWatch);
    cmd.off('close', stopLoadingWatch);
    stopLoadingWatch();
  };
  sub.on('error', report('subscriber connection', sub));
  sub.on('close', () => {
    subscribed = false;
    onDown();
  });
  sub.on('connect', forgetRefusal(sub));
  sub.on('ready', () => {
    if (!onItsDatabase(sub) || !started || closed) return;
    void resubscribe();
  });
  sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => {
    const records = decodePublished(payload);
    if (records === null) {
      logger.error({ event: 'unreadable-entry', sample: payload.toString('utf8', 0, 80) }, 'unreadable batch on the fan-out channel');
      return;
    }
    for (const record of records) {
      record.arrival = ++arrivals;
      if (syncing || epoch === null) hold(record);
      else handle(record);
    }
  });

  function maybeRecovered(): void {
    if (lostSince === null || cmd.status !== 'ready' || sub.status !== 'ready' || !subscribed || syncing) return;
    if (!beatAnswered) {
      beat();
      return;
    }
    // The ACL asked, once per loss, before the node reads healthy: a right the reads need taken
    // while it was away (an ACL reset drops the user's connections) is met now, not only by a
    // catch-up that happens to read a page (tHJ F1). An answer to an ask sent before this loss
    // is no answer: asked again. No answer to this one (EVALSHA refused: the heartbeat says it) goes on as before.
    if (running && rightsAskedFor !== downs) {
      const asked = downs;
      void askReadRights().then(({ sentAt }) => {
        if (closed || downs !== asked) return;
        if (sentAt === asked) rightsAskedFor = asked;
        maybeRecovered();
      });
      return;
    }
    if (lostSaid) logger.info({ event: 'redis-recovered', url: where, downMs: Math.round(performance.now() - lostAt) }, 'redis connection recovered');
    lostSince = null;
    lostSaid = false;
    credentialsToldOf.clear();
    notRedisToldFor = null;
    // What the next loss says is its own: an error of this one (an ECONNREFUSED while Redis was
    // down) showed in the status of a later loss that had no error of its own (a hostile tester).
    lastError = '';
    healthChanged();
  }

  /**
   * What a redis-command-accepted line says of the node's health once the refusal it ends is gone:
   * `: healthy` when status().healthy is true; `; still unhealthy: <the refusal status() names>`
   * while another keeps the node unhealthy (PING, a read's command, the epoch); nothing while Redis
   * still counts as lost (redis-recovered says when it is back). Before, the heartbeat's and the
   * reads' lines said "healthy" while a refused PING kept polls at 503 (tHZ F2).
   */
  function healthAfterAccepted(): string {
    if (isHealthy()) return ': healthy';
    if (lostSince !== null || closed) return '';
    const still = [epochRefused, keysRefused, catchUpRefused, beatRefused, readsRefused, pingRefused].find((refusal) => refusal !== null);
    return still === undefined || still === null ? '' : `; still unhealthy: ${aclNamed.get(still) ?? still}`;
  }
  /** What `status().healthy` says. */
  function isHealthy(): boolean {
    return cmd.status === 'ready' && sub.status === 'ready' && subscribed && lostSince === null && !closed && epochRefused === null && keysRefused === null && catchUpRefused === null && beatRefused === null && readsRefused === null && pingRefused === null;
  }
  /**
   * Tells onHealth's listeners when `status().healthy` changed since they were last told. Called
   * wherever what it reads changes as the store sees it (Redis lost or recovered, reads refused or
   * taken again, closed): the server timed `storeUnavailableGraceMs` by looking at `status()` each
   * second, and a Redis back for less than that between two outages went unseen, so the outages
   * added up to one and sockets were closed 1013 though none lasted the grace period (tCU F1).
   */
  function healthChanged(): void {
    const healthy = isHealthy();
    if (healthy === toldHealthy) return;
    toldHealthy = healthy;
    for (const listener of healthListeners) {
      try {
        listener(healthy);
      } catch (err) {
        logger.error({ event: 'listener-threw', err: listenerError(err) }, 'health listener threw');
      }
    }
  }

  /**
   * Subscribes the subscriber connection, once it is ready, until Redis answers: then catches
   * up. A SUBSCRIBE without an answer within `commandTimeoutMs` remakes the connection (its path
   * went silent; its 'ready' calls this again); one Redis refuses (NOPERM: the ACL changed) is
   * sent again with backoff, up to every 5 s. It gave up instead, "the next 'ready' retries",
   * and no 'ready' came: the node stayed unhealthy for good (a hostile tester).
   */
  async function resubscribe(): Promise<void> {
    clearTimeout(subscribeRetry);
    if (!started || closed || sub.status !== 'ready') return;
    try {
      await sub.subscribe(keys.channel);
    } catch (err) {
      // The connection closed (or ended, its 'close' not handled yet: see the start's): its next 'ready' subscribes.
      if (closed || sub.status !== 'ready' || connectionGone(err)) return;
      onDown();
      if (/timed out/i.test((err as Error)?.message ?? '')) {
        lastError = `no answer to SUBSCRIBE within ${commandTimeoutMs} ms on the subscriber connection: remaking it`;
        sub.disconnect(true);
        return;
      }
      lastError = `Redis refused SUBSCRIBE ${keys.channel}: ${(err as Error)?.message ?? String(err)}`;
      if (subscribeRefusals === 0) logger.warn({ event: 'redis-error', connection: 'subscribe', url: where, err: lastError }, 'redis subscribe error: retrying');
      subscribeRetry = setTimeout(() => void resubscribe(), Math.min(250 * 2 ** subscribeRefusals++, 5000));
      subscribeRetry.unref();
      return;
    }
    subscribeRefusals = 0;
    // Not if the connection closed meanwhile: its next 'ready' subscribes again.
    if (sub.status !== 'ready') return;
    subscribed = true;
    await sync();
  }

  function emit(entry: StreamEntry): void {
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch (err) {
        logger.error({ event: 'listener-threw', err: listenerError(err) }, 'stream listener threw');
      }
    }
  }

  function gap(reason: StreamGap['reason'], detail: string): void {
    logger.warn({ event: 'stream-gap', url: where, reason, detail }, 'live stream gap: affected sockets must resume');
    for (const listener of gapListeners) {
      try {
        listener({ reason, detail });
      } catch (err) {
        logger.error({ event: 'listener-threw', err: listenerError(err) }, 'gap listener threw');
      }
    }
  }

  /** Delivers one published entry in order, or starts a catch-up when entries are missing. */
  function handle(published: Published): void {
    const pos = parseRedisCursor(published.entry.cursor);
    if (!pos) {
      logger.error({ event: 'unreadable-entry', sample: published.entry.cursor }, 'unreadable entry on the fan-out channel');
      return;
    }
    if (retired.has(pos.epoch)) return;
    if (pos.epoch !== epoch) {
      if (checked && published.arrival <= checked.arrivals) {
        // A catch-up sent after it arrived found Redis in another epoch (this node's, since the
        // catch-up makes it so): not an entry of this Redis. Another deployment's, on another
        // database of the server or an older version of this one sharing the channel name, or
        // a stray publisher's. Taken on trust, it closed every socket of the node with 4410,
        // and the next record of this deployment closed them again (a hostile tester).
        // Each later record of that epoch is checked again (Redis may yet take it: a snapshot
        // of it restored), and dropped the same way; the warning is said once per epoch.
        if (!foreign.has(pos.epoch)) {
          if (foreign.size >= MAX_FOREIGN_EPOCHS) foreign.clear();
          foreign.add(pos.epoch);
          logger.warn(
            { event: 'foreign-epoch', url: where, channel: keys.channel, epoch: pos.epoch, redisEpoch: epoch },
            "fan-out record of an epoch this Redis does not hold (another deployment's on this channel, or a stray publisher's): dropped",
          );
        }
        return;
      }
      // Redis lost its data and some node already appended in the new epoch, or the record is
      // not of this Redis: only a read of Redis tells. Its catch-up reports the gap (and takes
      // the new epoch) when Redis holds another epoch indeed.
      hold(published, true);
      void sync();
      return;
    }
    if (last && published.seq <= last.seq) {
      // Already delivered by a catch-up, unless it is later than that: then Redis's sequence
      // went back (restored from an older snapshot, a replica promoted with lag). The catch-up
      // tells which; this entry is read again in the new epoch it starts.
      if (pos.position > last.position) void sync();
      return;
    }
    if (last && published.seq > last.seq + 1) {
      if (checked && checked.epoch === pos.epoch && published.arrival <= checked.arrivals && published.seq > checked.seq) {
        // A catch-up since it arrived read the sequence below it: it is not an entry of Redis
        // (see `checked`). Queued again, it would start catch-up after catch-up forever, with
        // every live entry held behind it (from a hostile auditor).
        logger.warn(
          { event: 'entry-ahead-of-redis', url: where, cursor: published.entry.cursor, seq: published.seq, redisSeq: checked.seq },
          'fan-out record with a sequence number Redis never reached: not a stored entry, dropped',
        );
        return;
      }
      // A sequence number is missing: replay the hole from the all-stream before this one.
      hold(published, true);
      void sync();
      return;
    }
    last = { position: pos.position, seq: published.seq };
    newest = { epoch, position: pos.position };
    emit(published.entry);
  }

  /**
   * Brings `last` up to the head: replays the all-stream after `last` to the listeners (or reports
   * a gap), then delivers what arrived live meanwhile. Retries while Redis is away (each 200 ms;
   * its `redis-error` line at most once each 10 s, see catchUpFailed).
   * @param atStart - the start's own: an answer waiting cannot change (see startRefusal) rejects
   *   it instead, and the start with it.
   */
  async function sync(atStart = false): Promise<void> {
    if (syncing) return;
    syncing = true;
    // Set when an entry drained below finds another hole and starts the next sync: the flag is
    // then that sync's, and clearing it here would let live entries bypass `pending` and start
    // overlapping catch-ups that deliver the same range twice.
    let handedOver = false;
    try {
      for (;;) {
        if (closed) return;
        try {
          pendingDropped = false;
          await catchUp();
          if (catchUpRefused !== null) {
            logger.info({ event: 'catch-up-accepted', url: where }, 'Redis takes the catch-up again: the live feed goes on');
            catchUpRefused = null;
            healthChanged();
          }
          // Records dropped meanwhile (see hold): read from where this catch-up ended.
          if (pendingDropped) continue;
          break;
        } catch (err) {
          if (atStart) {
            const refused = await startRefusal(err);
            if (refused !== undefined) throw refused;
          }
          const message = String((err as Error | null)?.message);
          if (running && !closed && (aclRefused(message) || aclNamedByRead(message))) {
            catchUpRefused = message;
            healthChanged();
          }
          catchUpFailed(err as Error);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      syncing = false;
      // Not once closed: sync() then returns at once, so a record with a hole would be handled
      // again and again, synchronously (the event loop stuck for good).
      while (pending.length > 0 && !syncing && !closed) handle(nextHeld());
      handedOver = syncing;
      maybeRecovered();
    } finally {
      if (!handedOver) syncing = false;
    }
  }

  /** When the last catch-up `redis-error` line was logged (monotonic clock), and the failures since that no line said. */
  let catchUpLoggedAt = -Infinity;
  let catchUpUnlogged = 0;
  /** A catch-up of the start timed out since the last line (Redis holds it: see catchUpFailed). */
  let heldInWindow = false;
  /**
   * A catch-up failed (it is retried each 200 ms): said as report() says it, at most once each
   * 10 s, the failures not said counted in the next line (`unlogged`). A start that waited on a
   * Redis loading its dataset, or refusing the epoch, wrote 4–5 lines a second (tCX F3). Before
   * the start resolved, a read Redis left unanswered (it holds writes) or a Redis away is said as
   * a `redis-waiting` warning instead (by the same rule), and no `redis-lost` (see onDown).
   */
  function catchUpFailed(err: Error): void {
    const now = performance.now();
    // Redis loading its dataset, met by the read itself: an ACL user without INFO (INFO is
    // @dangerous) has ioredis skip its ready check, and the watch above cannot ask INFO, so the
    // read met LOADING, said as a "redis catch-up error" each 10 s (tEF F7). Said as the watch
    // says it, without the percentage it cannot read, under the same 10 s rule (at start: a
    // running node's catch-up goes by report()'s redis-lost accounting).
    if (!running && !closed && err instanceof ReplyError && /^LOADING\b/.test(err.message)) {
      loadingSeen = true;
      if (!(lostSince !== null && notRedisToldFor === lostSince)) lastError = err.message;
      if (now - loadingLoggedAt < APPEND_LOG_MS) return;
      loadingLoggedAt = now;
      logger.warn({ event: 'redis-loading', url: where }, `Redis at ${where} is loading its dataset into memory: waiting for it before the store starts`);
      return;
    }
    const timedOut = /timed out|did not answer/i.test(err.message);
    heldInWindow ||= timedOut;
    if (now - catchUpLoggedAt < APPEND_LOG_MS) {
      if (!(lostSince !== null && notRedisToldFor === lostSince)) lastError = err.message;
      catchUpUnlogged++;
      return;
    }
    catchUpLoggedAt = now;
    const unlogged = catchUpUnlogged;
    catchUpUnlogged = 0;
    const held = heldInWindow;
    heldInWindow = false;
    // The start waits on a Redis that holds its read (CLIENT PAUSE … WRITE, what FAILOVER does),
    // or that went away meanwhile: said so each 10 s. It said nothing for 15 s, then one
    // redis-lost line of sockets and a server not there yet, then nothing for the rest (tDG F3).
    if (!running && !closed && (held || lostSince !== null)) {
      if (!(lostSince !== null && notRedisToldFor === lostSince)) lastError = err.message;
      const why = held ? `has not answered the store's read within ${commandTimeoutMs} ms: it holds writes (CLIENT PAUSE … WRITE, as FAILOVER does) or is busy` : 'is away';
      logger.warn({ event: 'redis-waiting', url: where, err: err.message, ...(unlogged > 0 ? { unlogged } : {}) }, `Redis at ${where} ${why}: waiting for it before the store starts`);
      return;
    }
    // A refusal the start waits on that has a remedy (NOREPLICAS): its line said "redis catch-up
    // error", neither that the start waits nor what to do (tDV F8).
    const advice = running ? '' : remedy(err.message);
    if (advice !== '' && !closed && lostSince === null) {
      lastError = err.message;
      logger.warn({ event: 'redis-error', connection: 'catch-up', url: where, err: err.message, ...(unlogged > 0 ? { unlogged } : {}) }, `Redis at ${where} refuses the store's first read for now: waiting for it before the store starts${advice}`);
      return;
    }
    report('catch-up', undefined, unlogged > 0 ? { unlogged } : {})(err);
  }

  /**
   * Leaves this node's epoch for a new one that replaces `found`, an older epoch Redis came back with (`why`: restored
   * from a snapshot, without what was written since), told to every client as a gap; the catch-up then starts again.
   */
  async function replaceOlderEpoch(found: string, why: string): Promise<void> {
    leave(epoch!, last!.seq);
    const replacedBy = await rotate(found, why);
    retired.add(found);
    gap('epoch', `epoch ${epoch} → ${replacedBy}: ${why}`);
    epoch = null;
    last = null;
  }

  async function catchUp(): Promise<void> {
    const batch = 1000;
    for (;;) {
      const streams = last ? [keys.all] : [];
      const arrived = arrivals;
      const read = await readStreams(streams, last ? last.position : 0, batch, CATCH_UP_MAX_BYTES);
      checked = { epoch: read.epoch, seq: read.seq, arrivals: arrived };
      const head = { position: read.head, seq: read.seq };
      if (epoch === null || last === null) {
        epoch = read.epoch; // start: live from the head
        last = head;
        await noteNewest(read.epoch);
        return;
      }
      if (read.epoch !== epoch && (retired.has(read.epoch) || left.has(read.epoch))) {
        // An epoch this node replaced is back (Redis restored from the same older snapshot
        // again): it lost writes again. Its live records were dropped as the old epoch's, and
        // this node delivered nothing for good (a hostile tester): replace it again. So is one
        // it left (Redis restarted empty, then restored from a snapshot of before): what this
        // node saw written since is not there, and a cursor of it read `resumed` (tIG F4).
        const why = retired.has(read.epoch)
          ? `Redis came back with epoch ${read.epoch}, which it had replaced (restored from an older snapshot again)`
          : `Redis came back with epoch ${read.epoch} (at sequence ${read.seq}), which this node had left at sequence ${left.get(read.epoch)} for ${epoch}: restored from an older snapshot, without what was written since`;
        await replaceOlderEpoch(read.epoch, why);
        continue;
      }
      if (read.epoch !== epoch) {
        // A node that saw writes Redis lost records where the epoch it starts begins (see
        // ROTATE_SCRIPT); a Redis restarted empty, or whose epoch key was deleted, has none. Every
        // other node said "Redis lost its data" of a rotation too, when it had lost its latest writes.
        // An unreadable record (another type) is said, and the gap told all the same: the catch-up
        // retried it for ever, every live entry held behind it and no gap told (tDV F3).
        const start = await recordedStart().catch((err: unknown) => {
          if (!(err instanceof EpochStartUnreadable)) throw err;
          logger.error({ event: 'redis-error', connection: 'catch-up', url: where, err: err.message }, 'the epoch start record is unreadable: the epoch change is told as a gap all the same');
          return null;
        });
        // An epoch older than this node's (a snapshot restored, older than an empty restart this
        // node saw, though it never was in that epoch): replaced, as one it left is (tIP F1).
        const seenAt = newestIn(epoch);
        const older = seenAt === undefined ? null : await olderEpoch(read.epoch, start, seenAt);
        if (older !== null) {
          await replaceOlderEpoch(read.epoch, older);
          continue;
        }
        const rotated = start?.split(' ')[0] === read.epoch;
        gap('epoch', `epoch ${epoch} → ${read.epoch}: ${rotated ? 'Redis came back without its latest writes (a node that had seen them started the new epoch)' : 'Redis lost its data (restarted empty, or its epoch key deleted)'}`);
        leave(epoch, last.seq);
        epoch = read.epoch;
        last = head;
        await noteNewest(read.epoch);
        return;
      }
      // Same epoch, yet the sequence is below what this node saw, or an entry after the last one
      // it delivered carries a sequence number it already saw (appends made since Redis came back
      // took the lost numbers again, and may have carried the count past it: a reviewer): Redis
      // came back without its latest writes, and the epoch key survived. Cursors of the lost
      // stretch would read as resumed: start a new epoch, so that every node and every client is
      // told of the gap.
      const metReused: ForeignMet = new Map();
      const reused = read.streams[0]?.entries.find((item) => parseEntryId(item[0])!.seq <= last!.seq && !skipForeign(keys.all, item, metReused));
      sayForeign(metReused);
      if (read.seq < last.seq || reused !== undefined) {
        const why = reused ? `entry ${reused[0]} reuses a sequence number at or below ${last.seq}` : `the sequence went back from ${last.seq} to ${read.seq}`;
        const rotated = await rotate(read.epoch, why);
        retired.add(read.epoch);
        gap('epoch', `epoch ${epoch} → ${rotated}: Redis came back without its latest writes (${why})`);
        epoch = null;
        last = null;
        continue;
      }
      const stream = read.streams[0]!;
      if (parseEntryId(stream.deleted)!.position > last.position) {
        gap('trimmed', `entries after position ${last.position} left the all-stream before this node read them`);
        last = head;
        return;
      }
      const met: ForeignMet = new Map();
      for (const item of stream.entries) {
        // Another application's entry: passed (its position, so the next read starts after it), never delivered, its sequence number not taken.
        if (skipForeign(keys.all, item, met)) {
          last = { position: parseEntryId(item[0])!.position, seq: last.seq };
          continue;
        }
        last = parseEntryId(item[0])!;
        newest = { epoch: read.epoch, position: last.position };
        emit(decodeStored(item, read.epoch, undefined));
      }
      sayForeign(met);
      if (stream.entries.length < batch && !stream.cut) {
        // Everything up to the head is delivered (a sequence number taken by a failed append
        // has no entry: skip it rather than wait for it).
        last = head;
        return;
      }
    }
  }

  /**
   * The start's rejection for what Redis answered to its read, when waiting cannot change the
   * answer, else undefined (the start waits: LOADING, NOREPLICAS, a connection lost meanwhile, …).
   * Before, the start retried each 200 ms for ever, logging each time, and `serve --redis` never
   * listened nor exited (tCX F3).
   * - READONLY: a replica, which never takes the epoch (one that ROLE did not tell: see replicaOf).
   * - NOPERM: the ACL user may not run EVAL or EVALSHA (ioredis sends EVAL first on each
   *   connection, then EVALSHA), or a command or key of the read script (a command inside a
   *   script refused is Redis 7.0's `ERR The user executing the script can't run …`: see aclRefused).
   * - CROSSSLOT, MOVED, ASK, CLUSTERDOWN, TRYAGAIN: a Redis Cluster node, which the store does not
   *   support (its scripts take keys of several slots).
   * - WRONGTYPE: one of the keys the read takes (`<keyPrefix>:epoch`, `:seq`, `:head`) holds
   *   another type: another application's key under the same prefix. Named as TYPE tells it
   *   (see ofAnotherType); the epoch was named whichever it was, and deleting it changed nothing (tCZ F2).
   * - OOM: no epoch, and Redis is full (noeviction): none can be written. (A running store reads
   *   unhealthy instead, epoch-refused, until one is.)
   * - A Lua error in the read script (`user_script:<line>:`) with a store key holding a value the
   *   store never writes (see badValues): rc:head not a number ("attempt to compare nil with
   *   number"), which the start waited on for ever (tDB F6). Every key found wrong is named.
   * - A StartRefused already (readStreams's, for an epoch or sequence another application's key holds).
   */
  async function startRefusal(err: unknown): Promise<StartRefused | undefined> {
    if (err instanceof StartRefused) return err;
    const message = String((err as Error | null)?.message);
    // Redis's own words: the reply, or the one the read script met writing the epoch (see READ_SCRIPT's NOEPOCH).
    const words = /^Redis holds no epoch key and refused to write one \(([^]*)\): no cursor can be given until it does$/.exec(message)?.[1] ?? message;
    const said = words.replace(/\.? script: [^]*$/, '');
    const code = /^[A-Z]+\b/.exec(said)?.[0];
    if (code === 'READONLY') return new StartRefused(`Redis at ${where} is a read-only replica (${said}): give the primary's URL`);
    // EVALSHA or EVAL renamed away (rename-command EVALSHA ""): the start took it for a passing catch-up error and
    // waited for ever, a line each 10 s (tEC F8). Said as INFO's is.
    const unknown = /^ERR unknown command ['`]([^'`]+)['`], with args beginning with:/i.exec(said)?.[1];
    if (unknown !== undefined) return new StartRefused(`Redis at ${where} has no ${unknown.toUpperCase()} command (${said.trim()}): renamed or disabled (rename-command)? The store runs its scripts with EVALSHA and EVAL: give it back`);
    // EVALSHA or EVAL (the store's scripts), or a command of the read script, refused to the ACL
    // user: said as SUBSCRIBE's refusal is. The start waited for ever, a catch-up line each 10 s (tDG F1).
    // Redis 7.0's words for a command inside a script name none: the ACL is asked which (tDV F4).
    if (aclRefused(said)) {
      const named = /^NOPERM\b/.test(said) && !anonymousNoperm(said) ? undefined : await scriptCommandsRefused([], true, undefined, said);
      if (named?.renamed) return new StartRefused(`Redis at ${where} ${named.what}: ${named.grant}`);
      if (named !== undefined) return new StartRefused(`Redis at ${where} refused a command or channel to this ACL user: ${named.what}: ${named.grant}`);
      return new StartRefused(`Redis at ${where} refused a command or channel to this ACL user: ${said}`);
    }
    if (code !== undefined && ['CROSSSLOT', 'MOVED', 'ASK', 'CLUSTERDOWN', 'TRYAGAIN'].includes(code)) {
      return new StartRefused(clusterRefusal(said));
    }
    if (code === 'WRONGTYPE') {
      // Every key found wrong at once, the all-stream and a key holding another value too (one a start, before: tDB F6).
      const found = [await ofAnotherType([keys.epoch, keys.seq, keys.head, keys.epochStart, keys.all, keys.global]), ...(await badValues())].filter((x) => x !== undefined);
      const which = found.length > 0 ? found.join(' and ') : `one of ${keys.epoch}, ${keys.seq} and ${keys.head} as another type than the store's`;
      return new StartRefused(`Redis at ${where} holds ${which} (${said}): ${anotherApplications}`);
    }
    // A Lua error in the read script: rc:head holding no number ("attempt to compare nil with
    // number"), which the start waited on for ever, logging it each 10 s (tDB F6).
    if (/\buser_script:\d+:/.test(said)) {
      const found = [await ofAnotherType([keys.all, keys.global]), ...(await badValues())].filter((x) => x !== undefined);
      if (found.length > 0) return new StartRefused(`Redis at ${where} holds ${found.join(' and ')} (${said}): ${anotherApplications}`);
    }
    if (code === 'OOM' && words !== message) return new StartRefused(`Redis at ${where} holds no epoch key (${keys.epoch}) and is full, so refuses to write one (${said}): free memory or raise maxmemory, then start again`);
    return undefined;
  }

  /**
   * What ACL_SCRIPT answers: each command the ACL refuses this user, `<COMMAND> on <key>` (see
   * ACL_SCRIPT), [] for none, undefined when Redis did not answer so (a connection lost, EVALSHA refused).
   */
  async function aclRefuses(streams: readonly string[], sample: boolean): Promise<string[] | undefined> {
    let reply: unknown;
    const own = [keys.epoch, keys.seq, keys.head, keys.epochStart, keys.all, keys.global];
    try {
      reply = await cmd.rcAcl(...own, keys.channel, sample ? sampleUserStream : '', maxAgeMs > 0 ? '1' : '0', ...streams.filter((s) => !own.includes(s)));
    } catch {
      return undefined;
    }
    return Array.isArray(reply) && reply.every((c) => typeof c === 'string') ? (reply as string[]) : undefined;
  }
  /**
   * The commands of the store's scripts (and PUBLISH on the channel) the ACL refuses this user,
   * asked with ACL_SCRIPT (those `only` keeps, when given): `{ what: "NOPERM this ACL user may not run XINFO STREAM on rc:all, …,
   * which the store's scripts run", grant: "grant it" }`, or undefined when none is refused or
   * Redis did not answer (the start's other checks say why).
   */
  async function scriptCommandsRefused(streams: readonly string[] = [], sample = false, only?: (refused: string) => boolean, said?: string): Promise<{ what: string; grant: string; renamed: boolean } | undefined> {
    const asked = await aclRefuses(streams, sample);
    const reply = only === undefined ? asked : asked?.filter(only);
    return reply === undefined || reply.length === 0 ? undefined : refusedSaid(reply, said);
  }
  /**
   * `reply`, ACL_SCRIPT's answer (not empty), said as the start says it (see scriptCommandsRefused).
   * `said`: Redis's words for a script's refusal (EVALSHA's reply), put in `what` beside the scripts'
   * commands it names, not after PING, which no script runs (tHZ F3: Redis 7.0's words for TIME read as PING's).
   */
  function refusedSaid(reply: readonly string[], said?: string): { what: string; grant: string; renamed: boolean } {
    // A command renamed away (rename-command PUBLISH "") is no ACL refusal, nor is it granted: it was said as one, "grant it"
    // to the default user (tEC F7). Said as INFO's is: renamed or disabled, give it back.
    const UNKNOWN = ' (unknown to this Redis: renamed?)';
    const missing = (reply as string[]).filter((c) => c.endsWith(UNKNOWN)).map((c) => c.slice(0, -UNKNOWN.length));
    const refused = (reply as string[]).filter((c) => !c.endsWith(UNKNOWN));
    // PING is no script's: the heartbeat sends it on the subscriber connection (tHT F1), renamed away too (tHZ F3).
    const heartbeat = "PING, which the store's heartbeat sends on its subscriber connection";
    const scripts = refused.filter((c) => c !== 'PING');
    const ping = scripts.length < refused.length;
    const scriptsMissing = missing.filter((c) => c !== 'PING');
    const pingMissing = scriptsMissing.length < missing.length;
    // Redis's words beside the first scripts' commands named, else at the end.
    const words = said === undefined ? '' : ` (${said})`;
    const wordsAtMissing = scripts.length === 0 && scriptsMissing.length > 0 ? words : '';
    const wordsAtEnd = scripts.length === 0 && scriptsMissing.length === 0 ? words : '';
    const renamed = ' (renamed or disabled: rename-command?)';
    const absent = `has no ${
      scriptsMissing.length === 0
        ? `PING${renamed}, which the store's heartbeat sends on its subscriber connection`
        : `${scriptsMissing.join(', ')}${renamed}, which the store's scripts run${wordsAtMissing}${pingMissing ? `, and ${heartbeat}` : ''}`
    }`;
    const back = missing.length === 1 ? 'give it back' : 'give them back';
    if (refused.length === 0) return { what: `${absent}${wordsAtEnd}`, grant: back, renamed: true };
    // The sample stands for every user's stream: what to grant is said with it.
    const onSample = refused.some((c) => c.endsWith(` on ${sampleUserStream}`)) ? ` (${sampleUserStream} stands for every user's stream, ~${prefix}:u:*)` : '';
    const listed = scripts.length === 0 ? heartbeat : `${scripts.join(', ')}, which the store's scripts run${onSample}${words}${ping ? `, and ${heartbeat}` : ''}`;
    const what = `NOPERM this ACL user may not run ${listed}${missing.length > 0 ? `; and Redis ${absent}` : ''}${wordsAtEnd}`;
    return { what, grant: `${refused.length === 1 ? 'grant it' : 'grant them'}${missing.length > 0 ? `, ${back}` : ''}`, renamed: false };
  }

  /**
   * Redis refused a command to the ACL user: NOPERM, or, for a command inside a script (TIME in
   * every script's now_us(), under an ACL of `+@read +@write +@scripting …`), Redis 7.0's
   * `ERR The user executing the script can't run this command or subcommand` (7.2 says NOPERM).
   * The start waited on the latter for ever, and a running node did not say redis-command-refused (tDO F3).
   */
  function aclRefused(message: string): boolean {
    return /^NOPERM\b/.test(message) || /^ERR The user executing the script can't run\b/.test(message);
  }
  /**
   * Redis's NOPERM for a key or channel outside the user's patterns, checked before the command
   * (or script) runs: it names neither. The ACL is asked which of the store's own (tGM F2).
   */
  const anonymousNoperm = (message: string): boolean => /^NOPERM\b.*\bno permissions to access one of the (keys|channels) used as arguments/.test(message);
  /** A read's refusal already named (see readStreams), met again by report() from the catch-up. */
  const aclNamedByRead = (message: string): boolean => message.startsWith(`Redis at ${where} refused a command or channel to this ACL user: `) || (message.startsWith(`Redis at ${where} has no `) && message.includes("which the store's scripts run"));
  /** Refusals of Redis 7.0's words (`ERR The user executing the script can't run …`) already named by the ACL (see nameAclRefusal). */
  const aclNamed = new Map<string, string>();
  /**
   * An ACL refusal met by a running node, with the commands the ACL refuses named (asked with
   * ACL_SCRIPT, as the start asks): `Redis at … refused a command or channel to this ACL user:
   * NOPERM this ACL user may not run XINFO STREAM on rc:all, … (ERR The user executing …): grant
   * it`; `said` as it came when it names them already (NOPERM) or the ACL names none.
   */
  async function nameAclRefusal(said: string, streams: readonly string[] = []): Promise<string> {
    if ((/^NOPERM\b/.test(said) && !anonymousNoperm(said)) || aclNamedByRead(said)) return said;
    const named = await scriptCommandsRefused(streams, false, undefined, said);
    if (named === undefined) return said;
    return named.renamed ? `Redis at ${where} ${named.what}: ${named.grant}` : `Redis at ${where} refused a command or channel to this ACL user: ${named.what}: ${named.grant}`;
  }
  const clusterRefusal = (said: string) => `Redis at ${where} is a Redis Cluster node (${said}): Redis Cluster is not supported; give the URL of a Redis that is not in cluster mode`;
  const anotherApplications = `another application's key under the key prefix "${prefix}"? Delete it, or give the store another keyPrefix`;
  /** The type the store keeps in each of its own keys (a user's stream is checked at each append instead). */
  const keptAs = new Map<string, string>([[keys.epoch, 'string'], [keys.seq, 'string'], [keys.head, 'string'], [keys.epochStart, 'string'], [keys.all, 'stream'], [keys.global, 'stream']]);
  /**
   * Those of `names` (keys of keptAs) that hold another type than the store keeps there, said
   * `<key> as a list, where the store keeps a string` (joined by "and"), or undefined when none
   * does, or when Redis did not answer TYPE (a Cluster node, a connection lost: the start's other
   * checks say why).
   */
  async function ofAnotherType(names: readonly string[]): Promise<string | undefined> {
    let types: unknown[];
    try {
      types = await Promise.all(names.map((name) => cmd.type(name)));
    } catch {
      // TYPE refused (an ACL user without it): asked by the commands the store runs on the key
      // (GET, XLEN), which answer WRONGTYPE for another type. Every publish was refused on an
      // rc:all of another type, on a store that had started healthy (tDB F4).
      types = await Promise.all(
        names.map(async (name) => {
          try {
            await (keptAs.get(name) === 'stream' ? cmd.xlen(name) : cmd.get(name));
            return 'none';
          } catch (err) {
            return /^WRONGTYPE\b/.test(String((err as Error | null)?.message)) ? 'another type' : undefined;
          }
        }),
      );
    }
    const wrong = names.flatMap((name, i) => (types[i] === 'none' || types[i] === keptAs.get(name) || typeof types[i] !== 'string' ? [] : [`${name} as ${types[i] === 'another type' ? 'another type' : `a ${types[i] as string}`}, where the store keeps a ${keptAs.get(name)!}`]));
    return wrong.length > 0 ? wrong.join(' and ') : undefined;
  }
  /**
   * Those of the store's string keys (`<keyPrefix>:epoch`, `:seq`, `:head`) that hold a value the
   * store never writes there, said `<key> "<value>", where the store keeps <what>` (digits past
   * 2^53 − 1 end `… up to 9007199254740991`): another application's key of the same type. Asked
   * when the read failed on such a value, at start (see startRefusal, readStreams) and running
   * (readStreams: tDV F2); a key that is absent, of another type or not answered is not
   * in the list.
   */
  async function badValues(): Promise<string[]> {
    // A decimal integer the read can use: a safe integer, as the read's reply is checked (see isCount).
    const decimal = { test: (value: string) => DECIMAL.test(value) && Number.isSafeInteger(Number(value)) };
    const expected: [string, { test(value: string): boolean }, string][] = [
      [keys.epoch, EPOCH, '1 to 64 hex digits'],
      [keys.seq, decimal, 'a decimal integer'],
      [keys.head, decimal, 'a decimal integer (microseconds)'],
    ];
    const values = await Promise.all(expected.map(([name]) => cmd.get(name).catch(() => null)));
    return expected.flatMap(([name, shape, what], i) => {
      const value = values[i];
      if (typeof value !== 'string' || shape.test(value)) return [];
      // Digits the store cannot use are told why: "9000000000000000000, where the store keeps a
      // decimal integer" contradicted itself (tDG F4).
      const why = !/^[0-9]+$/.test(value) ? '' : shape === EPOCH ? ', not all decimal digits (a cursor <digits>.<n> reads as a number; the store itself made one such epoch in 1,850 before 2026-12-01: then delete this key alone: clients are told a gap and sent again what the streams hold, what they had too)' : /^0[0-9]/.test(value) ? ' without leading zeros' : ` up to ${Number.MAX_SAFE_INTEGER}`;
      return [`${name} ${preview(value)}, where the store keeps ${what}${why}`];
    });
  }
  /**
   * `host:port` of the primary when Redis says it is a replica (ROLE: `slave`, or `replica`),
   * else undefined (a primary, or a Redis that refuses ROLE: an ACL user without it, a renamed
   * command; the first read then says what it says). Asked at start, before anything is written,
   * and again once the start's catch-up is done (a start that waited on NOREPLICAS went on onto a
   * Redis made a writable replica meanwhile: tDB F5); not while running (README). Before, a
   * writable replica (`replica-read-only no`) took the store's keys and publishes, which never
   * reached its primary nor the other nodes and were lost at its next resync, and one cut off
   * from its primary (MASTERDOWN) was waited for, to become a read-only replica (tCZ F5).
   */
  async function replicaOf(): Promise<string | undefined> {
    let reply: unknown;
    try {
      reply = await cmd.call('ROLE');
    } catch {
      return undefined;
    }
    if (!Array.isArray(reply) || (String(reply[0]) !== 'slave' && String(reply[0]) !== 'replica')) return undefined;
    const host = String(reply[1]);
    return `${host.includes(':') ? `[${host}]` : host}:${String(reply[2])}`;
  }
  /**
   * Redis's `maxmemory-policy` when it may evict keys (a `maxmemory` set), else undefined; null
   * when Redis told neither (see below). An evicted stream key loses its entries without a trace:
   * a resume past them reads `resumed` with nothing (a hostile tester deleted a user's key). Asked
   * once, at start: CONFIG GET, else, when CONFIG is refused (renamed or disabled, as managed
   * services do), INFO memory's `maxmemory_policy` and `maxmemory`. CONFIG refused said nothing
   * at all, though managed services default to `volatile-lru`, which evicts these keys (tDG F8).
   * @throws Error (see notRedis) when CONFIG GET answers other than `[name, value]` (a server
   *   answering `+OK` was read as policy `K`, the second letter).
   */
  async function evictionPolicy(): Promise<string | null | undefined> {
    const setting = async (name: string): Promise<string | undefined | 'refused'> => {
      let reply: unknown;
      try {
        reply = await cmd.config('GET', name);
      } catch {
        return 'refused'; // CONFIG disabled or renamed: INFO says it.
      }
      // [] for a setting this Redis does not have.
      if (Array.isArray(reply) && (reply.length === 0 || (reply.length === 2 && reply[0] === name && typeof reply[1] === 'string'))) return reply[1] as string | undefined;
      throw notRedis(`CONFIG GET ${name} answered ${preview(reply)}, expected [${JSON.stringify(name)}, its value]`, cmd);
    };
    let policy = await setting('maxmemory-policy');
    let maxmemory: string | undefined | 'refused';
    if (policy === 'refused') {
      let info: unknown;
      try {
        info = await cmd.info('memory');
      } catch {
        return null;
      }
      const field = (name: string) => (typeof info === 'string' ? new RegExp(`^${name}:(\\S+?)\\r?$`, 'm').exec(info)?.[1] : undefined);
      policy = field('maxmemory_policy');
      maxmemory = field('maxmemory');
      if (policy === undefined || maxmemory === undefined) return null;
    }
    if (policy === undefined || policy === 'noeviction') return undefined;
    // Without a memory limit (maxmemory 0) nothing is evicted, whatever the policy.
    maxmemory ??= await setting('maxmemory');
    return maxmemory === '0' ? undefined : policy;
  }
  /** The eviction policy Redis reported at start, when it may evict keys, or null when it told none (said after the start line). */
  let evicting: string | null | undefined;
  /**
   * Connects `client` (the start's), and again each 200 ms while it closes once Redis answered that
   * it loads its dataset: a Redis that crashed while loading (killed, out of memory) and is
   * brought back is waited for, a redis-waiting warning at most once each 10 s. Its close was
   * "does not answer as Redis (it took the connection and closed it without an answer): is it the
   * Redis port?" of the port that had just answered LOADING, and `serve --redis` exited 2 (tDV F14).
   */
  let awaySaidAt = -Infinity;
  const connectWaiting = async (client: Redis): Promise<void> => {
    for (;;) {
      try {
        return await client.connect();
      } catch (err) {
        if (!loadingSeen || closed || client.status !== 'end') throw err;
        if (performance.now() - awaySaidAt >= APPEND_LOG_MS) {
          awaySaidAt = performance.now();
          logger.warn({ event: 'redis-waiting', url: where, err: noAnswer(err) }, `Redis at ${where} is away after it answered that it loads its dataset (crashed while loading?): waiting for it before the store starts`);
        }
        await new Promise((resolve) => setTimeout(resolve, LOADING_LOOK_MS));
      }
    }
  };
  try {
    if (ownsClient) await connectWaiting(cmd);
    else if (cmd.status === 'wait') await cmd.connect();
    await connectWaiting(sub);
    // ioredis reports a refused SELECT as an error and connects all the same, on database 0.
    if (databaseRefused.size > 0) throw new Error(lastError);
    const replicaRefusal = (primary: string) => new StartRefused(`Redis at ${where} is a replica (of ${primary}): what is written on a replica never reaches its primary nor the other nodes; give the primary's URL`);
    const primary = await replicaOf();
    if (primary !== undefined) throw replicaRefusal(primary);
    // A first read, its reply checked (see decodeRead), before anything counts as started: a
    // catch-up that fails is retried for as long as it takes (the start never ended), and a
    // server answering `+OK` to everything read as Redis.
    // Other failures are the catch-up's, as before (it waits for a Redis that refuses an epoch).
    await readStreams([], 0, 1).catch(async (err: unknown) => {
      if (notRedisDetail !== null || err instanceof StartRefused) throw err;
      const refused = await startRefusal(err);
      if (refused !== undefined) throw refused;
      // Held (CLIENT PAUSE … WRITE): said now, not once the catch-up's read times out too.
      if (/timed out/i.test(String((err as Error | null)?.message))) catchUpFailed(err as Error);
    });
    if (notRedisDetail !== null) throw new Error(lastError);
    evicting = await evictionPolicy();
    started = true;
    // A Redis that went away meanwhile (a failover's old primary killed during CLIENT PAUSE … WRITE)
    // is waited for as one held: before, SUBSCRIBE on the closed connection rejected the start with
    // "is it the Redis port?" or ioredis's "Stream isn't writeable …" (tDO F4). Lost now: said
    // "is away" (see catchUpFailed); the subscriber's 'ready' subscribes once it is back (resubscribe).
    if (cmd.status !== 'ready' || sub.status !== 'ready') onDown();
    // A connection closed before `started` was not remade (retryStrategy): remade from here on.
    for (const connection of ownsClient ? [cmd, sub] : [sub]) if (connection.status === 'end') void connection.connect().catch(() => undefined);
    try {
      await sub.subscribe(keys.channel);
      subscribed = true;
    } catch (err) {
      // Away, though ioredis still says ready: the peer ended the socket and its 'close' is not
      // handled yet, so SUBSCRIBE throws "Stream isn't writeable" (or is rejected "Connection is
      // closed"). The start was rejected so, "unreachable" or "is it the Redis port?", whenever
      // Redis was killed within a few ms of the first read's end (tDV F5).
      if (sub.status === 'ready' && !connectionGone(err)) throw err;
    }
    await sync(true);
    // Asked again once Redis answered: away during the first ask, it told nothing (tDO F4).
    if (evicting === null) evicting = await evictionPolicy();
    // Asked again once the catch-up is done: a start that waited (NOREPLICAS) on a Redis made a
    // writable replica meanwhile went on and stored on the replica (tDB F5). A running store does
    // not ask again (README).
    const demotedTo = await replicaOf();
    if (demotedTo !== undefined) throw replicaRefusal(demotedTo);
    // The all-stream and the global stream, which the first read does not take: of another type,
    // every publish failed on the one (append-refused), and every resume and poll with a cursor
    // on the other (1011, 500), on a store that had started healthy (tCZ F2, tDG F2). And the
    // epoch start record: of another type, every resume of another epoch's cursor failed with
    // Redis's bare WRONGTYPE, and the node's live feed stopped at the next epoch change (tDV F3).
    const all = await ofAnotherType([keys.all, keys.global, keys.epochStart]);
    if (all !== undefined) throw new StartRefused(`Redis at ${where} holds ${all}: ${anotherApplications}`);
    // Every command the scripts run, asked of the ACL: the first read meets GET, SET and TIME
    // only, and a user without XINFO (every resume and poll with a cursor failed, and the
    // catch-up after any reconnect, for good) or XADD (every publish) started healthy (tDV F4).
    // A sample user's stream among them (tGX F1): PEXPIRE, which the scripts run on users' streams
    // alone, was asked on none, and a user without it started healthy, every publish to a user refused.
    const refusedCommands = await scriptCommandsRefused([], true);
    if (refusedCommands?.renamed) throw new StartRefused(`Redis at ${where} ${refusedCommands.what}: ${refusedCommands.grant}`);
    if (refusedCommands !== undefined) throw new StartRefused(`Redis at ${where} refused a command or channel to this ACL user: ${refusedCommands.what}: ${refusedCommands.grant}`);
    running = true;
    // The start asked the ACL just now (see maybeRecovered).
    rightsAskedFor = downs;
    healthChanged();
  } catch (err) {
    closed = true;
    sub.disconnect();
    if (ownsClient) cmd.disconnect();
    else detachCmd();
    // Whatever the start says below quotes these: AUTH's arguments, quoted by a Redis without AUTH, `[redacted]` (tHS F2).
    // And the password the store sent, wherever a server quotes it in words of its own (`ERR command hello 3 AUTH alice
    // <password> … not supported`: tIF F6), one of 6 characters or more (a shorter one is ordinary text too).
    const sent = (cmd.options as { password?: unknown }).password;
    const quoted = (text: string) => (typeof sent === 'string' && sent.length >= 6 ? text.split(sent).join(REDACTED) : text);
    lastError = quoted(withAuthArgumentsRedacted(lastError));
    if (notRedisDetail !== null) notRedisDetail = quoted(withAuthArgumentsRedacted(notRedisDetail));
    if (isError(err)) err.message = quoted(withAuthArgumentsRedacted(err.message));
    for (const [key, text] of databaseRefused) databaseRefused.set(key, quoted(text));
    const refusal = [...databaseRefused.values()][0];
    // A Cluster node refuses SELECT: the Cluster is what is refused, not the database (tCZ F4).
    if (refusal !== undefined && /\bcluster mode\b/i.test(refusal)) throw new Error(clusterRefusal(refusal));
    if (refusal !== undefined && aclRefused(refusal)) throw new Error(selectRefusal(refusal));
    if (refusal !== undefined) {
      throw new Error(`Redis at ${where} refused database ${database} (${refusal}): ${DATABASES}`);
    }
    if (err instanceof StartRefused) throw new Error(err.message);
    // A reply no Redis gives (see notRedis), or bytes that are no reply (an HTTP server: `Unknown RESP type 60 "<"`).
    // Redis's own words for a command it lacks, naming INFO (ioredis's ready check): Redis with INFO
    // renamed away, which was asked "is it the Redis port?" (tDG F9). Other servers' `-ERR unknown
    // command` (a POP3 server) do not quote the command so.
    // (Set by the connections' handlers: the type checker takes it for null after the check above.)
    const notRedisSaid = notRedisDetail as string | null;
    if (notRedisSaid !== null && /^ERR unknown command ['`]info['`], with args beginning with:/i.test(notRedisSaid)) {
      throw new Error(`Redis at ${where} has no INFO command (${notRedisSaid.trim()}): renamed or disabled (rename-command)? The store's client (ioredis) asks INFO whether Redis is ready: give it back`);
    }
    // SUBSCRIBE (or another command the start sends) renamed away was said as "is it the Redis port?" (tEC F8). Redis's
    // own words, quoting the command and its arguments; another server's `-ERR unknown command` does not.
    const lacking = notRedisSaid ?? (lastError || (err as Error).message);
    const unknownCommand = /(?:^|\()ERR unknown command ['`]([^'`]+)['`], with args beginning with:/i.exec(lacking)?.[1];
    if (unknownCommand !== undefined) {
      const words = /ERR unknown command [^]*?with args beginning with:[^)]*/i.exec(lacking)![0].trim();
      throw new Error(`Redis at ${where} has no ${unknownCommand.toUpperCase()} command (${words}): renamed or disabled (rename-command)? The store needs it: give it back`);
    }
    if (notRedisDetail !== null) throw new Error(`${where} does not answer as Redis (${notRedisDetail}): is it the Redis port?`);
    const said = lastError || (err as Error).message;
    const reason = secretHost !== undefined ? secretHostForms(secretHost, url).reduce((text, form) => text.split(form).join(REDACTED), said) : said;
    // A wrong password was said as "unreachable" (a hostile tester): Redis answered, and refused.
    if (/WRONGPASS/.test(reason)) throw new Error(`Redis at ${where} refused the credentials: ${reason}`);
    if (/NOAUTH/.test(reason)) throw new Error(`Redis at ${where} requires credentials (${credentialsForm()}): ${reason}`);
    // The password was taken; the ACL user lacks a command or the fan-out channel (`&*`, allchannels).
    // A channel outside the user's patterns: Redis names none; the store has one (tGM F2).
    if (/^NOPERM\b.*\bone of the channels used as arguments/.test(reason)) {
      throw new Error(`Redis at ${where} refused a command or channel to this ACL user: NOPERM this ACL user may not use the channel ${keys.channel} (SUBSCRIBE, PUBLISH), the store's fan-out (${reason}): grant it (&${keys.channel})`);
    }
    if (/NOPERM/.test(reason) || aclRefused(reason)) throw new Error(`Redis at ${where} refused a command or channel to this ACL user: ${reason}`);
    // The connection was made, and what is there does not know Redis's commands (a POP3 server:
    // `-ERR unknown command`), or says nothing, or hangs up: not the network's fault, as
    // "unreachable" said (a fresh tester). Refused and unroutable addresses never connect.
    if (reached) {
      const closedUnanswered = /^Connection is closed/.test(reason) || /\b(ECONNRESET|EPIPE)\b/.test(reason);
      if (/unknown command/i.test(reason) || /timed out/i.test(reason) || closedUnanswered) {
        const detail = /timed out/i.test(reason)
          ? `it took the connection and answered nothing within ${commandTimeoutMs} ms`
          : closedUnanswered
            ? `it took the connection and closed it without an answer`
            : reason;
        // Nothing within commandTimeoutMs is what a Redis under CLIENT PAUSE (mode ALL, the default,
        // a manual failover's step) or busy that long does too: "is it the Redis port?" alone sent
        // the operator to check the port of the right Redis, paused for seconds (tDV F13).
        // A Redis at its maxclients hangs up too, its "-ERR max number of clients reached" never passed on by
        // ioredis (the ready check's write meets EPIPE first): "is it the Redis port?" alone misled (tEC F6).
        const question = /timed out/i.test(reason)
          ? 'is it the Redis port, or a Redis paused (CLIENT PAUSE) or busy that long?'
          : closedUnanswered
            ? 'is it the Redis port, or a Redis at its maxclients (ERR max number of clients reached: INFO clients on it tells)?'
            : 'is it the Redis port?';
        throw new Error(`${where} does not answer as Redis (${detail}): ${question}`);
      }
    }
    // The port took the connection and gave no TLS: said "unreachable … connect ETIMEDOUT" (a
    // fresh tester). A certificate refused is TLS all the same: no hint of a plain port then.
    // ioredis's connect event and timeout wait for the TLS handshake, so whether the port took
    // the connection is asked of it again, over plain TCP, only when TLS failed this way.
    const tls = (cmd.options as { tls?: unknown }).tls !== undefined && cmd.options.path == null;
    // A port that takes the connection and hangs up at once (a proxy dropping what it cannot read):
    // Node's "Client network socket disconnected before secure TLS connection was established"
    // was "unreachable", where redis:// said it took the connection and closed it (a fresh tester).
    const hungUp = /disconnected before secure TLS connection/i.test(reason);
    const accepted = /\bETIMEDOUT\b/.test(reason) || hungUp ? await acceptsTcp(cmd.options.host ?? 'localhost', cmd.options.port ?? 6379, 2000) : false;
    if (!reached && tls && (/SSL routines/.test(reason) || accepted || /certificate/i.test(reason))) {
      // OpenSSL's text is its reason (`800C…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…/ssl3_record.c:350:`).
      const openssl = /SSL routines:[^:]*:([^:]+)/.exec(reason)?.[1];
      const detail = /\bETIMEDOUT\b/.test(reason)
        ? `the connection was made, and no TLS handshake within ${options.connectTimeoutMs ?? 5000} ms`
        : hungUp
          ? 'the connection was made, and closed before any TLS handshake'
          : openssl !== undefined
            ? `TLS: ${openssl}`
            : reason;
      // A hang-up is not what a plain Redis does to a TLS hello (it answers -ERR): no question then.
      throw new Error(`${where} did not complete a TLS handshake (${detail})${/certificate/i.test(reason) || hungUp ? '' : ': is it a plain Redis port (redis://)?'}`);
    }
    throw new Error(`Redis unreachable at ${where}: ${reason}`);
  }
  logger.info({ event: 'redis-store-started', url: where, epoch }, 'redis stream store started');
  if (evicting === null) {
    logger.warn({ event: 'redis-eviction-policy', url: where, policy: null }, 'Redis told neither CONFIG GET nor INFO memory its maxmemory-policy: not checked; a stream key it evicts loses its messages, and a client resuming past them is told "resumed", not "gap"; make sure maxmemory-policy is noeviction (SCALE.md)');
  } else if (evicting !== undefined) {
    logger.warn({ event: 'redis-eviction-policy', url: where, policy: evicting }, `Redis maxmemory-policy is ${evicting}: a stream key it evicts loses its messages, and a client resuming past them is told "resumed", not "gap"; set maxmemory-policy noeviction (SCALE.md)`);
  }
  // One heartbeat a second (see beat()).
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();

  // Appends made in one turn of the event loop go to Redis as one script call (in order), which
  // divides the per-call cost; the fan-out channel carries them as one message too. A batch is
  // at most MAX_BATCH_ENTRIES entries and MAX_BATCH_BYTES of fan-out message (an entry larger
  // than that goes alone): one PUBLISH of 38 MB (256 alerts of 150 KB) passed Redis's default
  // pubsub output limit, 32 MB, and Redis dropped every node's subscription (a hostile tester).
  // And at most MAX_BATCH_BYTES of batches wait for Redis's answer at a time (or one larger
  // batch): 100 MB of batches sent at once queued up in every subscriber's output buffer (12 MB
  // measured) and outlasted the command timeout (commands behind the first ones timed out, the
  // node counted Redis as lost). The batches go out in order on the one command connection, so
  // Redis runs them in append order; a batch is never resent.
  const queue: Queued[] = [];
  /** Bytes of the batches sent and not answered yet. */
  let sendingBytes = 0;
  /** Bytes of the appends in `queue` (not sent yet). */
  let queuedBytes = 0;
  const maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
  function flush(): void {
    if (closed) {
      // Never sent: sure not to be stored.
      const left = queue.splice(0);
      queuedBytes = 0;
      for (const q of left) q.reject(new Error('the stream store closed before this append was sent to Redis: not stored'));
      return;
    }
    while (queue.length > 0) {
      let count = 1;
      let bytes = queue[0]!.bytes;
      while (count < queue.length && count < MAX_BATCH_ENTRIES && bytes + queue[count]!.bytes <= MAX_BATCH_BYTES) bytes += queue[count++]!.bytes;
      // The answer to a batch in flight calls flush() again.
      if (sendingBytes > 0 && sendingBytes + bytes > MAX_BATCH_BYTES) return;
      sendingBytes += bytes;
      queuedBytes -= bytes;
      void send(queue.splice(0, count), bytes);
    }
  }
  async function send(batch: Queued[], bytes: number): Promise<void> {
    const args: (string | number)[] = [4 + batch.length, keys.epoch, keys.seq, keys.head, keys.all];
    for (const q of batch) args.push(q.stream);
    args.push(newEpoch(), maxMessages, maxAllMessages, maxAgeMs, keys.channel);
    for (const q of batch) args.push(q.type, q.userJson, q.keyJson, q.ttl, q.parts.length, ...q.parts);
    try {
      const reply = await cmd.rcAppend(...args);
      // One cursor per entry, or `!` and why: an answer of another shape is no Redis's (a server
      // answering `+OK` gave publishers ioredis's "Cannot read properties of undefined").
      if (!Array.isArray(reply) || reply.length !== batch.length || !reply.every((c) => typeof c === 'string' && (c.startsWith('!') || parseRedisCursor(c) !== null))) {
        throw new NotRedisReply(`the append script's reply is ${preview(reply)}, expected ${batch.length === 1 ? 'an array of 1 cursor' : `an array of ${batch.length} cursors`}`);
      }
      const cursors = reply as string[];
      // `!` and why: Redis refused that entry's own stream (a key of another type), checked
      // before anything was written; the others of the batch are stored (see APPEND_SCRIPT).
      const refusals = batch.filter((_, i) => cursors[i]!.startsWith('!'));
      if (refusals.length > 0) {
        // Every stream refused and every reason, named: the first alone was, the others of the batch
        // (and of the lines held back) folded into `unlogged` under its words (tFT F7).
        const whys = [...new Set(cursors.filter((c) => c.startsWith('!')).map((c) => c.slice(1)))];
        const why = whys[0]!;
        const streams = [...new Set(refusals.map((q) => q.stream))];
        appendsRefused(refusals.length, { err: why, stream: streams[0], streams: streams.slice(0, LOGGED_STREAMS), ...(whys.length > 1 ? { errs: whys.slice(0, LOGGED_STREAMS) } : {}) }, `Redis refuses appends to a stream: those publishes fail, nothing of them stored${remedy(why)}`);
        const at = Date.now();
        refusedUnsaidSince ??= at;
        batch.forEach((q, i) => void (cursors[i]!.startsWith('!') && streamRefused(q.stream, cursors[i]!.slice(1), at)));
      }
      // Streams refused before that take an append again.
      const cleared = new Set<string>();
      if (streamsRefused.size > 0) batch.forEach((q, i) => void (!cursors[i]!.startsWith('!') && streamsRefused.delete(q.stream) && cleared.add(q.stream)));
      if (refusals.length === batch.length) {
        batch.forEach((q, i) => q.reject(new ReplyError(cursors[i]!.slice(1)) as Error));
        return;
      }
      if (refusedSince !== null || cleared.size > 0) appendsAccepted([...cleared]);
      batch.forEach((q, i) => (cursors[i]!.startsWith('!') ? q.reject(new ReplyError(cursors[i]!.slice(1)) as Error) : q.resolve(cursors[i]!)));
    } catch (err) {
      const timedOut = unanswered(err);
      // Only an error Redis answered, or a command ioredis never sent (no connection: its offline
      // queue is off), is sure not to be stored. A command in flight when the connection was
      // remade (after another one timed out) or dropped is rejected by ioredis at once, yet Redis
      // may run it from its buffer: such a message was delivered though its publish rejected,
      // twice if the caller retried (a hostile tester, with Redis paused).
      // A connection whose database Redis refused is closed before it takes any command.
      const away = unsent(err) || databaseRefused.has(cmd);
      const sure = err instanceof ReplyError || away;
      // Redis's words, without the script's SHA and line it adds (`…. script: 6e74…, on @user_script:55.`):
      // the log and status() said so, and publishers got them whole (a hostile tester).
      if (err instanceof ReplyError) refusal = String((err as Error).message).replace(/\.? script: [^]*$/, '');
      const reason = timedOut
        ? new Error(`Redis did not answer within ${commandTimeoutMs} ms: the message may still be stored and delivered if Redis runs the command later`)
        : err instanceof NotRedisReply
        ? new Error(`${notRedis(err.detail, cmd).message}; the message may or may not be stored`)
        : away
          ? unavailable('append', ': not stored')
          : sure
          ? // Refused by the ACL before the script ran (EVALSHA taken from the user, a key its patterns leave out):
            // nothing of it stored, as the script's own refusals say (tGX F3: Redis's bare NOPERM said neither).
            (new ReplyError(aclRefused(refusal) && !/: not stored$/.test(refusal) ? `${refusal}: not stored` : refusal) as Error)
          : new Error(`the append got no answer from Redis (${noAnswer(err)}): the message may still be stored and delivered if Redis runs the command later`);
      if (err instanceof ReplyError) {
        refusedSince ??= Date.now();
        refusedUnsaidSince ??= refusedSince;
        appendsRefused(batch.length, { err: refusal, refusedSince: new Date(refusedSince).toISOString() }, `Redis refuses appends: publishes fail${remedy(refusal)}`);
      }
      for (const q of batch) q.reject(reason);
    } finally {
      sendingBytes -= bytes;
      flush();
    }
  }

  /** Why a command got no answer, in this store's words: ioredis's retry limit named an option the store does not offer (a hostile tester). */
  function noAnswer(err: unknown): string {
    return (err as Error | null)?.name === 'MaxRetriesPerRequestError' ? 'the connection dropped before it answered' : String((err as Error | null)?.message);
  }

  /** The epoch start record (see {@link RedisStreamStoreKeys.epochStart}), or null when there is none. */
  async function recordedStart(): Promise<string | null> {
    let recorded: unknown;
    try {
      recorded = await answer(cmd.get(keys.epochStart), 'read');
    } catch (err) {
      // Made another type on a running node (checked at start): Redis's bare WRONGTYPE named no
      // key, failed every resume of another epoch's cursor, and held the node's catch-up, its
      // live feed stopped for good with no gap told, the node healthy (tDV F3).
      const message = String((err as Error | null)?.message);
      // Refused to the ACL user (its key patterns leave the record out): Redis's NOPERM named no
      // key, and a catch-up that met it after an epoch change retried it for ever, the node healthy (tGM F4).
      if (aclRefused(message)) {
        throw new ReplyError(`Redis at ${where} refused a command or channel to this ACL user: NOPERM this ACL user may not run GET on ${keys.epochStart}, which the store reads where the epoch changes (the catch-up, a resume of another epoch's cursor) (${message}): grant it`);
      }
      if (!/^WRONGTYPE\b/.test(message)) throw err;
      const found = await ofAnotherType([keys.epochStart]);
      throw new EpochStartUnreadable(`Redis at ${where} holds ${found ?? `${keys.epochStart} as another type, where the store keeps a string`}, so every resume of another epoch's cursor fails: ${anotherApplications}`);
    }
    if (recorded === null || typeof recorded === 'string') return recorded;
    throw notRedis(`GET ${keys.epochStart} answered ${preview(recorded)}, expected a string or nothing`, cmd);
  }

  /** Replaces `lost`, the epoch in which Redis lost writes, by a new one (once, whoever asks first); the epoch in force. */
  async function rotate(lost: string, why: string): Promise<string> {
    const now: unknown = await answer(cmd.rcRotate(keys.epoch, keys.all, keys.epochStart, lost, newEpoch()), 'epoch rotation');
    if (typeof now !== 'string' || !EPOCH.test(now)) throw notRedis(`the epoch rotation's reply is ${preview(now)}, expected an epoch of 1 to 64 hex digits`, cmd);
    if (now !== lost) logger.warn({ event: 'epoch-rotated', url: where, from: lost, to: now, detail: why }, 'Redis lost writes: new epoch');
    return now;
  }

  /** The all-stream's last id (XINFO STREAM's last-generated-id, kept when entries are trimmed), or null when there is no all-stream. */
  async function lastGenerated(): Promise<EntryId | null> {
    let info: unknown;
    try {
      info = await answer(cmd.call('XINFO', 'STREAM', keys.all), 'read');
    } catch (err) {
      // No all-stream: no entry at all.
      if (err instanceof ReplyError && /^ERR no such key/i.test(String((err as Error).message))) return null;
      throw err;
    }
    if (!Array.isArray(info)) return null;
    const at = info.indexOf('last-generated-id');
    return at < 0 ? null : parseEntryId(String(info[at + 1] ?? ''));
  }
  /**
   * Notes the all-stream's last id as the newest entry this node knows `of`, the epoch it just
   * took (at start, or after Redis lost its data), held (see newest): a node that took an epoch
   * and delivered no entry in it before an older snapshot was restored knew nothing to compare
   * it with (tIP F1). Read after the epoch: an id of an epoch begun since is newer still, never older.
   * Best effort: a failure leaves what the node knew.
   */
  async function noteNewest(of: string): Promise<void> {
    const id = await lastGenerated().catch(() => null);
    if (id !== null && epoch === of && !(newest?.epoch === of && newest.position >= id.position)) newest = { epoch: of, position: id.position };
  }
  /**
   * Why the epoch Redis holds, found in place of the one this node is in, is older than it, or
   * null: Redis's all-stream, which every entry goes to, holds nothing as new as `seenPosition`,
   * the newest entry this node knows its own epoch held (see newest), yet an entry of the epoch
   * found (after where it began, `recorded`: see epochStart): its last id, which Redis keeps when
   * entries are trimmed, comes before this node's newest one. An entry's position is Redis's
   * TIME in µs when it was appended, so that epoch took entries before this node's epoch took
   * its newest, and lacks it: a snapshot restored, older than an empty restart this node saw. A
   * node that joined after that restart never was in the old epoch, so remembered no such epoch
   * left: it took it back as live, and a cursor of it past the snapshot read `resumed`, what was
   * written since lost untold (tIP F1). Not so an epoch begun since: Redis restarted empty (its
   * all-stream's entries all of the new epoch, after this node's newest), or its `rc:epoch`
   * deleted (the all-stream kept, this node's newest in it), or a rotation (no entry of its own
   * before it began). The nodes' clocks play no part; a Redis whose clock stepped back across an
   * empty restart reads as an older epoch: one rotation more, told as a gap (the epoch it writes
   * holds no entry of its own, so it is not rotated again). Not told: an older epoch with no
   * entry of its own (nothing appended in it), or a node whose epoch held no entry it knows of.
   */
  async function olderEpoch(found: string, recorded: string | null, seenPosition: number): Promise<string | null> {
    const lastId = await lastGenerated();
    if (lastId === null) return null;
    const start = epochStart(recorded) ?? 0;
    if (lastId.position <= start || lastId.position >= seenPosition) return null;
    return `Redis came back with epoch ${found}, whose newest entry (${lastId.position}-${lastId.seq}) is older than the newest this node saw in epoch ${epoch} (at ${seenPosition}): restored from a snapshot older than that epoch, without what was written since`;
  }

  /**
   * The position the epoch in force begins after (see {@link RedisStreamStoreKeys.epochStart}), given the
   * record Redis holds (`recorded`, null: none), or undefined when the record is malformed. No
   * record reads as 0, the whole epoch: a Redis started empty, or restored from a backup whose
   * `:epoch` key was deleted (SCALE.md), whose entries an old cursor then gets after its gap,
   * those it already had too; a record of another epoch as its position (the same, after an
   * earlier rotation: see the comment inside).
   */
  function epochStart(recorded: string | null): number | undefined {
    if (recorded === null) return 0;
    const [, position] = recorded.split(' ');
    if (!/^\d+$/.test(position ?? '')) return undefined;
    // The record's position, whichever epoch it names. Another epoch's record: a rotation writes the
    // epoch and its record together, so the epoch in force began otherwise (its key deleted after a
    // restore, as README advises), after that rotation:
    // what follows the rotation's start is new to a cursor of another epoch (what precedes it the
    // rotation marked gone in the all-stream). Read as no start at all, every entry of the new
    // epoch was skipped with the `gap` of an old cursor (tDV F7).
    return Number(position);
  }

  /**
   * Page reads of store.read() (a resume's or a poll's entries) sent on the command connection
   * and not answered yet: at most READS_IN_FLIGHT. Redis answers a connection's commands in
   * order, so every read sent is ahead of the heartbeat and the appends sent after it: 150
   * sockets resuming at once on one node, each reading a page of 1 MiB, held the heartbeat and
   * publishes past commandTimeoutMs, and the node counted its own busy Redis as lost and closed
   * every socket with 1011 (tBF F1).
   *
   * The others wait in the node, and FIFO was not enough (tIE F1): one token re-polling a cursor
   * before a 12 MB entry (0.6-2.3 s of Redis each read) queued one such read per poll, without
   * bound, every other user's page waited behind all of them, and each was still sent after its
   * client had left. So a read waiting:
   * - is shared by every identical read (same streams, since, limit, maxBytes) made while it
   *   waits, all sent after each of them began, so none misses what was appended before it
   *   began; and an identical read is not sent while one is in flight: it waits for it (one
   *   cursor re-polled costs one read at a time, whatever the number of polls);
   * - is dropped, never sent, once every read sharing it was abandoned (`signal`: its poll's
   *   client left, its socket closed), rejecting with an AbortError;
   * - takes turns by reader (the streams read: a user, or the admins' all-stream): a slot that
   *   frees goes to the waiting read of the reader with the fewest reads in flight, the one
   *   waiting longest among those, so another user's page waits behind at most the reads
   *   already in flight, not behind one reader's queue.
   */
  interface PageJob {
    key: string;
    /** Whose turn it takes: the streams read, joined. */
    reader: string;
    streams: string[];
    since: number;
    limit: number;
    maxBytes: number;
    /** Reads sharing this one not abandoned yet. */
    wanted: number;
    /** Settles as the read does, once sent. */
    sent: Promise<DecodedRead>;
    send: (read: Promise<DecodedRead>) => void;
  }
  /** Waiting reads, oldest first. */
  const readQueue: PageJob[] = [];
  /** The key of each read in flight. */
  const keysInFlight = new Set<string>();
  /** Reads in flight per reader. */
  const readerInFlight = new Map<string, number>();
  let readsInFlight = 0;
  /** Sends waiting reads while a slot is free: to each, the reader with the fewest in flight first, then the oldest. */
  function sendPageReads(): void {
    while (readsInFlight < READS_IN_FLIGHT) {
      let pick = -1;
      let fewest = Infinity;
      for (let i = 0; i < readQueue.length && fewest > 0; i++) {
        const job = readQueue[i]!;
        if (keysInFlight.has(job.key)) continue;
        const inFlight = readerInFlight.get(job.reader) ?? 0;
        if (inFlight < fewest) (pick = i), (fewest = inFlight);
      }
      if (pick < 0) return;
      const job = readQueue.splice(pick, 1)[0]!;
      const { key, reader } = job;
      readsInFlight++;
      keysInFlight.add(key);
      readerInFlight.set(reader, (readerInFlight.get(reader) ?? 0) + 1);
      const read = readStreams(job.streams, job.since, job.limit, job.maxBytes);
      job.send(read);
      const done = (): void => {
        readsInFlight--;
        keysInFlight.delete(key);
        const left = readerInFlight.get(reader)! - 1;
        if (left === 0) readerInFlight.delete(reader);
        else readerInFlight.set(reader, left);
        sendPageReads();
      };
      read.then(done, done);
    }
  }
  /** A page read, in its turn (see above); rejects with an AbortError when `signal` aborts before it is answered. */
  function pageRead(streams: string[], since: number, limit: number, maxBytes: number, signal?: AbortSignal): Promise<DecodedRead> {
    if (signal?.aborted) return Promise.reject(abortError());
    const key = JSON.stringify([streams, since, limit, maxBytes]);
    let job = readQueue.find((queued) => queued.key === key);
    if (job === undefined) {
      let send!: PageJob['send'];
      const sent = new Promise<DecodedRead>((resolve) => (send = resolve));
      job = { key, reader: streams.join(' '), streams, since, limit, maxBytes, wanted: 0, sent, send };
      readQueue.push(job);
    }
    const mine = job;
    mine.wanted++;
    sendPageReads();
    if (signal === undefined) return mine.sent;
    return new Promise<DecodedRead>((resolve, reject) => {
      let settled = false;
      const abandon = (): void => {
        if (settled) return;
        settled = true;
        reject(abortError());
        // The last one wanting a read not sent yet: dropped, never sent.
        if (--mine.wanted === 0) {
          const at = readQueue.indexOf(mine);
          if (at >= 0) readQueue.splice(at, 1);
        }
      };
      signal.addEventListener('abort', abandon, { once: true });
      const settle = (done: () => void): void => {
        signal.removeEventListener('abort', abandon);
        if (settled) return;
        settled = true;
        done();
      };
      mine.sent.then(
        (read) => settle(() => resolve(read)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /** What a page read abandoned before it was sent rejects with (see pageRead). */
  function abortError(): Error {
    const error = new Error('the page read was abandoned before it was sent: its reader left');
    error.name = 'AbortError';
    return error;
  }

  /** `maxBytes`: of the frames per stream, past its first entry (Infinity: no byte bound). */
  async function readStreams(streams: string[], since: number, limit: number, maxBytes = Infinity): Promise<DecodedRead> {
    let reply: unknown;
    try {
      reply = await answer(cmd.rcRead(3 + streams.length, keys.epoch, keys.seq, keys.head, ...streams, newEpoch(), since, limit, maxBytes < Infinity ? Math.max(1, Math.floor(maxBytes)) : 0), 'read');
    } catch (err) {
      const message = String((err as Error | null)?.message);
      // A stream key of another type (see READ_SCRIPT): the key named, and what to do, in the
      // resume-failed and poll-failed lines; Redis's bare WRONGTYPE and the script's SHA said neither (tDG F2).
      const wrong = err instanceof ReplyError ? /^WRONGTYPE (.+) holds (a \S+|another type), not a stream\b/.exec(message) : null;
      if (wrong !== null) {
        const whose =
          wrong[1] === keys.global
            ? "every user's resumes and polls with a cursor fail"
            : wrong[1] === keys.all
              ? "admins' resumes and polls with a cursor fail, and the nodes' catch-up"
              : "that user's resumes and polls with a cursor fail";
        throw new Error(`Redis at ${where} holds ${wrong[1]!} as ${wrong[2]!}, where the store keeps a stream, so ${whose}, as publishes to it do: ${anotherApplications}`);
      }
      // rc:epoch, rc:seq or rc:head made another type on a running node (at start, startRefusal
      // names it): every read and publish failed with Redis's bare WRONGTYPE and the script's SHA,
      // no key named (tDO F5).
      if (running && err instanceof ReplyError && /^WRONGTYPE Operation against a key\b/.test(message)) {
        const found = await ofAnotherType([keys.epoch, keys.seq, keys.head]);
        if (found !== undefined) {
          const why = `Redis at ${where} holds ${found} (${message.replace(/\.? script: [^]*$/, '')}), so every resume and poll fails, as every publish does: ${anotherApplications}`;
          refuseReads(why);
          throw new Error(why);
        }
      }
      // rc:head holding no number on a running node: the read script's Lua error ("attempt to
      // compare nil with number"), its SHA and line, named no key, and the node read healthy (tDV F2).
      if (running && err instanceof ReplyError && /\buser_script:\d+:/.test(message)) {
        const found = await badValues();
        if (found.length > 0) {
          const why = `Redis at ${where} holds ${found.join(' and ')}, so every resume and poll fails, as every publish does: ${anotherApplications}`;
          refuseReads(why);
          throw new Error(why);
        }
      }
      if (!(err instanceof ReplyError)) throw err;
      // A command taken from the ACL user while running: named, as the start names it (tEF F5).
      if (running && aclRefused(message)) {
        const said = message.replace(/\.? script: [^]*$/, '');
        // Unhealthy before the caller hears of it when the ACL refuses what every read needs (a poll gets 503, not 500: tHJ F1).
        await askReadRights(said);
        // A user's stream the key patterns leave out (or grant read-only): Redis's NOPERM names no
        // key; the resume-failed and poll-failed lines said only that (tGM F3). The ACL is asked.
        const named = await nameAclRefusal(said, streams);
        if (named !== said) throw new Error(named);
      }
      // Redis's words, without the script's SHA and line (` script: 241e…, on @user_script:53.`), as an append's are.
      if (!message.startsWith('NOEPOCH ')) throw new ReplyError(message.replace(/\.? script: [^]*$/, '')) as Error;
      // Unhealthy before the caller hears of it: the server answers the poll 503, not 500.
      const why = message.slice('NOEPOCH '.length).replace(/\.? script: [^]*$/, '').replace(/\.\)$/, ')');
      // Not at start, which rejects or waits instead (see startRefusal): there is no server yet to answer 503.
      if (epochRefused === null && running) {
        epochRefusedSaid = true;
        logger.error({ event: 'epoch-refused', url: where, err: why }, `Redis holds no epoch and refuses to write one: reads and new sockets refused (503) until it takes one${remedy(why)}`);
      }
      epochRefused = why;
      healthChanged();
      throw new Error(`${why}: no cursor can be given until it does`);
    }
    let read: DecodedRead;
    try {
      read = decodeRead(reply, streams.length);
    } catch (err) {
      // At start, an epoch, head or sequence that another application's key holds (rc:seq "build-42"):
      // not "is it the Redis port?", which it is (tDB F6).
      // The head too: one past what Lua reads exactly (rc:head 9000000000000000000) was "is it the Redis port?" (tDG F4).
      // Running too: such a value set under a running node (another application's SET rc:seq abc)
      // was "does not answer as Redis …: is it the Redis port?", the node counted as lost for good (tDV F2).
      if (err instanceof NotRedisReply && /^the read script's (epoch|head|sequence) is /.test(err.detail)) {
        const found = await badValues();
        // At start, the stream keys of another type beside it too, named at once (one a start, before: tDV F10).
        if (found.length > 0 && !running) throw new StartRefused(`Redis at ${where} holds ${[...found, await ofAnotherType([keys.all, keys.global])].filter((x) => x !== undefined).join(' and ')}: ${anotherApplications}`);
        if (found.length > 0) {
          const why = `Redis at ${where} holds ${found.join(' and ')}, so every resume and poll fails, as every publish does: ${anotherApplications}`;
          refuseReads(why);
          throw new Error(why);
        }
      }
      // Unhealthy before the caller hears of it (a poll gets 503), and in words, not a TypeError.
      throw err instanceof NotRedisReply ? notRedis(err.detail, cmd) : err;
    }
    if (keysRefused !== null) {
      logger.info({ event: 'store-keys-accepted', url: where }, "the store's keys hold what it writes again: reads go on");
      keysRefused = null;
      healthChanged();
    }
    if (epochRefused !== null) {
      // Said only after the epoch-refused it pairs with: a start that waited on a refusal (NOREPLICAS) logs neither (tCZ F3).
      if (epochRefusedSaid) logger.info({ event: 'epoch-written', url: where }, 'Redis took an epoch again: reads go on');
      epochRefused = null;
      epochRefusedSaid = false;
      healthChanged();
    }
    return read;
  }

  /**
   * The entries of a read, from every stream, in position order, at most `limit` and `maxBytes`
   * (past the first), and whether more may follow. A stream cut for the byte bound, or full, may
   * hold entries between those it gave and another stream's: the page ends at its last one.
   * `reached`: the position up to which the read saw every entry of every stream (the lowest last
   * position of a stream cut or full; Infinity when none is), where a page of none of the
   * store's entries (only entries skipped as foreign) goes on from (see pageFrom).
   * `after`: a gap's page leaves out every entry at or before it, the last position any of the
   * viewer's streams lost (see lostUpTo), and `reached` is at least it.
   */
  function merged(read: DecodedRead, viewer: StreamViewer, limit: number, maxBytes: number, met: ForeignMet, after = -Infinity): { entries: StreamEntry[]; more: boolean; reached: number } {
    let horizon = Infinity;
    let reached = Infinity;
    for (const s of read.streams) {
      const end = s.entries.length > 0 ? parseEntryId(s.entries[s.entries.length - 1]![0])!.position : Infinity;
      if (s.cut) horizon = Math.min(horizon, end);
      if (s.cut || s.entries.length >= Math.max(1, limit)) reached = Math.min(reached, end);
    }
    const sorted = read.streams
      .flatMap((s, i) =>
        s.entries
          .filter((item) => !skipForeign(viewer.admin ? keys.all : i === 0 ? keys.user(viewer.userId) : keys.global, item, met))
          .map((item) => ({ position: parseEntryId(item[0])!.position, entry: decodeStored(item, read.epoch, viewer.admin ? undefined : i === 0 ? viewer.userId : null) })),
      )
      // Not past what a cut or full stream has not shown: a full stream's page of skipped foreign
      // entries let another stream's later entry (a broadcast) take the page, its cursor past the
      // full stream's own entries after them, never read (tEO F1).
      .filter((m) => m.position > after && m.position <= Math.min(horizon, reached))
      .sort((a, b) => a.position - b.position);
    const all = sorted.slice(0, Math.max(1, limit)).map((m) => m.entry);
    const entries = all.slice(0, pageLength(all, maxBytes));
    // More follow when a stream may hold more (cut, or full), or when this page left out some of
    // what was read (two streams under the limit each may be over it together). A full stream
    // whose page ends past the head holds none of the store's entries after it (the append
    // script refuses to write behind an entry ahead): another application's, read from the head
    // again by every read, which is no reason to read on.
    const full = reached !== Infinity && reached <= read.head;
    // A page left empty by the entries before `after` reads on from there, not from before it.
    return { entries, more: full || entries.length < sorted.length, reached: Math.max(reached, after) };
  }

  /**
   * The answer of a page (`resume`, `otherwise` its cursor when it holds nothing and no more
   * follow). A page of entries all skipped as foreign (another application's, at least `limit` of
   * them in a row) is read on from where the read reached, until one of the store's or the end:
   * answered with no entry, `more: true` and the cursor it was read from, every poll and replay
   * read the same page again for ever, and a socket's replay ended there, the store's entries
   * after it never sent, though told `resumed` (tEF F3).
   */
  async function pageFrom(
    read: DecodedRead,
    page: { entries: StreamEntry[]; more: boolean; reached: number },
    resume: 'resumed' | 'gap',
    otherwise: string,
    viewer: StreamViewer,
    limit: number,
    maxBytes: number,
    met: ForeignMet,
    signal?: AbortSignal,
  ): Promise<ReadResult> {
    const { entries, more, reached } = page;
    if (entries.length > 0) return { resume, cursor: entries[entries.length - 1]!.cursor, entries, more };
    if (!more) return { resume, cursor: otherwise, entries, more };
    const next = await readWith(viewer, formatRedisCursor(read.epoch, reached), limit, maxBytes, met, signal);
    return resume === 'gap' ? { ...next, resume } : next;
  }

  /**
   * Whether `read` shows that Redis lost writes since this node last looked, which rotates the
   * epoch (the caller then reads again): the epoch it found is one this node replaced, back (an
   * older snapshot restored again) before its catch-up replaced it again, so what it holds may
   * be what readers already have; or one it left for another (see `left`), back without what
   * was written since (an older snapshot restored after an epoch change, tIG F4), found by a
   * read sent after the node left it; or it is the epoch this node saw (`seenEpoch`) with its
   * sequence below `seenSeq`: Redis came back without writes this node saw, before its catch-up
   * noticed (not `resumed`).
   */
  async function replaced(read: DecodedRead, seenEpoch: string | null, seenSeq: number | undefined, seenPosition: number | undefined): Promise<boolean> {
    // An epoch left found by a read sent while the node was still in it (its catch-up saw the
    // change meanwhile) is not one back.
    if (retired.has(read.epoch) || (left.has(read.epoch) && read.epoch !== seenEpoch)) {
      await rotate(read.epoch, retired.has(read.epoch) ? `a read found epoch ${read.epoch}, which this node had replaced` : `a read found epoch ${read.epoch}, which this node had left at sequence ${left.get(read.epoch)} (restored from an older snapshot)`);
      retired.add(read.epoch);
      void sync();
      return true;
    }
    // An epoch older than the one this node saw, though it never was in it (tIP F1: see olderEpoch).
    if (seenEpoch !== null && read.epoch !== seenEpoch && seenPosition !== undefined) {
      const older = await olderEpoch(read.epoch, await recordedStart(), seenPosition);
      if (older !== null) {
        await rotate(read.epoch, `a read found epoch ${read.epoch}: ${older}`);
        retired.add(read.epoch);
        void sync();
        return true;
      }
    }
    if (read.epoch === seenEpoch && seenSeq !== undefined && read.seq < seenSeq) {
      await rotate(read.epoch, `a read found the sequence at ${read.seq}, below ${seenSeq}`);
      retired.add(read.epoch);
      void sync();
      return true;
    }
    return false;
  }

  /**
   * The answer to a cursor of an epoch other than `current`'s (a read that found Redis's epoch
   * and head): Redis lost its history, or the cursor is older than it (or another store's, or
   * forged). `gap`, and all this epoch holds is new to this reader, when none of it is trimmed
   * away: then the page from the epoch's `start` (the one page read). Otherwise, and when the
   * start recorded is another epoch's (`start` undefined), a plain `gap` from the head, with no
   * page read: whether the epoch is whole is decided first, from the streams' trim records and
   * the all-stream's first entry after the start.
   */
  async function otherEpoch(viewer: StreamViewer, streams: string[], current: DecodedRead, start: number | undefined, limit: number, maxBytes: number, met: ForeignMet, signal?: AbortSignal): Promise<ReadResult> {
    const plain: ReadResult = { resume: 'gap', cursor: formatRedisCursor(current.epoch, current.head), entries: [] };
    if (start === undefined) return plain;
    // Nothing of this epoch is lost when the all-stream was never trimmed past its start, and no
    // stream of the viewer lost an entry after the epoch's first one (a user stream's "deleted"
    // bound may predate it: the expiry of an earlier stream of theirs, see scripts.ts). Before,
    // any rotation left every later entry undelivered to a cursor of the old epoch: the
    // rotation's own mark read as a trim (a hostile tester). One entry per stream is read here:
    // the all-stream's first after the start, and the viewer's (for their trim records).
    const check = await readStreams(viewer.admin ? [keys.all] : [keys.all, ...streams], start, 1);
    const origin = check.streams[0]!;
    const first = origin.entries[0] ? parseEntryId(origin.entries[0][0])!.position : Infinity;
    const whole = (read: DecodedRead) => read.epoch === current.epoch && read.streams.every((s) => parseEntryId(s.deleted)!.position < first);
    if (parseEntryId(origin.deleted)!.position > start || !whole(check)) return plain;
    const fresh = await pageRead(streams, start, Math.max(1, limit), maxBytes, signal);
    // Trimmed meanwhile (appends go on between the two reads): the page would skip what was lost.
    if (!whole(fresh)) return plain;
    return pageFrom(fresh, merged(fresh, viewer, limit, maxBytes, met), 'gap', formatRedisCursor(fresh.epoch, fresh.head), viewer, limit, maxBytes, met, signal);
  }

  /** store.read, the entries of another application it meets noted in `met` (said once the whole read, every page of it, is done). */
  async function readWith(viewer: StreamViewer, since: string | null, limit: number, maxBytes: number, met: ForeignMet, signal?: AbortSignal): Promise<ReadResult> {
    // A cursor of another store's form (the in-memory store's, before a move to Redis) is of
    // another epoch: what this epoch holds follows its gap, as for a Redis restarted empty.
    // It was read as no cursor at all, and answered from the head (a fresh user lost the
    // first trades of a migration).
    const pos = since === null ? null : (parseRedisCursor(since) ?? ((parseAnyCursor(since) || isAllDigitEpochCursor(since)) ? { epoch: '', position: 0 } : null));
    if (pos === null) {
      const read = await readStreams([], 0, 1);
      return { resume: since === null ? 'new' : 'gap', cursor: formatRedisCursor(read.epoch, read.head), entries: [] };
    }
    const streams = viewer.admin ? [keys.all] : [keys.user(viewer.userId), keys.global];
    // What this node had seen before the read was sent: entries it sees while the read is
    // under way may be later than the read (comparing with them rotated the epoch of a Redis
    // that had lost nothing, found by the multi-node restart test).
    const seenEpoch = epoch;
    const seenSeq = last?.seq;
    const seenPosition = newestIn(seenEpoch);
    if (pos.epoch !== seenEpoch) {
      // Not the epoch this node is in: Redis's is asked first, with a head read (no entries)
      // beside the epoch start, and a cursor of another epoch is answered without a page from
      // its position. That page (up to `limit` entries and `maxBytes` of the viewer's streams,
      // then another from the epoch's start) was read to answer `gap` with none of it: any
      // user polling `since=zzz.1` kept Redis's one thread busy (a security reviewer).
      const [head, recorded] = await Promise.all([readStreams([], 0, 1), recordedStart()]);
      if (await replaced(head, seenEpoch, seenSeq, seenPosition)) return readWith(viewer, since, limit, maxBytes, met, signal);
      if (head.epoch !== pos.epoch) return otherEpoch(viewer, streams, head, epochStart(recorded), limit, maxBytes, met, signal);
    }
    const read = await pageRead(streams, pos.position, Math.max(1, limit), maxBytes, signal);
    if (await replaced(read, seenEpoch, seenSeq, seenPosition)) return readWith(viewer, since, limit, maxBytes, met, signal);
    // Some of what the viewer's streams held after the cursor is gone: trimmed (the script
    // records the last id each trim removed, so this is exact), or the user's stream expired
    // after maxAgeMs without entries (what it held is unknown but older than that, so only a
    // cursor older than maxAgeMs may miss some of it).
    const expired = !viewer.admin && !read.streams[0]!.exists && maxAgeMs > 0 && pos.position < read.nowUs - maxAgeMs * 1000;
    const lost = read.streams.some((s) => parseEntryId(s.deleted)!.position > pos.position) || expired;
    if (pos.epoch === read.epoch && pos.position <= read.head && lost) {
      // `gap`, then what is still held after the last position any of the viewer's streams lost
      // (an expired stream's: none of its entries was younger than maxAgeMs), which the read
      // already holds: the user's own trades and decisions (a dashboard cannot refetch them)
      // were skipped with it when they come after it. The entries of one stream before another's
      // loss ends lie inside the gap told (the reader is told the gap ends just before the
      // page's first entry): a page from `since` put that before the user's own loss ended when
      // the global stream was trimmed less far, and the user's entries after it went missing,
      // untold (tGX F2). The page after it goes on `resumed`, unless more was trimmed meanwhile.
      const lostUpTo = Math.max(...read.streams.map((s) => parseEntryId(s.deleted)!.position), expired ? Math.min(read.head, Math.floor(read.nowUs - maxAgeMs * 1000)) : -Infinity);
      return pageFrom(read, merged(read, viewer, limit, maxBytes, met, lostUpTo), 'gap', formatRedisCursor(read.epoch, read.head), viewer, limit, maxBytes, met, signal);
    }
    if (pos.epoch !== read.epoch) {
      // Redis moved to another epoch since this node last looked (its catch-up has yet to see it).
      return otherEpoch(viewer, streams, read, epochStart(await recordedStart()), limit, maxBytes, met, signal);
    }
    // Ahead of the head: no cursor this epoch gave.
    if (pos.position > read.head) return { resume: 'gap', cursor: formatRedisCursor(read.epoch, read.head), entries: [] };
    // Nothing for this reader up to the head (which the read moved to now; every later entry
    // comes after it): the head is where it stands. Answered `since`, a quiet user's cursor
    // grew older than maxAgeMs while its held polls came back empty, and its stream, never
    // written, read as expired: a false `gap` every maxAgeMs (a hostile tester).
    return pageFrom(read, merged(read, viewer, limit, maxBytes, met), 'resumed', formatRedisCursor(read.epoch, Math.max(read.head, pos.position)), viewer, limit, maxBytes, met, signal);
  }

  const store: RedisStreamStore = {
    keys,

    // Rejects when Redis is away (nothing stored). If the connection drops while the call is in
    // flight, the entry may have been stored all the same: it is then delivered (catch-up).
    append(userId: string | null, type: MessageType, frame: (cursor: string) => string, key?: string | null): Promise<StreamEntry> {
      const parts = frame(placeholder).split(placeholder);
      const userJson = JSON.stringify(userId);
      const keyJson = JSON.stringify(key ?? null);
      const bytes = publishedBytes(type, userJson, keyJson, parts);
      if (closed) return Promise.reject(new Error('the stream store is closed: not stored'));
      if (queue.length > 0 && queuedBytes + bytes > maxQueuedBytes) {
        return Promise.reject(new Error(`${Math.round(queuedBytes / 1048576)} MiB of appends already wait to be sent to Redis (maxQueuedBytes): not stored; publish more slowly`));
      }
      queuedBytes += bytes;
      return new Promise<string>((resolve, reject) => {
        queue.push({ stream: userId === null ? keys.global : keys.user(userId), type, userJson, keyJson, ttl: userId === null ? 0 : maxAgeMs, parts, bytes, resolve, reject });
        // While earlier batches wait for Redis (see flush), their answer sends this one.
        if (queue.length === 1) queueMicrotask(flush);
      }).then((cursor) => ({ cursor, userId, type, frame: parts.join(cursor), key: key ?? null }));
    },

    async read(viewer: StreamViewer, since: string | null, limit: number, maxBytes = Infinity, signal?: AbortSignal): Promise<ReadResult> {
      const met: ForeignMet = new Map();
      try {
        return await readWith(viewer, since, limit, maxBytes, met, signal);
      } finally {
        sayForeign(met);
      }
    },

    subscribe(listener: (entry: StreamEntry) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    onGap(listener: (gap: StreamGap) => void): () => void {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },

    onHealth(listener: (healthy: boolean) => void): () => void {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },

    compare: compareRedisCursors,

    status() {
      // AUTH's arguments, which Redis quotes when it lacks the command, `[redacted]` in any detail (tHS F2).
      const now = (): { healthy: boolean; detail: string } => {
        // Not the EPIPE its own quit caused (a hostile tester read "unavailable … write EPIPE").
        if (closed) return { healthy: false, detail: `redis ${where} closed` };
        const healthy = isHealthy();
        if (epochRefused !== null && lostSince === null) return { healthy, detail: `redis ${where} connected, reads refused: ${epochRefused}` };
        if (keysRefused !== null && lostSince === null) return { healthy, detail: `redis ${where} connected, reads refused: ${keysRefused}` };
        if (catchUpRefused !== null && lostSince === null) return { healthy, detail: `redis ${where} connected, catch-up refused (the live feed held): ${aclNamed.get(catchUpRefused) ?? catchUpRefused}` };
        if (beatRefused !== null && lostSince === null) return { healthy, detail: `redis ${where} connected, commands refused: ${aclNamed.get(beatRefused) ?? beatRefused}` };
        if (readsRefused !== null && lostSince === null) return { healthy, detail: `redis ${where} connected, commands refused: ${readsRefused}` };
        if (pingRefused !== null && lostSince === null) return { healthy, detail: `redis ${where} connected, commands refused: ${pingRefused}` };
        if (healthy) return { healthy, detail: `redis ${where} connected, epoch ${epoch}${refusedSince === null ? '' : `; appends refused since ${new Date(refusedSince).toISOString()}: ${refusal}`}${streamsRefusedSaid()}` };
        const since = lostSince === null ? '' : ` since ${new Date(lostSince).toISOString()}`;
        return { healthy, detail: `redis ${where} unavailable${since} (commands ${cmd.status}, subscriber ${sub.status}${sub.status === 'ready' && !subscribed ? ', not subscribed' : ''})${lastError ? `: ${lastError}` : ''}` };
      };
      const { healthy, detail } = now();
      return { healthy, detail: withAuthArgumentsRedacted(detail) };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      healthChanged();
      healthListeners.clear();
      clearInterval(heartbeat);
      clearTimeout(subscribeRetry);
      refusedLogLater.stop();
      acceptedLogLater.stop();
      flush();
      listeners.clear();
      gapListeners.clear();
      if (!ownsClient) detachCmd();
      await Promise.allSettled([quit(sub), ownsClient ? quit(cmd) : Promise.resolve()]);
    },
  };
  return store;
}

/**
 * ioredis's ready check (INFO, then a wait while Redis loads) on a connection the store made, with its branch for INFO refused
 * to the ACL user (NOPERM) told to `refused` instead of ioredis's `console.warn`: "Skipping the ready check because INFO
 * command fails: … You can disable ready check with "enableReadyCheck" …", two lines of stderr on every connection and
 * reconnect of an ACL user such as `+@all -@dangerous`, outside the store's logger and advising an option the store does not
 * offer (tHJ F3). The check goes on as ioredis's own: INFO refused, the connection is ready at once. ioredis (6.0.0, pinned)
 * reads `this.info` there, so the connection's INFO is answered so to that check alone, through an object whose prototype is
 * the connection; a version without `_readyCheck` keeps its own.
 */
function quietReadyCheck(client: Redis, refused: (said: string) => void): void {
  type Callback = (err: Error | null, result?: unknown) => void;
  const own = client as unknown as { _readyCheck?: (this: object, callback: Callback) => void };
  const check = own._readyCheck;
  if (typeof check !== 'function') return;
  own._readyCheck = function (this: object, callback: Callback) {
    const view = Object.create(this) as { info(callback: Callback): Promise<unknown> };
    // INFO sent on the connection itself (never on `view`, which would take its writes), given a callback as ioredis's check gives it.
    view.info = (done: Callback) =>
      client.info((err, info) => {
        if (!err || !/NOPERM/.test(String(err.message))) return done(err ?? null, info);
        refused(String(err.message));
        // What ioredis's own branch answers (no info: ready at once), without its console.warn.
        done(null, {});
      });
    return check.call(view, callback);
  };
}

/** Whether `host:port` takes a TCP connection within `timeoutMs` (closed at once, never written to). */
function acceptsTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Ends a connection: QUIT, answered within {@link QUIT_WAIT_MS}, else a hard disconnect. A hung
 * Redis (paused, a dead host whose sockets stay open) never answers: close() waited the whole
 * command timeout for it, and a graceful stop took 10 s, past a container's stop grace.
 */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = await Promise.race([
      client.quit().then(() => true, () => false),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS, false))),
    ]);
    clearTimeout(timer);
    if (answered) return;
  }
  client.disconnect();
}

/** Foreign epochs a node remembers having logged, at most (see `foreign`): past it, it forgets them all. */
const MAX_FOREIGN_EPOCHS = 64;
/** Epochs a node remembers having left (see `left`), at most: past it, it forgets the one left longest ago. */
const MAX_LEFT_EPOCHS = 1024;
/** Streams refused alone whose rights the ACL is asked about again, at most, each heartbeat (see askStreamRights). */
const STREAM_RIGHTS_ASKED = 8;
/** Streams refused alone that status() names, each with its own refusal, at most (see streamsRefusedSaid). */
const REFUSED_STREAMS_SAID = 3;
/** Streams a node remembers Redis refusing appends to (see `streamsRefused`), at most: past it, it forgets the one refused longest ago. */
const MAX_REFUSED_STREAMS = 1024;
/** Bounds of the fan-out records held while a catch-up runs (see `pending`). */
const MAX_PENDING_RECORDS = 100_000;
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
/**
 * Keys whose entries of another application said are remembered (see foreignSaid): 64 let a
 * round of polls of 65 users, each with such an entry, say each again on every poll (tEZ F4).
 */
const MAX_FOREIGN_KEYS = 1024;
/** Runs of another application's entries said remembered per key (see foreignSaid). */
const MAX_FOREIGN_RUNS = 8;
/** Ids of another application's entries a foreign-entry line gives, at most (the others are counted). */
const MAX_FOREIGN_IDS_SAID = 8;
/** Entries of another application a read met, not said before, per key: how many, the first and last id, the first MAX_FOREIGN_IDS_SAID ids, and why the first is not the store's; and the lowest and highest id of all it met of the key, said before or not. */
type ForeignMet = Map<string, { count: number; first: string; last: string; ids: string[]; why: string; low: EntryId; high: EntryId }>;

/** Whether entry id `a` comes before `b`. */
function idBefore(a: EntryId, b: EntryId): boolean {
  return a.position < b.position || (a.position === b.position && a.seq < b.seq);
}

/**
 * The commands of ACL_SCRIPT's answer that the store's reads run (the read script, the catch-up)
 * or its subscription: refused, the node reads unhealthy (see readsRefused). The others only
 * publishes run: refused, publishes reject (`NOPERM … not stored`), the node stays healthy.
 */
const READ_RIGHTS = /^(?:TIME|GET|EXISTS|XINFO STREAM|XRANGE|SUBSCRIBE)\b/;

/** How often a node asks Redis whether it still answers (and takes a write), on both connections, ms. */
const HEARTBEAT_MS = 1000;
/**
 * The longest wait between two reconnect attempts while Redis is away (ioredis's backoff, 100 ms
 * more each attempt, up to this): a Redis back is seen up to this much later, so it must answer at
 * least this long before the server's storeUnavailableGraceMs ends for its sockets to stay open.
 */
const RECONNECT_MAX_DELAY_MS = 500;
/** How often a connection held by Redis loading its dataset looks again (ioredis's ready check, and the redis-loading watch), ms. */
const LOADING_LOOK_MS = 200;

/**
 * Page reads of store.read() a node has sent Redis and not had answered, at most (see pageRead):
 * the heartbeat and appends wait behind these alone, not behind every resume under way. Others
 * wait in the node, in order. Two keep Redis busy while the node decodes an answer.
 */
const READS_IN_FLIGHT = 2;

/** How long close() waits for Redis to answer QUIT, ms. */
const QUIT_WAIT_MS = 1000;

/** Entries of one append script call (and so of one fan-out message) at most. */
const MAX_BATCH_ENTRIES = 256;

/**
 * Bytes of one fan-out message (one PUBLISH) at most, unless one entry alone is larger: 4 MiB,
 * well under Redis's default `client-output-buffer-limit pubsub 32mb 8mb 60`, whose hard limit
 * drops every subscriber a single larger message is queued for, and under its 8 MB soft limit too.
 */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Bytes of a cursor, at most, with room to spare: the epoch (16 characters) `.` position (16 digits). */
const CURSOR_BYTES = 64;

/**
 * Bytes an entry takes in the fan-out message, at most: its record's header lines (cursor,
 * sequence number, type, user id, key, frame length: see decodePublished) and its frame, the
 * cursor put between the parts (UTF-8 strings).
 */
function publishedBytes(type: string, userJson: string, keyJson: string, parts: string[]): number {
  let bytes = CURSOR_BYTES + 2 * 16 + 6 + Buffer.byteLength(type) + Buffer.byteLength(userJson) + Buffer.byteLength(keyJson) + (parts.length - 1) * CURSOR_BYTES;
  for (const part of parts) bytes += Buffer.byteLength(part);
  return bytes;
}

/** Bytes of frames a node reads per catch-up step (past the first entry). */
const CATCH_UP_MAX_BYTES = 8 * 1024 * 1024;

interface DecodedRead {
  epoch: string;
  /** The head position (moved up to the current time by the read). */
  head: number;
  nowUs: number;
  /** The last sequence number taken. */
  seq: number;
  /** `cut`: entries were left out for the byte bound. */
  streams: { exists: boolean; deleted: string; entries: [string, string[]][]; cut: boolean }[];
}

/**
 * A reply no Redis running the store's scripts gives (a string where a script returns an array,
 * an epoch not of the store's form): the address answers, and is something else (a service that
 * answers `+OK` to everything, a confused proxy). `detail` says what was expected and what came.
 */
/** The epoch start record (`<keyPrefix>:epoch-start`) holds another type than the store's string: its message names the key. */
class EpochStartUnreadable extends Error {}

class NotRedisReply extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'NotRedisReply';
  }
}

/** What Redis answered at start, that waiting cannot change (see startRefusal in createRedisStreamStore): the start rejects with its message. */
class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefused';
  }
}

/** An epoch as cursors carry it (see cursor.ts): hex digits, at most 64. */
/** An epoch the store writes (`e` and 15 hex digits; a rotation's too): 1 to 64 hex digits, not all decimal digits, which formatCursor refuses (tEC F3: `12345` passed, every entry then dropped from every live feed). */
const EPOCH = /^(?![0-9]+$)[0-9a-f]{1,64}$/;

/** A position, time or sequence number of the read script: a decimal integer ≥ 0 (a string, `%d`, or an integer reply). */
const isCount = (value: unknown): boolean =>
  typeof value === 'number' ? Number.isSafeInteger(value) && value >= 0 : typeof value === 'string' && DECIMAL.test(value) && Number.isSafeInteger(Number(value));
/** 0 or 1 (as strings from a given client with stringNumbers). */
const isFlag = (value: unknown): boolean => value === 0 || value === 1 || value === '0' || value === '1';
const isEntryId = (value: unknown): boolean => typeof value === 'string' && parseEntryId(value) !== null;
/** An XRANGE entry: `[id, [field, value, …]]`. */
const isStoredEntry = (value: unknown): boolean =>
  Array.isArray(value) && value.length === 2 && isEntryId(value[0]) && Array.isArray(value[1]) && (value[1] as unknown[]).every((field) => typeof field === 'string');

/**
 * The read script's reply (see READ_SCRIPT), checked item by item: a server that answered `+OK`
 * to everything was read as epoch `O` (the string's first letter), head NaN, and its cursor
 * `O.NaN` handed to clients (a fresh tester).
 * @throws NotRedisReply naming the first item not of its shape.
 */
function decodeRead(reply: unknown, streamCount: number): DecodedRead {
  const shape = `[epoch, head, time, sequence${streamCount > 0 ? `, then 4 items for each of ${streamCount} stream${streamCount > 1 ? 's' : ''}` : ''}]`;
  if (!Array.isArray(reply) || reply.length !== 4 + 4 * streamCount) throw new NotRedisReply(`the read script's reply is ${preview(reply)}, expected ${shape}`);
  if (typeof reply[0] !== 'string' || !EPOCH.test(reply[0])) throw new NotRedisReply(`the read script's epoch is ${preview(reply[0])}, expected 1 to 64 hex digits`);
  for (const [i, name] of ['head', 'time', 'sequence'].entries()) {
    if (!isCount(reply[i + 1])) throw new NotRedisReply(`the read script's ${name} is ${preview(reply[i + 1])}, expected a decimal integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  const streams: DecodedRead['streams'] = [];
  for (let i = 0; i < streamCount; i++) {
    const base = 4 + i * 4;
    const [exists, deleted, entries, cut] = reply.slice(base, base + 4) as unknown[];
    if (!isFlag(exists) || !isEntryId(deleted) || !Array.isArray(entries) || !entries.every(isStoredEntry) || !isFlag(cut)) {
      throw new NotRedisReply(`the read script's stream ${i + 1} is [${[exists, deleted, entries, cut].map(preview).join(', ')}], expected [0 or 1, an entry id, entries [id, [field, value, …]], 0 or 1]`);
    }
    streams.push({ exists: exists === 1 || exists === '1', deleted: deleted as string, entries: entries as [string, string[]][], cut: cut === 1 || cut === '1' });
  }
  return { epoch: reply[0], head: Number(reply[1]), nowUs: Number(reply[2]), seq: Number(reply[3]), streams };
}

/**
 * Why `item` is not an entry the append script wrote, or undefined when it is one: the store
 * writes fields `t` (a type), `k` (a key as JSON), `f` (the frame), and `u` (a user id as JSON)
 * after `t` in the all-stream, in that order and no other.
 */
function foreignEntry(item: [string, string[]], inAll: boolean): string | undefined {
  const names = inAll ? ['t', 'u', 'k', 'f'] : ['t', 'k', 'f'];
  const flat = item[1];
  const expected = `fields ${names.join(', ')}`;
  if (flat.length !== names.length * 2 || names.some((name, i) => flat[2 * i] !== name)) {
    const found = flat.filter((_, i) => i % 2 === 0);
    return `${found.length === 0 ? 'no fields' : `fields ${found.slice(0, 8).map((name) => preview(name)).join(', ')}${found.length > 8 ? ', …' : ''}`}, where the store writes ${expected}`;
  }
  const value = (name: string) => flat[2 * names.indexOf(name) + 1]!;
  if (value('t') === '') return `an empty type, where the store writes a message type`;
  for (const name of inAll ? ['u', 'k'] : ['k']) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value(name));
    } catch {
      parsed = undefined;
    }
    if (!(parsed === null || typeof parsed === 'string')) return `field ${name} ${preview(value(name))}, where the store writes a string or null as JSON`;
  }
  return undefined;
}

/** A stream entry as XRANGE returns it → StreamEntry. `userId` undefined: read field `u`. */
function decodeStored(item: [string, string[]], epoch: string, userId: string | null | undefined): StreamEntry {
  const [id, flat] = item;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const cursor = formatRedisCursor(epoch, parseEntryId(id)!.position);
  return {
    cursor,
    userId: userId === undefined ? (JSON.parse(fields.u ?? 'null') as string | null) : userId,
    type: fields.t as MessageType,
    frame: framedWith(fields.f ?? '', cursor, epoch),
    key: JSON.parse(fields.k ?? 'null') as string | null,
  };
}

const isHexCode = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);

/**
 * The stored frame with `cursor` (of the read's `epoch`) where the append put the cursor it
 * gave. The append script bakes the cursor into the frame it stores, so an entry appended before
 * the epoch changed (`rc:epoch` deleted after a restore, as README advises, or evicted) holds the
 * old epoch's cursor: a gap replay sent it after a `connection` message of the new epoch, the
 * frame's cursor and the entry's disagreeing, the client left on a retired epoch and told `gap`
 * again at every reconnect (tGM F1). Each `"cursor":"<hex>.<position>"` (this entry's own
 * position) of another epoch is rewritten, and nothing else: the message's data is the
 * publisher's, and a rule on any `<hex>.<position>` rewrote a price of `1.5` in the entry at
 * position 5 into `<epoch>.5`, a number no longer JSON. The common path, a frame the core made in
 * this epoch (`…,"cursor":"<cursor>"}`), is one comparison of the frame's last characters.
 */
function framedWith(frame: string, cursor: string, epoch: string): string {
  const end = frame.length - 2;
  if (frame.endsWith(cursor, end) && frame.charCodeAt(end - cursor.length - 1) === 34 && frame.endsWith('"}')) return frame;
  const tail = `${cursor.slice(epoch.length)}"`;
  const key = '"cursor":"';
  let out = '';
  let from = 0;
  for (let at = frame.indexOf(tail); at !== -1; at = frame.indexOf(tail, at + tail.length)) {
    let start = at;
    while (start > 0 && at - start < 64 && isHexCode(frame.charCodeAt(start - 1))) start--;
    if (start === at || start < key.length || !frame.startsWith(key, start - key.length) || frame.slice(start, at) === epoch) continue;
    out += frame.slice(from, start) + epoch;
    from = at;
  }
  return from === 0 ? frame : out + frame.slice(from);
}

interface Published {
  seq: number;
  entry: StreamEntry;
  /** Its rank among the records this node received on the channel (see `checked`). */
  arrival: number;
}

interface Queued {
  stream: string;
  type: MessageType;
  userJson: string;
  keyJson: string;
  ttl: number;
  parts: string[];
  /** Bytes it takes in the fan-out message, at most (see publishedBytes). */
  bytes: number;
  resolve: (cursor: string) => void;
  reject: (err: Error) => void;
}

/** A seq or frame byte length as the append script writes it (`%d`, never negative). */
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/**
 * One fan-out message of the append script: per entry `cursor \n seq \n type \n userIdJson \n
 * keyJson \n frameByteLength \n frame`. Null when malformed, whole: anyone who can PUBLISH on
 * the channel can send anything, and a negative length once moved the offset back, re-reading
 * the message forever (the node hung, its memory growing; from a hostile auditor).
 */
function decodePublished(payload: Buffer): Published[] | null {
  const records: Published[] = [];
  let at = 0;
  const line = (): string | null => {
    const end = payload.indexOf(10, at);
    if (end < 0) return null;
    const text = payload.toString('utf8', at, end);
    at = end + 1;
    return text;
  };
  const nullOrString = (value: unknown): value is string | null => value === null || typeof value === 'string';
  try {
    while (at < payload.length) {
      const cursor = line();
      const seq = line();
      const type = line();
      const user = line();
      const key = line();
      const length = line();
      if (length === null || cursor === null || seq === null || type === null || user === null || key === null) return null;
      if (!parseRedisCursor(cursor) || !DECIMAL.test(seq) || !DECIMAL.test(length)) return null;
      const seqNumber = Number(seq);
      const end = at + Number(length);
      if (!Number.isSafeInteger(seqNumber) || seqNumber < 1 || !(end <= payload.length)) return null;
      const userId: unknown = JSON.parse(user);
      const entryKey: unknown = JSON.parse(key);
      if (!nullOrString(userId) || !nullOrString(entryKey)) return null;
      const frame = payload.toString('utf8', at, end);
      at = end;
      records.push({ seq: seqNumber, arrival: 0, entry: { cursor, type: type as MessageType, userId, key: entryKey, frame } });
    }
  } catch {
    return null;
  }
  return records.length > 0 ? records : null;
}
