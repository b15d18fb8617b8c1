import { randomBytes } from 'node:crypto';
import * as v8 from 'node:v8';
import { isMainThread, resourceLimits as workerLimits } from 'node:worker_threads';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import type { MessageType } from '../../generated/types.js';
import { optionChecks, shownFound } from '../shared/options.js';
import { formatCursor, isAllDigitEpochCursor, parseCursor, type ReadResult, type StreamEntry, type StreamStore, type StreamViewer } from './stream-store.js';

/** Options of {@link MemoryStreamStore}, each checked by its constructor. */
export interface MemoryStreamStoreOptions {
  /** Entries kept per user stream and in the global stream: an integer ≥ 1. Default 1 000. The Redis store's `maxMessages`. */
  maxEntriesPerStream?: number | undefined;
  /** Entries kept in all (the admins' log, which bounds memory): an integer ≥ 1. Default 100 000. The Redis store's `maxAllMessages`. */
  maxEntries?: number | undefined;
  /**
   * Bytes of heap the held entries may take, oldest evicted first: what bounds memory. An
   * integer ≥ 1 (the newest entry stays whatever its size). Each entry counts its frame as V8
   * keeps it (1 byte a character; 2 for every character when the frame holds one past U+00FF,
   * an emoji or a Cyrillic name; a frame V8 made in two though every character fits in one is
   * kept as a one-byte copy), its state key's (`append`'s `key`) likewise, plus 512 B for the
   * entry itself, its cursor, its user's log and the slots in the logs (a 300-byte frame counts
   * about 800 B); a user with entries counts their id's characters once; what is kept of a user
   * whose entries are all evicted (to tell their old cursor `gap`) counts 128 B and the user id,
   * at most a quarter of `maxBytes`. The store keeps its own copy of a key, of a user id and
   * of a type, never the larger string one was cut from. The heap holds about `maxBytes` for them
   * (measured, Node 20: 0.5 to 1.05 times, with short or 256-character user ids, one user per
   * message or 1 000). Default 256 MiB, or half of what the heap's old space leaves past a
   * semi-space of young generation when that is less (see {@link defaultMaxBytes}, which reads
   * `--max-old-space-size` and `--max-semi-space-size`, in a worker its `resourceLimits`, and
   * checks them against V8's heap limit: `--max-old-space-size=128`: 56 MiB; 48: 16 MiB; 32:
   * 8 MiB; 24: 4 MiB; 16: 2 MiB; when they do not give the limit, as in a worker made with
   * `execArgv: []` in a process given the flags, the default of the smallest old space the limit
   * may hold, 8 MiB for a limit of 256 MiB), so give a larger one only with a heap to match.
   */
  maxBytes?: number | undefined;
  /** How long an entry is kept, in milliseconds: an integer ≥ 0, 0 for no age bound (as the Redis store reads it: one `maxAgeMs` means the same in both, and a fraction is a RangeError in both, PEXPIRE taking whole milliseconds only). Default 300 000 (5 min). */
  maxAgeMs?: number | undefined;
  /**
   * The cursor epoch: 1-40 of `[0-9A-Za-z_~-]`, not all digits; default new per store (time and
   * random), so a restarted process reads old cursors as gaps. Leave it out outside tests: never
   * reuse an epoch of a store whose entries this one does not hold (a fixed one from config, a
   * restarted process). This store numbers positions from 1 again, so an old `<epoch>.283` reads
   * as `resumed` once it has passed 283, and what it published up to there is lost with no `gap`
   * (the reference, generated/docs/messages.md, "Delivery and resume"; README, "The server").
   * @throws TypeError otherwise
   */
  epoch?: string | undefined;
  /** Clock in milliseconds (tests). Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * What an entry of {@link MemoryStreamStore} counts against `maxBytes` besides its frame, in
 * bytes: the entry object, its cursor, the slots of the logs holding it and, when it is a user's
 * only one, that user's log. Measured (Node 20, 64-bit): about 240 B an entry when users have
 * many, 490 B when each entry is another user's (ids of 11 characters).
 */
const ENTRY_OVERHEAD_BYTES = 512;

/** A semi-space of the young generation when `--max-semi-space-size` is not given (Node 20 on 64-bit): the young generation takes 3 of them on top of the old space in the heap limit. */
const SEMI_SPACE_BYTES = 16 * 1024 * 1024;

const MEBIBYTE = 1024 * 1024;

/**
 * The arguments of NODE_OPTIONS as Node splits them: at spaces outside double quotes, the quotes
 * dropped and a backslash inside them taking the next character as it is
 * (`"--max-old-space-size=64" --max-semi-space-size="64"` is two flags of 64).
 */
function nodeOptionsArgs(options: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let i = 0; i < options.length; i++) {
    let c = options[i]!;
    if (c === '\\' && quoted && i + 1 < options.length) c = options[++i]!;
    else if (c === '"') {
      quoted = !quoted;
      current ??= '';
      continue;
    } else if (/\s/.test(c) && !quoted) {
      if (current !== undefined) args.push(current);
      current = undefined;
      continue;
    }
    current = (current ?? '') + c;
  }
  if (current !== undefined) args.push(current);
  return args;
}

