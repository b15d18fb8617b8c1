/**
 * The storage behind delivery: what the server appends when it publishes, what a resuming
 * socket or a poll reads, and the live feed every node fans out from. The in-memory store
 * (memory-store.ts) is the default; src/server/redis/ implements the same interface on Redis.
 *
 * Cursor design (Centrifugo-like; generated/docs/messages.md, "Delivery and resume"):
 * `<epoch>.<position>`. The epoch changes whenever the storage loses its history; positions
 * come from one sequence shared by every stream of a store, so a user's stream (their
 * messages plus global ones) is increasing, one frame serves every recipient, and replay
 * merges logs by position. A cursor of another epoch, older than what is kept, malformed or
 * ahead of the head reads as `gap`.
 *
 * Two more parts of the interface (small, for every implementation):
 * - `parseCursor` / `formatCursor` / `CURSOR_PATTERN` below: the one reading of a cursor the
 *   server needs to drop a live entry already sent by a replay (positions compared as numbers).
 *   It is the client's reading too (src/client/protocol.ts, `isAfter`): an epoch of digits only
 *   (`1705251000.6`, a decimal number to a client, which does not order it) is no cursor here
 *   either, so a store cannot make cursors the server orders and its clients do not.
 * - `onGap` (optional, added by the Redis store): live entries lost beyond replay → 4410.
 * - `onHealth` (optional, added by the Redis store): each change of `status().healthy`, as it
 *   happens, so `storeUnavailableGraceMs` times each outage from its start.
 */
import type { MessageType } from '../../generated/types.js';
import { preview } from '../runtime/errors.js';

/** A stored, already-serialized server→client message. */
export interface StreamEntry {
  /**
   * Opaque to clients, but not to the server: `formatCursor(epoch, position)`, which
   * {@link parseCursor} reads back, with positions from one increasing sequence across all the
   * store's streams (see {@link StreamStore.append}). A socket orders and deduplicates by the
   * position: an entry whose cursor the server cannot read is a store fault, never sent on a
   * socket (`stats().storeFaults`, logged as `store-cursor-unreadable`).
   */
  cursor: string;
  /** null: audience global. */
  userId: string | null;
  /** The message's `type`, as in `frame`. */
  type: MessageType;
  /** The JSON text sent on the wire, cursor included. */
  frame: string;
  /** Delivery state key value when the type's class is state (for conflation); undefined/null for events. */
  key?: string | null;
}

/**
 * What a reader missed: `resume` says whether `entries` continue `since` without a gap. A
 * `gap` for a cursor older than what is kept still gives what is held for the reader after the
 * last position any of its streams lost (the user's own messages among them: a dashboard cannot
 * refetch its trades), so the gap a reader is told ends at or after every loss. A `gap` for a
 * cursor of another epoch (the store restarted or lost its history) still gives what the store
 * holds since its epoch began, when none of it is evicted: all of it is new to that reader (a
 * dashboard reconnecting after a restart loses nothing published since).
 */
export interface ReadResult {
  /** `new` (no `since`), `resumed` (nothing lost after `since`) or `gap` (some of it is gone, or the cursor is unusable): the `resume` of the connection message or poll. */
  resume: 'new' | 'resumed' | 'gap';
  /** Where the reader continues from: the last entry's cursor, else `since` (resumed; a store may give a later position it knows holds nothing for the reader, as the Redis store gives its head) or the head (new, gap). */
  cursor: string;
  /** The entries for the viewer after `since`, in cursor order: at most `limit`, and within `maxBytes` past the first. */
  entries: StreamEntry[];
  /**
   * Whether entries may follow this page: the read stopped at `limit` or `maxBytes`. Optional
   * for stores written before it: a resuming socket's replay then reads on from the page's `cursor`
   * after every page that holds entries, until a page comes back empty (one read more per
   * resume, whatever the page's size: give `more` to spare it).
   */
  more?: boolean;
}

