/**
 * What the server's log says of a hook's error, of the request the hook was called for (tGF F2, F3, F4, F8): the request's
 * token, whatever its shape and however the error splits it, its query values and its Origin's user info are `[redacted]`
 * as the same line's `url` and `origin` redact them; ordinary text (hosts, paths, dotted names) stays shown. Real servers on
 * 127.0.0.1, port 0; real requests.
 */
import { describe, expect, it } from 'vitest';
import { AuthError, MemoryStreamStore, tokenOf, type RealtimeServerOptions } from '../../src/server/index.js';
import { redactionWork } from '../../src/shared/secrets.js';
import { refusedStatus, startServer, token } from './helpers.js';

/** A logger that keeps each line as JSON (its message after a space). */
function recorder() {
  const lines: string[] = [];
  const log = (o: object, m?: string) => void lines.push(`${JSON.stringify(o)} ${m ?? ''}`);
  const parsed = (event: string) => lines.filter((line) => line.includes(`"event":"${event}"`)).map((line) => JSON.parse(line.slice(0, line.lastIndexOf('} ') + 1)) as Record<string, unknown>);
  return { lines, logger: { info: log, warn: log, error: log }, parsed };
}

/**
 * The `err` of each `authenticate-failed` line of a server whose authenticate hook throws `errors` in turn, one poll each (each
 * answered 401), and every line it logged, joined.
 */
async function authenticateErrors(errors: unknown[]): Promise<{ errs: { name?: string; code?: string; message: string }[]; text: string }> {
  const { lines, logger, parsed } = recorder();
  let n = 0;
  const server = await startServer({
    jwt: undefined,
    allowedOrigins: '*',
    authenticate: () => {
      throw errors[n++];
    },
    logger,
  } as Partial<RealtimeServerOptions>);
  try {
    for (const _ of errors) expect((await fetch(server.http('/api/ws/poll?token=abc'))).status).toBe(401);
    return { errs: parsed('authenticate-failed').map((line) => line.err as { name?: string; code?: string; message: string }), text: lines.join('\n') };
  } finally {
    await server.rt.close();
  }
}

/** An opaque session token (no JWT): the usual reason to write an authenticate hook. */
const OPAQUE = 'sess_8f3kQ2mZ9xV7bL1pR4tY';

/** Throws `error` built from the request's token, the case named by the request's `x-case` header. */
type Thrower = (token: string) => unknown;

async function hookLines(cases: Record<string, Thrower>, tokens: string[]): Promise<{ text: string; summaries: Record<string, unknown>[] }> {
  const { lines, logger, parsed } = recorder();
  const server = await startServer({
    jwt: undefined,
    allowedOrigins: '*',
    authenticate: (request) => {
      throw cases[String(request.headers['x-case'])]!(tokenOf(request) ?? '');
    },
    logger,
  } as Partial<RealtimeServerOptions>);
  try {
    for (const name of Object.keys(cases)) {
      for (const given of tokens) {
        // By ?token= and by Authorization: Bearer, as tokenOf reads both.
        expect((await fetch(server.http(`/api/ws/poll?token=${encodeURIComponent(given)}`), { headers: { 'x-case': name } })).status).toBe(401);
        expect((await fetch(server.http('/api/ws/poll'), { headers: { 'x-case': name, authorization: `Bearer ${given}` } })).status).toBe(401);
      }
    }
    return { text: lines.join('\n'), summaries: parsed('authenticate-failed').map((line) => line.err as Record<string, unknown>) };
  } finally {
    await server.rt.close();
  }
}

