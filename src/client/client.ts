import type { ReceivedMessageDataMap, ReceivedMessageMap, ReceivedServerMessage } from '../../generated/received-types.js';
import type { ClientMessage, ConnectionData, ErrorData, ErrorMessage, ServerMessage } from '../../generated/types.js';
import { check, described, isObject, type ClientValidationError } from './check.js';
import { RECONNECT_ADVICE } from '../../generated/contract.js';
import { CLIENT_MAX_TIMER_MS, POLL_TIMEOUT_MARGIN_MS } from '../shared/client-timers.js';
import { CONNECTION_MESSAGE_TYPES, isAfter, isCursor, PING_INTERVAL_MS, POLL_HOLD_MS, POLL_SUFFIX, PONG_TIMEOUT_MS, sameStream, SERVER_MESSAGE_TYPES, WEBSOCKET_PATH } from './protocol.js';

/** Wire value of `type` of every message the server sends. */
export type ServerMessageType = ServerMessage['type'];

/**
 * What a handler of `type` receives first: the message's `data`, or the whole message for the
 * flat `ping`/`pong`. Consumer-facing (`Received…`) types: a closed list also admits values a
 * newer server may add, as the client's tolerant validation does.
 */
export type MessageData<T extends ServerMessageType> = T extends keyof ReceivedMessageDataMap ? ReceivedMessageDataMap[T] : ReceivedMessageMap[T];

/**
 * A token, or a function giving one, or a promise of one (called before every connection attempt
 * and poll). A provider's `null`, `undefined` or `''` is no token, as `connect(null)` is: state
 * `unauthorized` (`() => localStorage.getItem('token')` of an empty storage). Anything else but a
 * string is told as `CLIENT_TOKEN_ERROR`, a failed attempt.
 */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

/** The longest wait the client sets, ms (23 days): a timer set past 2^31 - 1 ms fires at once (maxMs: Infinity polled a thousand times a second). */
const MAX_TIMER_MS = CLIENT_MAX_TIMER_MS;

/**
 * A clock that never steps (whole ms), for every duration the client measures: `performance.now()`,
 * raised by 1e10 so that a time `MAX_TIMER_MS` before it is still positive (0 means "never").
 */
const now = () => Math.floor(performance.now() + 1e10);

/**
 * Where the client is: `mode` is what the spec's `getStatus()` shows. `idle` before the first
 * `connect` and again after `disconnect()` (nothing running, handlers kept); `waiting` for the
 * next attempt; `closed` after the server's 1000 close (at once: no attempt is due, so never
 * `waiting` first) until `connect`.
 */
export type ClientState = 'idle' | 'connecting' | 'open' | 'polling' | 'waiting' | 'unauthorized' | 'closed';

/** {@link RealtimeClient.getStatus}: a snapshot (a new object each call). Times are epoch ms, durations ms. */
export interface RealtimeStatus {
  /** `ws` while the socket is open, from its first frame (an open socket that has passed none is still `connecting`: a proxy may hold frames back; a probe after a stall, while polling, from the frame that proves it stable: README "Fallback to polling"), `polling` while the polling fallback delivers, else `offline`. */
  mode: 'ws' | 'polling' | 'offline';
  /** Whether messages can arrive now (`mode` is not `offline`). */
  connected: boolean;
  /** What the client is doing ({@link ClientState}): `idle` before `connect` and after `disconnect()`, `connecting`, `open`, `polling`, `waiting` for the next attempt, `unauthorized` (the token was refused: see `connect`), `closed` after the server's 1000 close. */
  state: ClientState;
  /** Consecutive failed attempts since the last stable connection (`backoff.stableMs`; the backoff exponent); 0 after `disconnect()`. */
  reconnectAttempts: number;
  /** When the last frame or poll response arrived (epoch ms), or null. */
  lastMessageAt: number | null;
  /** Round trip of the last client ping → server pong over the open socket, in ms; null before its first pong, while no socket is open, and for a server that has shown no cursor (a v1.0 one, never pinged: README "Keepalive"). */
  rtt: number | null;
  /** The last cursor seen (of a message, a `connection` message or a poll response): where a reconnect resumes (`since`). */
  cursor: string | null;
  /** When the next connection attempt (a socket probe while polling; the token provider asked again while `unauthorized`) is due (epoch ms, a whole number), or null. */
  nextAttemptAt: number | null;
  /** The close of the last socket that opened, a probe's or one that passed no frame too (an attempt that fails before it opens leaves it; `disconnect()` of an open socket makes it `{ code: 1000, reason: '' }`), or null. */
  lastClose: { code: number; reason: string } | null;
  /** HTTP status of the last failed poll while polling (a probe's refused upgrade leaves it, as a browser, which never sees one), else of the last refused upgrade (kept after a success, and after a failure that has none: a dropped socket, a probe's close), or null; `unauthorized`, the status that refused the token (null after a 4401 close of a socket that is no probe, which refuses no HTTP request: `lastClose` says it). */
  lastHttpStatus: number | null;
  /** Valid messages delivered to handlers. */
  received: number;
  /**
   * Messages dropped as repeats: their cursor was not after the last one (a replay overlap), or
   * was one of the last 1,000 delivered (any cursor, an opaque one too: README "Resume without
   * duplicates").
   */
  duplicates: number;
}

/**
 * `invalid` event: a frame that is not JSON or breaks its type's schema (tolerant mode), or a poll
 * answer that is not a poll response (`message` its text when not JSON), or that does not move
 * from the cursor asked, a third time in a row (keyword `stale` at `/cursor`: the same page again,
 * as a cache that ignores the query gives; README "Fallback to polling"), or that is larger than
 * `maxPollBytes` (keyword `maxPollBytes`). {@link ClientValidationError.keyword} lists them all.
 */
export interface InvalidEvent {
  /** `json`: not JSON (a binary frame included); `invalid`: JSON that breaks its type's schema, or a poll answer that is not a poll response. */
  reason: 'invalid' | 'json';
  /** The first fault found: never empty, so `errors[0]` needs no check (as on `validateMessage`'s result). */
  errors: [ClientValidationError, ...ClientValidationError[]];
  /**
   * The parsed value, or the raw text when it was not JSON. For a binary frame (reason `json`,
   * whatever it holds), the frame's data as the WebSocket gives it: a Buffer under ws, a Blob
   * or an ArrayBuffer in a browser (its `binaryType`), never text.
   */
  message: unknown;
}

/** `unknown` event: a message of a type this version of the contract does not know. */
export interface UnknownEvent {
  /** The message's `type`, a string this version of the contract does not list (a newer server's). */
  type: string;
  /** The whole message as parsed, unchecked beyond its `type`. */
  message: unknown;
}

/**
 * `gap` event: messages may have been lost (resume from a cursor the server no longer has, a
 * `connection` of another stream epoch, a `resumed` one from past the cursor asked, or a socket
 * that replaced a lost one with no cursor to resume from); refetch state.
 */
export interface GapEvent {
  /** The cursor the client asked to resume from; null when it had none (a server that sends no cursors: a socket replaced a lost one). */
  since: string | null;
  /**
   * Where the stream continues. Over the socket, the `connection` message's cursor: the
   * messages that follow come after it (when that message has none, the client's own, as
   * before). Over polling, the poll response's cursor: after the messages of that poll, which
   * follow the event. The event comes before those messages in either mode. For a socket that
   * replaced a lost one without a cursor, null, told before that socket's first message.
   */
  cursor: string | null;
  /** Where the gap was found: `ws` (a `connection` message, or a socket that replaced a lost one) or `polling` (a poll response). */
  mode: 'ws' | 'polling';
}

/** Third argument of an `error` handler when the fault is the client's own, not a server `error` message. */
export interface ClientFault {
  /**
   * `CLIENT_HANDLER_ERROR` (a handler threw), `CLIENT_TOKEN_ERROR` (the token provider failed, or has not answered within `connectTimeoutMs`),
   * `CLIENT_TRANSPORT_ERROR` (the WebSocket constructor threw: a failed attempt, made again as any other; or the socket's `send` threw: that ping or pong is lost, the socket kept),
   * `CLIENT_RANDOM_ERROR` (the `random` option threw or gave a value outside [0, 1]: Math.random is used from then on; told once).
   */
  code: string;
  /** The event whose handler threw, for `CLIENT_HANDLER_ERROR`. */
  event?: string;
  /** What was thrown (by the handler, the token provider, the WebSocket or `random`), as it came; for a `random` value outside [0, 1], a RangeError saying it. */
  cause: unknown;
}

/**
 * Every event and what its handlers receive. Message types get `(data, message)`; `error`
 * also carries the client's own faults in the spec's error shape, with a {@link ClientFault}.
 */
export type RealtimeEventMap = {
  [T in Exclude<ServerMessageType, 'error'>]: [data: MessageData<T>, message: ReceivedMessageMap[T]];
} & {
  error: [data: ErrorData, message: ErrorMessage, fault?: ClientFault];
  /** Every valid message, after its own handlers. */
  message: [message: ReceivedServerMessage];
  invalid: [event: InvalidEvent];
  unknown: [event: UnknownEvent];
  gap: [event: GapEvent];
  /**
   * Every change of {@link RealtimeStatus} worth showing (state, mode, attempts, rtt, nextAttemptAt, lastClose,
   * lastHttpStatus), one per step. The cursor, `received`, `duplicates` and `lastMessageAt` change in place without one,
   * over the socket and polling alike (`getStatus()` reads them), and come with the next.
   */
  status: [status: RealtimeStatus];
};

/** The name of an event {@link RealtimeClient.on} takes: a server message type, or `message`, `invalid`, `unknown`, `gap`, `status`. */
export type RealtimeEvent = keyof RealtimeEventMap;
/** A handler of event `E`: its arguments are {@link RealtimeEventMap}`[E]` (for a message type, its `data` then the whole message). */
export type RealtimeHandler<E extends RealtimeEvent> = (...args: RealtimeEventMap[E]) => void;

/** The part of a WebSocket the client uses: the browser's, Node 22's, or `ws`'s (`terminate()`, when it has one, drops a socket whose peer does not answer). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  // The events are `any`: a handler property is written to, so a narrower event type here would
  // refuse `ws`'s and the DOM's WebSocket (their handlers take their own event classes). The
  // client reads `event.data` of a message and `event.code` / `event.reason` of a close.
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  /** Bytes queued by `send` and not yet written to the network (the browser's, Node's and `ws`'s have it). */
  readonly bufferedAmount?: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the connection without a closing handshake. */
  terminate?(): void;
}

/** The `WebSocket` option: a class the client calls `new` on with the socket's URL (`ws`'s `WebSocket`, or the browser's, the default). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * The part of a fetch response the client reads when polling: the browser's, Node's and node-fetch's
 * `Response` are one. A `body` that is a web `ReadableStream` is read with the `maxPollBytes` bound and
 * bytes that are not UTF-8 refused; any other body (node-fetch's, a Node stream) is read by `text()`.
 */
export interface FetchResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body?: unknown;
  text(): Promise<string>;
}

/**
 * What the client calls a fetch with: the poll URL, the token as `authorization: Bearer …` (or in the URL, `?token=`, with no header: see `polling`),
 * and a signal that aborts a poll that brings no byte for `pollTimeoutMs`, or at `disconnect()`. The global fetch
 * (browsers, Node 20) and node-fetch 3 are one.
 */
export type FetchLike = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<FetchResponseLike>;

/**
 * Exponential backoff with full jitter: attempt n waits `random() × min(maxMs, baseMs × factor^(n-1))`.
 * A value of the wrong type or out of range throws a TypeError from {@link createRealtimeClient}.
 */
