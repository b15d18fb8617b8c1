/**
 * Serving some requests of an app's HTTP server in front of the app's own `request` listeners,
 * which get every other request, once.
 *
 * One dispatcher per HTTP server, first among its `request` listeners, asks each attached
 * realtime server in turn; a request one of them takes is marked, and every other listener is
 * guarded: it skips a marked request. A listener added later (the app mounted after the realtime
 * server) is guarded as it is added, before any request can reach it. The server's `emit` is
 * left alone, so instrumentation that wraps `Server.prototype.emit` (OpenTelemetry, dd-trace)
 * still sees every request. The earlier designs each lost something: taking the app's listeners
 * at creation (as engine.io does) let a listener added later answer each poll first, silently;
 * wrapping the server's `emit` hid polls from instrumentation and left a chain of closed
 * servers behind on hot reloads.
 *
 * A request with `Expect:` goes to the app's `checkContinue` (or `checkExpectation`) listener,
 * when it has one, instead of `request`: a tracker, put first while the app has one (any listener
 * turns off Node's own 100 Continue), lets the realtime servers see it too.
 *
 * Upgrades go to every `upgrade` listener: {@link addRealtimeServer} lets the realtime servers on
 * one HTTP server know each other's, so that one of them answers an upgrade none of them serves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { samePath } from '../shared/request-url.js';

/** A realtime server's part: `track` sees every request (for an upgrade pipelined behind one); `handle` says whether it answered it. */
export interface Attached {
  track(request: IncomingMessage, response: ServerResponse): void;
  handle(request: IncomingMessage, response: ServerResponse): boolean;
}

type Listener = (...args: unknown[]) => unknown;
/** A guarded listener: `listener` is the app's function, as in a `once` wrapper, so `removeListener(app)` still finds it. */
type Guard = Listener & { listener: Listener; raw: Listener };

interface Dispatcher {
  attached: Set<Attached>;
  dispatch: Listener;
  onNewListener: (event: string | symbol, listener: unknown) => void;
  onRemoveListener: (event: string | symbol) => void;
  /** Put first among `checkContinue` and `checkExpectation` listeners while the app has one. */
  trackExpect: Listener;
  rebuilding: boolean;
  scheduled: boolean;
}

const dispatchers = new WeakMap<EventEmitter, Dispatcher>();
/** Requests a realtime server took: the guarded listeners skip them. */
const taken = new WeakSet<object>();
const guards = new WeakSet<Listener>();
/** The events Node emits instead of `request` for a request with `Expect:`, once the app listens to them. */
const EXPECT_EVENTS = ['checkContinue', 'checkExpectation'] as const;

/**
 * Puts `part` in front of `server`'s `request` listeners, those added later too.
 * @returns what detaches it: the last one detached gives the app's listeners back as they were
 */
export function attachInFront(server: EventEmitter, part: Attached): () => void {
  let dispatcher = dispatchers.get(server);
  if (dispatcher === undefined) {
    const created: Dispatcher = {
      attached: new Set(),
      dispatch: (request, response) => {
        const [req, res] = [request as IncomingMessage, response as ServerResponse];
        for (const each of created.attached) each.track(req, res);
        for (const each of created.attached) {
          if (each.handle(req, res)) {
            taken.add(req);
            return;
          }
        }
      },
      onNewListener: (event, listener) => {
        if ((EXPECT_EVENTS as readonly (string | symbol)[]).includes(event)) {
          if (listener === created.trackExpect) return;
          // Called before the app's listener is added: the tracker goes first.
          if (!server.rawListeners(event).includes(created.trackExpect)) server.prependListener(event, created.trackExpect);
          return;
        }
        if (event !== 'request' || created.rebuilding || created.scheduled) return;
        // Called before the listener is added: guarded right after, before any I/O can bring a request.
        created.scheduled = true;
        queueMicrotask(() => {
          created.scheduled = false;
          if (dispatchers.get(server) === created) rebuild(server, created, true);
        });
      },
      onRemoveListener: (event) => {
        // The app's last one gone: the tracker goes too, and Node sends its own 100 Continue again.
        if (!(EXPECT_EVENTS as readonly (string | symbol)[]).includes(event)) return;
        if (server.rawListeners(event).every((listener) => listener === created.trackExpect)) server.off(event, created.trackExpect);
      },
      trackExpect: (request, response) => {
        for (const each of created.attached) each.track(request as IncomingMessage, response as ServerResponse);
      },
      rebuilding: false,
      scheduled: false,
    };
    dispatcher = created;
    dispatchers.set(server, dispatcher);
    server.on('newListener', dispatcher.onNewListener);
    server.on('removeListener', dispatcher.onRemoveListener);
    for (const event of EXPECT_EVENTS) if (server.listenerCount(event) > 0) server.prependListener(event, dispatcher.trackExpect);
  }
  dispatcher.attached.add(part);
  rebuild(server, dispatcher, true);
  const own = dispatcher;
  return () => {
    own.attached.delete(part);
    if (own.attached.size > 0 || dispatchers.get(server) !== own) return;
    dispatchers.delete(server);
    server.off('newListener', own.onNewListener);
    server.off('removeListener', own.onRemoveListener);
    for (const event of EXPECT_EVENTS) server.off(event, own.trackExpect);
    rebuild(server, own, false);
  };
}

