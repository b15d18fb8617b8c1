/** Whether a process of this `pid` runs (one of another user's counts: `kill` answers EPERM). For locks and folders named after their writer's pid. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
