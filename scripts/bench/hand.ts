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
 * - dispatch on `type` by `switch` (no table lookup).
 *
 * Domain: any JavaScript value whose objects are plain data (what `JSON.parse` returns, or
 * objects built like it): no accessors, no inherited enumerable keys. On such values it agrees
 * with the strict validator; test/bench/hand-limit.test.ts checks that over many thousands
 * of random mutations of every type. A key present with the value `undefined` (impossible in
 * JSON) is treated as missing by ajv's `required` and as present by the key count: such an
 * object takes the slow exact path ({@link onlyKnownKeys}) when the counts disagree.
 */

type Obj = Record<string, any>;

// Every scalar check below is written out at its site, not called through a shared helper:
// V8 keeps type feedback per function, so a helper shared by every field of every type would
// see strings, nulls and numbers alike and compile to generic code (the generated validators
// have one site per field too). `x - x === 0` is the finiteness test (false for NaN, ±Infinity).

/** The exact unknown-key rule, for the rare case where the key count is off only because a known key holds `undefined` (never in JSON). */
function onlyKnownKeys(o: Obj, known: readonly string[]): boolean {
  for (const key in o) if (!known.includes(key)) return false;
  return true;
}

// ---- RFC 3339 date-time ------------------------------------------------------------------

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * RFC 3339 date-time (section 5.6), as strict as src/runtime/date-time.ts (fuzzed against it):
 * a fast path for `YYYY-MM-DDTHH:MM:SS.sssZ` (24 characters, `Date#toISOString`), the general
 * check otherwise.
 */
export function handDateTime(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  if (s.length === 24 && s.charCodeAt(23) === 90 && s.charCodeAt(19) === 46 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
    const y0 = s.charCodeAt(0) - 48, y1 = s.charCodeAt(1) - 48, y2 = s.charCodeAt(2) - 48, y3 = s.charCodeAt(3) - 48;
    const mo0 = s.charCodeAt(5) - 48, mo1 = s.charCodeAt(6) - 48, d0 = s.charCodeAt(8) - 48, d1 = s.charCodeAt(9) - 48;
    const h0 = s.charCodeAt(11) - 48, h1 = s.charCodeAt(12) - 48, mi0 = s.charCodeAt(14) - 48, mi1 = s.charCodeAt(15) - 48;
    const s0 = s.charCodeAt(17) - 48, s1 = s.charCodeAt(18) - 48;
    const f0 = s.charCodeAt(20) - 48, f1 = s.charCodeAt(21) - 48, f2 = s.charCodeAt(22) - 48;
    // Ranges per digit: month tens 0–1, day tens 0–3, hour tens 0–2, minute and second tens 0–5.
    // Anything else (a leap second :60 included) goes to the general check.
    if (y0 < 0 || y0 > 9 || y1 < 0 || y1 > 9 || y2 < 0 || y2 > 9 || y3 < 0 || y3 > 9 || mo0 < 0 || mo0 > 1 || mo1 < 0 || mo1 > 9 ||
      d0 < 0 || d0 > 3 || d1 < 0 || d1 > 9 || h0 < 0 || h0 > 2 || h1 < 0 || h1 > 9 || mi0 < 0 || mi0 > 5 || mi1 < 0 || mi1 > 9 ||
      s0 < 0 || s0 > 5 || s1 < 0 || s1 > 9 || f0 < 0 || f0 > 9 || f1 < 0 || f1 > 9 || f2 < 0 || f2 > 9) return generalDateTime(s);
    const month = mo0 * 10 + mo1;
    const day = d0 * 10 + d1;
    if (month < 1 || month > 12 || day < 1 || h0 * 10 + h1 > 23) return false;
    if (day <= DAYS[month]!) return true;
    if (month !== 2 || day !== 29) return false;
    const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  }
  return generalDateTime(s);
}

/** Two ASCII digits at `i` as 0–99, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Any RFC 3339 date-time: `T`/`t`, `Z`/`z`, any fraction, `±HH:MM`, a leap second at 23:59:60 UTC only. */
function generalDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20) return false;
  const century = two(s, 0), yy = two(s, 2), month = two(s, 5), day = two(s, 8), hour = two(s, 11), minute = two(s, 14), second = two(s, 17);
  if (century < 0 || yy < 0 || day < 1 || hour < 0 || minute < 0 || second < 0) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 116) return false;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return false;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month]!)) return false;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === start) return false;
  }
  const zone = s.charCodeAt(i);
  let offset = 0;
  if (zone === 90 || zone === 122) {
    if (i + 1 !== n) return false;
  } else if (zone === 43 || zone === 45) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return false;
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offset = (zone === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return false;
  }
  if (second === 60) return (((hour * 60 + minute - offset) % 1440) + 1440) % 1440 === 1439;
  return true;
}

