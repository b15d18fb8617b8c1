import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAnyDateTime, checkDateTime, isDateTime, isProducerDateTime } from '../../src/runtime/date-time.js';

const ajvDateTime = fullFormats['date-time'] as { validate: (value: string) => boolean };

/**
 * Where ajv-formats departs from RFC 3339, and we follow the RFC: it accepts a space (any
 * white space) instead of T, offsets without a colon (+0200, +02), and, through its
 * leap-second branch, hours past 23 or minutes past 59 that an offset brings to 23:59 UTC.
 */
function ajvFormatsDeparts(value: string): boolean {
  if (/\s|[+-]\d\d(\d\d)?$/.test(value)) return true;
  const time = /^\d{4}-\d\d-\d\d[Tt](\d\d):(\d\d):/.exec(value);
  return time !== null && (Number(time[1]) > 23 || Number(time[2]) > 59);
}

const digits = (length: number, max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(length, '0'));
const offset = fc.oneof(
  fc.constantFrom('Z', 'z'),
  fc.tuple(fc.constantFrom('+', '-'), digits(2, 29), digits(2, 69)).map(([sign, hours, minutes]) => `${sign}${hours}:${minutes}`),
);
const fraction = fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,9}$/));
/** RFC 3339-shaped strings with every field ranging past its limits (month 13, day 32, hour 29, second 60). */
const rfc3339Shaped = fc
  .tuple(digits(4, 9999), digits(2, 13), digits(2, 32), fc.constantFrom('T', 't'), digits(2, 29), digits(2, 69), digits(2, 60), fraction, offset)
  .map(([year, month, day, separator, hour, minute, second, fractionDigits, zone]) => `${year}-${month}-${day}${separator}${hour}:${minute}:${second}${fractionDigits}${zone}`);

describe('isDateTime', () => {
  it('agrees with ajv-formats full date-time on RFC 3339-shaped strings', () => {
    fc.assert(
      fc.property(rfc3339Shaped, (value) => {
        expect(isDateTime(value), value).toBe(ajvFormatsDeparts(value) ? false : ajvDateTime.validate(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('decides the toISOString form (its fast path) as ajv-formats does, in both modes', () => {
    // `YYYY-MM-DDTHH:MM:SS.sssZ` with every digit free: out-of-range fields, year 0000 and
    // leap seconds leave the fast path for the general check, which must still agree.
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    const isoForm = fc.array(digit, { minLength: 17, maxLength: 17 }).map((d) => `${d[0]}${d[1]}${d[2]}${d[3]}-${d[4]}${d[5]}-${d[6]}${d[7]}T${d[8]}${d[9]}:${d[10]}${d[11]}:${d[12]}${d[13]}.${d[14]}${d[15]}${d[16]}Z`);
    const likely = fc.tuple(fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, s, ms]) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:59:${String(s).padStart(2, '0')}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(fc.oneof(isoForm, likely), (value) => {
        const rfc3339 = ajvDateTime.validate(value);
        expect(isDateTime(value), value).toBe(rfc3339);
        expect(isProducerDateTime(value), value).toBe(rfc3339 && !value.startsWith('0000') && value.slice(17, 19) !== '60');
        // The browser client's check, without the fast path, gives the same verdicts in both modes.
        for (const producer of [false, true]) expect(checkAnyDateTime(value, producer), value).toBe(checkDateTime(value, producer));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with ajv-formats full date-time on arbitrary strings and mutations', () => {
    const mutated = fc.tuple(rfc3339Shaped, fc.nat(), fc.string({ maxLength: 2 })).map(([value, at, insert]) => {
      const index = at % (value.length + 1);
      return value.slice(0, index) + insert + value.slice(index + 1);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (value) => {
        if (ajvFormatsDeparts(value)) return;
        expect(isDateTime(value), value).toBe(ajvDateTime.validate(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['2026-01-14T16:30:00.000Z', true],
    ['2026-01-14T16:30:00Z', true],
    ['2026-01-14T16:30:00.123456Z', true],
    ['2026-01-14T18:30:00+02:00', true],
    ['2026-01-14t16:30:00z', true],
    ['2024-02-29T00:00:00Z', true],
    ['2000-02-29T00:00:00Z', true],
    ['2016-12-31T23:59:60Z', true],
    ['2017-01-01T01:59:60+02:00', true],
    ['2026-02-29T00:00:00Z', false],
    ['1900-02-29T00:00:00Z', false],
    ['2026-02-30T00:00:00Z', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-01-14T24:00:00Z', false],
    ['2026-01-14T23:59:60+01:00', false],
    ['2026-01-14T12:00:60Z', false],
    ['2026-01-14T16:30:00', false],
    ['2026-01-14T16:30:00.Z', false],
    ['2026-01-14 16:30:00Z', false],
    ['2026-01-14T16:30:00+0200', false],
    ['2026-01-14T16:30:00+24:00', false],
    ['2026-01-14', false],
    ['', false],
    [20260114, false],
    [null, false],
  ])('%s → %s', (value, expected) => {
    expect(isDateTime(value)).toBe(expected);
  });

  it.each(['2016-12-31T24:59:60+01:00', '0000-01-01T28:02:00.0+04:03', '2026-01-14 16:30:00Z', '2026-01-14T16:30:00+0200'])(
    'rejects %s, which ajv-formats accepts and RFC 3339 does not',
    (value) => {
      expect(ajvDateTime.validate(value)).toBe(true);
      expect(isDateTime(value)).toBe(false);
    },
  );
});
