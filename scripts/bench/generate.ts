/** Section 5: how long `npm run generate` takes. */
import { spawnSync } from 'node:child_process';
import { ROOT } from './candidates.js';
import { median } from './harness.js';

export interface GenerateFigure {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Exit codes seen: `--check` exits 1 when generated/ is stale, which is a fact worth showing, not a failure of the bench. */
  exitCodes: number[];
}

/** Spawns `npm run generate -- --check` (every generator runs, nothing is written) `runs` times. */
export function benchGenerate(runs: number): GenerateFigure {
  const times: number[] = [];
  const exitCodes = new Set<number>();
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync('npm', ['run', '--silent', 'generate', '--', '--check'], { cwd: ROOT, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    exitCodes.add(result.status ?? -1);
  }
  return { runs, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), exitCodes: [...exitCodes] };
}
