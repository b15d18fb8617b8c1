/**
 * The demo's streams on disk: `serve --demo` on a fixed port, without `--redis`, keeps what its
 * in-memory store holds in a journal beside its kept secret, so that a demo killed (`kill -9`)
 * and started again resumes its dashboards' cursors: `resumed`, no `gap`, nothing delivered
 * twice. A demo, not a store to deploy: one process, one file, every entry written (`writeSync`)
 * before any socket gets it.
 *
 * The file is NDJSON: a first line `{"journal":2,"epoch":"<epoch>","head":<position>}` (the last
 * position handed out when it was written, which a restart goes on from even when no entry is
 * left), then one line per entry,
 * `{"p":<position>,"at":<ms since the epoch>,"u":<userId or null>,"t":<type>,"k":<key or null>,"f":<frame>}`.
 * It is rewritten with only the entries the store still keeps by age at the start and every
 * {@link COMPACT_EVERY} entries. One demo at a time keeps it: `<file>.lock` holds its pid and start time (a
 * second demo on the same port, on another host address or failing to listen, leaves it alone).
 * A journal that can no longer be written is removed, so that a restart begins a new epoch (a
 * `gap`) rather than give the positions handed out since to other messages. A demo's start
 * removes the journals of other ports and checkouts beside it that were not written for a day.
 */
