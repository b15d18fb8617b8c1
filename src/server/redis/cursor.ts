/**
 * Cursors of the Redis stream store follow the server's `<epoch>.<position>` (src/server/
 * stream-store.ts, "Cursor design"):
 * - `<epoch>`: 16 hex digits, the first a letter (so clients order its cursors), created with
 *   SET NX, gone when Redis loses its data;
 * - `<position>`: a decimal integer from one sequence shared by every stream of the store:
 *   max(Redis TIME in microseconds, previous position + 1). It increases on every append and
 *   also says when the entry was appended (position / 1000 ≈ Redis time in ms), which is what the
 *   age bound needs.
 * In Redis the entry id is `<position>-<seq>`, seq being a dense counter (one INCR per append)
 * that lets a node notice a missing entry on the fan-out channel.
 */

/** A parsed cursor. */
export interface ParsedCursor {
  epoch: string;
  position: number;
}

/** A parsed Redis Streams entry id of this store: `<position>-<seq>`. */
export interface EntryId {
  position: number;
  seq: number;
}

const CURSOR = /^([0-9a-f]{1,64})\.(0|[1-9][0-9]{0,15})$/;
const ENTRY_ID = /^(\d{1,20})-(\d{1,20})$/;

/**
 * Parses `<epoch>.<position>` of this store (epoch `[0-9a-f]{1,64}`); null when the text is not
 * a cursor of this store (→ `gap`). Narrower than stream-store.ts's public `parseCursor`, which
 * reads any store's cursors (`a-b.5`): hence another name.
 */
export function parseRedisCursor(cursor: string): ParsedCursor | null {
  const m = CURSOR.exec(cursor);
  if (!m) return null;
  const position = Number(m[2]);
  return Number.isSafeInteger(position) ? { epoch: m[1]!, position } : null;
}

/** Parses a Redis Streams entry id `<position>-<seq>`; null when malformed. */
export function parseEntryId(id: string): EntryId | null {
  const m = ENTRY_ID.exec(id);
  if (!m) return null;
  return { position: Number(m[1]), seq: Number(m[2]) };
}

/**
 * Builds the cursor of `position` in `epoch`, both as this store keeps them (an epoch it made, a
 * position read from Redis), unchecked: what the public `formatCursor` checks holds for them.
 */
export function formatRedisCursor(epoch: string, position: number | string): string {
  return `${epoch}.${position}`;
}

/**
 * Orders two cursors of this store: negative when `a` comes before `b`, 0 when equal.
 * @throws RangeError when either is malformed or they are of different epochs (not comparable).
 */
export function compareRedisCursors(a: string, b: string): number {
  const pa = parseRedisCursor(a);
  const pb = parseRedisCursor(b);
  if (!pa || !pb || pa.epoch !== pb.epoch) throw new RangeError(`cursors ${a} and ${b} are not of one epoch`);
  return pa.position - pb.position;
}
