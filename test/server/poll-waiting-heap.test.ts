/**
 * Polls waiting for room hold no page (tHY F1): a poll past its user's unsent bound waits for room (tHR F1), and it kept
 * the page it had read for its whole hold. A read of the Redis store is a copy of its own, so one token that never read
 * made the heap grow by a page for each of its waiting polls (15 of them: 13 to 121 MB; 30: 289 MB). It now holds only
 * its page's size while it waits, and reads its page again once it has room, cut to that room. Run in a child process
 * (`--expose-gc`, its own heap) over a MemoryStreamStore whose reads copy their frames, as Redis's do; real sockets on
 * 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { portCounter } from '../support/ports.js';

const nextPort = portCounter();
const CHILD = fileURLToPath(new URL('./poll-waiting-heap-child.ts', import.meta.url));

describe('polls waiting for room (tHY F1)', () => {
  it('hold no page of their own: 15 waiting polls of one user that never reads, over a store whose reads are copies, keep the heap within a page of what the first answer alone holds; given room at last, each reads its page again, cut to the room it took (what was published meanwhile is the next poll\'s)', async () => {
    const waiting = 15;
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, String(nextPort()), String(waiting)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (data: Buffer) => (out += data));
    child.stderr.on('data', (data: Buffer) => (err += data));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, err: err.slice(-2000) }).toEqual({ code: 0, err: '' });
    const { waitingHeld, pending, answers, slowPollCloses } = JSON.parse(out) as { waitingHeld: number; pending: number; answers: { status: string; ids: string[] }[]; slowPollCloses: number };
    expect(pending).toBe(waiting);
    // One 12 MB page is 12 MB of heap; the 15 waiting polls held 15 of them (180 MB) before.
    expect(waitingHeld).toBeLessThan(12_000_000);
    expect(answers).toEqual(Array.from({ length: waiting + 1 }, () => ({ status: '200', ids: ['big'] })));
    expect(slowPollCloses).toBe(0);
  }, 120_000);
});
