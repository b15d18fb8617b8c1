/**
 * `realtime-contract serve --demo --port 0 …` in a child process, for the tests of the bin:
 * started from source with tsx (or a build, given node's arguments), its stdout and stderr collected, ready once it prints how to
 * stop it (or after 30 s). The test stops it; `kill` at the end of a test is a safety net.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

export interface DemoProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr together. */
  output(): string;
  /** The exit code, once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * @param options.node - node's arguments before `serve` (default: the source's main.ts under tsx),
 *   e.g. a built dist/src/cli/main.js
 */
export async function startDemoProcess(args: readonly string[] = [], { node = ['--import', 'tsx', MAIN], ...options }: Pick<SpawnOptions, 'env'> & { node?: readonly string[] } = {}): Promise<DemoProcess> {
  const child = spawn(process.execPath, [...node, 'serve', '--demo', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 600 && !out.includes('Ctrl-C') && child.exitCode === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return { child, output: () => out, exited };
}
