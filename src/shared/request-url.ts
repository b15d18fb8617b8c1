/*
 * Node-side helpers shared by the server, the dashboard's handler and the CLI (src/shared/: no
 * layer of its own, imported by any).
 */

/**
 * The URL of an HTTP request target (`request.url`), or undefined when it names none. An
 * origin-form target (`/api/ws?token=…`) is read as a path, so `//x/api/ws` is the path
 * `//x/api/ws`, not a host; an absolute-form one (`http://host/api/ws`, from a proxy) as it is.
 * Node's HTTP parser passes targets the URL parser refuses (`//`, `/\\`, `//[`): `new URL` would
 * throw from a request listener and end the process.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target === undefined || target.startsWith('/') ? `http://localhost${target ?? '/'}` : target);
  } catch {
    return undefined;
  }
}

/**
 * Whether a request's `pathname` names the endpoint a server serves at `path` (both paths as
 * {@link requestUrl} reads them): the same path, or it with a trailing slash more or less
 * (`/api/ws/` is `/api/ws`). The client's default poll URL drops the socket URL's trailing
 * slashes, so a socket URL that ends in `/` (`ws://host/api/ws/`) polled and never opened a
 * socket: its every upgrade was a 404, which a browser hides from the page (a fresh tester).
 */
export function samePath(pathname: string | undefined, path: string): boolean {
  return pathname !== undefined && endpointOf(pathname) === endpointOf(path);
}

/** `path` without its one trailing slash (`/` stays `/`): the key {@link samePath} compares. */
export function endpointOf(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** What a served path must be, in words (the server's `path`/`pollPath` errors, generate's of the contract's paths). */
export const AS_A_REQUEST_NAMES_IT = "a path as a request's URL names it (no query, fragment or dot segment; characters escaped as URLs escape them)";

/**
 * Whether `path` is one a request can name as it is: a server compares it with a request's path
 * as {@link requestUrl} reads it, so a query (`/api/ws?x=1`), a fragment, a dot segment
 * (`/api/./poll`) or a character the URL parser escapes (a space) never matched, and a client
 * that asks for it is answered 404. Returns undefined when it can; else `{ read }`, the path a
 * request for it reads as (undefined when no request can name it at all, such as one without a
 * leading `/`). The server's `path` and `pollPath` options and generate's `x-connection.path` and
 * `x-polling.path` are judged by it.
 */
export function unservablePath(path: string): { read: string | undefined } | undefined {
  const read = path.startsWith('/') ? requestUrl(path)?.pathname : undefined;
  return read === path ? undefined : { read };
}
