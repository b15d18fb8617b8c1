/** publish/broadcast are typed by `x-audience`: a per-user type cannot be broadcast, a global one cannot be published to a user. */
import { describe, expectTypeOf, it } from 'vitest';
import type { GlobalMessage, UserMessage } from '../../src/index.js';
import { createMessage } from '../../src/runtime/builders.js';
import type { AuthenticateHook, JwtOptions, RealtimeServer, RealtimeServerOptions, StreamEntry } from '../../src/server/index.js';

declare const server: RealtimeServer;
declare const trade: ReturnType<typeof createMessage<'trades'>>;
declare const bots: ReturnType<typeof createMessage<'bots'>>;
declare const whale: ReturnType<typeof createMessage<'whale'>>;
declare const health: ReturnType<typeof createMessage<'system_health'>>;
declare const connection: ReturnType<typeof createMessage<'connection'>>;
declare const error: ReturnType<typeof createMessage<'error'>>;

describe('server typing by audience', () => {
  it('publish takes per-user messages, broadcast takes global ones', () => {
    expectTypeOf(server.publish).parameter(1).toEqualTypeOf<UserMessage>();
    expectTypeOf(server.broadcast).parameter(0).toEqualTypeOf<GlobalMessage>();
    expectTypeOf(server.publish('u1', trade)).toEqualTypeOf<Promise<StreamEntry>>();
    void server.publish('u1', bots);
    void server.broadcast(whale);
    void server.broadcast(health);
  });

  it('rejects the wrong audience at compile time', () => {
    // @ts-expect-error a bot-control message to every user is the bug this typing prevents
    void server.broadcast(bots);
    // @ts-expect-error trades are per user
    void server.broadcast(trade);
    // @ts-expect-error whale activity is global
    void server.publish('u1', whale);
    // @ts-expect-error connection messages belong to one socket, sent by the server itself
    void server.publish('u1', connection);
    // @ts-expect-error errors belong to one socket
    void server.broadcast(error);
    // @ts-expect-error the user id comes first
    void server.publish(trade);
  });
});

describe('server options typing', () => {
  it('jwt is one of three shapes: algorithm belongs to publicKey, jwksAlgorithms to jwksUrl (both were ignored beside another key)', () => {
    const options = (jwt: JwtOptions): RealtimeServerOptions => ({ jwt });
    // README's shapes.
    options({ secret: process.env.JWT_SECRET! });
    options({ secret: new Uint8Array(32), issuer: 'auth', audience: ['dashboard'], clockToleranceSec: 5 });
    options({ publicKey: '-----BEGIN PUBLIC KEY-----', algorithm: 'ES256', audience: 'dashboard' });
    options({ publicKey: '-----BEGIN PUBLIC KEY-----', audience: null });
    options({ jwksUrl: 'https://auth.example/.well-known/jwks.json', jwksAlgorithms: ['ES256'], audience: ['dashboard', 'https://api.example.com'] });
    options({ jwksUrl: new URL('https://auth.example/.well-known/jwks.json'), issuer: 'https://auth.example/', audience: 'dashboard' });
    // Any audience is said, never left to a missing option: a key set signs tokens for every app of its provider.
    options({ jwksUrl: 'https://auth.example/.well-known/jwks.json', audience: null });
    // @ts-expect-error jwksUrl needs audience (or audience: null)
    options({ jwksUrl: 'https://auth.example/.well-known/jwks.json' });
    // @ts-expect-error publicKey needs audience (or audience: null)
    options({ publicKey: '-----BEGIN PUBLIC KEY-----', algorithm: 'ES256' });
    // @ts-expect-error with secret the algorithm is HS256
    options({ secret: 'x'.repeat(32), algorithm: 'RS256' });
    // @ts-expect-error with jwksUrl, pin with jwksAlgorithms
    options({ jwksUrl: 'https://auth.example/jwks.json', audience: 'dashboard', algorithm: 'ES256' });
    // @ts-expect-error jwksAlgorithms is jwksUrl's
    options({ secret: 'x'.repeat(32), jwksAlgorithms: ['ES256'] });
    // @ts-expect-error one key only
    options({ secret: 'x'.repeat(32), publicKey: '-----BEGIN PUBLIC KEY-----' });
  });

  it('clientIp may return null or undefined (the socket\'s address), as its docstring says', () => {
    const options: RealtimeServerOptions[] = [
      { jwt: { secret: 'x'.repeat(32) }, clientIp: (request) => request.headers['x-real-ip'] as string | undefined },
      { jwt: { secret: 'x'.repeat(32) }, clientIp: () => null },
      { jwt: { secret: 'x'.repeat(32) }, clientIp: () => undefined },
    ];
    void options;
    // @ts-expect-error a promise is no address
    const asynchronous: RealtimeServerOptions = { jwt: { secret: 'x'.repeat(32) }, clientIp: async () => '203.0.113.7' };
    void asynchronous;
  });
});

describe('the authenticate hook\'s principal (tEM F2)', () => {
  it('may leave admin out, as the server reads it at run time (absent: false)', () => {
    const plain: AuthenticateHook = () => ({ userId: 'alice' });
    const later: AuthenticateHook = async () => ({ userId: 'alice', expiresAt: Date.now() + 60_000 });
    const admin: AuthenticateHook = () => ({ userId: 'root', admin: true });
    void [plain, later, admin];
    // @ts-expect-error admin is a boolean: 'false' is refused with 401 at run time
    const wrong: AuthenticateHook = () => ({ userId: 'alice', admin: 'false' });
    void wrong;
  });
});
