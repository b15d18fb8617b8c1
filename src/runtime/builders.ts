import type { EnvelopeMessageType, Message, MessageDataMap, MessageMap, PingMessage, PongMessage } from '../../generated/types.js';
import type { ValidationError } from './errors.js';
import { parseMessage } from './parse.js';
import { validateMessage } from './validate.js';

/** Options of {@link createMessage}. */
export interface CreateMessageOptions {
  /** The envelope's `ts`: a Date, or an RFC 3339 string used as given. Default: now, as UTC with milliseconds. */
  ts?: Date | string;
  /** Validate the built message strictly and throw {@link MessageValidationError} when it is invalid. Default false. */
  validate?: boolean;
}

/** Options of the builders that only validate. */
export interface BuildOptions {
  /** Validate strictly and throw {@link MessageValidationError} when invalid. Default false. */
  validate?: boolean;
}

/**
 * Thrown by a builder called with `{ validate: true }` on a message the contract rejects.
 * `message` names each pointer and fault: `invalid trades message: /data/side expected one
 * of "buy", "sell", got "hold"`.
 */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';

  constructor(
    /** The message type, or undefined when the value has no string `type`. */
    readonly type: string | undefined,
    /** Why, as `validateMessage` gives it: the first fault found. */
    readonly errors: ValidationError[],
  ) {
    super(`invalid ${type ?? 'untyped'} message: ${errors.map((error) => `${error.pointer || '(root)'} ${error.message}`).join('; ')}`);
  }
}

/**
 * Builds a `{ type, data, ts }` message, typed by `type`: `createMessage('trades', tradeData)`
 * is a `TradesMessage`. Stamps `ts` with the current time (RFC 3339, UTC, milliseconds:
 * `2026-01-14T16:30:00.000Z`) unless `options.ts` is given.
 *
 * @throws MessageValidationError with `{ validate: true }` when the message is invalid
 * @throws RangeError when `options.ts` is an invalid Date
 * @see websocket-message-schemas.md, "Message Structure"
 */
export function createMessage<T extends EnvelopeMessageType>(type: T, data: MessageDataMap[T], options?: CreateMessageOptions): MessageMap[T] {
  const ts = options?.ts === undefined ? new Date().toISOString() : typeof options.ts === 'string' ? options.ts : options.ts.toISOString();
  const message = { type, data, ts } as unknown as MessageMap[T];
  return options?.validate ? checked(message) : message;
}

/**
 * Builds a keepalive `ping` (flat: no `data`, no `ts`).
 *
 * @param timestamp milliseconds since the Unix epoch; default `Date.now()`
 * @throws MessageValidationError with `{ validate: true }` when `timestamp` is not a non-negative integer
 * @see websocket-message-schemas.md, "2. Keepalive"
 */
export function createPing(timestamp: number = Date.now(), options?: BuildOptions): PingMessage {
  const message: PingMessage = { type: 'ping', timestamp };
  return options?.validate ? checked(message) : message;
}

/**
 * Builds the `pong` that answers a ping: it echoes the ping's `timestamp` (milliseconds since
 * the Unix epoch), so the server can match it and measure the round trip.
 *
 * @param pingOrTimestamp the ping being answered, or its timestamp in milliseconds
 * @throws MessageValidationError with `{ validate: true }` when the timestamp is not a non-negative integer
 * @see websocket-message-schemas.md, "2. Keepalive"
 */
export function createPong(pingOrTimestamp: PingMessage | number, options?: BuildOptions): PongMessage {
  const timestamp = typeof pingOrTimestamp === 'number' ? pingOrTimestamp : pingOrTimestamp.timestamp;
  const message: PongMessage = { type: 'pong', timestamp };
  return options?.validate ? checked(message) : message;
}

/**
 * Turns a message into the JSON text of one WebSocket frame. With `{ validate: true }` the
 * text itself is validated, so what fails is what would go on the wire (a field JSON drops,
 * such as an inherited or non-enumerable one, counts as missing).
 *
 * @throws MessageValidationError with `{ validate: true }` when the frame is invalid
 */
export function serializeMessage(message: Message, options?: BuildOptions): string {
  const text = JSON.stringify(message);
  if (options?.validate) {
    const result = parseMessage(text ?? String(text), { mode: 'strict' });
    if (!result.ok) throw new MessageValidationError(messageType(message), result.errors);
  }
  return text;
}

function checked<M>(message: M): M {
  const result = validateMessage(message, { mode: 'strict' });
  if (result.ok) return message;
  throw new MessageValidationError(messageType(message), result.errors);
}

function messageType(message: unknown): string | undefined {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : undefined;
}