/** The `request` listeners again, in their order: the dispatcher first and the others guarded, or (`active` false) the others as the app gave them. */
function rebuild(server: EventEmitter, dispatcher: Dispatcher, active: boolean): void {
  const others = server.rawListeners('request').filter((listener) => listener !== dispatcher.dispatch) as Listener[];
  const inPlace = active && server.rawListeners('request')[0] === dispatcher.dispatch && others.every((listener) => guards.has(listener));
  if (inPlace) return;
  dispatcher.rebuilding = true;
  try {
    server.removeAllListeners('request');
    if (active) server.on('request', dispatcher.dispatch);
    for (const listener of others) server.on('request', active ? guard(server, listener) : guards.has(listener) ? (listener as Guard).raw : listener);
  } finally {
    dispatcher.rebuilding = false;
  }
}

function guard(server: EventEmitter, raw: Listener): Listener {
  if (guards.has(raw)) return raw;
  // A `once` listener comes wrapped by Node (its function as `.listener`), which removes itself by its own identity: the guard does it instead.
  const wrapped = (raw as Partial<Guard>).listener;
  const guarded = function (this: unknown, request: unknown, ...rest: unknown[]): unknown {
    if (taken.has(request as object)) return undefined;
    if (wrapped !== undefined) {
      server.removeListener('request', guarded);
      return wrapped.call(this, request, ...rest);
    }
    return raw.call(this, request, ...rest);
  } as Guard;
  guarded.listener = wrapped ?? raw;
  guarded.raw = raw;
  guards.add(guarded);
  return guarded;
}

/** A realtime server's `upgrade` listener. */
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A realtime server on an HTTP server, as the others on it know it. */
export interface RealtimeServerEntry {
  /** Its `upgrade` listener. */
  listener: UpgradeListener;
  /** The paths it serves: its `path`, and its `pollPath` or false. */
  path: string;
  pollPath: string | false;
  /** Whether its upgrade listener answers `request` (its `answersUpgrade`). */
  answers(request: IncomingMessage): boolean;
}

/** The open realtime servers on each HTTP server, in the order they were added: the one registry of them. */
const realtimeServers = new WeakMap<EventEmitter, Set<RealtimeServerEntry>>();

/** Which of `entry`'s options names `pathname` (`path` and `path/` alike, as samePath compares them), if one does. */
function servedAs(entry: RealtimeServerEntry, pathname: string | undefined): 'path' | 'pollPath' | undefined {
  if (samePath(pathname, entry.path)) return 'path';
  return entry.pollPath !== false && samePath(pathname, entry.pollPath) ? 'pollPath' : undefined;
}

/** Which option (`path`, `pollPath`) of an open realtime server on `server` names `pathname`, or undefined when none serves it. */
export function servedPath(server: EventEmitter, pathname: string | undefined): 'path' | 'pollPath' | undefined {
  for (const entry of realtimeServers.get(server) ?? []) {
    const option = servedAs(entry, pathname);
    if (option !== undefined) return option;
  }
  return undefined;
}

/** Whether a realtime server is still open on `server` (attached to it, its upgrade listener on it). */
export function hasRealtimeServers(server: EventEmitter): boolean {
  return (realtimeServers.get(server)?.size ?? 0) > 0;
}