export interface BackoffOptions {
  /** The first step, ms: a number > 0 (Infinity too: every step is then `maxMs`). Default 1000. */
  baseMs?: number | undefined;
  /** Each step's multiplier: a number ≥ 1 (Infinity too: every step after the first is then `maxMs`). Default 2. */
  factor?: number | undefined;
  /** The longest step, ms: a number > 0 (Infinity, or more than 2e9, is taken as 2e9: a timer holds no more). Default 30 000. */
  maxMs?: number | undefined;
  /** Full jitter, a boolean (default true); false waits the whole step (a reconnect storm: for measurements only). */
  jitter?: boolean | undefined;
  /**
   * A message that comes this long or more after the socket opened, ms (a number ≥ 0), resets the
   * attempts to 0: the connection is stable. On a quiet stream that is the server's ping (every
   * `PING_INTERVAL_MS`, 30 s in the shipped contract); a socket that passes its first frames and then nothing is no stable connection, and
   * its silent drop a failed attempt like the others. Default 10 000.
   */
  stableMs?: number | undefined;
}

/**
 * Options of {@link createRealtimeClient}. Every duration is in milliseconds, a number, and at
 * most 2e9 (Infinity, or more, is taken as 2e9: a timer holds no more). An option of the wrong
 * type or out of range (a NaN included) throws a TypeError from `createRealtimeClient`, naming
 * it; `undefined` is its default.
 */
export interface RealtimeClientOptions {
  /**
   * WebSocket URL without the token, e.g. `wss://example.com/api/ws`: a string (checked as an
   * absolute URL by `connect`, which throws a TypeError for one that cannot work, a relative one
   * such as `/api/ws` said to be). Default in a browser: this page's host and `WEBSOCKET_PATH`.
   */
  url?: string | undefined;
  /**
   * Polling URL, an absolute http(s) URL string (a TypeError otherwise). Default: `url` with http(s) and, after its path,
   * what the contract's `POLL_PATH` adds to `WEBSOCKET_PATH`, `/poll` (`wss://host/prefix/api/ws` →
   * `https://host/prefix/api/ws/poll`), where the reference server polls by default.
   */
  pollUrl?: string | undefined;
  /**
   * A WebSocket class. Default `globalThis.WebSocket`. In Node, pass `WebSocket` from `ws`: Node 20
   * has none, and Node's own (22, undici's) has no `terminate()`, so a socket whose server stopped
   * answering stays open until the closing handshake that never comes (one per replaced socket,
   * and it keeps the process alive after `disconnect()`).
   */
  WebSocket?: WebSocketConstructor | undefined;
  /**
   * A fetch function, for polls: the browser's, Node's, or node-fetch's (no cast: it is typed by
   * what the client calls, {@link FetchLike}). Default `globalThis.fetch`.
   */
  fetch?: FetchLike | undefined;
  /** How long to wait between reconnection attempts ({@link BackoffOptions}); each key defaults on its own. */
  backoff?: BackoffOptions | undefined;
  /**
   * An attempt that has not opened after this long (ms, > 0) is abandoned. Default 10 000. The wait for a
   * token counts in it: a provider that has not answered by then failed (`CLIENT_TOKEN_ERROR`,
   * "Error: timeout"), and the attempt is retried with backoff. A poll's token waits as long.
   */
  connectTimeoutMs?: number | undefined;
  /** Silence longer than `pingIntervalMs + pongTimeoutMs` (ms, each > 0) means a dead socket. Defaults from the contract: `PING_INTERVAL_MS` + `PONG_TIMEOUT_MS` (30 000 + 10 000 in the shipped contract). */
  pingIntervalMs?: number | undefined;
  /** See `pingIntervalMs`: the second part of the silence that means a dead socket, ms (> 0). Default from the contract: `PONG_TIMEOUT_MS` (10 000 in the shipped contract). */
  pongTimeoutMs?: number | undefined;
  /** Failed socket attempts before polling, a number ≥ 0 (Infinity: never). Default 3. A refused upgrade (the HTTP side works) switches at once. */
  fallbackAfter?: number | undefined;
  /**
   * Use the polling fallback, a boolean. Default true. Polls are GETs of `pollUrl` with the
   * token as `Authorization: Bearer` (one with anything but visible ASCII, which a header cannot
   * carry as given, as `?token=` alone, as the socket sends it); a poll refused 401 or 403 is a refused token or origin, as
   * an upgrade's is: against a server without the reference server's poll endpoint, pass false.
   * A 401 whose body is `{"error":"no-token"}` is none (a proxy dropped `Authorization`): polls
   * send the token as `?token=` from then on, and one refused so again is a failed poll, retried.
   */
  polling?: boolean | undefined;
  /**
   * A poll response larger than this many bytes (> 0) is abandoned unread, as a failed poll. Default
   * 16 MiB (the reference server's pages hold at most `maxBufferedBytes`, 1 MiB by default,
   * past their first message).
   */
  maxPollBytes?: number | undefined;
  /**
   * A poll that brings no byte for this long (ms, > 0) is abandoned, a failed poll: counted from
   * the request, then from each chunk of the answer (a page still arriving on a slow link is read
   * to its end, however long it takes in all: tBO F1; one dribbled a byte at a time, until
   * `maxPollBytes`). Default from the contract:
   * `POLL_HOLD_MS` (protocol.json `x-polling.holdMs`, how long the server holds a quiet poll) +
   * 15 000, so a hold the contract raises is still waited for: 40 000 with the shipped 25 000.
   */
  pollTimeoutMs?: number | undefined;
  /**
   * A function giving random numbers in [0, 1) for jitter. Default `Math.random`. One that throws
   * or gives a value outside [0, 1] (NaN, 7) is replaced by Math.random then, and told once as an
   * `error` event, `CLIENT_RANDOM_ERROR` (a throw is not passed on: no reconnect storm, no crash).
   */
  random?: (() => number) | undefined;
}

/** The spec's `realtimeClient`. @see websocket-message-schemas.md, "Frontend Usage Example" */
export interface RealtimeClient {
  /**
   * Starts connecting (at once, then reconnecting by itself until {@link RealtimeClient.disconnect}). A token
   * refused (HTTP 401, close 4401) is not sent again: a fixed one stops the retries (state
   * `unauthorized`) until `connect` is called again; a provider is asked again after each
   * backoff step until it gives a different token (or none: it stops). Calling `connect` while
   * connected only replaces the token source for the next attempt (a fixed token given so is
   * tried when the one in use is refused: a rotation). `null` or nothing (`localStorage.getItem`
   * of an empty storage) is no token: state `unauthorized`, and `connection` is told `{ status: 'error' }`.
   * @throws TypeError when `token` is given and is neither a string nor a function
   */
  connect(token?: TokenSource | null): void;
  /**
   * Subscribes `handler` to event `type`. What it gets is {@link RealtimeEventMap}`[type]`: for a
   * message type, its typed `data` and the whole message (for `error`, a third argument, the
   * {@link ClientFault}, when the fault is the client's own); for `message`, the whole message;
   * for `status`, a {@link RealtimeStatus}; for `gap`, `invalid` and `unknown`, their event object.
   * Subscribing the same handler twice is one subscription.
   * @returns the unsubscribe function (as {@link RealtimeClient.off})
   * @throws TypeError when `handler` is not a function, or `type` is no event (`on('trade')`, a
   *   misspelt `trades`, would never fire; a type a newer server sends comes as `unknown`)
   */
  on<E extends RealtimeEvent>(type: E, handler: RealtimeHandler<E>): () => void;
  /**
   * Unsubscribes `handler` from `type`, as the function {@link RealtimeClient.on} returns does. Unlike `on`, it
   * never throws: an event with no such handler, an unknown event name or a handler that is not
   * a function is nothing to remove, silently.
   */
  off<E extends RealtimeEvent>(type: E, handler: RealtimeHandler<E>): void;
  /** Where the client is now: a new {@link RealtimeStatus} object each call (the `status` event passes such a snapshot on each change). */
  getStatus(): RealtimeStatus;
  /**
   * Closes the socket (1000) or stops polling, cancels every timer; handlers stay subscribed.
   * The state is `idle` again, as before the first `connect` (`mode` `offline`, no attempt due,
   * `reconnectAttempts` 0).
   * A socket with `terminate()` (`ws`) lets its connection go at once, the server's answer to
   * the close not awaited: a dead peer held a Node process 30 s.
   * The cursor is kept: `connect` again resumes where the stream stopped, for the same user.
   * To switch users give `{ forgetCursor: true }`: the next `connect` starts new (`resume:
   * "new"`), where it would ask the other user's stream from this one's cursor and replay its
   * backlog as if live. Anything but an object as `options` forgets nothing, so untyped code may
   * pass the method itself as a callback (`promise.then(client.disconnect)`); typed code writes
   * `promise.then(() => client.disconnect())`, the options type refusing a misspelt
   * `{ forgetCursr: true }` (which would forget nothing, silently).
   * @throws TypeError, before anything is closed, for an object whose `forgetCursor` is neither
   *   undefined nor `true` or `false` (`{ forgetCursor: 'false' }` forgot the cursor)
   */
  disconnect(options?: { forgetCursor?: boolean | undefined }): void;
}

type Handler = (...args: any[]) => void;

/**
 * Creates a client. Nothing happens until `connect`. Never throws into the app after that:
 * faults become `invalid`, `unknown`, `error` or `connection` events.
 *
 * @throws TypeError when `options` is not an object, or one of its options is of the wrong type
 *   or out of range (see {@link RealtimeClientOptions}); the message names the option
 * @throws TypeError from `connect` when no WebSocket implementation or URL can be found, or the
 *   URL is not an absolute `ws:` or `wss:` (or `http:`, `https:`) URL (the message says when it is relative) or has a
 *   `#fragment` (which WebSocket refuses)
 */
