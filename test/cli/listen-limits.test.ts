/**
 * What bounds a `listen` run: the memory of a frame of many unknown keys with --all-errors, the
 * size of a frame it reads (--max-frame), and --duration against frames queued behind a long
 * check. A real `ws` server on 127.0.0.1 (port 0), the CLI in a child process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

afterEach(stopWsServers);

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws', resume: 'new' }, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.0' });
const data = { id: 'trade_12345', bot_id: 'bot_abc', platform: 'luno', symbol: 'BTC-ZAR', side: 'buy', quantity: 0.001, price: 850000, total: 850, fee: 2.55, status: 'filled', pnl: null, timestamp: '2026-01-14T16:30:00.000Z' };

/** A trades message whose `data` holds `keys` unknown keys `k0`, `k1`, … (each `0`) before its own. */
function unknownKeys(keys: number): string {
  const extra = Array.from({ length: keys }, (_, i) => `"k${i}":0`).join(',');
  return JSON.stringify({ type: 'trades', data, ts: '2026-01-14T16:30:00.000Z', cursor: 'e.1' }).replace('"data":{', `"data":{${extra},`);
}

/** NODE_OPTIONS for a child with at most `mb` MB of heap. */
const heap = (mb: number) => ({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${mb}`.trim() });

describe('listen: bounds of a run', () => {
  it('--all-errors of a frame of 300,000 unknown keys runs in a 96 MB heap: 100 named, the rest counted (a fresh user: 0.85 KB a key, out of memory)', { timeout: 120_000 }, async () => {
    // The frame's syntax tree, built to show a number as written, took about 0.45 KB a key: this
    // run died out of memory in 128 MB; it now stays under 64 MB.
    const frame = unknownKeys(300_000);
    const url = await wsServer((ws) => {
      ws.send(connection);
      ws.send(frame);
    });
    const { status, stdout, stderr } = await runListen([url, '--count', '2', '--all-errors'], heap(96), 100_000);
    expect(stderr).not.toMatch(/heap out of memory/);
    const lines = stdout.trim().split('\n');
    const faults = lines.filter((line) => line.startsWith('frame 1: '));
    expect(faults).toHaveLength(101);
    expect(faults[0]).toBe('frame 1: trades /data/k0 expected no property "k0" (unknown to the schema), got 0');
    expect(faults[99]).toBe('frame 1: trades /data/k99 expected no property "k99" (unknown to the schema), got 0');
    expect(faults[100]).toBe('frame 1: trades /data expected no property unknown to the schema, got 299900 more unknown properties, not listed (--all-errors names 100 per object)');
    expect(lines.at(-1)).toBe('2 frames (1 valid, 1 invalid), 101 violations');
    expect(status).toBe(1);
  });
});
