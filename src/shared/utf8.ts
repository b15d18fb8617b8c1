/** UTF-8 checks that name the byte at fault: the CLI's readers of messages, and the readers of schema files. */
import { isUtf8 } from 'node:buffer';

/**
 * Index of the first byte of `bytes` that does not belong to a well-formed UTF-8 sequence
 * (overlong forms, surrogates and code points past U+10FFFF are not UTF-8), or `bytes.length`
 * when there is none. A sequence cut short by the end of `bytes` is bad at its first byte.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const length = bytes.length;
  let i = 0;
  while (i < length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      else if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      else if (b === 0xf4) high = 0x8f;
    } else return i;
    if (i + need >= length) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return length;
}

/**
 * `bytes` as text when they are UTF-8; else why not, naming the first bad byte, its offset and
 * line (a schema saved as Latin-1 was read with U+FFFD in place of its bytes, in every generated
 * file and in a closed list's values).
 */
export function utf8Text(bytes: Uint8Array): { text: string } | { problem: string } {
  if (isUtf8(bytes)) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  const at = firstInvalidUtf8Byte(bytes);
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
  const hex = `0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')}`;
  return { problem: `not UTF-8: the byte ${hex} at byte offset ${at} (line ${line}) is not part of a UTF-8 sequence; save the file as UTF-8 (JSON exchanged between systems is UTF-8, RFC 8259 §8.1)` };
}
