/** Shared pieces of the server tests: tokens, a server on 127.0.0.1, and `ws` clients that record what they get. */
import { SignJWT, type JWTPayload } from 'jose';
import WebSocket from 'ws';
import { createMessage } from '../../src/runtime/builders.js';
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from '../../src/server/index.js';
import type { GlobalMessage, UserMessage } from '../../generated/types.js';

export const SECRET = 'test-secret-that-is-at-least-32-bytes-long';
const key = new TextEncoder().encode(SECRET);

/** An HS256 token for `sub` (expires in 1 h unless `exp` is given in the claims). */
export async function token(sub: string, claims: JWTPayload = {}, secret: Uint8Array = key): Promise<string> {
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
  if (claims.exp === undefined) jwt.setExpirationTime('1h');
  return jwt.sign(secret);
}

/** A server listening on 127.0.0.1 with the HS256 test secret; `url()` builds its WebSocket URL. */
export async function startServer(options: Partial<RealtimeServerOptions> = {}): Promise<{ rt: RealtimeServer; port: number; url: (query?: Record<string, string>) => string; http: (path: string) => string }> {
  const rt = createRealtimeServer({ jwt: { secret: SECRET }, ...options } as RealtimeServerOptions);
  await rt.listening;
  const port = rt.address()!.port;
  return {
    rt,
    port,
    url: (query = {}) => `ws://127.0.0.1:${port}/api/ws?${new URLSearchParams(query)}`,
    http: (path) => `http://127.0.0.1:${port}${path}`,
  };
}

export interface Frame {
  type: string;
  cursor?: string;
  data?: Record<string, unknown>;
  timestamp?: number;
  [key: string]: unknown;
}

/** How long `closed` waits for the socket to close before it rejects, in ms (vitest's own 60 s said neither which wait nor what came). */
export const CLOSE_WAIT_MS = 10_000;

/** A connected client that records every frame and answers pings unless told not to. */
export class Client {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private readonly closing: Promise<number>;
  private waiters: { test: () => boolean; resolve: () => void; reject: (error: Error) => void }[] = [];
  answerPings = true;

  constructor(readonly ws: WebSocket) {
    this.closing = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = String(reason);
        this.check();
        resolve(code);
      });
    });
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.counts.set(frame.type, (this.counts.get(frame.type) ?? 0) + 1);
      if (frame.cursor !== undefined && frame.type !== 'connection') this.stream.push(frame);
      if (frame.type === 'ping' && this.answerPings) ws.send(JSON.stringify({ type: 'pong', timestamp: frame.timestamp }));
      this.check();
    });
  }

  /** The close code, once the socket closes; rejects, saying what the socket got, if it is still open {@link CLOSE_WAIT_MS} after the call. */
  get closed(): Promise<number> {
    return this.closedWithin(CLOSE_WAIT_MS);
  }

  /** The close code, once the socket closes; rejects if it is still open `ms` after the call. */
  closedWithin(ms: number): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open ${ms} ms after waiting for its close began; ${this.got()}`)), ms);
    });
    return Promise.race([this.closing, deadline]).finally(() => clearTimeout(timer));
  }

  /** Frames of stream types (those with a cursor, but not `connection`). */
  readonly stream: Frame[] = [];

  /**
   * Resolves when `test()` holds (checked on every frame and on close); rejects after `ms`, or at once when the socket
   * closes with `test()` still false (nothing can make it true then), saying the close code and reason.
   */
  until(test: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    if (test()) return Promise.resolve();
    if (this.closeCode !== null) return Promise.reject(new Error(`waiting for ${what} on a socket already closed; ${this.got()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; ${this.got()}`));
      }, ms);
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(new Error(`${error.message} while waiting for ${what}; ${this.got()}`));
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** What the socket got, for an error: the frames' count and last type, and the close. */
  private got(): string {
    const last = this.frames.at(-1)?.type;
    const close = this.closeCode === null ? 'not closed' : `closed ${this.closeCode}${this.closeReason === '' ? '' : ` "${this.closeReason}"`}`;
    return `got ${this.frames.length} frames${last === undefined ? '' : ` (last ${last})`}, ${close}`;
  }

  private readonly counts = new Map<string, number>();
  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (w.test()) w.resolve();
      else if (this.closeCode !== null) w.reject(new Error('the socket closed'));
      else return true;
      return false;
    });
  }
}

/** Opens a socket; resolves with the client once open, or rejects with the HTTP status of a refused upgrade. */
export function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const client = new Client(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_request, response) => {
      const error = Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, headers: response.headers });
      response.resume();
      ws.terminate();
      reject(error);
    });
    ws.once('error', reject);
  });
}

/** The HTTP status of a refused upgrade (and its headers); throws if the upgrade succeeded. */
export async function refusedStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  try {
    const client = await connect(url, options);
    client.ws.terminate();
  } catch (error) {
    const { status, headers } = error as { status?: number; headers?: Record<string, unknown> };
    if (status !== undefined) return { status, headers: headers ?? {} };
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

const TS = '2026-01-14T16:30:00.000Z';
let tradeCounter = 0;

export function trade(id = `trade_${++tradeCounter}`, extra: Partial<Record<string, unknown>> = {}): UserMessage {
  return createMessage('trades', { id, bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001, price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: TS, ...extra } as never, { ts: TS });
}

export function balance(platform: 'luno' | 'binance' | 'kucoin' | 'kraken' | 'valr' | 'all', free: number): UserMessage {
  return createMessage('balances', { platform, balances: { ZAR: { free, locked: 0, total: free } }, total_value_zar: free }, { ts: TS });
}

export function bot(id: string, pnl: number): UserMessage {
  return createMessage(
    'bots',
    { id, name: 'BTC Scalper', platform: 'luno', symbol: 'BTC-ZAR', status: 'running', trading_mode: 'paper', risk_mode: 'conservative', capital: 5000, pnl, trades_count: 42, win_rate: 0.68, last_trade: TS },
    { ts: TS },
  );
}

export function alert(id: string): UserMessage {
  return createMessage('alerts', { id, severity: 'warning', category: 'risk', title: 'High Exposure Detected', message: 'Total exposure at 75%', bot_id: 'bot_abc', platform: 'luno', action_required: true, timestamp: TS }, { ts: TS });
}

export function whale(amount: number): GlobalMessage {
  return createMessage('whale', { coin: 'BTC', platform: 'binance', flow_type: 'inflow', amount, value_usd: 6500000, timestamp: TS, signal: 'bullish' }, { ts: TS });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `test()` holds, polling every 5 ms; rejects after `ms`. */
export async function eventually(test: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * The `err.message` of each `authenticate-failed` line a server logs when its `authenticate` hook throws each of
 * `messages` in turn, one refused poll (401) each: how the server's log shows a hook's error (its secrets redacted).
 */
export async function hookErrorsLogged(messages: readonly string[]): Promise<string[]> {
  const lines: Record<string, unknown>[] = [];
  const log = (o: object) => void lines.push(o as Record<string, unknown>);
  let n = 0;
  const server = await startServer({
    jwt: undefined,
    allowedOrigins: '*',
    authenticate: () => {
      throw new Error(messages[n++]);
    },
    logger: { info: log, warn: log, error: log },
  } as Partial<RealtimeServerOptions>);
  try {
    for (const _ of messages) if ((await fetch(server.http('/api/ws/poll?token=Op4queT0kenValue'))).status !== 401) throw new Error('a poll was not refused 401');
    return lines.filter((line) => line.event === 'authenticate-failed').map((line) => (line.err as { message: string }).message);
  } finally {
    await server.rt.close();
  }
}
