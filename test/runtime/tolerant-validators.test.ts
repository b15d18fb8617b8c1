/**
 * `generated/validators-tolerant.js` is `validators.js` with its strict-mode code removed
 * (src/codegen/ajv-rewrites.ts, `tolerantOnly`), for the browser client, which validates only
 * in tolerant mode. It must give what `checkMessage(type, data, 'tolerant', …)` gives, to the
 * error and the notice: on the fixtures, and on many thousands of random mutations of every
 * type (bounded in time).
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import { checkTolerant } from '../../generated/validators-tolerant.js';
import { checkMessage, type CompiledNoticeSink } from '../../generated/validators.js';
import { loadContract } from '../../src/contract/index.js';
import { browserBundle } from '../support/browser-bundle.js';
import { messageArbitraries } from '../support/arbitraries.js';
import { readFixtureMessages } from '../support/fixtures.js';
import { asJson, mutate, mutation } from '../support/mutations.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const arbitraries = messageArbitraries(await loadContract(path.join(ROOT, 'schemas')));
const RUNS_PER_TYPE = 2000;
const TIME_PER_TYPE_MS = 4000;

/** Both modules' answers for `value`: the verdict (first error or null), the notices, with `type` read by the caller and without. */
function both(value: unknown, typeRead: boolean): { full: unknown; tolerant: unknown } {
  const type = (value as { type?: unknown } | null)?.type;
  const name = typeof type === 'string' ? type : 'trades';
  const fullSink: CompiledNoticeSink = { list: null };
  const tolerantSink: CompiledNoticeSink = { list: null };
  const full = checkMessage(name, value, 'tolerant', fullSink, typeRead);
  const tolerant = checkTolerant(name, value, tolerantSink, typeRead);
  return { full: { errors: full, notices: fullSink.list }, tolerant: { errors: tolerant, notices: tolerantSink.list } };
}

describe('the tolerant-only validators of the browser client (generated/validators-tolerant.js)', () => {
  it('give the tolerant verdict, error and notices of validators.js on every fixture', () => {
    let fixtures = 0;
    for (const folder of ['valid', 'invalid'] as const) {
      for (const { name, value } of readFixtureMessages(folder)) {
        fixtures++;
        for (const typeRead of [true, false]) {
          const { full, tolerant } = both(value, typeRead);
          expect(tolerant, name).toEqual(full);
        }
      }
    }
    expect(fixtures).toBeGreaterThan(50);
  });

  it.each(MESSAGE_TYPES)(`give the same result as validators.js in tolerant mode on ${RUNS_PER_TYPE} random mutations of %s messages`, (type) => {
    const tally = { accepted: 0, rejected: 0, noticed: 0 };
    fc.assert(
      fc.property(arbitraries.get(type)!, fc.array(mutation, { minLength: 0, maxLength: 3 }), fc.boolean(), (valid, mutations, typeRead) => {
        const message = structuredClone(valid) as Record<string, unknown>;
        for (const m of mutations) mutate(message, m);
        const value = asJson(message);
        const { full, tolerant } = both(value, typeRead);
        expect(tolerant, JSON.stringify(value)).toEqual(full);
        const { errors, notices } = full as { errors: unknown; notices: unknown };
        tally[errors === null ? 'accepted' : 'rejected']++;
        if (notices !== null) tally.noticed++;
      }),
      { numRuns: RUNS_PER_TYPE, seed: 0x70 + type.length, interruptAfterTimeLimit: TIME_PER_TYPE_MS },
    );
    // Not degenerate: the fuzz reaches both verdicts.
    const runs = tally.accepted + tally.rejected;
    expect(tally.accepted).toBeGreaterThan(runs / 50);
    expect(tally.rejected).toBeGreaterThan(runs / 50);
  });

  it('accept what only strict mode rejects, and report a value outside a closed list as a notice', () => {
    const trade = readFixtureMessages('valid').find(({ value }) => (value as { type?: string }).type === 'trades')!.value as { data: Record<string, unknown> };
    const extra = { ...trade, data: { ...trade.data, venue_fee_tier: 3 }, trace: 'x' };
    expect(checkMessage('trades', extra, 'strict')?.[0]?.keyword).toBe('x-closed');
    expect(checkTolerant('trades', extra)).toBeNull();
    const sink: CompiledNoticeSink = { list: null };
    expect(checkTolerant('trades', { ...trade, data: { ...trade.data, platform: 'bitstamp' } }, sink)).toBeNull();
    expect(sink.list).toEqual([{ pointer: '/data/platform', value: 'bitstamp', known: ['luno', 'binance', 'kucoin', 'kraken', 'valr'] }]);
    expect(checkTolerant('constructor', trade)).toBeUndefined();
  });

  it('hold no strict-mode code, and the browser client bundles them instead of validators.js', async () => {
    const { code, inputs } = await browserBundle(`export { default, createRealtimeClient } from './src/client/index.ts';`);
    expect(Object.keys(inputs)).toContain('generated/validators-tolerant.js');
    expect(Object.keys(inputs)).not.toContain('generated/validators.js');
    // The unknown-key rejection exists only in strict mode.
    expect(code).not.toContain('x-closed');
    expect(code).toContain('x-date-time');
  });
});
