/**
 * realtime-contract: the contract of the trading platform's real-time WebSocket protocol.
 *
 * - Types of every message (`TradesMessage`, `TradeData`, `ServerMessage`, `MessageMap`, …),
 *   generated from `schemas/`.
 * - `validateMessage` / `parseMessage`: validators compiled ahead of time, strict for
 *   producers, tolerant for consumers.
 * - `createMessage`, `createPing`, `createPong`, `serializeMessage`: typed builders.
 * - Protocol constants: message types by direction, keepalive timing, WebSocket path.
 *
 * @see websocket-message-schemas.md
 */
export type * from '../generated/types.js';
export type * from '../generated/received-types.js';
export {
  CLIENT_MESSAGE_TYPES,
  ENVELOPE_MESSAGE_TYPES,
  MESSAGE_DIRECTIONS,
  MESSAGE_TYPES,
  PING_INTERVAL_MS,
  PONG_TIMEOUT_MS,
  PROTOCOL_VERSION,
  SERVER_MESSAGE_TYPES,
  WEBSOCKET_PATH,
} from '../generated/contract.js';
export { createMessage, createPing, createPong, MessageValidationError, serializeMessage } from './runtime/builders.js';
export type { BuildOptions, CreateMessageOptions } from './runtime/builders.js';
export { isDateTime } from './runtime/date-time.js';
export type { RejectionReason, ValidationError } from './runtime/errors.js';
export { parseMessage } from './runtime/parse.js';
export { validateMessage } from './runtime/validate.js';
export type { ValidationFailure, ValidationMode, ValidationOptions, ValidationResult, ValidationSuccess } from './runtime/validate.js';
