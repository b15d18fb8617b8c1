// Types only from generated/: `generate`, which rewrites it, loads this module, and must not
// need a working generated/ to repair a broken one.
import type { Direction } from '../../generated/contract.js';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { escapeToken, resolvePointer } from './json-pointer.js';

/**
 * One reason a message was rejected: plain data (strings and numbers only), so it survives
 * spread, `structuredClone`, `postMessage` and `JSON.stringify`, and it says what was there
 * when the message was validated even if the value changes later.
 *
 * `message` is one line that a person can act on: `expected one of "buy", "sell", got "hold"`.
 */
export interface ValidationError {
  /** JSON Pointer (RFC 6901) of the value at fault, e.g. `/data/side`; `""` is the whole message. For a missing property, where it should be. */
  pointer: string;
  /**
   * The JSON Schema keyword that failed (`required`, `enum`, `type`, `format`, `additionalProperties`,
   * `anyOf`, `minimum`, `maxLength`, …; `type` too for what JSON cannot write, which the builders and
   * `serializeMessage` refuse with `{ validate: true }`: `NaN`, a BigInt, a cycle, nesting too deep),
   * or one of this library's own: `discriminator` for an unknown message type, `x-direction` for a
   * type sent the wrong way, `json` for text (or bytes) that is not JSON, and `loneSurrogate` for a
   * string holding half a UTF-16 surrogate pair alone (the builders and `serializeMessage` with
   * `{ validate: true }`; `validateMessage` does not look).
   */
  keyword: string;
  /** `expected <expected>, got <found>`, then `; <hint>` when there is one. One line. */
  message: string;
  /** What the schema wants there, e.g. `one of "buy", "sell"`. */
  expected?: string;
  /** What is there, e.g. `"hold"`, `a string "abc"`, `nothing`. */
  found?: string;
  /** How to fix a fault producers commonly make, e.g. `did you mean "trades"?`. Also at the end of `message`. */
  hint?: string;
  /** For `json` errors: offset in UTF-16 code units where the text stops being JSON. */
  position?: number;
  /** For `json` errors on bytes that are not UTF-8: offset in bytes of the first invalid sequence. */
  byteOffset?: number;
}

/** At least one error: `errors[0]` is always there. */
export type ValidationErrors = [ValidationError, ...ValidationError[]];

/** Why a message was rejected. */
export type RejectionReason =
  /** `type` names a message type this contract does not know (keyword `discriminator`). */
  | 'unknown-type'
  /** `type` is known, but that message never travels in the direction asked for (keyword `x-direction`). */
  | 'wrong-direction'
  /** The message breaks its type's schema, or is not a message object at all. */
  | 'invalid'
  /** The text is not JSON, the bytes are not UTF-8, or the frame is neither text nor bytes or cannot be read (keyword `json`). */
  | 'json';

/** Builds an error whose message is `expected …, got …` (and `; hint` when given). */
export function validationError(pointer: string, keyword: string, expected: string, found: string, hint?: string): ValidationError {
  if (hint === undefined) return { pointer, keyword, message: `expected ${expected}, got ${found}`, expected, found };
  return { pointer, keyword, message: `expected ${expected}, got ${found}; ${hint}`, expected, found, hint };
}

/**
 * Turns the errors of a compiled validator into one {@link ValidationError}, reading the
 * value at fault in `value` to say what was found. Picks the most specific error: when a
 * value matches no branch of an `anyOf` (a nullable field), the fault inside the branch it
 * nearly matched (an object with a wrong field), or else every branch's expectation
 * (`one of "luno", … or null`).
 */
