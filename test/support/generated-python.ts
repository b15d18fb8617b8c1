import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs `python3 -B -c script ...args` in `folder` (made if missing) beside the generated Python module `moduleText`,
 * written there as `realtime_contract.py` so the script can `import realtime_contract`; bounded to 60 s.
 */
export function runBesideModule(folder: string, moduleText: string, script: string, args: readonly string[]): SpawnSyncReturns<string> {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'realtime_contract.py'), moduleText);
  return spawnSync('python3', ['-B', '-c', script, ...args], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
}
