/**
 * The bench's isolated timing (scripts/bench/isolate.ts): what `npm run bench` rests its
 * validation and parsing figures on. Each entry runs in a child process of its own; the
 * processes stop when the measurement ends, or fails.
 */
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

  it('fails with the isolate named when its subject cannot be built, and does not hang', async () => {
    await expect(interleaveIsolated([{ id: 'x', isolate: 'x', subject: { kind: 'candidate', id: 'no-such-candidate', types: ['ping'], safe: false }, texts, parse: true }], options)).rejects.toThrow(/bench isolate x: .*no candidate no-such-candidate/);
  }, 60_000);
});