export function createRealtimeClient(options: RealtimeClientOptions = {}): RealtimeClient {
  // Checked here, once: a wrong option is a programming error (a NaN from an environment
  // variable stormed a closed port, 900 attempts in 2 s; `random: 42` ended the process at the
  // first reconnect; a bare URL string was ignored; a hostile tester). The string is not shown: it may hold a token.
  option({ options }, 'options', 'an object', isObject);
  // A misspelt option (`backof`, `Url`) was ignored, its default taken, silently (a fresh user).
  known('', options, OPTION_NAMES);
  const b = option(options, 'backoff', 'an object', isObject, {});
  known('backoff.', b, BACKOFF_NAMES);
  const base = num(b, 'backoff.baseMs', 1000);
  const factor = num(b, 'backoff.factor', 2, 1);
  const maxDelay = num(b, 'backoff.maxMs', 30_000);
  const stableMs = num(b, 'backoff.stableMs', 10_000, 0);
  const fullJitter = option(b, 'backoff.jitter', 'a boolean', isBoolean, true);
  let random = option(options, 'random', 'a function', isFunction, Math.random);
  const pongTimeout = num(options, 'pongTimeoutMs', PONG_TIMEOUT_MS);
  const silenceMs = Math.min(num(options, 'pingIntervalMs', PING_INTERVAL_MS) + pongTimeout, MAX_TIMER_MS);
  const fallbackAfter = num(options, 'fallbackAfter', 3, 0);
  const usePolling = option(options, 'polling', 'a boolean', isBoolean, true);
  const connectTimeout = num(options, 'connectTimeoutMs', 10_000);
  // From the contract's hold (a server built with a longer one had every quiet poll abandoned: tBD F4).
  const pollTimeout = num(options, 'pollTimeoutMs', POLL_HOLD_MS + POLL_TIMEOUT_MARGIN_MS);
  const maxPollBytes = num(options, 'maxPollBytes', 2 ** 24); // 16 MiB
  option(options, 'url', 'a string', isString);
  // What is wrong said, as connect says it of `url` ("got a string" read as the type it must be: tAP F2).
  const pollFault = options.pollUrl !== undefined && urlFault(options.pollUrl, /^https?:$/);
  if (pollFault) throw new TypeError(`createRealtimeClient: pollUrl must be an absolute http: or https: URL, got ${pollFault}`);
  option(options, 'WebSocket', 'a function', isFunction);
  option(options, 'fetch', 'a function', isFunction);
  const g = globalThis as any;

  /** Each event's handlers, in the order they were added, each with its registration (a handler removed and added again is a new one). */
  const handlers = new Map<string, Map<Handler, object>>();
  const status: RealtimeStatus = {
    mode: 'offline', connected: false, state: 'idle', reconnectAttempts: 0, lastMessageAt: null, rtt: null, cursor: null,
    nextAttemptAt: null, lastClose: null, lastHttpStatus: null, received: 0, duplicates: 0,
  };

  let source: TokenSource | null | undefined;
  /** The token of the current socket attempt, and one the server refused (never sent again). */
  let token: string | undefined;
  /** Ends each wait for a token provider under way (disconnect): a poll's and a socket's may overlap. */
  const tokenWaits = new Set<() => void>();
  let refused: string | undefined;
  /** The HTTP status that refused it (null: a 4401 close): what `unauthorized` shows when a provider gives it again (the polls' 500 since read as the refusal). */
  let refusedWith: number | null = null;
  let socket: WebSocketLike | undefined;
  let open = false;
  let polling = false;
  /**
   * Polls send the token as `?token=` too, as the socket does: a poll was answered 401 `no-token`
   * though it sent `Authorization` (a proxy or gateway dropped it; the server refused no token).
   */
  let tokenInQuery = false;
  let pollAbort: AbortController | undefined;
  /** Ends the poll loop's current wait at once (disconnect, or the socket took over). */
  let pollWake: (() => void) | undefined;
  /** The one scheduler: the next socket attempt. */
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the socket attempt under way is over (`now()`): the connect timeout, judged by `watch` until it opens. */
  let connectEnd = 0;
  /** A lost cursor the client was told about (gap) before it could deliver that poll's messages. */
  let retold: string | null = null;
  /** The cursor the current socket asked to resume from (`since` in its URL). */
  let socketSince: string | null = null;
  /** A socket that took over was lost since a socket last took over (null: forgotten with the cursor): the next one, without a cursor to resume from, tells a `gap`. */
  let dropped: boolean | null = false;
  /**
   * Nonzero (half the attempts it closed at) when the last socket that took over was lost before it
   * was stable, opened at the second attempt or later (a path that passes the first frames, then nothing): while polling, a probe then
   * takes over only once it has passed a frame `stableMs` after its open, opened again from
   * the cursor (each probe took over at its first frame and stalled again, 15-30 s of nothing
   * between bursts, for good: tBO F3).
   */
  let stalled = 0;
  /**
   * The last `RECENT_CURSORS` (protocol.ts: 1000) cursors delivered, in order: a replayed
   * overlap is dropped though its cursors are opaque (`isAfter` orders only `<epoch>.<n>`). Emptied when the stream starts over.
   */
  const recent = new Set<string>();
  /** The last cursor let go from `recent` (null: none since it was emptied): ordered cursors after it that `recent` lacks were never delivered. */
  let evicted: string | null = null;
  /**
   * `gap` events told since the current socket was asked for (nonzero: a poll told a loss while
   * it connected): also a poll loop's measure of answers that only said the stream was lost.
   */
  let gapsTold = 0;
  /**
   * The cursor a socket or poll asked from that the server answered `resumed` (or the client's
   * cursor when a `gap` or `new` answer at or after it, in its epoch, came, or a socket's raced
   * first answer behind it: what it delivered up to there), until a cursor after it comes: the replay's positions up to it, delivered or
   * not, are a margin the server replays again, not the stream going back (a replay from before
   * where the client began was told as a gap, and its overlap delivered twice: a hostile tester).
   */
  let resumedFrom: string | null = null;
  /** Forgets the cursors delivered: the stream starts over, and its cursors may repeat the old ones. */
  function clearRecent(): void {
    recent.clear();
    evicted = resumedFrom = null;
  }
  // Every duration the client measures (the allowed silence, rtt, the connect timeout, the
  // poll's quick answers, when an attempt is due) is on `now()`, a clock that never steps: on
  // the wall clock, one set back an hour kept a dead socket shown open for that hour, and one set
  // forward dropped a live socket as 4408 silent (tAO). Epoch values shown (`lastMessageAt`,
  // `nextAttemptAt`, the ping's timestamp) stay wall time.
  /** When the socket opened (`now()`): a frame `stableMs` or more after it makes the connection stable. */
  let openedAt = 0;
  /** Stops the socket's timer (`watch`). */
  let watchdog: (() => void) | undefined;
  /** When the socket's last frame came (`now()`), 0 until it opens. */
  let lastFrame = 0;
  /**
   * When the client's ping went (epoch ms, its timestamp), -1 when none awaits its pong, NaN while the socket's
   * server has not shown it speaks protocol v1.1 (no message with a `cursor` yet): a client ping
   * is v1.1's, and a v1.0 server (the spec's: ping is server → client only) may close on it.
   * (NaN also marks the socket's first answer with a cursor, which may be a poll's race: deliver.)
   */
  let pingSent = NaN;
  /** When that ping went (`now()`), and when the next attempt is due (`now()`). */
  let pingAt = 0;
  let due = 0;
  /** When the last pong went (`now()`), and the timer of the next one (the latest ping's). */
  let ponged = 0;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by connect/disconnect: async work of an older run ends quietly. */
  let run = 0;
  /** Bumped by each poll loop started: only the latest runs (one waiting for a token while polling stopped and started again went on too, one more per flap). */
  let loops = 0;
  /** Bumped by disconnect({ forgetCursor: true }): a restore of a cursor read before it must not undo it. */
  let forgets = 0;

  /** The last `status` emitted, as JSON (its values compared at once, `lastClose` by code and reason), and the object its handlers got. */
  // The status as created: a `disconnect()` before any `connect()` changes nothing and tells nothing (it told an idle status: tAF).
  let shown = JSON.stringify(status);
  let latest: unknown;

  function emit(type: string, ...args: unknown[]): void {
    const registered = handlers.get(type);
    const mine = run;
    for (const [handler, registration] of [...(registered ?? [])]) {
      // A handler disconnected (or connected again): the handlers after it are not called for an event of the run it ended.
      if (run !== mine) break;
      // One removed by an earlier handler of this event is not called, nor one removed and added
      // again (a new registration, after this dispatch began), as the DOM's EventTarget does.
      if (registered!.get(handler) !== registration) continue;
      // A status that a newer one overtook (a handler before this one disconnected): the later
      // handlers got the newer one already, and this older one would be the last they saw.
      if (type === 'status' && args[0] !== latest) break;
      const failed = (cause: unknown) => type !== 'error' && fault('CLIENT_HANDLER_ERROR', cause, type);
      try {
        // An async handler's rejection too: it was an unhandled rejection, which ends a Node process.
        const result: any = handler(...args);
        if (isFunction(result?.then)) result.then(undefined, failed);
      } catch (cause) {
        failed(cause);
      }
    }
  }

  function fault(code: string, cause: unknown, event?: string): void {
    let message: string;
    try {
      message = String(cause);
    } catch {
      // A thrown Object.create(null), revoked Proxy or throwing toString: String() threw from
      // here, out of a socket's message handler, and ended the process.
      message = 'a thrown value that cannot be shown';
    }
    local('error', { code, message }, { code, event, cause });
  }

  /** Emits a message the client makes itself, in the spec's `{ type, data, ts }` shape. */
  function local(type: 'error' | 'connection', data: ErrorData | ConnectionData, fault?: ClientFault): void {
    emit(type, data, { type, data, ts: new Date().toISOString() }, fault);
  }

  /**
   * Applies `changes` and emits `status` when anything differs from the last one emitted (also
   * what changed in place: the cursor, counts). False when a `status` handler disconnected (or
   * connected again): the caller's run is over, and it must stop (it went on reconnecting).
   * `hold`: applied, not emitted yet: a `set` that follows at once tells it with its own changes.
   */
  function set(changes: Partial<RealtimeStatus>, hold?: unknown): boolean {
    const mine = run;
    Object.assign(status, changes);
    status.connected = status.mode !== 'offline';
    if (!hold && shown !== (shown = JSON.stringify(status))) emit('status', (latest = { ...status }));
    return mine === run;
  }

  /** A `connection` event in the spec's shape, for changes the server does not announce itself. */
  function announce(state: ConnectionData['status'], mode: ConnectionData['mode'], extra?: Pick<ConnectionData, 'resume'>): void {
    // Typed: a field the contract makes required in `connection` data is a type error here, as on the server.
    local('connection', { status: state, mode, ...extra } satisfies ConnectionData);
  }

  /**
   * The wait before attempt number `attempt` (1 or more: every caller counts the attempt first),
   * ms; at least `retryAfter` (a refused poll's or upgrade's `Retry-After`, seconds; an HTTP-date
   * is ignored) up to the backoff's cap.
   */
  function delay(attempt: number, retryAfter?: string | null): number {
    const step = Math.min(maxDelay, base * factor ** (attempt - 1));
    // At least the backoff: a Retry-After of -1 or 0.0001 (a hostile proxy) made it spin;
    // at most the backoff's cap: past 2^31 ms a timer fires at once (it polled 300 times a second).
    // Delay-seconds only, whole digits (RFC 9110 §10.2.3): `0x2`, `2e0`, `1.5` were waited (tAH).
    return Math.max(/^\d+$/.test(retryAfter!) ? Math.min(+retryAfter! * 1000, maxDelay) : 0, fullJitter ? roll() * step : step);
  }

  /**
   * `random()`, when it gives a number in [0, 1]. One that throws or gives anything else (NaN
   * stormed a closed port; a throw ended the process) is replaced by Math.random, told once.
   */
  function roll(): number {
    let cause: unknown;
    try {
      const r: unknown = random();
      if (typeof r === 'number' && r >= 0 && r <= 1) return r;
      cause = new RangeError(`random() must give a number in [0, 1], got ${described(r)}; Math.random is used from now on`);
    } catch (error) {
      cause = error;
    }
    random = Math.random;
    // Told once the caller is done: a handler that disconnects must not find an attempt half-scheduled.
    queueMicrotask(() => fault('CLIENT_RANDOM_ERROR', cause));
    return random();
  }

  function clear(): void {
    clearTimeout(timer);
    timer = undefined;
  }

  /**
   * Schedules the next socket attempt (replacing any), `ms` from now; the state says `waiting`,
   * or `polling` while polling (it said `connecting` from the failed attempt that started the
   * fallback: a fresh user), unless `unauthorized` (a provider asked again).
   */
  function schedule(ms: number): void {
    clear();
    if (set({ ...(status.state !== 'unauthorized' && (polling ? { state: 'polling' } : { mode: 'offline', state: 'waiting' })), nextAttemptAt: Math.ceil(Date.now() + ms) })) timer = setTimeout(attempt, ms);
    due = now() + ms;
  }

  /** The source's token. A provider that has not answered within the connect timeout failed (a hung one stalled the client for good). */
  async function getToken(): Promise<string | null | undefined> {
    const mine = run;
    let timeout!: () => void;
    let stop = () => {};
    try {
      // disconnect() ends the wait, a provider that disconnects as it is called included: a hung
      // provider kept a disconnected process alive, and told its timeout after.
      const ended = new Promise<void>((resolve, reject) => {
        // (Set for a fixed token too, and cleared below before anything is awaited.)
        timeout = deadline(now() + connectTimeout, () => reject(new Error('timeout')));
        tokenWaits.add((stop = resolve));
      });
      const t = isFunction(source) ? await Promise.race([ended, source()]) : source;
      // An answer for a run that is over (disconnect, then connect with another source) is moot:
      // a late "logged out" from the old provider stopped the new run as unauthorized.
      if (mine !== run) return undefined;
      // A provider's answer is checked as connect checks a token: 5 went out as token=5 (a hostile tester).
      if (t != null && !isString(t)) throw new TypeError(`the token provider must give a string, got ${described(t)}`);
      // A socket opened while the provider answered (a poll's stale ask): its answer is moot (it closed a working socket; a reviewer).
      if (open) return undefined;
      if (t === refused || !t) {
        // The refused token again while a socket attempt is under way (connecting, or open with no
        // frame passed yet: one that took over returned above), whatever token it carries: it tells
        // by its own close whether that one is refused; this ask fails alone (a poll's closed it,
        // `unauthorized`; a reviewer).
        // No token (null: logged out) stops all, as documented.
        if (t && socket) return undefined;
        // No token (null, ''): no request was made, so no HTTP status is made up.
        // The refused token again (a refresh that lags): never sent; the provider is asked again
        // after the backoff, the state `unauthorized` meanwhile (it was asked twice, then never: a fresh user).
        // (A token refused by HTTP, its status; one a 4401 close refused has none: no HTTP status is made up.)
        if (stopUnauthorized(t ? refusedWith : status.lastHttpStatus) && t) schedule(delay(++status.reconnectAttempts));
        return undefined;
      }
      return t;
    } catch (cause) {
      if (mine === run) fault('CLIENT_TOKEN_ERROR', cause);
      // null: failed (undefined: nothing to do, or stopped `unauthorized`).
      return null;
    } finally {
      timeout();
      tokenWaits.delete(stop);
    }
  }

  /** Stops as `unauthorized`; false when a handler disconnected meanwhile. */
  function stopUnauthorized(httpStatus: number | null): boolean {
    // Said for the transport that was refused (a poll's 401 read "error over ws"; a fresh user).
    const mode = polling ? 'polling' : 'ws';
    const mine = run;
    clear();
    stopPolling();
    // A socket attempt under way when a poll is refused: its failure restarted polling.
    forget();
    // Told once, on the way in: a provider that keeps giving the refused token is asked again
    // after each backoff step, quietly (each ask told `{ status: 'error' }` again: 19 in 2 s).
    const was = status.state;
    if (set({ state: 'unauthorized', mode: 'offline', nextAttemptAt: null, lastHttpStatus: httpStatus }) && was !== 'unauthorized') announce('error', mode);
    return mine === run;
  }

  function wsUrl(): string {
    const url = options.url ?? (g.location && g.location.origin.replace(/^http/, 'ws') + WEBSOCKET_PATH);
    if (!url) throw new TypeError('connect: no URL: outside a browser page, give createRealtimeClient({ url })');
    // A URL that cannot work would only fail every attempt, forever: say so once, at connect.
    // WebSocket constructors take http: and https: too (as ws: and wss:).
    const got = urlFault(url, /^(ws|http)s?:$/) ?? (parseUrl(url)!.hash ? 'one with a #fragment, which WebSocket refuses' : '');
    if (got) {
      throw new TypeError(`connect: the url must be an absolute ws:, wss:, http: or https: URL, e.g. wss://example.com/api/ws, got ${got}`);
    }
    return url;
  }

  /** `url` with `since` (the last cursor) when there is one, and `?token=` when given (a socket's; a poll's behind a proxy that drops `Authorization`). */
  function address(url: string | URL, withToken?: string | false): string {
    const u = new URL(url);
    if (withToken) u.searchParams.set('token', withToken);
    if (status.cursor) u.searchParams.set('since', status.cursor);
    return u.href;
  }

  /** One socket attempt (or probe while polling). Never two sockets: returns when one exists. */
  async function attempt(): Promise<void> {
    clear();
    if (socket) return;
    const mine = run;
    // A provider asked again while `unauthorized` leaves it so until it gives another token
    // (the state read `connecting` for each ask of a refused one).
    const wasUnauthorized = status.state === 'unauthorized';
    if (!set({ state: wasUnauthorized ? status.state : polling ? 'polling' : 'connecting', nextAttemptAt: null })) return;
    // The connect timeout counts the wait for the token too.
    const end = now() + connectTimeout;
    const t = await getToken();
    // Another token, or a provider that failed (null): no longer refused, a failure is retried as any.
    if (mine !== run || (wasUnauthorized && t !== undefined && !set({ state: 'connecting' }))) return;
    if (socket || !t) {
      if (!t && status.state !== 'unauthorized') failed();
      return;
    }
    token = t;
    const WS: WebSocketConstructor = options.WebSocket ?? g.WebSocket;
    let httpStatus: number | undefined;
    let retryAfter: string | undefined;
    let ws: WebSocketLike;
    try {
      socketSince = status.cursor;
      gapsTold = 0;
      // Nonzero once this socket opens (its close is then `lastClose`).
      lastFrame = 0;
      ws = socket = new WS(address(wsUrl(), token));
    } catch (cause) {
      fault('CLIENT_TRANSPORT_ERROR', cause);
      socket = undefined;
      if (mine === run) failed();
      return;
    }
    // Judged as the allowed silence is (`watch`): a socket made after the client's own loop was
    // held past `end` (a token's wait held by a long task) was dropped at once, an attempt failed
    // and a backoff waited for a server that answered in milliseconds (a hostile tester).
    connectEnd = end;
    watch();
    ws.onopen = () => {
      openedAt = lastFrame = now();
      // A socket takes over on its first frame, not its open: behind a proxy that holds frames
      // back, an open probe stopped polling for the whole allowed silence (40 s), the status
      // reading `ws` (a reviewer), and a first socket read `ws`, connected, with no data (a
      // hostile tester). Silent, it is dropped then, a failed attempt.
      watch();
      // Not pinged until it shows v1.1 (a message with a cursor: deliver): a v1.0 server
      // closed 1008 on the client's ping, every socket, and the client delivered nothing (tAE).
      pingSent = NaN;
    };
    ws.onmessage = (event) => {
      if (socket === ws) frame(event.data);
    };
    // Not null: `ws` throws an 'error' nobody listens to.
    ws.onerror = () => {};
    // `ws` (Node) shows a refused upgrade's response: its status, and a `Retry-After` the next
    // attempt waits, as a poll's (it was retried within a second: tAE). A browser shows neither.
    // Ended here, as `ws` ends it when nobody listens (its close, 1006, follows).
    (ws as { on?: Function }).on?.('unexpected-response', (_: unknown, response: { statusCode: number; headers: Record<string, string> }) => {
      httpStatus = response.statusCode;
      retryAfter = response.headers['retry-after'];
      ws.terminate!();
    });
    ws.onclose = (event) => {
      if (socket === ws) closed(event.code, event.reason, httpStatus, retryAfter);
    };
  }

  /** The socket takes over from polling, if any: false when it was let go, or a handler disconnected. */
  function take(cursor: string): boolean {
    // On trial (`stalled`, polling): its frames before then are let go (the polls deliver
    // them); proven, it is opened again from the polls' cursor, and that one takes over (never
    // this one, polls failing or not: the messages it let go would be lost).
    const trial = stalled && polling;
    if (trial && lastFrame - openedAt < stableMs) return false;
    // Sent without `since` (there was no cursor yet), it opened after a poll gave one: the
    // server answers it from its head, past what polling delivered, and what came between
    // was lost, untold (a hostile tester lost 142 trades). Opened again, from the cursor.
    // So is one answered in another epoch than the client's after polls moved the client out of
    // the one it asked from (a server restart while its answer was on the way): answered in the
    // epoch it asked from (tFQ F1), or in one the polls went through and left (two restarts:
    // tGG F1), its server is one the client left, and its replay came after the new stream's
    // messages and took the cursor back, which the next poll's gap delivered again. Asked again
    // from the client's cursor, never let go again for this (it asks from the client's epoch);
    // a newer server answers that with its own gap. One answered in the client's epoch is raced
    // (deliver). An opaque `since` is never let go (no epoch to tell: README's limit).
    if ((!socketSince && status.cursor) || trial || (sameStream(socketSince!, socketSince) && !sameStream(socketSince!, status.cursor) && !sameStream(cursor, status.cursor))) {
      stalled = 0;
      forget();
      void attempt();
      return false;
    }
    open = true;
    stopPolling();
    const mine = run;
    if (!set({ state: 'open', mode: 'ws' })) return false;
    // It replaces a lost socket, and there was no cursor to resume from (a server that sends
    // none, as a v1.0 one, the spec's): what came meanwhile is lost, told as a `gap` before this
    // socket's first message (it was lost untold, and an app that refetches on `gap` kept a
    // stale view: tAE). Not on the first connect.
    if (dropped && !socketSince) gap(null, 'ws');
    dropped = false;
    return mine === run;
  }

  /** Forgets a socket at once (a dead one may never finish its closing handshake) and handles its end. */
  function drop(ws: WebSocketLike, code: number, reason: string): void {
    if (socket !== ws) return;
    detach(ws, code, reason);
    closed(code, reason);
  }

  function detach(ws: WebSocketLike, code: number, reason: string): void {
    // Not `onerror`, set to nothing once and for all by attempt(): `ws` throws an 'error' nobody
    // listens to when a connecting socket is closed.
    ws.onclose = ws.onmessage = ws.onopen = null;
    try {
      ws.close(code, reason);
      // `ws` (Node) waits 30 s for the peer's answer to a close: a dead peer held the socket,
      // and the process, that long after `disconnect()` (a hostile tester). The close frame is
      // written by then; a browser closes by itself.
      ws.terminate?.();
    } catch {
      // already closing
    }
  }

  /** Closes the socket, if any, without handling its end (nothing is retried). */
  function forget(): void {
    if (socket) detach(socket, 1000, '');
    socket = undefined;
    open = false;
    // No socket, no round trip: `disconnect()` kept the last one until the next pong (a reviewer).
    status.rtt = null;
    stopTimers();
  }

  function stopTimers(): void {
    watchdog?.();
    clearTimeout(pongTimer);
  }

  function closed(code: number, reason: string, httpStatus?: number, retryAfter?: string): void {
    const wasOpen = open;
    const opened = lastFrame > 0;
    const mine = run;
    socket = undefined;
    open = false;
    stopTimers();
    const lost = wasOpen && !polling;
    dropped ||= wasOpen;
    // Lost before it was stable, opened at the second attempt or later (the attempts not reset
    // since the last stable socket): the next probe is on trial (take). Not one opened at the
    // first, which replaced a lost socket at once, the lost one's own count (>> 1: 0 for 0 and 1):
    // lost too within stableMs (a load balancer dropped it, then the server restarted), it kept
    // the client polling 10 s more after the restart (tFI F3). Nor one the server closed itself,
    // going away (1001) or restarting (1012), which a stalling path never sends: a server
    // restarted twice within stableMs held the socket back 11-13 s after it was up (tFM F1). A
    // server killed (1006) looks like a path that cuts the socket: that one arms the trial.
    if (wasOpen) stalled = code !== 1001 && code !== 1012 ? status.reconnectAttempts >> 1 : 0;
    // Of a socket that opened: attempts that failed after it (1006) hid the server's own close (`1001 server shutting down`: a fresh user).
    // The last socket's round trip is no measure of the next one, nor of polling (a dashboard
    // showed a dead socket's rtt after a restart: a fresh user).
    // (The contract's table, undefined for `yes`: reconnectAdvice's, without its bytes.)
    const advice = RECONNECT_ADVICE[code];
    const stop = advice === 'no' && !polling;
    // A 1000 close (below) shows `closed` in this same status: it showed `waiting` first, a
    // flicker, though no attempt is due.
    // Held unless it is the last: the failed attempt's count, status and time come in the same
    // status (each lost socket told `waiting` twice with no time first: a fresh tester).
    set({ ...(opened && { lastClose: { code, reason }, rtt: null }), ...(lost && { mode: 'offline', state: 'waiting' }), ...(stop && { mode: 'offline', state: 'closed', nextAttemptAt: null }) }, !stop);
    if (lost) announce('disconnected', 'ws');
    // A handler disconnected (and maybe connected again): this run is over.
    if (mine !== run) return;
    // Not a probe's, while polling delivers: it was never taken over (that is its first frame),
    // so it ended no connection: a failed attempt, as a silent one is (its 1000 stopped the
    // polls that worked, state `closed` with nothing told: a hostile tester). Stays `closed` (above).
    if (stop) return void stopPolling();
    // Not a probe's 4401 either, while polling delivers: a failed attempt (below), its token not
    // marked refused, or the next poll, sent with it, stopped the polls that worked
    // (`unauthorized`: a hostile tester). Refused for real, the polls' own 401 tells.
    if (advice === 'with-new-token' && !polling) {
      // Expired during the connection: ask the provider again; the same token is not resent.
      refused = token;
      refusedWith = null;
      // A fixed token replaced since (`connect(newToken)`, a rotation): tried, not stopped on.
      // No HTTP request was refused: `lastClose` says 4401 (a dashboard read "HTTP 401": a hostile tester).
      if (!isFunction(source) && source === token) return void stopUnauthorized(null);
      // Counted as a failed attempt: a server that closes every socket with 4401 at once is
      // retried with backoff (it was asked again twice a second, forever; a hostile tester).
      // An expiry after a stable connection (the count reset) waits the first step only.
      status.lastHttpStatus = null;
      schedule(delay(++status.reconnectAttempts));
      return;
    }
    // A browser never shows the status of a refused upgrade (nor does a dead server have one):
    // it polls after `fallbackAfter` failures, and the poll's status tells.
    failed(wasOpen ? undefined : httpStatus, retryAfter);
  }

  /**
   * 401 (or 403, origin refused): this token is never sent again. Stops (true) unless a
   * provider may give another one.
   */
  function refusedToken(httpStatus: number | undefined, used = token): boolean {
    if (httpStatus !== 401 && httpStatus !== 403) return false;
    refused = used;
    refusedWith = httpStatus;
    // A provider may give another token, and so may a fixed one replaced since (`connect(stale); connect(fresh)`).
    if (httpStatus === 401 && (isFunction(source) || source !== used)) return false;
    stopUnauthorized(httpStatus);
    return true;
  }

  /** One failed attempt: refuse to retry a refused token, poll when upgrades are refused or after `fallbackAfter`, else back off. */
  function failed(httpStatus?: number, retryAfter?: string): void {
    if (refusedToken(httpStatus)) return;
    const attempts = ++status.reconnectAttempts;
    // A failure without an HTTP status (a dropped or silent socket, a probe while polls answer
    // 503) keeps the last one, as README says: each failed probe wrote null over the poll's
    // status, and "HTTP 503" came and went on a dashboard (a hostile tester).
    // While polling, a probe's refused upgrade (a browser never sees its status) keeps the polls'
    // status too: it read 503 and 500 by turns, upgrades and polls failing differently (a
    // dashboard author). (A probe's 401 refuses its token, and `unauthorized` shows it then.)
    // Told with the next attempt's time (schedule).
    if (!polling && httpStatus) status.lastHttpStatus = httpStatus;
    // (No status, undefined: `<` is false.)
    const refusedUpgrade = httpStatus! < 500 && httpStatus !== 429 && httpStatus !== 401;
    // A refused upgrade that says when to come back is polled meanwhile: its wait held the
    // fallback back, up to 3 × backoff.maxMs with the poll endpoint working (tAH).
    if (usePolling && !polling && (refusedUpgrade || retryAfter || attempts >= fallbackAfter)) startPolling();
    schedule(delay(attempts, retryAfter));
  }

  function frame(raw: unknown): void {
    lastFrame = now();
    status.lastMessageAt = Date.now();
    let value: unknown;
    // The protocol's messages are JSON in text frames. A binary frame arrives as a Buffer (ws),
    // an ArrayBuffer or a Blob (browsers): not a message, whatever its bytes hold.
    let wrong = 'JSON in a text frame, got a binary frame';
    try {
      if (isString(raw)) {
        value = JSON.parse(raw);
        wrong = '';
      }
    } catch (cause) {
      wrong = `JSON, got a syntax error (${(cause as Error).message})`;
    }
    if (!open && !take((value as { cursor: string } | null)?.cursor!)) {
      // A probe on trial answers the server's pings, and delivers nothing else: its pings went
      // unanswered, and one that came within stableMs of the open (one timer pings every socket:
      // any time after it) had the server close it 4408, each probe, on a quiet stream (tBV F3).
      if ((value as { type?: unknown } | null)?.type === 'ping' && socket) deliver(value, 'ws');
      return;
    }
    if (wrong) emit('invalid', { reason: 'json', errors: [problem('', 'json', wrong)], message: raw });
    else {
      // Stable when a message (JSON in a text frame, a repeat or an invalid one too) comes
      // stableMs or more after the open, the server's ping on a quiet stream (every PING_INTERVAL_MS). Not a
      // timer: one started at the open had every socket of a proxy that passes no frame count
      // as stable (the allowed silence is longer than stableMs), and one started at the first
      // message every socket of a path that passes the first frames and then nothing (a fresh
      // tester): the attempts reset each time, each silent drop was attempt 1 again, and the
      // fallback to polling never came (a hostile tester, then a fresh one). Nor a `connection`
      // message alone: the spec sends it when the state changes, and a server that never did had
      // the attempts climb to the cap on a healthy stream (a hostile tester).
      // (A status handler that disconnects here: the frame is not delivered.)
      if (lastFrame - openedAt < stableMs || !status.reconnectAttempts || set({ reconnectAttempts: 0 })) deliver(value, 'ws');
    }
  }

  /** Validates (tolerant), orders by cursor, answers pings, and dispatches one message. */
  function deliver(value: unknown, mode: 'ws' | 'polling'): void {
    const cursor = (value as { cursor?: unknown } | null)?.cursor;
    const type = (value as { type?: unknown } | null)?.type;
    // Any message's cursor, an unknown type's or an invalid one's too (a resume does not
    // replay them), once it is a cursor: a 20 KB one went into every later URL (431, for good),
    // and one of 64,000 characters, ordered before it was checked, froze the page for seconds.
    // (One that is not a cursor was never a duplicate: it is neither the last nor a recent one.)
    if (isString(cursor) && type !== 'connection' && isCursor(cursor)) {
      if (!isAfter(cursor, status.cursor) || recent.has(cursor)) {
        // A position of this stream before the last one, that was never delivered (it lies
        // after every cursor let go from `recent`): not a replay, the stream went back. One
        // cursor far ahead (a broken or hostile server's) had every later message dropped as a
        // duplicate, silently (a hostile tester): told as a gap, and the stream taken from here.
        // (`evicted` of another epoch orders nothing: a duplicate, as before. The cursors kept
        // in `recent` before this one were delivered, and stay: a replay of them is still dropped.)
        const wentBack = !recent.has(cursor) && cursor !== status.cursor && isAfter(cursor, resumedFrom) && (!evicted || (sameStream(cursor, evicted) && isAfter(cursor, evicted)));
        if (!wentBack) {
          status.duplicates++;
          return;
        }
        const mine = run;
        gap(status.cursor, mode, cursor);
        if (mine !== run) return;
        // The positions after this one are the stream's again: a rolled-back stream sends new
        // messages there (a reviewer: two were dropped as duplicates of the ones it replaced).
        for (const seen of recent) if (sameStream(seen, cursor) && isAfter(seen, cursor)) recent.delete(seen);
      }
      status.cursor = cursor;
      if (isAfter(cursor, resumedFrom)) resumedFrom = null;
      recent.add(cursor);
      // RECENT_CURSORS, as a number: a constant of the client's own cost the browser bundle 4 bytes.
      if (recent.size > 1000) {
        evicted = recent.values().next().value!;
        recent.delete(evicted);
      }
    }
    const result = check(value);
    if (!result.ok) {
      if (result.reason === 'unknown-type') {
        // (A string: check() says unknown-type of a string type alone.)
        emit('unknown', { type: type as string, message: value });
      } else {
        emit('invalid', { reason: 'invalid', errors: result.errors, message: value });
      }
      return;
    }
    // (`type` below is `message.type`: check gives the value itself. 3 bytes of the browser bundle, for tFJ F1.)
    const message = result.message as ReceivedServerMessage;
    if (message.type === 'ping') {
      // At most one answer (a pong, and the client's ping) every 250 ms (8 frames a second), to the latest ping:
      // a burst of pings (a network stall, a server pinging every 50 ms) had as many pongs and
      // pings sent, twice the server's inbound rate (20 a second), and the socket closed 4429.
      // A pong echoing the latest ping answers the ones before it (the reference server's rule).
      // (The socket's end clears the timer: stopTimers.) The wait is kept to 0..250 ms: read from
      // the wall clock, a clock set back an hour made it an hour, no pong went, and the server
      // closed 4408 again and again. (A negative wait is 0: setTimeout's own rule, in browsers and Node.)
      clearTimeout(pongTimer);
      pongTimer = setTimeout(() => {
        ponged = now();
        send({ type: 'pong', timestamp: message.timestamp });
        ping();
      }, Math.min(250, ponged + 250 - now()));
    } else if (message.type === 'pong' && message.timestamp === pingSent) {
      set({ rtt: now() - pingAt });
      pingSent = -1;
    }
    // A value the contract does not list (tolerant mode lets it through) is read as none: the
    // cursor then tells a loss (`restarted` hid one that an absent `resume` told: a fresh user).
    let resume = type === 'connection' ? (message as { data: { resume?: string } }).data.resume : undefined;
    resume = resume === 'gap' || resume === 'new' || resume === 'resumed' ? resume : undefined;
    const since = status.cursor;
    // `resumed` from a cursor other than the one asked (the contract makes it `since` itself),
    // after the client's: the stream skipped the positions between, a loss, read as the `gap`
    // it is (they were lost untold: tAE). (The `since` asked, after a poll moved the client on
    // meanwhile, is the right answer: no gap.)
    if (resume === 'resumed' && socketSince && isString(cursor) && cursor !== socketSince && isAfter(cursor, since!)) resume = 'gap';
    // While this socket was connecting (asking from `socketSince`), polls may have moved the
    // client on: found that cursor lost, said `gap` and delivered part of the new stream (in
    // the same epoch or a new one), or delivered what the store let go since. The socket's
    // first answer (`pingSent` is NaN until a message with a cursor, then the rtt ping's time:
    // the rtt code must keep NaN for "no cursor yet on this socket") in the client's epoch and
    // at or after what it asked from is then no stream that started over: the client's later
    // position stands, and the replay up to it is duplicates (it was delivered twice, and the
    // loss told twice: tCM F1). At too: the reference server answers `gap` with the cursor just
    // before the first entry it still holds, the one asked from when that entry is the next
    // position (a user's own entry kept, broadcasts after it let go); taken for a stream that
    // started over, its replay was delivered twice and a second gap told (tEX F1). Another
    // epoch than the one asked from counts as after (isAfter). Its `gap` is the one a poll told
    // meanwhile (`gapsTold`), or, if none did, a loss the polls did not see (maybe past their
    // cursor: the store let go other streams' entries after it), told. One before what it asked
    // from, or a later `connection` on the socket (its stream is told: no race), is the
    // server's to give: a store that lost its history in the same epoch starts over.
    // (`cursor === socketSince ||`: 4 bytes of the browser bundle, saved in the order of the
    // `resume` values tested above, `pollUrlOf` and the polls' `announce`.)
    const first = mode === 'ws' && pingSent !== pingSent;
    const raced = first && sameStream(cursor as string, since) && (cursor === socketSince || isAfter(cursor as string, socketSince));
    // A cursor shows the socket's server speaks v1.1, which lets the client ping: from now on, to measure `rtt`.
    if (first && isString(cursor)) {
      pingSent = 0;
      ping();
    }
    // Without `resume` (it is optional), a cursor the client asked from or delivered is where
    // the stream continues: it was taken as a new stream, and the replay after it delivered
    // again (a hostile tester).
    const continues = resume === undefined && isString(cursor) && (cursor === socketSince || recent.has(cursor));
    // A raced answer behind the client's cursor replays up to it what the polls delivered or
    // told lost: all of it dropped, an entry the polls never delivered too (the store let it go
    // between the socket's read and the poll's, which told it in its gap). From the socket's
    // `since`, or none, such an entry was taken for the stream going back: a second gap, and
    // the replay after it delivered twice (tFJ F1).
    if (raced && isAfter(since!, cursor as string)) resumedFrom = since;
    else if (resume === 'resumed') resumedFrom = socketSince;
    if (type === 'connection' && resume !== 'resumed' && !continues && (isString(cursor) ? !(raced && isAfter(since!, cursor)) : !!resume)) {
      // A new stream: its opaque cursors may repeat the old stream's. Without a cursor (it is
      // optional) the position is none: the new stream's first cursors were dropped as repeats.
      status.cursor = isString(cursor) ? cursor : null;
      // But a `gap` (or `new`) in the client's own epoch, at or after its cursor, is no new
      // stream: the positions up to `since` were delivered, and a replay of them after the gap
      // was delivered twice. (One before it may be a stream that started over in the same epoch,
      // its positions new messages: a restarted upstream's, delivered.)
      if (resume && sameStream(cursor as string, since) && !isAfter(since!, cursor as string)) resumedFrom = since;
      else clearRecent();
    }
    status.received++;
    const mine = run;
    const forgot = forgets;
    emit(type as string, 'data' in message ? message.data : message, message);
    if (mine === run) emit('message', message);
    // `new` answers a socket that asked from a cursor only when the server forgot it (the
    // contract gives `new` to a socket without `since`): messages may be lost, as with `gap`.
    // So does a `connection` without `resume` whose ordered cursor lies behind the client's:
    // the stream went back, as a message's cursor can (what follows was delivered twice untold:
    // a hostile tester); its messages are delivered as a new stream's. (Any other message's
    // cursor is in `recent` by now, or it has none: never behind.)
    // A `connection` without `resume` whose ordered cursor is of another epoch than the client's
    // is a new stream (its history began again): messages may be lost (it went untold).
    // (`sameStream(x, x)` reads "x is an ordered cursor": kept over a helper of its own for the
    // bundle's bytes.)
    // A raced answer from past the poll's position (a store that answers `gap` at its head,
    // with nothing replayed) skipped the positions between: told (they were lost untold: a hostile tester).
    // A `connection` with neither `resume` nor a cursor, to a socket that asked from a cursor, is a
    // server that did not resume (a v1.0 node after a v1.1 one: a rolling deploy; every loss after
    // it went untold: tAH).
    if ((resume === 'gap' || (resume === 'new' && socketSince) || (type === 'connection' && mode === 'ws' && !resume && !isString(cursor) && socketSince) || (!resume && !continues && (!isAfter(cursor as string, since) || (sameStream(since!, since) && sameStream(cursor as string, cursor as string) && !sameStream(cursor as string, since))))) && !(raced && gapsTold && !isAfter(cursor as string, since))) {
      if (mine === run) gap(since, mode);
      // A handler disconnected before the loss was told: the next run resumes from before it,
      // and finds it again (from the new stream's cursor, it was never told).
      else if (forgot === forgets) status.cursor = since;
    }
    // This socket's stream is told: a second `connection` on it is no race with a poll (one
    // saying `gap` was taken for one, and the new stream's messages dropped as repeats: a hostile tester).
    if (type === 'connection' && mode === 'ws' && mine === run) socketSince = status.cursor;
  }

  function gap(since: string | null, mode: 'ws' | 'polling', cursor = status.cursor): void {
    gapsTold++;
    emit('gap', { since, cursor, mode });
  }

  function send(message: ClientMessage): void {
    try {
      // Not past 1 MiB unsent: a server that floods pings and never reads grew the client's
      // memory by about 800 bytes a ping, to a gigabyte (a hostile tester). Its pongs are lost
      // then, and so is its keepalive: it ends the socket, as it should. (A socket without
      // `bufferedAmount` sends: undefined > n is false.)
      if (socket?.readyState === 1 && !(socket.bufferedAmount! > 1 << 20)) socket.send(JSON.stringify(message));
    } catch (cause) {
      fault('CLIENT_TRANSPORT_ERROR', cause);
    }
  }

  /** Pings the socket's server, when it has shown it speaks v1.1 (`pingSent` not NaN): `rtt` is measured so. */
  function ping(): void {
    if (pingSent === pingSent) {
      pingAt = now();
      send({ type: 'ping', timestamp: (pingSent = Date.now()) });
    }
  }

  /**
   * Calls `over` at `end` (on `now()`), judged as README "Keepalive" says: over, it is judged
   * again once the time it fired late by has passed (the time the client's own loop was held
   * past the end; at most the connect timeout: a loop held for hours would keep a dead socket as
   * long), not at once: after the loop stalled (a long task, a GC, a debugger, a process
   * descheduled, a tab frozen) what arrived in time (the upgrade's answer, pings, a poll's answer,
   * a token provider's) waits unread (Node runs due timers before it reads the sockets; a
   * browser's queued frames and responses, tasks, come after this one). A live socket was dropped
   * 4408 as silent, or an attempt failed as a timeout (tGZ F9; the server's keepalive judges after
   * a read too); a poll answered in time was aborted, told `disconnected` (tHK F1), and a
   * provider's token, read just after its timer, failed the attempt as `CLIENT_TOKEN_ERROR`
   * timeout (tHK F2). The judgement itself waits one more turn of a timer (the last millisecond
   * of that time; 2 ms in all after a timer on time, Node's timers waiting 1 ms at least), so
   * after what the loop reads meanwhile: the timer that waits that time may fire late too (the
   * loop held again before it, Node runs it at the end of that hold, before the hold's frames are
   * read), and it judged a stale silence: two long tasks a short yield apart dropped a live socket
   * 4408 (tHU F1). Stopped by the function it gives.
   */
  function deadline(end: number, over: () => void): () => void {
    let timer = setTimeout(() => (timer = setTimeout(() => (timer = setTimeout(over)), Math.min(connectTimeout, now() - end) - 1)), end - now());
    return () => clearTimeout(timer);
  }

  /**
   * One timer per client: fires at the end of the connect timeout (`connectEnd`) until the socket
   * opens, then of the allowed silence, re-arming while frames arrive (`deadline`: a socket
   * still silent once judged again was).
   */
  function watch(): void {
    // Every caller has a socket.
    const ws = socket!;
    const end = () => (lastFrame ? lastFrame + silenceMs : connectEnd);
    watchdog?.();
    watchdog = deadline(end(), () => {
      if (socket === ws) end() > now() ? watch() : lastFrame ? drop(ws, 4408, 'silent') : drop(ws, 4000, 'timeout');
    });
  }

  function startPolling(): void {
    polling = true;
    void pollLoop(++loops);
  }

  function stopPolling(): void {
    polling = false;
    pollAbort?.abort();
    pollAbort = undefined;
    pollWake?.();
  }

  /** Long polls `POLL_PATH` with the cursor until the socket takes over, backing off on failures. */
  async function pollLoop(mine: number): Promise<void> {
    let failures = 0;
    /** Empty answers in a row that came back within 250 ms to a poll with a cursor. */
    let quick = 0;
    /** Answers in a row that did not move from the cursor asked (the same page again: a cache). */
    let stuck = 0;
    let live = false;
    const alive = () => mine === loops && polling;
    const lost = () => {
      if (live && !open) {
        live = false;
        set({ mode: 'offline' });
        announce('disconnected', 'polling');
      }
    };
    while (alive()) {
      let wait = 0;
      const t = await getToken();
      if (!alive()) return;
      if (!t) {
        if (status.state === 'unauthorized') return;
        // A provider that fails (rejects, or never answers within the connect timeout): no poll
        // is sent, a failed poll as a network failure is, told so (it read `connected`,
        // `polling`, for as long as the provider was down: tHN F3).
        lost();
        wait = delay(++failures);
      } else {
        const abort = (pollAbort = new AbortController());
        // `pollTimeoutMs` without a byte, not in all: a page still arriving on a slow link (66 KB
        // at 1 KB/s) was abandoned at 40 s and asked again from the same cursor, for good (tBO F1).
        let timeout: (() => void) | undefined;
        const arm = () => {
          timeout?.();
          timeout = deadline(now() + pollTimeout, () => abort.abort());
        };
        arm();
        const asked = status.cursor;
        const sent = now();
        try {
          // A token a header cannot carry as given (white space, which fetch trims, a character
          // past U+00FF, on which it throws; anything but visible ASCII) goes as `?token=` alone, as
          // the socket sends it: the server judges the same text on both paths (`token\n` was taken
          // by polls and refused by sockets, and `token…` threw in fetch: polls retried for good,
          // never told `unauthorized`: tCA F7).
          const response: FetchResponseLike = await (options.fetch ?? g.fetch)(address(options.pollUrl ?? pollUrlOf(wsUrl()), (tokenInQuery || /[^!-~]/.test(t)) && t), {
            headers: /[^!-~]/.test(t) ? {} : { authorization: `Bearer ${t}` },
            signal: abort.signal,
          });
          if (!alive()) return;
          // The status line and headers are the answer's first bytes: from them (a poll whose
          // headers came early and body within `pollTimeoutMs` after was aborted: tHN F1).
          arm();
          const code = response.status;
          // 401 `no-token` to a poll that sent its token: the server never saw it (a proxy or
          // gateway dropped `Authorization`), so it refused none (it stopped the client
          // `unauthorized` for good, the dashboard asking for another token: tAQ F2). Sent again
          // at once as `?token=`, as the socket sends it; refused so too, a failed poll, retried.
          // A 401 whose body cannot be read (not UTF-8: a gateway's Latin-1 page) is a refusal,
          // as before: it was a failed poll, retried with the refused token for good (tAX F1).
          const noToken = code === 401 && /"no-token"/.test((await readText(response, maxPollBytes, arm).catch(() => '')) as string);
          if (!alive()) return;
          if (noToken && !tokenInQuery) {
            tokenInQuery = true;
            continue;
          }
          if (code === 429 || !response.ok) {
            // 429, polling faster than the server allows (catching up page after page): not a
            // loss, the server is there. Wait as long as it says, and stay connected.
            if (code === 429) set({ lastHttpStatus: code });
            else {
              status.lastHttpStatus = code;
              lost();
            }
            // Any other is a lost connection, told `disconnected` first, a refused token's too:
            // a fixed one that expired while polls delivered went from `connected` straight to
            // `error`, and an app kept its "live" indicator on (tDK F1). The token this poll sent:
            // a socket attempt meanwhile may have asked for another (a valid one was marked
            // refused for the poll's 401, and the client stopped: a hostile tester).
            if (!alive() || (!noToken && refusedToken(code, t))) return;
            // 401 with a token provider may give another token, after the same backoff.
            // Its body is let go by the abort below (`finally`), as any poll's.
            wait = delay(++failures, response.headers.get('retry-after'));
          } else {
            // Its shape as checked below (JSON.parse gives any).
            let body = {} as { cursor: string; resume?: ConnectionData['resume']; messages: unknown[] };
            let wrong: ClientValidationError | undefined;
            let text: string | undefined;
            try {
              text = await readText(response, maxPollBytes, arm);
              // Too long: a failed poll that says why (it failed unsaid, the upgrade's status shown: a hostile tester),
              // keyword the option's name: JSON Schema's `maxLength` (a string's characters) read as a schema fault (tBZ F11).
              if (text === undefined) wrong = problem('', 'maxPollBytes', `at most ${maxPollBytes} bytes (maxPollBytes), got more`);
              else body = JSON.parse(text);
            } catch (cause) {
              // A body cut off while read (a reset, the timeout: readText's 0 or false) is a network failure,
              // told as one: it was an `invalid` JSON answer with `lastHttpStatus` 200 (tBO F2). Bytes
              // that are not UTF-8 (they failed unsaid, the upgrade's status shown: a fresh user) or
              // not JSON are an answer that is no poll response.
              if (!cause) throw cause;
              wrong = problem('', 'json', `a poll response in JSON, got a body it cannot read (${(cause as Error).message})`);
            }
            if (!alive()) return;
            // Not a poll response (`{"messages":"abc"}` was three invalid messages, one per
            // character; a 20 KB cursor went into every later URL): a failed poll, retried, and
            // an `invalid` event that says why (it failed silently, with the upgrade's status
            // shown: a hostile tester). Its messages are checked one by one below, so that a bad
            // one hides no other. (checkPollResponseDocument would add 0.7 KB to the bundle; any
            // `resume` but "gap" and "new" reads as the same stream.)
            wrong ??= !isObject(body)
              ? problem('', 'type', `a poll response object, got ${described(body)}`)
              : !Array.isArray(body.messages)
                ? problem('/messages', 'type', `an array of messages, got ${described(body.messages)}`)
                : !isString(body.cursor) || !isCursor(body.cursor)
                  ? problem('/cursor', 'pattern', `a cursor (1-128 URL-safe characters), got ${described(body.cursor)}`)
                  : // A page that does not move past the cursor asked: its cursor is the one asked or
                    // before it in its stream, and its last message is at or before the cursor too
                    // (repeats only: a server's page ends at its last one, past the cursor), or it
                    // says `gap` or `new` (from nothing to nothing). A cache that ignores the query
                    // and `no-store` answers so whatever the cursor: a third in a row is a failed
                    // poll (the client read `connected`, `polling`, for good, its cursor frozen: tAQ
                    // F1; and so once the socket had moved it past the cached page's cursor, the same
                    // repeats each poll, duplicates climbing: tFI F2). Not an empty answer without
                    // `resume` or with one not listed (a quiet stream's), nor messages without cursors
                    // (new ones were dropped: tAX F2, F3). A server's `gap` from past its head (a restart
                    // that took positions back) is one such answer, once: its cursor is the next ask.
                    (stuck = asked && !isAfter(body.cursor, asked) && (body.resume === 'gap' || body.resume === 'new' || !isAfter((body.messages[body.messages.length - 1] as { cursor: string } | undefined)?.cursor as string, asked)) ? stuck + 1 : 0) > 2
                    ? problem('/cursor', 'stale', 'a poll response past the cursor, got the same page again')
                    : undefined;
            if (wrong) {
              status.lastHttpStatus = code;
              emit('invalid', { reason: wrong.keyword === 'json' ? 'json' : 'invalid', errors: [wrong], message: wrong.keyword === 'json' || text === undefined ? text : body });
              throw 0; // to the failed poll below
            }
            // Nonzero: polls failed before this one.
            const back = failures;
            const forgot = forgets;
            failures = 0;
            // Not the socket's `lastFrame`: a probe's silence is measured from its own frames (polls
            // answering more often than the allowed silence kept a silent probe for good, and no
            // other was made: the client polled until reload; a hostile tester).
            status.lastMessageAt = Date.now();
            const since = status.cursor;
            if (!live && !open) {
              live = true;
              // A status handler that disconnects: no `connected` after its `disconnected`.
              // A `status` or `connection` handler that disconnects: no `connected` or gap after
              // it, and the next run asks from `since` again (the cursor is not let go yet).
              if (!set({ mode: 'polling', state: 'polling' })) return;
              announce('connected', 'polling', body.resume && { resume: body.resume });
              if (!alive()) return;
              // The server answers again after polls failed (it was down, or the network was):
              // the socket failed for the same reason, so it is probed now, not at the end of
              // its backoff (up to maxMs later). A first poll that works at once (a proxy that
              // refuses WebSocket) leaves the backoff alone.
              if (back) soon();
            }
            // Before the messages that follow it, as over the socket (where the `connection`
            // message comes first): a handler that refetches state must not drop them.
            // Told once per lost cursor: a handler that starts over on a gap gets this poll's
            // messages on its next poll, from the same cursor, without being told again.
            // `new` to a poll that sent a cursor (the contract gives it to polls without one): the
            // server forgot the cursor, and messages may be lost, as with `gap`.
            const lost = body.resume === 'gap' || (body.resume === 'new' && asked);
            // Not for the same page again (above): one gap, not one per poll (tAQ F1).
            if (lost && since && since !== retold && stuck < 2) gap(since, 'polling', body.cursor);
            retold = null;
            // The stream starts over (`new` to a poll with a cursor: a server that forgot it):
            // its cursors may repeat the old ones, which must not drop them. Not at or after the
            // client's cursor in its own epoch: the positions up to it were delivered (a replay of
            // them after the gap was delivered twice), as after `resumed`. After the `status`
            // and `connection` above, and the `gap`, as README says the cursor: the last one seen,
            // where a reconnect resumes (they read null, and an app that saved it on `connected`
            // saved none: tHK F3; on `gap`, or on the `disconnected` a `disconnect()` there tells,
            // none either: tHN F2). Not the poll's cursor, which is past its messages, not delivered yet.
            if ((body.resume === 'gap' || body.resume === 'new') && !(sameStream(body.cursor, since) && !isAfter(since!, body.cursor))) {
              status.cursor = null;
              clearRecent();
            } else resumedFrom = asked;
            const repeats = status.duplicates;
            const gapsBefore = gapsTold;
            for (const message of body.messages as unknown[]) {
              if (!alive()) break;
              const type = (message as { type?: unknown } | null)?.type;
              // Per-connection messages (connection, ping, pong, error) never come in a poll: a
              // `connection` there reset the duplicate memory, and an `error` was shown as the
              // server's (a hostile tester). Nor is a cursor of theirs taken.
              if ((CONNECTION_MESSAGE_TYPES as readonly unknown[]).includes(type)) {
                emit('invalid', { reason: 'invalid', errors: [problem('/type', 'anyOf', `a stream message in a poll response, got ${type as string}`)], message });
              } else deliver(message, 'polling');
            }
            if (!alive()) {
              // A handler disconnected before the poll's messages were all delivered: resume
              // from the last one delivered (from the old cursor, told gap again, if none was),
              // never from the poll's cursor, which is past the ones not delivered.
              if (!status.cursor && forgot === forgets) {
                status.cursor = since;
                if (lost) retold = since;
              }
              return;
            }
            if (body.resume !== 'resumed' || isAfter(body.cursor, status.cursor)) status.cursor = body.cursor;
            // The cursor, the counts and lastMessageAt change in place, told with the next step, as over the socket: a
            // `status` per answer (a `set({})` here) made an app that renders on it render ten times a second while
            // polling, and never on the socket (a fresh tester).
            // A poll with a cursor is held until there is something to say. A `gap` answer
            // comes at once and empty by design, and the next poll follows at once; a second
            // answer in a row within 250 ms that delivered nothing (empty, or repeats only: a
            // hostile tester's server moved the cursor on each time), told a gap again (a stream
            // that goes back on every answer, whatever else it delivered), or moved
            // nothing on (a server that does not hold polls, or one that answers the same page
            // whatever the cursor: a caching proxy) makes the client wait a second, or it polled
            // hundreds of times a second.
            const nothing = status.duplicates - repeats === body.messages.length || gapsTold !== gapsBefore;
            quick = asked && (nothing || status.cursor === asked) && now() - sent < 250 ? quick + 1 : 0;
            if (quick > 1) wait = 1000;
          }
        } catch {
          if (!alive()) return;
          lost();
          // The same page again: a second more, so never more than once a second, whatever the jitter gives.
          wait = delay(++failures) + (stuck > 2 ? 1e3 : 0);
        } finally {
          timeout!();
          // A body not read to its end (not UTF-8: the decoder threw) is let go, not left open:
          // each retry kept one more connection, and a disconnected process alive (a reviewer).
          abort.abort();
        }
      }
      // Not after a handler disconnected (told `disconnected` by lost(), or a status): nothing would wake it, and it held the process (a reviewer).
      if (wait > 0 && alive()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          pollWake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        pollWake = undefined;
      }
    }
  }

  function hint(event: Event): void {
    // The browser says the network is gone: an open socket must prove itself (a pong) within the pong timeout.
    if (event.type === 'offline') {
      // (`lastFrame` is 0 until it opens.) Only a server that has shown v1.1 (a cursor: deliver)
      // is pinged: another's socket, or one that has passed no frame yet, is left to its allowed silence.
      if (socket && lastFrame && pingSent === pingSent) {
        lastFrame = now() - silenceMs + pongTimeout;
        ping();
        watch();
      }
      return;
    }
    // The network is back or the page is seen again: retry now, not at the end of the backoff:
    // the socket, and a poll that waits after failing (polling may be the only transport: a
    // hostile tester's waited out its backoff, 18 s, while the socket it woke was refused again).
    // Not one told to wait by a 429: it is connected.
    if (g.navigator?.onLine !== false && g.document?.visibilityState !== 'hidden') {
      soon();
      if (pollWake && !status.connected) setTimeout(pollWake, roll() * Math.min(base, 1000));
    }
  }

  /** Brings a scheduled socket attempt forward to within min(baseMs, 1 s), jittered (never later than it was). */
  function soon(): void {
    if (timer === undefined) return;
    const wait = roll() * Math.min(base, 1000);
    if (due > now() + wait) schedule(wait);
  }

  function listen(on: boolean): void {
    const method = on ? 'addEventListener' : 'removeEventListener';
    g[method]?.('online', hint);
    g[method]?.('offline', hint);
    g.document?.[method]('visibilitychange', hint);
  }

  const client: RealtimeClient = {
    connect(t) {
      // `connect(5)` was sent as token=5, `connect({})` as token=[object Object].
      if (t != null && !isString(t) && !isFunction(t)) throw new TypeError(`connect: the token must be a string or a function giving one, got ${described(t)}`);
      if (!(options.WebSocket ?? g.WebSocket)) {
        throw new TypeError("connect: no global WebSocket (Node 20): createRealtimeClient({ url, WebSocket }) with WebSocket from 'ws'");
      }
      wsUrl();
      source = t;
      refused = undefined;
      if (['idle', 'closed', 'unauthorized'].includes(status.state)) {
        run++;
        listen(true);
        // A status handler that disconnects here ends this run before its first attempt. The
        // first status says `connecting`, as the attempt would: not `idle` (a fresh user).
        if (set({ reconnectAttempts: 0, lastHttpStatus: null, state: polling ? 'polling' : 'connecting', nextAttemptAt: null })) void attempt();
      }
    },
    on(type, handler) {
      // Said now: one that is not a function was taken, and told as CLIENT_HANDLER_ERROR at its first event.
      if (!isFunction(handler)) throw new TypeError(`on: the handler of "${String(type)}" must be a function, got ${described(handler)}`);
      // A misspelt event (`on('trade')`) would never fire, silently. A type a newer server sends
      // comes as `unknown`, so no other name can ever be told.
      if (!(EVENT_NAMES as readonly string[]).includes(type)) throw new TypeError(`on: there is no event ${JSON.stringify(String(type))}; the events are ${EVENT_NAMES.join(', ')}`);
      const registered = handlers.get(type) ?? handlers.set(type, new Map()).get(type)!;
      if (!registered.has(handler as Handler)) registered.set(handler as Handler, {});
      return () => client.off(type, handler);
    },
    off(type, handler) {
      handlers.get(type)?.delete(handler as Handler);
    },
    getStatus: () => ({ ...status }),
    disconnect(options) {
      // An object's forgetCursor is true or false, as the package's other booleans are: 'false' (a config string) forgot (tAP F14).
      const forgetCursor = isObject(options) ? options!.forgetCursor : undefined;
      if (forgetCursor !== undefined && !isBoolean(forgetCursor)) throw new TypeError(`disconnect: forgetCursor must be a boolean, got ${described(forgetCursor)}`);
      run++;
      // A run's stalls are its own: the next connect's probes were still put on trial (tBV F1).
      stalled = 0;
      for (const stop of tokenWaits) stop();
      listen(false);
      clear();
      stopPolling();
      const wasConnected = status.connected;
      // Any socket that opened, one that has not passed a frame yet included.
      const wasOpen = !!socket && lastFrame > 0;
      const mode = open ? 'ws' : 'polling';
      forget();
      // A socket that was open is left as a lost one is: the next, without a cursor to resume
      // from (a v1.0 server), tells its `gap` (what came meanwhile was lost untold: tAH).
      dropped ||= wasOpen;
      if (forgetCursor) {
        forgets++;
        status.cursor = retold = dropped = null;
        clearRecent();
      }
      // No attempt is due, and the open socket's close is this one: getStatus() after
      // disconnect() showed the last crash's close and attempts (a fresh user).
      set({ state: 'idle', mode: 'offline', nextAttemptAt: null, reconnectAttempts: 0, ...(wasOpen && { lastClose: { code: 1000, reason: '' } }) });
      if (wasConnected) announce('disconnected', mode);
    },
  };
  return client;
}

