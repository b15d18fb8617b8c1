/**
 * `createRealtimeServer`: the `ws` adapter and HTTP side of the reference server — JWT before
 * the upgrade, origin allowlist, upgrade rate limits, the polling endpoint — around the
 * transport-agnostic core (core.ts).
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { inspect, types } from 'node:util';
import ipaddr from 'ipaddr.js';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { addRealtimeServer, answeredAsRequest, attachInFront, hasRealtimeServers, servedPath, watchParserRefusals, watchPeerAddresses } from './attach.js';
import { headMayBeCut, offersWebSocket, serveIgnoringUpgrade, watchHeaderLimits } from './ignored-upgrade.js';
import { AuthError, createJwtVerifier, JWT_OPTIONS, jwtVerifier, VERIFIER_REASON, redactRefusedOrigin, redactUrl, tokenOf, userIdProblem, type AuthenticateHook, type HookPrincipal, type JwtOptions, type Principal } from './auth.js';
import { containedLogger } from './contained-logger.js';
import { errorSummary, isError, RealtimeCore, type Counters, type Logger, type Subscriber, type Transport } from './core.js';
import { MemoryStreamStore } from './memory-store.js';
import { redactRedisUrl, storeErrorSummary } from './redis/redis-stream-store.js';
import { checkPollResponse } from './poll-response.js';
import { CloseCode, PING_INTERVAL_MS, POLL_HOLD_MS, POLL_MAX_MESSAGES, POLL_PATH, PONG_TIMEOUT_MS, WEBSOCKET_PATH, type GlobalMessage, type UserMessage } from './protocol.js';
import { KeyedRateLimiter, LogThrottle, type RateLimit } from './rate-limit.js';
import { AS_A_REQUEST_NAMES_IT, requestUrl, samePath, unservablePath } from '../shared/request-url.js';
import { hasMethods, MAX_TIMER_MS, optionChecks, shownFound } from '../shared/options.js';
import { REFUSALS } from '../shared/refusals.js';
import { holdsJwt, isSecretName, leniently, passwordHoldingAt, portNotShown, readsAsHostAndPort, REDACTED, secretWhereAddressGoes, withUserInfoLeftOut, withUserInfoShownRedacted, type HiddenTexts } from '../shared/secrets.js';
import { POLL_SUFFIX } from '../client/protocol.js';
import { cut, nearestName, preview } from '../runtime/errors.js';
import type { ReadResult, StreamEntry, StreamStore } from './stream-store.js';

/** Options of {@link createRealtimeServer}. Times are in milliseconds, sizes in bytes. */
export interface RealtimeServerOptions {
  /** An http/https server to attach to (Express's, Fastify's `fastify.server`). Without it the server listens on `host`/`port`. */
  server?: HttpServer | HttpsServer | undefined;
  /** Port to listen on when no `server` is given (with `server`, a TypeError): an integer from 0 to 65535. Default 0 (any free port: see `address()`). */
  port?: number | undefined;
  /**
   * Host to listen on when no `server` is given (with `server`, a TypeError): a host name or an IP address, an IPv6 one without
   * brackets (`::1`, a scoped `fe80::1%eth0` too), with no scheme, port or space, a name of letters, digits, `.`, `-` and `_`
   * (a RangeError saying what to give; user info given by mistake is shown `[redacted]`). Not empty (Node reads '' as every
   * interface: say '0.0.0.0' or '::'). Default 127.0.0.1.
   */
  host?: string | undefined;
  /**
   * WebSocket path, starting with `/`, as a request's URL names it (no query, fragment or dot segment). Default WEBSOCKET_PATH (`/api/ws`).
   * Served with a trailing slash more or less too (`/api/ws/` is `/api/ws`), as `pollPath` is.
   * Attached, neither it nor `pollPath` may be one that another realtime server still open on the same `server` serves (a RangeError
   * naming it; free again once that server's `close()` has resolved).
   */
  path?: string | undefined;
  /**
   * Polling endpoint path, or false to serve none: as `path` is, and not `path` itself. Default `path` + what POLL_PATH adds to
   * WEBSOCKET_PATH (`/poll`): POLL_PATH (`/api/ws/poll`) with the default `path`, where the client looks for it by default.
   */
  pollPath?: string | false | undefined;
  /**
   * false refuses every upgrade on `path` with 404 `{"error":"websocket-off"}` and serves
   * polling only: what a proxy that cannot carry WebSockets leaves. A client that sees the
   * status (Node) polls at once; a browser, which never does, after `fallbackAfter` failed
   * attempts. Default true. false with `pollPath: false` (a server that serves no client) is a TypeError at creation.
   */
  webSocket?: boolean | undefined;
  /** JWT verification (pinned algorithms). Give this or `authenticate`. */
  jwt?: JwtOptions | undefined;
  /** Custom authentication, instead of `jwt`. Its promise is bounded by `authenticateTimeoutMs`. */
  authenticate?: AuthenticateHook | undefined;
  /**
   * Milliseconds `authenticate`'s promise has to settle (> 0, at most 2^31 - 1). Past it the upgrade or poll is refused with 503
   * `{"error":"authenticate-timeout"}` and `Retry-After: 5` (as while a JWKS cannot be fetched: the token may be good), counted
   * in `stats()` under `authenticate-timeout`, logged as `authenticate-timeout` (never with the token) and its connection closed,
   * its `maxConnectionsPerIp` place given back; the hook's answer when it comes is ignored (a rejection included). A hook that
   * never settles would otherwise hold its connection, and its place, for ever. Default 10 000.
   */
  authenticateTimeoutMs?: number | undefined;
  /**
   * Origins allowed to open a socket or poll (403 otherwise): an array of origins as browsers
   * send them (`['https://dashboard.example.com']`: scheme://host[:port], no path, no trailing
   * slash; compared whole), or a function. A string is a TypeError, not a list of one (from an
   * environment variable: `value.split(',')`), but `'*'`: any origin, said on purpose. A request
   * without `Origin` passes (not a browser, or a page's same-origin GET), unless an array or a function is given and its
   * `Sec-Fetch-Site` (Fetch Metadata) is not `same-origin` nor `none`: a no-cors request (`<img>`) or a
   * navigation from another origin's page, which sends no `Origin` but its visitor's cookies, is refused as a wrong
   * origin is (403 `origin`). Browsers send Fetch Metadata only to an `https:` URL or to `localhost`, `127.0.0.1`,
   * `[::1]`: over plain `http:` to a name or LAN address such a request passes, so serve a cookie-reading
   * `authenticate` over https (README "Origins"). Default: any with `jwt`. With `authenticate` there is
   * no default (a TypeError at creation that says so): a hook may read a cookie, which a browser
   * sends with a socket that any page opens (WebSockets have no CORS), so with any origin allowed
   * any site could read its visitor's stream (cross-site WebSocket hijacking: a security review);
   * `'*'` when the hook reads no cookie nor other credential a browser sends by itself (a token in
   * the URL, which another site's page does not have). A function must answer at once: an `async` one is a TypeError at creation, and one that returns a promise otherwise refuses every origin, logged as `origin-check-async`. A function that throws refuses the origin (logged as
   * `origin-check-threw`). A poll gets CORS headers (and its `OPTIONS` preflight a
   * 204), so a dashboard served elsewhere can fall back to polling, and one whose origin is
   * refused can read its poll's 403 (`origin`) and stop.
   */
  allowedOrigins?: readonly string[] | ((origin: string) => boolean) | '*' | undefined;
  /** Where streams are kept. Default a new `MemoryStreamStore`, closed by `close()`; a store given here is never closed by the server (close it yourself, after `close()`). */
  store?: StreamStore | undefined;
  /** Validate every published message strictly, throwing at the call site. Default: true unless NODE_ENV is production. */
  validateOutbound?: boolean | undefined;
  /**
   * Milliseconds between pings. Default PING_INTERVAL_MS (protocol.json `x-keepalive.pingIntervalMs`; 30 000 in the shipped contract).
   * One timer ticks every twentieth of the shorter of this and `pongTimeoutMs` (from 5 ms to 1 s: 500 ms with the defaults); a round
   * goes out at the first tick at or past its time, the next due this long after that tick, so a socket's first ping comes up to
   * this plus a tick after it opens (30.5 s with the defaults), later by what the event loop delays the timer.
   */
  pingIntervalMs?: number | undefined;
  /**
   * Milliseconds a ping waits for its pong before the socket is closed with 4408 (counted from the oldest unanswered ping, from when
   * it was written). Default PONG_TIMEOUT_MS (protocol.json `x-keepalive.pongTimeoutMs`; 10 000 in the shipped contract). Judged at
   * the keepalive's first tick at or past the deadline (see `pingIntervalMs`): the pong has this to this plus a tick (10 to 10.5 s
   * with the defaults), later by what the event loop delays the timer; a silent socket is closed within both plus two ticks of
   * opening (41 s with the defaults).
   */
  pongTimeoutMs?: number | undefined;
  /**
   * Largest inbound frame, in bytes (≥ 1); a larger one closes with 1009, unread (ws refuses it
   * by the length in its header). Default 1 KiB: a client's messages (ping, pong) are under 100
   * bytes, and frames of 16 KiB, parsed and refused at the inbound rate, cost a third of a core
   * per user. Raise it for client messages of your own that are larger. Whatever
   * its size, a message comes in at most 16 frames (fragments): more close with 1008.
   */
  maxPayloadBytes?: number | undefined;
  /**
   * Inbound messages per connection, RFC 6455 ping and pong frames included (every rate: `perSecond` > 0, `burst` ≥ 1). Default 20/s, burst 40.
   * The RATE_LIMITED error says it (`message`), with when the next frame is taken, in ms, and what closes the socket (`details`); the 4429's reason says it too.
   */
  inboundRate?: RateLimit | undefined;
  /** Refused inbound frames in a row, after the RATE_LIMITED error, before closing with 4429: an integer ≥ 0. Default 20; 0 closes at the first refused frame, with no RATE_LIMITED error (as `maxConsecutiveFaults: 0` closes at the first fault). */
  inboundRateCloseAfter?: number | undefined;
  /** Faulty inbound frames in a row, each answered with an `error`, before closing with 1008. Default 100. */
  maxConsecutiveFaults?: number | undefined;
  /** Outbound messages per connection; pending states are conflated meanwhile. Default: unlimited. */
  outboundRate?: RateLimit | null | undefined;
  /** The client's address for the per-IP limit (an IPv6 address counts by its /64, an IPv4-mapped or translated one, NAT64's `64:ff9b::192.0.2.1`, as its IPv4 address). Default the socket's remote address; behind a proxy, read the address it appends (the last of X-Forwarded-For: the first is whatever the client sent) or every client shares the proxy's bucket. A port written with the address (`192.0.2.1:5678`, `[2001:db8::1]:443`) is dropped. No address (null, undefined, an empty or blank string) counts as the socket's. A hook that throws, or returns anything but a string, null or undefined at once (a promise), refuses the request with 401 (logged as `client-ip-threw`), and so does a string that is no IP address (the whole X-Forwarded-For list, garbage: `client-ip-not-an-address`), each counted under the socket's address by `attemptsPerIp`; an `async` function is a TypeError at creation. Log lines name this address as `ip` (and the socket's as `socketIp` when it differs). */
  clientIp?: ((request: IncomingMessage) => string | null | undefined) | undefined;
  /** Upgrade attempts per client IP (an IPv6 address counts by its /64: one host is given at least that many; an IPv4-mapped or translated one as its IPv4 address), and polls refused for their token, while the JWKS cannot be fetched or when `authenticate` times out (a poll whose token is verified gives its attempt back, whatever follows: a store that is away included). Default 10/s, burst 50. */
  attemptsPerIp?: RateLimit | undefined;
  /** Upgrade attempts per user. Default 2/s, burst 20. */
  attemptsPerUser?: RateLimit | undefined;
  /**
   * Polls per user. Default 10/s, burst 30. A user's polls are read at least 1/`perSecond` s (at most 100 ms) apart:
   * one that comes sooner after the previous poll of its user was (or will be) read waits for its turn, and answers
   * what was published meanwhile together. So all of a user's clients that poll again as soon as each answer comes
   * (the reference client does; two or three tabs of one user) stay within it together, whatever the stream's rate;
   * with n of them polling at once, a message waits up to n × 1/`perSecond` s.
   */
  pollsPerUser?: RateLimit | undefined;
  /**
   * Open sockets per user (an integer ≥ 1); more are refused with 429. Default 10. Also the polls
   * of one user held at once with nothing pending: past it, such a poll is answered at once, empty.
   * Polls waiting for room for their page (README "Slow clients") are not counted: `pollsPerUser`
   * over `pollHoldMs` bounds those.
   */
  maxSocketsPerUser?: number | undefined;
  /**
   * Open TCP connections per client address, requests and sockets alike, when this server owns
   * the HTTP server (an attached one keeps its own limits); more are closed as they come, so
   * one address cannot hold every file descriptor with connections that never send a byte.
   * An IPv6 address counts by its /64 (one host is given at least that many), an IPv4-mapped
   * or translated one (`::ffff:192.0.2.1`, `64:ff9b::192.0.2.1`) as its IPv4 address.
   * Default 1024 per address, loopback addresses exempt (a reverse proxy on the same host
   * connects from one of them for every client); a number given applies to every address;
   * null: no limit (behind a proxy on another host). This server's HTTP server also drops a
   * connection that has not sent its request's headers within 10 s.
   */
  maxConnectionsPerIp?: number | null | undefined;
  /**
   * Bytes a connection may hold unsent (queue + socket buffer) before it is closed with 1013,
   * the replay a resumed socket is being sent not counted (it goes a page at a time). Also the
   * most bytes of frames in one replay page, and of messages in one poll response, past the
   * first (one larger message still goes, alone). Default 1 MiB.
   */
  maxBufferedBytes?: number | undefined;
  /**
   * The largest message `publish` and `broadcast` take, in bytes of its JSON text (UTF-8, before the server adds its
   * cursor); a larger one is a RangeError, thrown synchronously, nothing stored or sent. A poll answers a message
   * alone however large, and a client refuses a poll response over its `maxPollBytes` (16 MiB by default, in
   * `realtime-contract/client`) whole, asking again from the same cursor: a client that can only poll would receive
   * nothing after such a message until the store let it go (then a `gap`). Default 16 776 192
   * (16 MiB less 1 KiB: room for a poll response's envelope and the message's cursor, at most 128 characters, under a
   * default client's 16 MiB). An integer ≥ 1; raise it only with every client's `maxPollBytes`.
   */
  maxMessageBytes?: number | undefined;
  /** Frames are handed to the socket only while it holds less than this. Default 64 KiB. */
  writeHighWaterBytes?: number | undefined;
  /** Entries read from the store per replay step (and at most `maxBufferedBytes` of them). Default 1000. */
  replayLimit?: number | undefined;
  /**
   * Grace period, in ms, the stream store may read unhealthy (`stats().store.healthy` false: Redis
   * away) before this node closes its open sockets with 1013 (Try Again Later) `stream store
   * unavailable`, logged as `store-unavailable-close` with their count. Their clients reconnect with
   * backoff, to a healthy node behind the same balancer or to this one once the store is back, and
   * resume from their cursors: nothing is lost. Left open, they got nothing for the whole outage
   * while this node's pings kept them looking connected. A store healthy again within the grace
   * period closes nothing. Timed on `monotonicClock`, the store's health looked at every second
   * while a socket is open (every quarter of a shorter grace period, at least 25 ms apart), so a
   * socket closes up to that much after it. A store with `onHealth` (the Redis store) has each
   * outage timed from the moment it began, and one healthy again in between, however briefly,
   * starts the next afresh (the Redis store sees a Redis back at its next reconnect attempt, at
   * most 500 ms apart, so one answering again 500 ms or more before the grace ends closes nothing); a store without it is timed from the first look that found it
   * unhealthy, and a healthy stretch between two looks goes unseen. A number from 0 to
   * 2^31 - 1, or null: never (open sockets stay open for the outage). Default 10 000.
   */
  storeUnavailableGraceMs?: number | null | undefined;
  /**
   * How long a poll with nothing pending is held, in ms. Default POLL_HOLD_MS (protocol.json `x-polling.holdMs`; 25 000 in the shipped contract). Keep it below the
   * clients' `pollTimeoutMs` (POLL_HOLD_MS + 15 000 by default in `realtime-contract/client`, 40 000 with the shipped hold): a client abandons a longer-held poll as
   * failed, and its status flaps connected/disconnected every quiet hold. Keep it, and `pingIntervalMs`, below the idle
   * timeout of any proxy on the path too: one that cuts a held poll or a quiet socket has the client report `offline`
   * each time (nothing is lost; README "Delivery").
   */
  pollHoldMs?: number | undefined;
  /** Messages per poll response (and at most `maxBufferedBytes` of them). Default POLL_MAX_MESSAGES (500). */
  pollMaxMessages?: number | undefined;
  /**
   * Other HTTP requests (e.g. a dashboard at GET /): return true, at once, when it takes the request (it may answer it later), false when not (any
   * other value is read by its truthiness, but a promise). Unhandled get 404 when this server owns the HTTP server; attached, the app's listeners
   * get them. A plain GET or HEAD of `path` gets 426 Upgrade Required, another method 405.
   * A hook that throws answers that request 500 (or, its headers sent, drops its connection), logged as `handle-http-threw`; the server goes on.
   * An `async` function is a TypeError at creation; one that returns a promise (any thenable) otherwise is a fault too: the request is answered
   * 500 `internal-error` at once, unless the hook has begun answering it, and is not passed on; logged once per server as `handle-http-async`
   * (a promise, truthy, read as handled left every request it did not answer hanging, attached the app's own too).
   */
  handleHttp?: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  /** pino-compatible logger: an object with info, warn and error functions (console will do). Never given a token or a payload: URLs are logged with every query value but a `since` cursor, every path parameter's value, user info and a fragment `[redacted]` (`redactUrl`), a hook's error by its name, code and message with any JWT and any URL's user info in them redacted, and the request's own secrets: its token (each stretch of 8 characters or more, also URL-encoded, split between the fields or by line breaks, blanks or dots), each query value and its Origin's user info of 8 characters or more, and the request's URL and Origin quoted whole shown as `url` and `origin` show them (so does the `detail` or `code` of a hook's AuthError in the verifier's form, `invalid token (…)`, `jwks-unavailable (…)`); a store's `status()` error, and the `detail` it returns, with each Redis URL in it as `redactRedisUrl` shows it and any other URL's user info `[redacted]` (a cookie, a Basic password or a header of the app's own a hook quotes is not known to be a secret, and is logged as quoted). A refusal's line (`upgrade-refused`, `poll-refused`) has `status`, `reason` (the client's code), `detail` (why, where known: `ERR_JWT_CLAIM_VALIDATION_FAILED: exp missing`), `ip` (the client's, per `clientIp`), `socketIp` (the socket's, when it differs) and `url` (past 2 048 characters or 64 parameters, its path and the count of characters not logged: `redactUrl`). Refusals a client can repeat at will, by the rate limits (`rate-ip`, `rate-user`), for the origin (`origin`), of a malformed handshake (`bad-handshake`), of an upgrade by another method than GET (`method-not-allowed`), of a head Node may have cut (`headers-too-large`) and of a poll pipelined behind a poll (`pipelined`), are logged once per address, kind (upgrade, poll) and reason each 10 s: the first, then the first after 10 s with `notLogged`, how many were not since its last line (all are counted in stats()). An accepted socket's `connection-open` line names `ip` and `socketIp` the same way; its later lines (`close`, `socket-error`, `connection-closed`) carry its `connection` number. A method that throws, or returns a promise that rejects, loses its line, never a request or the process. Default: none. */
  logger?: Logger | undefined;
  /** How long, counted from its call, `close()` waits for sockets to drain before terminating them. Default 5 000. Every time is at most 2^31 - 1 ms (Node's timers). */
  shutdownTimeoutMs?: number | undefined;
  /**
   * The clock the keepalive, the rates and `close()`'s drain run on: a function returning ms
   * that never goes back (a fraction is fine), read for the ping interval, the pong and close
   * deadlines, the inbound, outbound and attempt rates, and `close()`'s drain (not the JWKS
   * retry window). Default `performance.now`. For tests that
   * move time themselves (a stalled loop, a ping round due): the server's timers still fire at
   * their real pace and read it then (every 5 ms to 1 s, by the keepalive's timings). Token
   * expiry and a ping's `timestamp` stay on the wall clock (`Date.now`).
   * @throws TypeError (from createRealtimeServer) when given and not a function
   */
  monotonicClock?: (() => number) | undefined;
}

/** What `stats()` returns. */
export interface RealtimeServerStats {
  /** Open WebSocket connections now (admins' included). */
  connections: number;
  /** Of those, the connections of admins (they receive every user's messages). */
  admins: number;
  /** Polls being read or held now (one paused first, waiting for its user's next read slot under `pollsPerUser`'s pacing, from its read on). */
  pendingPolls: number;
  /** Messages `publish` and `broadcast` handed to the store that it stored (a promise that rejected is not counted). */
  published: number;
  /** Frames written per message type (one per recipient). */
  sent: Record<string, number>;
  /** Inbound frames: messages, and RFC 6455 ping and pong frames (each held to `inboundRate`), refused ones included. */
  received: number;
  /** State messages superseded before they were sent. */
  conflated: number;
  /** Error messages sent for inbound faults, per error code. */
  inboundErrors: Record<string, number>;
  /**
   * Upgrades refused, per reason (no-token, invalid-token, token-expired, origin, rate-ip, rate-user, too-many-sockets, store-unavailable,
   * jwks-unavailable, authenticate-timeout, shutting-down, not-found: to another path, bad-request-target: to no URL, websocket-off, method-not-allowed,
   * bad-handshake: a handshake RFC 6455 4.1 or 4.2.1 refuses (HTTP/1.0, a body), pipelined: behind an unanswered request of its connection, which is closed,
   * headers-too-large: a WebSocket upgrade, or an offer of another protocol (h2c), refused 431 for a head Node may have cut; socket-destroyed: its connection
   * destroyed while its token was checked, by the client or by something else on the HTTP server, nothing answered (whether the check succeeded or failed), logged as `upgrade-dropped`;
   * socket-taken: its connection taken meanwhile by another WebSocket server's upgrade listener on the HTTP server, the app's, left to it, logged as `upgrade-dropped`).
   */
  refusedUpgrades: Record<string, number>;
  /**
   * Polls refused or failed, per reason (as for upgrades, with the codes src/shared/refusals.ts lists for a poll: method-not-allowed
   * (405, a method other than GET or HEAD), store-unavailable (503, whether the store was down as the poll came, went down while it
   * was held, or failed its read as it found itself down), internal-error (500: the read failed while the store said it was up, or
   * the response failed its schema; logged as `poll-failed`); socket-destroyed: its client left while its token was checked, nothing
   * answered, logged as `poll-dropped`; pipelined: behind a poll of its connection whose answer has not all gone out, the connection closed unanswered,
   * logged as `poll-refused` once per address each 10 s); poll-answers-unread (429: no room for its `gap` or `new` page for its hold,
   * counted in `slowPollCloses` too). Each map counts the server's own reasons, and up to 64 in all with an `authenticate` hook's
   * own; later ones count as `other`.
   */
  refusedPolls: Record<string, number>;
  /**
   * Requests Node's HTTP parser refused on the HTTP server in use (its `clientError` event), before any listener saw them, so whether
   * each was an upgrade, a poll or the app's is not known: per reason (headers-too-large: past the server's `maxHeaderSize`, 431;
   * bad-request: a malformed request, 400; request-timeout: its head or body not in within the server's timeouts, 408;
   * chunk-extensions-too-large: 413). Answered as Node answers them, or by the app's own `clientError` listener when it has one.
   * On its own HTTP server also expectation-failed: an `Expect` other than `100-continue`, 417, as Node answers it (a WebSocket upgrade's too, before its token is looked at).
   */
  refusedRequests: Record<string, number>;
  /** Closed sockets, per close code (the code this server closed with, else the peer's). */
  closes: Record<string, number>;
  /** Closed with 1013 for holding more than `maxBufferedBytes`. */
  slowClientCloses: number;
  /**
   * Polls answered without their page (not counted in `pollsServed`) because their answers would take their user's poll
   * answers not yet out of the server past the larger of `maxMessageBytes` plus 1 KiB and `maxSocketsPerUser` ×
   * `maxBufferedBytes` (16 MiB by default) for the whole of the poll's hold (`pollHoldMs` from its request): such a poll
   * waits for its user's answers to go out, and is answered with its page as soon as it fits; at the hold's end it is
   * answered as a hold with nothing new is (200, no message, its own cursor), or 429 `poll-answers-unread` with
   * `Retry-After: 1` when its page is a `gap` or `new` one. Logged (warn) as `poll-unread`, once per address each 10 s. An
   * answer already sent is never cut for time: one its client does not read is held (at most that bound per user) while
   * the connection stays open.
   */
  slowPollCloses: number;
  /** TCP connections closed as they came, past `maxConnectionsPerIp`. */
  refusedConnections: number;
  /** Bytes held unsent now (queues + socket buffers): over all connections, and the largest one. */
  bufferedBytes: { total: number; max: number };
  /** Poll responses answered with 200 since the server started (a refused or failed poll is not counted here: see `refusedPolls`). */
  pollsServed: number;
  /**
   * Entries the stream store gave against the cursor rule of `StreamStore.append`, per fault:
   * `unreadable-cursor` (not `formatCursor(epoch, position)`: not sent on sockets; polls pass it
   * on), `cursor-not-increasing` (a position at or below the one before it in the same epoch:
   * numbered per stream, so a socket that sent a later one, an admin's, drops it). Each fault is
   * logged once, a position fault once per epoch (`store-cursor-unreadable`, `store-cursor-not-increasing`, errors).
   */
  storeFaults: Record<string, number>;
  /** The stream store's `status()` now (unhealthy when it threw or gave no object; its `detail` as the log shows one, without any URL's user info, and as text whatever it was: an Error as `<name>: <message>`, an object as `util.inspect` writes it; after `close()`, the server's own store reads unhealthy). */
  store: { healthy: boolean; detail?: string };
}

