/**
 * README ("Validating messages"): `hint` says how to fix a common producer fault. A required
 * property missing beside a key one edit or two from it is hinted as that key misspelt
 * (`"platfrom" is written: did you mean "platform"?`), but not when that key is one the schema
 * itself declares there: with a required `fees` added beside `fee`, every older trade was told
 * to rename its legitimate `fee`, and a producer who did was then refused for `fee` (tDJ F8).
 * The generated `required` rejection names the properties its object declares that are so near a
 * required one (`declaredNear`), and the hint skips those: no validation again (a first fix
 * re-validated a renamed copy per key, and `--all-errors` went quadratic).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors, type ValidationError } from '../../src/runtime/errors.js';
import { tradeValidatorsWith, type TradeValidators } from '../support/trade-validators.js';
import { specExample } from './support.js';

describe('a required field added beside a similarly named one (tDJ F8)', () => {
  let work: string;
  let validators: TradeValidators;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'required-hint-'));
    validators = await tradeValidatorsWith(work, { fees: { type: 'array', items: { type: 'number' }, description: 'Fee breakdown.' } }, { fees: [1] });
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /**
   * The `required` faults of `trade` as validateMessage describes them (the first fault, strict
   * and tolerant) and as validate --all-errors does (each fault, strict and tolerant).
   */
  const described = (trade: unknown): ValidationError[] => {
    const faults: ValidationError[] = [];
    for (const mode of ['strict', 'tolerant'] as const) {
      const errors = validators.strict('trades', trade, mode) as CompiledValidatorError[] | null;
      expect(errors).not.toBeNull();
      faults.push(describeCompiledErrors(errors!, trade, mode)[0]);
      const every = validators.every.trades! as unknown as { (this: { strict: boolean }, data: unknown): boolean; errors: CompiledValidatorError[] };
      expect(every.call({ strict: mode === 'strict' }, trade)).toBe(false);
      for (const error of every.errors.filter((e) => e.keyword === 'required')) faults.push(describeCompiledErrors([error], trade, mode)[0]);
    }
    return faults;
  };

  it('an older trade, with its fee and no fees, is told fees is missing, not to rename fee', () => {
    const trade = specExample('trades');
    const faults = described(trade);
    expect(faults).toHaveLength(4);
    for (const error of faults) {
      expect(error).toMatchObject({ pointer: '/data/fees', keyword: 'required', message: 'expected required property "fees", got nothing' });
      expect(error.hint).toBeUndefined();
    }
  });

  it('with another required field missing too, neither is hinted to be fee', () => {
    const trade = specExample('trades');
    const { status: _status, ...rest } = trade.data;
    const faults = described({ ...trade, data: { ...rest, state: 'filled' } });
    expect(faults.map((error) => error.pointer)).toEqual(expect.arrayContaining(['/data/status', '/data/fees']));
    for (const error of faults) expect(error.hint ?? '').not.toContain('"fee"');
  });

  it('a key the schema does not declare is still taken for a misspelling, after a declared one as near', () => {
    const trade = specExample('trades');
    const faults = described({ ...trade, data: { ...trade.data, fes: [1] } });
    expect(faults).toHaveLength(4);
    for (const error of faults) expect(error).toMatchObject({ pointer: '/data/fees', keyword: 'required', hint: '"fes" is written: did you mean "fees"?' });
  });

  it('the rejection names the declared properties near a required one: fee and fees, each near the other', () => {
    const trade = specExample('trades');
    const [error] = validators.strict('trades', trade, 'strict') as CompiledValidatorError[];
    expect(error!.params).toEqual({ missingProperty: 'fees', declaredNear: ['fee', 'fees'] });
    // The browser client's tolerant module carries no hint, and no list: the same error without it.
    expect(validators.tolerant('trades', trade)).toEqual([{ instancePath: '/data', keyword: 'required', params: { missingProperty: 'fees' }, data: trade.data }]);
  });
});
