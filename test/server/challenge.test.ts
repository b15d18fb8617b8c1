/**
 * Every 401 carries a Bearer challenge (RFC 9110 §11.6.1, RFC 6750 §3), a poll's and a refused
 * upgrade's, and the poll path answers HEAD as its GET, headers only (RFC 9110 §9.1, §9.3.2):
 * tAQ F3. Real server on 127.0.0.1; raw sockets for the upgrade.
 */
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SECRET, startServer, token } from './helpers.js';
import { SignJWT } from 'jose';

/** The answer to `text` written on a new connection to `port`, until the server closes it. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
  });
}

const UPGRADE = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

describe('401 challenges and HEAD on the poll path (README "Before the upgrade: refusals")', () => {
  it('every 401 carries WWW-Authenticate: Bearer, with error="invalid_token" when a token was given and refused', async () => {
    const server = await startServer();
    try {
      const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(Math.floor(Date.now() / 1000) - 120).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(SECRET));
      const cases: [string, RequestInit, string, string][] = [
        ['/api/ws/poll', {}, 'no-token', 'Bearer'],
        ['/api/ws/poll', { headers: { authorization: 'Bearer a.b.c' } }, 'invalid-token', 'Bearer error="invalid_token"'],
        ['/api/ws/poll?token=a.b.c', {}, 'invalid-token', 'Bearer error="invalid_token"'],
        ['/api/ws/poll', { headers: { authorization: `Bearer ${expired}` } }, 'token-expired', 'Bearer error="invalid_token"'],
      ];
      for (const [path, init, code, challenge] of cases) {
        const response = await fetch(server.http(path), init);
        expect([path, response.status, await response.json(), response.headers.get('www-authenticate')]).toEqual([path, 401, { error: code }, challenge]);
      }
      const none = await exchange(server.port, `GET /api/ws HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n\r\n`);
      expect(none).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
      expect(none).toContain('\r\nWWW-Authenticate: Bearer\r\n');
      const bad = await exchange(server.port, `GET /api/ws?token=a.b.c HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n\r\n`);
      expect(bad).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
      expect(bad).toContain('\r\nWWW-Authenticate: Bearer error="invalid_token"\r\n');
    } finally {
      await server.rt.close();
    }
  });

  it('HEAD on the poll path is answered as its GET, without content (it was 405 `Allow: GET`), and not held', async () => {
    const server = await startServer();
    try {
      const jwt = await token('alice');
      const get = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${jwt}` } });
      const page = (await get.json()) as { cursor: string };
      // With the cursor and nothing pending, a GET would be held (25 s): HEAD is answered at once.
      const head = await fetch(server.http(`/api/ws/poll?since=${page.cursor}`), { method: 'HEAD', headers: { authorization: `Bearer ${jwt}` } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('cache-control')).toBe('no-store');
      expect(await head.text()).toBe('');
      const refused = await fetch(server.http('/api/ws/poll'), { method: 'HEAD' });
      expect([refused.status, refused.headers.get('www-authenticate'), await refused.text()]).toEqual([401, 'Bearer', '']);
      const post = await fetch(server.http('/api/ws/poll'), { method: 'POST', headers: { authorization: `Bearer ${jwt}` } });
      expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    } finally {
      await server.rt.close();
    }
  });
});
