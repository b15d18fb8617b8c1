/**
 * Keeps the bench's hand-written limit (scripts/bench/hand.ts) correct: on every fixture (the
 * delivery envelopes included) and on many thousands of random mutations of valid messages of
 * every type, it must give the same verdict as the strict validator. If it accepted more, it
 * would be cheating by skipping a rule; if it rejected more, it would be wrong. Bounded: a few
 * seconds in total. It does not test speed: a slower but correct hand.ts passes (README,
 * "Performance").
 *
 * hand.ts is written by hand: after a schema edit it must be updated by hand too. Its field
 * lists are compared with the schemas first, so that the failure says so in words rather than
 * with a bare counterexample.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import { handDateTime, handValidate } from '../../scripts/bench/hand.js';
import { loadContract } from '../../src/contract/index.js';
import { isProducerDateTime } from '../../src/runtime/date-time.js';
import { validateMessage } from '../../src/runtime/validate.js';
import { readFixtureMessages } from '../support/fixtures.js';
import { HAND, handFieldMismatches } from '../support/hand-fields.js';
import { messageArbitraries } from '../support/arbitraries.js';
import { asJson, EDGE_TIMESTAMPS, mutate, mutation, perturb } from '../support/mutations.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const contract = await loadContract(path.join(ROOT, 'schemas'));
const arbitraries = messageArbitraries(contract);
/** Per type, how hand.ts's field lists differ from the schemas (none: in step). */
const outOfDate = handFieldMismatches(contract);
/** Mutations per type: with 14 types, tens of thousands in all. */
const RUNS_PER_TYPE = 2500;
/** Time bound per type, ms: a slow machine runs fewer mutations rather than a long suite. */
const TIME_PER_TYPE_MS = 5000;

const strict = (value: unknown) => validateMessage(value, { mode: 'strict' }).ok;

describe('hand-written limit of the bench (scripts/bench/hand.ts)', () => {
  it('lists the same fields as the schemas, type by type (checked before the fuzz, to say what to update)', () => {
    expect([...outOfDate.values()].flat().join('\n')).toBe('');
    // The check can fail: with `fee` gone from hand.ts's TRADE list, trades is out of date.
    const dropped = handFieldMismatches(contract, readFileSync(HAND, 'utf8').replace(/^(const TRADE = .*)'fee', /m, '$1'));
    expect(dropped.get('trades')?.join('\n')).toMatch(/^scripts\/bench\/hand\.ts lists fields id, .*total, status.* for trades \(TRADE, the fields of TradeData\) but schemas\/trades\.json has .*total, fee, .*: update the hand-written limit/);
    // And a value of a closed list it never names (an exchange added to Platform: a fresh user got bare counterexamples).
    const unnamed = handFieldMismatches(contract, readFileSync(HAND, 'utf8').replaceAll("'kraken'", "'KRAKEN'"));
    expect(unnamed.get('trades')?.join('\n')).toMatch(/^scripts\/bench\/hand\.ts never names "kraken", listed at Platform for trades \(schemas\/trades\.json\): update the hand-written limit/m);
  });

  it('agrees with the strict validator on every fixture, the delivery envelopes (cursor rules) included', () => {
    // The delivery fixtures carry the cursor's edges (empty, a slash, 129 characters): the
    // mutations below change a string one character at a time and never reach the 128 cap.
    for (const folder of ['valid', 'invalid', 'delivery/valid', 'delivery/invalid'] as const) {
      for (const { name, value } of readFixtureMessages(folder)) expect(handValidate(value), `${name}: scripts/bench/hand.ts and the strict validator disagree; after a schema edit, update hand.ts by hand (README, "Changing the contract", step 4)`).toBe(strict(value));
    }
  });

  it.each(MESSAGE_TYPES)(`agrees with the strict validator on ${RUNS_PER_TYPE} random mutations of %s messages`, (type) => {
    // Out of date, it is known to disagree: say why instead of showing a counterexample.
    if (outOfDate.has(type)) expect.fail(outOfDate.get(type)!.join('\n'));
    const tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(arbitraries.get(type)!, fc.array(mutation, { minLength: 0, maxLength: 3 }), (valid, mutations) => {
        const message = structuredClone(valid) as Record<string, unknown>;
        for (const m of mutations) mutate(message, m);
        const value = asJson(message);
        const expected = strict(value);
        tally[expected ? 'accepted' : 'rejected']++;
        expect(handValidate(value), `${JSON.stringify(value)}: scripts/bench/hand.ts ${expected ? 'refuses' : 'accepts'} what the strict validator ${expected ? 'accepts' : 'refuses'}; after a schema edit, update it by hand (README, "Changing the contract", step 4)`).toBe(expected);
      }),
      { numRuns: RUNS_PER_TYPE, seed: 0x14 + type.length, interruptAfterTimeLimit: TIME_PER_TYPE_MS },
    );
    // Not degenerate: the fuzz reaches both verdicts.
    const runs = tally.accepted + tally.rejected;
    expect(tally.accepted).toBeGreaterThan(runs / 50);
    expect(tally.rejected).toBeGreaterThan(runs / 50);
  });

  it('checks timestamps exactly as the package does (fast path and general path)', () => {
    const stamp = fc.oneof(
      fc.constantFrom(...EDGE_TIMESTAMPS),
      fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    );
    fc.assert(
      fc.property(stamp, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }), (base, edits) => {
        const text = edits.reduce((s, [position, how]) => perturb(s, position, how), base);
        expect(handDateTime(text), text).toBe(isProducerDateTime(text));
      }),
      { numRuns: 20_000, seed: 14, interruptAfterTimeLimit: TIME_PER_TYPE_MS },
    );
    for (const text of EDGE_TIMESTAMPS) expect(handDateTime(text), text).toBe(isProducerDateTime(text));
  });
});
