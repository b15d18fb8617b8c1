import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `go run . <args>` of a Go module made in `dir`: named `module`, holding `go` (the generated messages.go, as package
 * `realtimecontract`, imported as `<module>/realtimecontract`) and `main` (its main.go). Offline (`GOPROXY=off`, the local
 * toolchain) and with a build cache of its own under `cacheDir` (default `dir`; runs of one file may share one, the
 * standard library then compiled once), so that it reads nothing of the machine's Go set-up. `timeoutMs` bounds the run
 * (default 240 s). Returns the run: its `status`, `stdout` and `stderr` as text.
 */
export function runGoModule(dir: string, module: string, go: string, main: string, args: readonly string[] = [], { timeoutMs = 240_000, cacheDir = dir }: { timeoutMs?: number; cacheDir?: string } = {}): SpawnSyncReturns<string> {
  mkdirSync(path.join(dir, 'realtimecontract'), { recursive: true });
  writeFileSync(path.join(dir, 'go.mod'), `module ${module}\n\ngo 1.19\n`);
  writeFileSync(path.join(dir, 'realtimecontract/messages.go'), go);
  writeFileSync(path.join(dir, 'main.go'), main);
  const env = { ...process.env, GOCACHE: path.join(cacheDir, '.gocache'), GOPATH: path.join(cacheDir, '.gopath'), GOFLAGS: '', GOPROXY: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local' };
  return spawnSync('go', ['run', '.', ...args], { cwd: dir, encoding: 'utf8', env, timeout: timeoutMs });
}
