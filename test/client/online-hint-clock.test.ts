/**
 * The browser's `online` hint after the wall clock jumped forward (a laptop waking up: the wall
 * clock advances by the sleep, the pending timers do not; or an NTP step). README "Reconnection":
 * "the next attempt is brought forward to a jittered wait of at most `baseMs` or 1 s, whichever
 * is less". Compared on the wall clock, a jump past `nextAttemptAt` made the hint do nothing and
 * the client waited out the rest of its backoff (tAO F8). A real client on `ws`, against a port
 * of 127.0.0.1 nothing listens on.
 */
import { closedPort } from '../support/ports.js';
import { afterEach, expect, it, vi } from 'vitest';
import { browserWindow, closeClients, nodeClient } from './support/helpers.js';

afterEach(() => {
  closeClients();
  vi.restoreAllMocks();
});


/** Waits on the monotonic clock (the helpers' `until` reads the wall clock this test moves). */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('brings the next attempt forward on the online hint after the wall clock jumped past nextAttemptAt', async () => {
  const { win, restore } = browserWindow();
  try {
    const port = await closedPort();
    // Every wait of the backoff is a minute: only the hint can bring the second attempt within the test's 10 s.
    const client = nodeClient(`ws://127.0.0.1:${port}/api/ws`, { polling: false, backoff: { baseMs: 60_000, factor: 1, maxMs: 60_000, jitter: false } });
    let attempts = 0;
    client.on('status', (s) => void (s.state === 'connecting' && attempts++));
    client.connect('good');
    await until(() => client.getStatus().state === 'waiting' && client.getStatus().nextAttemptAt !== null, 'the first attempt failed, the next one a minute away');
    expect(attempts).toBe(1);
    // The laptop wakes up two minutes later by the wall clock: past `nextAttemptAt`; the timer is still pending.
    const real = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => real() + 120_000);
    expect(client.getStatus().nextAttemptAt!).toBeLessThan(Date.now());
    win.dispatchEvent(new Event('online'));
    await until(() => attempts === 2, 'the attempt the online hint brought forward');
  } finally {
    restore();
  }
});
