/**
 * How a CLI command reports what it found, the same way for `validate` and for the commands that
 * come after it (`diff`, `listen`): one line per problem and a count (text), or one JSON object
 * (json), and an exit code.
 *
 * A problem is a `ValidationError` from the runtime plus its place (`file`, `line`, `index` in a
 * `.json` array) and the message's `type`; its text line is
 * `path:line: <type> <pointer> expected …, got …` (`path:line: [index] <type> …` for a message of
 * a `.json` array), always one line whatever the message holds.
 *
 * ```ts
 * const output = processOutput();                       // stdout that survives `| head`
 * const report = new Report({ format: 'text', ...output });
 * report.accepted();                                    // one valid message
 * report.rejected([{ file, line, type: messageType(value), error }]); // one invalid message
 * report.warning(file, line, '/timestamp 1.0 is an integer written as a float: …'); // verdict unchanged
 * report.fault('cannot read "x.json": no such file or folder', 'x.json'); // usage / I/O: exit 2
 * process.exitCode = await report.finish();             // prints the count or the JSON object
 * ```
 *
 * Exit codes ({@link ExitCode}): 0 everything valid, 1 some message rejected, 2 a usage or I/O
 * error (a fault), whatever else was found. A reader that closes the pipe early never changes
 * the exit code: output stops, the run goes on to its real verdict.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { printableJson, printableWith } from '../runtime/printable.js';
import { caseSlip, cut, preview, type ValidationError } from '../runtime/errors.js';
import type { ValidationNotice } from '../runtime/validate.js';
import type { Place } from './sources/entry.js';

/** Exit codes of every command. */
export const ExitCode = {
  /** Everything read was valid (or, for other commands, nothing to report). */
  Ok: 0,
  /** At least one message was rejected. */
  Rejected: 1,
  /** A usage or I/O error: a missing or unreadable path, a bad option. */
  Fault: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One fault of one message, where it is. */
export interface Problem extends Place {
  /** The message's `type` when it has a string one, else null (text that is not a message). */
  type: string | null;
  error: ValidationError;
}

/** Where a command writes, and what it reads as standard input. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => NodeJS.ReadableStream;
  /**
   * A promise while what was written waits for a slow reader (stdout or stderr above its
   * buffer's high-water mark), else undefined: a command awaits it between batches, so that its
   * memory does not grow with its output (`validate … | slow-consumer` held 1.7 GB).
   */
  drained?: () => Promise<void> | undefined;
  /**
   * Resolves once standard output has failed for another reason than a reader that closed the
   * pipe (ENOSPC, EIO): its one line is said already, and the process exits 2 however it ends.
   * A command that never ends on its own (`serve`) stops on it. Never rejects.
   */
  stdoutFailed?: Promise<void>;
  /**
   * Resolves once what was written to standard output and error is handed to the system, a stream
   * that failed or closed skipped (a write to it, even an empty one, failed again: `serve --demo >
   * /dev/full` said its one line twice). For a command that ends its process by `process.exit`.
   * Never rejects.
   */
  flushed?: () => Promise<void>;
}

/** The JSON output of a command: counts, every problem (its place, then its error's fields) and every fault. */
export interface JsonReport {
  valid: number;
  invalid: number;
  problems: (Place & { type: string | null } & ValidationError)[];
  /** Notes that do not change a verdict, as text output prints them on stderr: `{ file, line, index?, message }` (`index` in a `.json` array). */
  warnings: { file: string; line: number; index?: number; message: string }[];
  /** Paths that could not be read: `{ file, message }`, `file` as problems name it (`<stdin>` for standard input). */
  errors: { file: string; message: string }[];
}

/** Where a checker's findings go: the run's {@link Report}, or a worker's record of them (parallel.ts). */
export type Findings = Pick<Report, 'accepted' | 'rejected' | 'warning'>;

/** Text output held before one write to stdout, in UTF-16 code units. */
const FLUSH_AT = 64 * 1024;

/** JSON output: warnings held in memory, at most; the rest wait in a temporary file until the problems are out. */
const WARNINGS_HELD = 10_000;

