import { spawnSync } from 'node:child_process';

/**
 * Whether an outside program a test needs (go, python3, redis-server, chromium) is on the
 * PATH. Tests that need one use `describe.skipIf(!tool.available)` and name `tool.reason` in
 * their title, so a developer without it sees why they skipped.
 *
 * Under `REALTIME_CONTRACT_REQUIRE_ALL=1` (set by `.ci/run`) a missing program throws at
 * collection time instead: CI cannot pass by skipping.
 */
export function findTool(command: string, versionArgs: string[] = ['--version']): { available: boolean; reason: string } {
  const probe = spawnSync(command, versionArgs, { encoding: 'utf8', timeout: 20_000 });
  const available = !probe.error && probe.status === 0;
  const reason = available ? '' : `skipped: ${command} is not installed (.ci/run installs it)`;
  if (!available && process.env.REALTIME_CONTRACT_REQUIRE_ALL === '1') {
    throw new Error(`${command} is required here (REALTIME_CONTRACT_REQUIRE_ALL=1) but cannot be run: ${probe.error?.message ?? probe.stderr}`);
  }
  return { available, reason };
}
