/**
 * The protocol facts the client acts on, from the generated contract, plus the cursor order.
 * @see websocket-message-schemas.md, protocol v1.1
 * @see generated/docs/messages.md, "Keepalive", "Close codes", "Delivery and resume"
 */
export { CONNECTION_MESSAGE_TYPES, PING_INTERVAL_MS, POLL_HOLD_MS, POLL_PATH, PONG_TIMEOUT_MS, SERVER_MESSAGE_TYPES, WEBSOCKET_PATH } from '../../generated/contract.js';
import { POLL_PATH, RECONNECT_ADVICE, WEBSOCKET_PATH } from '../../generated/contract.js';

/**
 * What the contract's polling path adds to its socket path (`/poll`: `/api/ws/poll` is
 * `/api/ws` + `/poll`; generate refuses a `POLL_PATH` that is not under `WEBSOCKET_PATH`): the
 * client polls its socket URL's path plus this, the server its `path` plus this (server.ts and
 * `listen` read it here: one reading of it).
 */
export const POLL_SUFFIX = POLL_PATH.slice(WEBSOCKET_PATH.replace(/\/+$/, '').length);

/**
 * The reconnect advice of `CLOSE_CODES` (protocol.json `x-close-codes`) for close `code`, read
 * from the contract's `RECONNECT_ADVICE` (its codes whose advice is not `yes`, without their
 * descriptions, which a browser bundle should not carry): with the shipped contract 1000 stays
 * closed, 4401 only with a new token, every other code (and 1006, a dropped connection)
 * reconnects with backoff. A code a contract adds is followed as it advises (a hard-coded list
 * reconnected for ever to a new `no` code: tBD F6).
 */
export function reconnectAdvice(code: number): 'yes' | 'no' | 'with-new-token' {
  return RECONNECT_ADVICE[code] ?? 'yes';
}

/** Whether `value` is a cursor as definitions.json's `Cursor` says: 1 to 128 of RFC 3986's unreserved characters. */
export function isCursor(value: string): boolean {
  return /^[0-9A-Za-z._~-]{1,128}$/.test(value);
}

/**
 * Whether cursor `next` comes after `last` in one stream. Cursors are opaque: the client
 * only orders those it can read as `<epoch>.<position>` (the reference server's form), where
 * the epoch is not a number and the position is digits without a leading zero, within one
 * epoch; positions compare exactly at any length. Any other pair counts as after unless it is
 * an exact repeat: `1705251000.6` (a decimal time, as a server may write one) is not read as
 * position 6. Another epoch counts as after: a new epoch follows a `gap`, which the
 * connection or poll response says (a `connection` without `resume` whose cursor is of another
 * epoch than the client's is told as a `gap` by the client itself).
 *
 * @returns true when `last` is null, or `next` is later (or incomparable and different)
 */
export function isAfter(next: string, last: string | null): boolean {
  if (next === last) return false;
  const a = CURSOR.exec(next);
  // (null, as no cursor, matches nothing: any cursor comes after it)
  const b = CURSOR.exec(last as string);
  // Digit strings without leading zeros: the longer is larger, else the larger text (2^53 and beyond too).
  return !a || !b || a[1] !== b[1] || a[2]!.length > b[2]!.length || (a[2]!.length === b[2]!.length && a[2]! > b[2]!);
}

/** How many of the cursors delivered last the client remembers, to drop a message that repeats one (client.ts writes it as a number, 1000). */
export const RECENT_CURSORS = 1000;

/**
 * What the client does with a message whose cursor is `next` (README, "Resume without
 * duplicates"), for `listen` to check a server against:
 * - `'after'`: delivered; the stream goes on from it.
 * - `'repeat'`: dropped as a duplicate: not after `last`, or one of `recent`, and no sign of
 *   the stream going back.
 * - `'back'`: an ordered cursor before `last` that was never delivered (not in `recent`, after
 *   `evicted`, and after `resumedFrom`): the stream went back; told as a `gap` and delivered.
 *
 * The client's `deliver` (client.ts) writes this rule inline, not as a call: the browser
 * bundle is held under socket.io-client's by a few bytes, and the call cost 12 to 77 more.
 * test/client/listen.test.ts runs both on the same streams, so the two cannot drift apart.
 *
 * @param last the last cursor seen, or null
 * @param recent the last {@link RECENT_CURSORS} cursors delivered ({@link remember})
 * @param evicted the last cursor let go from `recent`, or null
 * @param resumedFrom the cursor a `resumed` answer replays from (or the client's cursor when a
 *   `gap` or `new` answer at or after it, in its epoch, came), until one after it comes, or null
 */
export function judgeCursor(next: string, last: string | null, recent: { has(cursor: string): boolean }, evicted: string | null, resumedFrom: string | null): 'after' | 'repeat' | 'back' {
  if (isAfter(next, last) && !recent.has(next)) return 'after';
  return !recent.has(next) && next !== last && isAfter(next, resumedFrom) && (!evicted || (sameStream(next, evicted) && isAfter(next, evicted))) ? 'back' : 'repeat';
}

/**
 * Adds a delivered cursor to `recent` (oldest first), as the client does after
 * {@link judgeCursor}: after one that went `back`, the positions after it in its stream are the
 * stream's again (forgotten). Keeps at most {@link RECENT_CURSORS}.
 *
 * @returns the cursor let go to keep that bound (the new `evicted`), or null
 */
export function remember<T>(recent: Map<string, T>, cursor: string, value: T, back: boolean): string | null {
  if (back) for (const seen of recent.keys()) if (sameStream(seen, cursor) && isAfter(seen, cursor)) recent.delete(seen);
  recent.set(cursor, value);
  if (recent.size <= RECENT_CURSORS) return null;
  const evicted = recent.keys().next().value!;
  recent.delete(evicted);
  return evicted;
}

/** Whether two cursors are positions of one stream (the same epoch): `e1.3` and `e1.9` are, `e1.3` and `e2.3` are not, nor is anything and null. */
export function sameStream(a: string, b: string | null): boolean {
  const x = CURSOR.exec(a);
  // (null matches nothing: no stream)
  return !!x && x[1] === CURSOR.exec(b as string)?.[1];
}

/**
 * `<epoch>.<position>`: the epoch (group 1), holding something besides digits and dots, and the
 * position (group 2). In linear time: the epoch's first character that is not a digit or a dot
 * is the one `[^\d.]` takes, so nothing is tried twice (`^(.*[^\d.].*)\.…` backtracked
 * quadratically: a hostile server's cursor of 64,000 characters froze the page for seconds).
 * The same verdict on every string without a line terminator, which no cursor holds.
 */
const CURSOR = /^([\d.]*[^\d.].*)\.(0|[1-9]\d*)$/;
