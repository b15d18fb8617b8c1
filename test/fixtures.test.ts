import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../generated/contract.js';
import { validateMessage } from '../src/runtime/validate.js';
import { FIXTURES, readFixtureMessages } from './support/fixtures.js';

/**
 * What each invalid fixture must be rejected for. `tolerant: 'valid'` marks faults that only
 * strict mode rejects (unknown fields, timestamps outside the producer profile); a value
 * outside a closed list (`enum`) passes tolerant mode with a notice; every other fault is
 * rejected in both modes alike.
 */
const EXPECTED: Record<string, { pointer: string; keyword: string; tolerant?: 'valid' }> = {
  'ai_tasks-progress-as-percent': { pointer: '/data/progress', keyword: 'maximum' },
  'ai_tasks-started-at-february-29-2026': { pointer: '/data/started_at', keyword: 'format' },
  'ai_tasks-status-unknown-value': { pointer: '/data/status', keyword: 'enum' },
  'ai_tasks-task-type-unknown-value': { pointer: '/data/task_type', keyword: 'enum' },
  'alerts-action-required-string': { pointer: '/data/action_required', keyword: 'type' },
  'alerts-missing-title': { pointer: '/data/title', keyword: 'required' },
  'alerts-severity-unknown-value': { pointer: '/data/severity', keyword: 'enum' },
  'balances-asset-missing-locked': { pointer: '/data/balances/ZAR/locked', keyword: 'required' },
  'balances-free-negative': { pointer: '/data/balances/BTC/free', keyword: 'minimum' },
  'balances-platform-unknown': { pointer: '/data/platform', keyword: 'enum' },
  'balances-total-value-string': { pointer: '/data/total_value_zar', keyword: 'type' },
  'bots-last-trade-month-13': { pointer: '/data/last_trade', keyword: 'format' },
  'bots-status-unknown-value': { pointer: '/data/status', keyword: 'enum' },
  'bots-trades-count-fractional': { pointer: '/data/trades_count', keyword: 'type' },
  'bots-win-rate-as-percent': { pointer: '/data/win_rate', keyword: 'maximum' },
  'connection-missing-mode': { pointer: '/data/mode', keyword: 'required' },
  'connection-mode-wrong-type': { pointer: '/data/mode', keyword: 'type' },
  'connection-status-unknown-value': { pointer: '/data/status', keyword: 'enum' },
  'connection-ts-leap-second': { pointer: '/ts', keyword: 'format', tolerant: 'valid' },
  'connection-ts-lowercase-t-and-z': { pointer: '/ts', keyword: 'format', tolerant: 'valid' },
  'decisions-confidence-above-one': { pointer: '/data/confidence', keyword: 'maximum' },
  'decisions-decision-unknown-value': { pointer: '/data/decision', keyword: 'enum' },
  'decisions-risk-per-trade-as-percent': { pointer: '/data/sizing/risk_per_trade', keyword: 'maximum' },
  'decisions-rsi-above-100': { pointer: '/data/market_data/rsi', keyword: 'maximum' },
  'decisions-unknown-component-score': { pointer: '/data/component_scores/onchain', keyword: 'additionalProperties', tolerant: 'valid' },
  'error-code-empty': { pointer: '/data/code', keyword: 'minLength' },
  'error-details-object': { pointer: '/data/details', keyword: 'type' },
  'error-missing-code': { pointer: '/data/code', keyword: 'required' },
  'metrics-active-bots-negative': { pointer: '/data/active_bots', keyword: 'minimum' },
  'metrics-exposure-above-one': { pointer: '/data/exposure', keyword: 'maximum' },
  'metrics-ts-hour-24': { pointer: '/ts', keyword: 'format' },
  'metrics-win-rate-string': { pointer: '/data/win_rate', keyword: 'type' },
  'missing-type': { pointer: '/type', keyword: 'required' },
  'not-an-object': { pointer: '', keyword: 'type' },
  'ping-timestamp-fractional': { pointer: '/timestamp', keyword: 'type' },
  'ping-timestamp-iso-string': { pointer: '/timestamp', keyword: 'type' },
  'ping-timestamp-negative': { pointer: '/timestamp', keyword: 'minimum' },
  'ping-with-data-envelope': { pointer: '/timestamp', keyword: 'required' },
  'pong-missing-timestamp': { pointer: '/timestamp', keyword: 'required' },
  'pong-timestamp-iso-string': { pointer: '/timestamp', keyword: 'type' },
  'pong-unknown-field': { pointer: '/latency_ms', keyword: 'additionalProperties', tolerant: 'valid' },
  'system_health-cpu-percent-above-100': { pointer: '/data/cpu_percent', keyword: 'maximum' },
  'system_health-error-rate-as-percent': { pointer: '/data/error_rate', keyword: 'maximum' },
  'system_health-exchange-connections-array': { pointer: '/data/exchange_connections', keyword: 'type' },
  'system_health-leap-second-at-noon': { pointer: '/data/last_trade', keyword: 'format' },
  'trades-flat-without-data-envelope': { pointer: '/data', keyword: 'required' },
  'trades-missing-pnl': { pointer: '/data/pnl', keyword: 'required' },
  'trades-missing-ts': { pointer: '/ts', keyword: 'required' },
  'trades-platform-unknown': { pointer: '/data/platform', keyword: 'enum' },
  'trades-quantity-string': { pointer: '/data/quantity', keyword: 'type' },
  'trades-quantity-zero': { pointer: '/data/quantity', keyword: 'exclusiveMinimum' },
  'trades-side-hold': { pointer: '/data/side', keyword: 'enum' },
  'trades-ts-february-30': { pointer: '/ts', keyword: 'format' },
  'trades-unknown-field': { pointer: '/data/order_type', keyword: 'additionalProperties', tolerant: 'valid' },
  'unknown-type': { pointer: '/type', keyword: 'discriminator' },
  'wallet-amount-string': { pointer: '/data/amount', keyword: 'type' },
  'wallet-confirmations-negative': { pointer: '/data/confirmations', keyword: 'minimum' },
  'wallet-missing-txid': { pointer: '/data/txid', keyword: 'required' },
  'whale-amount-negative': { pointer: '/data/amount', keyword: 'minimum' },
  'whale-missing-signal': { pointer: '/data/signal', keyword: 'required' },
  'whale-value-usd-string': { pointer: '/data/value_usd', keyword: 'type' },
};

