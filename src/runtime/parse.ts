import type { ReceivedMessage } from '../../generated/received-types.js';
import type { Message } from '../../generated/types.js';
import { preview, validationError } from './errors.js';
import { describeSyntaxError } from './json-syntax.js';
import { rejection, validateMessage, type ValidationOptions, type ValidationResult } from './validate.js';

/**
 * Parses one WebSocket frame (or NDJSON line) and validates it: `JSON.parse`, then
 * {@link validateMessage}.
 *
 * @param frame the JSON text of one message: a string, or UTF-8 bytes as a browser
 *   WebSocket with `binaryType = 'arraybuffer'` or Node's `ws` delivers them (ArrayBuffer,
 *   Uint8Array, Buffer, any ArrayBuffer view)
 * @returns the same result as `validateMessage`; a frame that is not JSON gives
 *   `{ ok: false, reason: 'json', errors: [{ keyword: 'json', pointer: '', position, … }] }`
 *   where `position` is the UTF-16 offset where the text stops being JSON. Never throws.
 * @see websocket-message-schemas.md, "Message Structure"
 */
export function parseMessage(frame: string | ArrayBuffer | ArrayBufferView, options?: ValidationOptions & { mode?: 'strict' }): ValidationResult<Message>;
/** Tolerant mode (or a mode not known until run time): the message as a consumer receives it, closed lists open. */
export function parseMessage(frame: string | ArrayBuffer | ArrayBufferView, options: ValidationOptions): ValidationResult<ReceivedMessage>;
export function parseMessage(frame: string | ArrayBuffer | ArrayBufferView, options?: ValidationOptions): ValidationResult<Message> | ValidationResult<ReceivedMessage> {
  const text = typeof frame === 'string' ? frame : decode(frame);
  if (text === undefined) {
    return rejection('json', () => [validationError('', 'json', 'JSON text (a string, ArrayBuffer or Uint8Array)', preview(frame))]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return rejection('json', () => [describeSyntaxError(text, (error as Error).message)]);
  }
  return validateMessage(value, options ?? {});
}

let utf8: TextDecoder | undefined;

function decode(frame: unknown): string | undefined {
  if (frame instanceof ArrayBuffer) return (utf8 ??= new TextDecoder()).decode(frame);
  if (ArrayBuffer.isView(frame)) return (utf8 ??= new TextDecoder()).decode(frame);
  return undefined;
}