export function describeCompiledErrors(errors: readonly CompiledValidatorError[], value: unknown, mode: 'strict' | 'tolerant' = 'strict'): ValidationErrors {
  const strict = mode !== 'tolerant';
  const last = errors[errors.length - 1];
  if (last === undefined) return [validationError('', 'unknown', 'a valid message', preview(value))];
  if (last.keyword !== 'anyOf') return [describeOne(last, value, strict)];
  const branches = errors.filter((error) => error !== last);
  // Object types told apart by a property of a fixed value (`kind`: "limit", "market") check it
  // first (src/codegen/validators.ts, `discriminatorsFirst`): a branch that failed there is not
  // the one the value chose, and the chosen branch's fault is the useful one (tHL F2: a market
  // order was told to carry the limit type's `price`). Failed there by every branch: that property's values.
  // Such a branch fails as `if` (failing in `else`) right after that property's error.
  const unchosen = branches.filter((e, i) => branches[i + 1]?.keyword === 'if' && branches[i + 1]!.params.failingKeyword === 'else' && e.keyword === 'const');
  const chosen = branches.filter((e) => e.keyword !== 'if' && !unchosen.includes(e));
  // A branch that failed deeper than the anyOf, or on the object's own keys, had the right
  // shape: its fault is the useful one.
  const inside = chosen.find((e) => e.instancePath !== last.instancePath || e.keyword === 'required' || e.keyword === 'x-closed' || e.keyword === 'additionalProperties');
  if (inside) return [describeOne(inside, value, strict)];
  if (unchosen.length > 0 && unchosen.every((e) => e.instancePath === unchosen[0]!.instancePath)) {
    const values = [...new Set(unchosen.map((e) => e.params.allowedValue))];
    const expected = values.length === 1 ? preview(values[0]) : `one of ${values.map((v) => preview(v)).join(', ')}`;
    return [validationError(unchosen[0]!.instancePath, unchosen[0]!.keyword, expected, preview(at(unchosen[0]!, value)))];
  }
  const here = at(last, value);
  // A branch's closed list says more than its type: `one of "luno", … or null`, not `a string
  // or one of …` (which reads as if any string would do). ajv checks a branch's type, then its
  // list: a type error followed by a list whose values are all of that type is one branch.
  const stated = chosen.filter((e, i) => !(e.keyword === 'type' && listOfType(chosen[i + 1], e)));
  // A date-time branch (`anyOf: [{ $ref: Timestamp }, { type: "null" }]`; its format or type error
  // carries the format) says what a date-time field alone says, its hint too (a missing offset,
  // epoch milliseconds, a Date): tGI F2.
  const dateTime = branches.find((e) => e.params.format !== undefined);
  const one = dateTime && describeOne(dateTime, value, strict);
  const expected = [...new Set(stated.map((e) => (e === dateTime ? one!.expected! : expectedOf(e, strict))))].join(' or ') || 'a value matching one of the allowed schemas';
  // A value of the wrong type says its type (`a number 7`); one of the right type, only itself.
  const wrongType = branches.every((e) => e.keyword === 'type') || branches.some((e) => e.keyword === 'type' && String(e.params.type) !== 'null');
  return [validationError(last.instancePath, 'anyOf', expected, wrongType ? typed(here) : preview(here), one?.hint)];
}

/** Whether `next` is an `enum` or `const` error at `type`'s place whose values are all of the type `type` failed for. */
function listOfType(next: CompiledValidatorError | undefined, type: CompiledValidatorError): boolean {
  if (next === undefined || next.instancePath !== type.instancePath) return false;
  const values = next.keyword === 'enum' ? (next.params.allowedValues as unknown[]) : next.keyword === 'const' ? [next.params.allowedValue] : undefined;
  const types = String(type.params.type).split(',');
  return values !== undefined && values.every((v) => types.includes(typeof v) || (typeof v === 'number' && types.includes(Number.isInteger(v) ? 'integer' : 'number')));
}

