/**
 * An upgrade to a protocol other than WebSocket (`Upgrade: h2c`, which `curl --http2` and Java's
 * HttpClient offer on every `http://` request), ignored as RFC 9110 7.8 lets a server do: the
 * request is served as the plain HTTP request it also is.
 *
 * Node 20 hands every request that offers an upgrade to the server's `upgrade` listeners once it
 * has one, its HTTP parser detached from the connection. So the request goes back to Node's HTTP
 * side whole: its head, without the offer, ahead of what the client sent after it (a body, a next
 * request), on the same connection, injected as the `connection` event's documentation allows.
 * Node then parses and serves it as any other, keep-alive, timeouts and body included; a
 * ServerResponse made up for the request already parsed would have no parser left to read its
 * body or the connection's next request. (Node 24.9's `shouldUpgradeCallback` decides this inside
 * the parser.)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-7.8
 */
import type { IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

/** Whether `request` offers WebSocket among its `Upgrade` protocols (RFC 6455 4.1: compared case-insensitively). */
export function offersWebSocket(request: IncomingMessage): boolean {
  return (request.headers.upgrade ?? '').split(',').some((protocol) => protocol.trim().toLowerCase() === 'websocket');
}

/** The rawHeaders entries Node's parser keeps under `maxHeadersCount` (Infinity: all). */
function entriesKept(count: unknown): number {
  // Node's own arithmetic (_http_server.js): rawHeaders holds a name and a value per line, and its
  // parser keeps `maxHeadersCount << 1` entries of them, 2000 while it is unset; 0 or less keeps all.
  // Compared with the lines themselves, a limit that was set refused heads of half of it (a hostile tester).
  const entries = typeof count === 'number' ? count << 1 : 2000;
  return entries > 0 ? entries : Infinity;
}

/** Each connection's limit, as its parser was given it when Node accepted it (or was handed it again). */
const limitAtAccept = new WeakMap<object, number>();

/**
 * Has each connection `server` accepts from now on remember the header limit its parser was
 * given then: Node sets it per connection, as it accepts it, from `maxHeadersCount` at that time.
 * Read at request time only, a limit raised while a keep-alive connection was open (a config
 * reload) let a head cut at the old one be rebuilt without its Content-Length, its body then a
 * request of its own (request smuggling). Both events: an https server's parser starts on `secureConnection`.
 * @returns what stops it
 */
export function watchHeaderLimits(server: EventEmitter): () => void {
  const record = (socket: object): void => {
    limitAtAccept.set(socket, entriesKept((server as { maxHeadersCount?: number | null }).maxHeadersCount));
  };
  server.on('connection', record);
  server.on('secureConnection', record);
  return () => {
    server.off('connection', record);
    server.off('secureConnection', record);
  };
}

/**
 * Whether Node may have cut `request`'s head: whether it has as many header lines as `server`
 * keeps (`maxHeadersCount`; 1000 while unset, none when 0), or more. Node keeps that many in
 * `headers` and rawHeaders, but reads the body by all of them: a Content-Length past the cut,
 * left out of a rebuilt head, made the body a request of its own, behind a proxy that checked
 * the first one's path (a reviewer: request smuggling). A head of exactly that many is not told
 * apart from a cut one. The limit is the lower of the one the connection's parser was given
 * ({@link watchHeaderLimits}) and the current one, in case the connection was accepted before
 * it was watched.
 */
export function headMayBeCut(server: EventEmitter, request: IncomingMessage): boolean {
  const current = entriesKept((server as { maxHeadersCount?: number | null }).maxHeadersCount);
  const entries = Math.min(current, limitAtAccept.get(request.socket) ?? Infinity);
  return request.rawHeaders.length >= entries;
}

/**
 * Has `server` serve `request`, received by its `upgrade` listeners, as a plain request on
 * `socket`: the app's `request` listeners (or this server's paths) answer it, and the connection
 * goes on as HTTP/1.1. Call it at once, in the `upgrade` listener, with the `head` it was given.
 * A socket that cannot take the request back (already ended) is destroyed.
 * @returns false when it refused the request instead, its head one Node may have cut
 *   ({@link headMayBeCut}): answered 431 and its connection closed (the caller counts it); true otherwise
 */
export function serveIgnoringUpgrade(server: EventEmitter, request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
  if (headMayBeCut(server, request)) {
    // Destroyed once written: the parser is detached, so no timeout would end a peer that keeps its side open.
    socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
    return false;
  }
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [name, value] = [raw[i]!, raw[i + 1]!];
    if (/^upgrade$/i.test(name)) continue;
    if (/^connection$/i.test(name)) {
      // Its other options stay (keep-alive, HTTP2-Settings): only the offer goes.
      const kept = value.split(',').map((option) => option.trim()).filter((option) => option !== '' && option.toLowerCase() !== 'upgrade');
      if (kept.length > 0) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  try {
    // Node reads a header's bytes as Latin-1: written back the same, byte for byte.
    socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
    // An https server's HTTP side listens on `secureConnection`: `connection` there would start TLS again.
    server.emit((socket as { encrypted?: boolean }).encrypted === true ? 'secureConnection' : 'connection', socket);
  } catch {
    socket.destroy();
  }
  return true;
}
