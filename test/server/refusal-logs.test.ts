/**
 * What the operator's log says of a refusal, and what the JWT options refuse at creation (a fresh
 * user embedding the server). Real servers on 127.0.0.1, port 0.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier, createRealtimeServer, type JwtOptions } from '../../src/server/index.js';
import { SECRET } from './helpers.js';

describe('jwt.algorithm and jwt.jwksAlgorithms belong to one key each (they were ignored beside another, whatever their value)', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const create = (jwt: unknown) => () => createRealtimeServer({ jwt: jwt as JwtOptions, port: 0, host: '127.0.0.1' });
  const verifier = (jwt: unknown) => () => createJwtVerifier(jwt as JwtOptions);

  it('refuses algorithm beside secret, saying the algorithm is HS256, whatever its value or type', () => {
    for (const algorithm of ['HS512', 'HS384', 'RS256', 'bogus', 42, null]) {
      const message = /^jwt: algorithm applies to publicKey only, got .+ beside secret: with secret the algorithm is HS256/;
      expect(create({ secret: SECRET, algorithm })).toThrow(TypeError);
      expect(create({ secret: SECRET, algorithm })).toThrow(message);
      expect(verifier({ secret: SECRET, algorithm })).toThrow(message);
    }
    expect(create({ secret: SECRET, algorithm: 'HS512' })).toThrow('jwt: algorithm applies to publicKey only, got "HS512" beside secret: with secret the algorithm is HS256 (leave algorithm out; sign HS256)');
  });

  it('refuses algorithm beside jwksUrl, pointing to jwksAlgorithms: it pinned nothing (RS256 and EdDSA still verified)', () => {
    expect(create({ jwksUrl: 'http://127.0.0.1:9/jwks.json', algorithm: 'ES256' })).toThrow(new TypeError('jwt: algorithm applies to publicKey only, got "ES256" beside jwksUrl: with jwksUrl, pin the algorithms with jwksAlgorithms (e.g. jwksAlgorithms: ["ES256"])'));
    expect(verifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', algorithm: 42 })).toThrow(/^jwt: algorithm applies to publicKey only, got 42 beside jwksUrl: with jwksUrl, pin the algorithms with jwksAlgorithms/);
    expect(verifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', jwksAlgorithms: ['ES256'] })).not.toThrow();
  });

  it('refuses jwksAlgorithms without jwksUrl', () => {
    expect(create({ secret: SECRET, jwksAlgorithms: ['ES256'] })).toThrow(new TypeError('jwt: jwksAlgorithms applies to jwksUrl only, got an array of 1 item beside secret: with secret the algorithm is HS256 (leave jwksAlgorithms out; sign HS256)'));
    expect(verifier({ publicKey: ec.publicKey, algorithm: 'ES256', jwksAlgorithms: ['ES256'] })).toThrow(/^jwt: jwksAlgorithms applies to jwksUrl only, .* beside publicKey: with publicKey, give its one algorithm as algorithm \(RS256, ES256, EdDSA\)$/);
  });

  it('type-checks algorithm beside publicKey: null was RS256, an inherited name ("toString") passed the check', () => {
    for (const algorithm of [null, 42, 'toString', 'HS256']) {
      expect(create({ publicKey: ec.publicKey, algorithm })).toThrow(/^jwt: algorithm must be one of RS256, ES256, EdDSA \(the algorithm of publicKey\), got /);
    }
    expect(create({ publicKey: ec.publicKey, algorithm: 'ES256' })).not.toThrow();
  });
});
