import type { ReceivedMessage, ReceivedServerMessage } from '../../generated/received-types.js';
import type { ClientMessage, Message, ServerMessage } from '../../generated/types.js';
import { preview, thrownText, validationError, type ValidationErrors } from './errors.js';
import { describeSyntaxError } from './json-syntax.js';
import { checkValidationOptions, failure, PARSE_CALL, validateMessage, type ValidationOptions, type ValidationResult } from './validate.js';

/**
 * One frame as a socket delivers it: text, or UTF-8 bytes. Covers Node `ws`'s `RawData`
 * (`Buffer`, `ArrayBuffer`, or `Buffer[]` for a fragmented message) and a browser
 * `MessageEvent.data` on a socket with `binaryType = 'arraybuffer'` (a `Blob`, the browser
 * default, cannot be read synchronously: it is rejected with a `json` error that says so).
 */
export type Frame = string | ArrayBuffer | ArrayBufferView | readonly ArrayBufferView[];

/**
 * Parses one WebSocket frame (or NDJSON line) and validates it: UTF-8 decoding for bytes,
 * `JSON.parse`, then `validateMessage` with the same options.
 *
 * Typed by its options: in tolerant mode, or with a mode known only at run time (options a
 * wrapper passes through, `undefined` included), the message as a consumer receives it
 * (`Received…` types: closed lists open; with `direction: 'server-to-client'`, as a client
 * receives it); in strict mode, `Message`, or `ServerMessage` / `ClientMessage` by direction.
 * (This one doc serves every overload: the editor shows it whichever one a call resolves to.)
 *
 * @param frame the JSON text of one message, or its UTF-8 bytes. A byte-order mark is a `json`
 *   error either way (RFC 8259 §8.1: networked JSON has none; a browser's `JSON.parse` refuses
 *   it), so a frame gets the same verdict as bytes on a server as it does as text in a browser.
 * @returns the same result as `validateMessage`; a frame that is not JSON gives
 *   `{ ok: false, reason: 'json', errors: [{ keyword: 'json', pointer: '', position, … }] }`
 *   where `position` is the UTF-16 offset where the text stops being JSON, and bytes that are
 *   not UTF-8 give a `json` error whose `byteOffset` is the first invalid byte; a frame that is
 *   neither text nor bytes, or that throws when read (a detached ArrayBuffer, a Proxy whose
 *   traps throw), or bytes too many to decode as one string (V8's longest is 2^29 - 24
 *   characters, about 512 MiB), a `json` error too. Never throws, whatever `frame` is.
 * @throws TypeError only for invalid `options` (see `validateMessage`), whatever the frame: one
 *   that is not JSON included; its message starts `parseMessage(frame, options?): `
 * @see websocket-message-schemas.md, "Message Structure"
 */
export function parseMessage(frame: Frame, options: ValidationOptions & { direction: 'client-to-server' }): ValidationResult<ClientMessage>;
export function parseMessage(frame: Frame, options: ValidationOptions & { direction: 'server-to-client'; mode?: 'strict' | undefined }): ValidationResult<ServerMessage>;
export function parseMessage(frame: Frame, options: ValidationOptions & { direction: 'server-to-client' }): ValidationResult<ReceivedServerMessage>;
export function parseMessage(frame: Frame, options?: ValidationOptions & { mode?: 'strict' | undefined }): ValidationResult;
export function parseMessage(frame: Frame, options?: ValidationOptions): ValidationResult<ReceivedMessage>;
export function parseMessage(frame: Frame, options?: ValidationOptions): ValidationResult<Message | ReceivedMessage> {
  let text: string;
  if (typeof frame === 'string') {
    text = frame;
  } else {
    const decoded = decode(frame);
    if (typeof decoded !== 'string') {
      // Options are checked by validateMessage; a frame that never gets there has them checked
      // here, so a bad option throws whatever the frame (a valid frame pays nothing more).
      checkValidationOptions(options, PARSE_CALL);
      return failure('json', decoded);
    }
    text = decoded;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    checkValidationOptions(options, PARSE_CALL);
    return failure('json', [describeSyntaxError(text, (error as Error).message)]);
  }
  if (options === undefined) return validateMessage(value);
  try {
    return validateMessage(value, options);
  } catch (error) {
    // validateMessage throws for its options alone: said again in parseMessage's name (the bench's
    // `{ mode: 'strict' }` call pays no second check).
    checkValidationOptions(options, PARSE_CALL);
    throw error;
  }
}