/** The running server. */
export interface RealtimeServer {
  /**
   * Publishes a per-user message (`x-audience: user`) to `userId`'s sockets and polls (and admins'): validated strictly
   * unless `validateOutbound` is false, serialized once, given the next cursor, stored and fanned out. Resolves with the
   * stored entry (its `cursor`). What it refuses (below) is a programming error, thrown synchronously before any promise
   * exists (as is what `JSON.stringify` throws with validation off: a cycle, a BigInt), so a `.catch()` on the result does
   * not see it. The promise rejects when the store cannot take the message, and from `close()` on (while it drains too),
   * whatever the store, with an Error whose `code` is `ERR_SERVER_CLOSED` (`publish() after close(): …`), nothing stored
   * or sent.
   * @throws TypeError, synchronously, for a message that is not an object (nothing, a string such as a frame already
   *   serialized), a type whose audience is not `user`, a user id that is not a non-empty string or that no token names
   *   (over 256 characters, or holding half a UTF-16 surrogate pair alone); with validation off, a message with no JSON
   *   object text (a `toJSON` that returns nothing, or other than an object); with validation on or off, one that
   *   holds a `cursor` (a message received from a server, as a relay holds it: `const { cursor, ...message } =
   *   received`; the server assigns cursors), or whose JSON text is `{}` or holds a `cursor` of its own (from its `toJSON`)
   * @throws MessageValidationError (from `realtime-contract`), synchronously, when validation is on and the message is
   *   invalid or holds half a surrogate pair alone in a string: nothing is stored or sent
   * @throws RangeError, synchronously, validated or not, for a message whose JSON text is over `maxMessageBytes` in UTF-8
   *   (16 MiB less 1 KiB by default: what a poll of a default client carries): nothing is stored or sent
   */
  publish(userId: string, message: UserMessage): Promise<StreamEntry>;
  /**
   * Publishes a global message (`x-audience: global`) to every user's sockets and polls, as `publish` does. What it
   * refuses (below) is thrown synchronously, not rejected; the promise rejects when the store cannot take the message,
   * and from `close()` on with `ERR_SERVER_CLOSED` (`broadcast() after close(): …`).
   * @throws TypeError, synchronously, for a message that is not an object, a type whose audience is not `global`, or, with
   *   validation off, a message with no JSON object text; with validation on or off, one whose JSON text is `{}` or holds
   *   a `cursor` of its own
   * @throws MessageValidationError (from `realtime-contract`), synchronously, when validation is on and the message is invalid
   * @throws RangeError, synchronously, for a message whose JSON text is over `maxMessageBytes` in UTF-8, as `publish`
   */
  broadcast(message: GlobalMessage): Promise<StreamEntry>;
  /** Counters and gauges. */
  stats(): RealtimeServerStats;
  /**
   * Stops accepting, answers held polls, closes every socket with 1001, waits up to `shutdownTimeoutMs` (ms) from the call for
   * them to drain, then terminates those left, and resolves once their ends are handled: that deadline plus the CPU time
   * ending the sockets still open then takes (tenths of a millisecond each: seconds for tens of thousands on a busy host),
   * waiting at most about 1 s more should a socket's end not come. The 1001s go out a few hundred sockets at a time, the
   * event loop turning between: a socket the deadline finds still without its 1001 (tens of thousands of sockets, or a short
   * timeout) is terminated with the rest, its client seeing 1006, and counted under 1006 in `stats().closes`. An upgrade
   * still being authenticated is answered 503 `shutting-down` at once, a poll still
   * being authenticated when the wait ends too: a hook that never settles holds close() at most `shutdownTimeoutMs`, and no connection. Calls
   * after the first return the first's promise. From the call on, `publish` and `broadcast` reject (`ERR_SERVER_CLOSED`).
   * With its own HTTP server (`port`), it closes that too; a connection on it that is not its own (a socket of a second
   * realtime server attached to `httpServer`) is ended once the same `shutdownTimeoutMs` has passed, its client seeing 1006.
   */
  close(): Promise<void>;
  /**
   * Resolves once listening (at once when attached to a given server); rejects with the listen
   * error (`EADDRINUSE`, `EACCES`) of its own server. Left unawaited, that rejection is
   * unhandled and ends the process, as an `http.Server`'s unhandled `error` event does.
   */
  readonly listening: Promise<void>;
  /** The listening address (own server), or the attached server's. */
  address(): AddressInfo | null;
  /** The HTTP server in use (the given one or its own). */
  readonly httpServer: HttpServer | HttpsServer;
  /** Handles a poll or `handleHttp` request; false when it is not one (for frameworks that route themselves). */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  /**
   * Whether this server answers `request`, one your HTTP server's `upgrade` listeners were given, itself (README, "Upgrades
   * are not taken that way"): an upgrade to `path` or `pollPath` (a trailing slash more or less), the request target read
   * as the server reads it (`//x/api/ws` is the path `//x/api/ws`, not a host; a target no URL can be read from is no path of
   * its). Your `upgrade` listener returns, writing nothing, when it is true. While your server has `upgrade` listeners of
   * its own, that is all it answers; without them (asked from elsewhere), the upgrades to other paths and protocols it
   * answers too. False from the end of `close()` on. Never throws for a request Node emitted; writes nothing to the socket.
   */
  answersUpgrade(request: IncomingMessage): boolean;
  /**
   * Serves `request`, given to your HTTP server's `upgrade` listeners with `socket` and `head`, as the plain request it also
   * is (RFC 9110 7.8: a server may ignore an upgrade offer): without its offer (no `Upgrade` header, no `upgrade` in
   * `Connection`), Node reads it again on `socket` and your `request` listeners answer it (your routes; your 404), the
   * connection going on as HTTP/1.1. For an `Upgrade: h2c` offer (`curl --http2`, Java's HttpClient on `http://`) to your
   * routes, and a WebSocket upgrade to a path no one serves (your routes' answer: no 101, so the client's handshake fails;
   * `404` `{"error":"not-found"}`, counted as `not-found`, when your server has no `request` listener of its own).
   * Call it at once, in the listener. A head of `maxHeadersCount` lines or more is refused `431` and its connection closed,
   * one pipelined behind a request still unanswered has its connection closed (counted in `stats().refusedUpgrades` as
   * `headers-too-large`, `pipelined`); a socket that cannot take the request back (already ended) is destroyed.
   * @returns true when it took the request (served, or refused as above); false, writing nothing, for one a realtime
   *   server on your HTTP server answers itself ({@link answersUpgrade}), which it leaves to it. Never throws for a
   *   request Node emitted.
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-7.8
   */
  serveAsRequest(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The stream store in use. */
  readonly store: StreamStore;
}

/**
 * Default {@link RealtimeServerOptions.maxMessageBytes}: 16 MiB less 1 KiB. The client's default `maxPollBytes` is
 * 16 MiB (2^24, src/client/client.ts); a poll response of one message is the message's JSON text, its cursor
 * (`,"cursor":"…"`, 140 bytes at most: a cursor is 1-128 URL-safe characters) and the envelope
 * (`{"cursor":"…","resume":"resumed","messages":[` and `]}`, 174 bytes at most): 314 bytes, within the 1 KiB left.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 2 ** 24 - 1024;
/** What a poll response may hold besides its messages' text: {@link DEFAULT_MAX_MESSAGE_BYTES}'s 1 KiB (a poll response is at most `maxMessageBytes` plus this). */
const POLL_ROOM_BYTES = 1024;

/**
 * A poll response (`{"cursor":…,"resume":…,"messages":[…]}`, schemas/poll-response.json) in parts, measured without
 * being built: `open` is its text up to the first message, `sizes` its frames' UTF-8 lengths, `bytes` the whole's
 * (commas and the closing `]}` included). Measured on the page as one concatenated string, a 12 MB page took
 * Buffer.byteLength 100-200 ms on Node 20 (a flat frame's takes a few), and its encoding in the write as long again:
 * each poll of it stopped the event loop for every client (tHR F2).
 */
interface PollAnswer {
  page: ReadResult;
  open: string;
  sizes: number[];
  bytes: number;
}

/** The text of a poll response before its messages, for `page`. */
function pollOpen(page: ReadResult): string {
  return `{"cursor":${JSON.stringify(page.cursor)},"resume":"${page.resume}","messages":[`;
}

/**
 * `result` with the entries past its first that would take its poll response (`{"cursor":…,"resume":…,"messages":[…]}`,
 * commas between the messages included) past `maxBytes` in UTF-8 left for the next poll, its cursor then the last kept
 * entry's. One entry alone goes whatever its size, as a page's first does. Each frame is measured once, on its own.
 */
function pollPage(result: ReadResult, maxBytes: number): PollAnswer {
  const { entries } = result;
  const sizes = entries.map((entry) => Buffer.byteLength(entry.frame));
  // The envelope without its cursor: `{"cursor":,"resume":"…","messages":[` and `]}`.
  const envelope = Buffer.byteLength(`{"cursor":,"resume":${JSON.stringify(result.resume)},"messages":[]}`);
  const cursorBytes = (cursor: string): number => Buffer.byteLength(JSON.stringify(cursor));
  let frames = 0;
  for (const size of sizes) frames += size;
  const answer = (page: ReadResult, kept: number): PollAnswer => ({ page, open: pollOpen(page), sizes: sizes.slice(0, kept), bytes: envelope + cursorBytes(page.cursor) + frames + Math.max(0, kept - 1) });
  if (entries.length <= 1 || envelope + cursorBytes(result.cursor) + frames + entries.length - 1 <= maxBytes) return answer(result, entries.length);
  let kept = 1;
  frames = sizes[0]!;
  while (kept < entries.length && envelope + cursorBytes(entries[kept]!.cursor) + frames + sizes[kept]! + kept <= maxBytes) frames += sizes[kept++]!;
  return answer({ ...result, entries: entries.slice(0, kept), cursor: entries[kept - 1]!.cursor, more: true }, kept);
}

/**
 * `answer`'s body, encoded once into one Buffer of `answer.bytes`: the write sends it as it is, so an answer not yet out
 * holds its bytes once (sent as a string, it held the string and the write's UTF-8 copy of it: tHR F3).
 * @throws Error when the frames encode to other than their measured lengths (never: both are V8's UTF-8)
 */
function pollBody(answer: PollAnswer): Buffer {
  const body = Buffer.allocUnsafe(answer.bytes);
  let at = body.write(answer.open, 0);
  answer.page.entries.forEach((entry, index) => {
    if (index > 0) body[at++] = 0x2c; // ,
    at += body.write(entry.frame, at);
  });
  body[at++] = 0x5d; // ]
  body[at++] = 0x7d; // }
  if (at !== answer.bytes) throw new Error(`poll response encoded to ${at} bytes, measured ${answer.bytes}`);
  return body;
}

/** Default {@link RealtimeServerOptions.maxPayloadBytes}: 1 KiB. */
const MAX_PAYLOAD_BYTES = 1024;

/**
 * Most frames one inbound message may come in; more close the socket with 1008 (ws's
 * `WS_ERR_TOO_MANY_BUFFERED_PARTS`). `inboundRate` counts messages and `maxPayloadBytes` bytes,
 * so empty continuation frames went unbounded by either: 4 sockets, each sending 19 messages a
 * second of 16,000 empty fragments (ws's default bound is 16,384), took half a core (a hostile
 * tester). A client's message (ping, pong: under 100 bytes) comes in one frame; browsers never
 * fragment what they send, and a library that does splits a large message into a few.
 */
const MAX_FRAGMENTS = 16;

/**
 * Creates the reference server (spec "Connection", "Backend Implementation Notes"; README.md,
 * "The server"): attaches to `options.server` or listens on `host`/`port`, verifies the JWT before
 * the upgrade (401/403/429 with no socket), and serves the WebSocket and polling endpoints.
 *
 * Options are checked here, synchronously: a wrong one is a programming error, thrown before
 * anything listens, never a silent misbehaviour later (a string `allowedOrigins` matched any
 * substring of itself; `maxPayloadBytes: -1` lifted the frame limit; `inboundRate: {}` the rate).
 *
 * @throws TypeError when neither or both of `jwt` and `authenticate` are given, `server` with
 *   `port` or `host` (attached, it listens on nothing of its own), an option is of
 *   the wrong type (the message names it, what it must be and what it is: `allowedOrigins` must
 *   be an array of origins or a function, `logger` an object with info, warn and error
 *   functions, hooks functions, `clientIp`, `handleHttp` and `allowedOrigins` not `async`, `server` an http or https server),
 *   `authenticate` is given without `allowedOrigins` (a cookie it reads would let any site's page
 *   in: `'*'` says any on purpose), or the JWT options are
 *   inconsistent (a `publicKey` that is not a public key, or not of the key type `algorithm`
 *   verifies with; an HS256 secret under 32 bytes; `publicKey` or `jwksUrl` without `audience`,
 *   `null` for any; a `jwksUrl` that is not an absolute http(s) URL without user info)
 * @throws RangeError when a number or a string is out of its range: `port` not an integer from 0
 *   to 65535, an empty `host`, a `path` or `pollPath` that does not start with `/` or that no
 *   request's path can equal (a query, a fragment, a dot segment, a character URLs escape), a
 *   `pollPath` equal to `path`, a `path` or `pollPath` that another realtime server still open on
 *   the same `server` serves (two took one path's upgrades, and the first valid client ended the
 *   process), an
 *   `allowedOrigins` entry that is not an origin as browsers send it, a size or count below 1
 *   (or below 0 where 0 means something), a rate that is not positive, `pingIntervalMs`,
 *   `pongTimeoutMs` or `authenticateTimeoutMs` not above 0, a time past 2^31 - 1 ms
 *   (Node's timers fire such a one at once)
 */
export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  if (typeof options !== 'object' || options === null) throw new TypeError(`createRealtimeServer: options must be an object with jwt or authenticate, got ${shownFound(options, false)}`);
  checkKnown(options, SERVER_OPTIONS);
  if ((options.jwt === undefined) === (options.authenticate === undefined)) throw new TypeError(`createRealtimeServer: give exactly one of jwt or authenticate, got ${options.jwt === undefined ? 'none' : 'both'}`);
  checkOptions(options);
  const pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
  const pongTimeoutMs = options.pongTimeoutMs ?? PONG_TIMEOUT_MS;
  const authenticateTimeoutMs = options.authenticateTimeoutMs ?? AUTHENTICATE_TIMEOUT_MS;
  const verify = options.jwt !== undefined ? jwtVerifier(options.jwt, { call: 'createRealtimeServer', prefix: 'jwt.' }) : null;
  const logger = options.logger === undefined ? null : containedLogger(options.logger);
  /** The peer address of a connection, as read when it came (set once the HTTP server is known: {@link watchPeerAddresses}). */
  let peerAddresses: ReturnType<typeof watchPeerAddresses> | undefined;
  const peerAddress = (socket: object): string | undefined => (peerAddresses === undefined ? (socket as { remoteAddress?: string }).remoteAddress : peerAddresses.addressOf(socket));
  const path = options.path ?? WEBSOCKET_PATH;
  const pollPath = options.pollPath === undefined ? (options.path === undefined ? POLL_PATH : `${options.path.replace(/\/+$/, '')}${POLL_SUFFIX}`) : options.pollPath;
  // Attached beside another realtime server that serves one of its paths, both took that path's upgrades, and the
  // first valid client's ended the process (ws: handleUpgrade called more than once); its polls went to the first alone (a fresh user).
  if (options.server !== undefined) checkPathsFree(options.server, path, pollPath);
  const ownStore = options.store === undefined;
  const store = options.store ?? new MemoryStreamStore();
  const validateOutbound = options.validateOutbound ?? process.env.NODE_ENV !== 'production';
  // The wall clock for what is wall time (token expiry); every duration and rate runs on one that
  // never steps: on Date.now, a clock set back an hour (an NTP step, a VM resumed) refused every
  // upgrade and poll with 429 for that hour, and stopped the keepalive (a hostile tester).
  const now = Date.now;
  const clock = options.monotonicClock;
  const monotonicNow = clock === undefined ? (): number => performance.now() : (): number => clock();
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // A poll page's frames past its first: at most maxBufferedBytes, and never past maxMessageBytes, which a default client's
  // poll carries with its envelope (tHB F3: with maxBufferedBytes at 16 MiB or more, two 9 MB messages made a page a default
  // client refused whole, and it polled it again for ever, each message under the limit).
  const pollPageBytes = Math.min(maxBufferedBytes, maxMessageBytes);
  // And the whole response as sent, envelope and commas between its messages counted, never past maxMessageBytes and the
  // room a message's poll takes (16 MiB by default, a default client's maxPollBytes): the bound above counts frames only, and
  // a page of ~1 000 or more messages near it passed a default client's 16 MiB by its commas, refused whole for ever (tHH F1).
  const pollBodyBytes = maxMessageBytes + POLL_ROOM_BYTES;
  const core = new RealtimeCore({
    store,
    validateOutbound,
    pingIntervalMs,
    pongTimeoutMs,
    inboundRate: options.inboundRate ?? { perSecond: 20, burst: 40 },
    inboundRateCloseAfter: options.inboundRateCloseAfter ?? 20,
    maxConsecutiveFaults: options.maxConsecutiveFaults ?? 100,
    outboundRate: options.outboundRate ?? null,
    maxBufferedBytes,
    maxMessageBytes,
    writeHighWaterBytes: options.writeHighWaterBytes ?? 64 * 1024,
    replayLimit: options.replayLimit ?? 1000,
    logger,
    now,
    monotonicNow,
  });
  const perIp = new KeyedRateLimiter(options.attemptsPerIp ?? { perSecond: 10, burst: 50 });
  const perUser = new KeyedRateLimiter(options.attemptsPerUser ?? { perSecond: 2, burst: 20 });
  const pollsPerUser = new KeyedRateLimiter(options.pollsPerUser ?? { perSecond: 10, burst: 30 });
  const maxSocketsPerUser = options.maxSocketsPerUser ?? 10;
  const pollHoldMs = options.pollHoldMs ?? POLL_HOLD_MS;
  const pollMaxMessages = options.pollMaxMessages ?? POLL_MAX_MESSAGES;
  // A user's polls are read at least this far apart (ms), each waiting for its slot (handlePoll): one pollsPerUser
  // token's refill time, so the clients of a user that poll again at once after each answer (the reference client
  // does), two or three tabs of it included, stay within the limit together whatever the stream's rate. At most
  // POLL_PACE_MS; a stricter pollsPerUser still refuses with 429 and Retry-After, as before. Counted from each
  // user's last answer, two tabs paused to the same instant and were read together: 20 polls a second, and one tab
  // was refused 429 and fell seconds behind (a fresh tester).
  const pollPaceMs = Math.min(POLL_PACE_MS, 1000 / (options.pollsPerUser?.perSecond ?? 10));
  /**
   * Each user's next free read slot, on the monotonic clock: a poll is read at this time or now, whichever is later, and
   * the next slot is {@link pollPaceMs} after that. Polls admitted take pollsPerUser tokens, which refill one a slot, so
   * a slot is at most burst / perSecond s ahead.
   */
  const nextRead = new Map<string, number>();
  /** Polls in `polls` paused now by that pacing: not yet read, nor held (`stats().pendingPolls` leaves them out). */
  let pacedPolls = 0;
  const sweep = setInterval(() => {
    const t = monotonicNow();
    perIp.sweep(t);
    perUser.sweep(t);
    pollsPerUser.sweep(t);
    for (const [userId, at] of nextRead) if (at <= t) nextRead.delete(userId);
  }, 60_000);
  sweep.unref();
  // No subprotocol is agreed to: the protocol has none. ws agreed to the first one offered, and a
  // token offered as one (`new WebSocket(url, [jwt])`) came back in a response header, for any
  // proxy to log (a hostile tester). A client that insists on one fails its handshake.
  // A message of more than MAX_FRAGMENTS frames closes with 1008 (ws's default was 16,384).
  const maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const wss = new WebSocketServer({ noServer: true, maxPayload, maxFragments: MAX_FRAGMENTS, perMessageDeflate: false, clientTracking: false, handleProtocols: () => false });
  const polls = new Set<PollWaiter>();
  let storeStatusLoggedAt = -Infinity;
  /**
   * `store.status()`, contained: one that throws (a bug of a custom store, a client library that
   * throws while disconnected) or returns no object reads as unhealthy, logged as the store's
   * fault (`store-status-threw`, at most once each 10 s). It made a valid token's upgrade or
   * poll a 401 `invalid-token` logged as the authentication hook's, ended the process from the
   * held polls' health watch, and threw from `stats()` (a hostile tester).
   */
  const storeStatus = (): { healthy: boolean; detail?: string } => {
    try {
      const status: unknown = store.status();
      // A string it returns is redacted before preview cuts it: cut first, a long password lost the `@` that marks it, and was logged (tHG F7).
      if (typeof status !== 'object' || status === null) throw new TypeError(`status() must return { healthy, detail? }, got ${preview(typeof status === 'string' ? storeText(status) : status)}`);
      const { detail } = status as { healthy: boolean; detail?: unknown };
      // The detail it returns is shown as one it threw: a custom store's driver error in it (`connect ECONNREFUSED
      // postgres://app:<password>@db:5432/rt`) had the password logged (`store-unavailable-close`) and in stats() (tHC F4).
      // Whatever it is: one that is no string (the driver's Error kept as `lastError`, an object) was passed on as it was (tHG F6).
      return detail === undefined ? (status as { healthy: boolean }) : { ...(status as { healthy: boolean }), detail: storeDetailText(detail) };
    } catch (error) {
      const at = monotonicNow();
      if (at - storeStatusLoggedAt >= STORE_STATUS_LOG_MS) {
        storeStatusLoggedAt = at;
        logger?.error({ event: 'store-status-threw', err: storeErrorSummary(error) }, "the stream store's status() threw: read as unhealthy (503 store-unavailable)");
      }
      return { healthy: false, detail: `status() threw: ${storeErrorSummary(error).message ?? 'an error'}` };
    }
  };
  // While polls are held, the store's health is looked at every second: a poll held when Redis
  // went down answered 503 only when its 25 s hold ended (a hostile tester).
  let healthWatch: NodeJS.Timeout | undefined;
  const watchHealth = () => {
    if (healthWatch !== undefined) return;
    healthWatch = setInterval(() => {
      if (polls.size === 0) {
        clearInterval(healthWatch);
        healthWatch = undefined;
      } else if (!storeStatus().healthy) {
        for (const waiter of polls) waiter.wake();
        // Polls waiting for room too: one waited out its hold and was answered 200 empty, 18 s into the outage (tIE F4).
        for (const waiting of [...roomWaiters.values()]) for (const check of [...waiting]) check();
      }
    }, STORE_HEALTH_CHECK_MS);
    healthWatch.unref();
  };
  let shuttingDown = false;
  // Sockets open while the store is away got nothing for the whole outage, and the pings kept their
  // clients looking connected (a fresh tester): past the grace period they are closed with 1013, to
  // reconnect to a healthy node, or to this one once the store is back, from their cursors.
  const storeGraceMs = options.storeUnavailableGraceMs === undefined ? STORE_UNAVAILABLE_GRACE_MS : options.storeUnavailableGraceMs;
  /**
   * When (`monotonicNow`) the store's outage began, or null: told by a store with `onHealth` (the
   * Redis store), else when it was first seen unhealthy with a socket open.
   */
  let storeUnhealthySince: number | null = null;
  // Each outage timed from its start, and one healthy again in between, however briefly, starts
  // the next afresh. Looked at only each second (a quarter of a shorter grace), a Redis back for
  // less than that between two outages went unseen: a flapping Redis's short outages added up to
  // one, every socket was closed 1013 though none lasted the grace period, and the warning's
  // "unavailable for" counted from the first while its detail's "since" named the last (tCU F1).
  const storeWithHealth = store as StreamStore;
  const healthTold = storeGraceMs !== null && typeof storeWithHealth.onHealth === 'function';
  const unsubscribeHealth = healthTold ? storeWithHealth.onHealth!((healthy) => void (storeUnhealthySince = healthy ? null : monotonicNow())) : undefined;
  const outageWatch =
    storeGraceMs === null
      ? undefined
      : setInterval(
          () => {
            if (shuttingDown) return clearInterval(outageWatch);
            // No socket open: none to close, and each one opened meanwhile was admitted healthy
            // (an outage a store tells of is timed from its start all the same).
            if (core.connections.size === 0) return void (healthTold || (storeUnhealthySince = null));
            if (storeStatus().healthy) return void (storeUnhealthySince = null);
            const at = monotonicNow();
            storeUnhealthySince ??= at;
            if (at - storeUnhealthySince < storeGraceMs) return;
            const open = [...core.connections].filter((connection) => !connection.closing);
            if (open.length === 0) return;
            for (const connection of open) core.closeConnection(connection, CloseCode.TryAgainLater, 'stream store unavailable');
            const unavailableMs = Math.round(at - storeUnhealthySince);
            logger?.warn(
              { event: 'store-unavailable-close', count: open.length, unavailableMs, detail: storeStatus().detail },
              `the stream store has been unavailable for ${unavailableMs} ms: ${open.length} socket(s) closed with 1013, to reconnect elsewhere or later and resume`,
            );
          },
          Math.min(STORE_HEALTH_CHECK_MS, Math.max(25, storeGraceMs / 4)),
        );
  outageWatch?.unref();
  /** Polls whose authentication is under way, with their requests: close() waits for them, and answers those left 503. */
  const authenticatingPolls = new Map<ServerResponse, IncomingMessage>();
  /**
   * Upgrades whose authentication is under way, with their requests: close() answers them 503 at
   * once. Out of Node's connection list, their sockets held its own server's close() until the hook
   * settled: for ever for a hook that never did, 5 s for a JWKS that never answered (a hostile tester).
   */
  const authenticatingUpgrades = new Map<Duplex, IncomingMessage>();
  /** Polls held now, per user: past `maxSocketsPerUser`, a poll is answered at once rather than held. */
  const heldPolls = new Map<string, number>();
  /**
   * The bytes of each user's poll answers not yet all out of this process (handed to the kernel): a page its client never
   * read was kept here for ever, and one token's polls, within every rate, ran the process out of memory (tHH F4: forty 8 MB
   * pages killed a 256 MB heap). A user's together hold at most {@link pollUnsentBytes}: past it a poll is closed
   * unanswered (see {@link watchAnswer}). No answer is cut for time: a slow link's steady reader shows no progress for
   * long stretches, over TLS none at all until its last byte (tHM F1, F6), and cannot be told from a client that stopped.
   */
  const unsentOf = new Map<string, number>();
  /** Poll answers sent whose bytes are not all out of this process: close() drains them as it drains sockets (tHR F4). */
  const answersOut = new Set<ServerResponse>();
  /**
   * Per user, the polls waiting for their answer to fit under {@link pollUnsentBytes}, each a check called, in the order
   * they came, whenever the user's answers not yet out shrink (and by close()): it takes the room when there is some.
   */
  const roomWaiters = new Map<string, Set<() => void>>();
  let slowPollCloses = 0;
  /**
   * The most bytes a user's poll answers not yet out may hold: what the user's sockets may (`maxSocketsPerUser` ×
   * `maxBufferedBytes`), or the largest answer of one poll, whichever is larger (16 MiB by default).
   */
  const pollUnsentBytes = Math.max(pollBodyBytes, maxSocketsPerUser * maxBufferedBytes);
  let closePromise: Promise<void> | null = null;

