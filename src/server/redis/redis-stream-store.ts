import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { MessageType } from '../../../generated/types.js';
import { compareCursors, compareEntryIds, formatCursor, parseCursor, parseEntryId, type EntryId } from './cursor.js';
import { APPEND_SCRIPT, READ_SCRIPT } from './scripts.js';
import type { ReadResult, StreamEntry, StreamStore } from './stream-store-interface.js';

/** Where the store reports connection loss, recovery and gaps. Fields are plain JSON values. */
export interface StoreLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Why a node could not keep its live stream continuous (see {@link RedisStreamStore.onGap}). */
export interface StreamGap {
  /** `epoch`: Redis lost its data (restarted empty); `trimmed`: the entries this node missed
   *  while its subscription was down are no longer kept. */
  reason: 'epoch' | 'trimmed';
  /** Human-readable detail for logs. */
  detail: string;
}

/** Options of {@link createRedisStreamStore}. */
export interface RedisStreamStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). Either this or `client`. */
  url?: string;
  /** An ioredis client to send commands on; the store duplicates it for its subscription and
   *  does not quit it on close(). */
  client?: Redis;
  /** Prefix of every key and of the channel; nodes of one deployment share it. Default `rc`. */
  keyPrefix?: string;
  /** Entries kept per user stream and in the global stream (count bound). Default 1000. */
  maxMessages?: number;
  /** Entries kept in the all-stream: admin replay and a node's catch-up after a lost
   *  subscription. Default 100 000. */
  maxAllMessages?: number;
  /** Age bound of every stream in milliseconds (0: none). A cursor older than this, from which
   *  anything was appended since, reads as `gap`. Default 600 000 (10 minutes). */
  maxAgeMs?: number;
  /** Connection loss, recovery and gaps go here. Default: warnings and errors to the console. */
  logger?: StoreLogger;
  /** How long the first connection may take before start fails, in ms. Default 5000. */
  connectTimeoutMs?: number;
}

/** A {@link StreamStore} on Redis, plus what the server needs to react to gaps. */
export interface RedisStreamStore extends StreamStore {
  /**
   * Called when this node's live stream lost entries it can neither deliver nor replay: Redis
   * restarted empty (new epoch) or was away longer than the all-stream keeps. Every socket of the
   * node is affected (the global stream reaches everyone): the server closes them with 4410
   * StreamGap, so clients reconnect with `since` and read `resume: "gap"`. Returns an
   * unsubscribe function.
   */
  onGap(listener: (gap: StreamGap) => void): () => void;
  /** Orders two cursors of one epoch (negative: `a` first); throws RangeError otherwise. */
  compare(a: string, b: string): number;
  /** The keys and channel the store uses (for tests and operations). */
  readonly keys: StoreKeys;
}

interface StoreKeys {
  epoch: string;
  seq: string;
  head: string;
  global: string;
  all: string;
  channel: string;
  user(userId: string): string;
}

type AppendCommand = (...args: (string | number)[]) => Promise<string>;
type ReadCommand = (...args: (string | number)[]) => Promise<unknown[]>;
interface ScriptedRedis extends Redis {
  rcAppend: AppendCommand;
  rcRead: ReadCommand;
}

const consoleLogger: StoreLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[redis-stream-store] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[redis-stream-store] ${message}`, fields ?? ''),
};

/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`: never log or throw credentials. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis://<unparsable url>';
  }
}

/**
 * Creates a StreamStore on Redis (issue 12) and connects it. Layout under `keyPrefix`:
 * `:u:<userId>` one stream per user, `:g` the global stream, `:all` every entry (admins,
 * catch-up), `:seq` the shared sequence, `:head` the last id, `:epoch` the epoch, `:fanout` the
 * pub/sub channel. Append is one Lua script (assign id, XADD, trim, PUBLISH), so every node
 * receives entries in one order. Cursors are `<epoch>.<ms>-<seq>` (see cursor.ts).
 *
 * Connections: one for commands, one for the subscription (never shared).
 *
 * Failure behaviour:
 * - Redis unreachable at start → rejects with `Redis unreachable at <url without credentials>`.
 * - Redis lost while running → status() unhealthy, logger warning, appends reject at once (the
 *   caller knows the message was not stored); reconnects with backoff. On return the node
 *   replays from the all-stream what its subscription missed, in order, before live entries;
 *   when that is impossible (Redis restarted empty, or the all-stream no longer holds them) it
 *   calls the onGap listeners instead. Nothing is skipped silently.
 *
 * @throws Error when neither or both of `url` and `client` are given, or Redis is unreachable.
 */
