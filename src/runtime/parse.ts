import type { Message } from '../../generated/types.js';
import { describeSyntaxError } from './json-syntax.js';
import { rejection, validateMessage, type ValidationOptions, type ValidationResult } from './validate.js';

/**
 * Parses one WebSocket frame (or NDJSON line) and validates it: `JSON.parse`, then
 * {@link validateMessage}.
 *
 * @param text the JSON text of one message
 * @returns the same result as `validateMessage`; text that is not JSON gives
 *   `{ ok: false, reason: 'json', errors: [{ keyword: 'json', pointer: '', position, … }] }`
 *   where `position` is the UTF-16 offset where the text stops being JSON. Never throws.
 * @see websocket-message-schemas.md, "Message Structure"
 */
export function parseMessage(text: string, options?: ValidationOptions): ValidationResult<Message> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return rejection('json', () => [describeSyntaxError(text, (error as Error).message)]);
  }
  return validateMessage(value, options);
}
