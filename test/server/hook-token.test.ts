/**
 * An `authenticate` hook and the request's token (tEM F1): the server's own token reader is
 * exported as `tokenOf`, and a hook's `null` for a request that carried no token is answered
 * `no-token`, as the `jwt` option answers it. It was `invalid-token` whatever the request held, so
 * the client's recovery from a proxy that drops `Authorization` (a poll sent again with
 * `?token=` on `no-token`) was lost with a hook: it stopped `unauthorized` for good.
 */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createRealtimeClient, type RealtimeStatus } from '../../src/client/index.js';
import { AuthError, createJwtVerifier, tokenOf } from '../../src/server/index.js';
import { refusedStatus, SECRET, startServer, token } from './helpers.js';

const request = (url: string, authorization?: string) => ({ url, headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('an authenticate hook and the token', () => {
  it('tokenOf reads a request as the jwt option does: ?token= first, else Authorization: Bearer; null for none', () => {
    expect(tokenOf(request('/api/ws?token=q.r.s', 'Bearer h.e.d'))).toBe('q.r.s');
    expect(tokenOf(request('/api/ws/poll', 'bearer   h.e.d  '))).toBe('h.e.d');
    expect(tokenOf(request('/api/ws', 'Basic dXNlcjpwdw=='))).toBeNull();
    expect(tokenOf(request('/api/ws'))).toBeNull();
    expect(tokenOf(request('/api/ws?since=e.1'), new URL('http://x/api/ws?token=u.v.w'))).toBe('u.v.w');
  });

  it('an empty ?token= is no token: the Authorization header is read, by tokenOf and by the jwt option (tET F3)', async () => {
    expect(tokenOf(request('/api/ws?token=&since=abc', 'Bearer h.e.d'))).toBe('h.e.d');
    expect(tokenOf(request('/api/ws?token=', 'Bearer h.e.d'))).toBe('h.e.d');
    expect(tokenOf(request('/api/ws?token='))).toBeNull();
    // A client whose URL template left `token=` empty while it sent the header was answered 401 invalid-token.
    const server = await startServer({ allowedOrigins: '*' });
    try {
      const poll = await fetch(server.http('/api/ws/poll?token='), { headers: { authorization: `Bearer ${await token('alice')}` } });
      await poll.arrayBuffer();
      expect(poll.status).toBe(200);
      const bare = await fetch(server.http('/api/ws/poll?token='));
      expect([bare.status, ((await bare.json()) as { error?: string }).error]).toEqual([401, 'no-token']);
    } finally {
      await server.rt.close();
    }
  });

  it("answers a hook's null no-token for a request without a token, invalid-token for one with a token", async () => {
    const verify = createJwtVerifier({ secret: SECRET });
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (req) => {
        const t = tokenOf(req);
        return t === null ? null : verify(t).catch((error: unknown) => (error instanceof AuthError && error.status === 401 ? null : Promise.reject(error)));
      },
    });
    try {
      const cases: [string, Record<string, string>, number, string | undefined][] = [
        ['/api/ws/poll', {}, 401, 'no-token'],
        ['/api/ws/poll', { authorization: 'Basic dXNlcjpwdw==' }, 401, 'no-token'],
        ['/api/ws/poll', { authorization: 'Bearer not.a.token' }, 401, 'invalid-token'],
        ['/api/ws/poll?token=not.a.token', {}, 401, 'invalid-token'],
        ['/api/ws/poll', { authorization: `Bearer ${await token('alice')}` }, 200, undefined],
      ];
      for (const [path, headers, status, code] of cases) {
        const poll = await fetch(server.http(path), { headers });
        const body = (await poll.json()) as { error?: string };
        expect([poll.status, body.error, poll.headers.get('www-authenticate')], `${path} ${JSON.stringify(headers)}`).toEqual([status, code, status === 401 ? (code === 'no-token' ? 'Bearer' : 'Bearer error="invalid_token"') : null]);
      }
      const upgrade = await refusedStatus(server.url());
      expect(upgrade.status).toBe(401);
      expect(server.rt.stats().refusedUpgrades).toMatchObject({ 'no-token': 1 });
    } finally {
      await server.rt.close();
    }
  });

  it('serves a hook\'s principal without admin as a plain user, admin false in the connection log line (tEM F2)', async () => {
    const lines: object[] = [];
    const log = (o: object) => void lines.push(o);
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', logger: { info: log, warn: log, error: log }, authenticate: () => ({ userId: 'alice' }) });
    try {
      const poll = await fetch(server.http('/api/ws/poll'));
      expect(poll.status).toBe(200);
      await poll.arrayBuffer();
      const socket = new WebSocket(server.url());
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      socket.close();
      expect(lines).toContainEqual(expect.objectContaining({ event: 'connection-open', userId: 'alice', admin: false }));
    } finally {
      await server.rt.close();
    }
  });

  it('lets a client behind a proxy that drops Authorization poll with ?token= against a hook that returns null', async () => {
    const verify = createJwtVerifier({ secret: SECRET });
    const server = await startServer({ jwt: undefined, webSocket: false, allowedOrigins: '*', authenticate: (req) => { const t = tokenOf(req); return t === null ? null : verify(t); } });
    // A real proxy on loopback that forwards each request without its Authorization header (an API gateway's habit).
    const proxy = http.createServer((req, res) => {
      const { authorization: _dropped, ...headers } = req.headers;
      const forward = http.request({ host: '127.0.0.1', port: server.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    // The client resets a refused upgrade's socket as it reads the answer: an unheard ECONNRESET failed the run (seen at load).
    proxy.on('upgrade', (_req, socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const client = createRealtimeClient({ url: `ws://127.0.0.1:${port}/api/ws`, WebSocket, fallbackAfter: 0, backoff: { baseMs: 50, maxMs: 400, stableMs: 500 } });
    try {
      const statuses: RealtimeStatus['state'][] = [];
      const connected = new Promise<void>((resolve, reject) => {
        client.on('connection', (c) => {
          if (c.status === 'connected') resolve();
        });
        client.on('status', (s) => {
          statuses.push(s.state);
          if (s.state === 'unauthorized') reject(new Error(`stopped unauthorized (HTTP ${s.lastHttpStatus})`));
        });
      });
      client.connect(await token('alice'));
      await connected;
      expect(client.getStatus()).toMatchObject({ state: 'polling', mode: 'polling' });
      expect(statuses).not.toContain('unauthorized');
    } finally {
      client.disconnect();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await server.rt.close();
    }
  });

  it("is told by a hook's AuthError status what the client does: 403 stops it for good, a provider too; 401 asks the provider again (README, tEM F3)", async () => {
    let refusals = 1;
    let status: 401 | 403 = 403;
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate: () => {
      if (refusals > 0) {
        refusals--;
        throw new AuthError(status, 'banned');
      }
      return { userId: 'alice' };
    } });
    try {
      for (const refusing of [403, 401] as const) {
        status = refusing;
        refusals = 1;
        let asked = 0;
        const client = createRealtimeClient({ url: server.url(), WebSocket, polling: false, backoff: { baseMs: 50, maxMs: 400, stableMs: 500 } });
        const ended = new Promise<RealtimeStatus>((resolve) => {
          client.on('status', (s) => {
            if (s.state === 'unauthorized' || s.mode === 'ws') resolve(s);
          });
        });
        client.connect(() => `token-${++asked}`);
        const end = await ended;
        client.disconnect();
        if (refusing === 403) expect({ state: end.state, lastHttpStatus: end.lastHttpStatus, nextAttemptAt: end.nextAttemptAt, asked }).toEqual({ state: 'unauthorized', lastHttpStatus: 403, nextAttemptAt: null, asked: 1 });
        else expect({ mode: end.mode, asked }).toEqual({ mode: 'ws', asked: 2 });
      }
    } finally {
      await server.rt.close();
    }
  });
});
