/**
 * Interleaved timing with every candidate in its own V8 isolate (a child process).
 *
 * In one isolate, what one candidate ran changes what V8 does with the next: measured here,
 * the first function compiled with a `for…in` key count ran 1.4–1.5× faster than the same
 * code compiled later (ping), and in the mixed stream a second closure over the hand-written
 * limit ran at 0.71× the limit's own column. Which candidate won depended on the order of the
 * list, not on its code. Here each isolate runs one candidate (or one side of a ratio) and
 * nothing else, and starts fresh for every set it times: no candidate inherits a JIT history
 * another one made, or its own from other sets, and a set measured again after a missed
 * target is measured from scratch, not in the same JIT state. The bench's own process still
 * interleaves the batches in time, one at a time, so a burst of noise hits both sides of a
 * ratio alike.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InterleaveOptions, Samples } from './harness.js';

/** What an isolate builds the timed function from (see isolate-child.ts). */
export type Subject =
  /** A validation candidate of candidates.ts, by id; `safe` wraps it in try/catch (it throws on some input). */
  | { kind: 'candidate'; id: string; types: readonly string[]; safe: boolean }
  /** `JSON.parse(text)`. */
  | { kind: 'json' }
  /** `handValidate(JSON.parse(text))`: parseMessage's floor. */
  | { kind: 'floor' }
  /** `parseMessage(text, { mode: 'strict' })`. */
  | { kind: 'parse' }
  /** The same, reading a rejection's first error, as a caller that logs or answers it does. */
  | { kind: 'parse-first-error' }
  /** A function of the levers section, by id (lever-subjects.ts). */
  | { kind: 'lever'; id: string; types: readonly string[] };

export interface IsolatedEntry {
  /** Unique within one {@link interleaveIsolated} call. */
  id: string;
  /** Entries naming the same isolate share one process (heap and JIT history) for one draw of {@link interleaveIsolated}; other isolates share nothing with it. */
  isolate: string;
  subject: Subject;
  /** The inputs as JSON texts. */
  texts: readonly string[];
  /** Whether the function gets `JSON.parse(text)` (objects as a socket's parser delivers them) or the text itself. */
  parse: boolean;
}

interface Reply {
  value?: number;
  error?: string;
}

/**
 * One child process, asked one thing at a time. A process and not a worker thread: worker
 * threads share one process's CPU clock (Node 20 has no per-thread one), and V8's background
 * threads of one isolate (compiling, marking, sweeping) would be charged to another's batch.
 */
class Isolate {
  // tsx's loader, resolved from here, so the child runs .ts whoever started the bench and from wherever.
  private readonly child: ChildProcess = fork(fileURLToPath(new URL('./isolate-child.ts', import.meta.url)), [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(readonly name: string) {
    this.child.on('message', (reply: Reply) => this.waiting?.resolve(reply));
    // A send to a child that died before its exit was seen.
    this.child.on('error', (error) => this.fail(new Error(`bench isolate ${name}: ${error.message}`)));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.fail(new Error(`bench isolate ${name} exited (${signal ?? `code ${code}`})`));
        resolve();
      }),
    );
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
  }

  /** Sends `request`; rejects if the child dies, or says nothing for {@link ASK_TIMEOUT_MS}. */
  async ask(request: object): Promise<number> {
    if (this.failure) throw this.failure;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        this.waiting = { resolve, reject };
        timer = setTimeout(() => reject(new Error(`bench isolate ${this.name}: no answer to ${JSON.stringify((request as { op?: string }).op)} in ${ASK_TIMEOUT_MS / 1000} s`)), ASK_TIMEOUT_MS);
        this.child.send(request, (error) => error && this.fail(new Error(`bench isolate ${this.name}: ${error.message}`)));
      });
      if (reply.error !== undefined) throw new Error(`bench isolate ${this.name}: ${reply.error}`);
      return reply.value!;
    } finally {
      clearTimeout(timer);
      this.waiting = undefined;
    }
  }

  /** Kills the child; a question still waiting for its answer (another isolate failed mid-priming) fails now rather than at its timeout. */
  async close(): Promise<void> {
    this.fail(new Error(`bench isolate ${this.name} closed`));
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Longer than any one step takes (loading a candidate, priming, a batch), short of a hung bench. */
const ASK_TIMEOUT_MS = 120_000;

/** How an isolated measurement is made: `interleave`'s options, and how many fresh isolates in turn. */
export interface IsolatedOptions extends InterleaveOptions {
  /**
   * Fresh sets of isolates the rounds are spread over, one set after the other. V8 does not
   * compile the same function on the same inputs the same way in every isolate: measured
   * here, the strict `trades` validator ran at 300–690 ns in fresh processes alike, the
   * hand-written `decisions` check at 350–2,300 ns. One isolate per candidate is one draw of
   * that lottery; the rounds of several draws, pooled, are judged by their median.
   */
  draws: number;
}

/**
 * Times `entries` as `interleave` does (calibration one entry at a time, then rounds of one
 * batch per entry in a rotated order), each in its isolate, started for one draw and stopped
 * at its end: `options.draws` draws of `ceil(options.rounds / draws)` rounds each, whose
 * samples are concatenated (round i of every entry is still the same round). A fresh isolate
 * has seen nothing: each is first primed for `options.warmupNs` on all of its sets in turn,
 * so that V8 compiles its functions knowing every input they will get (without it, a
 * validator optimized on valid messages was thrown back to slower code by the invalid ones,
 * sometimes mid-rounds). The isolates of a draw load and prime side by side; from then on
 * only one runs at a time and the others wait for a message. Each times its batches on its own
 * process's CPU clock (harness.ts), which charges it its own garbage collection and
 * compilation, and nobody else's.
 * @returns ns per call of each entry, one sample per round
 */
export async function interleaveIsolated(entries: readonly IsolatedEntry[], options: IsolatedOptions): Promise<Samples> {
  const samples: Samples = new Map(entries.map((entry) => [entry.id, []]));
  const rounds = Math.ceil(options.rounds / options.draws);
  for (let draw = 0; draw < options.draws; draw++) {
    const isolates = new Map<string, Isolate>();
    for (const entry of entries) if (!isolates.has(entry.isolate)) isolates.set(entry.isolate, new Isolate(entry.isolate));
    const of = (entry: IsolatedEntry) => isolates.get(entry.isolate)!;
    try {
      await Promise.all(
        [...isolates.keys()].map(async (name) => {
          for (const entry of entries) if (entry.isolate === name) await of(entry).ask({ op: 'load', key: entry.id, subject: entry.subject, texts: entry.texts, parse: entry.parse });
        }),
      );
      // Side by side: priming is not timed, and each isolate primes for its own CPU time (isolate-child.ts).
      await Promise.all([...isolates.values()].map((isolate) => isolate.ask({ op: 'prime', warmupNs: options.warmupNs })));
      // Primed already: calibration only finds the batch size.
      const sizes: number[] = [];
      for (const entry of entries) sizes.push(await of(entry).ask({ op: 'calibrate', key: entry.id, options: { ...options, warmupNs: 0 } }));
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < entries.length; k++) {
          const index = (k + round) % entries.length;
          const entry = entries[index]!;
          samples.get(entry.id)!.push(await of(entry).ask({ op: 'run', key: entry.id, n: sizes[index] }));
        }
      }
    } finally {
      await Promise.all([...isolates.values()].map((isolate) => isolate.close()));
    }
  }
  return samples;
}
