/**
 * `validate` on a large NDJSON file with worker threads: this thread reads the file and cuts it
 * into blocks at line ends; each worker splits, parses and judges the lines of a block with the
 * same code as the serial path (`createChecker`) and sends back what it found, with line
 * numbers counted from the block's first line; this thread replays the findings of the blocks in
 * file order into the run's report, so the output is the one the serial path gives, byte for
 * byte (tested), only sooner on a machine with more than one core.
 *
 * Memory stays bounded: at most two blocks per worker are in flight, and a line longer than
 * `MAX_LINE_BYTES` is counted and reported by its size, not held, as in the serial path.
 */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { validationError } from '../runtime/errors.js';
import type { ValidationMode } from '../runtime/validate.js';
import type { Findings, Problem } from './report.js';
import { describeIoError, emptyFileEntry, lineEntry, MAX_LINE_BYTES, type SourceEntry } from './sources/index.js';
import { sniffBinary } from './sources/text.js';

/** Default size from which a regular NDJSON file goes to the workers: below it, starting them costs more than they save. */
export const PARALLEL_FROM = 8 * 1024 * 1024;

/**
 * Default bytes per block (cut at the last line end in it): small enough that a block's text
 * and its messages die in a worker's young generation (1 MiB blocks held 60 MiB more at peak),
 * large enough that handing blocks over costs little (about 3,500 for 225 MB).
 */
const BLOCK_BYTES = 64 * 1024;

/** Blocks handed to one worker and not yet answered, at most: one being judged, one waiting. */
const IN_FLIGHT_PER_WORKER = 2;

/** A worker that failed or stopped: the file it was judging cannot be finished by the workers. */
class WorkerFailure extends Error {}

/** Blocks sent and not yet replayed, at most, per worker (answers wait for the block before them). */
const AHEAD_PER_WORKER = 4;

/** Most worker threads `--jobs` may ask for (each costs about 15–25 MiB: 32 workers held 625 MB). */
export const MAX_JOBS = 16;

/** Default worker count: the CPUs Node may use, at most 4 (past that, reading and replaying is the bound). */
export function defaultJobs(): number {
  return Math.min(availableParallelism(), 4);
}

/** What the workers are told once. */
export interface WorkerSettings {
  mode: ValidationMode;
  /** Give warnings. */
  warn: boolean;
  allErrors: boolean;
}

/** One block, to a worker. */
export interface BlockRequest {
  id: number;
  file: string;
  /** The block: whole lines (the last one may lack its LF at the end of the file). Transferred. */
  bytes: Uint8Array;
  /** Offset of its first byte in the file. */
  byteOffset: number;
}

/** A finding of a worker, in the order it was found; line numbers count from the block's first line (1). */
export type Finding = { rejected: Problem[] } | { warning: { file: string; line: number; text: string } };

/** A worker's answer for one block. */
export type BlockResult =
  | {
      id: number;
      /** Lines in the block, blank ones included. */
      lines: number;
      /** Non-blank lines (entries judged). */
      entries: number;
      accepted: number;
      findings: Finding[];
    }
  | { id: number; failure: string };

/** What this thread has for the next slot in file order: a worker's block, or a line too long that was never sent. */
type Slot = BlockResult | { id: number; tooLong: number };

/**
 * A pool of workers for one `validate` run, started on the first large file and stopped by
 * {@link ParallelValidation.close}.
 */
export class ParallelValidation {
  private workers: { worker: Worker; inFlight: number }[] | undefined;
  /** Answers not yet replayed, by block id. */
  private readonly answers = new Map<number, Slot>();
  private wake: (() => void) | undefined;
  /** Why a worker stopped, if one did. */
  private broken: string | undefined;

  constructor(private readonly options: WorkerSettings & { jobs: number; blockBytes?: number | undefined }) {}

