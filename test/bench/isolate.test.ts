/**
 * The bench's isolated timing (scripts/bench/isolate.ts): what `npm run bench` rests its
 * validation and parsing figures on. Each entry runs in a child process of its own; the
 * processes stop when the measurement ends, or fails.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interleaveIsolated } from '../../scripts/bench/isolate.js';

const texts = ['{"type":"ping","timestamp":1}', '{"type":"pong","timestamp":2}'];
const options = { rounds: 4, batchNs: 20_000, warmupNs: 2_000_000, draws: 2 };

describe('interleaveIsolated', () => {
  it('gives every entry one sample per round, over all draws', async () => {
    const samples = await interleaveIsolated(
      [
        { id: 'json', isolate: 'a', subject: { kind: 'json' }, texts, parse: false },
        { id: 'floor', isolate: 'b', subject: { kind: 'floor' }, texts, parse: false },
        { id: 'strict', isolate: 'c', subject: { kind: 'candidate', id: 'strict', types: ['ping', 'pong'], safe: false }, texts, parse: true },
      ],
      options,
    );
    for (const id of ['json', 'floor', 'strict']) {
      expect(samples.get(id)).toHaveLength(4);
      for (const ns of samples.get(id)!) expect(ns).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);

  it('stops every isolate at once when one dies while the others wait for an answer, and leaves nothing waiting (found by a reviewer)', async () => {
    // Before the fix the other isolate's question kept its 120 s timer: a caller that caught
    // the error could not exit for two minutes. Killed after 30 s here, it fails the test.
    const caller = fileURLToPath(new URL('../support/isolate-caller.ts', import.meta.url));
    const { code, signal, stdout, stderr } = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', caller], { timeout: 30_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }));
    });
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const { rejected, left } = JSON.parse(stdout) as { rejected: string; left: number[] };
    expect(rejected).toMatch(/^bench isolate [ab] exited \(SIGKILL\)$/);
    expect(left).toEqual([]);
  }, 60_000);

  it('fails with the isolate named when its subject cannot be built, and does not hang', async () => {
    await expect(interleaveIsolated([{ id: 'x', isolate: 'x', subject: { kind: 'candidate', id: 'no-such-candidate', types: ['ping'], safe: false }, texts, parse: true }], options)).rejects.toThrow(/bench isolate x: .*no candidate no-such-candidate/);
  }, 60_000);
});
