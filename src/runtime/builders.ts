import { ENVELOPE_MESSAGE_TYPES } from '../../generated/contract.js';
import type { EnvelopeMessageType, Message, MessageDataMap, MessageMap, PingMessage, PongMessage } from '../../generated/types.js';
import { checkPingMessage, checkPongMessage, type CompiledValidatorError } from '../../generated/validators.js';
import { checkOptionsObject, describeFlatError, describeThrown, describeThrownAt, inertBare, nearestName, preview, thrownText, validationError, type ValidationErrors } from './errors.js';
import { escapeToken } from './json-pointer.js';
import { findLoneSurrogates, loneSurrogateError } from './lone-surrogates.js';
import { parseMessage } from './parse.js';
import { validateMessage } from './validate.js';

/** Options of {@link createMessage}. */
export interface CreateMessageOptions {
  /**
   * The envelope's `ts`: a Date (of the years 0001 to 9999, UTC), or an RFC 3339 string used as
   * given. Without `{ validate: true }` only the string's form is checked (a RangeError
   * otherwise): upper-case T and Z, a UTC offset, month 01 to 12, day 01 to 31, time to 23:59:59
   * or 24:00:00, as `Date.parse` reads it; not the calendar: `2026-02-30T00:00:00Z`, year 0000 and
   * hour 24 are built as given, and strict validation (`{ validate: true }`, which checks the date
   * whole, or a consumer's) refuses them. Default: now, as UTC with milliseconds.
   */
  ts?: Date | string | undefined;
  /**
   * Validate the built message strictly, and check that it has no `NaN` or `±Infinity`
   * anywhere (JSON would write `null`) and no string with half a UTF-16 surrogate pair alone
   * (UTF-8 cannot carry it), and throw {@link MessageValidationError} when it is invalid.
   * Default false.
   */
  validate?: boolean | undefined;
}

/** Options of the builders that only validate. */
export interface BuildOptions {
  /** Validate strictly (no `NaN` or `±Infinity` anywhere either; the keepalive builders take numbers only) and throw {@link MessageValidationError} when invalid. Default false. */
  validate?: boolean | undefined;
}

/**
 * Thrown by a builder called with `{ validate: true }` on a message the contract rejects.
 * `message` names each pointer and fault: `invalid trades message: /data/side expected one
 * of "buy", "sell", got "hold"`; a type or pointer is shown there as inside a JSON string, its
 * control and invisible characters (format characters, U+2028/9, default-ignorable code points,
 * half a surrogate pair) escaped (`/data/x\n` for a key holding a newline, `\u202e`), `"` and
 * `\` as `\"` and `\\`, other characters as they are (`/data/ключ`), a pointer cut at 200
 * UTF-16 code units (a character past U+FFFF counts two; never between its halves), so the text stays one line in a log and hides nothing. `type` and each error's `pointer` hold
 * them as they are.
 */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';

  constructor(
    /** The message type, or undefined when the value has no string `type`. */
    readonly type: string | undefined,
    /** Why, as `validateMessage` gives it: the first fault found. */
    readonly errors: ValidationErrors,
  ) {
    // The type and pointers come from the value (its keys): escaped here, as each error's own `message` is.
    super(`invalid ${typeof type === 'string' ? inertBare(type, 60) : 'untyped'} message: ${errors.map((error) => `${error.pointer ? inertBare(error.pointer, 200) : '(root)'} ${error.message}`).join('; ')}`);
  }
}