describe("the request's own token in a hook's error is [redacted], whatever its shape (tGF F3: an opaque one was logged whole; F4: a JWT split keeping its dot, or between code and message)", () => {
  it('an opaque token in the message, the name, the code, a thrown string, an AuthError given it as reason, URL-encoded, cut short, or cut by a line break, a blank or a dot', async () => {
    const cases: Record<string, Thrower> = {
      message: (t) => new Error(`unknown session ${t}`),
      name: (t) => Object.assign(new Error('x'), { name: t }),
      code: (t) => Object.assign(new Error('lookup failed'), { code: t }),
      thrown: (t) => `token ${t}`,
      reason: (t) => {
        try {
          return new AuthError(401, t);
        } catch (error) {
          return error;
        }
      },
      encoded: (t) => new Error(`GET /sessions/${encodeURIComponent(`${t}/x`)}`),
      cut: (t) => new Error(`session ${t.slice(0, 10)}\n${t.slice(10)} not found`),
      truncated: (t) => new Error(`session ${t.slice(0, 14)}... not found`),
      spaced: (t) => new Error(`a session of ${t.slice(0, 12)} ${t.slice(12, 20)}.${t.slice(20)}`),
    };
    const { text, summaries } = await hookLines(cases, [OPAQUE, `${OPAQUE}/+=`]);
    expect(summaries).toHaveLength(Object.keys(cases).length * 4);
    expect(text).not.toContain(OPAQUE);
    for (const piece of [OPAQUE.slice(0, 10), OPAQUE.slice(10), OPAQUE.slice(5, 14)]) expect(text).not.toContain(piece);
    expect(summaries).toContainEqual({ name: 'Error', message: 'unknown session [redacted]' });
    expect(summaries).toContainEqual({ name: '[redacted]', message: 'x' });
    expect(summaries).toContainEqual({ name: 'Error', code: '[redacted]', message: 'lookup failed' });
    expect(summaries).toContainEqual({ message: 'token [redacted]' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'GET /sessions/[redacted]%2Fx' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'session [redacted] not found' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'session [redacted]... not found' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'a session of [redacted]' });
    expect(text).toMatch(/"name":"TypeError","message":"AuthError: reason must be a short kebab-case code .*got \\"\[redacted\]\\""/);
  });

  it('a JWT split anywhere between name and message (with its dot kept or removed), between code and message, or by a line break within a part', async () => {
    const jwt = await token('alice');
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const cases: Record<string, Thrower> = {
      dotKept: (t) => Object.assign(new Error(`.${t.split('.').slice(1).join('.')}`), { name: `TokenError ${t.split('.')[0]}` }),
      codeMessage: (t) => Object.assign(new Error(t.split('.').slice(1).join('.')), { code: t.split('.')[0] }),
      lineBreak: (t) => new Error(`token ${t.slice(0, 40)}\n${t.slice(40)}`),
    };
    // And a split at every point of the token, between the name and the message.
    for (let at = 1; at < jwt.length; at += 7) cases[`at${at}`] = (t) => Object.assign(new Error(t.slice(at)), { name: `TokenError: ${t.slice(0, at)}` });
    const { text, summaries } = await hookLines(cases, [jwt]);
    expect(summaries).toHaveLength(Object.keys(cases).length * 2);
    for (const part of [p, s, p.slice(0, 12), p.slice(-12), s.slice(0, 12), s.slice(-12)]) expect(text).not.toContain(part);
    expect(text).not.toContain(h);
    expect(summaries).toContainEqual({ name: 'TokenError [redacted]', message: '.[redacted]' });
    expect(summaries).toContainEqual({ name: 'Error', code: '[redacted]', message: '[redacted]' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'token [redacted]' });
  });

  it('keeps ordinary text shown: hosts, paths, dotted names, and the text around the token', async () => {
    const cases: Record<string, Thrower> = {
      host: () => new Error('connect ECONNREFUSED sessions-db.internal.example.com:5432'),
      dotted: () => Object.assign(new Error('bad value in app.settings.token at /etc/app/config.json'), { name: 'TokenError: config.json', code: 'ERR_SESSION_STORE' }),
      java: () => new Error('at com.example.auth.SessionStore.lookup(SessionStore.java:42)'),
      around: (t) => new Error(`session ${t} unknown to sessions-db.internal.example.com`),
    };
    const { summaries } = await hookLines(cases, [OPAQUE]);
    expect(summaries).toContainEqual({ name: 'Error', message: 'connect ECONNREFUSED sessions-db.internal.example.com:5432' });
    expect(summaries).toContainEqual({ name: 'TokenError: config.json', code: 'ERR_SESSION_STORE', message: 'bad value in app.settings.token at /etc/app/config.json' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'at com.example.auth.SessionStore.lookup(SessionStore.java:42)' });
    expect(summaries).toContainEqual({ name: 'Error', message: 'session [redacted] unknown to sessions-db.internal.example.com' });
  });

  it("logs as quoted a secret the server does not know to be one, a cookie the hook reads, as README says (tGN F1)", async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        throw new Error(`no session ${/sid=([^;]+)/.exec(String(request.headers.cookie))?.[1]}`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http('/api/ws/poll'), { headers: { cookie: 'sid=Zq8vN2kLp4Xw7Rt9Mb3Hc6Yd' } })).status).toBe(401);
      expect(parsed('authenticate-failed').map((line) => line.err)).toEqual([{ name: 'Error', message: 'no session Zq8vN2kLp4Xw7Rt9Mb3Hc6Yd' }]);
    } finally {
      await server.rt.close();
    }
  });
});

