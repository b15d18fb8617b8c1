/**
 * `AuthError`: README says every refusal's code is kebab-case and a Retry-After goes with 429
 * and 503. Its reason went out verbatim in the body and in stats() keys
 * (`{"error":"User Data: alice@example.com"}`), and `new AuthError(401, 'nope', 5)` sent
 * `Retry-After: 5` on a 401 (a fresh user): both are refused when the error is made, and a hook
 * that makes one is a hook that threw, refused as before.
 */
import { describe, expect, it } from 'vitest';
import { AuthError, createJwtVerifier } from '../../src/server/index.js';
import { refusedStatus, SECRET, startServer, token } from './helpers.js';

const make = (status: unknown, reason: unknown, retryAfterSec?: unknown) => () => new AuthError(status as 401, reason as string, retryAfterSec as number);

describe('AuthError', () => {
  it('refuses a reason that is not a short kebab-case code, naming what it expects and what it got', () => {
    const expected = 'AuthError: reason must be a short kebab-case code such as "banned" or "rate-limited" (lower-case letters and digits, words joined by single hyphens, at most 64 characters): it is the refusal\'s {"error":…} and a stats() key, never user data; got';
    expect(make(403, 'User Data: alice@example.com')).toThrow(new TypeError(`${expected} "User Data: alice@example.com"`));
    for (const reason of ['slow down', 'Banned', 'banned_user', '', 'banned-', '-banned', 'a--b', 'banned\n', 'b'.repeat(65), 'é']) {
      expect(make(403, reason), JSON.stringify(reason)).toThrow(TypeError);
      expect(make(403, reason), JSON.stringify(reason)).toThrow(expected);
    }
    for (const reason of ['banned', 'rate-limited', '2fa-required', 'b'.repeat(64)]) expect(new AuthError(403, reason).reason).toBe(reason);
    // createJwtVerifier's own reasons, which the server answers with its codes (invalid-token, token-expired, jwks-unavailable).
    for (const reason of ['invalid token (ERR_JWS_INVALID)', 'invalid token (sub is empty)', 'jwks-unavailable (ERR_JWKS_TIMEOUT)']) expect(new AuthError(401, reason).reason).toBe(reason);
    expect(make(403, 'invalid token')).toThrow(TypeError);
  });

  it("shows a refused reason with any URL's user info and any JWT [redacted] before it is cut to 60 characters (tHG F7: cut first, a long password lost its @ and was shown, and the server logged it)", () => {
    const password = 'Sup3rS3cretPassw0rd'.repeat(3);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6OTk5OTk5OTk5OX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const message = (reason: string) => {
      try {
        new AuthError(503, reason);
      } catch (error) {
        return (error as Error).message;
      }
      return 'not thrown';
    };
    const shown = message(`session db down: postgres://app:${password}@db.internal:5432/sessions`);
    expect(shown.endsWith('got "session db down: postgres://[redacted]@db.internal:5432/s..."')).toBe(true);
    expect(message(`bad token ${jwt} from the gateway`).endsWith('got "bad token [redacted] from the gateway"')).toBe(true);
    for (const text of [shown, message(`bad token ${jwt} from the gateway`)]) expect(text).not.toMatch(/Sup3rS3cret|eyJhbGci|eyJzdWIi/);
  });

  it('refuses a retryAfterSec with a status that sends no Retry-After (401, 403)', () => {
    expect(make(401, 'nope', 5)).toThrow(new TypeError('AuthError: retryAfterSec is the Retry-After of a 429 or a 503, got 5 with status 401 (leave it out)'));
    expect(make(403, 'banned', 0)).toThrow(new TypeError('AuthError: retryAfterSec is the Retry-After of a 429 or a 503, got 0 with status 403 (leave it out)'));
    expect(new AuthError(429, 'slow-down', 7)).toMatchObject({ status: 429, reason: 'slow-down', retryAfterSec: 7 });
    expect(new AuthError(503, 'down', 0)).toMatchObject({ status: 503, retryAfterSec: 0 });
    expect(new AuthError(401, 'nope').retryAfterSec).toBeUndefined();
    expect(new AuthError(403, 'banned', undefined).retryAfterSec).toBeUndefined();
  });

  it("made wrong in an authenticate hook, is the hook's throw: 401 invalid-token and an authenticate-failed line, the server serving on", async () => {
    const lines: string[] = [];
    const log = (o: object, m?: string) => void lines.push(`${JSON.stringify(o)} ${m ?? ''}`);
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      logger: { info: log, warn: log, error: log },
      authenticate: async (request) => {
        const who = String(request.headers['x-user']);
        if (who === 'alice@example.com') throw new AuthError(403, `User Data: ${who}`);
        if (who === 'late') throw new AuthError(401, 'nope', 5);
        if (who === 'banned') throw new AuthError(403, 'banned');
        return { userId: who, admin: false };
      },
    });
    try {
      for (const user of ['alice@example.com', 'late']) {
        const poll = await fetch(server.http('/api/ws/poll'), { headers: { 'x-user': user } });
        expect({ status: poll.status, retryAfter: poll.headers.get('retry-after'), body: await poll.json() }, user).toEqual({ status: 401, retryAfter: null, body: { error: 'invalid-token' } });
        const upgrade = await refusedStatus(server.url(), { headers: { 'x-user': user } });
        expect({ status: upgrade.status, retryAfter: upgrade.headers['retry-after'] }, user).toEqual({ status: 401, retryAfter: undefined });
      }
      const failed = lines.filter((line) => line.includes('"event":"authenticate-failed"'));
      expect(failed).toHaveLength(4);
      expect(failed[0]).toContain('"name":"TypeError","message":"AuthError: reason must be a short kebab-case code');
      expect(failed[2]).toContain('"name":"TypeError","message":"AuthError: retryAfterSec is the Retry-After of a 429 or a 503');
      // The server goes on: a well-made AuthError is answered as it says, and a user gets in.
      const banned = await fetch(server.http('/api/ws/poll'), { headers: { 'x-user': 'banned' } });
      expect({ status: banned.status, body: await banned.json() }).toEqual({ status: 403, body: { error: 'banned' } });
      expect((await fetch(server.http('/api/ws/poll'), { headers: { 'x-user': 'bob' } })).status).toBe(200);
      const { refusedPolls, refusedUpgrades } = server.rt.stats();
      for (const key of [...Object.keys(refusedPolls), ...Object.keys(refusedUpgrades)]) expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(refusedPolls).toMatchObject({ 'invalid-token': 2, banned: 1 });
    } finally {
      await server.rt.close();
    }
  });

  it("a hook's error whose name, code or message cannot be made text (an object whose toString is no function, one without a prototype, a getter that throws) is 401 invalid-token and logged, the server serving on (tGD F6: String() threw in the log's summary and the process died)", async () => {
    const lines: string[] = [];
    const log = (o: object, m?: string) => void lines.push(`${JSON.stringify(o)} ${m ?? ''}`);
    const odd: Record<string, () => unknown> = { toString: () => ({ toString: 1 }), bare: () => Object.create(null), getter: () => undefined };
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      logger: { info: log, warn: log, error: log },
      authenticate: async (request) => {
        const [field, kind] = String(request.headers['x-fault'] ?? '').split(':') as [string, string];
        if (!field) return { userId: 'bob', admin: false };
        const error = new Error('refused');
        if (kind === 'getter') Object.defineProperty(error, field, { get: () => { throw new Error('no'); } });
        else Object.defineProperty(error, field, { value: odd[kind]!() });
        throw error;
      },
    });
    try {
      for (const field of ['name', 'code', 'message']) {
        for (const kind of Object.keys(odd)) {
          const poll = await fetch(server.http('/api/ws/poll'), { headers: { 'x-fault': `${field}:${kind}` } });
          expect({ status: poll.status, body: await poll.json() }, `${field} ${kind}`).toEqual({ status: 401, body: { error: 'invalid-token' } });
        }
      }
      expect(lines.filter((line) => line.includes('"event":"authenticate-failed"')).length).toBeGreaterThan(0);
      expect(lines.some((line) => line.includes('(a value that cannot be shown as text)'))).toBe(true);
      expect((await fetch(server.http('/api/ws/poll'))).status).toBe(200);
    } finally {
      await server.rt.close();
    }
  });

  it("thrown on by a hook that calls createJwtVerifier, is answered with the server's codes, the verifier's why in the log's detail: its text went out as the body (a reviewer)", async () => {
    const lines: string[] = [];
    const log = (o: object, m?: string) => void lines.push(`${JSON.stringify(o)} ${m ?? ''}`);
    const verify = createJwtVerifier({ secret: SECRET });
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      logger: { info: log, warn: log, error: log },
      authenticate: (request) => verify(String(request.headers['x-token'])),
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      const cases = [
        ['not a token', 401, 'invalid-token'],
        [await token('alice', { exp: now - 60, iat: now - 120 }), 401, 'token-expired'],
        [await token('alice'), 200, undefined],
      ] as const;
      for (const [sent, status, code] of cases) {
        const poll = await fetch(server.http('/api/ws/poll'), { headers: { 'x-token': sent } });
        const body = (await poll.json()) as { error?: string };
        expect([poll.status, body.error], code).toEqual([status, code]);
        const upgrade = await refusedStatus(server.url(), { headers: { 'x-token': sent } }).catch(() => ({ status: 101 }));
        expect(upgrade.status, code).toBe(status === 200 ? 101 : status);
      }
      expect(lines.some((line) => line.includes('"event":"poll-refused"') && line.includes('"reason":"invalid-token"') && line.includes('"detail":"ERR_JWS_INVALID: not a compact JWS: it holds whitespace"'))).toBe(true);
      const { refusedPolls } = server.rt.stats();
      expect(refusedPolls).toMatchObject({ 'invalid-token': 1, 'token-expired': 1 });
      for (const key of Object.keys(refusedPolls)) expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    } finally {
      await server.rt.close();
    }
  });

  it('has a code, the one the server answers it with: a hook chaining verifiers tells an expired token without matching reason (tEM F6)', async () => {
    expect(new AuthError(403, 'banned').code).toBe('banned');
    expect(new AuthError(401, 'no-token').code).toBe('no-token');
    const now = Math.floor(Date.now() / 1000);
    const first = createJwtVerifier({ secret: SECRET });
    const refusal = async (verify: (token: string) => Promise<unknown>, sent: string) => verify(sent).then(() => undefined, (error: unknown) => error as AuthError);
    const expired = await refusal(first, await token('alice', { exp: now - 60, iat: now - 120 }));
    expect(expired).toBeInstanceOf(AuthError);
    expect({ status: expired!.status, code: expired!.code }).toEqual({ status: 401, code: 'token-expired' });
    expect((await refusal(first, 'not a token'))!.code).toBe('invalid-token');
    const other = createJwtVerifier({ secret: 'another-secret-that-is-at-least-32-bytes' });
    expect((await refusal(other, await token('alice')))!.code).toBe('invalid-token');
    expect(new AuthError(503, 'jwks-unavailable (ERR_JWKS_TIMEOUT)', 5).code).toBe('jwks-unavailable');
  });
});