/**
 * Builds a `{ type, data, ts }` message, typed by `type`: `createMessage('trades', tradeData)`
 * is a `TradesMessage`. Stamps `ts` with the current time (RFC 3339, UTC, milliseconds:
 * `2026-01-14T16:30:00.000Z`) unless `options.ts` is given.
 *
 * @throws MessageValidationError with `{ validate: true }` when the message is invalid, or nested
 *   deeper than `JSON.stringify` can write (a few thousand levels, as the stack allows: the error's
 *   pointer is where it ran out); without it, such a message is built, and `serializeMessage`
 *   throws `JSON.stringify`'s RangeError on it
 * @throws RangeError when `options.ts` is an invalid Date, or a Date outside 0001-01-01 to 9999-12-31 UTC (RFC 3339 has four-digit years), or, without `{ validate: true }` (which says it at `/ts`, with the full check), a string not in the form of an RFC 3339 date-time (`'yesterday'`, a space for `T`, no UTC offset, month 13, day 32): the form only, not the calendar (`2026-02-30`, year 0000 and hour 24 are built, and strict validation refuses them)
 * @throws TypeError when `options.ts` is neither a Date nor a string, or `options` is not an object or holds a key other than `validate` and `ts`;
 *   when `type` is not the type of a message with data (untyped code: `"orders"`, `"ping"`), or `data` is undefined
 * @see websocket-message-schemas.md, "Message Structure"
 */
export function createMessage<T extends EnvelopeMessageType>(type: T, data: MessageDataMap[T], options?: CreateMessageOptions): MessageMap[T] {
  checkOptionsObject(CREATE_MESSAGE, options, ['validate', 'ts']);
  // Untyped code: a type without an envelope, or no data, went out wrong unless validated (a fresh user).
  if (!ENVELOPE_TYPES.includes(type)) {
    const flat = (type as string) === 'ping' || (type as string) === 'pong';
    // `'trade'`: the validators ask "did you mean", and so does this (a fresh user).
    const near = typeof type === 'string' && !flat ? nearestName(type, ENVELOPE_TYPES) : undefined;
    throw new TypeError(`createMessage(type, data, options?) needs the type of a message with data (${ENVELOPE_TYPES.join(', ')}), got ${preview(type)}${flat ? '; ping and pong are flat: createPing(), createPong(ping)' : near ? `; did you mean ${JSON.stringify(near)}?` : ''}`);
  }
  if (data === undefined) throw new TypeError(`createMessage(type, data, options?) needs the ${type} message's data, got nothing`);
  const given: unknown = options?.ts;
  // A Date from another realm (an iframe, a vm context) is a Date too: its tag says so, not instanceof.
  if (given !== undefined && typeof given !== 'string' && Object.prototype.toString.call(given) !== '[object Date]') throw new TypeError(`${CREATE_MESSAGE}: options.ts must be a Date or an RFC 3339 string, got ${preview(given)}`);
  // Checked as the type is: 'yesterday' went out as ts unless { validate: true } (tBT F4), which
  // says it as a MessageValidationError at /ts, with its hints (a space for T, epoch milliseconds).
  if (typeof given === 'string' && !options?.validate && !(RFC3339_FORM.test(given) && !Number.isNaN(Date.parse(given)))) {
    throw new RangeError(`${CREATE_MESSAGE}: options.ts must be an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z" (its form: upper-case T and Z, a UTC offset, month 01 to 12, day 01 to 31) or a Date, got ${preview(given)}`);
  }
  const ts = given === undefined ? new Date().toISOString() : typeof given === 'string' ? given : isoString(given as Date);
  const message = { type, data, ts } as unknown as MessageMap[T];
  if (options?.validate) {
    finite(message);
    const result = validateMessage(message, { mode: 'strict' });
    if (!result.ok) throw new MessageValidationError(type, result.errors);
    const [lone] = findLoneSurrogates(message, 1);
    if (lone) throw new MessageValidationError(type, [loneSurrogateError(lone)]);
  }
  return message;
}

const ENVELOPE_TYPES: readonly string[] = ENVELOPE_MESSAGE_TYPES;

/**
 * The form of an RFC 3339 date-time as strict validation takes it (upper-case T and Z, a UTC
 * offset), for `options.ts` without `{ validate: true }`: the form, and a date `Date.parse`
 * reads (fields in range: Feb 30, year 0000 and 24:00:00 pass). Not date-time.ts's full check, whose second copy (the validators bundle their own) cost
 * 1 KB min+gzip in a bundle with createMessage; `{ validate: true }` runs that one.
 */