/**
 * Counts, prints and decides the exit code of one run.
 *
 * Text output to stdout is buffered: lines are written in writes of about 64 KiB, before
 * anything goes to stderr (so the two stay in order on a terminal), on {@link Report.flush}
 * (a command reading a live stream calls it after each chunk, so a rejection shows when its
 * line arrives), and on {@link Report.finish}.
 *
 * JSON output is one object, `{ problems, warnings, errors, valid, invalid }`, streamed so that
 * memory stays bounded however many messages fail: the problems are written as they come, one
 * per line; warnings past the first 10,000 wait in a temporary file (deleted as it is made:
 * nothing is left behind, even by a killed run) and follow the problems; the counts come last.
 */
export class Report {
  private valid = 0;
  private invalid = 0;
  /** JSON output: problems written so far. */
  private written = 0;
  private readonly faults: JsonReport['errors'] = [];
  private readonly warnings: JsonReport['warnings'] = [];
  /** JSON output: the temporary file that holds the warnings past {@link WARNINGS_HELD}, and its size in bytes. */
  private spill: { fd: number; bytes: number } | undefined;
  /** JSON output: warnings that came after the temporary file could not be made or written, held in memory (they follow its). */
  private readonly unspilled: JsonReport['warnings'] = [];
  /** Text not yet written to stdout. */
  private pending = '';

  constructor(private readonly options: { format: 'text' | 'json'; stdout: (text: string) => void; stderr: (text: string) => void; drained?: (() => Promise<void> | undefined) | undefined }) {}

  /** {@link Output.drained}: await it between batches. */
  drained(): Promise<void> | undefined {
    return this.options.drained?.();
  }

  /** One message accepted (`count` of them, default 1). */
  accepted(count = 1): void {
    this.valid += count;
  }

  /** One message rejected, for each of `problems` (at least one; several with `--all-errors`). */
  rejected(problems: readonly Problem[]): void {
    this.invalid++;
    if (this.options.format === 'text') {
      for (const problem of problems) this.pending += `${formatProblem(problem)}\n`;
      if (this.pending.length >= FLUSH_AT) this.flush();
    } else {
      for (const { error, ...place } of problems) this.pending += `${this.written++ === 0 ? '{"problems":[\n' : ',\n'}${inertJson({ ...place, ...error })}`;
      if (this.pending.length >= FLUSH_AT) this.flush();
    }
  }