function describeOne(error: CompiledValidatorError, value: unknown, strict: boolean): ValidationError {
  const { keyword, params, instancePath } = error;
  switch (keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      return validationError(`${instancePath}/${escapeToken(name)}`, keyword, `required property ${quote(name)}`, 'nothing', requiredHint(instancePath, name, value, params.declaredNear as readonly string[] | undefined));
    }
    case 'additionalProperties':
    case 'x-closed': {
      const name = String(params.additionalProperty);
      // The key came from the object itself: read it there, not through a pointer made for it.
      const parent = at(error, value) as Record<string, unknown>;
      return unknownPropertyError(instancePath, name, parent[name]);
    }
    case 'format':
    case 'x-date-time': {
      const here = at(error, value);
      return validationError(instancePath, 'format', expectedOf(error, strict), preview(here), formatHint(here, strict));
    }
    case 'type': {
      const here = at(error, value);
      // A date-time field's type error carries its format (the generated validators'): say what
      // string, and how to write epoch milliseconds (ping and pong's form) as one (tAO F9).
      const expected = expectedOf(error, strict);
      const dateTime = params.format !== undefined;
      return validationError(instancePath, keyword, dateTime ? expected.replace('a string', DATE_TIME_STRING) : expected, typed(here), isDate(here) ? dateHint(dateTime, expected) : dateTime && typeof here == 'number' ? epochHint(here) : keepaliveSecondsHint(instancePath, here, value));
    }
    case 'x-nullable-object':
      // A nullable object (`anyOf: [<object>, { type: "null" }]` in the schema), compiled without the anyOf.
      return validationError(instancePath, 'anyOf', 'an object or null', typed(at(error, value)));
    default:
      return validationError(instancePath, keyword, expectedOf(error, strict), preview(at(error, value)));
  }
}

/**
 * A ping's or pong's `timestamp` in fractional epoch seconds (1e9 to 1e11: 2001 to 5138), as
 * Python's `time.time()` gives: it failed as no integer, and rounding it alone would leave seconds
 * (tBU F6). `undefined` for any other value or place.
 */
function keepaliveSecondsHint(instancePath: string, here: unknown, message: unknown): string | undefined {
  const type = (message as { type?: unknown } | null)?.type;
  if (instancePath !== '/timestamp' || (type !== 'ping' && type !== 'pong') || typeof here != 'number' || Number.isInteger(here) || !(here >= 1e9 && here < 1e11)) return undefined;
  return "epoch seconds (Python's time.time())? the timestamp is milliseconds since the epoch, Date.now(): multiply by 1000 and round";
}

/** The value where `error` failed, as the validator read it (`data`), or else read again from `value`. */
function at(error: CompiledValidatorError, value: unknown): unknown {
  return 'data' in error ? error.data : resolvePointer(value, error.instancePath);
}

