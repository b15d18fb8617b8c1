/**
 * A union of object types told apart by a property of a fixed value (`anyOf` of a limit and a
 * market order, `kind: { const: … }`: the form `generate` advises in place of `oneOf`) is
 * reported by the branch the value chose, not by the first branch: a market order was told it
 * lacked the limit order's `price`, with every error too (tHL F2). README "Validating messages":
 * each error says where, what was expected and what was found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledValidatorError } from '../../generated/validators.js';
import { describeCompiledErrors } from '../../src/runtime/errors.js';
import { tradeValidatorsWith, type TradeValidators } from '../support/trade-validators.js';
import { specExample } from './support.js';

describe('an anyOf of object types told apart by a const (tHL F2)', () => {
  let work: string;
  let validators: TradeValidators;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'discriminated-objects-'));
    validators = await tradeValidatorsWith(work, {
      execution: {
        description: 'How.',
        anyOf: [
          { title: 'Limit', type: 'object', additionalProperties: false, required: ['kind', 'price'], properties: { kind: { type: 'string', const: 'limit' }, price: { type: 'number', exclusiveMinimum: 0 } } },
          { title: 'Market', type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', const: 'market' }, slippage: { type: 'number', minimum: 0, maximum: 1 } } },
        ],
      },
    });
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const trade = (execution: unknown) => {
    const example = specExample('trades');
    return { ...example, data: { ...example.data, execution } };
  };
  /** The first error, strict; then the one of the all-errors validators (`validate --all-errors`). */
  const described = (execution: unknown): string[] => {
    const message = trade(execution);
    const first = validators.strict('trades', message, 'strict') as CompiledValidatorError[] | null;
    const every = validators.every.trades!;
    expect(every.call({ strict: true }, message)).toBe(false);
    const all = (every as unknown as { errors: CompiledValidatorError[] }).errors;
    return [first!, all].map((errors) => {
      const error = describeCompiledErrors(errors, message, 'strict')[0];
      return `${error.pointer} ${error.message}`;
    });
  };

  it.each([
    [{ kind: 'market', slippage: 2 }, '/data/execution/slippage expected a number <= 1, got 2'],
    [{ kind: 'market', extra: 1 }, '/data/execution/extra expected no property "extra" (unknown to the schema), got 1'],
    [{ kind: 'limit', price: 0 }, '/data/execution/price expected a number > 0, got 0'],
    [{ kind: 'limit' }, '/data/execution/price expected required property "price", got nothing'],
    [{ kind: 'stop' }, '/data/execution/kind expected one of "limit", "market", got "stop"'],
  ])('%j: the fault of the branch it chose, or the values it may choose from', (execution, said) => {
    for (const line of described(execution)) expect(line).toBe(said);
  });

  it('the same values pass as before, in both modes; an unknown key of the chosen branch passes in tolerant mode alone', () => {
    for (const execution of [{ kind: 'limit', price: 1 }, { kind: 'market' }, { kind: 'market', slippage: 0.5 }]) {
      expect(validators.strict('trades', trade(execution), 'strict')).toBeNull();
      expect(validators.tolerant('trades', trade(execution))).toBeNull();
    }
    expect(validators.tolerant('trades', trade({ kind: 'market', extra: 1 }))).toBeNull();
    expect(validators.tolerant('trades', trade({ kind: 'stop' }))).not.toBeNull();
    expect(validators.tolerant('trades', trade('market'))).not.toBeNull();
  });
});

describe('a branch whose discriminator is a closed list (enum), beside branches told apart by a const (tHP F11: VA03)', () => {
  let work: string;
  let validators: TradeValidators;
  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'discriminated-enum-'));
    validators = await tradeValidatorsWith(work, {
      execution: {
        description: 'How.',
        anyOf: [
          { title: 'Limit', type: 'object', additionalProperties: false, required: ['kind', 'price'], properties: { kind: { type: 'string', const: 'limit' }, price: { type: 'number', exclusiveMinimum: 0 } } },
          { title: 'Market', type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', const: 'market' } } },
          { title: 'Stop', type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', enum: ['stop', 'stop-limit'] } } },
        ],
      },
    });
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is not checked twice: a kind outside every list passes tolerant mode with one notice, not two (tolerant mode opens an enum, with a notice each time it is checked)', () => {
    const example = specExample('trades');
    const message = { ...example, data: { ...example.data, execution: { kind: 'trailing' } } };
    const sinks = [{ list: null as unknown[] | null }, { list: null as unknown[] | null }];
    expect((validators.tolerant as unknown as (type: string, data: unknown, sink: object) => unknown)('trades', message, sinks[0]!)).toBeNull();
    expect((validators.strict as (type: string, data: unknown, mode: string, sink: object) => unknown)('trades', message, 'tolerant', sinks[1]!)).toBeNull();
    for (const sink of sinks) expect(sink.list).toEqual([{ pointer: '/data/execution/kind', value: 'trailing', known: ['stop', 'stop-limit'] }]);
    // The values of the list pass without a notice; strict mode refuses one outside it.
    expect(validators.tolerant('trades', { ...message, data: { ...message.data, execution: { kind: 'stop-limit' } } })).toBeNull();
    expect(validators.strict('trades', message, 'strict')).not.toBeNull();
  });
});