/** The V8 flags that size the heap, each the last one given, in MiB (0 is V8's "not given": undefined); `unread` when one of them (or `--max-heap-size`, which does not say the split) is spelt in a way not read. */
interface HeapFlags {
  old?: number;
  semi?: number;
  unread: boolean;
}

/**
 * The heap's V8 flags this process (or worker) was started with, in NODE_OPTIONS and then on
 * its command line (`process.execArgv`), which comes after and wins, as Node reads them; the
 * last one of a name wins, as V8 takes them. Spelt as V8 takes them: one dash or two, `-` or
 * `_` between words, a value of decimal digits after `=`, with a `+` before them or not
 * (`-max_old_space_size=+64`). A value of 0 is V8's "not given".
 */
function heapFlags(): HeapFlags {
  const flags: HeapFlags = { unread: false };
  const read = /^--?max[-_](old|semi)[-_]space[-_]size=\+?(\d+)$/;
  const mentions = /max[-_]?(old|semi)[-_]?space|max[-_]?heap[-_]?size/i;
  for (const arg of [...nodeOptionsArgs(process.env.NODE_OPTIONS ?? ''), ...process.execArgv]) {
    const match = read.exec(arg);
    if (match) {
      const value = Number(match[2]);
      if (match[1] === 'old') flags.old = value > 0 ? value : undefined;
      else flags.semi = value > 0 ? value : undefined;
    } else if (mentions.test(arg)) flags.unread = true;
  }
  return flags;
}

/** A semi-space of `bytes` as V8 sizes it, in bytes: rounded up to a power of two, 1 MiB at least. */
function semiSpace(bytes: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(bytes, MEBIBYTE)));
}

/**
 * The default `maxBytes` of {@link MemoryStreamStore}, in bytes: 256 MiB, or half of what the
 * old space leaves when that is less: the old space, less the semi-space a scavenge may move
 * into it at once (but at least a quarter of the old space is kept), halved
 * (`--max-old-space-size=16`: 2 MiB; 24: 4 MiB; 32: 8 MiB; 48: 16 MiB; 64: 24 MiB; 128: 56 MiB;
 * 528 or more: 256 MiB). V8's heap limit (`v8.getHeapStatistics().heap_size_limit`) counts the
 * old space and 3 semi-spaces of young generation. The old space is `--max-old-space-size` and
 * the semi-space `--max-semi-space-size` (V8 rounds it up to a power of two: 24 is 32 MiB),
 * read from NODE_OPTIONS and the command line as Node and V8 take them (see heapFlags); in a
 * worker thread, one not given is read from the worker's `resourceLimits`
 * (`maxOldGenerationSizeMb`; `maxYoungGenerationSizeMb`, which holds 3 semi-spaces). One still
 * unknown is what the limit leaves past the other; with neither (the main thread, no heap flag),
 * the semi-space is Node's default, 16 MiB at most, and the old space the limit less 48 MiB (or
 * half a limit of 48 MiB or less).
 *
 * What was read must give the heap limit: both within 1 MiB, or, with only the old space known,
 * the limit must leave 3 semi-spaces of a power of two past it. When it does not (a flag given where this thread does not see it,
 * which V8 still applies to every heap of the process: a worker made with `execArgv: []` or
 * `env: {}` in a process started with the flags), or a heap flag is spelt in a way not read
 * (`--max-semi-space-size= 64`, `--max-heap-size`), the default is the one of the smallest old
 * space the limit may hold: past the largest power-of-two semi-space whose 3 fit in it (a limit
 * of 256 MiB: a 64 MiB old space and semi-space, 8 MiB), which is no more than the default of
 * any split of that limit, so safe whatever the split (tDN F1, F2: such a process or worker got
 * 96 MiB in a 64 MiB old space and died of OOM). Give `maxBytes` to keep more there.
 *
 * The store counts what its entries take in the heap (frames as V8 keeps them, 512 B an entry),
 * so the other half is left to the rest of the process. Where V8's statistics are not to be
 * had, 256 MiB.
 */
