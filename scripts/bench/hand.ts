/**
 * Hand-written checks, one per message type: plain `typeof`, enum and range tests, the
 * practical speed limit for validating these messages in JavaScript. They mirror the strict
 * schemas (unknown keys rejected, `null` only where the schema allows it) and use the
 * package's RFC 3339 checker, since any honest timestamp check must do that much work.
 */
import { isDateTime } from '../../src/runtime/date-time.js';

type Obj = Record<string, unknown>;
type Check = (message: Obj) => boolean;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
// ajv's "number" is typeof number and finite; JSON cannot carry anything else anyway.
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative = (v: unknown) => isNumber(v) && v >= 0;
const fraction = (v: unknown) => isNumber(v) && v >= 0 && v <= 1;
const percent = (v: unknown) => isNumber(v) && v >= 0 && v <= 100;
const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
const timestamp = (v: unknown) => typeof v === 'string' && isDateTime(v);
const nullableTimestamp = (v: unknown) => v === null || timestamp(v);
const platform = (v: unknown) => v === 'luno' || v === 'binance' || v === 'kucoin' || v === 'kraken' || v === 'valr';
const epochMs = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 8640000000000000;

/** A null-prototype set of allowed keys, for `onlyKeys`. */
function keys(...names: string[]): Record<string, true> {
  const set: Record<string, true> = Object.create(null);
  for (const name of names) set[name] = true;
  return set;
}

/** Whether `o` has no key outside `allowed` (strict mode's additionalProperties: false). */
function onlyKeys(o: Obj, allowed: Record<string, true>): boolean {
  for (const key in o) if (allowed[key] !== true) return false;
  return true;
}

const ENVELOPE = keys('type', 'data', 'ts');
const FLAT = keys('type', 'timestamp');

/** Checks the `{ type, data, ts }` envelope, then `data` with `check`. */
function envelope(type: string, dataKeys: Record<string, true>, check: (d: Obj) => boolean): Check {
  return (m) => {
    if (m.type !== type || !onlyKeys(m, ENVELOPE) || !timestamp(m.ts)) return false;
    const d = m.data;
    return isObject(d) && onlyKeys(d, dataKeys) && check(d);
  };
}

const TRADE = keys('id', 'bot_id', 'platform', 'symbol', 'side', 'quantity', 'price', 'total', 'fee', 'status', 'pnl', 'timestamp');
const BOT = keys('id', 'name', 'platform', 'symbol', 'status', 'trading_mode', 'risk_mode', 'capital', 'pnl', 'trades_count', 'win_rate', 'last_trade');
const BALANCES = keys('platform', 'balances', 'total_value_zar');
const ASSET_BALANCE = keys('free', 'locked', 'total');
const DECISION = keys('id', 'bot_id', 'symbol', 'platform', 'decision', 'confidence', 'reasoning', 'market_data', 'regime_state', 'component_scores', 'sizing', 'stops', 'timestamp');
const MARKET = keys('price', 'volume_24h', 'rsi', 'macd');
const SCORES = keys('technical', 'sentiment', 'risk');
const SIZING = keys('quantity', 'capital', 'risk_per_trade');
const STOPS = keys('stop_loss', 'take_profit');
const METRICS = keys('total_pnl', 'total_pnl_percent', 'active_bots', 'total_bots', 'total_trades', 'win_rate', 'exposure', 'risk_level', 'uptime_seconds', 'trades_per_hour');
const WHALE = keys('coin', 'platform', 'flow_type', 'amount', 'value_usd', 'timestamp', 'signal');
const ALERT = keys('id', 'severity', 'category', 'title', 'message', 'bot_id', 'platform', 'action_required', 'timestamp');
const HEALTH = keys('status', 'uptime', 'cpu_percent', 'memory_percent', 'disk_percent', 'database', 'redis', 'exchange_connections', 'last_trade', 'error_rate');
const WALLET = keys('event', 'platform', 'asset', 'amount', 'address', 'txid', 'confirmations', 'status');
const AI_TASK = keys('task_id', 'task_type', 'status', 'progress', 'result', 'started_at', 'completed_at');
const ERROR = keys('code', 'message', 'details');

