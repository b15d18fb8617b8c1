import { describe, expect, it, vi } from 'vitest';
import type { RawData } from 'ws';
import { parseMessage } from '../../src/runtime/parse.js';
import { specExample } from './support.js';

const pong = specExample('pong');
const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseMessage takes what ws and the browser deliver (issue 8, item 16)', () => {
  it('compiles and works with ws RawData, Buffer[] (a fragmented message) included', () => {
    const text = JSON.stringify(pong);
    const deliveries: RawData[] = [Buffer.from(text), bytes(text).buffer as ArrayBuffer, [Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]];
    for (const raw of deliveries) expect(parseMessage(raw)).toEqual({ ok: true, message: pong });
  });

  it('joins fragments split inside a multi-byte character', () => {
    const message = { ...specExample('error'), data: { code: 'X', message: 'café ✓' } };
    const encoded = bytes(JSON.stringify(message));
    const cut = encoded.indexOf(0xc3) + 1;
    expect(parseMessage([Buffer.from(encoded.slice(0, cut)), Buffer.from(encoded.slice(cut))])).toEqual({ ok: true, message });
  });

  it('takes a view into a larger buffer, and gives a byte-order mark the verdict it gets as text', () => {
    const text = JSON.stringify(pong);
    const padded = new Uint8Array(text.length + 8);
    padded.set(bytes(text), 4);
    expect(parseMessage(new DataView(padded.buffer, 4, text.length)).ok).toBe(true);
    // Before, bytes skipped it and text refused it: `listen` and the server passed a frame a browser client rejects (found by a fresh user).
    const asBytes = parseMessage(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(text)]));
    expect(asBytes).toEqual(parseMessage(`\uFEFF${text}`));
    expect(asBytes).toMatchObject({ ok: false, reason: 'json', errors: [{ found: expect.stringMatching(/^U\+FEFF \(a byte-order mark\) at position 0/), hint: expect.stringContaining('RFC 8259') }] });
  });

  it('tells a browser user with the default binaryType how to fix it', () => {
    const result = parseMessage(new Blob(['{}']) as unknown as ArrayBuffer);
    expect(result).toMatchObject({ ok: false, reason: 'json', errors: [{ found: 'a Blob', hint: expect.stringContaining("binaryType = 'arraybuffer'") }] });
  });

  it('says a Promise is one, and to await it: a frame read as `response.text()` without await was "an object" (tBT F7)', () => {
    const result = parseMessage(Promise.resolve('{}') as never);
    expect(result).toMatchObject({ ok: false, reason: 'json', errors: [{ found: 'a Promise (did you forget await?)' }] });
  });

  it('says an array of strings is not a frame, not that it threw when read (found by a hostile tester)', () => {
    const result = parseMessage(['{"type":', '"ping"}'] as never);
    expect(result).toEqual({
      ok: false,
      reason: 'json',
      errors: [
        {
          pointer: '',
          keyword: 'json',
          message: 'expected JSON text: a string, or UTF-8 bytes (ArrayBuffer, Uint8Array, Buffer, or an array of them), got an array of 2 items',
          expected: 'JSON text: a string, or UTF-8 bytes (ArrayBuffer, Uint8Array, Buffer, or an array of them)',
          found: 'an array of 2 items',
        },
      ],
    });
  });
});

describe('invalid UTF-8 is a json error naming the byte offset (issue 8, item 5)', () => {
  it.each([
    ['a cp1252 é', [...bytes('{"type":"error","data":{"code":"X","message":"caf'), 0xe9, ...bytes('"},"ts":"2026-01-14T16:30:00Z"}')], 49, 0xe9],
    ['a lone continuation byte', [0x7b, 0x80, 0x7d], 1, 0x80],
    ['an overlong encoding of "/"', [0x7b, 0x22, 0xc0, 0xaf, 0x22], 2, 0xc0],
    ['a UTF-16 surrogate encoded in UTF-8', [0x22, 0xed, 0xa0, 0x80, 0x22], 1, 0xed],
    ['a sequence cut at the end', [0x22, 0xe2, 0x9c], 1, 0xe2],
  ])('%s', (_name, input, offset, byte) => {
    const result = parseMessage(new Uint8Array(input));
    expect(result).toMatchObject({ ok: false, reason: 'json', errors: [{ pointer: '', keyword: 'json', byteOffset: offset, expected: 'UTF-8 text' }] });
    if (!result.ok) expect(result.errors[0].message).toContain(`0x${byte.toString(16).toUpperCase()} at byte offset ${offset}`);
  });

  it('skips the U+FFFD written in the bytes, however many come before the bad byte (a frame of them took 38 s)', () => {
    const written = Buffer.from(`{"x":"${'\uFFFD'.repeat(200_000)}é`, 'utf8');
    const frame = Buffer.concat([written, Buffer.from([0xff]), Buffer.from('"}')]);
    // Each character encoded once at most: re-encoding the text before each U+FFFD is quadratic.
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    try {
      const result = parseMessage(frame);
      expect(!result.ok && result.errors[0].byteOffset).toBe(written.length);
      const encoded = encode.mock.calls.reduce((sum, [text]) => sum + (text?.length ?? 0), 0);
      expect(encoded).toBeLessThanOrEqual(frame.length);
    } finally {
      encode.mockRestore();
    }
  });

  it('the same bytes split into fragments report the offset in the whole message', () => {
    const result = parseMessage([Buffer.from([0x7b, 0x22]), Buffer.from([0x61, 0xff, 0x22])]);
    expect(!result.ok && result.errors[0].byteOffset).toBe(3);
  });
});

describe('a key written twice', () => {
  it('is read as JSON.parse reads it, the last value winning (README; the CLI reports it)', () => {
    const result = parseMessage('{"type":"ping","timestamp":"x","timestamp":2}');
    expect(result).toEqual({ ok: true, message: { type: 'ping', timestamp: 2 } });
  });
});

describe('a lone surrogate escape', () => {
  it('is read as JSON.parse reads it, a string UTF-8 cannot carry (README; the CLI reports it in strict mode)', () => {
    const result = parseMessage('{"type":"error","data":{"code":"E","message":"half \\ud800"},"ts":"2026-01-14T16:30:00.000Z"}');
    expect(result.ok && result.message.type === 'error' && result.message.data.message).toBe('half \ud800');
  });
});