export function defaultMaxBytes(): number {
  const cap = 256 * MEBIBYTE;
  try {
    const limit = v8.getHeapStatistics().heap_size_limit;
    if (!(Number.isFinite(limit) && limit > 0)) return cap;
    const flags = heapFlags();
    const worker = isMainThread ? undefined : workerLimits;
    const oldGiven = flags.old ?? (worker?.maxOldGenerationSizeMb !== undefined && worker.maxOldGenerationSizeMb > 0 ? worker.maxOldGenerationSizeMb : undefined);
    const semiGiven = flags.semi !== undefined ? semiSpace(flags.semi * MEBIBYTE) : worker?.maxYoungGenerationSizeMb !== undefined && worker.maxYoungGenerationSizeMb > 0 ? semiSpace((worker.maxYoungGenerationSizeMb * MEBIBYTE) / 3) : undefined;
    const old = oldGiven === undefined ? undefined : oldGiven * MEBIBYTE;
    // The split, when what was read gives the limit.
    let split: { oldSpace: number; semi: number } | undefined;
    if (flags.unread) split = undefined;
    else if (old !== undefined && semiGiven !== undefined) split = Math.abs(old + 3 * semiGiven - limit) < MEBIBYTE ? { oldSpace: old, semi: semiGiven } : undefined;
    else if (old !== undefined) {
      const semi = (limit - old) / 3;
      split = semi >= MEBIBYTE / 4 && Math.abs(semiSpace(semi) - semi) < MEBIBYTE / 4 ? { oldSpace: old, semi } : undefined;
    } else if (semiGiven !== undefined) split = limit - 3 * semiGiven > 0 ? { oldSpace: limit - 3 * semiGiven, semi: semiGiven } : undefined;
    else {
      // Node 20 gives a limit of the old space and 48 MiB for every --max-old-space-size, 16 (64 MiB) as
      // 128 (176) (measured for 8 to 256), and no default semi-space is larger. Before, the young generation was
      // taken off only above 96 MiB, and the store alone died of OOM at 16 (tDB F2). A limit of 48 MiB or less
      // is not one the flags give: half of it.
      split = { oldSpace: limit > 3 * SEMI_SPACE_BYTES ? limit - 3 * SEMI_SPACE_BYTES : limit / 2, semi: SEMI_SPACE_BYTES };
    }
    if (split === undefined) {
      // Whatever the split: the smaller the old space, the less the default, so the largest semi-space the limit holds.
      let semi = MEBIBYTE;
      while (3 * semi * 2 < limit) semi *= 2;
      split = { oldSpace: limit - 3 * semi, semi };
    }
    // A scavenge moves up to a semi-space into the old space, and gives up (OOM) when that much
    // is not free; a small old space keeps a quarter of itself (16: 2 MiB).
    const usable = Math.max(split.oldSpace / 4, split.oldSpace - split.semi);
    return Math.max(1, Math.min(cap, Math.floor(usable / 2)));
  } catch {
    return cap;
  }
}

/**
 * What a floor kept for a user whose log was dropped (MemoryStreamStore's droppedFloors) counts
 * against `maxBytes` besides the user id's characters, in bytes: its slot in the map and the id's
 * string header. Measured (Node 20, 64-bit): about 80 B.
 */
const FLOOR_OVERHEAD_BYTES = 128;

/** What the floor of `userId` counts against `maxBytes`. */
function floorHeld(userId: string): number {
  return stringBytes(userId) + FLOOR_OVERHEAD_BYTES;
}

/** Whether `text` holds a character past U+00FF: then V8 keeps it in two bytes a character, else it may keep it in one. */
function pastLatin1(text: string): boolean {
  return /[^\u0000-\u00ff]/.test(text);
}

/** A string's characters as the store keeps them ({@link oneByte}): 1 byte each, or 2 for every one when it holds one past U+00FF. */
function stringBytes(text: string): number {
  return (pastLatin1(text) ? 2 : 1) * text.length;
}

/** Node 22.15 and later: whether V8 keeps a string in one byte a character. Node 20 has none. */
const isOneByte = (v8 as { isStringOneByteRepresentation?: (text: string) => boolean }).isStringOneByteRepresentation;

/** What {@link copyOf} copies through rather than allocating a Buffer each time: 64 KiB, made when first needed. */
let scratch: Buffer | undefined;
const SCRATCH_BYTES = 64 * 1024;

/** A new flat string of `text`'s characters: in one byte a character with `latin1` (every one must be U+00FF or below), two with `utf16le`. */
function copyOf(text: string, encoding: 'latin1' | 'utf16le'): string {
  const size = encoding === 'latin1' ? text.length : 2 * text.length;
  if (size > SCRATCH_BYTES) return Buffer.from(text, encoding).toString(encoding);
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  return scratch.toString(encoding, 0, scratch.write(text, 0, size, encoding));
}