  /** Writes the text output held so far to stdout (one write). */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.options.stdout(text);
  }

  /**
   * A usage or I/O error: printed at once to stderr in text mode, listed under `errors` in JSON
   * as `{ file, message }`; the exit code becomes 2.
   *
   * @param reason the whole sentence, naming the path itself (text output prints it alone)
   * @param file the path it concerns: JSON output's `file`
   */
  fault(reason: string, file: string): void {
    // As a problem's message: already escaped, so it reads the same through any JSON reader (tBU F1).
    this.faults.push({ file, message: oneLine(reason) });
    if (this.options.format === 'text') {
      this.flush();
      this.options.stderr(`realtime-contract: ${oneLine(reason)}\n`);
    }
  }

  /**
   * A note about a message that does not change the verdict (e.g. an integer written as a
   * float, which other languages read differently): `path:line: warning: <text>` on stderr in
   * text output (`path:line: warning: [index] <text>` for a message of a `.json` array), listed
   * under `warnings` in JSON.
   *
   * @param index the message's index in its `.json` array, if it is in one
   */
  warning(file: string, line: number, text: string, index?: number): void {
    if (this.options.format === 'text') {
      this.flush();
      this.options.stderr(`${oneLine(`${shownName(file)}:${line}: warning: ${index === undefined ? '' : `[${index}] `}${text}`)}\n`);
      return;
    }
    const warning = index === undefined ? { file, line, message: text } : { file, line, index, message: text };
    if (this.warnings.length < WARNINGS_HELD) this.warnings.push(warning);
    else if (!this.spillWarning(inertJson(warning))) this.unspilled.push(warning);
  }

  /**
   * Appends one warning (its JSON text) to the temporary file, made on the first. False when
   * the file cannot be made or written (no temporary folder, a full disk): that warning and the
   * ones after it are then held in memory, after what the file holds, and the output stays whole.
   */
  private spillWarning(json: string): boolean {
    // Once a warning could not go to the file, the ones after it cannot either: order is kept.
    if (this.unspilled.length > 0) return false;
    try {
      if (this.spill === undefined) {
        const folder = mkdtempSync(path.join(tmpdir(), 'realtime-contract-'));
        try {
          // Unlinked at once: the open descriptor keeps it readable, and nothing outlives the process.
          this.spill = { fd: openSync(path.join(folder, 'warnings.ndjson'), 'w+', 0o600), bytes: 0 };
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      }
      const entry = Buffer.from(`,\n${json}`);
      // Written at its place: after a short or failed write, the count still says where the whole entries end.
      if (writeSync(this.spill.fd, entry, 0, entry.length, this.spill.bytes) !== entry.length) throw new Error('short write');
      this.spill.bytes += entry.length;
      return true;
    } catch {
      return false;
    }
  }

  /** The exit code so far. */
  get exitCode(): ExitCode {
    return this.faults.length > 0 ? ExitCode.Fault : this.invalid > 0 ? ExitCode.Rejected : ExitCode.Ok;
  }

  /**
   * Prints what is held and `N valid, M invalid` (text), or the {@link JsonReport}, and resolves
   * to the exit code. JSON output copies the spilled warnings in chunks of about 64 KiB and waits
   * for a slow reader ({@link Output.drained}) between them: to a pipe, the whole spill was
   * queued in memory at once (`validate --format json … | jq` ran out of heap, its JSON cut).
   */
  async finish(): Promise<ExitCode> {
    if (this.options.format === 'text') {
      this.pending += `${this.valid} valid, ${this.invalid} invalid\n`;
      this.flush();
    } else {
      const warnings = this.warnings.map((warning) => inertJson(warning)).join(',\n');
      this.pending += `${this.written === 0 ? '{"problems":[' : '\n'}],\n"warnings":[${warnings === '' ? '' : `\n${warnings}`}`;
      if (this.spill) await this.copySpill(this.spill);
      for (const warning of this.unspilled) this.pending += `,\n${inertJson(warning)}`;
      const tail: Pick<JsonReport, 'errors' | 'valid' | 'invalid'> = { errors: this.faults, valid: this.valid, invalid: this.invalid };
      this.pending += `${warnings === '' ? '' : '\n'}],\n${inertJson(tail).slice(1)}\n`;
      this.flush();
    }
    return this.exitCode;
  }

  /** Writes the spilled warnings after the ones held (each entry already starts with its comma), waiting for a slow reader between chunks, and closes the file. */
  private async copySpill(spill: { fd: number; bytes: number }): Promise<void> {
    const buffer = Buffer.alloc(FLUSH_AT);
    // A character may straddle two reads: the decoder holds its first bytes until the rest come.
    const decoder = new StringDecoder('utf8');
    for (let position = 0; position < spill.bytes; ) {
      const read = readSync(spill.fd, buffer, 0, Math.min(buffer.length, spill.bytes - position), position);
      if (read === 0) break;
      position += read;
      this.pending += decoder.write(buffer.subarray(0, read));
      if (this.pending.length >= FLUSH_AT) {
        this.flush();
        await this.drained();
      }
    }
    closeSync(spill.fd);
    this.spill = undefined;
  }
}

/**
 * `path:line: <type> <pointer> <message>`, on one line, and `path:line: [index] <type> …` for a
 * message of a `.json` array (several may share a line); a long type or pointer is cut, a missing type is `-`.
 */
export function formatProblem({ file, line, index, type, error }: Problem): string {
  return oneLine(`${shownName(file)}:${line}: ${index === undefined ? '' : `[${index}] `}${type === null ? '-' : cut(type, 40)} ${shownPointer(error.pointer)} ${error.message}`);
}

/** A pointer as text output shows it: `(root)` for the root, cut past 200 UTF-16 code units, never inside a character (a key may be megabytes long; JSON output keeps it whole), escaped as {@link shownName}. */
export function shownPointer(pointer: string): string {
  return pointer === '' ? '(root)' : shownName(cut(pointer, 200));
}

/**
 * A file name or a JSON Pointer as text output shows it, on one line: {@link oneLine}'s escapes,
 * with a backslash doubled too (`a\\u202eb` for the six characters `\u202e`, `a\u202eb` for
 * U+202E), so a name holding what reads as an escape cannot pass for the name it spells (tBM).
 * The message after it quotes its values so already (`got "a\\u202eb"`).
 */
export function shownName(text: string): string {
  return oneLine(text.replaceAll('\\', '\\\\'));
}

/**
 * A file name quoted in a sentence (`cannot read "…"`, `no … files under "…"`), in text and JSON
 * output alike: {@link shownName}'s escapes, and a `"` in it as `\"`, so two names never print
 * alike and a name cannot close its quotes (tBU F1: only `file:line:` lines were escaped so).
 */
