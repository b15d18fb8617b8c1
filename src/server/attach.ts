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
 * at creation (as engine.io does) let a listener added later answer each poll first, silently
 * (a hostile tester); wrapping the server's `emit` hid polls from instrumentation and left a
 * chain of closed servers behind on hot reloads (a reviewer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';

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
  onNewListener: (event: string | symbol) => void;
  rebuilding: boolean;
  scheduled: boolean;
}

const dispatchers = new WeakMap<EventEmitter, Dispatcher>();
/** Requests a realtime server took: the guarded listeners skip them. */
const taken = new WeakSet<object>();
const guards = new WeakSet<Listener>();

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
      onNewListener: (event) => {
        if (event !== 'request' || created.rebuilding || created.scheduled) return;
        // Called before the listener is added: guarded right after, before any I/O can bring a request.
        created.scheduled = true;
        queueMicrotask(() => {
          created.scheduled = false;
          if (dispatchers.get(server) === created) rebuild(server, created, true);
        });
      },
      rebuilding: false,
      scheduled: false,
    };
    dispatcher = created;
    dispatchers.set(server, dispatcher);
    server.on('newListener', dispatcher.onNewListener);
  }
  dispatcher.attached.add(part);
  rebuild(server, dispatcher, true);
  const own = dispatcher;
  return () => {
    own.attached.delete(part);
    if (own.attached.size > 0 || dispatchers.get(server) !== own) return;
    dispatchers.delete(server);
    server.off('newListener', own.onNewListener);
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
