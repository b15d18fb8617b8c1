/**
 * `realtime-contract serve --demo [--port 8000] [--host 127.0.0.1] [--allow-origin …]`: the reference server with
 * a printed HS256 demo secret, ready-to-use tokens for two users and an admin, and the demo
 * producer sending every server→client type. The spec's "Testing WebSocket" commands work
 * against it verbatim.
 */
import { isIPv6 } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { CloseCode, PONG_TIMEOUT_MS, POLL_PATH, WEBSOCKET_PATH } from '../../generated/contract.js';
import { createRealtimeServer, startDemoProducer, type DemoProducer, type Logger, type RealtimeServer, type StreamStore } from '../server/index.js';
import { createRedisStreamStore } from '../server/redis/index.js';
import { bracketedHostProblem, hostProblem, hostReadsAsSecret, originHostHint, originHostProblem, originReadsAsSecret, readsAsSocketPath, shownHost, shownHostValue, shownOrigins } from '../server/server.js';
import { JOSE_MESSAGE_SHOWN, keyMaterialIn } from '../server/auth.js';
import { LogThrottle } from '../server/rate-limit.js';
import { MessageValidationError } from '../runtime/builders.js';
import { cut } from '../runtime/errors.js';
import { quoted } from '../runtime/printable.js';
import { looksLikeJwt, passwordHoldingAt, portNotShown, secretWhereAddressGoes, withUserInfoLeftOut } from '../shared/secrets.js';
import { openDemoJournal, type DemoJournal } from './demo-journal.js';
import { shownArgument } from './shown-argument.js';
import { holdStopSignals, releaseStopSignals, stopRequested, stopSignalled } from './stop-signals.js';

export interface ServeOptions {
  demo?: boolean;
  /** Default 8000; 0 picks a free port. A string must be decimal digits (what `--port` gives). */
  port?: string | number;
  /** Default 127.0.0.1 (the printed URLs name it); an empty one is refused (it would mean every interface), and a scoped IPv6 one (`fe80::1%eth0`: no URL can name its zone). */
  host?: string;
  /** `redis://…`: streams in Redis, shared by every node started with the same URL. */
  redis?: string;
  /** HS256 demo secret; nodes sharing Redis need the same one. Default random. */
  secret?: string;
  /** `--allow-origin`: browser origins allowed besides the demo's own. */
  allowOrigin?: string[];
  /** `--no-websocket`: false refuses upgrades, so clients fall back to polling (default true). */
  websocket?: boolean;
  /** What `secret` and `redis` were given as, for the refusals that name them: the environment variable (`REALTIME_CONTRACT_SECRET`, `REALTIME_CONTRACT_REDIS`) when they came from it. Default `--secret`, `--redis`. */
  names?: { secret?: string; redis?: string };
}

interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves once standard output cannot be written (ENOSPC, EIO; not a reader that closed the pipe), said already: `serve` then stops, exit 2. */
  stdoutFailed?: Promise<void>;
}

/** A running demo: the server, its secret and tokens, the producer. */
export interface Demo {
  server: RealtimeServer;
  /** The HS256 secret the tokens are signed with (hex). */
  secret: string;
  /** Tokens valid for 24 h: two users and an admin. */
  tokens: { alice: string; bob: string; admin: string };
  /** Origins allowed to open a socket or poll (a request without `Origin` passes too, but for one whose `Sec-Fetch-Site` names another origin's page; any other gets 403). */
  allowedOrigins: string[];
  producer: DemoProducer;
  /** Stops the producer and closes the server. */
  stop(): Promise<void>;
}

/** Options of {@link startDemo}. */
export interface DemoOptions {
  port?: number;
  host?: string;
  /** Time between two producer rounds, in ms. Default 1 000. */
  intervalMs?: number;
  /** Other HTTP requests, e.g. the dashboard at GET / (see `createRealtimeServer`'s `handleHttp`). */
  handleHttp?: (request: IncomingMessage, response: ServerResponse) => boolean;
  logger?: Logger;
  /** Where streams are kept (e.g. the Redis store); the caller closes it. Default in memory. */
  store?: StreamStore;
  /** HS256 secret. Default 32 random bytes in hex. */
  secret?: string;
  /** Browser origins allowed besides the demo's own ({@link demoOrigins}: `http://localhost:PORT`, `http://127.0.0.1:PORT`, `http://HOST:PORT`, `http://[::1]:PORT` on `::`). */
  allowOrigins?: readonly string[];
  /** false: upgrades refused, polling only (`createRealtimeServer`'s `webSocket`). Default true. */
  webSocket?: boolean;
  /** A message the server refused from the demo producer, with its type and user (`DemoProducerOptions.onError`). Default: none. */
  onProducerError?: (error: unknown, type: string, user?: string) => void;
  /** A message the server took from the demo producer, with its type and user (`DemoProducerOptions.onPublished`). Default: none. */
  onProducerPublished?: (type: string, user?: string) => void;
  /** Messages sent before a restart, for the producer's counts to go on from (`DemoProducerOptions.sentBefore`). */
  sentBefore?: Iterable<{ userId: string | null; frame: string }>;
}

/** The origin `--allow-origin` takes from `given` (`http(s)://host[:port]`, a trailing `/` dropped), or undefined for anything else. */
function originOf(given: string): string | undefined {
  try {
    const url = new URL(given);
    // Not one whose host no browser sends (`https://*.example.com`, `https://a.example,b.example`: taken, tFE F7, F2).
    // A tab or line break inside is dropped by the URL parser: `https://app.example.com<TAB>word` was taken as https://app.example.comword (tFU F2).
    if (/\s/.test(given.trim())) return undefined;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && originHostProblem(given) === undefined) return url.origin;
  } catch {
    // not a URL
  }
  return undefined;
}