describe("a request carrying both ?token= and Authorization: Bearer has both hidden in a hook's error (tGV F5: the Bearer token, which tokenOf does not prefer, was logged whole)", () => {
  it("an opaque Bearer token or a JWT quoted by a hook beside ?token=, and a principal keyed by the token (authenticate-unknown-key)", async () => {
    const jwt = await token('alice');
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        if (request.headers['x-case'] === 'key') return { userId: 'alice', [tokenOf(request)!]: true };
        throw new Error(`unknown session ${/^Bearer (.+)$/i.exec(String(request.headers.authorization))?.[1]}`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      for (const bearer of [OPAQUE, jwt]) expect((await fetch(server.http('/api/ws/poll?token=browser-token-123'), { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(401);
      expect(parsed('authenticate-failed').map((line) => line.err)).toEqual([
        { name: 'Error', message: 'unknown session [redacted]' },
        { name: 'Error', message: 'unknown session [redacted]' },
      ]);
      for (const keyed of [OPAQUE, jwt]) await fetch(server.http(`/api/ws/poll?token=${keyed}`), { headers: { 'x-case': 'key' } });
      expect(parsed('authenticate-unknown-key').map((line) => line.key)).toEqual(['[redacted]', '[redacted]']);
      const text = lines.join('\n');
      for (const secret of [OPAQUE, OPAQUE.slice(0, 12), jwt.split('.')[0]!, jwt.split('.')[1]!.slice(0, 12)]) expect(text).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });

  it("a principal whose userId holds the request's token (an API key given as its owner's id) is refused 401 invalid-token, logged as authenticate-bad-user-id without it; a token under 8 characters is ordinary text (tHG F14: logged on every connection-open)", async () => {
    const key = 'rk_live_Op4queSessi0nT0kenValue';
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => ({ userId: request.headers['x-case'] === 'prefixed' ? `user:${tokenOf(request)}` : tokenOf(request)! }),
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      const said = "the authentication hook gave a user id that holds the request's token: a user id is logged and kept in the stream store, a token never is; give the id of the token's owner (a user id of your own), not the token";
      const poll = await fetch(server.http(`/api/ws/poll?token=${key}`));
      expect([poll.status, await poll.json()]).toEqual([401, { error: 'invalid-token' }]);
      expect((await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${key}`, 'x-case': 'prefixed' } })).status).toBe(401);
      expect((await refusedStatus(server.url({ token: key }))).status).toBe(401);
      expect(parsed('authenticate-bad-user-id')).toEqual(Array.from({ length: 3 }, () => ({ event: 'authenticate-bad-user-id', problem: "holds the request's token", got: 'string' })));
      expect(lines.filter((line) => line.includes('"authenticate-bad-user-id"')).every((line) => line.endsWith(` ${said}`))).toBe(true);
      // A short one, `?token=alice` in development, is the user id it names.
      expect((await fetch(server.http('/api/ws/poll?token=alice'))).status).toBe(200);
      expect(parsed('authenticate-bad-user-id')).toHaveLength(3);
      expect(lines.join('\n')).not.toContain(key.slice(8, 16));
    } finally {
      await server.rt.close();
    }
  });

  it("the request's token URL-encoded with lower-case hex in a hook's error (as .NET and some proxies write it) is [redacted] (tIO F5: a standard-base64 token so written was logged whole)", async () => {
    const opaque = 'k3J+9fQ2/xZ+Lm8p/Qr4+Tt7/Wv1+Yy0=';
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        throw new Error(`token ${encodeURIComponent(tokenOf(request)!).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())} refused`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${encodeURIComponent(opaque)}`))).status).toBe(401);
      expect(parsed('authenticate-failed').map((line) => (line.err as { message: string }).message)).toEqual(['token [redacted] refused']);
      expect(lines.join('\n')).not.toMatch(/Lm8p|Tt7/);
    } finally {
      await server.rt.close();
    }
  });

  it('a principal whose userId holds a JWT, not the request\'s token (an upstream session token, a header read by mistake), is refused 401 invalid-token, logged as authenticate-bad-user-id without it (tIO F9: logged whole in connection-open)', async () => {
    const upstream = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2ln';
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => ({ userId: request.headers['x-case'] === 'prefixed' ? `alice ${upstream}` : request.headers['x-case'] === 'plain' ? 'alice.smith@example.com' : upstream }),
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      const said = "the authentication hook gave a user id that holds a JWT: a user id is logged and kept in the stream store, a token never is; give the id of the token's owner (its sub claim, or a user id of your own), not the token";
      const poll = await fetch(server.http('/api/ws/poll?token=Op4queT0kenValue'));
      expect([poll.status, await poll.json()]).toEqual([401, { error: 'invalid-token' }]);
      expect((await fetch(server.http('/api/ws/poll?token=Op4queT0kenValue'), { headers: { 'x-case': 'prefixed' } })).status).toBe(401);
      expect((await refusedStatus(server.url({ token: 'Op4queT0kenValue' }))).status).toBe(401);
      expect(parsed('authenticate-bad-user-id')).toEqual(Array.from({ length: 3 }, () => ({ event: 'authenticate-bad-user-id', problem: 'holds a JWT', got: 'string' })));
      expect(lines.filter((line) => line.includes('"authenticate-bad-user-id"')).every((line) => line.endsWith(` ${said}`))).toBe(true);
      // A dotted user id that is no JWT is one.
      expect((await fetch(server.http('/api/ws/poll?token=Op4queT0kenValue'), { headers: { 'x-case': 'plain' } })).status).toBe(200);
      expect(lines.join('\n')).not.toContain(upstream.split('.')[1]);
    } finally {
      await server.rt.close();
    }
  });

  it("a token that carries its user's id as a field (`uid=<id>;exp=…;sig=…`, `<token>, user=<id>`, `id=<id> sig=<sig>`) is not refused: only a user id holding a whole token is (tHM F7: each word of the Bearer header was a token, every id of 8+ characters refused)", async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        const credential = /^Bearer (.+)$/i.exec(String(request.headers.authorization))![1]!;
        if (request.headers['x-case'] === 'whole') return { userId: `user:${credential}` };
        return { userId: /(?:uid|user|id)=([^;,\s]+)/.exec(credential)![1]! };
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      const ids = ['alice.smith', 'user-00042', '7f3c2a10-9b1e-4c5d-8e2f-0a1b2c3d4e5f'];
      const shapes = (id: string) => [`uid=${id};exp=1893456000000;sig=9f2c4e1a7b3d5c6e`, `sess_9f2c4e1a7b3d5c6e, user=${id}`, `id=${id} sig=9f2c4e1a7b3d5c6e`];
      for (const id of ids) {
        for (const credential of shapes(id)) {
          const poll = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${credential}` } });
          expect([credential, poll.status]).toEqual([credential, 200]);
        }
      }
      expect(parsed('authenticate-bad-user-id')).toEqual([]);
      // A user id holding the whole credential, blanks and all, is still refused.
      expect((await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${shapes('bob.jones')[2]}`, 'x-case': 'whole' } })).status).toBe(401);
      expect(parsed('authenticate-bad-user-id')).toHaveLength(1);
    } finally {
      await server.rt.close();
    }
  });

  it("a principal without userId keyed by the token, Bearer and all, a JWT or a URL with a password: authenticate-bad-user-id shows its keys as authenticate-unknown-key does, in keys and its message (tHG F5: logged as they were)", async () => {
    const jwt = await token('alice');
    const { lines, logger, parsed } = recorder();
    const keyed: Record<string, (token: string) => string> = {
      token: (given) => given,
      bearer: (given) => `Bearer ${given}`,
      url: () => 'postgres://app:Sup3rS3cretPw@db.internal',
      jwt: () => jwt,
    };
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => ({ [keyed[String(request.headers['x-case'])]!(tokenOf(request)!)]: true, ...(request.headers['x-sub'] ? { sub: 'alice' } : {}) }),
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      for (const name of Object.keys(keyed)) {
        for (const sub of [true, false]) {
          const headers = { 'x-case': name, ...(sub ? { 'x-sub': '1' } : {}) };
          expect((await fetch(server.http(`/api/ws/poll?token=${OPAQUE}`), { headers })).status).toBe(401);
        }
      }
      const bad = parsed('authenticate-bad-user-id');
      expect(bad.map((line) => line.keys)).toEqual([
        ['[redacted]', 'sub'],
        ['[redacted]'],
        ['Bearer [redacted]', 'sub'],
        ['Bearer [redacted]'],
        ['postgres://[redacted]@db.internal', 'sub'],
        ['postgres://[redacted]@db.internal'],
        ['[redacted]', 'sub'],
        ['[redacted]'],
      ]);
      expect(lines.filter((line) => line.includes('"authenticate-bad-user-id"')).map((line) => line.slice(line.lastIndexOf('} ') + 2))).toEqual([
        ...['it has "sub": give { userId: … }', 'its keys: [redacted]', 'it has "sub": give { userId: … }', 'its keys: Bearer [redacted]'],
        ...['it has "sub": give { userId: … }', 'its keys: postgres://[redacted]@db.internal', 'it has "sub": give { userId: … }', 'its keys: [redacted]'],
      ].map((hint) => `the authentication hook gave a user id that is not a non-empty string: it has no userId (${hint})`));
      const text = lines.join('\n');
      for (const secret of [OPAQUE.slice(0, 8), OPAQUE.slice(-8), 'Sup3rS3cretPw', jwt.split('.')[0]!, jwt.split('.')[1]!.slice(0, 12)]) expect(text).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });
});