/**
 * Option `name` of {@link createRealtimeClient}, read from `from` (its key: the name after its
 * dot, `backoff.baseMs` from `backoff`; the name itself at the top level): `fallback` when
 * undefined, else the value when `ok(value)`; anything else throws a TypeError naming the
 * option, what it must be and what it is (a string is not shown: a URL given as the options may
 * hold a token). (Read here, not given beside the name: each name written once saved the
 * browser bundle the bytes the client's fixes for tGG F1 and F2 took.)
 */
function option<T>(from: any, name: string, expected: string, ok: (value: any) => unknown, fallback?: T): T {
  const value = from[name.slice(name.indexOf('.') + 1)];
  if (value === undefined) return fallback as T;
  if (!ok(value)) throw new TypeError(`createRealtimeClient: ${name} must be ${expected}, got ${described(value)}`);
  return value;
}

/** Every option's name, and every one of `backoff`'s: the type checker refuses a list that misses one. */
const OPTION_NAMES = ['url', 'pollUrl', 'WebSocket', 'fetch', 'backoff', 'connectTimeoutMs', 'pingIntervalMs', 'pongTimeoutMs', 'fallbackAfter', 'polling', 'maxPollBytes', 'pollTimeoutMs', 'random'] as const;
const BACKOFF_NAMES = ['baseMs', 'factor', 'maxMs', 'stableMs', 'jitter'] as const;
type Unlisted = Exclude<keyof RealtimeClientOptions, (typeof OPTION_NAMES)[number]> | Exclude<keyof NonNullable<RealtimeClientOptions['backoff']>, (typeof BACKOFF_NAMES)[number]>;
const allListed: [Unlisted] extends [never] ? true : Unlisted = true;
void allListed;

