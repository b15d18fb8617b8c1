/**
 * A caller of the bench's isolated timing that catches its error (test/bench/isolate.test.ts):
 * two isolates primed side by side for a minute, one killed while they are busy. Prints
 * `{ rejected, left }` as JSON (the error's message, the isolates still running) and then
 * returns: the process should exit by itself, nothing of the failed measurement left waiting.
 */
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { interleaveIsolated } from '../../scripts/bench/isolate.js';

/** This process's bench isolates (children running isolate-child.ts), by pid. */
function isolates(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'isolate-child'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const texts = ['{"type":"ping","timestamp":1}'];
const run = interleaveIsolated(
  [
    { id: 'a', isolate: 'a', subject: { kind: 'json' }, texts, parse: false },
    { id: 'b', isolate: 'b', subject: { kind: 'json' }, texts, parse: false },
  ],
  { rounds: 4, batchNs: 20_000, warmupNs: 60_000_000_000, draws: 1 },
);
run.catch(() => {});
let pids: number[] = [];
for (let i = 0; i < 100 && pids.length < 2; i++) {
  await sleep(100);
  pids = isolates();
}
if (pids.length < 2) throw new Error(`expected 2 isolates, found ${pids.length}`);
process.kill(pids[0]!, 'SIGKILL');
let rejected = '';
try {
  await run;
} catch (error) {
  rejected = (error as Error).message;
}
process.stdout.write(`${JSON.stringify({ rejected, left: isolates() })}\n`);
