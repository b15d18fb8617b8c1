/**
 * A worker thread of `validate` (see parallel.ts): judges the lines that start in each byte
 * range of a file it is sent, reading them itself from the descriptor the main thread opened,
 * with the serial path's code, and answers with its findings, line numbers counted from the
 * range's first line.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { FINDINGS_PER_ANSWER, type Finding, type RangeAnswer, type RangeRequest, type WorkerSettings } from './parallel.js';
import { lineEntry, MAX_LINE_BRACKETS, MAX_LINE_BYTES, MAX_LINE_KEYS, MAX_NESTING_DEPTH } from './sources/index.js';
import { ndjsonLineBatches } from './sources/ndjson-lines.js';
import { createChecker } from './validate-command.js';

const settings = workerData as WorkerSettings;
const allErrors = settings.allErrors ? (await import('./all-errors.js')).allErrorsOf : undefined;
const strict = settings.mode === 'strict';

/** Bytes read at a time: what a block was when this thread was handed blocks (its messages die young). */
const READ_BYTES = 64 * 1024;

let found: Finding[] = [];
/** Problems and warnings in `found`: a message rejected with every error (`--all-errors`) may hold hundreds. */
let held = 0;
let accepted = 0;
const check = createChecker(
  { mode: settings.mode, warn: settings.warn, allErrors },
  {
    accepted: () => {
      accepted++;
    },
    // Without the file's name, which this thread's caller knows: each finding carried its own
    // copy across, and a file of 9,400,000 bad lines under a long path held 3.3 GB (a hostile tester).
    rejected: (problems) => {
      found.push({ rejected: problems.map(({ file: _, ...problem }) => problem) });
      held += problems.length;
    },
    warning: (_file, line, text) => {
      found.push({ warning: { line, text } });
      held++;
    },
  },
);

/** An error reading the file (the serial path's fault), told apart from a bug in judging it. */
class ReadFailure {
  constructor(readonly error: NodeJS.ErrnoException) {}
}

function read(fd: number, bytes: Buffer, position: number): number {
  try {
    return readSync(fd, bytes, 0, bytes.length, position);
  } catch (error) {
    throw new ReadFailure(error as NodeJS.ErrnoException);
  }
}

/** Bytes read first for the end of the range's last line (most lines are far shorter), doubled on each read up to {@link READ_BYTES}. */
const TAIL_BYTES = 4096;

/**
 * The first line that starts in [`start`, `end`): its offset `from` (`start` itself when it is 0 or
 * follows an LF, else the byte after the first LF from `start`; -1 when none does: the range
 * lies inside a line begun before it), with `head`, the bytes from `from` that the search read
 * (up to {@link READ_BYTES} from `start - 1`, never past `end`): {@link rangeBytes} goes on from
 * there, so that the range is read once.
 */
function firstLine(fd: number, start: number, end: number): { from: number; head: Buffer } {
  if (start === 0) return { from: 0, head: EMPTY };
  for (let at = start - 1; at < end - 1; ) {
    // A new buffer each time: the splitter may keep a view of one while a line spans reads.
    // One byte more than a read: with the byte before it, a range of READ_BYTES is read at once.
    const bytes = Buffer.allocUnsafe(Math.min(READ_BYTES + 1, end - at));
    const n = read(fd, bytes, at);
    if (n === 0) return { from: -1, head: EMPTY };
    const lf = bytes.subarray(0, Math.min(n, end - 1 - at)).indexOf(10);
    if (lf !== -1) return { from: at + lf + 1, head: bytes.subarray(lf + 1, n) };
    at += n;
  }
  return { from: -1, head: EMPTY };
}

const EMPTY = Buffer.alloc(0);

/**
 * The bytes from `from` (a line start) to the end of the line that holds byte `end - 1`, or of
 * the file: `head` (the bytes from `from` already read), then the rest.
 */
async function* rangeBytes(fd: number, from: number, end: number, head: Buffer): AsyncGenerator<Buffer> {
  let at = from + head.length;
  let last = -1;
  if (head.length > 0) {
    last = head[head.length - 1]!;
    yield head;
  }
  while (at < end) {
    // A new buffer each time: the splitter may keep a view of one while a line spans reads.
    const bytes = Buffer.allocUnsafe(Math.min(READ_BYTES, end - at));
    const n = read(fd, bytes, at);
    if (n === 0) return;
    at += n;
    last = bytes[n - 1]!;
    yield bytes.subarray(0, n);
  }
  // The last line that starts in the range runs on past it, up to its LF: small reads first.
  if (last === 10) return;
  for (let size = TAIL_BYTES; ; size = Math.min(2 * size, READ_BYTES)) {
    const bytes = Buffer.allocUnsafe(size);
    const n = read(fd, bytes, at);
    if (n === 0) return;
    const lf = bytes.subarray(0, n).indexOf(10);
    yield bytes.subarray(0, lf === -1 ? n : lf + 1);
    if (lf !== -1) return;
    at += n;
  }
}

function send(answer: RangeAnswer): void {
  found = [];
  held = 0;
  accepted = 0;
  parentPort!.postMessage(answer);
}

parentPort!.on('message', async ({ id, file, fd, start, end }: RangeRequest) => {
  let lines = 0;
  let entries = 0;
  let readError: { code?: string; message: string } | undefined;
  try {
    const { from, head } = firstLine(fd, start, end);
    if (from !== -1) {
      for await (const batch of ndjsonLineBatches(rangeBytes(fd, from, end, head), { maxLineBytes: MAX_LINE_BYTES, invalidUtf8: 'report', byteOffset: from, scan: MAX_NESTING_DEPTH, scanBrackets: MAX_LINE_BRACKETS, scanKeys: MAX_LINE_KEYS })) {
        for (let i = 0; i < batch.length; i++) {
          const line = batch[i]!;
          lines = line.number;
          const entry = lineEntry(line, file, strict);
          if (entry === undefined) continue;
          entries++;
          check(entry);
          if (held >= FINDINGS_PER_ANSWER) send({ id, done: false, accepted, findings: found });
        }
      }
    }
  } catch (error) {
    if (!(error instanceof ReadFailure)) {
      send({ id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return;
    }
    readError = { message: error.error.message, ...(error.error.code !== undefined && { code: error.error.code }) };
  }
  send({ id, done: true, accepted, findings: found, lines, entries, ...(readError && { readError }) });
});