/** Throws a TypeError naming the first own key of `given` that is not one of `list`, and the ones it takes. */
function known(prefix: string, given: object, list: readonly string[]): void {
  const stray = Object.keys(given).find((key) => !list.includes(key));
  // A backoff key given beside the others (a fresh user's `jitter: false`): where it goes.
  const nested = !prefix && (BACKOFF_NAMES as readonly string[]).includes(stray!) ? `, a key of backoff: { backoff: { ${stray}: … } }` : '';
  if (stray !== undefined) throw new TypeError(`createRealtimeClient: unknown option ${JSON.stringify(prefix + stray.slice(0, 60))}${nested}; it takes ${prefix ? `${prefix}{ ${list.join(', ')} }` : list.join(', ')}`);
}

/**
 * A number option (a duration in ms, a size, a count): more than 0, or at least `min` when given;
 * NaN never. At most MAX_TIMER_MS: Infinity, or more, is taken as that (a timer holds no more).
 */
function num(from: object, name: string, fallback: number, min?: number): number {
  return Math.min(option(from, name, `a number ${min === undefined ? '> 0' : `≥ ${min}`}`, (v) => typeof v === 'number' && (min === undefined ? v > 0 : v >= min), fallback), MAX_TIMER_MS);
}

/** What `on` takes: every message type the server sends, and the client's own events. */
const EVENT_NAMES = [...SERVER_MESSAGE_TYPES, 'message', 'invalid', 'unknown', 'gap', 'status'] as const satisfies readonly RealtimeEvent[];
// Fails to compile when RealtimeEventMap gains an event EVENT_NAMES does not list.
const everyEventListed: [Exclude<RealtimeEvent, (typeof EVENT_NAMES)[number]>] extends [never] ? true : never = true;

