/**
 * A poll response is measured from its frames' UTF-8 lengths and encoded once into one Buffer (tHR F2: measured as one
 * concatenated string, a 12 MB page stopped the event loop 100-700 ms a poll). What goes out is the same page: its
 * Content-Length (a HEAD's too) is its bytes, it parses, and pages split where they did, with frames of one-, two-,
 * three- and four-byte characters. Real server on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
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
});
