/**
 * The HS256 rule that refuses key material given as `secret`: forms tGV found taken (a .p7b, a .pfx; a .der read as text,
 * UTF-16, Buffer JSON; other encodings and wrappers). Each key, certificate and container is made here with node:crypto and
 * DER written by hand, in the shapes `openssl crl2pkcs7` and `openssl pkcs12 -export` write (no openssl binary, no package).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyMaterialIn } from '../../src/server/auth.js';
import { createJwtVerifier } from '../../src/server/index.js';
import { selfSignedCertificate } from '../support/self-signed.js';

/** A DER element: its tag, its length (definite, any size), its content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const OID = {
  data: Buffer.from('06092a864886f70d010701', 'hex'), // 1.2.840.113549.1.7.1
  signedData: Buffer.from('06092a864886f70d010702', 'hex'), // 1.2.840.113549.1.7.2
  sha256: Buffer.from('0609608648016503040201', 'hex'), // 2.16.840.1.101.3.4.2.1
};
const integer = (value: number) => der(0x02, Buffer.from([value]));

/** A certificate's DER, as `openssl req -x509 -outform DER` writes one. */
const certificateDer = () => Buffer.from(selfSignedCertificate('idp').cert.replace(/-----[^-]+-----|\s/g, ''), 'base64');

/** A degenerate SignedData holding `certificates`, as `openssl crl2pkcs7 -nocrl -outform DER` writes a .p7b. */
function pkcs7(...certificates: Buffer[]): Buffer {
  const signedData = der(0x30, integer(1), der(0x31), der(0x30, OID.data), der(0xa0, ...certificates), der(0x31));
  return der(0x30, OID.signedData, der(0xa0, signedData));
}

/** A PFX of version 3 (`openssl pkcs12 -export`): its authSafe a pkcs-7 data ContentInfo, then its MacData. */
function pkcs12(payload: Buffer): Buffer {
  const authSafe = der(0x30, OID.data, der(0xa0, der(0x04, payload)));
  const macData = der(0x30, der(0x30, der(0x30, OID.sha256, der(0x05)), der(0x04, randomBytes(32))), der(0x04, randomBytes(8)), integer(1));
  return der(0x30, integer(3), authSafe, macData);
}

