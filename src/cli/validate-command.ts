import { asWritten } from '../languages/as-written.js';
import { findNonPortableIntegers } from '../languages/portability.js';
import type { ValidationError } from '../runtime/errors.js';
import { validateMessage, type ValidationMode, type ValidationResult } from '../runtime/validate.js';
import { messageType, noticeMessage, oneLine, Report, shownPointer, type Findings, type Output, type Problem } from './report.js';
import { defaultJobs, PARALLEL_FROM, ParallelValidation } from './parallel.js';
import { duplicateKeyError, readFoundFile, readSourceBatches, type InputFormat, type MessageEntry, type SourceEntry } from './sources/index.js';
import { findLoneSurrogates, lineLookup, loneSurrogateError, mayHoldSurrogateEscape, type LoneSurrogate } from './sources/text.js';

/** Options of `realtime-contract validate`. */
export interface ValidateCommandOptions {
  mode: ValidationMode;
  format: 'text' | 'json';
  /** What standard input and pipes hold; default `auto` (see `readSources`). */
  input?: InputFormat | 'auto';
  /** Report every fault of each message, not only the first (uses the CLI's all-errors validators). */
  allErrors?: boolean;
  /**
   * Worker threads for NDJSON files of at least {@link ValidateCommandOptions.parallelFrom}
   * bytes (the output is the same, in the same order); 1 validates in this thread. Default: the
   * number of CPUs Node may use, at most 4. An integer from 1 to 16 (`MAX_JOBS`), not checked
   * here: the CLI's `--jobs` parser refuses any other.
   */
  jobs?: number;
  /** Size in bytes from which a regular NDJSON file is validated by the workers; default 8 MiB. */
  parallelFrom?: number;
  /** Bytes of a file per range handed to a worker (it judges the lines that start in it); default 64 KiB. */
  blockBytes?: number;
}

/**
 * `realtime-contract validate [paths...]`: validates message files.
 *
 * - `.json`: one message, or an array of messages;
 * - `.ndjson` / `.jsonl`: one message per line, read as a stream (bounded memory); blank
 *   lines are skipped, a bad line is reported and the others are still validated;
 * - a folder: every such file below it, recursively, in sorted order;
 * - `-`, a FIFO or a process substitution: read as `--input` says (`json`, `ndjson`, or `auto`:
 *   one document when the whole text is one, else NDJSON, never hiding a line).
 *
 * In strict mode a key written twice in one object is a fault (I-JSON, RFC 7493): `JSON.parse`
 * would silently keep the last value; so is a string with half a surrogate pair alone
 * (`"\ud800"`), which UTF-8 cannot carry. With `allErrors`, every fault of a message is reported.
 * Integers of valid messages that other languages read differently than the validator
 * (`1705251000000.0`, beyond 2^53: src/languages/portability.ts) are warnings (on stderr in text
 * output, under `warnings` in JSON), and so, in tolerant mode, is each value accepted although outside its closed list
 * (a notice of `validateMessage`); the exit code does not change.
 * A regular NDJSON file of `parallelFrom` bytes or more (8 MiB) is cut into byte ranges whose
 * lines `jobs` worker threads read and judge (parallel.ts); the output is the serial path's, in order.
 * Output and exit codes: see `report.ts` (0 all valid, 1 any invalid, 2 a usage or I/O error;
 * every other file is still validated).
 */
export async function runValidate(paths: string[], options: ValidateCommandOptions, output: Output): Promise<number> {
  const report = new Report({ format: options.format, stdout: output.stdout, stderr: output.stderr, drained: output.drained });
  const allErrors = options.allErrors ? (await import('./all-errors.js')).allErrorsOf : undefined;
  const jobs = options.jobs ?? defaultJobs();
  const parallel = jobs > 1 ? new ParallelValidation({ jobs, mode: options.mode, warn: true, allErrors: options.allErrors === true, blockBytes: options.blockBytes }) : undefined;
  const sources = {
    input: options.input ?? 'auto',
    duplicateKeys: options.mode === 'strict',
    stdin: output.stdin,
    onTerminal: () => output.stderr('realtime-contract: reading messages from standard input; end with Ctrl-D\n'),
    // Said on stderr whatever the format: the report itself is the file skipped.
    onSkipped: (_file: string, reason: string) => {
      report.flush();
      output.stderr(`realtime-contract: warning: ${oneLine(reason)}\n`);
    },
  };
  const batches = readSourceBatches(paths, { ...sources, largeNdjsonFrom: parallel ? (options.parallelFrom ?? PARALLEL_FROM) : undefined });
  const check = createChecker({ mode: options.mode, warn: true, allErrors }, report);
  try {
    for await (const entries of batches) {
      // A whole batch (the lines of one chunk read) synchronously: no await per message.
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (entry.kind !== 'ndjson-file') check(entry);
        // (A file the workers leave, maybe one pretty-printed document, is read serially.)
        else if (!parallel!.usable || !(await parallel!.validateFile(entry.file, report, check))) {
          for await (const serial of entry.found ? readFoundFile(entry.file, sources) : readSourceBatches([entry.file], sources)) {
            serial.forEach(check);
            report.flush();
            await report.drained();
          }
        }
      }
      report.flush();
      // A slow reader of the output: wait for it rather than hold what it has not read.
      await report.drained();
    }
  } finally {
    await parallel?.close();
  }
  return await report.finish();
}