describe("an Authorization header tokenOf does not read as Bearer has its token hidden in a hook's error all the same (tHC F7: a tab after Bearer, text after the token, two credentials were logged whole)", () => {
  it('each word of 8 characters or more of a header naming Bearer, as a hook splitting it at blanks reads it; a short word stays shown', async () => {
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        const header = String(request.headers.authorization);
        throw new Error(`session ${header.split(/\s+/)[1]} not found (header was "${header}")`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      const headers = ['Bearer\tsessOpaque1234567890abc', 'Bearer sessOpaque1234567890abc extra', 'Bearer sessOpaque1234567890abc, Bearer other99999999'];
      for (const authorization of headers) expect((await fetch(server.http('/api/ws/poll'), { headers: { authorization } })).status).toBe(401);
      expect(parsed('authenticate-failed').map((line) => (line.err as { message: string }).message)).toEqual([
        'session [redacted] not found (header was "Bearer\t[redacted]")',
        'session [redacted] not found (header was "Bearer [redacted] extra")',
        'session [redacted], not found (header was "Bearer [redacted], Bearer [redacted]")',
      ]);
      const text = lines.join('\n');
      for (const secret of ['sessOpaque', 'other99999999']) expect(text).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });
});

describe("a hook's AuthError in the verifier's form quotes no token in the log (tGF F2: invalid token (<why>)'s why was the detail as given, jwks-unavailable (<why>)'s the code)", () => {
  it("redacts the why as every hook text: a JWT, the request's opaque token; an ordinary why stays shown", async () => {
    const jwt = await token('alice');
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        const given = tokenOf(request);
        const which = request.headers['x-case'];
        if (which === 'jwks') throw new AuthError(503, `jwks-unavailable (fetch failed for ${given})`);
        if (which === 'plain') throw new AuthError(401, 'invalid token (session expired at sessions-db.internal:5432)');
        throw new AuthError(401, `invalid token (Wrong number of segments in token: ${given})`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      for (const given of [jwt, OPAQUE]) {
        expect((await fetch(server.http(`/api/ws/poll?token=${given}`))).status).toBe(401);
        expect((await refusedStatus(server.url({ token: given }))).status).toBe(401);
        expect((await fetch(server.http(`/api/ws/poll?token=${given}`), { headers: { 'x-case': 'jwks' } })).status).toBe(503);
      }
      expect((await fetch(server.http(`/api/ws/poll?token=${OPAQUE}`), { headers: { 'x-case': 'plain' } })).status).toBe(401);
      const text = lines.join('\n');
      for (const secret of [OPAQUE, jwt.split('.')[1]!, jwt.split('.')[2]!]) expect(text).not.toContain(secret);
      const refusals = [...parsed('poll-refused'), ...parsed('upgrade-refused')].map((line) => line.detail);
      expect(refusals.filter((detail) => detail === 'Wrong number of segments in token: [redacted]')).toHaveLength(4);
      expect(refusals).toContain('session expired at sessions-db.internal:5432');
      expect(parsed('jwks-unavailable').map((line) => line.code)).toEqual(['fetch failed for [redacted]', 'fetch failed for [redacted]']);
      expect(text).toContain('the JWKS could not be fetched (fetch failed for [redacted])');
    } finally {
      await server.rt.close();
    }
  });
});

describe("a hook's error quoting the request's URL or Origin shows them as the line's url and origin do (tGF F8: err.message printed what url hid)", () => {
  it("handleHttp quoting request.url, or a query value alone; allowedOrigins quoting the Origin, or its password alone; a short value stays shown", async () => {
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      logger,
      allowedOrigins: (origin: string) => {
        const password = /:([^:@/]*)@/.exec(origin)?.[1];
        throw new Error(password !== undefined && origin.includes('alone') ? `password ${password} refused` : `origin not in the table: ${origin}`);
      },
      handleHttp: (request) => {
        const url = new URL(request.url!, 'http://x');
        if (url.pathname === '/alone') throw new Error(`reset token ${url.searchParams.get('reset_token')} unknown; pin ${url.searchParams.get('pin')}`);
        throw new Error(`no route for ${request.method} ${request.url}`);
      },
    } as Partial<RealtimeServerOptions>);
    try {
      const query = '?email=a@b.example&reset_token=Rst7kQ9zLm2Xp4Vb&api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc&pin=1234';
      expect((await fetch(server.http(`/reset-password${query}`))).status).toBe(500);
      expect((await fetch(server.http(`/alone${query}`))).status).toBe(500);
      for (const origin of ['https://alice:Pa55w0rdXyz9Q@app.example', 'https://alone:Pa55w0rdXyz9Q@app.example']) {
        expect((await fetch(server.http('/api/ws/poll?token=x'), { headers: { origin } })).status).toBe(403);
      }
      const text = lines.join('\n');
      for (const secret of ['Rst7kQ9zLm2Xp4Vb', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'a@b.example', 'Pa55w0rdXyz9Q']) expect(text).not.toContain(secret);
      const http = parsed('handle-http-threw');
      expect(http.map((line) => line.url)).toEqual(['/reset-password?[redacted]&[redacted]&[redacted]&[redacted]', '/alone?[redacted]&[redacted]&[redacted]&[redacted]']);
      expect(http.map((line) => (line.err as { message: string }).message)).toEqual([
        'no route for GET /reset-password?[redacted]&[redacted]&[redacted]&[redacted]',
        'reset token [redacted] unknown; pin 1234',
      ]);
      const origins = parsed('origin-check-threw').map((line) => (line.err as { message: string }).message);
      expect(origins).toEqual(['origin not in the table: https://[redacted]@app.example', 'password [redacted] refused']);
      // The line of the refusal beside it (one per address each 10 s) hides the same.
      expect(parsed('poll-refused').map((line) => line.origin)).toEqual(['https://[redacted]@app.example']);
    } finally {
      await server.rt.close();
    }
  });

  it("a store's status() error holding a Redis URL's password: redacted as the Redis store shows one, in the log and in stats().store.detail", async () => {
    const store = new MemoryStreamStore();
    store.status = () => {
      throw new Error('status of redis://app:Pa55w0rdXyz9Q@cache-01:6379/0, valkey://u:Valk3yPassw0rd@v-01:6379 (rediss://:s3cr3t-passw0rd@cache-02:6380?password=hunter2hunter2)');
    };
    const { lines, logger, parsed } = recorder();
    const server = await startServer({ store, logger });
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${await token('alice')}`))).status).toBe(503);
      const detail = server.rt.stats().store.detail;
      const text = `${lines.join('\n')}\n${detail}`;
      for (const secret of ['Pa55w0rdXyz9Q', 'Valk3yPassw0rd', 's3cr3t-passw0rd', 'hunter2hunter2']) expect(text).not.toContain(secret);
      // What follows a password parameter is dropped with it, as the Redis store drops it (a password may hold `)`).
      expect(detail).toBe('status() threw: status of redis://cache-01:6379/0, valkey://v-01:6379 (rediss://cache-02:6380?password=[redacted]');
      expect(parsed('store-status-threw')[0]!.err).toEqual({ name: 'Error', message: 'status of redis://cache-01:6379/0, valkey://v-01:6379 (rediss://cache-02:6380?password=[redacted]' });
    } finally {
      await server.rt.close();
    }
  });
});

describe("a store's or a hook's error quoting a URL of any scheme shows its user info [redacted] (tGV F12: only a Redis URL's was hidden)", () => {
  const urls = ['postgres://app:Hunter2x9Zq@db:5432/rt', 'amqp://guest:Hunter2x9Zq@mq:5672', 'mongodb+srv://app:Hunter2x9Zq@cluster0.example.net/rt', 'https://Zq8vN2kLp4Xw7Rt9@backend/x'];

  it("a custom store's status() error: in the log and in stats().store.detail", async () => {
    const store = new MemoryStreamStore();
    store.status = () => {
      throw new Error(`cannot reach ${urls.join(', ')}`);
    };
    const { lines, logger, parsed } = recorder();
    const server = await startServer({ store, logger });
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${await token('alice')}`))).status).toBe(503);
      const detail = server.rt.stats().store.detail;
      expect(`${lines.join('\n')}\n${detail}`).not.toMatch(/Hunter2x9Zq|Zq8vN2kLp4Xw7Rt9/);
      const shown = 'cannot reach postgres://[redacted]@db:5432/rt, amqp://[redacted]@mq:5672, mongodb+srv://[redacted]@cluster0.example.net/rt, https://[redacted]@backend/x';
      expect(detail).toBe(`status() threw: ${shown}`);
      expect(parsed('store-status-threw')[0]!.err).toEqual({ name: 'Error', message: shown });
    } finally {
      await server.rt.close();
    }
  });

  it("a connection string followed by ) . or ; in the error: the port shown and the punctuation kept, not read as a password's tail (tHE F11)", async () => {
    const store = new MemoryStreamStore();
    store.status = () => {
      throw new Error('cannot reach (postgres://app:Hunter2x9Zq@db:5432). Then postgres://app:Hunter2x9Zq@db2:5432; gave up at amqp://guest:Hunter2x9Zq@mq:5672.');
    };
    const server = await startServer({ store, logger: recorder().logger });
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${await token('alice')}`))).status).toBe(503);
      expect(server.rt.stats().store.detail).toBe('status() threw: cannot reach (postgres://[redacted]@db:5432). Then postgres://[redacted]@db2:5432; gave up at amqp://[redacted]@mq:5672.');
    } finally {
      await server.rt.close();
    }
  });

  it("an authenticate hook's error quoting its session database's connection string; a URL without user info stays shown", async () => {
    const { errs } = await authenticateErrors([Object.assign(new Error(`session lookup failed: connect ECONNREFUSED ${urls[0]} (see https://docs.example/errors)`), { code: `ECONNREFUSED ${urls[1]}` })]);
    expect(errs).toEqual([
      { name: 'Error', code: 'ECONNREFUSED amqp://[redacted]@mq:5672', message: 'session lookup failed: connect ECONNREFUSED postgres://[redacted]@db:5432/rt (see https://docs.example/errors)' },
    ]);
  });
});