/** The message createJwtVerifier refuses `secret` with, or `accepted` (after checking a token signed with it verifies). */
async function refusal(secret: string | Uint8Array): Promise<string> {
  let verify: (token: string) => Promise<unknown>;
  try {
    verify = createJwtVerifier({ secret });
  } catch (error) {
    return (error as Error).message;
  }
  // Taken: anyone holding the public file derives the same key and signs an admin token that verifies.
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  const forged = await new SignJWT({ sub: 'mallory', admin: true }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
  await verify(forged);
  return 'accepted';
}

/** What `secret` was said to be, from the refusal's `got …:`. */
async function got(secret: string | Uint8Array): Promise<string> {
  const message = await refusal(secret);
  return /^createJwtVerifier: secret must be an HS256 shared secret, got (.*?): (?:a key given as secret|the )/s.exec(message)?.[1] ?? message;
}

/** No 12 characters of `secret` (as text, or its bytes in base64 or hex) in `message`. */
function quotesNone(message: string, secret: string | Buffer): boolean {
  const texts = typeof secret === 'string' ? [secret] : [secret.toString('base64'), secret.toString('hex'), secret.toString('latin1')];
  return texts.every((text) => {
    for (let at = 0; at + 12 <= text.length; at += 4) if (message.includes(text.slice(at, at + 12))) return false;
    return true;
  });
}

describe('HS256 secret: key material in containers (tGV F1)', () => {
  it('names a PKCS#7 bundle over 64 KiB (its lengths in 3 bytes, as a system CA bundle\'s .p7b has them) as one, bytes or base64 (tHE F17: only short bundles were tested)', async () => {
    const certificate = certificateDer();
    const bundle = pkcs7(...Array.from({ length: Math.ceil(70_000 / certificate.length) }, () => certificate));
    expect(bundle.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x83]));
    expect({ p7b: await got(bundle), p7bBase64: await got(bundle.toString('base64')) }).toEqual({
      p7b: "a PKCS#7 bundle's DER (bytes)",
      p7bBase64: "a PKCS#7 bundle's DER in base64 (a PEM without its armor)",
    });
  });

  it('refuses a PKCS#7 bundle (.p7b) and a PKCS#12 key store (.pfx), as DER bytes or base64: each was taken, and a public .p7b signed admin tokens', async () => {
    const certificate = certificateDer();
    const bundle = pkcs7(certificate, certificateDer());
    const store = pkcs12(randomBytes(1200));
    expect({
      p7b: await got(bundle),
      p7bBase64: await got(bundle.toString('base64')),
      p7bOne: await got(pkcs7(certificate)),
      pfx: await got(store),
      // Azure Key Vault's secret of a certificate: the PFX in base64.
      pfxBase64: await got(store.toString('base64')),
      pfxHex: await got(store.toString('hex')),
      // BER's indefinite length, as some tools write a PFX's outer SEQUENCE.
      pfxIndefinite: await got(Buffer.concat([Buffer.from([0x30, 0x80]), integer(3), der(0x30, OID.data, der(0xa0, der(0x04, randomBytes(64)))), Buffer.from([0, 0])])),
    }).toEqual({
      p7b: "a PKCS#7 bundle's DER (bytes)",
      p7bBase64: "a PKCS#7 bundle's DER in base64 (a PEM without its armor)",
      p7bOne: "a PKCS#7 bundle's DER (bytes)",
      pfx: "a PKCS#12 key store's DER (bytes)",
      pfxBase64: "a PKCS#12 key store's DER in base64",
      pfxHex: "a PKCS#12 key store's DER in hex",
      pfxIndefinite: "a PKCS#12 key store's DER (bytes)",
    });
    for (const secret of [bundle, store.toString('base64')]) expect(quotesNone(await refusal(secret), secret)).toBe(true);
    // The same outer shapes with another content type or version are not these, and random bytes after them are a secret.
    const otherOid = Buffer.from('0603551d11', 'hex'); // 2.5.29.17 (subjectAltName)
    expect(await refusal(der(0x30, otherOid, der(0xa0, randomBytes(40))))).toBe('accepted');
    expect(await refusal(der(0x30, integer(2), der(0x30, otherOid, der(0xa0, randomBytes(40)))))).toBe('accepted');
    expect(await refusal(der(0x30, integer(3), der(0x30, otherOid, der(0xa0, randomBytes(40)))))).toBe('accepted');
  });
});