const isBoolean = (v: unknown) => typeof v === 'boolean';
/** (Type guards: `typeof` checks written out at each use cost the browser bundle bytes it does not have.) */
const isFunction = (v: unknown): v is (...args: any[]) => any => typeof v === 'function';
const isString = (v: unknown): v is string => typeof v === 'string';

/** An `invalid` event's error: at `pointer` (a JSON Pointer, '' for the whole), `message` being `expected <expected>`. */
const problem = (pointer: string, keyword: string, expected: string): ClientValidationError => ({ pointer, keyword, message: `expected ${expected}` });

/**
 * What `url` is when it is not an absolute URL of a scheme `scheme` matches (`a relative URL`, `a
 * URL of scheme ws:`), undefined when it is one. The URL itself is not shown: it may carry a
 * token. One that starts with `/` (`/api/ws`, `//host/api/ws`) is relative to a page, which the
 * client does not resolve. fetch polls http(s) alone (a `ws:` or `file:` pollUrl failed every
 * poll, silently: a hostile tester), and a URL must parse (a pattern let `http://127.0.0.1:99999`
 * through: a reviewer).
 */
function urlFault(url: unknown, scheme: RegExp): string | undefined {
  if (!isString(url)) return described(url);
  const parsed = parseUrl(url);
  return !parsed ? (url[0] === '/' ? 'a relative URL' : 'a string that is not a URL') : scheme.test(parsed.protocol) ? undefined : `a URL of scheme ${parsed.protocol}`;
}

