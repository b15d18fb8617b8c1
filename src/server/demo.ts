/**
 * The demo producer of `realtime-contract serve --demo`: realistic messages of every stream
 * type (trades, bots, balances, decisions, metrics, alerts, wallet, ai_tasks per user; whale and
 * system_health for everyone), built with the contract's builders. A stream type added to the
 * contract since sends its schema's first example, stamped with the current time. The
 * connection-scoped types (connection, ping, pong, error) come from the server itself.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GLOBAL_MESSAGE_TYPES, USER_MESSAGE_TYPES } from '../../generated/contract.js';
import type { Platform } from '../../generated/types.js';
import { createMessage } from '../runtime/builders.js';
import { preview } from '../runtime/errors.js';
import { hasMethods, MAX_TIMER_MS, optionChecks } from '../shared/options.js';
import { userIdFault } from './core.js';
import type { GlobalMessage, UserMessage } from './protocol.js';
import type { RealtimeServer } from './server.js';

/** Options of {@link startDemoProducer}. */
export interface DemoProducerOptions {
  /** Users whose streams get per-user messages: one or more user ids as `publish` takes them (non-empty strings of at most 256 characters). */
  users: readonly string[];
  /** Time between two rounds (each round sends a few messages to each user), in ms: a number > 0 and ≤ 2147483647 (Node's longest timer). Default 1 000. */
  intervalMs?: number;
  /** Seeded randomness is not needed: `Math.random` unless given (tests). */
  random?: () => number;
  /**
   * Called for each message the server refuses (a `MessageValidationError` once a schema
   * changed under the demo, a store that is down), with its type and the user whose stream it
   * was for (undefined for a broadcast, and for `'examples'` and `'round'`); the round's other
   * messages still go. Not called once stopped. Default: none.
   */
  onError?: (error: unknown, type: string, user?: string) => void;
  /** Called for each message the server took (published or broadcast), with its type and user (undefined for a broadcast): with `onError`, when publishing works again. Not called once stopped. Default: none. */
  onPublished?: (type: string, user?: string) => void;
  /**
   * Messages a producer before this one sent (a demo restarted from its journal), oldest first,
   * each with its user: its trade counts go on from theirs (the last `metrics` of each user, the
   * last `bots` of each bot) rather than from 0 (a dashboard's "74 trades" would become "3" after
   * a restart). Frames that are not such messages are skipped. Default: none.
   */
  sentBefore?: Iterable<{ userId: string | null; frame: string }>;
}

/** A running demo producer. */
export interface DemoProducer {
  /** Sends one round at once (each user gets one message of every per-user type, everyone a whale and a system_health). */
  round(): Promise<void>;
  /** Stops the timer: no round starts after it (a round already running still publishes), and `onError` is told nothing more. Idempotent. */
  stop(): void;
}

// The exchanges of every platform list (balances keeps a list of its own): an exchange added to `Platform` alone still builds.
const PLATFORMS = ['luno', 'binance', 'kucoin', 'kraken', 'valr'] as const satisfies readonly Platform[];
/** Rand to the dollar: whale values in USD follow the demo's BTC-ZAR price, as its trades do. */
const ZAR_PER_USD = 18.5;
const PAIRS = ['BTC-ZAR', 'ETH-ZAR', 'XRP-ZAR', 'SOL-ZAR'];
const TASK_TYPES = ['bodyguard_check', 'learning_run', 'bot_evolution', 'insights_generation', 'prediction', 'profit_reinvestment'] as const;

/** The stream types the demo builds messages of (below); any other of the contract sends its example. */
const BUILT: ReadonlySet<string> = new Set(['trades', 'bots', 'balances', 'decisions', 'metrics', 'alerts', 'wallet', 'ai_tasks', 'whale', 'system_health']);

/**
 * The first example of each message type of `types`, from `bundle`, the bundled contract
 * (`generated/schema/messages.schema.json`, read when not given): what the demo sends of a type
 * it has no builder for. A type whose schema gives no example (or whose example is not an
 * object) is left out; the server validates what is sent, as it does every message.
 *
 * @returns type → example, without a `cursor` (the server's store gives one)
 */