  const origins = options.allowedOrigins === '*' ? undefined : options.allowedOrigins;
  const originAllowed = (request: IncomingMessage): boolean => {
    const origin = request.headers.origin;
    if (origins === undefined || origin === undefined) return true;
    if (typeof origins !== 'function') return origins.includes(origin);
    try {
      // Truthy, as before: plain JavaScript may return `list.find(…)` (a reviewer).
      const allowed: unknown = origins(origin);
      // Not a promise: an async check's promise is truthy, and let every origin in (a hostile tester).
      if (typeof (allowed as PromiseLike<unknown> | null)?.then === 'function') {
        (allowed as PromiseLike<unknown>).then(undefined, () => undefined);
        logger?.error({ event: 'origin-check-async' }, 'allowedOrigins returned a promise: it must answer at once (true or false); origin refused');
        return false;
      }
      return Boolean(allowed);
    } catch (error) {
      // `(o) => new URL(o).hostname …` throws on `Origin: null`: a refusal, not a crash (a poll
      // ended the process) nor an `invalid-token` (an upgrade said so).
      logger?.warn({ event: 'origin-check-threw', err: errorSummary(error, hiddenOf(request)) }, 'allowedOrigins threw: origin refused');
      return false;
    }
  };

  /**
   * `Sec-Fetch-Site` (Fetch Metadata, a browser's) of a request without `Origin` that a listed `allowedOrigins`
   * (an array or a function) refuses: any but `same-origin` and `none` (a page of another origin, of the same
   * site or not). Browsers send no `Origin` on a no-cors GET (`<img src>`, `fetch(url, { mode: 'no-cors' })`) nor
   * on a navigation, from another origin too, and attach the cookies: such a poll passed as a client's that sends no
   * `Origin`, was authenticated by a cookie-reading hook and served, and the other page learnt when its visitor's
   * messages came (tCN F3). A request without the header (curl, a Node client) or a page's same-origin one is
   * undefined: it passes, as before.
   */
  const otherOriginWithoutOrigin = (request: IncomingMessage): string | undefined => {
    if (origins === undefined || request.headers.origin !== undefined) return undefined;
    const site = request.headers['sec-fetch-site'];
    if (typeof site !== 'string' || site === 'same-origin' || site === 'none') return undefined;
    return site;
  };

  /**
   * The client's address per `clientIp` (its port dropped; the socket's when it gives none), or
   * what the hook threw, read once per request: the rate limit counts it and the log lines name
   * it. A promise (an async hook) or an object is a TypeError: it was a Map key of its own, a
   * bucket per request, past attemptsPerIp (as an async allowedOrigins let every origin in: a hostile tester).
   */
  const clientAddresses = new WeakMap<IncomingMessage, ClientAddress>();
  const clientAddressOf = (request: IncomingMessage): ClientAddress => {
    const known = clientAddresses.get(request);
    if (known !== undefined) return known;
    let found: ClientAddress;
    if (options.clientIp === undefined) found = { address: peerAddress(request.socket) ?? 'unknown' };
    else {
      try {
        const given: unknown = options.clientIp(request);
        if (given != null && typeof given !== 'string') {
          const what = typeof (given as PromiseLike<unknown>).then === 'function' ? 'a Promise (an async function?)' : preview(given);
          // Its rejection is the hook's affair, not an unhandled one of this process.
          if (typeof (given as PromiseLike<unknown>).then === 'function') (given as PromiseLike<unknown>).then(undefined, () => undefined);
          throw new TypeError(`clientIp must return the address as a string at once, got ${what}`);
        }
        // No address (null, undefined, '' or blanks: a proxy's header missing) is the socket's, as
        // without the hook: '' was a bucket of its own, one that every such request shared.
        const address = given == null ? '' : hookAddress(given);
        // A string that is no IP address (the whole X-Forwarded-For list, which the client writes
        // the start of; garbage) was a bucket of its own: a client that varied the header escaped
        // attemptsPerIp (tBT F14).
        if (address !== '' && !isIpAddress(address)) {
          const list = address.includes(',') ? ' (the whole X-Forwarded-For list? return the entry your proxy appended, the last)' : '';
          // Shown as a hook's error text is before preview cuts it (redacted first, then cut: tHG F7).
          found = { error: new TypeError(`clientIp returned ${preview(hookText(address, request))}: not an IP address${list}`), event: 'client-ip-not-an-address' };
        } else found = { address: address !== '' ? address : hookAddress(peerAddress(request.socket) ?? 'unknown') };
      } catch (error) {
        found = { error, event: 'client-ip-threw' };
      }
    }
    clientAddresses.set(request, found);
    return found;
  };

  /**
   * The key `attemptsPerIp` counts `request` under ({@link ipLimitKey}); a `clientIp` hook that
   * throws refuses it with 401 (logged as `client-ip-threw`), and so does one that returns no IP
   * address (`client-ip-not-an-address`), each after taking an attempt of the socket's address:
   * a client that makes the hook fail (a header it varies) is held to attemptsPerIp all the same.
   */
  const clientIpOf = (request: IncomingMessage): string => {
    const found = clientAddressOf(request);
    if ('address' in found) return ipLimitKey(found.address);
    const wait = perIp.take(ipLimitKey(peerAddress(request.socket) ?? 'unknown'), monotonicNow());
    if (wait > 0) throw new AuthError(429, 'rate-ip', wait);
    // Not the authentication hook's fault, which the refusal would have logged it as (a hostile tester).
    if (found.event === 'client-ip-threw') logger?.error({ event: found.event, err: errorSummary(found.error, hiddenOf(request)) }, 'clientIp hook threw: request refused');
    else logger?.error({ event: found.event, err: errorSummary(found.error, hiddenOf(request)) }, 'clientIp hook returned no IP address: request refused');
    throw withDetail(new AuthError(401, 'invalid-token'), `the clientIp hook ${found.event === 'client-ip-threw' ? 'threw' : 'returned no IP address'} (${found.event})`);
  };

  /**
   * A log line's addresses: `ip` the client's (per `clientIp`: behind a proxy every line named
   * the proxy, a fresh user), cut to 100 characters; `socketIp` the socket's when it differs.
   * The socket's alone when the hook threw. The hook is asked at most once per request.
   */
  const logIp = (request: IncomingMessage, socketAddress = peerAddress(request.socket)): { ip: string | undefined; socketIp?: string | undefined } => {
    if (options.clientIp === undefined) return { ip: socketAddress };
    const found = clientAddressOf(request);
    if (!('address' in found) || found.address === socketAddress) return { ip: socketAddress };
    return { ip: found.address.slice(0, 100), socketIp: socketAddress };
  };

  /** Upgrades admitted whose socket is not registered yet, per user (counted against maxSocketsPerUser). */
  const admitting = new Map<string, number>();
  const release = (userId: string): void => {
    const left = admitting.get(userId)! - 1;
    if (left === 0) admitting.delete(userId);
    else admitting.set(userId, left);
  };

  /** Auth and limits shared by upgrades and polls; throws AuthError; an admitted upgrade holds a place until {@link release}. */
  const admit = async (request: IncomingMessage, url: URL, kind: 'upgrade' | 'poll'): Promise<Principal> => {
    if (shuttingDown) throw new AuthError(503, 'shutting-down');
    if (!originAllowed(request)) throw new AuthError(403, 'origin');
    const site = otherOriginWithoutOrigin(request);
    if (site !== undefined) throw withDetail(new AuthError(403, 'origin'), `no Origin header, and Sec-Fetch-Site: ${site === 'cross-site' || site === 'same-site' ? JSON.stringify(site) : 'another value'}: a request of a page of another origin that sends none (no-cors: <img>, fetch mode no-cors; a navigation)`);
    const ip = clientIpOf(request);
    // Every attempt takes a token of its IP's bucket, before any work. A poll with a valid token
    // gives it back (below): a dashboard that polls makes a request a second or so, and a dozen
    // of them behind one NAT would otherwise be refused for the others' polls; pollsPerUser
    // bounds each user, and its refusals are that user's alone (each costs a token check).
    // Polls refused for their token keep theirs, in flight ones hold theirs: no burst of bad
    // or unchecked tokens gets past.
    const ipWait = perIp.take(ip, monotonicNow());
    if (ipWait > 0) throw new AuthError(429, 'rate-ip', ipWait);
    const principal = await authenticated(request, url);
    if (kind === 'poll') {
      // Before the store's health: a poll refused 503 while the store was away kept its IP's
      // token, though README and the option's JSDoc said it gave it back (a hostile tester);
      // its user's bucket bounds those refusals instead, as it bounds the user's polls.
      perIp.refund(ip);
      const userWait = pollsPerUser.take(principal.userId, monotonicNow());
      if (userWait > 0) throw new AuthError(429, 'rate-user', userWait);
    }
    // The store cannot resume or replay now (e.g. Redis away): refuse before opening a socket that
    // would only be closed with 1011, and tell the client when to try again.
    if (!storeStatus().healthy) throw new AuthError(503, 'store-unavailable', STORE_RETRY_AFTER_SEC);
    if (kind === 'upgrade') {
      const userWait = perUser.take(principal.userId, monotonicNow());
      if (userWait > 0) throw new AuthError(429, 'rate-user', userWait);
      // Upgrades admitted and not yet attached count too: hooks that resumed in one tick each
      // passed this check before any socket was registered (20 of a limit of 10; a hostile tester).
      const admitted = admitting.get(principal.userId) ?? 0;
      if (core.socketsOf(principal.userId) + admitted >= maxSocketsPerUser) throw new AuthError(429, 'too-many-sockets', 5);
      admitting.set(principal.userId, admitted + 1);
    }
    return principal;
  };