const invalidFiles = readdirSync(path.join(FIXTURES, 'invalid')).filter((file) => file.endsWith('.json')).sort();

describe('valid fixtures', () => {
  const messages = readFixtureMessages('valid');

  it.each(messages.map((m) => [m.name, m.value] as const))('%s is valid in strict and tolerant mode', (_name, value) => {
    expect(validateMessage(value, { mode: 'strict' })).toEqual({ ok: true, message: value });
    expect(validateMessage(value, { mode: 'tolerant' }).ok).toBe(true);
  });

  it('cover every message type', () => {
    const types = new Set(messages.map((m) => (m.value as { type: string }).type));
    expect([...types].sort()).toEqual([...MESSAGE_TYPES].sort());
  });
});

describe('invalid fixtures', () => {
  it('each has an expectation, and each expectation a file', () => {
    expect(invalidFiles.map((file) => file.replace(/\.json$/, ''))).toEqual(Object.keys(EXPECTED).sort());
  });

  it('has at least three faults per message type', () => {
    for (const type of MESSAGE_TYPES) {
      expect(invalidFiles.filter((file) => file.startsWith(`${type}-`)).length, type).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(invalidFiles)('%s is rejected at the expected pointer for the expected keyword', (file) => {
    const value = JSON.parse(readFileSync(path.join(FIXTURES, 'invalid', file), 'utf8')) as unknown;
    const expected = EXPECTED[file.replace(/\.json$/, '')]!;
    const strict = validateMessage(value, { mode: 'strict' });
    expect(strict.ok).toBe(false);
    if (strict.ok) return;
    expect(strict.errors[0]).toMatchObject({ pointer: expected.pointer, keyword: expected.keyword });
    expect(strict.errors[0]!.message).toMatch(/^expected .+, got .+$/);
    expect(strict.reason).toBe(expected.keyword === 'discriminator' ? 'unknown-type' : 'invalid');

    const tolerant = validateMessage(value, { mode: 'tolerant' });
    if (expected.keyword === 'enum') {
      // Tolerant mode accepts a value outside a closed list and reports it (issue 13).
      expect(tolerant.ok && tolerant.notices?.map((notice) => notice.pointer)).toEqual([expected.pointer]);
    } else if (expected.tolerant === 'valid') {
      expect(tolerant.ok).toBe(true);
    } else {
      expect(tolerant.ok).toBe(false);
      if (!tolerant.ok) expect(tolerant.errors[0]).toMatchObject({ pointer: expected.pointer, keyword: expected.keyword });
    }
  });
});
