/**
 * The HS256 rule that refuses key material given as `secret`: forms tGV found taken (a .p7b, a .pfx; a .der read as text,
 * UTF-16, Buffer JSON; other encodings and wrappers). Each key, certificate and container is made here with node:crypto and
 * DER written by hand, in the shapes `openssl crl2pkcs7` and `openssl pkcs12 -export` write (no openssl binary, no package).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
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
});