  /**
   * The refusal a verifier's error makes ({@link createJwtVerifier}'s AuthError reasons are its
   * text, `invalid token (…)`, `jwks-unavailable (…)`): the client gets a code, the operator the why. A hook's AuthError in
   * that form (`request` given) has its why shown as its other errors are ({@link hookText}): it was logged as it came (tGF F2).
   */
  const verifierRefusal = (error: unknown, request?: IncomingMessage): unknown => {
    if (!(error instanceof AuthError)) return error;
    if (error.status === 503) {
      // The JWKS could not be fetched: the token may be good, and the client is told to come
      // back (a 401 stopped it for good); the operator is told why, by jose's code.
      const code = hookText(/\(([^)]*)\)/.exec(error.reason)?.[1] ?? 'unknown', request);
      logger?.warn({ event: 'jwks-unavailable', code }, code === 'ERR_JWKS_NO_MATCHING_KEY' ? 'the JWKS fetched under 5 s ago holds no key of the token\'s kid for its alg (a key published since, or a token signed with another algorithm than its key\'s?): refused with 503 until it is fetched again' : `the JWKS could not be fetched (${code}): refused with 503`);
      return new AuthError(503, 'jwks-unavailable', error.retryAfterSec);
    }
    // An expired token is named (a client can fetch a new one); other faults stay one reason
    // to the client, and the verifier's is the log line's `detail`: it was dropped, and a
    // developer wiring their own issuer could not learn "exp missing" or "alg HS512 not allowed" (a fresh user).
    return withDetail(new AuthError(error.status, error.code === 'token-expired' ? 'token-expired' : 'invalid-token'), hookText(/^invalid token \((.*)\)$/s.exec(error.reason)?.[1] ?? error.reason, request));
  };

  /** The principal of a request's token (or of `authenticate`); throws AuthError for none or an expired one. */
  const authenticated = async (request: IncomingMessage, url: URL): Promise<Principal> => {
    let principal: HookPrincipal | null;
    if (verify !== null) {
      const token = tokenOf(request, url);
      if (token === null) {
        // A token under another scheme (`Authorization: Basic <jwt>`) was "no-token" with no word why (tBT F13).
        const header = request.headers.authorization;
        if (typeof header !== 'string' || header.trim() === '') throw new AuthError(401, 'no-token');
        throw withDetail(new AuthError(401, 'no-token'), authorizationFault(header));
      }
      try {
        principal = await verify(token);
      } catch (error) {
        throw verifierRefusal(error);
      }
    } else {
      try {
        principal = await hookAnswer(request);
      } catch (error) {
        // A hook that calls createJwtVerifier and throws its AuthError on: its reason is the
        // verifier's text (`invalid token (…)`), no code; it went out verbatim as the body (a reviewer).
        throw error instanceof AuthError && VERIFIER_REASON.test(error.reason) ? verifierRefusal(error, request) : error;
      }
      // A request that carried no token is `no-token`, as the `jwt` option answers it: the client
      // sends its poll again with `?token=` on that code (a proxy dropped `Authorization`), and a
      // hook's null was `invalid-token` whatever the request held, which stopped it for good (tEM F1).
      if (principal === null) {
        if (tokenOf(request, url) !== null) throw new AuthError(401, 'invalid-token');
        const header = request.headers.authorization;
        if (typeof header !== 'string' || header.trim() === '') throw new AuthError(401, 'no-token');
        throw withDetail(new AuthError(401, 'no-token'), authorizationFault(header));
      }
      // A missing `return` (or `if (!session) return;`): refused as null is, and said so. It was the server's own TypeError
      // (reading `userId` of undefined), logged at error level as "authentication hook threw", though the hook threw nothing (tAT F3).
      // Its code is null's (`no-token` when the request carried no token): it was always `invalid-token`, which stops the
      // package client for good where null's `no-token` has it poll again with `?token=` (tHW F1).
      if (principal === undefined) {
        const said = 'the authenticate hook returned undefined: return a principal or null';
        logger?.warn({ event: 'authenticate-returned-undefined', ...logIp(request) }, said);
        throw withDetail(new AuthError(401, tokenOf(request, url) === null ? 'no-token' : 'invalid-token'), said);
      }
      // Not an object at all (the user id itself, `session && {…}` with a false session): said as such, not as a bad user id (tAU F4).
      if (typeof principal !== 'object') {
        const said = `the authenticate hook returned ${typeof principal === 'string' ? 'a string' : preview(principal)}: return a principal { userId } or null`;
        logger?.error({ event: 'authenticate-not-a-principal', got: typeof principal, ...logIp(request) }, said);
        throw withDetail(new AuthError(401, 'invalid-token'), said);
      }
      // What the JWT path checks of its user id, for any hook: "\ud800" shared a Redis stream with "\ufffd" (a reviewer).
      const problem = userIdProblem(principal.userId);
      if (problem !== undefined) {
        // What it found, and where it looked: a hook that returns the JWT's claims (`{ sub }`) was told only "is not a non-empty string" (tBT F6).
        const userId: unknown = principal.userId;
        const got = userId === undefined ? 'nothing' : userId === null ? 'null' : userId === '' ? 'an empty string' : typeof userId;
        const said = `the authentication hook gave a user id that ${problem}${userId === undefined ? missingUserIdHint(principal, request) : `: got ${got} in userId`}`;
        logger?.error({ event: 'authenticate-bad-user-id', problem, got, ...(userId === undefined ? { keys: principalKeys(principal, request) } : {}) }, said);
        throw withDetail(new AuthError(401, 'invalid-token'), said);
      }
      // And its admin flag, read by truthiness: `admin: 'false'` made an admin (a hostile tester).
      const admin: unknown = principal.admin;
      if (admin !== undefined && typeof admin !== 'boolean') {
        logger?.error({ event: 'authenticate-bad-admin', got: admin === null ? 'null' : typeof admin }, 'the authentication hook gave an admin that is not true or false');
        throw withDetail(new AuthError(401, 'invalid-token'), 'the authentication hook gave an admin that is not true or false');
      }
      // And its expiry: a NaN (`new Date(undefined).getTime()`) stopped the expiry timer of every socket (a hostile tester).
      const expiresAt: unknown = principal.expiresAt;
      if (expiresAt !== undefined && (typeof expiresAt !== 'number' || Number.isNaN(expiresAt))) {
        logger?.error({ event: 'authenticate-bad-expires-at', got: typeof expiresAt === 'number' ? 'NaN' : typeof expiresAt }, 'the authentication hook gave an expiresAt that is not a number of ms since the epoch');
        throw withDetail(new AuthError(401, 'invalid-token'), 'the authentication hook gave an expiresAt that is not a number of ms since the epoch');
      }
      // Or before 1973 as ms (1e11): a JWT's `exp` in seconds refused every client `token-expired`, with no word why (tCC F4).
      if (typeof expiresAt === 'number' && expiresAt < MIN_EXPIRES_AT_MS) {
        const seconds = expiresAt >= 1e9;
        const said = `the authentication hook gave an expiresAt of ${expiresAt} (${Math.abs(expiresAt) <= 8.64e15 ? `${new Date(expiresAt).toISOString()} as milliseconds` : 'no date'}): ${seconds ? 'in seconds? expiresAt is milliseconds since the epoch (seconds * 1000)' : 'a duration? expiresAt is a time, in milliseconds since the epoch'}`;
        logger?.error({ event: 'authenticate-bad-expires-at', got: seconds ? 'seconds' : 'before 1973', expiresAt }, said);
        throw withDetail(new AuthError(401, 'invalid-token'), said);
      }
      // Nor the request's token (an opaque API key given as its owner's id): a user id is logged (`connection-open`,
      // `upgrade-dropped`, `poll-dropped`) and kept in the stream store's keys, and the token was logged on every connection,
      // where the logger is never given one (tHG F14). Refused, and said so without it.
      if (holdsRequestToken(principal.userId as string, request)) {
        const said =
          "the authentication hook gave a user id that holds the request's token: a user id is logged and kept in the stream store, a token never is; give the id of the token's owner (a user id of your own), not the token";
        logger?.error({ event: 'authenticate-bad-user-id', problem: "holds the request's token", got: 'string' }, said);
        throw withDetail(new AuthError(401, 'invalid-token'), said);
      }
      // Nor any JWT (an upstream session's or ID token, a header read by mistake: `x-id-token`): it was logged whole in
      // `connection-open`, where a principal's key of the same text is `[redacted]` (tIO F9). Refused as the request's token is.
      if (holdsJwt(principal.userId as string)) {
        const said = 'the authentication hook gave a user id that holds a JWT: a user id is logged and kept in the stream store, a token never is; give the id of the token\'s owner (its sub claim, or a user id of your own), not the token';
        logger?.error({ event: 'authenticate-bad-user-id', problem: 'holds a JWT', got: 'string' }, said);
        throw withDetail(new AuthError(401, 'invalid-token'), said);
      }
      warnUnknownPrincipalKeys(principal, request);
      // Left out, it is false (tEM F2: the hook's type takes it so): a store's viewer and the log line had `admin: undefined`.
      if (admin === undefined) principal = { ...principal, admin: false };
    }
    if (principal.expiresAt !== undefined && principal.expiresAt <= now()) throw new AuthError(401, 'token-expired');
    return principal as Principal;
  };

  /** The keys of a principal warned about already ({@link warnUnknownPrincipalKeys}): at most 32 names, each said once. */
  const unknownPrincipalKeys = new Set<string>();
  /**
   * Warns, once per name, of a key of a hook's principal the server does not read: `isAdmin: true`
   * or `role: 'admin'` was a plain user, silently, the admin seeing only their own stream (tBT F6).
   */
  const warnUnknownPrincipalKeys = (principal: object, request: IncomingMessage): void => {
    if (logger === null || unknownPrincipalKeys.size >= 32) return;
    let keys: string[];
    try {
      keys = Object.keys(principal);
    } catch {
      return;
    }
    for (const key of keys) {
      if (PRINCIPAL_KEYS.includes(key) || unknownPrincipalKeys.has(key) || unknownPrincipalKeys.size >= 32) continue;
      unknownPrincipalKeys.add(key);
      const near = /admin|role/i.test(key) ? 'admin' : nearestName(key, PRINCIPAL_KEYS);
      const shown = shownPrincipalKey(key, request);
      const name = JSON.stringify(shown);
      logger.warn({ event: 'authenticate-unknown-key', key: shown, ...(near === undefined ? {} : { didYouMean: near }) },
        `the authentication hook's principal has a key ${name} the server does not read, ignored${near === undefined ? '' : `: did you mean ${JSON.stringify(near)}${near === 'expiresAt' ? ' (milliseconds since the epoch, not seconds)' : ''}?`} (a principal is { userId, admin?, expiresAt? }; said once per key)`);
    }
  };

  /**
   * `authenticate(request)`'s answer, bounded by `authenticateTimeoutMs`: past it, AuthError 503 `authenticate-timeout`
   * (logged as such). A promise that settles later is ignored, its rejection too (no unhandled rejection); an answer that is
   * no promise is taken at once, and a hook that throws rejects, as before.
   */
  const hookAnswer = (request: IncomingMessage): Promise<HookPrincipal | null> => {
    const answer = options.authenticate!(request);
    if (typeof (answer as PromiseLike<unknown> | null)?.then !== 'function') return Promise.resolve(answer);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        logger?.warn({ event: 'authenticate-timeout', timeoutMs: authenticateTimeoutMs, ...logIp(request) }, `the authentication hook did not settle within ${authenticateTimeoutMs} ms: refused with 503`);
        reject(new AuthError(503, 'authenticate-timeout', AUTHENTICATE_RETRY_AFTER_SEC));
      }, authenticateTimeoutMs);
      // Nothing else holds the process open for it: its connection does, while it is open.
      timer.unref();
      Promise.resolve(answer).then(
        (principal) => {
          clearTimeout(timer);
          resolve(principal);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  };

  /** Counts an upgrade refused before its token is looked at, under `reason` (`stats().refusedUpgrades`). */
  const countRefusedUpgrade = (reason: string): void => {
    core.counters.refusedUpgrades[reason] = (core.counters.refusedUpgrades[reason] ?? 0) + 1;
  };
  /**
   * Counts a poll refused or failed outside {@link refusal} (`stats().refusedPolls`), under one of
   * the server's own poll codes (REFUSALS: `method-not-allowed`, `store-unavailable`,
   * `internal-error`, `poll-answers-unread`): a 405 and a failed poll were counted nowhere, an upgrade's 405 was (tBZ F14),
   * and a 429 `poll-answers-unread` only in `slowPollCloses` (tIE F2).
   */
  const countRefusedPoll = (reason: 'method-not-allowed' | 'store-unavailable' | 'internal-error' | 'poll-answers-unread'): void => {
    core.counters.refusedPolls[reason] = (core.counters.refusedPolls[reason] ?? 0) + 1;
  };

  /**
   * Refusals a client can repeat at will logged, per kind, reason and address (as `attemptsPerIp` counts it): one line each
   * {@link REFUSAL_LOG_INTERVAL_MS} ({@link THROTTLED_REFUSALS}). Each such refusal was logged, its URL redacted: one client
   * over its rate made a line of 8 KB per request, 430 MB of log in 8 s, and one with a foreign Origin or a malformed
   * handshake, which no rate limit stops, ~6 MB/s (hostile testers). They are all counted in stats().
   */
  const refusalLogs = new LogThrottle(REFUSAL_LOG_INTERVAL_MS);
  /** `null` when a refusal of `kind` for `reason` is not to be logged (its address's was within the interval); else how many of them were not since its last line. */
  const refusalLogTurn = (kind: string, reason: string, request: IncomingMessage, socketAddress: string | undefined): number | null => {
    if (logger === null || !THROTTLED_REFUSALS.has(reason)) return 0;
    const found = clientAddressOf(request);
    return refusalLogs.take(`${kind} ${reason} ${'address' in found ? ipLimitKey(found.address) : socketAddress}`, monotonicNow());
  };

  /**
   * `null` when a poll or upgrade dropped (`kind`-dropped: its connection gone while its token was checked) is not to be logged,
   * else how many were not since the last line: one line per kind, reason, outcome (the refusal it would have had, or admitted)
   * and address each {@link REFUSAL_LOG_INTERVAL_MS}, as the refusals a client repeats at will. A client that reset each poll
   * after sending it made a warn line per poll, 500–1,400 a second from one address with a valid token (tGU F1): its poll's
   * attempt is given back once the token verifies, so no limit refuses it. Each is counted in stats() all the same.
   */
  const droppedLogTurn = (kind: string, reason: string, outcome: { userId: string } | { refusal: string }, request: IncomingMessage, socketAddress: string | undefined): number | null => {
    if (logger === null) return 0;
    const found = clientAddressOf(request);
    return refusalLogs.take(`${kind}-dropped ${reason} ${'refusal' in outcome ? outcome.refusal : 'admitted'} ${'address' in found ? ipLimitKey(found.address) : socketAddress}`, monotonicNow());
  };

  /** Logs a head refused 431 as one Node may have cut (a WebSocket upgrade's, an h2c offer's): once per address each 10 s, as a malformed handshake is (each was logged: tAU F6). */
  const logTooLarge = (request: IncomingMessage): void => {
    const notLogged = refusalLogTurn('upgrade', 'headers-too-large', request, peerAddress(request.socket));
    if (notLogged !== null) logger?.info({ event: 'upgrade-refused', status: 431, reason: 'headers-too-large', ...logIp(request), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'upgrade refused');
  };

  /** The AuthError a failed admission is answered with: a hook's error of another kind is 401 `invalid-token`, and logged (`authenticate-failed`). */
  const refusalOf = (error: unknown, request: IncomingMessage): AuthError => {
    if (error instanceof AuthError) return error;
    logger?.error({ event: 'authenticate-failed', ip: logIp(request).ip, err: errorSummary(error, hiddenOf(request)) }, 'authentication hook threw');
    return withDetail(new AuthError(401, 'invalid-token'), 'the authentication hook threw');
  };

  const refusal = (error: unknown, request: IncomingMessage, kind: string, socketAddress = peerAddress(request.socket)): AuthError => {
    const refused = refusalOf(error, request);
    const counts = kind === 'upgrade' ? core.counters.refusedUpgrades : core.counters.refusedPolls;
    // A hook's own reasons are counted too, but at most MAX_REFUSAL_REASONS of them: one naming
    // its user (`user alice is banned`) added a key per refusal, a map clients could grow.
    const key = OWN_REFUSALS.has(refused.reason) || Object.hasOwn(counts, refused.reason) || Object.keys(counts).length < MAX_REFUSAL_REASONS ? refused.reason : 'other';
    counts[key] = (counts[key] ?? 0) + 1;
    const notLogged = refusalLogTurn(kind, refused.reason, request, socketAddress);
    if (notLogged === null) return refused;
    // The origin refused is what an operator needs to allow it (a header, any JWT or user info in it redacted; cut to a line).
    // None when the header was absent (refused by its Sec-Fetch-Site: `detail` says so): 'undefined' named no origin.
    const origin = refused.reason === 'origin' && request.headers.origin !== undefined ? { origin: redactRefusedOrigin(String(request.headers.origin)).slice(0, 200) } : {};
    // Why, for the operator (the client's body keeps its code alone: it goes to whoever sent the token); never the token.
    const detail = details.get(refused);
    logger?.info({ event: `${kind}-refused`, status: refused.status, reason: refused.reason, ...(detail === undefined ? {} : { detail }), ...logIp(request, socketAddress), url: redactUrl(request.url), ...origin, ...(notLogged > 0 ? { notLogged } : {}) }, `${kind} refused`);
    return refused;
  };

  /** Whether `pathname` is one this server answers (`path` or `pollPath`, a trailing slash more or less). */
  const ownPath = (pathname: string | undefined): boolean => samePath(pathname, path) || (pollPath !== false && samePath(pathname, pollPath));

  /**
   * Whether this server's upgrade listener answers `request` (its target's `pathname`, as requestUrl reads it): a WebSocket
   * upgrade to its paths, a WebSocket one to a path no realtime server serves when no listener of the app's will answer it, an
   * offer of another protocol (h2c) to its paths beside the app's listeners, to any path without them (see answersUnserved).
   * A WebSocket upgrade to `pollPath` beside the app's listeners was left to them, which README's listener returned for: held.
   */
  const answersUpgradeTo = (request: IncomingMessage, pathname: string | undefined): boolean =>
    offersWebSocket(request) ? ownPath(pathname) || upgrades.answersUnserved(pathname) : upgrades.answersUnserved(undefined) || (upgrades.appListens() && ownPath(pathname));
  let upgradesListened = true;
  const answersUpgrade = (request: IncomingMessage): boolean => upgradesListened && answersUpgradeTo(request, requestUrl(request.url)?.pathname);

  /** Connections this server closed for a request pipelined behind an unanswered one (counted once, as `pipelined`). */
  const closedForPipelining = new WeakSet<object>();
  /**
   * Closes the connection of an upgrade pipelined behind a request of the same connection still unanswered (a held poll):
   * HTTP/1.1 answers in order, but Node emits the upgrade at once. Its 101 went out first, and the poll's answer, alice's
   * messages, later into bob's socket frames behind a proxy that pipelines (a hostile tester). The poll is retried from its cursor.
   */
  const refusePipelined = (request: IncomingMessage): void => {
    if (request.socket.destroyed) return;
    closedForPipelining.add(request.socket);
    countRefusedUpgrade('pipelined');
    logger?.warn({ event: 'upgrade-refused', reason: 'pipelined', ...logIp(request), url: redactUrl(request.url) }, 'upgrade pipelined behind an unanswered request: connection closed');
    request.socket.destroy();
  };

  /**
   * Closes the connection of a poll pipelined behind a poll of the same connection whose answer has not all gone out: HTTP/1.1
   * answers in order, so its page waited in this process behind an answer its client had not read. A client that pipelined polls and
   * read nothing had a page kept here for each, without bound, its connection never closed (tGH F1: 7 MB a second from one
   * token at 10 polls a second, within every rate). No browser or fetch pipelines; the poll is retried from its cursor.
   */
  const refusePipelinedPoll = (request: IncomingMessage): void => {
    // Node's parser goes on over the chunk it read after the connection is destroyed, emitting each request in it: the
    // connection is counted once. It counted each (500 CORS preflights behind a held poll: `pipelined: 500`; tGU F3).
    if (request.socket.destroyed) return;
    closedForPipelining.add(request.socket);
    core.counters.refusedPolls.pipelined = (core.counters.refusedPolls.pipelined ?? 0) + 1;
    const notLogged = refusalLogTurn('poll', 'pipelined', request, peerAddress(request.socket));
    if (notLogged !== null) logger?.warn({ event: 'poll-refused', reason: 'pipelined', ...logIp(request), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'request to the poll path pipelined behind a poll whose answer has not all gone out: connection closed');
    request.socket.destroy();
  };

  /** Counts (`stats().refusedRequests`, `expectation-failed`) and logs, once per address each 10 s, a request of its own server refused 417 for its `Expect`. */
  const expectationRefused = (request: IncomingMessage): void => {
    refusedRequests['expectation-failed'] = (refusedRequests['expectation-failed'] ?? 0) + 1;
    const ip = peerAddress(request.socket);
    const notLogged = logger ? refusalLogs.take(`request expectation-failed ${ip === undefined ? '' : ipLimitKey(ip)}`, monotonicNow()) : null;
    if (notLogged !== null) logger?.info({ event: 'request-refused', status: 417, reason: 'expectation-failed', ip, url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'request refused: an Expect other than 100-continue');
  };

  /** Serves an upgrade `request` as the plain request it also is (ignored-upgrade.ts): answered in turn, or refused 431 (a head Node may have cut). */
  const serveAsRequest = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (answerPending(request.socket)) return refusePipelined(request);
    // No one to answer it as a request (no `request` listener of the app's, a path no realtime server serves): 404 here,
    // as README's listener answered before it served such upgrades as requests; Node held them (tAW F3).
    if (!answeredAsRequest(httpServer, requestUrl(request.url)?.pathname)) {
      countRefusedUpgrade('not-found');
      return refuseSocket(socket, 404, 'not-found');
    }
    if (!serveIgnoringUpgrade(httpServer, request, socket, head)) {
      // Refused 431, its head one Node may have cut: counted and logged as every other refusal (it was neither: a hostile tester).
      countRefusedUpgrade('headers-too-large');
      logTooLarge(request);
    }
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    headIn(request.socket);
    const url = requestUrl(request.url);
    // Another realtime server on this HTTP server, or the app's own upgrade listener, answers the others.
    if (!answersUpgradeTo(request, url?.pathname)) return;
    const pipelined = (): void => refusePipelined(request);
    if (!offersWebSocket(request)) {
      // Another protocol (h2c: curl --http2, Java's HttpClient) is ignored, as RFC 9110 7.8 lets a server do, and the request is
      // served as if it offered none: by the app's listeners, the poll path, handleHttp. It was a 404 to all (`path` a 400 of ws's,
      // after its token was verified). Served so behind an unanswered request, it would be answered out of turn too.
      // Without upgrade listeners of the app's, one realtime server serves them all (the first: see answersUnserved). With
      // them, each serves those to its own paths, as it serves their WebSocket upgrades, and leaves every other to the app's
      // listeners: a poll that offered h2c got no answer, its connection held with no timeout, beside the listener README
      // recommends, which returns for every path but its own (tAT F2).
      return serveAsRequest(request, socket, head);
    }
    // On its own HTTP server, an `Expect` other than 100-continue is refused 417 as Node refuses a plain request's, before
    // anything else is looked at: Node checks it on its `request` path only, and a WebSocket upgrade with `Expect: foo` was
    // accepted (101), where README said every request there was answered 417 (tHH F3).
    if (ownServer && expectationFails(request)) {
      if (upgradePending(request.socket)) return pipelined();
      expectationRefused(request);
      socket.on('error', () => socket.destroy());
      socket.once('finish', () => socket.destroy());
      socket.end('HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (url === undefined || !samePath(url.pathname, path)) {
      countRefusedUpgrade(url ? 'not-found' : 'bad-request-target');
      return refuseSocket(socket, url ? 404 : 400, url ? 'not-found' : 'bad-request-target');
    }
    socket.on('error', () => socket.destroy());
    if (upgradePending(request.socket)) return pipelined();
    if (options.webSocket === false) {
      countRefusedUpgrade('websocket-off');
      return refuseSocket(socket, 404, 'websocket-off');
    }
    // A WebSocket opens with a GET (RFC 6455 4.1): `ws` answered another method with a 405 of
    // its own, in text, without `Allow`, after the token was verified and the attempt counted (a hostile tester).
    // `Allow` names the one method an upgrade may use: `GET, HEAD` told a HEAD upgrade, refused, that HEAD was allowed.
    if (request.method !== 'GET') {
      countRefusedUpgrade('method-not-allowed');
      // Logged as README says, once per address each 10 s: a client repeats it at will (it was counted and never logged: tDT F2).
      const notLogged = refusalLogTurn('upgrade', 'method-not-allowed', request, peerAddress(request.socket));
      if (notLogged !== null) logger?.info({ event: 'upgrade-refused', status: 405, reason: 'method-not-allowed', detail: `an upgrade by ${preview(request.method)}: a WebSocket opens with a GET (RFC 6455 4.1)`, ...logIp(request), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'upgrade refused');
      return refuseSocket(socket, 405, 'method-not-allowed', undefined, { headers: { Allow: 'GET' }, head: request.method === 'HEAD' });
    }
    // What `ws` would refuse with a 400 of its own (RFC 6455 4.2.1), before the token is verified: it did so after, the
    // user's attempt spent, neither counted nor logged (a hostile tester). And what it accepted that RFC 6455 4.1 does not (HTTP/1.0, a body).
    // A head Node may have cut: the checks below read only the lines it kept, and a Content-Length, a Transfer-Encoding or
    // a second Host past the cut was let through with a 101 (a security audit, tAM), as it was on the h2c path before.
    if (headMayBeCut(httpServer, request)) {
      countRefusedUpgrade('headers-too-large');
      logTooLarge(request);
      return refuseSocket(socket, 431, 'headers-too-large');
    }
    const fault = handshakeFault(request);
    if (fault !== null) return refuseHandshake(request, socket, fault);
    // Read now: a socket destroyed while its token is checked has no address left to read.
    const ip = peerAddress(request.socket);
    authenticatingUpgrades.set(socket, request);
    const watched = watchWhileChecked(socket, head);
    admit(request, url, 'upgrade').then(
      (principal) => {
        const early = watched.stop();
        // From here to the socket's registration (attach, called by handleUpgrade) is synchronous.
        release(principal.userId);
        // Answered by close() meanwhile: the hook's late answer has nothing left to do.
        if (!authenticatingUpgrades.delete(socket)) return;
        if (socket.destroyed) {
          // Gone while its token was checked: the client left, or something else on this HTTP server destroyed it. It was
          // dropped with nothing logged or counted, and an app whose own upgrade listener destroyed it saw its clients fail
          // with no trace on the server's side (a fresh user).
          countRefusedUpgrade('socket-destroyed');
          const notLogged = droppedLogTurn('upgrade', 'socket-destroyed', { userId: principal.userId }, request, ip);
          if (notLogged === null) return;
          logger?.warn(
            { event: 'upgrade-dropped', reason: 'socket-destroyed', userId: principal.userId, ...logIp(request, ip), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) },
            'upgrade dropped: its connection was destroyed while its token was checked (by the client, or by something else on the HTTP server)',
          );
          return;
        }
        if (shuttingDown) return refuseSocket(socket, 503, 'shutting-down');
        if (takenByWebSocket(socket)) {
          // Another WebSocket server on this HTTP server (an upgrade listener of the app's on the same path) took the connection
          // while the token was checked: ws threw on a second handleUpgrade, and the process ended (a fresh user). It is theirs.
          countRefusedUpgrade('socket-taken');
          const notLogged = droppedLogTurn('upgrade', 'socket-taken', { userId: principal.userId }, request, ip);
          if (notLogged === null) return;
          logger?.warn(
            { event: 'upgrade-dropped', reason: 'socket-taken', userId: principal.userId, ip, url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) },
            "upgrade dropped: another WebSocket server on this HTTP server (an upgrade listener of the app's) took its connection while its token was checked",
          );
          return;
        }
        wss.handleUpgrade(request, socket, early.length === 1 ? early[0]! : Buffer.concat(early), (ws) => attach(ws, principal, url.searchParams.get('since') || null, logIp(request, ip)));
      },
      (error: unknown) => {
        watched.stop();
        if (!authenticatingUpgrades.delete(socket)) return;
        // Gone while its token was checked, and the check failed (a JWKS that did not answer): there is no one to answer, as
        // when it succeeds. It was counted and logged as a refusal answered (jwks-unavailable, 503: a hostile tester).
        if (socket.destroyed || takenByWebSocket(socket)) {
          const reason = socket.destroyed ? 'socket-destroyed' : 'socket-taken';
          const refused = refusalOf(error, request);
          countRefusedUpgrade(reason);
          const notLogged = droppedLogTurn('upgrade', reason, { refusal: refused.reason }, request, ip);
          if (notLogged === null) return;
          logger?.warn(
            { event: 'upgrade-dropped', reason, refusal: refused.reason, ...logIp(request, ip), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) },
            reason === 'socket-destroyed'
              ? 'upgrade dropped: its connection was destroyed while its token was checked (by the client, or by something else on the HTTP server)'
              : "upgrade dropped: another WebSocket server on this HTTP server (an upgrade listener of the app's) took its connection while its token was checked",
          );
          return;
        }
        const refused = refusal(error, request, 'upgrade', ip);
        refuseSocket(socket, refused.status, refused.reason, refused.retryAfterSec, { headers: challenge(refused.status, request, url) });
      },
    );
  };

  /** Refuses a malformed handshake ({@link handshakeFault}, or one `ws` refused) with 400 (`fault` says why), counted and logged as `bad-handshake`. */
  const refuseHandshake = (request: IncomingMessage, socket: Duplex, fault: string): void => {
    countRefusedUpgrade('bad-handshake');
    const notLogged = refusalLogTurn('upgrade', 'bad-handshake', request, peerAddress(request.socket));
    if (notLogged !== null) logger?.info({ event: 'upgrade-refused', status: 400, reason: 'bad-handshake', detail: fault, ...logIp(request), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'upgrade refused');
    // RFC 6455 4.4: the versions this server speaks.
    refuseSocket(socket, 400, 'bad-handshake', undefined, { detail: fault, headers: /Version/.test(fault) ? { 'Sec-WebSocket-Version': '13, 8' } : {} });
  };
  // What ws still refuses past handshakeFault (a malformed Sec-WebSocket-Protocol): counted and logged as well.
  wss.on('wsClientError', (error: Error, socket: Duplex, request: IncomingMessage) => refuseHandshake(request, socket, error.message));

  /** `addresses`: the client's `ip` and `socketIp` for the socket's `connection-open` line, which its later lines join by `connection`. */
  const attach = (ws: WebSocket, principal: Principal, since: string | null, addresses: ReturnType<typeof logIp>): void => {
    // ws has no public batching API. Each payload is framed once (ws's own Sender.frame, shared
    // by every recipient) and a batch goes out as one write on the socket under ws. Safe with
    // compression off (ws then writes synchronously, so frames never interleave).
    const raw = (ws as unknown as { _socket?: Socket })._socket;
    const close = ws.close.bind(ws);
    /** Bytes of the writes called back (all in the kernel), and the lengths of those not yet, in order. */
    let taken = 0;
    const unfinished: number[] = [];
    let sent = 0;
    const transport: Transport = {
      write(frames, onWritten) {
        if (raw === undefined || raw.destroyed || ws.readyState !== ws.OPEN) {
          process.nextTick(onWritten);
          return;
        }
        // One write per batch: a stream write costs far more than copying a few KiB.
        const data = frames.length === 1 ? framed(frames[0]!) : Buffer.concat(frames.map(framed));
        unfinished.push(data.length);
        raw.write(data, () => {
          taken += unfinished.shift() ?? 0;
          onWritten();
        });
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      // A write's callback comes once all of it is in the kernel (one of 8 MiB, after minutes on
      // a slow link): what of the first the kernel took meanwhile is libuv's count of what it has
      // yet to write (the handle's writeQueueSize, which Node keeps up to date as the socket
      // drains; internal, as `_socket` is, and read as nothing taken when absent).
      get sentBytes() {
        const queued = (raw as unknown as { _handle?: { writeQueueSize?: unknown } } | undefined)?._handle?.writeQueueSize;
        const first = unfinished[0] ?? 0;
        const partial = typeof queued === 'number' && queued < first ? first - queued : 0;
        sent = Math.max(sent, taken + partial);
        return sent;
      },
      close: (code, reason) => close(code, reason),
      terminate: () => ws.terminate(),
    };
    const connection = core.accept(transport, principal, since);
    // With the address a refusal would name (a tester: a socket closed 4429 could not be told from whose address it came).
    logger?.info({ event: 'connection-open', connection: connection.id, userId: principal.userId, admin: principal.admin, resume: since !== null, ...addresses }, 'connection accepted');
    ws.on('message', (data, isBinary) => connection.receive(data as Buffer, isBinary));
    // Control frames cost a parse each too: held to the same inbound rate (ws answers a ping
    // itself while the socket is open). A ping ws has just cut the socket off for (more than 60
    // pongs unwritten) is not counted: that socket closes with 1006, with no close frame.
    const control = (): void => {
      if (ws.readyState === ws.OPEN) connection.receiveControl();
    };
    ws.on('ping', control);
    ws.on('pong', control);
    // ws closes by itself on a protocol fault in a read (a frame over maxPayload: 1009; bad
    // UTF-8: 1007), before it emits 'error': the answers to the frames before the fault, in the
    // same read and still queued, go out first (they were lost behind the close frame).
    // This server's own closes go through `close`, never here, and a peer's close frame is echoed
    // with its reason (a Buffer, empty or not): a 1008 with no reason at all is ws's own, for a
    // message of too many frames or too many chunks buffered. It came with none, and the client
    // was not told which policy it broke (a hostile tester). ws words the two alike (one code), so
    // the reason names both.
    // Its 1009, 1007 and 1002 came with no reason either: ws closes with the code alone, then
    // emits the fault as an 'error', at once (ws 8's receiverOnError). That close waits for the
    // error, whose reason it then gives (`faultReason`); a leftover of a hostile tester.
    let faultClose: number | null = null;
    const closeForFault = (error: Error | undefined): void => {
      const code = faultClose;
      if (code === null) return;
      faultClose = null;
      close(code, faultReason(code, error, maxPayload));
    };
    ws.close = (code?: number, reason?: string | Buffer) => {
      connection.flushAnswers();
      // ws answers the peer's close frame through this (its receiver's conclude): the closing handshake is the peer's.
      if (ws.readyState === ws.OPEN && (ws as unknown as { _closeFrameReceived?: boolean })._closeFrameReceived === true) core.peerClosing(connection);
      if (reason === undefined && code !== undefined && FAULT_LABELS[code] !== undefined && ws.readyState === ws.OPEN) {
        faultClose = code;
        // Should the error not come (ws emits one per socket), the close goes with the fault's name alone.
        process.nextTick(() => closeForFault(undefined));
        return;
      }
      close(code, code === CloseCode.PolicyViolation && reason === undefined ? TOO_MANY_PARTS_REASON : reason);
    };
    // Without an 'error' handler an oversized frame (1009) would crash the process.
    ws.on('error', (error) => {
      // ws closes the socket itself on a protocol fault; count the code it sent, not 1006.
      connection.closeCode ??= PROTOCOL_FAULT_CODES[(error as { code?: string }).code ?? ''] ?? null;
      closeForFault(error);
      logger?.warn({ event: 'socket-error', connection: connection.id, err: errorSummary(error) }, 'socket error');
    });
    ws.on('close', (code) => {
      core.closed(connection, code);
      // The code this server closed with when it did (as `stats().closes` counts it), else the peer's.
      logger?.info({ event: 'connection-closed', connection: connection.id, code: connection.closeCode ?? code }, 'connection closed');
    });
  };

  /**
   * A poll whose client left while its token was checked: nothing answered, counted in `stats().refusedPolls` as
   * `socket-destroyed` and logged (warn) as `poll-dropped`, with its user's id or the refusal it would have had.
   */
  const pollDropped = (request: IncomingMessage, socketAddress: string | undefined, outcome: { userId: string } | { refusal: string }): void => {
    // Its connection closed by this server, for a request pipelined behind it (counted as that): its client did not leave.
    if (closedForPipelining.has(request.socket)) return;
    core.counters.refusedPolls['socket-destroyed'] = (core.counters.refusedPolls['socket-destroyed'] ?? 0) + 1;
    const notLogged = droppedLogTurn('poll', 'socket-destroyed', outcome, request, socketAddress);
    if (notLogged !== null) logger?.warn({ event: 'poll-dropped', reason: 'socket-destroyed', ...outcome, ...logIp(request, socketAddress), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'poll dropped: its client left while its token was checked');
  };

  /**
   * Counts a poll answered without its page because its user's answers not yet out stayed past {@link pollUnsentBytes}
   * for its whole hold (`detail` says so): in `stats().slowPollCloses`, logged (warn) as `poll-unread` once per address each 10 s.
   */
  const pollUnread = (request: IncomingMessage, socketAddress: string | undefined, userId: string, detail: string): void => {
    slowPollCloses++;
    const notLogged = refusalLogTurn('poll', 'unread', request, socketAddress);
    if (notLogged !== null) logger?.warn({ event: 'poll-unread', reason: 'unread', detail, userId, ...logIp(request, socketAddress), url: redactUrl(request.url), ...(notLogged > 0 ? { notLogged } : {}) }, 'poll answered without its page: its user\'s poll answers are not read');
  };

  /**
   * Counts `bytes` of an answer to `userId` in {@link unsentOf} when they fit: when the user's answers not yet out are none
   * (the first goes whatever its size) or hold at most {@link pollUnsentBytes} with them. Checked and counted at once, so two
   * polls woken together cannot both take the same room.
   * @returns whether it counted them
   */
  const takeRoom = (userId: string, bytes: number): boolean => {
    const unsent = unsentOf.get(userId) ?? 0;
    if (unsent > 0 && unsent + bytes > pollUnsentBytes) return false;
    unsentOf.set(userId, unsent + bytes);
    return true;
  };

  /** Takes `bytes` off `userId`'s answers not yet out, and lets the user's polls waiting for room check again, in order. */
  const giveRoom = (userId: string, bytes: number): void => {
    const left = (unsentOf.get(userId) ?? 0) - bytes;
    if (left <= 0) unsentOf.delete(userId);
    else unsentOf.set(userId, left);
    const waiting = roomWaiters.get(userId);
    if (waiting) for (const check of [...waiting]) check();
  };

  /**
   * Waits, at most `ms`, until `bytes` of an answer to `userId` fit under {@link pollUnsentBytes}, and counts them then
   * ({@link takeRoom}); ended early, room not taken, by the response's close, by close(), or by the store found unhealthy
   * (the health watch looks each second while polls wait, as while they are held).
   * @returns whether it took the room
   */
  const waitForRoom = (userId: string, bytes: number, ms: number, response: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      const waiting = roomWaiters.get(userId) ?? new Set<() => void>();
      roomWaiters.set(userId, waiting);
      let timer: NodeJS.Timeout | undefined;
      const done = (took: boolean): void => {
        clearTimeout(timer);
        response.off('close', gone);
        waiting.delete(check);
        if (waiting.size === 0 && roomWaiters.get(userId) === waiting) roomWaiters.delete(userId);
        resolve(took);
      };
      const check = (): void => {
        if (shuttingDown || response.destroyed || !storeStatus().healthy) done(false);
        else if (takeRoom(userId, bytes)) done(true);
      };
      const gone = (): void => done(false);
      waiting.add(check);
      response.once('close', gone);
      timer = setTimeout(gone, Math.max(0, ms));
    });

  /**
   * Keeps `bytes` of `response`, a poll's answer to `userId` counted by {@link takeRoom}, in {@link unsentOf} until it has
   * all gone out of this process ('finish') or its connection is gone ('close'), however long that takes: while its client
   * keeps the connection open, or until TCP gives up on a client that vanished.
   */
  const watchAnswer = (response: ServerResponse, userId: string, bytes: number): void => {
    if (response.writableFinished || response.destroyed) return giveRoom(userId, bytes);
    answersOut.add(response);
    let counted = true;
    const out = (): void => {
      if (!counted) return;
      counted = false;
      answersOut.delete(response);
      giveRoom(userId, bytes);
    };
    response.once('finish', out);
    response.once('close', out);
  };

  /**
   * Checks `answer`'s envelope, the one this server builds, not the stored frames: each was checked when published, and one
   * another node stored (a newer contract during a rolling upgrade, a node without outbound validation) failed every poll
   * that covered it, for good (a hostile tester). The socket sends the same frames unchecked.
   * @throws Error when validateOutbound is on and the envelope fails the poll response's schema
   */
  const checkOpen = (answer: PollAnswer): void => {
    if (!validateOutbound) return;
    const fault = checkPollResponse(`${answer.open}]}`);
    if (fault !== null) throw new Error(`poll response fails its schema: ${fault}`);
  };

  const handlePoll = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    // Behind a poll of this server's whose answer has not all gone out on its connection. Behind the app's answer alone it
    // waits its turn in Node: a streamed file's last byte goes out before its stream's end calls end(), and a client that
    // read it whole polls at once, pipelining nothing (tGN F7: one in ten such polls was refused after 450c863a).
    const socket = request.socket;
    // A poll's hold counts from here: a client abandons a poll that brings nothing for its pollTimeoutMs from its request.
    const pollStarted = monotonicNow();
    if ((pollsAnswering.get(socket) ?? 0) > 0) return refusePipelinedPoll(request);
    const origin = request.headers.origin;
    if (origin !== undefined) {
      // CORS (Fetch standard): a browser reads the answer, any status, only with these. An origin
      // not allowed gets them too, and its preflight passes: its GET is then refused 403 `origin`
      // (below, before its token is read), and the page can read that. Refused at the preflight,
      // or without these, the 403 was a network error to the page, whose client retried for
      // ever, offline, never told the origin was refused (a fresh user).
      if (allowCors(request, response, origin)) return;
    }
    // HEAD is answered as its GET would be, headers only (RFC 9110 9.1, 9.3.2: it was 405), and never held: it delivers nothing.
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      countRefusedPoll('method-not-allowed');
      return sendHttp(response, 405, { error: 'method-not-allowed' }, { Allow: 'GET, HEAD' });
    }
    // A poll, from here: what follows it on its connection before its answer has all gone out is refused. A preflight or a 405,
    // answered at once above and carrying no page, is not one: a request read behind it, from the same packet, before Node
    // emitted its 'finish', was refused as pipelined, and the preflight counted as a refused poll (tHH F2).
    pollsAnswering.set(socket, (pollsAnswering.get(socket) ?? 0) + 1);
    let answering = true;
    const answered = (): void => {
      if (answering) pollsAnswering.set(socket, pollsAnswering.get(socket)! - 1);
      answering = false;
    };
    response.once('finish', answered);
    response.once('close', answered);
    // Listened for from the start: a client that leaves during authentication is not held.
    let left = false;
    let waiter: PollWaiter | null = null;
    // A store read of this poll not sent yet is dropped when its client leaves: one token re-polling a 12 MB page had one
    // Redis read each queued on the node, every one sent after its client had gone (tIE F1).
    const reads = new AbortController();
    response.on('close', () => {
      left = true;
      reads.abort();
      waiter?.wake();
    });
    let principal: Principal;
    // Counted while authenticating: close() waits for it as for a held poll (a slow hook's poll
    // was not in `polls`, and close() destroyed its connection unanswered: a hostile tester).
    authenticatingPolls.set(response, request);
    // Read now: a connection destroyed while its token is checked has no address left to read.
    const socketAddress = peerAddress(request.socket);
    try {
      principal = await admit(request, url, 'poll');
    } catch (error) {
      if (!authenticatingPolls.delete(response)) return;
      // Gone while its token was checked, and the check failed: nothing to answer, as an upgrade's (it was counted and logged as answered).
      if (left) return pollDropped(request, socketAddress, { refusal: refusalOf(error, request).reason });
      const refused = refusal(error, request, 'poll');
      // A hook that timed out closes its connection too, as its upgrade's does: the client comes back after Retry-After
      // (5 s, Node's keep-alive timeout), and its place under maxConnectionsPerIp is free meanwhile.
      const headers: Record<string, string> = refused.retryAfterSec ? { 'Retry-After': String(refused.retryAfterSec) } : {};
      if (refused.reason === 'authenticate-timeout') headers.Connection = 'close';
      return sendHttp(response, refused.status, { error: refused.reason }, { ...headers, ...challenge(refused.status, request, url) });
    }
    // Answered by close() meanwhile, past shutdownTimeoutMs: the hook's late answer has nothing left to do.
    if (!authenticatingPolls.delete(response)) return;
    if (left) return pollDropped(request, socketAddress, { userId: principal.userId });
    const viewer = { userId: principal.userId, admin: principal.admin };
    // An empty `since=` is no cursor: the stream starts new.
    const since = url.searchParams.get('since') || null;
    waiter = new PollWaiter(principal);
    core.addSubscriber(waiter);
    polls.add(waiter);
    const expired = (): boolean => principal.expiresAt !== undefined && principal.expiresAt <= now() + TIMER_SLACK_MS;
    try {
      // Paced (pollPaceMs): the reference client polls again as soon as an answer comes, and one was made as soon as a
      // message was pending, so a stream of more than 10 messages a second (evenly spread) made as many polls a
      // second, past pollsPerUser's 10 once its burst was spent: 429s, each message up to a second late (a fresh
      // tester). Each poll of a user takes the user's next read slot, so the user's clients together are read at most
      // once a slot. What is published meanwhile is routed to this poll and answered with it, after the pause; the
      // client leaving, close() or the store going down end it early, as they end a hold.
      const t = monotonicNow();
      const readAt = Math.max(t, nextRead.get(principal.userId) ?? -Infinity);
      nextRead.set(principal.userId, readAt + pollPaceMs);
      const pause = readAt - t;
      if (pause > 0 && !shuttingDown) {
        pacedPolls++;
        try {
          await waiter.pause(pause);
        } finally {
          pacedPolls--;
        }
        if (left || response.destroyed) return;
        if (expired()) return sendHttp(response, 401, { error: refusal(new AuthError(401, 'token-expired'), request, 'poll').reason }, challenge(401, request, url));
      }
      let result: ReadResult | null = await store.read(viewer, since, pollMaxMessages, pollPageBytes, reads.signal);
      // One token held 250 polls at once (a hostile tester): past maxSocketsPerUser held, a poll
      // is answered at once, empty, and the client's next comes under pollsPerUser.
      const held = heldPolls.get(principal.userId) ?? 0;
      if (since !== null && result.resume === 'resumed' && result.entries.length === 0 && !shuttingDown && !left && !head && held < maxSocketsPerUser) {
        // Nothing pending: hold until a publish reaches this viewer, the hold ends, the client
        // leaves, or the token expires (`exp` + the clock tolerance, as a socket's 4401).
        const expiresIn = principal.expiresAt === undefined ? Infinity : principal.expiresAt - now();
        watchHealth();
        heldPolls.set(principal.userId, held + 1);
        try {
          await waiter.wait(Math.min(pollHoldMs, expiresIn));
        } finally {
          const remaining = (heldPolls.get(principal.userId) ?? 1) - 1;
          if (remaining === 0) heldPolls.delete(principal.userId);
          else heldPolls.set(principal.userId, remaining);
        }
        if (response.destroyed) return;
        // Woken because the store went down: said at once, as a poll made now is answered.
        if (!waiter.routed && !shuttingDown && !storeStatus().healthy) {
          countRefusedPoll('store-unavailable');
          return sendHttp(response, 503, { error: 'store-unavailable' }, { 'Retry-After': String(STORE_RETRY_AFTER_SEC) });
        }
        // Expired while held: what came for it is the next poll's, with a new token (a poll held
        // past its token's expiry delivered what was published after it: a hostile tester).
        // (A timer may fire a millisecond or two before the wall clock reads its time: the hold
        // that ended at exp was answered 200, empty, on a token about to expire: a full run.)
        if (expired()) return sendHttp(response, 401, { error: refusal(new AuthError(401, 'token-expired'), request, 'poll').reason }, challenge(401, request, url));
        // Woken by close() with nothing routed to it: nothing new since the read above (it was
        // subscribed before it), so it answers that, at once. Read again, it waited the store's
        // command timeout on a hung Redis, and a graceful stop took 5 s more (a hostile tester).
        if (!shuttingDown || waiter.routed) result = await store.read(viewer, since, pollMaxMessages, pollPageBytes, reads.signal);
      }
      // The page as sent, its commas and envelope counted, within what a default client's poll carries (tHH F1).
      let answer: PollAnswer | null = pollPage(result, pollBodyBytes);
      result = null;
      checkOpen(answer);
      // A user's answers not yet out hold at most pollUnsentBytes (16 MiB by default): a client that reads none of its pages had
      // one kept here for each of its polls (tHH F4). The first goes whatever its size; past that, this poll waits until its
      // user's answers out make room (polls hold anyway), and is answered then. Closed unanswered at once, it cut a user's
      // healthy tabs: two reading at full speed, woken by one 9 MB message, the second every time; and one tab that stalled
      // cut the others' large pages for as long as it stayed (tHR F1). While it waits it holds no page, only its size and
      // what it answers without one: each read of the Redis store is a copy of its own, and a user that never read had one
      // kept for each of its waiting polls, 12 MB each, 289 MB for one token (tHY F1). Given room, it reads its page again
      // and cuts it to the room it took. At the hold's end it is answered as a hold with nothing new (200, no message, its
      // own cursor: the client polls again and stays connected), or, for a `gap` or `new` page, whose cursor before its
      // messages is not known, 429 with Retry-After, which a client retries connected. It is per user: the polls of many
      // users from one address are bounded only by maxConnectionsPerIp, each user's by this.
      let bytes = head ? 0 : answer.bytes;
      if (!head && !takeRoom(principal.userId, bytes)) {
        const unsent = unsentOf.get(principal.userId) ?? 0;
        const firstBytes = bytes;
        const { resume } = answer.page;
        // A page without messages (a `new` one, from no `since`: its cursor the head when it was read) costs nothing to
        // keep, and is answered as read: read again after the wait, its cursor was the head then, past what was published
        // meanwhile, lost without a gap (tIA F1).
        const empty = answer.page.entries.length === 0 ? answer : null;
        answer = null;
        const holdLeft = (): number => Math.min(pollStarted + pollHoldMs - monotonicNow(), principal.expiresAt === undefined ? Infinity : principal.expiresAt - now());
        watchHealth();
        let took = await waitForRoom(principal.userId, bytes, holdLeft(), response);
        while (took) {
          // Gone since its room was taken: given back.
          if (response.destroyed) return giveRoom(principal.userId, bytes);
          let page: PollAnswer;
          try {
            page = empty ?? pollPage(await store.read(viewer, since, pollMaxMessages, pollPageBytes, reads.signal), Math.min(pollBodyBytes, bytes));
            checkOpen(page);
          } catch (error) {
            giveRoom(principal.userId, bytes);
            throw error;
          }
          if (response.destroyed) return giveRoom(principal.userId, bytes);
          if (page.bytes <= bytes) {
            // What was published since its first read past the room it took is the next poll's.
            if (page.bytes < bytes) giveRoom(principal.userId, bytes - page.bytes);
            bytes = page.bytes;
            answer = page;
            break;
          }
          // Its first entry alone past the room it took (the stream was trimmed past `since`: its page now begins
          // elsewhere): the rest taken now, or given back and waited for, whole, for what is left of its hold.
          if (takeRoom(principal.userId, page.bytes - bytes)) {
            bytes = page.bytes;
            answer = page;
            break;
          }
          giveRoom(principal.userId, bytes);
          bytes = page.bytes;
          took = await waitForRoom(principal.userId, bytes, holdLeft(), response);
        }
        if (!took || answer === null) {
          if (left || response.destroyed) return;
          if (expired()) return sendHttp(response, 401, { error: refusal(new AuthError(401, 'token-expired'), request, 'poll').reason }, challenge(401, request, url));
          // The store down (woken by the health watch, or found so at the hold's end): said at once, as to a held poll.
          if (!shuttingDown && !storeStatus().healthy) {
            countRefusedPoll('store-unavailable');
            return sendHttp(response, 503, { error: 'store-unavailable' }, { 'Retry-After': String(STORE_RETRY_AFTER_SEC) });
          }
          // Woken by close(): answered so, as a held poll is, neither counted nor logged as unread.
          if (!shuttingDown) pollUnread(request, socketAddress, principal.userId, `its user's poll answers not yet out held ${unsent} bytes: with its ${firstBytes}, past ${pollUnsentBytes} (the larger of maxMessageBytes + 1 KiB and maxSocketsPerUser × maxBufferedBytes) for its hold; answered without its page`);
          if (resume !== 'resumed' || since === null) {
            countRefusedPoll('poll-answers-unread');
            return sendHttp(response, 429, { error: 'poll-answers-unread' }, { 'Retry-After': '1' });
          }
          return sendHttp(response, 200, `${pollOpen({ resume, entries: [], cursor: since })}]}`);
        }
      }
      core.counters.pollsServed++;
      if (!head) for (const entry of answer.page.entries) core.counters.sent[entry.type] = (core.counters.sent[entry.type] ?? 0) + 1;
      // HEAD: the GET's headers, its Content-Length measured, nothing built.
      if (head) sendHttp(response, 200, Buffer.alloc(0), { 'Content-Length': String(answer.bytes) });
      else {
        // Watched first: its room is given back when it is out, or at once should its client have left meanwhile.
        watchAnswer(response, principal.userId, bytes);
        sendHttp(response, 200, pollBody(answer));
      }
    } catch (error) {
      // Its client gone while its read waited its turn: dropped, nothing to answer.
      if (reads.signal.aborted && response.destroyed) return;
      logger?.error({ event: 'poll-failed', err: errorSummary(error) }, 'poll failed');
      if (response.headersSent) return;
      // A read the store failed as it found itself down (a hung Redis, after commandTimeoutMs):
      // the 503 a poll made a moment later gets, not a 500.
      const reason = storeStatus().healthy ? 'internal-error' : 'store-unavailable';
      countRefusedPoll(reason);
      if (reason === 'store-unavailable') sendHttp(response, 503, { error: reason }, { 'Retry-After': String(STORE_RETRY_AFTER_SEC) });
      else sendHttp(response, 500, { error: reason });
    } finally {
      core.removeSubscriber(waiter);
      polls.delete(waiter);
    }
  };

  /** Whether `handle-http-async` was logged: once per server, every request of a hook that returns promises would be one line. */
  let httpAsyncLogged = false;
  /**
   * `handleHttp`'s answer for a request, contained: a hook that throws (or whose promise rejects,
   * from plain JavaScript) answers that request 500 and is logged as `handle-http-threw`; it
   * took the process down with it (a hostile tester), where the other hooks were contained. One
   * that returns a promise answers it 500 at once (unless it has begun to), logged once as `handle-http-async`.
   */
  const appHandled = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (options.handleHttp === undefined) return false;
    const failed = (error: unknown): void => {
      logger?.error({ event: 'handle-http-threw', method: request.method, url: redactUrl(request.url), err: errorSummary(error, hiddenOf(request)) }, 'handleHttp threw');
      // Headers already out: the answer cannot be finished, so the connection goes (as Express's finalhandler does).
      if (response.headersSent) {
        if (!response.writableEnded) response.destroy();
      } else sendHttp(response, 500, { error: 'internal-error' });
    };
    try {
      const handled: unknown = options.handleHttp(request, response);
      if (typeof (handled as PromiseLike<unknown> | null)?.then === 'function') {
        (handled as PromiseLike<unknown>).then(undefined, failed);
        // Not a yes or a no: read as true (truthy), a request the hook did not answer hung, and the app's listeners never
        // saw it (a fresh user). Taken and answered now, as a fault; an answer the hook has begun is left to it.
        if (!httpAsyncLogged) {
          httpAsyncLogged = true;
          logger?.error(
            { event: 'handle-http-async', method: request.method, url: redactUrl(request.url) },
            'handleHttp returned a promise: it must return true or false at once (true when it takes the request, which it may answer later); answered 500',
          );
        }
        sendHttp(response, 500, { error: 'internal-error' });
        return true;
      }
      return Boolean(handled);
    } catch (error) {
      failed(error);
      return true;
    }
  };

  const handleRequest = (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = requestUrl(request.url);
    // A target that names no URL is not ours: the app's handler (or the own server's 400) answers it.
    if (url === undefined) return appHandled(request, response);
    // `path` and `path/` alike (samePath), and `pollPath` so.
    if (samePath(url.pathname, path)) {
      // A page on an allowed origin reads this answer as it reads the 404 and a poll's (its preflight passes): a client whose
      // poll URL named the socket's path read its 426 as a network error, `lastHttpStatus` null (a fresh tester).
      const origin = request.headers.origin;
      if (origin !== undefined && originAllowed(request) && allowCors(request, response, origin)) return true;
      // A plain request to the WebSocket path (a browser tab, curl): say how to use it (RFC 9110 15.5.22).
      // Every body's `error` is a kebab-case code a client can switch on, as a refused upgrade's and poll's are ("not found"
      // beside "not-found" named one condition two ways: a fresh user); what a person reads goes in `detail`.
      // With no poll (`pollPath: false`) the detail offers none: it said `or poll (polling is off)` (tHW F4). The two off
      // together are refused at creation.
      if (options.webSocket === false) sendHttp(response, 404, pollPath === false ? { error: 'websocket-off' } : { error: 'websocket-off', detail: `poll ${pollPath}` });
      // A WebSocket opens with a GET: any other method is not allowed here (a hostile tester's POST got 426).
      else if (request.method !== 'GET' && request.method !== 'HEAD') sendHttp(response, 405, { error: 'method-not-allowed' }, { Allow: 'GET, HEAD' });
      else sendHttp(response, 426, { error: 'upgrade-required', detail: `open a WebSocket on ${path}${pollPath === false ? '' : `, or poll ${pollPath}`}` }, { Upgrade: 'websocket' });
      return true;
    }
    if (pollPath !== false && samePath(url.pathname, pollPath)) {
      void handlePoll(request, response, url);
      return true;
    }
    return appHandled(request, response);
  };

  const ownServer = options.server === undefined;
  // Idle connections that never send their headers go after 10 s (Node's default: 60 s, checked every 30 s).
  const httpServer: HttpServer | HttpsServer = options.server ?? createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 });
  // Before any other listener of this server's reads it: a request handled after its client reset had no address left (tGU F2).
  peerAddresses = watchPeerAddresses(httpServer);
  let refusedConnections = 0;
  /**
   * Every connection of its own HTTP server, upgraded ones included: closeAllConnections() ends only those Node still
   * parses HTTP on, and httpServer.close() waits for the rest, such as a socket of a second realtime server attached to
   * `rt.httpServer` (close() waited as long as that socket stayed: a tester). close() ends those left past its drain.
   */
  const ownSockets = new Set<Socket>();
  /**
   * Its own server's connections whose first request head is not in yet, with when each came (performance.now(), in the
   * order they came). Node's headersTimeout runs from a head's first byte, so a connection silent for ~11 s that then sent
   * its head a byte a second held its place among its address's connections ~22 s, not README's 10–12 s (tGU F5): such a
   * connection is answered 408 and closed {@link HEAD_TIMEOUT_MS} after it came, checked each {@link HEAD_CHECK_MS} (10–12 s).
   */
  const awaitingHead = new Map<Socket, number>();
  const headIn = (socket: object): void => void awaitingHead.delete(socket as Socket);
  if (ownServer) {
    httpServer.on('connection', (socket: Socket) => {
      if (ownSockets.has(socket)) return;
      // No peer address to read as it comes: its client reset it before it was accepted (getpeername: ENOTCONN). What it
      // sent is still read, and was served to no one, its lines without `ip`, the rate limit counting it in one 'unknown'
      // bucket all such shared (tGU F2: most of a flood of reset polls). Nothing can be answered to it: ended unread. Only a
      // TCP connection (a local port of its own): one an app hands this server with no peer address (a Unix socket's behind
      // nginx, an ssh2 or tunnel stream: Node's documented 'connection' event) is served as before (tHB F1: ended, EPIPE).
      if (peerAddress(socket) === undefined && typeof socket.localPort === 'number') {
        socket.destroy();
        return;
      }
      ownSockets.add(socket);
      awaitingHead.set(socket, performance.now());
      socket.once('close', () => {
        ownSockets.delete(socket);
        awaitingHead.delete(socket);
      });
    });
  }
  if (ownServer && options.maxConnectionsPerIp !== null) {
    const maxPerIp = options.maxConnectionsPerIp ?? 1024;
    const exempt = options.maxConnectionsPerIp === undefined ? LOOPBACK : null;
    const open = new Map<string, number>();
    /** Connections counted: one whose upgrade offer was ignored comes again (src/server/ignored-upgrade.ts). */
    const counted = new WeakSet<Socket>();
    httpServer.on('connection', (socket: Socket) => {
      if (socket.destroyed || exempt?.test(socket.remoteAddress ?? '') || counted.has(socket)) return;
      counted.add(socket);
      const address = ipLimitKey(socket.remoteAddress ?? '');
      const count = (open.get(address) ?? 0) + 1;
      if (count > maxPerIp) {
        socket.destroy();
        refusedConnections++;
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left === 0) open.delete(address);
        else open.set(address, left);
      });
    });
  }
  /** Each connection's answers that have not all gone out ('finish'), for the upgrade pipelined behind one. */
  const unanswered = new WeakMap<object, Set<ServerResponse>>();
  /** Each connection's polls whose answer has not all gone out (to the kernel), for the poll pipelined behind one. */
  const pollsAnswering = new WeakMap<object, number>();
  /** The requests counted in {@link unanswered}: one an app's `checkContinue` listener re-emits as `request` is seen twice (tGN F3). */
  const tracked = new WeakSet<IncomingMessage>();
  /**
   * Whether a request of `socket`'s connection is still unanswered: each this server saw, by its
   * `request` listener or, for one an app's `checkContinue` (or `checkExpectation`) listener
   * answers, Node emitting no `request` for it, by the tracker attachInFront puts before those
   * (src/server/attach.ts). Uncounted, an h2c request pipelined behind such a one was read again by
   * a parser of its own, whose answer queued behind one that parser never saw finish: never
   * answered, the connection held open (a hostile tester); a WebSocket upgrade's 101 went out before it.
   */
  const answerPending = (socket: object): boolean => (unanswered.get(socket)?.size ?? 0) > 0;
  /**
   * Whether a WebSocket upgrade of `socket`'s connection would be answered out of turn: an answer before it not yet given
   * (a held poll), or given but not yet handed to the connection (queued behind another). One ended whose bytes are all
   * in the connection's queue (a 404, an app's answer, given at once) goes out before the 101, which `ws` writes behind
   * them: it was refused as pipelined until Node emitted the answer's 'close', after the upgrade read behind it from the
   * same packet (tHH F2). An h2c offer, served by a parser of its own ({@link serveAsRequest}), waits for 'finish' ({@link answerPending}).
   */
  const upgradePending = (socket: Socket): boolean => {
    for (const response of unanswered.get(socket) ?? []) {
      if (!response.writableEnded || response.socket !== socket || response.writableLength !== socket.writableLength) return true;
    }
    return false;
  };
  const track = (request: IncomingMessage, response: ServerResponse): void => {
    if (tracked.has(request)) return;
    tracked.add(request);
    const socket = request.socket;
    let answers = unanswered.get(socket);
    if (answers === undefined) unanswered.set(socket, (answers = new Set()));
    answers.add(response);
    const done = (): void => void answers.delete(response);
    response.once('finish', done);
    response.once('close', done);
  };
  /** Undoes what was done to the HTTP server to receive its requests. */
  let detach: () => void;
  if (ownServer) {
    const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
      headIn(request.socket);
      track(request, response);
      if (handleRequest(request, response)) return;
      const origin = request.headers.origin;
      // A page on an allowed origin reads this 404 (its preflight passes, and the answer carries CORS headers as a poll's do):
      // without them a client whose URL names a wrong path polled for ever offline, `lastHttpStatus` null, as if the server
      // were down (a fresh tester). An origin not allowed is told nothing more than before.
      if (origin !== undefined && requestUrl(request.url) !== undefined && originAllowed(request) && allowCors(request, response, origin)) return;
      sendHttp(response, requestUrl(request.url) ? 404 : 400, { error: requestUrl(request.url) ? 'not-found' : 'bad-request-target' });
    };
    httpServer.on('request', onRequest);
    detach = () => httpServer.off('request', onRequest);
  } else {
    // In front of the app's `request` listeners, those added later too (src/server/attach.ts).
    detach = attachInFront(httpServer, { track, handle: handleRequest });
  }
  const upgrades = addRealtimeServer(httpServer, { listener: onUpgrade, path, pollPath, answers: answersUpgrade });
  const unwatchHeaderLimits = watchHeaderLimits(httpServer);
  // Node's HTTP parser answers these itself (431, 400, 408), before any request reaches this server: counted and logged as its own
  // refusals are (its own 431, `headers-too-large`, was; Node's was neither). Who answers them is left as it was (src/server/attach.ts).
  const refusedRequests: Record<string, number> = {};
  const requestRefused = ({ reason, status }: { reason: string; status: number }, answeredByNode: boolean, ip: string | undefined): void => {
    refusedRequests[reason] = (refusedRequests[reason] ?? 0) + 1;
    // Once per address each 10 s, as the other refusals a client repeats at will: a line each was 1,700 lines a second
    // from one client without a token (tFZ F1). The app's own `clientError` listener answered it as it chose: no status is known.
    const notLogged = logger ? refusalLogs.take(`request ${reason} ${ip === undefined ? '' : ipLimitKey(ip)}`, monotonicNow()) : null;
    if (notLogged !== null) logger?.info({ event: 'request-refused', ...(answeredByNode ? { status } : {}), reason, ip, ...(notLogged > 0 ? { notLogged } : {}) }, "request refused by Node's HTTP parser");
  };
  const unwatchParserRefusals = watchParserRefusals(httpServer, (refused, _socket, answeredByNode, ip) => requestRefused(refused, answeredByNode, ip));
  // See awaitingHead: answered and counted as Node's own request timeout.
  const headWatch = ownServer
    ? setInterval(() => {
        const due = performance.now() - HEAD_TIMEOUT_MS;
        for (const [socket, came] of awaitingHead) {
          if (came > due) break;
          awaitingHead.delete(socket);
          if (socket.destroyed) continue;
          requestRefused({ reason: 'request-timeout', status: 408 }, true, peerAddress(socket));
          socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', () => socket.destroy());
          // Should the write not complete (a full buffer), the connection goes all the same.
          setTimeout(() => socket.destroy(), 1000).unref();
        }
      }, HEAD_CHECK_MS).unref()
    : undefined;
  /**
   * On its own HTTP server, a request whose `Expect` is not `100-continue` (`Expect: foo`): answered `417` as Node answers it
   * without a listener, and counted in `stats().refusedRequests` (`expectation-failed`) and logged as `request-refused`, once
   * per address each 10 s. Node answered it alone, before any listener saw it: in no counter and no log line (tGU F4).
   */
  const onExpectation = (request: IncomingMessage, response: ServerResponse): void => {
    headIn(request.socket);
    track(request, response);
    expectationRefused(request);
    response.writeHead(417);
    response.end();
  };
  if (ownServer) httpServer.on('checkExpectation', onExpectation);
  const listening = ownServer
    ? new Promise<void>((resolve, reject) => {
        // A host that reads as a secret (`host: process.env.JWT_SECRET`) is `[redacted]` in getaddrinfo's ENOTFOUND, as serve --host
        // has it (tER F10: `listening` rejected with "getaddrinfo ENOTFOUND Pa55w0rdXyz", a JWT's too).
        const failed = (error: unknown) => reject(options.host !== undefined && hostReadsAsSecret(options.host) ? withHostRedacted(error, options.host) : error);
        httpServer.once('error', failed);
        httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          httpServer.off('error', failed);
          resolve();
        });
      })
    : Promise.resolve();

  const close = async (): Promise<void> => {
    // The drain is counted from the call: read after closing every socket, it began only once that loop was done,
    // seconds late with thousands of sockets (10 000 with shutdownTimeoutMs 1 000: 4-5 s; a tester).
    const started = monotonicNow();
    const deadline = options.shutdownTimeoutMs ?? 5000;
    const timeLeft = (): number => deadline - (monotonicNow() - started);
    shuttingDown = true;
    if (typeof unsubscribeHealth === 'function') unsubscribeHealth();
    core.refuseAppends();
    clearInterval(healthWatch);
    healthWatch = undefined;
    for (const waiter of polls) waiter.wake();
    // Polls waiting for room under their user's bound: answered now as at their hold's end.
    for (const waiting of [...roomWaiters.values()]) for (const check of [...waiting]) check();
    // Not waited for: admitted now, each would be refused 503 all the same.
    for (const [socket, request] of authenticatingUpgrades) refuseSocket(socket, 503, refusal(new AuthError(503, 'shutting-down'), request, 'upgrade').reason);
    authenticatingUpgrades.clear();
    // 1001 to each socket, in slices between which the loop turns (held polls answer, clients' closes are read); those the
    // deadline finds not yet reached are ended with the rest below (the first slice goes out whatever the deadline, 0 included).
    const open = [...core.connections];
    for (let at = 0; at < open.length && (at === 0 || timeLeft() > 0); at += CLOSE_SLICE) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const connection of open.slice(at, at + CLOSE_SLICE)) {
        if (connection.closed) continue;
        connection.flush(true);
        core.closeConnection(connection, CloseCode.GoingAway, 'server shutting down', Math.max(0, timeLeft()));
      }
    }
    // Held polls were woken above: each answers (200, what was routed to it, else no message)
    // before its connection is closed, even when no socket is open to wait for. An answer going
    // out is drained too: its connection was ended at once, a 12 MB page to a client reading at
    // full speed cut after the 4 MB the kernel held (tHR F4).
    while ((core.connections.size > 0 || polls.size > 0 || authenticatingPolls.size > 0 || answersOut.size > 0) && timeLeft() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const [response, request] of authenticatingPolls) sendHttp(response, 503, { error: refusal(new AuthError(503, 'shutting-down'), request, 'poll').reason });
    authenticatingPolls.clear();
    // At the deadline, every socket still open is ended (those closing, and any the slices did not reach).
    core.terminateClosing();
    for (const connection of core.connections) if (!connection.closed) connection.transport.terminate();
    // Their 'close' comes a loop turn later; at most about 1 s (100 waits, on Node's timers: a test's clock may stand still) should one not come.
    for (let waits = 0; core.connections.size > 0 && waits < 100; waits++) await new Promise((resolve) => setTimeout(resolve, 10));
    core.stop();
    clearInterval(sweep);
    clearInterval(headWatch);
    upgrades.remove();
    upgradesListened = false;
    unwatchHeaderLimits();
    unwatchParserRefusals();
    httpServer.off('checkExpectation', onExpectation);
    peerAddresses?.stop();
    detach();
    wss.close();
    if (ownStore) await store.close();
    // Closed before it listened: its listen() is still resolving the host, and would listen after.
    if (ownServer) await listening.catch(() => undefined);
    if (ownServer && httpServer.listening) {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Another realtime server still on it (attached to `rt.httpServer`) is given the drain for its requests too: its
      // held polls were cut at once, unanswered, while its sockets had the drain (a tester). Idle ones go now either way.
      if (hasRealtimeServers(httpServer)) httpServer.closeIdleConnections();
      else httpServer.closeAllConnections();
      // What is left is another's (a second realtime server's socket, an app's upgrade): given the rest of the drain
      // to close it (its own close() sends 1001), then ended, its client seeing the connection lost (1006).
      let timer: NodeJS.Timeout | undefined;
      const drained = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, Math.min(deadline, timeLeft())))));
      await Promise.race([closed, drained]);
      clearTimeout(timer);
      for (const socket of ownSockets) socket.destroy();
      await closed;
    }
  };

  return {
    publish: (userId, message) => core.publish(userId, message),
    broadcast: (message) => core.broadcast(message),
    stats: () => statsOf(core.counters, core, polls.size - pacedPolls, storeStatus(), refusedConnections, refusedRequests, slowPollCloses),
    close: () => (closePromise ??= close()),
    listening,
    address: () => {
      const address = httpServer.address();
      return typeof address === 'object' ? address : null;
    },
    httpServer,
    handleRequest,
    answersUpgrade,
    // Left to the realtime server that answers it, this one or another on the same HTTP server: served here too, it was answered twice.
    serveAsRequest: (request, socket, head) => {
      if (upgrades.answeredByOne(request)) return false;
      serveAsRequest(request, socket, head);
      return true;
    },
    store,
  };
}