/** Who reads: a user sees their entries and global ones; an admin sees every entry. */
export interface StreamViewer {
  /** The user whose stream is read: the connection's `Principal.userId`. */
  userId: string;
  /** The connection's `Principal.admin`: an admin reads every user's entries, not only `userId`'s. */
  admin: boolean;
}

/**
 * Where a server keeps its streams: what `publish`/`broadcast` append, what a resuming socket or
 * a poll reads, and the live feed every socket is fed from. Pass one as the server's `store`
 * option: `MemoryStreamStore` (one process), `createRedisStreamStore` (several nodes), or a
 * store of your own implementing these methods (cursors from {@link formatCursor}; see
 * {@link StreamStore.append} for what the server relies on). The server never closes a store
 * passed in: `server.close()` closes only the `MemoryStreamStore` it made when `store` was not
 * given, so one store may outlive a server (close it yourself after `server.close()`).
 */
export interface StreamStore {
  /**
   * Assigns the next cursor, builds the frame with `frame(cursor)`, stores it, and fans it out
   * to every subscriber (on every node) in append order.
   *
   * The cursor must be `formatCursor(epoch, position)`: `epoch` new whenever the store loses
   * its entries (never one a store before it used, unless it holds that store's entries), and
   * `position` from ONE sequence shared by every stream of the store (users' and global),
   * increasing with every append. The server reads the position to order a socket's replay and
   * live feed and to drop what the replay already sent: a cursor it cannot read (an opaque id,
   * valid as the protocol's CURSOR_PATTERN though it is) is never sent on a socket, and a
   * position numbered per stream is taken, on an admin's socket (every user's stream) and for
   * global entries, for one already sent, so those messages are lost. Both are store faults,
   * counted in `stats().storeFaults` and logged (`store-cursor-unreadable`,
   * `store-cursor-not-increasing`).
   */
  append(userId: string | null, type: MessageType, frame: (cursor: string) => string, key?: string | null): Promise<StreamEntry>;
  /**
   * What a connection of `userId` (admin: every user) missed after `since` (null: none, → 'new'
   * with the head cursor): the user's entries plus global ones, in cursor order, at most `limit`
   * entries and, past the first entry, at most `maxBytes` bytes of frames (UTF-8; default no
   * byte bound), so a page of large messages stays small in memory.
   *
   * `resume` (README, "The server", "Delivery"):
   * - `resumed` when none of what the viewer's streams held after `since` is gone;
   * - `gap` when some of it is gone (evicted or trimmed: more broadcasts since than the global
   *   stream keeps, say), followed by what is still held for the viewer after the last
   *   position any of the viewer's streams lost (not after `since`: the server tells the gap
   *   ending just before the page's first entry, and an entry of one stream from before another
   *   stream's loss ends cannot follow that, so it lies inside the gap, unsent: tGX F2), paged the
   *   same, `cursor` the page's last entry's (the head when none). The read from its cursor
   *   continues `resumed`, unless more was lost meanwhile;
   * - `gap` with no entries, from the head, for a malformed cursor or one ahead of the head; a
   *   cursor of another epoch gets what the store holds since that epoch began, when none of it
   *   is gone (see {@link ReadResult}); so does one of an all-digit epoch, which `formatCursor`
   *   made before it refused them and a client may still hold ({@link isAllDigitEpochCursor}).
   *
   * `signal` (optional, for a store whose reads wait their turn, as the Redis store's page reads
   * do): aborted when the reader is gone (its poll's client left, its socket closed). A store may
   * then drop a read it has not sent yet and reject with an error named `AbortError`; the server
   * answers nothing for it. A store may ignore it (the memory store answers at once).
   */
  read(viewer: StreamViewer, since: string | null, limit: number, maxBytes?: number, signal?: AbortSignal): Promise<ReadResult>;
  /** Live entries appended on any node, in append order. Returns an unsubscribe function. */
  subscribe(listener: (entry: StreamEntry) => void): () => void;
  /** Optional: called when live entries were lost and cannot be replayed to this process's
   *  subscribers (the Redis store after Redis restarted empty, or a subscription down longer
   *  than its all-stream keeps). The server closes every socket with 4410 StreamGap; clients
   *  reconnect with `since` and read `gap` or resume. Returns an unsubscribe function. */
  onGap?(listener: (gap: { reason: string; detail: string }) => void): () => void;
  /**
   * Optional: tells `listener` each change of `status().healthy` as it happens (false: the store
   * went unhealthy; true: healthy again), never the same value twice in a row. The server times
   * `storeUnavailableGraceMs` by it: an outage from the moment it began, and one healthy again in
   * between, however briefly, starts afresh. A store without it is looked at every second while a
   * socket is open (see `status()`), and a healthy stretch that falls between two looks is not
   * seen: short outages of a flapping store add up to one. Returns an unsubscribe function.
   */
  onHealth?(listener: (healthy: boolean) => void): () => void;
  /**
   * Health for stats(): e.g. { healthy: true } ; errors go to the logger. Unhealthy, the server
   * refuses upgrades and polls with 503 `store-unavailable`, and closes the sockets open once it
   * has stayed so `storeUnavailableGraceMs` (1013, `store-unavailable-close`); one that throws
   * (or returns no object) reads as unhealthy, logged as `store-status-threw`. Looked at
   * often (up to every second while a poll is held or a socket open): it must answer at once, from
   * what the store knows, without a round trip.
   */
  status(): { healthy: boolean; detail?: string };
  /**
   * Releases what the store holds open (the Redis store's connections; the memory store drops its
   * listeners). After it, `status()` reads unhealthy. Called by the server only on the store it
   * made itself; a store you passed as `store` is yours to close, after `server.close()`.
   */
  close(): Promise<void>;
}

