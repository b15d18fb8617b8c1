import { CLIENT_MESSAGE_TYPES, MESSAGE_TYPES, SERVER_MESSAGE_TYPES, type Direction } from '../../generated/contract.js';
import type { ReceivedMessage, ReceivedServerMessage } from '../../generated/received-types.js';
import type { ClientMessage, Message, ServerMessage } from '../../generated/types.js';
import { checkMessage, checkPingMessage, checkPongMessage, type CompiledNoticeSink, type CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors, describeEnvelope, describeThrown, preview, validationError, type RejectionReason, type ValidationErrors } from './errors.js';

/**
 * `strict` for producers and CI: unknown fields and unknown message types are rejected, and
 * timestamps must be in the producer profile every generated language parses.
 * `tolerant` for consumers: unknown fields pass, and a value outside a closed list (`enum`)
 * passes with a notice on the result, so a newer server never breaks an older dashboard, and
 * any RFC 3339 date-time passes; an unknown message type is still rejected, with reason
 * `unknown-type`.
 * @see README.md, "Validating messages"
 */
export type ValidationMode = 'strict' | 'tolerant';

/**
 * The options of `validateMessage` and `parseMessage`: both optional, for this call only. Any
 * other key, or a value not listed here (`mode: 'lax'`), throws a TypeError.
 */
export interface ValidationOptions {
  /** Default `strict`. Applies to this call only. */
  mode?: ValidationMode | undefined;
  /**
   * Accept only message types that travel this way: a server validating what a client sent
   * passes `client-to-server` (a client sending `trades` is rejected with reason
   * `wrong-direction`), a client passes `server-to-client`; `ping` and `pong` travel both
   * ways (`MESSAGE_DIRECTIONS`). Default: either way.
   */
  direction?: Direction | undefined;
}

/**
 * A value outside a closed list (`enum`) that tolerant mode accepted: a newer producer sent a
 * value this version of the contract does not know (an exchange added to `platform`, …).
 * Show it ("unknown exchange"), do not drop the message. Strict mode rejects such a value.
 */
export interface ValidationNotice {
  /** JSON Pointer (RFC 6901) of the value, e.g. `/data/platform`. */
  pointer: string;
  /** The value as received, e.g. `"coinbase"`. */
  value: unknown;
  /** The values this contract lists there, e.g. `["luno", "binance", …]`. */
  known: readonly unknown[];
}

/** An accepted message: `message` is the input itself, now typed. */
export interface ValidationSuccess<M = Message> {
  /** Always `true`: test it to narrow a {@link ValidationResult}. */
  ok: true;
  /** The input value itself (not a copy), typed as the message it is. */
  message: M;
  /**
   * Tolerant mode: the values accepted although outside a closed list, at least one. Absent
   * when there are none (always in strict mode), so a clean result is `{ ok, message }`.
   */
  notices?: ValidationNotice[];
}

/**
 * A rejected message, as plain data: it keeps nothing of the input but the text of its
 * errors, and survives spread, `structuredClone`, `postMessage` and `JSON.stringify`.
 */
export interface ValidationFailure {
  /** Always `false`: test it to narrow a {@link ValidationResult}. */
  ok: false;
  /** Why, in one word a program can switch on: `unknown-type`, `wrong-direction`, `invalid`, … (see {@link RejectionReason}). */
  reason: RejectionReason;
  /** The first fault found (validation stops there); never empty. */
  errors: ValidationErrors;
}

/**
 * What `validateMessage` and `parseMessage` return, never throw on a value: `{ ok: true, message }`
 * (tolerant mode: `notices` too) or `{ ok: false, reason, errors }`. Narrow it on `ok`.
 */
export type ValidationResult<M = Message> = ValidationSuccess<M> | ValidationFailure;

/**
 * Validates one already-parsed message: checks it is an object with a string `type`, that
 * the type travels in `options.direction` when given, looks up the validator compiled ahead
 * of time for that type (one property read, no `oneOf` search), and runs it in
 * `options.mode`. The mode and direction belong to this call only: a call made while this
 * one runs (from a getter in the value) neither sees nor changes them.
 *
 * Typed by its options: in tolerant mode, or with a mode known only at run time (options a
 * wrapper passes through, `undefined` included), the message as a consumer receives it
 * (`Received…` types: closed lists open; with `direction: 'server-to-client'`, as a client
 * receives it); in strict mode, `Message`, or `ServerMessage` / `ClientMessage` by direction.
 * (This one doc serves every overload: the editor shows it whichever one a call resolves to.)
 *
 * @param value anything, typically the result of `JSON.parse`
 * @returns `{ ok: true, message }` (narrowed to `ClientMessage` or `ServerMessage` when a
 *   direction is given), or `{ ok: false, reason, errors }` where `errors` holds the first
 *   fault found, `{ pointer, keyword, message, expected?, found?, hint? }`. Never throws for
 *   any value, a revoked Proxy or a throwing getter included (reason `invalid`).
 * @throws TypeError when `options` is not an object, or `options.mode` or `options.direction` is not one of its values, or `options` gives neither but another key (`{ mdoe: 'tolerant' }`: a programming error); its message starts `validateMessage(value, options?): `
 * @see websocket-message-schemas.md, "Message Structure" and "Message Types"
 */