describe("a URL whose password holds blanks (a passphrase written unencoded) in a hook's or a store's error has its user info [redacted] (tHG F8: read to the first blank, it was logged whole)", () => {
  const given = [
    'session db postgres://app:correct horse battery staple@db.internal:5432/sessions refused',
    'postgres://app:correct horse@battery staple@db.internal:5432/sessions refused',
    'cache redis://:correct horse battery staple@cache-01:6379 down',
    // Where a URL may end at the blank, nothing is hidden: a port, a blank after the first @.
    'http://gw.example:8080 down, mail ops@corp.example; postgres://app:Hunter2x9Zq@db refused by ops@corp.example',
    // An @ after the URL that no host follows: the user info ends at the last @ a host follows (tHP F9, X10/X11).
    'connect postgres://app:correct horse battery@db:5432 failed @ 10:00:01',
    // An @ past the next /: the user info ends before it, the host, the path and a later URL stay shown (tHP F13, X12).
    'connect postgres://app:correct horse@db/rt failed, see https://docs.example/errors/a@b',
    // No host after the only @: no user info, nothing hidden (X11).
    'see http://wiki:Runbook section @ 10:00',
  ];
  const shown = [
    'session db postgres://[redacted]@db.internal:5432/sessions refused',
    'postgres://[redacted]@db.internal:5432/sessions refused',
    'cache redis://[redacted]@cache-01:6379 down',
    'http://gw.example:8080 down, mail ops@corp.example; postgres://[redacted]@db refused by ops@corp.example',
    'connect postgres://[redacted]@db:5432 failed @ 10:00:01',
    'connect postgres://[redacted]@db/rt failed, see https://docs.example/errors/a@b',
    'see http://wiki:Runbook section @ 10:00',
  ];

  it("an authenticate hook's error", async () => {
    const { errs, text } = await authenticateErrors(given.map((message) => new Error(message)));
    expect(errs.map((err) => err.message)).toEqual(shown);
    expect(text).not.toMatch(/horse|staple|Hunter2x9Zq/);
  });

  it("an authenticate hook's error whose URL's user name is also a query value of the request: the passphrase still hidden (tIF F7: the user name hidden first, the passphrase was logged whole)", async () => {
    const { lines, logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: () => {
        throw new Error('connect postgres://appuser-prod:correct horse battery staple@db:5432/rt failed');
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http('/api/ws/poll?token=abc&tenant=appuser-prod'))).status).toBe(401);
      expect(parsed('authenticate-failed').map((line) => (line.err as { message: string }).message)).toEqual(['connect postgres://[redacted]@db:5432/rt failed']);
      expect(lines.join('\n')).not.toMatch(/horse|staple/);
    } finally {
      await server.rt.close();
    }
  });

  it("a custom store's status() error, a Redis URL shown as the Redis store shows one", async () => {
    const store = new MemoryStreamStore();
    store.status = () => {
      throw new Error(given[2]);
    };
    const { lines, logger } = recorder();
    const server = await startServer({ store, logger });
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${await token('alice')}`))).status).toBe(503);
      expect(server.rt.stats().store.detail).toBe('status() threw: cache redis://cache-01:6379 down');
      expect(lines.join('\n')).not.toMatch(/horse|staple/);
    } finally {
      await server.rt.close();
    }
  });
});

describe("a connection string of several hosts in a hook's or a store's error shows each host and port, its user info only [redacted] (tHC F9: every host but the first and every port were hidden)", () => {
  const mongo = 'mongodb://app:Secr3tPw9@h1:27017,h2:27017,h3:27017/rt?replicaSet=rs0';
  const pg = 'postgres://app:Secr3tPw9@db1:5432,db2:5432/rt?target_session_attrs=read-write';
  // libpq's `target_session_attrs` names no secret (tIO F12: hidden, as a name holding `session`, since tIF F5).
  const shown = ['mongodb://[redacted]@h1:27017,h2:27017,h3:27017/rt?replicaSet=rs0', 'postgres://[redacted]@db1:5432,db2:5432/rt?target_session_attrs=read-write'];

  it("an authenticate hook's error (a MongoDB seed list, a libpq host list); a host's port that is no number of digits stays hidden", async () => {
    const { errs, text } = await authenticateErrors([new Error(`connection to ${mongo} failed; ${pg}: all hosts down; mongodb://app@h1:27017,h2:Hunter2x9Zq/rt`)]);
    expect(errs.map((err) => err.message)).toEqual([`connection to ${shown[0]} failed; ${shown[1]}: all hosts down; mongodb://[redacted]@h1:27017,h2:[redacted]/rt`]);
    expect(text).not.toMatch(/Secr3tPw9|Hunter2x9Zq/);
  });

  it("a custom store's status() error, in stats().store.detail", async () => {
    const store = new MemoryStreamStore();
    store.status = () => {
      throw new Error(`${mongo} failed`);
    };
    const { logger } = recorder();
    const server = await startServer({ store, logger });
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${await token('alice')}`))).status).toBe(503);
      expect(server.rt.stats().store.detail).toBe(`status() threw: ${shown[0]} failed`);
    } finally {
      await server.rt.close();
    }
  });
});

describe("a URL's user info in a hook's or a store's error is [redacted] however the URL is spelt (tHC F13: JSON-escaped, percent-encoded in another URL, glued after _ or scheme-relative, it was logged whole)", () => {
  const given = [
    'backend said {"dsn":"postgres:\\/\\/app:Secr3tPw9@db\\/rt"}',
    'redirect https://gw.example/login?next=postgres%3A%2F%2Fapp%3ASecr3tPw9%40db%2Frt&x=1 failed',
    'DATABASE_URL_postgres://app:Secr3tPw9@db invalid',
    'dial //app:Secr3tPw9@db:5432 failed; $ROOT//x@y stays',
  ];
  const shown = [
    'backend said {"dsn":"postgres:\\/\\/[redacted]@db\\/rt"}',
    'redirect https://gw.example/login?next=postgres%3A%2F%2F[redacted]%40db%2Frt&x=1 failed',
    'DATABASE_URL_postgres://[redacted]@db invalid',
    'dial //[redacted]@db:5432 failed; $ROOT//x@y stays',
  ];

  it("an authenticate hook's error, each spelling", async () => {
    const { errs, text } = await authenticateErrors(given.map((message) => new Error(message)));
    expect(errs.map((err) => err.message)).toEqual(shown);
    expect(text).not.toContain('Secr3tPw9');
  });

  it("a custom store's status() error quoting its backend's JSON, in stats().store.detail", async () => {
    const store = new MemoryStreamStore();
    store.status = () => {
      throw new Error(given[0]);
    };
    const { lines, logger } = recorder();
    const server = await startServer({ store, logger });
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${await token('alice')}`))).status).toBe(503);
      expect(server.rt.stats().store.detail).toBe(`status() threw: ${shown[0]}`);
      expect(lines.join('\n')).not.toContain('Secr3tPw9');
    } finally {
      await server.rt.close();
    }
  });
});

