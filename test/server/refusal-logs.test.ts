/**
 * What the operator's log says of a refusal, and what the JWT options refuse at creation (a fresh
 * user embedding the server: tM's findings 2, 4 to 9). Real servers on 127.0.0.1, port 0.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier, createRealtimeServer, redactUrl, type JwtOptions, type RealtimeServerOptions } from '../../src/server/index.js';
import { connect, eventually, refusedStatus, SECRET, startServer, token } from './helpers.js';

const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A logger that keeps each line as JSON (its message after a space). */
function recorder() {
  const lines: string[] = [];
  const log = (o: object, m?: string) => void lines.push(`${JSON.stringify(o)} ${m ?? ''}`);
  const parsed = (event: string) => lines.filter((line) => line.includes(`"event":"${event}"`)).map((line) => JSON.parse(line.slice(0, line.lastIndexOf('} ') + 1)) as Record<string, unknown>);
  return { lines, logger: { info: log, warn: log, error: log }, parsed };
}

describe('jwt.algorithm and jwt.jwksAlgorithms belong to one key each (they were ignored beside another, whatever their value)', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const create = (jwt: unknown) => () => createRealtimeServer({ jwt: jwt as JwtOptions, port: 0, host: '127.0.0.1' });
  const verifier = (jwt: unknown) => () => createJwtVerifier(jwt as JwtOptions);

  it('refuses algorithm beside secret, saying the algorithm is HS256, whatever its value or type', () => {
    for (const algorithm of ['HS512', 'HS384', 'RS256', 'bogus', 42, null]) {
      const message = /^createRealtimeServer: jwt\.algorithm applies to publicKey only, got .+ beside secret: with secret the algorithm is HS256/;
      expect(create({ secret: SECRET, algorithm })).toThrow(TypeError);
      expect(create({ secret: SECRET, algorithm })).toThrow(message);
      // Called directly, named as called: it said `jwt:`, an option the caller never wrote (tAP F4).
      expect(verifier({ secret: SECRET, algorithm })).toThrow(/^createJwtVerifier: algorithm applies to publicKey only, got .+ beside secret: with secret the algorithm is HS256/);
    }
    expect(create({ secret: SECRET, algorithm: 'HS512' })).toThrow('createRealtimeServer: jwt.algorithm applies to publicKey only, got "HS512" beside secret: with secret the algorithm is HS256 (leave algorithm out; sign HS256)');
  });

  it('refuses algorithm beside jwksUrl, pointing to jwksAlgorithms: it pinned nothing (RS256 and EdDSA still verified)', () => {
    expect(create({ jwksUrl: 'http://127.0.0.1:9/jwks.json', algorithm: 'ES256' })).toThrow(new TypeError('createRealtimeServer: jwt.algorithm applies to publicKey only, got "ES256" beside jwksUrl: with jwksUrl, pin the algorithms with jwksAlgorithms (e.g. jwksAlgorithms: ["ES256"])'));
    expect(verifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', algorithm: 42 })).toThrow(/^createJwtVerifier: algorithm applies to publicKey only, got 42 beside jwksUrl: with jwksUrl, pin the algorithms with jwksAlgorithms/);
    expect(verifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', jwksAlgorithms: ['ES256'], audience: 'dashboard' })).not.toThrow();
  });

  it('refuses jwksAlgorithms without jwksUrl', () => {
    expect(create({ secret: SECRET, jwksAlgorithms: ['ES256'] })).toThrow(new TypeError('createRealtimeServer: jwt.jwksAlgorithms applies to jwksUrl only, got an array of 1 item beside secret: with secret the algorithm is HS256 (leave jwksAlgorithms out; sign HS256)'));
    expect(verifier({ publicKey: ec.publicKey, algorithm: 'ES256', jwksAlgorithms: ['ES256'] })).toThrow(/^createJwtVerifier: jwksAlgorithms applies to jwksUrl only, .* beside publicKey: with publicKey, give its one algorithm as algorithm \(RS256, ES256, EdDSA\)$/);
  });

  it('type-checks algorithm beside publicKey: null was RS256, an inherited name ("toString") passed the check', () => {
    for (const algorithm of [null, 42, 'toString', 'HS256']) {
      expect(create({ publicKey: ec.publicKey, algorithm })).toThrow(/^createRealtimeServer: jwt\.algorithm must be one of RS256, ES256, EdDSA \(the algorithm of publicKey\), got /);
    }
    expect(create({ publicKey: ec.publicKey, algorithm: 'ES256', audience: 'dashboard' })).not.toThrow();
  });
});

describe("a refused token's reason is in the operator's log (detail), never the token; the client's body keeps its code", () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    ['no exp (setExpirationTime forgotten)', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().sign(key), /^ERR_JWT_CLAIM_VALIDATION_FAILED: exp missing$/],
    ['iat in milliseconds', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(Date.now()).setExpirationTime('1h').sign(key), /^iat in the future: in milliseconds\? JWT times are seconds$/],
    ['the user id in uid, not sub', () => new SignJWT({ uid: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(key), /^sub is not a non-empty string$/],
    ['a numeric sub', () => new SignJWT({ sub: 42 as unknown as string }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key), /^sub is not a non-empty string$/],
    ['signed HS512', () => new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('alice').setExpirationTime('1h').sign(key), /^ERR_JOSE_ALG_NOT_ALLOWED: alg "HS512" not allowed, only HS256$/],
    // Cut at 40 characters with its closing quote kept: a `"` of its own then read as the end, one kind per request (tER F1).
    ['an alg of 40+ characters holding a quote', async () => [{ alg: `a"${'q'.repeat(30)}${'z'.repeat(12)}` }, { sub: 'alice' }].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.c2ln', /^ERR_JOSE_ALG_NOT_ALLOWED: alg "a\\"q{30}z{4}…" not allowed, only HS256$/],
    ['a wrong secret', () => token('alice', {}, new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')), /^ERR_JWS_SIGNATURE_VERIFICATION_FAILED: the signature does not verify/],
    ['not valid yet', () => token('alice', { nbf: now() + 600 }), /^ERR_JWT_CLAIM_VALIDATION_FAILED: nbf in the future/],
    // Written in milliseconds, meant as an hour: it never expired, exp required (tAO).
    ['exp in milliseconds', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().setExpirationTime(Date.now() + 3_600_000).sign(key), /^exp too far in the future: in milliseconds\? JWT times are seconds$/],
    ['nbf in milliseconds', () => token('alice', { nbf: Date.now() }), /^ERR_JWT_CLAIM_VALIDATION_FAILED: nbf in the future \(not valid yet\): in milliseconds\? JWT times are seconds$/],
  ];

  it('logs why on poll-refused and upgrade-refused, answers {"error":"invalid-token"} alone', async () => {
    const { lines, logger, parsed } = recorder();
    const server = await startServer({ logger, attemptsPerIp: { perSecond: 1000, burst: 1000 } });
    try {
      for (const [name, make, detail] of cases) {
        const jwt = await make();
        const response = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${jwt}` } });
        expect([name, response.status, await response.json()]).toEqual([name, 401, { error: 'invalid-token' }]);
        expect((await refusedStatus(server.url({ token: jwt }))).status).toBe(401);
        const [poll, upgrade] = [parsed('poll-refused').at(-1)!, parsed('upgrade-refused').at(-1)!];
        for (const line of [poll, upgrade]) {
          expect([name, line.reason]).toEqual([name, 'invalid-token']);
          expect([name, line.detail]).toEqual([name, expect.stringMatching(detail)]);
        }
        expect(lines.join('\n')).not.toContain(jwt.split('.')[1]!);
      }
      // An expired token is still named to the client, and its detail says which claim.
      const expired = await token('alice', { exp: now() - 600 });
      const response = await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${expired}` } });
      expect(await response.json()).toEqual({ error: 'token-expired' });
      expect(parsed('poll-refused').at(-1)).toMatchObject({ reason: 'token-expired', detail: 'ERR_JWT_EXPIRED: exp in the past' });
      expect(lines.join('\n')).not.toMatch(/eyJ/);
    } finally {
      await server.rt.close();
    }
  });

  it("createJwtVerifier's own reason names the claim (it said only ERR_JWT_CLAIM_VALIDATION_FAILED for a missing exp)", async () => {
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(key);
    await expect(createJwtVerifier({ secret: SECRET })(noExp)).rejects.toMatchObject({ status: 401, reason: 'invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED: exp missing)' });
    // An exp in milliseconds (meant: an hour) was accepted as one of the year 58 898 (tAO), with and without iat.
    for (const claims of [{ iat: now(), exp: Date.now() + 3_600_000 }, { exp: Date.now() + 3_600_000 }]) {
      const expMs = await new SignJWT({ sub: 'alice', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);
      await expect(createJwtVerifier({ secret: SECRET })(expMs)).rejects.toMatchObject({ status: 401, reason: 'invalid token (exp too far in the future: in milliseconds? JWT times are seconds)' });
    }
    const otherAudience = await token('alice', { aud: 'another-service' });
    await expect(createJwtVerifier({ secret: SECRET, audience: 'dashboard' })(otherAudience)).rejects.toMatchObject({ reason: 'invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED: aud is not the audience expected)' });
    await expect(createJwtVerifier({ secret: SECRET, issuer: 'auth' })(await token('alice', { iss: 'someone-else' }))).rejects.toMatchObject({ reason: 'invalid token (ERR_JWT_CLAIM_VALIDATION_FAILED: iss is not the issuer expected)' });
  });

  it('says what makes a token malformed, without its text, and why an Authorization header gave no token: the log said only ERR_JWS_INVALID, and no-token for a Basic header (tBT F13)', async () => {
    const jwt = await token('alice');
    const { logger, parsed } = recorder();
    const server = await startServer({ logger });
    try {
      const cases: [string, Record<string, string>, string, string][] = [
        ['?token=Bearer%20' + jwt, {}, 'invalid-token', 'ERR_JWS_INVALID: not a compact JWS: it starts with "Bearer ": give the token alone in ?token=, or the whole "Bearer <token>" as the Authorization header'],
        ['?token=%22' + jwt + '%22', {}, 'invalid-token', 'ERR_JWS_INVALID: not a compact JWS: it is in quotes (jq without -r?): give the token alone'],
        ['?token=' + jwt + '%0A', {}, 'invalid-token', 'ERR_JWS_INVALID: not a compact JWS: it ends in a line break (read from a file written with echo?): trim it'],
        ['?token=' + jwt.split('.').slice(0, 2).join('.'), {}, 'invalid-token', 'ERR_JWS_INVALID: not a compact JWS: it has 2 dot-separated parts, not 3'],
        ['?token=abc', {}, 'invalid-token', 'ERR_JWS_INVALID: not a compact JWS: it has no dots (a compact JWS is three parts joined by dots: a session id or an opaque token?)'],
        ['?token=' + jwt + '%3D', {}, 'invalid-token', 'ERR_JWS_INVALID: not a compact JWS: it holds a character outside base64url ("=" padding)'],
        ['', { authorization: `Basic ${jwt}` }, 'no-token', 'the Authorization header has the Basic scheme, not Bearer: give "Bearer <token>" or ?token='],
        ['', { authorization: jwt }, 'no-token', 'the Authorization header does not start with "Bearer ": give "Bearer <token>" or ?token='],
      ];
      for (const [query, headers, reason, detail] of cases) {
        const poll = await fetch(server.http(`/api/ws/poll${query}`), { headers });
        expect([poll.status, await poll.json()], detail).toEqual([401, { error: reason }]);
        expect(parsed('poll-refused').at(-1), detail).toMatchObject({ reason, detail });
      }
      // No header at all: no-token, with nothing more to say.
      expect((await fetch(server.http('/api/ws/poll'))).status).toBe(401);
      expect(parsed('poll-refused').at(-1)).not.toHaveProperty('detail');
      for (const line of parsed('poll-refused')) expect(JSON.stringify(line)).not.toContain(jwt.split('.')[2]);
    } finally {
      await server.rt.close();
    }
  });

  it("logs why a hook's principal was refused on the refusal's line too", async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({ jwt: undefined, allowedOrigins: '*', authenticate: () => ({ userId: '', admin: false }), logger } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http('/api/ws/poll'))).status).toBe(401);
      expect(parsed('poll-refused').at(-1)).toMatchObject({ reason: 'invalid-token', detail: 'the authentication hook gave a user id that is not a non-empty string: got an empty string in userId' });
    } finally {
      await server.rt.close();
    }
  });
});

