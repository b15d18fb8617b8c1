/**
 * The demo's streams on disk: `serve --demo` on a fixed port, without `--redis`, keeps what its
 * in-memory store holds in a journal beside its kept secret, so that a demo killed (`kill -9`)
 * and started again resumes its dashboards' cursors: `resumed`, no `gap`, nothing delivered
 * twice. A demo, not a store to deploy: one process, one file, every entry written (`writeSync`)
 * before any socket gets it.
 *
 * The file is NDJSON: a first line `{"journal":1,"epoch":"<epoch>"}`, then one line per entry,
 * `{"p":<position>,"at":<ms since the epoch>,"u":<userId or null>,"t":<type>,"k":<key or null>,"f":<frame>}`.
 * It is rewritten with only the entries the store still keeps by age every
 * {@link COMPACT_EVERY} entries, and at the first append after a start.
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { MESSAGE_TYPES } from '../../generated/contract.js';
import type { MessageType } from '../../generated/types.js';
import { MemoryStreamStore, restoreMemoryStore } from '../server/memory-store.js';
import { parseCursor, type StreamStore } from '../server/stream-store.js';

/** How long the demo's store keeps an entry, ms: the memory store's default. */
const MAX_AGE_MS = 300_000;
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
  /** What the start found: entries taken back, or why the journal starts anew. */
  restored: { entries: number; epoch: string } | { fresh: string };
}

/**
 * A memory store continued from `file` when it holds a journal (the entries younger than the
 * store keeps), else a new one whose journal replaces it. Reading only: the file is first written
 * at the first append, so a second demo that fails to listen on the same port leaves the first
 * one's journal alone. A journal that cannot be written is said once on `warn` and given up;
 * the demo goes on in memory.
 */
export function openDemoJournal(file: string, warn: (line: string) => void, now: () => number = Date.now): DemoJournal {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read the demo journal ${file}: ${(error as Error).message}; its streams start anew`);
  }
  let found = text === undefined ? { fresh: 'no journal yet' } : readJournal(text, now() - MAX_AGE_MS);
  let store: MemoryStreamStore | undefined;
  if ('epoch' in found) {
    try {
      store = new MemoryStreamStore({ epoch: found.epoch, maxAgeMs: MAX_AGE_MS, now });
      restoreMemoryStore(store, found.after, found.lines.map((line) => ({ userId: line.u, type: line.t, frame: line.f, key: line.k, position: line.p, at: line.at })));
    } catch (error) {
      store = undefined;
      found = { fresh: `the journal cannot be continued: ${(error as Error).message}` };
    }
  }
  store ??= new MemoryStreamStore({ maxAgeMs: MAX_AGE_MS, now });
  const memory = store;
  let kept: Line[] = 'epoch' in found ? found.lines : [];
  let fd: number | undefined;
  let sinceRewrite = 0;
  let broken = false;

  /** The journal as the store now holds it: written whole to a new file, then renamed over the old one. */
  const rewrite = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    const oldest = now() - MAX_AGE_MS;
    kept = kept.filter((line) => line.at >= oldest);
    const next = `${file}.${process.pid}.tmp`;
    const out = openSync(next, 'w', 0o600);
    try {
      writeSync(out, `${JSON.stringify({ journal: 1, epoch: memory.epoch })}\n${kept.map((line) => `${JSON.stringify(line)}\n`).join('')}`);
    } finally {
      closeSync(out);
    }
    renameSync(next, file);
    fd = openSync(file, 'a', 0o600);
    sinceRewrite = 0;
  };

  const journaled: StreamStore = {
    append(userId, type, frame, key) {
      return memory.append(userId, type, (cursor) => {
        const built = frame(cursor);
        if (!broken) {
          try {
            if (fd === undefined || sinceRewrite >= COMPACT_EVERY) rewrite();
            const line: Line = { p: parseCursor(cursor)!.position, at: now(), u: userId, t: type, k: key ?? null, f: built };
            // Before the store hands the entry to any socket: a cursor a dashboard holds is one the journal holds.
            writeSync(fd!, `${JSON.stringify(line)}\n`);
            kept.push(line);
            sinceRewrite++;
          } catch (error) {
            broken = true;
            warn(`cannot write the demo journal ${file}: ${(error as Error).message}; its streams go on in memory only (a restart will be a gap)`);
          }
        }
        return built;
      }, key);
    },
    read: (viewer, since, limit, maxBytes) => memory.read(viewer, since, limit, maxBytes),
    subscribe: (listener) => memory.subscribe(listener),
    status: () => {
      const { healthy, detail } = memory.status();
      return { healthy, detail: `${detail}, journal ${file}` };
    },
    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      await memory.close();
    },
  };
  return { store: journaled, file, restored: 'epoch' in found ? { entries: found.lines.length, epoch: found.epoch } : found };
}

const TYPES: readonly string[] = MESSAGE_TYPES;

/**
 * The epoch and entries of a journal's text, those at or after `oldest` (ms), and the position
 * before the first of them; or why it cannot be continued. A last line cut short (the process
 * killed mid-write: its entry never reached a socket) is left out.
 */
function readJournal(text: string, oldest: number): { epoch: string; after: number; lines: Line[] } | { fresh: string } {
  const rows = text.split('\n');
  // What follows the last newline: nothing, or a line cut short (the process killed mid-write),
  // whose entry never reached a socket.
  rows.pop();
  let epoch: unknown;
  try {
    ({ epoch } = JSON.parse(rows[0] ?? '') as { epoch?: unknown });
  } catch {
    return { fresh: 'the journal has no header' };
  }
  if (typeof epoch !== 'string') return { fresh: 'the journal has no epoch' };
  const lines: Line[] = [];
  let last = 0;
  for (let i = 1; i < rows.length; i++) {
    let line: Line;
    try {
      line = JSON.parse(rows[i]!) as Line;
    } catch {
      return { fresh: `line ${i + 1} of the journal is not JSON` };
    }
    if (!(Number.isSafeInteger(line.p) && line.p > last && typeof line.at === 'number' && (line.u === null || typeof line.u === 'string') && TYPES.includes(line.t) && (line.k === null || typeof line.k === 'string') && typeof line.f === 'string')) {
      return { fresh: `line ${i + 1} of the journal is not an entry after position ${last}` };
    }
    last = line.p;
    lines.push(line);
  }
  const young = lines.filter((line) => line.at >= oldest);
  // What is older than the store keeps is lost to cursors before it; with none left, the journal's
  // head still continues (a quiet demo restarted keeps its dashboards' cursors).
  const after = young.length > 0 ? young[0]!.p - 1 : last;
  return { epoch, after, lines: young };
}