/**
 * Why `given`, an http(s) URL, is no origin: what it holds beside scheme, host and port (user info, a path, a query, a
 * fragment), and the origin it would be, unless its host reads as a secret; undefined for anything else. A URL with user
 * info was refused with no word why, its user info `[redacted]` the only hint (tET).
 */
function notAnOrigin(given: string): string | undefined {
  let url: URL;
  // Read as it is shown, its user info to the last `@`: the parser's reading (to the first) made the origin offered of a
  // password's middle (`https://alice:Tr0ub4dor@correct.horse.battery/staple@app.example`: "https://correct.horse.battery", tHG F12).
  const userInfo = withUserInfoLeftOut(given) !== given;
  try {
    url = new URL(withUserInfoLeftOut(given));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const parts = [
    ...(userInfo || url.username || url.password ? ['user info (user:password@)'] : []),
    ...(url.pathname !== '/' && url.pathname !== '' ? ['a path'] : []),
    ...(url.search ? ['a query'] : []),
    ...(url.hash ? ['a fragment'] : []),
  ];
  if (parts.length === 0) return undefined;
  const listed = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `an origin, as browsers send it, is scheme://host[:port] alone, and this holds ${listed}${hostReadsAsSecret(given) ? '' : `: did you mean ${quoted(url.origin)}?`}`;
}

/** Distinct refused origins {@link originRefusals} names, at most. */
const ORIGINS_SAID = 20;

/**
 * The log of `serve --demo`: a browser refused for its `Origin` (a dashboard opened at a LAN
 * address or another port gets a 403 it cannot show) is written as one line per origin, with
 * the flag that allows it; at most {@link ORIGINS_SAID} origins, then one line that says the
 * rest are not named. The server's failures (its `error` records: a resume or a poll the store
 * failed, `resume-failed` and `poll-failed`; a hook that threw) are written too, each event and reason's kind at
 * most once each {@link FAILURE_SAID_EVERY_MS} ms, with how many were not said since: a stream
 * key another application wrote failed a user's every resume and poll with no line saying why
 * (tDV F6). A token refused is written with why (`detail`), once per reason each {@link FAILURE_SAID_EVERY_MS} ms
 * (tEA F1), its reason the detail's kind ({@link tokenReasonKind}: a client's own `alg` left out), with how many
 * were not said since. Each of the two holds at most 100 keys, the one said least recently forgotten past them: a
 * client cycling its own details silenced every later reason and failure (tEG F1). Its other records (`info`, `warn`: what a client may repeat at will) are not printed.
 * `now` is a monotonic clock in milliseconds (a test's).
 */
export function originRefusals(write: (line: string) => void, now: () => number = () => performance.now()): Logger {
  const said = new Set<string>();
  let silenced = false;
  const ignore = (): void => {};
  // Token refusals and server failures each in their own throttle, a key said least recently forgotten past 100: a
  // client's own details (its alg header, one per request) filled one map of 100 keys for good, and no later token
  // reason nor server failure was ever written (tEG F1).
  const tokens = new LogThrottle(FAILURE_SAID_EVERY_MS, 100);
  const failures = new LogThrottle(FAILURE_SAID_EVERY_MS, 100);
  const unsaid = (count: number): string => (count > 0 ? `; ${count} more not said since the last` : '');
  return {
    info(record: object) {
      const { reason, origin, event, detail } = record as { reason?: unknown; origin?: unknown; event?: unknown; detail?: unknown };
      // A token refused, with why (its exp missing, iat in milliseconds, a bad signature): a user signing their own tokens
      // with the demo's secret heard only `401 invalid-token` (tEA F1). Once per reason each 10 s; never the token.
      if ((reason === 'invalid-token' || reason === 'token-expired') && typeof detail === 'string') {
        const notSaid = tokens.take(tokenReasonKind(detail), now());
        if (notSaid !== null) write(`realtime-contract serve: refused a token (${event === 'poll-refused' ? 'poll' : 'WebSocket upgrade'} answered 401 ${reason}): ${quoted(detail, 300).slice(1, -1).replace(/\\"/g, '"')}${notSaid > 0 ? ` (said at most once each ${FAILURE_SAID_EVERY_MS / 1000} s${unsaid(notSaid)})` : ''}\n`);
        return;
      }
      if (reason !== 'origin' || typeof origin !== 'string' || said.has(origin)) return;
      if (said.size >= ORIGINS_SAID) {
        if (!silenced) write(`realtime-contract serve: more refused origins than ${ORIGINS_SAID}; the others are not named\n`);
        silenced = true;
        return;
      }
      said.add(origin);
      // Only an origin --allow-origin takes as it is (a browser sends `null` from a file: page), never text a shell would read otherwise.
      // An IPv6 one's brackets in single quotes: unquoted, zsh (`nomatch`) and bash with failglob
      // refused `http://[::1]:8000` as a glob that matches no file (a fresh tester).
      const allow = originOf(origin) === origin && /^[\w.:/[\]-]+$/.test(origin) ? `; --allow-origin ${/[[\]]/.test(origin) ? `'${origin}'` : origin} allows it` : '';
      write(`realtime-contract serve: refused a browser from origin ${quoted(origin, 200)} (${event === 'poll-refused' ? 'poll' : 'WebSocket upgrade'} answered 403)${allow}\n`);
    },
    warn: ignore,
    error(record: object, message?: string) {
      const { event, err } = record as { event?: unknown; err?: { name?: unknown; code?: unknown; message?: unknown } };
      const name = typeof event === 'string' ? event : 'error';
      const reason = err === undefined ? '' : String(err.message ?? err.name ?? '');
      // By event and reason's kind, as tokens are: another user's other fault was counted among the first one's "not said" (tEP F10).
      const notSaid = failures.take(`${name}\n${tokenReasonKind(reason, 200)}`, now());
      if (notSaid === null) return;
      const why = err === undefined ? '' : `: ${quoted(reason, 500).slice(1, -1).replace(/\\"/g, '"')}`;
      write(`realtime-contract serve: ${typeof message === 'string' ? message : 'server error'} (${quoted(name, 60).slice(1, -1)})${why} (said at most once each ${FAILURE_SAID_EVERY_MS / 1000} s${unsaid(notSaid)})\n`);
    },
  };
}

/**
 * The kind of a token refusal's `detail`, which {@link originRefusals} says once each 10 s: the
 * detail with what the client chose in it left out (a quoted value: its header's `alg`, a
 * parameter's name; a number: a position, a count of parts), cut to `keep` characters. Keyed by the
 * whole detail, each request could make a reason of its own (`alg "X1"`, `alg "X2"`, …).
 */
export function tokenReasonKind(detail: string, keep = 80): string {
  // An alg refused: the client's whole `alg` (a string holding `"`, `\"`, an array of booleans), whatever it holds, up to the
  // server's own words; a `"` of its own in an alg cut at 40 made a kind per request, a line each (tER F1).
  const alg = /^(ERR_JOSE_ALG_NOT_ALLOWED: alg ).*( not allowed, only [^"]*)$/s.exec(detail);
  if (alg !== null) return `${alg[1]}"…"${alg[2]}`.slice(0, keep);
  // From the first `"` to the last, whatever is between: jose quotes a `crit` parameter's name raw
  // (`Extension Header Parameter "a"b" is not recognized`), so the letters after a `"` in it made a kind per request (tEP F5).
  // What follows the last `"` is the client's too when jose's message was cut (JOSE_MESSAGE_SHOWN) inside the name.
  const first = detail.indexOf('"');
  if (first !== -1) {
    const last = detail.lastIndexOf('"');
    const cut = /^ERR_\w+: /.test(detail) && detail.length - detail.indexOf(': ') - 2 >= JOSE_MESSAGE_SHOWN;
    detail = `${detail.slice(0, first)}"…"${last > first && !cut ? detail.slice(last + 1) : ''}`;
  }
  return detail.replace(/\b\d+\b/g, 'N').slice(0, keep);
}

/** How often {@link originRefusals} writes a token refusal of one kind, or a server failure of one event, in ms. */
const FAILURE_SAID_EVERY_MS = 10_000;

/**
 * What `serve --demo` does with a message the server refuses from its producer (a schema
 * changed under the demo): writes one line per fault, that is per type, place and keyword
 * (whatever random value it held this round), or once per outage for other errors (a store
 * that is down fails every type alike), not every second; at most 100 faults. `published`,
 * called for each message the server took, ends an outage with a line that says so when its
 * stream (type and user, undefined for a broadcast) is one that failed in it: the next one is
 * said again (a fresh user: a third Redis outage went unsaid, and none said it was over). A type
 * that keeps failing while others publish, or one user's stream while the same type publishes
 * to another user, is said once.
 */
export function producerFaults(write: (line: string) => void): { failed: (error: unknown, type: string, user?: string) => void; published: (type: string, user?: string) => void } {
  /** Each message's fault said (type, place, keyword): said once for good. */
  const said = new Set<string>();
  /** The other faults said in this outage (a store that is down). */
  const outage = new Set<string>();
  /**
   * The types that failed so in this outage, each since when (monotonic clock): the outage ends
   * when one of them publishes. Ended by any type's publish, one type the store refuses for good
   * (its stream key of another type) while the others go said its "said once" line every round,
   * each followed by "publishes again" (tDG F10). Keyed by stream (type and user): one user's
   * stream of another type (rc:u:{bob}) was said again each round once alice's publish of the
   * same type ended the outage (tDO F1).
   */
  const failing = new Map<string, number>();
  const stream = (type: string, user: string | undefined) => (user === undefined ? type : `${type}\u0000${user}`);
  return {
    failed: (error, type, user) => {
      const first = error instanceof MessageValidationError ? error.errors[0] : undefined;
      const text = error instanceof Error ? error.message : String(error);
      // A message refused is that type's fault; anything else (a store that is down) is every type's: said once, not once per type.
      const faults = first ? said : outage;
      const fault = first ? `${type} ${first.pointer} ${first.keyword}` : text;
      if (!first && !failing.has(stream(type, user))) failing.set(stream(type, user), performance.now());
      if (faults.has(fault) || said.size + outage.size >= 100) return;
      faults.add(fault);
      write(first
        ? `realtime-contract serve: the demo producer cannot publish ${type}: ${cut(text, 300)} (said once; the other types still go)\n`
        : `realtime-contract serve: the demo producer cannot publish (${type} first): ${cut(text, 300)} (said once; it tries again every round and says when it publishes again)\n`);
    },
    published: (type, user) => {
      const since = failing.get(stream(type, user));
      if (since === undefined) return;
      write(`realtime-contract serve: the demo producer publishes again (${type} first), after ${Math.round((performance.now() - since) / 1000)} s\n`);
      failing.clear();
      outage.clear();
    },
  };
}

/**
 * Whether a value given where an origin, host or port goes looks like a secret given there by mistake (`--redis "$PASSWORD"`,
 * `--port "$TOKEN"`, a secret taken by --allow-origin: printed, tEC F2): the one rule of the Redis store's url too,
 * {@link secretWhereAddressGoes} (`Xk9mP2qR7wL4zT8b!`, `Pa55w0rdXyz` were shown: tEG F2), and a password holding `@` whose part
 * after it is no host ({@link passwordHoldingAt}: `p@ssw0rd` showed `[redacted]@ssw0rd`, tIO F1).
 */
export const secretLooking = (value: string): boolean => secretWhereAddressGoes(value) || passwordHoldingAt(value);

/** A value given for `name` as a fault shows it: quoted, or by its length when {@link secretLooking}. */
function shownValue(value: string, show: (value: string) => string = (given) => given): string {
  return secretLooking(value) ? `a value of ${value.length} characters (not shown: it may be a secret)` : quoted(show(value));
}

/**
 * The host part of the URLs the demo prints: the address it listens on, an IPv6 one in
 * brackets; on every interface, the loopback address of that family (`127.0.0.1` on `0.0.0.0`,
 * `[::1]` on `::`); on `localhost`, the address it listens on (`listening`, the server's, when
 * given). With `--host 127.0.0.2` they named localhost, which may be another demo that accepts
 * the same kept tokens (a fresh user); so they did on 127.0.0.1, which browsers (Chromium) send
 * to `::1` first, where a second demo on the same port (`--host ::1`) answers the page (tEL F2).
 */
export function urlHost(host: string, listening?: string): string {
  const canonical = canonicalHost(host);
  if (canonical === '0.0.0.0') return '127.0.0.1';
  if (canonical === '[::]') return '[::1]';
  return canonical === 'localhost' && listening !== undefined ? canonicalHost(listening) : canonical;
}

/**
 * `host` as a browser writes it in a URL and an `Origin`: an IPv6 address in brackets and
 * shortened (`::ffff:127.0.0.1` is `[::ffff:7f00:1]`: a dashboard opened at the address as
 * given was refused for its origin; a reviewer). One already in brackets is kept in them.
 */
function canonicalHost(host: string): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  try {
    return new URL(`http://${bracketed}`).hostname;
  } catch {
    return bracketed;
  }
}

/** `host:port` as {@link canonicalHost} writes the host (`[::1]:8000`). */
function hostPort(host: string, port: number): string {
  return `${canonicalHost(host)}:${port}`;
}

/**
 * `http://host:port` as a browser's `Origin` writes it (`host` as {@link canonicalHost} writes
 * it): without the default port, `http://localhost` on port 80. `http://localhost:80` was no
 * origin a browser sends, so `--port 80` refused its own dashboard's socket (a fresh tester).
 */
export function demoOrigin(host: string, port: number): string {
  const written = `http://${canonicalHost(host)}:${port}`;
  try {
    return new URL(written).origin;
  } catch {
    return written;
  }
}

/**
 * The demo's own origins once it listens on `host`:`port`: localhost, 127.0.0.1 and the host
 * itself, the IPv6 loopback `[::1]` on `::` (every interface, IPv4 and IPv6, loopback
 * included: a page at `http://[::1]:PORT` was refused its socket there, `http://127.0.0.1:PORT`
 * not; a fresh tester), and the address it listens on (`listening`: `localhost` may be `::1`),
 * which its printed URLs name ({@link urlHost}). Each as a browser sends it ({@link demoOrigin}).
 */
export function demoOrigins(host: string, port: number, listening?: string): string[] {
  const hostPart = canonicalHost(host);
  const hosts = ['localhost', '127.0.0.1', hostPart, ...(hostPart === '[::]' ? ['::1'] : []), ...(listening === undefined ? [] : [listening])];
  return [...new Set(hosts.map((name) => demoOrigin(name, port)))];
}

/**
 * Starts the demo: a server with a fresh HS256 secret on `host`:`port`, tokens for `alice`,
 * `bob` and an `admin`, and the demo producer publishing to alice and bob (and global types).
 * Browsers are let in only from {@link demoOrigins} and `allowOrigins` (403 otherwise); requests
 * without an `Origin` header (websocat, `listen`, curl) pass.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const key = new TextEncoder().encode(secret);
  const sign = (sub: string, admin: boolean) =>
    new SignJWT(admin ? { admin: true } : {}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('24h').sign(key);
  // Filled once listening: with port 0 the port is known only then (nothing connects before).
  const allowed = new Set<string>();
  const server = createRealtimeServer({
    jwt: { secret: key },
    allowedOrigins: (origin) => allowed.has(origin),
    port: options.port ?? 8000,
    host: options.host ?? '127.0.0.1',
    ...(options.handleHttp ? { handleHttp: options.handleHttp } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.webSocket === false ? { webSocket: false } : {}),
  });
  await server.listening;
  const { port, address } = server.address()!;
  for (const origin of [...demoOrigins(options.host ?? '127.0.0.1', port, address), ...(options.allowOrigins ?? [])]) allowed.add(origin);
  const producer = startDemoProducer(server, { users: ['alice', 'bob'], intervalMs: options.intervalMs ?? 1000, ...(options.onProducerError ? { onError: options.onProducerError } : {}), ...(options.onProducerPublished ? { onPublished: options.onProducerPublished } : {}), ...(options.sentBefore ? { sentBefore: options.sentBefore } : {}) });
  const tokens = { alice: await sign('alice', false), bob: await sign('bob', false), admin: await sign('admin', true) };
  return {
    server,
    secret,
    tokens,
    allowedOrigins: [...allowed],
    producer,
    stop: async () => {
      producer.stop();
      await server.close();
    },
  };
}

/**
 * Runs `serve` until SIGINT/SIGTERM, or until its standard output cannot be written (a full
 * disk: nobody could read its secret and tokens; it served on for ever, a fresh user), which
 * stops it the same way. Another SIGINT/SIGTERM while it stops changes nothing (the stop is
 * bounded: the server's close() ends sockets not drained within 5 s). Exit code: 0 after a clean stop, 2 on a usage error, when the port is
 * taken or when standard output failed.
 */
export async function runServe(options: ServeOptions, output: Output): Promise<number> {
  // From the start, SIGINT, SIGTERM or SIGHUP (tIQ F2) stops the demo with exit 0 (src/cli/main.ts holds them earlier still): installed
  // just before the banner, after the imports, the secret, the journal and the listen (5-6 s under load), a supervisor's
  // SIGTERM or a Ctrl-C in the start killed the demo by the signal, 143 or 130 (tII F2).
  holdStopSignals();
  try {
    return await serve(options, output);
  } finally {
    // With no signal, at once. After one, 5 s later, unref'd: the listener makes a second SIGINT or SIGTERM while the demo
    // stops change nothing (a second Ctrl-C, a supervisor's SIGTERM after its SIGINT, the SIGINT tsx's parent process relays
    // after the terminal's own): with none left, one killed it by the signal mid-stop, its `stopped` line unsaid (tHQ F1); and
    // the CLI ends by process.exit once its output is written, the listener still installed (tII F1).
    if (stopSignalled()) setTimeout(releaseStopSignals, 5000).unref();
    else releaseStopSignals();
  }
}

/** {@link runServe} with SIGINT and SIGTERM held. */
async function serve(options: ServeOptions, output: Output): Promise<number> {
  if (!options.demo) {
    output.stderr('realtime-contract serve: only --demo is available from the command line; embed createRealtimeServer from "realtime-contract/server" for a real backend\n');
    return 2;
  }
  // Every option's fault, said together (a fault each run: tBT F3).
  const faults: string[] = [];
  // Digits only: Number() would take `1e3`, `0x1F90` and `''` (port 0, a random one) as ports.
  const port = typeof options.port === 'string' ? (/^\d{1,5}$/.test(options.port) ? Number(options.port) : NaN) : (options.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    // A URL given as the port (`--port "$REDIS_URL"`, the variables mixed up) was printed whole, its password with it: a
    // value with a scheme reads as no secret itself, its credentials being for the caller to drop (tFU F8). Shown as every
    // command shows a refused option value (shownArgument): by the host's rules, a path after it and a port that is no digits
    // were hidden, `8000/tcp` shown `8000/[redacted]`, an ISO date's minutes `[redacted]` (tHG F10).
    const given = String(options.port);
    const shown = shownArgument(given);
    faults.push(`realtime-contract serve: --port must be an integer from 0 to 65535, got ${shown.startsWith('<a value of ') ? `a value of ${given.length} characters (not shown: it may be a secret)` : quoted(shown)}\n`);
  }
  // An empty host (`--host "$HOST"` with HOST unset) would listen on every interface, with the demo's tokens printed.
  if (options.host !== undefined && options.host.trim() === '') {
    faults.push(`realtime-contract serve: --host must name an address to listen on, such as 127.0.0.1 or ::1, got ${quoted(String(options.host))}\n`);
  } else if (options.host !== undefined && options.host.includes('%') && isIPv6(options.host)) {
    // A scoped IPv6 address (`fe80::1%eth0`, `::1%lo`): Node listens on it, but a URL has no
    // place for its zone (WHATWG URLs refuse one, `%25` too), so every URL the demo printed was one
    // no browser, `Origin` header or `listen` could use (a fresh tester). Any `%`: no host name has one.
    const zone = options.host.slice(options.host.indexOf('%'));
    faults.push(`realtime-contract serve: --host cannot be a scoped IPv6 address (with a zone, ${quoted(zone, 40)}), got ${quoted(options.host)}: a URL has no place for a zone (browsers and listen refuse one), so no URL the demo printed would open. Give an address without one (::1, a global address), or --host :: for every interface and open the demo at the machine's global address, with --allow-origin for that page's origin\n`);
  } else {
    // `--host [::1]` (as the demo's URLs write it), a URL or host:port failed only at listen, with getaddrinfo's ENOTFOUND.
    const hostHint = options.host === undefined ? undefined : hostProblem(options.host, '--port');
    // Hidden as the hint hides it: the host name inside a URL or host/path too (tEP F1).
    if (hostHint !== undefined) {
      // A socket path, relative or written unix: (`./run/Redis6.sock`, `unix:/var/run/App01/rc.sock`), shown whatever the case of
      // its names, as an absolute one is: hidden by the capitals-and-digits rule, which is a word's, not a path's (tFU F10).
      // Judged as hostReadsAsSecret judges it, the user info given by mistake `[redacted]`, the host after it shown (tGV F4).
      const socketPath = readsAsSocketPath(options.host!) && /[/\\]/.test(options.host!.replace(/^\s*unix:/i, ''));
      const hostShown = socketPath ? quoted(shownHost(options.host!)) : hostReadsAsSecret(options.host!) ? `a value of ${options.host!.length} characters (not shown: it may be a secret)` : quoted(shownHostValue(options.host!));
      faults.push(`realtime-contract serve: --host must be a host name or address, got ${hostShown}; ${hostHint}\n`);
    }
  }
  // An origin is what a browser sends in `Origin`: scheme, host and port, nothing else.
  const origins: string[] = [];
  for (const given of options.allowOrigin ?? []) {
    // --allow-origin takes every value up to the next option, and so an option after an empty variable (`--allow-origin
    // $ORIGIN --secret "$S"`, ORIGIN unset) and its value: the secret was printed as an origin (tEC F2). The option is named,
    // what follows it is not shown.
    if (given.startsWith('-')) {
      faults.push(`realtime-contract serve: --allow-origin expects an origin such as https://dashboard.example or http://localhost:3000, got the option ${quoted(given.split('=')[0]!, 40)} and what follows it (not shown): --allow-origin takes every value up to the next option, so an empty variable before one (--allow-origin $ORIGIN with ORIGIN unset) makes it take that option; quote the variable ("$ORIGIN") or give --allow-origin last\n`);
      break;
    }
    const origin = originOf(given);
    // A well-formed origin whose host reads as a secret (`https://${ORIGIN_HOST}` with a password in it) was taken and printed
    // in the banner, lower-cased (tFU F2).
    const hidden = originReadsAsSecret(given);
    if (origin === undefined || hidden) {
      // A port not shown is said to be the fault (tEG F3: `http://localhost:${PORT}` was refused as "http://localhost:[redacted]", no word why).
      // A secret in any part between its commas too (`https://a.example,Xk9mP2qL7vR4` was printed whole: tFP F2).
      const hostFault = originHostProblem(given);
      // `*`, `*.example.com`, `http://localhost:*` and `null` were refused without a reason, or told the port may be a password (tFU F16, tFW F3).
      const special = hidden ? undefined : given.trim() === 'null'
        ? 'null is the origin a browser sends from a file: page or a sandboxed frame, which any page can claim: serve the page over http(s) and give that origin'
        : given.includes('*') ? originHostHint({ kind: 'wildcard', host: given }, 'cli') : undefined;
      const port = hidden || special !== undefined || hostFault?.kind === 'list' ? undefined : portNotShown(given);
      const why = special ?? port ?? (hidden ? (origin === undefined ? undefined : 'its host reads as a secret, not a host name (a password or token in the variable?)') : hostFault !== undefined ? originHostHint(hostFault, 'cli') : bracketedHostProblem(given) ?? notAnOrigin(given));
      const shown = hidden ? `a value of ${given.length} characters (not shown: it may be a secret)` : shownValue(given, hostFault?.kind === 'list' ? shownOrigins : shownHost);
      faults.push(`realtime-contract serve: --allow-origin expects an origin such as https://dashboard.example or http://localhost:3000, got ${shown}${why === undefined ? '' : `: ${why}`}\n`);
    } else origins.push(origin);
  }
  if (options.secret !== undefined && Buffer.byteLength(options.secret) < 32) {
    faults.push(`realtime-contract serve: ${options.names?.secret ?? '--secret'} must be at least 32 bytes (HS256), got ${Buffer.byteLength(options.secret)}\n`);
  }
  // A public key's PEM as --secret was said as "cannot listen on …" (the server's TypeError), and anyone holding the key could sign tokens (tFU F11).
  const keyGiven = options.secret === undefined ? undefined : keyMaterialIn(new TextEncoder().encode(options.secret));
  if (keyGiven !== undefined) {
    const name = options.names?.secret ?? '--secret';
    // An HS256 key as a JWK is the shared secret, not a public key (tGD F11, and in a key set or an array tGF F9: told to give a public key).
    const why = keyGiven.loneSymmetric
      ? `the JSON text is not the key, its "k" (base64url) is, and ${name} is taken as text`
      : keyGiven.asymmetric === 0
        ? `the text is not the key, ${keyGiven.symmetric === 1 ? 'its JWK\'s "k" (base64url) is' : 'the "k" (base64url) of the JWK the tokens are signed with is'}, and ${name} is taken as text`
        : `a key given as the secret is the HMAC key, and a public key is known to others, who could sign tokens with it${keyGiven.symmetric > 0 ? `; a symmetric JWK's "k" (base64url) is a key, but ${name} is taken as text` : ''}`;
    faults.push(`realtime-contract serve: ${name} must be an HS256 shared secret, got ${keyGiven.phrase}: ${why}; give a random secret of at least 32 bytes\n`);
  }
  // `--redis "$REDIS_URL"` with the variable unset ran the node alone, without a word, while an
  // empty --host, --port or --secret is refused (tBT F10): each node then missed the others' messages.
  if (options.redis !== undefined && options.redis.trim() === '') {
    faults.push(
      options.names?.redis === undefined
        ? `realtime-contract serve: --redis must be a Redis URL such as redis://127.0.0.1:6379, got ${quoted(options.redis)} (an unset variable, as in --redis "$REDIS_URL" with REDIS_URL unset?); leave --redis out to keep the streams in this process\n`
        : `realtime-contract serve: ${options.names.redis} must be a Redis URL such as redis://127.0.0.1:6379, got ${quoted(options.redis)}; unset it to keep the streams in this process\n`,
    );
  }
  if (faults.length > 0) {
    for (const fault of faults) output.stderr(fault);
    return 2;
  }
  // A signal in the start stops it there, exit 0 (tII F2).
  if (stopSignalled()) {
    output.stdout('stopped\n');
    return 0;
  }
  let store: StreamStore | undefined;
  if (options.redis) {
    try {
      // A Redis that does not answer holds the start up to the store's command timeout: a signal meanwhile abandons it,
      // the store closed if it comes.
      const connecting = createRedisStreamStore({ url: options.redis });
      const connected = await Promise.race([connecting, stopRequested().then(() => undefined)]);
      if (connected === undefined) {
        connecting.then((late) => late.close(), () => undefined).catch(() => undefined);
        output.stdout('stopped\n');
        return 0;
      }
      store = connected;
    } catch (error) {
      // The store's refusal of the URL (never with its password), worded for the flag; with the way out when nothing listens
      // there (tHQ F2: a bare ECONNREFUSED).
      const message = (error as Error).message;
      const refused = /\bECONNREFUSED\b/.test(message)
        ? ` (nothing listens there: start redis-server, or ${options.names?.redis === undefined ? 'leave --redis out' : `unset ${options.names.redis}`} to keep the streams in this process)`
        : '';
      output.stderr(`realtime-contract serve: ${message.replace(/^createRedisStreamStore: url /, `${options.names?.redis ?? '--redis'} `)}${refused}\n`);
      return 2;
    }
  }
  const kept = options.secret === undefined ? keptDemoSecret() : undefined;
  // On a port of its own, in memory: the streams in a journal beside the kept secret, so that a
  // demo killed and started again resumes its dashboards (no gap). Port 0 is a new port each time.
  let journal: DemoJournal | undefined;
  if (!store && port !== 0 && kept !== undefined && kept.notKept === undefined) {
    // Per checkout too: another checkout's demo on this port (its schemas edited, say) keeps its own.
    // The package's folder, the same run from source (src/cli) or from dist/ (dist/src/cli).
    const packageRoot = path.resolve(import.meta.dirname, path.basename(path.resolve(import.meta.dirname, '../..')) === 'dist' ? '../../..' : '../..');
    const checkout = createHash('sha256').update(packageRoot).digest('hex').slice(0, 8);
    journal = openDemoJournal(path.join(path.dirname(kept.file), `journal-${port}-${checkout}.ndjson`), (line) => output.stderr(`realtime-contract serve: ${line}\n`));
    store = journal.store;
  }
  let demo: Demo;
  try {
    // The demo dashboard (src/client/dashboard) at GET /, through the server's handleHttp hook.
    const { dashboardHandler } = await import('../client/dashboard/handler.js');
    const producer = producerFaults((line) => output.stderr(line));
    demo = await startDemo({ port, host: options.host ?? '127.0.0.1', handleHttp: dashboardHandler(), logger: originRefusals((line) => output.stderr(line)), ...(store ? { store } : {}), secret: options.secret ?? kept!.secret, ...(origins.length > 0 ? { allowOrigins: origins } : {}), ...(options.websocket === false ? { webSocket: false } : {}), onProducerError: producer.failed, onProducerPublished: producer.published, ...(journal?.kept ? { sentBefore: [...journal.frames('metrics'), ...journal.frames('bots')] } : {}) });
  } catch (error) {
    await store?.close();
    // A journal this start made and never used (the port taken by something else) is not left behind.
    if (journal?.kept && 'fresh' in journal.restored && journal.restored.fresh === 'no journal yet') rmSync(journal.file, { force: true });
    // A host that reads as a secret (`--host "$TOKEN"`) was printed twice, here and in getaddrinfo's ENOTFOUND (tEC F2).
    const host = options.host ?? '127.0.0.1';
    const hidden = secretLooking(host);
    const message = hidden ? (error as Error).message.split(host.toLowerCase()).join('[redacted]').split(host).join('[redacted]') : (error as Error).message;
    // Node's words, then the way out (tHQ F2: a demo started twice got a bare EADDRINUSE).
    const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ` (another process listens on port ${port} there, often a demo started earlier: stop it, or give another --port)` : '';
    output.stderr(`realtime-contract serve: cannot listen on ${hidden ? `a host of ${host.length} characters (not shown: it may be a secret), port ${port}` : hostPort(host, port)}: ${message}${taken}\n`);
    return 2;
  }
  // From the first SIGINT or SIGTERM (the start's included, tII F2); the stop is bounded: the server's close() waits at
  // most its shutdownTimeoutMs (5 s) for sockets to drain, then ends them.
  const why = new Promise<'signal' | 'output'>((resolve) => {
    void stopRequested().then(() => resolve('signal'));
    // Its one line is said already (processOutput).
    void output.stdoutFailed?.then(() => resolve('output'));
  });
  const { port: actual, address: listening } = demo.server.address()!;
  // As a browser writes it: `http://127.0.0.1`, not `http://127.0.0.1:80`, on port 80.
  const site = demoOrigin(urlHost(options.host ?? '127.0.0.1', listening), actual);
  // The paths and times the demo server serves: its defaults, the contract's (a contract that moved them printed the old ones: tBD F3).
  const base = `${site.replace(/^http:/, 'ws:')}${WEBSOCKET_PATH}`;
  // Not after a signal in the start: it stops at once.
  if (!stopSignalled()) output.stdout(
    [
      // The PID is this node process's own, not an `npx` or tsx wrapper's: `kill -9` it to try a crash.
      `realtime-contract demo server on ${hostPort(options.host ?? '127.0.0.1', actual)} (pid ${process.pid}; ${options.websocket === false ? 'WebSocket off: upgrades refused with 404' : `path ${WEBSOCKET_PATH}`}, polling ${POLL_PATH})${store && !journal ? `, streams in ${store.status().detail}` : ''}`,
      `HS256 demo secret: ${options.names?.secret === undefined || options.secret === undefined ? demo.secret : `(from ${options.names.secret}, not shown)`}${kept === undefined ? '' : kept.notKept === undefined ? ` (${kept.replaced ? `new: ${kept.replaced}; ` : ''}kept in ${kept.file}, so a restarted demo accepts the same tokens; --secret sets another)` : ` (not kept: ${kept.notKept}; a restarted demo prints new tokens; --secret sets one)`}`,
      `Allowed origins: ${demo.allowedOrigins.join(', ')} and clients without an Origin header (--allow-origin adds more)`,
      ...(journal
        ? [journal.kept
            ? `Streams kept in ${journal.file} (${'entries' in journal.restored ? `${journal.restored.entries} entries of the last 5 minutes taken back` : `new: ${journal.restored.fresh}`}), so a demo killed and started again on this port within 5 minutes resumes its dashboards without a gap`
            : `Streams in memory only (${'fresh' in journal.restored ? journal.restored.fresh : 'the journal cannot be written'}): a restart is a gap for open dashboards`]
        : !store
          ? [`Streams in memory only (${port === 0 ? 'port 0 is a new port each start: no journal is kept' : kept === undefined ? `with ${options.names?.secret ?? '--secret'}, no journal is kept` : `no journal without a kept secret: ${kept.notKept}`}): a restart is a gap for open dashboards`]
          : []),
      '',
      `alice (user):  ${demo.tokens.alice}`,
      `bob (user):    ${demo.tokens.bob}`,
      `admin (admin): ${demo.tokens.admin}`,
      '',
      `Dashboard: ${site}/?token=${demo.tokens.alice}`,
      // The admin's view too: it said nowhere how to open it (a fresh user). A new tab, or "switch token": a tab keeps its token.
      `Admin dashboard (every user's stream): ${site}/?token=${demo.tokens.admin}`,
      '',
      // With --no-websocket, the socket's examples would meet the 404 (a fresh user followed them).
      ...(options.websocket === false
        ? ['Try it (WebSocket is off: the polling fallback alone):']
        : [
            'Try it (spec "Testing WebSocket"):',
            `  websocat "${base}?token=${demo.tokens.alice}"`,
            // In the dashboard's own tab: from another page chromium blocks it or the origin check refuses it, and without
            // onmessage nothing shows (tHF F1: pasted in a new tab, it closed 1006 and the demo logged nothing).
            `  in the dashboard tab's console: const ws = new WebSocket('${base}?token=${demo.tokens.alice}'); ws.onmessage = (e) => console.log(JSON.parse(e.data));`,
          ]),
      `  curl "${site}${POLL_PATH}?token=${demo.tokens.alice}"`,
      '    (a poll without since answers at once with a cursor and no messages; add &since=<that cursor> for what comes after it)',
      ...(options.websocket === false ? [] : [`Answer each {"type":"ping","timestamp":T} with {"type":"pong","timestamp":T} within ${PONG_TIMEOUT_MS / 1000} s, or the server closes with ${CloseCode.PongTimeout}.`]),
      'The demo producer sends a message of every stream type each second (connection, ping, pong and error come from the server itself). Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  const reason = await why;
  await demo.stop();
  await store?.close();
  if (reason === 'output') return 2;
  output.stdout('stopped\n');
  return 0;
}

/**
 * The demo's HS256 secret when `--secret` is not given: random once, then kept (mode 0600, in a
 * folder of mode 0700) in the OS temporary folder, so that a demo killed and started again
 * accepts the tokens it printed before and an open dashboard resumes instead of being refused
 * with 401. The temporary folder is shared: a kept secret is used only when its folder and file
 * are this user's and nobody else can read or write them (else another user could have planted
 * it and would know it). Otherwise the secret is not kept, and `notKept` says why.
 * The folder is named after the user, or after the uid (`uid-12345`) when the uid has no user
 * name (`docker run --user 12345`, OpenShift's random uid: `os.userInfo()` throws ENOENT there).
 */
function keptDemoSecret(): { secret: string; file: string; notKept?: string; replaced?: string } {
  const dir = path.join(tmpdir(), `realtime-contract-demo-${demoFolderOwner()}`);
  const file = path.join(dir, 'hs256-secret');
  const fresh = randomBytes(32).toString('hex');
  // Mode bits and owners mean nothing on Windows, where the temporary folder is per user.
  const posix = process.platform !== 'win32' && typeof process.getuid === 'function';
  const private_ = (info: Stats) => !posix || (info.uid === process.getuid!() && (info.mode & 0o077) === 0);
  try {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const folder = lstatSync(dir);
    if (!folder.isDirectory() || !private_(folder)) return { secret: fresh, file, notKept: `${dir} is not a folder that only you can open` };
    let replaced: string | undefined;
    try {
      const kept = lstatSync(file);
      if (kept.isFile() && private_(kept)) {
        const text = readFileSync(file, 'utf8').trim();
        if (/^[0-9a-f]{64}$/.test(text)) return { secret: text, file };
        replaced = 'the kept one was not a secret this demo writes';
      } else replaced = 'the kept one was not a private file (others could read or write it)';
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // O_EXCL: never through a link or into a file someone else made meanwhile.
    writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return replaced === undefined ? { secret: fresh, file } : { secret: fresh, file, replaced };
  } catch (error) {
    return { secret: fresh, file, notKept: `cannot keep it in ${file}: ${(error as Error).message}` };
  }
}

/**
 * The user name the demo's folder in the shared temporary folder is named after: the login name,
 * or `uid-N` for a uid with no passwd entry, where `os.userInfo()` throws ("uv_os_get_passwd
 * returned ENOENT"; tCX F1: the demo refused to start there).
 */
function demoFolderOwner(): string {
  try {
    return userInfo().username;
  } catch {
    // Without getuid (Windows) the temporary folder is the user's own anyway.
    return typeof process.getuid === 'function' ? `uid-${process.getuid()}` : 'unnamed-user';
  }
}