  /**
   * Validates the NDJSON file `file` with the workers, replaying their findings into
   * `findings` in file order; `check` judges what this thread finds itself (a line too long, a
   * binary file, an empty one). An I/O error is a fault after the findings of what was read.
   */
  async validateFile(file: string, findings: Findings & { fault(reason: string): void; flush(): void; drained?(): Promise<void> | undefined }, check: (entry: SourceEntry) => void): Promise<void> {
    const strict = this.options.mode === 'strict';
    let head: Buffer;
    try {
      head = await readHead(file);
    } catch (error) {
      findings.fault(`cannot read "${file}": ${describeIoError(error)}`);
      return;
    }
    const binary = sniffBinary(head);
    if (binary) {
      check({ kind: 'syntax', file, line: 1, error: validationError('', 'json', 'UTF-8 JSON text', binary) });
      return;
    }
    const workers = this.start();
    let nextId = 0;
    let replayed = 0;
    let line = 1;
    let entries = 0;
    /** A worker failed (a bug, or out of memory): a fault for this file, from the line reached; the run goes on. */
    const stopped = (error: WorkerFailure) => {
      this.broken ??= error.message;
      findings.flush();
      findings.fault(`stopped validating "${file}" at line ${line} (${error.message.split('\n')[0]}); run with --jobs 1`);
    };
    const replay = () => {
      for (let slot = this.answers.get(replayed); slot !== undefined; slot = this.answers.get(replayed)) {
        this.answers.delete(replayed++);
        if ('failure' in slot) throw new WorkerFailure(slot.failure);
        if ('tooLong' in slot) {
          check(lineEntry({ number: line++, tooLong: slot.tooLong }, file, strict)!);
          entries++;
          continue;
        }
        const base = line - 1;
        for (const finding of slot.findings) {
          if ('rejected' in finding) findings.rejected(finding.rejected.map((problem) => ({ ...problem, line: problem.line + base })));
          else findings.warning(finding.warning.file, finding.warning.line + base, finding.warning.text);
        }
        findings.accepted(slot.accepted);
        line += slot.lines;
        entries += slot.entries;
        findings.flush();
      }
    };
    /** Replays what has come back, until `done()` holds, waiting for the workers' answers. */
    const until = async (done: () => boolean) => {
      for (;;) {
        if (this.broken) throw new WorkerFailure(this.broken);
        replay();
        if (done()) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    };
    const send = async (bytes: Uint8Array, byteOffset: number) => {
      // A reader slow to take the output holds the next block back.
      await findings.drained?.();
      // A free worker, and not too many answers waiting behind a slow block: memory stays bounded.
      await until(() => workers.some(({ inFlight }) => inFlight < IN_FLIGHT_PER_WORKER) && nextId - replayed < AHEAD_PER_WORKER * workers.length);
      const idle = workers.reduce((best, next) => (next.inFlight < best.inFlight ? next : best));
      idle.inFlight++;
      const request: BlockRequest = { id: nextId++, file, bytes, byteOffset };
      idle.worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
    };
    const skip = (tooLong: number) => {
      this.answers.set(nextId, { id: nextId++, tooLong });
      replay();
    };

    const max = MAX_LINE_BYTES;
    /** Bytes of the line begun in earlier chunks (kept while ≤ max + 1, as the serial splitter does). */
    let carry: Buffer[] = [];
    let carried = 0;
    /** File offset of the next chunk's first byte. */
    let offset = 0;
    let failure: unknown;
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: this.options.blockBytes ?? BLOCK_BYTES }) as AsyncIterable<Buffer>) {
        const last = chunk.lastIndexOf(10);
        if (last === -1) {
          carried += chunk.length;
          if (carried <= max + 1) carry.push(chunk);
          else carry = [];
          offset += chunk.length;
          continue;
        }
        let from = 0;
        const first = carried > 0 ? chunk.indexOf(10) : -1;
        if (carried + first > max + 1) {
          // The line begun in earlier chunks ends at this LF and is too long to hold: counted
          // (its CR too, as the serial splitter counts it), never joined nor sent.
          skip(carried + first);
          carry = [];
          carried = 0;
          from = first + 1;
        }
        if (from <= last) await send(join(carry, carried, chunk.subarray(from, last + 1)), offset - carried + from);
        carry = [];
        carried = chunk.length - last - 1;
        if (carried > 0) carry.push(chunk.subarray(last + 1));
        offset += chunk.length;
      }
      if (carried > max + 1) skip(carried);
      else if (carried > 0) await send(join(carry, carried, undefined), offset - carried);
    } catch (error) {
      if (error instanceof WorkerFailure) return stopped(error);
      failure = error;
    }
    try {
      await until(() => replayed === nextId);
    } catch (error) {
      if (error instanceof WorkerFailure) return stopped(error);
      throw error;
    }
    if (failure !== undefined) findings.fault(`cannot read "${file}": ${describeIoError(failure)}`);
    else if (entries === 0) check(emptyFileEntry(file, offset > 0));
  }

  /** False once a worker has failed: the run reads its other files in this thread. */
  get usable(): boolean {
    return this.broken === undefined;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  private start(): { worker: Worker; inFlight: number }[] {
    if (this.workers) return this.workers;
    const settings: WorkerSettings = { mode: this.options.mode, warn: this.options.warn, allErrors: this.options.allErrors };
    this.workers = Array.from({ length: this.options.jobs }, () => {
      const worker = startWorker(settings);
      const entry = { worker, inFlight: 0 };
      worker.on('message', (answer: BlockResult) => {
        entry.inFlight--;
        this.answers.set(answer.id, answer);
        this.notify();
      });
      worker.on('error', (error) => {
        this.broken ??= `a validation worker failed: ${error.message}`;
        this.notify();
      });
      worker.on('exit', (code) => {
        if (this.workers?.includes(entry)) {
          this.broken ??= `a validation worker stopped (exit code ${code})`;
          this.notify();
        }
      });
      return entry;
    });
    return this.workers;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * A worker's heap: a young generation of 6 MiB, enough for a block's messages, which die young
 * (left to itself V8 grows it much larger per worker: 2 workers peaked at 230 MiB; 8 MiB gave 126 MiB, 6 MiB 120 MiB at the same CPU time).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 };

/** A worker running validate-worker.js (or, from a checkout run by tsx, validate-worker.ts through tsx). */
function startWorker(settings: WorkerSettings): Worker {
  const source = import.meta.url.endsWith('.ts');
  const script = new URL(`./validate-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(script, { workerData: settings, resourceLimits: WORKER_LIMITS });
  // Source files (tests, `npm run validate`): tsx's hooks are not inherited by a worker.
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  const tsx = pathToFileURL(path.join(path.dirname(manifest), api)).href;
  const bootstrap = `(await import(${JSON.stringify(tsx)})).register(); await import(${JSON.stringify(script.href)});`;
  return new Worker(bootstrap, { eval: true, workerData: settings, resourceLimits: WORKER_LIMITS });
}

/** `carry` (`carried` bytes) and `tail` in one new buffer of its own, transferable to a worker. */
function join(carry: Buffer[], carried: number, tail: Buffer | undefined): Uint8Array {
  const bytes = new Uint8Array(carried + (tail?.length ?? 0));
  let at = 0;
  for (const piece of carry) {
    bytes.set(piece, at);
    at += piece.length;
  }
  if (tail) bytes.set(tail, at);
  return bytes;
}

/** The file's first line, at most 64 KiB of it: what the serial reader sniffs for a binary file. */
async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    const head = buffer.subarray(0, bytesRead);
    const lf = head.indexOf(10);
    return lf === -1 ? head : head.subarray(0, lf);
  } finally {
    await handle.close();
  }
}