import { closeSync, existsSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import type { MessageType } from '../../generated/types.js';
import { MemoryStreamStore, restoreMemoryStore } from '../server/memory-store.js';
import { parseCursor, type StreamStore } from '../server/stream-store.js';
import { processAlive, processStartTime } from '../shared/process-alive.js';
import { validateMessage } from '../runtime/validate.js';

/** How long the demo's store keeps an entry, ms: the memory store's default. */
const MAX_AGE_MS = 300_000;
/**
 * The demo's store: 5 minutes of every stream. The memory store's default of 1,000 entries a
 * stream held about 2 minutes of alice's (the demo sends her some 8 messages a second), so an
 * outage of 3 minutes was a gap where README promises 5 (a fresh tester); 10,000 is 5 minutes
 * of a stream at 33 a second.
 */
const STORE_LIMITS = { maxAgeMs: MAX_AGE_MS, maxEntriesPerStream: 10_000 } as const;
/** How far ahead of this clock an entry's time may be, ms: one later still is not this demo's. */
const MAX_CLOCK_STEP_MS = 60_000;
/** The highest position a journal may hold: far below 2^53, so that the positions after it stay exact. */
const MAX_POSITION = 2 ** 50;
/** Entries appended between two rewrites of the journal. */
const COMPACT_EVERY = 5_000;

interface Line {
  p: number;
  at: number;
  u: string | null;
  t: MessageType;
  k: string | null;
  f: string;
}

export interface DemoJournal {
  store: StreamStore;
  file: string;
  /** What the start found: entries taken back, or why the streams start anew. */
  restored: { entries: number; epoch: string } | { fresh: string };
  /** Whether this demo writes the journal (false: another demo holds it, or it cannot be written). */
  kept: boolean;
  /** The frames of `type` the journal now holds, oldest first, each with its user (null: everyone's). */
  frames(type: MessageType): { userId: string | null; frame: string }[];
}

/**
 * A memory store continued from `file` when it holds a journal (the entries younger than the
 * store keeps), else a new one whose journal replaces it. Says on `warn` (once) when the journal
 * cannot be kept: the demo goes on in memory, and a restart is a gap. Call `store.close()` to
 * release the journal's lock.
 */
export function openDemoJournal(file: string, warn: (line: string) => void, now: () => number = Date.now): DemoJournal {
  const lock = `${file}.lock`;
  const holder = takeLock(lock);
  if (holder !== undefined) {
    const store = new MemoryStreamStore({ ...STORE_LIMITS, now });
    return { store, file, restored: { fresh: holder }, kept: false, frames: () => [] };
  }
  // What a rewrite cut short by a kill left (the lock is ours: no other demo is writing one).
  // Not another demo's lock in the making (`<journal>.lock.<pid>[.aside].tmp`): removing the one it moved aside let it take the lock too (a reviewer).
  for (const entry of safeList(path.dirname(file))) if (entry.startsWith(`${path.basename(file)}.`) && entry.endsWith('.tmp') && !entry.startsWith(`${path.basename(file)}.lock.`)) removeQuietly(path.join(path.dirname(file), entry));
  let text: string | undefined;
  let unread: string | undefined;
  try {
    // A regular file only: a FIFO would hold the start for good, a link is not followed (a hostile tester).
    if (lstatSync(file).isFile()) text = readFileSync(file, 'utf8');
    else unread = 'it is not a regular file';
  } catch (error) {
    unread = (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (error as Error).message;
  }
  let found = text !== undefined ? readJournal(text, now() - MAX_AGE_MS, now() + MAX_CLOCK_STEP_MS) : { fresh: unread === undefined ? 'no journal yet' : `the journal cannot be read: ${unread}` };
  let store: MemoryStreamStore | undefined;
  if ('epoch' in found) {
    try {
      store = new MemoryStreamStore({ epoch: found.epoch, ...STORE_LIMITS, now });
      restoreMemoryStore(store, found.after, found.lines.map((line) => ({ userId: line.u, type: line.t, frame: line.f, key: line.k, position: line.p, at: line.at })));
    } catch (error) {
      store = undefined;
      found = { fresh: `the journal cannot be continued: ${(error as Error).message}` };
    }
  }
  let kept: Line[] = 'epoch' in found ? found.lines : [];
  /** The last position handed out: what the header says, so that a rewrite that keeps no entry does not lose it. */
  let head = 'epoch' in found ? found.head : 0;
  let fd: number | undefined;
  let sinceRewrite = 0;
  let broken = false;
  let memory: MemoryStreamStore = store ?? new MemoryStreamStore({ ...STORE_LIMITS, now });

  /** The journal as the store now holds it: written whole to a new file, then renamed over the old one. */
  const rewrite = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    const oldest = now() - MAX_AGE_MS;
    // From the front only, as the store evicts: a clock stepped back never drops one in the middle.
    let first = 0;
    while (first < kept.length && kept[first]!.at < oldest) first++;
    kept = kept.slice(first);
    const next = `${file}.${process.pid}.tmp`;
    const out = openSync(next, 'w', 0o600);
    try {
      writeSync(out, `${JSON.stringify({ journal: 2, epoch: memory.epoch, head })}\n${kept.map((line) => `${JSON.stringify(line)}\n`).join('')}`);
    } finally {
      closeSync(out);
    }
    try {
      renameSync(next, file);
    } catch (error) {
      removeQuietly(next);
      throw error;
    }
    fd = openSync(file, 'a', 0o600);
    sinceRewrite = 0;
  };
  /** Gives the journal up: removed, so that a restart begins a new epoch rather than reuse the positions handed out since. */
  const giveUp = (error: unknown) => {
    broken = true;
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    let removed = true;
    try {
      unlinkSync(file);
    } catch (unlinkError) {
      removed = (unlinkError as NodeJS.ErrnoException).code === 'ENOENT';
    }
    warn(`cannot write the demo journal ${file}: ${(error as Error).message}; its streams go on in memory only${removed ? ' (a restart will be a gap)' : `, and the journal could not be removed: remove it before a restart, or the restart resumes cursors it cannot serve`}`);
  };

  // Written at once: a start that cannot write it is not continued in its epoch.
  try {
    rewrite();
  } catch (error) {
    giveUp(error);
    if ('epoch' in found) memory = new MemoryStreamStore({ ...STORE_LIMITS, now });
    // Why it is in memory only: a reason found reading it stands; else this (a first start said "no journal yet": a reviewer).
    if ('epoch' in found || found.fresh === 'no journal yet') found = { fresh: 'the journal cannot be written' };
    kept = [];
  }

  const journaled: StreamStore = {
    append(userId, type, frame, key) {
      return memory.append(userId, type, (cursor) => {
        const built = frame(cursor);
        if (!broken) {
          try {
            if (sinceRewrite >= COMPACT_EVERY) rewrite();
            const line: Line = { p: parseCursor(cursor)!.position, at: now(), u: userId, t: type, k: key ?? null, f: built };
            // Before the store hands the entry to any socket: a cursor a dashboard holds is one the journal holds.
            writeSync(fd!, `${JSON.stringify(line)}\n`);
            kept.push(line);
            head = line.p;
            sinceRewrite++;
          } catch (error) {
            giveUp(error);
          }
        }
        return built;
      }, key);
    },
    read: (viewer, since, limit, maxBytes) => memory.read(viewer, since, limit, maxBytes),
    subscribe: (listener) => memory.subscribe(listener),
    status: () => {
      const { healthy, detail } = memory.status();
      return { healthy, detail: `${detail}, ${broken ? 'no journal (it could not be written)' : `journal ${file}`}` };
    },
    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      removeQuietly(lock);
      await memory.close();
    },
  };
  // By the file system's clock, which wrote the times compared.
  if (!broken) sweepStale(path.dirname(file), path.basename(file), Date.now());
  const frames = (type: MessageType) => kept.filter((line) => line.t === type).map((line) => ({ userId: line.u, frame: line.f }));
  return { store: journaled, file, restored: 'epoch' in found ? { entries: found.lines.length, epoch: found.epoch } : found, kept: !broken, frames };
}

