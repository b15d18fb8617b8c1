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
  const state = procStat(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

/**
 * When the process `pid` started, as `/proc/<pid>/stat` says (clock ticks since boot, as text):
 * with its pid, it names one process, where a pid alone may since name another (a lock left by a
 * process killed, its pid reused). Undefined where there is no `/proc` (macOS, Windows).
 */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

/** The fields of `/proc/<pid>/stat` from the state on (field 3), or undefined when it cannot be read. */
function procStat(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `<pid> (<command, which may hold parentheses>) <state> …`
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
