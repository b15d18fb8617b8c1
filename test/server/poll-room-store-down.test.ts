/**
 * A poll waiting for room (its user's poll answers not yet out past `pollUnsentBytes`, poll-unread.test.ts) is answered
 * 503 store-unavailable when the store goes down, woken by the health watch, not at the end of its hold (tIE F4's
 * complaint was the delay: "18 s into the outage"; tIM F7: the test there held 20 s and only awaited the answer, so
 * the hold's end answered it too and neither the health watch's wake-up nor the room check's look at the store was
 * tested). Here the hold is two minutes and the answer must come well before it: the health watch looks each second.
 * Real sockets on 127.0.0.1.
 */
import { connect as tcp, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { UserMessage } from '../../generated/types.js';
import { MemoryStreamStore, type StreamStore } from '../../src/server/index.js';
import { alert, startServer, token } from './helpers.js';

/** A poll on a connection that never reads its answer. */
async function unreadPoll(port: number, request: string): Promise<Socket> {
  const socket: Socket = tcp({ host: '127.0.0.1', port });
  socket.pause();
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(request);
  return socket;
}

/** An alert for `userId`'s stream whose JSON text is about `bytes` long. */
function big(id: string, bytes: number): UserMessage {
  const message = alert(id) as UserMessage & { data: Record<string, unknown> };
  return { ...message, data: { ...message.data, message: 'x'.repeat(bytes) } } as UserMessage;
}

const HOLD_MS = 120_000;
/** Far past the health watch's second, far short of the hold. */
const WELL_BEFORE_HOLD_ENDS_MS = 40_000;

describe('a poll waiting for room when the store goes down (tIM F7)', () => {
  it('is answered 503 store-unavailable long before its hold ends', async () => {
    const memory = new MemoryStreamStore();
    let down = false;
    const store: StreamStore = {
      append: (...args) => memory.append(...args),
      read: (...args) => memory.read(...args),
      subscribe: (listener) => memory.subscribe(listener),
      status: () => (down ? { healthy: false, detail: 'down' } : memory.status()),
      close: () => memory.close(),
    };
    const own = await startServer({ store, pollHoldMs: HOLD_MS });
    let stuck: Socket | undefined;
    try {
      const user = 'gus-waits';
      const jwt = await token(user);
      const since = (await own.rt.publish(user, alert(`${user}-small`))).cursor;
      await own.rt.publish(user, big(`${user}-big`, 12_000_000));
      stuck = await unreadPoll(own.port, `GET /api/ws/poll?token=${jwt}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await vi.waitFor(() => expect(own.rt.stats().pollsServed).toBe(1), { timeout: 10_000 });
      // Its page is the same 12 MB: no room while the first is unread.
      const waiting = fetch(own.http(`/api/ws/poll?since=${since}`), { headers: { authorization: `Bearer ${jwt}` } });
      await vi.waitFor(() => expect(own.rt.stats().pendingPolls).toBe(1), { timeout: 10_000 });
      down = true;
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([waiting, new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), WELL_BEFORE_HOLD_ENDS_MS)))]);
      clearTimeout(timer);
      expect(answer).not.toBe('still waiting');
      const response = answer as Response;
      expect([response.status, response.headers.get('retry-after'), await response.json()]).toEqual([503, '5', { error: 'store-unavailable' }]);
      expect(own.rt.stats().refusedPolls).toEqual({ 'store-unavailable': 1 });
      expect(own.rt.stats().slowPollCloses).toBe(0);
    } finally {
      stuck?.destroy();
      await own.rt.close();
    }
  }, 90_000);
});