/** How long a journal of another port or checkout may go unwritten before a demo's start removes it, ms. */
const STALE_MS = 24 * 60 * 60 * 1000;
/** What `serve --demo` names a journal (`journal-<port>-<checkout>.ndjson`), and what a rewrite cut short leaves beside it. */
const JOURNAL_NAME = /^journal-\d+-[0-9a-f]{8}\.ndjson(\.\d+\.tmp|\.lock(\.\d+(\.aside)?\.tmp)?)?$/;

/**
 * Removes the journals in `dir` other than `own` that were not written for {@link STALE_MS}: they
 * pile up, one per port a demo ran on, and none holds anything to take back (an entry is kept 5
 * minutes). A journal is removed under its lock, so never one a demo on its port holds.
 */
function sweepStale(dir: string, own: string, at: number): void {
  for (const name of safeList(dir)) {
    if (name === own || !JOURNAL_NAME.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const stat = lstatSync(file);
      if (!stat.isFile() || stat.mtimeMs > at - STALE_MS) continue;
    } catch {
      continue;
    }
    // What a rewrite cut short left a day ago: no rewrite takes that long.
    if (name.endsWith('.tmp')) {
      removeQuietly(file);
      continue;
    }
    // A lock is swept with its journal; alone (its journal given up, then a kill -9), when its holder is gone.
    if (name.endsWith('.lock')) {
      if (!existsSync(file.slice(0, -'.lock'.length)) && !lockedLately(file, Date.now()) && lockHolder(file) === undefined) removeQuietly(file);
      continue;
    }
    // A lock made this minute: its demo may be starting (left alone).
    if (lockedLately(`${file}.lock`, at) || takeLock(`${file}.lock`) !== undefined) continue;
    removeQuietly(file);
    removeQuietly(`${file}.lock`);
  }
}

/**
 * Takes `lock` for this process (a file holding its pid and start time, linked into place whole,
 * so that no demo ever reads it empty), taking over one left by a process that is gone; else
 * says who holds it. A stale lock is moved aside before it is removed, and removed only when
 * what was moved is what was read: two demos that take the same stale lock over at once end
 * with one holder (it was removed, then made again, by each of them: both wrote one journal).
 */
function takeLock(lock: string): string | undefined {
  const started = processStartTime(process.pid);
  // The pid, and when this process started where that is known: a pid reused since by another process is no holder.
  const own = started === undefined ? `${process.pid}\n` : `${process.pid} ${started}\n`;
  const made = `${lock}.${process.pid}.tmp`;
  const aside = `${lock}.${process.pid}.aside.tmp`;
  try {
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        writeFileSync(made, own, { mode: 0o600 });
      } catch (error) {
        return `cannot lock the demo journal (${(error as Error).message})`;
      }
      try {
        linkLock(made, lock, own);
        return undefined;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // ENOENT: the file to link was removed by the demo that holds the lock (its leftovers sweep): held.
        if (code !== 'EEXIST' && code !== 'ENOENT') return `cannot lock the demo journal (${(error as Error).message})`;
      }
      const seen = readQuietly(lock);
      if (seen === undefined) continue;
      const holder = holderIn(seen);
      if (holder !== undefined) return `another demo (pid ${holder}) keeps the journal of this port`;
      try {
        renameSync(lock, aside);
      } catch {
        continue;
      }
      // Another demo's new lock, moved by mistake: put back (and found held on the next round).
      if (readQuietly(aside) !== seen) {
        try {
          linkSync(aside, lock);
        } catch {
          // A third demo made one meanwhile: it holds the lock.
        }
      }
      removeQuietly(aside);
    }
    return 'cannot lock the demo journal';
  } finally {
    removeQuietly(made);
  }
}

/**
 * Makes `lock` a link to `made` (which holds `own`), failing with EEXIST when it exists; on a
 * file system without hard links (FAT, some network and FUSE mounts), creates it with O_EXCL
 * and writes `own` into it, as a lock was made before links (a reader may then find it empty
 * for a moment: a lock made within the minute is left to its maker by the sweeps).
 */