export function validateMessage(value: unknown, options: ValidationOptions & { direction: 'client-to-server' }): ValidationResult<ClientMessage>;
export function validateMessage(value: unknown, options: ValidationOptions & { direction: 'server-to-client'; mode?: 'strict' | undefined }): ValidationResult<ServerMessage>;
export function validateMessage(value: unknown, options: ValidationOptions & { direction: 'server-to-client' }): ValidationResult<ReceivedServerMessage>;
export function validateMessage(value: unknown, options?: ValidationOptions & { mode?: 'strict' | undefined }): ValidationResult;
export function validateMessage(value: unknown, options?: ValidationOptions): ValidationResult<ReceivedMessage>;
export function validateMessage(value: unknown, options?: ValidationOptions): ValidationResult<Message | ReceivedMessage> {
  let mode: ValidationMode = 'strict';
  let direction: Direction | undefined;
  if (options != null) {
    // `validateMessage(value, 'tolerant')` from untyped code would otherwise run in strict mode, silently.
    if (typeof options !== 'object') badOptions(VALIDATE_CALL, options, undefined, undefined);
    mode = options.mode === undefined ? 'strict' : options.mode;
    direction = options.direction;
    if ((mode !== 'strict' && mode !== 'tolerant') || (direction !== undefined && direction !== 'client-to-server' && direction !== 'server-to-client')) badOptions(VALIDATE_CALL, options, mode, direction);
    // Neither option given: a misspelt one (`{ mdoe: 'tolerant' }`) would run in strict mode
    // silently (a fresh user). Only then are the keys read: the common call pays nothing.
    if (direction === undefined && options.mode === undefined) noOtherOption(VALIDATE_CALL, options);
  }
  // The common case first, kept small for V8 to inline into its caller: strict, no direction
  // (a producer's or CI's call), on an object whose `type` names a message type. The mode is a
  // constant here, so V8, inlining the validators, folds their mode tests, and their test that
  // the value is an object (done here) away. The compiled validator checks the type again;
  // anything it refuses is described by `rejected`, the rest (not an object, an unknown type)
  // by `slowPath`.
  if (mode === 'strict' && direction === undefined) {
    let errors: CompiledValidatorError[] | null | undefined;
    try {
      // (`Array.isArray` throws for a revoked Proxy.)
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const type = (value as { type?: unknown }).type;
        // Keepalives are the most frequent and the cheapest messages: their validators are
        // small enough for V8 to inline here, which `checkMessage`, a switch over every type,
        // is not (ping: 1.9× → 1.7–1.8× the hand-written limit in `npm run bench`). Each
        // validator is given the `type` read here and does not read it again, nor test again
        // that the value is an object.
        errors = type === 'ping' ? checkPingMessage(value, 'strict', undefined, type) : type === 'pong' ? checkPongMessage(value, 'strict', undefined, type) : checkMessage(type as string, value, 'strict', undefined, true);
      }
    } catch (error) {
      // Only a getter or Proxy in a hand-made value can throw here; JSON.parse makes neither.
      return failure('invalid', describeThrown(error, value));
    }
    if (errors === null) return { ok: true, message: value as Message };
    if (errors !== undefined) return rejected(errors, value, mode);
    return slowPath(value, mode, direction);
  }
  return validateOther(value, mode, direction);
}

/** The rest of `validateMessage`: tolerant mode (with its notices), or a direction given; the mode is a variable here. */
function validateOther(value: unknown, mode: ValidationMode, direction: Direction | undefined): ValidationResult<Message | ReceivedMessage> {
  let errors: CompiledValidatorError[] | null | undefined;
  // Tolerant mode collects values outside a closed list here (issue 13).
  const notices: CompiledNoticeSink | undefined = mode === 'tolerant' ? { list: null } : undefined;
  try {
    if (direction === undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const type = (value as { type?: unknown }).type;
      errors = type === 'ping' ? checkPingMessage(value, mode, undefined, type) : type === 'pong' ? checkPongMessage(value, mode, undefined, type) : checkMessage(type as string, value, mode, notices, true);
    }
  } catch (error) {
    return failure('invalid', describeThrown(error, value));
  }
  if (errors === null) return notices?.list ? { ok: true, message: value as Message, notices: notices.list } : { ok: true, message: value as Message };
  if (errors !== undefined) return rejected(errors, value, mode);
  return slowPath(value, mode, direction);
}

/** The call an options error names, as the builders' do (`createMessage(type, data, options?): …`): a bare "options must be an object" gave a log reader nothing to search for (tAP F1). */
const VALIDATE_CALL = 'validateMessage(value, options?)';
export const PARSE_CALL = 'parseMessage(frame, options?)';