/** What the schema wants where `error` failed, e.g. `one of "buy", "sell"`, `an integer`. */
function expectedOf({ keyword, params }: CompiledValidatorError, strict: boolean): string {
  switch (keyword) {
    case 'type': {
      // Rejections must stay cheap: the texts of the few type lists and enums are built once.
      const types = String(params.type);
      let text = TYPE_TEXTS.get(types);
      if (text === undefined) TYPE_TEXTS.set(types, (text = types.split(',').map(article).join(' or ')));
      return text;
    }
    case 'enum': {
      const values = params.allowedValues as unknown[];
      let text = ENUM_TEXTS.get(values);
      // A long list is cut (a list of 10,000 values gave an error of 89 KB on one line: a hostile tester).
      if (text === undefined) ENUM_TEXTS.set(values, (text = `one of ${values.slice(0, 20).map(preview).join(', ')}${values.length > 20 ? `, … (${values.length} values)` : ''}`));
      return text;
    }
    case 'const':
      return preview(params.allowedValue);
    case 'format':
    case 'x-date-time':
      return keyword === 'x-date-time' && strict ? PRODUCER_TIMESTAMP : (FORMAT_NAMES[String(params.format)] ?? `format "${String(params.format)}"`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(params.comparison)} ${String(params.limit)}`;
    case 'minLength':
    case 'maxLength':
      return `a string of at ${keyword === 'minLength' ? 'least' : 'most'} ${plural(params.limit, 'character')}`;
    case 'minItems':
    case 'maxItems':
      return `an array of at ${keyword === 'minItems' ? 'least' : 'most'} ${plural(params.limit, 'item')}`;
    case 'uniqueItems':
      // The pair ajv found: in a long array of objects equal but for key order or `1` vs `1.0`,
      // the array's pointer alone did not find them (tDP F7). Smaller index first: ajv sets `i`
      // to the later item for objects, to the earlier for scalars (tDX F4).
      return typeof params.i === 'number' && typeof params.j === 'number' ? `an array without duplicate items (items ${Math.min(params.i, params.j)} and ${Math.max(params.i, params.j)} are equal)` : 'an array without duplicate items';
    case 'multipleOf':
      return `a multiple of ${String(params.multipleOf)}`;
    case 'pattern':
      return `a string matching /${String(params.pattern)}/`;
    case 'required':
      return `required property ${JSON.stringify(String(params.missingProperty))}`;
    default:
      return `a value that satisfies "${keyword}"`;
  }
}

/**
 * {@link describeCompiledErrors} for a flat message a builder made itself (`ping`, `pong`: no
 * nesting, no `anyOf`, keys that need no escaping), for the faults such a message can have: a
 * missing, mistyped or out-of-range field, in the same words (test/runtime/builders.test.ts
 * holds the two to the same errors); any other keyword is described by its name. Small on
 * purpose: a bundle that builds only keepalives keeps only this of the describing.
 */
export function describeFlatError({ keyword, params, instancePath }: CompiledValidatorError, message: Record<string, unknown>): ValidationErrors {
  const here = message[instancePath.slice(1)];
  if (keyword === 'required') {
    const name = String(params.missingProperty);
    return [validationError(`${instancePath}/${name}`, keyword, `required property ${JSON.stringify(name)}`, 'nothing')];
  }
  if (keyword === 'type') {
    const expected = String(params.type).split(',').map(article).join(' or ');
    return [validationError(instancePath, keyword, expected, typed(here), isDate(here) ? dateHint(false, expected) : keepaliveSecondsHint(instancePath, here, message))];
  }
  // A key the message inherits (a polluted Object.prototype): for...in sees it.
  if (keyword === 'x-closed') return [unknownPropertyError(instancePath, String(params.additionalProperty), message[String(params.additionalProperty)])];
  const bound = keyword.endsWith('imum');
  return [validationError(instancePath, keyword, bound ? `a number ${String(params.comparison)} ${String(params.limit)}` : `a value that satisfies "${keyword}"`, preview(here))];
}

const TYPE_TEXTS = new Map<string, string>();
/** Keyed by the compiled validators' own enum arrays, which live as long as the module. */
const ENUM_TEXTS = new WeakMap<unknown[], string>();

const FORMAT_NAMES: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time such as "2026-01-14T16:30:00.000Z"',
};

/** What a date-time field given another type (an epoch number) is told it needs. */
const DATE_TIME_STRING = 'an RFC 3339 date-time string such as "2026-01-14T16:30:00.000Z"';

/** Whether `value` is a Date, of this realm or another (an iframe's, a vm context's): its tag says so, not instanceof. */
function isDate(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Date]';
}

/** How to write a Date where a date-time string (`toISOString()`) or a number of milliseconds (`getTime()`) goes: it was "got an object", no hint (tBT F8). */
function dateHint(dateTime: boolean, expected: string): string | undefined {
  if (dateTime) return 'a Date is an object, not JSON text: give date.toISOString()';
  return /number|integer/.test(expected) ? 'a Date is an object: give date.getTime() for milliseconds since the epoch' : undefined;
}

/**
 * How to write an epoch time as the string wanted, by its size: whole seconds (1e9 to 1e11, 2001
 * to 5138) or milliseconds (1e11 to 1e14); any other number (negative, fractional, Infinity) has
 * none. One hint for both sent epoch seconds on to 1970 (tAY F1).
 */
function epochHint(epoch: number): string | undefined {
  if (!Number.isInteger(epoch) || epoch < 1e9 || epoch >= 1e14) return undefined;
  return epoch < 1e11 ? 'epoch seconds? write new Date(seconds * 1000).toISOString()' : 'epoch milliseconds? write new Date(ms).toISOString()';
}

const PRODUCER_TIMESTAMP = 'an RFC 3339 date-time such as "2026-01-14T16:30:00.000Z" (strict: upper-case T and Z, second below 60, year from 0001)';

const SPACE_HINT = ', and write "T" between the date and the time, not a space';

/** Hints for the date-times producers in other languages write by mistake. */
function formatHint(here: unknown, strict: boolean): string | undefined {
  if (typeof here !== 'string') return undefined;
  // Each hint's pattern runs only when its cheap precondition holds: most bad timestamps
  // (an impossible date, a wrong type) need neither, and a rejection should stay cheap.
  const last = here.charCodeAt(here.length - 1);
  const space = here.charCodeAt(10) === 32;
  // Epoch seconds or milliseconds in quotes.
  if (last >= 48 && last <= 57 && /^\d{10,14}$/.test(here)) return epochHint(Number(here));
  if (last >= 48 && last <= 57 && /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(here)) return `the UTC offset is missing: add "Z" or an offset such as "+02:00"${space ? SPACE_HINT : ''}`;
  if (space && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(here)) return SPACE_HINT.slice(6);
  if (strict && (here.includes('t') || here.includes('z')) && /^\d{4}-\d\d-\d\d[Tt][\d:.]+([Zz]|[+-]\d\d:\d\d)$/.test(here)) return 'strict mode needs upper-case "T" and "Z": Go and Python parse only those';
  return undefined;
}

/**
 * A message of an enveloped type with its fields at the top level instead of in `data`, all of them or this one.
 * @param declaredNear the properties the object's schema declares that {@link misspells} a required one, as the compiled `required` rejection names them
 */
function requiredHint(instancePath: string, name: string, value: unknown, declaredNear: readonly string[] | undefined): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (instancePath === '/data' && Object.prototype.hasOwnProperty.call(value, name)) return `${JSON.stringify(name)} is at the top level of the message: the spec puts it in data`;
  // The reverse: a keepalive message (flat) written in the envelope of the others (a fresh user).
  const data = instancePath === '' && name === 'timestamp' ? (value as { data?: unknown }).data : undefined;
  if (typeof data === 'object' && data !== null && Object.prototype.hasOwnProperty.call(data, name)) {
    return `"timestamp" is in data: ping and pong are flat, {"type":${JSON.stringify((value as { type?: unknown }).type)},"timestamp":…}, with no data and no ts`;
  }
  // A key written beside it that is a misspelling of it (`platfrom`): the fault the producer made.
  // Up to nearestName's 40 characters, not closestType's 20 (a cap for type names): a field of
  // 20 (`exchange_connections`) misspelt one longer was not hinted (tDR F4).
  const here = resolvePointer(value, instancePath);
  if (typeof here === 'object' && here !== null) {
    // Not a key the schema declares there itself (`fee` beside a newly required `fees`): renamed,
    // it would be missed (tDJ F8). Asked of a near miss only, from the list the rejection carries.
    const typo = Object.keys(here).find((key) => misspells(key, name) && !declaredNear?.includes(key));
    if (typo !== undefined) return `${JSON.stringify(typo)} is written: did you mean ${JSON.stringify(name)}?`;
  }
  if (instancePath !== '' || name !== 'data') return undefined;
  // Only the enveloped types require `data`, so `type` names one of them.
  const type = (value as { type?: unknown }).type;
  const stray = Object.keys(value).filter((key) => key !== 'type' && key !== 'ts' && key !== 'cursor');
  if (stray.length === 0) return undefined;
  // Said as a condition: a stray key may be no field of the type at all (`foo`), and moving it would not help.
  const shown = stray.slice(0, 3).map((key) => JSON.stringify(key));
  return `if ${shown.join(', ')}${stray.length > 3 ? ', …' : ''} ${stray.length === 1 ? 'is a field' : 'are fields'} of the message, the spec wraps ${stray.length === 1 ? 'it' : 'them'} in data: {"type":${JSON.stringify(type)},"data":{${shown.map((key) => `${key}:…`).join(',')}${stray.length > 3 ? ',…' : ''}},"ts":…}`;
}

/** Whether `key`, written beside a missing required property `name`, is taken for a misspelling of it (the did-you-mean of {@link requiredHint}). */
export function misspells(key: string, name: string): boolean {
  return key !== name && nearestName(key.replace(/[- ]/g, '_'), [name]) === name;
}

/**
 * Why `input` is not even a message of some known type (with `direction`, of a type that travels that way).
 * @param types the message types known (with `direction`, those that travel that way), named in the error
 */
export function describeEnvelope(input: unknown, type: unknown, types: readonly string[], direction?: Direction): ValidationErrors {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [validationError('', 'type', 'a message object', preview(input))];
  if (type === undefined) {
    // `{"tpye": "trades", …}`, `{"Type": …}`: said only of the fields inside `data` (a fresh user).
    const near = Object.keys(input).find((key) => key.length < 9 && nearestName(key, ['type']) !== undefined);
    return [validationError('/type', 'required', 'required property "type"', 'nothing', near === undefined ? undefined : `the message has ${shown(near)}: did you mean "type"?`)];
  }
  if (typeof type !== 'string') return [validationError('/type', 'type', 'a string', typed(type))];
  const near = closestType(type, types);
  // `validate schemas/` (a fresh user): a schema's `"type": "object"` read as a message type.
  const schema = type === 'object' && ('$schema' in input || 'properties' in input) ? 'this is a JSON Schema, not a message: validate the messages it describes' : undefined;
  return [validationError('/type', 'discriminator', `${direction === undefined ? 'a known' : `a ${direction}`} message type (${types.join(', ')})`, preview(type), near === undefined ? schema : `did you mean ${JSON.stringify(near)}?`)];
}

/** The known type a misspelt `type` most likely meant: the same in lower case with `_`, or at most two edits away (a swap of two neighbours is one). */
function closestType(type: string, types: readonly string[]): string | undefined {
  return type.length > 20 ? undefined : nearestName(type.replace(/[- ]/g, '_'), types);
}

/**
 * `did you mean "buy"?` when `value` is one of `known` in another case, with spaces trimmed, or
 * with `-` or a space for `_` (`"BUY"`, `"stop loss"`); else undefined. For strict mode's
 * faults and tolerant mode's notices alike.
 */
export function caseSlip(value: string, known: readonly unknown[]): string | undefined {
  if (value.length > 60) return undefined;
  const listed = new Set(known);
  const candidate = [value.toLowerCase(), value.toUpperCase(), value.trim(), value.trim().toLowerCase().replace(/[- ]/g, '_')].find((c) => c !== value && listed.has(c));
  return candidate === undefined ? undefined : `did you mean ${JSON.stringify(candidate)}?`;
}

/** The one of `names` that `word` most likely misspells, ignoring case (at most two edits away, and fewer than half that name's length), or undefined. */
export function nearestName(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  if (word.length > 40) return undefined;
  const lower = word.toLowerCase();
  for (const name of names) {
    const other = name.toLowerCase();
    const limit = Math.min(bestDistance, name.length / 2);
    // The distance is at least the difference in length: a name that cannot come closer is not compared (validate asks this of every line of a stream of one unknown type).
    if (Math.abs(lower.length - other.length) < limit) {
      const distance = editDistance(lower, other);
      if (distance < limit) [best, bestDistance] = [name, distance];
    }
  }
  return best;
}

/** Three rows of {@link editDistance}, reused. */
const rows: number[][] = [[], [], []];

/** Edit distance: insertions, deletions, substitutions and swaps of two neighbours (`pnig` → `ping` is one). */
export function editDistance(a: string, b: string): number {
  let [before, row, next] = rows as [number[], number[], number[]];
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    next[0] = i;
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) next[j] = Math.min(next[j]!, before[j - 2]! + 1);
    }
    [before, row, next] = [row, next, before];
  }
  return row[b.length]!;
}

/** The error of a value that threw while it was read (a getter, a revoked Proxy, a Proxy trap). */
export function describeThrown(error: unknown, value?: unknown): ValidationErrors {
  return describeThrownAt(error, value === undefined ? '' : throwingPointer(value));
}

/** {@link describeThrown} where the caller knows the place (a keepalive builder: its timestamp), without the search. */
export function describeThrownAt(error: unknown, pointer: string): ValidationErrors {
  return [validationError(pointer, 'type', 'a plain JSON value', `a value that throws when read (${thrownText(error)})`)];
}

/**
 * Where in `value` reading throws (a getter, a revoked Proxy): the first such place in key
 * order, depth first, found by reading it again (at most 10,000 values, each once), or `''`
 * when none throws now.
 */
function throwingPointer(value: unknown): string {
  // Each entry: a value read, and its pointer; its keys are listed, then each is read as it comes off the stack.
  const pending: [holder: object | null, key: string, pointer: string][] = [[null, '', '']];
  const seen = new Set<unknown>();
  while (pending.length > 0 && seen.size < 10_000) {
    const [holder, key, pointer] = pending.pop()!;
    try {
      const node = holder === null ? value : (holder as Record<string, unknown>)[key];
      if (typeof node !== 'object' || node === null || seen.has(node)) continue;
      seen.add(node);
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) pending.push([node, keys[i]!, `${pointer}/${escapeToken(keys[i]!)}`]);
    } catch {
      return pointer;
    }
  }
  return '';
}

/** What was thrown, for a message: `String(value)` (`TypeError: …` for an Error) cut at 100 characters, or a neutral text when even that throws (a Symbol in a template, a hostile toString). */
export function thrownText(value: unknown): string {
  try {
    const text = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
    return cut(text, 100);
  } catch {
    return 'an exception that cannot be shown';
  }
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

/** A key the schema does not list, at `instancePath`; a long key is cut in the text (the pointer names it whole). */
function unknownPropertyError(instancePath: string, name: string, value: unknown): ValidationError {
  // A producer that sends a key the schema does not list sends it in every message: the texts
  // of the last key described are kept (one key, so hostile keys cannot grow it).
  if (name !== unknownName) {
    unknownName = name;
    unknownToken = escapeToken(name);
    unknownExpected = `no property ${shown(name)} (unknown to the schema)`;
  }
  return validationError(`${instancePath}/${unknownToken}`, 'additionalProperties', unknownExpected, preview(value));
}

let unknownName: string | undefined;
let unknownToken = '';
let unknownExpected = '';

/** `text` quoted as JSON, cut at 60 characters. */
function shown(text: string): string {
  return quote(cut(text, 60));
}

/** A byte count for messages: `64 MiB`, `97.7 KiB`, `512 bytes` (binary units, one decimal when not whole). */
export function byteSize(count: number): string {
  if (count < 1024) return `${count} bytes`;
  const [value, unit] = count < 1024 * 1024 ? [count / 1024, 'KiB'] : [count / (1024 * 1024), 'MiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/**
 * `text` cut to at most `max` UTF-16 code units, `...` included, never between the halves of
 * a surrogate pair (a lone half would print as `\ud83d`).
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 3;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}...`;
}

/**
 * `text` (a JSON Pointer, a message type) for a message composed on one line, cut first to at
 * most `max` UTF-16 code units (see {@link cut}): as it is when printable ASCII, else escaped as
 * the inside of a JSON string, without the quotes (see {@link inertJsonText}): `/data/x\n…` for
 * a key with a newline, `\u001b`, `\u202e`, half a surrogate pair as `\ud800`, and `"` and `\`
 * as `\"` and `\\`; other characters, `é` or `ключ`, stay as they are. A key or type from a
 * hostile value cannot break or forge the line a log prints it on; plain text, the usual case,
 * reads as it is.
 */
export function inertBare(text: string, max: number): string {
  const short = cut(text, max);
  return PLAIN.test(short) ? short : inertJsonText(JSON.stringify(short)).slice(1, -1);
}

/** Printable ASCII but `"` and `\`: what `JSON.stringify` writes as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * `JSON.stringify(text)` with the characters it leaves raw but a terminal or a log viewer may
 * act on or hide escaped too (DEL, the C1 controls, the format characters such as the
 * bidirectional controls, U+2028/9, the other default-ignorable code points: `\u202e`), so a
 * message quoting hostile text cannot reorder or forge the line it is printed on; at half the
 * cost for the usual key or value (a rejection builds one or two).
 */
function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : inertJsonText(JSON.stringify(text));
}