/** How {@link createChecker} judges entries. */
export interface CheckerOptions {
  mode: ValidationMode;
  /** Whether to give warnings (non-portable integers, tolerant-mode notices). */
  warn: boolean;
  /** Every fault of a message (`--all-errors`), or undefined for the first one. */
  allErrors?: ((value: unknown, mode: ValidationMode) => ValidationError[]) | undefined;
}

/**
 * The verdict of `validate` on one entry at a time, into `findings`: a message is accepted or
 * rejected (faults of its text first: keys written twice, lone surrogates; then the validator's faults), text that is not a message is
 * rejected, warnings go with the message they are about. Used by this thread and by each worker
 * of {@link ParallelValidation}, so both give the same findings.
 *
 * @returns the function to call with each entry, in input order (an `unreadable` entry is a fault
 *   and goes to `fault`)
 */
export function createChecker(options: CheckerOptions, findings: Findings & { fault?: (reason: string, file: string) => void }): (entry: SourceEntry) => void {
  // Made once: a million messages must not make a million option objects or closures.
  const mode = { mode: options.mode };
  const validate = (value: unknown) => validateMessage(value, mode);
  const { warn, allErrors } = options;
  let warned: MessageEntry['source'] | undefined;
  // Strict mode: whether the text of the last source seen writes an escape (a .json document's messages share one text, read once).
  const strict = options.mode === 'strict';
  let escapesOf: MessageEntry['source'] | undefined;
  let escapes = false;
  return (entry) => {
    if (entry.kind === 'message') {
      if (strict && entry.source !== escapesOf) {
        escapesOf = entry.source;
        escapes = mayHoldSurrogateEscape(entry.source.text);
      }
      const lone = escapes ? findLoneSurrogates(entry.value) : NONE;
      // The common case builds nothing: no problems, no places, no text.
      const result = entry.duplicateKeys.length === 0 && lone.length === 0 ? validate(entry.value) : undefined;
      // Once per text (a .json document's messages share theirs), and only for a text whose one pass saw a suspect number.
      if (warn && entry.source !== warned && entry.source.scan?.nonPortable !== false) {
        warned = entry.source;
        const { text, line, scan } = entry.source;
        const lineOf = lineLookup(text);
        // A text that is this message alone (an NDJSON line, a one-message document) is not parsed, nor validated, again.
        const own = entry.index === undefined ? { value: entry.value, valid: result?.ok } : undefined;
        for (const warning of findNonPortableIntegers(text, validate, scan, own)) {
          // A text of many messages names the message; a message of an array with a text of its own (one nested too deep beside it) is the entry's.
          findings.warning(entry.file, line + lineOf(warning.offset) - 1, `${shownPointer(warning.pointer)} ${warning.message}`, warning.index ?? entry.index);
        }
      }
      if (result?.ok) {
        findings.accepted();
        // Tolerant mode: a value outside a closed list passed; say so, the verdict stands.
        if (warn && result.notices) for (const notice of result.notices) findings.warning(entry.file, entry.locate(notice.pointer), `${shownPointer(notice.pointer)} ${noticeMessage(notice)}`, entry.index);
      } else findings.rejected(check(entry, result, options.mode, allErrors, lone));
    } else if (entry.kind === 'syntax') findings.rejected([{ file: entry.file, line: entry.line, ...(entry.index !== undefined && { index: entry.index }), type: null, error: entry.error }]);
    else if (entry.kind === 'unreadable') findings.fault?.(entry.reason, entry.file);
  };
}


const NONE: readonly LoneSurrogate[] = Object.freeze([]);

/**
 * The problems of one message that was not accepted: faults of its text first (keys written
 * twice, which change what was validated; then lone surrogates), then the validator's.
 *
 * @param result the message's validation when already done (it was not when its text has a fault)
 */
function check(entry: MessageEntry, result: ValidationResult<unknown> | undefined, mode: ValidationMode, allErrors: ((value: unknown, mode: ValidationMode) => ValidationError[]) | undefined, lone: readonly LoneSurrogate[]): Problem[] {
  const type = messageType(entry.value);
  const place = (line: number): Pick<Problem, 'file' | 'line' | 'index'> => ({ file: entry.file, line, ...(entry.index !== undefined && { index: entry.index }) });
  const problems: Problem[] = entry.duplicateKeys.map(({ pointer, line }) => ({ ...place(line), type, error: duplicateKeyError(pointer) }));
  for (const found of lone) problems.push({ ...place(entry.locate(found.pointer)), type, error: loneSurrogateError(found) });
  if (problems.length > 0 && !allErrors) return problems.slice(0, 1);
  result ??= validateMessage(entry.value, { mode });
  if (!result.ok) {
    const errors = allErrors && result.reason === 'invalid' ? allErrors(entry.value, mode) : [];
    const faults = errors.length > 0 ? errors : result.errors;
    // The numbers at fault as written, those of every fault at once, made when one is asked for.
    let literals: ReadonlyMap<string, string> | undefined;
    const literal = (pointer: string) => (literals ??= entry.literals(faults.map((fault) => fault.pointer))).get(pointer);
    for (const error of faults) problems.push({ ...place(entry.locate(error.pointer)), type, error: asWritten(error, entry.value, literal) });
  }
  return problems;
}

