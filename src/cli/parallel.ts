/**
 * `validate` on a large NDJSON file with worker threads: the file is cut into byte ranges, and
 * each worker reads the lines that start in its range from the file itself (the last one to its
 * end), splits, parses and judges them with the same code as the serial path (`createChecker`,
 * `ndjsonLineBatches`), and sends back what it found, with line numbers counted from the range's
 * first line; this thread replays the findings of the ranges in file order into the run's
 * report, so the output is the one the serial path gives, byte for byte (tested), only sooner
 * on a machine with more than one core.
 *
 * This thread reads nothing but the file's first line (to sniff a binary file) and is woken
 * once per range. It read the file and handed the workers a copy of every 64 KiB block before:
 * on the bench's 225 MB file the peak was 132 MB, now 96–98 MB, in about the same time.
 *
 * Memory stays bounded: at most two ranges per worker are in flight, a worker sends what it
 * found every {@link FINDINGS_PER_ANSWER} findings, and a line longer than `MAX_LINE_BYTES` is
 * counted and reported by its size, not held, as in the serial path.
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ValidationMode } from '../runtime/validate.js';
import { quotedName, type Findings, type Problem } from './report.js';
import { describeIoError, emptyFileEntry, opensPrettyDocument, type SourceEntry } from './sources/index.js';
import { binaryError, notUtf8Head, sniffBinary } from './sources/text.js';

/** Default size from which a regular NDJSON file goes to the workers: below it, starting them costs more than they save. */
export const PARALLEL_FROM = 8 * 1024 * 1024;

/**
 * Default bytes per range, as the blocks this thread handed out before were: ranges ahead wait
 * in this thread with their findings, and on a file of 5,000,000 invalid lines 256 KiB ranges
 * held 438 MB at peak, 64 KiB 273 MB (a reviewer); on the bench's valid file both held about 96 MB.
 */
const RANGE_BYTES = 64 * 1024;

/** Ranges handed to one worker and not yet finished, at most: one being judged, one waiting. */
const IN_FLIGHT_PER_WORKER = 2;

/** A worker that failed or stopped: the file it was judging cannot be finished by the workers. */
class WorkerFailure extends Error {}

/** Ranges sent and not yet replayed, at most, per worker (answers wait for the range before them). */
const AHEAD_PER_WORKER = 4;

/** Problems and warnings a worker holds before it sends them (a range of invalid lines is not answered in one piece). */
export const FINDINGS_PER_ANSWER = 512;

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

/** One range, to a worker: judge the lines of `file` that start at a byte offset in [`start`, `end`). */
export interface RangeRequest {
  id: number;
  /** The file's name, for the findings. */
  file: string;
  /** The file, open in this process (one open for all ranges: a file replaced meanwhile is not mixed in); read at positions, never closed by the worker. */
  fd: number;
  start: number;
  /** Infinity for the last range: to the end of the file, however long it has become. */
  end: number;
}

/** What a worker found in a line, in the order it was found, without the file's name (the range's file); line numbers count from the range's first line (1). */
export type Finding = { rejected: Omit<Problem, 'file'>[] } | { warning: { line: number; text: string } };

/**
 * A worker's answer for one range, in one or more parts (every {@link FINDINGS_PER_ANSWER}
 * findings), the last one `done`. `accepted` counts the valid lines since the part before.
 */
export type RangeAnswer =
  | { id: number; done: false; accepted: number; findings: Finding[] }
  | {
      id: number;
      done: true;
      accepted: number;
      findings: Finding[];
      /** Lines that start in the range, blank ones included. */
      lines: number;
      /** Non-blank lines (entries judged). */
      entries: number;
      /** The file could not be read on (the serial path's fault): what was judged before is in the findings. */
      readError?: { code?: string; message: string };
    }
  | { id: number; failure: string };

/**
 * A pool of workers for one `validate` run, started on the first large file and stopped by
 * {@link ParallelValidation.close}.
 */
export class ParallelValidation {
  private workers: { worker: Worker; inFlight: number }[] | undefined;
  /** Answer parts not yet replayed, by range id. */
  private readonly answers = new Map<number, RangeAnswer[]>();
  private wake: (() => void) | undefined;
  /** Why a worker stopped, if one did. */
  private broken: string | undefined;

  constructor(private readonly options: WorkerSettings & { jobs: number; blockBytes?: number | undefined }) {}