/** What `JSON.stringify` leaves raw of the characters src/runtime/printable.ts calls unsafe (its `UNSAFE` but the C0 controls and lone surrogates, which it escapes). */
const UNSAFE_AFTER_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * JSON text (of `JSON.stringify`, which escapes the C0 controls) with the other unsafe
 * characters escaped as well (`\u202e`; a character past U+FFFF as its two code units): still
 * valid JSON, meaning the same, since such characters can only appear inside its strings.
 */
export function inertJsonText(json: string): string {
  return json.replace(UNSAFE_AFTER_JSON, unicodeEscape);
}

/** `\\u202e` for U+202E: the JSON escape of each UTF-16 code unit. */
export function unicodeEscape(chars: string): string {
  return chars.replace(/[^]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Throws a TypeError when a builder's `options` is given but is not an object
 * (`createPing(1, 'validate')`, `serializeMessage(m, true)` from untyped code, an array), holds
 * a key that is not one of `known` (`{ valdiate: true }`), or a `validate` that is not a
 * boolean (`{ validate: 'false' }`): ignored or read as truthy, each would build with or
 * without the validation asked for, silently.
 */
export function checkOptionsObject(call: string, options: unknown, known: readonly string[] = VALIDATE_ONLY): void {
  if (options == null) return;
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${call}: options must be an object such as { validate: true }, got ${preview(options)}`);
  // A misspelt option built without the validation asked for (`{ valdiate: true }`: a fresh user).
  for (const key of Object.keys(options)) if (!known.includes(key)) throw new TypeError(`${call}: unknown option ${quote(key)}; the options are ${known.join(' and ')}`);
  // `{ validate: 'false' }` (an environment variable passed on) validated, `{ validate: 0 }` did not.
  const { validate } = options as { validate?: unknown };
  if (validate !== undefined && typeof validate !== 'boolean') throw new TypeError(`${call}: options.validate must be true or false, got ${preview(validate)}`);
}

const VALIDATE_ONLY: readonly string[] = ['validate'];

/**
 * A short, one-line rendering of any value for error messages: JSON for scalars (strings
 * cut at 60 characters), `an object` / `an array of N items` for containers, `nothing` for
 * a missing value. Never recurses, so a value nested 10,000 levels deep costs nothing.
 */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    return shown(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `${value} (not a finite number)`;
  if (typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${plural(value.length, 'item')}`;
  if (typeof value === 'object') return objectPreview(value);
  if (typeof value === 'bigint') return `a bigint ${value}n`;
  if (typeof value === 'function') return 'a function';
  return `a ${typeof value}`;
}

/**
 * An object that is not an array, as {@link preview} says it: a Promise (any thenable: an async
 * factory's result, `createRedisStreamStore(…)` or `response.text()` without `await`) and a
 * Date (where a timestamp string goes) by what they are, any other as `an object`. A getter or
 * Proxy that throws when read is just `an object`.
 */
function objectPreview(value: object): string {
  try {
    if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise (did you forget await?)';
    if (Object.prototype.toString.call(value) === '[object Date]') {
      const time = (value as Date).getTime();
      return Number.isNaN(time) ? 'an invalid Date' : `a Date (${(value as Date).toISOString()})`;
    }
  } catch {
    // A Proxy's trap or a `then` getter that throws: nothing more to say.
  }
  return 'an object';
}

/** `1 item`, `2 items`: a count and its noun. */
function plural(count: unknown, noun: string): string {
  return `${String(count)} ${noun}${count === 1 ? '' : 's'}`;
}
