import { describe, expect, it } from 'vitest';
import type { AiTasksMessage, TradesMessage } from '../../generated/types.js';
import { createMessage, createPing, createPong, MessageValidationError, serializeMessage } from '../../src/runtime/builders.js';
import { specExample } from './support.js';

describe('non-finite numbers are a validation error in every builder path (issue 8, item 12)', () => {
  const trade = () => specExample<TradesMessage>('trades');

  it('serializeMessage with { validate: true } refuses NaN pnl instead of writing null', () => {
    const message = trade();
    message.data.pnl = Number.NaN;
    expect(() => serializeMessage(message, { validate: true })).toThrow(MessageValidationError);
    expect(() => serializeMessage(message, { validate: true })).toThrow('invalid trades message: /data/pnl expected a finite number, got NaN (not a finite number)');
    expect(serializeMessage(message)).toContain('"pnl":null');
  });

  it('finds Infinity where the schema allows any value (an ai_tasks result)', () => {
    const message = specExample<AiTasksMessage>('ai_tasks');
    (message.data.result as Record<string, unknown>).score = -Infinity;
    expect(() => serializeMessage(message, { validate: true })).toThrow('/data/result/score expected a finite number, got -Infinity');
    expect(() => createMessage('ai_tasks', message.data, { validate: true })).toThrow('/data/result/score expected a finite number');
  });

  it('createMessage, createPing and createPong with { validate: true } refuse them too', () => {
    const data = { ...trade().data, price: Number.POSITIVE_INFINITY };
    expect(() => createMessage('trades', data, { validate: true })).toThrow('/data/price expected a finite number');
    // A keepalive's timestamp must be an integer: validateMessage's words for it.
    expect(() => createPing(Number.NaN, { validate: true })).toThrow('invalid ping message: /timestamp expected an integer, got NaN (not a finite number)');
    expect(() => createPong(Number.NaN, { validate: true })).toThrow(MessageValidationError);
  });

  it('the error is plain data too: errors[0] names the pointer', () => {
    const message = trade();
    message.data.fee = Number.NaN;
    try {
      serializeMessage(message, { validate: true });
      expect.unreachable();
    } catch (error) {
      expect((error as MessageValidationError).errors[0]).toMatchObject({ pointer: '/data/fee', keyword: 'type', expected: 'a finite number' });
    }
  });
});
