/**
 * A poll response is measured from its frames' UTF-8 lengths and encoded once into one Buffer (tHR F2: measured as one
 * concatenated string, a 12 MB page stopped the event loop 100-700 ms a poll). What goes out is the same page: its
 * Content-Length (a HEAD's too) is its bytes, it parses, and pages split where they did, with frames of one-, two-,
 * three- and four-byte characters. An answer not yet out holds its bytes once, that Buffer (tHR F3: sent as a string, it
 * held the string in the heap and the write's UTF-8 copy besides, twice what the per-user bound counts). Real server and
 * sockets on 127.0.0.1.
 */
import { connect as tcp, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import type { UserMessage } from '../../generated/types.js';
import { alert, startServer, token } from './helpers.js';

function titled(id: string, text: string): UserMessage {
  const message = alert(id) as UserMessage & { data: Record<string, unknown> };
  return { ...message, data: { ...message.data, message: text } } as UserMessage;
}

describe('poll response bodies, measured and encoded per frame (tHR F2)', () => {
  it('carry every frame, whatever its characters, with a Content-Length of their UTF-8 bytes; a HEAD says the same length', async () => {
    // 64 KiB pages: the frames below fill several.
    const server = await startServer({ maxBufferedBytes: 64 * 1024 });
    try {
      const user = 'ünï-user';
      const jwt = await token(user);
      const first = (await server.rt.publish(user, alert('start'))).cursor;
      const texts = ['ascii '.repeat(2000), 'Zürich ça '.repeat(1500), 'Привет мир '.repeat(1500), '東京 '.repeat(3000), '🚀📈 '.repeat(3000), 'mixed é € 𝄞 '.repeat(1000)];
      for (const [index, text] of texts.entries()) await server.rt.publish(user, titled(`m${index}`, text));
      const seen: string[] = [];
      let since = first;
      let pages = 0;
      for (; pages < 20 && seen.length < texts.length; pages++) {
        const url = server.http(`/api/ws/poll?since=${encodeURIComponent(since)}`);
        const head = await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${jwt}` } });
        const get = await fetch(url, { headers: { authorization: `Bearer ${jwt}` } });
        const bytes = Buffer.from(await get.arrayBuffer());
        expect([head.status, get.status]).toEqual([200, 200]);
        expect(Number(get.headers.get('content-length'))).toBe(bytes.length);
        expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
        const page = JSON.parse(bytes.toString('utf8')) as { cursor: string; resume: string; messages: { cursor: string; data: { id: string; message: string } }[] };
        expect(page.resume).toBe('resumed');
        for (const message of page.messages) {
          const index = Number(message.data.id.slice(1));
          expect(message.data.message).toBe(texts[index]);
          seen.push(message.data.id);
        }
        if (page.messages.length > 0) expect(page.cursor).toBe(page.messages[page.messages.length - 1]!.cursor);
        since = page.cursor;
      }
      expect(seen).toEqual(texts.map((_, index) => `m${index}`));
      // Split across pages, past the first frame of each.
      expect(pages).toBeGreaterThan(1);
      expect(pages).toBeLessThan(texts.length);
    } finally {
      await server.rt.close();
    }
  }, 30_000);

  it('an answer its client does not read is held once, as its bytes, outside the heap (tHR F3: sent as a string, the heap held each 12 MB page besides the write\'s copy)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const memory = () => {
      gc();
      gc();
      return process.memoryUsage();
    };
    const server = await startServer();
    const sockets: Socket[] = [];
    try {
      const users = ['held-1', 'held-2', 'held-3'];
      const requests: string[] = [];
      for (const user of users) {
        const since = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
        // 12 MB each: most of it stays in the process, past what the kernel takes of a connection that reads nothing.
        await server.rt.publish(user, titled(`${user}-big`, 'x'.repeat(12_000_000)));
        requests.push(`GET /api/ws/poll?token=${await token(user)}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
      }
      const before = memory();
      for (const request of requests) {
        const socket = tcp({ host: '127.0.0.1', port: server.port });
        socket.pause();
        socket.on('error', () => undefined);
        sockets.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(request);
      }
      await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(3), { timeout: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const held = memory();
      const counted = 3 * 12_000_000;
      // Not the process's rss: it keeps what the collector freed, and other work in the worker moves it on a shared machine.
      expect(held.heapUsed - before.heapUsed).toBeLessThan(counted / 4);
      expect(server.rt.stats().slowPollCloses).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.rt.close();
    }
  }, 60_000);

  it('close() on its own server lets an answer going out to a client reading at full speed go out whole before it ends the connection (tHR F4)', async () => {
    const server = await startServer();
    const user = 'drained';
    const since = (await server.rt.publish(user, alert(`${user}-small`))).cursor;
    await server.rt.publish(user, titled(`${user}-big`, 'x'.repeat(12_000_000)));
    const socket = tcp({ host: '127.0.0.1', port: server.port });
    socket.pause();
    socket.on('error', () => undefined);
    let closed = false;
    socket.on('close', () => (closed = true));
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET /api/ws/poll?token=${await token(user)}&since=${since} HTTP/1.1\r\nHost: x\r\n\r\n`);
      // Sent, most of it still in the process (the client has read nothing yet).
      await vi.waitFor(() => expect(server.rt.stats().pollsServed).toBe(1), { timeout: 20_000 });
      const stopping = server.rt.close();
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.resume();
      await stopping;
      await vi.waitFor(() => expect(closed).toBe(true), { timeout: 10_000 });
      const answer = Buffer.concat(chunks);
      const end = answer.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(answer.subarray(0, end).toString('latin1'))?.[1]);
      expect(answer.subarray(0, 15).toString('latin1')).toBe('HTTP/1.1 200 OK');
      expect(length).toBeGreaterThan(12_000_000);
      expect(answer.length - end - 4).toBe(length);
      const page = JSON.parse(answer.subarray(end + 4).toString('utf8')) as { messages: { data: { id: string } }[] };
      expect(page.messages.map((message) => message.data.id)).toEqual([`${user}-big`]);
    } finally {
      socket.destroy();
      await server.rt.close();
    }
  }, 60_000);
});
