import type { ReceivedServerMessage } from '../../generated/received-types.js';
import { checkTolerant } from '../../generated/validators-tolerant.js';

/**
 * One reason an incoming message was rejected, as the client reports it: the JSON Pointer of
 * the value at fault, the schema keyword, and `expected …, got …`. A short form of the
 * package root's `ValidationError`, so the browser bundle carries no error describer; for
 * the full description, `validateMessage(event.message, { mode: 'tolerant' })` from
 * `realtime-contract` gives the same verdict with its hints.
 */
export interface ClientValidationError {
  /** JSON Pointer (RFC 6901) of the value at fault, e.g. `/data/price`; `""` for the message itself. */
  pointer: string;
  /**
   * What it breaks. For a message, the schema keyword `validateMessage` names in tolerant mode
   * (`type`, `required`, `const`, `pattern`, `minLength`, `minimum`, `format`, `anyOf`, …); `json`
   * for a frame that is not JSON. For a poll answer that is no poll response: `json` (a body
   * that is not UTF-8 JSON), `type` at `""` (not an object) or `/messages` (no array), `pattern`
   * at `/cursor` (no valid cursor), `stale` at `/cursor` (the same page a third time in a row),
   * `maxPollBytes` at `""` (a body larger than that option: a size in bytes, no schema's), and
   * `anyOf` at `/type` for a message in it that is no stream message.
   */
  keyword: string;
  /** `expected …, got …`, e.g. `expected a number >= 0, got -1`. */
  message: string;
}

/** The errors of an `invalid` verdict: the first fault found, so never empty (`errors[0]` needs no check, as the root's `ValidationErrors`). */
export type ClientValidationErrors = [ClientValidationError, ...ClientValidationError[]];

export type Checked =
  | { ok: true; message: ReceivedServerMessage }
  /** `errors` is empty for `unknown-type`: the type itself is the news. */
  | { ok: false; reason: 'unknown-type'; errors: [] }
  | { ok: false; reason: 'invalid' | 'json'; errors: ClientValidationErrors };

/**
 * Validates one parsed incoming message in tolerant mode (unknown fields pass, and so does a
 * value outside a closed list: the message is typed as received) with the validators
 * compiled ahead of time. Never throws for a JSON value.
 */
export function check(value: unknown): Checked {
  if (!isObject(value)) return failure('', 'type', 'a message object', value);
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return failure('/type', type === undefined ? 'required' : 'type', 'a string "type"', type);
  const errors = checkTolerant(type, value, undefined, true);
  if (errors === undefined) return { ok: false, reason: 'unknown-type', errors: [] };
  if (errors === null) return { ok: true, message: value as ReceivedServerMessage };
  // A value no branch of an `anyOf` (a nullable field) admits: the fault inside the branch of
  // the right shape (deeper, or a required key of an object), else every branch's type
  // (`a value of type string or null`), where the first branch alone said `string`.
  const last = errors[errors.length - 1]!;
  const branches = last.keyword === 'anyOf' ? errors.slice(0, -1) : [];
  const inside = branches.find((e) => e.instancePath !== last.instancePath || e.keyword === 'required');
  const { instancePath, keyword, params, data } = inside ?? last;
  // (the contract's property names need no JSON Pointer escaping; map keys in `instancePath` are escaped)
  const missing = keyword === 'required' ? `/${params.missingProperty as string}` : '';
  const expected = inside || !branches.length ? expectedOf(keyword, params) : [...new Set(branches.map((e) => expectedOf(e.keyword, e.params)))].join(' or ').replace(/ or a value of type /g, ' or ');
  // What was found is the value the validator read there (none, where a property is missing).
  // The keyword as `validateMessage` names it: the compiled validators' own two are no JSON Schema keywords.
  return failure(instancePath + missing, keyword === 'x-date-time' ? 'format' : keyword === 'x-nullable-object' ? 'anyOf' : keyword, expected, missing ? undefined : data);
}

/**
 * What the schema wants, in a few words: `a string`, `a number >= 0`, `"trades"`. For the
 * keywords the tolerant validators report: never `enum` (a value outside a closed list passes
 * there, as a notice).
 */
function expectedOf(keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'required':
      return `required property ${JSON.stringify(params.missingProperty)}`;
    case 'const':
      return JSON.stringify(params.allowedValue);
    case 'type':
      return `a value of type ${String(params.type).replace(/,/g, ' or ')}`;
    case 'pattern':
      return `a string matching ${params.pattern as string}`;
    case 'minLength':
      return `at least ${params.limit as number} character${params.limit === 1 ? '' : 's'}`;
    case 'x-date-time':
      return 'an RFC 3339 date-time';
    case 'x-nullable-object':
      return 'an object or null';
    default:
      // minimum, maximum and their exclusive forms: ajv's `comparison` says which.
      return params.comparison ? `a number ${params.comparison as string} ${params.limit as number}` : `${keyword} ${JSON.stringify(params)}`;
  }
}

/** What a wrong option or value is, shortly (`42`, `NaN`, `a string`, `an object`): not the runtime's preview, whose bytes every page would load. */
export function described(value: unknown): string {
  return value === undefined ? 'nothing' : isObject(value) ? 'an object' : Array.isArray(value) ? 'an array' : value === null || typeof value === 'number' || typeof value === 'boolean' ? String(value) : `a ${typeof value}`;
}

/** A JSON object: not null, not an array. */
export const isObject = (v: unknown): boolean => !!v && typeof v === 'object' && !Array.isArray(v);

function failure(pointer: string, keyword: string, expected: string, found: unknown): Checked {
  // JSON text of what was found (80 UTF-16 code units at most, `...` where cut; the cut may leave half a
  // surrogate pair, which no byte of the bundle's budget is left to avoid: tCA F5); JSON.stringify would call Infinity null.
  let shown: string;
  try {
    const text = typeof found === 'number' && !isFinite(found) ? String(found) : JSON.stringify(found) ?? 'nothing';
    shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // A value nested thousands deep overflows JSON.stringify's stack (a hostile server's
    // `[[[…]]]`): thrown from a socket's message handler, it ended the process.
    shown = `${described(found)} nested too deep to show`;
  }
  return { ok: false, reason: 'invalid', errors: [{ pointer, keyword, message: `expected ${expected}, got ${shown}` }] };
}
