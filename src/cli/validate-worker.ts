/**
 * A worker thread of `validate` (see parallel.ts): judges the lines of each block it is sent
 * with the serial path's code and answers with its findings, line numbers counted from the
 * block's first line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BlockRequest, BlockResult, Finding, WorkerSettings } from './parallel.js';
import { lineEntry, MAX_LINE_BYTES } from './sources/index.js';
import { ndjsonLineBatches } from './sources/ndjson-lines.js';
import { createChecker } from './validate-command.js';

const settings = workerData as WorkerSettings;
const allErrors = settings.allErrors ? (await import('./all-errors.js')).allErrorsOf : undefined;
const strict = settings.mode === 'strict';

let found: Finding[] = [];
let accepted = 0;
const check = createChecker(
  { mode: settings.mode, warn: settings.warn, allErrors },
  {
    accepted: () => {
      accepted++;
    },
    rejected: (problems) => {
      found.push({ rejected: [...problems] });
    },
    warning: (file, line, text) => {
      found.push({ warning: { file, line, text } });
    },
  },
);

/** The block as a Buffer over the same memory (its UTF-8 decoding is Node's fast one). */
async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

parentPort!.on('message', async ({ id, file, bytes, byteOffset }: BlockRequest) => {
  let answer: BlockResult;
  try {
    let lines = 0;
    let entries = 0;
    for await (const batch of ndjsonLineBatches(once(bytes), { maxLineBytes: MAX_LINE_BYTES, invalidUtf8: 'report', byteOffset })) {
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!;
        lines = line.number;
        const entry = lineEntry(line, file, strict);
        if (entry === undefined) continue;
        entries++;
        check(entry);
      }
    }
    answer = { id, lines, entries, accepted, findings: found };
  } catch (error) {
    answer = { id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  found = [];
  accepted = 0;
  parentPort!.postMessage(answer);
});
