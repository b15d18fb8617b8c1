/**
 * README ("Validating messages"): `hint` says how to fix a common producer fault. A required
 * property missing beside a key one edit or two from it is hinted as that key misspelt
 * (`"platfrom" is written: did you mean "platform"?`), but not when that key is one the schema
 * itself requires there: with a required `fees` added beside `fee`, every older trade was told
 * to rename its legitimate `fee`, and a producer who did was then refused for `fee` (tDJ F8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors } from '../../src/runtime/errors.js';
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

  /** The required property `trade` misses, described as validateMessage and validate --all-errors (whose first fault may be another) describe it. */
  const described = (trade: unknown) => {
    const check = (copy: unknown) => validators.strict('trades', copy, 'strict') as CompiledValidatorError[] | null;
    const every = validators.every.trades! as unknown as { (this: { strict: boolean }, data: unknown): boolean; errors: CompiledValidatorError[] };
    const recheckEvery = (copy: unknown) => (every.call({ strict: true }, copy) ? null : every.errors);
    return [describeCompiledErrors(check(trade)!, trade, 'strict', check)[0], describeCompiledErrors(recheckEvery(trade)!.filter((e) => e.keyword === 'required'), trade, 'strict', recheckEvery)[0]];
  };

  it('an older trade, with its fee and no fees, is told fees is missing, not to rename fee', () => {
    const trade = specExample('trades');
    for (const error of described(trade)) {
      expect(error).toMatchObject({ pointer: '/data/fees', keyword: 'required', message: 'expected required property "fees", got nothing' });
      expect(error!.hint).toBeUndefined();
    }
  });

  it('a key the schema does not declare is still taken for a misspelling', () => {
    const trade = specExample('trades');
    const { fee, ...rest } = trade.data as Record<string, unknown>;
    const misspelt = { ...trade, data: { ...rest, fees: [1], fe: fee } };
    for (const error of described(misspelt)) expect(error).toMatchObject({ pointer: '/data/fee', keyword: 'required', hint: '"fe" is written: did you mean "fee"?' });
  });
});