/**
 * Adds a realtime server, `entry`, to `server`'s: its listener to the `upgrade` listeners, its paths
 * to those served.
 * @returns `answersUnserved(pathname)`: whether `entry` is the one to answer an upgrade that no
 *   realtime server on `server` serves (to another path, or, `pathname` undefined, to another
 *   protocol): the first of theirs added, when the app has no `upgrade` listener of its own, so
 *   that two servers on one app's server do not each leave those to the other, holding such an
 *   upgrade unanswered with no timeout. `appListens()`: whether `server` has `upgrade` listeners
 *   other than the realtime servers' (the app's own). `answeredByOne(request)`: whether the
 *   upgrade listener of one of them answers `request`. And `remove()`, which takes `entry` off.
 */
export function addRealtimeServer(server: EventEmitter, entry: RealtimeServerEntry): { answersUnserved(pathname: string | undefined): boolean; appListens(): boolean; answeredByOne(request: IncomingMessage): boolean; remove(): void } {
  let entries = realtimeServers.get(server);
  if (entries === undefined) realtimeServers.set(server, (entries = new Set()));
  const own = entries;
  own.add(entry);
  server.on('upgrade', entry.listener);
  return {
    answersUnserved: (pathname) => {
      // Another's pollPath too: the first refused a WebSocket upgrade to the second's as not-found, and the second again (tAW F2).
      if (servedPath(server, pathname) !== undefined) return false;
      return server.listenerCount('upgrade') === own.size && own.values().next().value === entry;
    },
    appListens: () => server.listenerCount('upgrade') > own.size,
    answeredByOne: (request) => [...own].some((one) => one.answers(request)),
    remove: () => {
      server.off('upgrade', entry.listener);
      own.delete(entry);
      if (own.size === 0 && realtimeServers.get(server) === own) realtimeServers.delete(server);
    },
  };
}

/**
 * Whether a plain request to `pathname` on `server` has someone to answer it: a realtime server's
 * `path` or `pollPath`, or a `request` listener of the app's. Without either, Node holds it
 * unanswered, with no timeout (an upgrade served as a request on a WebSocket-only app: tAW F3).
 */
export function answeredAsRequest(server: EventEmitter, pathname: string | undefined): boolean {
  if (server.listenerCount('request') > (dispatchers.has(server) ? 1 : 0)) return true;
  return servedPath(server, pathname) !== undefined;
}

/** What Node's HTTP parser refused a request for: the reason counted, and the status Node's own answer has. */
export interface ParserRefusal {
  reason: 'headers-too-large' | 'chunk-extensions-too-large' | 'request-timeout' | 'bad-request';
  status: 431 | 413 | 408 | 400;
}

/** The refusal of an error Node's HTTP side refuses a request for (its parser's `HPE_*`, a request timeout), or null for another (a reset connection, a client that closed mid-request). */
function parserRefusal(error: unknown): ParserRefusal | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  // As Node's own answer to each (_http_server.js, socketOnError).
  if (code === 'HPE_HEADER_OVERFLOW') return { reason: 'headers-too-large', status: 431 };
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return { reason: 'chunk-extensions-too-large', status: 413 };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { reason: 'request-timeout', status: 408 };
  // The client closed its side in the middle of a request (its head, or a chunked body): it left, as one that resets does,
  // and sent nothing malformed. It was counted and logged as `bad-request` (a phone changing networks, a slow client giving up: tGU F6).
  if (code === 'HPE_INVALID_EOF_STATE') return null;
  return code.startsWith('HPE_') ? { reason: 'bad-request', status: 400 } : null;
}

/** The realtime servers' `clientError` listeners: each ignores the others' when asking whether the app has one. */
const clientErrorListeners = new WeakSet<Listener>();

/**
 * Calls `onRefused` for each request Node's HTTP parser refuses on `server` (its `clientError`
 * event: a head over `maxHeaderSize`, 431; a malformed request, 400; a request timeout, 408),
 * once each, without changing who answers it. Any `clientError` listener turns Node's own answer
 * off, so none is added while the app has none: each connection's socket is watched instead,
 * which Node destroys with the error once it has answered (`status` then says what it answered).
 * While the app has a listener of its own (which answers instead), one is added beside it, and
 * taken off with the app's last. A connection accepted before this was called is seen only then.
 * `ip` is the peer's address as read when the connection came (the socket Node destroyed has
 * none left to read), or undefined for a socket that never had one.
 * @returns what stops it
 */