const FRAME_OPTIONS = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: typeof FRAME_OPTIONS): Buffer[] } }).Sender;
const framedCache = new WeakMap<Buffer, Buffer>();

/** The WebSocket text frame of `payload`, built once per payload and shared by every socket it goes to. */
function framed(payload: Buffer): Buffer {
  let frame = framedCache.get(payload);
  if (frame === undefined) {
    frame = Buffer.concat(Sender.frame(payload, FRAME_OPTIONS));
    framedCache.set(payload, frame);
  }
  return frame;
}

/** Close codes ws sends for the faults it reports as errors (its receiver's error codes; ws 8). */
const PROTOCOL_FAULT_CODES: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_INVALID_UTF8: CloseCode.InvalidFramePayloadData,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: CloseCode.PolicyViolation,
  // Frames RFC 6455 forbids: counted as 1006 before, though ws sent 1002 (a hostile tester).
  WS_ERR_EXPECTED_FIN: CloseCode.ProtocolError,
  WS_ERR_EXPECTED_MASK: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_MASK: CloseCode.ProtocolError,
  WS_ERR_INVALID_OPCODE: CloseCode.ProtocolError,
  WS_ERR_INVALID_CLOSE_CODE: CloseCode.ProtocolError,
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_RSV_1: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_RSV_2_3: CloseCode.ProtocolError,
};