const optionalFraction = (v: unknown) => v === undefined || fraction(v);
const nullableNonNegative = (v: unknown) => v === null || nonNegative(v);

/** Message type → hand-written strict check of a message of that type. */
export const handChecks: Record<string, Check> = {
  connection: envelope('connection', keys('status', 'mode'), (d) =>
    (d.status === 'connected' || d.status === 'disconnected' || d.status === 'error') && (d.mode === 'ws' || d.mode === 'polling')),
  ping: (m) => m.type === 'ping' && onlyKeys(m, FLAT) && epochMs(m.timestamp),
  pong: (m) => m.type === 'pong' && onlyKeys(m, FLAT) && epochMs(m.timestamp),
  trades: envelope('trades', TRADE, (d) =>
    nonEmpty(d.id) && nonEmpty(d.bot_id) && platform(d.platform) && nonEmpty(d.symbol) &&
    (d.side === 'buy' || d.side === 'sell') && isNumber(d.quantity) && d.quantity > 0 &&
    nonNegative(d.price) && nonNegative(d.total) && isNumber(d.fee) &&
    (d.status === 'pending' || d.status === 'filled' || d.status === 'cancelled' || d.status === 'failed') &&
    (d.pnl === null || isNumber(d.pnl)) && timestamp(d.timestamp)),
  bots: envelope('bots', BOT, (d) =>
    nonEmpty(d.id) && typeof d.name === 'string' && platform(d.platform) && nonEmpty(d.symbol) &&
    (d.status === 'running' || d.status === 'stopped' || d.status === 'paused' || d.status === 'error') &&
    (d.trading_mode === 'paper' || d.trading_mode === 'live') &&
    (d.risk_mode === 'conservative' || d.risk_mode === 'moderate' || d.risk_mode === 'aggressive') &&
    nonNegative(d.capital) && isNumber(d.pnl) && count(d.trades_count) && fraction(d.win_rate) && nullableTimestamp(d.last_trade)),
  balances: envelope('balances', BALANCES, (d) => {
    if (!(platform(d.platform) || d.platform === 'all') || !nonNegative(d.total_value_zar)) return false;
    const balances = d.balances;
    if (!isObject(balances)) return false;
    for (const asset in balances) {
      const b = balances[asset];
      if (!isObject(b) || !onlyKeys(b, ASSET_BALANCE) || !nonNegative(b.free) || !nonNegative(b.locked) || !nonNegative(b.total)) return false;
    }
    return true;
  }),
  decisions: envelope('decisions', DECISION, (d) => {
    if (!(nonEmpty(d.id) && nonEmpty(d.bot_id) && nonEmpty(d.symbol) && platform(d.platform) &&
      (d.decision === 'buy' || d.decision === 'sell' || d.decision === 'hold') && fraction(d.confidence) &&
      typeof d.reasoning === 'string' && typeof d.regime_state === 'string' && timestamp(d.timestamp))) return false;
    const market = d.market_data;
    if (!isObject(market) || !onlyKeys(market, MARKET) || !nonNegative(market.price) || !nonNegative(market.volume_24h) ||
      !(market.rsi === null || (isNumber(market.rsi) && market.rsi >= 0 && market.rsi <= 100)) ||
      !(market.macd === null || typeof market.macd === 'string')) return false;
    const scores = d.component_scores;
    if (!isObject(scores) || !onlyKeys(scores, SCORES) || !optionalFraction(scores.technical) ||
      !optionalFraction(scores.sentiment) || !optionalFraction(scores.risk)) return false;
    const sizing = d.sizing;
    if (sizing !== null && !(isObject(sizing) && onlyKeys(sizing, SIZING) && nonNegative(sizing.quantity) &&
      nonNegative(sizing.capital) && fraction(sizing.risk_per_trade))) return false;
    const stops = d.stops;
    return stops === null || (isObject(stops) && onlyKeys(stops, STOPS) && nullableNonNegative(stops.stop_loss) &&
      nullableNonNegative(stops.take_profit) && stops.stop_loss !== undefined && stops.take_profit !== undefined);
  }),
  metrics: envelope('metrics', METRICS, (d) =>
    isNumber(d.total_pnl) && isNumber(d.total_pnl_percent) && count(d.active_bots) && count(d.total_bots) &&
    count(d.total_trades) && fraction(d.win_rate) && fraction(d.exposure) && typeof d.risk_level === 'string' &&
    nonNegative(d.uptime_seconds) && nonNegative(d.trades_per_hour)),
  whale: envelope('whale', WHALE, (d) =>
    nonEmpty(d.coin) && nonEmpty(d.platform) && typeof d.flow_type === 'string' && nonNegative(d.amount) &&
    nonNegative(d.value_usd) && timestamp(d.timestamp) && typeof d.signal === 'string'),
  alerts: envelope('alerts', ALERT, (d) =>
    nonEmpty(d.id) && (d.severity === 'info' || d.severity === 'warning' || d.severity === 'error' || d.severity === 'critical') &&
    typeof d.category === 'string' && typeof d.title === 'string' && typeof d.message === 'string' &&
    (d.bot_id === null || nonEmpty(d.bot_id)) && (d.platform === null || platform(d.platform)) &&
    typeof d.action_required === 'boolean' && timestamp(d.timestamp)),
  system_health: envelope('system_health', HEALTH, (d) => {
    if (!(typeof d.status === 'string' && nonNegative(d.uptime) && percent(d.cpu_percent) && percent(d.memory_percent) &&
      percent(d.disk_percent) && typeof d.database === 'string' && typeof d.redis === 'string' &&
      nullableTimestamp(d.last_trade) && fraction(d.error_rate))) return false;
    const exchanges = d.exchange_connections;
    if (!isObject(exchanges)) return false;
    for (const name in exchanges) if (typeof exchanges[name] !== 'string') return false;
    return true;
  }),
  wallet: envelope('wallet', WALLET, (d) =>
    typeof d.event === 'string' && platform(d.platform) && nonEmpty(d.asset) && nonNegative(d.amount) &&
    (d.address === null || typeof d.address === 'string') && (d.txid === null || typeof d.txid === 'string') &&
    count(d.confirmations) && typeof d.status === 'string'),
  ai_tasks: envelope('ai_tasks', AI_TASK, (d) => {
    if (!(nonEmpty(d.task_id) &&
      (d.task_type === 'bodyguard_check' || d.task_type === 'learning_run' || d.task_type === 'bot_evolution' ||
        d.task_type === 'insights_generation' || d.task_type === 'prediction' || d.task_type === 'profit_reinvestment') &&
      (d.status === 'queued' || d.status === 'running' || d.status === 'completed' || d.status === 'failed') &&
      fraction(d.progress) && nullableTimestamp(d.started_at) && nullableTimestamp(d.completed_at))) return false;
    const result = d.result;
    if (result === null) return true;
    // An open object: unknown keys pass even in strict mode.
    return isObject(result) && (result.checks_passed === undefined || count(result.checks_passed)) &&
      (result.checks_failed === undefined || count(result.checks_failed)) && (result.issues === undefined || Array.isArray(result.issues));
  }),
  error: envelope('error', ERROR, (d) =>
    nonEmpty(d.code) && typeof d.message === 'string' && (d.details === undefined || typeof d.details === 'string')),
};

/** Dispatches on `type` like `validateMessage` does, then runs the hand-written check. */
export function handValidate(value: unknown): boolean {
  if (!isObject(value)) return false;
  const check = typeof value.type === 'string' ? HAND_TABLE[value.type] : undefined;
  return check !== undefined && check(value);
}

// Null prototype: `type: "constructor"` must not find Object.prototype.constructor.
const HAND_TABLE: Record<string, Check | undefined> = Object.assign(Object.create(null), handChecks);