function linkLock(made: string, lock: string, own: string): void {
  try {
    linkSync(made, lock);
  } catch (error) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    const fd = openSync(lock, 'wx', 0o600);
    try {
      writeSync(fd, own);
    } finally {
      closeSync(fd);
    }
  }
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether `lock` was made or written within the last minute (by the clock `at`, ms). */
function lockedLately(lock: string, at: number): boolean {
  try {
    return lstatSync(lock).mtimeMs > at - 60_000;
  } catch {
    return false;
  }
}

/**
 * The pid in `lock` (`<pid>[ <start time>]`) when it is of a running process other than this one,
 * the one that wrote it (its start time, when written, is the process's now); else undefined
 * (unreadable, or stale: after a kill -9 its pid named an unrelated process; a fresh user).
 */
function lockHolder(lock: string): number | undefined {
  const text = readQuietly(lock);
  return text === undefined ? undefined : holderIn(text);
}

/** {@link lockHolder} of a lock's text. */
function holderIn(text: string): number | undefined {
  const [first, second] = text.trim().split(' ');
  const pid = Number.parseInt(first ?? '', 10);
  if (!(Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid))) return undefined;
  const now = second === undefined ? undefined : processStartTime(pid);
  return now !== undefined && now !== second ? undefined : pid;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already, or not ours to remove
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const TYPES: readonly string[] = MESSAGE_TYPES;

/**
 * The epoch and entries of a journal's text, those from the first at or after `oldest` (ms) on,
 * the position before the first of them, and the last position handed out (the header's, or the
 * last entry's); or why it cannot be continued. A last line cut
 * short (the process killed mid-write: its entry never reached a socket) is left out.
 */
function readJournal(text: string, oldest: number, latest: number): { epoch: string; after: number; head: number; lines: Line[] } | { fresh: string } {
  const rows = text.split('\n');
  // What follows the last newline: nothing, or a line cut short (the process killed mid-write),
  // whose entry never reached a socket.
  rows.pop();
  let header: unknown;
  try {
    header = JSON.parse(rows[0] ?? '');
  } catch {
    return { fresh: 'the journal has no header' };
  }
  // Version 1 had no head: a journal rewritten with no entry left went on from position 0, and
  // handed out the cursors of its epoch a second time (a hostile tester).
  if (!isRecord(header) || header.journal !== 2 || typeof header.epoch !== 'string' || !(Number.isSafeInteger(header.head) && (header.head as number) >= 0 && (header.head as number) <= MAX_POSITION)) return { fresh: 'the journal has no header of this version' };
  const lines: Line[] = [];
  let last = 0;
  for (let i = 1; i < rows.length; i++) {
    let line: unknown;
    try {
      line = JSON.parse(rows[i]!);
    } catch {
      return { fresh: `line ${i + 1} of the journal is not JSON` };
    }
    if (!(isRecord(line) && Number.isSafeInteger(line.p) && (line.p as number) > last && (line.p as number) <= MAX_POSITION && typeof line.at === 'number' && line.at <= latest && (line.u === null || typeof line.u === 'string') && TYPES.includes(line.t as string) && (line.k === null || typeof line.k === 'string') && typeof line.f === 'string')) {
      return { fresh: `line ${i + 1} of the journal is not an entry after position ${last}` };
    }
    // What a socket will be sent: the message of its type, at its cursor, valid (a hostile tester's edited journal was served as it was).
    if (!framesEntry(line.f as string, `${header.epoch}.${line.p as number}`, line.t as string)) return { fresh: `line ${i + 1} of the journal holds no valid ${String(line.t)} message at its cursor` };
    last = line.p as number;
    lines.push(line as unknown as Line);
  }
  // What is older than the store keeps, from the front (as the store evicts), is lost to cursors
  // before it. With entries and none young, a new epoch: the demo's counts, read back from the
  // entries taken back, start again from 1, and a dashboard resumed at the head showed them go
  // backwards without a gap (a fresh user: 905 trades, then 11). A journal without an entry
  // (written before its first append) keeps its head.
  let first = 0;
  while (first < lines.length && lines[first]!.at < oldest) first++;
  if (lines.length > 0 && first === lines.length) return { fresh: 'every entry of the journal is older than the last 5 minutes' };
  const young = lines.slice(first);
  const head = Math.max(header.head as number, last);
  const after = young.length > 0 ? young[0]!.p - 1 : head;
  return { epoch: header.epoch, after, head, lines: young };
}

/** Whether `frame` is a valid server→client message of `type` carrying `cursor`. */
function framesEntry(frame: string, cursor: string, type: string): boolean {
  try {
    const message = JSON.parse(frame) as unknown;
    return isRecord(message) && message.type === type && message.cursor === cursor && validateMessage(message, { direction: 'server-to-client' }).ok;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