describe("hiding the request's query values in a hook's error takes steps linear in the error's length, whatever the values (tGN F6: each was compared at every place its first 8 characters stood: one 14 KB request stalled the server 4-12 s)", () => {
  it('10 values of 1 400 As quoted by handleHttp and authenticate, a ?token= of 14 000 As named twice: each [redacted], in fewer than 20 steps a character of the error', async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        const url = new URL(request.url!, 'http://x');
        const given = tokenOf(request);
        throw new Error(given === null ? `bad query ${url.search}` : `session ${given} not found (token ${given})`);
      },
      handleHttp: (request) => {
        if (!request.url!.startsWith('/app')) return false;
        throw new Error(`bad query ${new URL(request.url!, 'http://x').search}`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      const query = Array.from({ length: 10 }, (_, i) => `p${i}=${'A'.repeat(1400)}${i}`).join('&');
      const steps: number[] = [];
      for (const [path, status] of [[`/app/x?${query}`, 500], [`/api/ws/poll?${query}`, 401], [`/api/ws/poll?token=${'A'.repeat(14000)}`, 401]] as const) {
        const before = redactionWork.steps;
        expect((await fetch(server.http(path))).status).toBe(status);
        steps.push(redactionWork.steps - before);
      }
      const messages = [...parsed('handle-http-threw'), ...parsed('authenticate-failed')].map((line) => (line.err as { message: string }).message);
      const hidden = `bad query ?${Array.from({ length: 10 }, () => '[redacted]').join('&')}`;
      expect(messages).toEqual([hidden, hidden, 'session [redacted] not found (token [redacted])']);
      // The old code compared some 6·10^8 characters for each (text × values × value length); one automaton reads each
      // character of each scan of the error once, each failure link followed at most once a character read.
      const lengths = [14_000 + 20, 14_000 + 20, 28_000 + 30];
      for (const [i, count] of steps.entries()) expect(count).toBeLessThan(20 * lengths[i]!);
    } finally {
      await server.rt.close();
    }
  });
});