describe('HS256 secret: a key file read the wrong way (tGV F2)', () => {
  it("refuses a key's or certificate's DER read as text ('utf8', 'latin1'), a PEM in UTF-16, and bytes as JSON: each was taken, and derivable by anyone holding the public file", async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = rsa.publicKey.export({ type: 'spki', format: 'der' });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    const certificate = certificateDer();
    const utf8 = "a key's or certificate's DER read as UTF-8 text (readFileSync(file, 'utf8') of a .der file)";
    const crlf = pem.replace(/\n/g, '\r\n');
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')]); // PowerShell 5.1's `>`
    const utf16be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(crlf, 'utf16le').swap16()]);
    expect({
      spkiUtf8: await got(spki.toString('utf8')), // readFileSync('pub.der', 'utf8')
      spkiLatin1: await got(spki.toString('latin1')),
      certificateUtf8: await got(certificate.toString('utf8')),
      certificateLatin1: await got(certificate.toString('latin1')),
      ecUtf8: await got(ec.toString('utf8')),
      edUtf8: await got(ed.toString('utf8')),
      pkcs8Utf8: await got((rsa.privateKey.export({ type: 'pkcs8', format: 'der' })).toString('utf8')),
      p7bUtf8: await got(pkcs7(certificate).toString('utf8')),
      p7bLatin1: await got(pkcs7(certificate).toString('latin1')),
      pemUtf16le: await got(utf16le),
      pemUtf16be: await got(utf16be),
      pemUtf16leNoBom: await got(Buffer.from(pem, 'utf16le')),
      pemUtf16ReadAsUtf8: await got(utf16le.toString('utf8')),
      bufferJson: await got(JSON.stringify(spki)),
      uint8ArrayJson: await got(JSON.stringify(new Uint8Array(spki))),
      byteArray: await got(JSON.stringify([...certificate])),
    }).toEqual({
      spkiUtf8: utf8,
      spkiLatin1: "a public key's DER read as latin1 text",
      certificateUtf8: utf8,
      certificateLatin1: "a certificate's DER read as latin1 text",
      ecUtf8: utf8,
      edUtf8: "a public key's DER (bytes)", // all its bytes are valid UTF-8: the DER itself
      pkcs8Utf8: utf8,
      p7bUtf8: utf8,
      p7bLatin1: "a PKCS#7 bundle's DER read as latin1 text",
      pemUtf16le: "a public key's PEM in UTF-16",
      pemUtf16be: "a public key's PEM in UTF-16",
      pemUtf16leNoBom: "a public key's PEM in UTF-16",
      pemUtf16ReadAsUtf8: "a public key's PEM in UTF-16",
      bufferJson: 'a public key\'s DER as a Buffer\'s JSON ({"type":"Buffer","data":[…]})',
      uint8ArrayJson: 'a public key\'s DER as a Uint8Array\'s JSON ({"0":…})',
      byteArray: "a certificate's DER as a JSON array of byte values",
    });
    for (const secret of [spki.toString('utf8'), spki.toString('latin1')]) expect(quotesNone(await refusal(secret), secret)).toBe(true);
    // The format is named ({"type":"Buffer","data":[…]}), none of its bytes.
    expect(quotesNone(await refusal(JSON.stringify(spki)), JSON.stringify([...spki]).slice(1))).toBe(true);
    // Random bytes read so, and a passphrase in UTF-16 or with accents, are secrets.
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(48);
      const sequence = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09]), bytes]);
      for (const secret of [bytes.toString('utf8'), bytes.toString('latin1'), sequence.toString('utf8'), sequence.toString('latin1'), JSON.stringify(bytes), Buffer.from(`\ufeff${bytes.toString('base64')}`, 'utf16le')]) {
        expect(await refusal(secret)).toBe('accepted');
      }
    }
    expect(await refusal(Buffer.from('\ufeffcorrect horse battery staple, même très longue', 'utf16le'))).toBe('accepted');
    expect(await refusal('Größenwahn: ein sehr langes Passwort mit Umlauten äöü')).toBe('accepted');
  });

  it("refuses a short key's PEM or base64 in UTF-16 without a BOM (an Ed25519 key: 226 and 120 bytes), not only an RSA key's hundreds (tHE F1: the UTF-16 floor could rise to 320 bytes unnoticed)", async () => {
    const ed = generateKeyPairSync('ed25519').publicKey;
    const pem = ed.export({ type: 'spki', format: 'pem' }) as string;
    const base64 = ed.export({ type: 'spki', format: 'der' }).toString('base64');
    const cases = { pemLe: Buffer.from(pem, 'utf16le'), pemBe: Buffer.from(pem, 'utf16le').swap16(), base64Le: Buffer.from(base64, 'utf16le') };
    expect(Object.fromEntries(Object.entries(cases).map(([name, bytes]) => [name, bytes.length]))).toEqual({ pemLe: 226, pemBe: 226, base64Le: 120 });
    expect({ pemLe: await got(cases.pemLe), pemBe: await got(cases.pemBe), base64Le: await got(cases.base64Le) }).toEqual({
      pemLe: "a public key's PEM in UTF-16",
      pemBe: "a public key's PEM in UTF-16",
      base64Le: "a public key's DER in base64 (a PEM without its armor) in UTF-16",
    });
  });
});

