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
