import { findNonPortableIntegers } from '../languages/portability.js';
import { preview, type ValidationError } from '../runtime/errors.js';
import { validateMessage, type ValidationMode, type ValidationNotice, type ValidationResult } from '../runtime/validate.js';
import { messageType, Report, type Output, type Problem } from './report.js';
import { duplicateKeyError, readSourceBatches, type InputFormat, type MessageEntry } from './sources/index.js';
import { lineAt } from './sources/text.js';

/** Options of `realtime-contract validate`. */
export interface ValidateCommandOptions {
  mode: ValidationMode;
  format: 'text' | 'json';
  /** What standard input and pipes hold; default `auto` (see `readSources`). */
  input?: InputFormat | 'auto';
  /** Report every fault of each message, not only the first (uses the CLI's all-errors validators). */
  allErrors?: boolean;
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
 * would silently keep the last value. With `allErrors`, every fault of a message is reported.
 * Integers of valid messages that other languages read differently than the validator
 * (`1705251000000.0`, beyond 2^53: src/languages/portability.ts) are warnings on stderr in text
 * output, and so, in tolerant mode, is each value accepted although outside its closed list
 * (a notice of `validateMessage`); the exit code does not change.
 * Output and exit codes: see `report.ts` (0 all valid, 1 any invalid, 2 a usage or I/O error;
 * every other file is still validated).
 */
export async function runValidate(paths: string[], options: ValidateCommandOptions, output: Output): Promise<number> {
  const report = new Report({ format: options.format, stdout: output.stdout, stderr: output.stderr });
  const allErrors = options.allErrors ? (await import('./all-errors.js')).allErrorsOf : undefined;
  const batches = readSourceBatches(paths, {
    input: options.input ?? 'auto',
    duplicateKeys: options.mode === 'strict',
    stdin: output.stdin,
    onTerminal: () => output.stderr('realtime-contract: reading messages from standard input; end with Ctrl-D\n'),
  });
  // Made once: a million messages must not make a million option objects or closures.
  const mode = { mode: options.mode };
  const validate = (value: unknown) => validateMessage(value, mode);
  const warn = options.format === 'text';
  let warned: MessageEntry['source'] | undefined;
  for await (const entries of batches) {
    // A whole batch (the lines of one chunk read) synchronously: no await per message.
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind === 'message') {
        if (warn && entry.source !== warned) {
          // Once per text: a .json document's messages share theirs.
          warned = entry.source;
          const { text, line, scan } = entry.source;
          for (const warning of findNonPortableIntegers(text, validate, scan)) {
            report.warning(entry.file, line + lineAt(text, warning.offset) - 1, `${warning.pointer} ${warning.message}`);
          }
        }
        // The common case builds nothing: no problems, no places, no text.
        const result = entry.duplicateKeys.length === 0 ? validate(entry.value) : undefined;
        if (result?.ok) {
          report.accepted();
          // Tolerant mode: a value outside a closed list passed; say so, the verdict stands.
          if (warn && result.notices) for (const notice of result.notices) report.warning(entry.file, entry.locate(notice.pointer), noticeText(notice));
        } else report.rejected(check(entry, result, options.mode, allErrors));
      } else if (entry.kind === 'syntax') report.rejected([{ file: entry.file, line: entry.line, type: null, error: entry.error }]);
      else report.fault(entry.reason);
    }
    report.flush();
  }
  return report.finish();
}

/** `/data/side "hold" is not a value this contract lists ("buy", "sell"): accepted in tolerant mode`. */
function noticeText(notice: ValidationNotice): string {
  return `${notice.pointer} ${preview(notice.value)} is not a value this contract lists (${notice.known.map(preview).join(', ')}): accepted in tolerant mode`;
}

/**
 * The problems of one message that was not accepted: duplicate keys first (they change what
 * was validated), then the validator's.
 *
 * @param result the message's validation when already done (it was not when it has duplicate keys)
 */
function check(entry: MessageEntry, result: ValidationResult<unknown> | undefined, mode: ValidationMode, allErrors: ((value: unknown, mode: ValidationMode) => ValidationError[]) | undefined): Problem[] {
  const type = messageType(entry.value);
  const place = (line: number): Pick<Problem, 'file' | 'line' | 'index'> => ({ file: entry.file, line, ...(entry.index !== undefined && { index: entry.index }) });
  const problems: Problem[] = entry.duplicateKeys.map(({ pointer, line }) => ({ ...place(line), type, error: duplicateKeyError(pointer) }));
  if (problems.length > 0 && !allErrors) return problems.slice(0, 1);
  result ??= validateMessage(entry.value, { mode });
  if (!result.ok) {
    const errors = allErrors && result.reason === 'invalid' ? allErrors(entry.value, mode) : [];
    for (const error of errors.length > 0 ? errors : result.errors) problems.push({ ...place(entry.locate(error.pointer)), type, error });
  }
  return problems;
}