/**
 * The close reason (RFC 6455 7.1.6: at most 123 bytes) for a fault ws closes with 1008 for: its
 * only 1008s are a message of more than MAX_FRAGMENTS frames, and more chunks buffered unread
 * than it allows (one error code, `WS_ERR_TOO_MANY_BUFFERED_PARTS`, for both).
 */
const TOO_MANY_PARTS_REASON = `message in more than ${MAX_FRAGMENTS} frames, or too many chunks buffered`;

/** What each close code ws sends for a fault of a frame is for (but 1008: {@link TOO_MANY_PARTS_REASON}). */
const FAULT_LABELS: Record<number, string> = {
  [CloseCode.MessageTooBig]: 'message too big',
  [CloseCode.InvalidFramePayloadData]: 'invalid UTF-8 in a text message or close reason',
  [CloseCode.ProtocolError]: 'protocol error',
};

/**
 * The close reason for a fault ws closes with `code` for (1009, 1007, 1002), from its `error`
 * when known: `message too big: over the 1024-byte limit` (ws does not say by how much),
 * `protocol error: MASK must be set`. At most 123 bytes (RFC 6455 5.5.1).
 */
function faultReason(code: number, error: Error | undefined, maxPayload: number): string {
  const label = FAULT_LABELS[code] ?? 'protocol error';
  const errorCode = (error as { code?: string } | undefined)?.code;
  let reason = label;
  if (errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') reason = `${label}: over the ${maxPayload}-byte limit`;
  else if (errorCode === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') reason = `${label}: its length is over 2^53 - 1`;
  // ws's own words for a frame RFC 6455 forbids (`invalid opcode 3`, `RSV1 must be clear`); its 1007 says no more than the label.
  else if (code === CloseCode.ProtocolError && error !== undefined) reason = `${label}: ${error.message.replace(/^Invalid WebSocket frame: /, '')}`;
  const bytes = Buffer.from(reason);
  if (bytes.length <= 123) return reason;
  // Cut at a character's start, never inside one.
  let end = 123;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString();
}

/** A held poll: woken by the first entry routed to its viewer (after a short gather), by its hold ending, or by the client leaving. */
class PollWaiter implements Subscriber {
  private resolve: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private woken = false;
  private gathering = false;
  private pausing = false;
  /** Whether an entry was routed to it. */
  routed = false;
  constructor(readonly principal: Principal) {}
  deliver(): void {
    this.routed = true;
    if (this.resolve === null || this.pausing) {
      // Before the hold began (or while paced): the read that follows sees the entry.
      this.woken = true;
    } else if (!this.gathering) {
      // Gather what is published in the same burst into one response (well under the 1 s promised).
      this.gathering = true;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), 25);
    }
  }
  wake(): void {
    this.woken = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.();
  }
  /**
   * Waits `ms` (a paced poll, before its read), ended early by {@link wake} alone: an entry routed meanwhile does
   * not end it (it is read after, with whatever else comes by then), and makes the hold that may follow end at once.
   */
  async pause(ms: number): Promise<void> {
    this.pausing = true;
    await new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => {
        this.timer = this.resolve = null;
        resolve();
      }, ms);
    });
    this.pausing = false;
  }
  wait(holdMs: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.wake(), holdMs);
    });
  }
}

function statsOf(counters: Counters, core: RealtimeCore, pendingPolls: number, store: RealtimeServerStats['store'], refusedConnections: number, refusedRequests: Record<string, number>, slowPollCloses: number): RealtimeServerStats {
  let admins = 0;
  let bufferedTotal = 0;
  let bufferedMax = 0;
  for (const connection of core.connections) {
    if (connection.principal.admin) admins++;
    const bytes = connection.bufferedBytes;
    bufferedTotal += bytes;
    bufferedMax = Math.max(bufferedMax, bytes);
  }
  return {
    connections: core.connections.size,
    admins,
    pendingPolls,
    published: counters.published,
    sent: { ...counters.sent },
    received: counters.received,
    conflated: counters.conflated,
    inboundErrors: { ...counters.inboundErrors },
    refusedUpgrades: { ...counters.refusedUpgrades },
    refusedPolls: { ...counters.refusedPolls },
    refusedRequests: { ...refusedRequests },
    closes: { ...counters.closes },
    slowClientCloses: counters.slowClientCloses,
    slowPollCloses,
    refusedConnections,
    bufferedBytes: { total: bufferedTotal, max: bufferedMax },
    pollsServed: counters.pollsServed,
    storeFaults: { ...counters.storeFaults },
    store,
  };
}

/** How early, in ms, a timer may fire by the wall clock (`Date.now`), which is not the clock Node's timers keep. */
const TIMER_SLACK_MS = 5;
/** Sockets close() sends 1001 to between two turns of the event loop. */
const CLOSE_SLICE = 256;
/** The longest pause of a paced poll, in ms (see `pollPaceMs`): the default pollsPerUser's 10 a second. */
const POLL_PACE_MS = 100;

/** How often the store's health is looked at while polls are held or sockets open, ms (at most). */
const STORE_HEALTH_CHECK_MS = 1000;

/** Default `storeUnavailableGraceMs`: 10 s, twice a Redis store's default `commandTimeoutMs`, so a blip closes nothing. */
const STORE_UNAVAILABLE_GRACE_MS = 10_000;

/** Least time, ms, between two `store-status-threw` lines. */
const STORE_STATUS_LOG_MS = 10_000;

/** `Retry-After` (seconds) of a 503 while the stream store is unhealthy. */
const STORE_RETRY_AFTER_SEC = 5;

/** Default `authenticateTimeoutMs`: 10 s, as long as this server's HTTP server waits for a request's headers. */
const AUTHENTICATE_TIMEOUT_MS = 10_000;

/** `Retry-After` (seconds) of the 503 `authenticate-timeout`, as the JWKS's. */
const AUTHENTICATE_RETRY_AFTER_SEC = 5;

/**
 * The key the per-IP limits (`attemptsPerIp`, `maxConnectionsPerIp`) count `address` under: an
 * IPv6 address by its /64 (`2001:db8:1:2::/64`), the least a host is given, so one host does
 * not get 2^64 buckets; an IPv4-mapped one (`::ffff:192.0.2.1`, what a dual-stack listener
 * reports for IPv4) or translated one (`64:ff9b::192.0.2.1`, `::ffff:0:192.0.2.1`) as its IPv4
 * address; a Teredo, link-local, loopback or multicast one as itself; anything else (IPv4, a
 * `clientIp` that returns no address) as it is.
 */