/**
 * `frame` as the store keeps it: in one byte a character when every character fits in one.
 * V8 decides by how a string was made, not by what it holds: a string cut from a two-byte one
 * (`split`, `slice`, `trim` of a text holding an em dash, a curly quote, an emoji) stays
 * two-byte, and JSON.stringify of a message holding one writes a two-byte frame, though all
 * its characters are ASCII. Such a frame took 2 bytes a character and was counted 1: the heap
 * held 1.8 times `maxBytes`, and a 16 MiB heap died of OOM (tDF F2). So a frame of such
 * characters is copied into a one-byte string (where Node says it is one already, 22.15 on,
 * it is kept as is): about 0.2 µs for 300 B, 1 µs for 4 KB (Node 20, measured), less than
 * the UTF-8 copy the server sends. A frame holding a character past U+00FF is kept as given
 * (two bytes a character whatever V8 does). The frame holds its cursor, so it is a string made
 * for the entry, not a slice of a larger one.
 */
function oneByte(frame: string): string {
  if (pastLatin1(frame) || isOneByte?.(frame) === true) return frame;
  return copyOf(frame, 'latin1');
}

/**
 * A copy of `text` (a state key, a user id) that holds nothing else: a string the caller cut
 * from a larger one (`line.split(',')[0]`, `slice`, a regex capture) is a V8 slice that keeps
 * its whole parent alive (the CSV line, the batch a feed handed over), and the store kept it as
 * long as the entry or the user, counted as its few characters or not at all: 48 and 128 MiB
 * heaps died of OOM (tDF F3). One byte a character when every one fits in one, as
 * {@link oneByte}. About 0.1 µs for a 36-character id (Node 20, measured); a user id is copied
 * once, when the store first keeps that user, a key for each entry.
 */
function ownCopy(text: string): string {
  return text === '' ? text : copyOf(text, pastLatin1(text) ? 'utf16le' : 'latin1');
}

/** The contract's message type names, each its own string: what an entry keeps as its `type`. */
const TYPE_NAMES: ReadonlyMap<string, MessageType> = new Map(MESSAGE_TYPES.map((type) => [type, type]));

/**
 * The store's own string for the message type `type`: the contract's name, or a copy of one it
 * does not know. The caller's may be cut from a larger text (`line.split(',')[0]`: from 13
 * characters, `system_health`, V8 makes a slice that keeps the whole batch alive), which the
 * entry would keep uncounted: the heap held 4 times `maxBytes` (tDN F3).
 */
function ownType(type: MessageType): MessageType {
  return TYPE_NAMES.get(type) ?? (ownCopy(type) as MessageType);
}

/**
 * What an entry of `frame` counts against `maxBytes`: its characters as V8 keeps them, its state
 * key's too (a string of its own beside the frame, kept as long as the entry: a `bots` `data.id`
 * has no maximum length, and 64 KiB ids held twice what was counted, a 128 MiB heap dying of OOM,
 * tDB F1), and {@link ENTRY_OVERHEAD_BYTES}.
 */
function heldBytes(frame: string, key: string | null | undefined): number {
  return stringBytes(frame) + (key ? stringBytes(key) : 0) + ENTRY_OVERHEAD_BYTES;
}

/** The Redis store's names of this store's bounds (RedisStreamStoreOptions): what a deployment moved from it gives. */
const REDIS_NAMES: Readonly<Record<string, (typeof STORE_OPTIONS)[number]>> = { maxMessages: 'maxEntriesPerStream', maxAllMessages: 'maxEntries' };

/** Every option's name: the type checker refuses a list that misses one. */
const STORE_OPTIONS = ['maxEntriesPerStream', 'maxEntries', 'maxBytes', 'maxAgeMs', 'epoch', 'now'] as const;
type UnlistedOption = Exclude<keyof MemoryStreamStoreOptions, (typeof STORE_OPTIONS)[number]>;
const allListed: [UnlistedOption] extends [never] ? true : UnlistedOption = true;
void allListed;

/**
 * Throws for an option the store does not know, or one not of its type or range, as
 * createRealtimeServer and createRedisStreamStore check theirs: a bound of NaN or -1 (a
 * `Number(process.env.X)` of an unset variable) kept no entry at all, so polling clients were
 * told `gap` after `gap` and never got a message; `'1000'` was compared as a number, and a
 * misspelt `maxEntrys` left the default in place (a fresh user).
 */