describe('a token inside a hook\'s thrown error is redacted in the log ("never given a token")', () => {
  it('authenticate, clientIp and handleHttp', async () => {
    const jwt = await token('alice');
    const { lines, logger } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        throw new Error(`could not verify token ${new URL(request.url!, 'http://x').searchParams.get('token')}`);
      },
      clientIp: (request) => {
        if (request.headers['x-fail'] !== undefined) throw new Error(`bad header with ${String(request.headers['x-fail'])} in it`);
        return request.socket.remoteAddress!;
      },
      handleHttp: (request) => {
        throw new TypeError(`no route for bearer ${String(request.headers['x-token'])}`);
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http(`/api/ws/poll?token=${jwt}`))).status).toBe(401);
      expect((await refusedStatus(server.url({ token: jwt }))).status).toBe(401);
      expect((await fetch(server.http('/api/ws/poll'), { headers: { 'x-fail': jwt } })).status).toBe(401);
      expect((await fetch(server.http('/elsewhere'), { headers: { 'x-token': jwt } })).status).toBe(500);
      const text = lines.join('\n');
      expect(text).toMatch(/"event":"authenticate-failed".*"message":"could not verify token \[redacted\]"/);
      expect(text).toMatch(/"event":"poll-refused".*"reason":"invalid-token","detail":"the authentication hook threw"/);
      expect(text).toMatch(/"event":"client-ip-threw".*"message":"bad header with \[redacted\] in it"/);
      expect(text).toMatch(/"event":"handle-http-threw".*"message":"no route for bearer \[redacted\]"/);
      expect(text).not.toContain(jwt.split('.')[1]!);
    } finally {
      await server.rt.close();
    }
  });
});