const RFC3339_FORM = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/** The call createMessage's errors name, as every builder's do. */
const CREATE_MESSAGE = 'createMessage(type, data, options?)';

/**
 * Builds a keepalive `ping` (flat: no `data`, no `ts`).
 *
 * @param timestamp milliseconds since the Unix epoch; default `Date.now()`
 * @throws MessageValidationError with `{ validate: true }` when `timestamp` is not a non-negative integer
 * @throws TypeError without `{ validate: true }` when the timestamp is not a finite number (`NaN`, which JSON writes as null; a string; null; an object, such as the options given first); when `options` is not an object or holds a key other than `validate`
 * @see websocket-message-schemas.md, "2. Keepalive"
 */
export function createPing(timestamp: number = Date.now(), options?: BuildOptions): PingMessage {
  // Untyped code that passes the options first (`createPing({ validate: true })`), or null,
  // would get a ping whose timestamp is that object or null, silently (as createPong refuses).
  checkOptionsObject('createPing(timestamp?, options?)', options);
  if (!options?.validate && !Number.isFinite(timestamp)) {
    // NaN and ±Infinity go out as null, a string as a string: a keepalive that goes out wrong, silently (a fresh user).
    const date = (timestamp as unknown) instanceof Date;
    throw new TypeError(typeof timestamp === 'object' && !date
      ? `createPing(timestamp?, options?) takes the timestamp first, got ${preview(timestamp)}${timestamp ? '; options go second: createPing(undefined, { validate: true })' : ' (leave it out for now)'}`
      : `createPing(timestamp?, options?) takes a timestamp in milliseconds since the epoch, got ${date ? 'a Date: pass date.getTime()' : preview(timestamp)}`);
  }
  const message: PingMessage = { type: 'ping', timestamp };
  return options?.validate ? checked(message, checkPingMessage) : message;
}

/**
 * Builds the `pong` that answers a ping: it echoes the ping's `timestamp` (milliseconds since
 * the Unix epoch), so the side that pinged (the server, or since protocol v1.1 a client) can match
 * it and measure the round trip.
 *
 * @param pingOrTimestamp the ping being answered, or its timestamp in milliseconds
 * @throws MessageValidationError with `{ validate: true }` when the timestamp is not a non-negative integer
 * @throws TypeError without `{ validate: true }` when there is no timestamp (`createPong()`, `createPong(null)`, a ping without one or with a null one) or it is not a finite number; when `options` is not an object or holds a key other than `validate`
 * @see websocket-message-schemas.md, "2. Keepalive"
 */
export function createPong(pingOrTimestamp: PingMessage | number, options?: BuildOptions): PongMessage {
  // Anything else (a string from untyped code; null, which without validation is refused below)
  // is taken as the timestamp, as createPing takes it: `{ validate: true }` then says what it is.
  checkOptionsObject('createPong(ping, options?)', options);
  let timestamp: unknown = pingOrTimestamp;
  if (typeof pingOrTimestamp === 'object' && pingOrTimestamp !== null) {
    try {
      timestamp = pingOrTimestamp.timestamp;
    } catch (error) {
      // A getter that throws, a revoked Proxy: with `{ validate: true }`, the error it promises.
      if (options?.validate) throw new MessageValidationError('pong', describeThrownAt(error, '/timestamp'));
      throw error;
    }
  }
  // Without validation a pong without its timestamp would go out silently: `createPong()`.
  if (timestamp == null && !options?.validate) {
    // `createPong({ validate: true })`: the options, given first, are not a ping (it said "got none").
    const found = pingOrTimestamp === undefined ? 'none' : pingOrTimestamp === null ? 'null' : 'validate' in Object(pingOrTimestamp) ? 'the options: they go second, createPong(ping, { validate: true })' : 'an object without a timestamp';
    throw new TypeError(`createPong(ping, options?) needs the ping being answered or its timestamp, got ${found}`);
  }
  if (!options?.validate && !Number.isFinite(timestamp)) throw new TypeError(`createPong(ping, options?) needs a timestamp in milliseconds since the epoch, got ${preview(timestamp)}`);
  // Typed, not cast: a field the contract adds to pongs is then a type error here (a contract owner).
  const message: PongMessage = { type: 'pong', timestamp: timestamp as number };
  return options?.validate ? checked(message, checkPongMessage) : message;
}

