/**
 * Cursors of the Redis stream store: `<epoch>.<ms>-<seq>`, where `<ms>-<seq>` is the Redis
 * Streams entry id (ms: Redis TIME in milliseconds, never decreasing; seq: the store-wide
 * sequence, one INCR per append) and `<epoch>` is a random hex string created with SET NX, gone
 * when Redis loses its data. Clients treat cursors as opaque (PLAN.md "Cursor design").
 */

/** A parsed entry id: milliseconds of Redis TIME and the store-wide sequence number. */
export interface EntryId {
  ms: number;
  seq: number;
}

/** A parsed cursor. */
export interface ParsedCursor extends EntryId {
  epoch: string;
  /** The Redis Streams entry id, `<ms>-<seq>`. */
  id: string;
}

const CURSOR = /^([0-9a-f]{1,64})\.(\d{1,15})-(\d{1,15})$/;
const ENTRY_ID = /^(\d{1,15})-(\d{1,15})$/;

/** Parses `<epoch>.<ms>-<seq>`; returns null when the text is not such a cursor (→ `gap`). */
export function parseCursor(cursor: string): ParsedCursor | null {
  const m = CURSOR.exec(cursor);
  if (!m) return null;
  const ms = Number(m[2]);
  const seq = Number(m[3]);
  if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(seq)) return null;
  return { epoch: m[1]!, ms, seq, id: `${ms}-${seq}` };
}

/** Parses a Redis Streams entry id `<ms>-<seq>`; null when malformed. */
export function parseEntryId(id: string): EntryId | null {
  const m = ENTRY_ID.exec(id);
  if (!m) return null;
  return { ms: Number(m[1]), seq: Number(m[2]) };
}

/** Builds the cursor of entry `id` in `epoch`. */
export function formatCursor(epoch: string, id: string): string {
  return `${epoch}.${id}`;
}

/** Orders two entry ids: negative when `a` comes first, 0 when equal. */
export function compareEntryIds(a: EntryId, b: EntryId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

/**
 * Orders two cursors of this store: negative when `a` comes before `b`. Cursors of different
 * epochs, or malformed ones, are not comparable: throws a RangeError (a caller deciding on
 * replay vs live first checks the epoch).
 */
export function compareCursors(a: string, b: string): number {
  const pa = parseCursor(a);
  const pb = parseCursor(b);
  if (!pa || !pb || pa.epoch !== pb.epoch) throw new RangeError(`cursors ${a} and ${b} are not of one epoch`);
  return compareEntryIds(pa, pb);
}
