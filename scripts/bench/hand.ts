/**
 * The hand-written limit: the fastest correct strict check of each message type that we know
 * how to write in JavaScript, the yardstick the generated validators are measured against
 * (issue 14). It applies every rule of the strict schemas — every field, enums, ranges,
 * integers, `null` only where allowed, unknown keys rejected, RFC 3339 with its calendar — and
 * gives only a verdict (no error object), so it is a floor, not a rival.
 *
 * What makes it fast, and what a generated validator may copy:
 * - unknown keys: every known field is read once anyway, so the object is valid in strict
 *   mode iff its number of keys equals the number of known fields present; the keys are
 *   counted once (`for…in`) instead of looking each one up in a set;
 * - timestamps: a fast path for the form producers write (`YYYY-MM-DDTHH:MM:SS.sssZ`,
 *   `Date#toISOString`), the general RFC 3339 check otherwise;
 * - one flat function per type, no nested calls, no options object, no error bookkeeping;
 * - dispatch on `type` through a null-prototype table, as `validateMessage` does.
 *
 * Domain: any JavaScript value whose objects are plain data (what `JSON.parse` returns, or
 * objects built like it): no accessors, no inherited enumerable keys. On such values it agrees
 * with the strict validator; test/bench/hand-limit.test.ts checks that over many thousands
 * of random mutations of every type. A key present with the value `undefined` (impossible in
 * JSON) is treated as missing by ajv's `required` and as present by the key count: such an
 * object takes the slow exact path ({@link onlyKnownKeys}) when the counts disagree.
 */

type Obj = Record<string, any>;

// ---- scalars -------------------------------------------------------------------------
// ajv's "number" is `typeof number` and finite; `v - v === 0` is false for NaN and ±Infinity.

const isNumber = (v: unknown): v is number => typeof v === 'number' && v - v === 0;
/** minimum 0, finite. NaN and -Infinity fail `>= 0`. */
const nonNegative = (v: unknown) => typeof v === 'number' && v >= 0 && v !== Infinity;
const fraction = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
const percent = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 100;
/** integer, minimum 0. */
const count = (v: unknown) => typeof v === 'number' && v >= 0 && Number.isInteger(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length !== 0;
const platform = (v: unknown) => v === 'luno' || v === 'binance' || v === 'kucoin' || v === 'kraken' || v === 'valr';
/** EpochMilliseconds: integer 0 … 8.64e15. */
const epochMs = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 8640000000000000 && Number.isInteger(v);
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Number of enumerable keys, as ajv's `for…in` sees them. */
function keyCount(o: Obj): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/**
 * The exact unknown-key rule, for when the count disagrees only because a known key holds
 * `undefined` (never in JSON): true when every key of `o` is in `known`.
 */
function onlyKnownKeys(o: Obj, known: readonly string[]): boolean {
  for (const key in o) if (!known.includes(key)) return false;
  return true;
}

/** `o` has `expected` keys, or (rare) more only because known keys hold `undefined`. */
function closed(o: Obj, expected: number, known: readonly string[]): boolean {
  const n = keyCount(o);
  return n === expected || (n > expected && onlyKnownKeys(o, known));
}

// ---- RFC 3339 date-time ------------------------------------------------------------------

const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Digit value of the code unit at `i`, or a value ≥ 10 for any other character. Past the end
 * it gives 0 (NaN >>> 0): callers check the length first.
 */
const digit = (s: string, i: number) => (s.charCodeAt(i) - 48) >>> 0;

/**
 * RFC 3339 date-time (section 5.6), as strict as src/runtime/date-time.ts (fuzzed against it):
 * a fast path for `YYYY-MM-DDTHH:MM:SS.sssZ` (24 characters), the general check otherwise.
 */
export function handDateTime(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  if (s.length === 24 && s.charCodeAt(23) === 90 && s.charCodeAt(19) === 46) {
    const y0 = digit(s, 0), y1 = digit(s, 1), y2 = digit(s, 2), y3 = digit(s, 3);
    const mo0 = digit(s, 5), mo1 = digit(s, 6), d0 = digit(s, 8), d1 = digit(s, 9);
    const h0 = digit(s, 11), h1 = digit(s, 12), mi0 = digit(s, 14), mi1 = digit(s, 15), s0 = digit(s, 17), s1 = digit(s, 18);
    if ((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1 | digit(s, 20) | digit(s, 21) | digit(s, 22)) >>> 0 > 9) return generalDateTime(s);
    if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return generalDateTime(s);
    const month = mo0 * 10 + mo1;
    const day = d0 * 10 + d1;
    if (month < 1 || month > 12 || day < 1 || h0 * 10 + h1 > 23 || mi0 > 5) return false;
    const second = s0 * 10 + s1;
    if (second > 59) return second === 60 ? generalDateTime(s) : false;
    if (day <= DAYS[month]!) return true;
    if (month !== 2 || day !== 29) return false;
    const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  }
  return generalDateTime(s);
}

/** Any RFC 3339 date-time: `T`/`t`, `Z`/`z`, any fraction, `±HH:MM`, leap second at 23:59:60 UTC only. */
function generalDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20) return false;
  for (const i of DIGITS) if (digit(s, i) > 9) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116) return false;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month]!)) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && digit(s, i) <= 9) i++;
    if (i === start) return false;
  }
  const zone = s.charCodeAt(i);
  let offset = 0;
  if (zone === 90 || zone === 122) {
    if (i + 1 !== n) return false;
  } else if (zone === 43 || zone === 45) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return false;
    const oh0 = digit(s, i + 1), oh1 = digit(s, i + 2), om0 = digit(s, i + 4), om1 = digit(s, i + 5);
    if ((oh0 | oh1 | om0 | om1) >>> 0 > 9) return false;
    const oh = oh0 * 10 + oh1;
    const om = om0 * 10 + om1;
    if (oh > 23 || om > 59) return false;
    offset = (zone === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return false;
  }
  if (second === 60) return (((hour * 60 + minute - offset) % 1440) + 1440) % 1440 === 1439;
  return true;
}