/**
 * Turns a message into the JSON text of one WebSocket frame. With `{ validate: true }` the
 * text itself is validated, so what fails is what would go on the wire (a field JSON drops,
 * such as an inherited or non-enumerable one, counts as missing), and a `NaN` or `±Infinity`
 * anywhere, which JSON would write as `null`, is an error at its pointer, as is a string with
 * half a UTF-16 surrogate pair alone (keyword `loneSurrogate`), which UTF-8 cannot carry. A
 * `Date`, whose text is its ISO string, makes it judge the object too, as `publish` does: a
 * Date where the schema wants a string is refused, with the hint `give date.toISOString()`.
 *
 * @throws MessageValidationError with `{ validate: true }` when the frame is invalid, or the
 *   message is nested deeper than `JSON.stringify` can write (a few thousand levels, as the stack
 *   allows: the error's pointer is where it ran out)
 * @throws RangeError without `{ validate: true }` when the message is nested that deep:
 *   `JSON.stringify`'s own ("Maximum call stack size exceeded")
 * @throws TypeError without `{ validate: true }` when `message` has no JSON text (`undefined`, a function); when `options` is not an object or holds a key other than `validate`
 */
export function serializeMessage(message: Message, options?: BuildOptions): string {
  checkOptionsObject('serializeMessage(message, options?)', options);
  if (!options?.validate) {
    const text = JSON.stringify(message);
    // `undefined`, a function, a Symbol: JSON.stringify writes nothing, and a frame of `undefined` would go out as "undefined".
    if (text === undefined) throw new TypeError(`serializeMessage(message, options?) needs a message object, got ${preview(message)}`);
    return text;
  }
  const dates = { found: false };
  const text = finite(message, dates);
  // `undefined`, a function, a Symbol: JSON.stringify writes nothing at all.
  if (text === undefined) throw new MessageValidationError(undefined, [validationError('', 'type', 'a message object', preview(message))]);
  const result = parseMessage(text, { mode: 'strict' });
  if (!result.ok) throw new MessageValidationError(messageType(message), result.errors);
  // A Date writes its ISO string, so the text passed, while publish (which validates the object
  // first) and createMessage({ validate: true }) refuse it: judged as they judge it, so the check
  // and the send agree (tBT F8).
  if (dates.found) {
    const object = validateMessage(message, { mode: 'strict' });
    if (!object.ok) throw new MessageValidationError(messageType(message), object.errors);
  }
  // JSON.stringify escapes a lone surrogate: a text without `\u` holds none.
  const [lone] = text.includes('\\u') ? findLoneSurrogates(result.message, 1) : [];
  if (lone) throw new MessageValidationError(messageType(message), [loneSurrogateError(lone)]);
  return text!;
}

/**
 * Validates a keepalive message the builder made (`{ type, timestamp }`) with its own compiled
 * validator, and describes a fault as `validateMessage` does, in the same words (a `NaN`
 * timestamp is not an integer), with only the describing a flat message needs: a bundle with
 * only the keepalive builders keeps only that (1.5 KB min+gzip, from 2.9 KB with the full
 * describing).
 */
function checked<M extends PingMessage | PongMessage>(message: M, check: (data: unknown, mode: 'strict') => CompiledValidatorError[] | null): M {
  let errors: ValidationErrors;
  try {
    const found = check(message, 'strict');
    if (found === null) return message;
    errors = describeFlatError(found[found.length - 1]!, message as unknown as Record<string, unknown>);
  } catch (error) {
    // A revoked Proxy given as the timestamp by untyped code: `validateMessage` says the same.
    // Only the timestamp can throw: the builder made the rest.
    errors = describeThrownAt(error, '/timestamp');
  }
  throw new MessageValidationError(message.type, errors);
}