export async function createRedisStreamStore(options: RedisStreamStoreOptions): Promise<RedisStreamStore> {
  if (!options.url === !options.client) throw new Error('createRedisStreamStore: give exactly one of url and client');
  const prefix = options.keyPrefix ?? 'rc';
  const maxMessages = options.maxMessages ?? 1000;
  const maxAllMessages = options.maxAllMessages ?? 100_000;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const logger = options.logger ?? consoleLogger;
  if (!(maxMessages >= 1) || !(maxAllMessages >= 1) || !(maxAgeMs >= 0)) {
    throw new RangeError('createRedisStreamStore: maxMessages and maxAllMessages must be ≥ 1, maxAgeMs ≥ 0');
  }
  const keys: StoreKeys = {
    epoch: `${prefix}:epoch`,
    seq: `${prefix}:seq`,
    head: `${prefix}:head`,
    global: `${prefix}:g`,
    all: `${prefix}:all`,
    channel: `${prefix}:fanout`,
    // The braces are a Redis Cluster hash tag: a user's stream lands on the slot of its user id.
    user: (userId) => `${prefix}:u:{${userId}}`,
  };

  let started = false;
  let closed = false;
  const connectionOptions: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // Fail fast while Redis is away: an append that cannot be stored rejects instead of waiting
    // in a queue, and an in-flight one is not resent (it could be stored twice).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    retryStrategy: (times) => (started && !closed ? Math.min(100 * times, 2000) : null),
  };
  const ownsClient = !options.client;
  const where = options.url
    ? redactRedisUrl(options.url)
    : `redis://${options.client!.options.host ?? '127.0.0.1'}:${options.client!.options.port ?? 6379}`;
  const cmd = (options.client ?? new Redis(options.url!, connectionOptions)) as ScriptedRedis;
  const sub = options.client ? options.client.duplicate(connectionOptions) : new Redis(options.url!, connectionOptions);
  cmd.defineCommand('rcAppend', { numberOfKeys: 5, lua: APPEND_SCRIPT });
  cmd.defineCommand('rcRead', { lua: READ_SCRIPT });

  const listeners = new Set<(entry: StreamEntry) => void>();
  const gapListeners = new Set<(gap: StreamGap) => void>();
  const placeholder = `~~${randomBytes(8).toString('hex')}~~`;
  const newEpoch = () => randomBytes(8).toString('hex');

  // Live state of this node's subscription: the epoch and last id delivered to listeners.
  let epoch: string | null = null;
  let last: EntryId | null = null;
  let syncing = false;
  const pending: string[] = [];
  let lostSince: number | null = null;
  let lastError = '';

  const report = (event: string) => (err: Error) => {
    lastError = err.message;
    if (started && !closed) logger.warn(`redis ${event} error`, { url: where, error: err.message });
  };
  cmd.on('error', report('command connection'));
  sub.on('error', report('subscriber connection'));
  const onDown = () => {
    if (!started || closed || lostSince !== null) return;
    lostSince = Date.now();
    logger.warn('redis connection lost; keeping local sockets, reconnecting', { url: where });
  };
  cmd.on('close', onDown);
  sub.on('close', onDown);
  cmd.on('ready', () => maybeRecovered());
  sub.on('ready', () => {
    if (!started || closed) return;
    void resubscribe();
  });
  sub.on('message', (_channel: string, raw: string) => {
    if (syncing || epoch === null) pending.push(raw);
    else handle(raw);
  });

  function maybeRecovered(): void {
    if (lostSince === null || cmd.status !== 'ready' || sub.status !== 'ready' || syncing) return;
    logger.info('redis connection recovered', { url: where, downMs: Date.now() - lostSince });
    lostSince = null;
  }

  async function resubscribe(): Promise<void> {
    try {
      await sub.subscribe(keys.channel);
    } catch (err) {
      report('subscribe')(err as Error);
      return; // the next 'ready' retries
    }
    await sync();
  }

  function emit(entry: StreamEntry): void {
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch (err) {
        logger.error('stream listener threw', { error: (err as Error).message });
      }
    }
  }

  function gap(reason: StreamGap['reason'], detail: string): void {
    logger.warn('live stream gap: affected sockets must resume', { url: where, reason, detail });
    for (const listener of gapListeners) {
      try {
        listener({ reason, detail });
      } catch (err) {
        logger.error('gap listener threw', { error: (err as Error).message });
      }
    }
  }

  /** Delivers one published entry in order, or starts a catch-up when entries are missing. */
  function handle(raw: string): void {
    const entry = decodePublished(raw);
    const pos = entry && parseCursor(entry.cursor);
    if (!entry || !pos) {
      logger.error('unreadable entry on the fan-out channel', { sample: raw.slice(0, 80) });
      return;
    }
    if (pos.epoch !== epoch) {
      // Redis lost its data and another node already appended in the new epoch.
      gap('epoch', `epoch ${epoch} → ${pos.epoch}`);
      epoch = pos.epoch;
      last = pos;
      emit(entry);
      return;
    }
    if (last && pos.seq <= last.seq) return; // already delivered by a catch-up
    if (last && pos.seq > last.seq + 1) {
      // A sequence number is missing: replay the hole from the all-stream before this one.
      pending.unshift(raw);
      void sync();
      return;
    }
    last = pos;
    emit(entry);
  }

  /**
   * Brings `last` up to the head: replays the all-stream after `last` to the listeners (or reports
   * a gap), then delivers what arrived live meanwhile. Retries while Redis is away.
   */
  async function sync(): Promise<void> {
    if (syncing) return;
    syncing = true;
    try {
      for (;;) {
        if (closed) return;
        try {
          await catchUp();
          break;
        } catch (err) {
          report('catch-up')(err as Error);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      syncing = false;
      while (pending.length > 0 && !syncing) handle(pending.shift()!);
      maybeRecovered();
    } finally {
      syncing = false;
    }
  }

  async function catchUp(): Promise<void> {
    const batch = 1000;
    for (;;) {
      const since = last ? `${last.ms}-${last.seq}` : '0-0';
      const reply = await cmd.rcRead(3, keys.epoch, keys.head, keys.all, newEpoch(), since, last ? batch : 0);
      const read = decodeRead(reply, 1);
      const head = parseEntryId(read.head)!;
      if (epoch === null || last === null) {
        epoch = read.epoch; // start: live from the head
        last = head;
        return;
      }
      if (read.epoch !== epoch) {
        gap('epoch', `epoch ${epoch} → ${read.epoch}: Redis lost its data`);
        epoch = read.epoch;
        last = head;
        return;
      }
      const stream = read.streams[0]!;
      if (compareEntryIds(parseEntryId(stream.deleted)!, last) > 0) {
        gap('trimmed', `entries after ${since} were trimmed from the all-stream before this node read them`);
        last = head;
        return;
      }
      for (const item of stream.entries) {
        const entry = decodeStored(item, read.epoch, undefined);
        last = parseEntryId(item[0])!;
        emit(entry);
      }
      if (stream.entries.length < batch) return;
    }
  }

  try {
    if (ownsClient) await cmd.connect();
    else if (cmd.status === 'wait') await cmd.connect();
    await sub.connect();
    started = true;
    await sub.subscribe(keys.channel);
    await sync();
  } catch (err) {
    closed = true;
    cmd.removeAllListeners('error');
    sub.disconnect();
    if (ownsClient) cmd.disconnect();
    throw new Error(`Redis unreachable at ${where}: ${lastError || (err as Error).message}`);
  }
  logger.info('redis stream store started', { url: where, epoch });

  async function readStreams(streams: string[], since: string, limit: number) {
    const reply = await cmd.rcRead(2 + streams.length, keys.epoch, keys.head, ...streams, newEpoch(), since, limit);
    return decodeRead(reply, streams.length);
  }

  const store: RedisStreamStore = {
    keys,

    async append(userId: string | null, type: MessageType, frame: (cursor: string) => string, key?: string | null): Promise<StreamEntry> {
      const parts = frame(placeholder).split(placeholder);
      const stream = userId === null ? keys.global : keys.user(userId);
      const userJson = JSON.stringify(userId);
      const keyJson = JSON.stringify(key ?? null);
      const ttl = userId === null ? 0 : maxAgeMs;
      const cursor = await cmd.rcAppend(keys.epoch, keys.seq, keys.head, stream, keys.all, newEpoch(), type, userJson, keyJson, maxMessages, maxAllMessages, maxAgeMs, keys.channel, ttl, ...parts);
      return { cursor, userId, type, frame: parts.join(cursor), key: key ?? null };
    },

    async read(viewer: { userId: string; admin: boolean }, since: string | null, limit: number): Promise<ReadResult> {
      const streams = viewer.admin ? [keys.all] : [keys.user(viewer.userId), keys.global];
      const pos = since === null ? null : parseCursor(since);
      if (pos === null) {
        const read = await readStreams([], '0-0', 0);
        return { resume: since === null ? 'new' : 'gap', cursor: formatCursor(read.epoch, read.head), entries: [] };
      }
      const read = await readStreams(streams, pos.id, Math.max(1, limit));
      const head = parseEntryId(read.head)!;
      const headCursor = formatCursor(read.epoch, read.head);
      const isGap =
        pos.epoch !== read.epoch ||
        compareEntryIds(pos, head) > 0 ||
        pos.seq > head.seq ||
        read.streams.some((s) => compareEntryIds(parseEntryId(s.deleted)!, pos) > 0) ||
        // The user's stream expired (no entry for maxAgeMs): what it held is unknown, older than
        // now - maxAgeMs; a cursor from before that, with anything appended since, may miss some.
        (!viewer.admin && !read.streams[0]!.exists && maxAgeMs > 0 && head.seq > pos.seq && pos.ms < read.nowMs - maxAgeMs);
      if (isGap) return { resume: 'gap', cursor: headCursor, entries: [] };
      const merged = read.streams
        .flatMap((s, i) => s.entries.map((item) => ({ id: parseEntryId(item[0])!, entry: decodeStored(item, read.epoch, viewer.admin ? undefined : i === 0 ? viewer.userId : null) })))
        .sort((a, b) => compareEntryIds(a.id, b.id));
      if (merged.length >= limit) {
        const entries = merged.slice(0, limit).map((m) => m.entry);
        return { resume: 'resumed', cursor: entries.length ? entries[entries.length - 1]!.cursor : since!, entries };
      }
      return { resume: 'resumed', cursor: headCursor, entries: merged.map((m) => m.entry) };
    },

    subscribe(listener: (entry: StreamEntry) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    onGap(listener: (gap: StreamGap) => void): () => void {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },

    compare: compareCursors,

    status() {
      const healthy = cmd.status === 'ready' && sub.status === 'ready' && lostSince === null && !closed;
      if (healthy) return { healthy, detail: `redis ${where} connected, epoch ${epoch}` };
      const since = lostSince === null ? '' : ` since ${new Date(lostSince).toISOString()}`;
      return { healthy, detail: `redis ${where} unavailable${since} (commands ${cmd.status}, subscriber ${sub.status})${lastError ? `: ${lastError}` : ''}` };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      listeners.clear();
      gapListeners.clear();
      await Promise.allSettled([quit(sub), ownsClient ? quit(cmd) : Promise.resolve()]);
    },
  };
  return store;
}

async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}

interface DecodedRead {
  epoch: string;
  head: string;
  nowMs: number;
  streams: { exists: boolean; deleted: string; entries: [string, string[]][] }[];
}

function decodeRead(reply: unknown[], streamCount: number): DecodedRead {
  const streams: DecodedRead['streams'] = [];
  for (let i = 0; i < streamCount; i++) {
    const base = 3 + i * 3;
    streams.push({ exists: reply[base] === 1, deleted: String(reply[base + 1]), entries: reply[base + 2] as [string, string[]][] });
  }
  return { epoch: String(reply[0]), head: String(reply[1]), nowMs: Number(reply[2]), streams };
}

/** A stream entry as XRANGE returns it → StreamEntry. `userId` undefined: read field `u`. */
function decodeStored(item: [string, string[]], epoch: string, userId: string | null | undefined): StreamEntry {
  const [id, flat] = item;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return {
    cursor: formatCursor(epoch, id),
    userId: userId === undefined ? (JSON.parse(fields.u ?? 'null') as string | null) : userId,
    type: fields.t as MessageType,
    frame: fields.f ?? '',
    key: JSON.parse(fields.k ?? 'null') as string | null,
  };
}

/** `cursor \n type \n userIdJson \n keyJson \n frame` (as the append script publishes it). */
function decodePublished(raw: string): StreamEntry | null {
  const a = raw.indexOf('\n');
  const b = raw.indexOf('\n', a + 1);
  const c = raw.indexOf('\n', b + 1);
  const d = raw.indexOf('\n', c + 1);
  if (a < 0 || b < 0 || c < 0 || d < 0) return null;
  try {
    return {
      cursor: raw.slice(0, a),
      type: raw.slice(a + 1, b) as MessageType,
      userId: JSON.parse(raw.slice(b + 1, c)) as string | null,
      key: JSON.parse(raw.slice(c + 1, d)) as string | null,
      frame: raw.slice(d + 1),
    };
  } catch {
    return null;
  }
}