describe("a hook's error at the edges of what is hidden: a secret of 8 characters, the token's last character, a secret split over the error's fields, secrets sharing a prefix or overlapping, the token URL- and form-encoded (tGS F1, F2, F4, F5, F6, F10: each mutation of these rules survived the tests above)", () => {
  /** One server; each request names its case in `x-case`; the error summaries come back in the order asked. */
  async function summariesOf(requests: { path: string; token?: string; which: string }[], cases: Record<string, (token: string, query: URLSearchParams) => unknown>) {
    const { lines, logger } = recorder();
    const hookLines = () => lines.filter((line) => /"event":"(?:authenticate-failed|handle-http-threw)"/.test(line)).map((line) => JSON.parse(line.slice(0, line.lastIndexOf('} ') + 1)) as Record<string, unknown>);
    const thrown = (request: { url?: string; headers: Record<string, unknown> }) => {
      throw cases[String(request.headers['x-case'])]!(tokenOf(request as never) ?? '', new URL(request.url!, 'http://x').searchParams);
    };
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate: thrown, handleHttp: (request) => (request.url!.startsWith('/app') ? thrown(request) : false), logger } as Partial<RealtimeServerOptions>);
    try {
      const summaries: unknown[] = [];
      for (const { path, token: given, which } of requests) {
        const before = hookLines().length;
        const response = await fetch(server.http(path), { headers: { 'x-case': which, ...(given === undefined ? {} : { authorization: `Bearer ${given}` }) } });
        expect([401, 500], which).toContain(response.status);
        const now = hookLines();
        expect(now, which).toHaveLength(before + 1);
        summaries.push(now.at(-1)!.err);
      }
      return summaries;
    } finally {
      await server.rt.close();
    }
  }

  it('hides a query value and a token of exactly 8 characters ("8 characters or more"), and a token quoted whole by Authorization: Bearer to its last character', async () => {
    const got = await summariesOf(
      [
        { path: '/app/reset?t=Ab3dEf7h', which: 'value' },
        { path: '/api/ws/poll', token: 'Ab3dEf7h', which: 'token' },
        { path: '/api/ws/poll', token: OPAQUE, which: 'token' },
      ],
      {
        value: (_, query) => new Error(`reset token ${query.get('t')} unknown`),
        token: (t) => new Error(`unknown session ${t}`),
      },
    );
    expect(got).toEqual([
      { name: 'Error', message: 'reset token [redacted] unknown' },
      { name: 'Error', message: 'unknown session [redacted]' },
      { name: 'Error', message: 'unknown session [redacted]' },
    ]);
  });

  it("hides a query value or an opaque token split between name and message, or over name, code and message", async () => {
    const value = 'Pa55w0rdXyz9Q';
    const got = await summariesOf(
      [
        { path: `/app/reset?reset_token=${value}`, which: 'nameMessage' },
        { path: `/app/reset?reset_token=${value}`, which: 'messageName' },
        { path: `/app/reset?reset_token=${value}`, which: 'three' },
        { path: '/api/ws/poll', token: OPAQUE, which: 'tokenNameMessage' },
        { path: '/api/ws/poll', token: OPAQUE, which: 'tokenThree' },
      ],
      {
        nameMessage: (_, query) => Object.assign(new Error(`${query.get('reset_token')!.slice(8)} refused`), { name: query.get('reset_token')!.slice(0, 8) }),
        messageName: (_, query) => Object.assign(new Error(`x ${query.get('reset_token')!.slice(0, 8)}`), { name: query.get('reset_token')!.slice(8) }),
        three: (_, query) => Object.assign(new Error(query.get('reset_token')!.slice(8)), { name: query.get('reset_token')!.slice(0, 4), code: query.get('reset_token')!.slice(4, 8) }),
        tokenNameMessage: (t) => Object.assign(new Error(`${t.slice(5)} unknown`), { name: t.slice(0, 5) }),
        tokenThree: (t) => Object.assign(new Error(`${t.slice(9)} unknown`), { name: t.slice(0, 4), code: t.slice(4, 9) }),
      },
    );
    expect(got).toEqual([
      { name: '[redacted]', message: '[redacted] refused' },
      { name: '[redacted]', message: 'x [redacted]' },
      { name: '[redacted]', code: '[redacted]', message: '[redacted]' },
      { name: '[redacted]', message: '[redacted] unknown' },
      { name: '[redacted]', code: '[redacted]', message: '[redacted] unknown' },
    ]);
  });

  it('hides a query value that is a prefix of another, one found after a partial match of another, and the whole of two overlapping ones', async () => {
    const got = await summariesOf(
      [
        { path: '/app/change?old=Pa55w0rdXyz9Q&new=Pa55w0rdXyz9Q1', which: 'prefix' },
        { path: '/app/change?x=aaaPa55w0rdZZ&y=aPa55w0rdXyz9Q', which: 'restart' },
        { path: '/app/change?a=AAAAAAAAbbbbbbbbCCCC&b=bbbbbbbb', which: 'overlap' },
      ],
      {
        prefix: (_, query) => new Error(`new=${query.get('old')} differs from ${query.get('new')!.slice(0, 3)}`),
        restart: (_, query) => new Error(`got ${query.get('y')!.slice(0, 1)}${query.get('y')}`),
        overlap: (_, query) => new Error(`bad a ${query.get('a')} here`),
      },
    );
    expect(got).toEqual([
      { name: 'Error', message: 'new=[redacted] differs from Pa5' },
      { name: 'Error', message: 'got a[redacted]' },
      { name: 'Error', message: 'bad a [redacted] here' },
    ]);
  });

  it("shows the request's URL quoted whole as the line's url shows it, its short values too, and keeps a since cursor shown (tGS F3, F9)", async () => {
    const cursor = '0f1e2d3c4b5a6978.42';
    const got = await summariesOf(
      [
        { path: '/app/x?a=1&pin=12', which: 'url' },
        { path: `/api/ws/poll?token=Zq8vN2kLp4Xw7Rt9&since=${cursor}`, which: 'since' },
      ],
      {
        url: (_, query) => new Error(`no route for /app/x?${query}`),
        since: (_, query) => new Error(`bad since ${query.get('since')}`),
      },
    );
    expect(got).toEqual([
      { name: 'Error', message: 'no route for /app/x?[redacted]&[redacted]' },
      { name: 'Error', message: `bad since ${cursor}` },
    ]);
  });

  it('hides a Bearer token holding /, +, ~ and = when the hook quotes it URL-encoded or form-encoded (no 8 characters of it the same in those forms)', async () => {
    const given = 'Zq8vN2k/Lp4Xw7+Rt9Mb3~Hc6Yd+x==';
    expect(encodeURIComponent(given)).not.toBe(new URLSearchParams({ t: given }).toString().slice(2));
    const got = await summariesOf(
      [
        { path: '/api/ws/poll', token: given, which: 'encoded' },
        { path: '/api/ws/poll', token: given, which: 'form' },
      ],
      {
        encoded: (t) => new Error(`GET /sessions/${encodeURIComponent(t)} 404`),
        form: (t) => new Error(`POST /introspect ${new URLSearchParams({ t })} 404`),
      },
    );
    expect(got).toEqual([
      { name: 'Error', message: 'GET /sessions/[redacted] 404' },
      { name: 'Error', message: 'POST /introspect t=[redacted] 404' },
    ]);
  });
});

