/**
 * A nullable timestamp written as the refusals advise for a `$ref` with null, `anyOf: [{ $ref:
 * Timestamp }, { type: "null" }]`, is told what a timestamp alone is told: README "Validating
 * messages" (`hint` for a timestamp without UTC offset, epoch milliseconds, a `Date`), and the CLI's
 * day that does not exist. The anyOf's description had stopped at `expected … or null` with no
 * hint, and a number was told `a string or null` (tGI F2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors, type ValidationError } from '../../src/runtime/errors.js';
import { tradeValidatorsWith, type TradeValidators } from '../support/trade-validators.js';
import { specExample } from './support.js';

describe('a nullable timestamp written anyOf [$ref Timestamp, null] (tGI F2)', () => {
  let work: string;
  let validators: TradeValidators;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'nullable-ref-timestamp-'));
    validators = await tradeValidatorsWith(work, { when: { anyOf: [{ $ref: 'definitions.json#/definitions/Timestamp' }, { type: 'null' }], description: 'When it settled, null until then.' } });
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** How `value` in `when`, and in the required `timestamp`, is described (strict, then tolerant). */
  const described = (field: 'when' | 'timestamp', value: unknown): ValidationError[] =>
    (['strict', 'tolerant'] as const).map((mode) => {
      const trade = specExample('trades');
      const message = { ...trade, data: { ...trade.data, [field]: value } };
      const errors = validators.strict('trades', message, mode) as CompiledValidatorError[] | null;
      expect(errors).not.toBeNull();
      return describeCompiledErrors(errors!, message, mode)[0];
    });

  it.each([
    ['no UTC offset', '2026-01-14T16:30:00', 'the UTC offset is missing'],
    ['epoch milliseconds', 1705251000000, 'epoch milliseconds? write new Date(ms).toISOString()'],
    ['epoch milliseconds in quotes', '1705251000000', 'epoch milliseconds?'],
    ['a Date', new Date(0), 'date.toISOString()'],
  ])('%s: the same hint as the timestamp field, and null named as allowed', (_, value, hint) => {
    const alone = described('timestamp', value);
    const nullable = described('when', value);
    for (const [i, error] of nullable.entries()) {
      expect(alone[i]!.hint).toContain(hint);
      expect(error).toMatchObject({ pointer: '/data/when', keyword: 'anyOf', hint: alone[i]!.hint, found: alone[i]!.found });
      expect(error.expected).toBe(`${alone[i]!.expected} or null`);
      expect(error.message).toBe(`expected ${error.expected}, got ${error.found}; ${error.hint}`);
    }
  });

  it('a number is told a date-time string or null, not any string', () => {
    for (const error of described('when', 1705251000000)) expect(error.expected).toMatch(/^an RFC 3339 date-time string such as "2026-01-14T16:30:00\.000Z".* or null$/);
  });

  it('null and a good timestamp pass; a value of a wrong type with no hint still says its type', () => {
    const trade = specExample('trades');
    for (const when of [null, '2026-01-14T16:30:00.000Z']) expect(validators.strict('trades', { ...trade, data: { ...trade.data, when } })).toBeNull();
    for (const error of described('when', true)) {
      expect(error).toMatchObject({ keyword: 'anyOf', found: 'a boolean true' });
      expect(error.hint).toBeUndefined();
    }
  });
});