describe('a token in a hook\'s error name, or split between its name and message, is redacted in the log (tFU F15, tGD F7: logged whole)', () => {
  it('a name that is the token, TokenError: <header> / <payload>.<signature>, <header>.<payload> / .<signature>, and ordinary ones shown', async () => {
    const jwt = await token('alice');
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const errors: Record<string, [string, string]> = {
      whole: [jwt, 'x'],
      named: ['TokenError', 'x'],
      one: [`TokenError: ${h}`, `${p}.${s}`],
      two: [`${h}.${p}`, `.${s}`],
      plain: ['TypeError', 'Cannot read properties of undefined (reading \'sub\')'],
      dotted: ['TokenError: config.json', 'bad value in app.settings.token'],
    };
    const { lines, logger } = recorder();
    const server = await startServer({
      jwt: undefined,
      allowedOrigins: '*',
      authenticate: (request) => {
        const [name, message] = errors[new URL(request.url!, 'http://x').searchParams.get('case') ?? '']!;
        throw Object.assign(new Error(message), { name });
      },
      logger,
    } as Partial<RealtimeServerOptions>);
    try {
      for (const which of Object.keys(errors)) expect((await fetch(server.http(`/api/ws/poll?case=${which}`))).status).toBe(401);
      const text = lines.join('\n');
      expect(text).toContain('"err":{"name":"[redacted]","message":"x"}');
      expect(text).toContain('"err":{"name":"TokenError","message":"x"}');
      expect(text).toContain('"err":{"name":"TokenError: [redacted]","message":"[redacted]"}');
      expect(text).toContain('"err":{"name":"[redacted]","message":"[redacted]"}');
      expect(text).toContain('"err":{"name":"TypeError","message":"Cannot read properties of undefined (reading \'sub\')"}');
      expect(text).toContain('"err":{"name":"TokenError: config.json","message":"bad value in app.settings.token"}');
      expect(text).not.toContain(p);
      expect(text).not.toContain(s);
    } finally {
      await server.rt.close();
    }
  });
});

