/**
 * Which HTTP status the dashboard's header gives as the reason it is offline. The client keeps
 * `lastHttpStatus` after a success and after failures that have none (a dropped socket, a
 * server that is down), so that a status does not come and go with each probe; shown as is,
 * a `408` from polls that timed out before 4 working sessions was the reason read for 9
 * minutes, while the server was down (connection refused: no HTTP answer at all; a fresh tester).
 */
import type { RealtimeStatus } from '../client.js';

/**
 * A reader of successive statuses (each `status` event, or `getStatus()`, in order): it gives
 * `lastHttpStatus` when it belongs to the failures since the client was last connected (it
 * changed since then: in a browser, a poll's status, an upgrade's being hidden from the page),
 * or the status that refused the token while `unauthorized`; else null. The same status again
 * after a connection (a `503` before it and after it) cannot be told from the kept one, and is
 * not given: the header says less then, never something of the past.
 */
export function httpReason(): (status: RealtimeStatus) => number | null {
  /** `lastHttpStatus` when the client was last connected (or when it was last null). */
  let before: number | null = null;
  return (status) => {
    if (status.mode !== 'offline' || status.lastHttpStatus === null) before = status.lastHttpStatus;
    return status.lastHttpStatus !== before || status.state === 'unauthorized' ? status.lastHttpStatus : null;
  };
}