/**
 * Throws the TypeError {@link validateMessage} throws for these `options`, by the same checks,
 * naming `call`: for `parseMessage`, which checks them before anything else, so that a bad
 * option throws on every frame, not on good ones only (a handler tested with garbage would not
 * see it), and says `parseMessage`. `validateMessage` checks inline.
 */
export function checkValidationOptions(options: ValidationOptions | undefined, call: string): void {
  if (options == null) return;
  if (typeof options !== 'object') badOptions(call, options, undefined, undefined);
  const mode = options.mode === undefined ? 'strict' : options.mode;
  const direction = options.direction;
  if ((mode !== 'strict' && mode !== 'tolerant') || (direction !== undefined && direction !== 'client-to-server' && direction !== 'server-to-client')) badOptions(call, options, mode, direction);
  if (direction === undefined && options.mode === undefined) noOtherOption(call, options);
}

/** Invalid options: a programming error, thrown, naming `call`. */
function badOptions(call: string, options: unknown, mode: unknown, direction: unknown): never {
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${call}: options must be an object such as { mode: 'tolerant' }, got ${preview(options)}`);
  if (mode !== 'strict' && mode !== 'tolerant') throw new TypeError(`${call}: options.mode must be "strict" or "tolerant", got ${preview(mode)}`);
  throw new TypeError(`${call}: options.direction must be "client-to-server" or "server-to-client", got ${preview(direction)}`);
}

/** Throws for a key of `options` (which names neither `mode` nor `direction`): a misspelt option. */
function noOtherOption(call: string, options: object): void {
  // `validateMessage(value, [])`: no key, so none misspelt, yet not the options object it takes.
  if (Array.isArray(options)) badOptions(call, options, undefined, undefined);
  // `{ mode: undefined }` (a value passed on, `{ mode: config.mode }`) is no option given, not a misspelling.
  for (const key of Object.keys(options)) if (key !== 'mode' && key !== 'direction') throw new TypeError(`${call}: unknown option ${JSON.stringify(key)}; the options are mode and direction`);
}

/** The description of what a compiled validator refused; a getter that throws while it is described is described instead. */
function rejected(errors: CompiledValidatorError[], value: unknown, mode: ValidationMode): ValidationFailure {
  try {
    return failure('invalid', describeCompiledErrors(errors, value, mode));
  } catch (error) {
    return failure('invalid', describeThrown(error, value));
  }
}

/** Everything but the common case: a value that is not a message object, an unknown type, a direction to check. */
function slowPath(value: unknown, mode: ValidationMode, direction: Direction | undefined): ValidationResult<Message | ReceivedMessage> {
  try {
    return classify(value, mode, direction);
  } catch (error) {
    return failure('invalid', describeThrown(error, value));
  }
}

function classify(value: unknown, mode: ValidationMode, direction: Direction | undefined): ValidationResult<Message | ReceivedMessage> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return failure('invalid', describeEnvelope(value, undefined, MESSAGE_TYPES_LIST));
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return failure('invalid', describeEnvelope(value, type, MESSAGE_TYPES_LIST));
  if (direction !== undefined && !(direction === 'client-to-server' ? CLIENT_TYPES : SERVER_TYPES).includes(type)) {
    return MESSAGE_TYPES_LIST.includes(type) ? failure('wrong-direction', describeDirection(type, direction)) : failure('unknown-type', describeEnvelope(value, type, direction === 'client-to-server' ? CLIENT_TYPES : SERVER_TYPES, direction));
  }
  const notices: CompiledNoticeSink | undefined = mode === 'tolerant' ? { list: null } : undefined;
  const errors = checkMessage(type, value, mode, notices, true);
  if (errors === null) return notices?.list ? { ok: true, message: value as Message, notices: notices.list } : { ok: true, message: value as Message };
  if (errors === undefined) return failure('unknown-type', describeEnvelope(value, type, MESSAGE_TYPES_LIST));
  return failure('invalid', describeCompiledErrors(errors, value, mode));
}

const CLIENT_TYPES: readonly string[] = CLIENT_MESSAGE_TYPES;
const SERVER_TYPES: readonly string[] = SERVER_MESSAGE_TYPES;
const MESSAGE_TYPES_LIST: readonly string[] = MESSAGE_TYPES;

/** A rejection: plain data, nothing of the input kept but its description. */
export function failure(reason: RejectionReason, errors: ValidationErrors): ValidationFailure {
  return { ok: false, reason, errors };
}

function describeDirection(type: string, direction: Direction): ValidationErrors {
  const allowed = direction === 'client-to-server' ? CLIENT_TYPES : SERVER_TYPES;
  const sender = direction === 'client-to-server' ? 'a client' : 'the server';
  return [validationError('/type', 'x-direction', `a ${direction} message type (${allowed.join(', ')})`, JSON.stringify(type), `${sender} never sends "${type}"`)];
}

export type { CompiledValidatorError };