export function contractExamples(types: readonly string[], bundle?: unknown): Map<string, Record<string, unknown>> {
  const examples = new Map<string, Record<string, unknown>>();
  if (types.length === 0) return examples;
  bundle ??= JSON.parse(readFileSync(packageFile('generated/schema/messages.schema.json'), 'utf8'));
  const definitions = Object.values((bundle as { definitions?: Record<string, { properties?: { type?: { const?: unknown } }; examples?: unknown[] }> }).definitions ?? {});
  for (const type of types) {
    const example = definitions.find((definition) => definition.properties?.type?.const === type)?.examples?.[0];
    if (typeof example !== 'object' || example === null || Array.isArray(example)) continue;
    const { cursor: _cursor, ...message } = example as Record<string, unknown>;
    examples.set(type, message);
  }
  return examples;
}

/** A file of this package (the folder of the nearest package.json above this module: src/server or dist/src/server), whatever the package is named. */
function packageFile(name: string): URL {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    if (existsSync(new URL('package.json', dir))) return new URL(name, dir);
    if (dir.pathname === '/') throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

/** The `data` of a message's JSON text, with the message's `type` beside its fields; undefined for anything else. */
function dataOf(frame: string): Record<string, unknown> | undefined {
  try {
    const message = JSON.parse(frame) as { type?: unknown; data?: unknown };
    return typeof message.data === 'object' && message.data !== null ? { ...(message.data as Record<string, unknown>), type: message.type } : undefined;
  } catch {
    return undefined;
  }
}

/** Every option's name: the type checker refuses a list that misses one. */
const DEMO_OPTIONS = ['users', 'intervalMs', 'random', 'onError', 'onPublished', 'sentBefore'] as const;
const allListed: [Exclude<keyof DemoProducerOptions, (typeof DEMO_OPTIONS)[number]>] extends [never] ? true : never = true;
void allListed;

/**
 * Checks `server` and every option as the package's other constructors do: taken unchecked,
 * `users: 'alice'` (an environment variable passed as is) published to users a, l, i, c and e,
 * `intervalMs: 0` or a negative one published thousands of messages a second, a misspelt
 * `interval` left the default in place, and no `users` failed every round later (tAP F11).
 */
function checkDemoOptions(server: unknown, options: unknown): asserts options is DemoProducerOptions {
  const checks = optionChecks('startDemoProducer');
  if (!hasMethods(server, ['publish', 'broadcast'])) throw checks.error(TypeError, 'server', 'a realtime server (its publish and broadcast)', server);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`startDemoProducer: options must be an object such as { users: ['alice', 'bob'] }, got ${preview(options)}`);
  checks.known(options, DEMO_OPTIONS);
  const given = options as Record<(typeof DEMO_OPTIONS)[number], unknown>;
  if (!Array.isArray(given.users) || given.users.length === 0) throw checks.error(TypeError, 'users', "a non-empty array of user ids (['alice', 'bob'])", given.users, undefined, true);
  given.users.forEach((user: unknown, index) => {
    const fault = userIdFault(`users[${index}]`, user);
    if (fault !== undefined) throw new TypeError(`startDemoProducer: ${fault}`);
  });
  checks.number('intervalMs', given.intervalMs, Number.MIN_VALUE, MAX_TIMER_MS, `a number of milliseconds > 0 and ≤ ${MAX_TIMER_MS}`, false);
  for (const name of ['random', 'onError', 'onPublished'] as const) {
    if (given[name] !== undefined && typeof given[name] !== 'function') throw checks.error(TypeError, name, 'a function', given[name]);
  }
  const sentBefore = given.sentBefore as { [Symbol.iterator]?: unknown } | null | undefined;
  if (sentBefore !== undefined && typeof sentBefore?.[Symbol.iterator] !== 'function') throw checks.error(TypeError, 'sentBefore', 'an iterable of { userId, frame }', sentBefore);
}

/**
 * Starts publishing demo messages through `server` every `intervalMs`. Ids (trades, decisions,
 * alerts, tasks) carry a per-run prefix, so they stay unique across restarts.
 * @throws TypeError, at once, for a `server` without `publish` and `broadcast`, options that are
 *   not an object, an unknown option (with the name it most likely meant), `users` that is not
 *   a non-empty array of user ids as `publish` takes them, an `intervalMs`, `random`,
 *   `onError`, `onPublished` or `sentBefore` of the wrong type
 * @throws RangeError for an `intervalMs` that is not a number > 0 and ≤ 2147483647 (NaN included)
 */
