/**
 * Poll answers whose clients never read them (tHH F4): a page was kept in the server for ever, its connection never
 * closed, and one token's polls, within every rate limit, ran the process out of memory (forty 8 MB pages killed a
 * 256 MB heap). A poll's answer is now held to what a slow socket is: one whose bytes have not moved out of the server
 * for 10 s has its connection cut, and a poll whose user's answers not yet out already hold `maxMessageBytes` plus
 * 1 KiB is closed unanswered; each counted in `stats().slowPollCloses` and logged once (throttled).
 * Real sockets on 127.0.0.1 that never read, the server's default options.
 */
import { connect as tcp, type Socket } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { UserMessage } from '../../generated/types.js';
import { alert, startServer, token } from './helpers.js';

/** A connection that sends `request` and reads nothing until `read()`; `closed` once the server has closed it (read to its end). */
async function stuckPoll(port: number, request: string) {
  const socket: Socket = tcp({ host: '127.0.0.1', port });
  socket.pause();
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(request);
  let bytes = 0;
  let closed = false;
  socket.on('close', () => (closed = true));
  return {
    /** Reads what the server sent: to its end when the server closed the connection. */
    read: () => {
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.resume();
    },
    get bytes() {
      return bytes;
    },
    get closed() {
      return closed;
    },
    destroy: () => socket.destroy(),
  };
}

/** An alert for `userId`'s stream whose JSON text is about `bytes` long. */
function big(id: string, bytes: number): UserMessage {
  const message = alert(id) as UserMessage & { data: Record<string, unknown> };
  return { ...message, data: { ...message.data, message: 'x'.repeat(bytes) } } as UserMessage;
}

describe('poll answers their clients never read (tHH F4)', () => {
  const lines: Record<string, unknown>[] = [];
  const log = (fields: Record<string, unknown>) => void lines.push(fields);
  // A clock that stands still: every refusal line's 10 s throttle holds for the whole test (the cuts' own deadline runs on Node's timers).
  let server: Awaited<ReturnType<typeof startServer>>;
  afterAll(() => server?.rt.close());

  it('are not kept for ever: an answer that does not move for 10 s has its connection cut, and a poll past its user\'s bound (16 MiB by default: one page of the largest message) is closed unanswered; counted, logged once', async () => {
    server = await startServer({ logger: { info: log, warn: log, error: log }, monotonicClock: () => 1000 });
    const users = ['alice-stops', 'bob-stops'];
    const since: Record<string, string> = {};
    for (const user of users) {
      since[user] = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
      // 12 MB: more than the kernel's buffers on loopback take of a connection that reads nothing.
      await server.rt.publish(user, big(`${user}-big`, 12_000_000));
    }
    const poll = async (user: string) => `GET /api/ws/poll?token=${await token(user)}&since=${since[user]} HTTP/1.1\r\nHost: x\r\n\r\n`;
    // Alice's first poll is answered and never read; her second, its 12 MB past the 16 MiB her answers not yet out may hold, is
    // closed unanswered; bob's is answered and never read.
    const alice1 = await stuckPoll(server.port, await poll('alice-stops'));
    await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(1), { timeout: 10_000 });
    const alice2 = await stuckPoll(server.port, await poll('alice-stops'));
    const bob = await stuckPoll(server.port, await poll('bob-stops'));
    await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(server.rt.stats().slowPollCloses).toBe(1), { timeout: 10_000 });
    // The server frees the two it answered: their connections are cut, their pages not all sent.
    await vi.waitFor(() => expect(server.rt.stats().slowPollCloses).toBe(3), { timeout: 30_000 });
    await vi.waitFor(async () => expect(await new Promise((resolve) => server.rt.httpServer.getConnections((_error, count) => resolve(count)))).toBe(0), { timeout: 5000 });
    for (const client of [alice1, alice2, bob]) client.read();
    await vi.waitFor(() => expect([alice1.closed, alice2.closed, bob.closed]).toEqual([true, true, true]), { timeout: 10_000 });
    expect(alice2.bytes).toBe(0);
    for (const client of [alice1, bob]) {
      expect(client.bytes).toBeGreaterThan(0);
      expect(client.bytes).toBeLessThan(12_000_000);
    }
    expect(server.rt.stats().pollsServed).toBe(2);
    // One line for the three (the same address, within 10 s), its token redacted.
    const unread = lines.filter((line) => line.event === 'poll-unread');
    expect(unread).toEqual([expect.objectContaining({ reason: 'unread', userId: 'alice-stops', ip: '127.0.0.1', url: `/api/ws/poll?token=[redacted]&since=${since['alice-stops']}` })]);
    expect(String(unread[0]!.detail)).toMatch(/^its user's poll answers not yet out hold \d+ bytes: with its \d+, past 16777216 \(the larger of maxMessageBytes \+ 1 KiB and maxSocketsPerUser × maxBufferedBytes\); closed unanswered$/);
    // A client that reads gets its page whole, and polls on.
    const reader = await fetch(server.http(`/api/ws/poll?since=${since['alice-stops']}`), { headers: { authorization: `Bearer ${await token('alice-stops')}` } });
    const page = (await reader.json()) as { messages: { data: { id: string } }[] };
    expect(page.messages.map((m) => m.data.id)).toEqual(['alice-stops-big']);
    expect(server.rt.stats().slowPollCloses).toBe(3);
  }, 60_000);
});