describe('HS256 secret: other encodings and wrappers of key material (tGV F3)', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = rsa.publicKey.export({ type: 'spki', format: 'der' });
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const jwk = rsa.publicKey.export({ format: 'jwk' });
  // An OpenSSH public key's blob: string "ssh-rsa", mpint e, mpint n (what an authorized_keys line holds after its type word).
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const mpint = (base64url: string) => {
    const bytes = Buffer.from(base64url, 'base64url');
    return field(bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
  };
  const sshBlob = Buffer.concat([field(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]).toString('base64');

  it('refuses a key in the encodings and wrappers tools and configs give it: colon hex, 0x, base64:/data: prefixes, %XX, an OpenSSH blob alone, a JWK in JavaScript or YAML, base64 inside other text; each was taken', async () => {
    const certificate = certificateDer().toString('base64');
    const b64 = spki.toString('base64');
    const hexPairs = spki.toString('hex').match(/../g)!;
    const inBase64 = "a public key's DER in base64 (a PEM without its armor)";
    const inside = `${inBase64} inside other text`;
    const ecJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const cases: Record<string, [string, string]> = {
      colonHex: [hexPairs.join(':'), "a public key's DER in hex"], // openssl, keytool
      colonHexWrapped: [hexPairs.join(':').replace(/(.{45})/g, '$1\n    '), "a public key's DER in hex"],
      zeroX: [`0x${spki.toString('hex')}`, "a public key's DER in hex"],
      cArray: [hexPairs.map((pair) => `0x${pair}`).join(', '), "a public key's DER in hex"],
      escapedHex: [hexPairs.map((pair) => `\\x${pair}`).join(''), "a public key's DER in hex"],
      laravel: [`base64:${b64}`, `${inBase64} after a "base64:" prefix`],
      hexPrefix: [`hex:${spki.toString('hex')}`, `a public key's DER in hex after a "hex:" prefix`],
      dataUrl: [`data:application/pkix-key;base64,${b64}`, `${inBase64} in a data: URL`],
      dataUrlText: [`data:text/plain,${encodeURIComponent(pem)}`, "a public key's PEM percent-encoded in a data: URL"],
      percentPem: [encodeURIComponent(pem), "a public key's PEM percent-encoded"],
      formPem: [new URLSearchParams({ k: pem }).toString().slice(2), "a public key's PEM"], // its armor's spaces as +
      percentJwks: [encodeURIComponent(JSON.stringify({ keys: [jwk] })), 'a JWK set (JSON with "keys") percent-encoded'],
      percentBase64: [encodeURIComponent(b64), `${inBase64} percent-encoded`],
      sshBlob: [sshBlob, "an OpenSSH public key's blob (without its type word) in base64"],
      sshPrivateBody: [Buffer.concat([Buffer.from('openssh-key-v1\0'), randomBytes(300)]).toString('base64'), "an OpenSSH private key's body (without its armor) in base64"],
      jsObject: [`{ kty: 'RSA', e: '${jwk.e}', n: '${jwk.n}' }`, 'a JWK written as JavaScript or YAML (with "kty")'],
      yaml: [`kty: RSA\ne: ${jwk.e}\nn: ${jwk.n}\n`, 'a JWK written as JavaScript or YAML (with "kty")'],
      yamlEc: [`kty: EC\ncrv: P-256\nx: ${ecJwk.x}\ny: ${ecJwk.y}\n`, 'a JWK written as JavaScript or YAML (with "kty")'],
      trailingComma: [JSON.stringify(jwk).replace(/}$/, ',}'), 'a JWK (JSON with "kty")'],
      fourDashes: [pem.replace(/-----/g, '----'), "a public key's PEM"],
      x5cJoined: [`${b64},${b64}`, inside],
      saml: [`<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n  ${certificate.replace(/.{76}/g, '$&\n  ')}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`, "a certificate's DER in base64 (a PEM without its armor) inside other text"],
      envLine: [`JWT_PUBLIC_KEY=${b64}`, inside],
      yamlLine: [`publicKey: ${b64}`, inside],
      yamlBlock: [`publicKey: |\n  ${b64.replace(/.{64}/g, '$&\n  ')}\n`, inside],
      escapedNewlinesInText: [`key="${b64.replace(/.{64}/g, '$&\\n')}"`, inside],
      hexInText: [`modulus and all: ${spki.toString('hex')};`, `a public key's DER in hex inside other text`],
      doubleQuotedWrapped: [`"${b64.replace(/.{64}/g, '$&\n')}"`, `${inBase64} in quotes`],
      backticks: [`\`${b64}\``, `${inBase64} in quotes`],
    };
    const said: Record<string, string> = {};
    for (const [name, [secret]] of Object.entries(cases)) said[name] = await got(secret);
    expect(said).toEqual(Object.fromEntries(Object.entries(cases).map(([name, [, phrase]]) => [name, phrase])));
    for (const [secret] of Object.values(cases)) expect(quotesNone(await refusal(secret), secret.replace(/^(?:base64|hex):|^data:[^,]*,/, '')), secret.slice(0, 40)).toBe(true);
  });

  it("README's stated limits: base64 glued to the text before it, hex separated by dashes, a symmetric JWK as YAML, a PKCS#1 DER read as UTF-8 are not told", async () => {
    expect(await refusal(`KEY${spki.toString('base64')}`)).toBe('accepted');
    expect(await refusal(spki.toString('hex').match(/../g)!.join('-'))).toBe('accepted');
    expect(await refusal(`kty: oct\nk: ${randomBytes(32).toString('base64url')}\n`)).toBe('accepted');
    expect(await refusal(rsa.publicKey.export({ type: 'pkcs1', format: 'der' }).toString('utf8'))).toBe('accepted');
    // tHA F5, F8: a JWK's `n` in a YAML block scalar, a TOML JWK, `n` split into concatenated strings, an RSA modulus alone
    // (.NET's <RSAKeyValue>, `openssl rsa -text`), a Java key store (JKS) holding a certificate.
    const n = jwk.n!;
    expect(await refusal(`kty: RSA\ne: AQAB\nn: >-\n  ${n.slice(0, 200)}\n  ${n.slice(200)}\n`)).toBe('accepted');
    expect(await refusal(`kty: RSA\ne: AQAB\nn: |\n  ${n}\n`)).toBe('accepted');
    expect(await refusal(`kty = "RSA"\ne = "AQAB"\nn = "${n}"\n`)).toBe('accepted');
    expect(await refusal(`{ kty: 'RSA', e: 'AQAB', n: '${n.slice(0, 20)}' +\n  '${n.slice(20)}' }`)).toBe('accepted');
    expect(await refusal(`<RSAKeyValue><Modulus>${Buffer.from(n, 'base64url').toString('base64')}</Modulus><Exponent>AQAB</Exponent></RSAKeyValue>`)).toBe('accepted');
    expect(await refusal(`Public-Key: (2048 bit)\nModulus:\n    00:${Buffer.from(n, 'base64url').toString('hex').match(/../g)!.join(':').replace(/(.{45})/g, '$1\n    ')}\nExponent: 65537 (0x10001)\n`)).toBe('accepted');
    const u32 = (value: number) => Buffer.from([value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
    const utf = (text: string) => Buffer.concat([Buffer.from([0, text.length]), Buffer.from(text)]);
    const certificate = certificateDer();
    const jks = Buffer.concat([u32(0xfeedfeed), u32(2), u32(1), u32(2), utf('idp'), Buffer.alloc(8), utf('X.509'), u32(certificate.length), certificate, randomBytes(20)]);
    expect(await refusal(jks)).toBe('accepted');
  });

  it('looks at a hostile secret in steps linear in its length: each layer is peeled once, and base64 runs and JSON values are counted (no timed assertion)', () => {
    const hostile: Record<string, (n: number) => string> = {
      percentNested: (n) => `%${'25'.repeat(n / 2)}`,
      quotesNested: (n) => `${'"'.repeat(n / 2)}${'"'.repeat(n / 2)}`,
      singleQuotesNested: (n) => `${"'".repeat(n / 2)}x${"'".repeat(n / 2)}`,
      sequenceHeaders: (n) => 'MIIB'.repeat(n / 4),
      manyRuns: (n) => `${'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.padEnd(48, 'A')},`.repeat(n / 49),
      wrappedRuns: (n) => `${'A'.repeat(40)}\n  `.repeat(n / 43),
      colonHex: (n) => '30:'.repeat(n / 3),
      cArray: (n) => '0x30,'.repeat(n / 5),
      colonHexInText: (n) => `k ${'30:'.repeat(n / 3 - 1)}`,
      cArrayInText: (n) => `{${'0x30, '.repeat(n / 6 - 1)}`,
      colonHexRuns: (n) => `${'30:'.repeat(19)}30 `.repeat(n / 61),
      base64OfBase64: (n) => {
        let text = 'x'.repeat(n / 8);
        while (text.length < n / 2) text = Buffer.from(text).toString('base64');
        return text;
      },
      jsonArrays: (n) => '['.repeat(n / 2) + ']'.repeat(n / 2),
      jsonStrings: (n) => JSON.stringify(Array.from({ length: n / 50 }, () => 'MIIB'.repeat(10))),
      byteArray: (n) => JSON.stringify(Array.from({ length: n / 4 }, () => 48)),
      armor: (n) => '----BEGIN '.repeat(n / 10),
      prefixes: (n) => 'base64:'.repeat(n / 7),
      dataUrls: (n) => 'data:,'.repeat(n / 6),
      looseJwk: (n) => `kty: RSA ${'n: x '.repeat(n / 5)}`,
      hexOfHex: (n) => {
        let text = 'MIIB'.repeat(n / 64);
        while (text.length < n / 2) text = Buffer.from(text).toString('hex');
        return text;
      },
      letters: (n) => 'a'.repeat(n),
      // 6 levels, each `%25252525252541 ` (A percent-encoded 6 times) then the base64 of the level below: 131 steps a byte (tHA F4).
      percentOverRuns: (n) => {
        let text = 'A'.repeat(Math.floor(n * 0.75 ** 6 * 0.98));
        for (let i = 0; i < 6; i++) text = `%${'25'.repeat(5)}41 ${Buffer.from(text).toString('base64')}`;
        return text;
      },
      latin1: (n) => '0\u0082é'.repeat(n / 4),
      utf16: (n) => `\ufeff${'A'.repeat(n / 2)}`,
    };
    const stepsFor = (text: string) => {
      const counted = { steps: 0 };
      keyMaterialIn(new TextEncoder().encode(text), counted);
      return counted.steps;
    };
    for (const [name, make] of Object.entries(hostile)) {
      const small = make(1 << 14);
      const large = make(1 << 16);
      const [smallSteps, largeSteps] = [stepsFor(small), stepsFor(large)];
      // At most 40 looks at each character (6 layers at most, each of a few), and as many per character at 4 times the length.
      const [perSmall, perLarge] = [smallSteps / Buffer.byteLength(small), largeSteps / Buffer.byteLength(large)];
      expect(perLarge, name).toBeLessThanOrEqual(40);
      expect(perLarge / perSmall, name).toBeLessThanOrEqual(1.125);
    }
  });
});

describe('HS256 secret: the Uint8Array given is copied at creation (tHA F9)', () => {
  it("a secret's bytes wiped or changed after creation change nothing: the key and the check are the copy taken then", async () => {
    const secret = randomBytes(32);
    const verify = createJwtVerifier({ secret });
    const signed = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(Uint8Array.from(secret));
    // The habit of wiping key bytes once handed over: a token signed with 32 zero bytes was then taken (an admin one too).
    secret.fill(0);
    const forged = await new SignJWT({ sub: 'mallory', admin: true }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new Uint8Array(32));
    await expect(verify(forged)).rejects.toThrow();
    await expect(verify(signed)).resolves.toMatchObject({ userId: 'alice' });
    // Bytes that pass the check, then replaced by a public key's DER (a prefix of it): the key stays the bytes checked.
    const other = randomBytes(64);
    const verifyOther = createJwtVerifier({ secret: other });
    const spki = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    other.set(spki);
    const fromPublic = await new SignJWT({ sub: 'mallory' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(Uint8Array.from(other));
    await expect(verifyOther(fromPublic)).rejects.toThrow();
  });
});

describe('HS256 secret: key material after a label word and a blank (tHA F1)', () => {
  it("refuses a key's base64 or hex after a label and a space or newline, a PEM whose dashes were lost, an OpenSSH blob or a PEM's base64 after a label: each was taken", async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = rsa.publicKey.export({ type: 'spki', format: 'der' });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const b64 = spki.toString('base64'); // 392 characters, no `=`: the most common public key
    const ed = generateKeyPairSync('ed25519').publicKey;
    const sshBlob = ed.export({ format: 'jwk' }).x!;
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.from(sshBlob, 'base64url')]).toString('base64');
    const inside = "a public key's DER in base64 (a PEM without its armor) inside other text";
    expect({
      envSpace: await got(`JWT_PUBLIC_KEY ${b64}`),
      newline: await got(`pubkey\n${b64}`),
      ed25519: await got(`JWT_PUBLIC_KEY ${ed.export({ type: 'spki', format: 'der' }).toString('base64')}`),
      dashesLost: await got(pem.replace(/-----/g, '')),
      hex: await got(`pubkey ${spki.toString('hex')}`),
      ssh: await got(`SSH_KEY ${blob}`),
      pemBase64: await got(`JWT_PUBLIC_KEY ${Buffer.from(pem).toString('base64')}`),
    }).toEqual({
      envSpace: inside,
      newline: inside,
      ed25519: inside,
      dashesLost: inside,
      hex: "a public key's DER in hex inside other text",
      ssh: "an OpenSSH public key's blob (without its type word) in base64 inside other text",
      pemBase64: "a public key's PEM in base64 inside other text",
    });
    // A label before random base64 or hex is a secret.
    for (let i = 0; i < 50; i++) {
      for (const secret of [`JWT_SECRET ${randomBytes(48).toString('base64')}`, `secret\n${randomBytes(32).toString('hex')}`, `MIIB ${randomBytes(64).toString('base64url')}`]) expect(await refusal(secret)).toBe('accepted');
    }
  });
});

describe('HS256 secret: the bytes layer under base64 (tHA F10)', () => {
  it('refuses a UTF-16 PEM or a DER read as latin1 in base64, as they are refused as bytes and in hex: each was taken', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = rsa.publicKey.export({ type: 'spki', format: 'der' });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect({
      // PowerShell: [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($pem))
      utf16Base64: await got(Buffer.from(pem, 'utf16le').toString('base64')),
      // A file Windows PowerShell 5.1 wrote with `>` (UTF-16LE with a BOM), in base64.
      utf16BomBase64: await got(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem.replace(/\n/g, '\r\n'), 'utf16le')]).toString('base64')),
      latin1Base64: await got(Buffer.from(spki.toString('latin1')).toString('base64')),
    }).toEqual({
      utf16Base64: "a public key's PEM in UTF-16 in base64",
      utf16BomBase64: "a public key's PEM in UTF-16 in base64",
      latin1Base64: "a public key's DER read as latin1 text in base64",
    });
    // Random bytes, and a passphrase in UTF-16, in base64 are secrets.
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(48);
      for (const secret of [bytes.toString('base64'), Buffer.from(bytes.toString('latin1')).toString('base64'), Buffer.from(`\ufeff${bytes.toString('hex')}`, 'utf16le').toString('base64')]) expect(await refusal(secret)).toBe('accepted');
    }
    expect(await refusal(Buffer.from('\ufeffcorrect horse battery staple, même très longue', 'utf16le').toString('base64'))).toBe('accepted');
  });
});

