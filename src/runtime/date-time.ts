/**
 * RFC 3339 `date-time` check (section 5.6), written without regular expressions because it
 * runs once per timestamp in every message: ajv-formats' regex version costs more than the
 * rest of a message's validation together.
 *
 * Accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: `T`/`t` and `Z`/`z` in either case,
 * any number of fraction digits, Feb 29 only in leap years, and a leap second (`:60`) only
 * at 23:59 UTC. Rejects month 13, hour 24, day 30 of February, offsets without a colon
 * (`+0200`) and a space instead of `T` — the last two ajv-formats tolerates, RFC 3339's
 * grammar does not.
 *
 * @param value any value; only a string can be a date-time
 * @returns whether `value` is an RFC 3339 date-time
 * @see websocket-message-schemas.md, "Message Structure" (`ts`: ISO 8601 timestamp)
 */
export function isDateTime(value: unknown): boolean {
  return checkDateTime(value, false);
}

/**
 * The producer profile of RFC 3339 that strict mode requires: the timestamps every generated
 * language parses as they are (Go's `time.Parse(time.RFC3339Nano, …)` since Go 1.19, Python
 * 3.11's `datetime.fromisoformat`, JavaScript's `Date.parse`). An RFC 3339 date-time
 * ({@link isDateTime}) with, in addition:
 *
 * - upper-case `T` and `Z` (Go and Python refuse `t` and `z`);
 * - 1 to 9 fraction digits, if any (Go's RFC3339Nano reads at most 9);
 * - seconds `00`–`59`: no leap second (Go, Python and JavaScript refuse `:60`);
 * - year `0001` or later (Python's `datetime` has no year 0).
 *
 * Tolerant mode (consumers) accepts any RFC 3339 date-time.
 *
 * @param value any value; only a string can be a date-time
 * @see websocket-message-schemas.md, "Message Structure" (`ts`)
 */
export function isProducerDateTime(value: unknown): boolean {
  return checkDateTime(value, true);
}

/**
 * {@link isDateTime} when `producer` is false, {@link isProducerDateTime} when true: the
 * generated validators call this with the mode of the call.
 */
export function checkDateTime(value: unknown, producer: boolean): boolean {
  if (typeof value !== 'string') return false;
  // The form producers write (`Date#toISOString`, `YYYY-MM-DDTHH:MM:SS.sssZ`, 24 characters),
  // decided here without the general parse: most timestamps of a stream take this path, and it
  // is written out in this function, not called, since V8 inlines neither (both are too large
  // for it) and every call costs. Valid in both modes or invalid in both; anything it does not
  // settle (another form, a digit out of its range, a leap second, year 0000) goes on to
  // {@link anyDateTime}.
  if (value.length === 24 && value.charCodeAt(23) === UPPER_Z && value.charCodeAt(19) === DOT && value.charCodeAt(10) === UPPER_T &&
    value.charCodeAt(4) === DASH && value.charCodeAt(7) === DASH && value.charCodeAt(13) === COLON && value.charCodeAt(16) === COLON) {
    const y0 = value.charCodeAt(0) - ZERO, y1 = value.charCodeAt(1) - ZERO, y2 = value.charCodeAt(2) - ZERO, y3 = value.charCodeAt(3) - ZERO;
    const mo0 = value.charCodeAt(5) - ZERO, mo1 = value.charCodeAt(6) - ZERO, d0 = value.charCodeAt(8) - ZERO, d1 = value.charCodeAt(9) - ZERO;
    const h0 = value.charCodeAt(11) - ZERO, h1 = value.charCodeAt(12) - ZERO, mi0 = value.charCodeAt(14) - ZERO, mi1 = value.charCodeAt(15) - ZERO;
    const s0 = value.charCodeAt(17) - ZERO, s1 = value.charCodeAt(18) - ZERO;
    const f0 = value.charCodeAt(20) - ZERO, f1 = value.charCodeAt(21) - ZERO, f2 = value.charCodeAt(22) - ZERO;
    // Each digit in the range its place allows (month tens 0–1, day tens 0–3, hour tens 0–2,
    // minute and second tens 0–5), as one unsigned comparison per digit.
    if ((y0 >>> 0) <= 9 && (y1 >>> 0) <= 9 && (y2 >>> 0) <= 9 && (y3 >>> 0) <= 9 && (mo0 >>> 0) <= 1 && (mo1 >>> 0) <= 9 &&
      (d0 >>> 0) <= 3 && (d1 >>> 0) <= 9 && (h0 >>> 0) <= 2 && (h1 >>> 0) <= 9 && (mi0 >>> 0) <= 5 && (mi1 >>> 0) <= 9 &&
      (s0 >>> 0) <= 5 && (s1 >>> 0) <= 9 && (f0 >>> 0) <= 9 && (f1 >>> 0) <= 9 && (f2 >>> 0) <= 9) {
      const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
      const month = mo0 * 10 + mo1;
      const day = d0 * 10 + d1;
      if (year !== 0) {
        if (month < 1 || month > 12 || day < 1 || h0 * 10 + h1 > 23) return false;
        if (day <= DAYS_IN_MONTH[month]!) return true;
        return month === 2 && day === 29 && isLeapYear(year);
      }
    }
  }
  return anyDateTime(value, producer);
}