function checkStoreOptions(options: unknown): asserts options is MemoryStreamStoreOptions {
  const checks = optionChecks('MemoryStreamStore');
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`MemoryStreamStore: options must be an object such as { maxEntries: 100000 }, got ${shownFound(options, false)}`);
  checks.known(options, STORE_OPTIONS, '', { names: REDIS_NAMES, whose: "the Redis store's" });
  const given = options as Record<(typeof STORE_OPTIONS)[number], unknown>;
  for (const name of ['maxEntriesPerStream', 'maxEntries', 'maxBytes'] as const) checks.number(name, given[name], 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  // Whole milliseconds, the Redis store's rule (its PEXPIRE takes no fraction): one value meant
  // a bound here and a RangeError there, `0.1 * 3 * 60_000 * 10` (180000.00000000003) among them (tCD F2).
  checks.number('maxAgeMs', given.maxAgeMs, 0, Number.MAX_SAFE_INTEGER, 'an integer number of milliseconds ≥ 0 (0: no age bound)');
  if (given.now !== undefined && typeof given.now !== 'function') throw checks.error(TypeError, 'now', 'a function returning milliseconds', given.now);
  // All digits, `<epoch>.<n>` reads as a decimal number, which clients do not order (a hostile tester).
  const { epoch } = given;
  if (epoch !== undefined && !(typeof epoch === 'string' && /^[0-9A-Za-z_~-]{1,40}$/.test(epoch) && !/^\d+$/.test(epoch))) {
    throw checks.error(TypeError, 'epoch', '1-40 of [0-9A-Za-z_~-], not all digits', epoch, undefined, true);
  }
}

interface Stored extends StreamEntry {
  position: number;
  at: number;
  /** The frame's UTF-8 length (what a read's `maxBytes` pages by). */
  bytes: number;
  /** What it counts against the store's `maxBytes`: {@link heldBytes}. */
  held: number;
}

/** An entry of a store before this one, at its own position and time. */
export type RestoredEntry = Omit<StreamEntry, 'cursor'> & { position: number; at: number };

let restoreEntries: (store: MemoryStreamStore, after: number, entries: Iterable<RestoredEntry>) => void;

/**
 * Not the package's API (src/server/index.ts does not export it): the demo's journal
 * (src/cli/demo-journal.ts) gives a new store of the journal's epoch the entries it held, at
 * their own positions and times, so that a demo killed and started again resumes its
 * dashboards' cursors. Positions up to `after` are lost: a cursor before it reads as `gap`.
 * @throws Error when the store has appended already, or the positions do not increase
 */
export function restoreMemoryStore(store: MemoryStreamStore, after: number, entries: Iterable<RestoredEntry>): void {
  restoreEntries(store, after, entries);
}

/** An append-only run of entries in position order, evicted from the front. */
class Log {
  private items: Stored[] = [];
  private start = 0;
  constructor(
    /** Position of the last entry evicted: a reader at or after it has lost nothing. */
    public evictedUpTo: number,
    /** Whose log it is (the store's own copy of the id: {@link ownCopy}), null for the global log. */
    readonly userId: string | null,
  ) {}
  get length(): number {
    return this.items.length - this.start;
  }
  first(): Stored | undefined {
    return this.items[this.start];
  }
  push(entry: Stored): void {
    this.items.push(entry);
  }
  shift(): Stored | undefined {
    const entry = this.items[this.start];
    if (entry === undefined) return undefined;
    this.items[this.start++] = undefined as unknown as Stored;
    this.evictedUpTo = entry.position;
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return entry;
  }
  /** Index of the first entry after `position` (binary search). */
  indexAfter(position: number): number {
    let lo = this.start;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.position <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  at(index: number): Stored | undefined {
    return index < this.items.length ? this.items[index] : undefined;
  }
}

/**
 * The default {@link StreamStore}: per-user logs, a global log and an all-log (what admins
 * read), bounded by count, bytes and age, in this process's memory. Its epoch is new per store,
 * so cursors from before a restart read as `gap` (not with a fixed `epoch` option reused: see it). Positions count every message of the store in
 * one sequence: the step between two of a user's cursors tells how many messages other users
 * got meanwhile (their content stays theirs).
 */
export class MemoryStreamStore implements StreamStore {
  /** The epoch of every cursor this store gives (`<epoch>.<position>`): the `epoch` option, else a new one per store (from the time and a random part). */
  readonly epoch: string;
  private seq = 0;
  private readonly all = new Log(0, null);
  private readonly global = new Log(0, null);
  private readonly users = new Map<string, Log>();
  /**
   * `evictedUpTo` of each user log dropped once empty, oldest first, so that such a user's old
   * cursor still reads as `gap` and nobody else's does (one floor for all would tell a quiet user
   * `gap` whenever another user's last message aged out). At most
   * `maxEntries` are kept, as many as the all-log holds entries, and at most a quarter of
   * `maxBytes` by {@link floorBytes}: with a new user each message they outlive the entries.
   */
  private readonly droppedFloors = new Map<string, number>();
  /**
   * The floors of {@link droppedFloors} in the order they were kept, oldest from
   * {@link floorHead} on: user id and floor, two slots each. One whose user came back (or was
   * dropped again since, with a higher floor) no longer matches the map and is passed over.
   * Before, the oldest was the map's first entry, and each `entries().next()` walked every slot
   * deleted at the map's front since its last rehash: with 100 000 floors a publish to a new
   * user cost 50-200 µs instead of 3-5 (tDF F1).
   */
  private floorOrder: (string | number)[] = [];
  private floorHead = 0;
  /** What the floors count against `maxBytes`: {@link FLOOR_OVERHEAD_BYTES} and the user id's characters each. */
  private floorBytes = 0;
  /** Highest floor forgotten from {@link droppedFloors} (and a restored journal's start): a user with neither a log nor a floor starts there. */
  private forgottenFloor = 0;
  private readonly listeners = new Set<(entry: StreamEntry) => void>();
  private readonly maxPerStream: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  /** What the entries in all count against `maxBytes` ({@link heldBytes}), and the ids of the users with a log. */
  private bytes = 0;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private closed = false;

