import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier, createRealtimeServer, createRedisStreamStore, MemoryStreamStore } from '../../src/server/index.js';

const SECRET = 'x'.repeat(40);

/** The message `run` throws, or 'no error'. */
const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('integer options past Number.MAX_SAFE_INTEGER', () => {
  it("are refused with the bound that refuses them, not with a message saying they must be what they are (tDF F6: 2^53 was 'must be an integer ≥ 1, got 9007199254740992')", async () => {
    const bound = '; at most 9007199254740991 (Number.MAX_SAFE_INTEGER)';
    expect(() => new MemoryStreamStore({ maxBytes: 2 ** 53 })).toThrow(new RangeError(`MemoryStreamStore: maxBytes must be an integer ≥ 1, got 9007199254740992${bound}`));
    expect(() => new MemoryStreamStore({ maxEntries: 1e20 })).toThrow(new RangeError(`MemoryStreamStore: maxEntries must be an integer ≥ 1, got 100000000000000000000${bound}`));
    expect(() => new MemoryStreamStore({ maxAgeMs: 1e16 })).toThrow(new RangeError(`MemoryStreamStore: maxAgeMs must be an integer number of milliseconds ≥ 0 (0: no age bound), got 10000000000000000${bound}`));
    expect(() => createRealtimeServer({ port: 0, jwt: { secret: SECRET }, maxConnectionsPerIp: 2 ** 60 })).toThrow(new RangeError(`createRealtimeServer: maxConnectionsPerIp must be an integer ≥ 1, or null for no limit, got 1152921504606847000${bound}`));
    await expect(createRedisStreamStore({ url: 'redis://127.0.0.1:1', maxMessages: 2 ** 53 } as never)).rejects.toThrow(new RangeError(`createRedisStreamStore: maxMessages must be an integer ≥ 1, got 9007199254740992${bound}`));
    // The largest is taken; below the range, and a bound a message already names, say what they said.
    expect(new MemoryStreamStore({ maxBytes: Number.MAX_SAFE_INTEGER }).size).toBe(0);
    expect(() => new MemoryStreamStore({ maxBytes: 0 })).toThrow(new RangeError('MemoryStreamStore: maxBytes must be an integer ≥ 1, got 0'));
    expect(() => createRealtimeServer({ port: 70000, jwt: { secret: SECRET } })).toThrow(new RangeError('createRealtimeServer: port must be an integer from 0 to 65535 (0: any free port), got 70000'));
  });
});