export function watchParserRefusals(server: EventEmitter, onRefused: (refusal: ParserRefusal, socket: Duplex, answeredByNode: boolean, ip: string | undefined) => void): () => void {
  const seen = new WeakSet<object>();
  /** Each watched connection's peer address, read while its socket is open. */
  const watched = new WeakMap<object, string | undefined>();
  let stopped = false;
  const report = (error: unknown, socket: Duplex, answeredByNode: boolean): void => {
    // A connection watched before stop() may outlive it (an attached app's keep-alive).
    if (stopped) return;
    const refusal = parserRefusal(error);
    if (refusal === null || seen.has(error as object)) return;
    seen.add(error as object);
    onRefused(refusal, socket, answeredByNode, watched.get(socket) ?? (socket as { remoteAddress?: string }).remoteAddress);
  };
  const onConnection = (socket: Duplex): void => {
    // Node hands a connection whose upgrade offer was ignored in again (ignored-upgrade.ts): watched once.
    if (watched.has(socket)) return;
    // Read now: once Node has answered a refusal and destroyed the socket, its address reads undefined.
    watched.set(socket, (socket as { remoteAddress?: string }).remoteAddress);
    socket.on('error', (error: unknown) => report(error, socket, true));
  };
  const onClientError = ((error: unknown, socket: Duplex) => report(error, socket, false)) as Listener;
  clientErrorListeners.add(onClientError);
  const appListens = (): boolean => server.rawListeners('clientError').some((listener) => !clientErrorListeners.has(listener as Listener));
  const sync = (): void => {
    if (stopped) return;
    const added = server.rawListeners('clientError').includes(onClientError);
    if (appListens() && !added) server.on('clientError', onClientError);
    else if (!appListens() && added) server.off('clientError', onClientError);
  };
  // Called before the app's listener is added (and after one is removed): synced once the change is made.
  const onNewListener = (event: string | symbol, listener: unknown): void => {
    if (event === 'clientError' && !clientErrorListeners.has(listener as Listener)) queueMicrotask(sync);
  };
  const onRemoveListener = (event: string | symbol, listener: unknown): void => {
    if (event === 'clientError' && !clientErrorListeners.has(listener as Listener)) sync();
  };
  server.on('connection', onConnection);
  // An https server's requests are parsed on the TLS socket.
  server.on('secureConnection', onConnection);
  server.on('newListener', onNewListener);
  server.on('removeListener', onRemoveListener);
  sync();
  return () => {
    stopped = true;
    server.off('connection', onConnection);
    server.off('secureConnection', onConnection);
    server.off('newListener', onNewListener);
    server.off('removeListener', onRemoveListener);
    server.off('clientError', onClientError);
  };
}

/**
 * Each connection's peer address on `server`, read as the connection comes (its `connection` and, for
 * https, `secureConnection` event), while the socket surely has one: Node reads `remoteAddress` lazily
 * (getpeername), and after the peer's reset Linux answers ENOTCONN, so a request handled after its client
 * reset read `undefined` (its log lines had no `ip`, and the rate limit counted it in a bucket every such
 * client shared: tGU F2). A connection accepted before this was called is read when first asked, and kept.
 * @returns `addressOf(socket)`, and what stops the watching
 */
export function watchPeerAddresses(server: EventEmitter): { addressOf(socket: object): string | undefined; stop(): void } {
  const addresses = new WeakMap<object, string>();
  const read = (socket: object): string | undefined => {
    const known = addresses.get(socket);
    if (known !== undefined) return known;
    const address = (socket as { remoteAddress?: string }).remoteAddress;
    if (address !== undefined) addresses.set(socket, address);
    return address;
  };
  const onConnection = (socket: object): void => void read(socket);
  server.on('connection', onConnection);
  server.on('secureConnection', onConnection);
  return {
    addressOf: read,
    stop: () => {
      server.off('connection', onConnection);
      server.off('secureConnection', onConnection);
    },
  };
}