  /**
   * @throws TypeError when `options` is not an object, holds a key it does not know (with the
   *   one it most likely meant; the Redis store's `maxMessages` and `maxAllMessages` with this
   *   store's name of them), a number option that is not a number, an `epoch` that is not
   *   1-40 of `[0-9A-Za-z_~-]` or is all digits, or a `now` that is not a function
   * @throws RangeError when a number option is out of its range (NaN, below 1, not an integer;
   *   `maxAgeMs` below 0 or not an integer, as in the Redis store)
   */
  constructor(options: MemoryStreamStoreOptions = {}) {
    checkStoreOptions(options);
    this.maxPerStream = options.maxEntriesPerStream ?? 1000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxBytes = options.maxBytes ?? defaultMaxBytes();
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
    this.now = options.now ?? Date.now;
    this.epoch = options.epoch ?? Date.now().toString(36) + randomBytes(4).toString('hex');
  }

  /** Entries held (the all-log), for stats and the memory benchmark. */
  get size(): number {
    return this.all.length;
  }

  append(userId: string | null, type: MessageType, frame: (cursor: string) => string, key?: string | null): Promise<StreamEntry> {
    if (this.closed) return Promise.reject(new Error('stream store is closed'));
    const position = ++this.seq;
    const cursor = formatCursor(this.epoch, position);
    const text = oneByte(frame(cursor));
    const entry: Stored = { cursor, userId, type: ownType(type), frame: text, key: key ? ownCopy(key) : (key ?? null), position, at: this.now(), bytes: Buffer.byteLength(text), held: heldBytes(text, key) };
    this.keep(entry);
    this.evict();
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // a subscriber's fault is its own: the others still get the entry
      }
    }
    return Promise.resolve(entry);
  }

  /** See {@link StreamStore.read}; `_signal` is not looked at: this store answers at once, from memory. */
  read(viewer: StreamViewer, since: string | null, limit: number, maxBytes = Infinity, _signal?: AbortSignal): Promise<ReadResult> {
    const head = formatCursor(this.epoch, this.seq);
    if (since === null) return Promise.resolve({ resume: 'new', cursor: head, entries: [] });
    // An all-digit epoch is no epoch of this store's (it has a letter): a cursor a client kept
    // from before formatCursor refused such epochs is of another epoch, as the Redis store reads it.
    const parsed = parseCursor(since) ?? (isAllDigitEpochCursor(since) ? { epoch: '', position: 0 } : null);
    // A cursor of another epoch was made before this store's history began (a restart): what
    // it missed before is lost, but all this store holds is new to it, when none is evicted.
    const foreign = parsed !== null && parsed.epoch !== this.epoch;
    if (parsed === null || (!foreign && parsed.position > this.seq)) return Promise.resolve({ resume: 'gap', cursor: head, entries: [] });
    this.evict();
    // Of another epoch, as the Redis store answers: what this store holds follows the gap only
    // while none of it is evicted (README, "Delivery"), which is decided before a page is read,
    // as the Redis store does (a page read to answer `gap` with none of it: a security reviewer).
    if (foreign && this.lostAfter(viewer, 0)) return Promise.resolve({ resume: 'gap', cursor: head, entries: [] });
    const { entries, more, lost } = this.entriesAfter(viewer, foreign ? 0 : parsed.position, limit, maxBytes);
    const last = entries[entries.length - 1]?.cursor;
    // Some of what the viewer's streams held after the cursor is evicted (more than
    // maxEntriesPerStream broadcasts since, say): `gap`, then what is still held after the last
    // position any of those streams lost (the user's own trades and decisions, which a dashboard
    // cannot refetch, were skipped with it when they come after it). The page starts there, so
    // its next page goes on `resumed`, unless more was evicted meanwhile.
    if (foreign || lost) return Promise.resolve({ resume: 'gap', cursor: last ?? head, entries, more });
    // Nothing of the viewer's up to the head: the head is its cursor, as the Redis store answers,
    // so a quiet dashboard that polls keeps a young one.
    // (A page left empty by its limit, `more`, stays at `since`: a caller paging on would skip all.)
    return Promise.resolve({ resume: 'resumed', cursor: last ?? (more ? since : head), entries, more });
  }

  /** Whether any of the viewer's entries after position `after` was evicted (their stream has a gap there). */
  private lostAfter(viewer: StreamViewer, after: number): boolean {
    return after < this.lostUpTo(viewer);
  }

  /**
   * The last position any of the viewer's streams lost (its own, the global one; an admin's, the
   * all-log): a gap's page starts after it, so the cursor a reader is told the gap ends at is at
   * or after every position lost (tGX F2: the global log, evicted less far than the user's, put
   * the page's start, and the told cursor, before the user's own loss ended).
   */
  private lostUpTo(viewer: StreamViewer): number {
    if (viewer.admin) return this.all.evictedUpTo;
    const ownFloor = this.logOf(viewer.userId, false)?.evictedUpTo ?? this.floorOf(viewer.userId);
    return Math.max(ownFloor, this.global.evictedUpTo);
  }

  /**
   * The viewer's entries still held after position `after` (at most `limit`, and past the first
   * at most `maxBytes` bytes of frames), whether more follow, and whether any of the viewer's
   * entries after `after` was evicted (`lost`: its stream has a gap there; the entries are then
   * those after the last position lost, {@link lostUpTo}).
   */
  private entriesAfter(viewer: StreamViewer, after: number, limit: number, maxBytes: number): { entries: Stored[]; more: boolean; lost: boolean } {
    const entries: Stored[] = [];
    let bytes = 0;
    /** Takes `entry` into the page, or says the page is full. */
    const take = (entry: Stored): boolean => {
      if (entries.length >= limit) return false;
      if (maxBytes < Infinity) {
        bytes += entry.bytes;
        if (bytes > maxBytes && entries.length > 0) return false;
      }
      entries.push(entry);
      return true;
    };
    const lostUpTo = this.lostUpTo(viewer);
    const lost = after < lostUpTo;
    // A gap's page starts after the last position lost in any of the viewer's streams: the
    // entries of one stream before the other's loss ends lie inside the gap told (the reader's
    // cursor goes on from just before the page's first entry, and they cannot follow it).
    if (lost) after = lostUpTo;
    if (viewer.admin) {
      for (let i = this.all.indexAfter(after); ; i++) {
        const entry = this.all.at(i);
        if (entry === undefined) return { entries, more: false, lost };
        if (!take(entry)) return { entries, more: true, lost };
      }
    }
    const own = this.logOf(viewer.userId, false);
    // Merge the user's log with the global log by position.
    let i = own ? own.indexAfter(after) : 0;
    let j = this.global.indexAfter(after);
    for (;;) {
      const a = own?.at(i);
      const b = this.global.at(j);
      if (a === undefined && b === undefined) return { entries, more: false, lost };
      if (b === undefined || (a !== undefined && a.position < b.position)) {
        if (!take(a!)) return { entries, more: true, lost };
        i++;
      } else {
        if (!take(b)) return { entries, more: true, lost };
        j++;
      }
    }
  }

  subscribe(listener: (entry: StreamEntry) => void): () => void {
    const wrapped = (entry: StreamEntry) => listener(entry);
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  status(): { healthy: boolean; detail?: string } {
    return this.closed ? { healthy: false, detail: 'closed' } : { healthy: true, detail: `memory, ${this.all.length} entries, epoch ${this.epoch}` };
  }

  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    return Promise.resolve();
  }

  /** Into the all-log and the entry's own log, that one cut to `maxEntriesPerStream`; the entry holds the log's copy of its user id. */
  private keep(entry: Stored): void {
    this.all.push(entry);
    this.bytes += entry.held;
    const own = this.logOf(entry.userId, true)!;
    entry.userId = own.userId;
    own.push(entry);
    if (own.length > this.maxPerStream) own.shift();
  }

  static {
    // The demo's journal (src/cli/demo-journal.ts) gives a new store what the one before it held.
    restoreEntries = (store, after, entries) => {
      if (store.seq !== 0) throw new Error('restoreMemoryStore: the store has appended already');
      store.seq = store.all.evictedUpTo = store.global.evictedUpTo = store.forgottenFloor = after;
      for (const { userId, type, frame: given, key, position, at } of entries) {
        const frame = oneByte(given);
        if (!(Number.isSafeInteger(position) && position > store.seq)) throw new Error(`restoreMemoryStore: position ${position} does not follow ${store.seq}`);
        store.seq = position;
        store.keep({ cursor: formatCursor(store.epoch, position), userId, type: ownType(type), frame, key: key ? ownCopy(key) : (key ?? null), position, at, bytes: Buffer.byteLength(frame), held: heldBytes(frame, key) });
      }
      store.evict();
    };
  }

  private logOf(userId: string | null, create: boolean): Log | undefined {
    if (userId === null) return this.global;
    let log = this.users.get(userId);
    if (log === undefined && create) {
      log = new Log(this.floorOf(userId), ownCopy(userId));
      // The id's characters count while the user has a log, as they do in a floor once it is
      // dropped: a new 256-character id a message held 1.35 times what was counted (tDF F4).
      this.bytes += stringBytes(userId);
      if (this.droppedFloors.delete(userId)) this.floorBytes -= floorHeld(userId);
      this.users.set(log.userId!, log);
    }
    return log;
  }

  /** Where the log of a user who has none would start: what of theirs was evicted before it was dropped. */
  private floorOf(userId: string | null): number {
    return Math.max((userId !== null && this.droppedFloors.get(userId)) || 0, this.forgottenFloor);
  }

  /**
   * Keeps {@link floorOrder} within about twice the floors held: drops the slots before its head
   * once they are half of it, and the floors passed over (users who came back) once they are as
   * many as those held, each in one pass (amortized O(1) a floor).
   */
  private compactFloors(): void {
    const queued = (this.floorOrder.length - this.floorHead) / 2;
    if (queued > 2 * this.droppedFloors.size + 1024) {
      const kept: (string | number)[] = [];
      for (let i = this.floorHead; i < this.floorOrder.length; i += 2) {
        if (this.droppedFloors.get(this.floorOrder[i] as string) === this.floorOrder[i + 1]) kept.push(this.floorOrder[i]!, this.floorOrder[i + 1]!);
      }
      this.floorOrder = kept;
      this.floorHead = 0;
    } else if (this.floorHead > 2048 && this.floorHead * 2 > this.floorOrder.length) {
      this.floorOrder = this.floorOrder.slice(this.floorHead);
      this.floorHead = 0;
    }
  }

  /** Drops entries over the count, byte or age bound, oldest first, from every log holding them. */
  private evict(): void {
    // maxAgeMs 0: no age bound.
    const oldest = this.maxAgeMs === 0 ? -Infinity : this.now() - this.maxAgeMs;
    for (;;) {
      const first = this.all.first();
      // The newest entry stays whatever its size: a message larger than maxBytes is kept alone.
      if (first === undefined || (this.all.length <= this.maxEntries && (this.bytes + this.floorBytes <= this.maxBytes || this.all.length === 1) && first.at >= oldest)) break;
      this.all.shift();
      this.bytes -= first.held;
      const own = this.logOf(first.userId, false);
      if (own !== undefined && own.first() === first) {
        own.shift();
        if (own.length === 0 && first.userId !== null) {
          this.users.delete(first.userId);
          this.bytes -= stringBytes(first.userId);
          this.droppedFloors.set(first.userId, own.evictedUpTo);
          this.floorOrder.push(first.userId, own.evictedUpTo);
          this.floorBytes += floorHeld(first.userId);
          while (this.droppedFloors.size > this.maxEntries || this.floorBytes > this.maxBytes / 4) {
            if (this.floorHead >= this.floorOrder.length) break; // never: each floor held is queued
            const forgotten = this.floorOrder[this.floorHead] as string;
            const floor = this.floorOrder[this.floorHead + 1] as number;
            this.floorOrder[this.floorHead] = this.floorOrder[this.floorHead + 1] = 0;
            this.floorHead += 2;
            if (this.droppedFloors.get(forgotten) !== floor) continue;
            this.droppedFloors.delete(forgotten);
            this.floorBytes -= floorHeld(forgotten);
            this.forgottenFloor = Math.max(this.forgottenFloor, floor);
          }
          this.compactFloors();
        }
      }
    }
  }
}