function ipLimitKey(address: string): string {
  if (typeof address !== 'string' || !ipaddr.IPv6.isValid(address)) return address;
  const parsed = ipaddr.IPv6.parse(address);
  if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
  const range = parsed.range();
  // An IPv4 client seen through a translator (NAT64's 64:ff9b::/96, SIIT's ::ffff:0:0:0/96): its
  // IPv4 address, in the last 32 bits. By /64, every IPv4 client of an IPv6-only front shared one
  // bucket (a reviewer).
  if (range === 'rfc6052' || range === 'rfc6145') return new ipaddr.IPv4(parsed.toByteArray().slice(12)).toString();
  // A /64 that holds many hosts, or none: Teredo's is its relay's, link-local's every link's.
  if (range === 'teredo' || range === 'linkLocal' || range === 'loopback' || range === 'unspecified' || range === 'multicast') return parsed.toString();
  return `${new ipaddr.IPv6([...parsed.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/** Authorization schemes a `no-token` log line names (IANA's registry, and the common `Token`): a first word that is none of them may be the credential itself. */
const KNOWN_SCHEMES = ['Basic', 'Digest', 'Negotiate', 'NTLM', 'Token', 'DPoP', 'HOBA', 'Mutual', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'vapid', 'AWS4-HMAC-SHA256', 'ApiKey', 'JWT'];

/**
 * Why an `Authorization` header gave no token, for a `no-token` refusal's log line: its scheme
 * when it is a known one (`Basic`), never the rest, which is the credential.
 */
function authorizationFault(header: string): string {
  const word = /^\s*(\S+)/.exec(header)?.[1] ?? '';
  if (word.toLowerCase() === 'bearer') return 'the Authorization header is "Bearer" without one token after it';
  const scheme = KNOWN_SCHEMES.find((known) => known.toLowerCase() === word.toLowerCase());
  return scheme === undefined
    ? 'the Authorization header does not start with "Bearer ": give "Bearer <token>" or ?token='
    : `the Authorization header has the ${scheme} scheme, not Bearer: give "Bearer <token>" or ?token=`;
}

/**
 * The least `expiresAt` a hook's principal may give, in ms since the epoch (1e11: March 1973). Below it is no
 * expiry anyone means: epoch seconds (1e9 to 1e11, 2001 to 5138), a duration, 0 or a negative number.
 */
const MIN_EXPIRES_AT_MS = 1e11;

/** The keys of a {@link Principal}, which a hook's principal may have. */
const PRINCIPAL_KEYS: readonly string[] = ['userId', 'admin', 'expiresAt'];

/**
 * A key of a hook's principal as a log line shows it (`authenticate-unknown-key`'s `key`, `authenticate-bad-user-id`'s
 * `keys`): as a hook's error text is ({@link hookText}: the request's token, any JWT, a URL's user info `[redacted]`),
 * then cut to 40 characters (cut first, a JWT was no longer whole, and shown). A principal keyed by the request's token
 * logged it (tGV F5); with no `userId` beside it, it still did, in `authenticate-bad-user-id` (tHG F5): one rule for both.
 */
function shownPrincipalKey(key: string, request: IncomingMessage): string {
  return hookText(key, request).slice(0, 40);
}

/** Up to 10 own keys of a hook's principal (each shown by {@link shownPrincipalKey}), for a log line; none of their values. */
function principalKeys(principal: object, request: IncomingMessage): string[] {
  try {
    return Object.keys(principal).slice(0, 10).map((key) => shownPrincipalKey(key, request));
  } catch {
    return [];
  }
}

/** Where the user id of a principal without `userId` likely is: `; it has no userId (it has "sub": give { userId: … })`. */
function missingUserIdHint(principal: object, request: IncomingMessage): string {
  const keys = principalKeys(principal, request);
  const likely = keys.find((key) => /^(sub|id|uid|user|user_?id|username|email)$/i.test(key) || nearestName(key, ['userId']) !== undefined);
  return `: it has no userId${likely === undefined ? (keys.length === 0 ? '' : ` (its keys: ${keys.join(', ')})`) : ` (it has ${JSON.stringify(likely)}: give { userId: … })`}`;
}

/** What `clientAddressOf` found: the client's address, or why the `clientIp` hook gave none (the log line's event). */
type ClientAddress = { address: string } | { error: unknown; event: 'client-ip-threw' | 'client-ip-not-an-address' };

/** Whether `address` ({@link hookAddress}'s) is an IPv4 address in four decimal parts or an IPv6 address. */
function isIpAddress(address: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
}

/**
 * A `clientIp` hook's value as an address: spaces trimmed, and the port a proxy's header may
 * carry dropped (`192.0.2.1:5678`, `[2001:db8::1]:443`, RFC 7239's `"[2001:db8::1]"`). With its
 * port, each connection of one client was a bucket of its own, past `attemptsPerIp` (a review).
 */
function hookAddress(value: string): string {
  const text = value.trim().replace(/^"(.*)"$/, '$1');
  const address = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(text)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text)?.[1] ?? text;
  // Written as addresses are: ipaddr.js also reads legacy IPv4 forms (`010.0.0.1` as octal
  // 8.0.0.1, `16909060` as 1.2.3.4), which made a zero-padded `192.168.001.010` another
  // client's 192.168.1.8 (a reviewer).
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return address;
  return ipaddr.IPv6.isValid(address) ? ipaddr.IPv6.parse(address).toString() : text;
}

/**
 * What makes `request` an upgrade this server refuses with 400 `bad-handshake`, or null. RFC 6455 4.1's request, which `ws`
 * does not check: HTTP/1.1 or higher, exactly one `Host`, and a GET with no body (a `Content-Length` other than 0, any
 * `Transfer-Encoding`).
 * `ws`'s own checks (RFC 6455 4.2.1, ws 8): `Upgrade` not `websocket` alone, a `Sec-WebSocket-Key` that is not 16 bytes in
 * base64, a `Sec-WebSocket-Version` other than 13 (or 8).
 */
function handshakeFault(request: IncomingMessage): string | null {
  // ws accepted an HTTP/1.0 upgrade with a 101, and Node hands a body over as the socket's first bytes, unread: ws took it for
  // frames (a hostile tester), and a proxy that forwards the body as a body and the frames after it as another request is
  // open to request smuggling.
  if (request.httpVersionMajor < 1 || (request.httpVersionMajor === 1 && request.httpVersionMinor < 1)) return `HTTP/${request.httpVersion}: a handshake must be HTTP/1.1 or higher`;
  const length = request.headers['content-length'];
  if (request.headers['transfer-encoding'] !== undefined || (length !== undefined && !/^0+$/.test(length))) {
    return 'a body (Content-Length other than 0, or Transfer-Encoding): a handshake is a GET with none';
  }
  // RFC 7230 5.4 (a 400 to an HTTP/1.1 request without Host, or with more than one), which Node's requireHostHeader
  // applies to requests but not to upgrades: an upgrade without Host, or with two, was accepted (a fresh user).
  let hosts = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i]!.toLowerCase() === 'host') hosts++;
  if (hosts !== 1) return `${hosts === 0 ? 'no Host header' : `${hosts} Host headers`}: a handshake has exactly one (RFC 6455 4.1, RFC 7230 5.4)`;
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return 'Upgrade must be websocket alone';
  if (!/^[+/0-9A-Za-z]{22}==$/.test(request.headers['sec-websocket-key'] ?? '')) return 'Sec-WebSocket-Key missing or not 16 bytes in base64';
  // Read as ws reads it.
  const version = Number(request.headers['sec-websocket-version'] ?? NaN);
  if (version !== 13 && version !== 8) return 'Sec-WebSocket-Version missing or not 13 (or 8)';
  return null;
}

/**
 * Whether Node's HTTP server answers `request` 417 (without a `checkExpectation` listener) when it is a plain request: HTTP/1.1
 * with an `Expect` that does not name `100-continue` (Node's own test, `/(?:^|\W)100-continue(?:$|\W)/i`).
 */
function expectationFails(request: IncomingMessage): boolean {
  const expect = request.headers.expect;
  return expect !== undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1 && !/(?:^|\W)100-continue(?:$|\W)/i.test(expect);
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
const LOOPBACK = /^(?:::ffff:)?127\.|^::1$/;

/**
 * The `WWW-Authenticate` header of a 401 (RFC 9110 11.6.1: every 401 has one; RFC 6750 3: a
 * Bearer challenge, `error="invalid_token"` when the request carried a token, `?token=` or
 * `Authorization: Bearer`, and it was refused), else none: a gateway or monitor tells an auth
 * challenge from another failure by it (it had none: tAQ F3).
 */
function challenge(status: number, request: IncomingMessage, url: URL): Record<string, string> {
  return status === 401 ? { 'WWW-Authenticate': tokenOf(request, url) === null ? 'Bearer' : 'Bearer error="invalid_token"' } : {};
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 503: 'Service Unavailable' };

/**
 * Answers a refused upgrade with a plain HTTP status and closes the TCP connection: no socket is
 * opened. The connection is destroyed once the answer is written, as `ws` does: a client that
 * kept its side open held it (and its `maxConnectionsPerIp` slot) forever, since an upgrade
 * request has no timeout left; and a client that reset it made the write fail with nothing to
 * hear the error, which ended the process (a code audit).
 */
function refuseSocket(socket: Duplex, status: number, reason: string, retryAfterSec?: number, extra: { headers?: Record<string, string>; detail?: string; head?: boolean } = {}): void {
  if (socket.destroyed) return;
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  const body = JSON.stringify(extra.detail === undefined ? { error: reason } : { error: reason, detail: extra.detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      (retryAfterSec ? `Retry-After: ${retryAfterSec}\r\n` : '') +
      Object.entries(extra.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
      // A HEAD request's answer has no content (RFC 9110 9.3.2): its Content-Length says what a GET's would be.
      `\r\n${extra.head ? '' : body}`,
  );
}

/**
 * Lets a page on `origin` (a request's `Origin` header) read the answer to `request`, any status (CORS, Fetch standard):
 * sets `Access-Control-Allow-Origin` (with `Retry-After` exposed, and `Vary: Origin`) on `response`, and answers a
 * preflight (`OPTIONS`) 204, allowing a GET with `Authorization` (a poll's), cached 10 minutes.
 * @returns whether it answered `request` (a preflight): the caller answers every other.
 */
function allowCors(request: IncomingMessage, response: ServerResponse, origin: string): boolean {
  response.setHeader('Access-Control-Allow-Origin', origin);
  response.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  response.setHeader('Vary', 'Origin');
  if (request.method !== 'OPTIONS') return false;
  sendHttp(response, 204, '', { 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Max-Age': '600' });
  return true;
}

function sendHttp(response: ServerResponse, status: number, body: string | Buffer | object, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/**
 * Most bytes an upgrade's client may send before its answer, those Node read with the request (`head`) included; past them
 * its connection is destroyed. A client sends none (RFC 6455 4.1); one that pipelines its first messages anyway sends a
 * few frames of at most `maxPayloadBytes` (1 KiB by default): 16 KiB holds 16 of them. Each upgrade in flight holds up to
 * this much (500 on a slow hook, 8 MiB); `head` was not counted, and 64 KiB let each keep ~128 KiB, 61 MiB for 500 (tT's finding 3).
 */
const MAX_EARLY_BYTES = 16 * 1024;

/**
 * Reads an upgrade's connection while its token is checked, so that a client that leaves is seen: Node hands the socket
 * over paused, and a client that closed its side (a FIN) was not noticed: its upgrade was answered, 101 or a refusal, to no
 * one, and counted as if it had been (a hostile tester). Its end destroys the socket (`socket-destroyed`, `upgrade-dropped`).
 * What comes meanwhile is kept, and `stop()` gives it back after `head` (what Node read with the request), for the
 * WebSocket's first bytes, and leaves the socket as Node gave it (not flowing); past {@link MAX_EARLY_BYTES}, `head`'s bytes
 * included, the socket is destroyed and the bytes let go (`head` was held until the check ended: 500 upgrades of 60 KiB
 * each on a 15 s hook, 29 MiB). A socket another WebSocket server took meanwhile is left to it.
 */
function watchWhileChecked(socket: Duplex, head: Buffer): { stop: () => Buffer[] } {
  const early: Buffer[] = [head];
  let size = head.length;
  const overflow = (): void => {
    early.length = 0;
    socket.destroy();
  };
  if (size > MAX_EARLY_BYTES) overflow();
  const onData = (chunk: Buffer): void => {
    if (takenByWebSocket(socket) || early.length === 0) return;
    early.push(chunk);
    size += chunk.length;
    if (size > MAX_EARLY_BYTES) overflow();
  };
  const onEnd = (): void => {
    if (!takenByWebSocket(socket)) socket.destroy();
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return [];
      stopped = true;
      socket.off('data', onData);
      socket.off('end', onEnd);
      // As Node hands it to upgrade listeners: `ws` then makes it flow with its own data listener (paused, it would stay so).
      if (!takenByWebSocket(socket) && !socket.destroyed) (socket as unknown as { readableFlowing: boolean | null }).readableFlowing = null;
      return early;
    },
  };
}

/** The most distinct reasons `stats().refusedUpgrades` and `refusedPolls` each count; later ones are counted as `other`, but never {@link OWN_REFUSALS}. */
const MAX_REFUSAL_REASONS = 64;

/** How long its own server waits for a connection's first request head from when the connection came (Node's headersTimeout, there 10 s, runs from the head's first byte), in ms. */
const HEAD_TIMEOUT_MS = 10_000;
/** How often its own server looks for connections past {@link HEAD_TIMEOUT_MS} (as Node's connectionsCheckingInterval there: 10–12 s), in ms. */
const HEAD_CHECK_MS = 2_000;

/** How often a refusal of {@link THROTTLED_REFUSALS} is logged per kind (upgrade, poll), reason and address, in ms. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** The refusals logged at most once per {@link REFUSAL_LOG_INTERVAL_MS} per kind and address: those a client can repeat at will, before or without a token (all counted in stats()). */
const THROTTLED_REFUSALS: ReadonlySet<string> = new Set(['rate-ip', 'rate-user', 'origin', 'bad-handshake', 'headers-too-large', 'method-not-allowed', 'pipelined', 'unread']);

/** The codes of the refusals this server makes itself after the token is looked at: counted whatever a hook's own reasons filled. */
const OWN_REFUSALS: ReadonlySet<string> = new Set(REFUSALS.filter((refusal) => refusal.own).map((refusal) => refusal.code));

/**
 * Why a refusal was made, for its log line's `detail` (the verifier's reason: `ERR_JWT_CLAIM_VALIDATION_FAILED: exp missing`),
 * kept beside the AuthError whose `reason` is the client's code. Never the token.
 */
const details = new WeakMap<AuthError, string>();
function withDetail(error: AuthError, detail: string): AuthError {
  details.set(error, detail);
  return error;
}

/**
 * What a hook's error is read against for `request` ({@link errorSummary}'s `hidden`, {@link redactHiddenTexts}): its tokens
 * (`?token=` and `Authorization: Bearer`, both when it carries both; of a header naming `Bearer`, each word of 8 characters or more)
 * as given, URL-encoded and form-encoded, each stretch of 8 characters or
 * more of it; the value of each query parameter the line's `url` redacts (as sent, and decoded), and its `name=value`,
 * whole; the user info of its `Origin`, and its password, whole; each of 8 characters or more. The request's URL
 * and `Origin` quoted whole are replaced by the forms the line's `url` and `origin` give them (`redactUrl`,
 * `redactRefusedOrigin`). A hook's error quoting the token (an opaque session id), the URL of a reset link or the origin
 * it refused had them logged in clear beside a line that hid them (tGF F3, F8).
 */
function hiddenOf(request: IncomingMessage): HiddenTexts {
  const secrets: { text: string; pieces: boolean }[] = [];
  const shown: [string, string][] = [];
  const whole = (text: string) => void secrets.push({ text, pieces: false });
  // URL-encoded with lower-case hex too (`%2b`, `%2f`: the same encoding, RFC 3986 §2.1, as .NET and some proxies write it):
  // a standard-base64 token so written shared no 8 characters with either form, and was logged whole (tIO F5).
  const encodings = (token: string) => [encodeURIComponent(token), new URLSearchParams([['t', token]]).toString().slice(2)].flatMap((text) => [text, text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())]);
  for (const token of requestTokens(request)) for (const text of new Set([token, ...encodings(token)])) secrets.push({ text, pieces: true });
  const url = typeof request.url === 'string' ? request.url : '';
  const logged = redactUrl(url);
  shown.push([url, logged]);
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1).split('#')[0]! : '';
  for (const parameter of query.split('&')) {
    // What the line's url shows (a `since` cursor) stays shown.
    if (parameter === '' || logged.includes(parameter)) continue;
    const equals = parameter.indexOf('=');
    const value = equals === -1 ? '' : parameter.slice(equals + 1);
    whole(parameter);
    whole(value);
    whole(leniently(value));
    whole([...new URLSearchParams(`v=${value}`).values()][0] ?? '');
  }
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    shown.push([origin, redactRefusedOrigin(origin)]);
    const slashes = /^[a-z][a-z0-9+.-]*:[/\\]*/i.exec(origin)?.[0].length ?? 0;
    const at = origin.lastIndexOf('@');
    if (at > slashes) {
      const userInfo = origin.slice(slashes, at);
      const password = userInfo.includes(':') ? userInfo.slice(userInfo.indexOf(':') + 1) : '';
      for (const text of [userInfo, leniently(userInfo), password, leniently(password)]) whole(text);
    }
  }
  return { secrets: secrets.filter(({ text }) => text.length >= 8).sort((a, b) => b.text.length - a.text.length), shown };
}

/** {@link tokenOf}'s token of `request`, as a list of none or one: none for a request whose URL cannot be read. */
function preferredToken(request: IncomingMessage): string[] {
  try {
    const token = tokenOf(request);
    return token === null ? [] : [token];
  } catch {
    return [];
  }
}

/**
 * The tokens `request` carries, not only the one tokenOf prefers: `?token=` and `Authorization: Bearer`, both when it
 * carries both (a hook reading `Authorization: Bearer`, a gateway's token, on a request that also had `?token=` had the
 * Bearer token it quoted logged whole: tGV F5); of a header naming `Bearer`, each word of 8 characters or more.
 */
function requestTokens(request: IncomingMessage): string[] {
  const tokens = preferredToken(request);
  // Read leniently, as a hook may read it (`header.split(/\s+/)[1]`), not as tokenOf does: a tab after `Bearer`, text after
  // the token or two credentials in one header (`Bearer <a>, Bearer <b>`) had the token a hook quoted logged whole (tHC F7).
  // Each word of a header naming `Bearer` (split at blanks, `,`, `;` and `=`) but that name is hidden.
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /\bbearer\b/i.test(authorization)) {
    for (const word of authorization.split(/[\s,;=]+/)) if (word.length >= 8 && !/^bearer$/i.test(word)) tokens.push(word);
  }
  return tokens;
}

/**
 * The tokens `request` carries, each whole: {@link tokenOf}'s (`?token=`, else `Authorization: Bearer <token>`), and the
 * whole credential of a header naming `Bearer` first (all after the scheme, trimmed), whatever blanks, `,`, `;` or `=` it holds.
 */
function wholeRequestTokens(request: IncomingMessage): string[] {
  const tokens = preferredToken(request);
  const authorization = request.headers.authorization;
  const credential = typeof authorization === 'string' ? /^\s*bearer\s+([^]*?)\s*$/i.exec(authorization)?.[1] : undefined;
  if (credential) tokens.push(credential);
  return tokens;
}

/**
 * Whether `userId` holds a token of the request's of 8 characters or more, whole ({@link wholeRequestTokens}), as given,
 * URL-encoded or form-encoded: a hook that gave an opaque API key as its owner's id had the key logged on every
 * `connection-open` line (tHG F14). A shorter token is ordinary text, as it is in a hook's error (`?token=alice` for
 * `alice` in development). Not the words of a Bearer header, which {@link requestTokens} hides from what is logged: a token
 * that carries its user's id as a field (`uid=<id>;exp=…;sig=…`) refused every user whose id had 8 characters (tHM F7).
 */
function holdsRequestToken(userId: string, request: IncomingMessage): boolean {
  for (const token of wholeRequestTokens(request)) {
    if (token.length < 8) continue;
    for (const text of [token, encodeURIComponent(token), new URLSearchParams([['t', token]]).toString().slice(2)]) if (userId.includes(text)) return true;
  }
  return false;
}

/**
 * A hook's error quoted in the refusal's `detail` or the `jwks-unavailable` line's `code` (an AuthError in the verifier's form
 * `invalid token (<why>)`): `text` as every hook's error text is shown ({@link errorSummary} with {@link hiddenOf}), any JWT
 * and the request's token, query values and Origin's user info `[redacted]`. A hook wrapping a verifier that quotes the
 * token (`Wrong number of segments in token: <jwt>`) had it logged whole as the `detail` (tGF F2).
 */
function hookText(text: string, request: IncomingMessage | undefined): string {
  return errorSummary(text, request === undefined ? undefined : hiddenOf(request)).message ?? '';
}

/** A text of a store's (the `detail` its `status()` returns) as {@link storeErrorSummary} shows an error's message. */
function storeText(text: string): string {
  return storeErrorSummary(text).message ?? '';
}

/**
 * The `detail` a store's `status()` returns, whatever it is, as text shown as {@link storeText} shows a string: an Error
 * as `<name>: <message>` ({@link storeErrorSummary}'s), anything else as `util.inspect` writes it (redacted first, then
 * cut to 1 000 characters; one that cannot be read is said so). A detail that was no string (the driver's Error kept as
 * `lastError`, `{ url, code }`, an array of messages) was handed to `stats().store.detail` and the `store-unavailable-close`
 * line as it was, a URL's password in it (tHG F6).
 */
function storeDetailText(detail: unknown): string {
  if (typeof detail === 'string') return storeText(detail);
  if (isError(detail)) {
    const { name, message } = storeErrorSummary(detail);
    return `${name}: ${message}`;
  }
  // A URL object by its href, as a string detail is shown: its own `password` field, which util.inspect writes, was in clear (tHS F1).
  if (Object.prototype.toString.call(detail) === '[object URL]') return cut(storeText(String((detail as URL).href)), 1000);
  let text: string;
  try {
    text = inspect(withSecretFieldsRedacted(detail, 4, new Map()), { depth: 3, breakLength: Infinity, compact: true });
  } catch {
    return '(a value that cannot be shown as text)';
  }
  return cut(storeText(text), 1000);
}

/**
 * Whether `text`, a `code` field's value, reads as an error's code: 1 to 64 letters, digits, `_`, `.`, `:`, `-` or `/`, none of its
 * parts between those a long secret-looking run (12 characters or more mixing letters and digits, or whose case changes
 * within a word: an OAuth authorization code, `SplxlOBeZQQYbYS6WxSbIA`). `ECONNREFUSED`, `28P01`, `53300`, `503`,
 * `econnrefused`, `ERR_HTTP2_STREAM_ERROR`, `ThrottlingException` are; so are CamelCase words with an acronym of capitals
 * (and digits) before one of them, as AWS SDKs write codes (`KMSAccessDeniedException`, `InvalidDBInstanceState`,
 * `S3ServiceException`, `OAuthException`), and Firebase's `service/kebab-case` (`auth/user-not-found`): each was hidden
 * (tIO F10). A word there is a capital and 2 lower-case letters or more: an OAuth code's case changes more often.
 */
function isErrorCode(text: string): boolean {
  if (!/^[\w.:/-]{1,64}$/.test(text)) return false;
  return text
    .split(/[_.:/-]/)
    .every((part) => part.length < 12 || /^(?:[A-Z]+|[a-z]+|\d+|[A-Z]?[a-z]+(?:[A-Z][a-z]+)*)$/.test(part) || /^(?:[A-Z][a-z]{2,}|[A-Z][A-Z0-9]*(?=[A-Z][a-z]{2,}))+$/.test(part));
}

/**
 * `value` with the value of every field named like a secret ({@link isSecretName}: `password`, `token`, `apiKey`, …)
 * `[redacted]` (but an error's `code`), and the `args` of a Redis AUTH or HELLO command (`{ name: 'auth', args }`, an ioredis
 * error's `command`) `[redacted]`, through arrays, objects (plain ones and class instances, whose prototype the copy
 * keeps), Maps, Sets, URLSearchParams and Headers (an entry named like a secret), Errors (as `<name>: <message>` with their
 * fields, `cause` and `errors`) `depth` levels down; a URL as its href (its user info then redacted with the text), a Promise
 * as `Promise { <not shown> }`; a date, a pattern or bytes as they are. A status() detail of a driver's options (`{ url, password }`) had
 * its password shown in clear in stats() and the `store-unavailable-close` line (tHM F5). `copies` keeps cycles as they were.
 */
function withSecretFieldsRedacted(value: unknown, depth: number, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null || depth < 0) return value;
  if (copies.has(value)) return copies.get(value);
  // A secret's value, by its field's or entry's name.
  const hidden = (name: unknown, field: unknown) => {
    // An error's `code` is no secret, as an OAuth code would be: `ECONNREFUSED`, a Postgres SQLSTATE (`28P01`, `53300`), a
    // number (MongoDB's `18`, an HTTP status), lower case or CamelCase words (tIF F8: all but capitals were hidden).
    const errorCode = name === 'code' && (typeof field === 'number' || (typeof field === 'string' && isErrorCode(field)));
    return typeof name === 'string' && isSecretName(name) && !errorCode && field !== undefined && field !== null && field !== '';
  };
  // The arguments of a Redis AUTH or HELLO command (`{ name: 'hello', args: ['3', 'AUTH', user, password] }`, the `command` an
  // ioredis error carries): the password is in `args`, a name no secret's, and an error nested in a detail showed it (tIB F3).
  // So too of another command that carries a password (tIF F4): CONFIG SET requirepass / masterauth / tls-…-pass, ACL
  // SETUSER (`>password`), MIGRATE … AUTH / AUTH2, SENTINEL CONFIG SET auth-pass, SENTINEL SET <master> auth-pass.
  const commandName = (value as { name?: unknown }).name;
  const commandArgs = (value as { args?: unknown }).args;
  const authCommand =
    typeof commandName === 'string' &&
    (/^(?:auth|hello)$/i.test(commandName) ||
      (/^(?:config|acl|migrate|sentinel)$/i.test(commandName) && Array.isArray(commandArgs) && commandArgs.some((arg) => (typeof arg === 'string' || Buffer.isBuffer(arg)) && /^(?:masterauth|setuser|auth2?|[\w-]*pass)$/i.test(String(arg)))));
  const fieldsOf = (copy: Record<string, unknown>) => {
    for (const key of Object.keys(value)) {
      const field = (value as Record<string, unknown>)[key];
      copy[key] = hidden(key, field) || (authCommand && key === 'args' && field !== undefined && field !== null) ? REDACTED : withSecretFieldsRedacted(field, depth - 1, copies);
    }
    return copy;
  };
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(withSecretFieldsRedacted(item, depth - 1, copies));
    return copy;
  }
  // What util.inspect writes of other kinds, each read as text and redacted so (tHS F1: a URL's own `password` field, a Map's,
  // URLSearchParams' or Headers' entries named like a secret, an Error's fields and a Promise's value were shown in clear,
  // only `[object Object]` being copied).
  const kind = Object.prototype.toString.call(value);
  if (kind === '[object URL]') return String((value as URL).href);
  if (kind === '[object URLSearchParams]') return new URLSearchParams([...(value as URLSearchParams)].map(([name, field]) => [name, hidden(name, field) ? REDACTED : field]));
  if (kind === '[object Headers]') return new Headers([...(value as Headers)].map(([name, field]): [string, string] => [name, hidden(name, field) ? REDACTED : field]));
  if (types.isMap(value)) {
    const copy = new Map<unknown, unknown>();
    copies.set(value, copy);
    for (const [name, field] of value) copy.set(withSecretFieldsRedacted(name, depth - 1, copies), hidden(name, field) ? REDACTED : withSecretFieldsRedacted(field, depth - 1, copies));
    return copy;
  }
  if (types.isSet(value)) {
    const copy = new Set<unknown>();
    copies.set(value, copy);
    for (const item of value) copy.add(withSecretFieldsRedacted(item, depth - 1, copies));
    return copy;
  }
  // Its value is not read: util.inspect writes it from the engine's side, past any copy.
  if (types.isPromise(value)) return { [inspect.custom]: () => 'Promise { <not shown> }' };
  if (isError(value)) {
    // As a top-level one is shown (`<name>: <message>`, no stack), with its fields, `cause` and `errors` read as an object's.
    const { name, message } = storeErrorSummary(value);
    const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
    copies.set(value, copy);
    Object.defineProperty(copy, 'stack', { value: `${name}: ${message}`, enumerable: false });
    Object.defineProperty(copy, 'message', { value: message, enumerable: false });
    for (const key of ['cause', 'errors']) {
      if (Object.prototype.hasOwnProperty.call(value, key)) Object.defineProperty(copy, key, { value: withSecretFieldsRedacted((value as unknown as Record<string, unknown>)[key], depth - 1, copies), enumerable: false });
    }
    return fieldsOf(copy);
  }
  // A date, a pattern, bytes, a boxed primitive: nothing named in it.
  if (types.isDate(value) || types.isRegExp(value) || types.isBoxedPrimitive(value) || types.isAnyArrayBuffer(value) || types.isArrayBufferView(value) || types.isWeakMap(value) || types.isWeakSet(value)) return value;
  // A plain object, a class instance (whose prototype the copy keeps), one with a Symbol.toStringTag of its own.
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  copies.set(value, copy);
  return fieldsOf(copy);
}

/** `optionError(Kind, name, expected, found, hint?)` and `checkNumber(name, value, min, max, expected, integer?)`, their errors starting `createRealtimeServer:`. */
const { error: optionError, number: checkNumber, known: checkKnown } = optionChecks('createRealtimeServer');

/** Every option's name: the type checker refuses a list that misses one. */
const SERVER_OPTIONS = [
  'server', 'port', 'host', 'path', 'pollPath', 'webSocket', 'jwt', 'authenticate', 'authenticateTimeoutMs', 'allowedOrigins', 'store', 'validateOutbound', 'pingIntervalMs', 'pongTimeoutMs',
  'maxPayloadBytes', 'inboundRate', 'inboundRateCloseAfter', 'maxConsecutiveFaults', 'outboundRate', 'clientIp', 'attemptsPerIp', 'attemptsPerUser', 'pollsPerUser',
  'maxSocketsPerUser', 'maxConnectionsPerIp', 'maxBufferedBytes', 'maxMessageBytes', 'writeHighWaterBytes', 'replayLimit', 'pollHoldMs', 'pollMaxMessages', 'handleHttp', 'logger', 'shutdownTimeoutMs',
  'monotonicClock',
  'storeUnavailableGraceMs',
] as const;
/** A rate's (`jwt`'s are {@link JWT_OPTIONS}: a misspelt `audience` left the audience unchecked). */
const RATE_OPTIONS = ['perSecond', 'burst'] as const;
type UnlistedOption =
  | Exclude<keyof RealtimeServerOptions, (typeof SERVER_OPTIONS)[number]>
  | Exclude<keyof JwtOptions, (typeof JWT_OPTIONS)[number]>
  | Exclude<keyof RateLimit, (typeof RATE_OPTIONS)[number]>;
const allListed: [UnlistedOption] extends [never] ? true : UnlistedOption = true;
void allListed;

/** A {@link RateLimit}: `perSecond` > 0, `burst` ≥ 1 (`{}` read as NaN let everything through). */
function checkRate(name: string, value: unknown, nullable = false): void {
  if (value === undefined || (nullable && value === null)) return;
  const expected = `a rate { perSecond, burst }${nullable ? ' or null' : ''}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw optionError(TypeError, name, expected, value);
  checkKnown(value, RATE_OPTIONS, `${name}.`);
  const { perSecond, burst } = value as Partial<RateLimit>;
  const fields = [
    ['perSecond', perSecond, Number.MIN_VALUE, 'a positive finite number (tokens added per second)'],
    ['burst', burst, 1, 'a finite number ≥ 1 (tokens at once)'],
  ] as const;
  for (const [field, given, min, expected] of fields) {
    if (given === undefined) throw optionError(TypeError, `${name}.${field}`, expected, given);
    checkNumber(`${name}.${field}`, given, min, Infinity, expected, false);
  }
}

/** A hook: undefined or a function. */
function checkFunction(name: string, value: unknown): void {
  // A string is not shown: a secret given in the wrong place (`authenticate: process.env.JWT_SECRET`) was printed whole (tDT F3).
  if (typeof value === 'string') throw new TypeError(`createRealtimeServer: ${name} must be a function, got a string of ${value.length} characters (not shown: it may be a secret)`);
  if (value !== undefined && typeof value !== 'function') throw optionError(TypeError, name, 'a function', value);
}

/** Whether `value` is an `async` function (its every answer a promise), async arrow and async generator alike. */
function isAsyncFunction(value: unknown): boolean {
  return typeof value === 'function' && /^Async(?:Generator)?Function$/.test(String(value.constructor?.name));
}

/**
 * Throws a RangeError when a realtime server still open on `server` serves `path` or `pollPath` (as
 * its own `path` or `pollPath`): the first would take the requests the second is for.
 */
function checkPathsFree(server: HttpServer | HttpsServer, path: string, pollPath: string | false): void {
  for (const [name, value] of [['path', path], ['pollPath', pollPath]] as const) {
    const other = value === false ? undefined : servedPath(server, value);
    if (other === undefined) continue;
    throw optionError(RangeError, name, 'a path no other open realtime server on this HTTP server serves', value, `another one serves it (its ${other}): await its close() first, or give this one another ${name}`);
  }
}

/**
 * Whether a `ws` WebSocket holds `socket` already: ws marks each socket it takes with a symbol described `websocket` (a
 * symbol of each copy of ws: the app's own ws, socket.io's, this one's), and throws on a second handleUpgrade of one.
 */
function takenByWebSocket(socket: Duplex): boolean {
  return Object.getOwnPropertySymbols(socket).some((symbol) => symbol.description === 'websocket' && Boolean((socket as unknown as Record<symbol, unknown>)[symbol]));
}

/**
 * Why `host` (not empty) is no host name or address Node can listen on, as a hint, or undefined.
 * A bracketed IPv6 address (`[::1]`, as URLs and the demo write it), a URL, `host:port` or a
 * space were taken and failed only `listening`, with getaddrinfo's bare ENOTFOUND (a tester).
 * A host name is letters, digits, `.`, `-` and `_`: brackets, `/`, `:` (outside an IP address), `@`, `?`, `#`, `*`, `%` and spaces are in none;
 * quotes kept in it (`'::1'`) are said as such.
 * `portName` names where a port goes (`port`, `--port`).
 */