describe('query parameters the protocol does not define, named as secrets or not: ticket, code, bearer, otp, …', () => {
  it('redacts them in the refusal log line (a valid one-time ticket, refused for its origin, was logged)', async () => {
    const { lines, logger } = recorder();
    let clock = 0;
    const server = await startServer({ jwt: undefined, authenticate: () => ({ userId: 'alice', admin: false }), allowedOrigins: ['https://dashboard.example.com'], logger, monotonicClock: () => clock } as Partial<RealtimeServerOptions>);
    const secret = 'tkt_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    try {
      for (const name of ['ticket', 'code', 'bearer', 'otp', 'auth_code', 'verificationCode', 'pin', 'passcode', 'wsTicket']) {
        const url = `ws://127.0.0.1:${server.port}/api/ws?${name}=${secret}`;
        expect((await refusedStatus(url, { headers: { origin: 'https://other.example.com' } })).status).toBe(403);
        expect(lines.at(-1)).toContain('"url":"/api/ws?[redacted]"');
        // A refusal for the origin is logged once per address each 10 s (README): the next is logged, with how many were not.
        expect((await refusedStatus(url, { headers: { origin: 'https://other.example.com' } })).status).toBe(403);
        clock += 10_000;
      }
      expect(lines).toHaveLength(9);
      expect(lines.at(-1)).toContain('"notLogged":1');
      expect(lines.join('\n')).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });

  it('logs no value under a name the protocol does not define, an ordinary name or a secret one alike: the parameter is [redacted] whole, name and value', () => {
    // The names the word rule (isSecretName, listen's now) kept in clear, and those it redacted: one verdict in the log.
    const ordinary = ['country_code', 'status_code', 'topic', 'cursor', 'user', 'author', 'design', 'monkey', 'spinner', 'bypass', 'userId', 'MONKEY', 'hotkey', 'Bypass', 'hairpin',
      'switch_mac', 'last_ok_entry', 'photo_kenya', 'dot_p', 'app_keyboard', 'oauth_keyword', 'device_codec', 'ApiKeyboard', 'client_keymap', 'security_codebase'];
    const secret = ['pass_word', 'sess-id', 't_o_k_e_n', 'app_key', 'appKey', 'api_keys', 'device_code', '2FA_code', 'passkey', 'PASSKEY', 'dbpass', 'userpin', 'reqsig', 'websid', 'two_factor_code', 'hotp_code'];
    for (const name of [...ordinary, ...secret]) expect(redactUrl(`/api/ws?${name}=OPAQUE-S3CR3T&since=e.12`), name).toBe('/api/ws?[redacted]&since=e.12');
    // Its value whatever it is: a MAC address, a number, a file name.
    expect(redactUrl('/api/ws?switch_mac=00:11:22:33:44:55&last_ok_entry=42&photo_kenya=nairobi.jpg')).toBe('/api/ws?[redacted]&[redacted]&[redacted]');
  });

  it('redacts a name that holds a secret\'s word anywhere, in any case and with any separator or none (tCN F1: session_id, accesstoken, api_key_v2… were logged in clear, sessionId redacted; tCP F2: a credential\'s key or code glued to more letters, apikeyv2, privatekeypem, resetcodeurl, in clear again after tCO F3\'s fix)', async () => {
    const names = ['session_id', 'session-id', 'JSESSIONID', 'sessionId', 'accesstoken', 'authtoken', 'Authtoken', 'apitoken', 'idtoken', 'refreshtoken', 'sessiontoken', 'clientsecret', 'privatekey', 'secretkey', 'accesskey', 'sessionkey', 'token_value', 'tokenValue', 'tokens', 'secrets', 'passwords', 'api_key_v2', 'ticket_id', 'X-Auth-Token', 'apikeyv2', 'api_keyv2', 'APIKEYV2', 'privatekeypem', 'clientkeyb64', 'signingkeyjwk', 'licensekeyfile', 'authcodev2', 'resetcodeurl'];
    for (const name of names) expect(redactUrl(`/api/ws?since=e.12&${name}=OPAQUE-S3CR3T&user=ann`), name).toBe('/api/ws?since=e.12&[redacted]&[redacted]');
    // Its value in the name, after an encoded `=`: the parameter goes whole.
    expect(redactUrl('/api/ws?session_id%3DOPAQUE-S3CR3T&user=ann')).toBe('/api/ws?[redacted]&[redacted]');
    // Through a server's log line: a hook reads an app session from ?session_id=, a page of another origin is refused.
    const { lines, logger } = recorder();
    const server = await startServer({ jwt: undefined, authenticate: () => ({ userId: 'alice', admin: false }), allowedOrigins: ['https://app.example'], logger } as Partial<RealtimeServerOptions>);
    try {
      expect((await refusedStatus(`ws://127.0.0.1:${server.port}/api/ws?session_id=S3CR3T-abc`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
      expect(lines.at(-1)).toContain('"url":"/api/ws?[redacted]"');
      expect(lines.join('\n')).not.toContain('S3CR3T');
    } finally {
      await server.rt.close();
    }
  });

  it("redacts a short secret's word of its own in the server's log line: split off by a camelCase capital, beside another word, plural (tCT F7, F10, F13: userPin, pinCode, user_pin, keys: only listen's test held one rule of them, none the others)", async () => {
    const { lines, logger } = recorder();
    let clock = 0;
    const server = await startServer({ jwt: undefined, authenticate: () => ({ userId: 'alice', admin: false }), allowedOrigins: ['https://dashboard.example.com'], logger, monotonicClock: () => clock } as Partial<RealtimeServerOptions>);
    const secret = 'S3CR3T-4921';
    const names = [
      // A camelCase capital splits the words: the short word leads or ends the name (README: "a short word … only as a word of its own").
      'userPin', 'adminPass', 'mySig', 'pinCode', 'keyId', 'authHeader',
      // Beside another word, past a separator.
      'user_pin', 'my-sig', 'admin.pass',
      // Plural (secrets.ts: "plural or not").
      'keys', 'KEYS', 'user_keys', 'pins', 'sigs',
    ];
    try {
      for (const name of names) {
        expect((await refusedStatus(`ws://127.0.0.1:${server.port}/api/ws?${name}=${secret}&user=ann`, { headers: { origin: 'https://other.example.com' } })).status).toBe(403);
        expect(lines.at(-1), name).toContain('"url":"/api/ws?[redacted]&[redacted]"');
        // A refusal for the origin is logged once per address each 10 s (README).
        clock += 10_000;
      }
      expect(lines).toHaveLength(names.length);
      expect(lines.join('\n')).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });

  it('redacts a compact JWE whose encrypted key is empty (alg "dir": <header>..<iv>.<ciphertext>.<tag>) in the query and in the path (tCL F2: the path logged it whole)', () => {
    const jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..M2Fm0Qk3bLn8yXqA.8cQfGm2b1Yx4ZkPqR7sVt0WnEa9dHj6L3uIo5rTyUpA.Zx9Qw8Er7Ty6Ui5Op4As3D';
    expect(redactUrl(`/api/ws?since=${jwe}&b=2`)).toBe('/api/ws?since=[redacted]&[redacted]');
    expect(redactUrl(`/api/ws?${jwe}&since=k.1`)).toBe('/api/ws?[redacted]&since=k.1');
    expect(redactUrl(`/api/ws/${jwe}?since=k.1`)).toBe('/api/ws/[redacted]?since=k.1');
    // Dotted names with an empty label stay.
    expect(redactUrl('/static/main_application..3b2c4d5e6f7a8b9c.chunk.js')).toBe('/static/main_application..3b2c4d5e6f7a8b9c.chunk.js');
    // A `..` in a path without a JWT header before it is no JWE (tCO F3: a file name was logged as `[redacted]`); in a
    // `since`, it is no cursor of the stores' (`<epoch>.<decimal position>`): its value is redacted, its name kept.
    for (const plain of ['/api/ws/poll/report_2024_final..backup_version_2.tar.gz', '/api/ws/poll/release_2024_11..release_2024_12.0.1']) expect(redactUrl(plain)).toBe(plain);
    expect(redactUrl('/api/ws/poll?since=report_2024_final..backup_version_2.tar.gz')).toBe('/api/ws/poll?since=[redacted]');
  });
});

describe("the server's log keeps a URL's values under the protocol's names only (an allow-list): the word rule left foopinhash, x, a bare secret and ;v= in clear", () => {
  it('logs a refused poll with every parameter but token\'s name and one since cursor redacted: foopinhash, x, a bare ?S3CR3T and its name; since=https://a:b@x/, since=<jwt>, two since too', async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({ logger });
    const jwt = await token('alice');
    try {
      const cases: [string, string][] = [
        ['?token=bad&foopinhash=S3CR3T', '?token=[redacted]&[redacted]'],
        ['?token=bad&x=S3CR3T', '?token=[redacted]&[redacted]'],
        ['?token=bad&S3CR3T', '?token=[redacted]&[redacted]'],
        ['?token=bad&since=k3x9a.1042', '?token=[redacted]&since=k3x9a.1042'],
        ['?token=bad&since=https://a:b@x/', '?token=[redacted]&since=[redacted]'],
        [`?token=bad&since=${jwt}`, '?token=[redacted]&since=[redacted]'],
        // A name holds a secret too: a bare one as URLSearchParams (listen) writes it, a JWT's header as a name beside the rest as a
        // cursor; and a token split over two since cursors (tDM F1, F2: each logged whole).
        ['?token=bad&sk_live_S3CR3T=', '?token=[redacted]&[redacted]'],
        [`?token=bad&${jwt.split('.')[0]}=1&since=${jwt.split('.').slice(1).join('.')}`, '?token=[redacted]&[redacted]&since=[redacted]'],
        [`?token=bad&since=${jwt.split('.')[0]}&since=${jwt.split('.').slice(1).join('.')}`, '?token=[redacted]&since=[redacted]&since=[redacted]'],
        ['?token=bad&since=e1.1&since=e1.2', '?token=[redacted]&since=[redacted]&since=[redacted]'],
      ];
      for (const [query, logged] of cases) {
        expect((await fetch(server.http(`/api/ws/poll${query}`))).status, query).toBe(401);
        expect(parsed('poll-refused').at(-1), query).toMatchObject({ reason: 'invalid-token', url: `/api/ws/poll${logged}` });
      }
      const text = lines(parsed('poll-refused'));
      for (const secret of ['S3CR3T', 'a:b@', jwt.split('.')[0]!, jwt.split('.')[1]!, jwt.split('.')[2]!]) expect(text).not.toContain(secret);
    } finally {
      await server.rt.close();
    }
  });

  it("logs a path parameter's value redacted, whatever its name (;v=, ;jsessionid=), and one with no = whole, in a request's line and past the bounds", async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({ logger, handleHttp: () => { throw new Error('app down'); } } as Partial<RealtimeServerOptions>);
    try {
      expect((await fetch(server.http('/app;v=S3CR3T;jsessionid=S3CR3T;S3CR3T/page?since=k.1&x=S3CR3T'))).status).toBe(500);
      expect(parsed('handle-http-threw').at(-1)).toMatchObject({ url: '/app;v=[redacted];jsessionid=[redacted];[redacted]/page?since=k.1&[redacted]' });
      expect(lines(parsed('handle-http-threw'))).not.toContain('S3CR3T');
    } finally {
      await server.rt.close();
    }
    // Past 64 parameters the query is not read, and the path's parameters follow the same rule.
    expect(redactUrl(`/app;v=S3CR3T/page?${'a&'.repeat(100)}`)).toBe('/app;v=[redacted]/page?[200 characters not logged]');
  });
});

/** Parsed log lines as one text, to search for what must not be there. */
function lines(parsed: Record<string, unknown>[]): string {
  return parsed.map((line) => JSON.stringify(line)).join('\n');
}

describe('behind a proxy the log names the client clientIp found, not the proxy', () => {
  it('logs ip as clientIp returned it and the socket as socketIp, on refusals of every kind', async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({
      logger,
      attemptsPerIp: { perSecond: 0.001, burst: 2 },
      clientIp: (request) => String(request.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim(),
    });
    try {
      const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' };
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(server.http('/api/ws/poll?token=bad'), { headers })).status);
      expect(statuses).toEqual([401, 401, 429]);
      expect((await refusedStatus(server.url({ token: 'bad' }), { headers })).status).toBe(429);
      const refusals = [...parsed('poll-refused'), ...parsed('upgrade-refused')];
      expect(refusals.map((line) => line.reason)).toEqual(['invalid-token', 'invalid-token', 'rate-ip', 'rate-ip']);
      for (const line of refusals) expect(line).toMatchObject({ ip: '203.0.113.7', socketIp: '127.0.0.1' });
      // No header: the socket's address, once.
      expect((await fetch(server.http('/api/ws/poll?token=bad'))).status).toBe(401);
      const direct = parsed('poll-refused').at(-1)!;
      expect(direct.ip).toBe('127.0.0.1');
      expect(direct).not.toHaveProperty('socketIp');
      // Whatever the proxy let through, a line stays short: no IP address, it is refused, the socket's address named (tBT F14).
      expect((await fetch(server.http('/api/ws/poll?token=bad'), { headers: { 'x-forwarded-for': 'x'.repeat(1000) } })).status).toBe(401);
      expect(parsed('poll-refused').at(-1)).toMatchObject({ ip: '127.0.0.1', detail: 'the clientIp hook returned no IP address (client-ip-not-an-address)' });
      const [notAddress] = parsed('client-ip-not-an-address');
      expect(JSON.stringify(notAddress).length).toBeLessThan(300);
      expect(notAddress).toMatchObject({ err: { message: expect.stringMatching(/^clientIp returned "x{10,}.*: not an IP address$/) } });
    } finally {
      await server.rt.close();
    }
  });

  it("names the client's address in a socket's connection-open line, as ip and socketIp, so that its later lines (a 4429 close) can be joined to it by connection (they named none: a tester)", async () => {
    const { logger, parsed } = recorder();
    const server = await startServer({ logger, clientIp: (request) => String(request.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() });
    try {
      const behind = await connect(server.url({ token: await token('alice') }), { headers: { 'x-forwarded-for': '198.51.100.1, 2001:db8::42' } });
      const direct = await connect(server.url({ token: await token('bob') }));
      await eventually(() => parsed('connection-open').length === 2, 5000, 'both connection-open lines');
      const [first, second] = parsed('connection-open');
      expect(first).toEqual({ event: 'connection-open', connection: expect.any(Number), userId: 'alice', admin: false, resume: false, ip: '2001:db8::42', socketIp: '127.0.0.1' });
      // Without a header the socket's address alone, as a refusal has it.
      expect(second).toEqual({ event: 'connection-open', connection: expect.any(Number), userId: 'bob', admin: false, resume: false, ip: '127.0.0.1' });
      behind.ws.close();
      direct.ws.close();
    } finally {
      await server.rt.close();
    }
  });
});

describe('clientIp answers at once: an async one is refused at creation', () => {
  it('is a TypeError naming it, as an async allowedOrigins is (it was accepted, then every client got 401 invalid-token)', () => {
    const create = (clientIp: unknown) => () => createRealtimeServer({ jwt: { secret: SECRET }, clientIp: clientIp as () => string, port: 0, host: '127.0.0.1' });
    expect(create(async () => '203.0.113.7')).toThrow(new TypeError("createRealtimeServer: clientIp must be a function that answers at once (the address as a string, or null or undefined for the socket's), got an async function, which answers with a promise: read the address from the request (a proxy's header) synchronously"));
    expect(create(async function named() {
      return '203.0.113.7';
    })).toThrow(TypeError);
    expect(create(() => '203.0.113.7')).not.toThrow();
  });

  it('takes null and undefined as the socket\'s address, as its type now says', async () => {
    for (const clientIp of [() => undefined, () => null]) {
      const server = await startServer({ clientIp });
      try {
        expect((await fetch(server.http('/api/ws/poll'), { headers: { authorization: `Bearer ${await token('alice')}` } })).status).toBe(200);
      } finally {
        await server.rt.close();
      }
    }
  });
});