export function quotedName(name: string): string {
  return `"${shownName(name).replaceAll('"', '\\"')}"`;
}

/** The `type` of a value when it is an object with a string `type`, else null. Never throws. */
export function messageType(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  try {
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/**
 * The text on one line and inert in a terminal: control characters (newlines, escape
 * sequences, the 8-bit CSI U+009B) shown as `\n`, `\u001b`, `\u009b`, and the bidirectional
 * controls and half a surrogate pair alone as `\u202e`, `\ud800` (see `UNSAFE` in
 * src/runtime/printable.ts, which `diff` uses too).
 */
export function oneLine(text: string): string {
  return printableWith(text, (character) => JSON.stringify(character).slice(1, -1));
}

/** `JSON.stringify(value)` with DEL, the C1 and bidirectional controls and U+2028/9 escaped too (JSON.stringify leaves them raw): still JSON, and inert in a terminal. */
export function inertJson(value: unknown): string {
  return printableJson(JSON.stringify(value));
}

/**
 * This process's standard streams for a command. A reader that stops early (`| head -1`) closes
 * the pipe: further output is dropped instead of crashing or exiting, so the command still
 * finishes its run and exits with its real code (`set -o pipefail` then sees a failure as one).
 * A stream that cannot be written for another reason (a full disk, ENOSPC; EIO) is said in one
 * line on standard error when that still works (`realtime-contract: cannot write standard
 * output: ENOSPC: no space left on device, write`), its further output is dropped too, and the
 * process exits 2, an I/O error, whatever the command found: it threw from the stream's
 * 'error' handler, a stack trace and exit 1, which means "invalid" (a fresh user: a full disk
 * made a valid file fail CI; with standard error full, silently). Standard output's failure
 * also resolves `stdoutFailed`, on which `serve` stops.
 */
export function processOutput(): Output {
  const closed = { stdout: false, stderr: false };
  let failed = false;
  let stdoutFailed!: () => void;
  const stdoutFailure = new Promise<void>((resolve) => (stdoutFailed = resolve));
  const writer = (name: 'stdout' | 'stderr') => {
    process[name].on('error', (error: NodeJS.ErrnoException) => {
      closed[name] = true;
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      if (!closed.stderr) process.stderr.write(`realtime-contract: cannot write standard ${name === 'stdout' ? 'output' : 'error'}: ${oneLine(error.message)}\n`);
      if (name === 'stdout') stdoutFailed();
      if (failed) return;
      failed = true;
      // Last, over the command's own code (0 or 1), however the process ends.
      process.once('exit', () => {
        process.exitCode = 2;
      });
    });
    return (text: string) => {
      if (!closed[name]) process[name].write(text);
    };
  };
  /** Resolves once `name` has drained, closed or failed. */
  const drain = (name: 'stdout' | 'stderr') =>
    new Promise<void>((resolve) => {
      const stream = process[name];
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        stream.off('error', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  const drained = () => {
    const waiting = (['stdout', 'stderr'] as const).filter((name) => !closed[name] && process[name].writableNeedDrain);
    return waiting.length === 0 ? undefined : Promise.all(waiting.map(drain)).then(() => undefined);
  };
  const flushed = () =>
    Promise.all(
      (['stdout', 'stderr'] as const).map(
        (name) =>
          new Promise<void>((resolve) => {
            if (closed[name] || !process[name].writable) return resolve();
            // The callback comes with the write's error too, which the 'error' handler above says.
            process[name].write('', () => resolve());
          }),
      ),
    ).then(() => undefined);
  return { stdout: writer('stdout'), stderr: writer('stderr'), stdin: () => process.stdin, drained, stdoutFailed: stdoutFailure, flushed };
}

/** `"hold" is not a value this contract lists ("buy", "sell"): accepted in tolerant mode`, for a tolerant-mode notice at its pointer. */
export function noticeMessage(notice: ValidationNotice): string {
  // A case slip gets strict mode's hint too (a fresh user).
  const slip = typeof notice.value === 'string' ? caseSlip(notice.value, notice.known) : undefined;
  return `${preview(notice.value)} is not a value this contract lists (${notice.known.map(preview).join(', ')}): accepted in tolerant mode${slip ? `; ${slip}` : ''}`;
}
