/**
 * A byte frame longer than the longest string the engine makes (V8: 2^29 - 24 characters, about
 * 512 MiB) cannot be decoded: both TextDecoders throw ("Cannot create a string longer than …"),
 * and parseMessage, which never throws, let that escape (a fresh user). A real frame takes 537 MB
 * and half a second per case, too heavy for this suite, so the platform's TextDecoder is replaced
 * here by one that behaves as Node's, strict and lenient, but with a limit of LIMIT characters,
 * and throws Node's own error past it. (Checked once by hand with a real 536,870,904-byte frame.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { parseMessage as ParseMessage } from '../../src/runtime/parse.js';

const LIMIT = 64;
const Real = globalThis.TextDecoder;

class SmallTextDecoder extends Real {
  override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
    // A strict decoder refuses bad bytes before it finds the string too long, as Node's does.
    const text = super.decode(input, options);
    if (text.length > LIMIT) throw Object.assign(new Error('Cannot create a string longer than 0x40 characters'), { code: 'ERR_STRING_TOO_LONG' });
    return text;
  }
}

let parseMessage: typeof ParseMessage;

beforeAll(async () => {
  vi.stubGlobal('TextDecoder', SmallTextDecoder);
  vi.resetModules();
  ({ parseMessage } = await import('../../src/runtime/parse.js'));
});

afterAll(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

const ping = '{"type":"ping","timestamp":1}';
const padded = (length: number) => new TextEncoder().encode(ping.padEnd(length, ' '));

describe('parseMessage on a byte frame too large to decode as a string', () => {
  it('decodes a frame up to the limit as before, and finds the bad byte in one', () => {
    expect(parseMessage(padded(LIMIT))).toMatchObject({ ok: true, message: { type: 'ping', timestamp: 1 } });
    const bad = padded(LIMIT);
    bad[40] = 0xff;
    expect(parseMessage(bad)).toMatchObject({ ok: false, reason: 'json', errors: [{ byteOffset: 40, found: 'the byte 0xFF at byte offset 40, which is not UTF-8' }] });
  });

  it('refuses a longer one with a json error that gives its size, whether its bytes are UTF-8 or not', () => {
    const valid = padded(LIMIT + 1);
    const invalid = padded(LIMIT + 1);
    invalid[40] = 0xff;
    for (const frame of [valid, invalid, [valid.subarray(0, 10), valid.subarray(10)], valid.buffer]) {
      expect(parseMessage(frame)).toEqual({
        ok: false,
        reason: 'json',
        errors: [
          {
            pointer: '',
            keyword: 'json',
            expected: 'UTF-8 text short enough for one string',
            found: 'a frame of 65 bytes, too large to decode as a string (Error: Cannot create a string longer than 0x40 characters)',
            message: 'expected UTF-8 text short enough for one string, got a frame of 65 bytes, too large to decode as a string (Error: Cannot create a string longer than 0x40 characters)',
          },
        ],
      });
    }
  });

  it('still throws for bad options, as for any frame that is not JSON', () => {
    expect(() => parseMessage(padded(LIMIT + 1), { mdoe: 'tolerant' } as never)).toThrow(TypeError);
  });
});
