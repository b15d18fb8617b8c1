/**
 * Slots for the live system's numbers (server, delivery, Redis), filled in by the helpers who
 * own those parts. The bench runs every filled slot after the contract sections, prints one
 * table row per figure, judges it against the slot's target, re-runs a slot whose target
 * fails (like every other target) and writes the figures to .bench/results.json.
 *
 * ## How to fill a slot
 *
 * 1. Write `scripts/bench/live/<slot-id>.ts` exporting `run(context): Promise<LiveFigure[]>`.
 *    It starts what it measures itself (real `ws` sockets on 127.0.0.1, a `redis-server` it
 *    spawns on a free port), stops all of it before returning (also on error: `try/finally`),
 *    and takes at most `context.budgetMs` of wall time. Time side by side what is compared
 *    (e.g. our fan-out and a naive `ws` broadcast in alternating rounds, as
 *    scripts/bench/harness.ts does), and give each ratio as median and IQR over rounds
 *    (`ratio()` from harness.ts).
 * 2. Point the slot's `load` below at it: `load: () => import('./live/<slot-id>.js')`.
 * 3. If it needs a program that may be missing (redis-server), throw {@link LiveSkip} with the
 *    reason: the row then says "skipped: <reason>" instead of failing the bench.
 *
 * Nothing here is a test: speed targets never become timed assertions in `npm test`.
 */
import type { Ratio } from './harness.js';

/** What a slot's `run` gets. */
export interface LiveContext {
  /** `BENCH_QUICK=1`: a smoke run, fewer rounds; figures are not for verdicts. */
  quick: boolean;
  /** Wall-time budget for the whole slot, ms. */
  budgetMs: number;
  /** Progress lines for the console (stderr), not for the report. */
  log: (message: string) => void;
  /** The project root (the worktree the bench runs in). */
  root: string;
}

/** One measured figure of a slot. */
export interface LiveFigure {
  /** What was measured, e.g. "fan-out to 1,000 sockets, 256-byte frames". */
  label: string;
  /** The value, in `unit`. */
  value: number;
  /** e.g. "×" (a ratio), "KiB", "connections/s", "messages/s", "ms p99". */
  unit: string;
  /** For ratios: median and interquartile range over rounds (`value` is the median). */
  spread?: Ratio;
  /** The target, when the issue or the plan sets one: `value` must be `≤` or `≥` `limit`. */
  target?: { op: '≤' | '≥'; limit: number };
  /** Anything a reader needs to interpret the figure (sizes, counts, machine). */
  note?: string;
}

/** Thrown by a slot that cannot run here (a program is missing): reported as skipped, with the reason. */
export class LiveSkip extends Error {}

export interface LiveSlot {
  id: string;
  /** What the slot measures and against what. */
  title: string;
  /** Who fills it (the plan's owner of that code). */
  owner: string;
  /** null while the slot is empty. */
  load: null | (() => Promise<{ run: (context: LiveContext) => Promise<LiveFigure[]> }>);
  /** Where the figure is reported instead, while it is measured by a section of its own. */
  coveredBy?: string;
}

/** The live-system slots, in report order. */
export const LIVE_SLOTS: readonly LiveSlot[] = [
  { id: 'fanout', title: 'server fan-out of one published message to N sockets vs a naive `ws` broadcast loop (ratio, and messages/s)', owner: 'server', load: null, coveredBy: 'the Server section (scripts/bench/server.ts)' },
  { id: 'idle-memory', title: 'memory per idle authenticated connection (KiB, server heap + RSS over N sockets)', owner: 'server', load: null, coveredBy: 'the Server section (scripts/bench/server.ts)' },
  { id: 'accept-rate', title: 'accepted connections per second with JWT verification (connections/s; and refusals/s for bad tokens)', owner: 'server', load: null, coveredBy: 'the Server section (scripts/bench/server.ts)' },
  { id: 'replay', title: 'replay throughput after a reconnect with `since` (messages/s) and memory per buffered message (bytes)', owner: 'server / redis', load: null, coveredBy: 'the Server section (scripts/bench/server.ts)' },
  { id: 'cross-node', title: 'cross-node fan-out latency through Redis, publish on node A to receive on node B (ms p50 / p99)', owner: 'redis', load: null, coveredBy: 'the Cross-node fan-out (Redis) section (scripts/bench/redis-fanout.ts)' },
];

export interface LiveResult {
  id: string;
  title: string;
  owner: string;
  status: 'empty' | 'covered' | 'skipped' | 'measured' | 'failed';
  reason?: string;
  figures: (LiveFigure & { ok?: boolean })[];
  attempts: number;
}

/** Whether `figure` meets its target (undefined when it has none). */
export function meetsTarget(figure: LiveFigure): boolean | undefined {
  if (!figure.target) return undefined;
  return figure.target.op === '≤' ? figure.value <= figure.target.limit : figure.value >= figure.target.limit;
}

/** Runs every filled slot (a slot with a failing target up to `attempts` times) and reports every slot. */
export async function runLiveSlots(context: LiveContext, attempts = 3): Promise<LiveResult[]> {
  const results: LiveResult[] = [];
  for (const slot of LIVE_SLOTS) {
    const base = { id: slot.id, title: slot.title, owner: slot.owner };
    if (!slot.load) {
      results.push({ ...base, status: slot.coveredBy ? 'covered' : 'empty', ...(slot.coveredBy && { reason: `measured in ${slot.coveredBy}` }), figures: [], attempts: 0 });
      continue;
    }
    let result: LiveResult | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const { run } = await slot.load();
        context.log(`live: ${slot.id}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        const figures = (await run(context)).map((f) => ({ ...f, ok: meetsTarget(f) }));
        result = { ...base, status: 'measured', figures, attempts: attempt };
        if (!figures.some((f) => f.ok === false)) break;
      } catch (error) {
        const skipped = error instanceof LiveSkip;
        result = { ...base, status: skipped ? 'skipped' : 'failed', reason: (error as Error).message.split('\n')[0], figures: [], attempts: attempt };
        if (skipped) break;
      }
    }
    results.push(result!);
  }
  return results;
}
