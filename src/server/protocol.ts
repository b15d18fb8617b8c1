/**
 * The protocol facts the server enforces, read from the generated contract. One module, so the
 * rest of the server never cares where a fact comes from.
 */
import {
  CloseCode,
  ErrorCode,
  MESSAGE_AUDIENCES,
  MESSAGE_DELIVERY,
  PING_INTERVAL_MS,
  POLL_HOLD_MS,
  POLL_MAX_MESSAGES,
  POLL_PATH,
  PONG_TIMEOUT_MS,
  WEBSOCKET_PATH,
} from '../../generated/contract.js';
import type { GlobalMessage, MessageType, ServerMessage, UserMessage } from '../../generated/types.js';
import { parsePointer } from '../runtime/json-pointer.js';

export { CloseCode, ErrorCode, MESSAGE_AUDIENCES, MESSAGE_DELIVERY, PING_INTERVAL_MS, POLL_HOLD_MS, POLL_MAX_MESSAGES, POLL_PATH, PONG_TIMEOUT_MS, WEBSOCKET_PATH };
export type { GlobalMessage, UserMessage };

/** `x-audience` of a known type, or undefined for an unknown one. */
export function audienceOf(type: string): 'user' | 'global' | 'connection' | undefined {
  return (MESSAGE_AUDIENCES as Record<string, 'user' | 'global' | 'connection' | undefined>)[type];
}

/**
 * The conflation key of a state message (`x-delivery: { class: "state", key }`): the value at
 * the key's JSON Pointer as a string ('' for a null key: one state per type), or undefined for
 * an event, which is never merged.
 */
export function stateKeyOf(message: ServerMessage): string | undefined {
  const delivery = (MESSAGE_DELIVERY as Record<string, { class: 'event' } | { class: 'state'; key: string | null } | undefined>)[message.type];
  if (delivery === undefined || delivery.class !== 'state') return undefined;
  if (delivery.key === null) return '';
  let value: unknown = message;
  // Unescaped as every JSON Pointer of the package is (runtime/json-pointer.ts): `~1` → `/`, then `~0` → `~`.
  for (const token of parsePointer(delivery.key)) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<string, unknown>)[token];
  }
  return value === undefined || value === null ? '' : String(value);
}

export type { MessageType };
