/**
 * The strict schemas written by hand in zod 4, as a zod user would: `z.strictObject` where
 * the JSON Schema says `additionalProperties: false`, `z.iso.datetime({ offset: true })`
 * for RFC 3339 timestamps (zod's own check, which is not the package's).
 */
import { z } from 'zod';

const timestamp = z.iso.datetime({ offset: true });
const nullableTimestamp = timestamp.nullable();
const identifier = z.string().min(1);
const platform = z.enum(['luno', 'binance', 'kucoin', 'kraken', 'valr']);
const fraction = z.number().min(0).max(1);
const percent = z.number().min(0).max(100);
const nonNegative = z.number().min(0);
const count = z.int().min(0);
const epochMs = z.int().min(0).max(8640000000000000);

/** Protocol v1.1 cursor: 1–128 characters of `[0-9A-Za-z._~-]`. */
const cursor = z.string().regex(/^[0-9A-Za-z._~-]{1,128}$/);
/** Stream messages and `connection` carry an optional cursor (v1.1); `error` does not. */
const envelope = <T extends z.ZodType>(type: string, data: T) => z.strictObject({ type: z.literal(type), data, ts: timestamp, cursor: cursor.optional() });
const plainEnvelope = <T extends z.ZodType>(type: string, data: T) => z.strictObject({ type: z.literal(type), data, ts: timestamp });

/** Message type → zod schema of that message. */
export const zodSchemas: Record<string, z.ZodType> = {
  connection: envelope('connection', z.strictObject({ status: z.enum(['connected', 'disconnected', 'error']), mode: z.enum(['ws', 'polling']), resume: z.enum(['new', 'resumed', 'gap']).optional() })),
  ping: z.strictObject({ type: z.literal('ping'), timestamp: epochMs }),
  pong: z.strictObject({ type: z.literal('pong'), timestamp: epochMs }),
  trades: envelope('trades', z.strictObject({
    id: identifier, bot_id: identifier, platform, symbol: z.string().min(1), side: z.enum(['buy', 'sell']),
    quantity: z.number().gt(0), price: nonNegative, total: nonNegative, fee: z.number(),
    status: z.enum(['pending', 'filled', 'cancelled', 'failed']), pnl: z.number().nullable(), timestamp,
  })),
  bots: envelope('bots', z.strictObject({
    id: identifier, name: z.string(), platform, symbol: z.string().min(1), status: z.enum(['running', 'stopped', 'paused', 'error']),
    trading_mode: z.enum(['paper', 'live']), risk_mode: z.enum(['conservative', 'moderate', 'aggressive']),
    capital: nonNegative, pnl: z.number(), trades_count: count, win_rate: fraction, last_trade: nullableTimestamp,
  })),
  balances: envelope('balances', z.strictObject({
    platform: z.enum(['luno', 'binance', 'kucoin', 'kraken', 'valr', 'all']),
    balances: z.record(z.string(), z.strictObject({ free: nonNegative, locked: nonNegative, total: nonNegative })),
    total_value_zar: nonNegative,
  })),
  decisions: envelope('decisions', z.strictObject({
    id: identifier, bot_id: identifier, symbol: z.string().min(1), platform, decision: z.enum(['buy', 'sell', 'hold']),
    confidence: fraction, reasoning: z.string(),
    market_data: z.strictObject({ price: nonNegative, volume_24h: nonNegative, rsi: z.number().min(0).max(100).nullable(), macd: z.string().nullable() }),
    regime_state: z.string(),
    component_scores: z.strictObject({ technical: fraction.optional(), sentiment: fraction.optional(), risk: fraction.optional() }),
    sizing: z.strictObject({ quantity: nonNegative, capital: nonNegative, risk_per_trade: fraction }).nullable(),
    stops: z.strictObject({ stop_loss: nonNegative.nullable(), take_profit: nonNegative.nullable() }).nullable(),
    timestamp,
  })),
  metrics: envelope('metrics', z.strictObject({
    total_pnl: z.number(), total_pnl_percent: z.number(), active_bots: count, total_bots: count, total_trades: count,
    win_rate: fraction, exposure: fraction, risk_level: z.string(), uptime_seconds: nonNegative, trades_per_hour: nonNegative,
  })),
  whale: envelope('whale', z.strictObject({
    coin: z.string().min(1), platform: z.string().min(1), flow_type: z.string(), amount: nonNegative, value_usd: nonNegative,
    timestamp, signal: z.string(),
  })),
  alerts: envelope('alerts', z.strictObject({
    id: identifier, severity: z.enum(['info', 'warning', 'error', 'critical']), category: z.string(), title: z.string(),
    message: z.string(), bot_id: identifier.nullable(), platform: platform.nullable(), action_required: z.boolean(), timestamp,
  })),
  system_health: envelope('system_health', z.strictObject({
    status: z.string(), uptime: nonNegative, cpu_percent: percent, memory_percent: percent, disk_percent: percent,
    database: z.string(), redis: z.string(), exchange_connections: z.record(z.string(), z.string()),
    last_trade: nullableTimestamp, error_rate: fraction,
  })),
  wallet: envelope('wallet', z.strictObject({
    event: z.string(), platform, asset: z.string().min(1), amount: nonNegative, address: z.string().nullable(),
    txid: z.string().nullable(), confirmations: count, status: z.string(),
  })),
  ai_tasks: envelope('ai_tasks', z.strictObject({
    task_id: identifier,
    task_type: z.enum(['bodyguard_check', 'learning_run', 'bot_evolution', 'insights_generation', 'prediction', 'profit_reinvestment']),
    status: z.enum(['queued', 'running', 'completed', 'failed']), progress: fraction,
    result: z.looseObject({ checks_passed: count.optional(), checks_failed: count.optional(), issues: z.array(z.unknown()).optional() }).nullable(),
    started_at: nullableTimestamp, completed_at: nullableTimestamp,
  })),
  error: plainEnvelope('error', z.strictObject({ code: z.string().min(1), message: z.string(), details: z.string().optional() })),
};