/**
 * How many of `entries` (in order) make a page of at most `maxBytes` bytes of frames (UTF-8):
 * always at least one when there is one, so a frame larger than the bound still goes, alone.
 */
export function pageLength(entries: readonly { frame: string }[], maxBytes: number): number {
  if (!(maxBytes < Infinity)) return entries.length;
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += Buffer.byteLength(entries[i]!.frame);
    if (bytes > maxBytes && i > 0) return i;
  }
  return entries.length;
}

/** A cursor as the protocol allows it: 1–128 of `[0-9A-Za-z._~-]`. */
export const CURSOR_PATTERN = /^[0-9A-Za-z._~-]{1,128}$/;

/**
 * `<epoch>.<position>` with a decimal position, or null when `cursor` is not one: not a string
 * (`undefined` from an absent query parameter included), not of {@link CURSOR_PATTERN}, without
 * exactly one dot, with an epoch of digits only (`1705251000.6`: the client reads that as a
 * decimal number and does not order it, so neither does the server), or with a position that is
 * not a safe integer written without leading zeros.
 */
export function parseCursor(cursor: unknown): { epoch: string; position: number } | null {
  // `CURSOR_PATTERN.test(undefined)` reads the text "undefined", which matches: then `indexOf` threw.
  if (typeof cursor !== 'string' || !CURSOR_PATTERN.test(cursor)) return null;
  const dot = cursor.indexOf('.');
  // One dot: an epoch never has one, so `<epoch>.5.1` is malformed, not a cursor of epoch "<epoch>.5".
  if (dot <= 0 || cursor.indexOf('.', dot + 1) !== -1) return null;
  const digits = cursor.slice(dot + 1);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(digits)) return null;
  const position = Number(digits);
  const epoch = cursor.slice(0, dot);
  return Number.isSafeInteger(position) && !ALL_DIGITS.test(epoch) ? { epoch, position } : null;
}

