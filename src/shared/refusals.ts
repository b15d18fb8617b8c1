/**
 * The reference server's refusals of an upgrade or a poll, before any socket or PollResponse: each
 * answered with its HTTP `status` and the body `{"error":<code>}` (plus a `detail` for a person where
 * there is more to say), the code the one a client switches on (README "Before the upgrade:
 * refusals"). The server counts its own ones by code (`OWN_REFUSALS`, src/server/server.ts), and
 * the AsyncAPI document lists them all (`info.x-refusal-codes`, the polling fallback's `PollRefusal`
 * message), so a client generated from it tells `no-token` (resend with `?token=`) from
 * `invalid-token` (stop) (tBK F5).
 */
export interface Refusal {
  /** The body's `error`, kebab-case. */
  code: string;
  /** The HTTP status it is answered with. */
  status: number;
  /** Which requests get it: the WebSocket upgrade, the poll, or both (a plain request to the socket's path has answers of its own, such as 426 `upgrade-required`: README). */
  on: readonly ('upgrade' | 'poll')[];
  /** Whether the server makes it itself once the request is for it (origin, rate, token, store): counted in `stats()` whatever an `authenticate` hook's own reasons filled. */
  own: boolean;
  /** What it means, and what a client does. */
  description: string;
}

const BOTH = ['upgrade', 'poll'] as const;

/** Every refusal the reference server answers an upgrade or a poll with, by status, then code. */
export const REFUSALS: readonly Refusal[] = [
  { code: 'bad-handshake', status: 400, on: ['upgrade'], own: false, description: 'A malformed WebSocket handshake (a missing or bad `Sec-WebSocket-Key`, an unsupported `Sec-WebSocket-Version`). Fix the client; do not retry as is.' },
  { code: 'bad-request-target', status: 400, on: BOTH, own: false, description: 'A request target no URL parser reads. Fix the client; do not retry as is.' },
  { code: 'invalid-token', status: 401, on: BOTH, own: true, description: 'A malformed or badly signed token, one with a wrong claim, or one the `authenticate` hook refused. Retry only with a new token.' },
  { code: 'no-token', status: 401, on: BOTH, own: true, description: 'No token: neither the `token` query parameter nor `Authorization: Bearer`. A client that sent the header resends with `?token=` (a proxy dropped `Authorization`).' },
  { code: 'token-expired', status: 401, on: BOTH, own: true, description: 'The token expired. Retry only with a new token.' },
  { code: 'origin', status: 403, on: BOTH, own: true, description: 'The `Origin` is not allowed. Do not retry.' },
  { code: 'not-found', status: 404, on: BOTH, own: false, description: 'No WebSocket or poll at this path. Fix the path (the contract\'s `x-connection.path`, `x-polling.path`).' },
  { code: 'websocket-off', status: 404, on: ['upgrade'], own: false, description: 'The server has WebSocket off (the reference server\'s `webSocket: false`). Poll instead; do not retry the upgrade.' },
  { code: 'method-not-allowed', status: 405, on: BOTH, own: false, description: 'A method other than GET (a poll also takes HEAD). `Allow` names the methods.' },
  { code: 'poll-answers-unread', status: 429, on: ['poll'], own: true, description: "This user's poll answers not yet read (a tab of the user that does not read its page) left no room for this poll's page, a `gap` or `new` one, for the whole of its hold (a `resumed` page is answered 200 with no message instead). Retry with the same token and cursor after `Retry-After` (seconds), connected: nothing is lost." },
  { code: 'rate-ip', status: 429, on: BOTH, own: true, description: 'Too many attempts from this address. Retry after `Retry-After` (seconds).' },
  { code: 'rate-user', status: 429, on: BOTH, own: true, description: "Too many upgrades or polls of this token's user. Retry after `Retry-After` (seconds)." },
  { code: 'too-many-sockets', status: 429, on: ['upgrade'], own: true, description: 'This user has as many sockets open as the server allows. Retry after `Retry-After` (seconds), or close one.' },
  { code: 'headers-too-large', status: 431, on: BOTH, own: false, description: 'Request headers too large. Fix the request; do not retry as is.' },
  { code: 'internal-error', status: 500, on: ['poll'], own: false, description: 'The server failed to answer the poll (a store read failed while the store said it was up). Retry with the same token and cursor, with backoff.' },
  { code: 'authenticate-timeout', status: 503, on: BOTH, own: true, description: 'The server could not check the token in time. Retry with the same token after `Retry-After` (seconds).' },
  { code: 'jwks-unavailable', status: 503, on: BOTH, own: true, description: 'The server cannot fetch the key set to check the token. Retry with the same token after `Retry-After` where given, else with backoff.' },
  { code: 'shutting-down', status: 503, on: BOTH, own: true, description: 'The server is shutting down. Retry with the same token, with backoff (another instance may answer).' },
  { code: 'store-unavailable', status: 503, on: BOTH, own: true, description: 'The server cannot read its stream store now. Retry with the same token after `Retry-After` (seconds).' },
];
