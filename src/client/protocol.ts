/**
 * The protocol facts the client acts on, from the generated contract, plus the cursor order.
 * @see websocket-message-schemas.md, protocol v1.1 (PLAN.md "Wire")
 */
export { PING_INTERVAL_MS, PONG_TIMEOUT_MS, WEBSOCKET_PATH } from '../../generated/contract.js';
// TEMPORARY until protocol v1.1 lands in generated/contract.ts (PLAN.md): same names and values.
export const POLL_PATH = '/api/ws/poll';
export const CLOSE_CODES: Record<number, { reconnect: 'yes' | 'no' | 'with-new-token' }> = {
  1000: { reconnect: 'no' }, 1001: { reconnect: 'yes' }, 1008: { reconnect: 'yes' }, 1009: { reconnect: 'yes' },
  1011: { reconnect: 'yes' }, 1013: { reconnect: 'yes' }, 4401: { reconnect: 'with-new-token' }, 4408: { reconnect: 'yes' },
  4410: { reconnect: 'yes' }, 4429: { reconnect: 'yes' },
};

/** What a cursor may look like (definition `Cursor`): 1–128 URL-safe characters. */
export const CURSOR = /^[\w.~-]{1,128}$/;

/**
 * Whether cursor `next` comes after `last` in one stream. Cursors are opaque: the client
 * only orders those it can read as `<epoch>.<digits>` (the reference server's form) within
 * one epoch, and otherwise only refuses an exact repeat of the last one. Another epoch
 * counts as after: a new epoch follows a `gap`, which the connection or poll response says.
 *
 * @returns true when `last` is null, or `next` is later (or incomparable and different)
 */
export function isAfter(next: string, last: string | null): boolean {
  if (last === null) return true;
  if (next === last) return false;
  const a = /^(.*)\.(\d+)$/.exec(next);
  const b = /^(.*)\.(\d+)$/.exec(last);
  if (!a || !b || a[1] !== b[1]) return true;
  const x = a[2]!.replace(/^0+/, '');
  const y = b[2]!.replace(/^0+/, '');
  return x.length !== y.length ? x.length > y.length : x > y;
}