  /**
   * Validates the NDJSON file `file` with the workers, replaying their findings into
   * `findings` in file order; `check` judges what this thread finds itself (a binary file, an
   * empty one). An I/O error is a fault after the findings of what was read before it.
   *
   * @returns false, having found nothing, for a file whose line 1 is a lone `{` or `[`: maybe
   *   a pretty-printed document, which the serial path reads (it tells one from NDJSON)
   */
  async validateFile(file: string, findings: Findings & { fault(reason: string, file: string): void; flush(): void; drained?(): Promise<void> | undefined }, check: (entry: SourceEntry) => void): Promise<boolean> {
    let handle: FileHandle;
    let head: Buffer;
    let size: number;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      findings.fault(`cannot read ${quotedName(file)}: ${describeIoError(error)}`, file);
      return true;
    }
    try {
      try {
        ({ head, size } = await readHead(handle));
      } catch (error) {
        findings.fault(`cannot read ${quotedName(file)}: ${describeIoError(error)}`, file);
        return true;
      }
      const binary = sniffBinary(head, file);
      if (binary) {
        check({ kind: 'syntax', file, line: 1, error: binaryError(binary) });
        return true;
      }
      const notText = notUtf8Head(head);
      if (notText) {
        check({ kind: 'syntax', file, line: 1, error: notText });
        return true;
      }
      // Maybe a pretty-printed document: left to the serial path, which tells one from NDJSON
      // with a bad line 1 (in ranges, a 14 MB document was 1,200,002 errors; a hostile tester).
      if (opensPrettyDocument(head)) return false;
      try {
        await this.validateRanges(file, handle.fd, size, findings, check);
      } catch (error) {
        // Ranges may still be read through the descriptor closed below: the workers stop first.
        await this.close();
        throw error;
      }
      return true;
    } finally {
      // A worker that failed leaves the others reading this descriptor: they stop first.
      if (this.broken !== undefined) await this.close();
      await handle.close();
    }
  }

  /** The ranges of `file` (open as `fd`, `size` bytes) to the workers, their findings replayed in order. */
  private async validateRanges(file: string, fd: number, size: number, findings: Findings & { fault(reason: string, file: string): void; flush(): void; drained?(): Promise<void> | undefined }, check: (entry: SourceEntry) => void): Promise<void> {
    const workers = this.start();
    const rangeBytes = this.options.blockBytes ?? RANGE_BYTES;
    const ranges = Math.max(1, Math.ceil(size / rangeBytes));
    let nextId = 0;
    let replayed = 0;
    let line = 1;
    let entries = 0;
    let readError: { code?: string; message: string } | undefined;
    /** A worker failed (a bug, or out of memory): a fault for this file, from the line reached; the run goes on. */
    const stopped = (error: WorkerFailure) => {
      this.broken ??= error.message;
      findings.flush();
      findings.fault(`stopped validating ${quotedName(file)} at line ${line} (${error.message.split('\n')[0]}); run with --jobs 1`, file);
    };
    const replay = () => {
      for (let parts = this.answers.get(replayed); parts !== undefined && parts.length > 0; parts = this.answers.get(replayed)) {
        const part = parts.shift()!;
        if ('failure' in part) throw new WorkerFailure(part.failure);
        // After a read error, what later ranges found is past the point the serial path stops at.
        if (readError === undefined) {
          const base = line - 1;
          for (const finding of part.findings) {
            if ('rejected' in finding) findings.rejected(finding.rejected.map((problem) => ({ file, ...problem, line: problem.line + base })));
            else findings.warning(file, finding.warning.line + base, finding.warning.text);
          }
          findings.accepted(part.accepted);
          if (part.done) {
            line += part.lines;
            entries += part.entries;
            readError = part.readError;
          }
          findings.flush();
        }
        if (part.done) this.answers.delete(replayed++);
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
    try {
      for (let range = 0; range < ranges && readError === undefined; range++) {
        // A reader slow to take the output holds the next range back.
        await findings.drained?.();
        // A free worker, and not too many answers waiting behind a slow range: memory stays bounded.
        await until(() => workers.some(({ inFlight }) => inFlight < IN_FLIGHT_PER_WORKER) && nextId - replayed < AHEAD_PER_WORKER * workers.length);
        const idle = workers.reduce((best, next) => (next.inFlight < best.inFlight ? next : best));
        idle.inFlight++;
        const start = range * rangeBytes;
        const request: RangeRequest = { id: nextId++, file, fd, start, end: range === ranges - 1 ? Infinity : start + rangeBytes };
        idle.worker.postMessage(request);
      }
      await until(() => replayed === nextId);
    } catch (error) {
      if (error instanceof WorkerFailure) return stopped(error);
      throw error;
    }
    if (readError !== undefined) findings.fault(`cannot read ${quotedName(file)}: ${describeIoError(readError)}`, file);
    else if (entries === 0) check(emptyFileEntry(file, size > 0));
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
      worker.on('message', (answer: RangeAnswer) => {
        if (!('done' in answer) || answer.done) entry.inFlight--;
        const parts = this.answers.get(answer.id);
        if (parts) parts.push(answer);
        else this.answers.set(answer.id, [answer]);
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
 * A worker's heap: a young generation of 12 MiB. Left to itself V8 grows it much larger per worker
 * (2 workers peaked at 230 MiB). 6 MiB, chosen before, promoted the messages of a 64 KiB read
 * before they died: on the bench's 225 MB file (2 workers, 5 runs each, interleaved) it peaked at
 * 132–149 MiB and took 4.3–5.7 s with 19 % of each worker's time in the collector; 12 MiB peaked
 * at 105–109 MiB in 3.3–4.1 s (5 % in the collector; 10 MiB and 16 MiB were no faster, 16 MiB held 125 MiB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 12 };

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

/** The file's first line, at most 64 KiB of it (what the serial reader sniffs for a binary file), and the file's size in bytes. */
async function readHead(handle: FileHandle): Promise<{ head: Buffer; size: number }> {
  const { size } = await handle.stat();
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
  const head = buffer.subarray(0, bytesRead);
  const lf = head.indexOf(10);
  return { head: lf === -1 ? head : head.subarray(0, lf), size };
}
