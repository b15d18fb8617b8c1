/**
 * realtime-contract/client: the spec's `realtimeClient` for browsers and Node ≥ 20, typed from
 * the contract, with keepalive, backoff with full jitter, the polling fallback and resume by
 * cursor. No runtime dependency: WebSocket and fetch are the platform's, or injected
 * (`ws` on Node 20, which has no global WebSocket).
 *
 * ```ts
 * import realtimeClient from 'realtime-contract/client';
 * realtimeClient.connect(localStorage.getItem('token')!);
 * const stop = realtimeClient.on('trades', (trade, message) => console.log(trade.side, message.ts));
 * realtimeClient.getStatus(); // { mode: 'ws', connected: true, rtt: 12, cursor: '…', … }
 * ```
 *
 * @see websocket-message-schemas.md, "Frontend Usage Example"
 */
import { createRealtimeClient, type RealtimeClient } from './client.js';

export { createRealtimeClient } from './client.js';
export type {
  BackoffOptions,
  ClientFault,
  ClientState,
  FetchLike,
  FetchResponseLike,
  GapEvent,
  InvalidEvent,
  MessageData,
  RealtimeClient,
  RealtimeClientOptions,
  RealtimeEvent,
  RealtimeEventMap,
  RealtimeHandler,
  RealtimeStatus,
  ServerMessageType,
  TokenSource,
  UnknownEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './client.js';
export type { ClientValidationError } from './check.js';

/** The ready instance: this page's host, `WEBSOCKET_PATH`, the platform's WebSocket and fetch. */
const realtimeClient: RealtimeClient = createRealtimeClient();
export default realtimeClient;
