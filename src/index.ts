/**
 * realtime-contract: the contract of the trading platform's real-time WebSocket protocol.
 *
 * - Types of every message (`TradesMessage`, `TradeData`, `ServerMessage`, `MessageMap`, …),
 *   generated from `schemas/`.
 * - `validateMessage` / `parseMessage`: validators compiled ahead of time, strict for
 *   producers, tolerant for consumers.
 * - `createMessage`, `createPing`, `createPong`, `serializeMessage`: typed builders.
 * - Protocol facts: message types by direction and audience, delivery classes, keepalive
 *   timing (ms), WebSocket and polling paths, close codes with reconnect advice, error codes.
 *
 * @see websocket-message-schemas.md
 */
export type * from '../generated/types.js';
export type * from '../generated/received-types.js';
export {
  CLIENT_MESSAGE_TYPES,
  CLOSE_CODES,
  CONNECTION_MESSAGE_TYPES,
  CloseCode,
  ENVELOPE_MESSAGE_TYPES,
  ERROR_CODES,
  ErrorCode,
  GLOBAL_MESSAGE_TYPES,
  MESSAGE_AUDIENCES,
  MESSAGE_DELIVERY,
  MESSAGE_DIRECTIONS,
  MESSAGE_TYPES,
  PING_INTERVAL_MS,
  POLL_HOLD_MS,
  POLL_MAX_MESSAGES,
  POLL_PATH,
  PONG_TIMEOUT_MS,
  PROTOCOL_VERSION,
  SERVER_MESSAGE_TYPES,
  USER_MESSAGE_TYPES,
  WEBSOCKET_PATH,
} from '../generated/contract.js';
export type { Audience, CloseCodeInfo, Delivery, Direction } from '../generated/contract.js';
export { createMessage, createPing, createPong, MessageValidationError, serializeMessage } from './runtime/builders.js';
export type { BuildOptions, CreateMessageOptions } from './runtime/builders.js';
export { isDateTime, isProducerDateTime } from './runtime/date-time.js';
export type { RejectionReason, ValidationError, ValidationErrors } from './runtime/errors.js';
export { parseMessage } from './runtime/parse.js';
export type { Frame } from './runtime/parse.js';
export { validateMessage } from './runtime/validate.js';
export type { ValidationFailure, ValidationMode, ValidationNotice, ValidationOptions, ValidationResult, ValidationSuccess } from './runtime/validate.js';
