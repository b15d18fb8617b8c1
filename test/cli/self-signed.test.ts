/**
 * The self-signed certificate the TLS tests serve (test/support/self-signed.ts, DER written by
 * hand): its serial number is a valid DER INTEGER, positive and non-zero (RFC 5280 4.1.2.2), its
 * first byte never a needless 0x00, and Node reads the certificate it is in.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateSerial, selfSignedCertificate } from '../support/self-signed.js';

/** Whether `bytes` is the content of a minimal, positive, non-zero DER INTEGER. */
function positiveMinimalInteger(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes[0]! & 0x80) return false;
  if (bytes[0] === 0 && (bytes.length === 1 || !(bytes[1]! & 0x80))) return false;
  return bytes.some((b) => b !== 0);
}

describe('a self-signed certificate\'s serial number', () => {
  it('is positive, non-zero and minimal whatever the random bytes (a first byte 0x00 or 0x80, eight zero bytes: 0x00 and serial 0 came out before)', () => {
    for (const random of [Buffer.alloc(8), Buffer.from([0x00, 0x05, 1, 2, 3, 4, 5, 6]), Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(8, 0xff), Buffer.from([0x7f])]) {
      const serial = certificateSerial(random);
      expect(positiveMinimalInteger(serial), random.toString('hex')).toBe(true);
      expect(serial.length).toBe(random.length);
    }
  });

  it('refuses fewer than 1 or more than 20 random bytes, saying how many it got', () => {
    expect(() => certificateSerial(Buffer.alloc(0))).toThrow('certificateSerial: expected 1 to 20 random bytes, got 0');
    expect(() => certificateSerial(Buffer.alloc(21))).toThrow('certificateSerial: expected 1 to 20 random bytes, got 21');
  });

  it('is what Node reads in the certificate made, eight bytes of a valid INTEGER', () => {
    for (let n = 0; n < 20; n++) {
      const { cert } = selfSignedCertificate();
      const x509 = new X509Certificate(cert);
      const serial = Buffer.from(x509.serialNumber, 'hex');
      expect(serial.length).toBe(8);
      expect(positiveMinimalInteger(serial), x509.serialNumber).toBe(true);
      expect(x509.subject).toBe('CN=realtime-contract test');
    }
  });
});
