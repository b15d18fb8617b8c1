import { parseTree, visit, type Node as JsonNode } from 'jsonc-parser';
import { DAYS_IN_MONTH, isLeapYear } from '../runtime/date-time.js';
import { caseSlip, cut, type ValidationError } from '../runtime/errors.js';
import { escapeToken, parsePointer, resolvePointer } from '../runtime/json-pointer.js';
import { validateMessage } from '../runtime/validate.js';

/**
 * Numbers as the producer wrote them, for error texts: used by `validate`, `listen` and the
 * reference server's `INVALID_MESSAGE` details.
 */

/** `parseTree`, or undefined for text it cannot take (e.g. nesting too deep for a recursive parser). */
export function safeParseTree(text: string): JsonNode | undefined {
  try {
    return parseTree(text) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of the number at `prefix` + `pointer` in `tree` (of `text`), or undefined when no
 * number is there. Of a key written twice, the last (the one `JSON.parse` keeps).
 */
export function numberLiteral(text: string, tree: JsonNode | undefined, prefix: readonly (string | number)[], pointer: string): string | undefined {
  const steps = [...prefix, ...parsePointer(pointer)];
  const { node, depth } = deepestNode(tree, steps);
  return depth === steps.length && node?.type === 'number' ? text.slice(node.offset, node.offset + node.length) : undefined;
}

/** A step of {@link numberLiterals}' pointers: the steps after it, whether a pointer ends here, and the number written there. */
interface Way {
  next: Map<string, Way>;
  end: boolean;
  literal?: string | undefined;
}

/**
 * The text of the number at each of `pointers` in `text` (JSON) that has one, as
 * {@link numberLiteral} finds it (of a key written twice, the last), without a syntax tree: one
 * pass over the text that enters only the arrays and objects on some pointer's way, so its
 * memory is that of the pointers, not of the text. The tree of a frame of 1,000,000 keys took
 * 450 MB (about 0.45 KB a key) to find the numbers of a few faults (a fresh user: `listen
 * --all-errors` of such a frame peaked at 850 MB).
 *
 * @returns each pointer with a number there, to its text as written
 */
export function numberLiterals(text: string, pointers: readonly string[]): Map<string, string> {
  const root: Way = { next: new Map(), end: false };
  for (const pointer of pointers) {
    let way = root;
    for (const step of parsePointer(pointer)) {
      let next = way.next.get(step);
      if (next === undefined) way.next.set(step, (next = { next: new Map(), end: false }));
      way = next;
    }
    way.end = true;
  }
  // A later member under a key replaces what an earlier one held (JSON.parse keeps the last).
  const forget = (way: Way): void => {
    way.literal = undefined;
    for (const next of way.next.values()) forget(next);
  };
  // Each open array or object that was entered, with its way, its next index, and its current member's way.
  const open: { way: Way; array: boolean; index: number; member: Way | undefined }[] = [];
  /** The way of the value that begins now: the root's, or its container's current member's. */
  const wayOfValue = (): Way | undefined => {
    const parent = open.at(-1);
    if (parent === undefined) return root;
    if (parent.array) parent.member = parent.way.next.get(String(parent.index++));
    return parent.member;
  };
  const begin = (array: boolean): boolean => {
    const way = wayOfValue();
    if (way === undefined || way.next.size === 0) {
      // Off every pointer's way: its members are skipped (jsonc-parser calls nothing inside, then its end).
      open.push({ way: { next: new Map(), end: false }, array, index: 0, member: undefined });
      return false;
    }
    open.push({ way, array, index: 0, member: undefined });
    return true;
  };
  visit(text, {
    onObjectBegin: () => begin(false),
    onArrayBegin: () => begin(true),
    onObjectEnd: () => void open.pop(),
    onArrayEnd: () => void open.pop(),
    onObjectProperty: (property) => {
      const parent = open.at(-1)!;
      parent.member = parent.way.next.get(property);
      if (parent.member !== undefined) forget(parent.member);
    },
    onLiteralValue: (value, offset, length) => {
      const way = wayOfValue();
      if (way?.end && typeof value === 'number') way.literal = text.slice(offset, offset + length);
    },
  });
  const found = new Map<string, string>();
  for (const pointer of pointers) {
    let way: Way | undefined = root;
    for (const step of parsePointer(pointer)) way = way?.next.get(step);
    if (way?.literal !== undefined) found.set(pointer, way.literal);
  }
  return found;
}

/**
 * The node at `steps` (JSON Pointer tokens, or array indexes) in jsonc-parser's `tree`, or the
 * deepest one on the way that exists, with how many steps it took. A step into an object is a
 * key (`"0"` too) and takes the last property written with it (the one `JSON.parse` keeps); into
 * an array, an index written as JSON Pointer writes it (no sign, no leading zero).
 */
export function deepestNode(tree: JsonNode | undefined, steps: readonly (string | number)[]): { node: JsonNode | undefined; depth: number } {
  let node = tree;
  let depth = 0;
  for (const step of steps) {
    let next: JsonNode | undefined;
    if (node?.type === 'object') next = node.children?.findLast((property) => property.children?.[0]?.value === String(step))?.children?.[1];
    else if (node?.type === 'array' && /^(0|[1-9]\d*)$/.test(String(step))) next = node.children?.[Number(step)];
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

/**
 * `error` as the producer wrote it, for the CLI and the server's error details (the browser
 * bundle carries neither): a date-time written in the right form but naming a date or time
 * that does not exist gets a hint naming the part (`day 30 does not exist in February 2026 (28
 * days)`), a key unknown at the top of a message that is a field of its `data` says so, a
 * value outside a closed list that is one of it in another case says which (`"BUY"`: did you
 * mean "buy"?), and the number at fault is shown as the text writes it when JavaScript reads it as
 * another (`12345678901234567890 (read as 12345678901234567000)`, `1.50 (read as 1.5)`, `1e400
 * (read as Infinity, not a finite number)`): such a number would otherwise be shown as one
 * nobody sent.
 *
 * @param message the parsed message the error is about
 * @param literal the text of the number at a JSON Pointer of the message, or undefined (e.g. {@link numberLiteral})
 */
export function asWritten(error: ValidationError, message: unknown, literal: (pointer: string) => string | undefined): ValidationError {
  if (error.found === undefined || error.keyword === 'json') return error;
  const value = resolvePointer(message, error.pointer);
  // A hint, then the number as written: a field outside `data` can be a number written as a float.
  let result = error;
  if (error.keyword === 'format' && typeof value === 'string') {
    // After the runtime's hint of the form (the offset, the space), what else is wrong: a hint
    // that, followed, still failed, with none then, is no hint (tGJ F3).
    const more = dateTimeFaults(value, error.hint !== undefined);
    if (more !== undefined) result = { ...error, message: `${error.message}; ${more}`, hint: error.hint === undefined ? more : `${error.hint}; ${more}` };
  } else if (error.hint === undefined) {
    const hint =
      error.keyword === 'additionalProperties' ? outsideData(error.pointer, message)
      : (error.keyword === 'enum' || error.keyword === 'const') && typeof value === 'string' && error.expected !== undefined ? otherCase(error.expected, value)
      : undefined;
    if (hint !== undefined) result = { ...error, message: `${error.message}; ${hint}`, hint };
  }
  if (typeof value !== 'number') return result;
  const read = String(value);
  const written = literal(error.pointer);
  if (written === undefined || written === read || !error.found.includes(read)) return result;
  // Cut as long strings are: a number of a million digits is not printed whole (a hostile tester).
  const shown = cut(written, MAX_WRITTEN);
  // Beyond the largest double (`1e400`), JSON.parse reads Infinity.
  const found = Number.isFinite(value) ? error.found.replace(read, `${shown} (read as ${read})`) : error.found.replace(`${read} (not a finite number)`, `${shown} (read as ${read}, not a finite number)`);
  return { ...result, found, message: result.message.replace(`got ${error.found}`, `got ${found}`) };
}

/** Characters of a number as written shown in a message at most, `...` included. */
export const MAX_WRITTEN = 100;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Every fault of a date-time written near RFC 3339's form (`2026-13-45T25:00Z`), the seconds or
 * the offset missing included: the seconds missing, each part that does not exist (month 13, day
 * 45, hour 25), then, with every part there and existing, {@link impossibleDateTime}'s. The form's
 * surface faults the runtime hints at (`hinted`: the offset missing, a space for "T") are not said
 * again. Undefined when there is nothing more to say.
 */
export function dateTimeFaults(text: string, hinted: boolean): string | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)([Tt ])(\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?([Zz]|([+-])(\d\d):(\d\d))?$/.exec(text);
  if (m === null) return hinted ? undefined : impossibleDateTime(text);
  const faults: string[] = [];
  if (m[7] === undefined) faults.push(`the seconds are missing: RFC 3339 writes the time hh:mm:ss ("${m[5]}:${m[6]}:00")`);
  // The runtime says a missing offset and a space between date and time, except beside missing seconds with an offset.
  if (!hinted && m[9] === undefined) faults.push('the UTC offset is missing: add "Z" or an offset such as "+02:00"');
  if (!hinted && m[4] === ' ') faults.push('write "T" between the date and the time, not a space');
  const [year, month, day, hour, minute] = m.slice(1, 7).filter((_, i) => i !== 3).map(Number) as [number, number, number, number, number];
  const monthOk = month >= 1 && month <= 12;
  if (!monthOk) faults.push(`month ${m[2]} does not exist (01 to 12)`);
  const days = !monthOk ? 31 : month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
  if (day < 1 || day > days) faults.push(monthOk ? `day ${m[3]} does not exist in ${MONTHS[month - 1]} ${m[1]} (${days} days)` : `day ${m[3]} does not exist (01 to 31)`);
  if (hour > 23) faults.push(`hour ${m[5]} does not exist (00 to 23${hour === 24 ? ': midnight at the end of a day is 00:00 of the next' : ''})`);
  if (minute > 59) faults.push(`minute ${m[6]} does not exist (00 to 59)`);
  if (m[7] !== undefined && Number(m[7]) > 60) faults.push(`second ${m[7]} does not exist (00 to 59, or 60 for a leap second)`);
  if (m[10] !== undefined && (Number(m[11]) > 23 || Number(m[12]) > 59)) faults.push(`the offset ${m[10]}${m[11]}:${m[12]} does not exist (hours 00 to 23, minutes 00 to 59)`);
  if (faults.length > 0) return faults.join('; ');
  // Every part there and existing: a leap second out of place, too many fraction digits.
  return hinted ? undefined : impossibleDateTime(text);
}

/**
 * What does not exist in a date-time written in RFC 3339's form (`2026-02-30T12:00:00Z`), in
 * words, or undefined when the form is wrong (other hints cover that) or every part exists.
 * A second of 60 is named where it cannot be (any minute but 23:59 UTC); at 23:59 UTC, where only
 * strict mode refuses it, it is left to the expected text (second below 60). More than 9
 * fraction digits is named too: only strict mode refuses them, and only they can be at fault
 * once every part exists.
 */
export function impossibleDateTime(text: string): string | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:[Zz]|([+-])(\d\d):(\d\d))$/.exec(text);
  if (m === null) {
    // An offset written without its colon (ISO 8601's basic form, Python's `%z`): RFC 3339 needs it.
    const offset = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?([+-])(\d\d)(\d\d)$/.exec(text);
    return offset === null ? undefined : `the offset ${offset[1]}${offset[2]}${offset[3]} needs a colon: ${offset[1]}${offset[2]}:${offset[3]}`;
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return `month ${m[2]} does not exist (01 to 12)`;
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
  if (day < 1 || day > days) return `day ${m[3]} does not exist in ${MONTHS[month - 1]} ${m[1]} (${days} days)`;
  if (hour > 23) return `hour ${m[4]} does not exist (00 to 23${hour === 24 ? ': midnight at the end of a day is 00:00 of the next' : ''})`;
  if (minute > 59) return `minute ${m[5]} does not exist (00 to 59)`;
  if (second > 60) return `second ${m[6]} does not exist (00 to 59, or 60 for a leap second)`;
  if (m[8] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return `the offset ${m[8]}${m[9]}:${m[10]} does not exist (hours 00 to 23, minutes 00 to 59)`;
  // A leap second anywhere but the last minute of a UTC day (RFC 3339, section 5.7); where it
  // is there, strict mode's refusal is the expected text's to say (second below 60).
  const offset = m[8] === undefined ? 0 : (m[8] === '+' ? 1 : -1) * (Number(m[9]) * 60 + Number(m[10]));
  if (second === 60 && ((((hour * 60 + minute - offset) % 1440) + 1440) % 1440) !== 1439) return 'second 60 (a leap second) exists only at 23:59:60 UTC';
  // Every part exists: in strict mode (tolerant takes any number of digits), the fraction.
  if (m[7] !== undefined && m[7].length > 9 && second < 60 && year > 0) return `${m[7].length} fraction digits: strict mode takes at most 9 (nanoseconds)`;
  return undefined;
}

/**
 * For a key unknown at the top of a message (strict mode's `additionalProperties` at `/<key>`):
 * whether `data` knows it, asked of the message's own schema with the key moved into `data`
 * (or, when `data` holds the key already, with `data` as it is: the hint then says to drop the
 * stray copy). The runtime hints at fields outside `data` only when `data` is missing: it
 * carries no field lists. Undefined when the moved message fails elsewhere (with
 * `--all-errors` other faults may remain) or `data` does not know the key either.
 */
function outsideData(pointer: string, message: unknown): string | undefined {
  const [key, ...deeper] = parsePointer(pointer);
  if (key === undefined || deeper.length > 0 || typeof message !== 'object' || message === null) return undefined;
  const { type, data, ts, cursor } = message as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const held = Object.prototype.hasOwnProperty.call(data, key);
  // The envelope's own fields only, not the message's other keys: a message with 80,000
  // unknown keys was copied and validated once per key listed (a reviewer: 22 s).
  const envelope: Record<string, unknown> = { type, data: held ? data : { ...data, [key]: (message as Record<string, unknown>)[key] } };
  if (ts !== undefined) envelope.ts = ts;
  if (cursor !== undefined) envelope.cursor = cursor;
  const moved = validateMessage(envelope, { mode: 'strict' });
  const at = `/data/${escapeToken(key)}`;
  const known = moved.ok || (moved.errors[0]!.keyword !== 'additionalProperties' && (moved.errors[0]!.pointer === at || moved.errors[0]!.pointer.startsWith(`${at}/`)));
  if (!known) return undefined;
  // Both there (a fresh user's trade with a second `fee` beside data): which one counts is no question.
  return `${JSON.stringify(key)} is a field of data, not of the message: ${held ? 'data holds it already; drop this one' : 'the spec puts it in data'}`;
}

/**
 * For a string a closed list or a fixed value refuses: the same string in lower case, upper
 * case, trimmed, or in lower case with `_` for `-` and spaces, when it is one of the values
 * the error's `expected` text lists (`one of "buy", "sell"`), as a hint.
 */
function otherCase(expected: string, value: string): string | undefined {
  return caseSlip(value, (expected.match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((quoted) => JSON.parse(quoted) as string));
}

