import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/runtime/parse.js';
import { validateMessage, type ValidationResult } from '../../src/runtime/validate.js';
import type { ReceivedMessage } from '../../generated/received-types.js';
import { specExample } from './support.js';

/**
 * A trade with an unknown top-level field (checked after `data`) whose `data.side` is a getter
 * that runs `nested` when the validator reads it.
 */
function tradeReading(nested: () => void): unknown {
  const trade = specExample('trades');
  Object.defineProperty(trade.data, 'side', { enumerable: true, get: () => (nested(), 'buy') });
  return { ...trade, trace_id: 'abc' };
}

const pongWithExtra = { type: 'pong', timestamp: 1, extra: true };

describe('validation mode is per call (issue 7, item 3)', () => {
  it('a tolerant call made from a getter during a strict call leaves the strict verdict alone', () => {
    let inner: ValidationResult<ReceivedMessage> | undefined;
    const outer = validateMessage(tradeReading(() => (inner = validateMessage(pongWithExtra, { mode: 'tolerant' }))), { mode: 'strict' });
    expect(inner?.ok).toBe(true);
    expect(outer).toMatchObject({ ok: false, reason: 'invalid', errors: [{ pointer: '/trace_id', keyword: 'additionalProperties' }] });
  });

  it('a strict call made from a getter during a tolerant call leaves the tolerant verdict alone', () => {
    let inner: ValidationResult | undefined;
    const outer = validateMessage(tradeReading(() => (inner = validateMessage(pongWithExtra, { mode: 'strict' }))), { mode: 'tolerant' });
    expect(inner).toMatchObject({ ok: false, errors: [{ pointer: '/extra' }] });
    expect(outer.ok).toBe(true);
  });

  it('a nested rejection does not replace the outer rejection\'s errors', () => {
    const trade = specExample('trades');
    Object.defineProperty(trade.data, 'side', { enumerable: true, get: () => (validateMessage({ type: 'ping', timestamp: -1 }), 'hold') });
    expect(validateMessage(trade)).toMatchObject({ ok: false, errors: [{ pointer: '/data/side', keyword: 'enum' }] });
  });

  it('applies the mode given to parseMessage to that frame only', () => {
    const text = JSON.stringify(pongWithExtra);
    expect([parseMessage(text).ok, parseMessage(text, { mode: 'tolerant' }).ok, parseMessage(text).ok]).toEqual([false, true, false]);
  });
});