export function startDemoProducer(server: Pick<RealtimeServer, 'publish' | 'broadcast'>, options: DemoProducerOptions): DemoProducer {
  checkDemoOptions(server, options);
  // Checked once: the caller's array changed later changes no round.
  const users = [...options.users];
  const random = options.random ?? Math.random;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let counter = 0;
  const id = (prefix: string) => `${prefix}_${run}_${++counter}`;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const round2 = (n: number) => Math.round(n * 100) / 100;
  // Uptimes are durations: on a clock that never steps (a wall clock set back an hour made them
  // negative, refused at publish, and no metrics or system_health went for that hour: tAO).
  const started = performance.now();
  const uptime = () => Math.floor((performance.now() - started) / 1000);
  const price: Record<string, number> = { 'BTC-ZAR': 850_000, 'ETH-ZAR': 45_000, 'XRP-ZAR': 11, 'SOL-ZAR': 2_600 };
  const tasks = new Map<string, { id: string; type: (typeof TASK_TYPES)[number]; progress: number; startedAt: string }>();
  /** Trades sent to each user, and made by each bot, by this producer: the metrics' and the bots' trade counts (they were the id counter, every id of every user: a fresh user). */
  const tradesOf = new Map<string, number>();
  const tradesOfBot = new Map<string, number>();
  for (const { userId, frame } of options.sentBefore ?? []) {
    const data = dataOf(frame);
    if (userId !== null && data?.type === 'metrics' && Number.isSafeInteger(data.total_trades)) tradesOf.set(userId, data.total_trades as number);
    else if (data?.type === 'bots' && typeof data.id === 'string' && Number.isSafeInteger(data.trades_count)) tradesOfBot.set(data.id, data.trades_count as number);
  }
  let userExamples = new Map<string, Record<string, unknown>>();
  let globalExamples = userExamples;
  try {
    userExamples = contractExamples(USER_MESSAGE_TYPES.filter((type) => !BUILT.has(type)));
    globalExamples = contractExamples(GLOBAL_MESSAGE_TYPES.filter((type) => !BUILT.has(type)));
  } catch (error) {
    // The bundled contract unreadable: said, and the types the demo builds still go (it threw after the server listened, which then never closed: a reviewer).
    options.onError?.(error, 'examples');
  }
  // An example stamped now: its envelope's `ts` (a flat message has none).
  const stamped = (example: Record<string, unknown>, now: string) => ('ts' in example ? { ...example, ts: now } : { ...example });

  const userMessages = (user: string): UserMessage[] => {
    const now = new Date().toISOString();
    // A bot keeps its pair and its exchange: one id that was the ETH Scalper, then the XRP one, made the bots panel look random (a fresh user).
    const bot = Math.floor(random() * 3);
    const botId = `bot_${user}_${bot + 1}`;
    const platform = PLATFORMS[bot]!;
    const symbol = PAIRS[bot]!;
    price[symbol] = round2(price[symbol]! * (1 + (random() - 0.5) * 0.004));
    const quantity = Math.round((0.001 + random() * 0.05) * 10_000) / 10_000;
    const side = random() < 0.5 ? 'buy' : 'sell';
    let task = tasks.get(user);
    if (task === undefined || task.progress >= 1) {
      task = { id: id('task'), type: pick(TASK_TYPES), progress: 0, startedAt: now };
      tasks.set(user, task);
    }
    task.progress = Math.min(1, round2(task.progress + 0.25));
    const done = task.progress >= 1;
    const free = round2(10_000 + random() * 1_000);
    const locked = round2(random() * 500);
    const decision = pick(['buy', 'sell', 'hold'] as const);
    const trades = (tradesOf.get(user) ?? 0) + 1;
    tradesOf.set(user, trades);
    const botTrades = (tradesOfBot.get(botId) ?? 0) + 1;
    tradesOfBot.set(botId, botTrades);
    const severity = pick(['info', 'warning'] as const);
    return [
      createMessage('trades', {
        id: id('trade'), bot_id: botId, platform, symbol, side, quantity, price: price[symbol]!, total: round2(quantity * price[symbol]!),
        fee: round2(quantity * price[symbol]! * 0.003), status: 'filled', pnl: side === 'sell' ? round2((random() - 0.4) * 50) : null, timestamp: now,
      }),
      createMessage('bots', {
        id: botId, name: `${symbol.split('-')[0]} Scalper`, platform, symbol, status: 'running', trading_mode: 'paper', risk_mode: 'conservative',
        capital: 5000, pnl: round2((random() - 0.3) * 300), trades_count: botTrades, win_rate: round2(0.5 + random() * 0.3), last_trade: now,
      }),
      createMessage('balances', {
        platform, balances: { ZAR: { free, locked, total: round2(free + locked) }, BTC: { free: 0.025, locked: 0.001, total: 0.026 } },
        total_value_zar: round2(free + locked + 0.026 * price['BTC-ZAR']!),
      }),
      createMessage('decisions', {
        id: id('decision'), bot_id: botId, symbol, platform, decision, confidence: round2(0.5 + random() * 0.5),
        reasoning: decision === 'hold' ? 'Momentum and order-book imbalance disagree' : `Momentum and order-book imbalance agree: ${decision}`, market_data: { price: price[symbol]!, volume_24h: 125_000_000, rsi: Math.round(30 + random() * 40), macd: pick(['bullish', 'bearish']) },
        regime_state: pick(['trending_up', 'trending_down', 'ranging']), component_scores: { technical: round2(random()), sentiment: round2(random()), risk: round2(random()) },
        sizing: { quantity, capital: round2(quantity * price[symbol]!), risk_per_trade: 0.02 }, stops: { stop_loss: round2(price[symbol]! * 0.97), take_profit: round2(price[symbol]! * 1.03) }, timestamp: now,
      }),
      createMessage('metrics', {
        total_pnl: round2(1250 + random() * 100), total_pnl_percent: round2(12.5 + random()), active_bots: 3, total_bots: 3, total_trades: trades, win_rate: 0.68,
        exposure: round2(random() * 0.8), risk_level: 'moderate', uptime_seconds: uptime(), trades_per_hour: 2.5,
      }),
      createMessage('alerts', {
        id: id('alert'), severity, category: 'risk', title: 'Exposure check', message: severity === 'info' ? 'Exposure within limits' : 'Exposure near its limit',
        bot_id: botId, platform, action_required: false, timestamp: now,
      }),
      createMessage('wallet', {
        event: 'deposit_confirmed', platform, asset: 'BTC', amount: 0.01, address: 'bc1qdemo0000000000000000000000000000000000', txid: randomBytes(16).toString('hex'), confirmations: 3, status: 'confirmed',
      }),
      createMessage('ai_tasks', {
        task_id: task.id, task_type: task.type, status: done ? 'completed' : 'running', progress: task.progress,
        result: done ? { checks_passed: 15, checks_failed: 0, issues: [] } : null, started_at: task.startedAt, completed_at: done ? now : null,
      }),
    ] as UserMessage[];
  };

  let stopped = false;
  const round = async (): Promise<void> => {
    const now = new Date().toISOString();
    const sends: Promise<unknown>[] = [];
    // Each message alone: one the server refuses (it throws when the message fails its schema) stops no other.
    const send = (type: string, publish: () => Promise<unknown>, user?: string) => {
      const failed = (error: unknown) => {
        if (!stopped) options.onError?.(error, type, ...(user === undefined ? [] : [user]));
      };
      const published = () => {
        if (!stopped) options.onPublished?.(type, ...(user === undefined ? [] : [user]));
      };
      try {
        sends.push(publish().then(published, failed));
      } catch (error) {
        failed(error);
      }
    };
    for (const user of users) {
      for (const message of userMessages(user)) send(message.type, () => server.publish(user, message), user);
      for (const [type, example] of userExamples) send(type, () => server.publish(user, stamped(example, now) as unknown as UserMessage), user);
    }
    for (const [type, example] of globalExamples) send(type, () => server.broadcast(stamped(example, now) as unknown as GlobalMessage));
    const whaleBtc = round2(50 + random() * 200);
    for (const message of [
      createMessage('whale', { coin: 'BTC', platform: pick(PLATFORMS), flow_type: pick(['inflow', 'outflow']), amount: whaleBtc, value_usd: Math.round((whaleBtc * price['BTC-ZAR']!) / ZAR_PER_USD), timestamp: now, signal: pick(['bullish', 'bearish', 'neutral']) }),
      createMessage('system_health', {
        status: 'healthy', uptime: uptime(), cpu_percent: round2(20 + random() * 40), memory_percent: round2(40 + random() * 30), disk_percent: 35,
        database: 'connected', redis: 'connected', exchange_connections: { luno: 'connected', binance: 'connected', kucoin: 'connected', kraken: 'connected', valr: 'connected' },
        last_trade: now, error_rate: round2(random() * 0.02),
      }),
    ] as GlobalMessage[]) send(message.type, () => server.broadcast(message));
    await Promise.all(sends);
  };

  const timer = setInterval(() => {
    round().catch((error: unknown) => {
      // Building a round's messages failed (a builder refused one): said, the next round tries again.
      if (!stopped) options.onError?.(error, 'round');
    });
  }, options.intervalMs ?? 1000);
  return {
    round,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
