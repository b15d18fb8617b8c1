import { MESSAGE_TYPES } from '../../generated/contract.js';
import type { Message } from '../../generated/types.js';
import { closedObjects, validators, type CompiledValidator, type CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors, preview, validationError, type RejectionReason, type ValidationError } from './errors.js';

/**
 * `strict` for producers and CI: unknown fields and unknown message types are rejected.
 * `tolerant` for consumers: unknown fields pass, so a newer server never breaks an older
 * dashboard; an unknown message type is still rejected, with reason `unknown-type`.
 * @see DESIGN.md, principle 3
 */
export type ValidationMode = 'strict' | 'tolerant';

export interface ValidationOptions {
  /** Default `strict`. */
  mode?: ValidationMode;
}

/** An accepted message: `message` is the input itself, now typed. */
export interface ValidationSuccess<M = Message> {
  ok: true;
  message: M;
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
 * @returns `{ ok: true, message }`, or `{ ok: false, reason, errors }` where each error is
 *   `{ pointer, keyword, message, expected?, found? }`. Never throws.
 * @see websocket-message-schemas.md, "Message Structure" and "Message Types"
 */
export function validateMessage(value: unknown, options?: ValidationOptions): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return new Rejection('invalid', () => [validationError('', 'type', 'a message object', preview(value))]);
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return new Rejection('invalid', () => [
      type === undefined
        ? validationError('/type', 'required', 'required property "type"', 'nothing')
        : validationError('/type', 'type', 'a string', preview(type)),
    ]);
  }
  const validate: CompiledValidator | undefined = (validators as Record<string, CompiledValidator | undefined>)[type];
  if (validate === undefined) {
    return new Rejection('unknown-type', () => [
      validationError('/type', 'discriminator', `a known message type (${MESSAGE_TYPES.join(', ')})`, preview(type)),
    ]);
  }
  closedObjects.enforced = options?.mode !== 'tolerant';
  if (validate(value)) return { ok: true, message: value as Message };
  const compiled = validate.errors ?? [];
  return new Rejection('invalid', () => describeCompiledErrors(compiled, value));
}

/** Builds a failure whose errors are described only when read. */
export function rejection(reason: RejectionReason, describe: () => ValidationError[]): ValidationFailure {
  return new Rejection(reason, describe);
}

class Rejection implements ValidationFailure {
  readonly ok = false;
  #describe: (() => ValidationError[]) | undefined;
  #errors: ValidationError[] | undefined;

  constructor(
    readonly reason: RejectionReason,
    describe: () => ValidationError[],
  ) {
    this.#describe = describe;
  }

  get errors(): ValidationError[] {
    if (this.#errors === undefined) {
      this.#errors = this.#describe!();
      this.#describe = undefined;
    }
    return this.#errors;
  }

  toJSON(): { ok: false; reason: RejectionReason; errors: ValidationError[] } {
    return { ok: false, reason: this.reason, errors: this.errors };
  }
}

export type { CompiledValidatorError };
