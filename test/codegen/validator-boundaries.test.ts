/**
 * Boundaries of the generated validators that the shipped contract never reaches, so that no
 * test of the shipped validators guarded them (a mutation tester changed each by hand and every
 * test passed): the "count the keys" check of a closed object of more than 4 properties with an
 * optional one absent, `minLength: 2` (the first limit where one astral character has
 * `length === limit`), and a nullable object given an array. Checked on validators generated
 * from a contract of our own in a temporary folder, and (the array) on the shipped ones.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeValidatorsWith, type Check } from '../support/trade-validators.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'validator-boundaries-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let strict: Check;
let tolerant: Check;
let every: Record<string, (data: unknown) => boolean>;
const fixture = (type: string) => JSON.parse(readFileSync(path.join(ROOT, `test/fixtures/valid/spec/${type}.json`), 'utf8')) as { data: Record<string, unknown> };

beforeAll(async () => {
  // TradeData has 12 required properties: an optional one makes the strict validators count keys.
  ({ strict, tolerant, every } = await tradeValidatorsWith(work, { note: { type: 'string', minLength: 2, description: 'An optional note of at least two characters.' } }));
}, 120_000);

describe('strict mode on an object of more than 4 properties with an optional one', () => {
  it('refuses an unknown key when the optional property is absent (the key count must not count it)', () => {
    const trade = fixture('trades');
    const message = { ...trade, data: { ...trade.data, zzz: 1 } };
    expect(strict('trades', message, 'strict')).toEqual(expect.arrayContaining([expect.objectContaining({ params: expect.objectContaining({ additionalProperty: 'zzz' }) })]));
    // `--all-errors` validators take the mode per call: `this.strict`.
    expect(every.trades!.call({ strict: true }, message)).toBe(false);
  });

  it('refuses an unknown key beside the optional property, and accepts the message with or without it', () => {
    const trade = fixture('trades');
    expect(strict('trades', { ...trade, data: { ...trade.data, note: 'ok', zzz: 1 } }, 'strict')).not.toBeNull();
    expect(strict('trades', trade, 'strict')).toBeNull();
    expect(strict('trades', { ...trade, data: { ...trade.data, note: 'ok' } }, 'strict')).toBeNull();
  });
});

describe('minLength 2 counts characters (code points), as JSON Schema does', () => {
  it.each([
    ['😀', false],
    ['a', false],
    ['ab', true],
    ['😀😀', true],
    ['a😀', true],
  ])('%j is %s', (note, accepted) => {
    const trade = fixture('trades');
    const message = { ...trade, data: { ...trade.data, note } };
    expect(strict('trades', message, 'strict') === null).toBe(accepted);
    expect(tolerant('trades', message) === null).toBe(accepted);
    expect(every.trades!(message)).toBe(accepted);
  });
});

describe('a nullable object (decisions data.sizing: Sizing or null) given an array', () => {
  it.each([[[]], [[1, 2]]])('refuses %j in the generated strict, tolerant and every-error validators', (sizing) => {
    const decision = fixture('decisions');
    const message = { ...decision, data: { ...decision.data, sizing } };
    expect(strict('decisions', message, 'strict')).not.toBeNull();
    expect(tolerant('decisions', message)).not.toBeNull();
    expect(every.decisions!(message)).toBe(false);
    expect(strict('decisions', { ...decision, data: { ...decision.data, sizing: null } }, 'strict')).toBeNull();
  });

  it('refuses it in the shipped validators (generated/) too, strict and tolerant', async () => {
    const { checkMessage } = (await import(pathToFileURL(path.join(ROOT, 'generated/validators.js')).href)) as { checkMessage: Check };
    const { checkTolerant } = (await import(pathToFileURL(path.join(ROOT, 'generated/validators-tolerant.js')).href)) as { checkTolerant: Check };
    const decision = fixture('decisions');
    for (const sizing of [[], [1, 2]]) {
      const message = { ...decision, data: { ...decision.data, sizing } };
      expect(checkMessage('decisions', message, 'strict'), JSON.stringify(sizing)).not.toBeNull();
      expect(checkTolerant('decisions', message), JSON.stringify(sizing)).not.toBeNull();
    }
  });
});
