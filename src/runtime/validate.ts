import { MESSAGE_TYPES } from '../../generated/contract.js';
import type { ReceivedMessage } from '../../generated/received-types.js';
import type { Message } from '../../generated/types.js';
import { closedObjects, enumNotices, validators, type CompiledValidator, type CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors, preview, validationError, type RejectionReason, type ValidationError } from './errors.js';

/**
 * `strict` for producers and CI: unknown fields and unknown message types are rejected.
 * `tolerant` for consumers: unknown fields pass, and a value outside a closed list (`enum`)
 * passes with a notice on the result, so a newer server never breaks an older dashboard; an
 * unknown message type is still rejected, with reason `unknown-type`.
 * @see README.md, "Validating messages"
 */
export type ValidationMode = 'strict' | 'tolerant';

export interface ValidationOptions {
  /** Default `strict`. */
  mode?: ValidationMode;
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
  ok: true;
  message: M;
  /**
   * Tolerant mode: the values accepted although outside a closed list, at least one. Absent
   * when there are none (always in strict mode), so a clean result is `{ ok, message }`.
   */
  notices?: ValidationNotice[];
}

/**
 * A rejected message. `errors` (at least one) is built on first read, so rejecting costs no
 * more than accepting when the caller only needs the verdict.
 */
export interface ValidationFailure {
  ok: false;
  reason: RejectionReason;
  readonly errors: ValidationError[];
}

export type ValidationResult<M = Message> = ValidationSuccess<M> | ValidationFailure;

/**
 * Validates one already-parsed message: checks it is an object with a string `type`, looks
 * up the validator compiled ahead of time for that type (one property read, no `oneOf`
 * search), and runs it.
 *
 * @param value anything, typically the result of `JSON.parse`
 * @returns `{ ok: true, message }`, or `{ ok: false, reason, errors }` where `errors` holds
 *   the first fault found, `{ pointer, keyword, message, expected?, found? }`: validation
 *   stops there, so rejecting costs no more than accepting. Never throws for any value.
 * @throws TypeError when `options.mode` is neither "strict" nor "tolerant" (a programming error)
 * @see websocket-message-schemas.md, "Message Structure" and "Message Types"
 */
export function validateMessage(value: unknown, options?: ValidationOptions & { mode?: 'strict' }): ValidationResult<Message>;
/** Tolerant mode (or a mode not known until run time): the message as a consumer receives it, closed lists open. */
export function validateMessage(value: unknown, options: ValidationOptions): ValidationResult<ReceivedMessage>;
export function validateMessage(value: unknown, options?: ValidationOptions): ValidationResult<Message> | ValidationResult<ReceivedMessage> {
  const mode = options?.mode;
  if (mode !== undefined && mode !== 'strict' && mode !== 'tolerant') {
    throw new TypeError(`validation mode must be "strict" or "tolerant", got ${preview(mode)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new Rejection('invalid', value, null);
  try {
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string') return new Rejection('invalid', value, null);
    const validate: CompiledValidator | undefined = (validators as Record<string, CompiledValidator | undefined>)[type];
    if (validate === undefined) return new Rejection('unknown-type', value, null);
    closedObjects.enforced = mode !== 'tolerant';
    enumNotices.record = mode === 'tolerant';
    enumNotices.list = null;
    const valid = validate(value);
    // Stop recording, and hand the notices over: the sink keeps nothing between calls.
    const notices = enumNotices.list;
    enumNotices.record = false;
    enumNotices.list = null;
    if (valid) return notices === null ? { ok: true, message: value as Message } : { ok: true, message: value as Message, notices };
    return new Rejection('invalid', value, validate.errors ?? []);
  } catch (error) {
    // Only a getter or Proxy in a hand-made value can throw here; JSON.parse makes neither.
    return new Rejection('invalid', value, () => [validationError('', 'type', 'a plain JSON object', `a value whose properties throw when read (${String(error)})`)]);
  }
}

/** Builds a failure whose errors `describe` gives when they are first read. */
export function rejection(reason: RejectionReason, describe: () => ValidationError[]): ValidationFailure {
  return new Rejection(reason, undefined, describe);
}

/**
 * A failure that keeps what it needs to describe itself and does so on first read of
 * `errors`. Plain fields and no closure on the hot path: for a small message the allocation
 * of a rejection is most of the cost of rejecting it.
 */
class Rejection implements ValidationFailure {
  // On the prototype, as are the described errors until first read: the fewer fields a
  // rejection is created with, the cheaper it is to create.
  declare readonly ok: false;
  declare private described: ValidationError[] | undefined;

  constructor(
    readonly reason: RejectionReason,
    private readonly input: unknown,
    /** The compiled validator's errors, a describer, or null when the envelope itself is wrong. */
    private readonly cause: readonly CompiledValidatorError[] | (() => ValidationError[]) | null,
  ) {}

  get errors(): ValidationError[] {
    this.described ??=
      typeof this.cause === 'function' ? this.cause() : this.cause ? describeCompiledErrors(this.cause, this.input) : describeEnvelope(this.input);
    return this.described;
  }

  toJSON(): { ok: false; reason: RejectionReason; errors: ValidationError[] } {
    return { ok: false, reason: this.reason, errors: this.errors };
  }
}

Object.defineProperty(Rejection.prototype, 'ok', { value: false, enumerable: true });

/** Why `input` is not even a message of some known type. */
function describeEnvelope(input: unknown): ValidationError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [validationError('', 'type', 'a message object', preview(input))];
  const type = (input as { type?: unknown }).type;
  if (type === undefined) return [validationError('/type', 'required', 'required property "type"', 'nothing')];
  if (typeof type !== 'string') return [validationError('/type', 'type', 'a string', preview(type))];
  return [validationError('/type', 'discriminator', `a known message type (${MESSAGE_TYPES.join(', ')})`, preview(type))];
}

export type { CompiledValidatorError };