const ts = handDateTime;

/** Cursor: 1–128 characters of `[0-9A-Za-z._~-]` (RFC 3986 unreserved). */
const CURSOR_CHAR = new Uint8Array(128);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._~-') CURSOR_CHAR[c.charCodeAt(0)] = 1;
function isCursor(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n === 0 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c > 127 || CURSOR_CHAR[c] === 0) return false;
  }
  return true;
}
const nullableTs = (v: unknown) => v === null || handDateTime(v);

// ---- envelopes ---------------------------------------------------------------------------

const ENVELOPE = ['type', 'data', 'ts', 'cursor'];
const CONNECTION_ENVELOPE = ['type', 'data', 'ts'];

/**
 * The envelope's `ts`, optional `cursor` (protocol v1.1: stream messages and `connection`)
 * and key count; checked after `data`, where ajv checks them too (a bad `ts` is a fault found last).
 */
function envelopeTail(m: Obj): boolean {
  if (!ts(m.ts)) return false;
  const cursor = m.cursor;
  if (cursor === undefined) return closed(m, 3, ENVELOPE);
  return isCursor(cursor) && closed(m, 4, ENVELOPE);
}

/** `error` (audience connection) has no cursor. */
const plainEnvelopeTail = (m: Obj) => ts(m.ts) && closed(m, 3, CONNECTION_ENVELOPE);

// ---- one check per type ------------------------------------------------------------------

const CONNECTION = ['status', 'mode', 'resume'];
const TRADE = ['id', 'bot_id', 'platform', 'symbol', 'side', 'quantity', 'price', 'total', 'fee', 'status', 'pnl', 'timestamp'];
const BOT = ['id', 'name', 'platform', 'symbol', 'status', 'trading_mode', 'risk_mode', 'capital', 'pnl', 'trades_count', 'win_rate', 'last_trade'];
const BALANCES = ['platform', 'balances', 'total_value_zar'];
const ASSET_BALANCE = ['free', 'locked', 'total'];
const DECISION = ['id', 'bot_id', 'symbol', 'platform', 'decision', 'confidence', 'reasoning', 'market_data', 'regime_state', 'component_scores', 'sizing', 'stops', 'timestamp'];
const MARKET = ['price', 'volume_24h', 'rsi', 'macd'];
const SCORES = ['technical', 'sentiment', 'risk'];
const SIZING = ['quantity', 'capital', 'risk_per_trade'];
const STOPS = ['stop_loss', 'take_profit'];
const METRICS = ['total_pnl', 'total_pnl_percent', 'active_bots', 'total_bots', 'total_trades', 'win_rate', 'exposure', 'risk_level', 'uptime_seconds', 'trades_per_hour'];
const WHALE = ['coin', 'platform', 'flow_type', 'amount', 'value_usd', 'timestamp', 'signal'];
const ALERT = ['id', 'severity', 'category', 'title', 'message', 'bot_id', 'platform', 'action_required', 'timestamp'];
const HEALTH = ['status', 'uptime', 'cpu_percent', 'memory_percent', 'disk_percent', 'database', 'redis', 'exchange_connections', 'last_trade', 'error_rate'];
const WALLET = ['event', 'platform', 'asset', 'amount', 'address', 'txid', 'confirmations', 'status'];
const AI_TASK = ['task_id', 'task_type', 'status', 'progress', 'result', 'started_at', 'completed_at'];
const ERROR = ['code', 'message', 'details'];
const FLAT = ['type', 'timestamp'];