/** `text` as an absolute URL, or undefined when it is not one. */
function parseUrl(text: unknown): URL | undefined {
  try {
    return new URL(text as string);
  } catch {
    // undefined: not a URL
  }
}

/**
 * The default polling URL of a socket URL: http(s), the same host and path, and what the
 * contract's `POLL_PATH` adds to its `WEBSOCKET_PATH` (`/poll` for `/api/ws/poll` and `/api/ws`;
 * generate refuses a `POLL_PATH` that is not under `WEBSOCKET_PATH`). The server's default too:
 * it serves `POLL_PATH`, and given another `path` polls at that path plus the same part.
 */
export function pollUrlOf(socketUrl: string): URL {
  const url = new URL(socketUrl.replace(/^ws/i, 'http'));
  url.pathname = url.pathname.replace(/\/*$/, POLL_SUFFIX);
  url.search = url.hash = '';
  return url;
}

/** A body whose read failed (the connection cut, the poll's timeout): thrown as 0, a network failure, not an answer that is no poll response. */
const cut = (): never => {
  throw 0;
};

/** A poll response's body as the client reads it: a web stream, or (node-fetch's) a body with neither method. */
type WebBody = Partial<Pick<ReadableStream<Uint8Array>, 'getReader'>> | null | undefined;

/**
 * The text of `response`, read at most `max` bytes: past them, undefined, the rest let go by
 * the poll's abort, its caller's `finally` (a hostile server's 900 MiB poll answer was read whole into memory). A body that is
 * not a web stream (a `fetch` option such as node-fetch's, whose polls all failed) is read
 * whole, then bounded. `progress` is called on each chunk read (the poll's timeout counts from
 * the last one). Bytes that are not UTF-8 throw the decoder's TypeError; a read that fails, or a
 * stream that ends at 0 bytes (a cut inside the headers) or begun as a JSON object and not ended as one
 * (a character cut off at its end too), 0 (or false: a falsy value, a failed poll, as its caller reads it).
 */
async function readText(response: FetchResponseLike, max: number, progress: () => void): Promise<string | undefined> {
  // Said too long by its Content-Length: not read at all (16 MiB were read on every retry).
  // (Here and below, the poll's abort lets the body go: its `finally`.)
  // (`+`, not `Number()`, the same number for 4 bytes less; none gives null, 0.)
  if (+(response.headers.get('content-length') as string) > max) return undefined;
  // (A body that is not a web stream is decoded by the fetch given, as it decodes: node-fetch's
  // `text()` puts U+FFFD in place of bytes that are not UTF-8. Decoding them here costs the
  // browser bundle bytes it does not have.)
  if (!isFunction((response.body as WebBody)?.getReader)) {
    const whole = await response.text().catch(cut);
    return whole.length > max ? undefined : whole;
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  // Not UTF-8: a failed poll, as the socket fails (1007) on such a frame; it was delivered with U+FFFD in place of each bad byte (a hostile tester).
  const decoder = new TextDecoder(undefined, { fatal: true }); // (undefined: the default, utf-8)
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(cut);
    progress();
    // Ended at 0 bytes: a connection cut inside the response's headers, which Chromium hands
    // over as a 200 whose body ends cleanly (an `invalid` JSON answer, HTTP 200: tFI F1). A 204
    // has no body stream (it is read above), and no server answers a poll with an empty one.
    // Begun as a JSON object (`{`) and not ended as one (`}`, then white space): a poll response
    // is one JSON object, so a cut where no length frames the body (HTTP/1.0, or neither
    // Content-Length nor chunked), which ends as cleanly (an `invalid` JSON answer, HTTP 200:
    // tFM F2). A body that begins otherwise (an error or login page) is read as it is.
    // The decoder's last call throws (fatal) only for the bytes of a character the cut left
    // unfinished at the end (bytes that are not UTF-8 before the end throw as they are read): in
    // a body begun as `{`, a cut too (it was an `invalid` JSON answer, HTTP 200, for most cuts of
    // a CJK or accented stream: tFS F1; and for one right after a `}`, which the text decoded
    // before it ends in: tGG F2). A body that begins otherwise is read as it is: not UTF-8.
    if (done) {
      try {
        return /^[^{]|}\s*$/.test(text += decoder.decode()) ? text : cut();
      } catch (error) {
        // (false for a body begun as `{`, or 0 from cut() above: both falsy, a cut to the caller.)
        throw /^[^{]/.test(text) && error;
      }
    }
    if ((size += value.byteLength) > max) return undefined;
    text += decoder.decode(value, { stream: true });
  }
}