export function hostProblem(host: string, portName: string): string | undefined {
  if (isIP(host) !== 0) return undefined;
  const generic = 'a host name (localhost) or an IP address (127.0.0.1, ::1, 0.0.0.0, ::), without scheme, port, brackets or spaces';
  // Quotes kept in the value (`'::1'`, `"localhost"`: a .env file, a systemd unit or cmd.exe passes them on) are said, and the
  // value without them judged: they read as the generic hint alone, `'::1'` shown `':[redacted]` (tID F2).
  if (/['"\u2018\u2019\u201c\u201d]/.test(host)) {
    const unquoted = host.replace(/['"\u2018\u2019\u201c\u201d]/g, '');
    if (unquoted.trim() === '') return `a host holds no quotes: ${generic}`;
    const inner = hostProblem(unquoted, portName);
    if (inner !== undefined) return `a host holds no quotes; ${inner}`;
    return hostReadsAsSecret(host) || hostReadsAsSecret(unquoted) ? 'a host holds no quotes' : `a host holds no quotes: give ${JSON.stringify(unquoted)}`;
  }
  // Letters, digits, `.`, `-` and `_` make a host name; `*` or `%` (outside a scoped IPv6 address) none getaddrinfo finds.
  if (/^[\p{L}\p{N}._-]+$/u.test(host)) {
    // An empty label (`bogus..host`, `.host`) or digits and dots that inet_aton reads as no IPv4
    // address (`300.1.1.1`, `1.2.3.4.5`, `08.1.1.1`) name nothing getaddrinfo finds: they failed only
    // at listen, after the other options were judged, one run later (a fresh user). The shorthands
    // it does read (`127.1`, `0`, `2130706433`, `1.2.3` as 1.2.0.3, `0177.0.0.1` in octal) listen.
    if (/^\.|\.\./.test(host)) return `a host name has no empty label (".." or a leading "."): ${JSON.stringify(host)}`;
    // Hex parts too (`0x100.1`, `0x100000000`: out of range, they failed at listen while `256.1` was refused here: tCO F6).
    if (host.split('.').every((part) => /^(?:\d*|0x[\da-f]+)$/i.test(part)) && inetAton(host) === undefined) return 'an IPv4 address is four numbers from 0 to 255 (127.0.0.1), or fewer, the last one filling the bytes left (127.1 is 127.0.0.1)';
    return undefined;
  }
  if (/\s/.test(host)) {
    const trimmed = host.trim();
    if (trimmed === '' || /\s/.test(trimmed) || hostProblem(trimmed, portName) !== undefined) return generic;
    // A value said by its length as a secret is not quoted in the hint either (`--host 'Pa55w0rdXyz '` was: tEP F1).
    return hostReadsAsSecret(trimmed) ? 'a host holds no spaces' : `a host holds no spaces: ${JSON.stringify(trimmed)}`;
  }
  if (!/[[\]/:@?#\\]/.test(host)) return generic;
  // A path (a Unix socket's, `/tmp/redis.sock`) is no host: its first folder was offered as the host to give
  // (`give the host alone ("tmp")`: tET). It is not quoted: the value itself is, before the hint.
  if (/^\/(?!\/)/.test(host) || readsAsSocketPath(host)) return 'a path is no host (this listens on TCP, not on a Unix socket): give a host name (localhost) or an IP address (127.0.0.1, ::1, 0.0.0.0, ::)';
  let url: URL;
  // Read after its user info as the value is shown, to the last `@` (shownHost): the URL parser ends user info at an
  // earlier `@` and the host at the `/` after it, and the hint named a password's middle (`alice:Xk9@mP2qR7/x@127.0.0.1`
  // gave "give the host alone ("mp2qr7")": tHG F12).
  const bare = withUserInfoLeftOut(host);
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(bare) ? bare : `http://${bare}`);
  } catch {
    return generic;
  }
  const name = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (name === '' || hostProblem(name, portName) !== undefined) return generic;
  const port = url.port === '' ? '' : ` and its port as ${portName} (${url.port})`;
  if (/^\[[^\]]*\](?::\d*)?$/.test(host)) return `give an IPv6 address without brackets (${JSON.stringify(name)})${port}`;
  // The host as given (the URL parser lower-cases it) when that reads as a secret: by no name (tEP F1).
  if (hostReadsAsSecret(host)) return `give the host alone (not shown: it may be a secret)${port}`;
  return `give the host alone (${JSON.stringify(name)})${port}`;
}

/**
 * Whether `host` reads as a Unix socket's path other than an absolute one (`/tmp/rc.sock`): `unix:` before it
 * (`unix:/tmp/rc.sock`, `unix:///run/app/rc.sock`), a relative one (`./rc.sock`, `../rc.sock`, `~/rc.sock`), or folders
 * and a file named `.sock` (`run/rc.sock`). Such a value is shown whole and said to be no host: read as an address bar's
 * `host/path`, its file name was `[redacted]` and its first folder offered as the host to give ("unix", "run": tFP F11).
 */
export function readsAsSocketPath(host: string): boolean {
  return /^\s*(?:unix:|\.{1,2}[/\\]|~[/\\])[^?#@]*$/i.test(host) || (/[/\\]/.test(host) && /^\s*[\w.-]+(?:[/\\][\w.-]+)*\.sock(?:et)?\s*$/i.test(host));
}

/**
 * Whether `host`, given where a host goes, reads as a secret ({@link secretWhereAddressGoes}), whole or the host name
 * in it as given (`http://Pa55w0rdXyz`, `Pa55w0rdXyz/x`, `user:pw@Pa55w0rdXyz:80`): then neither the value nor
 * {@link hostProblem}'s hint shows it (the hint quoted it, lower-cased or whole: tEP F1).
 */
export function hostReadsAsSecret(host: string): boolean {
  // In quotes kept by a script (`--host "'fe80::1%eth0'"`), what they hold is judged: the quotes made a scoped address read
  // as a password, said by its length only (tIL F3).
  const inQuotes = /^\s*(['"])([^]*)\1\s*$/.exec(host);
  if (inQuotes !== null) return hostReadsAsSecret(inQuotes[2]!);
  // A password holding `@` (`P@ssw0rd123`), whose part after it is no host: read as user info, that part was shown and offered
  // as the host to give (tIO F1).
  if (passwordHoldingAt(host)) return true;
  // User info given by mistake (`alice:<password>@127.0.0.1`) is shown `[redacted]` ({@link shownHost}): what follows its
  // last `@` is judged alone, or the host it means was hidden with it, the hint saying "give the host alone (not shown …)"
  // the stronger the password (tGV F4), where `alice@127.0.0.1` and `http://alice:<password>@127.0.0.1` showed it.
  const at = host.lastIndexOf('@');
  // A scheme before it is kept: `http://u:pw@localhost:8080;jsessionid=…` judged as `localhost:8080;…` read the URL's
  // parameter as a host word, and the whole was said by its length.
  if (at !== -1 && !readsAsSocketPath(host)) return hostReadsAsSecret(`${/^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(host)?.[0] ?? ''}${host.slice(at + 1)}`);
  // The first host of a list up to its separator, as {@link addressWords} splits it (`localhost,::1` read `localhost,` as a secret: tHG F1).
  const given = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/?#]*@)?([^/?#:,|\s]*)/i.exec(host.trim())?.[1] ?? '';
  return secretWhereAddressGoes(host) || secretWhereAddressGoes(host.trim()) || (given !== '' && secretWhereAddressGoes(given)) || (!readsAsSocketPath(host) && !host.trim().startsWith('/') && addressWords(host).some(secretWhereAddressGoes));
}

/**
 * The IPv4 address (`a.b.c.d`) inet_aton, and so getaddrinfo and `listen`, reads `text` as, or undefined: one to four
 * numbers split by `.`, each decimal, octal after a leading `0` or hex after `0x`; every one but the last is a byte
 * (0 to 255) and the last fills the bytes left (`127.1` is 127.0.0.1, `2130706433` too, `1.2.3` is 1.2.0.3).
 */
function inetAton(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const match = /^(?:0x([\da-f]+)|(0[0-7]*)|([1-9]\d*))$/i.exec(part);
    if (match === null) return undefined;
    values.push(match[1] !== undefined ? parseInt(match[1], 16) : match[2] !== undefined ? parseInt(match[2], 8) : Number(match[3]));
  }
  const last = values.pop()!;
  if (values.some((value) => value > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  const bytes = [...values];
  for (let shift = 8 * (3 - values.length); shift >= 0; shift -= 8) bytes.push(Math.floor(last / 2 ** shift) % 256);
  return bytes.join('.');
}

/**
 * `error` (listen's, on `host`) with `host` `[redacted]` wherever it names it, as given or lower-cased (its message, stack
 * and getaddrinfo's `hostname`): the same error, its code and errno kept.
 */
function withHostRedacted(error: unknown, host: string): unknown {
  if (!(error instanceof Error)) return error;
  const hidden = (text: string) => text.split(host).join(REDACTED).split(host.toLowerCase()).join(REDACTED);
  const fields = error as Error & { hostname?: unknown };
  error.message = hidden(error.message);
  if (typeof error.stack === 'string') error.stack = hidden(error.stack);
  if (typeof fields.hostname === 'string') fields.hostname = hidden(fields.hostname);
  return error;
}

/**
 * `host` or an origin as an error shows it: its user info `[redacted]` ({@link withUserInfoShownRedacted}), and its query and
 * fragment `?[redacted]`, `#[redacted]`, as `path` has them (redactUrl): a browser's address bar pasted as an origin or a host
 * (`https://app.example.com/#access_token=…`, `…/cb?api_key=…`) was shown whole, its token with it (tER F11); and its path
 * (from a `/` or `;` after a host: a path alone is shown) `/[redacted]`, `;[redacted]`: a magic link's or reset link's token, a `;jsessionid=` (tFE
 * F14). What is left says the fault, with the hint (`did you mean "https://app.example.com"?`, `give the host alone`).
 */
export function shownHost(host: string): string {
  const [, base, query, fragment] = /^([^?#]*)(\?[^#]*)?(#[^]*)?$/.exec(withUserInfoShownRedacted(host))!;
  const [, start, name, path] = /^(\s*(?:[a-z][a-z0-9+.-]*:)?[/\\]*)([^/\\;]*)([^]*)$/i.exec(base!)!;
  // A path alone (`/tmp/redis.sock`, one slash and no scheme) is shown: no host, no address bar.
  const shownPath = path === '' || path === '/' || name === '' || /^\s*[/\\]$/.test(start!) || readsAsSocketPath(host) ? path! : `${path![0]}${REDACTED}`;
  return `${start}${name}${shownPath}${query === undefined ? '' : query === '?' ? '?' : `?${REDACTED}`}${fragment === undefined ? '' : fragment === '#' ? '#' : `#${REDACTED}`}`;
}

/**
 * `host`, serve's `--host` value that {@link hostProblem} refuses, as its error shows it: as typed when it holds two `:`
 * or more and no `@`, `/`, `\`, `?`, `#` or `]:`, an IPv6 address mistyped (`::g`, `2001:db8::zz`, `1::2::3`, `'::1'`
 * with its quotes), a prefix length after it too (`::1/128`, whose `128` was `[redacted]` as a path: tIL F2; and after an IPv4
 * address or a host name with a dot, `10.0.0.0/8`: tIO F4): such a value
 * is no URL and no `user:password`, and all after its first `:` was `[redacted]` as a password whose `@host` is missing,
 * the typo with it (tID F2). Else {@link shownHost}.
 * A value that reads as a secret ({@link hostReadsAsSecret}) is the caller's to hide whole, before this.
 */
export function shownHostValue(host: string): string {
  // So is a CIDR prefix length after an IPv4 address or a host name with a dot (`10.0.0.0/8`, `db.internal/24`): it was
  // `[redacted]` as a path, the user told their value held a secret (tIO F4).
  const cidr = /^([^/]*)\/\d{1,2}$/.exec(host);
  if (cidr !== null && (isIP(cidr[1]!) === 4 || readsAsHostAndPort(cidr[1]!)) && !cidr[1]!.includes(':')) return host;
  return /^[^@/\\?#]*(?:\/\d{1,3})?$/.test(host) && (host.match(/:/g) ?? []).length >= 2 && !host.includes(']:') ? host : shownHost(host);
}

/**
 * Why `origin`, given as an allowed http(s) origin, names no host a browser sends, or undefined: `wildcard` for a `*` in its
 * host (`https://*.example.com`, the pattern cors and socket.io take), `list` for a `,` (several origins given as one:
 * `https://a.example,https://b.example`), `characters` for another character no host name holds (`;jsessionid=`, `=`, `!`),
 * `ipv6` for an IPv6 address without brackets (`http://::1:3000`, no URL). The URL parser keeps `*`, `,`, `;` and `=` in a
 * host, so each was taken as an origin no browser ever sends, every browser then refused 403 with no word at start (tFE F7,
 * F2), or refused with a "did you mean" that was no origin either (`https://a.example,https`) or no word at all (tFE F3).
 */
export function originHostProblem(origin: string): { kind: 'wildcard' | 'list' | 'characters'; host: string } | { kind: 'ipv6'; hint: string } | undefined {
  const written = /^(https?):\/\/([^/?#]*)/i.exec(origin);
  if (written === null) return undefined;
  // Before the IPv6 test: `http://localhost:3000,http://localhost:5173` holds two `:` before its first `/` and was told an IPv6
  // address goes in brackets (tFU F13); a list split by blanks or `|` got no word at all (tFU F3).
  if (ORIGIN_LIST_SEPARATOR.test(origin.trim())) return { kind: 'list', host: written[2]! };
  const authority = written[2]!.slice(written[2]!.lastIndexOf('@') + 1);
  if (!authority.startsWith('[') && (authority.match(/:/g) ?? []).length >= 2) {
    const scheme = written[1]!.toLowerCase();
    const last = /^(.*):(\d{1,5})$/.exec(authority);
    const hint = last !== null && isIP(last[1]!) === 6 ? `${scheme}://[${last[1]!.replace(/%/g, '%25')}]:${last[2]}` : isIP(authority) === 6 ? `${scheme}://[${authority.replace(/%/g, '%25')}]` : `${scheme}://[ADDRESS]:PORT`;
    return { kind: 'ipv6', hint };
  }
  let hostname: string;
  try {
    hostname = new URL(origin).hostname;
  } catch {
    return undefined;
  }
  if (hostname.startsWith('[') || /^[a-z0-9_.-]*$/.test(hostname)) return undefined;
  return { kind: hostname.includes('*') ? 'wildcard' : hostname.includes(',') ? 'list' : 'characters', host: hostname };
}

/**
 * What to do about {@link originHostProblem}'s fault: `api` for createRealtimeServer's allowedOrigins (a function takes
 * patterns), `cli` for serve's --allow-origin (repeated for several).
 */
export function originHostHint(fault: NonNullable<ReturnType<typeof originHostProblem>>, form: 'api' | 'cli'): string {
  switch (fault.kind) {
    case 'wildcard':
      return form === 'api'
        ? "a browser sends its page's exact origin, never a pattern: allowedOrigins takes exact origins; for subdomains pass a function, e.g. (origin) => /^https:\\/\\/[a-z0-9-]+\\.example\\.com$/.test(origin)"
        : "a browser sends its page's exact origin, never a pattern: --allow-origin takes exact origins, one per --allow-origin (for a pattern, createRealtimeServer's allowedOrigins takes a function)";
    case 'list':
      return form === 'api'
        ? 'several origins in one entry: give each as its own entry of the array (e.g. ["https://a.example", "https://b.example"])'
        : 'several origins in one value: give each with its own --allow-origin (--allow-origin https://a.example --allow-origin https://b.example)';
    case 'characters':
      return 'its host holds a character no host name holds (a host is letters, digits, ".", "-"): is it part of an address bar (;jsessionid=…)?';
    case 'ipv6':
      return `an IPv6 address goes in brackets in an origin, its port after them: ${fault.hint}`;
  }
}

/**
 * Whether `origin`, an allowed origin as given, reads as a secret ({@link secretWhereAddressGoes}), whole or any part between
 * its commas (`https://a.example,Xk9mP2qL7vR4`: the whole has a scheme, so it read as none, and the secret after the comma was
 * printed: tFP F2). Then it is said by its length only, as the string form's entries are.
 */
export function originReadsAsSecret(origin: string): boolean {
  return secretWhereAddressGoes(origin) || passwordHoldingAt(origin) || (origin.includes(',') && origin.split(',').some((part) => secretWhereAddressGoes(part.trim()))) || addressWords(origin).some(secretWhereAddressGoes);
}

/**
 * The words of `text`, given where an origin or host goes, that a host name would be: in each part between list separators
 * (a blank, `,`, `|`, or one of them percent-encoded), the authority after any `scheme://` and user info, split at `:` and
 * brackets; a `:port` after a host is left out (a port not shown is said so: {@link portNotShown}). A secret there was
 * printed: a well-formed origin's host (`https://Pa55w0rdXyz`, shown lower-cased in serve's banner), a word after a blank or
 * `|`, inside brackets or as an unbracketed IPv6 address's "port" (`http://::1:Pa55w0rdXyz`), since the whole value,
 * having a scheme, read as no secret (tFU F2, F3).
 */
export function addressWords(text: string): string[] {
  const words: string[] = [];
  for (const part of text.split(/[\s,|]+|%(?:2C|20|7C|09)/i)) {
    const authority = part.replace(/^(?:[a-z][a-z0-9+.-]*:[/\\]+|(?:https?|wss?|rediss?):)/i, '').split(/[/\\?#;]/)[0]!;
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const pieces = host.split(/[:[\]]/);
    // `host:port`: the port is said by portNotShown.
    if (!host.startsWith('[') && pieces.length === 2) pieces.pop();
    words.push(...pieces.filter((piece) => piece !== ''));
  }
  return words;
}

/**
 * Why `origin`, an http(s) origin with an IPv6 address in brackets the URL parser refuses, is none, or undefined: its `]`
 * missing, a zone in it (`%25eth0`), or a port above 65535. Each was refused with no word why (tFU F13).
 */
export function bracketedHostProblem(origin: string): string | undefined {
  const written = /^https?:\/\/(?:[^@/?#]*@)?(\[[^/?#]*)/i.exec(origin.trim());
  if (written === null) {
    const port = /^https?:\/\/[^@/?#[\]:]*:(\d+)\/?$/i.exec(origin.trim())?.[1];
    return port !== undefined && Number(port) > 65535 ? `its port, ${port}, is above 65535` : undefined;
  }
  const authority = written[1]!;
  if (!authority.includes(']')) return 'its IPv6 address has no closing bracket: http://[ADDRESS]:PORT';
  if (authority.slice(0, authority.indexOf(']')).includes('%')) return 'its IPv6 address names a zone (%25…), which no browser sends in an origin: give the address without it';
  const port = /\]:(\d+)$/.exec(authority)?.[1];
  return port !== undefined && Number(port) > 65535 ? `its port, ${port}, is above 65535` : undefined;
}

/** What splits origins given as one text: a `,`, a blank, a `|`, or a comma or blank percent-encoded. */
const ORIGIN_LIST_SEPARATOR = /[,\s|]|%(?:2C|20|09)/i;

/** Origins given as one text, each between its separators ({@link ORIGIN_LIST_SEPARATOR}) as {@link shownHost} shows it (the second one's `//host` is no path). */
export function shownOrigins(text: string): string {
  return text.split(/([,\s|]+|%(?:2C|20|09))/i).map((origin, i) => (i % 2 === 1 || origin === '' ? origin : shownHost(origin))).join('');
}

/** A boolean option: `webSocket: 'false'` was true. */
function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw optionError(TypeError, name, 'true or false', value);
}

/**
 * Checks every option's type and range (but `jwt`'s, which {@link createJwtVerifier} checks):
 * each one that was taken unchecked misbehaved later, silently or far from its cause.
 */
function checkOptions(options: RealtimeServerOptions): void {
  // The methods this file calls on it: `server: {}` failed with `httpServer.listeners is not a function`.
  if (options.server !== undefined && !hasMethods(options.server, ['on', 'off', 'rawListeners', 'removeAllListeners', 'listenerCount', 'address'])) {
    throw optionError(TypeError, 'server', 'an http or https server (createServer(), fastify.server, the one app.listen() returns)', options.server);
  }
  // Attached, the server listens on nothing of its own: a `port` or `host` beside `server` was
  // ignored in silence (address() null, nothing on the port: a fresh user).
  if (options.server !== undefined) {
    for (const name of ['port', 'host'] as const) {
      if (options[name] !== undefined) throw optionError(TypeError, name, 'left out when `server` is given (attached, the server listens on your server\'s port)', options[name], `give \`server\` or \`port\`/\`host\`, not both`);
    }
  }
  // `port: 'abc'` listened on a Unix socket named ./abc; -1 and 70000 failed only `listening`.
  checkNumber('port', options.port, 0, 65535, 'an integer from 0 to 65535 (0: any free port)');
  if (options.host !== undefined) {
    if (typeof options.host !== 'string') throw optionError(TypeError, 'host', 'a host name or address', options.host);
    // Node reads an empty host as every interface: the opposite of the default.
    if (options.host === '') throw optionError(RangeError, 'host', 'a host name or address', options.host, "give '0.0.0.0' or '::' to listen on every interface");
    const problem = hostProblem(options.host, '`port`');
    // A host that reads as a secret (`host: process.env.REDIS_PASSWORD`) by its length, as the CLI's --host (tEP F1: it was shown twice).
    if (problem !== undefined) throw hostReadsAsSecret(options.host) ? optionError(RangeError, 'host', 'a host name or address', options.host, problem, false) : optionError(RangeError, 'host', 'a host name or address', shownHostValue(options.host), problem);
  }
  // A path that does not start with `/` never matches a request: nothing would be served.
  for (const name of ['path', 'pollPath'] as const) {
    const value = options[name];
    if (value === undefined || (name === 'pollPath' && value === false)) continue;
    const expected = name === 'path' ? 'a path starting with /' : 'a path starting with /, or false';
    if (typeof value !== 'string') throw optionError(TypeError, name, expected, value);
    // Its query or fragment as the server's log shows them (`/x?token=…`: printed, tEC F1); a word that reads as a secret
    // (`path: process.env.JWT_SECRET`) by its length, as a string given where an option takes none is (tEG F4).
    if (!value.startsWith('/')) throw secretWhereAddressGoes(value) ? optionError(RangeError, name, expected, value, undefined, false) : optionError(RangeError, name, expected, redactUrl(value));
    // Compared with a request's path as the URL parser reads it: a query (`/api/ws?x=1`), a
    // fragment or a dot segment (`/api/../poll`) never matched, nor did a character it escapes.
    const fault = unservablePath(value);
    if (fault !== undefined) {
      const asNamed = AS_A_REQUEST_NAMES_IT;
      throw optionError(RangeError, name, name === 'path' ? asNamed : `${asNamed}, or false`, redactUrl(value), fault.read === undefined ? undefined : `a request for it reads as ${JSON.stringify(fault.read)}`);
    }
  }
  // Polls on the WebSocket path were never served: that path answers plain requests with 426.
  // (`/api/ws/` included: the two are one endpoint, samePath.)
  if (typeof options.pollPath === 'string' && samePath(options.pollPath, options.path ?? WEBSOCKET_PATH)) {
    throw optionError(RangeError, 'pollPath', `a path other than the WebSocket's (path: ${JSON.stringify(options.path ?? WEBSOCKET_PATH)}), or false`, redactUrl(options.pollPath));
  }
  if (typeof options.jwt === 'object' && options.jwt !== null) checkKnown(options.jwt, JWT_OPTIONS, 'jwt.');
  checkBoolean('webSocket', options.webSocket);
  // Neither sockets nor polls: every upgrade and poll a 404, a server no client can use, and the path's answer offered a
  // poll "(polling is off)" (tHW F4).
  if (options.webSocket === false && options.pollPath === false) {
    throw new TypeError('createRealtimeServer: webSocket: false with pollPath: false serves no client (every upgrade and every poll refused with 404); leave webSocket on (the default) or give a pollPath');
  }
  checkBoolean('validateOutbound', options.validateOutbound);
  checkFunction('authenticate', options.authenticate);
  checkOrigins(options.allowedOrigins);
  // A hook may read a session cookie, which a browser attaches to a socket any page opens: with
  // any origin allowed by default, a page of any site read its visitor's stream (cross-site
  // WebSocket hijacking: a security review). The origins are stated, or '*' on purpose.
  if (options.authenticate !== undefined && options.allowedOrigins === undefined) {
    throw optionError(
      TypeError,
      'allowedOrigins',
      `given with authenticate: the origins of your pages (["https://dashboard.example.com"]), a function (origin) => boolean, or '*' for any`,
      undefined,
      "a hook that reads a cookie is sent it by a browser for a socket that any site's page opens (WebSockets have no CORS), so with any origin allowed that page reads its visitor's stream (cross-site WebSocket hijacking); '*' if the hook reads no cookie nor other credential a browser sends by itself",
    );
  }
  // An async one answers with a promise, which read as "handled": a request it did not take was never answered, nor (attached)
  // any request of the app's (a fresh user). Refused at creation, as for allowedOrigins; a promise otherwise is answered 500.
  if (isAsyncFunction(options.handleHttp)) {
    throw optionError(TypeError, 'handleHttp', 'a function (request, response) => boolean', options.handleHttp, 'it must answer at once, true when it takes the request (which it may answer later): an async function answers with a promise');
  }
  if (options.store !== undefined && !hasMethods(options.store, ['append', 'read', 'subscribe', 'status', 'close'])) {
    throw optionError(TypeError, 'store', 'a StreamStore (append, read, subscribe, status and close)', options.store);
  }
  // A ping every 0 ms would be a loop; a pong timeout of 0 would close every connection.
  for (const name of ['pingIntervalMs', 'pongTimeoutMs', 'authenticateTimeoutMs'] as const) {
    checkNumber(name, options[name], Number.MIN_VALUE, MAX_TIMER_MS, `a number of milliseconds > 0 and ≤ ${MAX_TIMER_MS}`, false);
  }
  for (const name of ['pollHoldMs', 'shutdownTimeoutMs'] as const) {
    checkNumber(name, options[name], 0, MAX_TIMER_MS, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`, false);
  }
  if (options.storeUnavailableGraceMs !== null) checkNumber('storeUnavailableGraceMs', options.storeUnavailableGraceMs, 0, MAX_TIMER_MS, `a number of milliseconds from 0 to ${MAX_TIMER_MS}, or null: never close`, false);
  // ws reads a maxPayload of 0 or less as no limit at all.
  for (const name of ['maxPayloadBytes', 'maxBufferedBytes', 'maxMessageBytes', 'writeHighWaterBytes', 'replayLimit', 'pollMaxMessages', 'maxSocketsPerUser'] as const) {
    checkNumber(name, options[name], 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  }
  for (const name of ['inboundRateCloseAfter', 'maxConsecutiveFaults'] as const) checkNumber(name, options[name], 0, Number.MAX_SAFE_INTEGER, 'an integer ≥ 0');
  if (options.maxConnectionsPerIp !== null) checkNumber('maxConnectionsPerIp', options.maxConnectionsPerIp, 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1, or null for no limit');
  for (const name of ['inboundRate', 'attemptsPerIp', 'attemptsPerUser', 'pollsPerUser'] as const) checkRate(name, options[name]);
  checkRate('outboundRate', options.outboundRate, true);
  checkFunction('clientIp', options.clientIp);
  // Its promise refused every request with 401 invalid-token, which a client takes as its token's
  // fault and stops for good: a fault of the server's configuration, refused here as allowedOrigins' is (a fresh user).
  if (isAsyncFunction(options.clientIp)) throw new TypeError('createRealtimeServer: clientIp must be a function that answers at once (the address as a string, or null or undefined for the socket\'s), got an async function, which answers with a promise: read the address from the request (a proxy\'s header) synchronously');
  checkFunction('handleHttp', options.handleHttp);
  checkFunction('monotonicClock', options.monotonicClock);
  if (options.logger !== undefined && !(hasMethods(options.logger, ['info', 'warn', 'error']) && ['function', 'undefined'].includes(typeof options.logger.debug))) {
    throw optionError(TypeError, 'logger', 'an object with info, warn and error functions (pino, console)', options.logger);
  }
}

/**
 * `allowedOrigins`: an array of origins or a function. A string passed `typeof !== 'function'`
 * and reached `.includes(origin)`, a substring match: `https://dashboard.example.com` let in
 * `https://dashboard.example.co`, `board` and `h` (a hostile tester). An entry a browser never
 * sends (a trailing slash, a path, no scheme) would refuse its dashboard in silence.
 */
function checkOrigins(origins: unknown): void {
  const expected = `an array of origins (["https://dashboard.example.com"]), a function (origin) => boolean, or '*' for any`;
  // An async function answers with a promise, which is truthy: refused at creation, as a wrong
  // option is (one that returns a promise otherwise is refused per request: origin-check-async).
  if (isAsyncFunction(origins)) throw optionError(TypeError, 'allowedOrigins', expected, origins, 'it must answer at once: an async function answers with a promise');
  if (origins === undefined || origins === '*' || typeof origins === 'function') return;
  // One that reads as a secret (a JWT, a mixed-case word) by its length, in the hint too: it was cut at 60 characters, then printed whole in the hint (tEG F4).
  if (typeof origins === 'string' && originReadsAsSecret(origins)) throw optionError(TypeError, 'allowedOrigins', expected, origins, `pass an array of origins: ["https://dashboard.example.com"] (a list from one variable: value.split(','))`, false);
  // A list in one string is judged entry by entry, and the array it makes is the hint (tFE F2: the whole list was the one entry
  // suggested, and a secret among the entries was printed whole).
  if (typeof origins === 'string') {
    // Split by blanks too (`ALLOWED_ORIGINS="https://a.example https://b.example"`: its second origin was shown as a path, tFU F3).
    const entries = origins.split(/[,\s|]+|%(?:2C|20|09)/i).map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (entries.some((entry) => originReadsAsSecret(entry))) throw optionError(TypeError, 'allowedOrigins', expected, origins, `pass an array of origins: ["https://dashboard.example.com"] (a list from one variable: value.split(','))`, false);
    throw optionError(TypeError, 'allowedOrigins', expected, shownOrigins(origins), `pass an array: ${JSON.stringify(entries.map(shownHost))}${entries.length > 1 ? (origins.includes(',') ? " (value.split(',').map((origin) => origin.trim()))" : ' (value.split(/\\s+/))') : " (a list from one variable: value.split(','))"}`, true);
  }
  if (!Array.isArray(origins)) throw optionError(TypeError, 'allowedOrigins', expected, origins);
  origins.forEach((origin: unknown, i) => {
    const name = `allowedOrigins[${i}]`;
    const asSent = 'an origin as browsers send it: scheme://host[:port], no path, no trailing slash';
    if (typeof origin !== 'string') throw optionError(TypeError, name, asSent, origin);
    if (origin === 'null') return;
    if (origin === '*') throw optionError(RangeError, name, asSent, origin, "allowedOrigins: '*', not in an array, allows any origin");
    let parsed: string | undefined;
    try {
      // Its user info left out as it is shown (to the last `@`): the parser's own reading made the hint of a password's middle (tHG F12).
      parsed = new URL(withUserInfoLeftOut(origin)).origin;
    } catch {
      parsed = undefined;
    }
    // Another scheme's origin (chrome-extension://…) is opaque to URL: its form is checked (no user info: no browser sends one, tAU F2).
    const ok = /^https?:/i.test(origin) ? parsed === origin : /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+$/i.test(origin);
    // Shown as `host` is: user info given by mistake (an origin pasted from a URL with credentials) is `[redacted]` (tAM F2).
    // A port not shown is said to be the fault (tEG F3: "http://localhost:[redacted]" alone read as a correct origin).
    // One that reads as a secret (`allowedOrigins: [process.env.ALLOWED_ORIGIN]` with the variables mixed up) by its length,
    // as the string form and `serve --allow-origin` judge it: it was printed whole here (tER F2).
    if (!ok && originReadsAsSecret(origin)) throw optionError(RangeError, name, asSent, origin, undefined, false);
    const hostFault = ok || /^https?:/i.test(origin) ? originHostProblem(origin) : undefined;
    if (hostFault !== undefined && originReadsAsSecret(origin)) throw optionError(RangeError, name, asSent, origin, undefined, false);
    if (hostFault !== undefined) throw optionError(RangeError, name, asSent, shownOrigins(origin), originHostHint(hostFault, 'api'));
    if (!ok) throw optionError(RangeError, name, asSent, shownHost(origin), portNotShown(origin) ?? bracketedHostProblem(origin) ?? (parsed !== undefined && parsed !== 'null' && /^https?:/i.test(origin) ? `did you mean ${JSON.stringify(parsed)}?` : undefined));
  });
}