/** Cursor: 1–128 characters of `[0-9A-Za-z._~-]` (RFC 3986 unreserved). */
const CURSOR_CHAR = new Uint8Array(128);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._~-') CURSOR_CHAR[c.charCodeAt(0)] = 1;
function isCursor(v: string): boolean {
  const n = v.length;
  if (n === 0 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c > 127 || CURSOR_CHAR[c] === 0) return false;
  }
  return true;
}

// ---- known keys (for the rare exact path) -------------------------------------------------

const ENVELOPE = ['type', 'data', 'ts', 'cursor'];
const PLAIN_ENVELOPE = ['type', 'data', 'ts'];
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

// ---- one check per type ------------------------------------------------------------------
// Each: `data` fields in schema order, then the envelope's `ts`, `cursor` and key count (where
// ajv checks them too, so a bad `ts` or an extra top-level key is a fault found last).

function connection(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const status = d.status;
  if (status !== 'connected' && status !== 'disconnected' && status !== 'error') return false;
  const mode = d.mode;
  if (mode !== 'ws' && mode !== 'polling') return false;
  const resume = d.resume;
  let expected = 2;
  if (resume !== undefined) {
    if (resume !== 'new' && resume !== 'resumed' && resume !== 'gap') return false;
    expected = 3;
  }
  let n = 0;
  for (const _ in d) n++;
  if (n !== expected && !onlyKnownKeys(d, CONNECTION)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function ping(m: Obj): boolean {
  const t = m.timestamp;
  if (typeof t !== 'number' || !(t >= 0 && t <= 8640000000000000) || !Number.isInteger(t)) return false;
  let k = 0;
  for (const _ in m) k++;
  return k === 2 || onlyKnownKeys(m, FLAT);
}

function pong(m: Obj): boolean {
  const t = m.timestamp;
  if (typeof t !== 'number' || !(t >= 0 && t <= 8640000000000000) || !Number.isInteger(t)) return false;
  let k = 0;
  for (const _ in m) k++;
  return k === 2 || onlyKnownKeys(m, FLAT);
}

function trades(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const id = d.id;
  if (typeof id !== 'string' || id.length === 0) return false;
  const botId = d.bot_id;
  if (typeof botId !== 'string' || botId.length === 0) return false;
  const platform = d.platform;
  if (platform !== 'luno' && platform !== 'binance' && platform !== 'kucoin' && platform !== 'kraken' && platform !== 'valr') return false;
  const symbol = d.symbol;
  if (typeof symbol !== 'string' || symbol.length === 0) return false;
  const side = d.side;
  if (side !== 'buy' && side !== 'sell') return false;
  const quantity = d.quantity;
  if (typeof quantity !== 'number' || !(quantity > 0) || quantity === Infinity) return false;
  const price = d.price;
  if (typeof price !== 'number' || !(price >= 0) || price === Infinity) return false;
  const total = d.total;
  if (typeof total !== 'number' || !(total >= 0) || total === Infinity) return false;
  const fee = d.fee;
  if (typeof fee !== 'number' || fee - fee !== 0) return false;
  const status = d.status;
  if (status !== 'pending' && status !== 'filled' && status !== 'cancelled' && status !== 'failed') return false;
  const pnl = d.pnl;
  if (pnl !== null && (typeof pnl !== 'number' || pnl - pnl !== 0)) return false;
  if (!handDateTime(d.timestamp)) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 12 && !onlyKnownKeys(d, TRADE)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function bots(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const id = d.id;
  if (typeof id !== 'string' || id.length === 0) return false;
  if (typeof d.name !== 'string') return false;
  const platform = d.platform;
  if (platform !== 'luno' && platform !== 'binance' && platform !== 'kucoin' && platform !== 'kraken' && platform !== 'valr') return false;
  const symbol = d.symbol;
  if (typeof symbol !== 'string' || symbol.length === 0) return false;
  const status = d.status;
  if (status !== 'running' && status !== 'stopped' && status !== 'paused' && status !== 'error') return false;
  const tradingMode = d.trading_mode;
  if (tradingMode !== 'paper' && tradingMode !== 'live') return false;
  const riskMode = d.risk_mode;
  if (riskMode !== 'conservative' && riskMode !== 'moderate' && riskMode !== 'aggressive') return false;
  const capital = d.capital;
  if (typeof capital !== 'number' || !(capital >= 0) || capital === Infinity) return false;
  const pnl = d.pnl;
  if (typeof pnl !== 'number' || pnl - pnl !== 0) return false;
  const tradesCount = d.trades_count;
  if (typeof tradesCount !== 'number' || !(tradesCount >= 0) || !Number.isInteger(tradesCount)) return false;
  const winRate = d.win_rate;
  if (typeof winRate !== 'number' || !(winRate >= 0 && winRate <= 1)) return false;
  const lastTrade = d.last_trade;
  if (lastTrade !== null && !handDateTime(lastTrade)) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 12 && !onlyKnownKeys(d, BOT)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function balances(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const platform = d.platform;
  if (platform !== 'luno' && platform !== 'binance' && platform !== 'kucoin' && platform !== 'kraken' && platform !== 'valr' && platform !== 'all') return false;
  const assets = d.balances;
  if (typeof assets !== 'object' || assets === null || Array.isArray(assets)) return false;
  for (const asset in assets) {
    const b = assets[asset];
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
    const free = b.free;
    if (typeof free !== 'number' || !(free >= 0) || free === Infinity) return false;
    const locked = b.locked;
    if (typeof locked !== 'number' || !(locked >= 0) || locked === Infinity) return false;
    const total = b.total;
    if (typeof total !== 'number' || !(total >= 0) || total === Infinity) return false;
    let j = 0;
    for (const _ in b) j++;
    if (j !== 3 && !onlyKnownKeys(b, ASSET_BALANCE)) return false;
  }
  const value = d.total_value_zar;
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 3 && !onlyKnownKeys(d, BALANCES)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function decisions(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const id = d.id;
  if (typeof id !== 'string' || id.length === 0) return false;
  const botId = d.bot_id;
  if (typeof botId !== 'string' || botId.length === 0) return false;
  const symbol = d.symbol;
  if (typeof symbol !== 'string' || symbol.length === 0) return false;
  const platform = d.platform;
  if (platform !== 'luno' && platform !== 'binance' && platform !== 'kucoin' && platform !== 'kraken' && platform !== 'valr') return false;
  const decision = d.decision;
  if (decision !== 'buy' && decision !== 'sell' && decision !== 'hold') return false;
  const confidence = d.confidence;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) return false;
  if (typeof d.reasoning !== 'string') return false;
  const market = d.market_data;
  if (typeof market !== 'object' || market === null || Array.isArray(market)) return false;
  const price = market.price;
  if (typeof price !== 'number' || !(price >= 0) || price === Infinity) return false;
  const volume = market.volume_24h;
  if (typeof volume !== 'number' || !(volume >= 0) || volume === Infinity) return false;
  const rsi = market.rsi;
  if (rsi !== null && (typeof rsi !== 'number' || !(rsi >= 0 && rsi <= 100))) return false;
  const macd = market.macd;
  if (macd !== null && typeof macd !== 'string') return false;
  let mk = 0;
  for (const _ in market) mk++;
  if (mk !== 4 && !onlyKnownKeys(market, MARKET)) return false;
  if (typeof d.regime_state !== 'string') return false;
  const scores = d.component_scores;
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) return false;
  // All three scores are optional: count those present.
  let present = 0;
  const technical = scores.technical;
  if (technical !== undefined) {
    if (typeof technical !== 'number' || !(technical >= 0 && technical <= 1)) return false;
    present++;
  }
  const sentiment = scores.sentiment;
  if (sentiment !== undefined) {
    if (typeof sentiment !== 'number' || !(sentiment >= 0 && sentiment <= 1)) return false;
    present++;
  }
  const risk = scores.risk;
  if (risk !== undefined) {
    if (typeof risk !== 'number' || !(risk >= 0 && risk <= 1)) return false;
    present++;
  }
  let sk = 0;
  for (const _ in scores) sk++;
  if (sk !== present && !onlyKnownKeys(scores, SCORES)) return false;
  const sizing = d.sizing;
  if (sizing !== null) {
    if (typeof sizing !== 'object' || Array.isArray(sizing)) return false;
    const quantity = sizing.quantity;
    if (typeof quantity !== 'number' || !(quantity >= 0) || quantity === Infinity) return false;
    const capital = sizing.capital;
    if (typeof capital !== 'number' || !(capital >= 0) || capital === Infinity) return false;
    const riskPerTrade = sizing.risk_per_trade;
    if (typeof riskPerTrade !== 'number' || !(riskPerTrade >= 0 && riskPerTrade <= 1)) return false;
    let zk = 0;
    for (const _ in sizing) zk++;
    if (zk !== 3 && !onlyKnownKeys(sizing, SIZING)) return false;
  }
  const stops = d.stops;
  if (stops !== null) {
    if (typeof stops !== 'object' || Array.isArray(stops)) return false;
    const loss = stops.stop_loss;
    if (loss === undefined || (loss !== null && (typeof loss !== 'number' || !(loss >= 0) || loss === Infinity))) return false;
    const profit = stops.take_profit;
    if (profit === undefined || (profit !== null && (typeof profit !== 'number' || !(profit >= 0) || profit === Infinity))) return false;
    let tk = 0;
    for (const _ in stops) tk++;
    if (tk !== 2 && !onlyKnownKeys(stops, STOPS)) return false;
  }
  if (!handDateTime(d.timestamp)) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 13 && !onlyKnownKeys(d, DECISION)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function metrics(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const pnl = d.total_pnl;
  if (typeof pnl !== 'number' || pnl - pnl !== 0) return false;
  const pnlPercent = d.total_pnl_percent;
  if (typeof pnlPercent !== 'number' || pnlPercent - pnlPercent !== 0) return false;
  const active = d.active_bots;
  if (typeof active !== 'number' || !(active >= 0) || !Number.isInteger(active)) return false;
  const bots = d.total_bots;
  if (typeof bots !== 'number' || !(bots >= 0) || !Number.isInteger(bots)) return false;
  const tradesTotal = d.total_trades;
  if (typeof tradesTotal !== 'number' || !(tradesTotal >= 0) || !Number.isInteger(tradesTotal)) return false;
  const winRate = d.win_rate;
  if (typeof winRate !== 'number' || !(winRate >= 0 && winRate <= 1)) return false;
  const exposure = d.exposure;
  if (typeof exposure !== 'number' || !(exposure >= 0 && exposure <= 1)) return false;
  if (typeof d.risk_level !== 'string') return false;
  const uptime = d.uptime_seconds;
  if (typeof uptime !== 'number' || !(uptime >= 0) || uptime === Infinity) return false;
  const perHour = d.trades_per_hour;
  if (typeof perHour !== 'number' || !(perHour >= 0) || perHour === Infinity) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 10 && !onlyKnownKeys(d, METRICS)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function whale(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const coin = d.coin;
  if (typeof coin !== 'string' || coin.length === 0) return false;
  const platform = d.platform;
  if (typeof platform !== 'string' || platform.length === 0) return false;
  if (typeof d.flow_type !== 'string') return false;
  const amount = d.amount;
  if (typeof amount !== 'number' || !(amount >= 0) || amount === Infinity) return false;
  const value = d.value_usd;
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) return false;
  if (!handDateTime(d.timestamp)) return false;
  if (typeof d.signal !== 'string') return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 7 && !onlyKnownKeys(d, WHALE)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function alerts(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const id = d.id;
  if (typeof id !== 'string' || id.length === 0) return false;
  const severity = d.severity;
  if (severity !== 'info' && severity !== 'warning' && severity !== 'error' && severity !== 'critical') return false;
  if (typeof d.category !== 'string' || typeof d.title !== 'string' || typeof d.message !== 'string') return false;
  const botId = d.bot_id;
  if (botId !== null && (typeof botId !== 'string' || botId.length === 0)) return false;
  const platform = d.platform;
  if (platform !== null && platform !== 'luno' && platform !== 'binance' && platform !== 'kucoin' && platform !== 'kraken' && platform !== 'valr') return false;
  if (typeof d.action_required !== 'boolean') return false;
  if (!handDateTime(d.timestamp)) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 9 && !onlyKnownKeys(d, ALERT)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function systemHealth(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  if (typeof d.status !== 'string') return false;
  const uptime = d.uptime;
  if (typeof uptime !== 'number' || !(uptime >= 0) || uptime === Infinity) return false;
  const cpu = d.cpu_percent;
  if (typeof cpu !== 'number' || !(cpu >= 0 && cpu <= 100)) return false;
  const memory = d.memory_percent;
  if (typeof memory !== 'number' || !(memory >= 0 && memory <= 100)) return false;
  const disk = d.disk_percent;
  if (typeof disk !== 'number' || !(disk >= 0 && disk <= 100)) return false;
  if (typeof d.database !== 'string' || typeof d.redis !== 'string') return false;
  const exchanges = d.exchange_connections;
  if (typeof exchanges !== 'object' || exchanges === null || Array.isArray(exchanges)) return false;
  for (const name in exchanges) if (typeof exchanges[name] !== 'string') return false;
  const lastTrade = d.last_trade;
  if (lastTrade !== null && !handDateTime(lastTrade)) return false;
  const errorRate = d.error_rate;
  if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1)) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 10 && !onlyKnownKeys(d, HEALTH)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function wallet(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  if (typeof d.event !== 'string') return false;
  const platform = d.platform;
  if (platform !== 'luno' && platform !== 'binance' && platform !== 'kucoin' && platform !== 'kraken' && platform !== 'valr') return false;
  const asset = d.asset;
  if (typeof asset !== 'string' || asset.length === 0) return false;
  const amount = d.amount;
  if (typeof amount !== 'number' || !(amount >= 0) || amount === Infinity) return false;
  const address = d.address;
  if (address !== null && typeof address !== 'string') return false;
  const txid = d.txid;
  if (txid !== null && typeof txid !== 'string') return false;
  const confirmations = d.confirmations;
  if (typeof confirmations !== 'number' || !(confirmations >= 0) || !Number.isInteger(confirmations)) return false;
  if (typeof d.status !== 'string') return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 8 && !onlyKnownKeys(d, WALLET)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

function aiTasks(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const taskId = d.task_id;
  if (typeof taskId !== 'string' || taskId.length === 0) return false;
  const taskType = d.task_type;
  if (taskType !== 'bodyguard_check' && taskType !== 'learning_run' && taskType !== 'bot_evolution' &&
    taskType !== 'insights_generation' && taskType !== 'prediction' && taskType !== 'profit_reinvestment') return false;
  const status = d.status;
  if (status !== 'queued' && status !== 'running' && status !== 'completed' && status !== 'failed') return false;
  const progress = d.progress;
  if (typeof progress !== 'number' || !(progress >= 0 && progress <= 1)) return false;
  const result = d.result;
  // An open object (additionalProperties: true): unknown keys pass even in strict mode.
  if (result !== null) {
    if (typeof result !== 'object' || Array.isArray(result)) return false;
    const passed = result.checks_passed;
    if (passed !== undefined && (typeof passed !== 'number' || !(passed >= 0) || !Number.isInteger(passed))) return false;
    const failed = result.checks_failed;
    if (failed !== undefined && (typeof failed !== 'number' || !(failed >= 0) || !Number.isInteger(failed))) return false;
    const issues = result.issues;
    if (issues !== undefined && !Array.isArray(issues)) return false;
  }
  const startedAt = d.started_at;
  if (startedAt !== null && !handDateTime(startedAt)) return false;
  const completedAt = d.completed_at;
  if (completedAt !== null && !handDateTime(completedAt)) return false;
  let n = 0;
  for (const _ in d) n++;
  if (n !== 7 && !onlyKnownKeys(d, AI_TASK)) return false;
  if (!handDateTime(m.ts)) return false;
  const cursor = m.cursor;
  let top = 3;
  if (cursor !== undefined) {
    if (typeof cursor !== 'string' || !isCursor(cursor)) return false;
    top = 4;
  }
  let k = 0;
  for (const _ in m) k++;
  return k === top || onlyKnownKeys(m, ENVELOPE);
}

/** `error` goes to one socket (audience connection): no cursor. */
function error(m: Obj): boolean {
  const d = m.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
  const code = d.code;
  if (typeof code !== 'string' || code.length === 0) return false;
  if (typeof d.message !== 'string') return false;
  const details = d.details;
  let expected = 2;
  if (details !== undefined) {
    if (typeof details !== 'string') return false;
    expected = 3;
  }
  let n = 0;
  for (const _ in d) n++;
  if (n !== expected && !onlyKnownKeys(d, ERROR)) return false;
  if (!handDateTime(m.ts)) return false;
  let k = 0;
  for (const _ in m) k++;
  return k === 3 || onlyKnownKeys(m, PLAIN_ENVELOPE);
}

/**
 * Strict verdict on any value: an object with a known string `type` whose check passes.
 * Dispatch by `switch`: `JSON.parse` internalizes short strings, so most cases are a pointer
 * comparison; measured about twice as fast on ping as a null-prototype table lookup.
 */
export function handValidate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Obj;
  switch (m.type) {
    case 'connection': return connection(m);
    case 'ping': return ping(m);
    case 'pong': return pong(m);
    case 'trades': return trades(m);
    case 'bots': return bots(m);
    case 'balances': return balances(m);
    case 'decisions': return decisions(m);
    case 'metrics': return metrics(m);
    case 'whale': return whale(m);
    case 'alerts': return alerts(m);
    case 'system_health': return systemHealth(m);
    case 'wallet': return wallet(m);
    case 'ai_tasks': return aiTasks(m);
    case 'error': return error(m);
    default: return false;
  }
}