/**
 * Whether `cursor` is `<digits>.<position>`, a cursor {@link parseCursor} no longer reads but
 * `formatCursor` made until it refused an all-digit epoch, so clients may still hold one: a
 * store reads it as a cursor of another epoch (`gap`, then what it holds), never as an
 * unreadable one (`gap` from its head, empty: a kept `1705251000.6` lost what was published
 * since after a restart on the in-memory store, while the Redis store replayed it: tCD F5).
 * Internal to the stores (not exported from the package).
 */
export function isAllDigitEpochCursor(cursor: string): boolean {
  const dot = cursor.indexOf('.');
  return dot > 0 && CURSOR_PATTERN.test(cursor) && ALL_DIGITS.test(cursor.slice(0, dot)) && /^(0|[1-9][0-9]{0,15})$/.test(cursor.slice(dot + 1)) && Number.isSafeInteger(Number(cursor.slice(dot + 1)));
}

/**
 * An epoch as {@link formatCursor} takes it: the cursor alphabet but the dot. Its length is the
 * cursor's check (a RangeError, as documented): a 127-character epoch was a TypeError "1-126",
 * where a 126-character one with a long position was the RangeError (tAP F9).
 */
const EPOCH_PATTERN = /^[0-9A-Za-z_~-]+$/;
/** An epoch the client cannot order (src/client/protocol.ts's `CURSOR` wants one character besides digits and dots): refused by {@link formatCursor}, not read by {@link parseCursor}. */
const ALL_DIGITS = /^[0-9]+$/;
/** The last epoch {@link formatCursor} found good (a store gives the same one on every append, checked once); at first nothing anyone can pass. */
let checkedEpoch: string | symbol = Symbol('no epoch checked yet');

/**
 * The cursor of `position` in `epoch`: `<epoch>.<position>`, which {@link parseCursor} reads
 * back. For a store of your own; called once per append, so it checks only what it must (an
 * epoch once, while the same is given again).
 * @param epoch 1 or more of `[0-9A-Za-z_~-]` (no dot: the dot ends the epoch), not all digits
 *   (clients read `1705251000.6` as a decimal number and do not order it: write a time stamp
 *   with a letter before it, `e1705251000`), at most 126 with position 0 (the cursor's length
 *   bounds it)
 * @param position an integer from 0 to `Number.MAX_SAFE_INTEGER`, written in decimal
 * @throws TypeError when `epoch` is not such a string, or `position` not a number
 * @throws RangeError when `epoch` is all digits, when `position` is not a safe integer ≥ 0
 *   (1.5, -1, NaN), or when the cursor would be longer than the 128 characters the protocol
 *   allows (an epoch too long included, whatever the position)
 */
export function formatCursor(epoch: string, position: number): string {
  // A cursor built from anything else was one the contract refuses (`a b.1`), or one parseCursor
  // reads otherwise (`a.b.1`, `abc.1.5`), silently (a fresh user).
  if (epoch !== checkedEpoch) {
    if (typeof epoch !== 'string' || !EPOCH_PATTERN.test(epoch)) {
      throw new TypeError(`formatCursor(epoch, position): epoch must be 1 or more of [0-9A-Za-z_~-] (no dot), got ${preview(epoch)}`);
    }
    if (ALL_DIGITS.test(epoch)) {
      throw new RangeError(`formatCursor(epoch, position): epoch must not be all digits: clients read <digits>.<n> as a decimal number and do not order it; put a letter in it (a time stamp as "e1705251000"), got ${preview(epoch)}`);
    }
    checkedEpoch = epoch;
  }
  if (!(Number.isSafeInteger(position) && position >= 0)) {
    throw new (typeof position === 'number' ? RangeError : TypeError)(`formatCursor(epoch, position): position must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got ${preview(position)}`);
  }
  const cursor = `${epoch}.${position}`;
  if (cursor.length > 128) throw new RangeError(`formatCursor(epoch, position): a cursor is at most 128 characters, got ${cursor.length} (an epoch of ${epoch.length})`);
  return cursor;
}