type Check = (m: Obj) => boolean;

function connection(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const status = d.status;
  const mode = d.mode;
  const resume = d.resume;
  return (status === 'connected' || status === 'disconnected' || status === 'error') && (mode === 'ws' || mode === 'polling') &&
    (resume === undefined ? closed(d, 2, CONNECTION) : (resume === 'new' || resume === 'resumed' || resume === 'gap') && closed(d, 3, CONNECTION)) &&
    envelopeTail(m);
}

const keepalive: Check = (m) => epochMs(m.timestamp) && closed(m, 2, FLAT);

function trades(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const side = d.side;
  const status = d.status;
  const pnl = d.pnl;
  const quantity = d.quantity;
  return nonEmpty(d.id) && nonEmpty(d.bot_id) && platform(d.platform) && nonEmpty(d.symbol) &&
    (side === 'buy' || side === 'sell') && typeof quantity === 'number' && quantity > 0 && quantity !== Infinity &&
    nonNegative(d.price) && nonNegative(d.total) && isNumber(d.fee) &&
    (status === 'pending' || status === 'filled' || status === 'cancelled' || status === 'failed') &&
    (pnl === null || isNumber(pnl)) && ts(d.timestamp) && closed(d, 12, TRADE) && envelopeTail(m);
}

function bots(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const status = d.status;
  const tradingMode = d.trading_mode;
  const riskMode = d.risk_mode;
  return nonEmpty(d.id) && typeof d.name === 'string' && platform(d.platform) && nonEmpty(d.symbol) &&
    (status === 'running' || status === 'stopped' || status === 'paused' || status === 'error') &&
    (tradingMode === 'paper' || tradingMode === 'live') &&
    (riskMode === 'conservative' || riskMode === 'moderate' || riskMode === 'aggressive') &&
    nonNegative(d.capital) && isNumber(d.pnl) && count(d.trades_count) && fraction(d.win_rate) && nullableTs(d.last_trade) &&
    closed(d, 12, BOT) && envelopeTail(m);
}

function balances(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const p = d.platform;
  if (!(platform(p) || p === 'all')) return false;
  const assets = d.balances;
  if (!isObject(assets)) return false;
  for (const asset in assets) {
    const b = assets[asset];
    if (!isObject(b) || !nonNegative(b.free) || !nonNegative(b.locked) || !nonNegative(b.total) || !closed(b, 3, ASSET_BALANCE)) return false;
  }
  return nonNegative(d.total_value_zar) && closed(d, 3, BALANCES) && envelopeTail(m);
}

function decisions(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const decision = d.decision;
  if (!(nonEmpty(d.id) && nonEmpty(d.bot_id) && nonEmpty(d.symbol) && platform(d.platform) &&
    (decision === 'buy' || decision === 'sell' || decision === 'hold') && fraction(d.confidence) && typeof d.reasoning === 'string')) return false;
  const market = d.market_data;
  if (!isObject(market)) return false;
  const rsi = market.rsi;
  const macd = market.macd;
  if (!(nonNegative(market.price) && nonNegative(market.volume_24h) && (rsi === null || percent(rsi)) &&
    (macd === null || typeof macd === 'string') && closed(market, 4, MARKET))) return false;
  if (typeof d.regime_state !== 'string') return false;
  const scores = d.component_scores;
  if (!isObject(scores)) return false;
  // All three scores are optional: count those present.
  let present = 0;
  const technical = scores.technical;
  if (technical !== undefined) { if (!fraction(technical)) return false; present++; }
  const sentiment = scores.sentiment;
  if (sentiment !== undefined) { if (!fraction(sentiment)) return false; present++; }
  const risk = scores.risk;
  if (risk !== undefined) { if (!fraction(risk)) return false; present++; }
  if (!closed(scores, present, SCORES)) return false;
  const sizing = d.sizing;
  if (sizing !== null && !(isObject(sizing) && nonNegative(sizing.quantity) && nonNegative(sizing.capital) && fraction(sizing.risk_per_trade) &&
    closed(sizing, 3, SIZING))) return false;
  const stops = d.stops;
  if (stops !== null) {
    if (!isObject(stops)) return false;
    const loss = stops.stop_loss;
    const profit = stops.take_profit;
    if (!((loss === null || nonNegative(loss)) && (profit === null || nonNegative(profit)) && closed(stops, 2, STOPS))) return false;
  }
  return ts(d.timestamp) && closed(d, 13, DECISION) && envelopeTail(m);
}

