/**
 * Interleaved micro-benchmark harness. The machines are shared and noisy, so candidates are
 * never timed one after the other: every round times one batch of each candidate, in a
 * rotated order, and the verdicts are medians over rounds of per-round ratios (a burst of
 * noise hits both sides of a ratio alike).
 */
import { do_not_optimize } from 'mitata';

/** One thing to time: a function called once per input. */
export interface Entry {
  /** Unique within one {@link interleave} call. */
  id: string;
  /** Called with each input in turn; its result is kept alive so V8 cannot drop the call. */
  fn: (input: any) => unknown;
  /** Cycled through in order; the figure is the mean over them. */
  inputs: readonly unknown[];
}

export interface InterleaveOptions {
  /** Rounds; each gives one sample per entry. */
  rounds: number;
  /** Wall time one batch should take, in ns: long enough to dwarf timer resolution. */
  batchNs: number;
  /**
   * Warm-up time in ns: per entry before its calibration in {@link interleave}, on the bench's
   * clock; per isolate in isolate.ts, in all and cycling through every set it times, on the
   * isolate's CPU time whatever the clock (it then calibrates without more warm-up).
   */
  warmupNs: number;
}

/** Per-entry samples: ns per call, one per round, in round order. */
export type Samples = Map<string, number[]>;

export type Loop = (fn: (input: unknown) => unknown, inputs: readonly unknown[], n: number, sink: (v: unknown) => void) => void;

/**
 * A fresh copy of the timing loop for each entry. Built with `new Function` so that every
 * entry gets its own bytecode and feedback: one shared loop would see every candidate's `fn`
 * at one call site, go megamorphic and add the same dispatch cost to fast and slow
 * candidates alike, which would squash the ratios.
 */
export function makeLoop(): Loop {
  return new Function(
    'fn',
    'inputs',
    'n',
    'sink',
    `let j = 0; const len = inputs.length;
     for (let i = 0; i < n; i++) { sink(fn(inputs[j])); if (++j === len) j = 0; }`,
  ) as Loop;
}

/**
 * The clock batches are timed with, ns. By default the process's CPU time (user + system,
 * `getrusage`, microsecond resolution): on a shared machine a batch that loses the CPU to
 * another process is not charged for the time it waited, which wall time would do to one
 * batch and not its neighbour. `BENCH_CLOCK=wall` uses `process.hrtime` instead. (A thread's
 * own CPU time would be better still, but Node 20 has no call for it, and Linux's
 * `/proc/thread-self/schedstat` moves only at scheduler ticks.)
 */
export const CLOCK: 'cpu' | 'wall' = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';

function wall(): number {
  return Number(process.hrtime.bigint());
}

/** This process's CPU time (user + system), ns. Isolates prime on it whatever {@link CLOCK} says: priming side by side, each gets its full share. */
export function cpu(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/** The bench's clock, ns (see {@link CLOCK}). */
export const now = CLOCK === 'wall' ? wall : cpu;

/**
 * Times `entries` interleaved: warm-up, then calibration of a batch size per entry (so each
 * batch takes about `batchNs`), then `rounds` rounds, each running one batch of every entry
 * in an order rotated by one per round (no entry always runs first or right after a slow one).
 * @returns ns per call of each entry, one sample per round
 */
export function interleave(entries: readonly Entry[], options: InterleaveOptions): Samples {
  const loops = entries.map(() => makeLoop());
  const sizes = entries.map((entry, index) => calibrate(loops[index]!, entry.fn, entry.inputs, options));
  const samples: Samples = new Map(entries.map((entry) => [entry.id, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < entries.length; k++) {
      const index = (k + round) % entries.length;
      const entry = entries[index]!;
      samples.get(entry.id)!.push(timeBatch(loops[index]!, entry.fn, entry.inputs, sizes[index]!));
    }
  }
  return samples;
}

/**
 * Warms `fn` up on `inputs` for `options.warmupNs`, then doubles the batch until one takes
 * `options.batchNs`. @returns the batch size, a multiple of the input count
 */
export function calibrate(loop: Loop, fn: Entry['fn'], inputs: readonly unknown[], options: InterleaveOptions): number {
  let n = inputs.length;
  // On the bench's clock: under load, wall time would give each entry a different amount of warming.
  const until = now() + options.warmupNs;
  while (now() < until) loop(fn, inputs, n, do_not_optimize);
  for (;;) {
    const start = now();
    loop(fn, inputs, n, do_not_optimize);
    if (now() - start >= options.batchNs || n >= 1 << 24) break;
    n *= 2;
  }
  return Math.max(inputs.length, Math.ceil(n / inputs.length) * inputs.length);
}

/** Runs one batch of `n` calls. @returns ns per call on the bench's clock */
export function timeBatch(loop: Loop, fn: Entry['fn'], inputs: readonly unknown[], n: number): number {
  const start = now();
  loop(fn, inputs, n, do_not_optimize);
  return (now() - start) / n;
}

/** Median of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median over rounds of `a[round] / b[round]`: both timed in the same round, so noise mostly cancels. */
export function medianRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, index) => value / b[index]!));
}

/** A ratio as the bench reports it: the median of per-round ratios and their interquartile range. */
export interface Ratio {
  median: number;
  /** First and third quartiles of the per-round ratios. */
  q1: number;
  q3: number;
}

/** Quantile `p` (0–1) of sorted `values`, interpolated. */
function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** Median and interquartile range over rounds of `a[round] / b[round]`. */
export function ratio(a: readonly number[], b: readonly number[]): Ratio {
  const ratios = a.map((value, index) => value / b[index]!).sort((x, y) => x - y);
  return { median: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) };
}

/** Interquartile spread of per-round ratios, relative to their median: how much to trust one. */
export function ratioSpread(a: readonly number[], b: readonly number[]): number {
  const ratios = a.map((value, index) => value / b[index]!).sort((x, y) => x - y);
  const q = (p: number) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))]!;
  return (q(0.75) - q(0.25)) / median(ratios);
}