describe('HS256 secret: separated hex inside other text, signed byte arrays (tHA F3)', () => {
  it("refuses colon hex or a C array with text around it (`PUBKEY=30:82:…`, `xxd -i`), and a DER as Java's signed bytes or an Int8Array's JSON: each was taken", async () => {
    const spki = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    const pairs = spki.toString('hex').match(/../g)!;
    const cArray = pairs.map((pair) => `0x${pair}`);
    const xxd = `unsigned char pub_der[] = {\n${cArray.join(', ').replace(/((?:0x.., ){12})/g, '$1\n  ')}\n};\nunsigned int pub_der_len = ${spki.length};\n`;
    const signed = [...spki].map((byte) => (byte > 127 ? byte - 256 : byte));
    const inside = "a public key's DER in hex inside other text";
    expect({
      colonEnv: await got(`PUBKEY=${pairs.join(':')}`),
      colonYaml: await got(`pubkey: ${pairs.join(':')}`),
      colonWrapped: await got(`Public-Key:\n    ${pairs.join(':').replace(/(.{45})/g, '$1\n    ')}\n`),
      cArrayBraces: await got(`{${cArray.join(', ')}}`),
      xxd: await got(xxd),
      java: await got(`[${signed.join(', ')}]`), // Arrays.toString(key.getEncoded())
      int8Array: await got(JSON.stringify(new Int8Array(spki))),
    }).toEqual({
      colonEnv: inside,
      colonYaml: inside,
      colonWrapped: inside,
      cArrayBraces: inside,
      xxd: inside,
      java: "a public key's DER as a JSON array of signed byte values (Java's byte[])",
      int8Array: 'a public key\'s DER as an Int8Array\'s JSON ({"0":…})',
    });
    // Random bytes so written, signed or not, are secrets.
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(48);
      const hex = bytes.toString('hex').match(/../g)!;
      for (const secret of [`KEY=${hex.join(':')}`, `{${hex.map((pair) => `0x${pair}`).join(', ')}}`, JSON.stringify([...new Int8Array(bytes)]), JSON.stringify(new Int8Array(bytes)), `mac ${hex.join(':')} ok`]) expect(await refusal(secret)).toBe('accepted');
    }
  });
});