function metrics(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  return isNumber(d.total_pnl) && isNumber(d.total_pnl_percent) && count(d.active_bots) && count(d.total_bots) &&
    count(d.total_trades) && fraction(d.win_rate) && fraction(d.exposure) && typeof d.risk_level === 'string' &&
    nonNegative(d.uptime_seconds) && nonNegative(d.trades_per_hour) && closed(d, 10, METRICS) && envelopeTail(m);
}

function whale(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  return nonEmpty(d.coin) && nonEmpty(d.platform) && typeof d.flow_type === 'string' && nonNegative(d.amount) &&
    nonNegative(d.value_usd) && ts(d.timestamp) && typeof d.signal === 'string' && closed(d, 7, WHALE) && envelopeTail(m);
}

function alerts(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const severity = d.severity;
  const botId = d.bot_id;
  const p = d.platform;
  return nonEmpty(d.id) && (severity === 'info' || severity === 'warning' || severity === 'error' || severity === 'critical') &&
    typeof d.category === 'string' && typeof d.title === 'string' && typeof d.message === 'string' &&
    (botId === null || nonEmpty(botId)) && (p === null || platform(p)) &&
    typeof d.action_required === 'boolean' && ts(d.timestamp) && closed(d, 9, ALERT) && envelopeTail(m);
}

function systemHealth(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  if (!(typeof d.status === 'string' && nonNegative(d.uptime) && percent(d.cpu_percent) && percent(d.memory_percent) &&
    percent(d.disk_percent) && typeof d.database === 'string' && typeof d.redis === 'string')) return false;
  const exchanges = d.exchange_connections;
  if (!isObject(exchanges)) return false;
  for (const name in exchanges) {
    if (typeof exchanges[name] !== 'string') return false;
  }
  return nullableTs(d.last_trade) && fraction(d.error_rate) && closed(d, 10, HEALTH) && envelopeTail(m);
}

function wallet(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const address = d.address;
  const txid = d.txid;
  return typeof d.event === 'string' && platform(d.platform) && nonEmpty(d.asset) && nonNegative(d.amount) &&
    (address === null || typeof address === 'string') && (txid === null || typeof txid === 'string') &&
    count(d.confirmations) && typeof d.status === 'string' && closed(d, 8, WALLET) && envelopeTail(m);
}

function aiTasks(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const taskType = d.task_type;
  const status = d.status;
  if (!(nonEmpty(d.task_id) &&
    (taskType === 'bodyguard_check' || taskType === 'learning_run' || taskType === 'bot_evolution' ||
      taskType === 'insights_generation' || taskType === 'prediction' || taskType === 'profit_reinvestment') &&
    (status === 'queued' || status === 'running' || status === 'completed' || status === 'failed') && fraction(d.progress))) return false;
  const result = d.result;
  // An open object (additionalProperties: true): unknown keys pass even in strict mode.
  if (result !== null) {
    if (!isObject(result)) return false;
    const passed = result.checks_passed;
    const failed = result.checks_failed;
    const issues = result.issues;
    if (!((passed === undefined || count(passed)) && (failed === undefined || count(failed)) && (issues === undefined || Array.isArray(issues)))) return false;
  }
  return nullableTs(d.started_at) && nullableTs(d.completed_at) && closed(d, 7, AI_TASK) && envelopeTail(m);
}

function error(m: Obj): boolean {
  const d = m.data;
  if (!isObject(d)) return false;
  const details = d.details;
  return nonEmpty(d.code) && typeof d.message === 'string' && (details === undefined || typeof details === 'string') &&
    closed(d, details === undefined ? 2 : 3, ERROR) && plainEnvelopeTail(m);
}

/** Message type → hand-written strict check of a message object of that type (its `type` already matched). */
export const handChecks: Readonly<Record<string, Check>> = {
  connection,
  ping: keepalive,
  pong: keepalive,
  trades,
  bots,
  balances,
  decisions,
  metrics,
  whale,
  alerts,
  system_health: systemHealth,
  wallet,
  ai_tasks: aiTasks,
  error,
};

// Null prototype: `type: "constructor"` must not find Object.prototype.constructor.
const TABLE: Record<string, Check | undefined> = Object.assign(Object.create(null), handChecks);

/** Strict verdict on any value: an object with a known string `type` whose check passes. */
export function handValidate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const type = (value as Obj).type;
  if (typeof type !== 'string') return false;
  const check = TABLE[type];
  return check !== undefined && check(value as Obj);
}