/**
 * {@link checkDateTime}'s verdict without its fast path for the `toISOString` form: smaller,
 * slower on that form. What the browser client's validators (`validators-tolerant.js`) call,
 * where bytes count more than that speed.
 */
export function checkAnyDateTime(value: unknown, producer: boolean): boolean {
  return typeof value === 'string' && anyDateTime(value, producer);
}

/** {@link checkDateTime} of any string, by the general parse of RFC 3339's grammar. */
function anyDateTime(value: string, producer: boolean): boolean {
  if (value.length < 20) return false;
  const century = twoDigits(value, 0);
  const yearOfCentury = twoDigits(value, 2);
  if (century < 0 || yearOfCentury < 0) return false;
  if (producer && century === 0 && yearOfCentury === 0) return false;
  if (value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return false;
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > (month === 2 ? (isLeapYear(century * 100 + yearOfCentury) ? 29 : 28) : DAYS_IN_MONTH[month]!)) return false;

  const separator = value.charCodeAt(10);
  if (separator !== UPPER_T && (producer || separator !== LOWER_T)) return false;
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  if (value.charCodeAt(13) !== COLON || value.charCodeAt(16) !== COLON) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;

  let index = 19;
  if (value.charCodeAt(index) === DOT) {
    const start = ++index;
    while (index < value.length) {
      const code = value.charCodeAt(index);
      if (code < ZERO || code > NINE) break;
      index++;
    }
    if (index === start || (producer && index - start > 9)) return false;
  }

  const zone = value.charCodeAt(index);
  let offsetMinutes = 0;
  if (zone === UPPER_Z || (zone === LOWER_Z && !producer)) {
    if (index + 1 !== value.length) return false;
  } else if (zone === PLUS || zone === DASH) {
    if (index + 6 !== value.length || value.charCodeAt(index + 3) !== COLON) return false;
    const offsetHour = twoDigits(value, index + 1);
    const offsetMinute = twoDigits(value, index + 4);
    if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return false;
    offsetMinutes = (zone === PLUS ? 1 : -1) * (offsetHour * 60 + offsetMinute);
  } else {
    return false;
  }

  if (second === 60) {
    if (producer) return false;
    // A leap second is inserted at 23:59:60 UTC only (RFC 3339, section 5.7).
    const utcMinuteOfDay = (((hour * 60 + minute - offsetMinutes) % 1440) + 1440) % 1440;
    return utcMinuteOfDay === 1439;
  }
  return true;
}

const DASH = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const PLUS = 43;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;
/** Days of each month (1–12) in a common year; index 0 unused. */
export const DAYS_IN_MONTH: readonly number[] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `year` (proleptic Gregorian, as RFC 3339 counts) has a 29 February. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** The two ASCII digits at `index` as a number 0–99, or -1 (also past the end: NaN fails both tests). */
function twoDigits(value: string, index: number): number {
  const tens = value.charCodeAt(index) - ZERO;
  const ones = value.charCodeAt(index + 1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}