let utf8: TextDecoder | undefined;

/** The text of a binary frame, or why there is none. */
function decode(frame: unknown): string | ValidationErrors {
  let bytes: Uint8Array;
  try {
    bytes = toBytes(frame);
  } catch (error) {
    // A detached ArrayBuffer, a Proxy whose traps throw: a frame that cannot be read is no JSON text either.
    return [validationError('', 'json', FRAME, `a frame that throws when read (${thrownText(error)})`)];
  }
  if (bytes === NOT_BYTES) {
    const blob = typeof Blob === 'function' && isBlob(frame);
    return [
      validationError('', 'json', FRAME, blob ? 'a Blob' : safePreview(frame),
        blob ? "set the browser WebSocket's binaryType = 'arraybuffer' so binary frames arrive as ArrayBuffer" : undefined),
    ];
  }
  try {
    return (utf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(bytes);
  } catch {
    let offset: number;
    try {
      offset = firstInvalidUtf8(bytes);
    } catch (error) {
      // Longer than the longest string the engine makes (V8: 2^29 - 24 characters): the lenient
      // decoder throws as the strict one did, "Cannot create a string longer than …" (a fresh user).
      return [validationError('', 'json', 'UTF-8 text short enough for one string', `a frame of ${bytes.length} bytes, too large to decode as a string (${thrownText(error)})`)];
    }
    return [
      {
        ...validationError('', 'json', 'UTF-8 text', `the byte 0x${(bytes[offset] ?? 0).toString(16).toUpperCase()} at byte offset ${offset}, which is not UTF-8`),
        byteOffset: offset,
      },
    ];
  }
}

const NOT_BYTES = new Uint8Array(0);

/** What a frame must be: the `expected` of a frame that is neither text nor bytes, or cannot be read. */
const FRAME = 'JSON text: a string, or UTF-8 bytes (ArrayBuffer, Uint8Array, Buffer, or an array of them)';

function toBytes(frame: unknown): Uint8Array {
  if (typeof frame !== 'object' || frame === null) return NOT_BYTES;
  // ArrayBuffer.isView reads an internal slot: no Proxy trap runs. `instanceof` would.
  if (ArrayBuffer.isView(frame)) return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  if (Array.isArray(frame)) {
    // An array of anything but bytes (strings, numbers) is not a frame: said as such, not as a value that throws.
    if (!frame.every((chunk: unknown) => ArrayBuffer.isView(chunk))) return NOT_BYTES;
    const chunks = (frame as ArrayBufferView[]).map((chunk) => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (chunks.length === 1) return chunks[0]!;
    const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return joined;
  }
  if (Object.prototype.toString.call(frame) === '[object ArrayBuffer]') return new Uint8Array(frame as ArrayBuffer);
  return NOT_BYTES;
}

function isBlob(frame: unknown): boolean {
  try {
    return frame instanceof Blob;
  } catch {
    return false;
  }
}

function safePreview(value: unknown): string {
  try {
    return preview(value);
  } catch {
    return 'a value that throws when read';
  }
}

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence, once the strict decoder
 * has refused the bytes: the lenient decoder turns it into U+FFFD, and the valid text before
 * it re-encodes to exactly the bytes before it. A U+FFFD that was in the bytes (EF BF BD) is
 * skipped. Linear: each stretch of text is encoded once (re-encoding the whole prefix at each
 * U+FFFD took 38 s on a 469 KiB frame of them: a fresh user).
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes);
  const encoder = new TextEncoder();
  let offset = 0;
  let from = 0;
  for (let index = text.indexOf('\uFFFD'); index !== -1; index = text.indexOf('\uFFFD', from)) {
    offset += encoder.encode(text.slice(from, index)).length;
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    offset += 3;
    from = index + 1;
  }
  return 0;
}
