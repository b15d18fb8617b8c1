/**
 * A caller of the bench's isolated timing that catches its error (test/bench/isolate.test.ts):
 * two isolates primed side by side for a minute, one killed while they are busy. Prints
 * `{ rejected, left }` as JSON (the error's message, the isolates still running) and then
 * returns: the process should exit by itself, nothing of the failed measurement left waiting.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { interleaveIsolated } from '../../scripts/bench/isolate.js';

/**
 * This process's bench isolates (children running isolate-child.ts), by pid: read from /proc
 * on Linux (no procps needed on a bare machine), from `ps` elsewhere.
 */
function isolates(): number[] {
  const children: { pid: number; ppid: number; command: string }[] = [];
  if (existsSync('/proc/self/stat')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // The parent pid is the second field after the command's closing parenthesis.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.push({ pid: Number(entry), ppid, command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
      } catch {
        // gone meanwhile
      }
    }
  } else {
    for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid=,command='], { encoding: 'utf8' }).split('\n')) {
      const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      if (match) children.push({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3]! });
    }
  }
  return children.filter((child) => child.ppid === process.pid && child.command.includes('isolate-child')).map((child) => child.pid);
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