describe("a clientIp hook's value that is no IP address is quoted in client-ip-not-an-address redacted before it is cut (tHP F15: tHG F7's order, redact then cut, was untested for clientIp)", () => {
  it("the request's Authorization header returned whole, and a long text holding a URL's password: neither the token nor the password is logged, in part either", async () => {
    const { lines, logger, parsed } = recorder();
    const password = `Pw${'x'.repeat(200)}`;
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: () => ({ userId: 'alice' }),
      clientIp: (request) => (request.headers['x-case'] === 'url' ? `db down: postgres://app:${password}@db` : String(request.headers.authorization)),
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${OPAQUE}` } })).status).toBe(401);
      expect((await fetch(server.http(`/api/ws/poll?token=${OPAQUE}`), { headers: { 'x-case': 'url' } })).status).toBe(401);
      const refused = parsed('client-ip-not-an-address');
      expect(refused).toHaveLength(2);
      expect(refused.map((line) => (line.err as { message: string }).message)).toEqual([
        expect.stringMatching(/^clientIp returned "Bearer \[redacted\]": not an IP address$/),
        expect.stringMatching(/^clientIp returned "db down: postgres:\/\/\[redacted\]@db": not an IP address$/),
      ]);
      const text = lines.join('\n');
      for (const secret of [OPAQUE.slice(0, 8), OPAQUE.slice(-8), 'xxxxxxxx']) expect(text).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });
});

describe("a user id holding the request's token, at the edges: a token of exactly 8 characters, the token URL- or form-encoded, a Bearer credential holding blanks (tHP F8: each mutation of holdsRequestToken's rules survived)", () => {
  it("refuses a token of 8 characters given as the user id and the token URL- or form-encoded in it; accepts a user id that is the first word of a Bearer credential holding blanks", async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        const given = tokenOf(request) ?? '';
        const shape = String(request.headers['x-case']);
        if (shape === 'uri') return { userId: encodeURIComponent(given) };
        if (shape === 'form') return { userId: new URLSearchParams([['t', given]]).toString().slice(2) };
        if (shape === 'first-word') return { userId: /^Bearer (\S+) /i.exec(String(request.headers.authorization))![1]! };
        return { userId: given };
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      const poll = async (query: string, headers: Record<string, string> = {}) => (await fetch(server.http(`/api/ws/poll${query}`), { headers })).status;
      // "8 characters or more": 8 is refused, 7 is the user id it names.
      expect(await poll('?token=abcdefgh')).toBe(401);
      expect(await poll('?token=abcdefg')).toBe(200);
      // A token holding / + = ~ and a blank, given as its user id URL-encoded or form-encoded: not one of its 8-character runs is the same in those forms.
      const odd = 'k/+=~ k/+=~ k/+=~';
      expect(await poll(`?token=${encodeURIComponent(odd)}`, { 'x-case': 'uri' })).toBe(401);
      expect(await poll(`?token=${encodeURIComponent(odd)}`, { 'x-case': 'form' })).toBe(401);
      expect(parsed('authenticate-bad-user-id')).toEqual(Array.from({ length: 3 }, () => ({ event: 'authenticate-bad-user-id', problem: "holds the request's token", got: 'string' })));
      // The whole credential after Bearer is the token, blanks and all: its first word alone, the user's id, is no token.
      expect(await poll('', { authorization: 'Bearer alice12345 sig=9f2c4e1a7b3d5c6e', 'x-case': 'first-word' })).toBe(200);
      expect(parsed('authenticate-bad-user-id')).toHaveLength(3);
    } finally {
      await server.rt.close();
    }
  });
});