// tEC F1: `createRedisStreamStore(process.env.REDIS_URL)`, `store: process.env.REDIS_URL`, `createRealtimeServer(secret)`:
// a string given where an object or a function goes was printed (up to 60 characters: the whole password of a typical URL).
describe('a secret or a Redis URL given where an option takes no string', () => {
  const secret = 'sk_live_S3CR3TvalueXYZ0123456789abcdef';
  const url = `redis://default:${secret}@127.0.0.1:1`;
  const hidden = (length: number) => `got a string of ${length} characters (not shown: it may be a secret)`;

  it('is said by its length only, by every server-side factory', async () => {
    const rejected = (run: () => Promise<unknown>) => run().then(() => 'no error', (error: Error) => error.message);
    const messages = [
      thrown(() => createRealtimeServer(secret as never)),
      thrown(() => createRealtimeServer({ jwt: { secret }, store: url as never })),
      thrown(() => createRealtimeServer({ jwt: { secret }, logger: secret as never })),
      thrown(() => createRealtimeServer({ jwt: { secret }, server: url as never })),
      thrown(() => new MemoryStreamStore(secret as never)),
      await rejected(() => createRedisStreamStore(url as never)),
      await rejected(() => createRedisStreamStore({ client: url as never })),
      await rejected(() => createRedisStreamStore({ url: 'redis://127.0.0.1:1', logger: secret as never })),
    ];
    for (const message of messages) expect(message).not.toContain(secret);
    expect(messages).toEqual([
      `createRealtimeServer: options must be an object with jwt or authenticate, ${hidden(secret.length)}`,
      `createRealtimeServer: store must be a StreamStore (append, read, subscribe, status and close), ${hidden(url.length)}`,
      `createRealtimeServer: logger must be an object with info, warn and error functions (pino, console), ${hidden(secret.length)}`,
      `createRealtimeServer: server must be an http or https server (createServer(), fastify.server, the one app.listen() returns), ${hidden(url.length)}`,
      `MemoryStreamStore: options must be an object such as { maxEntries: 100000 }, ${hidden(secret.length)}`,
      `createRedisStreamStore: options must be an object with url or client, ${hidden(url.length)} (a URL string? pass { url })`,
      `createRedisStreamStore: client must be an ioredis client, ${hidden(url.length)}`,
      `createRedisStreamStore: logger must be an object with info, warn and error functions, ${hidden(secret.length)}`,
    ]);
  });

  it('is shown when it reads as a number or a boolean, and a string an option takes has its URL password and query redacted', () => {
    expect(() => new MemoryStreamStore({ maxEntries: '1000' as never })).toThrow('MemoryStreamStore: maxEntries must be an integer ≥ 1, got "1000"');
    // tEI F15 (mutations M30: only up to 4 characters read as a number; M34: the epoch hidden as a secret): a size of
    // 9 digits given as a string is shown (the very mistake), and so is an epoch, which is no secret.
    expect(() => new MemoryStreamStore({ maxBytes: '104857600' as never })).toThrow(/^MemoryStreamStore: maxBytes .*, got "104857600"$/);
    expect(() => new MemoryStreamStore({ epoch: 'a.b' })).toThrow(/^MemoryStreamStore: epoch .*, got "a\.b"$/);
    expect(() => createRealtimeServer({ jwt: { secret }, webSocket: 'false' as never })).toThrow('createRealtimeServer: webSocket must be true or false, got "false"');
    expect(() => createRealtimeServer({ jwt: { secret }, path: `/x?token=${secret}` })).toThrow(/got "\/x\?token=\[redacted\]"/);
    expect(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: `https://user:${secret}@app.example` as never })).toThrow(
      'createRealtimeServer: allowedOrigins must be an array of origins (["https://dashboard.example.com"]), a function (origin) => boolean, or \'*\' for any, got "https://[redacted]@app.example"; pass an array: ["https://[redacted]@app.example"] (a list from one variable: value.split(\',\'))',
    );
  });

  // tEG F4: the jwt options, path, jwksUrl and allowedOrigins' hint printed it whole (`jwksUrl: process.env.JWT_SECRET`).
  it('is said by its length only by the jwt options, path, jwksUrl and allowedOrigins (its hint too), a JWT included', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.Zm9vYmFyYmF6cXV4cXV1eHh5eg';
    const messages = [
      thrown(() => createRealtimeServer({ jwt: { secret, clockToleranceSec: secret as never } })),
      thrown(() => createRealtimeServer({ jwt: { secret, allowTokensWithoutExp: secret as never } })),
      thrown(() => createJwtVerifier({ jwksUrl: 'https://idp.example/jwks', audience: null, jwksAlgorithms: secret as never })),
      thrown(() => createJwtVerifier({ secret, algorithm: secret as never, audience: null })),
      thrown(() => createJwtVerifier({ jwksUrl: secret, audience: null })),
      thrown(() => createRealtimeServer({ jwt: { secret }, path: secret })),
      thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: jwt as never })),
    ];
    for (const message of messages) expect(message).not.toMatch(/S3CR3T|eyJ/);
    expect(messages).toEqual([
      `createRealtimeServer: jwt.clockToleranceSec must be a number of seconds from 0 to 300 (in seconds, not milliseconds), ${hidden(secret.length)}`,
      `createRealtimeServer: jwt.allowTokensWithoutExp must be true or false, ${hidden(secret.length)}`,
      `createJwtVerifier: jwksAlgorithms must be a non-empty array of RS256, ES256, EdDSA, ${hidden(secret.length)}`,
      `createJwtVerifier: algorithm applies to publicKey only, ${hidden(secret.length)} beside secret: with secret the algorithm is HS256 (leave algorithm out; sign HS256)`,
      `createJwtVerifier: jwksUrl must be an http(s) URL (https://idp.example/.well-known/jwks.json), ${hidden(secret.length)}: not an absolute URL (https://… or http://…)`,
      `createRealtimeServer: path must be a path starting with /, ${hidden(secret.length)}`,
      `createRealtimeServer: allowedOrigins must be an array of origins (["https://dashboard.example.com"]), a function (origin) => boolean, or '*' for any, ${hidden(jwt.length)}; pass an array of origins: ["https://dashboard.example.com"] (a list from one variable: value.split(','))`,
    ]);
    // What such an option takes, given wrong, is still shown: an algorithm's name, a path or a URL without its scheme.
    expect(thrown(() => createJwtVerifier({ secret, algorithm: 'HS512' as never }))).toMatch(/^createJwtVerifier: algorithm applies to publicKey only, got "HS512" beside secret/);
    expect(thrown(() => createJwtVerifier({ jwksUrl: 'https://idp.example/jwks', audience: null, jwksAlgorithms: 'RS256' as never }))).toMatch(/, got "RS256"$/);
    expect(thrown(() => createRealtimeServer({ jwt: { secret }, path: 'api/ws' }))).toBe('createRealtimeServer: path must be a path starting with /, got "api/ws"');
    expect(thrown(() => createJwtVerifier({ jwksUrl: 'idp.example/jwks', audience: null }))).toMatch(/got "idp\.example\/jwks": not an absolute URL/);
  });

  // tER F10: `serve --host` hid it in getaddrinfo's message, `listening` rejected with it whole.
  it('is [redacted] in the error `listening` rejects with when it is the host, as serve --host has it', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    for (const host of ['Pa55w0rdXyz.invalid', `${jwt}.invalid`, '0123456789abcdef0123456789abcdef']) {
      const rt = createRealtimeServer({ jwt: { secret }, host, port: 0 });
      const error = (await rt.listening.then(() => undefined, (failed: unknown) => failed)) as (Error & { code?: string; hostname?: string }) | undefined;
      await rt.close();
      expect(error, host).toBeInstanceOf(Error);
      expect(error!.message, host).toMatch(/^getaddrinfo [A-Z_]+ \[redacted\]$/);
      expect(error!.code, host).toMatch(/^(?:ENOTFOUND|EAI_AGAIN|EAI_FAIL)$/);
      expect([error!.message, error!.stack, error!.hostname].join(' ').toLowerCase(), host).not.toContain(host.slice(0, 11).toLowerCase());
    }
  });

  // tER F11: an address bar pasted as an origin or a host showed its `#access_token=`, `?api_key=` whole; `path` redacts them.
  it('is [redacted] in the query or fragment of an address bar given as an origin or a host, as path has it', () => {
    const asSent = 'an origin as browsers send it: scheme://host[:port], no path, no trailing slash';
    const fragment = 'https://app.example.com/#access_token=ya29.s3cretOpaqueAccessToken&token_type=Bearer';
    const query = 'https://app.example.com/cb?api_key=s3cretxk9mp2qr7wl4';
    const messages = [
      thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: [fragment] })),
      thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: [query] })),
      thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: fragment as never })),
      thrown(() => createRealtimeServer({ jwt: { secret }, host: query })),
    ];
    for (const message of messages) expect(message).not.toContain('s3cret');
    expect(messages).toEqual([
      `createRealtimeServer: allowedOrigins[0] must be ${asSent}, got "https://app.example.com/#[redacted]"; did you mean "https://app.example.com"?`,
      `createRealtimeServer: allowedOrigins[0] must be ${asSent}, got "https://app.example.com/[redacted]?[redacted]"; did you mean "https://app.example.com"?`,
      `createRealtimeServer: allowedOrigins must be an array of origins (["https://dashboard.example.com"]), a function (origin) => boolean, or '*' for any, got "https://app.example.com/#[redacted]"; pass an array: ["https://app.example.com/#[redacted]"] (a list from one variable: value.split(','))`,
      'createRealtimeServer: host must be a host name or address, got "https://app.example.com/[redacted]?[redacted]"; give the host alone ("app.example.com")',
    ]);
  });

  // tER F2: the string form hid it, an entry of the array printed it whole (`allowedOrigins: [process.env.ALLOWED_ORIGIN]`).
  it('is said by its length only as an entry of allowedOrigins, as in the string form and serve --allow-origin', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    const asSent = 'an origin as browsers send it: scheme://host[:port], no path, no trailing slash';
    for (const value of ['Xk9mP2qR7wL4zT8b!', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'AKIAIOSFODNN7EXAMPLE', '0123456789abcdef0123456789abcdef', 'Pa55w0rdXyz', jwt]) {
      const message = thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: ['https://app.example', value] }));
      expect(message, value).toBe(`createRealtimeServer: allowedOrigins[1] must be ${asSent}, ${hidden(value.length)}`);
      // The string form, the same verdict.
      expect(thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: value as never })), value).toContain(hidden(value.length));
    }
    // What reads as an origin, a host or host:port is still shown: the mistake is in it.
    expect(thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: ['dashboard.example.com'] }))).toBe(`createRealtimeServer: allowedOrigins[0] must be ${asSent}, got "dashboard.example.com"`);
    expect(thrown(() => createRealtimeServer({ jwt: { secret }, allowedOrigins: ['localhost:3000'] }))).toBe(`createRealtimeServer: allowedOrigins[0] must be ${asSent}, got "localhost:3000"`);
  });

  // tET F9 (mutant A12: publicKeyFor's message by preview), F6 (A6, A7: ES256K and es256 hidden), F7 (A10: jwksUrl's scheme guard).
  it("publicKey's algorithm is shown when it reads as a JOSE name (ES256K, es256), by its length otherwise; a jwksUrl whose https:// is forgotten is shown", () => {
    const ecPem = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const must = 'createJwtVerifier: algorithm must be one of RS256, ES256, EdDSA (the algorithm of publicKey), ';
    // `algorithm: process.env.JWT_SECRET` beside publicKey: not printed.
    const bySecret = thrown(() => createJwtVerifier({ publicKey: ecPem('P-256'), algorithm: secret as never, audience: null }));
    expect(bySecret).not.toContain(secret);
    expect(bySecret).toBe(`${must}${hidden(secret.length)}`);
    // A JOSE name the key does not take, or one in the wrong case, is shown: the likeliest mistakes.
    expect(thrown(() => createJwtVerifier({ publicKey: ecPem('secp256k1'), algorithm: 'ES256K' as never, audience: null }))).toBe(`${must}got "ES256K"`);
    expect(thrown(() => createJwtVerifier({ publicKey: ecPem('P-256'), algorithm: 'es256' as never, audience: null }))).toBe(`${must}got "es256"`);
    // A jwksUrl with its https:// forgotten (host:port/path, capitals and digits) is shown, the mistake to see.
    expect(thrown(() => createJwtVerifier({ jwksUrl: 'Idp.Example.com:443/Keys2024', audience: 'app' }))).toMatch(/^createJwtVerifier: jwksUrl must be an http\(s\) URL \(https:\/\/idp\.example\/\.well-known\/jwks\.json\), got "Idp\.Example\.com:443\/Keys2024": /);
  });
});