/**
 * The JSON text of `message`, throwing {@link MessageValidationError} at the first number
 * JSON cannot carry: `JSON.stringify` writes `NaN` and `±Infinity` as `null`, so a broken
 * P&L would read as "no P&L yet".
 */
function finite(message: unknown, dates?: { found: boolean }): string | undefined {
  const pointers = new Map<object, string>();
  let text: string | undefined;
  // The place last reached: where JSON.stringify, which recurses once per level, ran out of stack.
  let last = '';
  try {
    text = JSON.stringify(message, function (this: object, key: string, value: unknown) {
      const at = (last = this === undefined ? '' : `${pointers.get(this) ?? ''}${key === '' && pointers.size === 0 ? '' : `/${escapeToken(key)}`}`);
      if (typeof value === 'object' && value !== null) {
        const seen = pointers.get(value);
        // Met again below where it was first met: a cycle (JSON.stringify would throw without a place).
        if (seen !== undefined && (at === seen || at.startsWith(`${seen}/`) || seen === '')) {
          throw new MessageValidationError(messageType(message), [validationError(at, 'type', 'a JSON value', `a reference to ${seen ? inertBare(seen, 200) : 'the message itself'}, which holds it (a cycle)`)]);
        }
        pointers.set(value, at);
      } else if (dates !== undefined && !dates.found && typeof value === 'string' && this !== undefined && /^[-+]?\d{4,6}-\d\d-\d\dT/.test(value)) {
        // A Date's toJSON wrote it (its raw value is still at `key`): said to the caller, to judge the object too.
        try {
          dates.found = Object.prototype.toString.call((this as Record<string, unknown>)[key]) === '[object Date]';
        } catch {
          // A getter that throws on a second read: judged by its text alone.
        }
      } else if (typeof value === 'bigint') {
        throw new MessageValidationError(messageType(message), [validationError(at, 'type', 'a JSON value', `a bigint ${value}n`, 'JSON has no BigInt: JSON.stringify would throw')]);
      } else if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new MessageValidationError(messageType(message), [
          validationError(at, 'type', 'a finite number', `${value} (not a finite number)`, 'JSON has no NaN or Infinity: JSON.stringify would write null'),
        ]);
      }
      return value;
    });
  } catch (error) {
    if (error instanceof MessageValidationError) throw error;
    const described = describeThrown(error, message);
    // The stack ran out (V8's and JavaScriptCore's words, then Firefox's), and nothing throws
    // when read (a getter that recurses for ever would, at its place): the message is nested too
    // deeply, not "a value that throws when read" at the root (a fresh user). validateMessage
    // does not recurse, and accepts it.
    if (described[0].pointer === '' && error instanceof Error && /call stack size|too much recursion/i.test(error.message)) {
      throw new MessageValidationError(messageType(message), [
        validationError(last, 'type', 'a value nested no deeper than JSON.stringify can write', `a value nested more than ${last.split('/').length - 1} levels deep (${thrownText(error)})`),
      ]);
    }
    throw new MessageValidationError(messageType(message), described);
  }
  return text;
}

/**
 * `date.toISOString()`, or a RangeError that names `options.ts` (the Date's own says "Invalid
 * time value"): for an invalid Date, and for one outside the years 0001 to 9999, whose ISO form
 * (`+055840-…`, `0000-…`) is no RFC 3339 date-time a consumer accepts.
 */
function isoString(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`${CREATE_MESSAGE}: options.ts is an invalid Date (its time is NaN)`);
  const text = date.toISOString();
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`${CREATE_MESSAGE}: options.ts must be a Date from 0001-01-01 to 9999-12-31 UTC (RFC 3339 has four-digit years), got ${text} (${time} ms since the epoch)`);
  return text;
}

function messageType(message: unknown): string | undefined {
  try {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}
