import { readFileSync } from 'node:fs';

/**
 * Whether a process of this `pid` runs (one of another user's counts: `kill` answers EPERM). For
 * locks and folders named after their writer's pid. A zombie (killed, not yet reaped by its
 * parent: `kill -9` of a demo started in the background) does not run: where `/proc` tells a
 * process's state (Linux), one in state Z or X counts as gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // No /proc (macOS, Windows), or the process is gone since.
    return true;
  }
  // `<pid> (<command, which may hold parentheses>) <state> …`
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state !== 'Z' && state !== 'X';
}
