import type { CompiledValidatorError } from '../../generated/validators.js';
import { escapeToken, resolvePointer } from './json-pointer.js';

/**
 * One reason a message was rejected.
 *
 * `message` is one line that a person can act on: `expected one of "buy", "sell", got "hold"`.
 */
export interface ValidationError {
  /** JSON Pointer (RFC 6901) of the value at fault, e.g. `/data/side`; `""` is the whole message. For a missing property, where it should be. */
  pointer: string;
  /** The JSON Schema keyword that failed (`required`, `enum`, `type`, `format`, `additionalProperties`, …), `discriminator` for an unknown message type, or `json` for text that is not JSON. */
  keyword: string;
  /** `expected <expected>, got <found>`, one line. */
  message: string;
  /** What the schema wants there, e.g. `one of "buy", "sell"`. */
  expected?: string;
  /** What is there, e.g. `"hold"`, `a string "abc"`, `nothing`. */
  found?: string;
  /** For `json` errors: offset in UTF-16 code units where the text stops being JSON. */
  position?: number;
}

/** Why a message was rejected. */
export type RejectionReason =
  /** `type` names a message type this contract does not know (keyword `discriminator`). */
  | 'unknown-type'
  /** The message breaks its type's schema, or is not a message object at all. */
  | 'invalid'
  /** The text is not JSON (keyword `json`). */
  | 'json';

/** Builds an error whose message is `expected …, got …`. */
export function validationError(pointer: string, keyword: string, expected: string, found: string, extra?: Partial<ValidationError>): ValidationError {
  return { pointer, keyword, message: `expected ${expected}, got ${found}`, expected, found, ...extra };
}

/**
 * Turns the errors of a compiled validator into one {@link ValidationError}, resolving the
 * value at fault in `value` to say what was found. Picks the most specific error: when a
 * value matches no branch of an `anyOf` (a nullable object), the error inside the branch it
 * nearly matched.
 */
export function describeCompiledErrors(errors: readonly CompiledValidatorError[], value: unknown): ValidationError[] {
  const error = mostSpecific(errors);
  if (!error) return [validationError('', 'unknown', 'a valid message', preview(value))];
  const { keyword, params, instancePath } = error;
  const here = resolvePointer(value, instancePath);
  switch (keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      return [validationError(`${instancePath}/${escapeToken(name)}`, keyword, `required property ${JSON.stringify(name)}`, 'nothing')];
    }
    case 'additionalProperties':
    case 'x-closed': {
      const name = String(params.additionalProperty);
      const pointer = `${instancePath}/${escapeToken(name)}`;
      return [validationError(pointer, 'additionalProperties', `no property ${JSON.stringify(name)} (unknown to the schema)`, preview(resolvePointer(value, pointer)))];
    }
    case 'type':
      return [validationError(instancePath, keyword, String(params.type).split(',').map(article).join(' or '), typed(here))];
    case 'enum':
      return [validationError(instancePath, keyword, `one of ${(params.allowedValues as unknown[]).map(preview).join(', ')}`, preview(here))];
    case 'const':
      return [validationError(instancePath, keyword, preview(params.allowedValue), preview(here))];
    case 'format':
      return [validationError(instancePath, keyword, FORMAT_NAMES[String(params.format)] ?? `format "${String(params.format)}"`, preview(here))];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [validationError(instancePath, keyword, `a number ${String(params.comparison)} ${String(params.limit)}`, preview(here))];
    case 'minLength':
      return [validationError(instancePath, keyword, `a string of at least ${String(params.limit)} character(s)`, preview(here))];
    case 'anyOf':
      return [validationError(instancePath, keyword, describeAnyOf(errors, error), typed(here))];
    default:
      return [validationError(instancePath, keyword, `a value that satisfies "${keyword}"`, preview(here))];
  }
}

const FORMAT_NAMES: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time such as "2026-01-14T16:30:00.000Z"',
};

function mostSpecific(errors: readonly CompiledValidatorError[]): CompiledValidatorError | undefined {
  const last = errors[errors.length - 1];
  if (!last || last.keyword !== 'anyOf') return last;
  // The branch errors come before the anyOf error. A branch error deeper in the data than the
  // anyOf itself means the value had the right shape and one field was wrong: report that.
  const deeper = errors.find((e) => e.instancePath.length > last.instancePath.length && e.instancePath.startsWith(last.instancePath));
  return deeper ?? last;
}

function describeAnyOf(errors: readonly CompiledValidatorError[], anyOf: CompiledValidatorError): string {
  const branches = errors
    .filter((e) => e !== anyOf && e.instancePath === anyOf.instancePath && e.keyword === 'type')
    .map((e) => String(e.params.type).split(',').map(article).join(' or '));
  return branches.length > 0 ? [...new Set(branches)].join(' or ') : 'a value matching one of the allowed schemas';
}

function article(jsonType: string): string {
  return jsonType === 'null' ? 'null' : jsonType === 'integer' || jsonType === 'object' || jsonType === 'array' ? `an ${jsonType}` : `a ${jsonType}`;
}

/** `a string "abc"`, `a number 1.5`, `an object`: for type errors, where the JSON type matters. */
function typed(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean') return `${article(typeof value)} ${preview(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `a number ${value}` : `${value} (not a finite number)`;
  return preview(value);
}

/**
 * A short, one-line rendering of any value for error messages: JSON for scalars (strings
 * cut at 60 characters), `an object` / `an array of N items` for containers, `nothing` for
 * a missing value. Never recurses, so a value nested 10,000 levels deep costs nothing.
 */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `a bigint ${value}n`;
  if (typeof value === 'function') return 'a function';
  return `a ${typeof value}`;
}