describe('HS256 secret: a CSR, a CRL, a damaged DER said as what they are (tHA F2)', () => {
  it('says a CSR\'s or CRL\'s PEM, and a DER structure node:crypto reads as no key given as bytes, base64 or hex, not "read as UTF-8 text"', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = rsa.publicKey.export({ type: 'spki', format: 'der' });
    const oid = (hex: string) => der(0x06, Buffer.from(hex, 'hex'));
    const name = der(0x30, der(0x31, der(0x30, oid('550403'), der(0x0c, Buffer.from('idp.example'))))); // CN=idp.example
    const sha256WithRsa = der(0x30, oid('2a864886f70d01010b'), der(0x05));
    const signature = der(0x03, Buffer.from([0]), randomBytes(256));
    // PKCS#10, as `openssl req -new -outform DER` writes one; an X.509 CRL v2, as `openssl ca -gencrl -outform DER`.
    const csr = der(0x30, der(0x30, integer(0), name, spki, der(0xa0)), sha256WithRsa, signature);
    const utcTime = der(0x17, Buffer.from('261207000000Z'));
    const crl = der(0x30, der(0x30, integer(1), sha256WithRsa, name, utcTime, utcTime), sha256WithRsa, signature);
    const armor = (label: string, body: Buffer) => `-----BEGIN ${label}-----\n${body.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
    const structure = 'a DER structure with a key algorithm or a name in it (a certificate request, a CRL, or a key or certificate cut short or damaged)';
    expect({
      csrPem: await got(armor('CERTIFICATE REQUEST', csr)),
      newCsrPem: await got(armor('NEW CERTIFICATE REQUEST', csr)),
      crlPem: await got(armor('X509 CRL', crl)),
      csrBytes: await got(csr),
      csrBase64: await got(csr.toString('base64')),
      csrHex: await got(csr.toString('hex')),
      csrLatin1: await got(csr.toString('latin1')),
      crlBytes: await got(crl),
      crlBase64: await got(crl.toString('base64')),
      cutShort: await got(spki.toString('base64').slice(0, 260)),
      // Read as UTF-8 text it is what the UTF-8 phrase names.
      csrUtf8: await got(csr.toString('utf8')),
    }).toEqual({
      csrPem: "a certificate request's (CSR's) PEM",
      newCsrPem: "a certificate request's (CSR's) PEM",
      crlPem: "a certificate revocation list's (CRL's) PEM",
      csrBytes: structure,
      csrBase64: `${structure} in base64`,
      csrHex: `${structure} in hex`,
      csrLatin1: `${structure} read as latin1 text`,
      crlBytes: structure,
      crlBase64: `${structure} in base64`,
      cutShort: `${structure} in base64`,
      csrUtf8: "a key's or certificate's DER read as UTF-8 text (readFileSync(file, 'utf8') of a .der file)",
    });
  });
});

describe('HS256 secret: a percent-encoded key with a line break or a tab around it (tHA F7)', () => {
  it('refuses a percent-encoded PEM in an env file of several lines or with a tab: each was taken', async () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const enc = encodeURIComponent(pem);
    const said = "a public key's PEM percent-encoded";
    expect({
      lineBefore: await got(`# public key\nKEY=${enc}`),
      lineAfter: await got(`KEY=${enc}\nOTHER=1`),
      crlf: await got(`KEY=${enc}\r\nOTHER=1\r\n`),
      tab: await got(`KEY=${enc}\t# note`),
    }).toEqual({ lineBefore: said, lineAfter: said, crlf: said, tab: said });
    // A passphrase with %XX and line breaks, random bytes percent-encoded on lines, are secrets.
    expect(await refusal('100%25 sure\nand 50%41 more\ta long passphrase of words')).toBe('accepted');
    for (let i = 0; i < 50; i++) expect(await refusal(`KEY=${encodeURIComponent(randomBytes(48).toString('latin1'))}\nOTHER=${randomBytes(8).toString('hex')}`)).toBe('accepted');
  });
});
