/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with node:crypto alone (no
 * openssl binary, no package): an EC P-256 key and an X.509 v3 certificate written in DER by
 * hand, for the tests that need a real TLS server on loopback.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A DER element: its tag, its length, its content. */
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));

function oid(text: string): Buffer {
  const [a, b, ...rest] = text.split('.').map(Number);
  const bytes = [40 * a! + b!];
  for (const part of rest) {
    const base128 = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime, `YYMMDDhhmmssZ` (years 1950–2049). */
function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

/**
 * A certificate serial number's DER INTEGER content from `random` (8 bytes by default): positive
 * and non-zero (RFC 5280 4.1.2.2), and minimal, as DER requires: its first byte 0x40–0x7f, never
 * 0x00 (a leading zero byte is allowed only before a byte whose high bit is set; cleared of its
 * high bit alone, a first byte came out 0x00 one time in 128, and eight zero bytes made serial 0).
 * @throws RangeError for fewer than 1 or more than 20 bytes (RFC 5280's limit)
 */
export function certificateSerial(random: Buffer = randomBytes(8)): Buffer {
  if (random.length < 1 || random.length > 20) throw new RangeError(`certificateSerial: expected 1 to 20 random bytes, got ${random.length}`);
  const serial = Buffer.from(random);
  serial[0] = 0x40 | (serial[0]! & 0x3f);
  return serial;
}

/** `{ key, cert }` in PEM, as `tls.createServer` and `NODE_EXTRA_CA_CERTS` take them, for `CN=<commonName>` on 127.0.0.1 and localhost. */
export function selfSignedCertificate(commonName = 'realtime-contract test'): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
  const serial = certificateSerial();
  const now = Date.now();
  const altNames = sequence(der(0x87, Buffer.from([127, 0, 0, 1])), der(0x82, Buffer.from('localhost', 'ascii')));
  const extensions = der(0xa3, sequence(sequence(oid('2.5.29.17'), der(0x04, altNames))));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    ecdsaWithSha256,
    name,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
  };
}
